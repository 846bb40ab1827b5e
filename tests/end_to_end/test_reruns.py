"""Reruns never leave stale results: a change to the library reruns the rules whose
scripts import it, and a wrong path stops the run before any job."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from leisurenet.config import deep_merge
from leisurenet.workflow.plan import library_modules

from ..conftest import ROOT, SNAKEMAKE, run, scratch_project
from .test_pipeline import output_bytes

# --- a library change reruns the rules whose scripts import it ----------------------------


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


def test_library_modules_follow_imports_through_the_package(tmp_path):
    pkg = tmp_path / "src" / "pkg"
    write(pkg / "__init__.py", "")
    write(pkg / "a.py", "from .b import f\nimport json\n")
    write(
        pkg / "b.py",
        """
        def f():
            try:
                pass
            except ImportError:
                from pkg.sub import c
        """,
    )
    write(pkg / "sub" / "__init__.py", "")
    write(pkg / "sub" / "c.py", "from .. import d\n")
    write(pkg / "d.py", '"""from pkg import unused"""\nif True: from pkg import e  # read whole\n')
    write(pkg / "e.py", "from pkg import \\\n    f\n")  # a continuation: read whole
    write(pkg / "f.py", "")
    write(pkg / "unused.py", "")
    write(tmp_path / "script.py", "import pandas as pd\nfrom pkg import a\n")
    found = library_modules(tmp_path / "script.py", pkg)
    names = ["__init__.py", "a.py", "b.py", "d.py", "e.py", "f.py", "sub/__init__.py", "sub/c.py"]
    assert found == [str(pkg / name) for name in names]


def test_library_modules_of_a_pipeline_script():
    package = ROOT / "src" / "leisurenet"
    modules = library_modules(ROOT / "scripts" / "crosstab.py", package)
    assert [str(Path(m).relative_to(package)) for m in modules] == [
        "__init__.py",
        "analysis/__init__.py",
        "analysis/crosstab.py",
        "analysis/design_based.py",
        "analysis/exact.py",
        "analysis/weighted.py",
        "analysis/weighting.py",
        "codebook.py",
        "data/__init__.py",
        "data/recode.py",
        "io.py",
        "names.py",
        "paths.py",
    ]


def copy_of(folder, tmp_path):
    """A copy of a finished run (files keep their modification times)."""
    shutil.copytree(folder, tmp_path / "project", symlinks=True)
    return tmp_path / "project"


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def planned(folder, *args):
    """The jobs a dry run plans (on stdout): each rule with the reasons Snakemake gives for it."""
    result = run(folder, "--dry-run", *args)
    assert result.returncode == 0, result.stderr[-3000:]
    jobs, rule = {}, None
    for line in result.stdout.splitlines():
        if match := re.match(r"(?:local)?rule (\w+):$", line):
            rule = match.group(1)
            jobs.setdefault(rule, set())
        elif rule and (match := re.match(r"\s+reason: (.*)", line)):
            jobs[rule].add(match.group(1))
    return jobs


CROSSTAB = "src/leisurenet/analysis/crosstab.py"


def importers(module: str) -> set[str]:
    """The rules whose scripts import ``module`` (a file of the library), directly or through
    other modules."""
    rules = "".join(smk.read_text(encoding="utf-8") for smk in (ROOT / "workflow" / "rules").glob("*.smk"))
    scripts = dict(re.findall(r'(?ms)^rule (\w+):.*?script:\s+"\.\./\.\./scripts/([\w.]+)"', rules))
    package = ROOT / "src" / "leisurenet"
    return {
        rule
        for rule, script in scripts.items()
        if str(ROOT / module) in library_modules(ROOT / "scripts" / script, package)
    }


def test_every_rule_with_a_script_has_the_modules_it_imports_as_input():
    for smk in (ROOT / "workflow" / "rules").glob("*.smk"):
        for rule in re.split(r"(?m)^(?=rule )", smk.read_text(encoding="utf-8"))[1:]:
            if script := re.search(r'script:\s+"\.\./\.\./scripts/([\w.]+)"', rule):
                assert f'library=library("{script.group(1)}")' in rule, (smk.name, rule.split(":")[0])


def test_the_scripts_that_import_a_module_through_others():
    # describe and multiverse import crosstab through other modules of the library
    assert importers(CROSSTAB) >= {"crosstab", "describe", "multiverse_spec", "multiverse"}


@pytest.mark.slow
def test_a_library_change_reruns_the_rules_that_import_it_and_what_follows(replica_run, tmp_path):
    folder = copy_of(replica_run, tmp_path)
    assert planned(folder) == {}
    with open(folder / CROSSTAB, "a", encoding="utf-8") as module:
        module.write("\n\ndef _one_more():\n    return 1\n")
    jobs = planned(folder)
    # The rules that import it rerun for it, those after them because of them, and no other.
    rerun = importers(CROSSTAB)
    assert rerun <= set(jobs) and {"paper_assets", "paper", "paper_pdf", "manifest"} <= set(jobs)
    for rule in set(jobs) - rerun:
        assert all(r.startswith("Input files updated by another job") for r in jobs[rule]), (rule, jobs[rule])
    # Snakemake names the module where no job before the rule reruns as well
    for rule in ("crosstab", "describe", "multiverse_spec"):
        assert any(f"Updated input files: {CROSSTAB}" in r for r in jobs[rule]), jobs[rule]


@pytest.mark.slow
def test_a_config_file_of_another_stage_reruns_nothing(replica_run, tmp_path):
    """A file that sets only the release's keys reruns only the manifest (which lists the config
    files); one that sets a number the paper prints reruns the paper's assets as well (the
    number's source is that file)."""
    folder = copy_of(replica_run, tmp_path)
    (folder / "release_only.yaml").write_text("release:\n  microdata: true\n")
    jobs = planned(folder, "--configfile", "release_only.yaml")
    assert set(jobs) == {"manifest", "all"}
    assert jobs["manifest"] == {f"Updated input files: {folder / 'release_only.yaml'}"}
    (folder / "alpha.yaml").write_text("paper:\n  alpha: 0.05\n")  # the value it had
    jobs = planned(folder, "--configfile", "alpha.yaml")
    assert set(jobs) == {"paper_assets", "paper", "paper_pdf", "manifest", "all"}
    assert any("Params have changed" in reason for reason in jobs["paper_assets"]), jobs


