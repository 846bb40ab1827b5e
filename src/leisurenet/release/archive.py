"""The public release: the tables after disclosure control, the codebook and the paper, in
one deterministic archive for a data repository; the pseudonymised respondent data only when
``release.microdata`` is true, as anyone can recount the suppressed cells from them.

Nothing leaves before :func:`leisurenet.release.disclosure.check_disclosure` has passed on exactly
what would be released; a failing check raises and leaves no archive. The archive is
written atomically, with its files in a fixed order and fixed timestamps, so two builds
from the same results are byte-identical. Only the archive's own path is written: the
results it is built from are read, never changed.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from leisurenet.io import atomic_path, read_dataset, write_csv
from leisurenet.outputs import OUTPUTS
from leisurenet.release.disclosure import DisclosureResult, check_disclosure
from leisurenet.release.disclosure_report import report_markdown

# The network (hence the municipality) is what the release must not name; the size class
# stands in for the population.
ALWAYS_DROPPED = ("network_id", "municipality_pop")
ID_COLUMN = "resp_id"
ID_PREFIX = "P"
ARCHIVE_ROOT = "leisurenet-release"
# The respondent-level files: in the archive only with release.microdata.
MICRODATA_FILES = ("data/respondents.parquet", "data/respondents.csv", "data/variables.csv")
# The earliest time a zip entry can carry (MS-DOS epoch): no build time enters the archive.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_COMPRESSLEVEL = 9
# Unix, mode 0644: the same on every machine that builds the archive.
ZIP_CREATE_SYSTEM = 3
ZIP_FILE_MODE = 0o100644

# The files the release writes itself; the tables and the paper are described where they are
# declared (leisurenet.outputs).
DESCRIPTIONS = {
    "README.md": "This file: what each file holds, how the data were protected, the licences.",
    "LICENSE": "The MIT licence of the pipeline's code.",
    "CITATION.cff": "How to cite this release (Citation File Format 1.2.0).",
    "manifest.json": "The pipeline's manifest of the run the release was built from, unchanged. "
    "The content file it names (manifest_content.json, which `make verify` needs to judge a "
    "rebuild EQUIVALENT) is not here: it holds the tables before disclosure control.",
    "codebook/codebook.yaml": "The instrument: items, Dutch and English wording, response scales, "
    "missing codes, background variables and scales (the pipeline's data contract).",
    "data/respondents.parquet": "The respondent-level data, pseudonymised (below), one row per "
    "respondent; Parquet keeps the types (codes as nullable integers, ordered categories).",
    "data/respondents.csv": "The same data as CSV (UTF-8, comma-separated, empty cell = missing).",
    "data/variables.csv": "Data dictionary of the respondent data: column, type, levels, description.",
}


# --- pseudonymisation ---------------------------------------------------------------------


def coarsen_levels(values: pd.Series, mapping: dict) -> pd.Series:
    """Merge levels of a column: each key of ``mapping`` becomes its value.

    A categorical keeps its order (a merged level takes the place of the first level
    merged into it) and whether it is ordered. A key that is not a level raises, so that a
    typo cannot leave a level unprotected.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        levels = list(values.cat.categories)
        by_text = {str(level): level for level in levels}
        unknown = [key for key in mapping if key not in levels and str(key) not in by_text]
        if unknown:
            raise ValueError(
                f"release.coarsen.{values.name}: {unknown} are not levels of {values.name} ({levels})"
            )
        new = {by_text.get(str(key), key): target for key, target in mapping.items()}
        merged = list(dict.fromkeys(new.get(level, level) for level in levels))
        mapped = values.astype(object).map(lambda v: new.get(v, v) if not pd.isna(v) else v)
        return pd.Series(
            pd.Categorical(mapped, categories=merged, ordered=values.cat.ordered),
            index=values.index,
            name=values.name,
        )
    present = set(values.dropna().unique())
    unknown = [key for key in mapping if key not in present]
    if unknown:
        raise ValueError(f"release.coarsen.{values.name}: {unknown} do not occur in {values.name}")
    return values.replace(mapping)


