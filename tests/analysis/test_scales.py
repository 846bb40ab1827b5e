"""Reliability of the multi-item scales at their edges: Cronbach's alpha and Feldt's interval,
the one-factor loadings and omega total, the scale and item-total tables, each against a closed
form, SciPy or R (the call quoted beside the value), never against the function's own output.

The cases sit where a condition of the module changes its answer (two items, two or three
cases, a variance of exactly 1, a correlation of exactly 0, a loading at its bound).
"""

from __future__ import annotations

import copy
import logging
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from leisurenet.analysis.scales import (
    cronbach_alpha,
    item_total,
    omega_total,
    one_factor_loadings,
    scale_items,
    scale_reliability,
)
from leisurenet.codebook import Codebook

# Three 5-point items of the codebook's vision scale that the small data sets stand in for.
A, B, C = "vis_defined", "vis_consensus", "vis_poverty_defined"


def with_scale(codebook: Codebook, items: list[str], reverse: list[str] | None = None) -> Codebook:
    """The codebook with one multi-item scale, ``test``, of ``items``."""
    spec = copy.deepcopy(codebook.spec)
    scale = {"items": items, "min_valid": 2, "nl": "t", "en": "t"}
    spec["multi_item_scales"] = {"test": scale | ({"reverse": reverse} if reverse else {})}
    return Codebook(spec)


def answers(columns: dict[str, list]) -> pd.DataFrame:
    """Recoded-like answers: per item its codes as nullable integers (None: missing)."""
    return pd.DataFrame({item: pd.array(values, dtype="Int8") for item, values in columns.items()})


def feldt(alpha: float, n: int, k: int, confidence: float) -> tuple[float, float]:
    """Feldt's limits, 1 - (1 - alpha) F_{1 - tail} and 1 - (1 - alpha) F_tail, F(n - 1, (n - 1)(k - 1))."""
    tail = (1 - confidence) / 2
    f = stats.f(n - 1, (n - 1) * (k - 1))
    return 1 - (1 - alpha) * f.isf(tail), 1 - (1 - alpha) * f.isf(1 - tail)


# d <- data.frame(a = c(1, 2, 3), b = c(1, 3, 2), c = c(2, 1, 3)); b and c are entered reversed (6 - x)
# a <- psych::alpha(d, check.keys = FALSE, warnings = FALSE)
D3 = {A: [1, 2, 3], B: [1, 3, 2], C: [2, 1, 3]}
D3_ALPHA = 0.375  # a$total$raw_alpha; by hand 3/2 (1 - 3/4): item variances 1, total variance 4
D3_R_DROP = [1.0, 0.0, 0.0]  # a$item.stats$r.drop
D3_ALPHA_DROP = [-2.0, 2 / 3, 2 / 3]  # a$alpha.drop$raw_alpha; by hand 2 (1 - 2/1), 2 (1 - 2/6)


# --- Cronbach's alpha ------------------------------------------------------------------------


def test_alpha_of_two_items_whose_total_has_variance_one():
    """Two items, three cases, a total of variance exactly 1: alpha = 2 (1 - 2/3) = 2/3."""
    items = pd.DataFrame({"x": [0.0, 0.0, 1.0], "y": [0.0, 1.0, 1.0]})
    alpha, low, high = cronbach_alpha(items)
    assert alpha == pytest.approx(2 / 3, rel=1e-12)
    assert (low, high) == pytest.approx(feldt(2 / 3, 3, 2, 0.95), rel=1e-12)


def test_alpha_of_two_cases():
    """Two cases are enough: item variances 1/2 and 2, total 9/2, alpha = 2 (1 - 5/9) = 8/9."""
    items = pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 2.0]})
    alpha, low, high = cronbach_alpha(items)
    assert alpha == pytest.approx(8 / 9, rel=1e-12)
    assert (low, high) == pytest.approx(feldt(8 / 9, 2, 2, 0.95), rel=1e-12)


def test_feldt_interval_at_another_level():
    """The level sets the F quantiles' tails: 90 % uses the 5 % and 95 % points."""
    items = pd.DataFrame({"x": [0.0, 0.0, 1.0], "y": [0.0, 1.0, 1.0]})
    _, low, high = cronbach_alpha(items, confidence=0.9)
    assert (low, high) == pytest.approx(feldt(2 / 3, 3, 2, 0.9), rel=1e-12)
    assert high - low < np.subtract(*feldt(2 / 3, 3, 2, 0.95)[::-1])


@pytest.mark.parametrize(
    "items",
    [
        pd.DataFrame({"x": [1.0], "y": [2.0]}),  # one case
        pd.DataFrame({"x": [1.0, 2.0, 4.0]}),  # one item
        pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [3.0, 2.0, 1.0]}),  # a constant total
    ],
)
def test_alpha_is_nan_without_two_cases_two_items_or_a_varying_total(items):
    """Alpha is undefined there (k / (k - 1) or 0 / 0): NaN, interval included."""
    assert all(math.isnan(v) for v in cronbach_alpha(items))


