"""Cross-tabs: every statistic against SciPy, statsmodels, a closed form or R reference values.

The R values were computed with R 4.2.2 (Rscript, options(digits = 17)); the call is
quoted beside each. R is not needed to run these tests.
"""

from __future__ import annotations

import itertools
import math
import time
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats
from statsmodels.stats.multitest import multipletests

from leisurenet.analysis.crosstab import (
    CELL_COLUMNS,
    TEST_COLUMNS,
    contingency,
    cramers_v,
    cramers_v_corrected,
    crosstab_cells,
    crosstab_name,
    crosstab_tests,
    holm,
    linear_by_linear,
    pearson_chi2,
    run_crosstabs,
)
from leisurenet.analysis.exact import (
    DEFAULT_MAX_TABLES,
    EXACT_METHOD,
    MAX_FILLINGS,
    MAX_INCLUSION_EXCLUSION_PARTS,
    NetworkTooLarge,
    _compositions,
    _n_compositions,
    _n_compositions_convolution,
    fisher_exact_enumeration,
    fisher_exact_network,
    fisher_exact_rxc,
    fisher_monte_carlo,
    n_fillings,
    n_tables_bound,
)
from leisurenet.paths import SCHEMAS

# t33 <- matrix(c(8, 3, 2, 4, 6, 5, 1, 4, 12), nrow = 3, byrow = TRUE)
T33 = np.array([[8, 3, 2], [4, 6, 5], [1, 4, 12]])
# t43 <- matrix(c(3, 1, 5, 10, 8, 2, 4, 6, 3, 2, 9, 7), nrow = 4, byrow = TRUE)
T43 = np.array([[3, 1, 5], [10, 8, 2], [4, 6, 3], [2, 9, 7]])
# The replica's role_act x size_class table at the time of writing (n = 77), fixed here.
# t77 <- matrix(c(2, 3, 4, 15, 14, 7, 5, 7, 1, 9, 6, 4), nrow = 4, byrow = TRUE)
T77 = np.array([[2, 3, 4], [15, 14, 7], [5, 7, 1], [9, 6, 4]])
# t23 <- matrix(c(0, 5, 3, 31, 25, 13), nrow = 2, byrow = TRUE)
T23 = np.array([[0, 5, 3], [31, 25, 13]])
# A 2 x 3 table with a tiny p (the tail of many tables).
# t23b <- matrix(c(10, 30, 25, 10, 18, 2), nrow = 2)
T23B = np.array([[10, 25, 18], [30, 10, 2]])

# fisher.test(t, workspace = 2e8)$p.value
R_FISHER = {
    "t33": (T33, 0.0061684818787013877),
    "t43": (T43, 0.039103933506682197),
    "t77": (T77, 0.53957180814780825),
    "t23": (T23, 0.031420579654179583),
    "t23b": (T23B, 3.6528266547537848e-07),
}


def frame_from_table(counts, rows, cols, ordered=(False, False)) -> pd.DataFrame:
    """One respondent per count, as categoricals with the given levels."""
    counts = np.asarray(counts)
    r = np.repeat(np.arange(counts.shape[0]), counts.sum(1))
    c = np.concatenate([np.repeat(np.arange(counts.shape[1]), row) for row in counts])
    return pd.DataFrame(
        {
            "a": pd.Categorical.from_codes(r, categories=rows, ordered=ordered[0]),
            "b": pd.Categorical.from_codes(c, categories=cols, ordered=ordered[1]),
        }
    )


def test_crosstab_name_drops_the_suffixes():
    assert crosstab_name("role_act", "size_class") == "role_act_by_size"
    assert crosstab_name("rep_voice_cat", "size_class") == "rep_voice_by_size"
    assert crosstab_name("catalog", "classy") == "catalog_by_classy"


@pytest.mark.parametrize("name", R_FISHER)
def test_exact_p_equals_r_fisher_test(name):
    table, r_value = R_FISHER[name]
    assert fisher_exact_enumeration(table) == pytest.approx(r_value, rel=1e-10)
    # Transposed and with rows permuted the table has the same p.
    assert fisher_exact_enumeration(table.T[:, ::-1]) == pytest.approx(r_value, rel=1e-10)


