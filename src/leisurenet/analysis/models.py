"""Regression models for the survey's outcomes, one specification each in ``config/models.yaml``.

Four families: the proportional-odds (cumulative logit) model for Likert outcomes with an
LR check of proportional odds, a binary logit as its robustness model (Firth's penalised
likelihood when the data are separated), a baseline-category multinomial logit, and OLS.
Each model function takes the tidy respondent-level data plus column names and returns a
:class:`ModelResult` with two tidy tables:

``coefficients`` (one row per term; :data:`COEFFICIENT_COLUMNS`)
    ``model``; ``equation`` and ``equation_reference`` (multinomial models: the outcome
    level of the equation and the reference outcome level it is compared with, e.g.
    ``facilitator`` and ``coproducer``; empty otherwise); ``term`` (``Intercept``, ``variable[level]`` for a
    level of a categorical predictor against its reference, the name of a numeric
    predictor, ``threshold[a|b]`` for the cut-point between adjacent observed outcome
    levels of an ordinal model); ``estimate``, ``std_error``, ``statistic``, ``p_value``
    (two-sided), ``ci_low``, ``ci_high`` (at the configured level): Wald z and intervals,
    t for OLS, and for a Firth logit the signed root of the penalised likelihood ratio and
    the penalised-profile interval;
    ``odds_ratio``, ``or_ci_low``, ``or_ci_high`` (exp of the estimate and CI, logit
    families only, NaN for intercepts and thresholds; for a multinomial model the relative
    risk ratio, the odds of the equation's level against the reference outcome level);
    ``flag`` (problem codes, ``;``-joined).

``fit`` (one row per model; :data:`FIT_COLUMNS`)
    ``model``, ``family``, ``outcome``, ``formula``; ``n`` (complete cases used),
    ``n_dropped`` (rows left out: missing values or excluded levels); ``n_parameters``
    (every estimated parameter, thresholds and the OLS residual variance included, as R's
    ``AIC`` counts them); ``events_per_parameter`` (see ``checks`` in the schema);
    ``loglik``, ``aic``, ``bic``; ``converged``; ``po_statistic``, ``po_df``, ``po_p`` (the
    proportional-odds check of ordinal models, NaN otherwise); ``flag``; ``note``.

The primary model is also fitted with the survey design's weights (``fit_weighted_ordinal``:
model ``<name>_weighted``, as R's ``survey::svyolr``), in the same two tables; its fit row
leaves the likelihood-based statistics out (see ``WEIGHTED_NOTE``).

Problems in the specification (unknown column, a reference level that does not exist)
raise ``ValueError``. Problems of the data (separation, an empty level, non-convergence,
too few events) never raise: they flag the rows and are explained in ``note`` and in the
messages the stage logs.
"""

from __future__ import annotations

import copy
import logging
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import yaml
from scipy import special

from leisurenet.analysis.weighting import Design, WeightingError, covariance
from leisurenet.config import with_defaults
from leisurenet.paths import SCHEMAS

# scipy.optimize and scipy.stats (about 1 s to import) are imported by the functions that
# use them: the bootstrap's jobs take only the model frame and Newton's method from here.

FAMILIES = ("ordinal_logit", "logit", "multinomial_logit", "ols")
COEFFICIENT_COLUMNS = [
    "model",
    "equation",
    "equation_reference",
    "term",
    "estimate",
    "std_error",
    "statistic",
    "p_value",
    "ci_low",
    "ci_high",
    "odds_ratio",
    "or_ci_low",
    "or_ci_high",
    "flag",
]
FIT_COLUMNS = [
    "model",
    "family",
    "outcome",
    "formula",
    "n",
    "n_dropped",
    "n_parameters",
    "events_per_parameter",
    "loglik",
    "aic",
    "bic",
    "converged",
    "po_statistic",
    "po_df",
    "po_p",
    "flag",
    "note",
]
INTEGER_FIT_COLUMNS = ["n", "n_dropped", "n_parameters", "po_df"]
DEFAULT_CHECKS = {"min_level_count": 5, "min_events_per_parameter": 10, "max_std_error": 10.0}
PO_TEST = (
    "proportional odds: LR test against the non-proportional cumulative logit (threshold-specific "
    "coefficients for every predictor), as R's anova(clm(y ~ x), clm(y ~ 1, nominal = ~ x))"
)