def pseudonymise(
    data: pd.DataFrame, seed: int, *, drop: list[str] | tuple[str, ...] = (), coarsen: dict | None = None
) -> pd.DataFrame:
    """The respondent data as released: new ids in a random order, no network or municipality.

    Parameters
    ----------
    data : DataFrame
        The recoded data (``results/recode/recoded.parquet``), with ``resp_id`` and
        ``size_class``.
    seed : int
        Seed of the random order of the new ids; the same seed gives the same ids.
    drop : sequence of str
        Further columns to leave out.
    coarsen : dict, optional
        ``{column: {level: new level}}``: levels to merge (see :func:`coarsen_levels`).

    Returns
    -------
    DataFrame
        ``resp_id`` holds new ids ``P01``, ``P02``, ... given to the respondents in a random
        order (a permutation drawn with ``seed``), so an id says nothing about the original
        id or the row order of the export; the rows are sorted by the new id. ``network_id``
        and ``municipality_pop`` are dropped (``size_class`` stays in their place); item
        codes, missing types and derived variables are kept with their types.
    """
    if ID_COLUMN not in data.columns:
        raise KeyError(f"pseudonymise: the data have no '{ID_COLUMN}' column")
    if "municipality_pop" in data.columns and "size_class" not in data.columns:
        raise KeyError("pseudonymise: municipality_pop is replaced by size_class, which the data lack")
    unknown = [c for c in [*drop, *(coarsen or {})] if c not in data.columns]
    if unknown:
        raise KeyError(f"release.drop / release.coarsen: {unknown} are not columns of the respondent data")
    if ID_COLUMN in drop:
        raise ValueError(f"release.drop: '{ID_COLUMN}' is replaced by a pseudonym, not dropped")
    n = len(data)
    width = max(2, len(str(n)))
    order = np.random.default_rng(seed).permutation(n)
    out = data.drop(columns=[c for c in (*ALWAYS_DROPPED, *drop) if c in data.columns])
    out[ID_COLUMN] = pd.array([f"{ID_PREFIX}{k + 1:0{width}d}" for k in order], dtype="string")
    for column, mapping in (coarsen or {}).items():
        if column in out.columns:
            out[column] = coarsen_levels(out[column], mapping)
    # Sorted by the new id, the row order no longer follows the export's.
    return out.sort_values(ID_COLUMN, kind="stable").reset_index(drop=True)


def release_variables(
    variables: pd.DataFrame, released: pd.DataFrame, coarsen: dict | None = None
) -> pd.DataFrame:
    """The data dictionary (``results/recode/variables.csv``) of the released columns.

    Rows follow the released columns; the id is described as a pseudonym and coarsened
    columns get their new levels and say what was merged.
    """
    by_column = variables.set_index("column")
    rows = []
    for column in released.columns:
        row = (
            by_column.loc[column].to_dict()
            if column in by_column.index
            else {"dtype": str(released[column].dtype)}
        )
        row = {
            "column": column,
            "dtype": row.get("dtype"),
            "levels": row.get("levels"),
            "description": row.get("description"),
        }
        if column == ID_COLUMN:
            row["description"] = (
                "pseudonymous respondent id of this release, given in a random order (not the survey's id)"
            )
        if coarsen and column in coarsen:
            row["levels"] = "|".join(map(str, released[column].cat.categories))
            merged = ", ".join(f"{old} -> {new}" for old, new in coarsen[column].items())
            row["description"] = f"{row['description']} (coarsened for the release: {merged})"
        rows.append(row)
    return pd.DataFrame(rows, columns=["column", "dtype", "levels", "description"])


def prepare_release(
    recoded: pd.DataFrame, cells: pd.DataFrame, settings: dict
) -> tuple[pd.DataFrame, DisclosureResult]:
    """Pseudonymise the respondent data and run the disclosure check on what would be released."""
    released = pseudonymise(recoded, settings["seed"], drop=settings["drop"], coarsen=settings["coarsen"])
    result = check_disclosure(
        released,
        cells,
        min_cell_size=settings["min_cell_size"],
        k=settings["k"],
        quasi_identifiers=settings["quasi_identifiers"],
        group_disclosure_mode=settings["group_disclosure"],
        dropped=[*ALWAYS_DROPPED, *settings["drop"]],
        microdata=settings["microdata"],
        pseudonym=ID_COLUMN,
    )
    return released, result


