"""Writing the exports: one layout's file (CSV, or .sav with reproducible bytes) and its mapping
beside it, and the command ``python -m leisurenet.toolexports`` that writes all four.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import pandas as pd
import yaml

from leisurenet.codebook import Codebook
from leisurenet.data.toolexports.layouts import (
    Column,
    Variable,
    limesurvey_columns,
    qualtrics_columns,
    spss_variables,
    surveymonkey_columns,
)
from leisurenet.data.toolexports.questionnaire import mapping_labels
from leisurenet.data.toolexports.respondents import check_clean, metadata
from leisurenet.errors import InputError
from leisurenet.paths import CONFIG

LAYOUTS = ("qualtrics", "surveymonkey", "limesurvey", "spss")
SUFFIXES = {"qualtrics": ".csv", "surveymonkey": ".csv", "limesurvey": ".csv", "spss": ".sav"}


# --- files -------------------------------------------------------------------------------


def mapping(columns: list[Column] | list[Variable], codebook: Codebook) -> dict:
    """The mapping of an export: its mapped columns, the labels to list and the columns to drop."""
    return {
        "columns": {c.name: c.target for c in columns if c.target is not None},
        "labels": mapping_labels(codebook),
        "drop": [c.name for c in columns if c.target is None],
    }


class MappingDumper(yaml.SafeDumper):
    """Writes long keys (SurveyMonkey's column names are whole question texts) as plain
    ``key: value`` lines: PyYAML writes a key of 128 characters or more as an explicit
    ``? key`` entry, which few users know, although YAML allows implicit keys up to 1024."""

    def check_simple_key(self) -> bool:
        if isinstance(self.event, yaml.ScalarEvent) and self.event.anchor is None:
            if self.analysis is None:
                self.analysis = self.analyze_scalar(self.event.value)
            scalar = self.analysis
            return not scalar.empty and not scalar.multiline and len(scalar.scalar) < 1024
        return super().check_simple_key()


def write_mapping(path: Path, layout: str, export: Path, spec: dict) -> None:
    head = (
        f"# How {export.name} (a {layout} export) maps onto the codebook: export column -> codebook ID,\n"
        "# the choice texts the codebook does not know -> their codes, and the columns to drop.\n"
    )
    body = yaml.dump(spec, Dumper=MappingDumper, sort_keys=False, allow_unicode=True, width=10_000)
    path.write_text(head + body, encoding="utf-8")


def write_csv(path: Path, columns: list[Column], layout: str) -> None:
    """Header rows, then one row per respondent; Qualtrics' file has a BOM and quotes every field."""
    rows = [list(cells) for cells in zip(*(c.header for c in columns), strict=True)]
    rows += [list(cells) for cells in zip(*(c.values for c in columns), strict=True)]
    quoting = csv.QUOTE_MINIMAL if layout == "surveymonkey" else csv.QUOTE_ALL
    encoding = "utf-8-sig" if layout == "qualtrics" else "utf-8"
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, quoting=quoting, lineterminator="\r\n").writerows(rows)


def write_sav(path: Path, variables: list[Variable]) -> None:
    """Write the variables with pyreadstat, then fix the header's creation time (reproducible bytes)."""
    import pyreadstat  # imported here so CSV users need no SPSS library installed

    frame = pd.DataFrame({v.name: v.values for v in variables})
    for v in variables:
        if v.format and v.format.startswith("DATETIME"):
            frame[v.name] = pd.to_datetime(frame[v.name])
    pyreadstat.write_sav(
        frame,
        str(path),
        file_label="Bevraging lokale netwerken 2016",
        column_labels={v.name: v.label for v in variables},
        variable_value_labels={v.name: v.value_labels for v in variables if v.value_labels},
        missing_ranges={v.name: v.missing for v in variables if v.missing},
        variable_measure={v.name: v.measure for v in variables},
        variable_format={v.name: v.format for v in variables if v.format},
    )
    fix_sav_timestamp(path)


# The .sav header: record type (4 bytes), product name (60), layout code, case size,
# compression, weight index, case count (4 each), bias (8), then the creation date (9) and time (8).
SAV_DATE_OFFSET = 4 + 60 + 4 * 5 + 8
SAV_CREATED = b"04 Apr 1609:00:00"  # after the survey closed


def fix_sav_timestamp(path: Path) -> None:
    """Set the creation date and time in a .sav header to a fixed moment, so that writing the
    same data twice gives the same bytes (ReadStat stamps the current time)."""
    data = bytearray(path.read_bytes())
    if data[:4] != b"$FL2":
        raise ValueError(f"{path}: not an uncompressed SPSS .sav file")
    data[SAV_DATE_OFFSET : SAV_DATE_OFFSET + len(SAV_CREATED)] = SAV_CREATED
    path.write_bytes(bytes(data))


# --- an export and its mapping -----------------------------------------------------------


BUILDERS = {
    "qualtrics": qualtrics_columns,
    "surveymonkey": surveymonkey_columns,
    "limesurvey": limesurvey_columns,
    "spss": spss_variables,
}


def write_export(
    layout: str, clean: pd.DataFrame, codebook: Codebook, directory: Path, seed: int = 0
) -> tuple[Path, Path]:
    """Write the cleaned responses as a ``layout`` export and the mapping that brings them back.

    Parameters
    ----------
    layout : str
        One of :data:`LAYOUTS`.
    clean : pandas.DataFrame
        The cleaned responses: ``resp_id``, ``network_id``, ``municipality_pop`` and per item
        its code and ``<item>_missing`` (``dont_know``/``blank``), as the cleaning stage writes them.
    codebook : Codebook
    directory : Path
        Where to write ``<layout>.csv`` (``spss.sav``) and ``<layout>.mapping.yaml``; created
        when missing.
    seed : int
        Seeds the fake metadata (dates, addresses, names); the answers do not depend on it.

    Returns
    -------
    tuple of Path
        The export and the mapping.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    check_clean(clean, codebook)
    clean = clean.reset_index(drop=True)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    export = directory / f"{layout}{SUFFIXES[layout]}"
    mapping_path = directory / f"{layout}.mapping.yaml"
    columns = BUILDERS[layout](clean, codebook, metadata(len(clean), seed))
    if layout == "spss":
        write_sav(export, columns)
    else:
        write_csv(export, columns, layout)
    write_mapping(mapping_path, layout, export, mapping(columns, codebook))
    return export, mapping_path


# --- command line ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(
        prog="python -m leisurenet.toolexports",
        description="Write the cleaned responses as Qualtrics, SurveyMonkey, LimeSurvey and SPSS "
        "exports, each with its mapping.",
    )
    cli.add_argument("responses", type=Path, help="the cleaned responses (results/clean/responses.parquet)")
    cli.add_argument("directory", type=Path, help="the folder to write the exports and mappings into")
    cli.add_argument(
        "--codebook", type=Path, default=CONFIG / "codebook.yaml", help="the codebook (default: %(default)s)"
    )
    cli.add_argument("--seed", type=int, default=0, help="seed of the fake metadata (default: 0)")
    args = cli.parse_args(argv)
    codebook = Codebook.from_yaml(args.codebook)
    clean = pd.read_parquet(args.responses)
    try:
        check_clean(clean, codebook, str(args.responses))
    except InputError as exc:
        print(exc, file=sys.stderr)
        return 1
    for layout in LAYOUTS:
        export, mapping_path = write_export(layout, clean, codebook, args.directory, args.seed)
        print(f"{layout}: wrote {export} and {mapping_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