class ModelProblem(Exception):
    """The data do not allow the model as specified (reported as a flagged row, never raised on)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


# --- specifications ---------------------------------------------------------------------


def load_model_specs(path: str | Path) -> dict:
    """The model specifications in ``path``, validated against ``models.schema.yaml``.

    Keys left out take the schema's defaults. Raises ``ValueError`` naming the file and the
    key of every problem.
    """
    with open(path, encoding="utf-8") as fh:
        specs = yaml.safe_load(fh) or {}
    schema = yaml.safe_load((SCHEMAS / "models.schema.yaml").read_text(encoding="utf-8"))
    validator = with_defaults(jsonschema.Draft202012Validator)(schema)
    errors = sorted(validator.iter_errors(specs), key=str)
    problems = [f"  {'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors]
    for name, spec in specs.get("models", {}).items() if not errors else ():
        named = set(spec["predictors"]) | {spec["outcome"]}
        if spec["outcome"] in spec["predictors"]:
            problems.append(f"  models.{name}: the outcome '{spec['outcome']}' is also a predictor")
        for key in ("reference", "exclude"):
            for var in set(spec[key]) - named:
                problems.append(f"  models.{name}.{key}: '{var}' is neither the outcome nor a predictor")
    if problems:
        raise ValueError(f"{path}: the model specifications are not valid:\n" + "\n".join(problems))
    return specs


# --- model frame ------------------------------------------------------------------------


@dataclass
class _Log:
    """Flags, notes and log messages gathered while a model is built and fitted."""

    model: str
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    messages: list[tuple[int, str]] = field(default_factory=list)
    term_flags: dict[str, list[str]] = field(default_factory=dict)
    n: int | None = None  # complete cases, once known
    n_dropped: int | None = None

    def info(self, text: str) -> None:
        self.messages.append((logging.INFO, f"{self.model}: {text}"))

    def flag(self, code: str, text: str, terms=()) -> None:
        if code not in self.flags:
            self.flags.append(code)
        self.notes.append(text)
        self.messages.append((logging.WARNING, f"{self.model}: {text}"))
        for term in terms:
            codes = self.term_flags.setdefault(term, [])
            if code not in codes:
                codes.append(code)


@dataclass
class _Frame:
    y: pd.Series  # the outcome, complete cases
    X: pd.DataFrame  # the predictors' columns (no intercept), named as terms
    raw: pd.DataFrame  # outcome and predictors of the complete cases, as in the data
    categorical: dict[str, list]  # categorical predictor -> its levels in the model, reference first


def _is_categorical(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(series)


def _levels(series: pd.Series) -> list:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return list(series.cat.categories)
    return sorted(series.dropna().unique().tolist())


def _match(value, levels: list, what: str):
    """``value`` as one of ``levels`` (YAML may give 4 where the level is '4', or the reverse)."""
    for level in levels:
        if level == value or str(level) == str(value):
            return level
    raise ValueError(f"{what}: '{value}' is not one of its levels {[str(v) for v in levels]}")


def _ids(data: pd.DataFrame, mask: pd.Series) -> str:
    ids = data.loc[mask, "resp_id"] if "resp_id" in data.columns else data.index[mask]
    return ", ".join(map(str, list(ids)))


def model_frame(
    data: pd.DataFrame,
    outcome: str,
    predictors: list[str],
    reference: dict | None = None,
    exclude: dict | None = None,
    log: _Log | None = None,
) -> _Frame:
    """Complete cases of ``outcome`` and ``predictors`` and the treatment-coded design.

    Rows with a level in ``exclude`` and rows with a missing value are dropped (and logged
    with their ``resp_id``). A categorical predictor's levels without complete cases are
    left out of the design; its ``reference`` (default: the first level) comes first.
    """
    reference, exclude = reference or {}, exclude or {}
    log = log or _Log("model")
    where = f"model '{log.model}'"
    columns = [outcome, *predictors]
    unknown = [c for c in columns if c not in data.columns]
    if unknown:
        raise ValueError(f"{where}: column(s) {unknown} are not in the data")
    keep = pd.Series(True, index=data.index)
    for var, values in exclude.items():
        levels = _levels(data[var])
        out = data[var].isin([_match(v, levels, f"{where}, exclude {var}") for v in values])
        if out.any():
            log.info(f"{int(out.sum())} row(s) excluded with {var} in {list(values)}: {_ids(data, out)}")
        keep &= ~out
    missing = data[columns].isna().any(axis=1) & keep
    if missing.any():
        counts = data.loc[missing, columns].isna().sum()
        by_column = ", ".join(f"{c}: {n}" for c, n in counts.items() if n)
        log.info(
            f"{int(missing.sum())} row(s) dropped for missing values ({by_column}): {_ids(data, missing)}"
        )
    raw = data.loc[keep & ~missing, columns]
    log.n, log.n_dropped = len(raw), len(data) - len(raw)
    design, categorical = {}, {}
    for var in predictors:
        col = raw[var]
        if not _is_categorical(col):
            design[var] = col.astype("float64")
            continue
        levels = _levels(data[var])
        ref = _match(reference.get(var, levels[0]), levels, f"{where}, reference of {var}")
        observed = [lev for lev in levels if (col == lev).any()]
        empty = [lev for lev in levels if lev not in observed and lev not in exclude.get(var, [])]
        if empty:
            log.info(f"level(s) {empty} of {var} have no complete cases and are left out")
        if ref not in observed:
            raise ModelProblem(
                "empty_reference", f"the reference level '{ref}' of {var} has no complete cases"
            )
        categorical[var] = [ref, *[lev for lev in observed if lev != ref]]
        for lev in categorical[var][1:]:
            design[f"{var}[{lev}]"] = (col == lev).astype("float64")
    X = pd.DataFrame(design, index=raw.index)
    return _Frame(raw[outcome], X, raw, categorical)


def _check_levels(frame: _Frame, log: _Log, min_count: int) -> None:
    """Flag the terms of categorical levels (the reference's: all terms of the variable) with few cases."""
    for var, levels in frame.categorical.items():
        counts = {lev: int((frame.raw[var] == lev).sum()) for lev in levels}
        for lev, count in counts.items():
            if count < min_count:
                terms = [f"{var}[{v}]" for v in levels[1:]] if lev == levels[0] else [f"{var}[{lev}]"]
                log.flag(
                    "sparse_level",
                    f"{var}={lev} has {count} case(s) (< {min_count}); kept, its estimate is imprecise",
                    terms,
                )


def _check_rank(X: np.ndarray, names: list[str]) -> None:
    if X.shape[0] <= X.shape[1]:
        raise ModelProblem("too_few_cases", f"{X.shape[0]} case(s) for {X.shape[1]} parameter(s)")
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise ModelProblem("rank_deficient", f"the design is rank deficient (aliased terms among {names})")


def _check_epp(events: float, n_slopes: int, what: str, log: _Log, minimum: float) -> float:
    epp = events / n_slopes if n_slopes else np.nan
    text = f"events per slope parameter {epp:.1f} ({what} {events:.1f} / {n_slopes})"
    if epp < minimum:
        log.flag("low_epp", f"{text}, below {minimum:g}: too many parameters for the data")
    else:
        log.notes.append(text)
    return epp


# --- numerical engines --------------------------------------------------------------------


def separation_direction(X: np.ndarray, y: np.ndarray, n_levels: int) -> np.ndarray | None:
    """A direction of (quasi-)separation of a cumulative logit model, or None if there is none.

    ``X`` has no intercept column; ``y`` holds codes 0..n_levels-1, every code observed. The
    linear program (Konis 2007, as in R's ``detectseparation``; here extended to ordered
    outcomes) looks for coefficients ``b`` and ordered cut-points ``t`` with
    ``x_i b <= t_{y_i}`` and ``x_i b >= t_{y_i - 1}`` for every case, not all equalities:
    moving the estimates along such a direction never lowers the likelihood, so the maximum
    likelihood estimate does not exist. For ``n_levels == 2`` this is the binary logit's
    separation (the intercept is ``-t``). Returns the direction ``(b, t)`` as one vector
    (the terms that diverge are its non-zero entries).

    Checked on data sets that are separated, quasi-separated and overlapping by
    construction (tests/analysis/test_models.py).
    """
    from scipy import optimize

    p = X.shape[1]
    k = n_levels - 1
    # Cases with the same (x, y) give the same two constraints: the program over the distinct
    # patterns, each counted as often as it occurs in the objective, is the same program, and
    # with categorical predictors it has a few dozen rows however many cases there are.
    cases = np.ascontiguousarray(np.column_stack([np.asarray(X, dtype=float), np.asarray(y)]))
    # each row as one byte string: a 1-d unique, far faster than np.unique(axis=0)
    keys = cases.view(np.dtype((np.void, cases.itemsize * cases.shape[1]))).ravel()
    _, first, counts = np.unique(keys, return_index=True, return_counts=True)
    patterns = cases[first]
    x, codes = patterns[:, :p], patterns[:, p].astype(int)
    blocks, weights = [], []
    for present, sign, cut in ((codes < k, -1.0, codes), (codes > 0, 1.0, codes - 1)):
        # below the top: t_y - x b >= 0; above the bottom: x b - t_{y-1} >= 0
        block = np.zeros((int(present.sum()), p + k))
        block[:, :p] = sign * x[present]
        block[np.arange(len(block)), p + cut[present]] = -sign
        blocks.append(block)
        weights.append(counts[present])
    slacks = np.vstack(blocks)
    order = np.zeros((max(k - 1, 0), p + k))  # t_c - t_{c+1} <= 0
    for c in range(k - 1):
        order[c, p + c], order[c, p + c + 1] = 1.0, -1.0
    result = optimize.linprog(
        c=-(np.concatenate(weights) @ slacks),
        A_ub=np.vstack([-slacks, order]),
        b_ub=np.zeros(len(slacks) + len(order)),
        bounds=[(-1.0, 1.0)] * (p + k),
        method="highs",
    )
    if result.status != 0 or -result.fun <= 1e-7:
        return None
    return np.where(np.abs(result.x) > 1e-9, result.x, 0.0)


def _newton(fun, theta: np.ndarray, maxiter: int = 200, gtol: float = 1e-9):
    """Maximise a concave log-likelihood with Newton steps and step halving.

    ``fun(theta)`` returns ``(loglik, gradient, hessian)``; loglik is ``-inf`` where the
    parameters are not admissible. Returns ``theta, loglik, hessian, converged`` where
    converged means the gradient vanished (not just that the log-likelihood stalled).
    """
    ll, grad, hess = fun(theta)
    for _ in range(maxiter):
        if np.max(np.abs(grad)) < gtol:
            return theta, ll, hess, True
        try:
            step = np.linalg.solve(-hess, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(-hess, grad, rcond=None)[0]
        if not np.all(np.isfinite(step)) or grad @ step <= 0:
            step = grad / max(1.0, np.max(np.abs(grad)))  # not an ascent direction: gradient step
        scale = 1.0
        while scale > 1e-12:
            trial = theta + scale * step
            ll_trial, grad_trial, hess_trial = fun(trial)
            if np.isfinite(ll_trial) and ll_trial >= ll - 1e-12:
                break
            scale /= 2
        else:
            return theta, ll, hess, False
        gain = ll_trial - ll
        theta, ll, grad, hess = trial, ll_trial, grad_trial, hess_trial
        if gain < 1e-13 and np.max(np.abs(scale * step)) < 1e-10:
            break
    return theta, ll, hess, bool(np.max(np.abs(grad)) < 1e-6)


def cumulative_design(X: np.ndarray, codes: np.ndarray, k: int):
    """The design of the cumulative logit in ``theta = (b, cut-points)``, as
    :func:`_cumulative_loglik` takes it: ``z_up``, ``z_low`` (case i's linear predictors at
    the cut-points above and below its answer) and ``has_up``, ``has_low`` (whether those
    exist). ``X`` has no intercept column; ``codes`` are 0..k."""
    n, p = X.shape
    has_up, has_low = codes < k, codes > 0
    z_up, z_low = np.zeros((n, p + k)), np.zeros((n, p + k))
    for z, cut, present in ((z_up, codes, has_up), (z_low, codes - 1, has_low)):
        z[:, :p] = -X
        z[np.flatnonzero(present), p + cut[present]] = 1.0
    return z_up, z_low, has_up, has_low


def _sharpen_cumulative(X: np.ndarray, codes: np.ndarray, k: int, theta: np.ndarray):
    """Newton steps with analytic derivatives from a near-optimum ``theta = (b, cut-points)``
    of the cumulative logit; returns the estimates, their SEs from the inverse observed
    information, the log-likelihood and whether the gradient vanished. The likelihood is
    summed over the distinct (outcome, design row) patterns, weighted by their counts."""
    cases = np.column_stack([codes, X]).astype(float)
    rows, counts = np.unique(cases, axis=0, return_counts=True)
    design = cumulative_design(rows[:, 1:], rows[:, 0].astype(int), k)
    theta, loglik, hess, converged = _newton(
        lambda t: _cumulative_loglik(t, *design, weights=counts.astype(float)), theta, gtol=1e-10
    )
    std_error = np.sqrt(np.diag(np.linalg.inv(-hess)))
    return theta, std_error, loglik, converged


def _cumulative_loglik(
    theta: np.ndarray, z_up: np.ndarray, z_low: np.ndarray, has_up, has_low, weights: np.ndarray | None = None
):
    """Log-likelihood, gradient and Hessian of a cumulative logit model.

    Case i contributes ``log(F(z_up_i theta) - F(z_low_i theta))`` with F the logistic
    distribution function, F = 1 above the top cut-point and 0 below the lowest; with
    ``weights``, that many times (a row standing for several identical cases).
    """
    eta_up, eta_low = z_up @ theta, z_low @ theta
    f_up = np.where(has_up, special.expit(eta_up), 1.0)
    f_low = np.where(has_low, special.expit(eta_low), 0.0)
    prob = f_up - f_low
    if np.any(prob <= 0):
        return -np.inf, None, None
    d_up = np.where(has_up, f_up * (1 - f_up), 0.0)
    d_low = np.where(has_low, f_low * (1 - f_low), 0.0)
    dd_up, dd_low = d_up * (1 - 2 * f_up), d_low * (1 - 2 * f_low)
    g_up, g_low = d_up / prob, -d_low / prob
    h_uu = dd_up / prob - g_up**2
    h_ll = -dd_low / prob - g_low**2
    h_ul = d_up * d_low / prob**2
    log_prob = np.log(prob)
    if weights is not None:
        g_up, g_low, h_uu, h_ll, h_ul = (weights * v for v in (g_up, g_low, h_uu, h_ll, h_ul))
    grad = z_up.T @ g_up + z_low.T @ g_low
    cross = z_up.T @ (h_ul[:, None] * z_low)
    hess = z_up.T @ (h_uu[:, None] * z_up) + z_low.T @ (h_ll[:, None] * z_low) + cross + cross.T
    loglik = np.sum(log_prob) if weights is None else weights @ log_prob
    return float(loglik), grad, hess


def nonproportional_loglik(
    X: np.ndarray, y: np.ndarray, n_levels: int, cuts: np.ndarray, beta: np.ndarray
) -> tuple[float, bool]:
    """Maximised log-likelihood of the cumulative logit with threshold-specific coefficients.

    ``logit P(Y <= c | x) = zeta_c - x b_c`` for every cut-point c (R: ``ordinal::clm(y ~ 1,
    nominal = ~ x)``), started at the proportional-odds estimates ``cuts``, ``beta``.
    Returns the log-likelihood and whether the gradient vanished (it may not when some
    cumulative split is separated: the log-likelihood then approaches its supremum).
    Checked against ordinal::clm (tests/analysis/test_models.py).
    """
    n, p = X.shape
    k = n_levels - 1
    has_up, has_low = y < k, y > 0
    z_up, z_low = np.zeros((n, k * (1 + p))), np.zeros((n, k * (1 + p)))
    for z, cut, present in ((z_up, y, has_up), (z_low, y - 1, has_low)):
        rows, cuts_i = np.flatnonzero(present), cut[present]
        z[rows, cuts_i] = 1.0
        z[rows[:, None], k + cuts_i[:, None] * p + np.arange(p)] = -X[rows]
    start = np.concatenate([cuts, np.tile(beta, k)])
    _, ll, _, converged = _newton(lambda t: _cumulative_loglik(t, z_up, z_low, has_up, has_low), start)
    return ll, converged


def _logit_loglik(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> float:
    eta = X @ beta
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)))


