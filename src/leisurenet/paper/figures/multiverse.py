"""Specification curves of the headline findings over the multiverse's choices (``multiverse``).

Reads the multiverse table (``results/multiverse/specifications.csv``) that
:mod:`leisurenet.analysis.multiverse` writes; the odds ratios share the forest plot's log
axis (:mod:`leisurenet.paper.figures.odds_ratios`), and the frame and the saving are in
:mod:`leisurenet.paper.figures.style`.

Drawn in plain matplotlib, in the theme of every figure: each point of a curve has its
colour (the study's specification or another) and its fill (significant or not), on a rank
axis shared with the panel of choices under it; seaborn has no chart of that shape, and
its point plot would need four hue levels and the fills set afterwards to draw the same.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from leisurenet.paper.figures.odds_ratios import TICKS_LOG, _log_limits
from leisurenet.paper.figures.style import (
    SOURCE_HEIGHT,
    _add_header,
    _add_source,
    _header_height,
    _new_figure,
    _styled,
)

# --- the multiverse -----------------------------------------------------------------------

SPEC_COLOURS = {"study": "#D55E00", "other": "#0072B2"}
SPEC_CHOICES = {  # the multiverse's choices, in the indicator panel's order, with their labels
    "size_breaks": "size cut points",
    "role_rule": "role rule",
    "dont_know": "weet niet",
    "neutral": "outcome",
    "weighting": "weights",
}
SPEC_ROW = 0.13  # inches per choice row of the indicator panel


def specification_curve_table(specs: pd.DataFrame, finding: str, term: str) -> pd.DataFrame:
    """The rows of one finding and term of the multiverse table, sorted by estimate (NaN
    last, ties by specification name), with ``rank`` the position on the curve."""
    part = specs[(specs["finding"] == finding) & (specs["term"] == term)]
    if part.empty:
        raise ValueError(f"multiverse: no rows for {finding} {term}")
    part = part.sort_values(["estimate", "spec"], na_position="last", kind="stable").reset_index(drop=True)
    part["rank"] = np.arange(len(part))
    return part


def _choice_rows(specs: pd.DataFrame) -> list[tuple[str, str]]:
    """(choice, alternative) pairs of the indicator panel, in the table's order."""
    return [(choice, alt) for choice in SPEC_CHOICES for alt in dict.fromkeys(specs[choice].astype(str))]


def _draw_indicators(ax, part: pd.DataFrame, rows: list[tuple[str, str]], labels: bool) -> None:
    for y, (choice, alt) in enumerate(rows):
        chosen = part[choice].astype(str) == alt
        colours = np.where(part["study"], SPEC_COLOURS["study"], SPEC_COLOURS["other"])
        ax.scatter(part["rank"][chosen], np.full(chosen.sum(), y), s=7, c=colours[chosen], marker="s", lw=0)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([f"{SPEC_CHOICES[c]}: {a.replace('_', ' ')}" for c, a in rows] if labels else [])
    ax.tick_params(axis="y", labelsize=6.5)
    ax.set_xlim(-0.8, len(part) - 0.2)
    ax.set_xticks([])
    ax.set_xlabel("specifications, sorted by the values above")
    for y in np.cumsum([sum(1 for c, _ in rows if c == choice) for choice in SPEC_CHOICES])[:-1]:
        ax.axhline(y - 0.5, color="#cccccc", linewidth=0.5)


@_styled
def plot_specification_curve(
    specs: pd.DataFrame,
    source: str,
    *,
    alpha: float = 0.05,
    confidence: float = 0.95,
    effect_term: str = "size_class[large]",
    effect_label: str = "large against small",
    test_finding: str = "role_act_by_size",
    title: str | None = "Sensitivity of the headline findings to the analytic choices",
) -> tuple[Figure, pd.DataFrame]:
    """Specification curves of the multiverse table (``results/multiverse/specifications.csv``).

    Left: the primary model's odds ratio of ``effect_term`` with its confidence interval
    (log scale, a line at 1); right: the exact p-value of the headline cross-tab
    ``test_finding`` (log scale, a line at ``alpha``). Each curve is sorted by its own
    estimate; the panel under it marks each specification's choices. The study's own
    specification is drawn in its own colour; a filled marker is significant at ``alpha``.
    Returns the figure and the plotted rows of both curves (``curve`` says which).
    """
    effect = specification_curve_table(specs, "size_effect", effect_term)
    test = specification_curve_table(specs, test_finding, "cramers_v")
    test = test.sort_values(["p_value", "spec"], kind="stable").reset_index(drop=True)
    test["rank"] = np.arange(len(test))
    rows = _choice_rows(specs)
    top = _header_height(title, legend_rows=1)
    curve_height, panel_height = 2.2, SPEC_ROW * len(rows) + 0.35
    height = top + curve_height + panel_height + 0.3 + SOURCE_HEIGHT
    fig = _new_figure(height, top=top)
    axes = fig.subplots(2, 2, height_ratios=[curve_height, panel_height], sharex="col")
    level = f"{100 * confidence:g}%"

    ax = axes[0, 0]
    for _, row in effect.iterrows():
        colour = SPEC_COLOURS["study" if row["study"] else "other"]
        ax.plot([row["rank"]] * 2, [row["ci_low"], row["ci_high"]], color=colour, linewidth=0.8, alpha=0.6)
        significant = row["p_value"] < alpha
        face = colour if significant else "white"
        ax.plot(
            row["rank"],
            row["estimate"],
            "o",
            color=colour,
            markersize=3.5,
            markerfacecolor=face,
            gid="spec_estimate",
        )
    ax.axhline(1.0, color="#555555", linewidth=0.6, linestyle="--")
    ax.set_yscale("log")
    lo, hi = _log_limits(effect["ci_low"], effect["ci_high"])
    ax.set_ylim(lo, hi)
    ax.yaxis.set_major_locator(FixedLocator([t for t in TICKS_LOG if lo <= t <= hi]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_ylabel(f"odds ratio, {level} CI (log scale)")
    ax.set_title(f"Primary model: size, {effect_label}")

    ax = axes[0, 1]
    for _, row in test.iterrows():
        colour = SPEC_COLOURS["study" if row["study"] else "other"]
        significant = row["p_value"] < alpha
        face = colour if significant else "white"
        ax.plot(
            row["rank"], row["p_value"], "o", color=colour, markersize=3.5, markerfacecolor=face, gid="spec_p"
        )
    ax.axhline(alpha, color="#555555", linewidth=0.6, linestyle="--")
    ax.set_yscale("log")
    p_low = min(alpha / 10, float(np.nanmin(test["p_value"])) / 2)
    ax.set_ylim(p_low, 1.05)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_ylabel(f"exact p-value (log scale; line: {alpha:g})")
    ax.set_title(f"Cross-tab {test_finding.replace('_', ' ')}")

    _draw_indicators(axes[1, 0], effect, rows, labels=True)
    _draw_indicators(axes[1, 1], test, rows, labels=False)
    handles = [
        Line2D([], [], marker="o", linestyle="", color=SPEC_COLOURS["study"], markersize=4),
        Line2D([], [], marker="o", linestyle="", color=SPEC_COLOURS["other"], markersize=4),
        Line2D([], [], marker="o", linestyle="", color="#333333", markerfacecolor="white", markersize=4),
    ]
    labels = ["the study's specification", "other specifications", f"not significant at {alpha:g}"]
    _add_header(fig, title, [(handles, labels)])
    _add_source(fig, source)
    plotted = pd.concat(
        [effect.assign(curve="size_effect"), test.assign(curve=test_finding)], ignore_index=True
    )
    return fig, plotted
