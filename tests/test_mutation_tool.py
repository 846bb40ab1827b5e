"""tools/mutation.py (``make mutation``): how it counts kills and matches survivors with their
explanations. The mutation run itself is not a test: it takes most of an hour."""

from __future__ import annotations

import importlib.util
import re

import pytest
import yaml

from .conftest import ROOT

# tools/ is not a package: load the module from its file.
_spec = importlib.util.spec_from_file_location("mutation_tool", ROOT / "tools" / "mutation.py")
mutation = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mutation)

DIFF = """--- src/leisurenet/analysis/crosstab.py
+++ src/leisurenet/analysis/crosstab.py
@@ -1,3 +1,3 @@
 def holm(p):
-    p = np.asarray(p, dtype=float)
+    p = np.asarray(p, dtype=None)
     return p"""


def test_timeouts_and_failures_are_kills_survivors_and_untested_mutants_are_not():
    results = {
        "describe": {"a": 1, "b": 0, "c": 36, "d": 33},  # killed, survived, timeout, no tests
        "crosstab": {"e": 1, "f": None},  # killed, not run
    }
    assert mutation.rates(results) == {"describe": (2, 4), "crosstab": (1, 2), "all": (3, 6)}


def test_a_function_is_tried_again_on_every_test_of_its_tests_files():
    # f was seen called by a test of a.py only (a module-wide fixture served the others).
    stats = {
        "duration_by_test": {"t/a.py::one": 1, "t/a.py::two": 1, "t/b.py::three": 1},
        "tests_by_mangled_function_name": {"m.x_f": ["t/a.py::one"], "m.x_g": []},
    }
    widened = mutation.widen(stats)["tests_by_mangled_function_name"]
    assert widened == {"m.x_f": ["t/a.py::one", "t/a.py::two"], "m.x_g": []}


def test_the_changed_line_is_read_from_the_diff():
    assert mutation.changed_line(DIFF) == "p = np.asarray(p, dtype=None)"
    deleted = '--- a.py\n+++ a.py\n@@ -3,3 +3,2 @@\n x = f(\n-    method="L-BFGS-B",\n )\n'
    assert mutation.changed_line(deleted) == 'removed: method="L-BFGS-B",'


def test_a_survivor_is_explained_only_by_its_change_with_a_reason():
    survivors = {"m1": "p = np.asarray(p, dtype=None)", "m2": "x = 1", "m3": "y = 2", "m4": "z = 3"}
    explained = {
        "m1": {"change": "p = np.asarray(p,  dtype=None)", "reason": "p is a float array already"},
        "m2": {"change": "x = 2", "reason": "renumbered: another mutant now"},
        "m3": {"change": "y = 2", "reason": " "},
    }
    assert mutation.unexplained(survivors, explained) == ["m2", "m3", "m4"]


def test_every_committed_explanation_has_a_change_and_a_reason():
    explained = yaml.safe_load(mutation.SURVIVORS.read_text(encoding="utf-8")) or {}
    incomplete = [
        name for name, entry in explained.items() if not (entry.get("change") and entry.get("reason"))
    ]
    assert incomplete == []
    assert {name.split(".")[2] for name in explained} <= set(mutation.MODULES)


def test_unknown_modules_are_refused(capsys):
    with pytest.raises(SystemExit):
        mutation.main(["--modules", "describe,nosuch"])
    assert "nosuch" in capsys.readouterr().err


def pins(lock: str) -> dict[str, str]:
    """A lock file's ``name==version`` lines, by normalised name."""
    lines = [
        line for line in (ROOT / lock).read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[^=\s]+", line) for line in lines), lines
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in (x.split("==") for x in lines)}


def test_the_mutation_lock_adds_to_the_pipeline_lock_and_agrees_with_the_lab_lock():
    # make mutation installs it into .venv beside requirements.lock (and the notebook tools):
    # it may move no pin of either.
    mutation_pins, pipeline, lab = (
        pins(f) for f in ("requirements-mutation.lock", "requirements.lock", "requirements-lab.lock")
    )
    assert "mutmut" in mutation_pins and mutation_pins.keys() & pipeline.keys() == set()
    assert {name: lab[name] for name in mutation_pins.keys() & lab.keys()} == {
        name: mutation_pins[name] for name in mutation_pins.keys() & lab.keys()
    }