def _penalised_loglik(X: np.ndarray, y: np.ndarray, beta: np.ndarray, firth: bool) -> float:
    """The logit log-likelihood, plus Firth's penalty ``log|X'WX|/2`` if ``firth``."""
    ll = _logit_loglik(X, y, beta)
    if not firth:
        return ll
    p = special.expit(X @ beta)
    sign, logdet = np.linalg.slogdet(X.T @ ((p * (1 - p))[:, None] * X))
    return ll + 0.5 * logdet if sign > 0 else -np.inf


def _logit_fit(X, y, firth: bool, start=None, fixed: tuple[int, float] | None = None, maxiter=100, tol=1e-10):
    """Fisher scoring with step halving; ``fixed=(j, v)`` holds ``beta_j = v`` (a profile).

    Firth's score adds ``h_i (1/2 - p_i)`` per case, ``h`` the diagonal of the weighted hat
    matrix; it is the exact gradient of the penalised log-likelihood, which the steps never
    lower (as logistf does). Returns ``beta, penalised log-likelihood, converged``.
    """
    beta = np.zeros(X.shape[1]) if start is None else np.array(start, dtype=float)
    free = np.ones(X.shape[1], dtype=bool)
    if fixed is not None:
        beta[fixed[0]], free[fixed[0]] = fixed[1], False
    current, converged = _penalised_loglik(X, y, beta, firth), False
    for _ in range(maxiter):
        p = special.expit(X @ beta)
        w = p * (1 - p)
        info = X.T @ (w[:, None] * X)
        try:
            residual = y - p
            if firth:
                residual = residual + w * np.einsum("ij,jk,ik->i", X, np.linalg.inv(info), X) * (0.5 - p)
            score = X.T @ residual
            if np.max(np.abs(score[free])) < tol:
                converged = True
                break
            step = np.zeros_like(beta)
            step[free] = np.linalg.solve(info[np.ix_(free, free)], score[free])
        except np.linalg.LinAlgError:  # the information vanished: estimates diverging
            break
        scale = 1.0
        while scale > 1e-10 and _penalised_loglik(X, y, beta + scale * step, firth) < current - 1e-12:
            scale /= 2
        beta = beta + scale * step
        current = _penalised_loglik(X, y, beta, firth)
        if np.max(np.abs(scale * step)) < tol:
            converged = True
            break
    return beta, current, converged


def logit_newton(X: np.ndarray, y: np.ndarray, firth: bool):
    """Binary logistic regression by maximum likelihood or Firth's penalised likelihood.

    Firth (1993) maximises ``l(b) + log|I(b)|/2`` (Jeffreys prior; for the logit link the
    same as bias reduction), which has finite estimates also under separation. ``X``
    includes the intercept column. Returns ``beta, covariance (inverse Fisher information
    at beta; NaN if singular), loglik (unpenalised), converged``. ML checked against R
    ``glm``, Firth against ``brglm2::brglmFit(type = "MPL_Jeffreys")`` (tests/analysis/test_models.py).
    """
    beta, _, converged = _logit_fit(X, y, firth)
    p = special.expit(X @ beta)
    try:
        cov = np.linalg.inv(X.T @ ((p * (1 - p))[:, None] * X))
    except np.linalg.LinAlgError:
        cov = np.full((X.shape[1], X.shape[1]), np.nan)
    return beta, cov, _logit_loglik(X, y, beta), converged


