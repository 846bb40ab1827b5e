"""Descriptive statistics, pinned to R (values pasted, the R call quoted), SciPy,
statsmodels, pingouin or a closed form, on small fixed data sets embedded here.

The R reference values come from R 4.x with psych 2.2.9; R is not needed to run the tests.
"""

from __future__ import annotations

import copy
import logging
import runpy
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from leisurenet.analysis import describe as ds
from leisurenet.analysis.nonresponse import (
    NONRESPONSE_COLUMNS,
    TEST_COLUMNS,
    nonresponse_table,
    nonresponse_tests,
)
from leisurenet.analysis.paired import paired_comparisons, paired_items, wilcoxon_signed_rank
from leisurenet.analysis.scales import (
    cronbach_alpha,
    item_total,
    omega_total,
    one_factor_loadings,
    scale_reliability,
)
from leisurenet.codebook import Codebook
from leisurenet.data.recode import collapse
from leisurenet.io import read_clean_frame, write_parquet
from leisurenet.outputs import of_rule

from ..conftest import ROOT

# Four 5-point items, 24 respondents (R: the data.frame d below).
# d <- data.frame(
#   a = c(3,3,1,2,2,2,2,4,2,2,4,3,3,3,2,4,2,3,1,2,2,1,2,3),
#   b = c(2,5,3,1,3,3,3,5,3,3,5,3,3,2,3,3,1,2,2,3,1,2,3,1),
#   c = c(3,3,4,3,2,2,3,5,2,2,4,3,3,1,3,3,3,3,2,3,1,4,2,4),
#   d = c(2,3,1,1,3,2,3,5,2,2,3,4,3,2,4,4,1,3,2,1,2,2,3,3))
ITEMS = pd.DataFrame(
    {
        "a": [3, 3, 1, 2, 2, 2, 2, 4, 2, 2, 4, 3, 3, 3, 2, 4, 2, 3, 1, 2, 2, 1, 2, 3],
        "b": [2, 5, 3, 1, 3, 3, 3, 5, 3, 3, 5, 3, 3, 2, 3, 3, 1, 2, 2, 3, 1, 2, 3, 1],
        "c": [3, 3, 4, 3, 2, 2, 3, 5, 2, 2, 4, 3, 3, 1, 3, 3, 3, 3, 2, 3, 1, 4, 2, 4],
        "d": [2, 3, 1, 1, 3, 2, 3, 5, 2, 2, 3, 4, 3, 2, 4, 4, 1, 3, 2, 1, 2, 2, 3, 3],
    }
).astype(float)
# a <- psych::alpha(d)
ALPHA = 0.74022633744856  # a$total$raw_alpha
FELDT = (0.515866521464575, 0.875887000987158)  # a$feldt$lower.ci, a$feldt$upper.ci
R_DROP = [0.584070376013971, 0.555049273832565, 0.381325144251945, 0.639590422109835]  # a$item.stats$r.drop
# a$alpha.drop$raw_alpha
ALPHA_DROP = [0.660607866507747, 0.67184740374426, 0.7590859030837, 0.615761821366025]
# as.numeric(psych::fa(d, nfactors = 1, fm = "ml")$loadings)
FA_ML = [0.733103886025044, 0.615548904801618, 0.39718553925317, 0.847938447390161]
# as.numeric(factanal(d, factors = 1)$loadings)
FACTANAL = [0.733104025223573, 0.615549527719523, 0.397188409932719, 0.847936228089053]
# l <- FA_ML; sum(l)^2 / (sum(l)^2 + sum(1 - l^2))
OMEGA = 0.752993177731333

# Scale items of the project's codebook that the fixed data stand in for.
SCALE_ITEMS = ["vis_defined", "vis_consensus", "vis_poverty_defined", "vis_poverty_shared"]


