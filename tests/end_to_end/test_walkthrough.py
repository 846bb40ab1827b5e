"""The walk-through of CONTRIBUTING.md, "Adding an analysis": its blocks, applied to a copy
of the project, add an analysis whose number reaches the paper and provenance.csv, in at
most eight files, and no test fails because of it."""

from __future__ import annotations

import ast
import io
import os
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from ..conftest import ROOT, run
from ..rendered import html_text

SECTION = "## Adding an analysis"
# A fenced block that names its file: ```lang file="path" [before="a line of that file"]
BLOCK = re.compile(r'^```\w+ (file="[^"]+"[^\n]*)\n(.*?)^```$', flags=re.MULTILINE | re.DOTALL)
NEW = "results/descriptives/agree_by_size.csv"
# Rules the walk-through's change does not concern: a run after it does not repeat them.
NOT_AGAIN = {"synthetic", "validate", "clean", "recode", "models", "bootstrap_chunk", "crosstab"}


def steps() -> list[dict]:
    """The blocks of the walk-through, in order: file, where (``before``) and code."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    start = text.index(SECTION)
    section = text[start : text.index("\n## ", start + 1)]
    return [
        dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)), code=m.group(2)) for m in BLOCK.finditer(section)
    ]


def apply(folder, step: dict) -> None:
    """One block: a new file, code at the end of a file (after the blank lines its kind of
    file puts between top-level parts), or code before the named line."""
    path = folder / step["file"]
    code = step["code"]
    if not path.exists():
        path.write_text(code, encoding="utf-8")
    elif "before" in step:
        text = path.read_text(encoding="utf-8")
        at = text.index(step["before"] + "\n")
        assert text[at - 1] == "\n", "the line to insert before starts a line"
        path.write_text(text[:at] + code + text[at:], encoding="utf-8")
    else:
        gap = "\n\n\n" if path.suffix in (".py", ".smk") else "\n\n"
        text = path.read_text(encoding="utf-8").rstrip("\n")
        path.write_text(text + gap + code.lstrip("\n"), encoding="utf-8")


def project_copy(folder):
    """Every file of the project that git tracks or would track (not results/, not .venv)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    return folder


def finished_run(run_folder, folder) -> None:
    """The results of a finished run and Snakemake's records of it, with its configuration,
    copied into ``folder`` (a copy of the same project), modification times kept; in place of
    what the tests' dry runs left there."""
    shutil.copy2(run_folder / "config" / "config.yaml", folder / "config" / "config.yaml")
    for name in ("results", ".snakemake"):
        shutil.rmtree(folder / name, ignore_errors=True)
        shutil.copytree(run_folder / name, folder / name, symlinks=True)


def test_the_walkthrough_names_eight_files_at_most():
    files = [step["file"] for step in steps()]
    assert len(files) == len(set(files)) <= 8, files


def test_the_notebook_runs_the_walkthroughs_function():
    """notebooks/03 defines the function of step 1 itself, for a student to read and change:
    the same code."""
    notebook = ast.parse((ROOT / "notebooks" / "03_add_an_analysis_rule.py").read_text(encoding="utf-8"))
    step = ast.parse(steps()[0]["code"])
    names = {"SHARE_COLUMNS", "share_positive_by_group"}

    def defined(tree):
        return [ast.dump(node) for node in tree.body if set(_names(node)) & names]

    assert defined(notebook) == defined(step) != []


def _names(node) -> list[str]:
    if isinstance(node, ast.FunctionDef):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [target.id for target in node.targets if isinstance(target, ast.Name)]
    return []


@pytest.mark.slow(minutes=2)  # the project's fast tests, then the workflow's new jobs, in a copy
def test_the_walkthrough_adds_an_analysis_to_the_paper(replica_run, tmp_path):
    folder = project_copy(tmp_path / "project")
    for step in steps():
        apply(folder, step)
    # No test fails because an analysis was added as documented: the fast tests of the copy,
    # its lint included, with the copy's library first on the path.
    env = os.environ | {"PYTHONPATH": str(folder / "src")}
    env.pop("LEISURENET_RESULTS", None)
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "not slow", "-q", "-p", "no:cacheprovider", "-n", "2"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert tests.returncode == 0, tests.stdout[-5000:]

    # Then the workflow, as a student who has run it before meets it: the copy has a finished
    # run's results and Snakemake's records (and its configuration), and Snakemake runs the new
    # job, the jobs of the files the walk-through changed and those after them; not the data
    # chain, the models or the cross-tabs again.
    finished_run(replica_run, folder)
    result = run(folder)
    assert result.returncode == 0, result.stderr[-3000:]
    ran = set(re.findall(r"^(?:local)?rule (\w+):$", result.stderr, flags=re.MULTILINE))
    assert {"agree_by_size", "describe", "paper_assets", "paper"} <= ran, ran
    assert not ran & NOT_AGAIN, ran
    table = pd.read_csv(folder / NEW)
    small = table.set_index(["item", "group"]).loc[("rep_voice", "small"), "pct_positive"]
    # where the paper says it, and what it says
    provenance = pd.read_csv(folder / "results/paper/provenance.csv", dtype=str)
    rows = provenance[provenance["source"] == NEW]
    assert set(rows["variable"]) == {"agree_by_size.sentence"}
    row = rows[rows["row_key"] == "rep_voice / small"].iloc[0]
    assert row["column"] == "pct_positive" and float(row["value"]) == pytest.approx(small)
    printed = row["text"]
    assert printed == f"{small:.1f}%"
    assert f"In the smallest municipalities {printed} of the coordinators agree" in html_text(
        folder / "results/paper/paper.html"
    )
    # by name in a notebook, with the copy's library (its declaration names the table)
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "from leisurenet.load import load; print(load('agree_by_size').to_csv(index=False))",
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert pd.read_csv(io.StringIO(loaded.stdout)).equals(table)
