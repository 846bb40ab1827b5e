"""tools/perturbation.py: how it makes a result 1 % larger, wraps a module's functions, reads the
traced run and counts the outcomes. The perturbation run itself is not a test: it takes most of
an hour."""

from __future__ import annotations

import dataclasses
import importlib.util
from collections import namedtuple

import numpy as np
import pandas as pd
import pytest
import yaml

from .conftest import ROOT

# tools/ is not a package: load the module from its file.
_spec = importlib.util.spec_from_file_location("perturbation_tool", ROOT / "tools" / "perturbation.py")
perturbation = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(perturbation)

SOURCE = """
def share(x):
    return x / 4


def _count(values):
    return len(values)


def doubled(x):
    return 2 * share(x)


class Table:
    def method(self):
        return 1.0
"""


@dataclasses.dataclass(frozen=True)
class Result:
    estimate: float
    n: int
    label: str


def test_the_top_level_functions_public_and_private_are_found_but_not_methods():
    assert perturbation.functions(SOURCE) == ["share", "_count", "doubled"]


def test_floats_grow_by_one_per_cent_and_the_counts_beside_them_stay():
    frame = pd.DataFrame({"pct": [10.0, 20.0], "n": [3, 4], "name": ["a", "b"]})
    new, kind = perturbation.perturb((0.5, 7, np.array([1.0, 2.0]), frame, "text", None, True))
    assert kind == "float"
    assert new[0] == pytest.approx(0.505, rel=1e-12) and new[1] == 7
    assert new[2] == pytest.approx([1.01, 2.02], rel=1e-12)
    assert new[3]["pct"].tolist() == pytest.approx([10.1, 20.2], rel=1e-12)
    assert new[3]["n"].tolist() == [3, 4] and new[3]["name"].tolist() == ["a", "b"]
    assert new[4:] == ("text", None, True)
    assert frame["pct"].tolist() == [10.0, 20.0]  # the input is not modified


def test_a_result_without_floats_gets_its_counts_plus_one():
    new, kind = perturbation.perturb({"counts": np.array([[1, 2], [3, 4]]), "n": 10, "ok": True})
    assert kind == "integer"
    assert new["counts"].tolist() == [[2, 3], [4, 5]] and new["n"] == 11 and new["ok"] is True


def test_sets_of_counts_are_perturbed():
    new, kind = perturbation.perturb({"low": {3, 4}, "high": frozenset({7})})
    assert kind == "integer" and new == {"low": {4, 5}, "high": frozenset({8})}


def test_booleans_strings_none_and_zeros_are_no_number():
    for value in (True, np.bool_(False), "p < .001", None, [None, "x"], 0.0, float("nan"), object()):
        new, kind = perturbation.perturb(value)
        assert kind is None and new is value


def test_dataclasses_named_tuples_and_series_are_perturbed_inside():
    pair = namedtuple("Pair", "statistic df")
    new, kind = perturbation.perturb([Result(2.0, 5, "x"), pair(4.0, 2), pd.Series([1.0, np.nan])])
    assert kind == "float"
    assert new[0] == Result(2.02, 5, "x")
    assert isinstance(new[1], pair) and new[1].statistic == pytest.approx(4.04) and new[1].df == 2
    assert new[2].iloc[0] == pytest.approx(1.01) and np.isnan(new[2].iloc[1])


def test_nullable_float_columns_are_perturbed():
    new, kind = perturbation.perturb(pd.Series([1.0, None], dtype="Float64"))
    assert kind == "float" and new.iloc[0] == pytest.approx(1.01) and new.isna().iloc[1]


def module(tmp_path, monkeypatch, **variables):
    """SOURCE run as the module pkg.mod with the appended block, under the given variables."""
    for name in (perturbation.RECORD, perturbation.TARGET, perturbation.LOG):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "mod.py"
    path.write_text(SOURCE, encoding="utf-8")
    namespace = {"__name__": "pkg.mod", "__file__": str(path)}
    exec(compile(SOURCE, str(path), "exec"), namespace)
    perturbation.install(namespace)
    return namespace


def test_the_chosen_function_is_perturbed_for_its_callers_in_the_module_too(tmp_path, monkeypatch):
    log = tmp_path / "changed.log"
    namespace = module(tmp_path, monkeypatch, LEISURENET_PERTURB="mod.share", LEISURENET_PERTURB_LOG=str(log))
    assert namespace["share"](4.0) == pytest.approx(1.01, rel=1e-12)
    assert namespace["doubled"](4.0) == pytest.approx(2.02, rel=1e-12)  # looks share up at call time
    assert namespace["_count"]([1, 2]) == 2
    assert log.read_text().split() == ["float"]


def test_a_function_whose_result_holds_no_number_logs_nothing(tmp_path, monkeypatch):
    log = tmp_path / "changed.log"
    namespace = module(tmp_path, monkeypatch, LEISURENET_PERTURB="mod.share", LEISURENET_PERTURB_LOG=str(log))
    assert namespace["share"](0.0) == 0.0
    assert not log.exists()


