"""Reading a raw export: the entry points, which check the file and choose its reader.

:func:`read_export` hands a CSV or Excel file to ``csv_excel`` and an SPSS file to ``spss``,
by its suffix; each returns a :class:`~leisurenet.data.ingest.table.RawTable`.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from leisurenet.data.ingest.csv_excel import _read_text, _read_xlsx
from leisurenet.data.ingest.spss import _read_sav
from leisurenet.data.ingest.table import RawTable, _fail

TEXT_SUFFIXES = (".csv", ".txt")
SUPPORTED = (
    "a CSV file (.csv or .txt, UTF-8 or Windows-1252), an Excel workbook (.xlsx) or an SPSS file (.sav)"
)


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
