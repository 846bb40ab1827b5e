"""The suite on every core: which tests run together, in which order, and the workflow runs
built once across workers (tests/scheduling.py, conftest.built_once)."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from xdist.scheduler.loadfile import LoadFileScheduling

from . import conftest, scheduling
from .conftest import built_once


def fake_item(nodeid: str, slow: bool = False, **kwargs) -> SimpleNamespace:
    marker = SimpleNamespace(kwargs=kwargs) if slow else None
    return SimpleNamespace(nodeid=nodeid, get_closest_marker=lambda name: marker if name == "slow" else None)


def test_each_file_of_the_session_is_handed_out_in_one_piece_as_xdist_splits_it(request):
    files = [scheduling.file_of(item.nodeid) for item in request.session.items]
    for name in set(files):
        first, last = files.index(name), len(files) - files[::-1].index(name)
        assert set(files[first:last]) == {name}, name
    nodeid = request.node.nodeid
    assert LoadFileScheduling._split_scope(None, nodeid) == scheduling.file_of(nodeid)
    assert scheduling.file_of(nodeid) == "tests/test_scheduling.py"


def test_the_longest_files_go_first_each_by_its_total():
    a, b, c, d = (fake_item(n) for n in ("f.py::a", "g.py::b", "h.py::c", "g.py::d"))
    durations = {"f.py::a": 5.0, "g.py::b": 3.0, "h.py::c": 1.0, "g.py::d": 3.0}  # g.py: 6 s
    ordered = scheduling.longest_first([a, b, c, d], durations)
    assert [i.nodeid for i in ordered] == ["g.py::b", "g.py::d", "f.py::a", "h.py::c"]


def test_untimed_tests_are_estimated_by_kind_and_ties_keep_the_collection_order():
    quick, slow = fake_item("q.py::q"), fake_item("s.py::s", slow=True)
    other_slow = fake_item("t.py::t", slow=True)
    assert scheduling.estimate(slow, {}) == scheduling.SLOW_ESTIMATE
    assert scheduling.estimate(quick, {}) == scheduling.QUICK_ESTIMATE
    assert scheduling.estimate(quick, {"q.py::q": 7.5}) == 7.5
    assert scheduling.estimate(fake_item("l.py::l", slow=True, minutes=3), {}) == 180.0
    ordered = scheduling.longest_first([quick, slow, other_slow], {})
    assert [i.nodeid for i in ordered] == ["s.py::s", "t.py::t", "q.py::q"]


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


def test_a_second_pass_copies_the_first_pass_run_and_only_renders_it_again(tmp_path, monkeypatch):
    """Where the first pass (LEISURENET_RENDER_AGAIN, its --basetemp) finished the run, its
    folder is copied with its files' times and the workflow runs with the render rules forced,
    before --configfile (which takes every name after it); elsewhere the run is made anew."""
    runs = []
    monkeypatch.setattr(conftest, "run_to_end", lambda folder, *args: runs.append((folder, args)))
    first = tmp_path / "first"
    (first / "run" / "results").mkdir(parents=True)
    (first / "run" / "results" / "paper.html").write_text("first pass")
    os.utime(first / "run" / "results" / "paper.html", (1e9, 1e9))
    prepared = []
    build = conftest.workflow_build("run", prepared.append, "all", "--configfile", "mine.yaml")

    monkeypatch.setenv(conftest.RENDER_AGAIN, str(first))
    build(tmp_path / "unfinished")  # no run.done: the first pass did not finish it
    assert prepared == [tmp_path / "unfinished"]
    assert runs.pop() == (tmp_path / "unfinished", ("all", "--configfile", "mine.yaml"))

    (first / "run.done").touch()
    again = tmp_path / "again"
    again.mkdir()  # as built_once makes it
    build(again)
    assert prepared == [tmp_path / "unfinished"]  # not prepared again
    copied = again / "results" / "paper.html"
    assert copied.read_text() == "first pass" and copied.stat().st_mtime == 1e9
    forced = ("all", "--forcerun", *conftest.RENDER_RULES, "--configfile", "mine.yaml")
    assert runs == [(again, forced)]
    assert conftest.RENDER_RULES == ["paper", "paper_pdf", "brief", "brief_pdf"]


def test_a_second_pass_takes_the_fallbacks_renders_from_the_first(tmp_path, monkeypatch):
    """The renderer tests render each run with Quarto and with the fallback; the second pass
    (the newest Quarto) copies the first pass's fallback renders of the same run with what the
    fallback said, and renders them only where the first pass has none."""
    from leisurenet.paper.render import Rendering

    from .end_to_end import test_renderers as renderers

    said = Rendering("Pandoc 3.8 and Typst 0.15.1", ["a warning"], None)

    def render(folder, renderer, out, *rest):
        assert renderer == "pandoc"
        out.mkdir(parents=True, exist_ok=True)
        (out / "paper.html").write_text(f"rendered from {folder.name}")
        return said

    monkeypatch.setattr(renderers, "render_with", render)
    monkeypatch.setattr(renderers, "render_brief_with", render)
    monkeypatch.delenv(conftest.RENDER_AGAIN, raising=False)
    first = tmp_path / "first"
    out = first / "popen-gw1" / "papers_other0" / "pandoc"
    assert renderers.fallback_renders(tmp_path / "other", out, "other") == (said, said)

    monkeypatch.setenv(conftest.RENDER_AGAIN, str(first))
    for function in ("render_with", "render_brief_with"):
        monkeypatch.setattr(renderers, function, None)  # not called: copied
    again = tmp_path / "again" / "pandoc"
    assert renderers.fallback_renders(tmp_path / "other", again, "other") == (said, said)
    assert (again / "paper.html").read_text() == "rendered from other"
    # the replica's fallback render was not kept in the first pass: rendered here
    monkeypatch.setattr(renderers, "render_with", render)
    monkeypatch.setattr(renderers, "render_brief_with", render)
    replica = tmp_path / "replica" / "pandoc"
    assert renderers.fallback_renders(tmp_path / "replica_run", replica, "replica") == (said, said)
    assert (replica / "paper.html").read_text() == "rendered from replica_run"
