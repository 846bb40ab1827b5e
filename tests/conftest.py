"""Shared fixtures: the codebook, the default configuration and the synthetic replica."""

from __future__ import annotations

import datetime
import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from leisurenet.codebook import Codebook
from leisurenet.config import load_config
from leisurenet.data.published import load_published
from leisurenet.data.synthetic import generate
from leisurenet.data.toolexports.writing import write_export

from . import scheduling
from .metadata import add_metadata

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
PROJECT_FILES = [
    "Snakefile", "environment.yml", "requirements.in", "LICENSE", "CITATION.cff",
    "config", "workflow", "scripts", "src", "paper",
]  # fmt: skip
# The ten published figures that no k/77 gives, each a sum of category percentages rounded
# first ("What the published figures reveal about their own arithmetic" in
# study/INSTRUMENT.md). The audit flags only those of them that no plausible smaller base (the
# item's valid answers in the data up to 77) gives either (tests/analysis/test_audit.py).
SUMMED_ROUNDING_FIGURES = [89.7, 81.9, 81.9, 72.8, 57.2, 50.7, 74.1, 52.0, 66.3, 80]


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


def clean_replica(replica, codebook: Codebook, folder: Path) -> pd.DataFrame:
    """A generated data set through ingestion, validation and cleaning, as the pipeline runs them."""
    from leisurenet.data.clean import clean
    from leisurenet.data.ingest.read import read_export, read_frame
    from leisurenet.data.validate import validate_export

    export, frame_path = write_replica(replica, folder)
    raw, frame = read_export(export), read_frame(frame_path)
    assert [p for p in validate_export(raw, codebook, frame) if p.severity == "error"] == []
    return clean(raw, codebook, frame).data


@pytest.fixture(scope="session")
def cleaned(tmp_path_factory, replica, codebook):
    """The replica, cleaned."""
    return clean_replica(replica, codebook, tmp_path_factory.mktemp("replica"))


@pytest.fixture(scope="session")
def recoded(cleaned, codebook, config):
    """The cleaned replica recoded, as the pipeline recodes it."""
    from leisurenet.data.recode import recode

    return recode(codebook, cleaned, config)


# The second data set of the tests pinned to R: 120 respondents from a frame of 162
# networks (the strata scaled up from the replica's), another seed; as other_run below.
OTHER_SYNTHETIC = {"n_respondents": 120, "seed": 7}
# Its study's fieldwork, dated in other.yaml (unquoted, as YAML writes a date): the paper prints
# the dates and traces them to that file.
OTHER_STUDY = {"fieldwork": {"start": datetime.date(2016, 3, 1), "end": datetime.date(2016, 4, 15)}}


@pytest.fixture(scope="session")
def other_replica(codebook, published, config):
    return generate(codebook, published, config["synthetic"] | OTHER_SYNTHETIC)


@pytest.fixture(scope="session")
def other_recoded(tmp_path_factory, other_replica, codebook, config):
    """The second data set, cleaned and recoded."""
    from leisurenet.data.recode import recode

    return recode(codebook, clean_replica(other_replica, codebook, tmp_path_factory.mktemp("other")), config)


# --- the workflow end to end, in scratch copies of the project ---------------------------


# Sections of the end-to-end tests' configuration (tests/config/small.yaml).
SMALL = yaml.safe_load((ROOT / "tests" / "config" / "small.yaml").read_text(encoding="utf-8"))


def scratch_project(folder: Path) -> Path:
    """A copy of the project whose config/config.yaml has the sections of SMALL."""
    for name in PROJECT_FILES:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
    return small_config(folder)


def small_config(folder: Path) -> Path:
    """``folder``, a copy of the project, with the sections of SMALL in its config/config.yaml."""
    config_path = folder / "config" / "config.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) | SMALL
    config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return folder


# The test being set up or run: a workflow run is refused to a test not marked slow, so that
# `pytest -m "not slow"` (make check) is every test that does not run the workflow.
_running: dict[str, pytest.Item] = {}


