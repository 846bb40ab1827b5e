"""Weighted results: item shares and cross-tab tests under the non-response weighting.

The tables follow the conventions of ``results/descriptives/items.csv`` and
``results/crosstabs/tests.csv`` (:mod:`leisurenet.analysis.describe`, :mod:`leisurenet.analysis.crosstab`):
one row per item or cross-tab, snake_case columns, unrounded numbers; ``pct_*`` are
percentages (0-100), ``se_weighted`` is in percentage points, interval limits are
proportions (0-1). Every estimate is design-based, as R's ``survey`` package computes it
(:mod:`leisurenet.analysis.design_based`, on the design of :mod:`leisurenet.analysis.weighting`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from leisurenet.analysis.crosstab import contingency, holm, pearson_chi2
from leisurenet.analysis.design_based import ciprop, design_effect, mean, rao_scott
from leisurenet.analysis.weighting import Design, without_fpc
from leisurenet.codebook import Codebook
from leisurenet.names import crosstab_name

CI_METHOD = "logit"  # the main interval (ci_low, ci_high); beta_low/beta_high beside it
ITEM_COLUMNS = [
    "item",
    "construct",
    "scale",
    "n_valid",
    "pct_positive_valid",
    "pct_positive_valid_weighted",
    "se_weighted",
    "design_effect",
    "ci_method",
    "ci_level",
    "ci_low",
    "ci_high",
    "beta_low",
    "beta_high",
    "weighting",
    "note",
]
WEIGHTS_COLUMNS = [
    "margin",
    "cell",
    "method",
    "n_frame",
    "n_respondents",
    "weighted_total",
    "weight_min",
    "weight_max",
    "weight_mean",
    "cv",
    "deff_kish",
    "n_effective",
]
ALL = "all"  # the margin and the cell of the row of every respondent
TEST_COLUMNS = [
    "crosstab",
    "family",
    "row",
    "col",
    "n",
    "F",
    "ndf",
    "ddf",
    "p_F",
    "chisq",
    "df",
    "p_chisq",
    "deff_mean",
    "F_no_fpc",
    "p_F_no_fpc",
    "p_chisq_no_fpc",
    "p_holm",
    "p_chisq_unweighted",
    "note",
]


def positive(recoded: pd.DataFrame, item: str) -> np.ndarray:
    """1 for a positive answer, 0 for another valid one, NaN for a missing one."""
    cat = recoded[f"{item}_cat"].astype(object)
    return np.where(cat.isna(), np.nan, (cat == "positive").astype(float))


def weighted_items(
    recoded: pd.DataFrame, codebook: Codebook, design: Design, confidence: float
) -> pd.DataFrame:
    """One row per item (codebook order): the weighted share of positive answers among
    the valid ones, its standard error, design effect and intervals.

    Returns
    -------
    DataFrame with the columns of ``ITEM_COLUMNS``:

    - ``n_valid`` and ``pct_positive_valid`` unweighted, as items.csv has them;
    - ``pct_positive_valid_weighted`` and ``se_weighted`` (percentage points): ``svymean``
      of the 0/1 positive indicator with ``na.rm = TRUE`` (missing answers stay in the
      design with weight 0); ``design_effect`` its ``deff``;
    - ``ci_low``/``ci_high`` (``ci_method`` logit, ``ci_level`` ``confidence``) and
      ``beta_low``/``beta_high`` (Korn-Graubard): ``svyciprop`` intervals, proportions;
    - ``weighting`` the design's method; ``note`` why an interval or design effect is
      not the usual one (a share of 0 or 1: no variance) or empty.

    Items without a valid answer have NaN estimates and intervals, as in items.csv.
    """
    rows = []
    for item in codebook.item_ids:
        spec = codebook.items[item]
        y = positive(recoded, item)
        valid = ~np.isnan(y)
        n_valid = int(valid.sum())
        share, se = mean(design, y)
        low, high = ciprop(design, y, CI_METHOD, confidence)
        beta_low, beta_high = ciprop(design, y, "beta", confidence)
        note = ""
        if n_valid and share in (0.0, 1.0):
            note = (
                f"every valid answer is {'positive' if share else 'not positive'}: no variance, "
                "no design effect; logit interval the point, beta interval exact binomial"
            )
        rows.append(
            {
                "item": item,
                "construct": spec["construct"],
                "scale": spec["scale"],
                "n_valid": n_valid,
                "pct_positive_valid": 100 * y[valid].sum() / n_valid if n_valid else math.nan,
                "pct_positive_valid_weighted": 100 * share,
                "se_weighted": 100 * se,
                "design_effect": design_effect(design, y),
                "ci_method": CI_METHOD,
                "ci_level": confidence,
                "ci_low": low,
                "ci_high": high,
                "beta_low": beta_low,
                "beta_high": beta_high,
                "weighting": design.method,
                "note": note if n_valid else "no valid answer",
            }
        )
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def weighted_tests(recoded: pd.DataFrame, crosstabs: dict, design: Design) -> pd.DataFrame:
    """One row per configured cross-tab: the Rao-Scott tests of association under the design.

    Parameters
    ----------
    recoded : DataFrame
    crosstabs : dict
        The config's ``crosstabs`` section: ``{family: {"col": column, "rows": [rows]}}``.
    design : Design

    Returns
    -------
    DataFrame with the columns of ``TEST_COLUMNS``: ``crosstab`` named as tests.csv names
    it, ``n`` the respondents with both variables; ``F``, ``ndf``, ``ddf``, ``p_F``
    (``svychisq(statistic = "F")``), ``chisq`` (Pearson's X^2 of the weighted table,
    scaled to the respondents), ``df``, ``p_chisq`` (``statistic = "Chisq"``) and
    ``deff_mean`` (the mean generalised design effect) from
    :func:`leisurenet.analysis.design_based.rao_scott`; ``F_no_fpc``, ``p_F_no_fpc`` and
    ``p_chisq_no_fpc`` the same tests without the finite-population correction
    (:func:`leisurenet.analysis.weighting.without_fpc`): with three quarters of the frame answering,
    the correction makes the tests about the frame's own networks, and their p-values far
    smaller than those of a test about the association itself; ``p_holm`` ``p_F_no_fpc``
    Holm-adjusted within the family, as tests.csv's ``p_holm`` adjusts the exact p, so that a
    weighted verdict is comparable with the unweighted one; ``p_chisq_unweighted`` Pearson's p on the
    unweighted counts (as tests.csv's ``p_chi2``); ``note`` why a cross-tab was not tested.
    """
    rows = []
    analytic = without_fpc(design)
    for family, spec in crosstabs.items():
        col = spec["col"]
        for row in spec["rows"]:
            result = rao_scott(design, recoded[row], recoded[col])
            free = rao_scott(analytic, recoded[row], recoded[col])
            rows.append(
                result
                | {"F_no_fpc": free["F"], "p_F_no_fpc": free["p_F"], "p_chisq_no_fpc": free["p_chisq"]}
                | {
                    "crosstab": crosstab_name(row, col),
                    "family": family,
                    "row": row,
                    "col": col,
                    "p_chisq_unweighted": _unweighted_p(recoded, row, col),
                }
            )
    tests = pd.DataFrame(rows, columns=TEST_COLUMNS)
    for _, members in tests.groupby("family", sort=False):
        tests.loc[members.index, "p_holm"] = holm(members["p_F_no_fpc"].to_numpy(dtype=float))
    return tests


def _unweighted_p(recoded: pd.DataFrame, row: str, col: str) -> float:
    counts = contingency(recoded, row, col)[0].to_numpy()
    counts = counts[counts.sum(1) > 0][:, counts.sum(0) > 0]
    return pearson_chi2(counts)[2] if min(counts.shape) >= 2 else math.nan


# --- the weights themselves ----------------------------------------------------------------


def kish(weights: np.ndarray) -> tuple[float, float, float]:
    """Kish's (1965) summary of unequal weights: ``(cv, deff, n_effective)``.

    ``cv`` is the weights' coefficient of variation with the population variance (divisor
    n, as Kish defines it), ``deff = 1 + cv^2 = n sum(w^2) / sum(w)^2`` the variance
    inflation that unequal weights alone cause to a mean, and ``n_effective = n / deff =
    sum(w)^2 / sum(w^2)`` the number of equally weighted respondents with the same
    precision. Checked against that closed form and against R's ``PracTools::deffK``.
    """
    w = np.asarray(weights, dtype=float)
    # Equal weights (a post-stratum's) have no spread: 0 exactly, not std()'s rounding noise.
    cv = 0.0 if w.min() == w.max() else float(w.std() / w.mean())
    deff = 1 + cv**2
    return cv, deff, float(len(w) / deff)


def weights_table(design: Design | None) -> pd.DataFrame:
    """The weights of the design: one row per post-stratum (or per class of each margin of a
    raked design), then one row of all respondents (``margin`` and ``cell`` ``all``).

    Returns
    -------
    DataFrame with the columns of ``WEIGHTS_COLUMNS``:

    - ``margin`` the frame variable(s) of the cell (post-strata on several variables: their
      names joined by `` & ``), ``cell`` its label (collapsed classes joined by ``+``),
      ``method`` the design's;
    - ``n_frame`` the frame's networks in the cell (N_h; all: N), ``n_respondents`` the
      respondents in it (n_h), ``weighted_total`` the sum of their weights (N_h once the
      weights are calibrated);
    - ``weight_min``, ``weight_max``, ``weight_mean`` of the cell's respondents (post-strata:
      all three N_h / n_h);
    - ``cv``, ``deff_kish`` and ``n_effective`` of the cell's weights (:func:`kish`): for a
      post-stratum 0, 1 and n_h; for all respondents Kish's design effect of the weighting
      and the effective sample size.

    Empty (the header only) without a design, so that the paper says there are no weights.
    """
    if design is None:
        return pd.DataFrame(columns=WEIGHTS_COLUMNS)
    w = design.weights
    if design.margins:
        groups = [(m.name, m.labels, m.counts, m.cells) for m in design.margins]
    elif design.cells is not None:
        groups = [(design.variable, design.labels, design.counts, design.cells)]
    else:
        groups = []
    rows = [
        _weight_row(margin, label, design.method, count, w[cells == i])
        for margin, labels, counts, cells in groups
        for i, (label, count) in enumerate(zip(labels, counts, strict=True))
    ]
    rows.append(_weight_row(ALL, ALL, design.method, design.population, w))
    return pd.DataFrame(rows, columns=WEIGHTS_COLUMNS)


def _weight_row(margin: str, cell: str, method: str, n_frame: float, w: np.ndarray) -> dict:
    cv, deff, n_effective = kish(w)
    return {
        "margin": margin,
        "cell": cell,
        "method": method,
        "n_frame": int(round(n_frame)),  # a count of networks (merged classes' sums are floats)
        "n_respondents": len(w),
        "weighted_total": float(w.sum()),
        "weight_min": float(w.min()),
        "weight_max": float(w.max()),
        "weight_mean": float(w.mean()),
        "cv": cv,
        "deff_kish": deff,
        "n_effective": n_effective,
    }
