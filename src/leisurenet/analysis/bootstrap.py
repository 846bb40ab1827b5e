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
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

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


def intervals(replicates: pd.DataFrame, estimate: pd.Series, confidence: float) -> pd.DataFrame:
    """Per term of ``estimate`` (the fit to the data): the replicates' mean, standard
    deviation (the bootstrap standard error), bias, percentile interval and its odds ratios."""
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
            }
        )
    return pd.DataFrame(rows, columns=INTERVAL_COLUMNS)


def point_estimate(pat: Patterns) -> pd.Series:
    """The model's slopes on the data itself, as the bootstrap's reference point."""
    fit = fit_patterns(pat)
    if fit.status != "ok":
        raise ValueError(f"bootstrap: the model cannot be fitted to the data ({fit.status})")
    return pd.Series(fit.beta, index=pat.terms)
