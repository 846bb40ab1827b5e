"""Figures of the paper: Likert charts, governance role by size, odds ratios, response.

Every figure is drawn in one style (``figures.mplstyle`` beside this module, applied on
top of matplotlib's defaults), with colour-blind-safe colours (ColorBrewer PuOr for the
answer scales, Okabe-Ito for categories), and carries a source line at the bottom that
says where its data come from (the caller passes it: :func:`source_line`). Files are
named by content, never by their place in the paper (:data:`FIGURE_NAMES`).

Each ``plot_*`` function takes a tidy DataFrame and returns ``(figure, table)``: the
matplotlib :class:`~matplotlib.figure.Figure` and the DataFrame it plotted, one row per
bar segment or point, so a test or a reader can check every bar against the data.
:func:`save_figure` writes SVG, PDF and PNG (200 dpi) without timestamps or software
versions that change, so two runs give byte-identical files.

Figures are built with :class:`matplotlib.figure.Figure` directly (not pyplot), so the
library neither picks a backend nor keeps figures alive in a global registry.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from pathlib import Path

import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator
from matplotlib.transforms import blended_transform_factory

from leisurenet.codebook import Codebook
from leisurenet.io import atomic_path
from leisurenet.paper.labels import coefficient_label, equation_label, is_structural_term

STYLE = Path(__file__).with_name("figures.mplstyle")
FORMATS = ("svg", "pdf", "png")
# Metadata that would otherwise carry a date or a software version into the files.
METADATA = {
    "svg": {"Date": None},
    "pdf": {"CreationDate": None, "ModDate": None},
    "png": {"Software": None},
}
FIGURE_WIDTH = 6.5  # inches: the text width of an A4 page with 2.5 cm margins, less a bit
SOURCE_HEIGHT = 0.24  # inches kept free at the bottom of every figure for the source line

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
# Okabe-Ito colours for the governance roles; "mixed" (a tie) in light grey and "none" (no
# role statement agreed with, governance_role.rule highest_agreed) in dark grey.
ROLE_COLOURS = {
    "facilitator": "#0072B2",
    "coproducer": "#009E73",
    "commissioner": "#E69F00",
    "mixed": "#BBBBBB",
    "none": "#666666",
}
MODEL_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
MISSING_PANEL_WIDTH = 0.16  # the "no answer" panel, as a fraction of the scale panel's width
END_MARGIN = 15  # room (in % of respondents) beyond the axis limits for the totals
LABEL_MIN_PCT = 8  # a Likert segment narrower than this (% of respondents) gets no number
ROLE_LABEL_MIN_PCT = 5  # the same for the (wider) bars of the roles by size

# The file stems of the figures (each written as .svg, .pdf and .png) and what they show.
FIGURE_NAMES = {
    "likert_<construct>": "diverging stacked bars of the answers to a construct's statements",
    "role_by_size": "governance role by municipality size class",
    "model_odds_ratios": "odds ratios of the logit-family models (relative risk ratios if multinomial)",
    "response_by_size": "respondents against the population frame by municipality size class",
    "multiverse": "specification curves of the headline findings over the multiverse's choices",
}


def source_line(synthetic: bool, n: int | None = None, what: str = "respondents") -> str:
    """The line at the bottom of a figure saying where the data come from.

    ``synthetic`` says whether the data are the synthetic replica (then the line says,
    visibly, that they are not the study's data); ``n`` is printed as ``n = 77 <what>``.
    """
    if synthetic:
        text = (
            "Source: synthetic replica of the 2016 coordinator survey (generated data, not the study's data)"
        )
    else:
        text = (
            "Source: survey of the coordinators of the local networks for leisure participation "
            "(Flanders, 2016)"
        )
    return f"{text}; n = {n} {what}." if n is not None else f"{text}."


# --- style and saving ---------------------------------------------------------------------


@contextmanager
def figure_style() -> Iterator[None]:
    """matplotlib's defaults with the project's style file on top (and nothing else)."""
    with matplotlib.style.context(["default", str(STYLE)]):
        yield


def _styled(function):
    @wraps(function)
    def wrapper(*args, **kwargs):
        with figure_style():
            return function(*args, **kwargs)

    return wrapper


def save_figure(fig: Figure, stem: str | Path, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write ``<stem>.svg``, ``<stem>.pdf`` and ``<stem>.png`` (200 dpi), each atomically.

    No creation date or software version goes into the files, and SVG ids come from a
    fixed salt (the style's ``svg.hashsalt``), so the same figure gives the same bytes.
    SVG and PDF share one layout (:func:`_layout_once_per_family`).
    """
    stem = Path(stem)
    paths = []
    with figure_style(), _layout_once_per_family(fig) as prepare:
        for fmt in formats:
            prepare(fmt)
            path = stem.with_name(f"{stem.name}.{fmt}")
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format=fmt, metadata=METADATA[fmt])
                if fmt == "svg":
                    renumber_svg_ids(tmp)
            paths.append(path)
    return paths