def firth_profile_inference(X: np.ndarray, y: np.ndarray, beta: np.ndarray, confidence: float):
    """Penalised-likelihood-ratio tests and intervals of a Firth logit (logistf's default).

    For each coefficient j, ``D(v) = 2 (l*(b) - max l* given beta_j = v)``: the test of
    ``beta_j = 0`` refers ``D(0)`` to chi-square(1) (returned as the signed root, a z-like
    statistic), and the interval is ``{v: D(v) <= chi2_1(confidence)}`` (Heinze and
    Schemper 2002), which unlike the Wald interval follows the skewed profile of a
    separated coefficient. Returns ``statistic, p_value, ci_low, ci_high`` arrays.
    Checked against a direct R profile of the penalised likelihood (optim and uniroot on
    brglm2's estimates) in tests/analysis/test_models.py.
    """
    from scipy import optimize, stats

    top = _penalised_loglik(X, y, beta, firth=True)
    crit = stats.chi2.ppf(confidence, 1)
    fitted = special.expit(X @ beta)
    se = np.sqrt(np.diag(np.linalg.inv(X.T @ ((fitted * (1 - fitted))[:, None] * X))))
    out = np.full((4, len(beta)), np.nan)
    for j in range(len(beta)):

        def excess(v, j=j):
            # far out the weights underflow and the profile is -inf: a large finite value
            # keeps brentq's interpolation finite
            value = 2 * (top - _logit_fit(X, y, True, beta, (j, v))[1]) - crit
            return 1e6 if np.isnan(value) else min(value, 1e6)

        deviance = max(0.0, excess(0.0) + crit)
        out[0, j] = np.sign(beta[j]) * np.sqrt(deviance)
        out[1, j] = stats.chi2.sf(deviance, 1)
        for row, direction in ((2, -1.0), (3, 1.0)):
            width = se[j]
            while excess(beta[j] + direction * width) < 0 and width < 1e3:
                width *= 2
            if excess(beta[j] + direction * width) >= 0:
                ends = sorted([beta[j], beta[j] + direction * width])
                out[row, j] = optimize.brentq(excess, *ends, xtol=1e-10)
    return out


# --- results ------------------------------------------------------------------------------


@dataclass
class ModelResult:
    """One fitted model: ``coefficients`` and ``fit`` tables (see the module docstring) and
    ``messages``, ``(logging level, text)`` pairs for the stage log."""

    coefficients: pd.DataFrame
    fit: pd.DataFrame
    messages: list[tuple[int, str]]


def _wald_table(names, estimate, std_error, confidence: float, df_resid: float | None = None) -> pd.DataFrame:
    """Wald statistics and intervals (normal, or t with ``df_resid`` degrees of freedom)."""
    from scipy import stats

    estimate, std_error = np.asarray(estimate, float), np.asarray(std_error, float)
    dist = stats.norm if df_resid is None else stats.t(df_resid)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = estimate / std_error
    q = dist.ppf(0.5 + confidence / 2)
    return pd.DataFrame(
        {
            "term": list(names),
            "estimate": estimate,
            "std_error": std_error,
            "statistic": statistic,
            "p_value": 2 * dist.sf(np.abs(statistic)),
            "ci_low": estimate - q * std_error,
            "ci_high": estimate + q * std_error,
        }
    )


def _add_odds_ratios(table: pd.DataFrame, logit: bool) -> pd.DataFrame:
    # exp() of an intercept or threshold is an odds, not an odds ratio
    ratio = logit & ~table["term"].str.startswith(("Intercept", "threshold["))
    for col, src in (("odds_ratio", "estimate"), ("or_ci_low", "ci_low"), ("or_ci_high", "ci_high")):
        with np.errstate(over="ignore"):  # an interval end of a separated term may be inf
            table[col] = np.where(ratio, np.exp(table[src].where(ratio, 0.0)), np.nan)
    return table


def _finish(
    name: str,
    family: str,
    outcome: str,
    formula: str,
    log: _Log,
    table: pd.DataFrame | None,
    values: dict,
    max_std_error: float,
) -> ModelResult:
    """Both tables of a model: odds ratios, the large-SE check and the flags added."""
    if table is None:
        table = pd.DataFrame(columns=COEFFICIENT_COLUMNS)
    else:
        if "equation" not in table:
            table.insert(0, "equation", "")
            table.insert(1, "equation_reference", "")
        # flags are keyed by term, by "equation:term" or by "equation:*" (a whole equation)
        keys = (table["equation"] + ":").where(table["equation"] != "", "") + table["term"]
        if family != "ols":
            big = keys[table["std_error"] > max_std_error].tolist()
            if big:
                log.flag(
                    "large_std_error",
                    f"standard error above {max_std_error:g} for {big}: (quasi-)separation or an "
                    f"almost empty cell; do not interpret these estimates",
                    big,
                )
        table = _add_odds_ratios(table, family != "ols")
        table.insert(0, "model", name)
        flags = log.term_flags
        table["flag"] = [
            ";".join(dict.fromkeys(flags.get(t, []) + flags.get(k, []) + flags.get(f"{e}:*", [])))
            for e, t, k in zip(table["equation"], table["term"], keys, strict=True)
        ]
        table = table[COEFFICIENT_COLUMNS]
    loglik, n_par, n = values.get("loglik", np.nan), values.get("n_parameters", np.nan), log.n
    row = {
        "model": name,
        "family": family,
        "outcome": outcome,
        "formula": formula,
        "n": n,
        "n_dropped": log.n_dropped,
        "n_parameters": n_par,
        "events_per_parameter": values.get("events_per_parameter", np.nan),
        "loglik": loglik,
        "aic": -2 * loglik + 2 * n_par,
        "bic": -2 * loglik + np.log(n) * n_par if n else np.nan,
        "converged": values.get("converged", False),
        "po_statistic": values.get("po_statistic", np.nan),
        "po_df": values.get("po_df", np.nan),
        "po_p": values.get("po_p", np.nan),
        "flag": ";".join(log.flags),
        "note": "; ".join(log.notes),
    }
    fit = pd.DataFrame([row], columns=FIT_COLUMNS).astype({c: "Int64" for c in INTEGER_FIT_COLUMNS})
    return ModelResult(table.reset_index(drop=True), fit, log.messages)


def _formula(outcome: str, predictors: list[str], reference: dict) -> str:
    refs = ", ".join(f"{k}={v}" for k, v in reference.items())
    return f"{outcome} ~ {' + '.join(predictors)}" + (f" (reference: {refs})" if refs else "")


def _setup(
    name: str, outcome: str, predictors: list[str], reference: dict | None, checks: dict | None
) -> tuple[dict, dict, _Log, str]:
    """What every family starts with: the references (default none), the checks over
    ``DEFAULT_CHECKS``, the model's log and its formula as ``fit.csv`` shows it."""
    reference = reference or {}
    checks = {**DEFAULT_CHECKS, **(checks or {})}
    return reference, checks, _Log(name), _formula(outcome, predictors, reference)


def _guarded(name, family, outcome, formula, log, checks, body) -> ModelResult:
    """Run ``body`` (returns table, values); a problem of the data becomes a flagged row."""
    try:
        table, values = body()
    except ModelProblem as problem:
        log.flag(problem.code, f"not fitted: {problem}")
        log.messages[-1] = (logging.ERROR, log.messages[-1][1])
        table, values = None, {}
    except (np.linalg.LinAlgError, FloatingPointError) as error:
        log.flag("fit_failed", f"not fitted: {type(error).__name__}: {error}")
        log.messages[-1] = (logging.ERROR, log.messages[-1][1])
        table, values = None, {}
    return _finish(name, family, outcome, formula, log, table, values, checks["max_std_error"])


