"""Reliability of the codebook's multi-item scales: Cronbach's alpha with Feldt's interval,
McDonald's omega total from a one-factor model, and the corrected item-total correlations.

A module of its own for the describe rule's ``scales.csv`` and ``item_total.csv``: it works
on the scales' items as numbers (reversed where the codebook says so, complete cases only),
where :mod:`leisurenet.analysis.describe` counts each item's answers.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from scipy import optimize, stats

from leisurenet.codebook import Codebook

log = logging.getLogger(__name__)


def scale_items(data: pd.DataFrame, codebook: Codebook, scale: str) -> pd.DataFrame:
    """The scale's item codes as floats, reversed items recoded as (min + max) - code
    with the scale's fixed code range (as the scale scores are made), NaN if missing."""
    spec = codebook.multi_item_scales[scale]
    items = pd.DataFrame({i: data[i].astype("Float64").astype(float) for i in spec["items"]})
    for item in spec.get("reverse", []):
        low, high = codebook.code_range(item)
        items[item] = (low + high) - items[item]
    return items


def cronbach_alpha(items: pd.DataFrame, confidence: float = 0.95) -> tuple[float, float, float]:
    """Cronbach's alpha of complete cases (``pingouin.cronbach_alpha``), with Feldt's
    confidence interval computed here.

    alpha = k / (k - 1) * (1 - sum of the item variances / variance of the total), the
    variances with ddof 1: pingouin's value, equal to R ``psych::alpha``'s raw_alpha to
    1e-15. The Feldt limits are computed here, from the same F quantiles as pingouin
    (df n - 1 and (n - 1)(k - 1)), because pingouin rounds them to 3 decimals: on the
    tests' four items and 24 cases its (0.516, 0.876) are 1.3e-4 and 1.1e-4 from R's
    (0.515866521464575, 0.875887000987158), which these limits match to 1e-12; on the
    replica's five scales the rounding moves them by up to 4.7e-4. Pass complete cases only:
    pingouin's covariances would otherwise be pairwise while n counts every row.
    Checked against R ``psych::alpha`` (raw_alpha and its Feldt limits) and pingouin.

    Returns
    -------
    (alpha, ci_low, ci_high); NaN when fewer than 2 cases or no variance of the total.
    """
    import pingouin  # costly to import (about 0.6 s): only the jobs that compute alpha load it

    n, k = items.shape
    if items.isna().any().any():
        raise ValueError("cronbach_alpha: pass complete cases (listwise deletion) only")
    if n < 2 or k < 2 or items.sum(axis=1).var() == 0:
        return np.nan, np.nan, np.nan
    alpha = pingouin.cronbach_alpha(items, ci=confidence)[0]
    tail = (1 - confidence) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * stats.f.isf(tail, df1, df2)
    high = 1 - (1 - alpha) * stats.f.isf(1 - tail, df1, df2)
    return float(alpha), float(low), float(high)


def one_factor_loadings(corr: np.ndarray) -> np.ndarray:
    """Maximum-likelihood loadings of a one-factor model of a correlation matrix.

    The algorithm of R's ``factanal`` (and ``psych::fa(fm='ml')``, which borrows it):
    minimise the ML discrepancy over the uniquenesses (bounded to 0.005..1) by L-BFGS-B
    with its analytic gradient; the loadings follow from the largest eigenpair of
    Psi^-1/2 R Psi^-1/2. Signed so that they sum to a positive number. Checked against
    R ``psych::fa(nfactors=1, fm='ml')`` and ``factanal(factors=1)`` loadings.
    """
    corr = np.asarray(corr, dtype=float)
    p = corr.shape[0]

    def eigen(psi):
        scale = 1 / np.sqrt(psi)
        values, vectors = np.linalg.eigh(corr * np.outer(scale, scale))
        return values[::-1], vectors[:, ::-1]  # largest first

    def loadings(psi):
        values, vectors = eigen(psi)
        return np.sqrt(psi) * vectors[:, 0] * np.sqrt(max(values[0] - 1, 0))

    def discrepancy(psi):
        rest = eigen(psi)[0][1:]
        return -(np.sum(np.log(rest) - rest) - 1 + p)

    def gradient(psi):
        load = loadings(psi)
        return np.diag(np.outer(load, load) + np.diag(psi) - corr) / psi**2

    start = (1 - 0.5 / p) / np.diag(np.linalg.inv(corr))
    fit = optimize.minimize(
        discrepancy,
        start,
        jac=gradient,
        method="L-BFGS-B",
        bounds=[(0.005, 1.0)] * p,
        options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 1000},
    )
    load = loadings(fit.x)
    return load if load.sum() >= 0 else -load


