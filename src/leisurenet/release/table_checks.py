"""The disclosure checks of the published cross-tabs: cell suppression (primary, secondary,
verified by linear programming) and group disclosure of the cells left published.

These checks look at the tables alone; those of the respondent-level data are in
:mod:`leisurenet.release.microdata_checks`, and :mod:`leisurenet.release.disclosure` runs
both (see its docstring for what each check protects against).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linprog

NONE, PRIMARY, SECONDARY = 0, 1, 2
KIND = {PRIMARY: "primary", SECONDARY: "secondary"}


# --- cell suppression ---------------------------------------------------------------------


@dataclass
class TableSuppression:
    """The suppression of one cross-tab.

    ``status`` holds :data:`NONE`, :data:`PRIMARY` or :data:`SECONDARY` per cell;
    ``low`` and ``high`` the range of each hidden cell's count that the published cells and
    margins allow (NaN for published cells); ``unprotected`` the primary cells that no
    further suppression can protect while the margins are published.
    """

    name: str
    row_var: str
    col_var: str
    row_levels: list[str]
    col_levels: list[str]
    counts: np.ndarray
    status: np.ndarray
    low: np.ndarray
    high: np.ndarray
    unprotected: list[tuple[int, int]] = field(default_factory=list)


def feasible_ranges(counts: np.ndarray, hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The smallest and largest count of each hidden cell that the published table allows.

    What an intruder knows: every published cell, every row and column total, and that
    counts are non-negative. Each hidden cell is minimised and maximised under those
    constraints (a transportation polytope, whose vertices are integer, so the linear
    programme's bounds are the integer bounds).

    Parameters
    ----------
    counts : ndarray of int, shape (r, c)
        The true counts.
    hidden : ndarray of bool, shape (r, c)
        The cells that are not published.

    Returns
    -------
    low, high : ndarray of float, shape (r, c)
        The bounds for hidden cells; NaN for published cells.
    """
    counts = np.asarray(counts, dtype=np.int64)
    low = np.full(counts.shape, np.nan)
    high = np.full(counts.shape, np.nan)
    cells = np.argwhere(hidden)
    if len(cells) == 0:
        return low, high
    rows_eq, rhs = [], []
    for axis in (0, 1):
        for line in np.unique(cells[:, axis]):
            members = cells[:, axis] == line
            rows_eq.append(members.astype(float))
            # What the margin leaves for the hidden cells of this line.
            rhs.append(float(counts[tuple(cells[members].T)].sum()))
    a_eq, b_eq = np.array(rows_eq), np.array(rhs)
    for v, (i, j) in enumerate(cells):
        objective = np.zeros(len(cells))
        objective[v] = 1.0
        bounds = []
        for sign in (1.0, -1.0):
            res = linprog(sign * objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            if res.status != 0:  # the true table is feasible, so this is a solver failure
                raise RuntimeError(f"feasible_ranges: linear programme failed ({res.message})")
            bounds.append(round(sign * res.fun))
        low[i, j], high[i, j] = bounds
    return low, high


def _hypercube(counts: np.ndarray, status: np.ndarray, i: int, j: int) -> bool:
    """Hide the cheapest rectangle of cells around the primary cell (i, j).

    The rectangle (i, j), (i, j2), (i2, j), (i2, j2) is a cycle: adding t to the primary
    cell and to (i2, j2) while taking t from the other two keeps every margin, so with all
    four corners positive an intruder cannot tell the primary cell from one more or one
    less. The rectangle whose newly hidden cells hold the fewest respondents is taken
    (cells already hidden cost nothing); one with an unhidden zero corner only when no other
    exists, as a hidden zero adds no uncertainty. False when the table has no rectangle
    (a single row or column).
    """
    best = None
    r, c = counts.shape
    for i2 in range(r):
        for j2 in range(c):
            if i2 == i or j2 == j:
                continue
            corners = [(i, j2), (i2, j), (i2, j2)]
            new = [x for x in corners if status[x] == NONE]
            has_zero = any(counts[x] == 0 for x in new)
            key = (has_zero, sum(int(counts[x]) for x in new), len(new), i2, j2)
            if best is None or key < best[0]:
                best = (key, new)
    if best is None:
        return False
    for x in best[1]:
        status[x] = SECONDARY
    return True


def _add_complement(counts, status, live_rows, live_cols, axis: int, line: int) -> bool:
    """Hide one more cell of a row (axis 0) or column (axis 1); False if none is left.

    The smallest positive count first (it loses the least information); among equal
    counts, a cell whose crossing line has exactly one hidden cell, because hiding it
    closes that line too; zeros only when nothing else is left.
    """
    candidates = []
    n_lines = status.shape[1 - axis]
    for other in range(n_lines):
        i, j = (line, other) if axis == 0 else (other, line)
        crossing_live = live_cols[j] if axis == 0 else live_rows[i]
        if status[i, j] != NONE or not crossing_live:
            continue  # a cell of an empty row or column hides nothing: its margin is 0
        crossing = status[:, j] if axis == 0 else status[i, :]
        closes = np.count_nonzero(crossing) == 1
        candidates.append((counts[i, j] == 0, counts[i, j], not closes, other, (i, j)))
    if not candidates:
        return False
    status[min(candidates)[-1]] = SECONDARY
    return True


def _close_lines(counts, status, live_rows, live_cols, stuck: set) -> None:
    """Secondary suppression until no row or column has exactly one hidden cell."""
    changed = True
    while changed:
        changed = False
        for axis in (0, 1):
            hidden_per_line = np.count_nonzero(status, axis=1 - axis)
            for line in np.flatnonzero(hidden_per_line == 1):
                if (axis, line) in stuck:
                    continue
                if _add_complement(counts, status, live_rows, live_cols, axis, line):
                    changed = True
                else:
                    stuck.add((axis, line))


def suppress_table(
    counts: np.ndarray,
    min_cell_size: int,
    *,
    name: str = "",
    row_var: str = "",
    col_var: str = "",
    row_levels: list[str] | None = None,
    col_levels: list[str] | None = None,
) -> TableSuppression:
    """Primary and secondary suppression of one table whose margins stay published.

    Parameters
    ----------
    counts : array-like of int, shape (r, c)
        The cell counts.
    min_cell_size : int
        Cells with ``0 < n < min_cell_size`` are hidden (primary suppression).
    name, row_var, col_var, row_levels, col_levels
        Labels carried into the result for reporting.

    Returns
    -------
    TableSuppression
        Every row and column holds no hidden cell or at least two, and no primary cell is
        determined exactly by the published cells and margins (checked by
        :func:`feasible_ranges`); a primary cell that cannot be protected (e.g. in a
        one-column table) is listed in ``unprotected``.

    Notes
    -----
    Each primary cell, in row-major order, gets the cheapest rectangle of complements
    (the hypercube method of tau-Argus in two dimensions): the fewest respondents hidden,
    cells already hidden reused. The pattern is then verified by linear programming; a
    primary cell the margins still determine (possible when only zero complements were
    left) gets a further complement in its row or column until none is determined.
    """
    counts = np.asarray(counts, dtype=np.int64)
    if counts.ndim != 2 or (counts < 0).any():
        raise ValueError(f"{name or 'table'}: counts must be a 2-D array of non-negative integers")
    status = np.zeros(counts.shape, dtype=np.int8)
    status[(counts > 0) & (counts < min_cell_size)] = PRIMARY
    unprotected: set = set()
    for i, j in np.argwhere(status == PRIMARY):
        if not _hypercube(counts, status, int(i), int(j)):
            unprotected.add((int(i), int(j)))
    live_rows, live_cols = counts.sum(1) > 0, counts.sum(0) > 0
    stuck: set = set()
    while True:
        _close_lines(counts, status, live_rows, live_cols, stuck)
        low, high = feasible_ranges(counts, status != NONE)
        exposed = [
            (int(i), int(j))
            for i, j in np.argwhere((status == PRIMARY) & (low == high))
            if (int(i), int(j)) not in unprotected
        ]
        if not exposed:
            break
        i, j = exposed[0]
        if not (
            _add_complement(counts, status, live_rows, live_cols, 0, i)
            or _add_complement(counts, status, live_rows, live_cols, 1, j)
        ):
            unprotected.add((i, j))
    # A primary cell without a rectangle may still be protected by the line complements.
    unprotected = {x for x in unprotected if low[x] == high[x]}
    r, c = counts.shape
    return TableSuppression(
        name=name,
        row_var=row_var,
        col_var=col_var,
        row_levels=list(row_levels) if row_levels is not None else [str(i) for i in range(r)],
        col_levels=list(col_levels) if col_levels is not None else [str(j) for j in range(c)],
        counts=counts,
        status=status,
        low=low,
        high=high,
        unprotected=sorted(unprotected),
    )


def _tables(cells: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The cross-tabs of a cells table, in file order, each with its levels in file order."""
    return [(str(name), group) for name, group in cells.groupby("crosstab", sort=False)]


def suppress_cells(cells: pd.DataFrame, min_cell_size: int) -> tuple[pd.DataFrame, list[TableSuppression]]:
    """Suppress every cross-tab of a cells table (``results/crosstabs/cells.csv``).

    Parameters
    ----------
    cells : DataFrame
        Long cells: ``crosstab``, ``row_var``, ``row_level``, ``col_var``, ``col_level``,
        ``n``, ``expected``, ``pct_row``, ``pct_col`` (see
        :func:`leisurenet.analysis.crosstab.crosstab_cells`).
    min_cell_size : int
        The threshold of primary suppression.

    Returns
    -------
    published : DataFrame
        The same rows and columns plus ``suppressed`` (bool): hidden cells have ``n``,
        ``pct_row`` and ``pct_col`` empty (they would give the count away). ``expected``
        stays, as it follows from the margins, which stay published. Whether a hidden cell
        is primary or secondary is not published: that would say which counts are small.
    tables : list of TableSuppression
        One per cross-tab, for the audit.
    """
    published = cells.copy()
    published["n"] = published["n"].astype("Int64")
    published["suppressed"] = False
    tables = []
    for name, group in _tables(cells):
        rows = list(dict.fromkeys(group["row_level"].astype(str)))
        cols = list(dict.fromkeys(group["col_level"].astype(str)))
        grid = group.assign(
            row_level=group["row_level"].astype(str), col_level=group["col_level"].astype(str)
        )
        counts = grid.pivot(index="row_level", columns="col_level", values="n").loc[rows, cols]
        table = suppress_table(
            counts.to_numpy(),
            min_cell_size,
            name=name,
            row_var=str(group["row_var"].iloc[0]),
            col_var=str(group["col_var"].iloc[0]),
            row_levels=rows,
            col_levels=cols,
        )
        tables.append(table)
        hidden = {(rows[i], cols[j]) for i, j in np.argwhere(table.status != NONE)}
        mask = group.index[
            [(str(r), str(c)) in hidden for r, c in zip(group["row_level"], group["col_level"], strict=True)]
        ]
        published.loc[mask, "n"] = pd.NA
        published.loc[mask, ["pct_row", "pct_col"]] = np.nan
        published.loc[mask, "suppressed"] = True
    return published, tables


# --- group disclosure ---------------------------------------------------------------------


def group_disclosure(tables: list[TableSuppression]) -> pd.DataFrame:
    """Published cells that hold all (100%) or none (0%) of a row or column group.

    Parameters
    ----------
    tables : list of TableSuppression
        The suppressed cross-tabs; hidden cells are not published and not flagged.

    Returns
    -------
    DataFrame
        One row per flagged cell: ``table``, ``row_level``, ``col_level``, ``n`` and
        ``detail`` (which group, which share).

    Notes
    -----
    A share of 0% or 100% is flagged only where it says more about the group than about
    everyone: groups of size 0 are not flagged, nor a 0% on an answer nobody gave, nor a
    100% on an answer everybody gave (those are one-way facts, published with the margins).
    """
    rows = []
    for t in tables:
        row_tot, col_tot, total = t.counts.sum(1), t.counts.sum(0), int(t.counts.sum())
        for i, j in np.argwhere(t.status == NONE):
            n = int(t.counts[i, j])
            row_group = f"{t.row_var}={t.row_levels[i]}"
            col_group = f"{t.col_var}={t.col_levels[j]}"
            reasons = []
            # (size of the group, the group, the attribute, how many have the attribute at all)
            for size, group, other, having in (
                (row_tot[i], row_group, col_group, col_tot[j]),
                (col_tot[j], col_group, row_group, row_tot[i]),
            ):
                if size >= 1 and n == size and having < total:
                    reasons.append(f"all {size} respondent(s) with {group} have {other} (100%)")
                elif size >= 1 and n == 0 and having > 0:
                    reasons.append(f"none of the {size} respondent(s) with {group} has {other} (0%)")
            if reasons:
                rows.append(
                    {
                        "table": t.name,
                        "row_level": t.row_levels[i],
                        "col_level": t.col_levels[j],
                        "n": n,
                        "detail": "; ".join(reasons),
                    }
                )
    return pd.DataFrame(rows, columns=["table", "row_level", "col_level", "n", "detail"])
