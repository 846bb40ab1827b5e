"""Statistical disclosure control for the public release: cell suppression of the cross-tabs,
group (attribute) disclosure and, when the release holds them, k-anonymity and unique answer
patterns of the respondent-level data.

The real respondents are the coordinators of 104 named networks, and a network's municipality
(hence its size class) is public. Three checks run before anything leaves:

- **Cell suppression.** In each cross-tab, a cell with a count from 1 to ``min_cell_size - 1``
  is hidden (primary suppression). The row and column margins stay published, so every row
  and column that hides a cell hides at least one more (secondary suppression: for each
  primary cell the rectangle of complementary cells with the smallest counts). The pattern
  is then verified by linear programming: for every primary cell, the smallest and largest
  value consistent with the published cells, the margins and non-negativity must differ;
  where they do not, a further cell is hidden. Zeros are never primary (a zero is the group
  disclosure below) and are complements only where nothing else is left: a hidden zero adds
  no uncertainty, and a line whose hidden cells are all zeros gives them away through its
  margin.
- **Group disclosure.** A published cell whose row or column group (of at least one
  respondent) falls entirely in it (100%) or entirely outside it (0%) tells everyone who
  knows a person's group that person's answer. Such cells are flagged, or stop the release
  when ``group_disclosure`` is ``"fail"``.
- **k-anonymity.** Every combination of the quasi-identifiers (variables an outsider can
  know about a network, such as its municipality's size class) that occurs in the released
  respondent data must occur at least ``k`` times.
- **Unique answer patterns.** Respondents whose answers over all released columns no other
  respondent shares: anyone who knows a few of a network's answers can find its record.
  Reported, or stop the release when ``group_disclosure`` is ``"fail"``.

The last two apply only when the respondent-level data are released (``microdata``). Then
the cell suppression no longer protects the tables, as anyone can recount them from the
data; the report says so.

Everything is reported in a tidy audit table (:data:`REPORT_COLUMNS`); the report names the
counts of the suppressed cells, so it is for the data holder and never part of the release.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from leisurenet.release.settings import (
    DEFAULT_K,
    DEFAULT_MIN_CELL_SIZE,
    DEFAULT_QUASI_IDENTIFIERS,
    GROUP_DISCLOSURE_MODES,
)

NONE, PRIMARY, SECONDARY = 0, 1, 2
KIND = {PRIMARY: "primary", SECONDARY: "secondary"}
MISSING_LABEL = "<missing>"
# The pseudonym is unique by construction: it is no part of a respondent's answer pattern.
PSEUDONYM = "resp_id"
NO_MICRODATA = "the archive holds no respondent-level data (release.microdata: false)"

REPORT_COLUMNS = [
    "check",
    "outcome",
    "table",
    "row_level",
    "col_level",
    "combination",
    "n",
    "feasible_low",
    "feasible_high",
    "detail",
]


class DisclosureError(Exception):
    """Raised when a disclosure check fails; the message says what fails and what to change."""


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


# --- k-anonymity --------------------------------------------------------------------------


def _label(value) -> str:
    return MISSING_LABEL if pd.isna(value) else str(value)


def combination_label(quasi_identifiers: list[str], values) -> str:
    """``"size_class=small, role_overall=facilitator"`` (missing shown as ``<missing>``)."""
    return ", ".join(f"{q}={_label(v)}" for q, v in zip(quasi_identifiers, values, strict=True))


def k_anonymity(data: pd.DataFrame, quasi_identifiers: list[str], k: int) -> pd.DataFrame:
    """How often each observed combination of the quasi-identifiers occurs.

    Parameters
    ----------
    data : DataFrame
        One row per respondent, as released.
    quasi_identifiers : list of str
        Columns of ``data``; a missing value counts as a value of its own (an outsider can
        know that a network did not answer).
    k : int
        The least number of respondents every combination must have.

    Returns
    -------
    DataFrame
        One row per observed combination, in the order of the categories: the
        quasi-identifiers, ``combination`` (a readable label), ``n`` and ``passes``
        (``n >= k``). With no quasi-identifiers, one row for everyone.
    """
    missing = [q for q in quasi_identifiers if q not in data.columns]
    if missing:
        raise KeyError(f"k-anonymity: quasi-identifier(s) {missing} are not columns of the data")
    if not quasi_identifiers:
        return pd.DataFrame(
            {"combination": ["(no quasi-identifiers)"], "n": [len(data)], "passes": [len(data) >= k]}
        )
    counts = (
        data.groupby(list(quasi_identifiers), dropna=False, observed=True).size().rename("n").reset_index()
    )
    counts["combination"] = [
        combination_label(quasi_identifiers, values)
        for values in counts[list(quasi_identifiers)].itertuples(index=False)
    ]
    counts["passes"] = counts["n"] >= k
    return counts[[*quasi_identifiers, "combination", "n", "passes"]]


def unique_patterns(data: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Whether each respondent's answer pattern over ``columns`` is unique in ``data``.

    A missing answer counts as a value of its own (which missing type is released). With no
    columns, nobody is unique. Returns a boolean Series on the index of ``data``.
    """
    if not columns:
        return pd.Series(False, index=data.index)
    group = data.groupby(list(columns), dropna=False, observed=True, sort=False).ngroup()
    return group.map(group.value_counts()).eq(1)


