"""The parts the regression families stand on, each against a closed form, SciPy or R.

modelframe (complete cases, treatment coding, the checks of the data), modelresult (Wald
tables, odds ratios, the flags and the fit row) and estimation (Newton's method, the
cumulative and binary logit likelihoods, separation). R calls are quoted beside the values.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, special, stats

from leisurenet.analysis.estimation import (
    _cumulative_loglik,
    _logit_fit,
    _logit_loglik,
    _newton,
    _penalised_loglik,
    _sharpen_cumulative,
    cumulative_design,
    firth_profile_inference,
    logit_newton,
    nonproportional_loglik,
    separation_direction,
)
from leisurenet.analysis.modelframe import (
    DEFAULT_CHECKS,
    ModelProblem,
    _check_epp,
    _check_levels,
    _check_rank,
    _ids,
    _is_categorical,
    _levels,
    _Log,
    _match,
    _outcome_codes,
    model_frame,
)
from leisurenet.analysis.modelresult import (
    COEFFICIENT_COLUMNS,
    FIT_COLUMNS,
    _add_odds_ratios,
    _finish,
    _formula,
    _guarded,
    _setup,
    _wald_table,
)


def frame_data() -> pd.DataFrame:
    """Eight respondents: outcome y (Int8), categorical g (level 'd' unused), numeric x."""
    return pd.DataFrame(
        {
            "resp_id": [f"R{i}" for i in range(1, 9)],
            "y": pd.array([1, 2, 3, 1, None, 2, 3, 3], dtype="Int8"),
            "g": pd.Categorical(["a", "b", "c", "a", "b", "c", "b", None], categories=["a", "b", "c", "d"]),
            "x": [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0],
        }
    )


def texts(log: _Log) -> list[str]:
    return [text for _, text in log.messages]


# --- modelframe ---------------------------------------------------------------------------------


def test_log_prefixes_the_model_and_keeps_each_flag_once():
    """info is INFO, flag is WARNING; a repeated flag code is listed once, per model and term."""
    log = _Log("m")
    log.info("hello")
    log.flag("sparse_level", "one", ["t1", "t2"])
    log.flag("sparse_level", "two", ["t1"])
    log.flag("low_epp", "three")
    assert log.messages == [
        (logging.INFO, "m: hello"),
        (logging.WARNING, "m: one"),
        (logging.WARNING, "m: two"),
        (logging.WARNING, "m: three"),
    ]
    assert log.flags == ["sparse_level", "low_epp"] and log.notes == ["one", "two", "three"]
    assert log.term_flags == {"t1": ["sparse_level"], "t2": ["sparse_level"]}


def test_model_problem_carries_its_code():
    problem = ModelProblem("rank_deficient", "aliased")
    assert problem.code == "rank_deficient" and str(problem) == "aliased"


def test_categorical_means_a_category_or_a_non_numeric_column():
    assert _is_categorical(pd.Series(pd.Categorical([1, 2])))
    assert _is_categorical(pd.Series(["a", "b"]))
    assert not _is_categorical(pd.Series([1.0, 2.0])) and not _is_categorical(pd.Series([1, 2]))


def test_levels_are_the_categories_or_the_sorted_values():
    """A categorical keeps its unused categories in order; other columns sort, without NA."""
    assert _levels(pd.Series(pd.Categorical(["b"], categories=["c", "b", "a"]))) == ["c", "b", "a"]
    assert _levels(pd.Series([3.0, None, 1.0, 3.0])) == [1.0, 3.0]


def test_match_takes_a_level_as_text_or_number():
    assert _match("4", [3, 4], "w") == 4 and _match(4, ["3", "4"], "w") == "4"
    assert _match("b", ["a", "b"], "w") == "b"
    with pytest.raises(ValueError, match=r"^w: 'z' is not one of its levels \['a', 'b'\]$"):
        _match("z", ["a", "b"], "w")


def test_ids_are_resp_id_or_else_the_index():
    d = pd.DataFrame({"resp_id": ["A", "B", "C"]}, index=[10, 11, 12])
    mask = pd.Series([True, False, True], index=d.index)
    assert _ids(d, mask) == "A, C"
    assert _ids(d.drop(columns="resp_id"), mask) == "10, 12"


def test_model_frame_complete_cases_and_treatment_coding():
    """R6 (y missing) and R8 (g missing) go; g's unused level d is left out, logged."""
    log = _Log("m")
    frame = model_frame(frame_data(), "y", ["g", "x"], {"g": "b"}, None, log)
    assert list(frame.X.columns) == ["g[a]", "g[c]", "x"] and frame.X.dtypes.eq("float64").all()
    assert frame.X["g[a]"].tolist() == [1, 0, 0, 1, 0, 0] and frame.X["g[c]"].tolist() == [0, 0, 1, 0, 1, 0]
    assert frame.X["x"].tolist() == [0.5, 1.0, 1.5, 2.0, 3.0, 3.5]
    assert frame.y.tolist() == [1, 2, 3, 1, 2, 3] and list(frame.raw.columns) == ["y", "g", "x"]
    assert frame.categorical == {"g": ["b", "a", "c"]}
    assert (log.n, log.n_dropped) == (6, 2)
    assert texts(log) == [
        "m: 2 row(s) dropped for missing values (y: 1, g: 1): R5, R8",
        "m: level(s) ['d'] of g have no complete cases and are left out",
    ]


