"""The survey design: a simple random sample without replacement from the frame, weighted
for non-response, and design-based (linearisation) variances, as R's ``survey`` computes them.

The design is that of ``svydesign(ids = ~1, fpc = ~N)`` on the respondents, N the frame
size, post-stratified on the frame's classes (``postStratify``): each respondent of class
h weighs ``N_h / n_h``. Variances follow ``survey:::svyrecvar``: an estimator's weighted
influence values are centred within each post-stratum (the post-stratification step), and
their variance is that of a simple random sample without replacement, with the finite
population correction ``1 - n / N``.

Raked designs (``rake``) are built and their variances computed as ``survey`` does them
too (:func:`raked`); so are post-strata on several frame variables (their
cross-classification), intervals for a share (:func:`ciprop`, as ``svyciprop``) and the
Rao-Scott tests of a cross-tab (:func:`rao_scott`, as ``svychisq``). :func:`design_for`
builds the design from the pipeline's frame and configuration.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from leisurenet.data.recode import size_class as cut_size_class

# R's rake(): control = list(maxit = 10, epsilon = 1); an epsilon below 1 is a share of the
# total weight, 1 or more a number of networks (the largest change of a cell's total in a sweep).
RAKE_MAXIT = 10
RAKE_EPSILON = 1.0
# svyrecvar's "raking" branch centres the influence values on the margins this many times.
RAKE_VARIANCE_SWEEPS = 10
# Post-strata with fewer respondents are collapsed with another (design_for's default).
MIN_RESPONDENTS = 2
CI_METHODS = ("logit", "beta")
# Joins the values of several post-stratification variables into a cell's label, and
# collapsed classes into one.
CELL_SEPARATOR = " & "
MERGE_SEPARATOR = "+"


class WeightingError(ValueError):
    """The frame or the respondents do not allow the weighting asked for; the message says why
    and what to change."""


@dataclass(frozen=True)
class RakingMargin:
    """One margin of a raked design, as ``rake`` leaves it in ``design$postStrata``.

    Attributes
    ----------
    cells : ndarray of int
        Each respondent's class on this margin (0, 1, ...).
    weights : ndarray
        The weights right after this margin's post-stratification in the last sweep: the
        variance centres on them (``attr(margin, "weights")`` in ``svyrecvar``).
    """

    cells: np.ndarray
    weights: np.ndarray


@dataclass(frozen=True)
class Design:
    """A weighted design of ``n`` respondents from a frame of ``population`` networks.

    Attributes
    ----------
    weights : ndarray
        Each respondent's final weight (they sum to ``population``).
    population : int
        N, the number of networks in the frame (the finite-population correction).
    cells : ndarray of int, or None
        Each respondent's post-stratum (0, 1, ...) for post-stratification; None when
        the design is not post-stratified.
    method : str
        ``"poststratify"``, ``"rake"`` or ``"none"`` (equal weights ``N / n``).
    notes : list of str
        What was done to make the weighting possible (strata collapsed, say), for the log.
    margins : tuple of RakingMargin
        The margins of a raked design (empty otherwise).
    labels : tuple of str
        The post-strata's labels (``cells`` indexes them), collapsed ones joined by ``+``.

    Raises
    ------
    WeightingError
        When a weight is missing, infinite, zero or negative, or there are fewer than 2
        respondents or more respondents than networks.
    """

    weights: np.ndarray
    population: int
    cells: np.ndarray | None = None
    method: str = "poststratify"
    notes: list[str] = field(default_factory=list)
    margins: tuple[RakingMargin, ...] = ()
    labels: tuple[str, ...] = ()

    def __post_init__(self):
        _check_sizes(len(self.weights), self.population)
        _check_weights(self.weights)

    @property
    def n(self) -> int:
        return len(self.weights)


def _check_weights(weights: np.ndarray) -> None:
    w = np.asarray(weights, dtype=float)
    missing, bad = np.isnan(w), ~np.isnan(w) & ~(np.isfinite(w) & (w > 0))
    if missing.any() or bad.any():
        raise WeightingError(
            f"{int(missing.sum())} respondent(s) have a missing weight and {int(bad.sum())} a zero, "
            "negative or infinite one: every respondent needs a positive weight (drop the "
            "respondents who should not count, or fix the frame's counts)"
        )


def _check_sizes(n: int, population: int) -> None:
    if n < 2:
        raise WeightingError(f"{n} respondent(s): a design-based variance needs at least 2")
    if population < n:
        raise WeightingError(f"the frame has {population} networks but there are {n} respondents")


def simple_design(n: int, population: int) -> Design:
    """A simple random sample of ``n`` from ``population``, without weighting for non-response."""
    _check_sizes(n, population)
    return Design(np.full(n, population / n), population, None, "none")


# --- post-stratification -----------------------------------------------------------------


def _population_counts(population_counts: pd.Series) -> pd.Series:
    """The frame's counts without empty classes; a missing or negative count is an error."""
    counts = pd.Series(population_counts)
    bad = counts.isna() | (counts < 0)
    if bad.any():
        raise WeightingError(
            f"the frame's count of class(es) {', '.join(map(str, counts.index[bad]))} is missing or "
            "negative: give every class its number of networks"
        )
    return counts[counts > 0]