def _merge_levels(values: pd.Series, levels: list, label: str = "other") -> pd.Series:
    return values.astype(object).where(~values.isin(levels), label)


def k_anonymity_remedies(data: pd.DataFrame, quasi_identifiers: list[str], k: int) -> list[str]:
    """Changes that would make the data k-anonymous, each tried on the data.

    For each quasi-identifier: merging the levels that occur in failing combinations into
    one level ``other`` (a ``release.coarsen`` entry), and leaving it out of the release (a
    ``release.drop`` entry). Only changes that pass are returned, as config snippets.
    """
    table = k_anonymity(data, quasi_identifiers, k)
    failing = table[~table["passes"]]
    remedies = []
    for q in quasi_identifiers:
        levels = [v for v in pd.unique(failing[q]) if not pd.isna(v)]
        all_levels = [v for v in pd.unique(data[q]) if not pd.isna(v)]
        if levels and len(levels) < len(all_levels):
            trial = data.assign(**{q: _merge_levels(data[q], levels)})
            if k_anonymity(trial, quasi_identifiers, k)["passes"].all():
                mapping = ", ".join(f"{level}: other" for level in levels)
                remedies.append(f"coarsen {q}: `coarsen: {{{q}: {{{mapping}}}}}`")
        others = [o for o in quasi_identifiers if o != q]
        if k_anonymity(data, others, k)["passes"].all():
            remedies.append(f"leave {q} out of the released data: `drop: [{q}]`")
    return remedies


# --- the whole check ----------------------------------------------------------------------


@dataclass
class DisclosureResult:
    """The outcome of :func:`check_disclosure`.

    ``report`` is the audit (:data:`REPORT_COLUMNS`), ``cells`` the cross-tab cells to
    publish, ``tables`` the suppression of each cross-tab, ``anonymity`` the k-anonymity
    table (empty when no respondent-level data are released), ``failures`` one message per
    failed check (empty when everything passes) and ``settings`` the thresholds used and
    whether the microdata are released (``microdata``) with their columns
    (``released_columns``).
    """

    report: pd.DataFrame
    cells: pd.DataFrame
    tables: list[TableSuppression]
    anonymity: pd.DataFrame
    failures: list[str]
    settings: dict

    @property
    def passed(self) -> bool:
        return not self.failures

    def raise_if_failed(self) -> None:
        """Raise :class:`DisclosureError` with every failure and what to change."""
        if self.failures:
            head = f"the disclosure check failed ({len(self.failures)} problem(s)); nothing is released."
            raise DisclosureError("\n\n".join([head, *self.failures]))


def _suppression_rows(tables: list[TableSuppression], min_cell_size: int) -> list[dict]:
    rows = []
    for t in tables:
        unprotected = set(t.unprotected)
        for i, j in np.argwhere(t.status != NONE):
            kind = int(t.status[i, j])
            if kind == PRIMARY:
                detail = f"count below {min_cell_size}"
            else:
                detail = "complement: keeps the row and column margins from revealing a hidden cell"
            outcome = "suppressed"
            if (int(i), int(j)) in unprotected:
                outcome = "fail"
                detail += "; the margins still determine it (no cell left to hide beside it)"
            rows.append(
                {
                    "check": f"{KIND[kind]}_suppression",
                    "outcome": outcome,
                    "table": t.name,
                    "row_level": t.row_levels[i],
                    "col_level": t.col_levels[j],
                    "n": int(t.counts[i, j]),
                    "feasible_low": t.low[i, j],
                    "feasible_high": t.high[i, j],
                    "detail": detail,
                }
            )
    return rows


