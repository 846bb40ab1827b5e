"""Values of the statistical core that its other tests leave free: each against SciPy, a
closed form or R (the call quoted beside the value), never against the function's own output.

Found by mutation testing (``make mutation``): each test here fails for a change of the code
that the rest of the suite let through.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from leisurenet.analysis import describe as ds
from leisurenet.analysis.bootstrap import (
    INTERVAL_COLUMNS,
    intervals,
    point_estimate,
    quantile_mc_se,
    run_replicates,
    sd_mc_se,
)
from leisurenet.analysis.crosstab import (
    TEST_COLUMNS,
    contingency,
    cramers_v_corrected,
    crosstab_cells,
    crosstab_tests,
    holm,
    linear_by_linear,
    run_crosstabs,
)
from leisurenet.analysis.exact import fisher_monte_carlo
from leisurenet.analysis.fastfit import patterns
from leisurenet.codebook import Codebook
from leisurenet.data.recode import collapse

# t43 <- matrix(c(3, 1, 5, 10, 8, 2, 4, 6, 3, 2, 9, 7), nrow = 4, byrow = TRUE)
T43 = np.array([[3, 1, 5], [10, 8, 2], [4, 6, 3], [2, 9, 7]])


def respondents(counts, rows, cols, ordered=False) -> pd.DataFrame:
    """One respondent per count of ``counts``, as categoricals ``a`` (rows) and ``b`` (columns)."""
    counts = np.asarray(counts)
    r = np.repeat(np.arange(counts.shape[0]), counts.sum(1))
    c = np.concatenate([np.repeat(np.arange(counts.shape[1]), row) for row in counts])
    return pd.DataFrame(
        {
            "a": pd.Categorical.from_codes(r, categories=rows, ordered=ordered),
            "b": pd.Categorical.from_codes(c, categories=cols, ordered=ordered),
        }
    )


# --- intervals for a proportion -------------------------------------------------------------


def test_hypergeometric_interval_excludes_a_k_whose_tail_equals_the_level():
    # N = 8, n = 2, x = 1 at 50 %: each tail may hold 1/4. P(X >= 1 | K) = 1 - C(8-K, 2)/28 is
    # exactly 1/4 at K = 1 (R: phyper(0, 1, 7, 2, lower.tail = FALSE) is 0.25), so K = 1 is
    # rejected: the low limit is 2/8. P(X <= 1 | K) = 1 - C(K, 2)/28 is exactly 1/4 at K = 7
    # (R: phyper(1, 7, 1, 2) is 0.25): the high limit is 6/8.
    assert ds.hypergeometric_ci(1, 2, 8, confidence=0.5) == (2 / 8, 6 / 8)


def test_hypergeometric_interval_of_a_census_is_the_observed_share():
    # Every network of the frame answered: no sampling error, low = high = x/N.
    assert ds.hypergeometric_ci(3, 20, 20) == (3 / 20, 3 / 20)


@pytest.mark.parametrize("confidence", [0.8, 0.95])
def test_wilson_limits_stay_within_zero_and_one(confidence):
    # In exact arithmetic the limits lie in [0, 1] (equal to 1 at x = n); in floating point
    # the upper one can come out a rounding error above 1 (n = 20 at 80 %, for one).
    for n in range(1, 200):
        for x in (0, n):
            low, high = ds.wilson_ci(x, n, confidence)
            assert 0 <= low <= high <= 1


def hypergeometric_by_search(x: int, n: int, N: int, confidence: float) -> tuple[float, float]:
    """The limits by a linear search over every K, from SciPy's hypergeometric tails."""
    tail = (1 - confidence) / 2
    kept = [K for K in range(N + 1) if stats.hypergeom.sf(x - 1, N, K, n) > tail]
    kept = [K for K in kept if stats.hypergeom.cdf(x, N, K, n) > tail]
    return min(kept) / N, max(kept) / N


def answers(codebook: Codebook, values: dict[str, list], plain_missing: bool = False) -> pd.DataFrame:
    """Recoded-like data: per item its codes, 'dk' (don't know) or None (blank). With
    ``plain_missing`` the missing types are plain strings, as a CSV gives them back."""
    data = pd.DataFrame(index=range(len(next(iter(values.values())))))
    for item, codes in values.items():
        data[item] = pd.array([v if isinstance(v, int) else None for v in codes], dtype="Int8")
        kinds = [None if isinstance(v, int) else ("dont_know" if v == "dk" else "blank") for v in codes]
        data[f"{item}_missing"] = (
            pd.Series(kinds, dtype=object)
            if plain_missing
            else pd.Categorical(kinds, categories=["dont_know", "blank"])
        )
        data[f"{item}_cat"] = collapse(codebook, item, data[item])
    return data