def _check_classes(classes: pd.Series, counts: pd.Series, what: str = "post-stratification class") -> None:
    """Every respondent has a class, the frame has it, and every class has a respondent."""
    if classes.isna().any():
        raise WeightingError(
            f"{int(classes.isna().sum())} respondent(s) have no {what}: give them one in the frame"
        )
    sample = classes.value_counts()
    absent = sorted(map(str, set(sample.index) - set(counts.index)))
    if absent:
        raise WeightingError(
            f"respondents are in class(es) {', '.join(absent)}, which the frame does not have"
        )
    empty = sorted(map(str, set(counts.index) - set(sample.index)))
    if empty:
        raise WeightingError(
            f"class(es) {', '.join(empty)} of the frame have no respondent, so they cannot be "
            "weighted up: merge them with another class (in the frame, or the size class breaks)"
        )


def collapse_classes(
    classes: pd.Series,
    population_counts: pd.Series,
    min_respondents: int = MIN_RESPONDENTS,
    ordered: bool = True,
) -> tuple[pd.Series, pd.Series, list[str]]:
    """Merge every class with fewer than ``min_respondents`` respondents into another.

    Parameters
    ----------
    classes : Series
        Each respondent's class, every one a class of ``population_counts``.
    population_counts : Series
        The frame's networks per class, indexed by class in their order.
    min_respondents : int
        The fewest respondents a post-stratum may have.
    ordered : bool
        True when the classes are ordered (size classes) in ``population_counts``' order:
        a sparse class merges with the neighbour that has fewer respondents (the earlier
        on a tie), so that classes stay contiguous. False: with the class that has the
        fewest respondents (the earliest on a tie), since no class is closer than another.

    Returns
    -------
    classes, population_counts, notes
        The respondents' merged classes (labels joined by ``+``), the frame's counts of
        the merged classes (same order) and one note per merge, for the log. The sparsest
        class is merged first, one merge at a time, until every class has enough.
    """
    labels = [str(c) for c in population_counts.index]
    groups = [[c] for c in population_counts.index]
    sizes = classes.value_counts().reindex(population_counts.index, fill_value=0).to_list()
    notes = []
    while len(groups) > 1 and min(sizes) < min_respondents:
        i = int(np.argmin(sizes))
        if ordered:
            neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(groups)]
        else:
            neighbours = [j for j in range(len(groups)) if j != i]
        j = min(neighbours, key=lambda k: (sizes[k], k))
        a, b = sorted((i, j))
        notes.append(
            f"post-stratum {labels[i]} has {sizes[i]} respondent(s), fewer than {min_respondents}: "
            f"merged with {labels[j]} ({sizes[j]} respondent(s))"
        )
        groups[a : b + 1] = [groups[a] + groups[b]]
        labels[a : b + 1] = [labels[a] + MERGE_SEPARATOR + labels[b]]
        sizes[a : b + 1] = [sizes[a] + sizes[b]]
    if min(sizes) < min_respondents:
        raise WeightingError(
            f"{len(classes)} respondent(s) in all: fewer than min_respondents ({min_respondents}) "
            "even with every class merged"
        )
    label_of = {c: label for group, label in zip(groups, labels, strict=True) for c in group}
    merged = pd.Series(
        [sum(population_counts[c] for c in group) for group in groups], index=labels, dtype=float
    )
    return classes.map(label_of), merged, notes


