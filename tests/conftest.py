"""Shared fixtures: the codebook, the default configuration and the synthetic replica."""

from __future__ import annotations

from pathlib import Path

import pytest

from leisurenet.codebook import Codebook
from leisurenet.config import load_config
from leisurenet.published import load_published
from leisurenet.synthetic import generate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def codebook() -> Codebook:
    return Codebook.from_yaml(ROOT / "config" / "codebook.yaml")


@pytest.fixture(scope="session")
def config() -> dict:
    return load_config()


@pytest.fixture(scope="session")
def published() -> dict:
    return load_published(ROOT / "config" / "published.yaml")


@pytest.fixture(scope="session")
def replica(codebook, published, config):
    return generate(codebook, published, config["synthetic"])


def write_replica(replica, folder: Path) -> tuple[Path, Path]:
    """The replica's export and frame as the synthetic rule writes them."""
    export, frame = folder / "raw_export.csv", folder / "frame.csv"
    replica.export.to_csv(export, index=False, lineterminator="\n")
    replica.frame[["network_id", "municipality_pop"]].to_csv(frame, index=False, lineterminator="\n")
    return export, frame


@pytest.fixture(scope="session")
def recoded(tmp_path_factory, replica, codebook, config):
    """The replica through ingestion, validation, cleaning and recoding, as the pipeline runs them."""
    from leisurenet.clean import clean
    from leisurenet.ingest import read_export, read_frame
    from leisurenet.recode import recode
    from leisurenet.validate import validate_export

    export, frame_path = write_replica(replica, tmp_path_factory.mktemp("replica"))
    raw, frame = read_export(export), read_frame(frame_path)
    assert [p for p in validate_export(raw, codebook, frame) if p.severity == "error"] == []
    return recode(codebook, clean(raw, codebook, frame).data, config)
