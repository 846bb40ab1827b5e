"""Forest plot of the models' odds ratios (``model_odds_ratios``), one panel per model.

The terms it plots (:func:`odds_ratio_table`, labelled by :mod:`leisurenet.paper.labels`)
and the chart (:func:`plot_odds_ratios`); its log axis (:data:`TICKS_LOG`,
:func:`_log_limits`) is also the multiverse chart's. seaborn draws the estimates with
their intervals (``pointplot``, see :func:`_draw_forest`). The frame and the saving are in
:mod:`leisurenet.paper.figures.style`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator
from matplotlib.transforms import blended_transform_factory

from leisurenet.codebook import Codebook
from leisurenet.paper.figures.style import (
    MODEL_COLOURS,
    SOURCE_HEIGHT,
    _add_header,
    _add_source,
    _header_height,
    _new_figure,
    _seaborn,
    _styled,
)
from leisurenet.paper.labels import coefficient_label, equation_label, is_structural_term

# --- odds ratios --------------------------------------------------------------------------

OR_CLIP = 100.0  # the forest plot shows odds ratios between 1/100 and 100; beyond: an arrow
OR_TITLE = "Odds ratios of the models"
OR_RRR_TITLE = "Odds ratios and relative risk ratios of the models"  # with a multinomial model
TICKS_LOG = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]


def odds_ratio_table(coefficients: pd.DataFrame, codebook: Codebook | None = None) -> pd.DataFrame:
    """The terms of the forest plot: logit-family models (non-missing ``odds_ratio``),
    without thresholds and intercepts, in file order; adds ``label``
    (:func:`leisurenet.paper.labels.coefficient_label`: a multinomial model's terms carry their
    equation, "facilitator vs coproducer: size class: medium"), ``multinomial`` (the row
    belongs to an equation of a multinomial model, so its ratio is a relative risk ratio),
    ``flagged`` and ``row`` (position within the model's panel)."""
    required = {"model", "term", "odds_ratio", "or_ci_low", "or_ci_high"}
    if not required <= set(coefficients.columns):
        raise ValueError(f"coefficients: columns {sorted(required - set(coefficients.columns))} are missing")
    keep = coefficients["odds_ratio"].notna() & ~coefficients["term"].map(is_structural_term)
    out = coefficients.loc[keep].copy()
    out["label"] = [coefficient_label(row, codebook) for _, row in out.iterrows()]
    out["multinomial"] = [equation_label(row) != "" for _, row in out.iterrows()]
    if "flag" in out:
        flag = out["flag"].astype("string").fillna("").str.strip()
        out["flagged"] = flag.ne("") & flag.str.lower().ne("ok")
    else:
        out["flagged"] = False
    out["row"] = out.groupby("model", sort=False).cumcount()
    return out.reset_index(drop=True)


def _log_limits(low: pd.Series, high: pd.Series) -> tuple[float, float]:
    values = pd.concat([low, high, pd.Series([1.0])]).astype(float)
    values = values[np.isfinite(values) & (values > 0)].clip(1 / OR_CLIP, OR_CLIP)
    lo = max([t for t in TICKS_LOG if t <= values.min()], default=TICKS_LOG[0])
    hi = min([t for t in TICKS_LOG if t >= values.max()], default=TICKS_LOG[-1])
    return lo, hi


@_styled
def plot_odds_ratios(
    coefficients: pd.DataFrame,
    source: str,
    *,
    codebook: Codebook | None = None,
    confidence: float = 0.95,
    model_labels: dict[str, str] | None = None,
    title: str | None = OR_TITLE,
) -> tuple[Figure, pd.DataFrame]:
    """Forest plot of the odds ratios with their confidence intervals, one panel per model.

    Takes the models' coefficient table (``model, term, odds_ratio, or_ci_low,
    or_ci_high``, optionally ``flag``, ``equation`` and ``equation_reference``); plots the
    logit-family models (those with an odds ratio) without thresholds and intercepts, on a
    log scale shared by all panels, with a reference line at 1. A multinomial model's
    panel shows relative risk ratios (exp(coef): the odds of the equation's outcome level
    against the reference outcome level), each labelled with its equation, and says so in
    its title and column header; the axis and the default title then name both kinds.
    Flagged coefficients get an open marker. Intervals beyond 1/100 or 100 (separation) end
    in an arrow at the edge. Each estimate is printed at the right. Returns the figure and
    :func:`odds_ratio_table`.
    """
    table = odds_ratio_table(coefficients, codebook)
    models = list(dict.fromkeys(table["model"]))
    model_labels = model_labels or {}
    level = f"{100 * confidence:g}%"
    top = _header_height(title, legend_rows=1)
    if not models:
        fig = _new_figure(top + 1.2 + SOURCE_HEIGHT, top=top)
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, "No logit-family model in the coefficients.", ha="center", va="center")
        _add_header(fig, title, [])
        _add_source(fig, source)
        return fig, table
    any_rrr = bool(table["multinomial"].any())
    if any_rrr and title == OR_TITLE:
        title = OR_RRR_TITLE
    sizes = [int((table["model"] == m).sum()) for m in models]
    height = top + sum(0.27 * s + 0.42 for s in sizes) + 0.45 + SOURCE_HEIGHT
    fig = _new_figure(height, top=top)
    axes = fig.subplots(len(models), 1, sharex=True, squeeze=False, height_ratios=sizes)[:, 0]
    lo, hi = _log_limits(table["or_ci_low"], table["or_ci_high"])
    sns = _seaborn()
    for i, (ax, model) in enumerate(zip(axes, models, strict=True)):
        part = table[table["model"] == model]
        colour = MODEL_COLOURS[i % len(MODEL_COLOURS)]
        _draw_forest(sns, ax, part, colour, lo, hi)
        rrr = bool(part["multinomial"].any())
        ax.set_title(_panel_title(model_labels.get(model, model.replace("_", " ")), part), color=colour)
        at_right = blended_transform_factory(ax.transAxes, ax.transData)
        ax.text(
            1.04,
            -0.6,
            f"{'RRR' if rrr else 'OR'} ({level} CI)",
            transform=at_right,
            ha="left",
            va="bottom",
            fontsize=7,
            fontstyle="italic",
        )
        for _, row in part.iterrows():
            ax.text(
                1.04,
                row["row"],
                _or_text(row),
                transform=at_right,
                ha="left",
                va="center",
                fontsize=7,
                gid="estimate",
            )
    axes[-1].set_xscale("log")
    axes[-1].set_xlim(lo, hi)
    axes[-1].xaxis.set_major_locator(FixedLocator([t for t in TICKS_LOG if lo <= t <= hi]))
    axes[-1].xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axes[-1].xaxis.set_minor_locator(NullLocator())
    if any_rrr:
        axes[-1].set_xlabel(
            f"exp(coefficient) against the reference level (log scale), with its {level} confidence "
            "interval:\nan odds ratio, or in a multinomial model a relative risk ratio (RRR)"
        )
    else:
        axes[-1].set_xlabel(
            f"odds ratio against the reference level (log scale), with its {level} confidence interval"
        )
    handles = [
        Line2D([], [], marker="o", color="#333333", markerfacecolor="#333333", linewidth=1, markersize=4.5),
        Line2D([], [], marker="o", color="#333333", markerfacecolor="white", linewidth=1, markersize=4.5),
    ]
    estimate = "odds ratio or relative risk ratio" if any_rrr else "odds ratio"
    labels = [f"{estimate} and confidence interval", "flagged coefficient (see the flag in coefficients.csv)"]
    _add_header(fig, title, [(handles, labels)])
    _add_source(fig, source)
    return fig, table


