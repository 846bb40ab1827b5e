"""Where every number in the paper comes from: ``results/paper/provenance.csv``.

The numbers enter the paper through the formatting helpers of :mod:`leisurenet.paper.formatting`. The
tables those helpers read are first passed through :func:`trace`, which turns every number
of a table into a :class:`Traced` value: a float (or :class:`TracedInt`, an int) that knows
its file, its row and its column, and keeps knowing them through the arithmetic the paper
does on it (a percentage from a proportion, a difference of two shares, a sum of counts).
A helper that formats a traced value writes it as a Pandoc span::

    [62.3%]{.num data-source="results/descriptives/items.csv" data-row="rep_voice"
            data-column="pct_positive" data-value="62.33766233766234"}

which both renderers read: ``paper/filters/provenance.lua`` turns it into a link with a
popup in HTML and into the bare number in Typst (the PDF is unchanged). After rendering,
:func:`provenance_table` reads the spans back from ``_variables.yml`` and the tables, finds
where the manuscript prints each (its section, or its table, row and column), and adds the
rule that wrote the source and the source's SHA-256: one row per number printed, and one per
figure. A value formatted without an origin is printed bare, and the test of the rendered
paper (``tests/paper/test_provenance.py``) finds it, as it finds a number typed into the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from leisurenet.io import atomic_path
from leisurenet.release.manifest import sha256

ENVIRONMENT = "(environment)"  # the source of software versions: the installed packages
COLUMNS = ["text", "location", "variable", "source", "row_key", "column", "value", "rule", "sha256"]


@dataclass(frozen=True)
class Origin:
    """A number's place: ``source`` (a file relative to the project, or ``(environment)``),
    ``row`` (its key in the file) and ``column`` (or how the paper derived it from columns)."""

    source: str
    row: str
    column: str
    value: float | int | None = None  # as the file holds it; None: the value derived


def _combined(a: Origin, b: Origin, symbol: str) -> Origin:
    """Two numbers combined (a difference of shares, a sum of counts): the value is derived."""
    source = a.source if a.source == b.source else f"{a.source}; {b.source}"
    row = a.row if a.row == b.row else f"{a.row} {symbol} {b.row}"
    same_cell = a.row == b.row and a.column == b.column  # so that x + x does not read as x
    column = a.column if a.column == b.column and not same_cell else f"{a.column} {symbol} {b.column}"
    return Origin(source, row, column)


def _derived(origin: Origin, expression: str) -> Origin:
    """The same cell, transformed (``"−{}"``, ``"{} ÷ 3"``): the value is derived."""
    return Origin(origin.source, origin.row, expression.format(origin.column))


def _unit(number) -> bool:
    """A power of ten (100, 0.01): multiplying by it changes the unit, not the number."""
    return isinstance(number, int | float) and number > 0 and float(np.log10(number)).is_integer()


def _origin(value) -> Origin | None:
    return getattr(value, "origin", None)


class _Arithmetic:
    """Arithmetic that keeps the origin: ``100 * share`` is still the share, of its file (its
    value as the file holds it); any other transformation is written into the column
    (``"1 ÷ odds_ratio"``, ``"−estimate"``) with the derived value, and a number made of two
    traced ones has both origins. A subclass names its number type (``_kind``)."""

    _kind: type
    origin: Origin

    def __new__(cls, value, origin: Origin):
        obj = cls._kind.__new__(cls, value)
        obj.origin = origin
        return obj

    def __reduce__(self):
        return (type(self), (self._plain(), self.origin))

    def _plain(self):
        return self._kind(self)

    def _wrap(self, value, origin):
        """An arithmetic result with ``origin``: a count stays a count, anything else as it is."""
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return TracedInt(value, origin)
        return Traced(value, origin) if isinstance(value, float) else value

    def _binary(self, other, operator, symbol, reflected=False):
        result = operator(other, self._plain()) if reflected else operator(self._plain(), other)
        if result is NotImplemented:
            return result
        other_origin = _origin(other)
        unit = symbol == "×" or (symbol == "÷" and not reflected)
        if other_origin is None and unit and _unit(other):  # the file's value stands
            return self._wrap(result, self.origin)
        if other_origin is None:  # a shift ("40,000 − 1"), a ratio ("1 ÷ x"): derived
            expression = f"{other} {symbol} {{}}" if reflected else f"{{}} {symbol} {other}"
            return self._wrap(result, _derived(self.origin, expression))
        first, second = (other_origin, self.origin) if reflected else (self.origin, other_origin)
        return self._wrap(result, _combined(first, second, symbol))

    def __mul__(self, other):
        return self._binary(other, lambda a, b: a * b, "×")

    def __rmul__(self, other):
        return self._binary(other, lambda a, b: a * b, "×", True)

    def __truediv__(self, other):
        return self._binary(other, lambda a, b: a / b, "÷")

    def __rtruediv__(self, other):
        return self._binary(other, lambda a, b: a / b, "÷", True)

    def __add__(self, other):
        return self._binary(other, lambda a, b: a + b, "+")

    def __radd__(self, other):
        return self._binary(other, lambda a, b: a + b, "+", True)

    def __sub__(self, other):
        return self._binary(other, lambda a, b: a - b, "−")

    def __rsub__(self, other):
        return self._binary(other, lambda a, b: a - b, "−", True)

    def __neg__(self):
        return self._wrap(-self._plain(), _derived(self.origin, "−{}"))

    def __abs__(self):
        return self._wrap(abs(self._plain()), _derived(self.origin, "abs({})"))


class Traced(_Arithmetic, float):
    """A float with its :class:`Origin`."""

    _kind = float


class TracedInt(_Arithmetic, int):
    """An int (a count) with its :class:`Origin`."""

    _kind = int


def traced(value, source: str, row: str, column: str):
    """``value`` (a number) with its origin; a missing value stays as it is."""
    if value is None or isinstance(value, bool) or pd.isna(value):
        return value
    if isinstance(value, int | np.integer):
        return TracedInt(int(value), Origin(str(source), str(row), str(column), int(value)))
    return Traced(float(value), Origin(str(source), str(row), str(column), float(value)))


def trace(df: pd.DataFrame, source: str | Path, key: str | Iterable[str] | None) -> pd.DataFrame:
    """``df`` (read from ``source``) with each number a :class:`Traced` (or :class:`TracedInt`)
    that knows its file, its row (the ``key`` column or columns, or the row's number) and its
    column. Text and boolean columns are left as they are."""
    keys = [key] if isinstance(key, str) else list(key or [])
    if keys:
        parts = df[keys].astype(object).where(df[keys].notna(), "").astype(str)
        joined = [" / ".join(v for v in r if v) for r in parts.itertuples(index=False)]
        rows = pd.Series(joined, index=df.index, dtype=object)  # also for a table without rows
    else:
        rows = pd.Series([f"row {i + 1}" for i in range(len(df))], index=df.index)
    out = df.copy()
    source = Path(source).as_posix()
    for column in df.columns:
        if column in keys:
            continue
        values = df[column]
        if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            continue
        kind = TracedInt if pd.api.types.is_integer_dtype(values) else Traced
        out[column] = pd.Series(
            [
                v if pd.isna(v) else kind(v, Origin(source, row, column, v))
                for v, row in zip(values.tolist(), rows, strict=True)
            ],
            index=df.index,
            dtype=object,
        )
    out.attrs["source"] = source
    return out


def rows_of(df: pd.DataFrame, what: str = "rows") -> TracedInt | int:
    """The number of rows of a traced table (or of a selection from one), as a traced count."""
    source = df.attrs.get("source")
    if source is None:
        return len(df)
    return TracedInt(len(df), Origin(source, what, "(number of rows)"))


def plain(value):
    """A traced value as a plain float or int (for sorting and for NumPy)."""
    if isinstance(value, TracedInt):
        return int(value)
    if isinstance(value, Traced):
        return float(value)
    return value


# --- the spans -------------------------------------------------------------------------------

ATTRIBUTES = ("source", "row", "column", "value")
SPAN = re.compile(r'\[([^\[\]]*)\]\{\.num((?: data-[a-z]+="[^"]*")*)\}')
ATTRIBUTE = re.compile(r'data-([a-z]+)="([^"]*)"')
# Words in another language than the paper's (leisurenet.paper.formatting.dutch).
LANG = re.compile(r'\[((?:[^\[\]\\]|\\.)*)\]\{lang="[a-z-]+"\}')


def _attribute(text: str) -> str:
    return str(text).replace("\\", "/").replace('"', "'").replace("|", "/").replace("\n", " ")


def _value_text(value) -> str:
    return value if isinstance(value, str) else repr(value)


def mark(text: str, value) -> str:
    """``text`` (a formatted number) as a span with its value's origin; bare without one."""
    origin = _origin(value)
    if origin is None:
        return text
    attributes = {
        "source": origin.source,
        "row": origin.row,
        "column": origin.column,
        "value": _value_text(plain(value) if origin.value is None else origin.value),
    }
    inner = " ".join(f'data-{k}="{_attribute(v)}"' for k, v in attributes.items())
    return f"[{text}]{{.num {inner}}}"


class _Cited:
    def __init__(self, origin: Origin):
        self.origin = origin


def cite(text: str, source: str, row: str, column: str, value: str | None = None) -> str:
    """Text that prints numbers a file holds as text (cut points "15000, 40000"), marked with
    its cell; ``value`` is the cell as the file holds it, when it prints otherwise (a date)."""
    return mark(text, _Cited(Origin(str(source), str(row), str(column), text if value is None else value)))


def spans(text: str) -> list[dict]:
    """The spans in ``text``: their printed ``text`` and attributes, in order."""
    found = []
    for match in SPAN.finditer(str(text)):
        attributes = dict(ATTRIBUTE.findall(match.group(2)))
        found.append({"text": match.group(1), **{k: attributes.get(k, "") for k in ATTRIBUTES}})
    return found


def unmark(text: str) -> str:
    """``text`` with every span replaced by its printed text (what a reader sees), and a
    bracket printed as such (:func:`leisurenet.paper.formatting.escape`) as the bracket."""
    text = LANG.sub(lambda m: m.group(1), SPAN.sub(lambda m: m.group(1), str(text)))
    return text.replace("\\[", "[").replace("\\]", "]")


# --- where the manuscript prints them ----------------------------------------------------------

HEADING = re.compile(r"^(#{1,6}) (.+?)(?:\s*\{[^}]*\})?\s*$")
VAR = re.compile(r"\{\{<\s*var\s+([^\s>]+)\s*>\}\}")
INCLUDE = re.compile(r"\{\{<\s*include\s+tables/([\w-]+)\.md\s*>\}\}")
FIGURE = re.compile(r"!\[.*\]\((figures/[\w.-]+)\)\{#(fig-[\w-]+)")


@dataclass(frozen=True)
class Use:
    """One place of the manuscript: a variable or a table (``name``), and where it is printed."""

    kind: str  # "var", "table" or "figure"
    name: str
    location: str


def uses(source: str) -> list[Use]:
    """Every variable, table and figure the manuscript prints, in order, with its section
    (``Abstract`` in the front matter, ``caption of fig-...`` in a figure's caption)."""
    found, section, front = [], "Front matter", False
    n_figures = 0
    for number, line in enumerate(source.splitlines()):
        if line.strip() == "---" and (number == 0 or front):
            front = number == 0
            section = "Abstract" if front else "Before the introduction"
            continue
        heading = HEADING.match(line)
        if heading:
            section = f"Section {heading.group(2).strip()}"
            continue
        figure = FIGURE.search(line)
        if figure:
            n_figures += 1
        where = f"Figure {n_figures} caption ({figure.group(2)})" if figure else section
        found += [Use("var", m.group(1), where) for m in VAR.finditer(line)]
        found += [Use("table", m.group(1), section) for m in INCLUDE.finditer(line)]
        if figure:
            found.append(Use("figure", figure.group(1), f"Figure {n_figures} ({figure.group(2)})"))
    return found


def lookup(variables: Mapping, dotted: str):
    value = variables
    for part in dotted.split("."):
        value = value[part]
    return value


def table_cells(markdown: str) -> tuple[str, list[tuple[str, str, str]]]:
    """A pipe table's label and its cells: (first cell of the row, column heading, cell text);
    the caption and the header row come first, as rows "(caption)" and "(header)"."""
    label = re.search(r"\{#(tbl-[\w-]+)\}", markdown)
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    if len(lines) < 2:
        return (label.group(1) if label else ""), []
    split = [re.split(r"(?<!\\)\|", line.strip())[1:-1] for line in lines]
    header = [unmark(c).strip().replace("\u200b", "").replace("\\", "") for c in split[0]]
    caption = re.search(r"^: (.*) \{#tbl-[\w-]+\}\s*$", markdown, re.MULTILINE)
    cells = [("(caption)", "", caption.group(1))] if caption else []
    cells += [("(header)", heading, cell.strip()) for heading, cell in zip(header, split[0], strict=True)]
    for row in split[2:]:
        first = unmark(row[0]).strip().replace("\u200b", "").replace("\\", "").strip("*")
        cells += [(first, header[i], cell.strip()) for i, cell in enumerate(row)]
    return (label.group(1) if label else ""), cells


def provenance_table(
    source: str,
    variables: Mapping,
    tables: Path,
    rules: Mapping[str, str],
    figure_inputs: Mapping[str, list[str]],
    root: Path = Path("."),
) -> pd.DataFrame:
    """One row per number the manuscript prints (columns :data:`COLUMNS`), and one per figure.

    ``source`` is the manuscript's text, ``variables`` its ``_variables.yml``, ``tables`` the
    folder of its tables; ``rules`` maps an output file to the rule that writes it and
    ``figure_inputs`` a figure file to the data its rule read.
    """
    hashes: dict[str, str] = {}

    def checksum(path: str) -> str:
        if path not in hashes:
            file = root / path
            hashes[path] = sha256(file) if path != ENVIRONMENT and file.is_file() else ""
        return hashes[path]

    def row(span: dict, location: str, variable: str) -> dict:
        return {
            "text": span["text"],
            "location": location,
            "variable": variable,
            "source": span["source"],
            "row_key": span["row"],
            "column": span["column"],
            "value": span["value"],
            "rule": rules.get(span["source"], ""),
            "sha256": checksum(span["source"]),
        }

    rows = []
    for use in uses(source):
        if use.kind == "var":
            value = lookup(variables, use.name)
            rows += [row(s, use.location, use.name) for s in spans(str(value))]
        elif use.kind == "table":
            path = tables / f"{use.name}.md"
            if not path.is_file():
                continue
            label, cells = table_cells(path.read_text(encoding="utf-8"))
            for first, heading, cell in cells:
                where = (
                    f"{label}, caption"
                    if first == "(caption)"
                    else f"{label}, row '{first}', column '{heading}'"
                )
                rows += [row(s, where, f"tables/{use.name}.md") for s in spans(cell)]
        else:
            name = Path(use.name).name
            file = f"results/figures/{name}"
            rows.append(
                {
                    "text": use.location.split(" (")[0],
                    "location": use.location,
                    "variable": use.name,
                    "source": file,
                    "row_key": "",
                    "column": "",
                    "value": " ".join(figure_inputs.get(file, [])),
                    "rule": rules.get(file, ""),
                    "sha256": checksum(file),
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def write_provenance(
    build: Path,
    manuscript: str,
    rules: Mapping[str, str],
    figure_inputs: Mapping[str, list[str]],
    output: Path,
) -> int:
    """:func:`provenance_table` of the manuscript rendered in ``build`` (its text, its
    ``_variables.yml`` and its tables there), written to ``output``; returns its rows."""
    table = provenance_table(
        (build / manuscript).read_text(encoding="utf-8"),
        yaml.safe_load((build / "_variables.yml").read_text(encoding="utf-8")),
        build / "tables",
        rules,
        figure_inputs,
    )
    with atomic_path(output) as tmp:
        table.to_csv(tmp, index=False, lineterminator="\n")
    return len(table)