# Sparse role-by-size-like tables: 5 x 3 and 5 x 4 at n = 77 and n = 150.
# fisher.test(m, workspace = 2e8, hybrid = FALSE)$p.value, printed with sprintf('%.15g', ...)
R_NETWORK = {
    # t53 <- matrix(c(2, 3, 4, 14, 13, 6, 5, 7, 1, 9, 6, 3, 1, 2, 1), nrow = 5, byrow = TRUE)
    "t53": ([[2, 3, 4], [14, 13, 6], [5, 7, 1], [9, 6, 3], [1, 2, 1]], 0.652445491340968),
    # t54 <- matrix(c(1, 2, 3, 3, 8, 10, 9, 6, 3, 5, 2, 3, 4, 6, 5, 3, 0, 2, 1, 1), nrow = 5, byrow = TRUE)
    "t54": ([[1, 2, 3, 3], [8, 10, 9, 6], [3, 5, 2, 3], [4, 6, 5, 3], [0, 2, 1, 1]], 0.989022528184771),
    # t54c <- matrix(c(5, 3, 1, 0, 4, 12, 10, 7, 1, 3, 5, 4, 0, 5, 7, 6, 3, 1, 0, 0), nrow = 5, byrow = TRUE)
    "t54c": ([[5, 3, 1, 0], [4, 12, 10, 7], [1, 3, 5, 4], [0, 5, 7, 6], [3, 1, 0, 0]], 0.0141376446537804),
    # t53b <- matrix(c(4, 6, 7, 27, 25, 13, 10, 13, 3, 17, 12, 7, 2, 3, 1), nrow = 5, byrow = TRUE)
    "t53b": ([[4, 6, 7], [27, 25, 13], [10, 13, 3], [17, 12, 7], [2, 3, 1]], 0.515474480075678),
    # t54b <- matrix(c(2, 4, 5, 6, 16, 19, 17, 13, 6, 9, 5, 6, 8, 11, 10, 7, 1, 3, 1, 1),
    #                nrow = 5, byrow = TRUE)
    "t54b": ([[2, 4, 5, 6], [16, 19, 17, 13], [6, 9, 5, 6], [8, 11, 10, 7], [1, 3, 1, 1]], 0.9784850942791),
}


@pytest.mark.parametrize(
    "name", [*R_FISHER, *(pytest.param(k, marks=pytest.mark.slow) if k == "t54b" else k for k in R_NETWORK)]
)
def test_network_p_equals_r_fisher_test(name):
    table, r_value = R_FISHER[name] if name in R_FISHER else R_NETWORK[name]
    table = np.array(table)
    assert fisher_exact_network(table) == pytest.approx(r_value, abs=1e-10)
    assert fisher_exact_network(table.T[::-1]) == pytest.approx(r_value, abs=1e-10)


def test_network_equals_the_enumeration_on_random_tables():
    rng = np.random.default_rng(2024)
    for _ in range(200):
        shape = rng.integers(2, 5, size=2)
        table = rng.integers(0, 7, size=shape) * (rng.random(shape) < 0.8)
        assert fisher_exact_network(table) == pytest.approx(fisher_exact_enumeration(table), abs=1e-12)


def test_network_stops_at_its_budget():
    table = np.array(R_NETWORK["t54c"][0])
    with pytest.raises(NetworkTooLarge):
        fisher_exact_network(table, max_pairs=1000)
    assert fisher_exact_network(np.array([[0, 0], [4, 5]])) == 1.0


@pytest.mark.parametrize("table", [[[3, 1], [1, 3]], [[10, 2], [3, 15]], [[0, 5], [7, 2]], [[12, 5], [9, 6]]])
def test_exact_p_of_2x2_equals_scipy(table):
    assert fisher_exact_enumeration(np.array(table)) == pytest.approx(
        stats.fisher_exact(table).pvalue, rel=1e-10
    )


def test_headline_size_table_is_exact_and_fast():
    # 4 roles x 3 size classes at n = 77: at most 1.2 million tables, well in budget.
    result = fisher_exact_rxc(T77, draws=1000, seed=1)
    assert result.method == EXACT_METHOD and result.n_draws == 0
    assert n_tables_bound(T77) == result.n_tables_bound <= 2_000_000


