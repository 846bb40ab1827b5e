"""Reading an SPSS .sav file: its cases as text cells, with its value labels, user-missing
values and variable labels (the question texts).

pyreadstat is imported only when a .sav file is read, so that CSV users need no SPSS library.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from pathlib import Path

import pandas as pd

from leisurenet.data.ingest.table import RawTable, _check_names, _clean_name, _fail, _split_known, cell_text
from leisurenet.errors import InputError


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
