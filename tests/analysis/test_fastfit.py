"""The fast cumulative-logit refit against statsmodels' fits and closed forms."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from leisurenet.analysis.fastfit import cumulative_logit, fit_patterns, model_patterns, patterns
from leisurenet.analysis.models import fit_model, load_model_specs
from leisurenet.paths import ROOT

SPECS = load_model_specs(ROOT / "config" / "models.yaml")


@pytest.fixture(scope="module")
def primary(recoded):
    spec = SPECS["models"]["rep_voice_ordinal"]
    return spec, model_patterns(recoded, spec, "rep_voice_ordinal")


def test_the_refit_equals_the_pipeline_ordinal_model(recoded, primary):
    # models.ordinal_logit is statsmodels' OrderedModel, pinned to MASS::polr in test_models.py
    spec, pat = primary
    reference = fit_model(recoded, "rep_voice_ordinal", spec, SPECS["checks"], 0.95).coefficients
    reference = reference.set_index("term").loc[pat.terms]
    fit = fit_patterns(pat)
    assert fit.status == "ok"
    np.testing.assert_allclose(fit.beta, reference["estimate"], atol=1e-6)
    np.testing.assert_allclose(fit.std_error, reference["std_error"], rtol=1e-5)


def test_patterns_hold_every_respondent_once(recoded, primary):
    _, pat = primary
    assert pat.n == recoded[["rep_voice", "size_class", "role_act"]].notna().all(axis=1).sum()
    assert len(np.unique(np.column_stack([pat.codes, pat.X]), axis=0)) == len(pat.counts)


def test_weights_are_repeated_rows():
    rng = np.random.default_rng(3)
    X = np.column_stack([rng.integers(0, 2, 60), rng.normal(size=60)])
    codes = rng.integers(0, 4, 60)
    weights = rng.integers(1, 4, 60)
    weighted = cumulative_logit(X, codes, weights)
    repeated = cumulative_logit(
        np.repeat(X, weights, axis=0), np.repeat(codes, weights), np.ones(weights.sum())
    )
    np.testing.assert_allclose(weighted.beta, repeated.beta, atol=1e-9)
    np.testing.assert_allclose(weighted.loglik, repeated.loglik, rtol=1e-12)


def test_two_levels_is_the_binary_logit():
    # logit P(Y <= 0) = cut - x b means P(Y = 1) = expit(x b - cut): statsmodels' Logit slopes
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 2))
    y = (X @ [0.8, -0.5] + rng.logistic(size=200) > 0).astype(int)
    fit = cumulative_logit(X, y, np.ones(200))
    logit = sm.Logit(y, sm.add_constant(X)).fit(disp=False)
    np.testing.assert_allclose(fit.beta, logit.params[1:], atol=1e-6)
    np.testing.assert_allclose(fit.std_error, logit.bse[1:], rtol=1e-5)


def test_a_2x2_table_gives_the_closed_form_log_odds_ratio():
    # one binary predictor, binary outcome: b = log(ad / bc), SE = sqrt(1/a + 1/b + 1/c + 1/d)
    a, b, c, d = 12, 5, 7, 15  # (x=0,y=0), (x=0,y=1), (x=1,y=0), (x=1,y=1)
    X = np.array([[0.0], [0.0], [1.0], [1.0]])
    fit = cumulative_logit(X, np.array([0, 1, 0, 1]), np.array([a, b, c, d]))
    assert fit.beta[0] == pytest.approx(np.log(a * d / (b * c)), abs=1e-9)
    assert fit.std_error[0] == pytest.approx(np.sqrt(1 / a + 1 / b + 1 / c + 1 / d), rel=1e-7)


def test_a_level_without_cases_is_nan_and_the_rest_is_the_fit_without_it():
    rng = np.random.default_rng(5)
    level = rng.integers(0, 3, 90)
    X = np.column_stack([level == 1, level == 2]).astype(float)
    codes = rng.integers(0, 3, 90)
    weights = np.where(level == 2, 0, 1)
    fit = cumulative_logit(X, codes, weights)
    without = cumulative_logit(X[level != 2][:, :1], codes[level != 2], np.ones((level != 2).sum()))
    assert fit.status == "ok" and np.isnan(fit.beta[1])
    assert fit.beta[0] == pytest.approx(without.beta[0], abs=1e-9)


def test_separated_data_have_no_estimate():
    X = np.array([[0.0], [0.0], [1.0], [1.0]])
    fit = cumulative_logit(X, np.array([0, 0, 1, 1]), np.array([5, 5, 5, 5]))
    assert fit.status == "separated" and np.isnan(fit.beta).all()


def test_a_missing_reference_level_is_rank_deficient():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])  # reference level absent
    fit = cumulative_logit(X, np.array([0, 1, 1, 0]), np.ones(4))
    assert fit.status == "rank_deficient"


def test_only_ordinal_models_are_refitted(recoded):
    with pytest.raises(ValueError, match="paper.primary_model"):
        model_patterns(recoded, SPECS["models"]["participation_linear"], "participation_linear")


def test_patterns_of_a_small_frame():
    pat = patterns(np.array([[1.0], [1.0], [0.0]]), np.array([2, 2, 0]), ["x"], [1, 2, 3])
    assert pat.n == 3 and sorted(pat.counts.tolist()) == [1, 2] and pat.n_levels == 3
    assert pat.X.tolist() == [[0.0], [1.0]] and pat.codes.tolist() == [0, 2]


def two_by_two(a, b, c, d, levels=(0, 1)):
    """A 2x2 table as four weighted rows: (x=0, low), (x=0, high), (x=1, low), (x=1, high)."""
    low, high = levels
    return np.array([[0.0], [0.0], [1.0], [1.0]]), np.array([low, high, low, high]), np.array([a, b, c, d])


def test_a_2x2_fit_has_the_closed_form_loglik():
    """The saturated binary model reproduces each row's shares: ll = sum n log(n / row total)."""
    a, b, c, d = 12, 5, 7, 15
    fit = cumulative_logit(*two_by_two(a, b, c, d))
    ll = a * np.log(a / 17) + b * np.log(b / 17) + c * np.log(c / 22) + d * np.log(d / 22)
    assert fit.loglik == pytest.approx(ll, rel=1e-12) and fit.status == "ok"


