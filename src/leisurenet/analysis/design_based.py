"""Design-based (linearisation) estimates on a survey design, as R's ``survey`` computes them:
variances, weighted means and their design effects, intervals for a share (:func:`ciprop`, as
``svyciprop``) and the Rao-Scott tests of a cross-tab (:func:`rao_scott`, as ``svychisq``).

Variances follow ``survey:::svyrecvar``: an estimator's weighted influence values are centred
within each post-stratum (the post-stratification step; for a raked design, on each margin in
turn), and their variance is that of a simple random sample without replacement, with the
finite population correction ``1 - n / N``. The design itself, and its weights, come from
:mod:`leisurenet.analysis.weighting`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from leisurenet.analysis.weighting import Design, WeightingError

# svyrecvar's "raking" branch centres the influence values on the margins this many times.
RAKE_VARIANCE_SWEEPS = 10
CI_METHODS = ("logit", "beta")


# --- variances ---------------------------------------------------------------------------


def residuals(design: Design, x: np.ndarray) -> np.ndarray:
    """Weighted influence values after the calibration step of ``svyrecvar``.

    Post-stratified: each centred within its post-stratum (the weights are constant
    there). Raked: ten sweeps over the margins, each centring ``x / w`` within the
    margin's classes and multiplying back by ``w``, the weights the margin's step left.
    """
    x = np.asarray(x, dtype=float).reshape(design.n, -1)
    if design.margins:
        for _ in range(RAKE_VARIANCE_SWEEPS):
            for margin in design.margins:
                x = x - margin.weights[:, None] * _group_means(x / margin.weights[:, None], margin.cells)
        return x
    if design.cells is None:
        return x
    return x - _group_means(x, design.cells)


def _group_means(x: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Each row's group mean (R's ``ave``), per column."""
    sums = np.zeros((cells.max() + 1, x.shape[1]))
    np.add.at(sums, cells, x)
    return (sums / np.bincount(cells)[:, None])[cells]


def covariance(design: Design, x: np.ndarray) -> np.ndarray:
    """The design-based covariance of the totals of ``x`` (n rows of weighted influence
    values): ``(1 - n/N) n/(n-1)`` times the cross-product of the centred residuals."""
    r = residuals(design, x)
    r = r - r.mean(axis=0)
    n = design.n
    return (1 - n / design.population) * n / (n - 1) * (r.T @ r)


def mean(design: Design, y: np.ndarray) -> tuple[float, float]:
    """The weighted mean of ``y`` over its non-missing values and its standard error.

    As ``svymean(~y, design, na.rm = TRUE)``: respondents with a missing ``y`` keep their
    place in the design with weight zero (domain estimation), so the post-strata stay whole.
    """
    y = _values(design, y)
    valid = ~np.isnan(y)
    if not valid.any():
        return float("nan"), float("nan")
    w = np.where(valid, design.weights, 0.0)
    total = w.sum()
    estimate = float((w * np.where(valid, y, 0.0)).sum() / total)
    influence = w * np.where(valid, y - estimate, 0.0) / total
    return estimate, float(np.sqrt(covariance(design, influence)[0, 0]))


def _values(design: Design, y) -> np.ndarray:
    y = np.asarray(y, dtype=float)
    if y.shape != (design.n,):
        raise WeightingError(f"{y.shape[0] if y.ndim else 0} values for a design of {design.n} respondents")
    return y


def design_effect(design: Design, y: np.ndarray) -> float:
    """The design effect of the weighted mean, as ``svymean(..., deff = TRUE)`` gives it.

    Its variance over that of a simple random sample without replacement of the same
    number of valid answers: the weighted variance of ``y`` (times ``m/(m-1)``) times
    ``(W - m)/(W m)``, with ``m`` the valid answers and ``W`` their weights' sum (R's
    ``psum``: the estimated number of networks that would answer, not N). NaN when ``y``
    does not vary (both variances are 0).
    """
    y = _values(design, y)
    valid = ~np.isnan(y)
    m = int(valid.sum())
    if m < 2:
        return float("nan")
    estimate, se = mean(design, y)
    w = design.weights[valid]
    total = w.sum()
    variance = (w * (y[valid] - estimate) ** 2).sum() / total * m / (m - 1)
    srs = variance * (total - m) / (total * m)
    return float(se**2 / srs) if srs > 0 else float("nan")


# --- intervals for a share ---------------------------------------------------------------


