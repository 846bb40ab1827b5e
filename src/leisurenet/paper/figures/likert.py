"""Diverging stacked bar charts of the answers to a construct's statements (``likert_<construct>``).

The answers' table (:func:`likert_table`), the panels of a construct (:func:`likert_groups`)
and the chart (:func:`plot_likert`), with the missing answers in a panel of their own; the
frame and the saving are in :mod:`leisurenet.paper.figures.style`.

Drawn in plain matplotlib, in the theme of every figure: seaborn has no diverging stacked
bar (its bars and stacks start at zero; here the neutral code is centred on it), and these
charts would use none of it.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter
from matplotlib.transforms import blended_transform_factory

from leisurenet.codebook import Codebook
from leisurenet.paper.figures.style import (
    SOURCE_HEIGHT,
    _add_header,
    _add_source,
    _header_height,
    _new_figure,
    _styled,
    _text_colour,
)

MISSING_TYPES = ("dont_know", "blank")
BLANK_LABEL = "blank (no answer)"
# ColorBrewer PuOr (colour-blind safe): orange for the negative codes, purple for the
# positive ones, from the extreme towards the middle; a light grey for the neutral code.
SIDE_COLOURS = {
    "negative": {1: ["#e66101"], 2: ["#e66101", "#fdb863"], 3: ["#b35806", "#f1a340", "#fee0b6"]},
    "positive": {1: ["#5e3c99"], 2: ["#b2abd2", "#5e3c99"], 3: ["#d8daeb", "#998ec3", "#542788"]},
}
NEUTRAL_COLOUR = "#dcdcdc"
MISSING_STYLE = {
    "dont_know": {"facecolor": "#7f7f7f", "edgecolor": "white", "hatch": None},
    "blank": {"facecolor": "white", "edgecolor": "#8c8c8c", "hatch": "////"},
}
MISSING_PANEL_WIDTH = 0.16  # the "no answer" panel, as a fraction of the scale panel's width
END_MARGIN = 15  # room (in % of respondents) beyond the axis limits for the totals
LABEL_MIN_PCT = 8  # a Likert segment narrower than this (% of respondents) gets no number


# --- Likert charts ------------------------------------------------------------------------


def _wrap(text: str, width: int) -> str:
    """Wrap to at most ``width`` characters a line, in as few lines as that allows, with
    the lines as even as possible (no single word left on the last line)."""
    text = str(text).strip().rstrip(".")
    lines = textwrap.wrap(text, width=width, break_on_hyphens=False)
    for narrower in range(math.ceil(len(text) / max(len(lines), 1)), width):
        candidate = textwrap.wrap(text, width=narrower, break_on_hyphens=False)
        if len(candidate) == len(lines):
            return "\n".join(candidate)
    return "\n".join(lines)


def _pct_label(value: float) -> str:
    return f"{value:.0f}"


def likert_colours(codebook: Codebook, item: str) -> dict[int, str]:
    """The colour of each code of the item's scale: PuOr from the extremes inwards."""
    collapse = codebook.collapse_map(item)
    colours = {}
    for side in ("negative", "positive"):
        codes = sorted(c for c, level in collapse.items() if level == side)
        if not codes:
            continue
        if len(codes) > 3:
            raise ValueError(f"{item}: more than 3 {side} codes; the Likert palette has 3 per side")
        colours |= dict(zip(codes, SIDE_COLOURS[side][len(codes)], strict=True))
    colours |= {c: NEUTRAL_COLOUR for c, level in collapse.items() if level == "neutral"}
    return colours


