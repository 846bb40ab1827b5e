"""Reading a raw survey export (CSV, Excel or SPSS) into a table of untouched text cells.

Nothing is interpreted here: every cell stays the text the file holds, so that validation
can point at the exact value and the cleaning stage can log every change it makes. What
was detected (format, encoding, delimiter, sheet) is recorded in ``RawTable.notes``.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import InputError, Problem

TEXT_SUFFIXES = (".csv", ".txt")
DELIMITERS = (",", ";", "\t")
SAVE_AS_CSV = "open it in Excel or LibreOffice and save it as 'CSV UTF-8 (comma delimited)' (*.csv)"
SUPPORTED = (
    "a CSV file (.csv or .txt, UTF-8 or Windows-1252), an Excel workbook (.xlsx) or an SPSS file (.sav)"
)


@dataclass
class RawTable:
    """A raw export as text cells, with what the file itself declares about them.

    Attributes
    ----------
    path : str
        The file read, as given.
    data : pandas.DataFrame
        One column per header name (stripped of whitespace and a UTF-8 BOM), one row per
        data row; every cell is a Python ``str`` and blank cells are ``''``.
    rows : list of int
        For each data row, its row number as a spreadsheet shows it (the header is row 1);
        for an SPSS file the case number plus one.
    declared_missing : dict of str to frozenset of str
        SPSS user-missing values per column, written as the cells are.
    value_labels : dict of str to dict of str to str
        SPSS value labels per column: code (written as the cells are) to label.
    notes : list of str
        What was detected while reading, for the log.
    ignored : list of str
        The names of the columns dropped because they are not among the ``known`` columns
        given to :func:`read_export`; their cells are not kept.
    """

    path: str
    data: pd.DataFrame
    rows: list[int]
    declared_missing: dict[str, frozenset[str]] = field(default_factory=dict)
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def read_export(path: str | Path, sheet: str | None = None, known: Collection[str] | None = None) -> RawTable:
    """Read a raw survey export, choosing the reader by the file's suffix.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.txt`` (comma, semicolon or tab separated; UTF-8 with or without BOM,
        or Windows-1252), ``.xlsx`` or ``.sav`` file.
    sheet : str, optional
        The worksheet of an ``.xlsx`` file; the first sheet when not given.
    known : collection of str, optional
        The columns to keep (the codebook's, :attr:`leisurenet.codebook.Codebook.columns`).
        Survey tools add columns such as IP and e-mail addresses, so the others are dropped
        here, by name (``RawTable.ignored``), and no message quotes their cells. All columns
        are kept when not given.

    Returns
    -------
    RawTable

    Raises
    ------
    InputError
        When the file is missing, empty, of an unsupported kind or unreadable, has no data
        rows, duplicate or unnamed columns, or rows with the wrong number of fields; every
        problem names the file and says what to do.
    """
    path = Path(path)
    _check_file(path)
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        table = _read_text(path, known)
    elif suffix == ".xlsx":
        table = _read_xlsx(path, sheet, known)
    else:
        table = _read_sav(path, known)
    if sheet is not None and suffix != ".xlsx":
        table.notes.append(f"sheet {sheet!r} ignored: a {suffix} file has no sheets")
    return table


def read_frame(path: str | Path, sheet: str | None = None) -> RawTable:
    """Read the population frame (columns ``network_id`` and ``municipality_pop``).

    The frame is read exactly as an export is (see :func:`read_export`); its columns are
    checked by :func:`leisurenet.validate.validate_frame`.
    """
    return read_export(path, sheet)


# --- whole-file checks ------------------------------------------------------------------


def _fail(path: Path, message: str, fix: str, **where) -> InputError:
    return InputError([Problem(file=str(path), message=message, fix=fix, **where)])


def _check_file(path: Path) -> None:
    if not path.exists():
        raise _fail(
            path,
            "the file does not exist",
            f"check the file name and the path in the configuration (looked for {path.resolve()})",
        )
    if not path.is_file():
        raise _fail(path, "the path is a folder, not a file", f"point the configuration at {SUPPORTED}")
    suffix = path.suffix.lower()
    if suffix not in (*TEXT_SUFFIXES, ".xlsx", ".sav"):
        raise _fail(
            path,
            f"files ending in '{suffix or '(no suffix)'}' cannot be read",
            f"export the survey as {SUPPORTED}",
        )
    if path.stat().st_size == 0:
        raise _fail(
            path,
            "the file is empty (0 bytes)",
            "export the data again; the export or the copy was probably interrupted",
        )


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
    """Take the first non-empty row as the header and check the rest against it."""
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
    (header_row, header), body = numbered[0], numbered[1:]
    if header_row > 1:
        notes.append(f"header found in row {header_row}; the rows above it are empty")
    skipped = [r for r in skipped if r > header_row]
    if skipped:
        notes.append(f"skipped {len(skipped)} empty row(s): {', '.join(map(str, skipped))}")
    if not body:
        raise _fail(
            path,
            f"the file has a header row (row {header_row}) but no data rows",
            "export the respondents' answers too, not only the column names",
        )
    names = [_clean_name(c) for c in header]
    problems = _ragged_rows(path, len(header), body, delimiter, quote=not _unknown(names, known))
    keep, name_problems = _check_names(path, names, [r for _, r in body], header_row, notes)
    problems += name_problems
    if problems:
        raise InputError(problems)
    keep, ignored = _split_known(names, keep, known)
    # Rows are complete here (ragged rows stopped above); copy cells only to drop columns.
    cells = [r for _, r in body] if len(keep) == len(header) else [[r[i] for i in keep] for _, r in body]
    data = pd.DataFrame(cells, columns=[names[i] for i in keep], dtype=object)
    return RawTable(str(path), data, [n for n, _ in body], notes=notes, ignored=ignored)


def _unknown(names: list[str], known: Collection[str] | None) -> list[str]:
    """The named columns that are not ``known`` (none when no ``known`` columns are given)."""
    return [] if known is None else [n for n in names if n and n not in known]


def _split_known(
    names: list[str], keep: list[int], known: Collection[str] | None
) -> tuple[list[int], list[str]]:
    """The positions in ``keep`` of known columns, and the names of the others."""
    unknown = set(_unknown(names, known))
    return [i for i in keep if names[i] not in unknown], [names[i] for i in keep if names[i] in unknown]


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


def _check_names(
    path: Path,
    names: list[str],
    body: list[list[str]],
    header_row: int,
    notes: list[str],
    spss: bool = False,
) -> tuple[list[int], list[Problem]]:
    """Positions of the columns to keep, and problems with unnamed or duplicate names.

    ``names`` are the header's names after :func:`_clean_name`. With ``spss`` the columns
    are named as SPSS variables, by their number in the file, not as spreadsheet columns.
    """

    def place(i: int) -> str:
        # imported here: openpyxl takes 0.15 s to import and only a faulty header needs it
        from openpyxl.utils import get_column_letter

        return str(i + 1) if spss else get_column_letter(i + 1)

    kind = "variable" if spss else "spreadsheet column"
    keep, problems = [], []
    for i, name in enumerate(names):
        if name:
            keep.append(i)
        elif any(i < len(r) and r[i].strip() for r in body):
            problems.append(
                Problem(
                    file=str(path),
                    message=f"{kind} {place(i)} holds data but has no name in the header",
                    fix="give the variable a name in SPSS's Variable View, or delete it"
                    if spss
                    else f"type the column's name in cell {place(i)}{header_row}, or delete the column",
                    row=header_row,
                )
            )
        else:
            notes.append(f"ignored {kind} {place(i)}: no name and no data")
    counts = Counter(names[i] for i in keep)
    for name, n in counts.items():
        if n > 1:
            places = ", ".join(place(i) for i in keep if names[i] == name)
            problems.append(
                Problem(
                    file=str(path),
                    message=f"the variable name occurs {n} times once surrounding spaces are removed "
                    f"(variables {places})"
                    if spss
                    else f"the column name occurs {n} times in the header (spreadsheet columns {places})",
                    fix="rename or delete the extra copies in SPSS's Variable View; every variable needs a "
                    "unique name"
                    if spss
                    else "rename or delete the extra copies; every column needs a unique name",
                    column=name,
                    row=header_row,
                )
            )
    return keep, problems


def _clean_name(name: str) -> str:
    return name.replace("\ufeff", "").strip()


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- SPSS --------------------------------------------------------------------------------


def _read_sav(path: Path, known: Collection[str] | None) -> RawTable:
    import pyreadstat  # imported here so CSV users need no SPSS library installed

    try:
        frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=True)
    except Exception as exc:  # pyreadstat raises its own types for damaged or foreign files
        raise _fail(
            path,
            f"the file cannot be read as an SPSS .sav file ({type(exc).__name__}: {exc})",
            "open it in SPSS or PSPP and save it again as .sav, or export it as CSV UTF-8",
        ) from exc
    if len(frame) == 0:
        raise _fail(
            path,
            "the SPSS file defines variables but holds no cases",
            "export the respondents' answers too, not only the variable definitions",
        )
    cells = [[cell_text(v) for v in frame.iloc[:, j]] for j in range(frame.shape[1])]
    names = [_clean_name(str(c)) for c in frame.columns]
    notes = [f"format: SPSS .sav ({len(frame)} cases, {len(frame.columns)} variables)"]
    # the same name checks as for CSV and Excel: the header is row 1, the cases rows 2, 3, ...
    keep, problems = _check_names(
        path, names, [list(r) for r in zip(*cells, strict=True)], 1, notes, spss=True
    )
    if problems:
        raise InputError(problems)
    keep, ignored = _split_known(names, keep, known)
    data = pd.DataFrame({names[j]: cells[j] for j in keep}, dtype=object)
    labels = {
        _clean_name(c): {cell_text(k): str(v) for k, v in mapping.items()}
        for c, mapping in meta.variable_value_labels.items()
        if _clean_name(c) in data.columns
    }
    if meta.file_encoding:
        notes.append(f"encoding: {meta.file_encoding} (declared in the file)")
    declared = {c: v for c, v in _declared_missing(frame, meta).items() if c in data.columns}
    return RawTable(str(path), data, [i + 2 for i in range(len(data))], declared, labels, notes, ignored)


def _declared_missing(frame: pd.DataFrame, meta) -> dict[str, frozenset[str]]:
    """User-missing values per column; a range is resolved to the values present in the data."""
    declared: dict[str, set[str]] = {}
    for column, ranges in (meta.missing_ranges or {}).items():
        values = declared.setdefault(_clean_name(column), set())
        for rng in ranges:
            lo, hi = rng["lo"], rng["hi"]
            if lo == hi:
                values.add(cell_text(lo))
            else:
                values.update(cell_text(v) for v in frame[column] if _within(v, lo, hi))
    for column, codes in (getattr(meta, "missing_user_values", None) or {}).items():
        declared.setdefault(_clean_name(column), set()).update(cell_text(c) for c in codes)
    return {c: frozenset(v) for c, v in declared.items()}


def _within(value, lo, hi) -> bool:
    return isinstance(value, int | float) and not math.isnan(value) and lo <= value <= hi


# --- cells -------------------------------------------------------------------------------


def cell_text(value) -> str:
    """One cell as text: missing -> ``''``, a whole float ``4.0`` -> ``'4'``, else ``str()``.

    Examples
    --------
    >>> [cell_text(v) for v in (4.0, 4.5, None, float("nan"), 7, "x ")]
    ['4', '4.5', '', '', '7', 'x ']
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
