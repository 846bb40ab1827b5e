"""The conda environment of the rules' ``conda:`` directives, written from requirements.lock.

``snakemake --use-conda`` creates a rule's environment from a copy of its file under
``.snakemake/conda/`` (or ``--conda-prefix``), where a ``-r requirements.lock`` would not
be found; so this file lists the lock's pins itself, and is generated, never edited:
``make lock`` runs ``python -m leisurenet.workflow.condaenv`` after re-resolving the lock. The
environment.yml in the project folder, for a user's own ``conda env create``, reads the
lock instead. Standard library only: ``make lock`` runs it before any environment exists.
"""

from __future__ import annotations

import sys

from leisurenet.paths import ROOT
from leisurenet.quarto import RANGE

LOCK = ROOT / "requirements.lock"
RULE_ENV = ROOT / "workflow" / "envs" / "leisurenet.yaml"
# What conda provides; everything else comes from the lock through pip.
CONDA_PACKAGES = ("python=3.11", "pip", f"quarto{RANGE}")
HEADER = """\
# Generated from requirements.lock by `make lock` (python -m leisurenet.workflow.condaenv): do not
# edit. The environment of every rule's `conda:` directive, for `snakemake --use-conda`:
# Snakemake creates it from a copy under .snakemake/conda/, so it names no file and lists
# the lock's pins instead. The library comes from src/, which the Snakefile puts on the
# jobs' PYTHONPATH.
"""


def pins(lock_text: str) -> list[str]:
    """The ``name==version`` lines of a pip lock file, in its order."""
    return [
        line.strip() for line in lock_text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]


def rule_environment(lock_text: str) -> str:
    """The text of workflow/envs/leisurenet.yaml for this lock."""
    lines = [HEADER.rstrip("\n"), "channels:", "  - conda-forge", "dependencies:"]
    lines += [f"  - {package}" for package in CONDA_PACKAGES]
    lines += ["  - pip:", *(f"      - {pin}" for pin in pins(lock_text))]
    return "\n".join(lines) + "\n"


def main() -> int:
    RULE_ENV.parent.mkdir(parents=True, exist_ok=True)
    RULE_ENV.write_text(rule_environment(LOCK.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"written: {RULE_ENV.relative_to(ROOT)} ({len(pins(LOCK.read_text(encoding='utf-8')))} pins)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
