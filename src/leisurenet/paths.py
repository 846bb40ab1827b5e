"""Locations inside the project checkout that the library needs (schemas, default config)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "workflow" / "schemas"
CONFIG = ROOT / "config"