def _outcome_codes(y: pd.Series, log: _Log) -> tuple[np.ndarray, list]:
    """Codes 0..K-1 over the observed outcome levels, in order; empty levels are flagged.

    For integer codes an unobserved code between the lowest and highest observed one
    (e.g. nobody answered 3 on a 1..5 scale) is an empty level.
    """
    if isinstance(y.dtype, pd.CategoricalDtype):
        values = y.astype("object")
        observed = [lev for lev in y.cat.categories if (values == lev).any()]
        empty = [lev for lev in y.cat.categories if lev not in observed]
        codes = values.map({lev: i for i, lev in enumerate(observed)}).to_numpy(dtype=int)
    else:
        values = y.to_numpy(dtype="float64")
        unique = np.unique(values)
        codes = np.searchsorted(unique, values)
        if np.all(unique == np.round(unique)):
            observed = [int(v) for v in unique]
            empty = [v for v in range(observed[0], observed[-1] + 1) if v not in observed]
        else:
            observed, empty = unique.tolist(), []
    if empty:
        log.flag(
            "empty_outcome_level",
            f"outcome level(s) {empty} have no cases; the cut-points join the observed levels",
        )
    if len(observed) < 2:
        raise ModelProblem("constant_outcome", f"the outcome has {len(observed)} observed level(s)")
    return codes, observed


# --- the families -------------------------------------------------------------------------


def ordinal_logit(
    data: pd.DataFrame,
    outcome: str,
    predictors: list[str],
    *,
    reference: dict | None = None,
    exclude: dict | None = None,
    confidence: float = 0.95,
    checks: dict | None = None,
    name: str = "ordinal_logit",
) -> ModelResult:
    """Proportional-odds (cumulative logit) model with the proportional-odds LR check.

    ``logit P(Y <= k | x) = threshold_k - x b`` (the parameterisation of R's
    ``MASS::polr`` and ``ordinal::clm``): a positive coefficient shifts answers up, and
    ``odds_ratio`` is the odds of answering higher against lower. Fitted by statsmodels'
    ``OrderedModel`` (BFGS), whose optimum Newton's method with analytic derivatives then
    sharpens; the standard errors are from the analytic observed information, so the
    estimates and SEs carry their last digits on any machine (a numerical Hessian carries
    about five). Under separation, statsmodels' fit and the pseudo-inverse of its
    numerical Hessian are kept. The outcome is an ordered categorical or integer codes;
    levels without cases are left out (flagged), so thresholds join observed levels.

    The proportional-odds check in ``po_statistic``/``po_df``/``po_p``: LR test against the
    cumulative logit with threshold-specific coefficients (see ``nonproportional_loglik``).

    From 1,000 complete cases on, statsmodels' likelihood is summed over the distinct
    (outcome, predictors) patterns with their counts (the same function, so the same
    estimates once sharpened): with categorical predictors a few dozen terms
    instead of one per case, which takes the fit at n = 100,000 from about a minute to well
    under a second. Smaller data are fitted case by case, as in the checks against R.

    Checked against ``MASS::polr(method = "logistic", Hess = TRUE)`` and ``ordinal::clm``
    (coefficients, SEs, thresholds, log-likelihood, the LR check; clm to 1e-10) on a fixed
    data set in tests/analysis/test_models.py.
    """
    from scipy import stats
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    # From this many complete cases on, the likelihood is evaluated on the distinct patterns.
    pattern_min_cases = 1000
    reference, checks, log, formula = _setup(name, outcome, predictors, reference, checks)

    def body():
        frame = model_frame(data, outcome, predictors, reference, exclude, log)
        codes, levels = _outcome_codes(frame.y, log)
        _check_levels(frame, log, checks["min_level_count"])
        X, names = frame.X.to_numpy(), list(frame.X.columns)
        k, p = len(levels) - 1, X.shape[1]
        _check_rank(np.column_stack([np.ones(len(X)), X]), names)
        counts = np.bincount(codes, minlength=k + 1)
        n = len(codes)
        epp = _check_epp(
            n - np.sum(counts.astype(float) ** 3) / n**2,
            p,
            "effective sample size",
            log,
            checks["min_events_per_parameter"],
        )
        thresholds = [f"threshold[{a}|{b}]" for a, b in zip(levels[:-1], levels[1:], strict=True)]
        direction = separation_direction(X, codes, k + 1)
        diverging = []
        if direction is not None:
            diverging = [t for t, b in zip(names + thresholds, direction, strict=True) if b != 0]
            log.flag(
                "separation",
                f"(quasi-)separation: no finite ML estimate for {diverging}; reported as NaN",
                diverging,
            )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = OrderedModel(codes, X, distr="logit")
            start, scale = None, 1.0
            if len(codes) >= pattern_min_cases:
                # The same likelihood summed over the distinct (outcome, predictors) patterns,
                # weighted by their counts: a few dozen terms, not one per case, for the
                # numerical derivatives statsmodels takes thousands of. The weights carry
                # patterns / cases so that the optimiser's objective, -loglik / rows, and so
                # its tolerances are those of the fit on the cases; loglik and covariance are
                # scaled back below.
                start = model.start_params
                cases = np.ascontiguousarray(np.column_stack([codes, X]), dtype=float)
                keys = cases.view(np.dtype((np.void, cases.itemsize * cases.shape[1]))).ravel()
                _, first, counts = np.unique(keys, return_index=True, return_counts=True)
                patterns = cases[first]
                scale = len(patterns) / len(codes)
                weights = scale * counts

                class PatternModel(OrderedModel):
                    def loglike(self, params):
                        return weights @ self.loglikeobs(params)

                model = PatternModel(patterns[:, 0].astype(int), patterns[:, 1:], distr="logit")
                log.info(f"{len(codes)} cases in {len(patterns)} patterns: the likelihood summed over those")
            result = model.fit(start_params=start, method="bfgs", maxiter=5000, gtol=1e-8, disp=False)
        converged = bool(result.mle_retvals.get("converged", False))
        for w in caught:
            log.info(f"statsmodels: {w.message}")
        raw = np.asarray(result.params)
        # cut_c = raw_p + sum_{j=1..c} exp(raw_{p+j}): statsmodels' log-increments as cut-points
        increments = np.exp(raw[p + 1 :])
        cuts = raw[p] + np.concatenate([[0.0], np.cumsum(increments)])
        if direction is None:
            # Newton with the analytic derivatives sharpens BFGS's optimum to the last digits
            # (R's clm agrees to ~1e-9), and the analytic information gives the SEs: the
            # numerical Hessian statsmodels differentiates carries only ~5 digits, which
            # moved with the machine's BLAS kernel.
            estimate, std_error, loglik, converged = _sharpen_cumulative(
                X, codes, k, np.concatenate([raw[:p], cuts])
            )
        else:
            loglik = float(result.llf) / scale
            # singular information (separation): the pseudo-inverse leaves out the diverging
            # direction, whose terms are reported as NaN below
            cov = np.linalg.pinv(-model.hessian(raw)) * scale
            log.info("the information matrix is singular; SEs from its pseudo-inverse")
            # the Jacobian of the cut-points in the log-increments turns cov(raw) into cov(cuts)
            jac = np.eye(p + k)
            for c in range(1, k):
                jac[p + c, p] = 1.0
                jac[p + c, p + 1 : p + c + 1] = increments[:c]
            estimate = np.concatenate([raw[:p], cuts])
            with np.errstate(invalid="ignore"):  # a diverging term's variance may come out negative
                std_error = np.sqrt(np.diag(jac @ cov @ jac.T))
        if not converged:
            log.flag("not_converged", "the proportional-odds fit did not converge")
        table = _wald_table(names + thresholds, estimate, std_error, confidence)
        # where the optimiser stopped along a diverging direction is no estimate
        table.loc[table["term"].isin(diverging), table.columns[1:]] = np.nan
        values = {
            "n_parameters": p + k,
            "events_per_parameter": epp,
            "loglik": loglik,
            "converged": converged,
        }
        if k >= 2:
            ll_np, np_converged = nonproportional_loglik(X, codes, k + 1, estimate[p:], estimate[:p])
            statistic = max(0.0, 2 * (ll_np - loglik))
            values.update(
                po_statistic=statistic, po_df=(k - 1) * p, po_p=stats.chi2.sf(statistic, (k - 1) * p)
            )
            log.notes.append(PO_TEST)
            # a cumulative split separated by the predictors sends the non-proportional
            # model's estimates to infinity (R's clm: singular Hessian): its likelihood is then
            # a supremum, which the LR statistic may use, but the chi-square reference is rough
            split = [
                f"{levels[c]}|{levels[c + 1]}"
                for c in range(k)
                if separation_direction(X, (codes > c).astype(int), 2) is not None
            ]
            if split or not np_converged:
                log.flag(
                    "po_boundary",
                    "the non-proportional model has no finite estimates"
                    + (f" (separated cumulative split(s) {split})" if split else "")
                    + "; the LR statistic uses its log-likelihood supremum and its p-value is rough",
                )
        else:
            log.notes.append("binary outcome: no proportional-odds check")
        return table, values

    return _guarded(name, "ordinal_logit", outcome, formula, log, checks, body)