def _unprotected_message(tables: list[TableSuppression], min_cell_size: int) -> str | None:
    cells = [
        f"  {t.name}: {t.row_var}={t.row_levels[i]} x {t.col_var}={t.col_levels[j]}"
        for t in tables
        for i, j in t.unprotected
    ]
    if not cells:
        return None
    return "\n".join(
        [
            f"cell suppression: {len(cells)} cell(s) below {min_cell_size} cannot be hidden while the "
            "table's margins are published:",
            *cells,
            "What to change: merge levels of the row or column variable so that no cell is small "
            "(config crosstabs), or leave the cross-tab out of the configuration.",
        ]
    )


def _group_message(flags: pd.DataFrame) -> str:
    lines = [f"  {f.table}: {f.detail}" for f in flags.itertuples()]
    return "\n".join(
        [
            f"group disclosure: {len(flags)} published cell(s) hold all or none of a group "
            "(release.group_disclosure is 'fail'):",
            *lines,
            "What to change: merge levels of the variables of these cross-tabs (config crosstabs), "
            "leave the cross-tabs out, or, after review, set release.group_disclosure: flag.",
        ]
    )


def _unique_message(n_unique: int, n: int, columns: list[str]) -> str:
    return "\n".join(
        [
            f"unique answer patterns: {n_unique} of {n} respondent(s) have an answer pattern over the "
            f"{len(columns)} released column(s) that no other respondent has "
            "(release.group_disclosure is 'fail'):",
            "What to change (config, under release:), any one of:",
            "  - release no respondent-level data: `microdata: false` (the tables alone are protected "
            "by the cell suppression);",
            "  - leave columns out or merge their levels (release.drop, release.coarsen) until the "
            "patterns are shared;",
            "  - or, after review, set release.group_disclosure: flag.",
        ]
    )


def _microdata_rows(data, quasi_identifiers, kept, k, mode, pseudonym) -> tuple[list, pd.DataFrame, list]:
    """The report rows, k-anonymity table and failures of the released respondent data."""
    rows: list[dict] = [
        {
            "check": "microdata",
            "outcome": "released",
            "table": "respondents",
            "n": len(data),
            "detail": "the archive holds the respondent-level data: anyone can recount every "
            "cross-tab of released variables, its suppressed cells included",
        }
    ]
    failures = []
    anonymity = k_anonymity(data, kept, k)
    for q in quasi_identifiers:
        if q not in kept:
            rows.append(
                {
                    "check": "k_anonymity",
                    "outcome": "skipped",
                    "combination": q,
                    "detail": f"{q} is left out of the released data",
                }
            )
    rows += [
        {
            "check": "k_anonymity",
            "outcome": "pass" if a.passes else "fail",
            "table": "respondents",
            "combination": a.combination,
            "n": a.n,
            "detail": f"at least {k} respondents" if a.passes else f"fewer than {k} respondents",
        }
        for a in anonymity.itertuples()
    ]
    if not anonymity["passes"].all():
        failures.append(_anonymity_message(data, kept, k, anonymity))

    columns = [c for c in data.columns if c != pseudonym]
    n_unique = int(unique_patterns(data, columns).sum())
    outcome = "pass" if n_unique == 0 else ("fail" if mode == "fail" else "flagged")
    share = n_unique / len(data) if len(data) else 0.0
    rows.append(
        {
            "check": "unique_patterns",
            "outcome": outcome,
            "table": "respondents",
            "combination": f"all {len(columns)} released columns but {pseudonym}",
            "n": n_unique,
            "detail": f"{n_unique} of {len(data)} respondent(s) ({share:.1%}) have an answer pattern "
            "no other respondent has",
        }
    )
    if outcome == "fail":
        failures.append(_unique_message(n_unique, len(data), columns))
    return rows, anonymity, failures


