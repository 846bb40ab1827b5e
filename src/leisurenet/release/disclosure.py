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

The checks themselves live beside this module: the cell suppression and group disclosure
of the cross-tabs in :mod:`leisurenet.release.table_checks`, k-anonymity and unique answer
patterns of the respondent data in :mod:`leisurenet.release.microdata_checks`, and the
readable report in :mod:`leisurenet.release.disclosure_report`. This module runs them
together (:func:`check_disclosure`) and says what fails and what to change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from leisurenet.release.microdata_checks import k_anonymity, k_anonymity_remedies, unique_patterns
from leisurenet.release.settings import (
    DEFAULT_K,
    DEFAULT_MIN_CELL_SIZE,
    DEFAULT_QUASI_IDENTIFIERS,
    GROUP_DISCLOSURE_MODES,
)
from leisurenet.release.table_checks import (
    KIND,
    NONE,
    PRIMARY,
    TableSuppression,
    group_disclosure,
    suppress_cells,
)

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