def recoded_from(codebook: Codebook, answers: dict[str, list]) -> pd.DataFrame:
    """A recoded-like data set: per item a list of codes, 'dk' (weet niet) or None (blank)."""
    n = len(next(iter(answers.values())))
    data = pd.DataFrame({"resp_id": [f"R{i:03d}" for i in range(n)]})
    for item, values in answers.items():
        codes = pd.array([v if isinstance(v, int) else None for v in values], dtype="Int8")
        kinds = [None if isinstance(v, int) else ("dont_know" if v == "dk" else "blank") for v in values]
        data[item] = codes
        data[f"{item}_missing"] = pd.Categorical(kinds, categories=["dont_know", "blank"])
        data[f"{item}_cat"] = collapse(codebook, item, data[item])
    return data


def with_scales(codebook: Codebook, scales: dict) -> Codebook:
    spec = copy.deepcopy(codebook.spec)
    spec["multi_item_scales"] = scales
    return Codebook(spec)


# --- intervals ---------------------------------------------------------------------------


def test_hypergeometric_interval_matches_r_phyper():
    # N <- 104; n <- 70; x <- 50; K <- 0:N
    # up <- phyper(x - 1, K, N - K, n, lower.tail = FALSE); lo <- phyper(x, K, N - K, n)
    # c(min(K[up > 0.025]), max(K[lo > 0.025]))   # 67 80
    assert ds.hypergeometric_ci(50, 70, 104) == (67 / 104, 80 / 104)


@pytest.mark.parametrize(
    ("x", "n", "N"), [(50, 70, 104), (3, 77, 104), (0, 40, 104), (77, 77, 104), (5, 9, 30)]
)
def test_hypergeometric_interval_endpoints_are_the_last_k_not_rejected(x, n, N):
    low, high = ds.hypergeometric_ci(x, n, N)
    k_low, k_high = round(low * N), round(high * N)

    def at_least(K):  # P(X >= x | K)
        return stats.hypergeom.sf(x - 1, N, K, n)

    def at_most(K):  # P(X <= x | K)
        return stats.hypergeom.cdf(x, N, K, n)

    assert at_least(k_low) > 0.025 and (k_low == 0 or at_least(k_low - 1) <= 0.025)
    assert at_most(k_high) > 0.025 and (k_high == N or at_most(k_high + 1) <= 0.025)
    # Within the worst-case bounds, and no wider than the binomial interval.
    assert x / N <= low <= high <= (x + N - n) / N
    cp = stats.binomtest(x, n).proportion_ci(0.95, method="exact")
    assert high - low <= cp.high - cp.low


def test_hypergeometric_interval_tends_to_clopper_pearson():
    cp = stats.binomtest(50, 70).proportion_ci(0.95, method="exact")
    # The finite-population correction (about n/N) fades: the limits approach CP's.
    gaps = [np.subtract(ds.hypergeometric_ci(50, 70, N), (cp.low, cp.high)) for N in (10**3, 10**4, 10**6)]
    assert np.all(np.abs(gaps[0]) > np.abs(gaps[1])) and np.all(np.abs(gaps[1]) > np.abs(gaps[2]))
    assert gaps[2] == pytest.approx([0, 0], abs=1e-5)
    small = ds.hypergeometric_ci(50, 70, 104)
    assert small[0] > cp.low and small[1] < cp.high


def test_clopper_pearson_matches_r_binom_test():
    # binom.test(50, 70)$conf.int
    assert ds.clopper_pearson_ci(50, 70) == pytest.approx((0.593782201581170, 0.815954391426665), abs=1e-12)
    for x, n in [(0, 12), (12, 12), (1, 1), (7, 77)]:
        ci = stats.binomtest(x, n).proportion_ci(0.9, method="exact")
        assert ds.clopper_pearson_ci(x, n, 0.9) == pytest.approx((ci.low, ci.high), abs=1e-12)


@pytest.mark.parametrize(("x", "n"), [(0, 10), (10, 10), (50, 70), (1, 77), (38, 77)])
def test_wilson_matches_statsmodels(x, n):
    expected = proportion_confint(x, n, alpha=0.05, method="wilson")
    assert ds.wilson_ci(x, n) == pytest.approx(expected, abs=1e-12)