def test_model_frame_excludes_levels_and_logs_them():
    """Excluded rows are not counted as missing; an excluded level is not reported as empty."""
    log = _Log("m")
    frame = model_frame(frame_data(), "y", ["g"], None, {"g": ["c", "d"]}, log)
    assert frame.categorical == {"g": ["a", "b"]} and (log.n, log.n_dropped) == (4, 4)
    assert texts(log) == [
        "m: 2 row(s) excluded with g in ['c', 'd']: R3, R6",
        "m: 2 row(s) dropped for missing values (y: 1, g: 1): R5, R8",
    ]


def test_model_frame_excludes_the_rows_of_every_variable_named():
    """Two variables' exclusions add up: g = c (R3, R6) and h = v (R3, R7) both go."""
    data = frame_data().assign(h=pd.Categorical(["u", "u", "v", "u", "u", "u", "v", "u"]))
    log = _Log("m")
    frame = model_frame(data, "y", ["x"], None, {"g": ["c"], "h": ["v"]}, log)
    assert frame.X["x"].tolist() == [0.5, 1.0, 2.0, 4.0] and (log.n, log.n_dropped) == (4, 4)
    assert texts(log)[:2] == [
        "m: 2 row(s) excluded with g in ['c']: R3, R6",
        "m: 2 row(s) excluded with h in ['v']: R3, R7",
    ]


def test_model_frame_without_problems_logs_nothing():
    log = _Log("m")
    model_frame(frame_data().iloc[:4], "y", ["x"], log=log)
    assert log.messages == [] and (log.n, log.n_dropped) == (4, 0)


def test_model_frame_problems():
    """An unknown column and a reference level outside the data are errors; an empty one a problem."""
    with pytest.raises(ValueError, match=r"^model 'model': column\(s\) \['k'\] are not in the data$"):
        model_frame(frame_data(), "y", ["k"])
    with pytest.raises(ValueError, match="model 'model', reference of g: 'z' is not"):
        model_frame(frame_data(), "y", ["g"], {"g": "z"})
    with pytest.raises(ValueError, match="model 'model', exclude g: 'z' is not"):
        model_frame(frame_data(), "y", ["g"], exclude={"g": ["z"]})
    with pytest.raises(ModelProblem, match="the reference level 'd' of g has no complete cases") as problem:
        model_frame(frame_data(), "y", ["g"], {"g": "d"})
    assert problem.value.code == "empty_reference"


def test_outcome_codes_of_integer_answers_flag_a_skipped_code():
    """Codes 1, 2, 5 are observed: 3 and 4 are empty levels, the codes are 0..2."""
    log = _Log("m")
    codes, levels = _outcome_codes(pd.Series([5, 1, 2, 5], dtype="Int8"), log)
    assert codes.tolist() == [2, 0, 1, 2] and levels == [1, 2, 5]
    assert log.flags == ["empty_outcome_level"]
    assert log.notes == ["outcome level(s) [3, 4] have no cases; the cut-points join the observed levels"]


def test_outcome_codes_of_a_categorical_and_of_non_integer_values():
    log = _Log("m")
    y = pd.Series(pd.Categorical(["hi", "lo", "hi"], categories=["lo", "mid", "hi"], ordered=True))
    codes, levels = _outcome_codes(y, log)
    assert codes.tolist() == [1, 0, 1] and levels == ["lo", "hi"] and log.flags == ["empty_outcome_level"]
    assert log.notes == ["outcome level(s) ['mid'] have no cases; the cut-points join the observed levels"]
    log = _Log("m")
    codes, levels = _outcome_codes(pd.Series([0.5, 2.0, 0.5]), log)
    assert codes.tolist() == [0, 1, 0] and levels == [0.5, 2.0] and log.flags == []
    with pytest.raises(ModelProblem, match="^the outcome has 1 observed level"):
        _outcome_codes(pd.Series([3, 3]), _Log("m"))


def test_check_levels_flags_few_cases_and_the_reference_flags_its_variable():
    """min_count 3: a (2 cases, reference) flags every g term; c (1 case) its own; b (3) none."""
    raw = pd.DataFrame({"g": ["a", "a", "b", "b", "b", "c"]})
    frame = model_frame(raw.assign(y=1.0), "y", ["g"])
    log = _Log("m")
    _check_levels(frame, log, 3)
    assert log.term_flags == {"g[b]": ["sparse_level"], "g[c]": ["sparse_level"]}
    assert log.notes == [
        "g=a has 2 case(s) (< 3); kept, its estimate is imprecise",
        "g=c has 1 case(s) (< 3); kept, its estimate is imprecise",
    ]
    # only c sparse: only its own term
    frame = model_frame(pd.DataFrame({"g": ["a"] * 3 + ["b"] * 3 + ["c"], "y": 1.0}), "y", ["g"])
    log = _Log("m")
    _check_levels(frame, log, 3)
    assert log.term_flags == {"g[c]": ["sparse_level"]}


