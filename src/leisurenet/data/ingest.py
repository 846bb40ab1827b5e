"""Reading a raw survey export (CSV, Excel or SPSS) into a table of untouched text cells.

Nothing is interpreted here: every cell stays the text the file holds, so that validation
can point at the exact value and the cleaning stage can log every change it makes. What
was detected (format, encoding, delimiter, sheet, the survey tool's header layout) is
recorded in ``RawTable.notes``.

Survey tools write more than one header row (Qualtrics: names, question text, ImportId;
SurveyMonkey: question text, then "Response" or a matrix statement) or fold the question
text into the heading (LimeSurvey: ``G01Q03. text``). The layout is detected from the first
non-empty rows (:func:`detect_layout`); the columns are named by the layout's rules and the
question texts kept in ``RawTable.questions``. The header rows are never data.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from leisurenet.errors import InputError, Problem

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
        For each data row, its row number as a spreadsheet shows it (the first header row is
        row 1, so a Qualtrics export's first respondent is row 4);
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
    layout : str
        The header layout, one of :data:`LAYOUTS`: ``"plain"`` (one header row of names),
        ``"qualtrics"``, ``"surveymonkey"``, ``"limesurvey"`` or ``"spss"``.
    questions : dict of str to str
        Column name to the question text as the export states it, for every column (kept
        or ignored) that has one; empty for ``"plain"``. Never holds an answer.
    """

    path: str
    data: pd.DataFrame
    rows: list[int]
    declared_missing: dict[str, frozenset[str]] = field(default_factory=dict)
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    layout: str = "plain"
    questions: dict[str, str] = field(default_factory=dict)


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
    checked by :func:`leisurenet.data.validate.validate_frame`.
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


# --- header layouts (CSV and Excel) --------------------------------------------------------

LAYOUTS = ("plain", "qualtrics", "surveymonkey", "limesurvey", "spss")
HEADER_ROWS = {"plain": 1, "qualtrics": 3, "surveymonkey": 2, "limesurvey": 1}
TOOLS = {
    "plain": "plain",
    "qualtrics": "Qualtrics",
    "surveymonkey": "SurveyMonkey",
    "limesurvey": "LimeSurvey",
}
HEADER_ROLES = {
    "plain": "1 header row of column names",
    "qualtrics": "3 header rows: names, question text, ImportId",
    "surveymonkey": "2 header rows: question text, then 'Response' or a matrix statement",
    "limesurvey": "1 header row of 'code. question text' headings",
}
# SurveyMonkey's metadata columns, blank in its second header row
SURVEYMONKEY_METADATA = re.compile(
    r"respondent id|collector id|start date|end date|ip address|email address|first name|last name"
    r"|custom data(?: \d+)?",
    re.IGNORECASE,
)
# second-row cells under which a SurveyMonkey column is named by its first row alone
SURVEYMONKEY_SINGLE = ("", "response", "open-ended response")
LIMESURVEY_METADATA = ("id", "submitdate", "lastpage", "startlanguage", "seed")
# <code>[<sub>]... optionally followed by ". <question text>"; codes start with a letter
LIMESURVEY_HEADING = re.compile(
    r"(?P<code>[A-Za-z][A-Za-z0-9_]*(?:\[[A-Za-z0-9_#]+\])*)(?:\.(?:\s+(?P<text>.*))?)?", re.DOTALL
)
# how much of a header must look LimeSurvey's: several telling headings, nearly all parseable
LIMESURVEY_MIN_EVIDENCE = 3
NEARLY_ALL = 0.9


def detect_layout(head: list[list[str]]) -> str:
    """The header layout of a CSV or Excel export, from its first non-empty rows.

    Detection is conservative: a layout is chosen only when its header rows are there as the
    tool writes them, so a plain export with an odd column name or a text answer in its
    first rows stays ``"plain"``.

    Parameters
    ----------
    head : list of list of str
        The first (up to three) non-empty rows of the file, as text cells.

    Returns
    -------
    str
        ``"qualtrics"`` when the third row's filled cells are (nearly all) ``{"ImportId": ...}``
        JSON; ``"surveymonkey"`` when the first row begins with "Respondent ID" and the
        second is blank under the metadata columns and filled elsewhere; ``"limesurvey"``
        when several headings read ``<code>. <text>`` or ``<code>[<sub>]`` or are LimeSurvey's
        metadata (``id``, ``submitdate``, ``lastpage``, ``startlanguage``, ``seed``);
        otherwise ``"plain"``.

    Examples
    --------
    >>> detect_layout([["resp_id", "vis_defined"], ["R01", "helemaal akkoord"]])
    'plain'
    >>> detect_layout([["id. Antwoord ID", "submitdate. Datum verstuurd", "G01Q03[SQ001]. Visie [Bepaald]"]])
    'limesurvey'
    """
    if len(head) >= 3 and _is_qualtrics(head[2]):
        return "qualtrics"
    if len(head) >= 2 and _is_surveymonkey(head[0], head[1]):
        return "surveymonkey"
    if head and _is_limesurvey(head[0]):
        return "limesurvey"
    return "plain"


