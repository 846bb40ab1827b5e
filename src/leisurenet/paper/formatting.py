"""How a number and a table print in the paper: every value the manuscript shows is formatted here.

The paper computes nothing: the rule ``paper_assets`` writes the results into
``_variables.yml`` (read in the text with Quarto's ``var`` shortcode) and into Markdown pipe
tables with captions and cross-reference labels, which both renderers understand. The modules of
the paper's sections (:mod:`~leisurenet.paper.methods`, :mod:`~leisurenet.paper.descriptives`,
:mod:`~leisurenet.paper.crosstabs`, :mod:`~leisurenet.paper.regression`,
:mod:`~leisurenet.paper.robustness`, :mod:`~leisurenet.paper.weighted_comparison`,
:mod:`~leisurenet.paper.reproduction`) choose what is printed; this one how, so that a number
prints alike in every sentence and table. Rounding happens here and only here.
"""

from __future__ import annotations

import re

import pandas as pd

from leisurenet.config import parse_iso_date
from leisurenet.paper.provenance import LANG, SPAN, mark, unmark

# What a table's cell keeps as it is: the spans of numbers and of Dutch words.
KEPT = re.compile(f"{SPAN.pattern}|{LANG.pattern}")

# --- formatting ------------------------------------------------------------------------
# Every number enters the text here. A value that knows its origin (provenance.trace) is
# written as a span that carries it (provenance.mark); see leisurenet.paper.provenance.


def pct(value: float, decimals: int = 1) -> str:
    return "n/a" if value is None or pd.isna(value) else mark(f"{value:.{decimals}f}%", value)


def num(value: float, decimals: int = 2) -> str:
    return "n/a" if value is None or pd.isna(value) else mark(f"{value:.{decimals}f}", value)


def count(value, thousands: bool = False) -> str:
    """A whole number ("77"; "2,000" with ``thousands``)."""
    if value is None or pd.isna(value):
        return "n/a"
    return mark(f"{int(value):,}" if thousands else str(int(value)), value)


def general(value: float) -> str:
    """A number as short as it prints (0.05, 62, 0.9): Python's ``g`` format."""
    return mark(f"{value:g}", value)


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip


def date(iso: str) -> str:
    """An ISO date as a reader reads it: "1 March 2016"; "March 2016" and "2016" for a date
    reduced to its month or year (the configuration's ``study`` dates, checked by
    :func:`leisurenet.config.parse_iso_date`)."""
    first, _, precision = parse_iso_date(iso)
    if precision == "year":
        return str(first.year)
    month = f"{MONTHS[first.month - 1]} {first.year}"
    return month if precision == "month" else f"{first.day} {month}"


def _pvalue_text(p: float) -> str:
    if p is None or pd.isna(p):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def pvalue(p: float) -> str:
    """p with three decimals, '< 0.001' below that."""
    text = _pvalue_text(p)
    return text if text == "n/a" else mark(text, p)


def p_is(p: float) -> str:
    """A p-value with its relation, as a sentence needs it: "p = 0.034", "p < 0.001"."""
    text = _pvalue_text(p)
    return f"p {mark(text, p)}" if text.startswith("<") else f"p = {pvalue(p)}"


def interval(low: float, high: float, decimals: int = 1, percent: bool = False) -> str:
    unit = "%" if percent else ""
    if pd.isna(low) or pd.isna(high):
        return "n/a"
    return f"{mark(f'{low:.{decimals}f}', low)}–{mark(f'{high:.{decimals}f}', high)}{unit}"


def dutch(text: str) -> str:
    """Dutch words in the English paper (an item's or a conclusion's published wording), marked
    as Dutch so that a screen reader pronounces them as Dutch and a hyphenator splits them so."""
    return f'[{_escape_plain(text)}]{{lang="nl"}}'


def escape(text) -> str:
    """Text safe inside a pipe-table cell; identifiers may break after an underscore. A traced
    count is marked with its origin; the spans of formatted numbers are kept as they are.

    A bracket outside a span is printed as such (``\\[``): Pandoc would otherwise try to read
    it as the start of a link or span, and with the spans inside an interval's brackets it
    backtracks over all of them (the tables parsed twice as slowly; the output is the same).
    """
    if isinstance(text, int) and getattr(text, "origin", None) is not None:
        return count(text)
    text, out, last = str(text), [], 0
    for match in KEPT.finditer(text):
        out += [_escape_plain(text[last : match.start()]), match.group(0)]
        last = match.end()
    return "".join(out) + _escape_plain(text[last:])


def _escape_plain(text: str) -> str:
    escaped = text.replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")
    return escaped.replace("\n", " ").replace("_", "_\u200b")


def pipe_table(df: pd.DataFrame, label: str, caption: str, align: str | None = None) -> str:
    """A Markdown pipe table with a caption and a ``tbl-`` label (Quarto and Pandoc alike).

    The dashes of the separator line set the relative column widths of a wide table, so each
    column gets as many as its longest cell or header word (within limits): long wording gets
    the room, and headers wrap.
    """
    align = align or "l" + "r" * (len(df.columns) - 1)
    header = [escape(c) for c in df.columns]
    body = [[escape(v) for v in row] for row in df.itertuples(index=False)]
    widths = [
        min(
            30,
            max(
                8, *(len(word) for word in unmark(header[i]).split()), *(len(unmark(row[i])) for row in body)
            ),
        )
        for i in range(len(header))
    ]
    rule = {"l": ":{}", "r": "{}:", "c": ":{}:"}
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(rule[a].format("-" * w) for a, w in zip(align, widths, strict=True)) + "|",
        *("| " + " | ".join(row) + " |" for row in body),
    ]
    return "\n".join(lines) + f"\n\n: {caption} {{#tbl-{label}}}\n"
