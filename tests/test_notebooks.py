"""The students' notebooks run, top to bottom, against a built replica and change no file.

Each notebook (a jupytext percent-format .py file) runs as a plain script with runpy, from
the project root, with LEISURENET_RESULTS pointing at the results of the replica run that
the session shares (conftest.replica_run), so the project's own results/ need not exist.
An exception in any cell fails the test; the notebooks assert their own checks (e.g. that
a recomputed cross-tab equals the pipeline's).
"""

from __future__ import annotations

import os
import re
import runpy
import sys
from pathlib import Path

import matplotlib
import pytest

from leisurenet import load as ln

from .conftest import ROOT
from .test_load import is_copy

pytestmark = pytest.mark.slow

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
# Generated or installed, never part of what a notebook may change (all git-ignored).
# What Jupytext reads as a commented magic or shell command in a code cell (jupytext/magics.py).
COMMENTED_MAGIC = re.compile(
    r"^\s*(# |#)+\s*((%|%%|%%%)[a-zA-Z]|[?!]\s*[A-Za-z.~$\\/{}])"
    r"|^(# |#)+(cat|cd|cp|mv|rm|rmdir|mkdir|copy|ddir|echo|ls|ldir|ren)($|\s$|\s[^=,])"
)
SKIP = {".git", ".venv", ".snakemake", "__pycache__", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints"}


def tree_state(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below ``folder`` with its size and modification time (ns)."""
    state = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d not in SKIP and not d.endswith(".egg-info")]
        for name in filenames:
            stat = (Path(dirpath) / name).stat()
            state[os.path.relpath(Path(dirpath) / name, folder)] = (stat.st_size, stat.st_mtime_ns)
    return state


def changes(before: dict, after: dict) -> dict[str, list[str]]:
    return {
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
        "modified": sorted(k for k in before.keys() & after.keys() if before[k] != after[k]),
    }


def test_there_are_notebooks_and_jupytext_pairs_them():
    assert [p.name for p in NOTEBOOKS][:3] == [
        "01_explore_item_and_crosstab.py",
        "02_extend_a_model.py",
        "03_add_an_analysis_rule.py",
    ]
    config = (ROOT / "notebooks" / "jupytext.toml").read_text(encoding="utf-8")
    assert 'formats = "ipynb,py:percent"' in config


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_percent_format(notebook):
    """Cells start with ``# %%``; a markdown cell holds only comment lines (else Jupyter would
    show code as text, and the script would run what the notebook shows as text)."""
    lines = notebook.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# %% [markdown]", "a notebook opens with a markdown cell saying what it does"
    cells, kind = [], None
    for line in lines:
        if line.startswith("# %%"):
            kind = "markdown" if line == "# %% [markdown]" else "code"
            cells.append((kind, []))
        else:
            cells[-1][1].append(line)
    assert {kind for kind, _ in cells} == {"markdown", "code"}
    for kind, body in cells:
        if kind == "markdown":
            assert all(line == "" or line.startswith("#") for line in body), body
        else:
            # Jupytext uncomments a comment that looks like a magic or a shell command
            # (jupytext/magics.py); only the magics meant as such may look like one.
            magics = [line for line in body if COMMENTED_MAGIC.match(line)]
            assert set(magics) <= {"# %matplotlib inline"}, magics


@pytest.fixture
def notebook_session(replica_run, monkeypatch):
    """Run a notebook as a student would from the project root, reading the replica's results."""
    results = replica_run / "results"
    monkeypatch.setenv(ln.ENV_VAR, str(results))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "path", list(sys.path))  # a notebook may add src/; undo it after
    matplotlib.use("Agg")  # no window, whatever a notebook draws
    return results


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_changes_nothing(notebook, notebook_session):
    project_before, results_before = tree_state(ROOT), tree_state(notebook_session)
    namespace = runpy.run_path(str(notebook), run_name="__main__")
    assert namespace["RESULTS"] == notebook_session  # it read the replica, not ROOT / "results"
    assert namespace["ROOT"] == ROOT
    no_change = {"added": [], "removed": [], "modified": []}
    assert changes(project_before, tree_state(ROOT)) == no_change, "the notebook changed the project"
    assert changes(results_before, tree_state(notebook_session)) == no_change, "it changed the results"


def test_every_output_of_a_run_has_a_name(replica_run):
    """Every table the pipeline really wrote can be loaded by name (test_load checks the names
    against the rules; the notebooks above load the main ones)."""
    results = replica_run / "results"
    written = {
        str(p.relative_to(replica_run))
        for p in results.rglob("*")
        if p.suffix in {".csv", ".parquet", ".yml", ".md"}
        and not {"build", "tables", "logs"} & set(p.relative_to(results).parts)
    }
    tables = {p for p in written if not is_copy(p, written)}
    assert tables - {f"results/{rel}" for rel, _ in ln.OUTPUTS.values()} == set()
    listing = ln.available(results).set_index("name")
    assert listing.loc[["recoded", "items", "tests", "coefficients", "fit", "figures"], "exists"].all()
