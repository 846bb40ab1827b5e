"""Bootstrap confidence intervals for the primary model's coefficients.

Respondents are resampled with replacement (the nonparametric case bootstrap), within the
model's complete cases. Replicate ``r`` draws from its own generator, seeded with
``(seed, r)``, so a replicate's result depends on the seed and its number only: the
replicates can be split into chunks (jobs) in any way, run in any order on any number of
cores, and the combined result is the same.

Each replicate refits the model (:mod:`leisurenet.analysis.fastfit`). A replicate whose data the
model separates, or in which a level of a predictor has no cases, has no finite estimate
for the terms concerned; those terms are counted as failed for that replicate and left out
of their interval, and the table says how many replicates each interval rests on.

Intervals are percentile intervals (Efron and Tibshirani 1993, ch. 13): the
``(1 - confidence) / 2`` and ``(1 + confidence) / 2`` quantiles of the replicates'
estimates, by NumPy's default (linear) rule, which is R's ``quantile(type = 7)``.

Every number estimated from the replicates carries its Monte Carlo standard error (the error
from the finite number of replicates, not the sampling error the bootstrap estimates): the
interval's ends by the Maritz-Jarrett method (:func:`quantile_mc_se`), the bootstrap standard
error by the delta method (:func:`sd_mc_se`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.special import betainc

from leisurenet.analysis.fastfit import Patterns, fit_patterns

INTERVAL_COLUMNS = [
    "term",
    "estimate",
    "boot_mean",
    "boot_se",
    "bias",
    "ci_low",
    "ci_high",
    "odds_ratio",
    "or_ci_low",
    "or_ci_high",
    "n_replicates",
    "n_valid",
    "method",
    "ci_low_mc_se",
    "ci_high_mc_se",
    "boot_se_mc_se",
]


def resample_counts(pat: Patterns, seed: int, replicate: int) -> np.ndarray:
    """Pattern counts of replicate ``replicate``: n respondents drawn with replacement."""
    rng = np.random.default_rng([seed, replicate])
    return rng.multinomial(pat.n, pat.counts / pat.n)


def run_replicates(pat: Patterns, seed: int, replicates: range) -> pd.DataFrame:
    """One row per replicate: ``replicate``, ``status`` and each term's estimate (NaN where
    the replicate has none)."""
    rows = []
    for r in replicates:
        fit = fit_patterns(pat, resample_counts(pat, seed, r))
        rows.append([r, fit.status, *fit.beta])
    return pd.DataFrame(rows, columns=["replicate", "status", *pat.terms])


def percentile_interval(values: np.ndarray, confidence: float) -> tuple[float, float]:
    """The percentile interval of ``values`` (NaN left out); NaN without values."""
    values = values[np.isfinite(values)]
    if not len(values):
        return math.nan, math.nan
    low, high = np.quantile(values, [(1 - confidence) / 2, (1 + confidence) / 2])
    return float(low), float(high)


def quantile_mc_se(values: np.ndarray, q: float) -> float:
    """Monte Carlo standard error of the ``q`` quantile of ``values`` (NaN left out).

    The Maritz-Jarrett estimate (Maritz and Jarrett 1978, JASA 73, 194-196; Wilcox,
    *Introduction to Robust Estimation*, sec. 3.5.3): with the B sorted values x_(i),
    m = floor(q B + 0.5) and weights W_i = I(i/B; m - 1, B - m) - I((i - 1)/B; m - 1, B - m)
    (I the regularised incomplete beta function), the standard error is
    sqrt(sum W_i x_(i)^2 - (sum W_i x_(i))^2). It needs no estimate of the density at the
    quantile, unlike sqrt(q (1 - q) / B) / f(x_q). NaN when m - 1 or B - m is not positive
    (too few values for the quantile).
    """
    values = np.sort(values[np.isfinite(values)])
    n = len(values)
    m = math.floor(q * n + 0.5)
    if m - 1 <= 0 or n - m <= 0:
        return math.nan
    weights = np.diff(betainc(m - 1, n - m, np.arange(n + 1) / n))
    first, second = weights @ values, weights @ values**2
    return math.sqrt(max(second - first**2, 0.0))


def sd_mc_se(values: np.ndarray) -> float:
    """Monte Carlo standard error of the standard deviation s of ``values`` (NaN left out).

    By the delta method from the variance of the sample variance, (mu4 - s^4) / B:
    s sqrt(kurtosis - 1) / (2 sqrt(B)), with the kurtosis m4 / m2^2 of the values (3 for a
    normal distribution, where it is s / sqrt(2 B)). NaN with fewer than two values.
    """
    values = values[np.isfinite(values)]
    if len(values) < 2:
        return math.nan
    centred = values - values.mean()
    m2 = float(np.mean(centred**2))
    if m2 == 0:
        return 0.0
    kurtosis = float(np.mean(centred**4)) / m2**2
    return float(values.std(ddof=1)) * math.sqrt(max(kurtosis - 1, 0.0) / (4 * len(values)))


def intervals(replicates: pd.DataFrame, estimate: pd.Series, confidence: float) -> pd.DataFrame:
    """Per term of ``estimate`` (the fit to the data): the replicates' mean, standard
    deviation (the bootstrap standard error), bias, percentile interval and its odds ratios,
    and the Monte Carlo standard errors of the interval's ends (logit scale; on the odds-ratio
    scale multiply by the odds ratio) and of the bootstrap standard error."""
    rows = []
    for term, value in estimate.items():
        values = replicates[term].to_numpy(dtype=float)
        valid = values[np.isfinite(values)]
        low, high = percentile_interval(values, confidence)
        mean = float(valid.mean()) if len(valid) else math.nan
        rows.append(
            {
                "term": term,
                "estimate": value,
                "boot_mean": mean,
                "boot_se": float(valid.std(ddof=1)) if len(valid) > 1 else math.nan,
                "bias": mean - value,
                "ci_low": low,
                "ci_high": high,
                "odds_ratio": math.exp(value),
                "or_ci_low": math.exp(low),
                "or_ci_high": math.exp(high),
                "n_replicates": len(values),
                "n_valid": len(valid),
                "method": f"percentile, {confidence:.0%}",
                "ci_low_mc_se": quantile_mc_se(values, (1 - confidence) / 2),
                "ci_high_mc_se": quantile_mc_se(values, (1 + confidence) / 2),
                "boot_se_mc_se": sd_mc_se(values),
            }
        )
    return pd.DataFrame(rows, columns=INTERVAL_COLUMNS)


def point_estimate(pat: Patterns) -> pd.Series:
    """The model's slopes on the data itself, as the bootstrap's reference point."""
    fit = fit_patterns(pat)
    if fit.status != "ok":
        raise ValueError(f"bootstrap: the model cannot be fitted to the data ({fit.status})")
    return pd.Series(fit.beta, index=pat.terms)