def test_alpha_refuses_missing_answers():
    """Pairwise covariances with n counting every row would give a wrong alpha."""
    with pytest.raises(ValueError, match="complete cases"):
        cronbach_alpha(pd.DataFrame({"x": [1.0, 2.0, np.nan], "y": [1.0, 3.0, 2.0]}))


# --- one-factor loadings and omega -----------------------------------------------------------


def test_loadings_of_a_heywood_case_stop_at_the_uniqueness_bound():
    """l1^2 = r12 r13 / r23 = 1.28 > 1: the first uniqueness sits at factanal's lower bound 0.005."""
    # f <- factanal(covmat = matrix(c(1, .8, .8, .8, 1, .5, .8, .5, 1), 3), factors = 1, n.obs = 100)
    # f$uniquenesses: 0.005 0.359329666689785 0.359329666689785; as.numeric(f$loadings):
    r_loadings = [0.997514447902376, 0.800418839787978, 0.800418839787979]
    corr = np.array([[1, 0.8, 0.8], [0.8, 1, 0.5], [0.8, 0.5, 1]])
    assert one_factor_loadings(corr) == pytest.approx(r_loadings, abs=1e-9)


@pytest.mark.parametrize(("r12", "r13", "r23"), [(0.05, 0.08, 0.06), (0.3, 0.4, 0.6)])
def test_loadings_of_three_items_are_the_closed_form(r12, r13, r23):
    """Three items fit one factor exactly: l1 = sqrt(r12 r13 / r23), and so on."""
    # The first case is weak (loadings summing to 0.76, Psi^-1/2 R Psi^-1/2's largest eigenvalue
    # 1.22). R's factanal(covmat = m, factors = 1, n.obs = 100) agrees to its own tolerance
    # only (0.258277800073389 0.193686048181209 0.309706134868578 for the first): the closed
    # form is the reference.
    corr = np.array([[1, r12, r13], [r12, 1, r23], [r13, r23, 1]])
    closed = np.sqrt([r12 * r13 / r23, r12 * r23 / r13, r13 * r23 / r12])
    assert one_factor_loadings(corr) == pytest.approx(closed, abs=5e-9)


def test_omega_of_two_items_is_spearman_brown():
    """Two items meet the symmetric solution l1 = l2 = sqrt(r): omega = 2r / (1 + r), 2/3 at r = 1/2."""
    # Each item has variance exactly 1, and n = 3 is one case more than the items.
    items = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 3.0, 2.0]})
    assert omega_total(items) == pytest.approx(2 / 3, abs=1e-9)


def test_omega_of_nullable_float_items_equals_that_of_floats():
    """Items held as pandas' nullable Float64 (the recoded data's kind) give R's omega too."""
    # d and the omega of psych::fa(d, nfactors = 1, fm = "ml") loadings as in test_describe.py:
    # l <- as.numeric(psych::fa(d, nfactors = 1, fm = "ml")$loadings); sum(l)^2 / (sum(l)^2 + sum(1 - l^2))
    d = pd.DataFrame(
        {
            "a": [3, 3, 1, 2, 2, 2, 2, 4, 2, 2, 4, 3, 3, 3, 2, 4, 2, 3, 1, 2, 2, 1, 2, 3],
            "b": [2, 5, 3, 1, 3, 3, 3, 5, 3, 3, 5, 3, 3, 2, 3, 3, 1, 2, 2, 3, 1, 2, 3, 1],
            "c": [3, 3, 4, 3, 2, 2, 3, 5, 2, 2, 4, 3, 3, 1, 3, 3, 3, 3, 2, 3, 1, 4, 2, 4],
            "d": [2, 3, 1, 1, 3, 2, 3, 5, 2, 2, 3, 4, 3, 2, 4, 4, 1, 3, 2, 1, 2, 2, 3, 3],
        }
    ).astype("Float64")
    assert omega_total(d) == pytest.approx(0.752993177731333, abs=1e-6)


@pytest.mark.parametrize(
    "items",
    [
        pd.DataFrame({"x": [1.0, 2.0, 4.0]}),  # one item
        pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 3.0, 2.0], "z": [2.0, 1.0, 3.0]}),  # n = k
        pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [2.0, 4.0, 6.0, 8.0], "z": [1.0, 3.0, 2.0, 5.0]}),
    ],
)
def test_omega_is_nan_for_one_item_too_few_cases_or_a_singular_correlation(items):
    """No one-factor model is fitted there (the last: y = 2x, a correlation matrix of rank 2)."""
    assert math.isnan(omega_total(items))


def test_omega_refuses_missing_answers():
    """The correlations must come from the same complete cases."""
    with pytest.raises(ValueError, match="complete cases"):
        omega_total(pd.DataFrame({"x": [1.0, 2.0, np.nan, 4.0], "y": [1.0, 3.0, 2.0, 5.0]}))


# --- the scale and item-total tables ---------------------------------------------------------


def d3_data() -> dict[str, list]:
    """D3 with B and C entered reversed (6 - x) and a fourth respondent without an answer to A."""
    return {A: [*D3[A], None], B: [6 - v for v in D3[B]] + [4], C: [6 - v for v in D3[C]] + [2]}