def test_exact_p_goes_through_the_network_and_falls_back_at_its_budget():
    table, r_value = R_FISHER["t77"]
    table = np.array(table)
    exact = fisher_exact_rxc(table, draws=1000, seed=1)
    assert exact.method == EXACT_METHOD and exact.p == pytest.approx(r_value, abs=1e-10)
    assert exact.n_tables_bound == n_tables_bound(table) and math.isnan(exact.mc_se)
    over = fisher_exact_rxc(table, draws=1000, seed=1, max_pairs=1)
    assert over.method == "Monte Carlo, 1000 draws, seed 1" and over.n_draws == 1000
    assert over.n_tables_bound == exact.n_tables_bound
    assert over.p == fisher_monte_carlo(table, draws=1000, seed=1)[0]


def test_monte_carlo_is_reproducible():
    p1, se = fisher_monte_carlo(T43, draws=100_000, seed=20161103)
    p2, _ = fisher_monte_carlo(T43, draws=100_000, seed=20161103)
    assert p1 == p2
    assert fisher_monte_carlo(T43, draws=100_000, seed=1)[0] != p1
    assert se == pytest.approx(math.sqrt(p1 * (1 - p1) / 100_000))
    # The p can never be 0: (1 + hits) / (1 + draws).
    assert fisher_monte_carlo(np.array([[20, 0], [0, 20]]), draws=999, seed=1)[0] >= 1 / 1000


@pytest.mark.parametrize("name", ["t33", "t43", "t77", "t23"])
def test_monte_carlo_is_within_3_se_of_the_exact_p(name):
    # The reference is independent of the sampler: R's exact fisher.test (above), which the
    # enumeration reproduces. R's own simulate.p.value = TRUE draws with another generator,
    # so it cannot be matched draw for draw.
    table, r_value = R_FISHER[name]
    p, se = fisher_monte_carlo(table, draws=100_000, seed=20161103)
    assert abs(p - r_value) < 3 * se
    assert abs(p - fisher_exact_enumeration(table)) < 3 * se


def test_monte_carlo_counts_draws_by_their_hypergeometric_probabilities():
    # Every table with the margins of a small 2 x 3 table, each through fisher_monte_carlo with
    # one seed (so the same draws): each p gives how many draws are at most as probable as that
    # table, and the steps between the distinct probabilities are the draws' frequencies of each
    # probability. Against the closed form prod(r!) prod(c!) / (n! prod(x!)), summed over the
    # tables of that probability, within 4 binomial SEs: a wrong margin, cutoff, tie rule or
    # count in the sampling of the tables or the p moves them.
    rows, cols = np.array([4, 5]), np.array([3, 2, 4])
    draws = 100_000
    first_rows = [v for v in itertools.product(*(range(c + 1) for c in cols)) if sum(v) == rows[0]]
    support = [np.array([first, cols - np.array(first)]) for first in first_rows]
    margins, n = math.prod(map(math.factorial, [*rows, *cols])), math.factorial(int(rows.sum()))
    exact = [Fraction(margins, n * math.prod(map(math.factorial, t.ravel().tolist()))) for t in support]
    assert sum(exact) == 1
    at_most = {}  # draws at most as probable as each distinct probability
    for table, prob in zip(support, exact, strict=True):
        p, se = fisher_monte_carlo(table, draws=draws, seed=5)
        assert se == pytest.approx(math.sqrt(p * (1 - p) / draws))
        hits = round(p * (draws + 1)) - 1
        assert at_most.setdefault(prob, hits) == hits  # tables as probable as each other: one p
    below = 0
    for prob in sorted(at_most):
        mass = float(sum(e for e in exact if e == prob))
        freq = (at_most[prob] - below) / draws
        assert abs(freq - mass) < 4 * math.sqrt(mass * (1 - mass) / draws), (prob, freq, mass)
        below = at_most[prob]
    assert below == draws  # every draw is at most as probable as the most probable table
    assert len(at_most) < len(support)  # ties among the tables: the tie rule is exercised


def test_monte_carlo_ignores_empty_rows_and_columns():
    # Patefield's algorithm needs positive margins; an empty level changes no probability.
    padded = np.zeros((5, 4), dtype=int)
    padded[np.ix_([0, 1, 3, 4], [0, 2, 3])] = T43
    assert fisher_monte_carlo(padded, draws=5000, seed=3) == fisher_monte_carlo(T43, draws=5000, seed=3)
    assert fisher_monte_carlo(np.array([[0, 0], [4, 5]]), draws=1000, seed=1) == (1.0, 0.0)