def binary_logit(
    data: pd.DataFrame,
    outcome: str,
    predictors: list[str],
    *,
    positive_codes: list,
    firth: str = "auto",
    reference: dict | None = None,
    exclude: dict | None = None,
    confidence: float = 0.95,
    checks: dict | None = None,
    name: str = "logit",
) -> ModelResult:
    """Binary logistic model of ``outcome in positive_codes``, penalised where it must be.

    Separation is detected exactly by a linear program (``separation_direction``). With
    ``firth='auto'`` a separated data set is fitted by Firth's penalised likelihood and
    any other by maximum likelihood; ``'always'``/``'never'`` force one. Under ``'never'``
    with separation the diverging terms are reported as NaN. Standard errors come from the
    inverse Fisher information at the estimates; ML tests and intervals are Wald's, Firth's
    come from the penalised likelihood profile (``firth_profile_inference``), since a
    separated coefficient's profile is far from symmetric. ``loglik`` is the unpenalised
    log-likelihood (as ``logLik`` of a brglm2 fit).

    Checked against R ``glm(family = binomial)`` (ML, with ``confint.default``) and ``glm(method
    = brglm2::brglmFit, type = "MPL_Jeffreys")`` (Firth) in tests/analysis/test_models.py.
    """
    reference, checks, log, formula = _setup(name, outcome, predictors, reference, checks)
    shown = ", ".join(map(str, positive_codes))
    formula = f"I({outcome} in {{{shown}}}) ~ {formula.split(' ~ ', 1)[1]}"

    def body():
        frame = model_frame(data, outcome, predictors, reference, exclude, log)
        _check_levels(frame, log, checks["min_level_count"])
        y = frame.y.astype("object").map(lambda v: any(v == c or str(v) == str(c) for c in positive_codes))
        y = y.to_numpy(dtype=float)
        events = int(y.sum())
        if events in (0, len(y)):
            raise ModelProblem("constant_outcome", f"{events} of {len(y)} cases are positive")
        X, names = frame.X.to_numpy(), list(frame.X.columns)
        design = np.column_stack([np.ones(len(X)), X])
        _check_rank(design, names)
        epp = _check_epp(
            min(events, len(y) - events), X.shape[1], "rarer outcome", log, checks["min_events_per_parameter"]
        )
        direction = separation_direction(X, y.astype(int), 2)
        separated = []
        if direction is not None:
            # the last entry is the cut-point t; the intercept is -t
            separated = [t for t, b in zip([*names, "Intercept"], direction, strict=True) if b != 0]
            log.flag("separation", f"(quasi-)separation: no finite ML estimate for {separated}", separated)
        penalised = firth == "always" or (firth == "auto" and direction is not None)
        beta, cov, loglik, converged = logit_newton(design, y, firth=penalised)
        if direction is not None and not penalised:
            converged = False  # the ML estimates do not exist, whatever the iterations did
        elif not converged:
            log.flag("not_converged", "the Newton iterations did not converge")
        table = _wald_table(["Intercept", *names], beta, np.sqrt(np.diag(cov)), confidence)
        if penalised:
            profile = firth_profile_inference(design, y, beta, confidence)
            table["statistic"], table["p_value"], table["ci_low"], table["ci_high"] = profile
            if np.isnan(profile[2:]).any():
                log.flag("ci_not_found", "a penalised-likelihood interval end was not found (NaN)")
            log.notes.append(
                "Firth's penalised likelihood"
                + (" (forced by firth: always)" if firth == "always" else "")
                + "; std_error from the Fisher information; statistic (signed root), p_value and CI "
                "from the penalised likelihood profile; loglik unpenalised"
            )
        elif direction is not None:
            log.notes.append("firth: never, so the diverging estimates are not reported (NaN)")
            diverging = table["term"].isin(separated)
            table.loc[diverging, table.columns[1:]] = np.nan
            loglik = np.nan
        else:
            log.notes.append("maximum likelihood; no separation (LP check)")
        values = {
            "n_parameters": design.shape[1],
            "events_per_parameter": epp,
            "loglik": loglik,
            "converged": converged,
        }
        return table, values

    return _guarded(name, "logit", outcome, formula, log, checks, body)


def multinomial_logit(
    data: pd.DataFrame,
    outcome: str,
    predictors: list[str],
    *,
    reference: dict | None = None,
    exclude: dict | None = None,
    confidence: float = 0.95,
    checks: dict | None = None,
    name: str = "multinomial_logit",
) -> ModelResult:
    """Baseline-category logit of a nominal outcome (statsmodels ``MNLogit``, Newton).

    One equation per outcome level against the reference level (``reference[outcome]``,
    default the first level); ``odds_ratio`` is exp of the estimate, the ratio of the odds
    of that level against the reference (R's "relative risk ratio"). Zero cells of the
    outcome by a categorical predictor mean quasi-separation: their terms are flagged, as
    are outcome levels and cells with fewer than ``min_level_count`` cases.

    Checked against the closed form of a single categorical predictor (the estimates are
    the log odds of the observed cell proportions, the SEs Woolf's root of summed
    reciprocal counts) and against R ``nnet::multinom`` in tests/analysis/test_models.py.
    """
    from statsmodels.discrete.discrete_model import MNLogit

    reference, checks, log, formula = _setup(name, outcome, predictors, reference, checks)

    def body():
        frame = model_frame(data, outcome, predictors, reference, exclude, log)
        _check_levels(frame, log, checks["min_level_count"])
        all_levels = _levels(data[outcome])
        ref = _match(
            reference.get(outcome, all_levels[0]), all_levels, f"model '{name}', reference of {outcome}"
        )
        counts = frame.y.value_counts()
        observed = [lev for lev in all_levels if counts.get(lev, 0) > 0]
        if ref not in observed:
            raise ModelProblem("empty_reference", f"the reference outcome level '{ref}' has no cases")
        empty = [
            lev for lev in all_levels if lev not in observed and lev not in (exclude or {}).get(outcome, [])
        ]
        if empty:
            log.flag("empty_outcome_level", f"outcome level(s) {empty} have no cases and are left out")
        levels = [ref, *[lev for lev in observed if lev != ref]]
        if len(levels) < 2:
            raise ModelProblem("constant_outcome", "the outcome has fewer than two observed levels")
        codes = frame.y.astype("object").map({lev: i for i, lev in enumerate(levels)}).to_numpy(dtype=int)
        X, names = frame.X.to_numpy(), list(frame.X.columns)
        design = np.column_stack([np.ones(len(X)), X])
        _check_rank(design, names)
        min_count = checks["min_level_count"]
        for lev in levels:
            if counts[lev] < min_count:
                log.flag("sparse_level", f"outcome level {lev} has {counts[lev]} case(s) (< {min_count})")
                log.term_flags.setdefault(f"{lev}:*", []).append("sparse_level")
        epp = _check_epp(
            float(min(counts[lev] for lev in levels)),
            X.shape[1],
            "smallest outcome level",
            log,
            checks["min_events_per_parameter"],
        )
        for var, var_levels in frame.categorical.items():
            table = pd.crosstab(frame.y.astype("object"), frame.raw[var].astype("object"))
            table = table.reindex(index=levels, columns=var_levels, fill_value=0)
            small = int((table < min_count).to_numpy().sum())
            if small:
                log.flag(
                    "sparse_cells",
                    f"{small} of {table.size} cells of {outcome} by {var} have fewer than {min_count} cases",
                )
            zero = [(o, v) for o in levels for v in var_levels if table.loc[o, v] == 0]
            for o, v in zero:
                log.flag(
                    "zero_cell",
                    f"no case with {outcome}={o} and {var}={v}: quasi-separation",
                    _zero_cell_terms(o, v, levels, var, var_levels),
                )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = MNLogit(codes, design).fit(method="newton", maxiter=100, disp=False)
        for w in caught:
            log.info(f"statsmodels: {w.message}")
        converged = bool(result.mle_retvals.get("converged", False))
        if not converged:
            log.flag("not_converged", "the multinomial fit did not converge")
        parts = []
        for j, lev in enumerate(levels[1:]):
            part = _wald_table(["Intercept", *names], result.params[:, j], result.bse[:, j], confidence)
            part.insert(0, "equation", str(lev))
            part.insert(1, "equation_reference", str(ref))
            parts.append(part)
        log.notes.append(f"baseline-category logit, reference outcome level {ref}")
        values = {
            "n_parameters": design.shape[1] * (len(levels) - 1),
            "events_per_parameter": epp,
            "loglik": float(result.llf),
            "converged": converged,
        }
        return pd.concat(parts, ignore_index=True), values

    return _guarded(name, "multinomial_logit", outcome, formula, log, checks, body)


