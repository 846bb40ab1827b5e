"""What a regression model returns: :class:`ModelResult` with its two tidy tables, and the
steps every family shares to make them (set-up, the guard that turns a problem of the data
into a flagged row, Wald tables, odds ratios, the large-SE check and the flags).

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

A module of its own because both the families (:mod:`leisurenet.analysis.models`) and the
survey-weighted model (:mod:`leisurenet.analysis.weighted_models`) finish in these tables.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from leisurenet.analysis.modelframe import DEFAULT_CHECKS, ModelProblem, _Log

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


# --- the result and its tables ----------------------------------------------------------


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


# --- what every family runs in -----------------------------------------------------------


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