@contextmanager
def _layout_once_per_family(fig: Figure) -> Iterator[Callable[[str], None]]:
    """``prepare(fmt)`` before each save: the first format of a :func:`_layout_family`
    lays the figure out, the others keep the axes where it put them.

    savefig redoes the layout, in a draw of its own, unless the figure has no layout
    engine; so the engine is taken away for the later formats of a family, and put
    back at the end.
    """
    engine = fig.get_layout_engine()
    laid_out = set()

    def prepare(fmt: str) -> None:
        family = _layout_family(fmt)
        fig.set_layout_engine(None if family in laid_out else engine)
        laid_out.add(family)

    try:
        yield prepare
    finally:
        fig.set_layout_engine(engine)


def _layout_family(fmt: str) -> str:
    """``"vector"`` for SVG and PDF, which can share a layout; else the format itself.

    SVG and PDF measure text in points, and their layouts agree within a fraction of a
    point; a raster format measures hinted text at its own resolution, which moves the
    layout by up to a few pixels, so it gets a layout of its own.
    """
    return "vector" if fmt in ("svg", "pdf") else fmt


def renumber_svg_ids(path: Path) -> None:
    """Replace matplotlib's hashed SVG ids by their order of appearance.

    The id of a clip path is hashed from the object's memory address, which changes from run
    to run even with a fixed ``svg.hashsalt``; numbering the ids in document order makes the
    file depend on the drawing alone.
    """
    text = Path(path).read_text(encoding="utf-8")
    ids = dict.fromkeys(re.findall(r'id="(p[0-9a-f]{10})"', text))
    for n, old in enumerate(ids, start=1):
        text = re.sub(rf"\b{old}\b", f"clip{n:04d}", text)
    Path(path).write_text(text, encoding="utf-8")


def _new_figure(height: float, top: float = 0.0, width: float = FIGURE_WIDTH) -> Figure:
    """A figure with constrained layout for its axes, and strips kept free for the rest.

    ``top`` inches at the top (title and legends, placed by :func:`_add_header`) and
    :data:`SOURCE_HEIGHT` at the bottom (the source line) stay outside the layout: the
    layout engine takes the largest of a title's and a legend's margins rather than
    their sum, so they are placed here by hand, in inches from the edges.
    """
    fig = Figure(figsize=(width, height), layout="constrained")
    fig.get_layout_engine().set(rect=(0, SOURCE_HEIGHT / height, 1, 1 - (top + SOURCE_HEIGHT) / height))
    return fig


TITLE_HEIGHT = 0.30  # inches for the title line at the top
LEGEND_ROW = 0.22  # inches per legend row at the top