def test_no_valid_answers_gives_nan_intervals():
    for ci in (ds.hypergeometric_ci(0, 0, 104), ds.clopper_pearson_ci(0, 0), ds.wilson_ci(0, 0)):
        assert np.isnan(ci).all()
    with pytest.raises(ValueError, match="x <= n <= N"):
        ds.hypergeometric_ci(5, 80, 77)


# --- items -------------------------------------------------------------------------------


@pytest.fixture
def crafted(codebook):
    """Eight respondents: a mixed A5 item, one without any valid answer, one all
    positive and a U4 item (no neutral answer)."""
    return recoded_from(
        codebook,
        {
            "vis_defined": [1, 2, 3, 4, 5, 5, "dk", None],
            "vis_consensus": ["dk", "dk", None, None, None, "dk", None, None],
            "obj_defined": [4, 5, 4, 5, 4, 5, 4, None],
            "sup_exchange": [1, 2, 3, 4, 4, 3, 3, "dk"],
        },
    )


ITEMS_CRAFTED = ["vis_defined", "vis_consensus", "obj_defined", "sup_exchange"]


def test_item_summary_counts_and_both_bases(codebook, crafted):
    got = ds.item_summary(crafted, codebook, ITEMS_CRAFTED, n_frame=20).set_index("item")
    assert list(got.reset_index().columns) == ds.ITEM_COLUMNS
    row = got.loc["vis_defined"]
    assert (row.n_respondents, row.n_valid, row.n_missing, row.n_dont_know, row.n_blank) == (8, 6, 2, 1, 1)
    assert (row.n_negative, row.n_neutral, row.n_positive) == (2, 1, 3)
    assert row.pct_positive == pytest.approx(100 * 3 / 8) and row.pct_positive_valid == pytest.approx(50)
    assert row.pct_negative + row.pct_neutral + row.pct_positive + row.pct_missing == pytest.approx(100)
    assert row.ci_method == "hypergeometric" and row.bound_base == "frame"
    assert (row.ci_low, row.ci_high) == ds.hypergeometric_ci(3, 6, 20)
    assert (row.wilson_low, row.wilson_high) == pytest.approx(proportion_confint(3, 6, method="wilson"))
    assert (row.bound_low, row.bound_high) == (3 / 20, (3 + 20 - 6) / 20)


def test_item_summary_edge_cases(codebook, crafted):
    got = ds.item_summary(crafted, codebook, ITEMS_CRAFTED, n_frame=20).set_index("item")
    none = got.loc["vis_consensus"]  # no valid answer: no crash, NaN intervals, bounds 0..1
    assert none.n_valid == 0 and none.n_dont_know == 3 and none.n_blank == 5
    assert np.isnan([none.pct_positive_valid, none.ci_low, none.ci_high, none.wilson_low]).all()
    assert (none.bound_low, none.bound_high) == (0, 1)
    everyone = got.loc["obj_defined"]  # all valid answers positive
    assert everyone.pct_positive_valid == 100 and everyone.ci_high == 1 and everyone.wilson_high == 1
    assert everyone.ci_low == ds.hypergeometric_ci(7, 7, 20)[0] > 7 / 20
    u4 = got.loc["sup_exchange"]  # no neutral answer on the scale: 0 counted, share not applicable
    assert not u4.has_neutral and u4.n_neutral == 0
    assert np.isnan(u4.pct_neutral) and np.isnan(u4.pct_neutral_valid)
    assert (u4.n_negative, u4.n_positive) == (2, 5)
    assert got.loc["vis_defined", "has_neutral"] and got.loc["vis_defined", "pct_neutral"] == 100 / 8