def _zero_cell_terms(o, v, levels: list, var: str, var_levels: list) -> list[str]:
    """Terms that diverge with no case of outcome level ``o`` at ``var=v`` (keys ``equation:term``).

    Outside the reference row and column only the cell's own term; in the reference column
    the intercept and every term of the equation; in the reference row ``var[v]`` of every
    equation; at both references everything.
    """
    if o != levels[0]:
        return [f"{o}:{var}[{v}]"] if v != var_levels[0] else [f"{o}:*"]
    return [f"{e}:{var}[{v}]" for e in levels[1:]] if v != var_levels[0] else [f"{e}:*" for e in levels[1:]]


def linear(
    data: pd.DataFrame,
    outcome: str,
    predictors: list[str],
    *,
    reference: dict | None = None,
    exclude: dict | None = None,
    confidence: float = 0.95,
    checks: dict | None = None,
    name: str = "ols",
) -> ModelResult:
    """Ordinary least squares (statsmodels ``OLS``) with t statistics and intervals.

    ``loglik`` is the Gaussian log-likelihood at the ML variance and ``n_parameters``
    counts the residual variance, as R's ``logLik``/``AIC`` of an ``lm`` do. Checked
    against R ``lm`` in tests/analysis/test_models.py.
    """
    # not statsmodels.api, which imports its plotting and every model (about 1 s)
    from statsmodels.regression.linear_model import OLS

    reference, checks, log, formula = _setup(name, outcome, predictors, reference, checks)

    def body():
        frame = model_frame(data, outcome, predictors, reference, exclude, log)
        if _is_categorical(frame.y):
            raise ValueError(f"model '{name}': the outcome {outcome} of an OLS model must be numeric")
        _check_levels(frame, log, checks["min_level_count"])
        X, names = frame.X.to_numpy(), list(frame.X.columns)
        design = np.column_stack([np.ones(len(X)), X])
        _check_rank(design, names)
        epp = _check_epp(float(len(X)), X.shape[1], "n", log, checks["min_events_per_parameter"])
        result = OLS(frame.y.to_numpy(dtype=float), design).fit()
        table = _wald_table(["Intercept", *names], result.params, result.bse, confidence, result.df_resid)
        log.notes.append("t statistics and intervals; n_parameters counts the residual variance")
        values = {
            "n_parameters": design.shape[1] + 1,
            "events_per_parameter": epp,
            "loglik": float(result.llf),
            "converged": True,
        }
        return table, values

    return _guarded(name, "ols", outcome, formula, log, checks, body)


# --- the survey-weighted proportional-odds model ----------------------------------------------

WEIGHTED_SUFFIX = "_weighted"
WEIGHTED_NOTE = (
    "survey-weighted proportional odds, as R's survey::svyolr: the estimates maximise the "
    "weighted (pseudo-)log-likelihood; std_error is the design-based linearisation (sandwich) "
    "variance {fpc}, statistic and intervals Wald z. loglik, "
    "aic, bic and the proportional-odds LR check are left out (NaN): the weighted "
    "log-likelihood is not a likelihood, so neither information criteria nor LR tests refer "
    "to it (see the unweighted model for those)"
)


def fit_weighted_ordinal(
    data: pd.DataFrame,
    design: Design,
    name: str,
    spec: dict,
    *,
    checks: dict | None = None,
    confidence: float = 0.95,
) -> ModelResult:
    """The ordinal model ``spec`` (``models.<name>`` of config/models.yaml) fitted with the
    design's weights, as model ``<name>_weighted``; see :func:`weighted_ordinal_logit`.

    ``data`` are the respondents the design was built on, in its order.

    Raises
    ------
    WeightingError
        When ``spec`` is not an ``ordinal_logit`` model, or as :func:`weighted_ordinal_logit`.
    """
    model = f"{name}{WEIGHTED_SUFFIX}"
    if spec.get("family") != "ordinal_logit":
        raise WeightingError(
            f"model '{model}': the weighted fit is of an ordinal_logit model, but '{name}' is "
            f"{spec.get('family')!r}; name an ordinal_logit model (as paper.primary_model)"
        )
    return weighted_ordinal_logit(
        data,
        design,
        spec["outcome"],
        spec["predictors"],
        reference=spec.get("reference", {}),
        exclude=spec.get("exclude", {}),
        confidence=confidence,
        checks=checks,
        name=model,
    )