def ciprop(design: Design, y: np.ndarray, method: str = "logit", level: float = 0.95) -> tuple[float, float]:
    """Confidence interval for the weighted share of ``y`` (0/1, NaN missing), as
    ``svyciprop(~y, design, method = method, level = level, na.rm = TRUE)``.

    ``logit``: the Wald interval of the logit of the share, back-transformed: the share's
    standard error over ``p (1 - p)`` (what ``svyglm(y ~ 1, family = quasibinomial)``
    gives for the intercept), with Student's t on ``degf(design)`` = n - 1 degrees of
    freedom, n all respondents: R takes the degrees of freedom of the whole design, not
    of the item's valid answers (those with a missing ``y`` stay in the design with
    weight 0, as in :func:`mean`).

    ``beta``: Korn and Graubard's (1998) Clopper-Pearson interval on the effective sample
    size ``p (1 - p) / var(p)``, the beta quantiles at ``n_eff p`` and ``n_eff (1 - p) + 1``
    (lower) and ``n_eff p + 1`` and ``n_eff (1 - p)`` (upper). Chosen as the second
    method because it keeps its coverage for shares near 0 or 1 (many of these items
    are 80-95 % positive), where the logit interval is too narrow, and it reduces to the
    exact interval of items.csv when the design effect is 1. R's df correction
    ``(qt(alpha/2, n - 1) / qt(alpha/2, degf))^2`` is 1 for this design.

    Returns
    -------
    (low, high) : proportions. (nan, nan) without a valid answer. When every valid answer
    is 0 (or 1) the share has no variance and neither interval is defined in R (NaN); here
    the logit interval is the point (0, 0) or (1, 1) and the beta interval takes the design
    effect as 1 (n_eff the valid answers), the exact binomial interval.

    Raises
    ------
    WeightingError
        For another method, a level outside (0, 1) or a ``y`` other than 0, 1 or missing.
    """
    from scipy import stats  # here: the design and the weighted model need only NumPy

    if method not in CI_METHODS:
        raise WeightingError(f"ciprop: method '{method}' is not one of {', '.join(CI_METHODS)}")
    if not 0 < level < 1:
        raise WeightingError(f"ciprop: level {level} is not between 0 and 1")
    y = _values(design, y)
    valid = ~np.isnan(y)
    if not np.isin(y[valid], (0.0, 1.0)).all():
        raise WeightingError("ciprop: the values must be 0, 1 or missing")
    p, se = mean(design, y)
    if not valid.any():
        return float("nan"), float("nan")
    alpha = 1 - level
    if method == "logit":
        if p in (0.0, 1.0):
            return p, p
        half = stats.t.isf(alpha / 2, design.n - 1) * se / (p * (1 - p))
        centre = math.log(p / (1 - p))
        return _expit(centre - half), _expit(centre + half)
    n_eff = p * (1 - p) / se**2 if se > 0 else float(valid.sum())
    low = stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1) if p > 0 else 0.0
    high = stats.beta.isf(alpha / 2, n_eff * p + 1, n_eff * (1 - p)) if p < 1 else 1.0
    return float(low), float(high)


def _expit(x: float) -> float:
    return float(1 / (1 + math.exp(-x)))


# --- Rao-Scott tests of a cross-tab ------------------------------------------------------


