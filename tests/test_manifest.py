"""The run manifest: building it, comparing two, and verifying one by re-running the workflow."""

from __future__ import annotations

import copy
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from leisurenet import manifest as mf

from .conftest import ROOT, run
from .test_pipeline import output_bytes

NO_GIT = {"git_commit": "unknown", "git_dirty": "unknown"}
# As the rule passes them: its own files and log, and the paper's render folder.
EXCLUDE = [
    "results/manifest.json",
    "results/manifest.csv",
    "results/logs/manifest.log",
    "results/paper/build",
]


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.write_bytes if isinstance(data, bytes) else path.write_text)(data)
    return path


@pytest.fixture
def fake_run(tmp_path) -> Path:
    """A finished run in miniature: outputs, the files the manifest leaves out, inputs."""
    write(tmp_path / "results/a.csv", "x,y\n1,2\n")
    write(tmp_path / "results/sub/b.bin", bytes(range(256)) * 5000)  # more than one read block
    write(tmp_path / "results/logs/a.log", "INFO done\n")
    write(tmp_path / "results/sub/.snakemake_timestamp", "")
    write(tmp_path / "results/paper/build/paper.html", "<html/>")
    write(tmp_path / "results/manifest.json", "{}")  # an older manifest
    write(tmp_path / "results/logs/manifest.log", "INFO old\n")
    write(tmp_path / "config/config.yaml", "data: {raw: synthetic}\n")
    write(tmp_path / "requirements.in", "# top level\npytest\nnumpy>=2 ; python_version>'3'\n\n-r more.txt\n")
    return tmp_path


def build(root: Path) -> dict:
    inputs = {"configfiles": ["config/config.yaml"], "raw": "results/a.csv", "frame": []}
    return mf.build_manifest(root, inputs, requirements=root / "requirements.in", exclude=EXCLUDE, git=NO_GIT)


# --- building -----------------------------------------------------------------------------


def test_outputs_are_hashed_and_the_scratch_files_left_out(fake_run):
    manifest = build(fake_run)
    outputs = {r["path"]: r for r in manifest["outputs"]}
    assert list(outputs) == ["results/a.csv", "results/logs/a.log", "results/sub/b.bin"]
    for path, record in outputs.items():
        data = (fake_run / path).read_bytes()
        assert record["sha256"] == hashlib.sha256(data).hexdigest()
        assert record["bytes"] == len(data)


def test_inputs_packages_and_python(fake_run):
    manifest = build(fake_run)
    assert [(r["name"], r["path"]) for r in manifest["inputs"]] == [
        ("configfiles", "config/config.yaml"),
        ("raw", "results/a.csv"),
    ]
    assert manifest["inputs"][0]["sha256"] == hashlib.sha256(b"data: {raw: synthetic}\n").hexdigest()
    assert manifest["packages"] == {
        "pytest": importlib.metadata.version("pytest"),
        "numpy": importlib.metadata.version("numpy"),
    }
    assert manifest["python"].count(".") == 2
    assert manifest["project"] == NO_GIT


def test_building_twice_gives_identical_bytes(fake_run, tmp_path_factory):
    """No timestamps: new modification times (as a fresh run gives) change nothing."""
    out = tmp_path_factory.mktemp("out")
    mf.write_manifest(build(fake_run), out / "1.json", out / "1.csv")
    for path in (fake_run / "results").rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    mf.write_manifest(build(fake_run), out / "2.json", out / "2.csv")
    assert (out / "1.json").read_bytes() == (out / "2.json").read_bytes()
    assert (out / "1.csv").read_bytes() == (out / "2.csv").read_bytes()
    assert mf.load_manifest(out / "1.json") == build(fake_run)


def test_the_csv_is_tidy(fake_run):
    table = mf.manifest_table(build(fake_run))
    assert list(table.columns) == ["section", "name", "path", "bytes", "sha256", "value"]
    assert list(table["section"].unique()) == ["project", "python", "packages", "inputs", "outputs"]
    outputs = table[table["section"] == "outputs"]
    assert outputs["sha256"].str.fullmatch("[0-9a-f]{64}").all() and outputs["value"].isna().all()


