"""The same answers in another file format give identical recoded data."""

from __future__ import annotations

import pandas as pd
import pyreadstat

from leisurenet.data.clean import clean
from leisurenet.data.ingest.read import read_export, read_frame
from leisurenet.data.recode import recode
from leisurenet.data.validate import validate_export

from ..conftest import write_replica


def recode_file(path, frame_path, codebook, config) -> pd.DataFrame:
    raw, frame = read_export(path), read_frame(frame_path)
    assert [str(p) for p in validate_export(raw, codebook, frame) if p.severity == "error"] == []
    return recode(codebook, clean(raw, codebook, frame).data, config)


def as_dutch_labels(export: pd.DataFrame, codebook) -> pd.DataFrame:
    """Codes replaced by their Dutch labels in untidy case and spacing, 'weet niet' spelled out."""
    labelled = export.copy()
    for n, item in enumerate(codebook.item_ids):
        labels = {str(c): spec["nl"] for c, spec in codebook.scale(item)["codes"].items()}
        labels["9"] = "Weet niet"
        style = [str.upper, str.title, lambda s: f"  {s} "][n % 3]
        labelled[item] = export[item].map(lambda v, labels=labels, style=style: style(labels[v]) if v else "")
    return labelled


def test_coded_csv_labelled_cp1252_csv_and_sav_recode_identically(
    tmp_path, replica, codebook, config, recoded
):
    # The reference is the coded CSV as the pipeline reads it (the ``recoded`` fixture).
    _, frame_path = write_replica(replica, tmp_path)
    coded = recoded

    labelled = tmp_path / "labels_cp1252.csv"
    as_dutch_labels(replica.export, codebook).to_csv(labelled, sep=";", index=False, encoding="cp1252")
    assert b";" in labelled.read_bytes().splitlines()[0]
    pd.testing.assert_frame_equal(recode_file(labelled, frame_path, codebook, config), coded)

    numeric = replica.export.copy()
    for column in ["municipality_pop", *codebook.item_ids]:
        numeric[column] = pd.to_numeric(numeric[column].replace("", None))
    labels = {
        item: {float(c): spec["nl"] for c, spec in codebook.scale(item)["codes"].items()} | {9.0: "weet niet"}
        for item in codebook.item_ids
    }
    sav = tmp_path / "export.sav"
    pyreadstat.write_sav(
        numeric, sav, variable_value_labels=labels, missing_ranges={i: [9] for i in codebook.item_ids}
    )
    pd.testing.assert_frame_equal(recode_file(sav, frame_path, codebook, config), coded)


def test_an_interrupted_write_leaves_no_stray_file_once_the_output_is_written_again(tmp_path):
    from leisurenet.io import atomic_path

    target = tmp_path / "recoded.csv"
    (tmp_path / ".recoded.csv.abc123").write_text("half written")  # a write killed midway
    (tmp_path / ".other.csv.abc123").write_text("another output's")
    with atomic_path(target) as tmp:
        tmp.write_text("whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.csv.abc123", "recoded.csv"]
    assert target.read_text() == "whole"
