"""Regression models pinned to R on small fixed data sets, and their checks of the data.

The data sets are built here from short tables of counts (never from the replica, which
may change). The reference values were computed once with R 4.2.2 (MASS 7.3-58.2,
ordinal 2022.11-16, brglm2 0.9, nnet 7.3-18) on these data written to CSV, e.g.
``ordinal_data().to_csv("ord.csv", index=False)``; the R calls are quoted beside the values.
In R the reference levels are set as here: ``d$g <- factor(d$g, levels = c("b", "a", "c"))``
for the ordinal data, ``relevel(factor(u$o), ref = "q")`` for the multinomial data, and
factors are unordered, so R's treatment contrasts match the ``variable[level]`` terms.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd
import pytest
import yaml

from leisurenet.analysis.estimation import separation_direction
from leisurenet.analysis.modelresult import COEFFICIENT_COLUMNS, FIT_COLUMNS
from leisurenet.analysis.models import (
    binary_logit,
    fit_models,
    linear,
    load_model_specs,
    multinomial_logit,
    ordinal_logit,
)

from ..conftest import ROOT

ORDINAL_COUNTS = {  # (g, h): how many answered 1, 2, 3, 4
    ("a", "u"): (5, 4, 2, 1),
    ("a", "v"): (3, 4, 3, 2),
    ("b", "u"): (2, 3, 4, 3),
    ("b", "v"): (2, 3, 3, 5),
    ("c", "u"): (1, 2, 5, 4),
    ("c", "v"): (2, 1, 3, 6),
}
SEPARATED_COUNTS = {  # (g, h): (y = 1, y = 0); nobody with g = c has y = 1: quasi-separation
    ("a", "u"): (6, 5),
    ("a", "v"): (4, 7),
    ("b", "u"): (7, 3),
    ("b", "v"): (5, 6),
    ("c", "u"): (0, 6),
    ("c", "v"): (0, 8),
}
MULTINOMIAL_COUNTS = {"a": (4, 9, 3, 6), "b": (6, 7, 2, 5), "c": (8, 4, 5, 3)}  # outcome p, q, r, s


def categorical(values, levels) -> pd.Categorical:
    return pd.Categorical(values, categories=levels)


def ordinal_data() -> pd.DataFrame:
    """73 rows: g, h, the answer y (Int8, 1..4), a numeric x and a continuous z."""
    rows = [
        (g, h, y)
        for (g, h), counts in ORDINAL_COUNTS.items()
        for y, n in enumerate(counts, 1)
        for _ in range(n)
    ]
    d = pd.DataFrame(rows, columns=["g", "h", "y"])
    i = np.arange(len(d))
    d["x"] = (7 * i % 11) / 10
    d["z"] = d["y"] + 0.5 * d["x"] + (13 * i % 7) / 7
    d["g"], d["h"] = categorical(d["g"], ["a", "b", "c"]), categorical(d["h"], ["u", "v"])
    d["y"] = d["y"].astype("Int8")
    d.insert(0, "resp_id", [f"R{k:02d}" for k in range(1, len(d) + 1)])
    return d


def separated_data() -> pd.DataFrame:
    """57 rows: g, h and a binary y with no y = 1 at g = c."""
    rows = [
        (g, h, y)
        for (g, h), (yes, no) in SEPARATED_COUNTS.items()
        for y, n in ((1, yes), (0, no))
        for _ in range(n)
    ]
    d = pd.DataFrame(rows, columns=["g", "h", "y"])
    d["g"], d["h"] = categorical(d["g"], ["a", "b", "c"]), categorical(d["h"], ["u", "v"])
    return d


def multinomial_data() -> pd.DataFrame:
    cells = [(g, o, n) for g, ns in MULTINOMIAL_COUNTS.items() for o, n in zip("pqrs", ns, strict=True)]
    rows = [(g, o) for g, o, n in cells for _ in range(n)]
    return pd.DataFrame({"g": [r[0] for r in rows], "o": [r[1] for r in rows]}).astype("category")


def by_term(result) -> pd.DataFrame:
    return result.coefficients.set_index("term")


# --- proportional odds ------------------------------------------------------------------------

# m <- MASS::polr(factor(y) ~ g + h, data = d, method = "logistic", Hess = TRUE)
# cbind(c(coef(m), m$zeta), sqrt(diag(vcov(m)))); logLik(m); AIC(m); BIC(m)
POLR = {
    "g[a]": (-1.081225027226, 0.526595436847),
    "g[c]": (0.533523975117, 0.526469530479),
    "h[v]": (0.467853182684, 0.427589958654),
    "threshold[1|2]": (-1.460873713117, 0.476717768350),
    "threshold[2|3]": (-0.236091926079, 0.435473862831),
    "threshold[3|4]": (1.059938015496, 0.455173218775),
}
POLR_FIT = {"loglik": -95.4103376753, "aic": 202.820675351, "bic": 216.563431997}
# c1 <- ordinal::clm(factor(y) ~ g + h, data = d); cbind(coef(c1), sqrt(diag(vcov(c1))))
# (clm's Newton solver is tighter than polr's optim, so it pins to more digits)
CLM = {
    "threshold[1|2]": (-1.460872926803, 0.476717806037),
    "threshold[2|3]": (-0.236091469502, 0.435473875612),
    "threshold[3|4]": (1.059938710975, 0.455173248580),
    "g[a]": (-1.081225412963, 0.526595442193),
    "g[c]": (0.533524426535, 0.526469540327),
    "h[v]": (0.467854591104, 0.427589966896),
}
# c2 <- ordinal::clm(factor(y) ~ 1, nominal = ~ g + h, data = d); anova(c1, c2)
# logLik(c2) = -94.5941152464; LR.stat 1.63244, df 6, Pr(>Chisq) 0.95022
CLM_NOMINAL = {"statistic": 2 * (-94.5941152464 + 95.4103376753), "df": 6, "p": 0.95022}


@pytest.fixture(scope="module")
def ordinal_fit():
    return ordinal_logit(ordinal_data(), "y", ["g", "h"], reference={"g": "b"})


def test_ordinal_logit_matches_polr_and_clm(ordinal_fit):
    got = by_term(ordinal_fit)
    assert list(got.index) == list(POLR)  # coefficients first, then thresholds in order
    for term, (estimate, se) in POLR.items():
        assert got.loc[term, "estimate"] == pytest.approx(estimate, abs=1e-5)
        assert got.loc[term, "std_error"] == pytest.approx(se, rel=1e-5)
    for term, (estimate, se) in CLM.items():
        # Newton with analytic derivatives, as clm: agreement to the digits R printed
        assert got.loc[term, "estimate"] == pytest.approx(estimate, abs=1e-10)
        assert got.loc[term, "std_error"] == pytest.approx(se, rel=1e-10)
    fit = ordinal_fit.fit.iloc[0]
    for key, value in POLR_FIT.items():
        assert fit[key] == pytest.approx(value, abs=1e-7)
    assert fit["n"] == 73 and fit["n_parameters"] == 6 and bool(fit["converged"]) and fit["flag"] == ""


def test_ordinal_odds_ratios_and_intervals(ordinal_fit):
    got = by_term(ordinal_fit)
    z = 1.959963984540054  # scipy.stats.norm.ppf(0.975)
    row = got.loc["h[v]"]
    assert row["ci_low"] == pytest.approx(row["estimate"] - z * row["std_error"])
    assert row["odds_ratio"] == pytest.approx(np.exp(0.467854591104), rel=1e-6)
    assert row["or_ci_high"] == pytest.approx(np.exp(row["ci_high"]))
    # an odds ratio of a cut-point means nothing
    assert got.filter(like="threshold", axis=0)[["odds_ratio", "or_ci_low", "or_ci_high"]].isna().all().all()


def test_proportional_odds_check_matches_clm_nominal(ordinal_fit):
    fit = ordinal_fit.fit.iloc[0]
    assert fit["po_statistic"] == pytest.approx(CLM_NOMINAL["statistic"], abs=1e-7)
    assert fit["po_df"] == CLM_NOMINAL["df"]
    assert fit["po_p"] == pytest.approx(CLM_NOMINAL["p"], abs=5e-6)
    assert "nominal" in fit["note"]


def test_many_cases_fitted_on_their_patterns_give_the_per_case_estimates(ordinal_fit):
    # 15 copies of the data (1,095 cases, 24 distinct patterns): from 1,000 cases on the
    # likelihood is summed over the patterns. Copies leave the estimates as they are, scale
    # the log-likelihood (and the LR statistic) by 15 and the SEs by 1 / sqrt(15).
    copies = 15
    data = ordinal_data()
    many = pd.concat([data] * copies, ignore_index=True)
    result = ordinal_logit(many, "y", ["g", "h"], reference={"g": "b"})
    assert any("the likelihood summed over those" in text for _, text in result.messages)
    got, once = by_term(result), by_term(ordinal_fit)
    np.testing.assert_allclose(got["estimate"], once["estimate"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(got["std_error"] * math.sqrt(copies), once["std_error"], rtol=1e-9)
    for term, (estimate, _) in CLM.items():
        assert got.loc[term, "estimate"] == pytest.approx(estimate, abs=1e-10)
    fit, fit_once = result.fit.iloc[0], ordinal_fit.fit.iloc[0]
    assert fit["loglik"] == pytest.approx(copies * fit_once["loglik"], rel=1e-9)
    assert fit["po_statistic"] == pytest.approx(copies * fit_once["po_statistic"], rel=1e-5)
    assert bool(fit["converged"]) and fit["n"] == copies * fit_once["n"] and fit["flag"] == ""


def test_an_empty_outcome_level_is_flagged_and_thresholds_join_observed_levels():
    d = ordinal_data()
    d["y"] = d["y"].replace({3: 4}).astype("Int8")  # nobody answers 3
    result = ordinal_logit(d, "y", ["g"])
    terms = result.coefficients["term"].tolist()
    assert terms[-2:] == ["threshold[1|2]", "threshold[2|4]"]
    assert "empty_outcome_level" in result.fit.loc[0, "flag"]
    # an ordered categorical outcome: the thresholds carry the labels
    d["y_cat"] = pd.Categorical(
        d["y"].map({1: "neg", 2: "neg", 4: "pos"}).astype(object), ["neg", "mid", "pos"], ordered=True
    )
    labelled = ordinal_logit(d, "y_cat", ["g"])
    assert labelled.coefficients["term"].tolist()[-1] == "threshold[neg|pos]"


def test_ordinal_separation_gives_nan_and_a_flag_not_a_number():
    d = ordinal_data()
    d.loc[d["g"] == "c", "y"] = 4  # everyone at g = c answers the top category
    result = ordinal_logit(d, "y", ["g", "h"])
    got = by_term(result)
    assert np.isnan(got.loc["g[c]", "estimate"]) and "separation" in got.loc["g[c]", "flag"]
    assert np.isfinite(got.loc["h[v]", "estimate"]) and got.loc["h[v]", "flag"] == ""
    assert "separation" in result.fit.loc[0, "flag"]


def test_a_separated_level_leaves_the_other_estimates_as_without_its_rows():
    # at the limit the separated rows' likelihood is 1, so the finite estimates (and SEs,
    # from the pseudo-inverse of the singular information) are those without these rows
    d = ordinal_data()
    d["g"] = d["g"].cat.add_categories("rare")
    d.loc[[0, 1, 2], "g"] = "rare"  # all three answered 1
    got = by_term(ordinal_logit(d, "y", ["g", "h"]))
    without = by_term(ordinal_logit(d[d["g"] != "rare"], "y", ["g", "h"]))
    assert np.isnan(got.loc["g[rare]", "estimate"]) and "separation" in got.loc["g[rare]", "flag"]
    shared = without.index
    assert got.loc[shared, "estimate"].tolist() == pytest.approx(without["estimate"].tolist(), abs=1e-5)
    assert got.loc[shared, "std_error"].tolist() == pytest.approx(without["std_error"].tolist(), rel=1e-4)


# --- binary logit and Firth -------------------------------------------------------------------

# b <- glm(I(y >= 3) ~ g + h, family = binomial, data = d)
# summary(b)$coefficients[, 1:2]; confint.default(b); logLik(b)
GLM = {
    "Intercept": (0.249673450451, 0.482188698689, -0.695399032732, 1.1947459336344),
    "g[a]": (-1.098677939395, 0.596792674719, -2.268370088081, 0.0710142092908),
    "g[c]": (0.702716083866, 0.625496550371, -0.523234627315, 1.9286667950478),
    "h[v]": (0.304003253440, 0.504539681831, -0.684876351719, 1.2928828585992),
}
GLM_LOGLIK = -45.415485931

# f <- glm(y ~ g + h, family = binomial, data = s, method = brglm2::brglmFit,
#          type = "MPL_Jeffreys"); summary(f)$coefficients[, 1:2]; logLik(f)
BRGLM2 = {
    "Intercept": (0.228925427432, 0.527985209678),
    "g[b]": (0.477677822478, 0.628131954692),
    "g[c]": (-3.178459324953, 1.537442992385),
    "h[v]": (-0.814106342201, 0.615195667552),
}
BRGLM2_LOGLIK = -28.9994549763
# Penalised-likelihood-ratio intervals and p-values (logistf's default; logistf is not
# installed, so the profile is computed directly in R from brglm2's estimates):
#   X <- model.matrix(~ g + h, s); y <- s$y; fit <- coef(f)
#   pl <- function(b) { eta <- drop(X %*% b); p <- plogis(eta)
#     sum(y * eta - log1p(exp(eta))) + 0.5 * determinant(crossprod(X * sqrt(p * (1 - p))))$modulus[1] }
#   prof <- function(j, v) -optim(fit[-j], function(bf) { b <- numeric(ncol(X)); b[j] <- v;
#     b[-j] <- bf; -pl(b) }, method = "BFGS", control = list(reltol = 1e-15, maxit = 5000))$value
#   D <- function(j, v) 2 * (pl(fit) - prof(j, v))
#   uniroot(function(v) D(j, v) - qchisq(0.95, 1), c(fit[j] - 15, fit[j]), tol = 1e-12)$root  # and upper
#   pchisq(D(j, 0), 1, lower.tail = FALSE)
FIRTH_PROFILE = {  # ci_low, ci_high, p_value
    "Intercept": (-0.779469720273, 1.270176584635, 0.65510012678665),
    "g[b]": (-0.707208227582, 1.698099020900, 0.43020923498739),
    "g[c]": (-8.076150473247, -0.947497292555, 0.00220629802898),
    "h[v]": (-2.039322925954, 0.356713147942, 0.17409461244043),
}


def test_binary_logit_without_separation_is_maximum_likelihood_as_glm():
    result = binary_logit(ordinal_data(), "y", ["g", "h"], positive_codes=[3, 4], reference={"g": "b"})
    got = by_term(result)
    for term, (estimate, se, low, high) in GLM.items():
        assert got.loc[term, "estimate"] == pytest.approx(estimate, abs=1e-8)
        # glm stops at a deviance tolerance of 1e-8, so its last weights, and SEs, lag a little
        assert got.loc[term, "std_error"] == pytest.approx(se, rel=1e-6)
        assert got.loc[term, ["ci_low", "ci_high"]].tolist() == pytest.approx([low, high], abs=1e-6)
    fit = result.fit.iloc[0]
    assert fit["loglik"] == pytest.approx(GLM_LOGLIK, abs=1e-8)
    assert "separation" not in fit["flag"] and "maximum likelihood" in fit["note"]
    assert fit["formula"].startswith("I(y in {3, 4}) ~ g + h")


@pytest.fixture(scope="module")
def firth_fit():
    return binary_logit(separated_data(), "y", ["g", "h"], positive_codes=[1])


def test_firth_under_separation_matches_brglm2(firth_fit):
    got = by_term(firth_fit)
    for term, (estimate, se) in BRGLM2.items():
        # brglm2 stops at its own tolerance (1e-7 here); SEs from the Fisher information
        assert got.loc[term, "estimate"] == pytest.approx(estimate, abs=1e-6)
        assert got.loc[term, "std_error"] == pytest.approx(se, rel=1e-6)
    fit = firth_fit.fit.iloc[0]
    assert fit["loglik"] == pytest.approx(BRGLM2_LOGLIK, abs=1e-6)  # unpenalised, as brglm2
    assert "separation" in fit["flag"] and "Firth" in fit["note"]
    assert got.loc["g[c]", "flag"] == "separation" and got.loc["g[b]", "flag"] == ""


def test_firth_profile_intervals_match_the_r_profile(firth_fit):
    got = by_term(firth_fit)
    for term, (low, high, p) in FIRTH_PROFILE.items():
        assert got.loc[term, ["ci_low", "ci_high"]].tolist() == pytest.approx([low, high], abs=1e-6)
        assert got.loc[term, "p_value"] == pytest.approx(p, rel=1e-5)
    assert got.loc["g[c]", "odds_ratio"] == pytest.approx(np.exp(BRGLM2["g[c]"][0]), rel=1e-5)


def test_firth_modes():
    data = separated_data()
    never = by_term(binary_logit(data, "y", ["g", "h"], positive_codes=[1], firth="never"))
    assert never.loc["g[c]", ["estimate", "std_error", "odds_ratio"]].isna().all()  # no finite MLE
    assert np.isfinite(never.loc["g[b]", "estimate"])
    # 'always' on data without separation: Firth shrinks the estimates toward zero
    ml = by_term(binary_logit(ordinal_data(), "y", ["g"], positive_codes=[3, 4]))
    firth = by_term(binary_logit(ordinal_data(), "y", ["g"], positive_codes=[3, 4], firth="always"))
    assert (firth["estimate"].abs() < ml["estimate"].abs()).all()


def test_separation_check_on_data_separated_or_not_by_construction():
    sep = separated_data()
    X = np.column_stack([sep["g"] == "b", sep["g"] == "c", sep["h"] == "v"]).astype(float)
    direction = separation_direction(X, sep["y"].to_numpy(), 2)
    assert direction is not None and np.flatnonzero(direction[:3]).tolist() == [1]  # only g[c]
    x = np.linspace(0, 1, 30)[:, None]
    assert separation_direction(x, (x[:, 0] > 0.5).astype(int), 2) is not None  # complete
    d = ordinal_data()
    overlap = np.column_stack([d["g"] == "b", d["g"] == "c", d["h"] == "v"]).astype(float)
    assert separation_direction(overlap, d["y"].to_numpy(int) - 1, 4) is None
    assert separation_direction(overlap, (d["y"].to_numpy(int) >= 3).astype(int), 2) is None


# --- multinomial logit ------------------------------------------------------------------------


def test_multinomial_logit_equals_the_closed_form_and_nnet():
    result = multinomial_logit(multinomial_data(), "o", ["g"], reference={"o": "q"})
    got = result.coefficients.set_index(["equation", "term"])
    assert list(got.index.get_level_values(0).unique()) == ["p", "r", "s"]
    assert (got["equation_reference"] == "q").all()  # every equation against the reference outcome
    counts = pd.DataFrame(MULTINOMIAL_COUNTS, index=list("pqrs"))
    for level in "prs":
        # one categorical predictor: the MLE reproduces the cell proportions, so the
        # intercept is log(n_level,a / n_q,a) and a slope the difference of two log odds;
        # the SEs are Woolf's, the root of the summed reciprocal counts
        base = np.log(counts.loc[level, "a"] / counts.loc["q", "a"])
        assert got.loc[(level, "Intercept"), "estimate"] == pytest.approx(base, abs=1e-8)
        se = np.sqrt(1 / counts.loc[level, "a"] + 1 / counts.loc["q", "a"])
        assert got.loc[(level, "Intercept"), "std_error"] == pytest.approx(se, rel=1e-8)
        for g in "bc":
            slope = np.log(counts.loc[level, g] / counts.loc["q", g]) - base
            assert got.loc[(level, f"g[{g}]"), "estimate"] == pytest.approx(slope, abs=1e-8)
            se = np.sqrt((1 / counts.loc[[level, "q"], ["a", g]]).to_numpy().sum())
            assert got.loc[(level, f"g[{g}]"), "std_error"] == pytest.approx(se, rel=1e-8)
    # mm <- nnet::multinom(o ~ g, data = u, reltol = 1e-14); coef(mm)["p", ]; logLik(mm)
    assert got.loc[("p", "g[c]"), "estimate"] == pytest.approx(1.504077383274, abs=1e-6)
    assert result.fit.loc[0, "loglik"] == pytest.approx(-81.136484606, abs=1e-8)
    assert result.fit.loc[0, "n_parameters"] == 9
    assert got.loc[("p", "g[b]"), "odds_ratio"] == pytest.approx(np.exp(got.loc[("p", "g[b]"), "estimate"]))


def test_multinomial_zero_cell_is_flagged_on_its_equation_only():
    d = multinomial_data()
    d.loc[(d["g"] == "b") & (d["o"] == "r"), "o"] = "s"
    result = multinomial_logit(d, "o", ["g"], reference={"o": "q"})
    got = result.coefficients.set_index(["equation", "term"])["flag"]
    assert "zero_cell" in got[("r", "g[b]")]
    assert got[("p", "g[b]")] == "" and got[("s", "g[b]")] == ""
    assert "zero_cell" in result.fit.loc[0, "flag"]


# --- OLS ---------------------------------------------------------------------------------------

# l <- lm(z ~ g + x, data = d); summary(l)$coefficients; confint(l); logLik(l); AIC(l); BIC(l)
LM = {
    "Intercept": (3.4514444157441, 0.306871068836, 2.93723404296e-17, 2.839253383941, 4.06363544754698),
    "g[a]": (-0.6268170434499, 0.318658451958, 5.31997749863e-02, -1.262523261168, 0.00888917426874),
    "g[c]": (0.2987094926807, 0.318482113530, 3.51559054422e-01, -0.336644939500, 0.93406392486171),
    "x": (-0.0315921678318, 0.408822394519, 9.38627611914e-01, -0.847170529371, 0.78398619370741),
}
LM_FIT = {"loglik": -109.427905103, "aic": 228.855810206, "bic": 240.308107411}


def test_ols_matches_lm():
    result = linear(ordinal_data(), "z", ["g", "x"], reference={"g": "b"})
    got = by_term(result)
    for term, (estimate, se, p, low, high) in LM.items():
        assert got.loc[term, ["estimate", "std_error"]].tolist() == pytest.approx([estimate, se], rel=1e-9)
        assert got.loc[term, "p_value"] == pytest.approx(p, rel=1e-8)
        assert got.loc[term, ["ci_low", "ci_high"]].tolist() == pytest.approx([low, high], rel=1e-9)
    fit = result.fit.iloc[0]
    for key, value in LM_FIT.items():
        assert fit[key] == pytest.approx(value, abs=1e-8)
    assert fit["n_parameters"] == 5  # intercept, 3 slopes and the residual variance, as R counts
    assert got["odds_ratio"].isna().all()


# --- the data's problems: flagged rows, not crashes ---------------------------------------------


def test_missing_rows_are_dropped_and_logged_by_id():
    d = ordinal_data()
    d.loc[[0, 5], "y"] = pd.NA
    result = ordinal_logit(d, "y", ["g", "h"])
    assert result.fit.loc[0, "n"] == 71 and result.fit.loc[0, "n_dropped"] == 2
    text = " ".join(m for _, m in result.messages)
    assert "2 row(s) dropped for missing values (y: 2): R01, R06" in text


def test_excluded_levels_and_sparse_levels():
    d = ordinal_data()
    d["g"] = d["g"].cat.add_categories("rare")
    d.loc[[0, 5, 9], "g"] = "rare"  # answers 1, 2 and 3
    result = ordinal_logit(d, "y", ["g"], exclude={"h": ["v"]})
    assert result.fit.loc[0, "n_dropped"] == 12 + 13 + 12  # the h = v rows
    assert by_term(result).loc["g[rare]", "flag"] == "sparse_level"
    assert "sparse_level" in result.fit.loc[0, "flag"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda d: d.assign(g2=d["g"]), "rank_deficient"),
        (lambda d: d.assign(y=d["y"].where(d["g"] != "a")), "empty_reference"),
        (lambda d: d.assign(y=pd.array([2] * len(d), dtype="Int8")), "constant_outcome"),
    ],
)
def test_a_model_the_data_cannot_support_is_a_flagged_row(change, code):
    data = change(ordinal_data())
    predictors = ["g", "g2"] if "g2" in data else ["g"]
    result = ordinal_logit(data, "y", predictors)
    assert len(result.coefficients) == 0 and list(result.coefficients.columns) == COEFFICIENT_COLUMNS
    assert code in result.fit.loc[0, "flag"] and "not fitted" in result.fit.loc[0, "note"]
    assert any(level == logging.ERROR for level, _ in result.messages)


def test_no_model_fitted_gives_an_empty_coefficient_table():
    # Every answer the same: each model is a flagged row of fit.csv and has no coefficients.
    constant = ordinal_data().assign(y=pd.array([2] * 73, dtype="Int8"))
    specs = {
        "models": {
            "m1": {"family": "ordinal_logit", "outcome": "y", "predictors": ["g"]},
            "m2": {"family": "logit", "outcome": "y", "predictors": ["h"], "positive_codes": [4]},
        }
    }
    result = fit_models(constant, specs)
    assert result.coefficients.empty and list(result.coefficients.columns) == COEFFICIENT_COLUMNS
    assert result.fit["model"].tolist() == ["m1", "m2"]
    assert result.fit["flag"].str.contains("constant_outcome").all()


def test_specification_errors_stop_with_the_model_and_key():
    with pytest.raises(ValueError, match="reference of g: 'zz' is not one of its levels"):
        ordinal_logit(ordinal_data(), "y", ["g"], reference={"g": "zz"})
    with pytest.raises(ValueError, match=r"column\(s\) \['nope'\]"):
        ordinal_logit(ordinal_data(), "y", ["nope"])


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"family": "logit", "outcome": "y", "predictors": ["g"]}, "positive_codes"),
        ({"family": "ols", "outcome": "z", "predictors": ["g"], "positive_codes": [1]}, "models.m"),
        ({"family": "probit", "outcome": "y", "predictors": ["g"]}, "models.m.family"),
        ({"family": "ols", "outcome": "z", "predictors": ["g"], "reference": {"k": "a"}}, "'k' is neither"),
    ],
)
def test_invalid_specifications_are_rejected(tmp_path, spec, message):
    path = tmp_path / "models.yaml"
    path.write_text(yaml.safe_dump({"models": {"m": spec}}))
    with pytest.raises(ValueError, match=message):
        load_model_specs(path)


# --- the study's specification on the replica ---------------------------------------------------


def test_the_configured_models_run_on_the_replica(recoded):
    specs = load_model_specs(ROOT / "config" / "models.yaml")
    assert specs["checks"]["min_level_count"] == 5 and specs["models"]["rep_voice_binary"]["firth"] == "auto"
    result = fit_models(recoded, specs, confidence=0.95)
    assert (
        list(result.fit.columns) == FIT_COLUMNS and list(result.coefficients.columns) == COEFFICIENT_COLUMNS
    )
    assert result.fit["model"].tolist() == list(specs["models"])
    assert not result.fit["flag"].str.contains("fit_failed|rank_deficient|empty_reference").any()
    primary = result.coefficients[result.coefficients["model"] == "rep_voice_ordinal"]
    terms = primary["term"].tolist()
    assert terms[:2] == ["size_class[medium]", "size_class[large]"]  # reference small
    assert {"role_act[facilitator]", "role_act[commissioner]", "role_act[mixed]"} <= set(terms)
    assert "role_act[coproducer]" not in terms
    assert primary.loc[~primary["term"].str.startswith("threshold"), "odds_ratio"].notna().all()
    ordinal = result.fit[result.fit["family"] == "ordinal_logit"]
    assert ordinal["po_p"].between(0, 1).all()
    multinomial = result.fit.set_index("model").loc["role_act_by_size"]
    assert "low_epp" in multinomial["flag"]  # 4 roles x 3 sizes on 77 cases is sparse, and says so