@pytest.mark.slow
def test_a_changed_function_changes_the_result_and_a_changed_comment_does_not(replica_run, tmp_path):
    """End to end on the audit, a cheap rule: its module's function changed gives the new
    result; a comment changed reruns it, to the same bytes."""
    folder = copy_of(replica_run, tmp_path)
    target, module = "results/audit/figures.csv", folder / "src/leisurenet/analysis/audit.py"
    before = output_bytes(folder)
    edit(module, "\n    if totals", "\n    # which rounding the printed figure needs\n    if totals")
    assert set(planned(folder, target)) == {"audit"}
    result = run(folder, target)
    assert result.returncode == 0 and "rule audit:" in result.stderr, result.stderr[-3000:]
    assert output_bytes(folder) == before
    edit(module, 'return "consistent"', 'return "exact"')
    result = run(folder, target)
    assert result.returncode == 0 and "rule audit:" in result.stderr, result.stderr[-3000:]
    audit = (folder / target).read_text()
    assert ",exact," in audit and ",consistent," not in audit


# --- a configured file that does not exist stops the run ---------------------------------

# (configuration that names a missing file, the path)
MISSING = {
    "data.raw": ({"data": {"raw": "nope.csv", "frame": None}}, "nope.csv"),
    "data.frame": ({"data": {"frame": "gone/frame.csv"}}, "gone/frame.csv"),
    "published": ({"published": "figures.yaml"}, "figures.yaml"),
    "codebook": ({"codebook": "config/codebok.yaml"}, "config/codebok.yaml"),
    "models": ({"models": "my_models.yaml"}, "my_models.yaml"),
    "synthetic.targets": ({"synthetic": {"targets": "targets.yaml"}}, "targets.yaml"),
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


def assert_stops_before_any_job(folder, keys):
    """A run with the files of ``keys`` missing stops, naming each, and changes nothing."""
    before, config = state(folder), {}
    for key in keys:
        config = deep_merge(config, MISSING[key][0])
    (folder / "bad.yaml").write_text(yaml.safe_dump(config))
    result = run(folder, "--configfile", "bad.yaml")
    assert result.returncode != 0
    for key in keys:
        assert f"{key}: no file '{MISSING[key][1]}'" in result.stderr, (key, result.stderr[-3000:])
    assert "point it at" in result.stderr
    assert state(folder) == before


@pytest.mark.slow
def test_missing_files_stop_a_first_run(fresh_project):
    """Every missing file at once (the message names them all): one start of Snakemake."""
    assert_stops_before_any_job(fresh_project, list(MISSING))
    assert not (fresh_project / "results").exists()


@pytest.mark.slow
@pytest.mark.parametrize("key", MISSING)
def test_a_missing_file_stops_a_run_over_finished_results(finished_project, key):
    assert_stops_before_any_job(finished_project, [key])


@pytest.mark.parametrize(
    "finished",
    [pytest.param(False, id="first run"), pytest.param(True, id="over results")],
)
@pytest.mark.slow
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


# --- a run killed in the middle ---------------------------------------------------------


def make(folder, *targets):
    """``make`` in a copy of the project, with the project's own .venv (never reinstalled)."""
    venv = ROOT / ".venv"
    command = ["make", "-o", f"{venv}/.installed", f"VENV={venv}", *targets]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=900)