def test_item_summary_without_frame_falls_back_to_clopper_pearson(codebook, crafted):
    got = ds.item_summary(crafted, codebook, ITEMS_CRAFTED, n_frame=None).set_index("item")
    assert set(got["ci_method"]) == {"clopper_pearson"} and set(got["bound_base"]) == {"respondents"}
    assert got["n_frame"].isna().all()
    row = got.loc["vis_defined"]
    assert (row.ci_low, row.ci_high) == ds.clopper_pearson_ci(3, 6)
    assert (row.bound_low, row.bound_high) == (3 / 8, 5 / 8)
    with pytest.raises(ValueError, match="frame has 5 networks"):
        ds.item_summary(crafted, codebook, ITEMS_CRAFTED, n_frame=5)


def test_item_distribution_keeps_dont_know_apart_from_blank(codebook, crafted):
    got = ds.item_distribution(crafted, codebook, ITEMS_CRAFTED)
    assert list(got.columns) == [
        "item",
        "code",
        "missing",
        "category",
        "label_nl",
        "label_en",
        "n",
        "pct_respondents",
        "pct_valid",
    ]
    vis = got[got["item"] == "vis_defined"].reset_index(drop=True)
    assert vis["code"].tolist()[:5] == [1, 2, 3, 4, 5] and vis["code"].iloc[5:].isna().all()
    assert vis["missing"].tolist()[5:] == ["dont_know", "blank"] and vis["missing"].iloc[:5].isna().all()
    assert vis["n"].tolist() == [1, 1, 1, 1, 2, 1, 1]
    assert vis["label_nl"].iloc[5] == "weet niet / niet van toepassing"
    assert vis["pct_valid"].iloc[:5].sum() == pytest.approx(100) and vis["pct_valid"].iloc[5:].isna().all()
    for _, part in got.groupby("item"):
        assert part["pct_respondents"].sum() == pytest.approx(100)
    assert len(got[got["item"] == "sup_exchange"]) == 4 + 2  # U4: four codes, two missing rows


# --- scale reliability -------------------------------------------------------------------


def test_alpha_and_feldt_interval_match_psych():
    alpha, low, high = cronbach_alpha(ITEMS)
    assert alpha == pytest.approx(ALPHA, abs=1e-12)
    assert (low, high) == pytest.approx(FELDT, abs=1e-12)
    # pingouin's alpha to the last digit, and its bounds, which it rounds to 3 decimals (so
    # they are computed in cronbach_alpha, to R's last digit).
    assert alpha == pg.cronbach_alpha(ITEMS)[0]
    assert np.allclose(pg.cronbach_alpha(ITEMS)[1], np.round([low, high], 3))
    assert np.abs(pg.cronbach_alpha(ITEMS)[1] - np.array(FELDT)).max() > 1e-4


def test_omega_total_matches_psych_fa_ml():
    load = one_factor_loadings(ITEMS.corr().to_numpy())
    assert load == pytest.approx(FA_ML, abs=1e-5)
    assert load == pytest.approx(FACTANAL, abs=1e-5)
    assert omega_total(ITEMS) == pytest.approx(OMEGA, abs=1e-6)
    # A degenerate scale gives NaN, not an error.
    assert np.isnan(omega_total(ITEMS.iloc[:4]))
    assert np.isnan(omega_total(ITEMS.assign(a=3.0)))


def test_scales_use_listwise_deletion_and_item_total_matches_psych(codebook):
    scales = {"test": {"items": SCALE_ITEMS, "min_valid": 3, "nl": "t", "en": "t"}}
    book = with_scales(codebook, scales)
    columns = {item: ITEMS[col].astype(int).tolist() for item, col in zip(SCALE_ITEMS, "abcd", strict=True)}
    # Two more respondents with a missing answer: left out by listwise deletion.
    columns = {item: [*values, 4, "dk"] for item, values in columns.items()}
    columns["vis_defined"][-2] = None
    data = recoded_from(book, columns)
    got = scale_reliability(data, book).iloc[0]
    assert (got.n_items, got.n_respondents, got.n_used) == (4, 26, 24)
    assert got.missing_handling.startswith("listwise")
    assert (got.alpha, got.alpha_ci_low, got.alpha_ci_high) == pytest.approx((ALPHA, *FELDT), abs=1e-12)
    assert got.omega_total == pytest.approx(OMEGA, abs=1e-6)
    total = item_total(data, book)
    assert total["r_item_rest"].tolist() == pytest.approx(R_DROP, abs=1e-12)
    assert total["alpha_if_dropped"].tolist() == pytest.approx(ALPHA_DROP, abs=1e-12)
    assert not total["negative"].any()