def test_check_rank():
    """As many cases as parameters, or fewer, is too few; aliased columns are rank deficient."""
    with pytest.raises(ModelProblem, match=r"^2 case\(s\) for 2 parameter\(s\)$") as problem:
        _check_rank(np.eye(2), ["a", "b"])
    assert problem.value.code == "too_few_cases"
    with pytest.raises(ModelProblem, match=r"^2 case\(s\) for 3 parameter\(s\)$"):
        _check_rank(np.eye(2, 3), ["a", "b", "c"])
    _check_rank(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), ["a", "b"])  # full rank: no problem
    with pytest.raises(ModelProblem, match=r"aliased terms among \['a', 'b'\]") as problem:
        _check_rank(np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]]), ["a", "b"])
    assert problem.value.code == "rank_deficient"


def test_check_epp_divides_and_flags_below_the_minimum():
    """30 events on 3 slopes: 10, exactly the minimum, is not flagged; 29 events are."""
    log = _Log("m")
    assert _check_epp(30.0, 3, "events", log, 10) == 10.0
    assert log.flags == [] and log.notes == ["events per slope parameter 10.0 (events 30.0 / 3)"]
    assert _check_epp(29.0, 3, "events", log, 10) == pytest.approx(29 / 3, rel=1e-15)
    assert log.flags == ["low_epp"]
    assert (
        log.notes[-1]
        == "events per slope parameter 9.7 (events 29.0 / 3), below 10: too many parameters for the data"
    )
    assert np.isnan(_check_epp(5.0, 0, "n", _Log("m"), 10))  # no slopes: no ratio


def test_default_checks():
    assert DEFAULT_CHECKS == {"min_level_count": 5, "min_events_per_parameter": 10, "max_std_error": 10.0}


# --- modelresult -------------------------------------------------------------------------------


def test_wald_table_normal():
    """z = 2 / 0.5 = 4; p = 2 * norm.sf(4); 90 % interval 2 -/+ 1.6448536269514722 * 0.5."""
    table = _wald_table(["a", "b"], [2.0, -1.0], [0.5, 2.0], 0.90)
    assert table.columns.tolist() == [
        "term",
        "estimate",
        "std_error",
        "statistic",
        "p_value",
        "ci_low",
        "ci_high",
    ]
    z = 1.6448536269514722  # scipy.stats.norm.ppf(0.95)
    assert table["statistic"].tolist() == [4.0, -0.5]
    assert table["p_value"].tolist() == pytest.approx(
        [2 * stats.norm.sf(4.0), 2 * stats.norm.sf(0.5)], rel=1e-12
    )
    assert table["ci_low"].tolist() == pytest.approx([2 - z * 0.5, -1 - z * 2], rel=1e-12)
    assert table["ci_high"].tolist() == pytest.approx([2 + z * 0.5, -1 + z * 2], rel=1e-12)


def test_wald_table_t():
    """With residual df the t distribution: R qt(0.975, 5) = 2.57058183563631, 2 * pt(-4, 5)."""
    table = _wald_table(["a"], [2.0], [0.5], 0.95, df_resid=5)
    assert table.loc[0, "ci_high"] == pytest.approx(2 + 2.57058183563631 * 0.5, rel=1e-12)
    assert table.loc[0, "p_value"] == pytest.approx(0.0103234154808315, rel=1e-9)  # R: 2 * pt(-4, 5)


def test_wald_table_of_a_zero_or_missing_standard_error():
    """A zero SE (an exact fit) gives an infinite statistic and p = 0, a missing one (a separated
    term) NaN: stated in the table, without NumPy's warnings (tests/analysis/conftest.py)."""
    table = _wald_table(["a", "b", "c"], [1.5, 0.0, math.nan], [0.0, 0.0, math.nan], 0.95)
    assert table.loc[0, ["statistic", "p_value", "ci_low", "ci_high"]].tolist() == [math.inf, 0.0, 1.5, 1.5]
    assert table.loc[1:, ["statistic", "p_value"]].isna().all().all()


def test_odds_ratios_only_for_slopes_of_logit_families():
    table = pd.DataFrame(
        {
            "term": ["Intercept", "threshold[1|2]", "g[b]", "x"],
            "estimate": [1.0, 2.0, 0.5, -1.0],
            "ci_low": [0.0, 1.0, 0.1, -2.0],
            "ci_high": [2.0, 3.0, 900.0, 0.0],
        }
    )
    got = _add_odds_ratios(table.copy(), True)
    assert got["odds_ratio"].iloc[:2].isna().all() and got["or_ci_low"].iloc[:2].isna().all()
    assert got["odds_ratio"].iloc[2:].tolist() == pytest.approx([math.exp(0.5), math.exp(-1.0)], rel=1e-15)
    assert got["or_ci_low"].iloc[2:].tolist() == pytest.approx([math.exp(0.1), math.exp(-2.0)], rel=1e-15)
    assert got.loc[2, "or_ci_high"] == math.inf and got.loc[3, "or_ci_high"] == 1.0
    assert _add_odds_ratios(table.copy(), False)[["odds_ratio", "or_ci_low", "or_ci_high"]].isna().all().all()
    # NaN where there is no ratio, not None
    assert got[["odds_ratio", "or_ci_low", "or_ci_high"]].dtypes.tolist() == [np.dtype(float)] * 3


