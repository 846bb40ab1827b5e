"""Reruns never leave stale results: a wrong path stops the run before any job."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from .conftest import ROOT, run, scratch_project
from .test_pipeline import output_bytes

# --- a configured file that does not exist stops the run ---------------------------------

# (configuration that names a missing file, the key the message must name, the path)
MISSING = {
    "data.raw": ("data:\n  raw: nope.csv\n  frame: null\n", "nope.csv"),
    "data.frame": ("data:\n  frame: gone/frame.csv\n", "gone/frame.csv"),
    "published": ("published: figures.yaml\n", "figures.yaml"),
    "codebook": ("codebook: config/codebok.yaml\n", "config/codebok.yaml"),
    "models": ("models: my_models.yaml\n", "my_models.yaml"),
    "synthetic.targets": ("synthetic:\n  targets: targets.yaml\n", "targets.yaml"),
}


@pytest.fixture(scope="module")
def fresh_project(tmp_path_factory):
    """A copy of the project that has never run."""
    return scratch_project(tmp_path_factory.mktemp("fresh"))


@pytest.fixture(scope="module")
def finished_project(replica_run, tmp_path_factory):
    """A copy of the replica's finished run, results and all."""
    folder = tmp_path_factory.mktemp("finished") / "project"
    shutil.copytree(replica_run, folder, symlinks=True)
    return folder


def state(folder):
    """Every output's bytes and modification time."""
    return output_bytes(folder), {p: p.stat().st_mtime_ns for p in (folder / "results").rglob("*")}


def assert_stops_before_any_job(folder, key, text, path):
    before = state(folder)
    (folder / "bad.yaml").write_text(text)
    result = run(folder, "--configfile", "bad.yaml")
    assert result.returncode != 0
    for fragment in (key, f"'{path}'", "point it at"):
        assert fragment in result.stderr, (fragment, result.stderr[-2000:])
    assert state(folder) == before


@pytest.mark.parametrize("key", MISSING)
def test_a_missing_file_stops_a_first_run(fresh_project, key):
    assert_stops_before_any_job(fresh_project, key, *MISSING[key])
    assert not (fresh_project / "results").exists()


@pytest.mark.slow
@pytest.mark.parametrize("key", MISSING)
def test_a_missing_file_stops_a_run_over_finished_results(finished_project, key):
    assert_stops_before_any_job(finished_project, key, *MISSING[key])


@pytest.mark.parametrize(
    "finished",
    [pytest.param(False, id="first run"), pytest.param(True, id="over results", marks=pytest.mark.slow)],
)
def test_a_missing_configfile_stops_the_run(request, finished):
    """Snakemake itself refuses a --configfile that does not exist (with a traceback naming
    it); `make CONFIG=...` says so in words before Snakemake starts."""
    folder = request.getfixturevalue("finished_project" if finished else "fresh_project")
    before = state(folder)
    result = run(folder, "--configfile", "mine.yaml")
    assert result.returncode != 0 and "No such file or directory: 'mine.yaml'" in result.stderr
    assert state(folder) == before
    make = subprocess.run(["make", "-n", "CONFIG=mine.yaml"], cwd=ROOT, capture_output=True, text=True)
    assert make.returncode != 0 and "CONFIG: no file 'mine.yaml'" in make.stderr
    assert "leave CONFIG out" in make.stderr