def test_a_negatively_keyed_item_warns_and_reversing_fixes_it(codebook, caplog):
    columns = {item: ITEMS[col].astype(int).tolist() for item, col in zip(SCALE_ITEMS, "abcd", strict=True)}
    columns["vis_poverty_shared"] = [6 - v for v in columns["vis_poverty_shared"]]
    spec = {"items": SCALE_ITEMS, "min_valid": 3, "nl": "t", "en": "t"}
    book = with_scales(codebook, {"test": spec})
    with caplog.at_level(logging.WARNING, logger="leisurenet.analysis.scales"):
        total = item_total(recoded_from(book, columns), book).set_index("item")
    assert total.loc["vis_poverty_shared", "negative"] and total["negative"].sum() == 1
    assert "vis_poverty_shared" in caplog.text and "may need reversing" in caplog.text
    caplog.clear()
    book = with_scales(codebook, {"test": {**spec, "reverse": ["vis_poverty_shared"]}})
    with caplog.at_level(logging.WARNING, logger="leisurenet.analysis.scales"):
        total = item_total(recoded_from(book, columns), book)
    assert total["r_item_rest"].tolist() == pytest.approx(R_DROP, abs=1e-12) and caplog.text == ""
    assert scale_reliability(recoded_from(book, columns), book)["alpha"].iloc[0] == pytest.approx(ALPHA)


# --- non-response ------------------------------------------------------------------------

BREAKS, LABELS = [15000, 40000], ["small", "medium", "large"]


def frame_of(counts: dict[int, tuple[int, int]]) -> pd.DataFrame:
    """A frame with, per municipality population, (networks, of which responded)."""
    pops, responded = [], []
    for pop, (n, r) in counts.items():
        pops += [pop] * n
        responded += [True] * r + [False] * (n - r)
    return pd.DataFrame(
        {
            "network_id": pd.array([f"N{i:03d}" for i in range(len(pops))], dtype="string"),
            "municipality_pop": pd.array(pops, dtype="Int64"),
            "responded": pd.array(responded, dtype="boolean"),
        }
    )


FRAME = frame_of({5000: (45, 31), 20000: (39, 30), 90000: (20, 16)})


def test_nonresponse_table():
    got = nonresponse_table(FRAME, BREAKS, LABELS)
    assert list(got.columns) == NONRESPONSE_COLUMNS
    assert got["size_class"].tolist() == LABELS
    assert got["n_frame"].tolist() == [45, 39, 20] and got["n_respondents"].tolist() == [31, 30, 16]
    assert got["response_rate"].tolist() == pytest.approx([31 / 45, 30 / 39, 16 / 20])
    assert got["pct_frame"].sum() == pytest.approx(100) and got["pct_respondents"].iloc[2] == 100 * 16 / 77


# The limits of the exact test as the config's analysis section sets them.
LIMITS = {"draws": 100_000, "seed": 20161103, "max_tables": 50_000_000}