def finish(table, values, family="logit", log=None, max_se=10.0):
    log = log or _Log("m")
    if log.n is None:
        log.n, log.n_dropped = 100, 3
    return _finish("m", family, "y", "y ~ g", log, table, values, max_se)


def test_finish_fit_row_aic_and_bic():
    """AIC = -2 ll + 2 k, BIC = -2 ll + log(n) k, with the integer columns as Int64."""
    table = _wald_table(["Intercept", "g[b]"], [0.1, 0.2], [0.3, 0.4], 0.95)
    values = {"loglik": -50.0, "n_parameters": 2, "events_per_parameter": 7.5, "converged": True}
    fit = finish(table, values).fit
    assert fit.columns.tolist() == FIT_COLUMNS
    row = fit.iloc[0]
    assert row["aic"] == 104.0 and row["bic"] == pytest.approx(100 + math.log(100) * 2, rel=1e-15)
    assert (row["n"], row["n_dropped"], row["n_parameters"]) == (100, 3, 2) and row[
        "events_per_parameter"
    ] == 7.5
    assert bool(row["converged"]) and (row["model"], row["family"], row["outcome"]) == ("m", "logit", "y")
    assert row["formula"] == "y ~ g" and np.isnan(row["po_statistic"]) and pd.isna(row["po_df"])
    assert str(fit["n"].dtype) == "Int64" and str(fit["po_df"].dtype) == "Int64"


def test_finish_without_a_table_or_cases():
    """A model not fitted: empty coefficients with their columns, NaN fit values, not converged."""
    log = _Log("m")
    log.n, log.n_dropped = 0, 5
    result = finish(None, {}, log=log)
    assert result.coefficients.empty and result.coefficients.columns.tolist() == COEFFICIENT_COLUMNS
    row = result.fit.iloc[0]
    assert np.isnan(row["loglik"]) and np.isnan(row["aic"]) and np.isnan(row["bic"]) and not row["converged"]
    assert result.fit["converged"].dtype == bool  # False, not a missing value
    assert pd.isna(row["n_parameters"]) and np.isnan(row["events_per_parameter"])


def test_finish_flags_large_standard_errors_but_not_in_ols():
    """An SE above max_std_error flags its term and the model; exactly at the limit does not."""
    table = _wald_table(["Intercept", "g[b]", "g[c]"], [0.1, 0.2, 0.3], [0.3, 10.0, 10.5], 0.95)
    result = finish(table.copy(), {})
    assert result.coefficients["flag"].tolist() == ["", "", "large_std_error"]
    assert result.fit.loc[0, "flag"] == "large_std_error"
    assert result.fit.loc[0, "note"] == (
        "standard error above 10 for ['g[c]']: (quasi-)separation or an almost empty cell; "
        "do not interpret these estimates"
    )
    ols = finish(table.copy(), {}, family="ols")
    assert (ols.coefficients["flag"] == "").all() and ols.fit.loc[0, "flag"] == ""
    assert ols.coefficients["odds_ratio"].isna().all()


def test_finish_joins_term_equation_and_whole_equation_flags_once():
    """Flags keyed by term, 'equation:term' and 'equation:*' meet in one ';'-joined cell."""
    table = _wald_table(["Intercept", "x", "Intercept", "x"], [0.1] * 4, [0.2] * 4, 0.95)
    table.insert(0, "equation", ["p", "p", "r", "r"])
    table.insert(1, "equation_reference", "q")
    log = _Log("m")
    log.flag("a", "t", ["x"])
    log.flag("b", "t", ["p:x", "r:*"])
    log.flag("a", "t", ["p:x"])
    result = finish(table, {}, family="multinomial_logit", log=log)
    assert result.coefficients["flag"].tolist() == ["", "a;b", "b", "a;b"]
    assert result.coefficients["model"].tolist() == ["m"] * 4
    assert result.fit.loc[0, "flag"] == "a;b" and result.fit.loc[0, "note"] == "t; t; t"


def test_finish_adds_empty_equation_columns_to_single_equation_models():
    table = _wald_table(["Intercept"], [0.1], [0.2], 0.95)
    got = finish(table, {}).coefficients
    assert got.columns.tolist() == COEFFICIENT_COLUMNS
    assert got.loc[0, "equation"] == "" and got.loc[0, "equation_reference"] == ""


def test_formula_and_setup():
    assert _formula("y", ["g", "x"], {}) == "y ~ g + x"
    assert _formula("y", ["g"], {"g": "b", "h": 2}) == "y ~ g (reference: g=b, h=2)"
    reference, checks, log, formula = _setup("m", "y", ["g"], None, {"max_std_error": 5.0})
    assert reference == {} and checks == {**DEFAULT_CHECKS, "max_std_error": 5.0}
    assert log.model == "m" and formula == "y ~ g"
    assert _setup("m", "y", ["g"], {"g": "b"}, None)[1] == DEFAULT_CHECKS