def test_large_tables_get_monte_carlo_quickly():
    # The headline table scaled to n = 100,000: the bound (about n^6) is computed exactly in
    # well under a second, and the p-value comes from Monte Carlo, within 3 SEs of the
    # chi-square p (accurate at these expected counts).
    big = np.round(T77 * 100_000 / T77.sum()).astype(np.int64)
    start = time.perf_counter()
    result = fisher_exact_rxc(big, draws=100_000, seed=20161103)
    assert time.perf_counter() - start < 20
    assert result.method.startswith("Monte Carlo") and result.n_tables_bound > 10**20
    assert abs(result.p - pearson_chi2(big)[2]) < 3 * result.mc_se + 1e-4


def test_bound_counts_the_fillings_exactly():
    # Inclusion-exclusion against the convolution and against listing every filling.
    rng = np.random.default_rng(11)
    for _ in range(200):
        caps = rng.integers(0, 9, size=int(rng.integers(1, 6)))
        total = int(rng.integers(0, caps.sum() + 3))
        listed = len(_compositions(total, caps)) if total <= caps.sum() else 0
        assert _n_compositions(total, caps) == listed
        assert _n_compositions_convolution(total, [int(c) for c in caps]) == listed
    many = np.ones(MAX_INCLUSION_EXCLUSION_PARTS + 2, dtype=int) * 3
    assert _n_compositions(20, many) == _n_compositions_convolution(20, many.tolist())


def test_tables_too_large_to_hold_are_not_enumerated():
    # Few complete tables (about 10^5) but 10^9 partial fillings on the way.
    tiny_margin = np.array([[25_000, 25_000], [25_000, 25_000], [1, 0]])
    # Respondents and non-respondents of a frame of 13,506 by size class: 5.7 million tables
    # (3 s) but 29 million fillings of the one enumerated column (about 2 GB).
    frame = np.array([[4026, 3896, 2078], [1818, 1169, 519]])
    for table in (tiny_margin, frame):
        assert n_tables_bound(table) <= DEFAULT_MAX_TABLES and n_fillings(table) > MAX_FILLINGS
        assert fisher_exact_rxc(table, draws=2000, seed=1).method.startswith("Monte Carlo")
    # With the tiny margin among the enumerated parts it stays exact (and equals SciPy).
    small = np.array([[3, 40_000], [2, 60_000]])
    exact = fisher_exact_rxc(small, draws=2000, seed=1)
    assert exact.method == EXACT_METHOD and n_fillings(small) < 100
    assert exact.p == pytest.approx(stats.fisher_exact(small).pvalue, rel=1e-9)


def test_enumeration_in_smaller_chunks_gives_the_same_p(monkeypatch):
    # Partial tables meet the last column's fillings in chunks of at most MAX_PAIRS pairs.
    monkeypatch.setattr("leisurenet.analysis.exact.MAX_PAIRS", 50)
    for name in ("t43", "t77"):
        table, r_value = R_FISHER[name]
        assert fisher_exact_enumeration(table) == pytest.approx(r_value, rel=1e-10)


def test_library_default_budget_is_the_schema_default():
    # The library's default for callers outside the pipeline may not drift from the config's.
    schema = yaml.safe_load((SCHEMAS / "config.schema.yaml").read_text(encoding="utf-8"))
    assert schema["properties"]["analysis"]["properties"]["exact_max_tables"]["default"] == DEFAULT_MAX_TABLES


def test_over_budget_falls_back_to_monte_carlo():
    result = fisher_exact_rxc(T43, draws=20_000, seed=7, max_tables=1000)
    assert result.method == "Monte Carlo, 20000 draws, seed 7"
    assert result.n_draws == 20_000 and result.n_tables_bound > 1000
    assert abs(result.p - R_FISHER["t43"][1]) < 3 * result.mc_se