def likert_table(data: pd.DataFrame, codebook: Codebook, items: Sequence[str]) -> pd.DataFrame:
    """The segments of a diverging stacked bar chart, one row per item and answer.

    Base: the respondents (``len(data)``), as the study published its percentages, so
    the segments of an item, missing answers included, add up to 100.

    Returns
    -------
    DataFrame with ``item, item_label, category, code, level, label, count, pct,
    n_valid, n_respondents, panel, left``: ``item_label`` is the English wording;
    ``category`` is the code as text (``"1"`` ...) or a
    missing type (``dont_know``, ``blank``); ``level`` the collapsed level (``negative``,
    ``neutral``, ``positive``) or ``missing``; ``label`` the English label; ``pct`` =
    100 * count / n_respondents is the segment's width. On the ``scale`` panel the
    neutral code is centred on zero (``left`` = -(negative + neutral / 2)); without a
    neutral code the bar splits at zero between the negative and the positive codes. On
    the ``missing`` panel "don't know" starts at 0 and "blank" follows.
    """
    n_resp = len(data)
    if n_resp == 0:
        raise ValueError("no respondents: nothing to chart")
    dont_know_label = codebook.spec["missing"]["dont_know"]["label_en"]
    rows = []
    for item in items:
        codes = data[item]
        n_valid = int(codes.notna().sum())
        missing_column = f"{item}_missing"
        if missing_column in data:
            missing = data[missing_column].astype("string").value_counts()
            missing = {kind: int(missing.get(kind, 0)) for kind in MISSING_TYPES}
        else:  # no missing types recorded: every missing answer counts as blank
            missing = {"dont_know": 0, "blank": n_resp - n_valid}
        if n_valid + sum(missing.values()) != n_resp:
            raise ValueError(
                f"{item}: {n_resp - n_valid} answers without a code but {sum(missing.values())} "
                f"with a missing type in {missing_column}"
            )
        collapse = codebook.collapse_map(item)
        labels = codebook.scale(item)["codes"]
        counts = codes.value_counts()
        scale_rows = []
        for code in codebook.codes(item):
            count = int(counts.get(code, 0))
            scale_rows.append(
                {
                    "item": item,
                    "item_label": codebook.items[item]["en"],
                    "category": str(code),
                    "code": code,
                    "level": collapse[code],
                    "label": labels[code]["en"] if code in labels else labels[str(code)]["en"],
                    "count": count,
                    "pct": 100 * count / n_resp,
                }
            )
        negative = sum(r["pct"] for r in scale_rows if r["level"] == "negative")
        neutral = sum(r["pct"] for r in scale_rows if r["level"] == "neutral")
        left = -(negative + neutral / 2)
        for row in scale_rows:
            row["left"], left = left, left + row["pct"]
            row["panel"] = "scale"
        rows += scale_rows
        left = 0.0
        for kind in MISSING_TYPES:
            pct = 100 * missing[kind] / n_resp
            label = dont_know_label if kind == "dont_know" else BLANK_LABEL
            rows.append(
                {
                    "item": item,
                    "item_label": codebook.items[item]["en"],
                    "category": kind,
                    "code": None,
                    "level": "missing",
                    "label": label,
                    "count": missing[kind],
                    "pct": pct,
                    "left": left,
                    "panel": "missing",
                }
            )
            left += pct
        for row in rows[-len(scale_rows) - len(MISSING_TYPES) :]:
            row |= {"n_valid": n_valid, "n_respondents": n_resp}
    columns = ["item", "item_label", "category", "code", "level", "label", "count", "pct"]
    out = pd.DataFrame(rows, columns=[*columns, "n_valid", "n_respondents", "panel", "left"])
    out["code"] = out["code"].astype("Int64")
    return out


def likert_groups(
    codebook: Codebook, construct: str, group_by: str | None = "auto"
) -> list[tuple[str | None, list[str]]]:
    """The construct's items in panels: ``[(panel title or None, [item, ...]), ...]``.

    ``group_by="domain"`` makes one panel per domain (vision, objectives, actions), items
    without a domain first under "In general"; ``"auto"`` does so when any item of the
    construct has a domain (role, representation); ``None`` gives one panel.
    """
    items = codebook.items_where(construct=construct)
    if not items:
        raise ValueError(f"construct '{construct}' has no items in the codebook")
    if group_by == "auto":
        group_by = "domain" if any("domain" in codebook.items[i] for i in items) else None
    if group_by is None:
        return [(None, items)]
    if group_by != "domain":
        raise ValueError(f"group_by must be 'auto', 'domain' or None, not {group_by!r}")
    groups = []
    general = [i for i in items if "domain" not in codebook.items[i]]
    if general:
        groups.append(("In general", general))
    for domain, spec in codebook.spec.get("domains", {}).items():
        members = [i for i in items if codebook.items[i].get("domain") == domain]
        if members:
            groups.append((spec["en"][:1].upper() + spec["en"][1:], members))
    return groups


def _order_items(items: list[str], table: pd.DataFrame, order: str) -> list[str]:
    if order == "codebook":
        return items
    if order == "positive":
        positive = table[table["level"] == "positive"].groupby("item", sort=False)["pct"].sum()
        return sorted(items, key=lambda i: (-positive.get(i, 0.0), items.index(i)))
    raise ValueError(f"order must be 'codebook' or 'positive', not {order!r}")