@pytest.mark.parametrize(
    ("error", "code", "note"),
    [
        (ModelProblem("too_few_cases", "2 case(s)"), "too_few_cases", "not fitted: 2 case(s)"),
        (np.linalg.LinAlgError("Singular matrix"), "fit_failed", "not fitted: LinAlgError: Singular matrix"),
        (FloatingPointError("overflow"), "fit_failed", "not fitted: FloatingPointError: overflow"),
    ],
)
def test_guarded_turns_a_problem_into_a_flagged_row_logged_as_error(error, code, note):
    log = _Log("m")
    log.info("before")
    log.info("still before")

    def body():
        raise error

    result = _guarded("m", "logit", "y", "y ~ g", log, {"max_std_error": 10.0}, body)
    assert result.fit.loc[0, "flag"] == code and result.fit.loc[0, "note"] == note
    assert result.messages == [
        (logging.INFO, "m: before"),
        (logging.INFO, "m: still before"),
        (logging.ERROR, f"m: {note}"),
    ]
    assert result.coefficients.empty


def test_guarded_uses_the_max_std_error_of_the_checks():
    def body():
        return _wald_table(["Intercept", "x"], [0.1, 0.2], [0.3, 4.0], 0.95), {}

    result = _guarded("m", "logit", "y", "y ~ x", _Log("m"), {"max_std_error": 3.0}, body)
    assert result.coefficients["flag"].tolist() == ["", "large_std_error"]


# --- estimation --------------------------------------------------------------------------------


def test_newton_maximises_a_concave_quadratic_in_one_step():
    """-(t - c)' A (t - c) / 2 has its maximum at c; Newton reaches it at once."""
    a, c = np.array([[2.0, 0.5], [0.5, 1.0]]), np.array([1.0, -2.0])

    def fun(t):
        d = t - c
        return -0.5 * d @ a @ d, -a @ d, -a

    theta, ll, hess, converged = _newton(fun, np.zeros(2))
    assert theta.tolist() == pytest.approx(c.tolist(), abs=1e-12) and ll == pytest.approx(0.0, abs=1e-20)
    assert converged and np.array_equal(hess, -a)


def test_newton_follows_the_gradient_where_the_hessian_is_not_negative():
    """Where the Newton step points downhill, the gradient step is taken instead."""

    def fun(t):
        # -t^4 / 4 + t^2 / 2 is convex near 0: from 0.2 the Newton step points to the minimum
        x = t[0]
        return -(x**4) / 4 + x**2 / 2, np.array([-(x**3) + x]), np.array([[-3 * x**2 + 1]])

    theta, ll, _, converged = _newton(fun, np.array([0.2]))
    assert theta[0] == pytest.approx(1.0, abs=1e-9) and ll == pytest.approx(0.25, abs=1e-15) and converged


def test_newton_reports_no_convergence_when_no_step_gains():
    """A likelihood -inf everywhere but the start: every step is halved away, not converged."""

    def fun(t):
        if t[0] == 0:
            return 0.0, np.array([1.0]), np.array([[-1.0]])
        return -np.inf, None, None

    theta, ll, _, converged = _newton(fun, np.array([0.0]))
    assert theta.tolist() == [0.0] and ll == 0.0 and not converged


def test_newton_stops_at_maxiter_and_says_whether_the_gradient_vanished():
    """A linear likelihood never converges: maxiter steps of the gradient, each of length 1."""

    def fun(t):
        return float(t[0]), np.array([1.0]), np.array([[0.0]])

    theta, ll, _, converged = _newton(fun, np.array([0.0]), maxiter=7)
    assert theta.tolist() == [7.0] and ll == 7.0 and not converged


def quadratic(peak, curvature, reported_hessian):
    """-curvature (t - peak)^2 in one parameter, with the Hessian ``fun`` reports (a wrong
    one sends Newton's method off its exact step, to exercise its safeguards)."""

    def fun(t):
        return -curvature * (t[0] - peak) ** 2, np.array([-2 * curvature * (t[0] - peak)]), reported_hessian

    return fun


def test_newton_takes_the_least_squares_step_where_the_hessian_is_singular():
    """-(t0 - 3)^2, flat in t1: the minimum-norm Newton step reaches (3, 0) in one step."""

    def fun(t):
        return -((t[0] - 3) ** 2), np.array([-2 * (t[0] - 3), 0.0]), np.array([[-2.0, 0.0], [0.0, 0.0]])

    theta, ll, _, converged = _newton(fun, np.zeros(2), maxiter=1)
    assert theta.tolist() == [3.0, 0.0] and ll == 0.0 and converged


def test_newton_gradient_step_has_length_one():
    """A positive Hessian makes the Newton step point downhill: the gradient step instead,
    scaled to length 1 (the gradient is 10), which gains and is taken whole."""
    theta, ll, _, converged = _newton(quadratic(5.0, 1.0, np.array([[2.0]])), np.array([0.0]), maxiter=1)
    assert theta.tolist() == [1.0] and ll == -16.0 and not converged


def test_newton_halves_a_step_that_loses():
    """Too flat a Hessian overshoots: the step of 12.5 loses (-0.5625 against -0.25), its
    half (6.25) gains, after one iteration."""
    fun = quadratic(5.0, 0.01, np.array([[-0.008]]))
    theta, ll, _, _ = _newton(fun, np.array([0.0]), maxiter=1)
    assert theta.tolist() == [6.25] and ll == pytest.approx(-0.01 * 1.25**2, rel=1e-15)