def poststratified(
    classes: pd.Series,
    population_counts: pd.Series,
    min_respondents: int | None = None,
    ordered: bool = True,
) -> Design:
    """Post-stratify respondents on their class: weight ``N_h / n_h``.

    Parameters
    ----------
    classes : Series
        Each respondent's class (no missing values).
    population_counts : Series
        The number of networks of the frame in each class, indexed by class.
    min_respondents : int, optional
        Collapse classes with fewer respondents than this (but at least one) first, as
        :func:`collapse_classes` does (with ``ordered``); the design's ``notes`` say which.
        None: no collapsing.
    ordered : bool
        Whether the classes' order in ``population_counts`` is meaningful.

    Raises
    ------
    WeightingError
        When a respondent has no class, a respondent's class is not in the frame, a class
        of the frame has no respondent, or a count is missing or negative.
    """
    classes = pd.Series(classes).reset_index(drop=True)
    counts = _population_counts(population_counts)
    _check_classes(classes, counts)
    notes = []
    if min_respondents is not None:
        classes, counts, notes = collapse_classes(classes, counts, min_respondents, ordered)
    _check_sizes(len(classes), int(counts.sum()))
    order = list(counts.index)
    cells = classes.map({c: i for i, c in enumerate(order)}).to_numpy(dtype=int)
    sample = classes.value_counts().reindex(order)
    weights = (counts / sample).to_numpy(dtype=float)[cells]
    return Design(weights, int(counts.sum()), cells, "poststratify", notes, labels=tuple(map(str, order)))


def cross_classes(variables: pd.DataFrame) -> pd.Series:
    """The cells of the cross-classification of ``variables`` (one column each), labelled
    ``a & b``; missing when any variable is."""
    text = variables.astype(object).astype(str).where(variables.notna())
    label = text.iloc[:, 0]
    for column in text.columns[1:]:
        label = label + CELL_SEPARATOR + text[column]
    return label.where(variables.notna().all(axis=1))


def poststratified_frame(
    respondents: pd.DataFrame,
    frame: pd.DataFrame,
    variables: list[str],
    min_respondents: int = MIN_RESPONDENTS,
) -> Design:
    """Post-stratify on the cross-classification of one or more frame variables, as
    ``postStratify(design, ~a + b, pop)`` with ``pop`` the frame's counts of every
    combination.

    Parameters
    ----------
    respondents, frame : DataFrame
        Each with a column per name in ``variables``: one row per respondent, one per
        network of the frame (all of them, respondents included).
    variables : list of str
    min_respondents : int
        Sparse cells are collapsed (:func:`collapse_classes`): along an ordered
        categorical's levels when ``variables`` is one such variable, otherwise with the
        cell that has the fewest respondents.
    """
    for name, table in (("frame", frame), ("respondents", respondents)):
        missing = [v for v in variables if v not in table.columns]
        if missing:
            raise WeightingError(
                f"the {name} has no column {', '.join(missing)} to post-stratify on: add it, or "
                "take it out of weighting.poststrata"
            )
    _check_frame_values(frame, variables)
    frame_cells, sample_cells = cross_classes(frame[variables]), cross_classes(respondents[variables])
    counts = frame_cells.value_counts()
    single = variables[0] if len(variables) == 1 else None
    ordered = (
        single is not None
        and isinstance(frame[single].dtype, pd.CategoricalDtype)
        and frame[single].cat.ordered
    )
    if ordered:
        counts = counts.reindex([str(c) for c in frame[single].cat.categories], fill_value=0)
    else:
        counts = counts.sort_index()
    return poststratified(sample_cells, counts, min_respondents, ordered)


def _check_frame_values(frame: pd.DataFrame, variables: list[str]) -> None:
    for v in variables:
        n_missing = int(frame[v].isna().sum())
        if n_missing:
            raise WeightingError(
                f"{n_missing} network(s) of the frame have no {v}: every network needs one to "
                "count the population of each class"
            )


# --- raking ------------------------------------------------------------------------------


