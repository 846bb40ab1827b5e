"""Personal data in a survey tool's metadata columns never reach a file the pipeline writes.

Exports from Qualtrics, LimeSurvey or SurveyMonkey carry IP addresses, e-mail addresses,
locations and names beside the answers. Only the codebook's columns may pass ingestion:
the others are reported by name, and their values are written nowhere.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from leisurenet.data.ingest.read import read_export
from leisurenet.data.validate import validate_export
from leisurenet.errors import InputError

from ..conftest import write_replica
from ..metadata import PERSONAL, metadata


def with_metadata(export: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The export with the metadata columns first (as Qualtrics puts them) and a name last."""
    meta = metadata(len(export))
    first = pd.DataFrame({k: v for k, v in meta.items() if k != "Naam"}, index=export.index)
    return pd.concat([first, export, pd.DataFrame({"Naam": meta["Naam"]}, index=export.index)], axis=1), meta


def written_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, and every member of a zip archive, as bytes."""
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        found[str(path.relative_to(folder))] = path.read_bytes()
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    found[f"{path.relative_to(folder)}!{name}"] = archive.read(name)
    return found


def leaks(files: dict[str, bytes], values: list[str]) -> list[tuple[str, str]]:
    return [(name, v) for name, content in files.items() for v in values if v.encode("utf-8") in content]


@pytest.mark.slow
def test_metadata_values_reach_no_file_under_results(metadata_run):
    folder, meta = metadata_run
    files = written_bytes(folder / "results")
    assert {"paper/paper.html", "logs/validate.log", "clean/cleaning_log.csv"} <= set(files)
    assert any(name.startswith("release/") for name in files)
    assert len(all_values(meta)) > 700
    assert leaks(files, all_values(meta)) == []
    # the columns the mapping does not name are reported, by name; those it drops are not
    unnamed = [name for name in meta if name not in PERSONAL]
    problems = pd.read_csv(folder / "results/validate/problems.csv")
    assert set(problems["column"]) == set(unnamed)
    report = files["validate/report.md"].decode("utf-8")
    assert all(f"column '{name}'" in report for name in unnamed)
    assert f"{len(unnamed)} column(s) not in the codebook dropped" in report
    assert "layout: Qualtrics" in report
    log = pd.read_csv(folder / "results/clean/cleaning_log.csv")
    assert set(PERSONAL) <= set(log.loc[log["rule"] == "drop_mapped_column", "column"])


@pytest.mark.slow
def test_metadata_change_nothing_in_the_recoded_data(replica_run, metadata_run):
    folder, _ = metadata_run
    mine = pd.read_parquet(folder / "results/recode/recoded.parquet")
    ours = pd.read_parquet(replica_run / "results/recode/recoded.parquet")
    pd.testing.assert_frame_equal(mine, ours)


# --- errors that quote the export keep metadata out, and still name the cell ------------


@pytest.fixture
def export_with_metadata(replica, tmp_path) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    path, _ = write_replica(replica, tmp_path)
    export = pd.read_csv(path, dtype=str, keep_default_na=False, nrows=8)
    return with_metadata(export)


def all_values(meta: dict[str, list[str]]) -> list[str]:
    return [v for values in meta.values() for v in values]


def test_a_malformed_row_is_reported_without_its_metadata(export_with_metadata, codebook, tmp_path):
    export, meta = export_with_metadata
    lines = export.to_csv(index=False).splitlines()
    lines[3] += ",extra"
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    known = [*codebook.background, *codebook.items]
    with pytest.raises(InputError) as caught:
        read_export(path, known=known)
    text = str(caught.value)
    assert "row 4" in text and "export.csv" in text
    assert [v for v in all_values(meta) if v in text] == []


def test_cell_errors_name_the_cell_but_no_metadata(export_with_metadata, codebook, tmp_path):
    export, meta = export_with_metadata
    export.loc[2, "resp_id"] = export.loc[5, "resp_id"]
    export.loc[4, "vis_defined"] = "7"
    path = tmp_path / "export.csv"
    export.to_csv(path, index=False)
    raw = read_export(path, known=[*codebook.background, *codebook.items])
    assert set(raw.data.columns) <= {*codebook.background, *codebook.items}
    problems = validate_export(raw, codebook)
    text = "\n".join(map(str, problems))
    assert "row 6" in text and "'7'" in text and "vis_defined" in text and "resp_id" in text
    assert all(f"column '{name}'" in text for name in meta)
    assert [v for v in all_values(meta) if v in text] == []


def test_ingestion_keeps_only_codebook_columns(export_with_metadata, codebook, tmp_path):
    export, meta = export_with_metadata
    path = tmp_path / "export.xlsx"
    export.to_excel(path, index=False)
    raw = read_export(path, known=[*codebook.background, *codebook.items])
    assert list(raw.data.columns) == [c for c in export.columns if c not in meta]
    assert raw.ignored == list(meta)