def test_newton_says_converged_when_the_gradient_is_below_1e6_at_maxiter():
    """Too curved a Hessian halves the distance to the peak each step: after 25 steps the
    gradient is 2 * 2^-25 = 6e-8, above gtol (so no early return) but below 1e-6."""
    theta, _, _, converged = _newton(quadratic(1.0, 1.0, np.array([[-4.0]])), np.array([0.0]), maxiter=25)
    assert theta[0] == pytest.approx(1 - 2.0**-25, abs=1e-15) and converged


def test_cumulative_design_of_three_cases():
    """Answers 0, 2, 1 of three levels: -x on the slope, 1 on the cut-point above/below."""
    X = np.array([[0.5], [1.0], [2.0]])
    z_up, z_low, has_up, has_low = cumulative_design(X, np.array([0, 2, 1]), 2)
    assert z_up.tolist() == [[-0.5, 1, 0], [-1.0, 0, 0], [-2.0, 0, 1]]
    assert z_low.tolist() == [[-0.5, 0, 0], [-1.0, 0, 1], [-2.0, 1, 0]]
    assert has_up.tolist() == [True, False, True] and has_low.tolist() == [False, True, True]


def cumulative_case():
    X = np.array([[0.5], [1.0], [2.0], [-1.0]])
    codes = np.array([0, 2, 1, 1])
    return X, codes, np.array([0.3, -0.4, 0.8])  # theta = (b, cut_1, cut_2)


def test_cumulative_loglik_is_the_sum_of_log_probabilities():
    """P(Y = c) = F(cut_c - x b) - F(cut_{c-1} - x b), F = expit, written out case by case."""
    X, codes, theta = cumulative_case()
    b, cuts = theta[0], [-np.inf, theta[1], theta[2], np.inf]
    expected = sum(
        math.log(special.expit(cuts[c + 1] - x * b) - special.expit(cuts[c] - x * b))
        for x, c in zip(X[:, 0], codes, strict=True)
    )
    ll, grad, hess = _cumulative_loglik(theta, *cumulative_design(X, codes, 2))
    assert ll == pytest.approx(expected, rel=1e-14)


def test_cumulative_loglik_derivatives_are_those_of_the_loglik():
    """Gradient and Hessian against central differences of the log-likelihood and gradient."""
    X, codes, theta = cumulative_case()
    design = cumulative_design(X, codes, 2)
    weights = np.array([1.0, 2.0, 0.5, 3.0])
    _, grad, hess = _cumulative_loglik(theta, *design, weights=weights)
    h = 1e-6
    for j in range(3):
        e = np.zeros(3)
        e[j] = h
        up, down = (
            _cumulative_loglik(theta + e, *design, weights),
            _cumulative_loglik(theta - e, *design, weights),
        )
        assert grad[j] == pytest.approx((up[0] - down[0]) / (2 * h), rel=1e-7)
        np.testing.assert_allclose(hess[:, j], (up[1] - down[1]) / (2 * h), rtol=1e-6)


def test_cumulative_loglik_weights_count_cases():
    """Weight 2 on a case is that case twice; inadmissible (unordered) cut-points give -inf."""
    X, codes, theta = cumulative_case()
    weighted = _cumulative_loglik(theta, *cumulative_design(X, codes, 2), weights=np.array([2.0, 1, 1, 1]))
    twice = _cumulative_loglik(theta, *cumulative_design(np.vstack([X, X[:1]]), np.append(codes, 0), 2))
    assert weighted[0] == pytest.approx(twice[0], rel=1e-14)
    np.testing.assert_allclose(weighted[1], twice[1], rtol=1e-13)
    np.testing.assert_allclose(weighted[2], twice[2], rtol=1e-13)
    assert _cumulative_loglik(np.array([0.3, 0.8, -0.4]), *cumulative_design(X, codes, 2))[0] == -np.inf


def test_cumulative_loglik_of_a_zero_probability_is_minus_infinity_without_derivatives():
    """Equal cut-points leave the middle answer (two cases here) a probability of exactly 0:
    -inf at once, without taking log 0 (tests/analysis/conftest.py) or derivatives."""
    X, codes, _ = cumulative_case()
    design = cumulative_design(X, codes, 2)
    assert _cumulative_loglik(np.array([0.3, 0.5, 0.5]), *design) == (-np.inf, None, None)


def test_sharpen_cumulative_reaches_the_maximum_from_nearby():
    """From a rough start: the maximiser of the log-likelihood (SciPy's optimiser agrees)."""
    X, codes, _ = cumulative_case()
    X = np.vstack([X, [[0.0], [1.5], [0.7], [-0.3]]])
    codes = np.append(codes, [2, 0, 1, 2])
    estimate, se, ll, converged = _sharpen_cumulative(X, codes, 2, np.array([0.0, -0.5, 0.5]))
    design = cumulative_design(X, codes, 2)
    best = optimize.minimize(
        lambda t: -_cumulative_loglik(t, *design)[0],
        [0.0, -0.5, 0.5],
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 10000},
    )
    assert converged and estimate.tolist() == pytest.approx(best.x.tolist(), abs=1e-6)
    assert ll == pytest.approx(-best.fun, abs=1e-10)
    hess = _cumulative_loglik(estimate, *design)[2]
    assert se.tolist() == pytest.approx(np.sqrt(np.diag(np.linalg.inv(-hess))).tolist(), rel=1e-12)