def test_nonresponse_tests_match_r():
    got = nonresponse_tests(FRAME, BREAKS, LABELS, **LIMITS).set_index("test")
    assert got.index.tolist() == ["chi_square", "fisher_freeman_halton"]
    # Respondents (first row) against non-respondents by size class, all 104 networks:
    # r <- chisq.test(matrix(c(31, 14, 30, 9, 16, 4), nrow = 2), correct = FALSE)
    # r$statistic: 1.15944631500187; r$parameter: 2; r$p.value: 0.560053391686205
    # min(r$expected): 5.19230769230769
    chi = got.loc["chi_square"]
    assert chi.statistic == pytest.approx(1.15944631500187, rel=1e-12) and chi.df == 2
    assert chi.p_value == pytest.approx(0.560053391686205, rel=1e-12)
    assert chi.min_expected == pytest.approx(5.19230769230769, rel=1e-12) and chi.n == 104
    # fisher.test(matrix(c(31, 14, 30, 9, 16, 4), nrow = 2))$p.value
    ffh = got.loc["fisher_freeman_halton"]
    assert ffh.p_value == pytest.approx(0.616410092151818, abs=1e-12) and ffh.n == 104
    assert ffh.method.startswith("exact (network algorithm)") and np.isnan(ffh.p_value_mc_se)


def test_nonresponse_exact_test_honours_the_table_budget():
    limits = LIMITS | {"draws": 20_000, "seed": 1, "max_tables": 1}
    got = nonresponse_tests(FRAME, BREAKS, LABELS, **limits).set_index("test")
    ffh = got.loc["fisher_freeman_halton"]
    assert ffh.method.startswith("Monte Carlo, 20000 draws, seed 1")
    # Within 4 of its stated Monte Carlo standard errors of the exact p of R's fisher.test above.
    assert ffh.p_value_mc_se == pytest.approx(np.sqrt(ffh.p_value * (1 - ffh.p_value) / 20_000))
    assert ffh.p_value == pytest.approx(0.616410092151818, abs=4 * ffh.p_value_mc_se)
    assert np.isnan(got.loc["chi_square", "p_value_mc_se"])


def test_no_frame_gives_empty_tables_and_a_note():
    table = nonresponse_table(None, BREAKS, LABELS)
    assert table.empty and list(table.columns) == NONRESPONSE_COLUMNS
    tests = nonresponse_tests(None, BREAKS, LABELS, **LIMITS)
    assert list(tests.columns) == TEST_COLUMNS and len(tests) == 1
    assert tests["test"].iloc[0] == "none" and "no population frame" in tests["note"].iloc[0]


def test_read_frame(tmp_path):
    path = tmp_path / "frame.csv"
    path.write_text("network_id,municipality_pop,responded\n")
    assert read_clean_frame(path) is None
    FRAME.to_csv(path, index=False)
    pd.testing.assert_frame_equal(read_clean_frame(path), FRAME)


# --- paired comparison -------------------------------------------------------------------

# x <- c(4,4,3,4,5,5,2,5,2,1,1,1,5,1,1); y <- c(5,4,3,4,5,3,1,4,2,2,1,1,5,2,1)
X = np.array([4, 4, 3, 4, 5, 5, 2, 5, 2, 1, 1, 1, 5, 1, 1])
Y = np.array([5, 4, 3, 4, 5, 3, 1, 4, 2, 2, 1, 1, 5, 2, 1])


def test_wilcoxon_matches_r_wilcox_test():
    # wilcox.test(x, y, paired = TRUE, exact = FALSE, correct = TRUE)   # V = 12, p = 0.824140895741885
    got = wilcoxon_signed_rank(X - Y)
    assert (got["n_nonzero"], got["v_statistic"]) == (6, 12)
    assert got["p_value"] == pytest.approx(0.824140895741885, abs=1e-12)
    # wilcox.test(x, y, paired = TRUE, exact = FALSE, correct = FALSE)  # p = 0.738882680363527
    assert wilcoxon_signed_rank(X - Y, correction=False)["p_value"] == pytest.approx(0.738882680363527)
    # wilcox.test(d$b, d$a, paired = TRUE, exact = FALSE, correct = TRUE)  # V = 162, p = 0.21757066856525
    got = wilcoxon_signed_rank(ITEMS["b"] - ITEMS["a"])
    assert got["v_statistic"] == 162 and got["p_value"] == pytest.approx(0.21757066856525, abs=1e-12)
    assert got["z"] > 0  # b is mostly higher than a
    rbc = pg.wilcoxon(ITEMS["b"], ITEMS["a"])["RBC"].iloc[0]
    assert got["rank_biserial"] == pytest.approx(rbc, abs=1e-12)
    # z is the normal deviate SciPy's test computes (its sign follows its statistic, min(T+, T-)).
    scipy_z = stats.wilcoxon(ITEMS["b"] - ITEMS["a"], correction=True, method="asymptotic").zstatistic
    assert got["z"] == pytest.approx(abs(scipy_z), abs=1e-12)