def test_an_outcome_level_without_weight_is_left_out():
    """Codes 0 and 2 observed, 1 has no weight: the binary log odds ratio of the 2x2 table."""
    a, b, c, d = 12, 5, 7, 15
    X, codes, weights = two_by_two(a, b, c, d, levels=(0, 2))
    X, codes, weights = np.vstack([X, [[1.0]]]), np.append(codes, 1), np.append(weights, 0)
    fit = cumulative_logit(X, codes, weights)
    assert fit.status == "ok" and fit.beta[0] == pytest.approx(np.log(a * d / (b * c)), abs=1e-9)
    assert fit.std_error[0] == pytest.approx(np.sqrt(1 / a + 1 / b + 1 / c + 1 / d), rel=1e-7)


def test_a_large_slope_of_data_that_are_not_separated_is_kept():
    """log(3000^2) = 16.0 is beyond LARGE_SLOPE, but every cell has cases: a finite estimate."""
    fit = cumulative_logit(*two_by_two(3000, 1, 1, 3000))
    assert fit.status == "ok" and fit.beta[0] == pytest.approx(np.log(3000.0**2), abs=1e-8)
    assert fit.std_error[0] == pytest.approx(np.sqrt(2 / 3000 + 2), rel=1e-7)


def test_a_single_observed_outcome_level_is_rank_deficient():
    fit = cumulative_logit(*two_by_two(5, 0, 5, 0))
    assert fit.status == "rank_deficient" and np.isnan(fit.beta).all() and np.isnan(fit.loglik)


def test_aliased_columns_are_rank_deficient():
    X = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 2.0], [1.0, 2.0]])
    fit = cumulative_logit(X, np.array([0, 1, 0, 1]), np.array([3, 4, 5, 6]))
    assert fit.status == "rank_deficient" and np.isnan(fit.std_error).all()