def _add_header(
    fig: Figure,
    title: str | None,
    legends: Sequence[tuple[list, list]],
    ncols: Sequence[int] | None = None,
) -> None:
    """The title (left) and the centred legends, one under the other, from the top: each
    ``(handles, labels)`` in ``ncols`` columns (default: all in one row)."""
    height = fig.get_figheight()
    ncols = ncols or [len(handles) for handles, _ in legends]
    y = 0.08
    if title:
        fig.text(
            0.06 / fig.get_figwidth(),
            1 - y / height,
            title,
            ha="left",
            va="top",
            gid="title",
            fontsize="large",
            fontweight="bold",
        )
        y += TITLE_HEIGHT - 0.05
    for (handles, labels), ncol in zip(legends, ncols, strict=True):
        fig.legend(
            handles,
            labels,
            loc="upper center",
            bbox_to_anchor=(0.5, 1 - y / height),
            bbox_transform=fig.transFigure,
            ncol=ncol,
            borderaxespad=0,
            borderpad=0.1,
        )
        y += LEGEND_ROW * math.ceil(len(handles) / ncol)


def _header_height(title: str | None, legend_rows: int) -> float:
    return 0.08 + (TITLE_HEIGHT - 0.05 if title else 0) + LEGEND_ROW * legend_rows + 0.04


def _add_source(fig: Figure, source: str) -> None:
    fig.text(
        0.06 / fig.get_figwidth(),
        0.07 / fig.get_figheight(),
        source,
        ha="left",
        va="bottom",
        fontsize=6.5,
        color="#555555",
        gid="source",
    )


