"""The suite on every core: which tests run together, in which order, and the workflow runs
built once across workers (tests/scheduling.py, conftest.built_once)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from xdist.scheduler.loadgroup import LoadGroupScheduling

from . import scheduling
from .conftest import built_once


def fake_item(nodeid: str, slow: bool = False, **kwargs) -> SimpleNamespace:
    marker = SimpleNamespace(kwargs=kwargs) if slow else None
    return SimpleNamespace(nodeid=nodeid, get_closest_marker=lambda name: marker if name == "slow" else None)


@pytest.fixture(scope="module", params=["a", "b"])
def shared(request):
    return request.param


def test_tests_sharing_a_module_fixture_form_one_group_per_parameter(request, shared):
    group = f"tests.test_scheduling:shared={shared}"
    assert scheduling.group_of(request.node) == group
    # conftest gave it the marker pytest-xdist's loadgroup reads, and the scheduler finds the
    # group in the test's id as the worker sends it (a "]" after the "@" would hide it)
    assert request.node.get_closest_marker("xdist_group").args == (group,)
    nodeid = f"{request.node.nodeid.split('@')[0]}@{group}"
    assert LoadGroupScheduling._split_scope(None, nodeid) == group


def test_a_test_sharing_no_module_fixture_is_in_no_group(request, tmp_path):
    assert scheduling.group_of(request.node) is None
    assert request.node.get_closest_marker("xdist_group") is None


def test_each_group_of_the_session_is_handed_out_in_one_piece(request):
    order = [scheduling.group_of(item) for item in request.session.items]
    for group in set(order) - {None}:
        first, last = order.index(group), len(order) - order[::-1].index(group)
        assert set(order[first:last]) == {group}, group


def test_the_longest_units_go_first_a_group_by_its_total():
    a, b, c, d = (fake_item(n) for n in "abcd")
    groups = {"a": None, "b": "g", "c": None, "d": "g"}
    durations = {"a": 5.0, "b": 3.0, "c": 1.0, "d": 3.0}  # the group g: 6 s
    assert [i.nodeid for i in scheduling.longest_first([a, b, c, d], groups, durations)] == list("bdac")


def test_untimed_tests_are_estimated_by_kind_and_ties_keep_the_collection_order():
    quick, slow, other_slow = fake_item("q"), fake_item("s", slow=True), fake_item("t", slow=True)
    assert scheduling.estimate(slow, {}) == scheduling.SLOW_ESTIMATE
    assert scheduling.estimate(quick, {}) == scheduling.QUICK_ESTIMATE
    assert scheduling.estimate(quick, {"q": 7.5}) == 7.5
    assert scheduling.estimate(fake_item("long", slow=True, minutes=3), {}) == 180.0
    groups = dict.fromkeys("qst")
    assert [i.nodeid for i in scheduling.longest_first([quick, slow, other_slow], groups, {})] == list("stq")


WORKER = SimpleNamespace(workerinput={"workerid": "gw0"})  # a worker's config, as pytest-xdist's


class Factory:
    """A worker's tmp_path_factory: its own base folder under the run's shared one."""

    def __init__(self, base):
        self.base = base

    def getbasetemp(self):
        return self.base


def test_a_folder_is_built_once_for_all_workers(tmp_path):
    built = []

    def build(folder):
        built.append(folder)
        (folder / "result.txt").write_text("done")

    first = built_once(WORKER, Factory(tmp_path / "gw0"), "run", build)
    second = built_once(WORKER, Factory(tmp_path / "gw1"), "run", build)
    assert first == second == tmp_path / "run" and built == [first]
    assert (first / "result.txt").read_text() == "done"


def test_a_failed_build_fails_the_other_workers_with_its_message(tmp_path):

    def build(folder):
        raise AssertionError("snakemake said no")

    with pytest.raises(AssertionError, match="snakemake said no"):
        built_once(WORKER, Factory(tmp_path / "gw0"), "run", build)
    message = "failed in another worker:\nAssertionError: snakemake said no"
    with pytest.raises(pytest.fail.Exception, match=message):
        built_once(WORKER, Factory(tmp_path / "gw1"), "run", lambda folder: None)


def test_outside_a_worker_each_session_builds_its_own(tmp_path):
    """A pytest that a test starts inherits a worker's environment, not its role."""
    factory = SimpleNamespace(mktemp=lambda name: (tmp_path / name).mkdir() or tmp_path / name)
    built = []
    folder = built_once(SimpleNamespace(), factory, "run", built.append)
    assert folder == tmp_path / "run" and built == [folder]
