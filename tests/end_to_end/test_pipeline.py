"""The Snakemake workflow end to end, in a scratch copy of the project."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from leisurenet.outputs import made_by_every_run

from ..conftest import run, scratch_project

# The folders a run writes after reading the data (leisurenet.outputs), and the figures'.
STAGE_OUTPUTS = sorted(
    {f"results/{Path(out.path).parts[0]}" for out in made_by_every_run(synthetic=False) if "/" in out.path}
    | {"results/figures"}
)

pytestmark = pytest.mark.slow


def output_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted((folder / "results").rglob("*"))
        if p.is_file()
    }


def test_replica_runs_to_the_recoded_data(replica_run):
    recoded = pd.read_parquet(replica_run / "results/recode/recoded.parquet")
    assert len(recoded) == 77
    assert recoded["size_class"].dtype == "category"
    assert recoded["vis_defined"].dtype == "Int8"
    csv = pd.read_csv(replica_run / "results/recode/recoded.csv")
    assert list(csv.columns) == list(recoded.columns)
    flow = pd.read_csv(replica_run / "results/clean/sample_flow.csv")
    overall = flow[flow["item"].isna()].set_index("step")["n"]
    assert overall["frame"] == 104 and overall["export"] == 77 and overall["analysed"] == 77
    log = pd.read_csv(replica_run / "results/clean/cleaning_log.csv")
    assert set(log["rule"]) == {"missing_code", "blank"}
    for stage in ("synthetic", "validate", "clean", "recode"):
        assert (replica_run / f"results/logs/{stage}.log").stat().st_size > 0


def test_own_data_from_a_configfile(replica_run, own_data_run):
    """A user's export in another format, selected by a config naming only the data keys."""
    assert not (own_data_run / "results/synthetic").exists()
    mine = pd.read_parquet(own_data_run / "results/recode/recoded.parquet")
    ours = pd.read_parquet(replica_run / "results/recode/recoded.parquet")
    pd.testing.assert_frame_equal(mine, ours)
    audit = pd.read_csv(own_data_run / "results/audit/figures.csv")
    assert audit.empty and "figure_id" in audit.columns  # published: null skips the audit


def set_cell(frame, row, column, value):
    frame.loc[row, column] = value
    return frame


# (name, how to break the replica's export, fragments the log must name)
BAD_INPUTS = {
    "code out of range": (lambda df: set_cell(df, 4, "obj_achieved", "7"), ["row 6", "obj_achieved", "'7'"]),
    "missing column": (lambda df: df.drop(columns="rep_voice"), ["rep_voice"]),
    "duplicate resp_id": (lambda df: set_cell(df, 9, "resp_id", df.loc[2, "resp_id"]), ["resp_id", "row 11"]),
    "non-numeric population": (
        lambda df: set_cell(df, 0, "municipality_pop", "veel"),
        ["municipality_pop", "row 2", "'veel'"],
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_stops_with_the_cell_named_and_no_downstream_output(replica_run, tmp_path, case):
    breaker, fragments = BAD_INPUTS[case]
    folder = scratch_project(tmp_path)
    export = pd.read_csv(replica_run / "results/synthetic/raw_export.csv", dtype=str, keep_default_na=False)
    breaker(export).to_csv(folder / "bad.csv", index=False)
    (folder / "bad.yaml").write_text("data:\n  raw: bad.csv\n  frame: null\n")
    result = run(folder, "--configfile", "bad.yaml")
    assert result.returncode != 0
    log = (folder / "results/logs/validate.log").read_text()
    for fragment in ["bad.csv", *fragments]:
        assert fragment in log, (fragment, log)
    for stage in STAGE_OUTPUTS:
        assert not any((folder / stage).glob("*")), stage