def test_the_lock_check_tells_a_stale_lock_from_a_running_snakemake(tmp_path):
    check = [sys.executable, "-m", "leisurenet.workflow.lock"]
    assert subprocess.run(check, cwd=tmp_path).returncode == 0  # no lock
    (tmp_path / ".snakemake" / "locks").mkdir(parents=True)
    (tmp_path / ".snakemake" / "locks" / "0.output.lock").write_text("")
    stale = subprocess.run(check, cwd=tmp_path, capture_output=True, text=True)
    assert stale.returncode == 1 and "'make unlock'" in stale.stderr
    # a process in the folder whose command line names Snakemake holds the lock
    running = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", "snakemake"], cwd=tmp_path
    )
    try:
        assert subprocess.run(check, cwd=tmp_path).returncode == 0
    finally:
        running.kill()
        running.wait()


@pytest.mark.slow(minutes=2)  # the models and all after them, killed and resumed
def test_a_killed_run_resumes_after_make_unlock_to_the_same_bytes(replica_run, tmp_path):
    # A rerun from the models on, in a copy of the finished run: killed in the middle, it
    # leaves what a killed first run does (a lock, outputs marked incomplete) beside results
    # that must be kept, in half the time of a build from scratch.
    folder = copy_of(replica_run, tmp_path)
    for name in ("Makefile", "pyproject.toml", "requirements.lock"):
        shutil.copy(ROOT / name, folder / name)
    assert not any(folder.glob(".snakemake/incomplete/*"))
    killed = subprocess.Popen(
        [SNAKEMAKE, "--cores", "2", "--forcerun", "models"],
        cwd=folder,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 600
    while not any(folder.glob(".snakemake/incomplete/*")):
        assert killed.poll() is None and time.monotonic() < deadline
        time.sleep(0.2)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    assert any(folder.glob(".snakemake/locks/*"))
    stopped = make(folder)
    assert stopped.returncode != 0 and "Run 'make unlock', then 'make' again" in stopped.stderr
    assert make(folder, "unlock").returncode == 0
    resumed = make(folder)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "rule models:" in resumed.stdout + resumed.stderr  # the half-done job, run again
    assert output_bytes(folder) == output_bytes(replica_run)