def weighted_ordinal_logit(
    data: pd.DataFrame,
    design: Design,
    outcome: str,
    predictors: list[str],
    *,
    reference: dict | None = None,
    exclude: dict | None = None,
    confidence: float = 0.95,
    checks: dict | None = None,
    name: str = "ordinal_logit_weighted",
) -> ModelResult:
    """Proportional-odds model with the design's weights and design-based standard errors.

    The model and its terms are those of :func:`ordinal_logit` (``logit P(Y <= k | x) =
    threshold_k - x b``); the estimates maximise ``sum_i w_i log P(y_i | x_i)`` (Newton's
    method, to a vanishing gradient). Their covariance is that of ``survey::svyolr``:
    each respondent's score times the inverse Hessian are the influence values, whose
    design-based covariance is ``weighting.covariance`` (centred within post-strata, with
    the finite-population correction).

    Respondents without the outcome or a predictor (or with an excluded level) are dropped
    from the fit but keep their place in the design with weight zero, as ``svyolr`` subsets
    a post-stratified design (``design[-nao, ]``): a domain, so the post-strata and n of the
    variance stay those of all respondents. ``fit`` keeps ``n``, ``n_dropped``,
    ``n_parameters``, ``events_per_parameter`` (from the counts of cases, which carry the
    information, not from the weights) and ``converged``; ``loglik``, ``aic``, ``bic`` and
    the ``po_*`` check are NaN (see ``WEIGHTED_NOTE``). Data the model cannot support
    (separation, a constant outcome, an empty reference level, rank deficiency) give a
    flagged row, as the other families do.

    Pinned to ``svyolr(formula, design = postStratify(svydesign(ids = ~1, fpc = ~N), ...))``
    (survey 4.1.1) on the replica and the second data set in tests/analysis/test_weighted_models.py.

    Raises
    ------
    WeightingError
        When the design is not of the rows of ``data``, no respondent has the outcome and
        every predictor, or an outcome or predictor level used has no weight.
    """
    reference, checks, log, formula = _setup(name, outcome, predictors, reference, checks)
    where = f"model '{name}'"
    if design.n != len(data):
        raise WeightingError(
            f"{where}: the design has {design.n} respondents but the data {len(data)} rows; "
            f"build the design on the same respondents, in the same order"
        )
    # positions in the design: the model frame keeps the index of the rows it uses
    data = data.set_axis(pd.RangeIndex(len(data)))

    def body():
        try:
            frame = model_frame(data, outcome, predictors, reference, exclude, log)
        except ModelProblem:
            if log.n == 0:
                raise _no_respondents(where, outcome, predictors) from None
            raise
        if log.n == 0:
            raise _no_respondents(where, outcome, predictors)
        rows = frame.raw.index.to_numpy()
        weights = design.weights[rows]
        codes, levels = _outcome_codes(frame.y, log)
        _check_levels(frame, log, checks["min_level_count"])
        X, names = frame.X.to_numpy(), list(frame.X.columns)
        k, p = len(levels) - 1, X.shape[1]
        _check_rank(np.column_stack([np.ones(len(X)), X]), names)
        n = len(codes)
        counts = np.bincount(codes, minlength=k + 1)
        epp = _check_epp(
            n - np.sum(counts.astype(float) ** 3) / n**2,
            p,
            "effective sample size",
            log,
            checks["min_events_per_parameter"],
        )
        direction = separation_direction(X, codes, k + 1)
        if direction is not None:
            # positive weights leave a separation as it is: no finite weighted estimates
            raise ModelProblem(
                "separation",
                "(quasi-)separation: the weighted estimates do not exist; see the unweighted model",
            )
        theta, converged, influence = weighted_cumulative_logit(X, codes, k + 1, weights)
        if not converged:
            log.flag("not_converged", "the weighted proportional-odds fit did not converge")
        full = np.zeros((design.n, p + k))
        full[rows] = influence  # the dropped respondents: zero, in their post-stratum
        std_error = np.sqrt(np.diag(covariance(design, full)))
        thresholds = [f"threshold[{a}|{b}]" for a, b in zip(levels[:-1], levels[1:], strict=True)]
        table = _wald_table(names + thresholds, theta, std_error, confidence)
        finite = math.isfinite(design.population)
        fpc = (
            "with the finite-population correction" if finite else "without the finite-population correction"
        )
        log.notes.append(WEIGHTED_NOTE.format(fpc=fpc))
        log.notes.append(
            f"weights ({design.method}) sum to {weights.sum():.1f} over the {n} respondents used"
            + (f", of a frame of {design.population}" if finite else "")
            + "; rows left out keep weight zero in the design"
        )
        values = {
            "n_parameters": p + k,
            "events_per_parameter": epp,
            "loglik": np.nan,
            "converged": converged,
        }
        return table, values

    return _guarded(name, "ordinal_logit", outcome, formula, log, checks, body)


def _no_respondents(where: str, outcome: str, predictors: list[str]) -> WeightingError:
    return WeightingError(
        f"{where}: no respondent has {outcome} and {', '.join(predictors)} all answered "
        f"(and outside the excluded levels), so there is nothing to fit; check those columns"
    )


def _cumulative_scores(theta, z_up, z_low, has_up, has_low) -> np.ndarray:
    """Each case's gradient of ``log(F(z_up theta) - F(z_low theta))`` (rows), as in
    :func:`_cumulative_loglik`."""
    eta_up, eta_low = z_up @ theta, z_low @ theta
    f_up = np.where(has_up, special.expit(eta_up), 1.0)
    f_low = np.where(has_low, special.expit(eta_low), 0.0)
    prob = f_up - f_low
    d_up = np.where(has_up, f_up * (1 - f_up), 0.0)
    d_low = np.where(has_low, f_low * (1 - f_low), 0.0)
    return (d_up / prob)[:, None] * z_up - (d_low / prob)[:, None] * z_low


def weighted_cumulative_logit(
    X: np.ndarray, codes: np.ndarray, n_levels: int, weights: np.ndarray
) -> tuple[np.ndarray, bool, np.ndarray]:
    """The weighted proportional-odds fit and each case's influence on it.

    ``X`` has no intercept column; ``codes`` are 0..n_levels-1, every one observed.
    Maximises ``sum_i w_i log P(codes_i | X_i)`` over ``theta = (b, cut-points)`` by
    Newton's method from ``b = 0`` and the cut-points of the weighted marginal shares (the
    log-likelihood is concave in these parameters). Returns ``theta``, whether the
    gradient vanished, and the influence values ``w_i s_i H^-1`` (``s_i`` the case's
    score, ``H`` the Hessian of the weighted log-likelihood; one row per case): the
    linearisation of ``theta``, whose design-based covariance is the sandwich variance of
    ``survey::svyolr`` (which takes ``H`` from ``optim``'s numerical Hessian; the
    analytic one here is exact).
    """
    p, k = X.shape[1], n_levels - 1
    z_up, z_low, has_up, has_low = cumulative_design(X, codes, k)
    shares = np.cumsum(np.bincount(codes, weights=weights, minlength=n_levels))[:-1] / weights.sum()
    start = np.concatenate([np.zeros(p), special.logit(shares)])
    theta, _, hess, converged = _newton(
        lambda t: _cumulative_loglik(t, z_up, z_low, has_up, has_low, weights), start
    )
    scores = weights[:, None] * _cumulative_scores(theta, z_up, z_low, has_up, has_low)
    return theta, converged, scores @ np.linalg.inv(-hess)


# --- all models of a specification file ----------------------------------------------------


def fit_model(data: pd.DataFrame, name: str, spec: dict, checks: dict, confidence: float) -> ModelResult:
    """The model ``spec`` (one entry of ``models`` in config/models.yaml) fitted to ``data``."""
    common = {
        "reference": spec.get("reference", {}),
        "exclude": spec.get("exclude", {}),
        "confidence": confidence,
        "checks": checks,
        "name": name,
    }
    family = spec["family"]
    if family == "ordinal_logit":
        return ordinal_logit(data, spec["outcome"], spec["predictors"], **common)
    if family == "logit":
        return binary_logit(
            data,
            spec["outcome"],
            spec["predictors"],
            positive_codes=spec["positive_codes"],
            firth=spec.get("firth", "auto"),
            **common,
        )
    if family == "multinomial_logit":
        return multinomial_logit(data, spec["outcome"], spec["predictors"], **common)
    if family == "ols":
        return linear(data, spec["outcome"], spec["predictors"], **common)
    raise ValueError(f"model '{name}': unknown family '{family}'; use one of {FAMILIES}")


def fit_models(data: pd.DataFrame, specs: dict, confidence: float = 0.95) -> ModelResult:
    """Every model of ``specs`` (as ``load_model_specs`` returns them), in the file's order."""
    checks = {**DEFAULT_CHECKS, **copy.deepcopy(specs.get("checks", {}))}
    results = [fit_model(data, name, spec, checks, confidence) for name, spec in specs["models"].items()]
    fitted = [r.coefficients for r in results if len(r.coefficients)]
    # no model fitted (every one flagged, or none specified): the table keeps its columns
    coefficients = (
        pd.concat(fitted, ignore_index=True) if fitted else pd.DataFrame(columns=COEFFICIENT_COLUMNS)
    )
    fit = (
        pd.concat([r.fit for r in results], ignore_index=True)
        if results
        else pd.DataFrame(columns=FIT_COLUMNS)
    )
    return ModelResult(
        coefficients.reindex(columns=COEFFICIENT_COLUMNS),
        fit,
        [m for r in results for m in r.messages],
    )
