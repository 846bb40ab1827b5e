"""Fast refits of the proportional-odds model, for the analyses that refit it many times
(the bootstrap and the multiverse).

The model is fitted to the distinct (outcome, design row) patterns of the data, each
weighted by how many respondents share it. The weighted log-likelihood equals the
respondent-level one, so the estimates are the same, and with categorical predictors the
work no longer grows with n (the primary model has at most 5 x 3 x 4 patterns). Resampling
respondents with replacement is then a multinomial draw of the pattern counts, which has
the same distribution as drawing row indices.

The fit is Newton's method on the cumulative logit (the parameterisation of
:func:`leisurenet.analysis.models.ordinal_logit`: ``logit P(Y <= c | x) = cut_c - x b``) from the
marginal cut-points and zero slopes. Checked against ``models.ordinal_logit`` (statsmodels,
itself pinned to R's ``MASS::polr``) in tests/analysis/test_fastfit.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from leisurenet.analysis.estimation import (
    _cumulative_loglik,
    _newton,
    cumulative_design,
    separation_direction,
)
from leisurenet.analysis.modelframe import _Log, _outcome_codes, model_frame

# A slope beyond this (an odds ratio beyond e^15, about 3 million) comes from data the
# model separates or nearly so; such a fit is checked for separation before it is used.
LARGE_SLOPE = 15.0


@dataclass(frozen=True)
class Patterns:
    """Distinct rows of a model's data: design ``X`` (no intercept), outcome ``codes``
    (0..``n_levels``-1) and ``counts``, the respondents sharing each row."""

    X: np.ndarray
    codes: np.ndarray
    counts: np.ndarray
    n_levels: int
    terms: list[str]
    levels: list

    @property
    def n(self) -> int:
        return int(self.counts.sum())


def patterns(X: np.ndarray, codes: np.ndarray, terms: list[str], levels: list) -> Patterns:
    """The distinct (outcome, design row) patterns of ``X`` and ``codes`` with their counts."""
    rows, counts = np.unique(np.column_stack([codes, X]).astype(float), axis=0, return_counts=True)
    return Patterns(rows[:, 1:], rows[:, 0].astype(int), counts, len(levels), list(terms), list(levels))


def model_patterns(data: pd.DataFrame, spec: dict, name: str = "model") -> Patterns:
    """The patterns of an ``ordinal_logit`` model of ``config/models.yaml`` on ``data``:
    the same complete cases, treatment coding and outcome levels as ``models.ordinal_logit``."""
    if spec["family"] != "ordinal_logit":
        raise ValueError(
            f"model '{name}' is a {spec['family']} model; the bootstrap and the multiverse refit "
            "an ordinal_logit model: set paper.primary_model to one"
        )
    log = _Log(name)
    frame = model_frame(
        data, spec["outcome"], spec["predictors"], spec.get("reference", {}), spec.get("exclude", {}), log
    )
    codes, levels = _outcome_codes(frame.y, log)
    return patterns(frame.X.to_numpy(dtype=float), codes, list(frame.X.columns), levels)


@dataclass(frozen=True)
class OrdinalFit:
    """Slopes of a cumulative logit fit. ``status`` is ``ok``, ``separated`` (no finite
    estimate), ``not_converged`` or ``rank_deficient`` (a level without cases makes the
    design singular); slopes are NaN unless ``ok``, and a term whose level has no cases
    in the data is NaN even then."""

    beta: np.ndarray
    std_error: np.ndarray
    loglik: float
    status: str


def cumulative_logit(X: np.ndarray, codes: np.ndarray, weights: np.ndarray) -> OrdinalFit:
    """Maximum likelihood slopes of ``logit P(Y <= c | x) = cut_c - x b``, rows weighted.

    Rows of weight 0 are left out; so are outcome levels and design columns (levels of a
    categorical predictor) without weight, whose slopes come back NaN. Standard errors
    are from the inverse observed information.
    """
    keep = weights > 0
    X, codes, w = X[keep], codes[keep], weights[keep].astype(float)
    p = X.shape[1]
    beta, std_error = np.full(p, np.nan), np.full(p, np.nan)
    observed, codes = np.unique(codes, return_inverse=True)
    columns = np.flatnonzero(np.ptp(X, axis=0) > 0) if len(X) else np.arange(0)
    X = X[:, columns]
    k, q = len(observed) - 1, len(columns)
    if k < 1 or np.linalg.matrix_rank(np.column_stack([np.ones(len(X)), X])) < 1 + q:
        return OrdinalFit(beta, std_error, np.nan, "rank_deficient")
    design = cumulative_design(X, codes, k)
    share = np.cumsum(np.bincount(codes, weights=w))[:-1] / w.sum()
    start = np.concatenate([np.zeros(q), special.logit(share)])
    theta, ll, hess, converged = _newton(lambda t: _cumulative_loglik(t, *design, w), start)
    slopes = theta[:q]
    if not converged or np.max(np.abs(slopes), initial=0.0) > LARGE_SLOPE:
        if separation_direction(X, codes, k + 1) is not None:
            return OrdinalFit(beta, std_error, ll, "separated")
        if not converged:
            return OrdinalFit(beta, std_error, ll, "not_converged")
    beta[columns] = slopes
    std_error[columns] = np.sqrt(np.diag(np.linalg.inv(-hess)))[:q]
    return OrdinalFit(beta, std_error, ll, "ok")


def fit_patterns(pat: Patterns, counts: np.ndarray | None = None) -> OrdinalFit:
    """:func:`cumulative_logit` on ``pat`` with its own counts or with ``counts``."""
    return cumulative_logit(pat.X, pat.codes, pat.counts if counts is None else counts)
