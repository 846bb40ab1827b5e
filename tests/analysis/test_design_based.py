"""Design-based estimates on small designs, pinned to R's survey package (4.1.1, R 4.2.2).

Twelve respondents of a frame of 30 networks: classes g (a, b, c: 5, 4 and 3 respondents of
12, 10 and 8 networks) and h (m, f: 6 and 6 of 16 and 14; mostly m in a, mostly f in c, so
that raking needs several sweeps and its variance the ten of ``svyrecvar``). R's script
(values printed with ``sprintf("%.17g")``):

    d <- data.frame(g = G, h = H, y = Y, y2 = Y2, x = X, z = Z, xs = XS, zn = ZN, N = 30)
    pop <- data.frame(g = c("a", "b", "c"), Freq = c(12, 10, 8))
    srs <- svydesign(ids = ~1, fpc = ~N, data = d)
    ps <- postStratify(srs, ~g, pop)
    ps0 <- postStratify(svydesign(ids = ~1, weights = ~1, data = d), ~g, pop)  # without fpc
    rk <- rake(srs, list(~g, ~h), list(pop, data.frame(h = c("f", "m"), Freq = c(14, 16))))
    # per design:
    m <- svymean(~y, <design>, na.rm = TRUE, deff = TRUE); c(coef(m), SE(m), deff(m))
    attr(svyciprop(~y, <design>, method = <"logit" or "beta">, level = <0.95 or 0.8>,
                   na.rm = TRUE), "ci")
    tf <- svychisq(~x + z, <design>, statistic = "F")   # and ~xs + zn
    tc <- svychisq(~x + z, <design>, statistic = "Chisq")
    c(tf$statistic, tf$parameter, tf$p.value, tc$statistic, tc$p.value)
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from leisurenet.analysis import design_based as db
from leisurenet.analysis.weighting import WeightingError, poststratified, raked, simple_design, without_fpc

G = list("aaaaabbbbccc")
H = list("mmmmfmmfffff")
Y = np.array([1, 0, 1, 1, np.nan, 0, 1, 0, 1, 1, 0, 1])
X = ["p", "q", "r", "p", "q", None, "r", "p", "q", "r", "p", "q"]
Z = list("uuvvuvuvuvvu")
# xs: a level s only where zn is missing, so among the respondents with both it is empty
XS = [*X[:11], "s"]
ZN = [*Z[:11], None]
# svyciprop's logit interval comes from svyglm's iterated intercept: agreement to ~1e-9.
LOGIT_TOLERANCE = 1e-8


def design(name: str):
    """The design ``name`` of R's script."""
    counts = pd.Series({"a": 12, "b": 10, "c": 8})
    if name == "srs":
        return simple_design(12, 30)
    if name in ("ps", "ps0"):
        ps = poststratified(pd.Series(G), counts)
        return ps if name == "ps" else without_fpc(ps)
    margins = [pd.Series(G, name="g"), pd.Series(H, name="h")]
    return raked(margins, [counts, pd.Series({"f": 14, "m": 16})])