@_styled
def plot_likert(
    data: pd.DataFrame,
    codebook: Codebook,
    construct: str,
    source: str,
    *,
    order: str = "codebook",
    group_by: str | None = "auto",
    title: str | None = None,
    wrap: int = 46,
) -> tuple[Figure, pd.DataFrame]:
    """Diverging stacked bar chart of every item of a construct.

    Each item is a bar of the shares of its codes among the respondents (the base the
    study published): the neutral code centred on zero, the negative codes to the left,
    the positive ones to the right (without a neutral code, as on the U4 scale, the bar
    splits at zero between codes 2 and 3). "Don't know" and blank answers are a separate
    bar in a panel of their own at the right, so they never look like an opinion. Beside
    each bar: the collapsed negative and positive shares (the published kind of figure),
    the share of each code wide enough to hold it, and n, the valid answers.

    Items are in codebook order by default (``order="codebook"``): the questionnaire's
    and the presentation's order, which keeps parallel statements (role, representation
    per domain) parallel; ``order="positive"`` sorts them by their positive share.
    Constructs whose items have a domain get one panel per domain (see :func:`likert_groups`).

    Returns the figure and the :func:`likert_table` it plotted (plus ``group`` and ``row``).
    """
    groups = likert_groups(codebook, construct, group_by)
    all_items = [i for _, items in groups for i in items]
    table = likert_table(data, codebook, all_items)
    groups = [(name, _order_items(items, table, order)) for name, items in groups]
    position = {i: (g, r) for g, (_, items) in enumerate(groups) for r, i in enumerate(items)}
    table["group"] = table["item"].map(lambda i: groups[position[i][0]][0])
    table["row"] = table["item"].map(lambda i: position[i][1])

    spec = codebook.spec["constructs"][construct]
    scales = {codebook.items[i]["scale"] for i in all_items}
    if len(scales) != 1:
        raise ValueError(f"construct '{construct}' mixes response scales {sorted(scales)}")
    scale = codebook.scale(all_items[0])
    n_resp = len(data)
    bars = table[table["panel"] == "scale"]
    limits = (
        max(25, 25 * math.ceil(-bars["left"].min() / 25 - 1e-9)),
        max(25, 25 * math.ceil((bars["left"] + bars["pct"]).max() / 25 - 1e-9)),
    )
    missing_max = table.loc[table["panel"] == "missing"].groupby("item")["pct"].sum().max()
    missing_limit = max(10.0, 5 * math.ceil(missing_max / 5 - 1e-9))

    if title is None:
        title = spec["en"]
        if scale["name_en"].lower() not in title.lower():
            title += f" ({scale['name_en']})"
    codes = codebook.codes(all_items[0])
    scale_labels = [_code_label(scale["codes"], c) for c in codes]
    # one legend row for the scale if its labels fit the width, else two
    scale_rows = 1 if sum(len(label) + 6 for label in scale_labels) <= 130 else 2
    top = _header_height(title, legend_rows=1 + scale_rows)
    n_panels = sum(name is not None for name, _ in groups)
    lines = [_wrap(codebook.items[i]["en"], wrap).count("\n") + 1 for i in all_items]
    rows_height = sum(max(0.40, 0.13 * n + 0.14) for n in lines)  # room for 3-line labels
    height = top + rows_height + 0.30 * n_panels + 0.55 + SOURCE_HEIGHT
    fig = _new_figure(height, top=top)
    grid = fig.add_gridspec(
        len(groups),
        2,
        height_ratios=[len(items) for _, items in groups],
        width_ratios=[1, MISSING_PANEL_WIDTH],
        wspace=0.03,
    )
    colours = likert_colours(codebook, all_items[0])
    for g, (name, items) in enumerate(groups):
        ax = fig.add_subplot(grid[g, 0])
        ax_missing = fig.add_subplot(grid[g, 1], sharey=ax)
        part = table[table["item"].isin(items)]
        _draw_likert_scale(ax, part, colours, items, limits, wrap)
        _draw_likert_missing(ax_missing, part, items, missing_limit)
        if name is not None:
            ax.set_title(name)
        if g == 0:
            ax_missing.set_title(
                "no\nanswer", loc="center", fontweight="normal", fontsize=6.5, color="#333333"
            )
        last = g == len(groups) - 1
        ax.tick_params(axis="x", labelbottom=last)
        ax_missing.tick_params(axis="x", labelbottom=last)
        if last:
            collapsed = scale["collapsed"]
            ax.set_xlabel(
                f"\u2190 {collapsed['negative']['en']}      % of the {n_resp} respondents      "
                f"{collapsed['positive']['en']} \u2192"
            )
            ax_missing.set_xlabel("%")

    scale_handles = [
        Patch(facecolor=colours[c], edgecolor="#8c8c8c" if colours[c] == NEUTRAL_COLOUR else "none")
        for c in codes
    ]
    missing_handles = [Patch(**_missing_patch(kind)) for kind in MISSING_TYPES]
    dont_know = codebook.spec["missing"]["dont_know"]["label_en"]
    missing_labels = [f"no answer: {dont_know}", "no answer: blank", "n: valid answers"]
    missing_handles.append(Patch(visible=False))
    _add_header(
        fig,
        title,
        [(scale_handles, scale_labels), (missing_handles, missing_labels)],
        ncols=[math.ceil(len(codes) / scale_rows), len(missing_handles)],
    )
    _add_source(fig, source)
    return fig, table