def pytest_runtest_setup(item: pytest.Item) -> None:
    _running["test"] = item


# --- on every core (tests/scheduling.py) ----------------------------------------------------

_durations: dict[str, float] = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    cache = getattr(config, "cache", None)  # absent under -p no:cacheprovider
    items[:] = scheduling.longest_first(items, cache.get(scheduling.CACHE_KEY, {}) if cache else {})


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _durations[report.nodeid] = _durations.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    cache = getattr(session.config, "cache", None)
    if cache is not None and not hasattr(session.config, "workerinput") and _durations:
        cache.set(scheduling.CACHE_KEY, cache.get(scheduling.CACHE_KEY, {}) | _durations)


def run(folder: Path, *args: str, cores: int = 2) -> subprocess.CompletedProcess:
    """Snakemake in ``folder``; a run that executes jobs (not a dry run) only for a slow test."""
    test = _running.get("test")
    dry = {"-n", "--dry-run"} & set(args)
    if test is not None and not dry and test.get_closest_marker("slow") is None:
        raise RuntimeError(f"{test.nodeid} runs the workflow: mark it @pytest.mark.slow")
    return subprocess.run(
        [SNAKEMAKE, "--cores", str(cores), *args], cwd=folder, capture_output=True, text=True, timeout=900
    )


def built_once(config: pytest.Config, tmp_path_factory, name: str, build) -> Path:
    """The folder ``name``, filled by ``build(folder)`` once for the whole test run.

    Under pytest-xdist each worker has its own session, so a session fixture would run the
    workflow once per worker: here the first worker to need the folder builds it, in the
    run's shared temporary folder, while any other waits on a lock, then all read it. A
    failed build is recorded, so the others fail with its message rather than build again.
    """
    # a worker of this run (not a pytest that a test started, which inherits the environment)
    if not hasattr(config, "workerinput"):
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    root = tmp_path_factory.getbasetemp().parent
    folder, done, failed = root / name, root / f"{name}.done", root / f"{name}.failed"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if failed.exists():
            pytest.fail(f"building {name} failed in another worker:\n{failed.read_text()}")
        if not done.exists():
            folder.mkdir()
            try:
                build(folder)
            except BaseException as error:
                failed.write_text(f"{type(error).__name__}: {error}")
                raise
            done.touch()
    return folder


def run_to_end(folder: Path, *args: str) -> None:
    """The workflow in ``folder`` (a scratch project), which must succeed."""
    result = run(folder, *args)
    assert result.returncode == 0, result.stderr[-3000:]


# A second pass of the suite that only renders again (.ci/run: the renderer tests with the
# newest Quarto) names the first pass's --basetemp here: each workflow run of the first pass is
# copied, and only its render jobs (and the jobs after them) run again, with the Quarto on PATH.
RENDER_AGAIN = "LEISURENET_RENDER_AGAIN"
RENDER_RULES = ["paper", "paper_pdf", "brief", "brief_pdf"]


def workflow_build(name: str, prepare, *args: str):
    """A ``build`` for built_once: ``prepare(folder)`` makes the scratch project, then the
    workflow runs to the end with ``args`` (targets, then any --configfile, which takes every
    name after it). In a second pass, the first pass's finished run ``name`` is copied instead
    (modification times and Snakemake's records kept) and rendered again."""

    def build(folder: Path) -> None:
        first = os.environ.get(RENDER_AGAIN)
        if first and (Path(first) / f"{name}.done").exists():
            shutil.copytree(Path(first) / name, folder, symlinks=True, dirs_exist_ok=True)
            at = args.index("--configfile") if "--configfile" in args else len(args)
            run_to_end(folder, *args[:at], "--forcerun", *RENDER_RULES, *args[at:])
        else:
            prepare(folder)
            run_to_end(folder, *args)

    return build


def write_other_config(folder: Path) -> None:
    scratch_project(folder)
    (folder / "other.yaml").write_text(yaml.safe_dump({"synthetic": OTHER_SYNTHETIC, "study": OTHER_STUDY}))


