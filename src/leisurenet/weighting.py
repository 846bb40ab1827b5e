"""The survey design: a simple random sample without replacement from the frame, weighted
for non-response, and design-based (linearisation) variances, as R's ``survey`` computes them.

The design is that of ``svydesign(ids = ~1, fpc = ~N)`` on the respondents, N the frame
size, post-stratified on the frame's classes (``postStratify``): each respondent of class
h weighs ``N_h / n_h``. Variances follow ``survey:::svyrecvar``: an estimator's weighted
influence values are centred within each post-stratum (the post-stratification step), and
their variance is that of a simple random sample without replacement, with the finite
population correction ``1 - n / N``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


class WeightingError(ValueError):
    """The frame or the respondents do not allow the weighting asked for; the message says why
    and what to change."""


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
        ``"poststratify"`` or ``"none"`` (equal weights ``N / n``).
    notes : list of str
        What was done to make the weighting possible (strata collapsed, say), for the log.
    """

    weights: np.ndarray
    population: int
    cells: np.ndarray | None = None
    method: str = "poststratify"
    notes: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.weights)


def simple_design(n: int, population: int) -> Design:
    """A simple random sample of ``n`` from ``population``, without weighting for non-response."""
    _check_sizes(n, population)
    return Design(np.full(n, population / n), population, None, "none")


def poststratified(classes: pd.Series, population_counts: pd.Series) -> Design:
    """Post-stratify respondents on their class: weight ``N_h / n_h``.

    Parameters
    ----------
    classes : Series
        Each respondent's class (no missing values).
    population_counts : Series
        The number of networks of the frame in each class, indexed by class.

    Raises
    ------
    WeightingError
        When a respondent has no class, a respondent's class is not in the frame, or a
        class of the frame has no respondent.
    """
    if classes.isna().any():
        raise WeightingError(f"{int(classes.isna().sum())} respondent(s) have no post-stratification class")
    counts = population_counts[population_counts > 0]
    sample = classes.value_counts()
    absent = sorted(map(str, set(sample.index) - set(counts.index)))
    if absent:
        raise WeightingError(
            f"respondents are in class(es) {', '.join(absent)}, which the frame does not have"
        )
    empty = sorted(map(str, set(counts.index) - set(sample.index)))
    if empty:
        raise WeightingError(
            f"class(es) {', '.join(empty)} of the frame have no respondent, so they cannot be weighted up"
        )
    _check_sizes(len(classes), int(counts.sum()))
    order = list(counts.index)
    cells = classes.map({c: i for i, c in enumerate(order)}).to_numpy(dtype=int)
    weights = (counts / sample.reindex(order)).to_numpy(dtype=float)[cells]
    return Design(weights, int(counts.sum()), cells, "poststratify")


def _check_sizes(n: int, population: int) -> None:
    if n < 2:
        raise WeightingError(f"{n} respondent(s): a design-based variance needs at least 2")
    if population < n:
        raise WeightingError(f"the frame has {population} networks but there are {n} respondents")


def residuals(design: Design, x: np.ndarray) -> np.ndarray:
    """Weighted influence values after the post-stratification step of ``svyrecvar``: each
    centred within its post-stratum (the weights are constant there)."""
    x = np.asarray(x, dtype=float).reshape(design.n, -1)
    if design.cells is None:
        return x
    sums = np.zeros((design.cells.max() + 1, x.shape[1]))
    np.add.at(sums, design.cells, x)
    sizes = np.bincount(design.cells)
    return x - (sums / sizes[:, None])[design.cells]


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
    y = np.asarray(y, dtype=float)
    valid = ~np.isnan(y)
    if not valid.any():
        return float("nan"), float("nan")
    w = np.where(valid, design.weights, 0.0)
    total = w.sum()
    estimate = float((w * np.where(valid, y, 0.0)).sum() / total)
    influence = w * np.where(valid, y - estimate, 0.0) / total
    return estimate, float(np.sqrt(covariance(design, influence)[0, 0]))
