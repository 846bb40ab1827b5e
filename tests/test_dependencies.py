"""Every dependency earns its place: the top-level packages of requirements.in and
requirements-lab.in are the ones the project imports, and the tools it runs by name.

Imports are read with ast from the library, the rules' scripts, the benchmarks, the tests
and the notebooks (percent-format .py files), and from the import lines of the Snakefile and
its rule files; each import name is mapped to the distribution that installs it
(``importlib.metadata.packages_distributions``: ``yaml`` is PyYAML's).
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from importlib.metadata import packages_distributions

import pytest

from leisurenet.release.manifest import requirement_names

from .conftest import ROOT

PIPELINE = "requirements.in"
LAB = "requirements-lab.in"  # the notebook tools, on top of the pipeline's pins
# What the pipeline runs (pinned in PIPELINE), and what only the developers, the
# benchmarks and the notebooks import (pinned in either file).
PIPELINE_SOURCES = ["src/**/*.py", "scripts/*.py"]
OTHER_SOURCES = ["benchmarks/*.py", "tests/**/*.py", "notebooks/*.py"]
WORKFLOW_FILES = ["Snakefile", "workflow/rules/*.smk"]
OWN = {"leisurenet", "benchmarks", "tests"}  # the project's own packages

# Packages that nothing imports: run as a command, loaded by name as a plugin or a back end.
# Each with the file that uses it and the text there that shows the use.
NOT_IMPORTED = {
    # Snakemake loads its executor plugins by name: `executor: slurm` in the profile
    "snakemake-executor-plugin-slurm": [("workflow/profiles/slurm/config.yaml", "executor: slurm")],
    # pandas' Parquet engine, named where the stages' outputs are written and read
    "pyarrow": [("src/leisurenet/io.py", 'engine="pyarrow"')],
    # the lint (`make lint`, and tests/test_style.py runs the same commands)
    "ruff": [("Makefile", "$(BIN)/ruff check ."), ("tests/test_style.py", '"ruff"')],
    "snakefmt": [("Makefile", "$(BIN)/snakefmt --check"), ("tests/test_style.py", '"snakefmt"')],
    # the notebook tools: `make lab`, and `make notebooks` (and tests/end_to_end/test_notebooks.py)
    # executing each notebook in the kernel that ipykernel registers, through nbclient
    "jupyterlab": [("Makefile", "$(BIN)/jupyter lab")],
    "jupytext": [
        ("Makefile", "$(BIN)/jupytext --to ipynb"),
        ("tests/end_to_end/test_notebooks.py", '"jupytext"'),
    ],
    "ipykernel": [("Makefile", "$(BIN)/python -m ipykernel install")],
    "nbclient": [("Makefile", "--execute --run-path notebooks")],
}


def canonical(name: str) -> str:
    """A distribution's name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def files(patterns: list[str]) -> list:
    return sorted({path for pattern in patterns for path in ROOT.glob(pattern)})


def python_imports(path) -> set[str]:
    """The top-level names of the absolute imports of a Python file, wherever they stand."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def workflow_imports(path) -> set[str]:
    """The imports of a Snakefile or rule file (Python's syntax, in a file that is not Python)."""
    lines = re.findall(
        r"^\s*(?:from\s+\S+\s+import\s+.+|import\s+.+)$", path.read_text(encoding="utf-8"), re.M
    )
    return set().union(*(python_imports_of(line.strip()) for line in lines))


def python_imports_of(line: str) -> set[str]:
    tree = ast.parse(line)
    return {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in tree.body
        for alias in node.names
    }


def third_party(names: set[str]) -> set[str]:
    return {n for n in names if n not in sys.stdlib_module_names and n not in OWN}


@functools.cache
def imported() -> tuple[set[str], set[str]]:
    """The third-party import names of the pipeline, and of everything else."""
    pipeline = set().union(*map(python_imports, files(PIPELINE_SOURCES)))
    pipeline |= set().union(*map(workflow_imports, files(WORKFLOW_FILES)))
    other = set().union(*map(python_imports, files(OTHER_SOURCES)))
    return third_party(pipeline), third_party(other)


@functools.cache
def installed() -> dict[str, list[str]]:
    return packages_distributions()


def distributions(name: str) -> set[str]:
    """The installed distributions that provide an import name."""
    return {canonical(d) for d in installed().get(name, [])}


def pinned(file: str) -> set[str]:
    path = ROOT / file
    return {canonical(n) for n in requirement_names(path)} if path.exists() else set()


def test_the_sources_are_found():
    pipeline, other = imported()
    assert {"pandas", "yaml", "snakemake", "pingouin", "statsmodels"} <= pipeline
    assert {"pytest", "seaborn", "psutil"} <= other
    assert workflow_imports(ROOT / "Snakefile") >= {"snakemake", "leisurenet", "os"}
    assert len(files(["notebooks/*.py"])) >= 4
    assert distributions("yaml") == {"pyyaml"} and distributions("pypandoc") == {"pypandoc-binary"}


def test_every_import_is_pinned():
    pipeline, other = imported()
    unpinned = {n: sorted(distributions(n)) for n in pipeline if not distributions(n) & pinned(PIPELINE)}
    assert unpinned == {}, f"imported by the pipeline, not pinned in {PIPELINE}"
    both = pinned(PIPELINE) | pinned(LAB)
    unpinned = {n: sorted(distributions(n)) for n in other if not distributions(n) & both}
    assert unpinned == {}, f"imported, not pinned in {PIPELINE} or {LAB}"


@pytest.mark.parametrize("file", [PIPELINE, LAB])
def test_every_pinned_package_is_used(file):
    pipeline, other = imported()
    used = set().union(*map(distributions, pipeline | other)) | set(NOT_IMPORTED)
    assert sorted(pinned(file) - used) == [], f"pinned in {file}, imported by nothing and in no list of tools"


@pytest.mark.parametrize("package", NOT_IMPORTED)
def test_a_tool_is_pinned_and_used_where_the_list_says(package):
    assert package in pinned(PIPELINE) | pinned(LAB)
    pipeline, other = imported()
    assert package not in set().union(*map(distributions, pipeline | other)), "imported: not a tool"
    for file, text in NOT_IMPORTED[package]:
        assert text in (ROOT / file).read_text(encoding="utf-8"), f"{package}: {text!r} not in {file}"