def _not_needed_rows() -> list[dict]:
    """Said rather than skipped silently: the respondent-level checks are not needed."""
    return [
        {"check": "microdata", "outcome": "not_released", "detail": NO_MICRODATA},
        *(
            {"check": check, "outcome": "not_needed", "table": "respondents", "detail": NO_MICRODATA}
            for check in ("k_anonymity", "unique_patterns")
        ),
    ]


def _anonymity_message(data, quasi_identifiers, k, table: pd.DataFrame) -> str:
    failing = table[~table["passes"]]
    lines = [f"  {row.combination}: {row.n} respondent(s)" for row in failing.itertuples()]
    remedies = k_anonymity_remedies(data, quasi_identifiers, k)
    fixes = [f"  - {r} (tried on the data: passes)" for r in remedies] or [
        "  - no single coarsening or dropped quasi-identifier passes: drop or coarsen several "
        "(release.drop, release.coarsen)"
    ]
    return "\n".join(
        [
            f"k-anonymity (k = {k}): {len(failing)} combination(s) of {' x '.join(quasi_identifiers)} "
            f"occur fewer than {k} times in the released respondent data:",
            *lines,
            "What to change (config, under release:), any one of:",
            *fixes,
            "  - or lower release.k, only with a documented reason (e.g. a deposit with access control).",
            "A quasi-identifier derived from other released columns (role_overall from the role "
            "items) can be recomputed from them: coarsen or drop those too, or be sure outsiders "
            "cannot know them.",
        ]
    )


def check_disclosure(
    data: pd.DataFrame,
    cells: pd.DataFrame,
    *,
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
    k: int = DEFAULT_K,
    quasi_identifiers: list[str] | tuple[str, ...] = DEFAULT_QUASI_IDENTIFIERS,
    group_disclosure_mode: str = "flag",
    dropped: list[str] | tuple[str, ...] = (),
    microdata: bool = True,
    pseudonym: str = PSEUDONYM,
) -> DisclosureResult:
    """Run every check on what would be released.

    Parameters
    ----------
    data : DataFrame
        The respondent-level data as released (pseudonymised, columns dropped and coarsened).
    cells : DataFrame
        The cross-tab cells as computed (``results/crosstabs/cells.csv``).
    min_cell_size : int
        Threshold of primary cell suppression.
    k : int
        Every combination of the quasi-identifiers must occur at least ``k`` times.
    quasi_identifiers : sequence of str
        Columns an outsider can know about a network. Those left out of the release
        (listed in ``dropped``) are skipped and noted.
    group_disclosure_mode : {"flag", "fail"}
        Whether a cell holding all or none of a group, or a respondent with a unique answer
        pattern, is reported or stops the release.
    dropped : sequence of str
        Columns the release leaves out.
    microdata : bool
        Whether ``data`` go into the archive. Only then are k-anonymity and unique answer
        patterns checked; otherwise the report says they are not needed. The
        quasi-identifiers are checked to be columns either way, so that a typo does not
        wait for the day the microdata are released.
    pseudonym : str
        The id column, left out of the answer patterns.

    Returns
    -------
    DisclosureResult
        ``passed`` is False if a primary cell cannot be protected, if a combination occurs
        fewer than ``k`` times, or (in ``"fail"`` mode) if a cell is flagged for group
        disclosure or a respondent's answer pattern is unique. A quasi-identifier that is
        neither in ``data`` nor dropped is a configuration error and raises ``KeyError``.
    """
    if group_disclosure_mode not in GROUP_DISCLOSURE_MODES:
        raise ValueError(
            f"group_disclosure must be one of {GROUP_DISCLOSURE_MODES}, not {group_disclosure_mode!r}"
        )
    if min_cell_size < 1 or k < 1:
        raise ValueError(f"min_cell_size ({min_cell_size}) and k ({k}) must be at least 1")
    unknown = [q for q in quasi_identifiers if q not in data.columns and q not in dropped]
    if unknown:
        raise KeyError(
            f"release.quasi_identifiers: {unknown} are not columns of the respondent data; "
            "name columns of results/recode/recoded.parquet"
        )
    kept = [q for q in quasi_identifiers if q in data.columns]
    published, tables = suppress_cells(cells, min_cell_size)
    rows = _suppression_rows(tables, min_cell_size)
    failures = []
    if message := _unprotected_message(tables, min_cell_size):
        failures.append(message)

    flags = group_disclosure(tables)
    outcome = "fail" if group_disclosure_mode == "fail" else "flagged"
    rows += [{"check": "group_disclosure", "outcome": outcome, **f} for f in flags.to_dict("records")]
    if group_disclosure_mode == "fail" and len(flags):
        failures.append(_group_message(flags))

    if microdata:
        more, anonymity, problems = _microdata_rows(
            data, quasi_identifiers, kept, k, group_disclosure_mode, pseudonym
        )
        rows += more
        failures += problems
    else:
        rows += _not_needed_rows()
        anonymity = pd.DataFrame(columns=[*kept, "combination", "n", "passes"])

    report = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    report["n"] = report["n"].astype("Int64")
    settings = {
        "min_cell_size": min_cell_size,
        "k": k,
        "quasi_identifiers": list(quasi_identifiers),
        "group_disclosure": group_disclosure_mode,
        "microdata": microdata,
        "released_columns": list(data.columns) if microdata else [],
    }
    return DisclosureResult(report, published, tables, anonymity, failures, settings)


