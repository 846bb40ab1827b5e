"""The replica as each survey tool exports it, through its mapping, gives the same data.

Each layout (Qualtrics, SurveyMonkey, LimeSurvey, SPSS) is written from the replica's
cleaned responses by :mod:`leisurenet.data.toolexports`, with the tool's column names, question
texts, reworded answer labels and metadata columns, and the mapping a careful user writes.
Run through the workflow, each must give recoded data identical to those of the coded
export; each bad mapping must stop the run at validation with nothing written after it.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from leisurenet.codebook import Codebook
from leisurenet.data.toolexports.writing import LAYOUTS

from ..conftest import run, tool_project

RECODED = "results/recode/recoded.parquet"
LAYOUT_NAMES = {
    "qualtrics": "Qualtrics",
    "surveymonkey": "SurveyMonkey",
    "limesurvey": "LimeSurvey",
    "spss": "SPSS",
}


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_tool_export_gives_the_coded_exports_recoded_data(replica_run, tmp_path, layout):
    tool_project(replica_run, tmp_path, layout)
    result = run(tmp_path, RECODED, "--configfile", "mine.yaml")
    assert result.returncode == 0, result.stderr[-3000:]
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / RECODED), pd.read_parquet(replica_run / RECODED))
    report = (tmp_path / "results/validate/report.md").read_text(encoding="utf-8")
    assert f"layout: {LAYOUT_NAMES[layout]}" in report
    log = pd.read_csv(tmp_path / "results/clean/cleaning_log.csv", dtype=str)
    columns = Codebook.from_yaml(tmp_path / "config" / "codebook.yaml").columns
    assert sorted(log.loc[log["rule"] == "rename_column", "column"]) == sorted(columns)
    assert "drop_mapped_column" in set(log["rule"])


def broken(mapping: dict, case: str) -> dict:
    """The true mapping with one of the faults a mapping can have."""
    columns = dict(mapping["columns"])
    (first, target), (second, _) = list(columns.items())[:2]
    labels = {scale: dict(pairs) for scale, pairs in mapping.get("labels", {}).items()}
    if case == "unknown codebook ID":
        columns[first] = target + "_typo"
    elif case == "two columns onto one ID":
        columns[second] = target
    elif case == "mapped column not in the export":
        columns = {(k + "_gone" if k == first else k): v for k, v in columns.items()}
    elif case == "code outside the scale":
        labels.setdefault("A5", {})["tamelijk akkoord"] = 7
    elif case == "label with another meaning":
        labels.setdefault("E5", {})["zwakke inzet"] = 3
    return {**mapping, "columns": columns, "labels": labels}


@pytest.mark.slow
@pytest.mark.parametrize(
    "case",
    [
        "unknown codebook ID",
        "two columns onto one ID",
        "mapped column not in the export",
        "code outside the scale",
        "label with another meaning",
    ],
)
def test_a_bad_mapping_stops_at_validation_with_nothing_after_it(replica_run, tmp_path, case):
    _, mapping = tool_project(replica_run, tmp_path, "qualtrics")
    good = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    mapping.write_text(
        yaml.safe_dump(broken(good, case), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    result = run(tmp_path, RECODED, "--configfile", "mine.yaml")
    assert result.returncode != 0
    log = (tmp_path / "results/logs/validate.log").read_text(encoding="utf-8")
    assert f"{mapping.relative_to(tmp_path)}, line " in log, log[-2000:]
    written = sorted(
        str(p.relative_to(tmp_path / "results")) for p in (tmp_path / "results").rglob("*") if p.is_file()
    )
    assert all(p.startswith("logs/") for p in written), written
