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
from scipy import stats

from leisurenet.analysis.estimation import separation_direction
from leisurenet.analysis.modelframe import DEFAULT_CHECKS
from leisurenet.analysis.modelresult import COEFFICIENT_COLUMNS, FIT_COLUMNS
from leisurenet.analysis.models import (
    _zero_cell_terms,
    binary_logit,
    fit_model,
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


def test_a_non_proportional_fit_that_does_not_converge_without_a_separated_split(monkeypatch):
    """No cumulative split is separated, but the threshold-specific model did not converge:
    its likelihood is taken as a supremum, and the note names no split."""
    from leisurenet.analysis import models

    monkeypatch.setattr(models, "nonproportional_loglik", lambda *args: (-50.0, False))
    fit = ordinal_logit(ordinal_data(), "y", ["g", "h"], reference={"g": "b"}).fit.iloc[0]
    assert "po_boundary" in fit["flag"].split(";")
    assert fit["note"].endswith(
        "; the non-proportional model has no finite estimates; the LR statistic uses its "
        "log-likelihood supremum and its p-value is rough"
    )


def test_binary_logit_says_when_its_iterations_did_not_converge(monkeypatch):
    """Newton's method reporting no convergence (without separation): flagged and said in words."""
    from leisurenet.analysis import models

    newton = models.logit_newton
    monkeypatch.setattr(models, "logit_newton", lambda *args, **kwargs: (*newton(*args, **kwargs)[:3], False))
    fit = binary_logit(ordinal_data(), "y", ["g", "h"], positive_codes=[3, 4]).fit.iloc[0]
    assert fit["flag"].split(";") == ["not_converged"] and not fit["converged"]
    assert "the Newton iterations did not converge" in fit["note"].split("; ")


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
    assert result.fit["flag"].tolist() == ["constant_outcome"] * 2
    assert result.fit["note"].tolist() == [
        "not fitted: the outcome has 1 observed level(s)",
        "not fitted: 0 of 73 cases are positive",
    ]


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


# --- values the tests above leave free -----------------------------------------------------------


def saturated_loglik(table: np.ndarray) -> float:
    """Log-likelihood of one multinomial per row of ``table`` at its cell shares (0 log 0 = 0)."""
    table = np.asarray(table, float)
    shares = table / table.sum(axis=1, keepdims=True)
    return float(np.sum(table[table > 0] * np.log(shares[table > 0])))


def effective_epp(counts, n_slopes: int) -> float:
    """Harrell's effective sample size n - sum(n_k^3) / n^2 per slope parameter."""
    counts = np.asarray(counts, float)
    n = counts.sum()
    return (n - np.sum(counts**3) / n**2) / n_slopes


def three_level_data() -> pd.DataFrame:
    """The ordinal data with answers 3 and 4 merged: y3 in 1..3."""
    d = ordinal_data()
    d["y3"] = d["y"].clip(upper=3)
    return d


# m <- MASS::polr(factor(y3) ~ g, data = d, method = "logistic", Hess = TRUE,
#                 control = list(reltol = 1e-15, maxit = 1000)); c(coef(m), m$zeta); logLik(m)
# (d$y3 <- pmin(d$y, 3), g with reference b)
POLR3 = {
    "g[a]": (-1.021364502016393, 0.546949253642549),
    "g[c]": (0.638436715078756, 0.614202079467397),
    "threshold[1|2]": (-1.629530266059482, 0.449279207531275),
    "threshold[2|3]": (-0.413198747115706, 0.399469434330310),
}
POLR3_LOGLIK = -67.9041682810305
Y3_BY_G = np.array([[8, 8, 8], [4, 6, 15], [3, 3, 18]])  # table(d$g, d$y3), rows a, b, c


@pytest.fixture(scope="module")
def three_level_fit():
    return ordinal_logit(three_level_data(), "y3", ["g"], reference={"g": "b"})


def test_three_level_outcome_matches_polr(three_level_fit):
    """Two thresholds: estimates and SEs as polr's, and the fit's counts."""
    got = by_term(three_level_fit)
    assert list(got.index) == list(POLR3)
    for term, (estimate, se) in POLR3.items():
        assert got.loc[term, "estimate"] == pytest.approx(estimate, abs=1e-7)
        assert got.loc[term, "std_error"] == pytest.approx(se, rel=1e-6)
    fit = three_level_fit.fit.iloc[0]
    assert fit["loglik"] == pytest.approx(POLR3_LOGLIK, abs=1e-9)
    assert fit["aic"] == pytest.approx(-2 * POLR3_LOGLIK + 2 * 4, abs=1e-8)
    assert fit["n_parameters"] == 4 and bool(fit["converged"]) and fit["flag"] == ""
    assert (fit["model"], fit["family"], fit["outcome"]) == ("ordinal_logit", "ordinal_logit", "y3")
    assert fit["formula"] == "y3 ~ g (reference: g=b)"
    # the default level is 95 %: estimate + norm.ppf(0.975) * SE
    row = got.loc["g[a]"]
    assert row["ci_high"] == pytest.approx(row["estimate"] + 1.959963984540054 * row["std_error"], rel=1e-12)


def test_ordinal_aliased_design_names_its_terms():
    result = ordinal_logit(ordinal_data().assign(x2=lambda f: 2 * f["x"]), "y", ["x", "x2"])
    assert (
        result.fit.loc[0, "note"]
        == "not fitted: the design is rank deficient (aliased terms among ['x', 'x2'])"
    )


def test_three_level_po_check_is_against_the_saturated_model(three_level_fit):
    """With one categorical predictor the non-proportional model is saturated: a closed form."""
    fit = three_level_fit.fit.iloc[0]
    statistic = 2 * (saturated_loglik(Y3_BY_G) - POLR3_LOGLIK)
    assert fit["po_statistic"] == pytest.approx(statistic, abs=1e-7)
    assert fit["po_df"] == 2  # (3 - 2) cut-points x 2 slopes
    assert fit["po_p"] == pytest.approx(math.exp(-statistic / 2), rel=1e-6)  # chi2(2) survival
    assert PO_TEST_TEXT in fit["note"]


PO_TEST_TEXT = "LR test against the non-proportional cumulative logit"


def test_ordinal_events_per_parameter_is_the_effective_sample_size_per_slope(ordinal_fit, three_level_fit):
    """Harrell's effective sample size n - sum(n_k^3)/n^2 over the slopes, and its note."""
    counts = np.sum(list(ORDINAL_COUNTS.values()), axis=0)
    assert ordinal_fit.fit.loc[0, "events_per_parameter"] == pytest.approx(
        effective_epp(counts, 3), rel=1e-12
    )
    assert three_level_fit.fit.loc[0, "events_per_parameter"] == pytest.approx(
        effective_epp(Y3_BY_G.sum(axis=0), 2), rel=1e-12
    )
    text = f"events per slope parameter {effective_epp(counts, 3):.1f} (effective sample size"
    assert text in ordinal_fit.fit.loc[0, "note"]


def test_ordinal_low_epp_is_flagged_with_the_configured_minimum(three_level_fit):
    """A minimum above the effective sample size per slope flags low_epp; the default does not."""
    result = ordinal_logit(
        three_level_data(), "y3", ["g"], reference={"g": "b"}, checks={"min_events_per_parameter": 30}
    )
    assert result.fit.loc[0, "flag"] == "low_epp"
    assert "below 30: too many parameters" in result.fit.loc[0, "note"]
    assert "low_epp" not in three_level_fit.fit.loc[0, "flag"]


def test_binary_ordinal_outcome_is_the_glm_logit_without_po_check():
    """Two levels: logit P(Y = 1) = x b - t, so glm's slopes and threshold = -intercept."""
    d = ordinal_data()
    d["yb"] = (d["y"] >= 3).astype(int)
    result = ordinal_logit(d, "yb", ["g", "h"], reference={"g": "b"})
    got = by_term(result)
    for term in ("g[a]", "g[c]", "h[v]"):
        assert got.loc[term, "estimate"] == pytest.approx(GLM[term][0], abs=1e-8)
        assert got.loc[term, "std_error"] == pytest.approx(GLM[term][1], rel=1e-6)
    assert got.loc["threshold[0|1]", "estimate"] == pytest.approx(-GLM["Intercept"][0], abs=1e-8)
    fit = result.fit.iloc[0]
    assert fit["loglik"] == pytest.approx(GLM_LOGLIK, abs=1e-8)
    assert np.isnan(fit["po_statistic"]) and pd.isna(fit["po_df"]) and np.isnan(fit["po_p"])
    assert fit["note"].split("; ")[-1] == "binary outcome: no proportional-odds check"


# m <- MASS::polr(factor(y3) ~ g, data = d, method = "logistic", Hess = TRUE,
#                 control = list(reltol = 1e-15, maxit = 1000)); logLik(m)
# (d$y3 <- pmin(d$y, 3); d$y3[d$g == "c" & d$y3 == 1] <- 2; g with reference a)
BOUNDARY_LOGLIK = -65.4809373414125


def test_a_separated_cumulative_split_flags_the_po_check_as_rough():
    """No y3 = 1 at g = c separates the split 1|2 only: the PO model is fine, the LR check rough."""
    d = three_level_data()
    d.loc[(d["g"] == "c") & (d["y3"] == 1), "y3"] = 2
    result = ordinal_logit(d, "y3", ["g"])
    fit = result.fit.iloc[0]
    assert fit["flag"] == "po_boundary" and bool(fit["converged"])
    assert fit["loglik"] == pytest.approx(BOUNDARY_LOGLIK, abs=1e-8)
    # the non-proportional model's supremum is the saturated likelihood (0 log 0 = 0)
    table = np.array([[8, 8, 8], [4, 6, 15], [0, 6, 18]])
    assert fit["po_statistic"] == pytest.approx(2 * (saturated_loglik(table) - BOUNDARY_LOGLIK), abs=1e-5)
    texts = [text for _, text in result.messages]
    assert (
        "ordinal_logit: the non-proportional model has no finite estimates (separated cumulative "
        "split(s) ['1|2']); the LR statistic uses its log-likelihood supremum and its p-value is rough"
    ) in texts


def test_from_1000_cases_on_the_likelihood_is_summed_over_patterns():
    """Exactly 1,000 cases already take the pattern likelihood, with the estimates of clm."""
    data = ordinal_data()
    many = pd.concat([data] * 14, ignore_index=True).iloc[:1000]
    result = ordinal_logit(many, "y", ["g", "h"], reference={"g": "b"})
    assert "ordinal_logit: 1000 cases in 24 patterns: the likelihood summed over those" in [
        text for _, text in result.messages
    ]
    assert result.fit.loc[0, "n"] == 1000 and bool(result.fit.loc[0, "converged"])


def test_separated_data_on_patterns_scale_back_loglik_and_standard_errors():
    """Under separation the pattern fit's loglik and covariance are rescaled to the cases."""
    d = ordinal_data()
    d.loc[d["g"] == "c", "y"] = 4
    copies = 15
    once = ordinal_logit(d, "y", ["g", "h"])
    many = ordinal_logit(pd.concat([d] * copies, ignore_index=True), "y", ["g", "h"])
    assert many.fit.loc[0, "flag"].startswith("separation") and once.fit.loc[0, "flag"] == (
        "separation;not_converged;po_boundary"
    )
    texts = [text for _, text in once.messages]
    assert "ordinal_logit: (quasi-)separation: no finite ML estimate for ['g[c]']; reported as NaN" in texts
    assert "ordinal_logit: the information matrix is singular; SEs from its pseudo-inverse" in texts
    assert "ordinal_logit: the proportional-odds fit did not converge" in texts
    assert many.fit.loc[0, "loglik"] == pytest.approx(copies * once.fit.loc[0, "loglik"], rel=1e-8)
    got, base = by_term(many).dropna(), by_term(once).dropna()
    np.testing.assert_allclose(got["std_error"] * math.sqrt(copies), base["std_error"], rtol=1e-4)
    np.testing.assert_allclose(got["estimate"], base["estimate"], atol=1e-4)


# b0 <- glm(y ~ g + h, family = binomial, data = s[s$g != "c", ],
#           control = glm.control(epsilon = 1e-14, maxit = 100)); coef(b0)
GLM_WITHOUT_C = {"Intercept": 0.248516624083427, "g[b]": 0.514496262242505, "h[v]": -0.879535480186958}


def test_firth_never_reports_the_finite_terms_as_without_the_separated_rows():
    """ML under separation: g[c] diverges, the rest tends to glm without the g = c rows."""
    result = binary_logit(separated_data(), "y", ["g", "h"], positive_codes=[1], firth="never")
    got = by_term(result)
    for term, estimate in GLM_WITHOUT_C.items():
        assert got.loc[term, "estimate"] == pytest.approx(estimate, abs=1e-6)
        assert got.loc[term, "flag"] == ""
    assert got.loc["g[c]", COEFFICIENT_COLUMNS[4:13]].isna().all() and got.loc["g[c]", "flag"] == "separation"
    fit = result.fit.iloc[0]
    assert (
        np.isnan(fit["loglik"]) and str(fit["converged"]) == "False" and fit["flag"] == "low_epp;separation"
    )
    assert fit["note"].endswith("firth: never, so the diverging estimates are not reported (NaN)")
    assert "Firth" not in fit["note"]


def test_firth_on_a_saturated_model_adds_a_half_to_every_cell():
    """One categorical predictor: Firth's estimates are the log odds of the counts plus 1/2."""
    d = ordinal_data()
    result = binary_logit(d, "y", ["g"], positive_codes=[3, 4], firth="always", reference={"g": "b"})
    got = by_term(result)
    events = {g: sum(c[2] + c[3] for (gg, _), c in ORDINAL_COUNTS.items() if gg == g) for g in "abc"}
    totals = {g: sum(sum(c) for (gg, _), c in ORDINAL_COUNTS.items() if gg == g) for g in "abc"}
    log_odds = {g: math.log((events[g] + 0.5) / (totals[g] - events[g] + 0.5)) for g in "abc"}
    assert got.loc["Intercept", "estimate"] == pytest.approx(log_odds["b"], abs=1e-8)
    for g in "ac":
        assert got.loc[f"g[{g}]", "estimate"] == pytest.approx(log_odds[g] - log_odds["b"], abs=1e-8)
    # loglik is unpenalised: the binomial log-likelihood at the shrunken shares
    shares = {g: 1 / (1 + math.exp(-log_odds[g])) for g in "abc"}
    loglik = sum(
        events[g] * math.log(shares[g]) + (totals[g] - events[g]) * math.log(1 - shares[g]) for g in "abc"
    )
    fit = result.fit.iloc[0]
    assert fit["loglik"] == pytest.approx(loglik, abs=1e-8)
    assert "Firth's penalised likelihood (forced by firth: always); std_error" in fit["note"]
    assert fit["flag"] == "" and fit["n_parameters"] == 3


def test_firth_auto_on_separated_data_says_so_without_forcing(firth_fit):
    """The note names Firth's fit but not a forced one; the profile found every interval end."""
    fit = firth_fit.fit.iloc[0]
    assert fit["note"].endswith(
        "Firth's penalised likelihood; std_error from the Fisher information; statistic (signed root), "
        "p_value and CI from the penalised likelihood profile; loglik unpenalised"
    )
    assert "forced" not in fit["note"] and "ci_not_found" not in fit["flag"]
    assert fit["n_parameters"] == 4 and bool(fit["converged"])
    assert fit["events_per_parameter"] == pytest.approx(22 / 3, rel=1e-12)  # 22 events, 3 slopes


def test_binary_logit_events_per_parameter_is_the_rarer_outcome_per_slope():
    """min(events, non-events) / slopes, here 32 answers below 3 (41 at 3 or 4) over 3 slopes."""
    result = binary_logit(ordinal_data(), "y", ["g", "h"], positive_codes=[3, 4], reference={"g": "b"})
    fit = result.fit.iloc[0]
    assert fit["events_per_parameter"] == pytest.approx(32 / 3, rel=1e-12)
    assert fit["n_parameters"] == 4 and bool(fit["converged"]) and fit["flag"] == ""
    assert fit["formula"] == "I(y in {3, 4}) ~ g + h (reference: g=b)"
    assert fit["note"] == (
        "events per slope parameter 10.7 (rarer outcome 32.0 / 3); "
        "maximum likelihood; no separation (LP check)"
    )


def test_positive_codes_match_as_text_or_number():
    """YAML may give '3' for the code 3: the same positive cases, so glm's estimates."""
    result = binary_logit(ordinal_data(), "y", ["g", "h"], positive_codes=["3", "4"], reference={"g": "b"})
    got = by_term(result)
    for term, (estimate, *_) in GLM.items():
        assert got.loc[term, "estimate"] == pytest.approx(estimate, abs=1e-8)


@pytest.mark.parametrize(("codes", "events"), [([1, 2, 3, 4], 73), ([9], 0)])
def test_a_constant_binary_outcome_is_a_flagged_row(codes, events):
    """Every case positive, or none: not fitted, flagged constant_outcome with the count."""
    result = binary_logit(ordinal_data(), "y", ["g"], positive_codes=codes)
    fit = result.fit.iloc[0]
    assert len(result.coefficients) == 0 and fit["flag"] == "constant_outcome"
    assert fit["note"] == f"not fitted: {events} of 73 cases are positive"


def test_multinomial_reference_defaults_to_the_first_level():
    """Without a reference the equations compare with level p: intercept log(n_q,a / n_p,a)."""
    result = multinomial_logit(multinomial_data(), "o", ["g"])
    got = result.coefficients.set_index(["equation", "term"])
    assert list(got.index.get_level_values(0).unique()) == ["q", "r", "s"]
    assert (got["equation_reference"] == "p").all()
    assert got.loc[("q", "Intercept"), "estimate"] == pytest.approx(math.log(9 / 4), abs=1e-8)
    fit = result.fit.iloc[0]
    assert fit["note"].endswith("baseline-category logit, reference outcome level p")
    assert fit["events_per_parameter"] == pytest.approx(10 / 2, rel=1e-12)  # smallest level r: 10 cases
    assert fit["flag"] == "low_epp;sparse_cells" and bool(fit["converged"])
    assert fit["note"].startswith(
        "events per slope parameter 5.0 (smallest outcome level 10.0 / 2), below 10"
    )
    # cells below 5 (4, 3; 2; 4, 3): 5 of the 12
    assert "5 of 12 cells of o by g have fewer than 5 cases" in fit["note"]


def test_multinomial_empty_outcome_levels_are_flagged_unless_excluded():
    """An outcome level without cases is flagged and left out; an excluded one is not flagged."""
    d = multinomial_data()
    d["o"] = d["o"].cat.add_categories(["t", "u"])
    result = multinomial_logit(d, "o", ["g"], exclude={"o": ["u"]})
    fit = result.fit.iloc[0]
    assert fit["flag"].split(";")[0] == "empty_outcome_level"
    assert fit["note"].startswith("outcome level(s) ['t'] have no cases and are left out")
    assert fit["n_parameters"] == 9 and fit["loglik"] == pytest.approx(-81.136484606, abs=1e-8)


def test_multinomial_sparse_outcome_level_flags_its_whole_equation():
    """A level with fewer than min_level_count cases flags every term of its equation."""
    result = multinomial_logit(multinomial_data(), "o", ["g"], checks={"min_level_count": 11})
    got = result.coefficients.set_index(["equation", "term"])["flag"]
    assert (got.loc["r"] == "sparse_level").all() and "sparse_level" in result.fit.loc[0, "flag"].split(";")
    assert (got.loc["q"] == "").all() and (got.loc["s"] == "").all()
    assert "outcome level r has 10 case(s) (< 11)" in result.fit.loc[0, "note"]
    assert "12 of 12 cells of o by g have fewer than 11 cases" in result.fit.loc[0, "note"]


def test_multinomial_zero_cell_in_the_reference_column_flags_the_whole_equation():
    """No o = p at the reference g = a: the intercept and every slope of equation p diverge."""
    d = multinomial_data()
    d.loc[(d["g"] == "a") & (d["o"] == "p"), "o"] = "s"
    result = multinomial_logit(d, "o", ["g"], reference={"o": "q"})
    got = result.coefficients.set_index(["equation", "term"])["flag"]
    assert all("zero_cell" in flag.split(";") for flag in got.loc["p"])
    assert {"zero_cell", "not_converged"} <= set(result.fit.loc[0, "flag"].split(";"))
    assert (got.loc["r"] == "").all() and (got.loc["s"] == "").all()
    assert "no case with o=p and g=a: quasi-separation" in result.fit.loc[0, "note"]
    # the Newton iterations of statsmodels run off along the diverging direction
    assert "not_converged" in result.fit.loc[0, "flag"] and not result.fit.loc[0, "converged"]
    assert (
        logging.INFO,
        "multinomial_logit: statsmodels: Maximum Likelihood optimization failed to converge. "
        "Check mle_retvals",
    ) in result.messages
    assert (logging.WARNING, "multinomial_logit: the multinomial fit did not converge") in result.messages


@pytest.mark.parametrize(
    ("o", "v", "expected"),
    [
        ("r", "b", ["r:g[b]"]),  # an ordinary cell: its own term
        ("r", "a", ["r:*"]),  # the reference column: the whole equation
        ("q", "b", ["p:g[b]", "r:g[b]"]),  # the reference row: that term of every equation
        ("q", "a", ["p:*", "r:*"]),  # both references: everything
    ],
)
def test_zero_cell_terms(o, v, expected):
    """Which terms diverge for a zero cell, levels q (reference), p, r and g's a (reference), b."""
    assert _zero_cell_terms(o, v, ["q", "p", "r"], "g", ["a", "b"]) == expected


@pytest.mark.parametrize(
    ("change", "reference", "code", "note"),
    [
        (
            lambda d: d,
            {"o": "t"},
            "empty_reference",
            "not fitted: the reference outcome level 't' has no cases",
        ),
        (
            lambda d: d[d["o"] == "q"],
            {"o": "q"},
            "constant_outcome",
            "not fitted: the outcome has fewer than two observed levels",
        ),
    ],
)
def test_multinomial_outcome_problems_are_flagged_rows(change, reference, code, note):
    """An empty reference level or a single observed level: not fitted, a flagged row."""
    d = multinomial_data()
    d["o"] = d["o"].cat.add_categories(["t"])
    result = multinomial_logit(change(d), "o", ["g"], reference=reference)
    fit = result.fit.iloc[0]
    assert len(result.coefficients) == 0 and code in fit["flag"].split(";") and note in fit["note"]


def test_ols_of_a_categorical_outcome_is_a_specification_error():
    with pytest.raises(ValueError, match="model 'ols': the outcome g of an OLS model must be numeric"):
        linear(ordinal_data(), "g", ["h"])


def test_ols_events_per_parameter_is_n_per_slope():
    """n / slopes (73 / 3), noted; a higher minimum flags low_epp."""
    result = linear(ordinal_data(), "z", ["g", "x"], reference={"g": "b"})
    fit = result.fit.iloc[0]
    assert fit["events_per_parameter"] == pytest.approx(73 / 3, rel=1e-12) and fit["flag"] == ""
    assert bool(fit["converged"])
    assert fit["note"] == (
        "events per slope parameter 24.3 (n 73.0 / 3); t statistics and intervals; "
        "n_parameters counts the residual variance"
    )
    low = linear(ordinal_data(), "z", ["g", "x"], checks={"min_events_per_parameter": 25})
    assert low.fit.loc[0, "flag"] == "low_epp"


# --- fit_model, fit_models and the specification file ------------------------------------------


def test_fit_model_passes_every_setting_of_an_ols_spec():
    """The spec's reference, exclude and the confidence reach lm's fit (90 % interval)."""
    spec = {"family": "ols", "outcome": "z", "predictors": ["g", "x"], "reference": {"g": "b"}}
    result = fit_model(ordinal_data(), "m_ols", spec, dict(DEFAULT_CHECKS), 0.90)
    got = by_term(result)
    t = 1.66723854866855  # R: qt(0.95, 69)
    for term, (estimate, se, *_) in LM.items():
        assert got.loc[term, "estimate"] == pytest.approx(estimate, rel=1e-9)
        assert got.loc[term, "ci_high"] == pytest.approx(estimate + t * se, rel=1e-8)
    assert (result.coefficients["model"] == "m_ols").all() and result.fit.loc[0, "family"] == "ols"
    excluded = fit_model(ordinal_data(), "m", {**spec, "exclude": {"h": ["v"]}}, dict(DEFAULT_CHECKS), 0.95)
    assert excluded.fit.loc[0, "n_dropped"] == 37  # the h = v rows


def test_fit_model_logit_defaults_to_firth_auto():
    """A logit spec without 'firth' fits separated data by Firth's likelihood, as brglm2."""
    spec = {"family": "logit", "outcome": "y", "predictors": ["g", "h"], "positive_codes": [1]}
    result = fit_model(separated_data(), "m_logit", spec, dict(DEFAULT_CHECKS), 0.95)
    got = by_term(result)
    assert got.loc["g[c]", "estimate"] == pytest.approx(BRGLM2["g[c]"][0], abs=1e-6)
    assert result.fit.loc[0, "family"] == "logit" and result.fit.loc[0, "model"] == "m_logit"
    # the profile's interval and test replace Wald's: R's values, the statistic the signed root
    low, high, p = FIRTH_PROFILE["g[c]"]
    assert got.loc["g[c]", ["ci_low", "ci_high"]].tolist() == pytest.approx([low, high], abs=1e-6)
    assert got.loc["g[c]", "p_value"] == pytest.approx(p, rel=1e-5)
    assert got.loc["g[c]", "statistic"] == pytest.approx(-math.sqrt(stats.chi2.isf(p, 1)), rel=1e-5)
    never = fit_model(separated_data(), "m", {**spec, "firth": "never"}, dict(DEFAULT_CHECKS), 0.95)
    assert np.isnan(by_term(never).loc["g[c]", "estimate"])


def test_fit_model_ordinal_and_multinomial_specs():
    """The other two families with their references: clm's g[a] and the closed-form intercept."""
    ordinal = {"family": "ordinal_logit", "outcome": "y", "predictors": ["g", "h"], "reference": {"g": "b"}}
    got = by_term(fit_model(ordinal_data(), "m_ord", ordinal, dict(DEFAULT_CHECKS), 0.95))
    assert got.loc["g[a]", "estimate"] == pytest.approx(CLM["g[a]"][0], abs=1e-10)
    nominal = {"family": "multinomial_logit", "outcome": "o", "predictors": ["g"], "reference": {"o": "q"}}
    result = fit_model(multinomial_data(), "m_mn", nominal, dict(DEFAULT_CHECKS), 0.95)
    got = result.coefficients.set_index(["equation", "term"])
    assert got.loc[("p", "Intercept"), "estimate"] == pytest.approx(math.log(4 / 9), abs=1e-8)
    assert result.fit.loc[0, "family"] == "multinomial_logit"


def test_fit_model_rejects_an_unknown_family():
    with pytest.raises(ValueError, match="model 'm': unknown family 'probit'"):
        fit_model(ordinal_data(), "m", {"family": "probit", "outcome": "y", "predictors": ["g"]}, {}, 0.95)


def test_fit_models_takes_the_file_checks_over_the_defaults():
    """checks.min_level_count of the file flags g's levels (about 24 cases each) as sparse."""
    specs = {
        "checks": {"min_level_count": 25},
        "models": {"m1": {"family": "ols", "outcome": "z", "predictors": ["g"]}},
    }
    result = fit_models(ordinal_data(), specs)
    assert "sparse_level" in result.fit.loc[0, "flag"]
    assert "g=b has 25 case(s)" not in result.fit.loc[0, "note"]  # 25 is not below 25
    assert "g=a has 24 case(s) (< 25)" in result.fit.loc[0, "note"]
    assert specs["checks"] == {"min_level_count": 25}  # the caller's specification is left alone


def test_fit_models_joins_tables_and_messages_in_the_file_order():
    """Two models: their coefficient rows one after the other and both models' messages."""
    specs = {
        "models": {
            "first": {"family": "ols", "outcome": "z", "predictors": ["x"]},
            "second": {"family": "ols", "outcome": "z", "predictors": ["g"]},
        }
    }
    result = fit_models(ordinal_data(), specs, confidence=0.9)
    assert result.coefficients["model"].tolist() == ["first"] * 2 + ["second"] * 3
    assert result.fit["model"].tolist() == ["first", "second"] and result.coefficients.index.is_unique
    assert list(result.coefficients.columns) == COEFFICIENT_COLUMNS
    # the Intercept's 90 % interval of z ~ x (71 df): R qt(0.95, 71) = 1.66659965832853
    row = result.coefficients.iloc[0]
    assert row["ci_high"] - row["estimate"] == pytest.approx(1.66659965832853 * row["std_error"], rel=1e-9)
    # and the fit itself, by least squares in SciPy
    line = stats.linregress(ordinal_data()["x"], ordinal_data()["z"])
    intercept = (line.intercept, line.intercept_stderr)
    assert (row["estimate"], row["std_error"]) == pytest.approx(intercept, rel=1e-9)
    slope = result.coefficients.iloc[1]
    assert (slope["estimate"], slope["std_error"]) == pytest.approx((line.slope, line.stderr), rel=1e-9)


def test_fit_models_without_models_gives_empty_tables_with_their_columns():
    result = fit_models(ordinal_data(), {"models": {}})
    assert result.coefficients.empty and list(result.coefficients.columns) == COEFFICIENT_COLUMNS
    assert result.fit.empty and list(result.fit.columns) == FIT_COLUMNS and result.messages == []


def write_specs(tmp_path, models, **top):
    path = tmp_path / "models.yaml"
    path.write_text(yaml.safe_dump({"models": models, **top}))
    return path


def test_load_model_specs_fills_the_schema_defaults(tmp_path):
    path = write_specs(
        tmp_path, {"m": {"family": "logit", "outcome": "y", "predictors": ["g"], "positive_codes": [4]}}
    )
    specs = load_model_specs(path)
    assert specs["checks"] == DEFAULT_CHECKS
    model = specs["models"]["m"]
    assert model["reference"] == {} and model["exclude"] == {} and model["firth"] == "auto"


def test_load_model_specs_names_the_file_and_every_problem(tmp_path):
    """The outcome as predictor and an unknown exclude variable, each on its own line."""
    spec = {"family": "ols", "outcome": "z", "predictors": ["z", "g"], "exclude": {"k": ["a"]}}
    path = write_specs(tmp_path, {"m": spec})
    with pytest.raises(ValueError) as error:
        load_model_specs(path)
    assert str(error.value) == (
        f"{path}: the model specifications are not valid:\n"
        "  models.m: the outcome 'z' is also a predictor\n"
        "  models.m.exclude: 'k' is neither the outcome nor a predictor"
    )


def test_an_empty_specification_file_is_a_problem_at_the_top(tmp_path):
    path = tmp_path / "models.yaml"
    path.write_text("")
    with pytest.raises(ValueError, match=r"not valid:\n  \(top\): 'models' is a required property"):
        load_model_specs(path)


def test_the_outcome_and_the_predictors_may_be_referenced(tmp_path):
    """reference and exclude may name the outcome or any predictor: no problem then."""
    spec = {
        "family": "multinomial_logit",
        "outcome": "o",
        "predictors": ["g"],
        "reference": {"o": "q", "g": "a"},
    }
    specs = load_model_specs(write_specs(tmp_path, {"m": {**spec, "exclude": {"g": ["c"], "o": ["s"]}}}))
    assert specs["models"]["m"]["reference"] == {"o": "q", "g": "a"}


def test_multinomial_defaults_and_the_model_frame_settings():
    """Default name and 95 % level; the predictor's reference and exclusions reach the frame."""
    d = multinomial_data()
    d.loc[0, "g"] = np.nan  # one row dropped for a missing value, logged under the model's name
    result = multinomial_logit(d, "o", ["g"], reference={"o": "q", "g": "b"}, exclude={"g": ["c"]})
    got = result.coefficients.set_index(["equation", "term"])
    assert sorted(set(got.index.get_level_values(1))) == ["Intercept", "g[a]"]
    assert (result.coefficients["model"] == "multinomial_logit").all()
    fit = result.fit.iloc[0]
    assert fit["n"] == 41 and fit["n_dropped"] == 21 and fit["outcome"] == "o"
    assert fit["formula"] == "o ~ g (reference: o=q, g=b)"
    assert "multinomial_logit: 1 row(s) dropped for missing values (g: 1): 0" in [
        t for _, t in result.messages
    ]
    # the intercept of equation p at g = b is log(6 / 7); its 95 % Wald interval
    row = got.loc[("p", "Intercept")]
    assert row["estimate"] == pytest.approx(math.log(6 / 7), abs=1e-8)
    assert row["ci_high"] == pytest.approx(row["estimate"] + 1.959963984540054 * row["std_error"], rel=1e-12)


def test_multinomial_outcome_level_of_one_case_is_observed_and_flagged():
    """A level with a single case is an equation of its own, flagged sparse (< 5 cases)."""
    d = multinomial_data()
    d["o"] = d["o"].cat.add_categories(["t"])
    d.loc[0, "o"] = "t"
    d["g"] = d["g"].cat.add_categories(["e"])
    d.loc[[1, 2], "g"] = "e"  # a sparse predictor level too
    result = multinomial_logit(d, "o", ["g"])
    got = result.coefficients.set_index(["equation", "term"])["flag"]
    assert "t" in got.index.get_level_values(0)
    assert "sparse_level" in got.loc[("t", "Intercept")] and "sparse_level" in got.loc[("q", "g[e]")]
    assert "outcome level t has 1 case(s) (< 5)" in result.fit.loc[0, "note"]


def test_multinomial_reference_outside_the_levels_is_a_specification_error():
    with pytest.raises(ValueError, match="model 'multinomial_logit', reference of o: 'zz' is not"):
        multinomial_logit(multinomial_data(), "o", ["g"], reference={"o": "zz"})


def test_ols_with_one_categorical_predictor_gives_the_group_means():
    """y (Int8 answers) on g: the intercept is g = a's mean, the slopes differences of means."""
    result = linear(ordinal_data(), "y", ["g"])
    got = by_term(result)
    means = {
        g: sum(n * y for (gg, _), c in ORDINAL_COUNTS.items() if gg == g for y, n in enumerate(c, 1))
        / sum(sum(c) for (gg, _), c in ORDINAL_COUNTS.items() if gg == g)
        for g in "abc"
    }
    assert got.loc["Intercept", "estimate"] == pytest.approx(means["a"], rel=1e-12)
    assert got.loc["g[c]", "estimate"] == pytest.approx(means["c"] - means["a"], rel=1e-12)
    fit = result.fit.iloc[0]
    assert (fit["model"], fit["family"], fit["outcome"], fit["formula"]) == ("ols", "ols", "y", "y ~ g")


def test_ols_checks_of_the_data_are_logged_under_its_name():
    """A sparse level is flagged with its message; an aliased design names its terms."""
    d = ordinal_data()
    d["g"] = d["g"].cat.add_categories(["rare"])
    d.loc[[0, 1], "g"] = "rare"
    sparse = linear(d, "z", ["g"], checks={"min_events_per_parameter": 100})
    assert by_term(sparse).loc["g[rare]", "flag"] == "sparse_level"
    texts = [text for _, text in sparse.messages]
    assert "ols: g=rare has 2 case(s) (< 5); kept, its estimate is imprecise" in texts
    assert (
        "ols: events per slope parameter 24.3 (n 73.0 / 3), below 100: too many parameters for the data"
        in texts
    )
    aliased = linear(d.assign(x2=2 * d["x"]), "z", ["x", "x2"])
    assert (
        aliased.fit.loc[0, "note"]
        == "not fitted: the design is rank deficient (aliased terms among ['x', 'x2'])"
    )


def test_fit_models_default_level_index_and_messages():
    """95 % intervals by default, a fresh index over the models and every model's messages."""
    d = ordinal_data()
    d.loc[3, "x"] = np.nan
    specs = {
        "models": {
            "first": {"family": "ols", "outcome": "z", "predictors": ["x"]},
            "second": {"family": "ols", "outcome": "z", "predictors": ["x", "g"]},
        }
    }
    result = fit_models(d, specs)
    assert result.fit.index.tolist() == [0, 1] and result.coefficients.index.tolist() == list(range(6))
    assert [text for _, text in result.messages] == [
        "first: 1 row(s) dropped for missing values (x: 1): R04",
        "second: 1 row(s) dropped for missing values (x: 1): R04",
    ]
    row = result.coefficients.iloc[0]
    # lm on 72 cases: R qt(0.975, 70) = 1.99443711177119
    assert row["ci_high"] - row["estimate"] == pytest.approx(1.99443711177119 * row["std_error"], rel=1e-9)


def test_schema_problems_are_sorted_and_stop_before_the_model_checks(tmp_path):
    """Two problems of the schema, in order; a model without predictors is not looked into."""
    path = write_specs(tmp_path, {"m": {"family": "ols", "outcome": "z"}}, extra=1)
    with pytest.raises(ValueError) as error:
        load_model_specs(path)
    assert str(error.value).splitlines()[1:] == [
        "  models.m: 'predictors' is a required property",  # sorted by the errors' text
        "  (top): Additional properties are not allowed ('extra' was unexpected)",
    ]


def test_multinomial_empty_outcome_levels_without_exclusions():
    d = multinomial_data()
    d["o"] = d["o"].cat.add_categories(["t", "u"])
    result = multinomial_logit(d, "o", ["g"])
    assert result.fit.loc[0, "note"].startswith("outcome level(s) ['t', 'u'] have no cases and are left out")


def test_multinomial_outcome_level_with_exactly_the_minimum_is_not_sparse():
    """r has 10 cases: not below a minimum of 10, so its equation is not flagged."""
    result = multinomial_logit(multinomial_data(), "o", ["g"], checks={"min_level_count": 10})
    got = result.coefficients.set_index(["equation", "term"])["flag"]
    assert (got.loc["r"] == "").all() and "outcome level r" not in result.fit.loc[0, "note"]


def test_multinomial_of_two_outcome_levels_is_the_binary_logit():
    """Outcomes p and q only: one equation, log odds of the cells (closed form), not flagged."""
    d = multinomial_data()
    d = d[d["o"].isin(["p", "q"])]
    result = multinomial_logit(d, "o", ["g"], reference={"o": "q"})
    got = result.coefficients.set_index("term")
    assert got["equation"].unique().tolist() == ["p"]
    assert got.loc["Intercept", "estimate"] == pytest.approx(math.log(4 / 9), abs=1e-8)
    assert got.loc["g[c]", "estimate"] == pytest.approx(math.log(8 / 4) - math.log(4 / 9), abs=1e-8)
    assert result.fit.loc[0, "n_parameters"] == 3


def test_multinomial_aliased_design_names_its_terms():
    d = multinomial_data().assign(g2=lambda f: f["g"])
    result = multinomial_logit(d, "o", ["g", "g2"])
    assert result.fit.loc[0, "note"] == (
        "not fitted: the design is rank deficient (aliased terms among ['g[b]', 'g[c]', 'g2[b]', 'g2[c]'])"
    )


def test_binary_logit_frame_settings_and_checks_are_logged_under_its_name():
    """Exclusions, dropped rows and a sparse level reach the fit, logged as the model 'logit'."""
    d = ordinal_data()
    d["g"] = d["g"].cat.add_categories(["rare"])
    d.loc[[0, 9], "g"] = "rare"  # answers 1 and 3, both with h = u
    d.loc[5, "y"] = pd.NA
    result = binary_logit(
        d, "y", ["g"], positive_codes=[3, 4], exclude={"h": ["v"]}, checks={"max_std_error": 1.0}
    )
    fit = result.fit.iloc[0]
    assert (fit["model"], fit["family"], fit["outcome"]) == ("logit", "logit", "y")
    assert fit["n"] == 35 and fit["n_dropped"] == 38  # 37 rows with h = v, R06 without an answer
    texts = [text for _, text in result.messages]
    assert "logit: 1 row(s) dropped for missing values (y: 1): R06" in texts
    assert "logit: g=rare has 2 case(s) (< 5); kept, its estimate is imprecise" in texts
    got = by_term(result)
    assert got.loc["g[rare]", "flag"] == "sparse_level;large_std_error"  # SE above the configured 1.0


def test_binary_logit_aliased_design_names_its_terms():
    result = binary_logit(
        ordinal_data().assign(x2=lambda f: 2 * f["x"]), "y", ["x", "x2"], positive_codes=[4]
    )
    assert (
        result.fit.loc[0, "note"]
        == "not fitted: the design is rank deficient (aliased terms among ['x', 'x2'])"
    )


def test_complete_separation_by_a_numeric_predictor_flags_slope_and_intercept():
    """y = 1 exactly when x > 0.45: the slope and the cut-point (so the intercept) diverge."""
    d = ordinal_data()
    d["pos"] = (d["x"] > 0.45).astype(int)
    result = binary_logit(d, "pos", ["x"], positive_codes=[1])
    got = by_term(result)
    assert got.loc["x", "flag"].startswith("separation") and got.loc["Intercept", "flag"].startswith(
        "separation"
    )
    assert "logit: (quasi-)separation: no finite ML estimate for ['x', 'Intercept']" in [
        text for _, text in result.messages
    ]
    assert np.isfinite(got["estimate"]).all() and got.loc["x", "estimate"] > 0  # Firth's finite estimates


# The finite estimates of a separated fit tend to the fit without the separated rows:
# s <- d[d$g != "c", ] (with d$y[d$g == "c"] <- 4), g with levels a, b
# m <- MASS::polr(factor(y) ~ g + h, data = s, method = "logistic", Hess = TRUE,
#                 control = list(reltol = 1e-15, maxit = 1000))
# c(coef(m), m$zeta); sqrt(diag(vcov(m))); logLik(m)
POLR_WITHOUT_C = {
    "g[b]": (1.095162200079192, 0.533837098098181),
    "h[v]": (0.535258996867557, 0.520147928908008),
    "threshold[1|2]": (-0.398235378672575, 0.474418717298873),
    "threshold[2|3]": (0.950081640389918, 0.487252068272141),
    "threshold[3|4]": (2.159300622870335, 0.561436503074103),
}
POLR_WITHOUT_C_LOGLIK = -65.0795850188882


@pytest.mark.parametrize("copies", [1, 15])
def test_separated_ordinal_fit_tends_to_polr_without_the_separated_rows(copies):
    """Everyone at g = c answers 4: the other estimates are polr's on the rows without g = c.

    BFGS stops within about 5e-7 of that limit; 15 copies (1,095 cases, fitted on patterns)
    give the same estimates, SEs over sqrt(15) and 15 times the log-likelihood.
    """
    d = ordinal_data()
    d.loc[d["g"] == "c", "y"] = 4
    result = ordinal_logit(pd.concat([d] * copies, ignore_index=True), "y", ["g", "h"])
    got = by_term(result)
    for term, (estimate, se) in POLR_WITHOUT_C.items():
        assert got.loc[term, "estimate"] == pytest.approx(estimate, abs=2e-6)
        assert got.loc[term, "std_error"] * math.sqrt(copies) == pytest.approx(se, rel=2e-6)
    assert result.fit.loc[0, "loglik"] == pytest.approx(copies * POLR_WITHOUT_C_LOGLIK, rel=1e-9)
    # BFGS stops short of the (infinite) optimum on the cases but converges on the patterns
    flag, converged = (
        ("separation;not_converged;po_boundary", False) if copies == 1 else ("separation;po_boundary", True)
    )
    assert result.fit.loc[0, "flag"] == flag and str(result.fit.loc[0, "converged"]) == str(converged)
    if copies == 1:
        failed = "ordinal_logit: statsmodels: Maximum Likelihood optimization failed to converge. "
        failed += "Check mle_retvals"
        assert (logging.INFO, failed) in result.messages


def test_multinomial_outcome_level_only_in_dropped_rows_is_an_empty_level():
    """A text outcome whose level t occurs only where g is missing: t is flagged and left out."""
    d = multinomial_data().astype(object)
    d.loc[len(d)] = {"g": np.nan, "o": "t"}
    result = multinomial_logit(d, "o", ["g"])
    fit = result.fit.iloc[0]
    assert "empty_outcome_level" in fit["flag"].split(";") and "['t'] have no cases" in fit["note"]
    assert fit["n"] == 62 and fit["loglik"] == pytest.approx(-81.136484606, abs=1e-8)


def test_a_profile_end_beyond_the_search_is_nan_and_flagged():
    """x / 10^4 has an SE near 7,500: the profile search (up to 10^3 wide) finds no end, so NaN."""
    d = ordinal_data().assign(xs=lambda f: f["x"] * 1e-4)
    result = binary_logit(d, "y", ["xs"], positive_codes=[3, 4], firth="always")
    got = by_term(result)
    assert got.loc["xs", ["ci_low", "ci_high"]].isna().all()
    assert np.isfinite(got.loc["Intercept", ["ci_low", "ci_high"]].astype(float)).all()
    assert result.fit.loc[0, "flag"].split(";")[0] == "ci_not_found"
    assert (
        logging.WARNING,
        "logit: a penalised-likelihood interval end was not found (NaN)",
    ) in result.messages