def test_requirement_names(tmp_path):
    text = "# top level\nsnakemake\npingouin>=0.7  # in the lock\nfoo[extra]==1 ; os_name == 'nt'\n-e .\n"
    assert mf.requirement_names(write(tmp_path / "requirements.in", text)) == ["snakemake", "pingouin", "foo"]
    assert mf.package_versions(["surely-not-installed-xyz"]) == {"surely-not-installed-xyz": "not installed"}


def test_paths_outside_the_project_are_absolute(tmp_path):
    assert mf.display_path(tmp_path / "a" / "b.yaml", tmp_path) == "a/b.yaml"
    assert mf.display_path("/elsewhere/c.yaml", tmp_path) == "/elsewhere/c.yaml"


def git(folder: Path, *args: str) -> str:
    identity = ["-c", "user.name=test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    result = subprocess.run(["git", *identity, *args], cwd=folder, capture_output=True, text=True, check=True)
    return result.stdout.strip()


@pytest.fixture
def git_project(tmp_path) -> Path:
    write(tmp_path / "Snakefile", "rule all:\n")
    write(tmp_path / "src/lib.py", "")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "start")
    write(tmp_path / "untracked.txt", "")
    return tmp_path


def test_git_state(git_project, tmp_path_factory):
    state = mf.git_state(git_project)
    assert state == {"git_commit": git(git_project, "rev-parse", "HEAD"), "git_dirty": False}
    write(git_project / "src/lib.py", "x = 1\n")
    assert mf.git_state(git_project)["git_dirty"] is True
    assert mf.git_state(tmp_path_factory.mktemp("not_git")) == NO_GIT


def test_project_files_are_tracked_files_or_the_fallback_set(git_project, tmp_path_factory):
    assert mf.project_files(git_project) == ["Snakefile", "src/lib.py"]
    assert mf.untracked_files(git_project) == ["untracked.txt"]  # verify names what it leaves out
    bare = tmp_path_factory.mktemp("bare")
    for name in ["Snakefile", "config/config.yaml", "src/lib.py", "src/__pycache__/lib.pyc", "notes.txt"]:
        write(bare / name, "")
    assert mf.project_files(bare) == ["Snakefile", "config/config.yaml", "src/lib.py"]
    assert mf.untracked_files(bare) == []


# --- comparing ----------------------------------------------------------------------------


def test_compare_names_changed_missing_and_extra_outputs(fake_run):
    expected = build(fake_run)
    actual = copy.deepcopy(expected)
    actual["outputs"][0]["sha256"] = "0" * 64  # results/a.csv changed
    del actual["outputs"][1]  # results/logs/a.log missing
    actual["outputs"].append({"path": "results/new.csv", "bytes": 1, "sha256": "f" * 64})
    actual["packages"]["numpy"] = "0.0"
    differences = mf.compare(expected, actual)
    found = {(r.section, r.name, r.status) for r in differences.itertuples()}
    assert found == {
        ("outputs", "results/a.csv", "changed"),
        ("outputs", "results/logs/a.log", "missing"),
        ("outputs", "results/new.csv", "extra"),
        ("packages", "numpy", "changed"),
    }
    assert not mf.identical(differences)
    text = mf.describe_differences(differences)
    for path in ("results/a.csv", "results/logs/a.log", "results/new.csv", "numpy"):
        assert path in text
    assert text.endswith("DIFFERENT: 4 difference(s)")


