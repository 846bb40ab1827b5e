"""Code style and workflow lint, as the Makefile's `lint` target runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

BIN = Path(sys.executable).parent

CHECKS = {
    "ruff check": [str(BIN / "ruff"), "check", "."],
    "ruff format": [str(BIN / "ruff"), "format", "--check", "."],
    "snakefmt": [str(BIN / "snakefmt"), "--check", "Snakefile", "workflow/rules"],
    "snakemake --lint": [str(BIN / "snakemake"), "--lint"],
}


@pytest.mark.parametrize("name", CHECKS)
def test_clean(name):
    result = subprocess.run(CHECKS[name], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr}"
    if name == "snakemake --lint":
        assert "Lints for" not in result.stdout + result.stderr
