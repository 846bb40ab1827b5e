"""How the suite is spread over the cores (``make test``: pytest-xdist, ``--dist loadgroup``).

Tests that share a module-scoped fixture (a rendered paper, a Jupyter kernel, a Slurm cluster)
go to one worker as one group, so that the fixture is built once; the workflow runs that many
modules read are session fixtures built once across workers (``built_once`` in conftest.py).
The groups and single tests are then handed out longest first, so that no long one starts
last while the other cores sit idle: by the time each took in earlier runs on this machine
(pytest's cache), and on a first run by an estimate, a workflow run's time per slow test.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pytest

CACHE_KEY = "leisurenet/durations"
# The estimates for a test never timed here: a slow one runs the workflow, Quarto or Slurm
# (a minute, most of it a fixture its group builds once); a quick one well under a second.
SLOW_ESTIMATE, QUICK_ESTIMATE = 60.0, 0.1
SHARED_SCOPES = {"module", "class", "package"}


def group_of(item: pytest.Item) -> str | None:
    """The group of tests ``item`` must run with: its module and the parameters of the
    module-scoped fixtures it uses; None for a test that shares no such fixture."""
    definitions = item._fixtureinfo.name2fixturedefs
    shared = sorted(name for name, defs in definitions.items() if defs[-1].scope in SHARED_SCOPES)
    if not shared:
        return None
    params = getattr(item, "callspec", None)
    chosen = [f"{name}={params.params[name]}" for name in shared if params and name in params.params]
    group = ":".join([item.module.__name__, *chosen])
    # pytest-xdist reads the group after the last "@" of a test's id, and only past its last "]"
    return group.replace("]", ")").replace("[", "(").replace("@", "_")


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


def longest_first(
    items: Iterable[pytest.Item], groups: Mapping[str, str | None], durations: Mapping[str, float]
) -> list[pytest.Item]:
    """The items, each group together in collection order, groups and single tests by their
    total time, longest first (ties in collection order)."""
    units: dict[str, list[pytest.Item]] = {}
    for item in items:
        units.setdefault(groups[item.nodeid] or item.nodeid, []).append(item)
    ranked = sorted(units.values(), key=lambda unit: -sum(estimate(i, durations) for i in unit))
    return [item for unit in ranked for item in unit]
