"""The header layouts of survey tools' CSV and Excel exports: telling them apart, naming the columns.

Qualtrics writes three header rows, SurveyMonkey two, LimeSurvey one of ``code. text``
headings, a plain export one row of names. :func:`detect_layout` tells them apart from the
first rows and :func:`header_names` gives each column's name and question text, for the
CSV and Excel reader (``csv_excel``); an SPSS file's names and labels are in its dictionary.
"""

from __future__ import annotations

import json
import re

from leisurenet.data.ingest.table import _clean_name

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