def test_a_differing_output_names_the_numbers_in_the_paper_from_it(fake_run):
    expected = build(fake_run)
    actual = copy.deepcopy(expected)
    actual["outputs"][0]["sha256"] = "0" * 64  # results/a.csv changed
    provenance = pd.DataFrame(
        [
            {
                "text": f"{i}.0%",
                "location": "Section Results",
                "variable": f"items.x{i}.agree",
                "source": source,
            }
            for i, source in enumerate(["results/a.csv"] * 10 + ["results/other.csv"])
        ]
    )
    text = mf.describe_differences(mf.compare(expected, actual), provenance)
    listed = text.split("results/a.csv", 1)[1].splitlines()[1]
    assert listed.strip().startswith("in the paper (10): 0.0% (Section Results, items.x0.agree); 1.0%")
    assert listed.endswith("; and 2 more") and "10.0%" not in text
    assert mf.describe_differences(mf.compare(expected, actual)) == text.replace("\n" + listed, "")


def test_compare_counts_inputs_but_not_the_git_state(fake_run):
    expected = build(fake_run)
    assert mf.compare(expected, expected).empty
    actual = copy.deepcopy(expected)
    actual["project"] = {"git_commit": "a" * 40, "git_dirty": True}
    differences = mf.compare(expected, actual)
    assert len(differences) == 2 and mf.identical(differences)
    actual["inputs"][0]["sha256"] = "1" * 64
    differences = mf.compare(expected, actual)
    assert differences[differences["fails"]]["name"].tolist() == ["configfiles: config/config.yaml"]


def test_compare_cli(fake_run, capsys):
    first, second = fake_run / "1.json", fake_run / "2.json"
    manifest = build(fake_run)
    mf.write_manifest(manifest, first)
    mf.write_manifest(manifest, second)
    assert mf.main(["compare", str(first), str(second)]) == 0
    assert capsys.readouterr().out.endswith("IDENTICAL\n")
    manifest["outputs"][2]["sha256"] = "2" * 64
    mf.write_manifest(manifest, second)
    assert mf.main(["compare", str(first), str(second)]) == 1
    assert "changed  results/sub/b.bin" in capsys.readouterr().out
    second.write_text('{"format": "something else"}')
    assert mf.main(["compare", str(first), str(second)]) == 2


# --- verifying, with the workflow run replaced ---------------------------------------------


@pytest.fixture
def fake_project(fake_run) -> Path:
    """A bare project (no git) whose manifest names an untracked input and a config file."""
    write(fake_run / "Snakefile", "rule all:\n")
    write(fake_run / "data/export.csv", "resp_id\n1\n")
    write(fake_run / "mine.yaml", "data: {raw: data/export.csv}\n")
    manifest = build(fake_run)
    manifest["inputs"].append({"name": "raw", **mf.file_record(fake_run / "data/export.csv", fake_run)})
    mf.write_manifest(manifest, fake_run / "results/manifest.json")
    return fake_run


def fake_workflow(manifest: dict, calls: list):
    """Stands in for the Snakemake run: checks the copy and writes ``manifest`` as its result."""

    def run(workdir, *, cores, configfiles=()):
        workdir = Path(workdir)
        calls.append({"cores": cores, "configfiles": list(configfiles), "workdir": workdir})
        for needed in ("Snakefile", "config/config.yaml", "requirements.in", "data/export.csv", "mine.yaml"):
            assert (workdir / needed).is_file(), needed
        assert not (workdir / "results").exists()  # from scratch: no results copied
        return write(workdir / mf.MANIFEST_JSON, mf.dumps(manifest))

    return run


def test_verify_passes_when_the_new_manifest_agrees(fake_project, monkeypatch, capsys):
    calls = []
    expected = mf.load_manifest(fake_project / "results/manifest.json")
    monkeypatch.setattr(mf, "run_workflow", fake_workflow(expected, calls))
    monkeypatch.chdir(fake_project)
    argv = ["verify", "results/manifest.json", "--cores", "3", "--configfile", "mine.yaml"]
    assert mf.main(argv) == 0
    assert capsys.readouterr().out.endswith("IDENTICAL\n")
    assert calls[0]["cores"] == 3 and calls[0]["configfiles"] == ["mine.yaml"]
    assert not calls[0]["workdir"].exists()  # removed without --keep