def test_scale_items_reverses_by_the_code_range(codebook):
    """A reversed 1..5 item becomes 6 - code; the others are the codes as floats, NaN if missing."""
    # Only reversed items change: B and C are back at D3's codes, A keeps its own.
    book = with_scale(codebook, [A, B, C], reverse=[B, C])
    got = scale_items(answers(d3_data()), book, "test")
    assert list(got.columns) == [A, B, C] and (got.dtypes == np.float64).all()
    assert got[C].tolist() == [*map(float, D3[C]), 4.0]
    assert got[B].tolist() == [*map(float, D3[B]), 2.0]
    assert got[A].tolist()[:3] == [1.0, 2.0, 3.0] and math.isnan(got[A].iloc[3])


def test_scale_reliability_row_of_three_items_and_three_complete_cases(codebook):
    """Every column of the scale's row: alpha and Feldt's interval of D3 (R above), omega NaN (n = k)."""
    book = with_scale(codebook, [A, B, C], reverse=[B, C])
    row = scale_reliability(answers(d3_data()), book).iloc[0].to_dict()
    low, high = feldt(D3_ALPHA, 3, 3, 0.95)
    assert math.isnan(row.pop("omega_total"))
    assert row == {
        "scale": "test",
        "items": f"{A}|{B}|{C}",
        "reversed": f"{B}|{C}",
        "n_items": 3,
        "n_respondents": 4,
        "n_used": 3,
        "missing_handling": "listwise deletion: respondents who answered every item",
        "alpha": pytest.approx(D3_ALPHA, rel=1e-12),
        "alpha_ci_low": pytest.approx(low, rel=1e-12),
        "alpha_ci_high": pytest.approx(high, rel=1e-12),
        "ci_level": 0.95,
        "omega_method": "one-factor maximum likelihood on the correlations, model-implied variance",
    }


def test_scale_reliability_at_another_level(codebook):
    """The level reaches the interval and the ci_level column."""
    book = with_scale(codebook, [A, B, C], reverse=[B, C])
    row = scale_reliability(answers(d3_data()), book, confidence=0.8).iloc[0]
    assert row["ci_level"] == 0.8
    assert (row["alpha_ci_low"], row["alpha_ci_high"]) == pytest.approx(feldt(D3_ALPHA, 3, 3, 0.8), rel=1e-12)


def test_item_total_of_three_complete_cases_matches_psych(codebook, caplog):
    """Three cases suffice; an item and a rest of variance exactly 1 count; r = 0 is not negative."""
    book = with_scale(codebook, [A, B, C], reverse=[B, C])
    with caplog.at_level(logging.WARNING, logger="leisurenet.analysis.scales"):
        got = item_total(answers(d3_data()), book)
    assert caplog.records == []
    assert got.columns.tolist() == [
        "scale",
        "item",
        "reversed",
        "n_used",
        "r_item_rest",
        "alpha_if_dropped",
        "negative",
    ]
    assert got["scale"].tolist() == ["test"] * 3 and got["item"].tolist() == [A, B, C]
    assert got["reversed"].tolist() == [False, True, True] and got["n_used"].tolist() == [3, 3, 3]
    assert got["r_item_rest"].tolist() == pytest.approx(D3_R_DROP, abs=1e-12)
    assert got["alpha_if_dropped"].tolist() == pytest.approx(D3_ALPHA_DROP, abs=1e-12)
    assert got["negative"].tolist() == [False, False, False]


def test_item_total_needs_three_cases_and_two_items_for_alpha_dropped(codebook):
    """Two complete cases give no correlation; a two-item scale no alpha without an item."""
    book = with_scale(codebook, [A, B, C])
    two = item_total(answers({A: [1, 2], B: [2, 3], C: [1, 3]}), book)
    assert two["r_item_rest"].isna().all() and not two["negative"].any()
    pair = item_total(answers({A: [1, 2, 4], B: [2, 3, 5]}), with_scale(codebook, [A, B]))
    # corr(a, b) of a = (1, 2, 4) and b = a + 1 is exactly 1
    assert pair["r_item_rest"].tolist() == pytest.approx([1.0, 1.0], abs=1e-12)
    assert pair["alpha_if_dropped"].isna().all()


def test_a_negative_item_is_flagged_with_a_readable_warning(codebook, caplog):
    """Two opposite items correlate -1: both flagged, each with the message naming the fix."""
    book = with_scale(codebook, [A, B])
    with caplog.at_level(logging.WARNING, logger="leisurenet.analysis.scales"):
        got = item_total(answers({A: [1, 2, 3], B: [3, 2, 1]}), book)
    assert got["r_item_rest"].tolist() == pytest.approx([-1.0, -1.0], abs=1e-12)
    assert got["negative"].tolist() == [True, True]
    assert [r.getMessage() for r in caplog.records] == [
        f"scale test: item {item} correlates negatively (-1.000) with the rest of the scale; "
        "it may need reversing (codebook multi_item_scales.test.reverse)"
        for item in (A, B)
    ]