@pytest.mark.parametrize("table", [T33, T43, T77, T23[:, 1:]])
def test_chi2_and_expected_equal_scipy(table):
    chi2, df, p, expected = pearson_chi2(table)
    ref = stats.chi2_contingency(table, correction=False)
    assert chi2 == pytest.approx(ref.statistic, rel=1e-12)
    assert df == ref.dof and p == pytest.approx(ref.pvalue, rel=1e-10)
    np.testing.assert_allclose(expected, ref.expected_freq, rtol=1e-12)
    # chisq.test(t43, correct = FALSE)$statistic: 12.547703156836286
    if table is T43:
        assert chi2 == pytest.approx(12.547703156836286, rel=1e-12)


@pytest.mark.parametrize("table", [T33, T43])
def test_linear_by_linear_equals_closed_form(table):
    rows, cols = np.nonzero(table)
    u = np.repeat(rows + 1, table[rows, cols])
    v = np.repeat(cols + 1, table[rows, cols])
    r = np.corrcoef(u, v)[0, 1]
    m2, p = linear_by_linear(table, np.arange(1, table.shape[0] + 1), np.arange(1, table.shape[1] + 1))
    assert m2 == pytest.approx((table.sum() - 1) * r**2, rel=1e-12)
    assert p == pytest.approx(stats.chi2.sf(m2, 1), rel=1e-12)


def test_linear_by_linear_equals_r_cor():
    # x <- t33; u <- rep(row(x), x); v <- rep(col(x), x); cor(u, v)  -> 0.54144798184265053
    # (sum(x) - 1) * cor(u, v)^2 -> 12.899300349825085; pchisq(.., 1, lower.tail = FALSE)
    # -> 0.00032870498401174896
    m2, p = linear_by_linear(T33, [1, 2, 3], [1, 2, 3])
    assert m2 == pytest.approx(44 * 0.54144798184265053**2, rel=1e-12)
    assert m2 == pytest.approx(12.899300349825085, rel=1e-12)
    assert p == pytest.approx(0.00032870498401174896, rel=1e-9)


def test_cramers_v_and_bergsma_correction_by_hand():
    chi2, n = 12.547703156836286, 60  # T43
    assert cramers_v(chi2, n, (4, 3)) == pytest.approx(math.sqrt(12.547703156836286 / (60 * 2)))
    # Bergsma (2013): phi2~ = chi2/n - (r-1)(c-1)/(n-1); r~ = r - (r-1)^2/(n-1); k~ likewise.
    phi2 = 12.547703156836286 / 60 - 3 * 2 / 59
    r_t, k_t = 4 - 9 / 59, 3 - 4 / 59
    hand = math.sqrt(phi2 / min(r_t - 1, k_t - 1))
    assert cramers_v_corrected(chi2, n, (4, 3)) == pytest.approx(hand, rel=1e-12)
    assert hand == pytest.approx(0.23580, abs=5e-6)
    # Below its expectation under independence the corrected V is 0, not imaginary.
    assert cramers_v_corrected(1.0, 60, (4, 3)) == 0.0


def test_holm_equals_statsmodels():
    p = np.array([0.01, 0.04, 0.03, 0.2, 0.005, 0.04])
    np.testing.assert_allclose(holm(p), multipletests(p, method="holm")[1], rtol=1e-14)
    with_nan = np.array([0.01, np.nan, 0.03])
    got = holm(with_nan)
    assert np.isnan(got[1])
    np.testing.assert_allclose(got[[0, 2]], multipletests([0.01, 0.03], method="holm")[1])


def test_cells_keep_empty_levels_and_leave_out_missing():
    data = frame_from_table([[3, 0, 2], [0, 0, 0], [1, 4, 5]], ["x", "y", "z"], ["s", "m", "l"])
    data.loc[len(data)] = [pd.NA, "s"]
    data.loc[len(data)] = ["x", pd.NA]
    table, n_missing = contingency(data, "a", "b")
    assert n_missing == 2 and table.to_numpy().sum() == 15
    cells = crosstab_cells(data, "a", "b")
    assert list(cells.columns) == CELL_COLUMNS and len(cells) == 9
    y = cells[cells["row_level"] == "y"]
    assert (y["n"] == 0).all() and (y["expected"] == 0).all() and y["pct_row"].isna().all()
    x_s = cells[(cells["row_level"] == "x") & (cells["col_level"] == "s")].iloc[0]
    assert x_s["pct_row"] == pytest.approx(100 * 3 / 5) and x_s["pct_col"] == pytest.approx(100 * 3 / 4)
    assert x_s["expected"] == pytest.approx(5 * 4 / 15)