def test_the_recording_wrappers_note_each_caller_once(tmp_path, monkeypatch):
    record = tmp_path / "trace.tsv"
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "tests/analysis/test_x.py::test_one (call)")
    namespace = module(tmp_path, monkeypatch, LEISURENET_PERTURB_RECORD=str(record))
    namespace["doubled"](1.0), namespace["doubled"](2.0)
    assert perturbation.callers(record.read_text()) == {
        "mod.doubled": {"tests/analysis/test_x.py::test_one"},
        "mod.share": {"tests/analysis/test_x.py::test_one"},
    }


def test_without_the_variables_the_block_changes_nothing(tmp_path, monkeypatch):
    for name in (perturbation.RECORD, perturbation.TARGET):
        monkeypatch.delenv(name, raising=False)
    namespace = {"__name__": "pkg.mod", "__file__": str(tmp_path / "mod.py")}
    exec(SOURCE + perturbation.BLOCK, namespace)
    assert namespace["share"](4.0) == 1.0 and not hasattr(namespace["share"], "__wrapped__")


def test_generators_yield_perturbed_items(tmp_path):
    wrapped = perturbation.perturber(lambda: (x for x in (1.0, 2.0)), str(tmp_path / "changed.log"))
    assert list(wrapped()) == pytest.approx([1.01, 2.02], rel=1e-12)


def test_the_callers_files_come_most_called_first():
    tests = {"t/b.py::one", "t/a.py::two", "t/b.py::three", "t/c.py"}
    assert perturbation.test_files(tests) == ["t/b.py", "t/a.py", "t/c.py"]


def test_the_callers_run_first_then_every_test_of_their_files():
    tests = {"t/a.py::two", "t/a.py::one", "t/c.py"}
    assert perturbation.stages(tests) == [["t/a.py::one", "t/a.py::two", "t/c.py"], ["t/a.py", "t/c.py"]]
    assert perturbation.stages(set()) == []


def test_the_failing_tests_are_read_from_the_junit_report():
    junit = """<testsuites><testsuite>
      <testcase classname="tests.analysis.test_x" file="tests/analysis/test_x.py" name="test_ok"/>
      <testcase classname="tests.analysis.test_x" file="tests/analysis/test_x.py" name="test_a[1-2]">
        <failure message="x"/></testcase>
      <testcase classname="tests.test_y.TestGroup" file="tests/test_y.py" name="test_b"><error/></testcase>
    </testsuite></testsuites>"""
    assert perturbation.failures(junit) == [
        "tests/analysis/test_x.py::test_a[1-2]",
        "tests/test_y.py::TestGroup::test_b",
    ]


def test_the_first_failure_is_read_from_the_short_summary():
    output = "..F\n=== short test summary info ===\nFAILED tests/a.py::test_x - assert 1.01 == 1\n"
    assert perturbation.first_failure(output) == "tests/a.py::test_x - assert 1.01 == 1"
    assert perturbation.first_failure("3 passed in 1.0s\n") == ""


@pytest.mark.parametrize(
    ("ran", "code", "kinds", "outcome"),
    [
        (False, 0, set(), "not caught"),  # no test calls it
        (True, 1, {"float"}, "caught"),
        (True, None, {"float"}, "caught"),  # a timeout
        (True, 0, {"float"}, "not caught"),
        (True, 0, set(), "no number"),
        (True, 1, set(), "error"),  # the tests broke with nothing changed
        (True, 5, set(), "not caught"),  # every caller fails unperturbed
        (True, 3, {"float"}, "error"),
    ],
)
def test_an_outcome_follows_from_the_exit_code_and_what_changed(ran, code, kinds, outcome):
    assert perturbation.classify(ran, code, kinds) == outcome


def test_the_table_counts_outcomes_per_module_and_explanations_need_a_reason():
    outcomes = {
        "describe.a": "caught", "describe.b": "not caught", "describe.c": "no number",
        "crosstab.d": "not caught", "crosstab.e": "error", "crosstab.f": "not caught",
    }  # fmt: skip
    explained = {"describe.b": "prints nothing", "crosstab.e": "a check", "crosstab.f": " "}
    table = perturbation.outcome_table(outcomes, explained)
    assert list(table) == ["describe", "crosstab", "all"]
    assert table["describe"] == {"perturbed": 3, "caught": 1, "no number": 1, "explained": 1, "not caught": 0}
    assert table["crosstab"] == {"perturbed": 3, "caught": 0, "no number": 0, "explained": 1, "not caught": 2}
    assert table["all"] == {"perturbed": 6, "caught": 1, "no number": 1, "explained": 2, "not caught": 2}


def test_every_committed_explanation_names_a_function_of_the_core_and_a_reason():
    explained = yaml.safe_load(perturbation.EXPLANATIONS.read_text(encoding="utf-8")) or {}
    for name, reason in explained.items():
        module, _, function = name.rpartition(".")
        assert module in perturbation.MODULES, name
        source = (ROOT / perturbation.PACKAGE / f"{module}.py").read_text(encoding="utf-8")
        assert function in perturbation.functions(source), name
        assert str(reason or "").strip(), name


def test_the_module_list_is_mutation_testings_and_unknown_names_are_refused(capsys):
    assert perturbation.MODULES[: len(perturbation.mutation.MODULES)] == perturbation.mutation.MODULES
    with pytest.raises(SystemExit):
        perturbation.main(["--modules", "describe,nosuch"])
    assert "nosuch" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        perturbation.main(["--functions", "describe.nosuch"])
    assert "describe.nosuch" in capsys.readouterr().err
