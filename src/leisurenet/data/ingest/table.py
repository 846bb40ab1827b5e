"""The table every reader of an export returns, and what the readers share.

:class:`RawTable` holds a file's untouched text cells and what the file declares about
them. The checks of the column names (unnamed, duplicate, not among the known columns) and
the writing of a cell as text are the same for CSV and Excel (``csv_excel``) and SPSS
(``spss``) files, so they are kept here, beside the table, for both readers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from leisurenet.errors import InputError, Problem


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
        given to :func:`~leisurenet.data.ingest.read.read_export`; their cells are not kept.
    layout : str
        The header layout, one of :data:`~leisurenet.data.ingest.layouts.LAYOUTS`: ``"plain"``
        (one header row of names), ``"qualtrics"``, ``"surveymonkey"``, ``"limesurvey"`` or
        ``"spss"``.
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


# --- errors ------------------------------------------------------------------------------


def _fail(path: Path, message: str, fix: str, **where) -> InputError:
    return InputError([Problem(file=str(path), message=message, fix=fix, **where)])


# --- column names (every format) ---------------------------------------------------------


def _unknown(names: list[str], known: Collection[str] | None) -> list[str]:
    """The named columns that are not ``known`` (none when no ``known`` columns are given)."""
    return [] if known is None else [n for n in names if n and n not in known]


def _split_known(
    names: list[str], keep: list[int], known: Collection[str] | None
) -> tuple[list[int], list[str]]:
    """The positions in ``keep`` of known columns, and the names of the others."""
    unknown = set(_unknown(names, known))
    return [i for i in keep if names[i] not in unknown], [names[i] for i in keep if names[i] in unknown]


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