def raked(
    margins: list[pd.Series],
    population_margins: list[pd.Series],
    epsilon: float = RAKE_EPSILON,
    maxit: int = RAKE_MAXIT,
    notes: list[str] | None = None,
) -> Design:
    """Rake the respondents to the frame's margins, as ``rake(svydesign(ids = ~1, fpc = ~N,
    data = d), list(~a, ~b), list(pop_a, pop_b))``.

    Starting from ``N / n`` each, every sweep post-stratifies the weights on each margin in
    turn; raking stops after the first sweep that changes no cell of the margins'
    cross-classification (weighted total) by ``epsilon`` or more (``epsilon`` below 1: that
    share of the total weight, as R reads it).

    Parameters
    ----------
    margins : list of Series
        Each respondent's class on each margin (no missing values).
    population_margins : list of Series
        The frame's networks per class of each margin, indexed by class; each sums to N.
    epsilon, maxit : float, int
        R's ``control``: the convergence tolerance and the most sweeps.
    notes : list of str, optional
        Notes to carry into the design (collapsed classes, say).

    Raises
    ------
    WeightingError
        On a class without respondents or outside the frame, margins of different
        totals, or when the weights have not converged after ``maxit`` sweeps.
    """
    if len(margins) != len(population_margins) or not margins:
        raise WeightingError(
            f"{len(margins)} margin(s) of the respondents but {len(population_margins)} of the frame"
        )
    margins = [pd.Series(m).reset_index(drop=True) for m in margins]
    counts = [_population_counts(p) for p in population_margins]
    totals = {float(c.sum()) for c in counts}
    if len(totals) > 1:
        raise WeightingError(
            f"the frame's margins have different totals ({sorted(totals)}): each must count every network"
        )
    cells, targets = [], []
    for margin, count in zip(margins, counts, strict=True):
        _check_classes(margin, count, "raking class")
        cells.append(margin.map({c: i for i, c in enumerate(count.index)}).to_numpy(dtype=int))
        targets.append(count.to_numpy(dtype=float))
    population = int(round(totals.pop()))
    n = len(margins[0])
    _check_sizes(n, population)
    weights = np.full(n, population / n)
    joint = np.unique(np.column_stack(cells), axis=0, return_inverse=True)[1].ravel()
    tolerance = epsilon * weights.sum() if epsilon < 1 else epsilon
    old = np.bincount(joint, weights)
    for _ in range(maxit):
        steps = []
        for c, target in zip(cells, targets, strict=True):
            weights = weights * (target / np.bincount(c, weights, len(target)))[c]
            steps.append(weights)
        new = np.bincount(joint, weights)
        if np.abs(old - new).max() < tolerance:
            break
        old = new
    else:
        raise WeightingError(
            f"raking did not converge after {maxit} iterations (a cell still changed by "
            f"{np.abs(old - new).max():.3g} networks; epsilon {epsilon}): raise weighting's "
            "maxit or epsilon, or merge sparse classes of the margins"
        )
    rake_margins = tuple(RakingMargin(c, s) for c, s in zip(cells, steps, strict=True))
    return Design(weights, population, None, "rake", list(notes or []), rake_margins)


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


# --- the design of the pipeline ----------------------------------------------------------


def design_for(
    recoded: pd.DataFrame, frame: pd.DataFrame | None, settings: dict | None, size_class: dict
) -> Design | None:
    """The design the configuration asks for, from the clean stage's frame.

    Parameters
    ----------
    recoded : DataFrame
        The respondents (``network_id``).
    frame : DataFrame or None
        The frame table: ``network_id``, ``municipality_pop``, ``responded`` and any
        other frame variables (text). None or empty: no frame, no weighting.
    settings : dict or None
        The config's ``weighting`` section: ``method`` (``poststratify`` or ``rake``),
        ``poststrata`` (``size_class`` or a list of frame variable names, ``size_class``
        among them if wanted), optionally ``min_respondents`` (default 2), and for raking
        ``epsilon`` and ``maxit`` (R's defaults 1 and 10). None: no weighting.
    size_class : dict
        The config's ``size_class`` section (``breaks``, ``labels``): the frame's
        ``size_class`` is cut from ``municipality_pop`` as the respondents' is.

    Returns
    -------
    Design or None
        ``poststratify``: on the cross-classification of the variables; ``rake``: raked
        to each variable's margin. Each respondent takes the variables of its frame row
        (by ``network_id``); sparse classes are collapsed (``notes`` say which).

    Raises
    ------
    WeightingError
        An unknown method, a variable the frame lacks, a respondent not in the frame,
        and everything :func:`poststratified` and :func:`raked` refuse.
    """
    if settings is None or frame is None or frame.empty:
        return None
    method = settings.get("method", "poststratify")
    if method not in ("poststratify", "rake"):
        raise WeightingError(f"weighting.method '{method}' is not poststratify or rake")
    variables = settings.get("poststrata", "size_class")
    variables = [variables] if isinstance(variables, str) else list(variables)
    if not variables:
        raise WeightingError("weighting.poststrata names no variable: name size_class or frame variables")
    frame = _frame_variables(frame, variables, size_class)
    respondents = _respondents_in_frame(recoded, frame, variables)
    min_respondents = int(settings.get("min_respondents", MIN_RESPONDENTS))
    if method == "poststratify":
        return poststratified_frame(respondents, frame, variables, min_respondents)
    margins, population_margins, notes = [], [], []
    for v in variables:
        ordered = isinstance(frame[v].dtype, pd.CategoricalDtype) and frame[v].cat.ordered
        counts = frame[v].astype(str).value_counts()
        counts = (
            counts.reindex([str(c) for c in frame[v].cat.categories], fill_value=0)
            if ordered
            else counts.sort_index()
        )
        classes = respondents[v].astype(str)
        counts = _population_counts(counts)
        _check_classes(classes, counts, "raking class")
        classes, counts, merged = collapse_classes(classes, counts, min_respondents, ordered)
        margins.append(classes)
        population_margins.append(counts)
        notes += [f"{v}: {note}" for note in merged]
    return raked(
        margins,
        population_margins,
        float(settings.get("epsilon", RAKE_EPSILON)),
        int(settings.get("maxit", RAKE_MAXIT)),
        notes,
    )