def rao_scott(design: Design, row, col) -> dict:
    """Pearson's chi-square of a weighted cross-tab with the Rao-Scott second-order
    correction, as ``svychisq(~row + col, design, statistic = "F")`` and ``"Chisq"``.

    As ``survey:::svychisq.survey.design`` does it:

    - the levels of each variable are its distinct non-missing values among all
      respondents (``unique``); unused categories do not count;
    - the cell shares and their covariance are domain means over the respondents with
      both variables (the others stay in the design with weight 0), and N in the
      design-effect matrix is the number of all respondents;
    - Pearson's X^2 is that of the weighted table of those respondents, scaled to total N
      (``svytable(..., Ntotal = N)``), over the levels they have;
    - with ``Delta`` the generalised design-effect matrix, ``F = X^2 / tr(Delta)`` on
      ``d0 = tr(Delta)^2 / tr(Delta^2)`` and ``d0 (n - 1)`` degrees of freedom;
      ``"Chisq"``: ``X^2 / mean(diag(Delta))`` on (r - 1)(c - 1) degrees of freedom.

    Parameters
    ----------
    design : Design
    row, col : array-like
        Each respondent's value of the two variables (None or NaN when missing).

    Returns
    -------
    dict
        ``n`` (respondents with both), ``n_rows``, ``n_cols`` (levels), ``chisq`` (X^2),
        ``df``, ``p_chisq``, ``F``, ``ndf``, ``ddf``, ``p_F``, ``deff_mean``
        (``mean(diag(Delta))``) and ``note``: empty, or why no test was possible (fewer
        than two levels of a variable among the respondents with both); then the
        statistics are NaN.
    """
    from scipy import stats  # here: the design and the weighted model need only NumPy

    r, c = _text(row), _text(col)
    if len(r) != design.n or len(c) != design.n:
        raise WeightingError(
            f"rao_scott: {len(r)} and {len(c)} values for a design of {design.n} respondents"
        )
    row_levels, col_levels = sorted(r.dropna().unique(), key=str), sorted(c.dropna().unique(), key=str)
    nr, nc = len(row_levels), len(col_levels)
    both = (r.notna() & c.notna()).to_numpy()
    out = {"n": int(both.sum()), "n_rows": nr, "n_cols": nc}
    ri = r.map({v: i for i, v in enumerate(row_levels)}).to_numpy()
    ci = c.map({v: i for i, v in enumerate(col_levels)}).to_numpy()
    cell = np.where(both, np.nan_to_num(ri.astype(float)) + nr * np.nan_to_num(ci.astype(float)), -1).astype(
        int
    )
    w = np.where(both, design.weights, 0.0)
    table = np.bincount(cell[both], w[both], nr * nc).reshape(nc, nr).T
    observed = table[table.sum(1) > 0][:, table.sum(0) > 0]
    if min(observed.shape) < 2:
        nan = dict.fromkeys(["chisq", "p_chisq", "F", "ndf", "ddf", "p_F", "deff_mean"], math.nan)
        return (
            out
            | nan
            | {
                "df": 0,
                "note": "not tested: fewer than 2 levels of a variable among the respondents with both",
            }
        )
    n = design.n
    indicators = np.zeros((n, nr * nc))
    indicators[np.flatnonzero(both), cell[both]] = 1.0
    shares = w @ indicators / w.sum()
    influence = w[:, None] * (indicators - shares) / w.sum()
    V = covariance(design, influence)
    contrasts = _interaction_contrasts(nr, nc)
    inverse = np.where(shares > 0, 1 / np.where(shares > 0, shares, 1), 0.0)
    denominator = contrasts.T @ (inverse[:, None] / n * contrasts)
    numerator = contrasts.T @ (inverse[:, None] * V * inverse[None, :]) @ contrasts
    delta = np.linalg.solve(denominator, numerator)
    trace = np.trace(delta)
    d0 = trace**2 / np.trace(delta @ delta)
    chisq = _pearson(observed / observed.sum() * n)
    df = (nr - 1) * (nc - 1)
    F = chisq / trace
    ddf = d0 * (n - 1)
    return out | {
        "chisq": chisq,
        "df": df,
        "p_chisq": float(stats.chi2.sf(chisq / (trace / df), df)),
        "F": F,
        "ndf": d0,
        "ddf": ddf,
        "p_F": float(stats.f.sf(F, d0, ddf)),
        "deff_mean": trace / df,
        "note": "",
    }


def _text(values) -> pd.Series:
    """Values as objects, every kind of missing value (None, NaN, pd.NA) as None."""
    values = pd.Series(np.asarray(values, dtype=object))
    return values.where(values.notna(), None)


def _interaction_contrasts(nr: int, nc: int) -> np.ndarray:
    """The interaction columns of the saturated model of an nr x nc table (cells row-fastest),
    residualised on the main effects: R's ``qr.resid(qr(X1), X12[, -(1:(nr + nc - 1))])``."""
    rows, cols = np.tile(np.arange(nr), nc), np.repeat(np.arange(nc), nr)
    main = np.column_stack(
        [np.ones(nr * nc)] + [rows == i for i in range(1, nr)] + [cols == j for j in range(1, nc)]
    ).astype(float)
    interaction = np.column_stack(
        [(rows == i) & (cols == j) for j in range(1, nc) for i in range(1, nr)]
    ).astype(float)
    coef, *_ = np.linalg.lstsq(main, interaction, rcond=None)
    return interaction - main @ coef


def _pearson(table: np.ndarray) -> float:
    expected = np.outer(table.sum(1), table.sum(0)) / table.sum()
    return float(((table - expected) ** 2 / expected).sum())
