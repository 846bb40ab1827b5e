"""The students' notebooks run, top to bottom, in a Jupyter kernel against a built replica,
and change no file; `make lab` serves the project from a fresh copy.

Each notebook (a jupytext percent-format .py file) is executed as `make notebooks` executes
it: `jupytext --execute` in the kernel that `make test` installs into .venv with the
notebook tools (requirements-lab.lock), from the notebooks' folder as Jupyter runs them,
with LEISURENET_RESULTS pointing at the results of the replica run that the session shares
(conftest.replica_run), so the project's own results/ need not exist. An error in any cell
fails the test; the notebooks assert their own checks (e.g. that a recomputed cross-tab
equals the pipeline's, or a number equals the paper's).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from leisurenet import load as ln
from leisurenet.outputs import OUTPUTS

from ..conftest import ROOT

BIN = Path(sys.executable).parent
# The kernel `make` registers in .venv (KERNEL in the Makefile).
KERNEL = "leisurenet"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
# What Jupytext reads as a commented magic or shell command in a code cell (jupytext/magics.py).
COMMENTED_MAGIC = re.compile(
    r"^\s*(# |#)+\s*((%|%%|%%%)[a-zA-Z]|[?!]\s*[A-Za-z.~$\\/{}])"
    r"|^(# |#)+(cat|cd|cp|mv|rm|rmdir|mkdir|copy|ddir|echo|ls|ldir|ren)($|\s$|\s[^=,])"
)
# Generated or installed, never part of what a notebook may change (all git-ignored). The Quarto
# kits are tools that tests on the other workers run meanwhile (Quarto writes its Deno cache there).
SKIP = {
    *(".git", ".venv", ".snakemake", "__pycache__", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints"),
    *(".quarto-kit", ".quarto-kit-newest"),
}


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
    assert [p.name for p in NOTEBOOKS][:4] == [
        "01_explore_item_and_crosstab.py",
        "02_extend_a_model.py",
        "03_add_an_analysis_rule.py",
        "04_check_a_number.py",
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


def execute(notebook: Path, output: Path) -> list[str]:
    """The command `make notebooks` runs for one notebook (the Makefile's recipe, checked below)."""
    return [str(BIN / "jupytext"), "--to", "ipynb", "--set-kernel", KERNEL, "--execute",
            "--run-path", "notebooks", "--output", str(output), str(notebook.relative_to(ROOT))]  # fmt: skip


def test_make_notebooks_runs_the_command_the_tests_run():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"KERNEL := {KERNEL}\n" in makefile
    recipe = "$(BIN)/jupytext --to ipynb --set-kernel $(KERNEL) --execute --run-path notebooks --output"
    assert f"{recipe} $$output $$notebook" in makefile
    assert "NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.py))" in makefile


def pins(lock: str) -> dict[str, str]:
    """A lock file's ``name==version`` lines, by normalised name."""
    lines = [
        line for line in (ROOT / lock).read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[^=\s]+", line) for line in lines), lines
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in (x.split("==") for x in lines)}


def test_the_lab_lock_adds_to_the_pipeline_lock_and_is_what_is_installed():
    """requirements-lab.lock pins only what requirements.lock does not (so installing both
    moves no pin of it; `make lock` resolves it held to those pins) and includes the tools."""
    lab, pipeline = pins("requirements-lab.lock"), pins("requirements.lock")
    assert lab.keys() & pipeline.keys() == set()
    assert {"jupyterlab", "jupytext", "ipykernel", "nbclient"} <= lab.keys()
    # `make test` installed both into this environment: every pin is the installed version.
    import importlib.metadata

    def version(name: str) -> str | None:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return None

    installed = {name: version(name) for name in lab | pipeline}
    assert installed == lab | pipeline, "run `make test`: it installs requirements-lab.lock"


def test_what_the_lab_lock_leaves_out_stays_out_and_the_jobs_import_quickly():
    """LAB_LEFT_OUT is neither pinned nor installed (the lab install takes no dependencies beyond
    the locks), so a job's ``import jsonschema`` does not build rfc3987-syntax's grammar."""
    left_out = re.search(r"^LAB_LEFT_OUT := (.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    names = left_out.group(1).split()
    assert "rfc3987-syntax" in names
    assert not set(names) & pins("requirements-lab.lock").keys()
    import importlib.metadata

    for name in names:
        with pytest.raises(importlib.metadata.PackageNotFoundError):
            importlib.metadata.version(name)
    code = "import sys, leisurenet.codebook; print({'rfc3987_syntax', 'lark'} & set(sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "set()"


@pytest.fixture(scope="session")
def kernel():
    """The notebook tools and the project's kernel, which `make test` installs."""
    try:
        from jupyter_client.kernelspec import find_kernel_specs
    except ImportError:
        find_kernel_specs = dict
    assert (BIN / "jupytext").is_file() and KERNEL in find_kernel_specs(), (
        f"no Jupyter kernel '{KERNEL}': run the tests with `make test`, which installs"
        " requirements-lab.lock into .venv and registers the kernel"
    )
    return KERNEL


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_a_kernel_and_changes_nothing(notebook, kernel, replica_run, tmp_path):
    results = replica_run / "results"
    output = tmp_path / f"{notebook.stem}.ipynb"
    env = os.environ | {ln.ENV_VAR: str(results)}
    project_before, results_before = tree_state(ROOT), tree_state(results)
    ran = subprocess.run(
        execute(notebook, output), cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert ran.returncode == 0, ran.stderr[-5000:]
    no_change = {"added": [], "removed": [], "modified": []}
    assert changes(project_before, tree_state(ROOT)) == no_change, "the notebook changed the project"
    assert changes(results_before, tree_state(results)) == no_change, "it changed the results"

    executed = nbformat.read(output, as_version=4)
    assert executed.metadata.kernelspec.name == kernel
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1)), (
        "every cell ran, in order"
    )
    outputs = [out for cell in code for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    # It read the replica, not ROOT / "results": the first cell prints the folder.
    assert code[0].outputs[0].text == f"reading {results}\n"
    shown = {kind for out in outputs for kind in out.get("data", {})}
    assert "text/html" in shown, "a table, as a notebook shows a DataFrame"
    if notebook.stem.startswith("01_"):
        assert "image/png" in shown, "the Likert chart, drawn inline"


@pytest.mark.slow
def test_every_output_of_a_run_has_a_name(replica_run):
    """Every table the pipeline really wrote can be loaded by name, but the copies in another
    format that leisurenet.outputs declares without one (the notebooks above load the main ones)."""
    results = replica_run / "results"
    written = {
        str(p.relative_to(replica_run))
        for p in results.rglob("*")
        if p.suffix in {".csv", ".parquet", ".yml", ".md"}
        and not {"build", "build_pdf", "tables", "logs"} & set(p.relative_to(results).parts)
    }
    copies = {out.file for out in OUTPUTS if out.name is None}
    tables = written - copies
    listing = ln.available(results).set_index("name")
    named = {str(Path(path).relative_to(replica_run)) for path in listing["path"]}
    assert tables - named == set()
    assert listing.loc[["recoded", "items", "tests", "coefficients", "fit", "figures"], "exists"].all()
    # every figure's data, by the figure's name (the Likert figures' follow the codebook)
    drawn = listing.filter(like="figure_", axis=0)
    assert {"figure_role_by_size", "figure_likert_vision"} <= set(drawn.index) and drawn["exists"].all()
    assert ln.load("figure_role_by_size", results).equals(pd.read_csv(results / "figures/role_by_size.csv"))


# --- make lab ----------------------------------------------------------------------------


def fresh_copy(folder: Path) -> Path:
    """What a clone of the project holds: the files git tracks, and new ones it does not ignore."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    for rel in filter(None, listed.split("\0")):
        if (ROOT / rel).is_file():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, folder / rel)
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(url: str, token: str, method: str = "GET", body: dict | None = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
    call = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(call, timeout=10) as answer:
        body = answer.read()
        return answer.status, json.loads(body) if body else {}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="not a git checkout")
def test_make_lab_serves_the_project_from_a_fresh_clone(tmp_path):
    """`make lab` in a fresh copy sets up .venv from both locks and starts JupyterLab (headless
    here), which answers /api/status with the token, and opens and saves a .py notebook
    through Jupytext's pairing; then it is shut down through the API. Mostly installation:
    about 1.5 minutes with pip's cache warm (`make test` installed the same pins before),
    longer on a machine without it."""
    clone = fresh_copy(tmp_path / "clone")
    port, token = free_port(), secrets.token_hex(16)
    args = f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} --IdentityProvider.token={token}"
    env = {
        k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
    }
    log = (tmp_path / "lab.log").open("w")
    lab = subprocess.Popen(
        ["make", "lab", f"LAB_ARGS={args}"], cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, status = time.monotonic() + 900, None
        while status is None and lab.poll() is None and time.monotonic() < deadline:
            try:
                status = request(f"{base}/api/status", token)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(1)
        assert status is not None, (tmp_path / "lab.log").read_text()[-5000:]
        code, state = status
        assert code == 200 and {"started", "kernels", "connections"} <= state.keys(), state
        # the token is required
        with pytest.raises(urllib.error.HTTPError, match="403"):
            request(f"{base}/api/contents/notebooks", "not-the-token")
        # Jupytext's contents manager opens a percent-format .py file as a notebook, and
        # saving it writes the paired .ipynb beside it and the .py file unchanged.
        notebook = clone / "notebooks" / "04_check_a_number.py"
        source, url = notebook.read_bytes(), f"{base}/api/contents/notebooks/{notebook.name}"
        code, model = request(f"{url}?type=notebook", token)
        assert code == 200 and model["type"] == "notebook", model.get("type")
        assert model["content"]["cells"][0]["cell_type"] == "markdown"
        assert not notebook.with_suffix(".ipynb").exists()
        saved = {"type": "notebook", "format": "json", "content": model["content"]}
        assert request(url, token, method="PUT", body=saved)[0] == 200
        assert notebook.with_suffix(".ipynb").is_file() and notebook.read_bytes() == source
        _, kernels = request(f"{base}/api/kernelspecs", token)
        assert KERNEL in kernels["kernelspecs"]
        request(f"{base}/api/shutdown", token, method="POST")
        assert lab.wait(timeout=60) == 0, (tmp_path / "lab.log").read_text()[-5000:]
    finally:
        if lab.poll() is None:
            os.killpg(lab.pid, signal.SIGTERM)
            lab.wait(timeout=30)
        log.close()
