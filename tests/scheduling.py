"""How the suite is spread over the cores (``make test``: pytest-xdist, ``--dist loadfile``).

Each test file goes to one worker as a whole, so that a module-scoped fixture (a rendered
paper, a Jupyter kernel, a Slurm cluster) is built once and never twice at the same time;
the workflow runs that many files read are session fixtures built once across workers
(``built_once`` in conftest.py). (pytest-xdist's finer ``loadgroup`` does not group under
pytest 9, which no longer reads the test ids it rewrites.) The files are handed out longest
first, so that no long one starts last while the other cores sit idle: by the time their
tests took in earlier runs on this machine (pytest's cache), and on a first run by an
estimate: a slow test's ``minutes``, else a minute for a slow test and a tenth of a second
for a quick one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pytest

CACHE_KEY = "leisurenet/durations"
# The estimates for a test never timed here: a slow one runs the workflow, Quarto or Slurm
# (a minute, most of it a fixture its file builds once); a quick one well under a second.
SLOW_ESTIMATE, QUICK_ESTIMATE = 60.0, 0.1


def file_of(nodeid: str) -> str:
    """The test file of a test id, as pytest-xdist's loadfile splits it."""
    return nodeid.split("::", 1)[0]


def estimate(item: pytest.Item, durations: Mapping[str, float]) -> float:
    """The seconds ``item`` took last time, else the estimate for its kind: a slow test's
    ``minutes`` (``@pytest.mark.slow(minutes=3)``, for one that runs the workflow itself more
    than once), else a minute."""
    if item.nodeid in durations:
        return durations[item.nodeid]
    slow = item.get_closest_marker("slow")
    if slow is None:
        return QUICK_ESTIMATE
    return 60.0 * slow.kwargs["minutes"] if "minutes" in slow.kwargs else SLOW_ESTIMATE


def longest_first(items: Iterable[pytest.Item], durations: Mapping[str, float]) -> list[pytest.Item]:
    """The items file by file, each file's in collection order, the files by their total
    time, longest first (ties in collection order)."""
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(file_of(item.nodeid), []).append(item)
    ranked = sorted(files.values(), key=lambda tests: -sum(estimate(i, durations) for i in tests))
    return [item for tests in ranked for item in tests]