def _frame_variables(frame: pd.DataFrame, variables: list[str], size_class: dict) -> pd.DataFrame:
    """The frame with ``size_class`` cut from the population when asked for; every
    variable present and known for every network."""
    frame = frame.copy()
    if "size_class" in variables and "size_class" not in frame.columns:
        if frame["municipality_pop"].isna().any():
            raise WeightingError(
                f"{int(frame['municipality_pop'].isna().sum())} network(s) of the frame have no "
                "municipality_pop, so no size class: complete the frame"
            )
        frame["size_class"] = cut_size_class(
            frame["municipality_pop"], size_class["breaks"], size_class["labels"]
        )
    missing = [v for v in variables if v not in frame.columns]
    if missing:
        raise WeightingError(
            f"the frame has no column {', '.join(missing)} (it has {', '.join(frame.columns)}): add it "
            "to the frame, or change weighting.poststrata"
        )
    _check_frame_values(frame, variables)
    return frame


def _respondents_in_frame(recoded: pd.DataFrame, frame: pd.DataFrame, variables: list[str]) -> pd.DataFrame:
    """Each respondent's frame variables, by ``network_id``, in the respondents' order."""
    ids = recoded["network_id"].astype(str).str.strip()
    frame_ids = frame["network_id"].astype(str).str.strip()
    if frame_ids.duplicated().any():
        raise WeightingError(
            f"network(s) {', '.join(sorted(frame_ids[frame_ids.duplicated()]))} appear twice in the frame"
        )
    outside = sorted(set(ids) - set(frame_ids))
    if outside:
        raise WeightingError(
            f"respondent network(s) {', '.join(outside[:5])}{' ...' if len(outside) > 5 else ''} are not "
            "in the frame: add them to the frame so they can be weighted"
        )
    rows = frame.set_index(frame_ids)[variables]
    return rows.loc[ids.to_numpy()].reset_index(drop=True)


def without_fpc(design: Design) -> Design:
    """The same weights without the finite-population correction (``svydesign(ids = ~1,
    weights = ...)`` post-stratified alike): for inference about the process that produced
    the answers rather than about the frame's networks, such as tests of association."""
    return dataclasses.replace(design, population=math.inf)


def logged_design(recoded, frame, settings, size_class: dict, log) -> Design | None:
    """:func:`design_for` for a pipeline stage: what was weighted, and every collapse of
    classes, goes to ``log``; a :class:`WeightingError` is logged and stops the stage."""
    try:
        design = design_for(recoded, frame, settings, size_class)
    except WeightingError as error:
        log.error("weighting: %s", error)
        raise SystemExit(1) from error
    if design is None:
        log.info("no weighting: %s", "weighting is null" if settings is None else "no population frame")
        return None
    log.info(
        "weighting: %s of %d respondents to %d networks; weights %.4g to %.4g",
        design.method,
        design.n,
        design.population,
        design.weights.min(),
        design.weights.max(),
    )
    for note in design.notes:
        log.warning("weighting: %s", note)
    return design
