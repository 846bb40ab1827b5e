"""Regression models for the survey's outcomes, one specification each in ``config/models.yaml``.

Four families: the proportional-odds (cumulative logit) model for Likert outcomes with an
LR check of proportional odds, a binary logit as its robustness model (Firth's penalised
likelihood when the data are separated), a baseline-category multinomial logit, and OLS.
Each model function takes the tidy respondent-level data plus column names and returns a
:class:`~leisurenet.analysis.modelresult.ModelResult` with two tidy tables, ``coefficients``
(one row per term) and ``fit`` (one row per model), whose columns
:mod:`leisurenet.analysis.modelresult` describes. :func:`fit_models` fits every model of a
specification file (:func:`load_model_specs`).

The families stand on their siblings: :mod:`leisurenet.analysis.modelframe` (complete cases,
treatment coding and the checks of the data), :mod:`leisurenet.analysis.estimation`
(Newton's method, the likelihoods, Firth's penalty, the separation check) and
:mod:`leisurenet.analysis.modelresult`. The primary model is also fitted with the survey
design's weights (:mod:`leisurenet.analysis.weighted_models`).

Problems in the specification (unknown column, a reference level that does not exist)
raise ``ValueError``. Problems of the data (separation, an empty level, non-convergence,
too few events) never raise: they flag the rows and are explained in ``note`` and in the
messages the stage logs.
"""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from leisurenet.analysis.estimation import (
    _sharpen_cumulative,
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
    _is_categorical,
    _levels,
    _match,
    _outcome_codes,
    model_frame,
)
from leisurenet.analysis.modelresult import (
    COEFFICIENT_COLUMNS,
    FIT_COLUMNS,
    ModelResult,
    _guarded,
    _setup,
    _wald_table,
)
from leisurenet.config import read_validated

FAMILIES = ("ordinal_logit", "logit", "multinomial_logit", "ols")
PO_TEST = (
    "proportional odds: LR test against the non-proportional cumulative logit (threshold-specific "
    "coefficients for every predictor), as R's anova(clm(y ~ x), clm(y ~ 1, nominal = ~ x))"
)


# --- specifications ---------------------------------------------------------------------


def load_model_specs(path: str | Path) -> dict:
    """The model specifications in ``path``, validated against ``models.schema.yaml``.

    Keys left out take the schema's defaults. Raises ``ValueError`` naming the file and the
    key of every problem.
    """
    specs, problems = read_validated(path, "models.schema.yaml")
    for name, spec in specs.get("models", {}).items() if not problems else ():
        named = set(spec["predictors"]) | {spec["outcome"]}
        if spec["outcome"] in spec["predictors"]:
            problems.append(f"  models.{name}: the outcome '{spec['outcome']}' is also a predictor")
        for key in ("reference", "exclude"):
            for var in set(spec[key]) - named:
                problems.append(f"  models.{name}.{key}: '{var}' is neither the outcome nor a predictor")
    if problems:
        raise ValueError(f"{path}: the model specifications are not valid:\n" + "\n".join(problems))
    return specs


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
