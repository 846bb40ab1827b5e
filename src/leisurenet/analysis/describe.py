"""Descriptive statistics: item distributions with finite-population intervals, scale
reliability, non-response against the frame and the paired comparison of involvement
against the guiding role of people in poverty.

Every function takes the recoded data (one row per respondent, as
``results/recode/recoded.parquet`` holds it) and returns a tidy table: one row per item,
scale, size class or comparison, snake_case columns, unrounded numbers. Columns named
``pct_*`` are percentages (0-100); shares, interval limits and bounds are proportions
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

import logging

import numpy as np
import pandas as pd
from scipy import optimize, stats

from leisurenet.analysis.crosstab import fisher_exact_rxc, pearson_chi2
from leisurenet.codebook import MISSING_TYPES, Codebook
from leisurenet.data.recode import size_class
from leisurenet.io import read_clean_frame as read_frame  # noqa: F401 (the describe stage's frame reader)
from leisurenet.names import GUIDING_KIND, INVOLVEMENT_KINDS

log = logging.getLogger(__name__)

LEVELS = ("negative", "neutral", "positive")
BLANK_LABELS = {"nl": "geen antwoord (blanco)", "en": "no answer (blank)"}
# Defaults of the Wilcoxon test (config analysis.paired_zero_method and
# analysis.paired_continuity_correction): those of R's wilcox.test, which most readers use.
PAIRED_ZERO_METHOD = "wilcox"
PAIRED_CORRECTION = True

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
NONRESPONSE_COLUMNS = [
    "size_class",
    "n_frame",
    "n_respondents",
    "response_rate",
    "pct_frame",
    "pct_respondents",
]
TEST_COLUMNS = ["test", "method", "statistic", "df", "p_value", "n", "min_expected", "note"]


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


# --- scale reliability -------------------------------------------------------------------


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
    """Cronbach's alpha of complete cases, with Feldt's confidence interval.

    alpha = k / (k - 1) * (1 - sum of the item variances / variance of the total), the
    variances with ddof 1. The variance of the total is computed as the sum of the items'
    covariance matrix, as ``pingouin.cronbach_alpha`` does, so that the two agree to the
    last digit. The Feldt limits are unrounded (pingouin rounds them to 3 decimals). Pass
    complete cases only: the covariances would otherwise be pairwise while n counts every
    row. Checked against R ``psych::alpha`` (raw_alpha and its Feldt limits) and pingouin.

    Returns
    -------
    (alpha, ci_low, ci_high); NaN when fewer than 2 cases or no variance of the total.
    """
    n, k = items.shape
    if items.isna().any().any():
        raise ValueError("cronbach_alpha: pass complete cases (listwise deletion) only")
    if n < 2 or k < 2 or items.sum(axis=1).var() == 0:
        return np.nan, np.nan, np.nan
    cov = items.cov()
    alpha = k / (k - 1) * (1 - np.trace(cov) / cov.sum().sum())
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


# --- non-response against the frame ------------------------------------------------------


def nonresponse_table(frame: pd.DataFrame | None, breaks: list[int], labels: list[str]) -> pd.DataFrame:
    """Response per municipality size class of the frame (networks in the frame).

    Returns
    -------
    DataFrame with ``NONRESPONSE_COLUMNS``: per size class (from the frame's
    ``municipality_pop`` with :func:`leisurenet.data.recode.size_class`) the networks in the
    frame, those among the respondents, ``response_rate`` (proportion), and each class's
    share of the frame and of the respondents (``pct_*``). No rows without a frame.
    """
    if frame is None:
        return pd.DataFrame(columns=NONRESPONSE_COLUMNS)
    counts = _frame_counts(frame, breaks, labels)
    out = pd.DataFrame(
        {
            "size_class": counts.index.astype(str),
            "n_frame": counts["n_frame"].to_numpy(),
            "n_respondents": counts["n_respondents"].to_numpy(),
        }
    )
    out["response_rate"] = out["n_respondents"] / out["n_frame"].where(out["n_frame"] > 0)
    out["pct_frame"] = 100 * out["n_frame"] / out["n_frame"].sum()
    out["pct_respondents"] = 100 * out["n_respondents"] / out["n_respondents"].sum()
    return out[NONRESPONSE_COLUMNS]


def _frame_counts(frame: pd.DataFrame, breaks, labels) -> pd.DataFrame:
    classes = size_class(frame["municipality_pop"], breaks, labels)
    if classes.isna().any():
        raise ValueError("frame.csv: a network without municipality_pop has no size class")
    responded = frame["responded"].fillna(False).astype(bool)
    return pd.DataFrame(
        {
            "n_frame": classes.value_counts().reindex(labels, fill_value=0),
            "n_respondents": classes[responded.to_numpy()].value_counts().reindex(labels, fill_value=0),
        }
    )


def nonresponse_tests(
    frame: pd.DataFrame | None,
    breaks: list[int],
    labels: list[str],
    *,
    draws: int,
    seed: int,
    max_tables: int,
) -> pd.DataFrame:
    """Do the respondents differ from the non-respondents on municipality size class?

    Both tests are on the 2 x k table of the networks of the frame, respondents and
    non-respondents (rows) by the size classes that have networks in the frame (columns):

    - ``chi_square``: Pearson's chi-square test of that table without continuity
      correction (:func:`leisurenet.analysis.crosstab.pearson_chi2`), df = k - 1; approximate, and
      ``min_expected`` shows how far to trust it. Checked against R
      ``chisq.test(matrix(...), correct = FALSE)``.
    - ``fisher_freeman_halton``: the exact conditional test of the same table
      (:func:`leisurenet.analysis.crosstab.fisher_exact_rxc`), the test to read when expected counts
      are small: exact when the table is within ``max_tables`` and the exact test's other
      budgets, otherwise a Monte Carlo p-value with ``draws`` and ``seed`` (``method`` says which).
      Checked against R ``fisher.test``.

    ``draws``, ``seed`` and ``max_tables`` are the config's ``analysis.monte_carlo_draws``,
    ``analysis.seed`` and ``analysis.exact_max_tables`` (outside the pipeline:
    ``leisurenet.config.load_config()["analysis"]``).

    Without a frame: one row, test ``none``, with a note. Columns ``TEST_COLUMNS``; ``n``
    is the number of networks in the frame.
    """
    if frame is None:
        note = "no population frame (data.frame is null): non-response cannot be assessed"
        return pd.DataFrame([{"test": "none", "note": note}], columns=TEST_COLUMNS)
    counts = _frame_counts(frame, breaks, labels)
    counts = counts[counts["n_frame"] > 0]
    dropped = sorted(set(labels) - set(counts.index.astype(str)))
    note = f"classes without networks in the frame left out: {dropped}" if dropped else ""
    responded, in_frame = counts["n_respondents"].to_numpy(), counts["n_frame"].to_numpy()
    n_resp, n_frame = int(responded.sum()), int(in_frame.sum())
    if len(counts) < 2 or n_resp in (0, n_frame):
        note = "fewer than two size classes, or no network (or every network) responded: nothing to test"
        return pd.DataFrame([{"test": "none", "note": note}], columns=TEST_COLUMNS)
    table = np.vstack([responded, in_frame - responded])
    chi2, df, p_chi2, expected = pearson_chi2(table)
    exact = fisher_exact_rxc(table, draws=draws, seed=seed, max_tables=max_tables)
    bound = f", all of at most {exact.n_tables_bound} tables" if exact.n_draws == 0 else ""
    rows = [
        {
            "test": "chi_square",
            "method": "Pearson chi-square, respondents vs non-respondents x size class "
            "(no continuity correction)",
            "statistic": chi2,
            "df": df,
            "p_value": p_chi2,
        },
        {
            "test": "fisher_freeman_halton",
            "method": f"{exact.method}{bound}, respondents vs non-respondents x size class",
            "statistic": np.nan,
            "df": np.nan,
            "p_value": exact.p,
        },
    ]
    common = {"n": n_frame, "min_expected": float(expected.min()), "note": note}
    out = pd.DataFrame([row | common for row in rows], columns=TEST_COLUMNS)
    out["df"] = out["df"].astype("Int64")
    return out


# --- paired comparison: involvement against guiding role ---------------------------------


def paired_items(codebook: Codebook) -> list[dict]:
    """The (involvement, guiding) item pairs per domain, found in the codebook.

    Per domain of the codebook, the representation items whose id ends in
    ``_from_start`` or ``_expertise`` (involvement) are paired with the one ending in
    ``_guiding``; a domain without a guiding item gives no pairs.
    """
    pairs = []
    for domain in codebook.spec.get("domains", {}):
        items = codebook.items_where(construct="representation", domain=domain)

        def ending(kind, items=items, domain=domain):
            found = [i for i in items if i.endswith(f"_{kind}")]
            if len(found) > 1:
                raise ValueError(f"domain {domain}: several representation items end in _{kind}: {found}")
            return found[0] if found else None

        guiding = ending(GUIDING_KIND)
        for kind in INVOLVEMENT_KINDS:
            involvement = ending(kind)
            if guiding and involvement:
                pairs.append(
                    {
                        "comparison": f"{kind}_vs_{GUIDING_KIND}",
                        "domain": domain,
                        "involvement_item": involvement,
                        "guiding_item": guiding,
                    }
                )
    return pairs


def wilcoxon_signed_rank(
    differences, zero_method: str = PAIRED_ZERO_METHOD, correction: bool = PAIRED_CORRECTION
) -> dict:
    """Wilcoxon signed-rank test (normal approximation, tie-corrected) and effect size.

    ``zero_method`` 'wilcox' drops zero differences before ranking (as R
    ``wilcox.test``); 'pratt' ranks them and then drops them. ``correction`` applies the
    continuity correction. The matched-pairs rank-biserial correlation is
    (T+ - T-) / (T+ + T-) over the ranks the test uses (Kerby 2014); positive when the
    first variable is higher. Checked against R ``wilcox.test(x, y, paired=TRUE,
    exact=FALSE, correct=TRUE)`` (V, p) and ``pingouin.wilcoxon`` (RBC).

    Returns
    -------
    dict with ``n_nonzero, v_statistic`` (T+, R's V), ``z`` (signed: positive when the
    differences are mostly positive), ``p_value, rank_biserial``; NaN without any
    non-zero difference.
    """
    d = np.asarray(differences, dtype=float)
    nonzero = d[d != 0]
    empty = {"n_nonzero": 0, "v_statistic": np.nan, "z": np.nan, "p_value": np.nan, "rank_biserial": np.nan}
    if len(nonzero) == 0:
        return empty
    ranks = stats.rankdata(np.abs(d if zero_method == "pratt" else nonzero))
    signs = np.sign(d if zero_method == "pratt" else nonzero)
    t_plus, t_minus = ranks[signs > 0].sum(), ranks[signs < 0].sum()
    result = stats.wilcoxon(d, zero_method=zero_method, correction=correction, method="asymptotic")
    return {
        "n_nonzero": len(nonzero),
        "v_statistic": float(t_plus),
        "z": float(np.sign(t_plus - t_minus) * abs(result.zstatistic)),
        "p_value": float(result.pvalue),
        "rank_biserial": float((t_plus - t_minus) / (t_plus + t_minus)),
    }


def paired_comparisons(
    data: pd.DataFrame,
    codebook: Codebook,
    zero_method: str = PAIRED_ZERO_METHOD,
    correction: bool = PAIRED_CORRECTION,
) -> pd.DataFrame:
    """Involvement of people in poverty against the guiding role of their input, per domain.

    For each pair of :func:`paired_items`, the respondents who answered both items
    (codes, not collapsed): n pairs, how many rate involvement higher / equal / lower
    than the guiding role (``pct_*`` of the pairs), the median of the differences
    (involvement - guiding) and :func:`wilcoxon_signed_rank`.

    Returns
    -------
    DataFrame with ``comparison, domain, involvement_item, guiding_item, n_pairs,
    n_higher, n_equal, n_lower, pct_higher, pct_equal, pct_lower, median_involvement,
    median_guiding, median_difference, n_nonzero, v_statistic, z, p_value,
    rank_biserial, zero_method, continuity_correction, method``.
    """
    if zero_method not in ("wilcox", "pratt"):
        raise ValueError(f"zero_method must be 'wilcox' or 'pratt', not {zero_method!r}")
    rows = []
    for pair in paired_items(codebook):
        both = data[[pair["involvement_item"], pair["guiding_item"]]].astype("Float64").dropna()
        x = both.iloc[:, 0].to_numpy(dtype=float)
        y = both.iloc[:, 1].to_numpy(dtype=float)
        d, n = x - y, len(both)
        row = pair | {
            "n_pairs": n,
            "n_higher": int((d > 0).sum()),
            "n_equal": int((d == 0).sum()),
            "n_lower": int((d < 0).sum()),
        }
        for key in ("higher", "equal", "lower"):
            row[f"pct_{key}"] = _pct(row[f"n_{key}"], n)
        row |= {
            "median_involvement": float(np.median(x)) if n else np.nan,
            "median_guiding": float(np.median(y)) if n else np.nan,
            "median_difference": float(np.median(d)) if n else np.nan,
        }
        row |= wilcoxon_signed_rank(d, zero_method, correction)
        row |= {
            "zero_method": zero_method,
            "continuity_correction": correction,
            "method": "Wilcoxon signed-rank, normal approximation with tie correction",
        }
        rows.append(row)
    return pd.DataFrame(rows)
