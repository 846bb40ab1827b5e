"""Descriptive statistics of the items: every item's answers, counted and as shares, with
intervals for the share of positive answers (finite population, exact binomial, Wilson).

The describe rule's other tables have modules of their own beside this one: scale
reliability (:mod:`leisurenet.analysis.scales`), non-response against the frame
(:mod:`leisurenet.analysis.nonresponse`) and the paired comparison of involvement against
the guiding role of people in poverty (:mod:`leisurenet.analysis.paired`).

Every function of these modules takes the recoded data (one row per respondent, as
``results/recode/recoded.parquet`` holds it) or the frame and returns a tidy table: one row
per item, scale, size class or comparison, snake_case columns, unrounded numbers. Columns
named ``pct_*`` are percentages (0-100); shares, interval limits and bounds are proportions
(0-1); ``n_*`` are counts.

Conventions chosen here (and stated in the output where a reader needs them):

- Items without a neutral answer (the U4 usefulness scale) have ``n_neutral`` 0 and
  ``pct_neutral``/``pct_neutral_valid`` NaN: a question that offered no neutral answer
  has no neutral share, which a table should show as "not applicable", not "0 %". The
  column ``has_neutral`` says which items these are.
- In the item distribution, a missing answer is a row of its own with an empty ``code``
  and its type (``dont_know`` for "weet niet / niet van toepassing", ``blank``) in
  ``missing``.
- Confidence intervals for an item's positive share treat the valid answers as a simple
  random sample (without replacement) of the networks in the frame; the worst-case
  bounds beside them drop that assumption.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from leisurenet.codebook import MISSING_TYPES, Codebook

LEVELS = ("negative", "neutral", "positive")
BLANK_LABELS = {"nl": "geen antwoord (blanco)", "en": "no answer (blank)"}

ITEM_COLUMNS = [
    "item",
    "construct",
    "scale",
    "has_neutral",
    "n_respondents",
    "n_valid",
    "n_missing",
    "n_dont_know",
    "n_blank",
    "n_negative",
    "n_neutral",
    "n_positive",
    "pct_negative",
    "pct_neutral",
    "pct_positive",
    "pct_missing",
    "pct_negative_valid",
    "pct_neutral_valid",
    "pct_positive_valid",
    "n_frame",
    "ci_method",
    "ci_level",
    "ci_low",
    "ci_high",
    "wilson_low",
    "wilson_high",
    "bound_base",
    "bound_low",
    "bound_high",
]


# --- intervals for a proportion ----------------------------------------------------------


def hypergeometric_ci(x: int, n: int, N: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact interval for the share K/N of positive networks in a finite population.

    Inverts the two one-sided hypergeometric tests (Clopper-Pearson style, without
    replacement): the interval holds every integer K in 0..N with
    P(X >= x | K) > (1 - confidence)/2 and P(X <= x | K) > (1 - confidence)/2, where X is
    the number of positives among ``n`` networks drawn from ``N`` of which ``K`` are
    positive. It lies within the worst-case bounds x/N .. (x + N - n)/N and approaches
    the Clopper-Pearson interval as N grows.

    Returns
    -------
    (low, high) : proportions K/N; (nan, nan) when ``n`` is 0.

    Notes
    -----
    Checked against R (P(X >= x | K) from ``phyper``, the limits as the extreme K that
    the tests do not reject), the endpoint property with ``scipy.stats.hypergeom`` and
    the binomial limit (``scipy.stats.binomtest(...).proportion_ci('exact')``).
    """
    if n == 0:
        return np.nan, np.nan
    if not 0 <= x <= n <= N:
        raise ValueError(f"hypergeometric_ci: need 0 <= x <= n <= N, got x={x}, n={n}, N={N}")
    tail = (1 - confidence) / 2
    # K below x or above N - (n - x) cannot have produced the sample. P(X >= x | K) grows
    # with K and P(X <= x | K) falls, so each limit is found by bisection over K (scipy's
    # hypergeom(M, n, N) is (population, successes in it, draws)).
    low = _bisect(lambda K: stats.hypergeom.sf(x - 1, N, K, n) > tail, x, N - n + x)
    high = _bisect(lambda K: stats.hypergeom.cdf(x, N, K, n) <= tail, x, N - n + x + 1) - 1
    return low / N, high / N