def test_pratt_rank_biserial_uses_the_ranks_of_the_zeros_where_pingouin_drops_them():
    # X - Y: nine zeros, five differences of size 1 (two positive) and one of +2. Pratt ranks
    # the zeros 1..9, the ones 10..14 (mean 12), the two 15: T+ = 15 + 2 * 12 = 39, T- = 36.
    got = wilcoxon_signed_rank(X - Y, "pratt")
    assert (got["v_statistic"], got["rank_biserial"]) == (39, pytest.approx(3 / 75, abs=1e-15))
    assert got["p_value"] == pytest.approx(
        stats.wilcoxon(X - Y, zero_method="pratt", correction=True, method="asymptotic").pvalue, abs=1e-15
    )
    # pingouin ranks the non-zero differences alone (ranks 1..5 mean 3, and 6): T+ = 12, T- = 9,
    # whatever the zero method; that is the 'wilcox' value.
    assert pg.wilcoxon(X - Y, zero_method="pratt")["RBC"].iloc[0] == pytest.approx(3 / 21, abs=1e-15)
    assert wilcoxon_signed_rank(X - Y)["rank_biserial"] == pytest.approx(3 / 21, abs=1e-15)


def test_wilcoxon_zero_handling():
    # Pratt ranks the zero too (ranks 1..4 of |0|, 1, 2, 3), then drops it: T+ = 2 + 4, T- = 3.
    assert wilcoxon_signed_rank([0, 1, -2, 3], "pratt")["rank_biserial"] == pytest.approx(3 / 9)
    # wilcox drops it first: ranks 1, 2, 3; T+ = 1 + 3, T- = 2.
    assert wilcoxon_signed_rank([0, 1, -2, 3], "wilcox")["rank_biserial"] == pytest.approx(2 / 6)
    assert np.isnan(wilcoxon_signed_rank([0, 0, 0])["p_value"])


def test_paired_items_come_from_the_codebook(codebook):
    pairs = pd.DataFrame(paired_items(codebook))
    assert len(pairs) == 6 and set(pairs["domain"]) == {"vis", "obj", "act"}
    assert set(pairs["comparison"]) == {"from_start_vs_guiding", "expertise_vs_guiding"}
    for row in pairs.itertuples():
        assert row.involvement_item.startswith(f"rep_{row.domain}_") and row.guiding_item == (
            f"rep_{row.domain}_guiding"
        )


def test_paired_comparisons_on_crafted_pairs(codebook):
    pairs = paired_items(codebook)
    answers = {pair[key]: [3] * 15 for pair in pairs for key in ("involvement_item", "guiding_item")}
    answers["rep_vis_from_start"] = [int(v) for v in X]
    answers["rep_vis_guiding"] = [int(v) for v in Y]
    answers["rep_vis_guiding"][0] = "dk"  # one pair lost
    answers["rep_obj_guiding"] = [None] * 15  # no pairs at all: no crash
    got = paired_comparisons(recoded_from(codebook, answers), codebook).set_index(["comparison", "domain"])
    vis = got.loc[("from_start_vs_guiding", "vis")]
    d = (X - Y)[1:]
    assert vis.n_pairs == 14 and (vis.n_higher, vis.n_equal, vis.n_lower) == (3, 9, 2)
    assert vis.pct_higher + vis.pct_equal + vis.pct_lower == pytest.approx(100)
    assert vis.median_difference == np.median(d) and vis.zero_method == "wilcox"
    assert vis.p_value == pytest.approx(stats.wilcoxon(d, correction=True, method="asymptotic").pvalue)
    empty = got.loc[("expertise_vs_guiding", "obj")]
    assert empty.n_pairs == 0 and np.isnan(empty.p_value) and np.isnan(empty.median_difference)
    with pytest.raises(ValueError, match="zero_method"):
        paired_comparisons(recoded_from(codebook, answers), codebook, zero_method="zsplit")