# vis_defined (A5: 1-2 negative, 3 neutral, 4-5 positive) and sup_exchange (U4: 1-2
# negative, 3-4 positive, no neutral)
ANSWERS = {
    "vis_defined": [1, 2, 3, 4, 5, 5, "dk", None],
    "sup_exchange": [1, 2, 3, 4, 4, 3, 3, 4],
}
ITEMS = list(ANSWERS)


def test_item_summary_passes_its_level_to_every_interval(codebook):
    got = ds.item_summary(answers(codebook, ANSWERS), codebook, ITEMS, n_frame=20, confidence=0.8).set_index(
        "item"
    )
    # 3 positive of 6 valid answers, 20 networks: at 80 % the hypergeometric interval is
    # 5/20..15/20, at the default 95 % 4/20..16/20 (at 90 % too, which would not tell them apart).
    row = got.loc["vis_defined"]
    assert row.ci_level == 0.8
    assert (row.ci_low, row.ci_high) == hypergeometric_by_search(3, 6, 20, 0.8)
    assert (row.wilson_low, row.wilson_high) == pytest.approx(
        proportion_confint(3, 6, alpha=0.2, method="wilson"), abs=1e-12
    )
    unframed = ds.item_summary(answers(codebook, ANSWERS), codebook, ITEMS, confidence=0.8).set_index("item")
    # R: binom.test(3, 6, conf.level = 0.8)$conf.int
    exact = stats.binomtest(3, 6).proportion_ci(confidence_level=0.8, method="exact")
    assert unframed.loc["vis_defined", ["ci_low", "ci_high"]].tolist() == pytest.approx(
        [exact.low, exact.high], abs=1e-12
    )


def test_item_summary_names_the_construct_and_scale_and_keeps_an_integer_frame(codebook):
    got = ds.item_summary(answers(codebook, ANSWERS), codebook, ITEMS, n_frame=20).set_index("item")
    for item in ANSWERS:
        spec = codebook.items[item]
        assert (got.loc[item, "construct"], got.loc[item, "scale"]) == (spec["construct"], spec["scale"])
    assert str(got["n_frame"].dtype) == "Int64" and got["n_frame"].tolist() == [20, 20]


def test_neutral_shares_of_items_without_a_neutral_answer_are_numbers(codebook):
    # A table of U4 items only: "not applicable" is NaN in a float column, as beside other items.
    got = ds.item_summary(answers(codebook, ANSWERS), codebook, ["sup_exchange"], n_frame=20)
    for column in ("pct_neutral", "pct_neutral_valid"):
        assert got[column].dtype == float and got[column].isna().all()


def test_item_summary_of_a_census(codebook):
    # Every network of the frame answered (frame = respondents): the interval is the share.
    got = ds.item_summary(answers(codebook, ANSWERS), codebook, ITEMS, n_frame=8).set_index("item")
    # sup_exchange: 6 of 8 answered 3 or 4 (U4's positive codes).
    assert got.loc["sup_exchange", ["ci_low", "ci_high"]].tolist() == [6 / 8, 6 / 8]


def test_item_summary_and_distribution_count_absent_missing_types_as_zero(codebook):
    # sup_exchange has neither a don't-know nor a blank answer; vis_defined one of each.
    data = answers(codebook, ANSWERS, plain_missing=True)
    got = ds.item_summary(data, codebook, ITEMS, n_frame=20).set_index("item")
    assert got.loc["sup_exchange", ["n_dont_know", "n_blank", "n_missing"]].tolist() == [0, 0, 0]
    assert got.loc["vis_defined", ["n_dont_know", "n_blank", "n_missing"]].tolist() == [1, 1, 2]
    dist = ds.item_distribution(data, codebook, ITEMS)
    missing = dist[dist["missing"].notna()].set_index(["item", "missing"])["n"]
    assert missing.to_dict() == {
        ("vis_defined", "dont_know"): 1,
        ("vis_defined", "blank"): 1,
        ("sup_exchange", "dont_know"): 0,
        ("sup_exchange", "blank"): 0,
    }
    assert str(dist["code"].dtype) == "Int64"