def test_nonproportional_loglik_with_one_binary_predictor_is_saturated():
    """x in {0, 1} and three levels: the model reproduces each group's shares (closed form)."""
    table = np.array([[3, 5, 2], [1, 4, 6]])  # rows x = 0, 1; columns answers 0, 1, 2
    x = np.repeat([0.0, 1.0], table.sum(axis=1))[:, None]
    y = np.concatenate([np.repeat([0, 1, 2], row) for row in table])
    ll, converged = nonproportional_loglik(x, y, 3, np.array([-1.0, 1.0]), np.array([0.5]))
    shares = table / table.sum(axis=1, keepdims=True)
    assert converged and ll == pytest.approx(float(np.sum(table * np.log(shares))), abs=1e-10)


def test_logit_loglik_and_penalty():
    """sum(y eta - log(1 + e^eta)); Firth adds log det(X'WX) / 2."""
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    y = np.array([0.0, 1.0, 1.0])
    beta = np.array([-0.5, 1.0])
    eta = X @ beta
    ll = float(np.sum(y * eta - np.log1p(np.exp(eta))))
    assert _logit_loglik(X, y, beta) == pytest.approx(ll, rel=1e-15)
    assert _penalised_loglik(X, y, beta, False) == pytest.approx(ll, rel=1e-15)
    p = special.expit(eta)
    info = X.T @ np.diag(p * (1 - p)) @ X
    assert _penalised_loglik(X, y, beta, True) == pytest.approx(
        ll + 0.5 * math.log(np.linalg.det(info)), rel=1e-13
    )
    # an aliased design has no penalty to add: -inf
    assert _penalised_loglik(np.column_stack([X[:, 0], X[:, 0]]), y, beta, True) == -np.inf


HALVING_X = np.column_stack([np.ones(6), [0.0, 0.0, 1.0, 1.0, 2.0, 2.0]])
HALVING_Y = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 1.0])


@pytest.mark.parametrize(("start", "firth"), [((5.0, -5.0), False), ((5.0, -5.0), True), ((-1.0, 2.0), True)])
def test_logit_fit_halves_a_scoring_step_that_loses(start, firth):
    """The whole Fisher-scoring step loses: from (5, -5) by 90 (-107 against -16.4
    unpenalised), from (-1, 2) with Firth's penalty by only 0.18. The step is halved until
    it gains, so one iteration never lowers the (penalised) log-likelihood."""
    start = np.array(start)
    beta, current, converged = _logit_fit(HALVING_X, HALVING_Y, firth, start=start, maxiter=1)
    assert current > _penalised_loglik(HALVING_X, HALVING_Y, start, firth) and not converged
    assert current == _penalised_loglik(HALVING_X, HALVING_Y, beta, firth)


def test_logit_fit_takes_the_longest_halved_step_that_gains():
    """The step is the scoring step (X'WX)^-1 X'(y - p) times the largest 1/2^k that does
    not lose, computed here from the formula."""
    X, y, start = HALVING_X, HALVING_Y, np.array([5.0, -5.0])
    p = special.expit(X @ start)
    step = np.linalg.solve(X.T @ ((p * (1 - p))[:, None] * X), X.T @ (y - p))
    k = next(k for k in range(40) if _logit_loglik(X, y, start + step / 2**k) >= _logit_loglik(X, y, start))
    assert k >= 2
    beta, _, _ = _logit_fit(X, y, False, start=start, maxiter=1)
    assert beta.tolist() == pytest.approx((start + step / 2**k).tolist(), rel=1e-12)