def test_tests_drop_empty_levels_and_score_ordered_levels_in_place():
    counts = [[3, 2, 2], [0, 0, 0], [1, 4, 5]]
    data = frame_from_table(counts, ["neg", "neu", "pos"], ["s", "m", "l"], ordered=(True, True))
    out = crosstab_tests(data, "a", "b", draws=1000, seed=1)
    reduced = np.array([[3, 2, 2], [1, 4, 5]])
    ref = stats.chi2_contingency(reduced, correction=False)
    assert out["df"] == 2 and out["chi2"] == pytest.approx(ref.statistic)
    assert out["min_expected"] == pytest.approx(ref.expected_freq.min())
    assert out["empty_levels_dropped"] == "a=neu" and out["n_rows_tested"] == 2
    assert out["p_exact"] == pytest.approx(fisher_exact_enumeration(reduced))
    # Scores are the levels' positions (1 and 3 here); r, so M2, is the same for any
    # increasing scores of two levels, but the closed form uses the positions.
    u = np.repeat([1, 3], [7, 10])
    v = np.concatenate([np.repeat([1, 2, 3], [3, 2, 2]), np.repeat([1, 2, 3], [1, 4, 5])])
    assert out["m2_linear_by_linear"] == pytest.approx(16 * np.corrcoef(u, v)[0, 1] ** 2)
    unordered = crosstab_tests(data.assign(a=data["a"].cat.as_unordered()), "a", "b", draws=1000, seed=1)
    assert math.isnan(unordered["p_linear_by_linear"]) and unordered["chi2"] == out["chi2"]


def test_a_table_with_one_nonempty_row_is_not_tested():
    data = frame_from_table([[0, 0], [4, 5]], ["x", "y"], ["s", "l"])
    out = crosstab_tests(data, "a", "b", draws=1000, seed=1)
    assert math.isnan(out["p_exact"]) and out["exact_method"].startswith("not tested")


def test_run_crosstabs_adjusts_within_families():
    rng = np.random.default_rng(3)
    data = pd.DataFrame(
        {
            name: pd.Categorical(rng.choice(levels, size=60), categories=levels, ordered=True)
            for name, levels in {
                "size_class": ["small", "medium", "large"],
                "p_cat": ["negative", "neutral", "positive"],
                "q_cat": ["negative", "neutral", "positive"],
                "r_cat": ["negative", "positive"],
                "role": ["facilitator", "coproducer", "commissioner", "mixed"],
            }.items()
        }
    )
    families = {
        "one": {"col": "size_class", "rows": ["p_cat", "q_cat", "r_cat"]},
        "two": {"col": "size_class", "rows": ["role"]},
    }
    analysis = {"seed": 1, "monte_carlo_draws": 1000, "exact_max_tables": DEFAULT_MAX_TABLES}
    cells, tests = run_crosstabs(data, families, analysis)
    assert list(tests.columns) == TEST_COLUMNS
    assert tests["crosstab"].tolist() == ["p_by_size", "q_by_size", "r_by_size", "role_by_size"]
    one = tests[tests["family"] == "one"]
    np.testing.assert_allclose(one["p_holm"], multipletests(one["p_exact"], method="holm")[1])
    assert tests.loc[3, "p_holm"] == tests.loc[3, "p_exact"]
    assert len(cells) == 9 + 9 + 6 + 12
    # Percentages add to 100 within each row and column of every cross-tab.
    for keys, pct in (("row_level", "pct_row"), ("col_level", "pct_col")):
        sums = cells.groupby(["crosstab", keys])[pct].sum()
        np.testing.assert_allclose(sums, 100)


def test_the_configured_crosstabs_run_on_the_replica(recoded, config):
    cells, tests = run_crosstabs(recoded, config["crosstabs"], config["analysis"])
    headline = tests.set_index("crosstab").loc["role_act_by_size"]
    assert headline["exact_method"] == EXACT_METHOD and headline["n"] > 0
    assert math.isnan(headline["p_linear_by_linear"])  # roles are not ordered
    assert (tests["p_holm"] >= tests["p_exact"] - 1e-15).all()
    assert set(cells["crosstab"]) == set(tests["crosstab"])
