"""The survey design: a simple random sample without replacement from the frame, weighted
for non-response, as R's ``survey`` builds it.

The design is that of ``svydesign(ids = ~1, fpc = ~N)`` on the respondents, N the frame
size, post-stratified on the frame's classes (``postStratify``): each respondent of class
h weighs ``N_h / n_h``. Raked designs (``rake``, :func:`raked`) and post-strata on several
frame variables (their cross-classification) are built as ``survey`` builds them too.
:func:`design_for` builds the design from the pipeline's frame and configuration.

What is estimated on a design (means, variances, intervals for a share and the Rao-Scott
tests) is in :mod:`leisurenet.analysis.design_based`: this module only makes the weights.
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
# Post-strata with fewer respondents are collapsed with another (design_for's default).
MIN_RESPONDENTS = 2
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
    name : str
        The frame variable of the margin (for the table of the weights).
    labels, counts : tuple
        The margin's classes (``cells`` indexes them) and the frame's networks in each.
    """

    cells: np.ndarray
    weights: np.ndarray
    name: str = ""
    labels: tuple[str, ...] = ()
    counts: tuple[float, ...] = ()


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
    counts : tuple of float
        The frame's networks in each post-stratum (N_h, in the order of ``labels``).
    variable : str
        The frame variable(s) of the post-strata, several joined by `` & ``.

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
    counts: tuple[float, ...] = ()
    variable: str = ""

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
        # into the first of the two, in place: unordered classes need not be neighbours
        groups[a], labels[a], sizes[a] = (
            groups[a] + groups[b],
            labels[a] + MERGE_SEPARATOR + labels[b],
            sizes[a] + sizes[b],
        )
        del groups[b], labels[b], sizes[b]
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
    return Design(
        weights,
        int(counts.sum()),
        cells,
        "poststratify",
        notes,
        labels=tuple(map(str, order)),
        counts=tuple(counts.to_numpy(dtype=float)),
    )


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
    design = poststratified(sample_cells, counts, min_respondents, ordered)
    return dataclasses.replace(design, variable=CELL_SEPARATOR.join(variables))


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
        Each respondent's class on each margin (no missing values); a Series' name names
        the margin in the design.
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
    rake_margins = tuple(
        RakingMargin(c, s, str(m.name or f"margin {i + 1}"), tuple(map(str, count.index)), tuple(t))
        for i, (c, s, m, count, t) in enumerate(zip(cells, steps, margins, counts, targets, strict=True))
    )
    return Design(weights, population, None, "rake", list(notes or []), rake_margins)


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
        margins.append(classes.rename(v))
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