def test_logit_fit_of_a_large_sample_converges_by_its_step():
    """With 2,000 cases the information is large: the Firth step falls below 1e-10 before
    the score does, which ends the iterations converged; restarted there, it stays put."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=2000)
    X = np.column_stack([np.ones(2000), x])
    y = (rng.random(2000) < special.expit(0.3 + 0.8 * x)).astype(float)
    beta, _, converged = _logit_fit(X, y, True)
    assert converged
    assert _logit_fit(X, y, True, start=beta)[0].tolist() == pytest.approx(beta.tolist(), abs=1e-9)


def test_logit_fit_holds_a_fixed_coefficient():
    """beta_1 = 0 held: the intercept is the log odds of all cases, 3 of 5 positive."""
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0], [1.0, 4.0]])
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0])
    beta, ll, converged = _logit_fit(X, y, False, fixed=(1, 0.0))
    assert converged and beta.tolist() == pytest.approx([math.log(3 / 2), 0.0], abs=1e-10)
    assert ll == pytest.approx(3 * math.log(0.6) + 2 * math.log(0.4), rel=1e-12)


# g <- glm(y ~ x, family = binomial, control = glm.control(epsilon = 1e-14))
# with x <- 0:4, y <- c(0, 1, 0, 1, 1): coef(g); sqrt(diag(vcov(g))); logLik(g)
GLM_X = [-1.55816105516247, 1.09042556029811]
GLM_X_SE = [1.952308441820094, 0.974852432375946]
GLM_X_LOGLIK = -2.42196684368581


def test_logit_newton_is_glm():
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0], [1.0, 4.0]])
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0])
    beta, cov, ll, converged = logit_newton(X, y, firth=False)
    assert converged and beta.tolist() == pytest.approx(GLM_X, abs=1e-10)
    # glm stops at its deviance tolerance, so its last weights, and SEs, lag a little
    assert np.sqrt(np.diag(cov)).tolist() == pytest.approx(GLM_X_SE, rel=1e-7)
    assert ll == pytest.approx(GLM_X_LOGLIK, abs=1e-12)


def test_logit_newton_of_an_aliased_design_has_nan_covariance():
    X = np.array([[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]])
    _, cov, _, converged = logit_newton(X, np.array([0.0, 1.0, 1.0]), firth=False)
    assert np.isnan(cov).all() and not converged


def test_firth_profile_of_a_saturated_group_matches_its_profile():
    """One 2x2 table, Firth: the profile interval ends are where D(v) = chi2_1(0.95), p at 0."""
    X = np.column_stack([np.ones(20), np.repeat([0.0, 1.0], 10)])
    y = np.array([1.0] * 3 + [0.0] * 7 + [1.0] * 8 + [0.0] * 2)
    beta, _, _, _ = logit_newton(X, y, firth=True)
    # Firth on a saturated model adds 1/2 to each cell
    assert beta.tolist() == pytest.approx(
        [math.log(3.5 / 7.5), math.log(8.5 / 2.5) - math.log(3.5 / 7.5)], abs=1e-9
    )
    statistic, p, low, high = firth_profile_inference(X, y, beta, 0.95)
    top = _penalised_loglik(X, y, beta, True)

    def deviance(j, v):
        return 2 * (top - _logit_fit(X, y, True, beta, (j, v))[1])

    crit = stats.chi2.ppf(0.95, 1)
    for j in range(2):
        assert deviance(j, low[j]) == pytest.approx(crit, abs=1e-8)
        assert deviance(j, high[j]) == pytest.approx(crit, abs=1e-8)
        assert low[j] < beta[j] < high[j]
        assert p[j] == pytest.approx(stats.chi2.sf(deviance(j, 0.0), 1), rel=1e-10)
        assert statistic[j] == pytest.approx(np.sign(beta[j]) * math.sqrt(deviance(j, 0.0)), rel=1e-10)


def test_firth_profile_that_is_nan_far_out_keeps_its_interval(monkeypatch):
    """Far out the penalised fit can come back NaN (an information matrix near singular):
    taken as a large excess, the ends stay those of the whole profile, not NaN."""
    from leisurenet.analysis import estimation

    X = np.column_stack([np.ones(20), np.repeat([0.0, 1.0], 10)])
    y = np.array([1.0] * 3 + [0.0] * 7 + [1.0] * 8 + [0.0] * 2)
    beta = logit_newton(X, y, firth=True)[0]
    expected = firth_profile_inference(X, y, beta, 0.95)
    reach = np.maximum(expected[3] - beta, beta - expected[2]) * 1.01
    fit = estimation._logit_fit

    def nan_far_out(X, y, firth, start, fixed):
        j, v = fixed
        return (start, np.nan, False) if abs(v - beta[j]) > reach[j] else fit(X, y, firth, start, fixed)

    monkeypatch.setattr(estimation, "_logit_fit", nan_far_out)
    np.testing.assert_allclose(firth_profile_inference(X, y, beta, 0.95), expected, rtol=1e-9)


def test_separation_direction_of_three_ordered_levels():
    """x sorts the answers completely (0 below 1 below 2): separated, x's entry non-zero."""
    x = np.array([[0.0], [0.1], [1.0], [1.1], [2.0], [2.1]])
    direction = separation_direction(x, np.array([0, 0, 1, 1, 2, 2]), 3)
    assert direction is not None and direction[0] != 0 and len(direction) == 3
    # overlapping answers at every x: no separation
    assert separation_direction(np.repeat([[0.0], [1.0]], 3, axis=0), np.array([0, 1, 2, 0, 1, 2]), 3) is None


@pytest.mark.parametrize(
    ("x", "negatives", "positives", "expected"),
    [
        # maximise 2 (t + b) + 3 (b - t) = 5b - t subject to |t| <= b <= 1: (b, t) = (1, -1)
        (1.0, 2, 3, [1.0, -1.0]),
        # 3 (t + b) + 2 (b - t) = 5b + t: (1, 1)
        (1.0, 3, 2, [1.0, 1.0]),
        # x reversed: 2 (t - b) + 3 (-b - t) = -5b - t subject to |t| <= -b <= 1: (-1, -1)
        (-1.0, 2, 3, [-1.0, -1.0]),
    ],
)
def test_separation_direction_maximises_the_count_weighted_slacks(x, negatives, positives, expected):
    """Answers 0 at -x and 1 at +x, that many of each: the program's optimum by hand, a vertex of
    the box [-1, 1] (the slacks are t - x_i b below the top, x_i b - t above the bottom)."""
    X = np.array([[-x]] * negatives + [[x]] * positives)
    y = np.array([0] * negatives + [1] * positives)
    assert separation_direction(X, y, 2).tolist() == pytest.approx(expected, abs=1e-12)
