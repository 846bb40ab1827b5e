"""The run manifest: building it and verifying one by re-running the workflow (the verdicts
themselves: tests/release/test_equivalence.py)."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from leisurenet.release import manifest as mf

from ..conftest import run
from ..end_to_end.test_pipeline import output_bytes

NO_GIT = {"git_commit": "unknown", "git_dirty": "unknown"}
# As the rule passes them: its own files and log, and the paper's render folder.
EXCLUDE = [
    "results/manifest.json",
    "results/manifest_content.json",
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
    manifest, _ = mf.build_manifest(
        root, inputs, requirements=root / "requirements.in", exclude=EXCLUDE, git=NO_GIT
    )
    return manifest


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
    assert manifest["tolerance"] == {"rtol": 1e-6, "atol": 1e-10}


def test_building_twice_gives_identical_bytes(fake_run, tmp_path_factory):
    """No timestamps: new modification times (as a fresh run gives) change nothing."""
    out = tmp_path_factory.mktemp("out")
    for name in ("1", "2"):
        if name == "2":
            for path in (fake_run / "results").rglob("*"):
                os.utime(path, (1_000_000_000, 1_000_000_000))
        manifest, content = mf.build_manifest(fake_run, {}, requirements=None, exclude=EXCLUDE, git=NO_GIT)
        mf.write_manifest(manifest, out / name / "manifest.json", out / name / "manifest.csv", content)
    for file in ("manifest.json", "manifest.csv", "manifest_content.json"):
        assert (out / "1" / file).read_bytes() == (out / "2" / file).read_bytes(), file
    written = mf.load_manifest(out / "1/manifest.json")
    assert written["content"] == {
        "file": "manifest_content.json",
        "bytes": (out / "1/manifest_content.json").stat().st_size,
        "sha256": mf.sha256(out / "1/manifest_content.json"),
    }
    assert mf.load_content(out / "1/manifest.json", written) == content


def test_the_csv_is_tidy(fake_run):
    platform = {"cpu": "Some CPU", "cores_used": "2"}
    manifest, _ = mf.build_manifest(
        fake_run, {}, requirements=None, exclude=EXCLUDE, git=NO_GIT, platform=platform
    )
    table = mf.manifest_table(manifest)
    assert list(table.columns) == ["section", "name", "path", "bytes", "sha256", "kind", "value"]
    assert list(table["section"].unique()) == ["project", "platform", "python", "tolerance", "outputs"]
    assert table.loc[table["name"] == "cpu", "value"].tolist() == ["Some CPU"]
    outputs = table[table["section"] == "outputs"]
    assert outputs["sha256"].str.fullmatch("[0-9a-f]{64}").all() and outputs["value"].isna().all()
    assert outputs["kind"].tolist() == ["table", "file", "file"]  # a.csv, a.log, b.bin


def test_the_platform_facts_name_the_blas_kernel(monkeypatch):
    from leisurenet.release.machine import platform_facts

    monkeypatch.setenv("OPENBLAS_CORETYPE", "Prescott")
    facts = platform_facts(cores=3)
    assert facts["cores_used"] == "3" and facts["openblas_coretype"] == "Prescott"
    blas = [value for key, value in facts.items() if key.startswith("blas ")]
    assert blas and all("kernel" in value for value in blas), facts
    assert all(isinstance(value, str) for value in facts.values())


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


# --- verifying, with the workflow run replaced ---------------------------------------------


@pytest.fixture
def fake_project(fake_run) -> Path:
    """A bare project (no git) whose manifest names an untracked input and a config file."""
    write(fake_run / "Snakefile", "rule all:\n")
    write(fake_run / "data/export.csv", "resp_id\n1\n")
    write(fake_run / "mine.yaml", "data: {raw: data/export.csv}\n")
    inputs = {"configfiles": ["config/config.yaml"], "raw": "data/export.csv"}
    manifest, content = mf.build_manifest(
        fake_run, inputs, requirements=fake_run / "requirements.in", exclude=EXCLUDE, git=NO_GIT
    )
    mf.write_manifest(manifest, fake_run / "results/manifest.json", content=content)
    return fake_run


def fake_workflow(project: Path, calls: list, change: dict | None = None):
    """Stands in for the Snakemake run: checks the copy and writes the project's manifest (and
    content) as its result, with ``change`` (path: text) applied to the outputs first."""

    def run(workdir, *, cores, configfiles=()):
        workdir = Path(workdir)
        calls.append({"cores": cores, "configfiles": list(configfiles), "workdir": workdir})
        for needed in ("Snakefile", "config/config.yaml", "requirements.in", "data/export.csv", *configfiles):
            assert (workdir / needed).is_file(), needed
        assert not (workdir / "results").exists()  # from scratch: no results copied
        shutil.copytree(project / "results", workdir / "results")
        for path, text in (change or {}).items():
            write(workdir / path, text)
        inputs = {"configfiles": ["config/config.yaml"], "raw": "data/export.csv"}
        manifest, content = mf.build_manifest(
            workdir, inputs, requirements=workdir / "requirements.in", exclude=EXCLUDE, git=NO_GIT
        )
        mf.write_manifest(manifest, workdir / mf.MANIFEST_JSON, content=content)
        return workdir / mf.MANIFEST_JSON

    return run


def test_verify_passes_when_the_new_manifest_agrees(fake_project, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(mf, "run_workflow", fake_workflow(fake_project, calls))
    monkeypatch.chdir(fake_project)
    argv = ["verify", "results/manifest.json", "--cores", "3", "--configfile", "mine.yaml"]
    assert mf.main(argv) == 0
    assert capsys.readouterr().out.endswith("\nVERIFY: IDENTICAL\n")
    assert calls[0]["cores"] == 3 and calls[0]["configfiles"] == ["mine.yaml"]
    assert not calls[0]["workdir"].exists()  # removed without --keep


def test_verify_is_equivalent_within_the_tolerance(fake_project, monkeypatch, capsys):
    calls = []
    change = {"results/a.csv": "x,y\n1,2.0000000001\n"}
    (fake_project / "results/a.csv").write_text("x,y\n1,2.0\n")
    manifest, content = mf.build_manifest(
        fake_project, {"configfiles": ["config/config.yaml"], "raw": "data/export.csv"},
        requirements=fake_project / "requirements.in", exclude=EXCLUDE, git=NO_GIT,
    )  # fmt: skip
    mf.write_manifest(manifest, fake_project / "results/manifest.json", content=content)
    monkeypatch.setattr(mf, "run_workflow", fake_workflow(fake_project, calls, change))
    assert (
        mf.main(["verify", str(fake_project / "results/manifest.json"), "--project", str(fake_project)]) == 0
    )
    out = capsys.readouterr().out
    assert "largest relative difference 5e-11: results/a.csv, row x 1, column y: 2.0 vs 2.0000000001" in out
    assert out.endswith("\nVERIFY: EQUIVALENT\n")


def test_verify_fails_and_names_what_differs(fake_project, monkeypatch, capsys):
    calls = []
    change = {"results/a.csv": "x,y\n1,3\n"}
    monkeypatch.setattr(mf, "run_workflow", fake_workflow(fake_project, calls, change))
    argv = ["verify", str(fake_project / "results/manifest.json"), "--project", str(fake_project), "--keep"]
    argv += ["--configfile", str(fake_project / "mine.yaml")]
    assert mf.main(argv) == 1
    captured = capsys.readouterr()
    assert "DIFFERENT results/a.csv: 1 cell(s) beyond the tolerance" in captured.out
    assert "row x 1, column y: 2 -> 3" in captured.out
    assert captured.out.endswith("\nVERIFY: DIFFERENT\n") and f"kept {calls[0]['workdir']}" in captured.err
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


MACHINE_RECORDS = ("results/manifest.json", "results/manifest.csv")  # they record the cores


@pytest.mark.slow(minutes=3)  # the workflow from scratch, twice
def test_verify_identical_on_other_cores_equivalent_on_another_kernel_different_after_a_change(
    replica_run, tmp_path, monkeypatch, capsys
):
    """The real verify, three times: the workflow from scratch in a copy of the project that made
    the manifest.

    1. On one core (the manifest's run had two): every output byte for byte, IDENTICAL. Then,
       in that copy, the bootstrap split into chunks of another size and the multiverse in one
       job per specification (as on a cluster): the same results again.
    2. With another BLAS kernel (OPENBLAS_CORETYPE=Prescott; SkylakeX or another is the
       default): the fitted numbers move in their last digits, EQUIVALENT, exit 0.
    3. In that copy, one analysis setting changed (the bootstrap's replicates): DIFFERENT, exit
       1, naming the bootstrap's intervals, their numbers that moved and the paper's text."""
    manifest = replica_run / mf.MANIFEST_JSON
    argv = ["verify", str(manifest), "--project", str(replica_run), "--keep"]
    first = {k: v for k, v in output_bytes(replica_run).items() if k not in MACHINE_RECORDS}

    code = mf.main([*argv, "--cores", "1"])
    out, err = capsys.readouterr()
    kept = Path(err.rsplit("kept ", 1)[1].strip())
    try:
        assert code == 0 and out.endswith("\nVERIFY: IDENTICAL\n"), out
        assert "platform: cores_used: 2 -> 1" in out
        assert {k: v for k, v in output_bytes(kept).items() if k not in MACHINE_RECORDS} == first
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

    monkeypatch.setenv("OPENBLAS_CORETYPE", "Prescott")
    code = mf.main(argv)
    out, err = capsys.readouterr()
    kept = Path(err.rsplit("kept ", 1)[1].strip())
    try:
        # the kernel this machine chooses by itself, against Prescott's
        expected = mf.load_manifest(manifest)["platform"]
        kernels = {value for key, value in expected.items() if key.startswith("blas ")}
        if any("kernel Prescott" in k or "kernel Katmai" in k for k in kernels):
            pytest.skip(f"this machine's own BLAS kernel is Prescott's already: {kernels}")
        assert code == 0 and out.endswith("\nVERIFY: EQUIVALENT\n"), out
        assert "platform: openblas_coretype: (not set) -> Prescott" in out
        assert "output(s) differ only within the tolerance" in out and "largest relative difference" in out
        assert "results/models/coefficients.csv" in out  # fitted numbers did move

        # one setting changed, and only what follows from it rerun
        (kept / "changed.yaml").write_text("bootstrap:\n  replicates: 399\n  chunk_size: 200\n")
        result = run(kept, "--configfile", "changed.yaml")
        assert result.returncode == 0, result.stderr[-3000:]
        assert mf.main(["compare", str(manifest), str(kept / mf.MANIFEST_JSON)]) == 1
        out = capsys.readouterr().out
        assert out.endswith("\nVERIFY: DIFFERENT\n")
        assert "extra    configfiles: changed.yaml" in out
        assert re.search(r"DIFFERENT results/bootstrap/intervals.csv: \d+ cell\(s\) beyond the", out)
        assert re.search(r"row size_class\[medium\], column boot_mean: [-0-9.e]+ -> [-0-9.e]+", out)
        assert "in the paper (" in out  # the paper's numbers from the intervals
        assert "DIFFERENT results/paper/paper.html: its text differs" in out
        assert "[400 -> 399]" in out  # the sentence that says how many replicates
    finally:
        shutil.rmtree(kept, ignore_errors=True)
