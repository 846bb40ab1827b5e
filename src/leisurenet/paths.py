"""Locations inside the project checkout that the library needs (schemas, default config)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "workflow" / "schemas"
CONFIG = ROOT / "config"


def display_path(path: str | Path, root: str | Path = ".") -> str:
    """``path`` relative to ``root`` if it lies inside it, else absolute.

    Snakemake hands ``--configfile`` paths over as absolute paths; relative ones keep a
    manifest comparable between two copies of the project.
    """
    absolute, base = Path(os.path.abspath(path)), Path(os.path.abspath(root))
    if absolute.is_relative_to(base):
        return absolute.relative_to(base).as_posix()
    return absolute.as_posix()
