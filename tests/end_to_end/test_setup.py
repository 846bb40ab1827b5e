"""Set-up: `make .venv/.installed` installs exactly the pins of requirements.lock, with uv (the
default) and with pip (UV=no, the fallback), into a fresh environment."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ..conftest import ROOT

pytestmark = pytest.mark.slow
# What the set-up reads: the Makefile's rule, the pins and the package itself.
SETUP_FILES = ["Makefile", "requirements.lock", "pyproject.toml", "src"]


def pins(lock: Path) -> list[str]:
    return sorted(line for line in lock.read_text(encoding="utf-8").splitlines() if line and line[0] != "#")


@pytest.fixture(scope="module", params=["yes", "no"])
def installed(request, tmp_path_factory) -> tuple[str, Path]:
    """A copy of the set-up's files, set up by `make .venv/.installed UV=<yes|no>`."""
    folder = tmp_path_factory.mktemp(f"setup_uv_{request.param}")
    for name in SETUP_FILES:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
    result = subprocess.run(
        ["make", ".venv/.installed", f"UV={request.param}"], cwd=folder, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return request.param, folder


def test_either_route_installs_exactly_the_pins_of_the_lock(installed):
    uv, folder = installed
    freeze = subprocess.run(
        [str(folder / ".venv/bin/pip"), "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert sorted(freeze.stdout.splitlines()) == pins(folder / "requirements.lock"), f"UV={uv}"
    # uv stays outside the environment's packages; without it nothing of it is fetched
    assert (folder / ".venv/.uv/bin/uv").exists() == (uv == "yes")


def test_either_route_installs_the_package_editable(installed):
    uv, folder = installed
    where = subprocess.run(
        [str(folder / ".venv/bin/python"), "-c", "import leisurenet; print(leisurenet.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()) == folder / "src/leisurenet/__init__.py", f"UV={uv}"