# --- the rule's script on the replica ----------------------------------------------------

OUTPUTS = [out.key for out in of_rule("describe")]  # the names the script writes its files by


def run_script(tmp_path, recoded, frame: pd.DataFrame | None, config) -> SimpleNamespace:
    write_parquet(recoded, tmp_path / "recoded.parquet")
    frame_path = tmp_path / "frame.csv"
    if frame is None:
        frame_path.write_text("network_id,municipality_pop,responded\n")
    else:
        frame.to_csv(frame_path, index=False)
    sm = SimpleNamespace(
        input=SimpleNamespace(
            recoded=str(tmp_path / "recoded.parquet"),
            frame=str(frame_path),
            codebook=str(ROOT / "config" / "codebook.yaml"),
        ),
        output=SimpleNamespace(**{name: str(tmp_path / f"{name}.csv") for name in OUTPUTS}),
        params=SimpleNamespace(
            analysis=config["analysis"], size_class=config["size_class"], weighting=config["weighting"]
        ),
        log=[str(tmp_path / "describe.log")],
    )
    runpy.run_path(str(ROOT / "scripts" / "describe.py"), init_globals={"snakemake": sm})
    return sm


def test_script_on_the_replica(tmp_path, recoded, replica, config, codebook):
    frame = replica.frame[["network_id", "municipality_pop"]].copy()
    frame["network_id"] = frame["network_id"].astype("string")
    frame["municipality_pop"] = frame["municipality_pop"].astype("Int64")
    frame["responded"] = frame["network_id"].isin(recoded["network_id"]).astype("boolean")
    run_script(tmp_path, recoded, frame, config)
    items = pd.read_csv(tmp_path / "summary.csv")
    assert items["item"].tolist() == codebook.item_ids and set(items["ci_method"]) == {"hypergeometric"}
    assert (items["n_frame"] == 104).all() and (items["n_respondents"] == 77).all()
    assert (items["bound_low"] <= items["ci_low"]).all() and (items["ci_high"] <= items["bound_high"]).all()
    nonresponse = pd.read_csv(tmp_path / "nonresponse.csv")
    assert nonresponse["n_frame"].sum() == 104 and nonresponse["n_respondents"].sum() == 77
    assert len(pd.read_csv(tmp_path / "paired.csv")) == 6
    log = (tmp_path / "describe.log").read_text()
    assert (
        "hypergeometric intervals" in log
        and "weighting: poststratify of 77 respondents to 104 networks" in log
    )
    weighted = pd.read_csv(tmp_path / "weighted.csv")
    assert weighted["item"].tolist() == codebook.item_ids and (weighted["weighting"] == "poststratify").all()


def test_script_without_frame(tmp_path, recoded, config):
    run_script(tmp_path, recoded, None, config)
    items = pd.read_csv(tmp_path / "summary.csv")
    assert set(items["ci_method"]) == {"clopper_pearson"} and items["n_frame"].isna().all()
    assert pd.read_csv(tmp_path / "nonresponse.csv").empty
    assert pd.read_csv(tmp_path / "nonresponse_test.csv")["test"].tolist() == ["none"]
    assert pd.read_csv(tmp_path / "weighted.csv").empty  # no frame, no weights
    assert "no weighting: no population frame" in (tmp_path / "describe.log").read_text()