def _is_import_id(cell: str) -> bool:
    """Whether a cell is Qualtrics' ImportId JSON, e.g. ``{"ImportId":"QID3_1"}``."""
    text = cell.strip()
    if not text.startswith("{"):
        return False
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, dict) and "ImportId" in value


def _is_qualtrics(third: list[str]) -> bool:
    filled = [c for c in third if c.strip()]
    return bool(filled) and sum(map(_is_import_id, filled)) >= NEARLY_ALL * len(filled)


def _is_surveymonkey(first: list[str], second: list[str]) -> bool:
    if not first or _clean_name(first[0]).casefold() != "respondent id":
        return False
    metadata = [i for i, c in enumerate(first) if SURVEYMONKEY_METADATA.fullmatch(_clean_name(c))]
    blank_under_metadata = all(i >= len(second) or not second[i].strip() for i in metadata)
    return blank_under_metadata and any(c.strip() for c in second)


def _limesurvey_parts(heading: str) -> tuple[str, str] | None:
    """(code, question text) of a LimeSurvey heading, or None when it is not one."""
    match = LIMESURVEY_HEADING.fullmatch(_clean_name(heading))
    return None if match is None else (match["code"], (match["text"] or "").strip())


def _is_limesurvey(first: list[str]) -> bool:
    headings = [h for h in map(_clean_name, first) if h]
    parts = [p for p in map(_limesurvey_parts, headings) if p is not None]
    telling = [code for code, text in parts if text or "[" in code or code.casefold() in LIMESURVEY_METADATA]
    return len(telling) >= LIMESURVEY_MIN_EVIDENCE and len(parts) >= NEARLY_ALL * len(headings)


def header_names(layout: str, head: list[list[str]], width: int) -> tuple[list[str], list[str]]:
    """The column names and question texts, by position, that a layout's header rows give.

    Parameters
    ----------
    layout : str
        One of the CSV/Excel layouts (``"plain"``, ``"qualtrics"``, ``"surveymonkey"``,
        ``"limesurvey"``).
    head : list of list of str
        The layout's header rows (1, 3, 2 and 1 rows).
    width : int
        The number of columns: the first header row's length; shorter rows are padded.

    Returns
    -------
    names, questions : list of str
        Each column's name (stripped of whitespace and a BOM) and question text (``''`` where
        the export states none).

    Examples
    --------
    >>> header_names("surveymonkey", [["Respondent ID", "Visie?", ""], ["", "bepaald", "gedeeld"]], 3)[0]
    ['Respondent ID', 'Visie? - bepaald', 'Visie? - gedeeld']
    """
    rows = [[_clean_name(c) for c in (r + [""] * width)[:width]] for r in head]
    if layout == "qualtrics":
        return rows[0], rows[1]
    if layout == "surveymonkey":
        names = _surveymonkey_names(rows[0], rows[1])
        return names, list(names)
    if layout == "limesurvey":
        parts = [_limesurvey_parts(h) or (h, "") for h in rows[0]]
        return [code for code, _ in parts], [text for _, text in parts]
    return rows[0], [""] * width


def _surveymonkey_names(first: list[str], second: list[str]) -> list[str]:
    """Row 1's text, or "<row-1 text carried from the left> - <row-2 statement>" under a matrix."""
    names, carried = [], ""
    for top, sub in zip(first, second, strict=True):
        carried = top or carried
        single = sub.casefold() in SURVEYMONKEY_SINGLE
        names.append(top if single else " - ".join(t for t in (carried, sub) if t))
    return names


def layout_note(layout: str, source: str, first_answer_row: int) -> str:
    """The line for ``RawTable.notes`` naming the layout and where the answers start.

    Examples
    --------
    >>> layout_note("qualtrics", "CSV", 4)
    'layout: Qualtrics CSV export (3 header rows: names, question text, ImportId); answers from row 4'
    """
    where = f"answers from row {first_answer_row}"
    return f"layout: {TOOLS[layout]} {source} export ({HEADER_ROLES[layout]}); {where}"


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
    questions = _variable_labels(meta)
    notes.append(
        f"layout: SPSS .sav (names: the variable names; question text: the variable labels, "
        f"set for {len(questions)} of {len(frame.columns)} variables); cases from row 2"
    )
    named = {names[j] for j in keep} | set(ignored)
    declared = {c: v for c, v in _declared_missing(frame, meta).items() if c in data.columns}
    return RawTable(
        str(path),
        data,
        [i + 2 for i in range(len(data))],
        declared,
        labels,
        notes,
        ignored,
        layout="spss",
        questions={c: q for c, q in questions.items() if c in named},
    )


def _variable_labels(meta) -> dict[str, str]:
    """Variable name -> variable label (the question text), for the variables that have one."""
    labels = getattr(meta, "column_names_to_labels", None) or {}
    texts = {_clean_name(str(c)): "" if q is None else str(q).strip() for c, q in labels.items()}
    return {c: q for c, q in texts.items() if q}


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
