"""Reading CSV text and Excel workbooks, whatever header rows the survey tool wrote.

A CSV file is decoded (UTF-8 or Windows-1252) and its delimiter detected; a worksheet is read
as text cells. Both are then one list of records, which :func:`_table_from_records` splits
into header rows (by the layout ``layouts`` detects) and answer rows, and checks. An SPSS
file has a reader of its own (``spss``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from pathlib import Path

import pandas as pd

from leisurenet.data.ingest.layouts import HEADER_ROWS, TOOLS, detect_layout, header_names, layout_note
from leisurenet.data.ingest.table import RawTable, _check_names, _fail, _split_known, _unknown, cell_text
from leisurenet.errors import InputError, Problem

DELIMITERS = (",", ";", "\t")
SAVE_AS_CSV = "open it in Excel or LibreOffice and save it as 'CSV UTF-8 (comma delimited)' (*.csv)"


# --- CSV ---------------------------------------------------------------------------------


def _read_text(path: Path, known: Collection[str] | None) -> RawTable:
    text, encoding = _decode(path, path.read_bytes())
    delimiter = _detect_delimiter(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise _fail(path, f"the file is not valid CSV: {exc}", SAVE_AS_CSV) from exc
    notes = [
        "format: CSV text",
        f"encoding: {encoding}",
        f"delimiter: {delimiter!r} (detected from the header)",
    ]
    return _table_from_records(path, records, notes, delimiter, known)


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), else Windows-1252; anything else is an error."""
    if b"\x00" in data:
        kind = "UTF-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "UTF-16 or another wide encoding"
        raise _fail(
            path,
            f"the file contains NUL bytes, so it is not UTF-8 or Windows-1252 text (it looks like {kind}, "
            "which Excel writes as 'Unicode Text')",
            SAVE_AS_CSV,
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError as exc:
            raise _undecodable(
                path, data[3:], exc, "UTF-8 text, although the file starts with a UTF-8 BOM"
            ) from exc
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252 (cp1252; the file is not valid UTF-8)"
    except UnicodeDecodeError as exc:
        raise _undecodable(path, data, exc, "UTF-8 or as Windows-1252 (cp1252) text") from exc


def _undecodable(path: Path, data: bytes, exc: UnicodeDecodeError, tried: str) -> InputError:
    row = data[: exc.start].count(b"\n") + 1
    byte = f"0x{data[exc.start]:02X}"
    return _fail(
        path,
        f"byte {byte} cannot be read as {tried}",
        f"the file is in another encoding; {SAVE_AS_CSV}",
        row=row,
        value=byte,
    )


def _detect_delimiter(text: str) -> str:
    """The most frequent of ``,``, ``;`` and tab in the header line, outside quotes."""
    header = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    unquoted = "".join(header.split('"')[::2])
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


# --- Excel -------------------------------------------------------------------------------


def _read_xlsx(path: Path, sheet: str | None, known: Collection[str] | None) -> RawTable:
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            names = book.sheet_names
            chosen = names[0] if sheet is None else sheet
            if chosen not in names:
                listed = ", ".join(repr(n) for n in names)
                raise _fail(
                    path,
                    f"the workbook has no sheet {chosen!r}; its sheets are {listed}",
                    f"set the sheet to one of {listed} (the names are case-sensitive)",
                    value=str(chosen),
                )
            frame = pd.read_excel(book, sheet_name=chosen, header=None, dtype=object)
    except InputError:
        raise
    except Exception as exc:  # openpyxl and zipfile raise many types for a damaged workbook
        raise _fail(
            path,
            f"the file cannot be read as an Excel workbook ({type(exc).__name__}: {exc})",
            "open it in Excel or LibreOffice and save it again as .xlsx, or export it as CSV UTF-8",
        ) from exc
    records = [[cell_text(v) for v in row] for row in frame.itertuples(index=False)]
    notes = ["format: Excel workbook", f"sheet: {chosen!r} (of {len(names)}: {', '.join(names)})"]
    return _table_from_records(path, records, notes, None, known)


# --- records to table (CSV and Excel) ------------------------------------------------------


def _table_from_records(
    path: Path,
    records: list[list[str]],
    notes: list[str],
    delimiter: str | None,
    known: Collection[str] | None,
) -> RawTable:
    """Detect the header layout from the first non-empty rows and check the answer rows against it."""
    # A row is empty when no cell holds more than whitespace: when its cells joined are blank.
    filled = ["".join(r).strip() != "" for r in records]
    numbered = [(i + 1, r) for i, (r, f) in enumerate(zip(records, filled, strict=True)) if f]
    skipped = [i + 1 for i, f in enumerate(filled) if not f]
    if not numbered:
        raise _fail(
            path,
            "the file holds no data: every row is empty",
            "export the data again (for a workbook, check that the right sheet is chosen)",
        )
    layout = detect_layout([r for _, r in numbered[:3]])
    head, body = numbered[: HEADER_ROWS[layout]], numbered[HEADER_ROWS[layout] :]
    header_row = head[0][0]
    if header_row > 1:
        notes.append(f"header found in row {header_row}; the rows above it are empty")
    skipped = [r for r in skipped if r > header_row]
    if skipped:
        notes.append(f"skipped {len(skipped)} empty row(s): {', '.join(map(str, skipped))}")
    if not body:
        raise _fail(
            path,
            f"the file has {_header_rows_text(layout, head)} but no data rows",
            "export the respondents' answers too, not only the column names",
        )
    width = len(head[0][1])
    names, texts = header_names(layout, [r for _, r in head], width)
    notes.append(layout_note(layout, "CSV" if delimiter else "Excel", body[0][0]))
    problems = _header_width_problems(path, layout, head, width)
    problems += _ragged_rows(path, width, body, delimiter, quote=not _unknown(names, known))
    keep, name_problems = _check_names(path, names, [r for _, r in body], header_row, notes)
    problems += name_problems
    if problems:
        raise InputError(problems)
    questions = {names[i]: texts[i] for i in keep if texts[i]}
    keep, ignored = _split_known(names, keep, known)
    # Rows are complete here (ragged rows stopped above); copy cells only to drop columns.
    cells = [r for _, r in body] if len(keep) == width else [[r[i] for i in keep] for _, r in body]
    data = pd.DataFrame(cells, columns=[names[i] for i in keep], dtype=object)
    rows = [n for n, _ in body]
    return RawTable(str(path), data, rows, notes=notes, ignored=ignored, layout=layout, questions=questions)


def _header_rows_text(layout: str, head: list[tuple[int, list[str]]]) -> str:
    if len(head) == 1:
        return f"a header row (row {head[0][0]})"
    return f"{len(head)} header rows of a {TOOLS[layout]} export (rows {head[0][0]}-{head[-1][0]})"


def _header_width_problems(
    path: Path, layout: str, head: list[tuple[int, list[str]]], width: int
) -> list[Problem]:
    """Header rows below the first with filled cells beyond its width: they name no column."""
    return [
        Problem(
            file=str(path),
            message=f"header row {row} has {len(record)} fields but the first header row (row {head[0][0]}) "
            f"has {width}; its cells beyond field {width} belong to no column",
            fix=f"export the data from {TOOLS[layout]} again without editing the header rows; every "
            "header row must have as many fields as the first",
            row=row,
        )
        for row, record in head[1:]
        if any(c.strip() for c in record[width:])
    ]


def _ragged_rows(
    path: Path, width: int, body: list, delimiter: str | None, quote: bool = True
) -> list[Problem]:
    """Rows with more or fewer fields than the header; the row is quoted only when ``quote``.

    A malformed row's fields cannot be matched to their columns, so when the export has
    columns that are not in the codebook (IP or e-mail addresses, say) none is quoted.
    """
    if delimiter is None:  # a worksheet is rectangular by construction
        return []
    shown = "tab" if delimiter == "\t" else f"'{delimiter}'"
    withheld = "" if quote else " (not shown: the export has columns that are not in the codebook)"
    return [
        Problem(
            file=str(path),
            message=f"the row has {len(record)} fields but the header has {width}{withheld}",
            fix=f"a cell probably contains the delimiter {shown} without quotes around it, or a "
            f"delimiter is missing; make the row have exactly {width} fields",
            row=row,
            value=_shorten(delimiter.join(record)) if quote else None,
        )
        for row, record in body
        if len(record) != width
    ]


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