# --- the readable report ------------------------------------------------------------------


def _markdown_table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return lines


def _range(t: TableSuppression, i: int, j: int) -> str:
    return f"{t.low[i, j]:.0f}–{t.high[i, j]:.0f}"


def _suppression_grid(t: TableSuppression) -> list[str]:
    """The table as counted, hidden cells marked (P primary, S secondary), with margins."""
    marks = {NONE: "", PRIMARY: " (P)", SECONDARY: " (S)"}
    rows = [
        [
            t.row_levels[i],
            *[f"{t.counts[i, j]}{marks[int(t.status[i, j])]}" for j in range(len(t.col_levels))],
        ]
        + [t.counts[i].sum()]
        for i in range(len(t.row_levels))
    ]
    rows.append(["total", *t.counts.sum(0), t.counts.sum()])
    return _markdown_table([f"{t.row_var} \\ {t.col_var}", *t.col_levels, "total"], rows)


def _microdata_statement(result: DisclosureResult, suppressed: list[TableSuppression]) -> list[str]:
    """What the archive holds of the respondents, and what that means for the tables."""
    s = result.settings
    if not s["microdata"]:
        return [
            "## Respondent-level data",
            "",
            "**The archive holds no respondent-level data** (release.microdata: false), only the "
            "tables after disclosure control. The checks of the respondent data (k-anonymity and "
            "unique answer patterns) are therefore not needed for the archive and were not run; "
            "they run when release.microdata is true.",
            "",
        ]
    rebuilt = [t.name for t in suppressed if {t.row_var, t.col_var} <= set(s["released_columns"])]
    which = f" ({len(rebuilt)} with hidden cells here: {', '.join(rebuilt)})" if rebuilt else ""
    return [
        "## Respondent-level data",
        "",
        "**Warning: the table suppression no longer protects the tables.** The archive holds the "
        "respondent-level data (release.microdata: true), and from them anyone can recount every "
        f"cross-tab of released variables, its suppressed cells included{which}. The respondents "
        "are protected by the pseudonymisation, k-anonymity and the answer patterns checked below, "
        "nothing else. To keep the suppression meaningful, set release.microdata: false.",
        "",
    ]


def _microdata_checks(result: DisclosureResult) -> list[str]:
    """The k-anonymity and unique-pattern sections (or why they are not needed)."""
    s, report = result.settings, result.report
    lines = ["## k-anonymity of the respondent data", ""]
    if not s["microdata"]:
        return [
            *lines,
            f"Not needed: {NO_MICRODATA}.",
            "",
            "## Unique answer patterns",
            "",
            f"Not needed: {NO_MICRODATA}.",
            "",
        ]
    anon = report[report["check"] == "k_anonymity"]
    lines += [
        f"Every combination of {', '.join(s['quasi_identifiers']) or '(none)'} in the released data "
        f"must occur at least {s['k']} times.",
        "",
        *_markdown_table(
            ["combination", "n", "outcome"], anon[["combination", "n", "outcome"]].to_numpy().tolist()
        ),
        "",
    ]
    unique = report[report["check"] == "unique_patterns"].iloc[0]
    consequence = {
        "pass": "No respondent's answers are unique.",
        "flagged": "Flagged for review (release.group_disclosure: flag).",
        "fail": "They stop the release (release.group_disclosure: fail).",
    }[unique["outcome"]]
    lines += [
        "## Unique answer patterns",
        "",
        f"{unique['detail']}, over {unique['combination']}: anyone who knows enough of a network's "
        f"answers can single out its record. {consequence}",
        "",
    ]
    return lines