DESIGNS = ["srs", "ps", "ps0", "rk"]
# svymean(~y, <design>, na.rm = TRUE, deff = TRUE): coef, SE, deff
R_MEANS = {
    "srs": (0.63636363636363635, 0.11734373123503368, 0.99173553719008245),
    "ps": (0.63526570048309183, 0.11492580100704827, 0.94777240376543448),
    "ps0": (0.63526570048309183, 0.14836857111661519, 1.5796206729423909),
    "rk": (0.63812039275375299, 0.11450185332644271, 0.93909168761206574),
}
# attr(svyciprop(~y, <design>, method, level, na.rm = TRUE), "ci")
R_INTERVALS = {
    ("srs", "logit", 0.95): (0.36436059749016086, 0.84233681985791575),
    ("srs", "beta", 0.95): (0.3716550168683293, 0.85147583617689127),
    ("srs", "logit", 0.8): (0.46710518972361498, 0.77747311666191954),
    ("srs", "beta", 0.8): (0.45089201008746127, 0.79499616285069841),
    ("ps", "logit", 0.95): (0.36892668163160458, 0.83842727724485888),
    ("ps", "beta", 0.95): (0.37648336299480001, 0.84685759860755272),
    ("ps", "logit", 0.8): (0.46968890459043694, 0.77401832325334485),
    ("ps", "beta", 0.8): (0.45428825462373801, 0.7907771061345682),
    ("ps0", "logit", 0.95): (0.29848925737927917, 0.8769922356048403),
    ("ps0", "beta", 0.95): (0.29975293356580057, 0.89425198914719262),
    ("ps0", "logit", 0.8): (0.42111855405938275, 0.80657884541083402),
    ("ps0", "beta", 0.8): (0.39358047038549276, 0.83397746274445739),
    ("rk", "logit", 0.95): (0.37188661146970076, 0.84004493916009726),
    ("rk", "beta", 0.95): (0.37970794602214747, 0.84852540088536665),
    ("rk", "logit", 0.8): (0.47281820679983799, 0.77613186719619276),
    ("rk", "beta", 0.8): (0.45751335429568601, 0.79282444713091449),
}
# svychisq F then Chisq: F, ndf, ddf, p_F, chisq, p_chisq
R_TESTS = {
    ("srs", "x"): (4.2396051444861422, 1.9950270693478618, 21.945297762826481, 0.027822949906795128,
                   5.7666666666666666, 0.014413281883490999),
    ("srs", "xs"): (2.4519890260631008, 2.927710843373494, 32.204819277108435, 0.082504314359505726,
                    5.2000000000000002, 0.06137708609015291),
    ("ps", "x"): (5.3236292703827468, 1.987375180117773, 21.861126981295502, 0.013201387413194966,
                  5.8572330443407985, 0.0048750287828141703),
    ("ps", "xs"): (2.9716920694309596, 2.9245967595513251, 32.170564355064577, 0.047435609825488154,
                   5.2404133917639246, 0.030441565103020762),
    ("ps0", "x"): (3.1941775622296471, 1.9873751801177726, 21.861126981295499, 0.060948578490052981,
                   5.8572330443407985, 0.041000231652629893),
    ("ps0", "xs"): (1.7830152416585758, 2.9245967595513247, 32.17056435506457, 0.17119241498173646,
                    5.2404133917639246, 0.14795136112640012),
    ("rk", "x"): (5.1568482982477413, 1.9599913788317003, 21.559905167148703, 0.015222501637881077,
                  5.408431889054012, 0.0057598243573912262),
    ("rk", "xs"): (2.8928809751385551, 2.832872945198313, 31.161602397181444, 0.053608888828412422,
                   4.8256856664711085, 0.033883168541690496),
}  # fmt: skip


def test_raked_weights_match_rake():
    # weights(rk): one weight per g x h class, after R's default control (epsilon 1, maxit 10)
    a_m, a_f, b_m, b_f, c_f = (
        2.6301369863013697,
        2.1818181818181821,
        2.7397260273972601,
        2.2727272727272729,
        2.4242424242424243,
    )
    expected = [a_m] * 4 + [a_f] + [b_m] * 2 + [b_f] * 2 + [c_f] * 3
    np.testing.assert_allclose(design("rk").weights, expected, rtol=1e-13)


@pytest.mark.parametrize("name", DESIGNS)
def test_mean_se_and_design_effect_match_svymean(name):
    estimate, se, deff = R_MEANS[name]
    assert db.mean(design(name), Y) == pytest.approx((estimate, se), rel=1e-12)
    assert db.design_effect(design(name), Y) == pytest.approx(deff, rel=1e-12)


@pytest.mark.parametrize(("name", "method", "level"), list(R_INTERVALS))
def test_ciprop_matches_svyciprop(name, method, level):
    tolerance = LOGIT_TOLERANCE if method == "logit" else 1e-12
    low, high = db.ciprop(design(name), Y, method, level)
    assert (low, high) == pytest.approx(R_INTERVALS[name, method, level], abs=tolerance)