def _bisect(holds, lo: int, hi: int) -> int:
    """The smallest integer K in lo..hi where ``holds(K)`` (monotone: false, then true);
    ``hi`` if it holds nowhere before."""
    while lo < hi:
        mid = (lo + hi) // 2
        if holds(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def clopper_pearson_ci(x: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact binomial (Clopper-Pearson) interval, for when the population size is unknown.

    Checked against ``scipy.stats.binomtest(x, n).proportion_ci(method='exact')`` and R
    ``binom.test(x, n)$conf.int``.
    """
    if n == 0:
        return np.nan, np.nan
    tail = (1 - confidence) / 2
    low = stats.beta.ppf(tail, x, n - x + 1) if x > 0 else 0.0
    high = stats.beta.isf(tail, x + 1, n - x) if x < n else 1.0
    return float(low), float(high)


def wilson_ci(x: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval (infinite population), beside the exact one for comparison.

    Checked against ``statsmodels.stats.proportion.proportion_confint(method='wilson')``.
    """
    if n == 0:
        return np.nan, np.nan
    z = stats.norm.isf((1 - confidence) / 2)
    p = x / n
    denominator = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denominator
    half = z / denominator * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return float(max(centre - half, 0.0)), float(min(centre + half, 1.0))


def _pct(count, base):
    return 100 * count / base if base else np.nan


# --- items -------------------------------------------------------------------------------


def item_summary(
    data: pd.DataFrame,
    codebook: Codebook,
    items: list[str] | None = None,
    n_frame: int | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """One row per item: counts and shares of the collapsed answers, with intervals.

    Parameters
    ----------
    data : the recoded data (``<item>``, ``<item>_missing``, ``<item>_cat`` per item).
    codebook : the codebook (construct, response scale, collapse levels).
    items : item ids (default: every item of the codebook, in codebook order).
    n_frame : the number of networks in the population frame; None when unknown.
    confidence : level of the intervals.

    Returns
    -------
    DataFrame with the columns of ``ITEM_COLUMNS``:

    - ``n_respondents`` analysed respondents; ``n_valid`` answered with a scale code;
      ``n_missing`` = ``n_dont_know`` + ``n_blank``.
    - ``pct_<level>`` base: respondents (as the study published them, missing answers
      in the base); ``pct_<level>_valid`` base: valid answers. Without a neutral answer
      (``has_neutral`` False) ``n_neutral`` is 0 and the neutral percentages are NaN.
    - ``ci_low``/``ci_high``: exact interval for the positive share among the networks
      of the frame (``ci_method`` ``hypergeometric``, with ``n_frame`` networks and the
      ``n_valid`` answers, :func:`hypergeometric_ci`), or the Clopper-Pearson interval
      when there is no frame (``ci_method`` ``clopper_pearson``, N unknown).
    - ``wilson_low``/``wilson_high``: Wilson interval on the valid answers.
    - ``bound_low``/``bound_high``: whatever the networks without a valid answer would
      have said: n_positive/N to (n_positive + N - n_valid)/N, with N the frame
      (``bound_base`` ``frame``) or, without a frame, the respondents
      (``bound_base`` ``respondents``).

    Every interval and bound is NaN-free except where ``n_valid`` is 0 (intervals NaN).
    """
    items = codebook.item_ids if items is None else items
    n_resp = len(data)
    if n_frame is not None and n_frame < n_resp:
        raise ValueError(f"the frame has {n_frame} networks but there are {n_resp} respondents")
    base = n_frame if n_frame is not None else n_resp
    rows = []
    for item in items:
        spec = codebook.items[item]
        n_valid = int(data[item].notna().sum())
        missing = data[f"{item}_missing"].value_counts().reindex(list(MISSING_TYPES), fill_value=0)
        if n_valid + int(missing.sum()) != n_resp:
            raise ValueError(f"{item}: {n_resp - n_valid} missing codes but {missing.sum()} missing types")
        counts = data[f"{item}_cat"].value_counts().reindex(list(LEVELS), fill_value=0)
        has_neutral = "neutral" in codebook.collapse_levels(item)
        row = {
            "item": item,
            "construct": spec["construct"],
            "scale": spec["scale"],
            "has_neutral": has_neutral,
            "n_respondents": n_resp,
            "n_valid": n_valid,
            "n_missing": n_resp - n_valid,
            "n_dont_know": int(missing["dont_know"]),
            "n_blank": int(missing["blank"]),
        }
        for level in LEVELS:
            row[f"n_{level}"] = int(counts[level])
        for level in LEVELS:
            row[f"pct_{level}"] = _pct(counts[level], n_resp)
        row["pct_missing"] = _pct(n_resp - n_valid, n_resp)
        for level in LEVELS:
            row[f"pct_{level}_valid"] = _pct(counts[level], n_valid)
        if not has_neutral:
            row["pct_neutral"] = row["pct_neutral_valid"] = np.nan
        x = int(counts["positive"])
        if n_frame is None:
            method, (low, high) = "clopper_pearson", clopper_pearson_ci(x, n_valid, confidence)
        else:
            method, (low, high) = "hypergeometric", hypergeometric_ci(x, n_valid, n_frame, confidence)
        row |= {"n_frame": n_frame, "ci_method": method, "ci_level": confidence}
        row |= {"ci_low": low, "ci_high": high}
        row["wilson_low"], row["wilson_high"] = wilson_ci(x, n_valid, confidence)
        row["bound_base"] = "respondents" if n_frame is None else "frame"
        row["bound_low"] = x / base if base else np.nan
        row["bound_high"] = (x + base - n_valid) / base if base else np.nan
        rows.append(row)
    out = pd.DataFrame(rows, columns=ITEM_COLUMNS)
    out["n_frame"] = out["n_frame"].astype("Int64")
    return out


def item_distribution(data: pd.DataFrame, codebook: Codebook, items: list[str] | None = None) -> pd.DataFrame:
    """Long table of every answer of every item, missing answers as rows of their own.

    Returns
    -------
    DataFrame with ``item, code, missing, category, label_nl, label_en, n,
    pct_respondents, pct_valid``: one row per scale code (all codes, also those nobody
    chose), then one for ``dont_know`` and one for ``blank``. ``code`` is empty on the
    missing rows and ``missing`` names the type; ``category`` is the collapsed level of
    a code; ``pct_valid`` (base: valid answers) is empty on the missing rows.
    ``pct_respondents`` sums to 100 per item.
    """
    items = codebook.item_ids if items is None else items
    dont_know = codebook.spec["missing"]["dont_know"]
    n_resp = len(data)
    rows = []
    for item in items:
        n_valid = int(data[item].notna().sum())
        counts = data[item].value_counts()
        collapse = codebook.collapse_map(item)
        for code, labels in sorted(codebook.scale(item)["codes"].items(), key=lambda kv: int(kv[0])):
            n = int(counts.get(int(code), 0))
            rows.append(
                (item, int(code), None, collapse[int(code)], labels["nl"], labels["en"], n)
                + (_pct(n, n_resp), _pct(n, n_valid))
            )
        missing = data[f"{item}_missing"].value_counts()
        for kind, nl, en in (
            ("dont_know", dont_know["label_nl"], dont_know["label_en"]),
            ("blank", BLANK_LABELS["nl"], BLANK_LABELS["en"]),
        ):
            n = int(missing.get(kind, 0))
            rows.append((item, None, kind, None, nl, en, n, _pct(n, n_resp), np.nan))
    columns = ["item", "code", "missing", "category", "label_nl", "label_en", "n"]
    out = pd.DataFrame(rows, columns=[*columns, "pct_respondents", "pct_valid"])
    out["code"] = out["code"].astype("Int64")
    return out