def _panel_title(name: str, part: pd.DataFrame) -> str:
    """The model's name; for a multinomial model, that it shows relative risk ratios against
    the reference outcome level (RRR, explained on the axis)."""
    if not part["multinomial"].any():
        return name
    references = part.get("equation_reference", pd.Series(dtype=object)).dropna().astype(str)
    references = [r for r in dict.fromkeys(references) if r.strip()]
    against = f" {', '.join(references)}" if references else ""
    return f"{name}: RRR against{against or ' the reference outcome'}"


def _or_text(row: pd.Series) -> str:
    def fmt(v: float) -> str:
        if not np.isfinite(v):
            return "\u221e" if v > 0 else "\u2013\u221e"
        return f"{v:.2f}" if v < 100 else f"{v:.0f}"

    return f"{fmt(row['odds_ratio'])} ({fmt(row['or_ci_low'])}\u2013{fmt(row['or_ci_high'])})"


def _draw_forest(sns, ax, part: pd.DataFrame, colour: str, lo: float, hi: float) -> None:
    """The panel of one model: seaborn's point estimates with their intervals, one row per term.

    The model gives each interval; seaborn aggregates rows, so each term gets three, its
    bounds and its estimate within the axis (``lo`` to ``hi``), of which the estimate is the
    median and the interval the range. Drawn on a linear axis (the log scale is set
    afterwards), so they are the values themselves. An interval beyond the axis ends in an
    arrow at its edge; a flagged coefficient's marker is open.
    """
    ax.axvline(1, color="#333333", linewidth=0.8, zorder=1)
    ax.grid(axis="x")
    low = part["or_ci_low"].where(np.isfinite(part["or_ci_low"]) & (part["or_ci_low"] > 0), 0.0)
    high = part["or_ci_high"].where(np.isfinite(part["or_ci_high"]), np.inf)
    bounds = np.column_stack([low, part["odds_ratio"], high]).clip(lo, hi)
    points = pd.DataFrame(
        {
            "row": np.repeat(part["row"].to_numpy(), 3),
            "value": bounds.ravel(),
            "flagged": np.repeat(part["flagged"].to_numpy(), 3),
        }
    )
    sns.pointplot(
        points,
        x="value",
        y="row",
        orient="y",
        order=part["row"].tolist(),
        hue="flagged",
        hue_order=[False, True],
        palette={False: colour, True: colour},
        estimator="median",
        errorbar=lambda values: (values.min(), values.max()),
        linestyle="none",
        markersize=5,
        markeredgewidth=1.2,
        zorder=4,
        err_kws={"linewidth": 1.3, "solid_capstyle": "butt", "zorder": 2},
        legend=False,
        ax=ax,
    )
    flagged = dict(zip(part["row"], part["flagged"], strict=True))
    for line in ax.lines:
        if line.get_marker() == "o":  # the estimates of one hue level (flagged or not)
            rows = np.asarray(line.get_ydata())[np.isfinite(line.get_xdata())]
            line.set_gid("odds_ratio")
            if len(rows) and flagged[int(rows[0])]:
                line.set_markerfacecolor("white")
    for y, l_, h_ in zip(part["row"], low, high, strict=True):
        if l_ < lo:
            ax.plot([lo], [y], marker="<", color=colour, markersize=4, clip_on=False, zorder=3)
        if h_ > hi:
            ax.plot([hi], [y], marker=">", color=colour, markersize=4, clip_on=False, zorder=3)
    ax.set_yticks(part["row"].tolist())
    ax.set_yticklabels(part["label"].tolist())
    ax.set_ylim(len(part) - 0.5, -0.6)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.spines["left"].set_visible(False)