@pytest.mark.parametrize(("name", "row"), list(R_TESTS))
def test_rao_scott_matches_svychisq(name, row):
    F, ndf, ddf, p_F, chisq, p_chisq = R_TESTS[name, row]
    columns = (X, Z) if row == "x" else (XS, ZN)
    result = db.rao_scott(design(name), *columns)
    got = [result[k] for k in ("F", "ndf", "ddf", "p_F", "chisq", "p_chisq")]
    # R agrees to ~1e-14: tight enough to see a raked design's residuals centred on the wrong mean
    assert got == pytest.approx([F, ndf, ddf, p_F, chisq, p_chisq], rel=1e-12, abs=0)
    df = 2 if row == "x" else 3  # xs keeps its level s, as R's NCOL(Delta) does
    # mean(diag(Delta)) = tr(Delta) / df, and R's F is X^2 / tr(Delta)
    assert result["deff_mean"] == pytest.approx(chisq / F / df, rel=1e-11)
    assert (result["n"], result["n_rows"], result["n_cols"], result["df"]) == (
        (11, 3, 2, 2) if row == "x" else (10, 4, 2, 3)
    )
    assert result["note"] == ""


# A level that only respondents without the other variable have is left out whether it is a row or
# a column: svychisq(~zn + xs, ps, ...), the transpose of ~xs + zn, the same test.
R_TRANSPOSED = (2.9716920694309588, 2.9245967595513256, 32.170564355064585, 0.047435609825488154,
                5.2404133917639246, 0.030441565103020787)  # fmt: skip
# Weights of exactly 1 (des1 <- svydesign(ids = ~1, data = d): no fpc, equal weights), so that a
# level of one respondent weighs 1: svychisq(~x1 + z, des1, ...), x1 = x with s for respondent 12
X1 = [*X[:11], "s"]
R_UNIT_WEIGHTS = (1.6680815233866511, 2.9935824973162104, 32.929407470478317, 0.1929407899765207,
                  5.7666666666666675, 0.17148659973573965)  # fmt: skip
KEYS = ("F", "ndf", "ddf", "p_F", "chisq", "p_chisq")


def test_rao_scott_leaves_out_an_empty_column():
    result = db.rao_scott(design("ps"), ZN, XS)
    assert [result[k] for k in KEYS] == pytest.approx(R_TRANSPOSED, rel=1e-11)
    assert (result["n_rows"], result["n_cols"], result["df"]) == (2, 4, 3)


@pytest.mark.parametrize("transposed", [False, True])
def test_rao_scott_keeps_a_level_of_one_respondent_of_weight_one(transposed):
    # svychisq(~z + x1, des1, ...) gives the same numbers as ~x1 + z (to 1e-15)
    unit = without_fpc(simple_design(12, 12))
    result = db.rao_scott(unit, *((Z, X1) if transposed else (X1, Z)))
    assert [result[k] for k in KEYS] == pytest.approx(R_UNIT_WEIGHTS, rel=1e-11)


def test_rao_scott_reads_levels_of_mixed_types():
    # codes and text in one variable (x: 1 for p; z: 1 for u): the same test as R's on x and z,
    # with no division by zero warned for the empty cell (q, v)
    x, z = [1 if v == "p" else v for v in X], [1 if v == "u" else v for v in Z]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert db.rao_scott(design("ps"), x, z)["F"] == pytest.approx(R_TESTS["ps", "x"][0], rel=1e-11)


def test_rao_scott_reads_every_kind_of_missing_value():
    # NaN and pd.NA are missing as None is: the same test as R's on x and z
    for missing in (np.nan, pd.NA):
        x = pd.array([missing if v is None else v for v in X], dtype=object)
        assert db.rao_scott(design("ps"), x, Z)["F"] == pytest.approx(R_TESTS["ps", "x"][0], rel=1e-11)


