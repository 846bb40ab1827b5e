"""The statistical core computes quietly: a NumPy RuntimeWarning in its tests is an error.

A division by zero, an overflow or an invalid value that the code meets on purpose (an empty
row, a separated term's infinite interval end) is silenced where it happens and stated in the
results (NaN, inf, a flag); one that reaches the workflow's log unbidden would send a reader
after a problem the tables do not show.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A conftest's collection hook sees the whole session's items: mark only this folder's.
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.filterwarnings("error::RuntimeWarning"))