def test_verify_fails_and_names_what_differs(fake_project, monkeypatch, capsys):
    calls = []
    actual = mf.load_manifest(fake_project / "results/manifest.json")
    actual["outputs"][0]["sha256"] = "3" * 64
    monkeypatch.setattr(mf, "run_workflow", fake_workflow(actual, calls))
    argv = ["verify", str(fake_project / "results/manifest.json"), "--project", str(fake_project), "--keep"]
    argv += ["--configfile", str(fake_project / "mine.yaml")]
    assert mf.main(argv) == 1
    out = capsys.readouterr().out
    assert "changed  results/a.csv" in out and f"kept {calls[0]['workdir']}" in out
    assert calls[0]["configfiles"] == ["mine.yaml"]  # relative to the project, as the manifest has it
    shutil.rmtree(calls[0]["workdir"])


def test_verify_reports_a_failed_run(fake_project, monkeypatch, capsys):
    def broken(workdir, **_):
        raise RuntimeError("the workflow failed")

    monkeypatch.setattr(mf, "run_workflow", broken)
    argv = ["verify", str(fake_project / "results/manifest.json"), "--project", str(fake_project)]
    assert mf.main(argv) == 2
    assert "the workflow failed" in capsys.readouterr().err


# --- verifying for real -----------------------------------------------------------------------


@pytest.mark.slow
def test_verify_reproduces_the_replica_run(replica_run, tmp_path, capsys):
    """The real verify: the workflow from scratch in a copy of the project that made the manifest.

    Every file under results/ (the logs too) must come out the same. Then, in that copy and on
    one core (the jobs in another order), the bootstrap split into chunks of another size and
    the multiverse in one job per specification (as on a cluster): the same results again."""
    manifest = replica_run / mf.MANIFEST_JSON
    if not manifest.exists():
        if "workflow/rules/manifest.smk" not in (ROOT / "Snakefile").read_text():
            pytest.skip("the Snakefile does not include workflow/rules/manifest.smk yet")
        pytest.fail(f"the pipeline wrote no {mf.MANIFEST_JSON}")
    argv = ["verify", str(manifest), "--project", str(replica_run), "--keep"]
    code = mf.main(argv)
    out = capsys.readouterr().out
    kept = Path(out.rsplit("kept ", 1)[1].strip())
    try:
        assert code == 0, out
        first = output_bytes(replica_run)
        assert output_bytes(kept) == first
        # One output byte changed in a copy of the manifest: the comparison names it.
        changed = json.loads(manifest.read_text())
        record = next(r for r in changed["outputs"] if r["path"] == "results/descriptives/items.csv")
        record["sha256"] = ("0" if record["sha256"][0] != "0" else "1") + record["sha256"][1:]
        (tmp_path / "changed.json").write_text(mf.dumps(changed))
        assert mf.main(["compare", str(tmp_path / "changed.json"), str(kept / mf.MANIFEST_JSON)]) == 1
        assert "changed  results/descriptives/items.csv" in capsys.readouterr().out
        # Other chunks, one job per specification
        (kept / "chunks.yaml").write_text("bootstrap:\n  chunk_size: 150\nmultiverse_jobs: 0\n")
        # the targets first: --configfile takes every file name that follows it
        targets = ["results/bootstrap/intervals.csv", "results/multiverse/specifications.csv"]
        result = run(kept, *targets, "--configfile", "chunks.yaml", cores=1)
        assert result.returncode == 0, result.stderr[-3000:]
        for stage in ("bootstrap", "multiverse"):
            logs = len(list((kept / "results/logs" / stage).glob("*.log")))
            assert logs > len(list((replica_run / "results/logs" / stage).glob("*.log"))), stage
        for name in (*targets, "results/bootstrap/replicates.csv", "results/multiverse/summary.csv"):
            assert (kept / name).read_bytes() == first[name], name
    finally:
        shutil.rmtree(kept, ignore_errors=True)