def _text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with the background (WCAG luminance)."""

    def channel(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(background))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "black" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "white"


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


# --- Likert charts ------------------------------------------------------------------------


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
    height = top + len(columns) * (0.42 * len(groups) + 0.45) + 0.45 + SOURCE_HEIGHT
    fig = _new_figure(height, top=top)
    axes = fig.subplots(len(columns), 1, sharex=True, squeeze=False)[:, 0]
    for ax, column in zip(axes, columns, strict=True):
        part = table[table["column"] == column]
        rows = part["group"].map({g: i + (i == len(groups) - 1) * 0.25 for i, g in enumerate(groups)})
        segment_colours = part["role"].map(colours).tolist()
        ax.barh(
            rows,
            part["pct"],
            left=part["left"],
            height=0.7,
            color=segment_colours,
            edgecolor="white",
            linewidth=0.6,
            gid=f"roles_{column}",
        )
        for (_, seg), colour in zip(part.iterrows(), segment_colours, strict=True):
            if seg["pct"] >= ROLE_LABEL_MIN_PCT:
                ax.text(
                    seg["left"] + seg["pct"] / 2,
                    rows[seg.name],
                    f"{seg['pct']:.0f}%",
                    ha="center",
                    va="center",
                    fontsize=6.5,
                    color=_text_colour(colour),
                )
        at_right = blended_transform_factory(ax.transAxes, ax.transData)
        n = part.drop_duplicates("group").set_index("group")["n"]
        positions = sorted(set(rows))
        for group, y in zip(groups, positions, strict=True):
            ax.text(
                1.015, y, f"n = {n[group]}", transform=at_right, ha="left", va="center", fontsize=7, gid="n"
            )
        ax.set_yticks(positions)
        ax.set_yticklabels([size_labels.get(g, g) for g in groups])
        ax.set_ylim(positions[-1] + 0.55, -0.55)
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_locator(FixedLocator([0, 25, 50, 75, 100]))
        ax.spines["left"].set_visible(False)
        ax.set_title(role_column_title(codebook, column))
    axes[-1].set_xlabel("% of the respondents in the size class (n: respondents with a role)")
    handles = [Patch(facecolor=colours[r], edgecolor="none") for r in roles]
    _add_header(fig, title, [(handles, [_role_label(codebook, r) for r in roles])])
    _add_source(fig, source)
    return fig, table


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
    for i, (ax, model) in enumerate(zip(axes, models, strict=True)):
        part = table[table["model"] == model]
        colour = MODEL_COLOURS[i % len(MODEL_COLOURS)]
        _draw_forest(ax, part, colour, lo, hi)
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


def _draw_forest(ax, part: pd.DataFrame, colour: str, lo: float, hi: float) -> None:
    ax.axvline(1, color="#333333", linewidth=0.8, zorder=1)
    ax.grid(axis="x")
    for _, row in part.iterrows():
        y = row["row"]
        low = row["or_ci_low"] if np.isfinite(row["or_ci_low"]) and row["or_ci_low"] > 0 else 0.0
        high = row["or_ci_high"] if np.isfinite(row["or_ci_high"]) else np.inf
        ax.plot(
            [max(low, lo), min(high, hi)],
            [y, y],
            color=colour,
            linewidth=1.3,
            solid_capstyle="butt",
            zorder=2,
        )
        if low < lo:
            ax.plot([lo], [y], marker="<", color=colour, markersize=4, clip_on=False, zorder=3)
        if high > hi:
            ax.plot([hi], [y], marker=">", color=colour, markersize=4, clip_on=False, zorder=3)
        estimate = min(max(row["odds_ratio"], lo), hi)
        ax.plot(
            [estimate],
            [y],
            marker="o",
            markersize=5,
            color=colour,
            markerfacecolor="white" if row["flagged"] else colour,
            markeredgewidth=1.2,
            zorder=4,
            gid="odds_ratio",
        )
    ax.set_yticks(part["row"].tolist())
    ax.set_yticklabels(part["label"].tolist())
    ax.set_ylim(len(part) - 0.5, -0.6)
    ax.spines["left"].set_visible(False)


# --- response by size class ---------------------------------------------------------------

# The columns of results/descriptives/nonresponse.csv (leisurenet.analysis.describe.NONRESPONSE_COLUMNS,
# not imported: describe pulls in pingouin, and the workflow imports this module when it
# parses the rules; tests/paper/test_figures.py checks that the two lists agree).
RESPONSE_COLUMNS = ["size_class", "n_frame", "n_respondents", "response_rate", "pct_frame", "pct_respondents"]
FRAME_COLOUR = "#BBBBBB"
RESPONDENT_COLOUR = "#0072B2"


def response_table(nonresponse: pd.DataFrame) -> pd.DataFrame:
    """The columns of ``nonresponse.csv`` the figure plots, as
    :func:`leisurenet.analysis.describe.nonresponse_table` stored them (``RESPONSE_COLUMNS``):
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
    for offset, column, count, colour in (
        (-bar / 2, "pct_frame", "n_frame", FRAME_COLOUR),
        (bar / 2, "pct_respondents", "n_respondents", RESPONDENT_COLOUR),
    ):
        ax.barh(y + offset, table[column], height=bar, color=colour, gid=column)
        for yi, pct, n in zip(y, table[column], table[count], strict=True):
            ax.text(pct + 1, yi + offset, f"{pct:.0f}% ({n})", va="center", fontsize=6.5, gid="n")
    ax.set_xlim(0, max(50, 10 * math.ceil(table[["pct_frame", "pct_respondents"]].max().max() / 10 + 1.5)))
    ax.set_xlabel("% of the networks (count)")
    ax.set_title("Share of each size class", pad=14)
    ax.set_yticks(y)
    ax.set_yticklabels([size_labels.get(c, c) for c in table["size_class"]])
    ax.set_ylim(k - 0.5, -0.5)
    ax.grid(axis="x")
    ax.spines["left"].set_visible(False)

    rate = 100 * table["response_rate"]
    ax_rate.barh(y, rate.fillna(0), height=0.55, color=RESPONDENT_COLOUR, gid="response_rate")
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
    ax_rate.set_title("Response rate", pad=14)
    ax_rate.grid(axis="x")
    ax_rate.tick_params(axis="y", left=False)
    ax_rate.spines["left"].set_visible(False)
    _add_header(fig, title, [(handles, bar_labels)])
    _add_source(fig, source)
    return fig, table


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