def test_item_summary_without_respondents_or_items(codebook):
    empty = answers(codebook, ANSWERS).iloc[:0]
    got = ds.item_summary(empty, codebook, items=["vis_defined"])
    assert got["bound_low"].isna().all() and got["bound_high"].isna().all()
    none = ds.item_summary(answers(codebook, ANSWERS), codebook, items=[], n_frame=20)
    assert list(none.columns) == ds.ITEM_COLUMNS and none.empty


# --- cross-tabs ----------------------------------------------------------------------------


@pytest.mark.parametrize("counts", [[[4, 3, 2]], [[4], [3], [2]]])
def test_linear_by_linear_is_nan_without_dividing_when_one_variable_is_constant(counts):
    # r is undefined when either variable has a single score: NaN, without a 0/0 on the way.
    counts = np.array(counts)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m2, p = linear_by_linear(counts, np.arange(1, counts.shape[0] + 1), np.arange(1, counts.shape[1] + 1))
    assert math.isnan(m2) and math.isnan(p)


def test_cells_name_their_variables_and_divide_empty_rows_quietly():
    data = respondents([[3, 0, 2], [0, 0, 0], [1, 4, 5]], ["x", "y", "z"], ["s", "m", "l"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cells = crosstab_cells(data, "a", "b")
    assert (cells["row_var"] == "a").all() and (cells["col_var"] == "b").all()
    # pct_col of column m: 0 of 4 in x, 4 of 4 in z.
    m = cells[cells["col_level"] == "m"].set_index("row_level")["pct_col"]
    assert m["x"] == 0 and m["z"] == 100


def test_run_crosstabs_passes_the_seed_and_the_table_budget():
    # With a budget below T43's tables the p is Monte Carlo, drawn with the configured seed.
    data = respondents(T43, ["r1", "r2", "r3", "r4"], ["s", "m", "l"])
    data["c"] = data["a"]
    families = {"f": {"col": "b", "rows": ["a", "c"]}}
    analysis = {"seed": 7, "monte_carlo_draws": 2000, "exact_max_tables": 1000}
    cells, tests = run_crosstabs(data, families, analysis)
    assert tests.loc[0, "p_exact"] == fisher_monte_carlo(T43, draws=2000, seed=7)[0]
    assert tests.loc[0, "exact_method"] == "Monte Carlo, 2000 draws, seed 7"
    assert tests.loc[0, "n_draws"] == 2000 and tests.loc[0, "n_tables_bound"] > 1000
    # fisher.test(t43)$p.value: 0.039103933506682197, within 3 Monte Carlo SEs
    assert abs(tests.loc[0, "p_exact"] - 0.039103933506682197) < 3 * tests.loc[0, "p_exact_mc_se"]
    assert cells.index.equals(pd.RangeIndex(24))  # one index over both cross-tabs' cells


@pytest.mark.parametrize(
    ("chi2", "n", "shape", "squared"),
    [
        # Bergsma's V~ by hand: phi2 = chi2/n - (r-1)(c-1)/(n-1), r~ = r - (r-1)^2/(n-1),
        # c~ likewise, V~^2 = phi2 / min(r~ - 1, c~ - 1).
        # 2 x 3, chi2 = 10, n = 50: phi2 = 1/5 - 2/49 = 39/245, r~ - 1 = 48/49: V~^2 = 13/80.
        (10.0, 50, (2, 3), 13 / 80),
        # 3 x 4 (and 4 x 3), chi2 = 20, n = 50: phi2 = 2/5 - 6/49 = 68/245, the smaller of
        # r~ - 1 = 94/49 and c~ - 1 = 138/49 is 94/49: V~^2 = 34/235.
        (20.0, 50, (3, 4), 34 / 235),
        (20.0, 50, (4, 3), 34 / 235),
    ],
)
def test_bias_corrected_cramers_v_by_hand(chi2, n, shape, squared):
    assert cramers_v_corrected(chi2, n, shape) == pytest.approx(math.sqrt(squared), rel=1e-12)


def test_holm_caps_adjusted_p_values_at_one():
    p = np.array([0.01, 0.6, 0.9, np.nan])
    expected = multipletests(p[:3], method="holm")[1]  # 0.03, 1, 1
    np.testing.assert_allclose(holm(p)[:3], expected, rtol=1e-12)
    assert expected[1] == 1 and np.isnan(holm(p)[3])


def test_tests_drop_only_empty_levels_and_report_them():
    # Row z and column m hold one respondent each (kept); row y and column e none (dropped).
    counts = [[5, 0, 1, 4], [0, 0, 0, 0], [6, 0, 0, 2], [0, 0, 0, 1]]
    data = respondents(counts, ["x", "y", "w", "z"], ["s", "e", "m", "l"])
    data.loc[len(data)] = [pd.NA, "s"]
    out = crosstab_tests(data, "a", "b", draws=1000, seed=1)
    reduced = np.array([[5, 1, 4], [6, 0, 2], [0, 0, 1]])
    ref = stats.chi2_contingency(reduced, correction=False)
    assert out["row_var"] == "a" and out["col_var"] == "b" and out["n_excluded_missing"] == 1
    assert (out["n_rows_tested"], out["n_cols_tested"], out["n"]) == (3, 3, 19)
    assert out["empty_levels_dropped"] == "a=y|b=e"
    assert out["chi2"] == pytest.approx(ref.statistic, rel=1e-12) and out["df"] == ref.dof == 4


def test_an_untested_table_has_every_column_and_no_statistic():
    data = respondents([[0, 0], [4, 5]], ["x", "y"], ["s", "l"])
    out = crosstab_tests(data, "a", "b", draws=1000, seed=1)
    assert set(out) == set(TEST_COLUMNS) - {"family", "p_holm"}
    statistics = ["chi2", "p_chi2", "p_exact", "p_linear_by_linear", "m2_linear_by_linear", "cramers_v"]
    statistics += ["cramers_v_corrected", "min_expected", "share_expected_below_5", "p_exact_mc_se"]
    assert all(math.isnan(out[name]) for name in statistics)
    assert (out["df"], out["n_tables_bound"], out["n_draws"]) == (0, 0, 0)


def test_a_2x2_table_with_expected_counts_of_exactly_5():
    # Margins 10 and 10 of 20: every expected count is 5, which is not below 5.
    # chi2 = 4 (7 - 5)^2 / 5 = 3.2; Bergsma: phi2 = 3.2/20 - 1/19 = 51/475, r~ - 1 = 18/19,
    # V~^2 = 17/150.
    out = crosstab_tests(respondents([[7, 3], [3, 7]], ["x", "y"], ["s", "l"]), "a", "b", draws=100, seed=1)
    assert out["min_expected"] == 5 and out["share_expected_below_5"] == 0
    assert out["chi2"] == pytest.approx(3.2, rel=1e-12)
    assert out["cramers_v_corrected"] == pytest.approx(math.sqrt(17 / 150), rel=1e-12)
    assert out["p_exact"] == pytest.approx(stats.fisher_exact([[7, 3], [3, 7]]).pvalue, rel=1e-10)
    assert out["n_draws"] == 0 and out["n_tables_bound"] >= 1


def test_a_table_of_plain_columns_has_their_sorted_values_as_levels():
    data = pd.DataFrame({"r": ["y", "x", "y", "x", "y"], "c": [2, 1, 1, 1, 2]})
    table, n_missing = contingency(data, "r", "c")
    assert table.index.tolist() == ["x", "y"] and table.columns.tolist() == [1, 2]
    assert table.to_numpy().tolist() == [[2, 0], [1, 2]] and n_missing == 0
    assert (table.index.name, table.columns.name) == ("r", "c") and table.to_numpy().dtype == np.int64


def test_a_trailing_empty_level_keeps_its_row_and_column():
    data = respondents([[2, 1, 0], [3, 4, 0], [0, 0, 0]], ["x", "y", "z"], ["s", "m", "l"])
    table, _ = contingency(data, "a", "b")
    assert table.to_numpy().tolist() == [[2, 1, 0], [3, 4, 0], [0, 0, 0]]


def test_cells_without_any_complete_pair_expect_nothing():
    data = respondents([[2, 1], [3, 4]], ["x", "y"], ["s", "l"])
    data["b"] = pd.Categorical([None] * len(data), categories=["s", "l"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cells = crosstab_cells(data, "a", "b")
    assert len(cells) == 4 and (cells["n"] == 0).all() and (cells["expected"] == 0).all()


# --- bootstrap -----------------------------------------------------------------------------


def two_by_two(a: int, b: int, c: int, d: int):
    """Patterns of a binary predictor x by a binary outcome y: a, b the outcomes 0, 1 at x = 0,
    c, d at x = 1. The model's slope is then the log odds ratio log(a d / (b c))."""
    x = np.repeat([0.0, 0.0, 1.0, 1.0], [a, b, c, d])[:, None]
    y = np.repeat([0, 1, 0, 1], [a, b, c, d])
    return patterns(x, y, ["x"], [0, 1])


def test_the_point_estimate_is_the_log_odds_ratio():
    assert point_estimate(two_by_two(40, 25, 22, 48))["x"] == pytest.approx(
        math.log(40 * 48 / (25 * 22)), abs=1e-8
    )


def test_replicates_are_named_by_replicate_status_and_term():
    table = run_replicates(two_by_two(40, 25, 22, 48), seed=1, replicates=range(3))
    assert list(table.columns) == ["replicate", "status", "x"] and (table["status"] == "ok").all()


def test_intervals_against_numpy_and_rs_definitions():
    # R: x <- c(0.1, 0.4, 0.2, 0.9, 0.5); mean(x) is 0.42, sd(x) sqrt(0.388 / 4), and
    # quantile(x, c(0.05, 0.95)) (type 7) 0.12 and 0.82.
    values = [0.1, 0.4, 0.2, 0.9, 0.5]
    replicates = pd.DataFrame(
        {
            "x": [*values, np.nan],
            "two": [0.3, 0.5, *[np.nan] * 4],
            "one": [0.3, *[np.nan] * 5],
            "none": [np.nan] * 6,
        }
    )
    estimate = pd.Series({"x": 0.35, "two": 0.4, "one": 0.3, "none": 0.2})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no mean or standard deviation of too few values
        got = intervals(replicates, estimate, 0.9).set_index("term")
    x = got.loc["x"]
    assert x.estimate == 0.35 and x.boot_mean == pytest.approx(0.42) and x.bias == pytest.approx(0.07)
    assert x.boot_se == pytest.approx(math.sqrt(0.388 / 4), rel=1e-12)
    assert (x.ci_low, x.ci_high) == pytest.approx((0.12, 0.82), abs=1e-12)
    expected_or = (math.exp(0.35), math.exp(0.12), math.exp(0.82))
    assert (x.odds_ratio, x.or_ci_low, x.or_ci_high) == pytest.approx(expected_or, rel=1e-12)
    assert (x.n_replicates, x.n_valid, x.method) == (6, 5, "percentile, 90%")
    assert got.loc["two", "boot_se"] == pytest.approx(math.sqrt(0.02), rel=1e-12)  # sd(c(0.3, 0.5))
    assert got.loc["one", "boot_mean"] == 0.3 and math.isnan(got.loc["one", "boot_se"])
    assert math.isnan(got.loc["none", "boot_mean"]) and got.loc["none", "n_valid"] == 0
    empty = intervals(replicates, pd.Series(dtype=float), 0.9)
    assert list(empty.columns) == INTERVAL_COLUMNS and empty.empty


def test_quantile_mc_se_needs_a_value_on_each_side_of_the_quantile():
    # Maritz-Jarrett with B = 10 values: m = floor(q B + 0.5); the weights are those of the
    # Beta(m - 1, B - m) distribution over the B bins (scipy.stats.beta), so m = 1 and m = B
    # have none.
    values = np.arange(1.0, 11.0) ** 2
    assert math.isnan(quantile_mc_se(values, 0.05)) and math.isnan(quantile_mc_se(values, 0.95))
    for q, m in ((0.15, 2), (0.85, 9)):
        w = np.diff(stats.beta.cdf(np.arange(11) / 10, m - 1, 10 - m))
        expected = math.sqrt(w @ values**2 - (w @ values) ** 2)
        assert quantile_mc_se(values, q) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # s sqrt(k - 1) / (2 sqrt(B)), k = m4 / m2^2 (population moments):
        # -4, 0 (6 times), 4: m2 = 4, m4 = 64, k = 4, s^2 = 32/7: sqrt(32/7 * 3 / 32) = sqrt(3/7)
        ([-4, 0, 0, 0, 0, 0, 0, 4], math.sqrt(3 / 7)),
        # two values: k = 1, no spread of the sample variance to speak of
        ([3, 5], 0.0),
        # equal values: s = 0
        ([2, 2, 2], 0.0),
    ],
)
def test_sd_mc_se_by_the_delta_method(values, expected):
    assert sd_mc_se(np.array(values, dtype=float)) == pytest.approx(expected, abs=1e-12)