def report_markdown(result: DisclosureResult) -> str:
    """The readable report: the outcome, what the archive holds of the respondents, each
    check, the suppressed tables and the limits.

    Parameters
    ----------
    result : DisclosureResult
        From :func:`check_disclosure`.
    """
    s = result.settings
    report = result.report
    lines = [
        "# Disclosure check of the public release",
        "",
        "**For the data holder only.** This report shows the counts of the suppressed cells; it is "
        "not part of the release archive and must not be published.",
        "",
        f"**Outcome: {'PASSED' if result.passed else 'FAILED'}**"
        + ("" if result.passed else f" ({len(result.failures)} problem(s); no archive is written)"),
        "",
        f"Settings: minimum cell size {s['min_cell_size']}; k = {s['k']} on "
        f"{', '.join(s['quasi_identifiers']) or '(none)'}; group disclosure: {s['group_disclosure']}; "
        f"microdata: {'true' if s['microdata'] else 'false'}.",
        "",
    ]
    suppressed = [t for t in result.tables if (t.status != NONE).any()]
    lines += _microdata_statement(result, suppressed)
    if result.failures:
        lines += ["## What fails and what to change", ""]
        for failure in result.failures:
            lines += ["```", failure, "```", ""]

    counts = report.groupby(["check", "outcome"], sort=False).size().reset_index(name="rows")
    lines += [
        "## Summary",
        "",
        *_markdown_table(["check", "outcome", "rows"], counts.to_numpy().tolist()),
        "",
    ]

    n_primary = sum(int((t.status == PRIMARY).sum()) for t in result.tables)
    n_secondary = sum(int((t.status == SECONDARY).sum()) for t in result.tables)
    lines += [
        "## Cell suppression",
        "",
        f"{len(result.tables)} cross-tab(s); {n_primary} cell(s) below {s['min_cell_size']} hidden "
        f"(primary), {n_secondary} more so that the margins cannot give them away (secondary), in "
        f"{len(suppressed)} cross-tab(s). Margins stay published. Each hidden cell's range is what "
        "the published cells and margins allow (linear programming); no primary cell's range may "
        "be a single value.",
        "",
    ]
    for t in suppressed:
        lines += [f"### {t.name}", "", *_suppression_grid(t), ""]
        hidden = [
            [t.row_levels[i], t.col_levels[j], KIND[int(t.status[i, j])], t.counts[i, j], _range(t, i, j)]
            for i, j in np.argwhere(t.status != NONE)
        ]
        lines += [*_markdown_table([t.row_var, t.col_var, "suppression", "n", "feasible range"], hidden), ""]

    flags = report[report["check"] == "group_disclosure"]
    lines += ["## Group disclosure", ""]
    if flags.empty:
        lines += ["No published cell holds all or none of a group.", ""]
    else:
        lines += [
            f"{len(flags)} published cell(s) hold all (100%) or none (0%) of a row or column group: "
            "knowing that a network belongs to the group tells its answer. "
            + ("They stop the release." if s["group_disclosure"] == "fail" else "Flagged for review."),
            "",
            *_markdown_table(
                ["cross-tab", "row level", "column level", "n", "why"],
                flags[["table", "row_level", "col_level", "n", "detail"]].to_numpy().tolist(),
            ),
            "",
        ]

    lines += _microdata_checks(result)
    lines += [
        "## What this check does not cover",
        "",
        "- The test statistics of the cross-tabs (chi-square and others in tests.csv), published "
        "with the margins, narrow the values a hidden cell can take; saturated models of the same "
        "variables (a multinomial model of a role by size class) reproduce the table.",
        "- The paper (HTML and PDF) and its figures show cross-tabs as counted, not suppressed.",
        "- Attributes an outsider knows beyond the quasi-identifiers (for instance a network's "
        "answers told at a meeting) are not modelled.",
        "- With the real data, keep release.seed private (a config file passed with --configfile "
        "and not committed): with the seed and the export's row order, the shuffle of the ids can "
        "be undone.",
        "",
    ]
    return "\n".join(lines)