def write_disclosure_report(result: DisclosureResult, csv: str | Path, md: str | Path) -> None:
    """The audit as a tidy CSV and a readable Markdown report (both for the data holder only)."""
    write_csv(result.report, csv)
    with atomic_path(md) as tmp:
        tmp.write_text(report_markdown(result), encoding="utf-8")


# --- the archive --------------------------------------------------------------------------


def _csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _parquet_bytes(df: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    df.to_parquet(buffer, index=False, engine="pyarrow", compression="zstd")
    return buffer.getvalue()


def write_archive(entries: dict[str, bytes], path: str | Path, root: str = ARCHIVE_ROOT) -> None:
    """A zip whose bytes depend only on ``entries``: sorted names, fixed times and modes.

    Parameters
    ----------
    entries : dict of str to bytes
        Path inside the archive (below ``root``) to content.
    path : str or Path
        The archive; written to a temporary file and moved into place when complete.
    root : str
        The folder every file unpacks into.
    """
    # The zip is closed (its directory written) before atomic_path moves it into place.
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(f"{root}/{name}", date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = ZIP_CREATE_SYSTEM
            info.external_attr = ZIP_FILE_MODE << 16
            archive.writestr(info, entries[name], compresslevel=ZIP_COMPRESSLEVEL)


def describe(name: str) -> str:
    """What a file of the archive holds (for its README)."""
    known = DESCRIPTIONS | {out.archived_as: out.description for out in OUTPUTS if out.archived_as}
    if name in known:
        return known[name]
    folder = name.split("/")[1] if name.startswith("tables/") and name.count("/") > 1 else None
    return f"A result table of the pipeline's {folder} stage." if folder else "A file of the release."


def archive_readme(names: list[str], result: DisclosureResult, settings: dict, synthetic: bool) -> str:
    """The archive's README: the files, the protection applied and the licences."""
    hidden = int(result.cells["suppressed"].sum())
    tables_hidden = result.cells.loc[result.cells["suppressed"], "crosstab"].nunique()
    flags = int((result.report["check"] == "group_disclosure").sum())
    released = (["data"] if settings["microdata"] else []) + ["tables", "codebook", "paper"]
    folders = ", ".join(f"`{folder}/`" for folder in released)
    lines = ["# Local networks against poverty through leisure: public release", ""]
    if synthetic:
        lines += [
            "> **Synthetic data.** Everything in this archive was made from a synthetic replica, a "
            "generated data set whose category counts reproduce the figures the study published. "
            "Nothing in it is evidence about the real networks.",
            "",
        ]
    lines += [
        "The data and results of the reproducible pipeline for the 2016 survey of the coordinators of "
        "the local networks for the leisure participation of people in poverty in Flanders "
        "(77 of the 104 networks answered), as released for reuse.",
        "",
        "## Files",
        "",
        "| file | what it holds |",
        "|---|---|",
        *[f"| `{name}` | {describe(name)} |" for name in sorted(names)],
        "",
    ]
    lines += _respondent_data_section(result, settings) if settings["microdata"] else _no_microdata_section()
    lines += [
        "## Disclosure control of the tables",
        "",
        f"- In `tables/crosstabs/cells.csv`, non-zero counts below {settings['min_cell_size']} are "
        "suppressed, and further cells are suppressed so that the row and column totals (which "
        f"stay published) cannot reveal them: {hidden} cell(s) in {tables_hidden} cross-tab(s). A "
        "suppressed cell has `suppressed` true and its count and percentages empty; which "
        "suppressed cells are small is not said.",
        f"- {flags} published cell(s) show all or none of a row or column group (0% or 100%); the "
        "disclosure check flagged them for the data holder's review before release.",
        "- The other tables hold statistics over all respondents or model estimates, released as computed.",
        "",
        "## Licences",
        "",
        "- The code of the pipeline: MIT (`LICENSE`).",
        f"- The data and results ({folders}): Creative Commons "
        "Attribution 4.0 International (CC BY 4.0), https://creativecommons.org/licenses/by/4.0/.",
        "",
        "## Citing and reading",
        "",
        "Cite the release as `CITATION.cff` says. "
        + (
            "Read the Parquet file with `pandas.read_parquet` (it keeps the types); "
            if settings["microdata"]
            else ""
        )
        + "The CSV files are UTF-8 with a header row. "
        "The archive is deterministic: built again from the same results it is byte-identical.",
        "",
    ]
    return "\n".join(lines)


def _no_microdata_section() -> list[str]:
    return [
        "## Respondent-level data",
        "",
        "This archive holds no respondent-level data: the tables are aggregates, protected as "
        "described below. The codebook describes the instrument the tables were computed from.",
        "",
    ]


def _respondent_data_section(result: DisclosureResult, settings: dict) -> list[str]:
    qi = ", ".join(settings["quasi_identifiers"]) or "(none)"
    unique = result.report.loc[result.report["check"] == "unique_patterns", "detail"].iloc[0]
    lines = [
        "## How the respondent data were protected",
        "",
        "- **Pseudonymised.** `resp_id` holds new ids, given to the respondents in a random order "
        "drawn with a fixed seed; they carry nothing of the survey's ids. The "
        "rows are sorted by the new id.",
        "- **No network, no municipality.** `network_id` and `municipality_pop` are removed; "
        "`size_class` (the municipality size class) stands in for the population.",
    ]
    if settings["drop"]:
        lines.append(f"- **Left out:** {', '.join(f'`{c}`' for c in settings['drop'])}.")
    for column, mapping in settings["coarsen"].items():
        merged = ", ".join(f"{old} -> {new}" for old, new in mapping.items())
        lines.append(f"- **Coarsened:** `{column}` ({merged}).")
    lines += [
        "- Item codes, the type of every missing answer, the collapsed categories, the governance "
        "roles and the scale scores are kept.",
        f"- **k-anonymity:** every combination of {qi} occurs at least {settings['k']} times.",
        f"- **Unique answer patterns:** {unique} (over every column but `resp_id`).",
        "- With the respondent data, anyone can recount the cross-tabs below, their suppressed "
        "cells included: the suppression hides small cells from readers of the tables alone.",
        "",
    ]
    return lines


def build_release(
    *,
    recoded: str | Path,
    variables: str | Path,
    cells: str | Path,
    files: dict[str, str | Path],
    output: str | Path,
    settings: dict,
    synthetic: bool = False,
) -> DisclosureResult:
    """Check, then write the archive; raise and leave no archive if a check fails.

    Parameters
    ----------
    recoded, variables, cells : str or Path
        ``results/recode/recoded.parquet``, ``results/recode/variables.csv`` and
        ``results/crosstabs/cells.csv``: the release holds the cells after suppression, and
        the respondent data, pseudonymised, only when ``settings["microdata"]`` is true (they
        are read either way: the disclosure check validates the quasi-identifiers on them).
    files : dict
        Path inside the archive to a file copied unchanged (codebook, tables, paper,
        ``LICENSE``, ``CITATION.cff``, the manifest).
    output : str or Path
        The archive.
    settings : dict
        From :func:`leisurenet.release.settings.release_settings`.
    synthetic : bool
        Whether the data are the synthetic replica (the README says so).

    Returns
    -------
    DisclosureResult
        The check that passed.

    Raises
    ------
    leisurenet.release.disclosure.DisclosureError
        If a check fails; an archive left at ``output`` by an earlier build is removed, so
        that it cannot pass for this one.
    """
    output = Path(output)
    released, result = prepare_release(read_dataset(recoded), pd.read_csv(cells), settings)
    if not result.passed:
        output.unlink(missing_ok=True)
        result.raise_if_failed()
    generated = {*MICRODATA_FILES, "tables/crosstabs/cells.csv"}
    clash = generated & set(files) | ({"README.md"} & set(files))
    if clash:
        raise ValueError(f"build_release: {sorted(clash)} are written by the release itself")
    entries = {name: Path(path).read_bytes() for name, path in files.items()}
    if settings["microdata"]:
        entries["data/respondents.parquet"] = _parquet_bytes(released)
        entries["data/respondents.csv"] = _csv_bytes(released)
        entries["data/variables.csv"] = _csv_bytes(
            release_variables(pd.read_csv(variables), released, settings["coarsen"])
        )
    entries["tables/crosstabs/cells.csv"] = _csv_bytes(result.cells)
    names = [*entries, "README.md"]
    entries["README.md"] = archive_readme(names, result, settings, synthetic).encode("utf-8")
    write_archive(entries, output)
    return result
