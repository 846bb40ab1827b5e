"""What every figure shares: the theme, the source line, the frame and the saving.

The theme (:func:`theme`, from the style file ``figures.mplstyle`` beside this module),
applied by :func:`figure_style` to every figure and handed to seaborn by :func:`_seaborn`,
so that the charts seaborn draws and those drawn in plain matplotlib are of one family; the
line that says where a figure's data come from; the figure's frame (a constrained layout for
the axes, with the title and legends at the top and the source line at the bottom placed by
hand); and :func:`save_figure`, which writes the three formats so that reruns give the
same bytes. A module of its own so that each chart's module (``likert``, ``by_size``, ``odds_ratios``,
``multiverse``) holds its chart alone; the underscored helpers are for those modules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache, wraps
from pathlib import Path

import matplotlib
import matplotlib.style
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from leisurenet.io import atomic_path

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

# Okabe-Ito colours for categories: the models of the forest plot, and the roles that have
# no colour of their own in the roles by size.
MODEL_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


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


def theme() -> dict[str, object]:
    """The one theme of every figure: the rc parameters of the style file (``figures.mplstyle``).

    :func:`figure_style` puts them on top of matplotlib's defaults for each figure, and
    :func:`_seaborn` makes them seaborn's style, context and palette as well. A new dict on
    each call (seaborn updates the dicts it is given in place); the file is read once.
    """
    return dict(_read_style())


@cache
def _read_style() -> dict[str, object]:
    return dict(matplotlib.rc_params_from_file(STYLE, use_default_template=False))


@contextmanager
def figure_style() -> Iterator[None]:
    """matplotlib's defaults with the theme on top (and nothing else), for the block only:
    a notebook's own settings never leak into a figure, nor the theme out of it."""
    with matplotlib.style.context(["default", theme()]):
        yield


def _seaborn():
    """seaborn, with the theme (:func:`theme`) as its style, context and palette.

    For the charts that draw with it, inside :func:`figure_style` (every ``plot_*`` is), which
    restores the rc parameters afterwards. Imported here, not by the module, because it costs
    a job about a second (it brings pyplot and SciPy): the jobs that draw no seaborn chart
    (the Likert charts) do not pay for it. ``set_theme`` gets the theme's own values, so the
    rc parameters stay exactly those of a plain-matplotlib figure; ``color_codes=False`` as
    seaborn would otherwise redefine matplotlib's one-letter colours for the whole process.
    """
    import seaborn

    rc = theme()
    seaborn.set_theme(
        context=theme(),
        style=theme(),
        palette=rc["axes.prop_cycle"].by_key()["color"],
        font=rc["font.family"],
        color_codes=False,
        rc=rc,
    )
    return seaborn


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
