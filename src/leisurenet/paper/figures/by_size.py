"""Figures by municipality size class: the governance roles (``role_by_size``) and who
answered against the population frame (``response_by_size``).

Both put the size classes on the vertical axis, labelled by :func:`size_class_labels`, and
both are bars by group, which seaborn draws (imported by the functions, as
:func:`leisurenet.paper.figures.style._seaborn`): the roles with ``histplot`` (the shares
stacked within each class), the response with ``barplot``. Each bar is one row of the
figure's table, so the bars equal its data. The frame and the saving are in
:mod:`leisurenet.paper.figures.style`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator
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
    _text_colour,
)

# Okabe-Ito colours for the governance roles; "mixed" (a tie) in light grey and "none" (no
# role statement agreed with, governance_role.rule highest_agreed) in dark grey.
ROLE_COLOURS = {
    "facilitator": "#0072B2",
    "coproducer": "#009E73",
    "commissioner": "#E69F00",
    "mixed": "#BBBBBB",
    "none": "#666666",
}
ROLE_LABEL_MIN_PCT = 5  # the same for the (wider) bars of the roles by size


# --- governance role by municipality size -------------------------------------------------

ALL_LABEL = "all sizes"


def size_class_labels(breaks: Sequence[float], labels: Sequence[str]) -> dict[str, str]:
    """Axis labels of the size classes with their bounds, from the config's ``size_class``:
    ``{"small": "small\\n< 15,000", "medium": "medium\\n15,000-39,999", ...}``."""
    if len(labels) != len(breaks) + 1:
        raise ValueError("size_class: there must be one label more than breaks")
    bounds = [f"< {breaks[0]:,.0f}"]
    bounds += [f"{lo:,.0f}\u2013{hi - 1:,.0f}" for lo, hi in zip(breaks[:-1], breaks[1:], strict=True)]
    bounds.append(f"\u2265 {breaks[-1]:,.0f}")
    return {label: f"{label}\n{bound}" for label, bound in zip(labels, bounds, strict=True)}


def _levels(series: pd.Series) -> list:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return list(series.cat.categories)
    return sorted(series.dropna().unique())


def role_by_size_table(
    data: pd.DataFrame, columns: Sequence[str] = ("role_act", "role_overall"), by: str = "size_class"
) -> pd.DataFrame:
    """Shares of each role within each size class (and over all sizes), per role column.

    Base: the respondents of the class with a role (``n``); respondents without a role or
    size class are left out. Returns ``column, group, role, count, n, pct, left`` with
    ``pct`` = 100 * count / n (0 when n is 0) and ``left`` the start of the segment.
    """
    rows = []
    groups = [*_levels(data[by]), ALL_LABEL]
    for column in columns:
        roles = _levels(data[column])
        known = data[data[column].notna() & data[by].notna()]
        for group in groups:
            members = known if group == ALL_LABEL else known[known[by] == group]
            counts = members[column].value_counts()
            n = len(members)
            left = 0.0
            for role in roles:
                count = int(counts.get(role, 0))
                pct = 100 * count / n if n else 0.0
                rows.append((column, str(group), str(role), count, n, pct, left))
                left += pct
    return pd.DataFrame(rows, columns=["column", "group", "role", "count", "n", "pct", "left"])


def role_column_title(codebook: Codebook | None, column: str) -> str:
    """``role_act`` -> "Role in drawing up the actions"; ``role_overall`` -> "Overall role"."""
    domains = codebook.spec.get("domains", {}) if codebook is not None else {}
    domain = column.removeprefix("role_")
    if domain in domains:
        return f"Role in drawing up the {domains[domain]['en']}"
    if domain == "overall":
        return "Overall role (vision, objectives and actions together)"
    return column


def _role_label(codebook: Codebook | None, role: str) -> str:
    roles = codebook.spec.get("roles", {}) if codebook is not None else {}
    if role in roles:
        return roles[role]["en"]
    return {"mixed": "mixed (a tie)", "none": "none (no role agreed with)"}.get(role, role)


@_styled
def plot_role_by_size(
    data: pd.DataFrame,
    source: str,
    *,
    codebook: Codebook | None = None,
    columns: Sequence[str] = ("role_act", "role_overall"),
    by: str = "size_class",
    size_labels: dict[str, str] | None = None,
    title: str | None = "Governance role of the coordinator by municipality size",
) -> tuple[Figure, pd.DataFrame]:
    """100% stacked bars of the governance roles within each municipality size class.

    One panel per role column (by default the role in drawing up the actions, and the
    overall role), one bar per size class and one over all sizes, each labelled with its
    n (respondents with a role). Returns the figure and :func:`role_by_size_table`.
    """
    table = role_by_size_table(data, columns, by)
    groups = list(dict.fromkeys(table["group"]))
    size_labels = {**(size_labels or {}), ALL_LABEL: ALL_LABEL}
    roles = list(dict.fromkeys(table["role"]))
    colours = {r: ROLE_COLOURS.get(r, MODEL_COLOURS[i % len(MODEL_COLOURS)]) for i, r in enumerate(roles)}
    top = _header_height(title, legend_rows=1)
    height = top + len(columns) * (0.42 * len(groups) + 0.35) + 0.45 + SOURCE_HEIGHT
    fig = _new_figure(height, top=top)
    axes = fig.subplots(len(columns), 1, sharex=True, squeeze=False)[:, 0]
    sns = _seaborn()
    for ax, column in zip(axes, columns, strict=True):
        part = table[table["column"] == column].assign(group=lambda d: pd.Categorical(d["group"], groups))
        # One segment per row of the table: histplot stacks each group's shares (the weights)
        # in the order of the hue levels from the last, so the first role is given last to
        # come first, at the left.
        sns.histplot(
            part,
            y="group",
            weights="pct",
            hue="role",
            hue_order=roles[::-1],
            palette=colours,
            multiple="stack",
            discrete=True,
            shrink=0.7,
            alpha=1,
            edgecolor="white",
            linewidth=0.6,
            legend=False,
            ax=ax,
        )
        for container in ax.containers:
            for bar in container:
                bar.set_gid(f"roles_{column}")
        rows = part["group"].cat.codes
        for (_, seg), y in zip(part.iterrows(), rows, strict=True):
            if seg["pct"] >= ROLE_LABEL_MIN_PCT:
                ax.text(
                    seg["left"] + seg["pct"] / 2,
                    y,
                    f"{seg['pct']:.0f}%",
                    ha="center",
                    va="center",
                    fontsize=6.5,
                    color=_text_colour(colours[seg["role"]]),
                )
        at_right = blended_transform_factory(ax.transAxes, ax.transData)
        n = part.drop_duplicates("group").set_index("group")["n"]
        positions = list(range(len(groups)))
        for group, y in zip(groups, positions, strict=True):
            ax.text(
                1.015, y, f"n = {n[group]}", transform=at_right, ha="left", va="center", fontsize=7, gid="n"
            )
        # "all sizes" is no size class: a rule sets it apart from the classes above it
        ax.axhline(positions[-1] - 0.5, color="#8c8c8c", linewidth=0.6, linestyle=(0, (3, 2)))
        ax.set_yticks(positions)
        ax.set_yticklabels([size_labels.get(g, g) for g in groups])
        ax.set_ylim(positions[-1] + 0.5, -0.5)
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_locator(FixedLocator([0, 25, 50, 75, 100]))
        ax.spines["left"].set_visible(False)
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.set_title(role_column_title(codebook, column))
    axes[-1].set_xlabel("% of the respondents in the size class (n: respondents with a role)")
    handles = [Patch(facecolor=colours[r], edgecolor="none") for r in roles]
    _add_header(fig, title, [(handles, [_role_label(codebook, r) for r in roles])])
    _add_source(fig, source)
    return fig, table


# --- response by size class ---------------------------------------------------------------

# The columns of results/descriptives/nonresponse.csv (leisurenet.analysis.nonresponse.NONRESPONSE_COLUMNS,
# not imported: that module pulls in SciPy, which the figures job does not use;
# tests/paper/test_figures.py checks that the two lists agree).
RESPONSE_COLUMNS = ["size_class", "n_frame", "n_respondents", "response_rate", "pct_frame", "pct_respondents"]
FRAME_COLOUR = "#BBBBBB"
RESPONDENT_COLOUR = "#0072B2"


def response_table(nonresponse: pd.DataFrame) -> pd.DataFrame:
    """The columns of ``nonresponse.csv`` the figure plots, as
    :func:`leisurenet.analysis.nonresponse.nonresponse_table` stored them (``RESPONSE_COLUMNS``):
    ``response_rate`` a proportion, ``pct_frame`` and ``pct_respondents`` percentages."""
    missing = [c for c in RESPONSE_COLUMNS if c not in nonresponse.columns]
    if missing:
        raise ValueError(f"nonresponse: columns {missing} are missing")
    out = nonresponse[RESPONSE_COLUMNS].copy()
    out["size_class"] = out["size_class"].astype(str)
    return out.reset_index(drop=True)


@_styled
def plot_response_by_size(
    nonresponse: pd.DataFrame,
    source: str,
    *,
    size_labels: dict[str, str] | None = None,
    title: str | None = "Respondents against the population frame by municipality size",
) -> tuple[Figure, pd.DataFrame]:
    """Who answered, by municipality size class: each class's share of the frame and of
    the respondents (left), and the response rate per class with the overall rate
    (right), with the counts printed. Without a frame (an empty table) the figure says
    so. Returns the figure and :func:`response_table`."""
    table = response_table(nonresponse)
    size_labels = size_labels or {}
    bar_labels = ["population frame", "respondents"]
    handles = [Patch(facecolor=FRAME_COLOUR), Patch(facecolor=RESPONDENT_COLOUR)]
    top = _header_height(title, legend_rows=1)
    if table.empty:
        fig = _new_figure(top + 1.2 + SOURCE_HEIGHT, top=top)
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, "No population frame: non-response by size was not assessed.", ha="center")
        _add_header(fig, title, [])
        _add_source(fig, source)
        return fig, table
    k = len(table)
    height = top + 0.62 * k + 0.75 + SOURCE_HEIGHT
    fig = _new_figure(height, top=top)
    ax, ax_rate = fig.subplots(1, 2, sharey=True, width_ratios=[1.15, 1])
    y = np.arange(k)
    bar = 0.36
    classes = table["size_class"].tolist()
    sns = _seaborn()
    # Bars by group, one per size class and series: the frame's share and the respondents'.
    shares = table.melt("size_class", ["pct_frame", "pct_respondents"], var_name="series", value_name="pct")
    sns.barplot(
        shares,
        x="pct",
        y="size_class",
        hue="series",
        order=classes,
        hue_order=["pct_frame", "pct_respondents"],
        palette={"pct_frame": FRAME_COLOUR, "pct_respondents": RESPONDENT_COLOUR},
        saturation=1,
        width=2 * bar,
        errorbar=None,
        legend=False,
        ax=ax,
    )
    for container, column in zip(ax.containers, ["pct_frame", "pct_respondents"], strict=True):
        for patch in container:
            patch.set_gid(column)
    for offset, column, count in (
        (-bar / 2, "pct_frame", "n_frame"),
        (bar / 2, "pct_respondents", "n_respondents"),
    ):
        for yi, pct, n in zip(y, table[column], table[count], strict=True):
            ax.text(pct + 1, yi + offset, f"{pct:.0f}% ({n})", va="center", fontsize=6.5, gid="n")
    ax.set_xlim(0, max(50, 10 * math.ceil(table[["pct_frame", "pct_respondents"]].max().max() / 10 + 1.5)))
    ax.set_xlabel("% of the networks (count)")
    ax.set_ylabel("")
    ax.set_title("Share of each size class", pad=14)
    ax.set_yticks(y)
    ax.set_yticklabels([size_labels.get(c, c) for c in classes])
    ax.set_ylim(k - 0.5, -0.5)
    ax.grid(axis="x")
    ax.spines["left"].set_visible(False)

    rate = 100 * table["response_rate"]
    sns.barplot(
        x=rate.fillna(0).to_numpy(),
        y=classes,
        order=classes,
        color=RESPONDENT_COLOUR,
        saturation=1,
        width=0.55,
        errorbar=None,
        ax=ax_rate,
    )
    for patch in ax_rate.containers[0]:
        patch.set_gid("response_rate")
    for yi, r, n, nf in zip(y, rate, table["n_respondents"], table["n_frame"], strict=True):
        text = f"{r:.0f}% ({n} of {nf})" if np.isfinite(r) else f"no networks ({n} of {nf})"
        ax_rate.text(
            (r if np.isfinite(r) else 0) + 1.5,
            yi,
            text,
            va="center",
            fontsize=6.5,
            gid="n",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8},
        )
    overall = 100 * table["n_respondents"].sum() / table["n_frame"].sum()
    ax_rate.axvline(overall, color="#333333", linewidth=0.8, linestyle=(0, (4, 2)), zorder=0.9)
    ax_rate.text(
        overall,
        -0.62,
        f"all: {overall:.0f}% ({table['n_respondents'].sum()} of {table['n_frame'].sum()})",
        ha="center",
        va="bottom",
        fontsize=6.5,
    )
    ax_rate.set_xlim(0, 130)
    ax_rate.xaxis.set_major_locator(FixedLocator([0, 25, 50, 75, 100]))
    ax_rate.set_xlabel("response rate, % of the networks in the frame")
    ax_rate.set_ylabel("")
    ax_rate.set_title("Response rate", pad=14)
    ax_rate.grid(axis="x")
    ax_rate.tick_params(axis="y", left=False)
    ax_rate.spines["left"].set_visible(False)
    _add_header(fig, title, [(handles, bar_labels)])
    _add_source(fig, source)
    return fig, table