@pytest.fixture(scope="session")
def replica_run(pytestconfig, tmp_path_factory):
    """The whole pipeline on the synthetic replica, to the rendered paper."""
    build = workflow_build("pipeline", scratch_project)
    return built_once(pytestconfig, tmp_path_factory, "pipeline", build)


@pytest.fixture(scope="session")
def other_run(pytestconfig, tmp_path_factory):
    """The same pipeline on another dataset: 120 generated respondents, another seed."""
    build = workflow_build("other", write_other_config, "--configfile", "other.yaml")
    return built_once(pytestconfig, tmp_path_factory, "other", build)


@pytest.fixture(scope="session")
def own_data_run(replica_run, pytestconfig, tmp_path_factory):
    """The replica's answers as a user's SPSS export, selected by a config naming only the data
    keys, to the recoded data and the (skipped) audit; metadata_run takes a user's export to
    the paper."""

    def prepare(folder: Path) -> None:
        import pyreadstat

        scratch_project(folder)
        raw = replica_run / "results/synthetic/raw_export.csv"
        export = pd.read_csv(raw, dtype=str, keep_default_na=False)
        shutil.copy(replica_run / "results/synthetic/frame.csv", folder / "frame.csv")
        numeric = export.copy()
        for column in numeric.columns[2:]:
            numeric[column] = pd.to_numeric(numeric[column].replace("", None))
        labels = {"vis_defined": {1.0: "helemaal niet akkoord", 5.0: "helemaal akkoord"}}
        pyreadstat.write_sav(
            numeric,
            folder / "export.sav",
            variable_value_labels=labels,
            missing_ranges={c: [9] for c in numeric.columns[3:]},
        )
        (folder / "mine.yaml").write_text("data:\n  raw: export.sav\n  frame: frame.csv\npublished: null\n")

    targets = ["results/recode/recoded.parquet", "results/audit/figures.csv"]
    build = workflow_build("own_data", prepare, *targets, "--configfile", "mine.yaml")
    return built_once(pytestconfig, tmp_path_factory, "own_data", build)


RELEASE_TARGET = "results/release/leisurenet-release.zip"


@pytest.fixture(scope="session")
def metadata_run(replica_run, pytestconfig, tmp_path_factory):
    """A user's export to the paper and the release: the replica as a Qualtrics export with a
    panel's metadata, through its mapping (which drops the tool's own metadata columns), with
    no published figures to audit (published: null)."""

    def prepare(folder: Path) -> None:
        export, _ = tool_project(replica_run, folder, "qualtrics", seed=11)
        # kept beside the run: every worker reads the same values the export was given
        (folder / "metadata.json").write_text(json.dumps(add_metadata(export)), encoding="utf-8")
        with open(folder / "mine.yaml", "a", encoding="utf-8") as config:
            config.write("published: null\n")

    build = workflow_build("metadata", prepare, "all", RELEASE_TARGET, "--configfile", "mine.yaml")
    folder = built_once(pytestconfig, tmp_path_factory, "metadata", build)
    return folder, json.loads((folder / "metadata.json").read_text(encoding="utf-8"))


def tool_project(replica_run: Path, folder: Path, layout: str, seed: int = 3) -> tuple[Path, Path]:
    """A scratch project with the replica as ``layout`` export, its mapping and a config naming both."""
    scratch_project(folder)
    clean = pd.read_parquet(replica_run / "results/clean/responses.parquet")
    codebook = Codebook.from_yaml(folder / "config" / "codebook.yaml")
    export, mapping = write_export(layout, clean, codebook, folder / "data", seed=seed)
    shutil.copy(replica_run / "results/synthetic/frame.csv", folder / "frame.csv")
    (folder / "mine.yaml").write_text(
        f"data:\n  raw: {export.relative_to(folder)}\n  frame: frame.csv\n"
        f"  mapping: {mapping.relative_to(folder)}\n",
        encoding="utf-8",
    )
    return export, mapping