def test_no_weight_at_all_is_rank_deficient():
    fit = cumulative_logit(*two_by_two(0, 0, 0, 0)[:2], np.zeros(4))
    assert fit.status == "rank_deficient"


def test_separated_data_keep_their_loglik_supremum():
    """Complete separation: the likelihood climbs to 1, log-likelihood 0 (to Newton's precision)."""
    fit = cumulative_logit(*two_by_two(5, 0, 0, 5))
    assert fit.status == "separated" and fit.loglik == pytest.approx(0.0, abs=1e-6) and fit.loglik < 0
    assert np.isnan(fit.beta).all() and np.isnan(fit.std_error).all() and fit.std_error.shape == (1,)


def test_model_patterns_of_a_small_frame():
    """The terms and levels of models.ordinal_logit: reference first, exclusions and gaps applied."""
    data = pd.DataFrame(
        {
            "y": pd.array([1, 2, 4, 4, 1, 2], dtype="Int8"),
            "g": pd.Categorical(["a", "b", "b", "c", "a", "c"]),
        }
    )
    spec = {"family": "ordinal_logit", "outcome": "y", "predictors": ["g"], "reference": {"g": "b"}}
    pat = model_patterns(data, spec)
    assert pat.terms == ["g[a]", "g[c]"] and pat.levels == [1, 2, 4] and pat.n_levels == 3 and pat.n == 6
    excluded = model_patterns(data, {**spec, "exclude": {"g": ["c"]}})
    assert excluded.terms == ["g[a]"] and excluded.n == 4 and excluded.levels == [1, 2, 4]


def test_only_ordinal_models_message_names_the_model_and_family():
    spec = {"family": "ols", "outcome": "y", "predictors": ["g"]}
    with pytest.raises(ValueError, match="^model 'm' is a ols model; the bootstrap and the multiverse refit"):
        model_patterns(pd.DataFrame({"y": [1.0], "g": ["a"]}), spec, "m")
    # without a name, the model is called "model"
    with pytest.raises(ValueError, match="^model 'model' is a ols model"):
        model_patterns(pd.DataFrame({"y": [1.0], "g": ["a"]}), spec)


def test_fit_patterns_takes_other_counts():
    """New counts replace the pattern counts: the log odds ratio of the new table."""
    pat = patterns(*two_by_two(1, 1, 1, 1)[:2], ["x"], [0, 1])
    fit = fit_patterns(pat, np.array([12, 5, 7, 15]))
    assert fit.beta[0] == pytest.approx(np.log(12 * 15 / (5 * 7)), abs=1e-9)
    assert fit_patterns(pat).beta[0] == pytest.approx(0.0, abs=1e-12)


def test_a_constant_column_leaves_no_slope_to_fit():
    """Every row at x = 1: the column carries no contrast, its slope is NaN, the cut-point fit stands."""
    X, codes, weights = np.ones((2, 1)), np.array([0, 1]), np.array([3, 7])
    fit = cumulative_logit(X, codes, weights)
    assert fit.status == "ok" and np.isnan(fit.beta).all()
    assert fit.loglik == pytest.approx(3 * np.log(0.3) + 7 * np.log(0.7), rel=1e-12)


def test_a_fit_that_does_not_converge_reports_no_slopes(monkeypatch):
    """Newton's method cut to one step on data that are not separated: no estimate is
    reported, only the log-likelihood it reached, below the converged fit's."""
    from leisurenet.analysis import estimation, fastfit

    data = two_by_two(12, 5, 7, 15)
    converged = cumulative_logit(*data)
    monkeypatch.setattr(fastfit, "_newton", lambda fun, start: estimation._newton(fun, start, maxiter=1))
    fit = cumulative_logit(*data)
    assert fit.status == "not_converged" and np.isnan(fit.beta).all() and np.isnan(fit.std_error).all()
    assert fit.beta.shape == fit.std_error.shape == (1,)
    assert converged.loglik - 1 < fit.loglik < converged.loglik