def omega_total(items: pd.DataFrame) -> float:
    """McDonald's omega total of complete cases from a one-factor ML model.

    omega = (sum l)^2 / ((sum l)^2 + sum(1 - l^2)) with the standardised loadings l of
    :func:`one_factor_loadings` on the items' correlation matrix (the model-implied total
    variance; ``psych::omega`` divides by the observed one instead, which differs when
    the one-factor model does not fit exactly). Checked against the same closed form on
    R ``psych::fa(nfactors=1, fm='ml')`` loadings. NaN with fewer cases than items + 1
    or an item without variance.
    """
    n, k = items.shape
    if items.isna().any().any():
        raise ValueError("omega_total: pass complete cases (listwise deletion) only")
    if k < 2 or n <= k or (items.var() == 0).any():
        return np.nan
    corr = np.corrcoef(items.to_numpy(dtype=float), rowvar=False)
    if np.linalg.matrix_rank(corr) < k:
        return np.nan
    load = one_factor_loadings(corr)
    common = load.sum() ** 2
    return float(common / (common + np.sum(1 - load**2)))


def scale_reliability(data: pd.DataFrame, codebook: Codebook, confidence: float = 0.95) -> pd.DataFrame:
    """One row per multi-item scale of the codebook: alpha (Feldt CI) and omega total.

    Returns
    -------
    DataFrame with ``scale, items`` (ids joined by ``|``), ``reversed``, ``n_items,
    n_respondents, n_used`` (complete cases), ``missing_handling``, ``alpha,
    alpha_ci_low, alpha_ci_high`` (:func:`cronbach_alpha`), ``ci_level``,
    ``omega_total`` (:func:`omega_total`) and ``omega_method``.
    """
    rows = []
    for scale, spec in codebook.multi_item_scales.items():
        complete = scale_items(data, codebook, scale).dropna()
        alpha, low, high = cronbach_alpha(complete, confidence)
        rows.append(
            {
                "scale": scale,
                "items": "|".join(spec["items"]),
                "reversed": "|".join(spec.get("reverse", [])),
                "n_items": len(spec["items"]),
                "n_respondents": len(data),
                "n_used": len(complete),
                "missing_handling": "listwise deletion: respondents who answered every item",
                "alpha": alpha,
                "alpha_ci_low": low,
                "alpha_ci_high": high,
                "ci_level": confidence,
                "omega_total": omega_total(complete),
                "omega_method": "one-factor maximum likelihood on the correlations, model-implied variance",
            }
        )
    return pd.DataFrame(rows)


def item_total(data: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Corrected item-total correlations, one row per item per multi-item scale.

    The correlation of each item (reversed where the codebook says so) with the sum of
    the scale's other items, on the complete cases used for alpha; ``alpha_if_dropped``
    is alpha without the item. A negative correlation sets ``negative`` and logs a
    warning that the item may need reversing. Checked against R ``psych::alpha``
    (``item.stats$r.drop`` and ``alpha.drop$raw_alpha``).

    Returns
    -------
    DataFrame with ``scale, item, reversed, n_used, r_item_rest, alpha_if_dropped,
    negative``.
    """
    rows = []
    for scale, spec in codebook.multi_item_scales.items():
        complete = scale_items(data, codebook, scale).dropna()
        for item in complete.columns:
            rest = complete.drop(columns=item)
            enough = len(complete) >= 3 and complete[item].var() > 0 and rest.sum(axis=1).var() > 0
            r = complete[item].corr(rest.sum(axis=1)) if enough else np.nan
            if r < 0:
                log.warning(
                    "scale %s: item %s correlates negatively (%.3f) with the rest of the scale; "
                    "it may need reversing (codebook multi_item_scales.%s.reverse)",
                    scale,
                    item,
                    r,
                    scale,
                )
            rows.append(
                {
                    "scale": scale,
                    "item": item,
                    "reversed": item in spec.get("reverse", []),
                    "n_used": len(complete),
                    "r_item_rest": r,
                    "alpha_if_dropped": cronbach_alpha(rest)[0] if rest.shape[1] >= 2 else np.nan,
                    "negative": bool(r < 0),
                }
            )
    return pd.DataFrame(rows)