def _code_label(code_labels: dict, code: int) -> str:
    spec = code_labels[code] if code in code_labels else code_labels[str(code)]
    return f"{code} {spec['en']}"


def _missing_patch(kind: str) -> dict:
    style = MISSING_STYLE[kind]
    return {"facecolor": style["facecolor"], "edgecolor": style["edgecolor"], "hatch": style["hatch"]}


def _draw_likert_scale(
    ax, part: pd.DataFrame, colours: dict, items: list[str], limits: tuple[float, float], wrap: int
) -> None:
    scale = part[(part["panel"] == "scale") & (part["pct"] > 0)]  # no zero-width slivers
    rows = scale["row"].to_numpy()
    segment_colours = [colours[int(c)] for c in scale["code"]]
    edge = ["#8c8c8c" if c == NEUTRAL_COLOUR else "white" for c in segment_colours]
    ax.barh(
        rows,
        scale["pct"],
        left=scale["left"],
        height=0.68,
        color=segment_colours,
        edgecolor=edge,
        linewidth=0.5,
        gid="likert_scale",
    )
    for (_, seg), colour in zip(scale.iterrows(), segment_colours, strict=True):
        if seg["pct"] >= LABEL_MIN_PCT:
            ax.text(
                seg["left"] + seg["pct"] / 2,
                seg["row"],
                _pct_label(seg["pct"]),
                ha="center",
                va="center",
                fontsize=6.5,
                color=_text_colour(colour),
            )
    for item, bar in part[part["panel"] == "scale"].groupby("item", sort=False):
        row = bar["row"].iloc[0]
        negative = bar.loc[bar["level"] == "negative", "pct"].sum()
        positive = bar.loc[bar["level"] == "positive", "pct"].sum()
        start = bar["left"].min()
        end = (bar["left"] + bar["pct"]).max()
        style = {"va": "center", "fontsize": 7, "fontweight": "bold", "color": "#333333"}
        ax.text(start - 1.5, row, f"{negative:.0f}%", ha="right", gid=f"negative_{item}", **style)
        ax.text(end + 1.5, row, f"{positive:.0f}%", ha="left", gid=f"positive_{item}", **style)
    ax.axvline(0, color="#333333", linewidth=0.8, zorder=0.9)  # behind the bars
    ax.set_xlim(-limits[0] - END_MARGIN, limits[1] + END_MARGIN)
    ticks = list(range(-limits[0], limits[1] + 1, 25))
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{abs(v):.0f}"))
    ax.grid(axis="x")
    ax.set_ylim(len(items) - 0.5, -0.5)
    ax.set_yticks(range(len(items)))
    labels = part.drop_duplicates("item").set_index("item")
    ax.set_yticklabels([_wrap(labels.loc[i, "item_label"], wrap) for i in items])
    ax.spines["left"].set_visible(False)


def _draw_likert_missing(ax, part: pd.DataFrame, items: list[str], limit: float) -> None:
    missing = part[part["panel"] == "missing"]
    for kind in MISSING_TYPES:
        seg = missing[(missing["category"] == kind) & (missing["pct"] > 0)]
        ax.barh(
            seg["row"],
            seg["pct"],
            left=seg["left"],
            height=0.68,
            linewidth=0.5,
            gid=f"likert_{kind}",
            **_missing_patch(kind),
        )
    ax.set_xlim(0, limit)
    ax.xaxis.set_major_locator(FixedLocator([0, limit / 2, limit]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
    ax.grid(axis="x")
    ax.tick_params(axis="y", left=False, labelleft=False)
    ax.spines["left"].set_visible(False)
    n_valid = missing.drop_duplicates("item").set_index("item")["n_valid"]
    at_right = blended_transform_factory(ax.transAxes, ax.transData)
    for row, item in enumerate(items):
        ax.text(
            1.08, row, f"{n_valid[item]}", transform=at_right, ha="left", va="center", fontsize=7, gid="n"
        )
    ax.text(1.08, -0.5, "n", transform=at_right, ha="left", va="bottom", fontsize=7, fontstyle="italic")