def test_rao_scott_without_two_levels_says_so():
    # z among the respondents with a value of "u only": one column, no test
    result = db.rao_scott(design("ps"), X, ["u"] * 11 + [None])
    assert result["note"] == "not tested: fewer than 2 levels of a variable among the respondents with both"
    assert (result["n"], result["n_rows"], result["n_cols"], result["df"]) == (10, 3, 1, 0)
    for key in ("chisq", "p_chisq", "F", "ndf", "ddf", "p_F", "deff_mean"):
        assert math.isnan(result[key]), key


def test_design_effect_of_two_valid_answers_matches_svymean():
    # y2 is 1 and 0 for respondents 3 and 8 (classes a and b), missing otherwise:
    # svymean(~y2, ps, na.rm = TRUE, deff = TRUE): 0.48979591836734687, 0.25170674009098398, deff
    y2 = np.full(12, np.nan)
    y2[[2, 7]] = [1, 0]
    assert db.mean(design("ps"), y2) == pytest.approx((0.48979591836734687, 0.25170674009098398), rel=1e-12)
    assert db.design_effect(design("ps"), y2) == pytest.approx(0.42837950227112764, rel=1e-12)


def test_design_effect_without_two_valid_answers_or_variation_is_nan():
    # one valid answer: no variance of y; a constant y: both variances 0
    one = np.full(12, np.nan)
    one[0] = 1.0
    assert math.isnan(db.design_effect(design("ps"), one))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NaN by choice, not by dividing 0 by 0
        assert math.isnan(db.design_effect(design("ps"), np.where(np.isnan(Y), np.nan, 1.0)))


def test_missing_values_may_be_none():
    # a list with None (as an object column gives it) is read as NaN: R's svymean on y
    y = [None if np.isnan(v) else v for v in Y]
    assert db.mean(design("ps"), y) == pytest.approx(R_MEANS["ps"][:2], rel=1e-12)


def test_ciprop_defaults_to_the_95_percent_logit_interval():
    assert db.ciprop(design("ps"), Y) == pytest.approx(R_INTERVALS["ps", "logit", 0.95], abs=LOGIT_TOLERANCE)


def test_a_share_without_valid_answers_has_no_estimate_or_interval():
    blank = np.full(12, np.nan)
    assert all(math.isnan(v) for v in db.mean(design("ps"), blank))
    for method in db.CI_METHODS:
        assert all(math.isnan(v) for v in db.ciprop(design("ps"), blank, method)), method


def test_a_share_of_zero_has_the_exact_binomial_beta_interval():
    # 11 valid answers, none positive: no variance, so n_eff = 11 and the upper limit is the
    # Clopper-Pearson one, 1 - (alpha / 2)^(1 / 11); the logit interval is the point
    zero = np.where(np.isnan(Y), np.nan, 0.0)
    assert db.ciprop(design("ps"), zero, "logit", 0.8) == (0.0, 0.0)
    low, high = db.ciprop(design("ps"), zero, "beta", 0.8)
    assert low == 0.0 and high == pytest.approx(1 - 0.1 ** (1 / 11), rel=1e-12)


@pytest.mark.parametrize("level", [0.0, 1.0, 1.5])
def test_ciprop_refuses_a_level_outside_zero_and_one(level):
    with pytest.raises(WeightingError, match=f"level {level} is not between 0 and 1"):
        db.ciprop(design("ps"), Y, "logit", level)


def test_values_of_another_length_than_the_design_are_errors():
    with pytest.raises(WeightingError, match="11 values for a design of 12 respondents"):
        db.mean(design("ps"), Y[:11])
    with pytest.raises(WeightingError, match="rao_scott: 11 and 12 values"):
        db.rao_scott(design("ps"), X[:11], Z)
    with pytest.raises(WeightingError, match="rao_scott: 12 and 11 values"):
        db.rao_scott(design("ps"), X, Z[:11])
