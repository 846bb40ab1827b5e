"""Disclosure control on crafted tables and data frames, where the right answer is known.

Suppression patterns are verified independently of the implementation: by enumerating
every table that agrees with what is published (the published cells and the margins), a
hidden cell is protected when it can take more than one value.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from leisurenet.analysis.crosstab import crosstab_cells
from leisurenet.release.disclosure import DisclosureError, check_disclosure
from leisurenet.release.disclosure_report import report_markdown
from leisurenet.release.microdata_checks import k_anonymity, unique_patterns
from leisurenet.release.table_checks import (
    NONE,
    PRIMARY,
    SECONDARY,
    feasible_ranges,
    group_disclosure,
    suppress_cells,
    suppress_table,
)

# --- helpers -----------------------------------------------------------------------------

# The crafted respondents carry two quasi-identifiers, as a study with more public
# attributes would (the default is the size class alone).
QI = ["size_class", "role_overall"]


def cells_of(counts, rows=None, cols=None, name="role_by_size", row_var="role", col_var="size_class"):
    """A long cells table, as results/crosstabs/cells.csv has it, from a count matrix."""
    counts = np.asarray(counts)
    rows = rows or [f"r{i}" for i in range(counts.shape[0])]
    cols = cols or [f"c{j}" for j in range(counts.shape[1])]
    data = pd.DataFrame(
        [(r, c) for i, r in enumerate(rows) for j, c in enumerate(cols) for _ in range(counts[i, j])],
        columns=[row_var, col_var],
    ).astype({row_var: pd.CategoricalDtype(rows), col_var: pd.CategoricalDtype(cols)})
    out = crosstab_cells(data, row_var, col_var)
    out["crosstab"] = name
    return out


def respondents(combos: dict[tuple[str, str], int]) -> pd.DataFrame:
    """Respondent rows with size_class and role_overall, ``n`` of each combination."""
    rows = [(s, r) for (s, r), n in combos.items() for _ in range(n)]
    frame = pd.DataFrame(rows, columns=["size_class", "role_overall"])
    frame.insert(0, "resp_id", [f"P{i + 1:02d}" for i in range(len(frame))])
    return frame.astype({"size_class": "category", "role_overall": "category"})


def values_consistent(counts: np.ndarray, hidden: np.ndarray) -> dict[tuple[int, int], set[int]]:
    """Every value each hidden cell takes over all tables that agree with the published ones.

    Brute force, for small tables: the hidden cells range over 0..(the smaller of their row's
    and column's hidden totals); a candidate is kept when every row and column sums to its
    margin.
    """
    cells = [tuple(int(v) for v in c) for c in np.argwhere(hidden)]
    row_left = {i: int(counts[i][hidden[i]].sum()) for i, _ in cells}
    col_left = {j: int(counts[:, j][hidden[:, j]].sum()) for _, j in cells}
    ranges = [range(min(row_left[i], col_left[j]) + 1) for i, j in cells]
    seen: dict[tuple[int, int], set[int]] = {c: set() for c in cells}
    for values in itertools.product(*ranges):
        rows, cols = dict.fromkeys(row_left, 0), dict.fromkeys(col_left, 0)
        for (i, j), v in zip(cells, values, strict=True):
            rows[i] += v
            cols[j] += v
        if rows == row_left and cols == col_left:
            for c, v in zip(cells, values, strict=True):
                seen[c].add(v)
    return seen


def solved_ranges(counts: np.ndarray, hidden: np.ndarray) -> dict[tuple[int, int], tuple[float, float]]:
    """The range of each hidden cell by solving the intruder's problem on the whole table.

    Every cell is a variable; published cells are fixed to their counts, hidden ones are
    non-negative, and all row and column sums equal the published margins. (A formulation
    of its own, not the one the module uses.)
    """
    r, c = counts.shape
    a_eq = np.zeros((r + c, r * c))
    for i in range(r):
        a_eq[i, i * c : (i + 1) * c] = 1
    for j in range(c):
        a_eq[r + j, j::c] = 1
    b_eq = np.concatenate([counts.sum(1), counts.sum(0)])
    bounds = [(0, None) if hidden[i, j] else (counts[i, j], counts[i, j]) for i in range(r) for j in range(c)]
    out = {}
    for i, j in np.argwhere(hidden):
        objective = np.zeros(r * c)
        objective[i * c + j] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds).fun
        high = -linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds).fun
        out[(int(i), int(j))] = (low, high)
    return out


def assert_protected(counts, status):
    """No row or column hides exactly one cell, and no primary cell is determined."""
    counts = np.asarray(counts)
    hidden = status != NONE
    for axis in (0, 1):
        per_line = hidden.sum(axis=axis)
        assert not (per_line == 1).any(), f"a line (axis {1 - axis}) hides exactly one cell"
    for cell, (low, high) in solved_ranges(counts, hidden).items():
        assert low <= counts[cell] <= high
        if status[cell] == PRIMARY:
            assert high - low >= 1 - 1e-9, f"primary cell {cell} is determined by the margins"


# --- the check passing -------------------------------------------------------------------


def test_the_check_passes_on_a_safe_release():
    cells = cells_of([[8, 6, 5], [7, 9, 6], [5, 5, 7]])
    data = respondents({("small", "coproducer"): 6, ("small", "other"): 5, ("large", "coproducer"): 7,
                        ("large", "other"): 5})  # fmt: skip
    result = check_disclosure(data, cells, min_cell_size=3, k=5, quasi_identifiers=QI)
    assert result.passed and result.failures == []
    result.raise_if_failed()  # does not raise
    assert not result.cells["suppressed"].any()
    assert result.cells["n"].tolist() == cells["n"].tolist()
    anonymity = result.report[result.report["check"] == "k_anonymity"]
    assert len(anonymity) == 4 and set(anonymity["outcome"]) == {"pass"}
    assert "PASSED" in report_markdown(result)


# --- suppression -------------------------------------------------------------------------


def test_primary_and_secondary_suppression_pick_the_smallest_complements():
    counts = np.array([[1, 8, 9], [7, 6, 10], [12, 4, 11]])
    t = suppress_table(counts, 3)
    # (0,0) is below 3; the cheapest rectangle around it hides 8 + 7 + 6 respondents (the
    # others 9 + 7 + 10, 8 + 12 + 4, 9 + 12 + 11): a 2 x 2 block.
    expected = np.zeros((3, 3), dtype=int)
    expected[0, 0] = PRIMARY
    expected[0, 1] = expected[1, 0] = expected[1, 1] = SECONDARY
    np.testing.assert_array_equal(t.status, expected)
    assert_protected(counts, t.status)
    # The block moves by t in [-min(1, 6), min(8, 7)]: the primary cell can be 0 to 8.
    assert (t.low[0, 0], t.high[0, 0]) == (0, 8)
    assert t.unprotected == []


@pytest.mark.parametrize(
    "counts",
    [
        [[2, 5, 9, 4], [6, 1, 3, 8], [7, 7, 2, 10]],
        [[0, 2, 0], [5, 6, 7], [4, 0, 9]],  # the only other cells of row 0 are zeros
        [[1, 0, 0, 4], [0, 2, 0, 5], [0, 0, 1, 6], [3, 4, 5, 6]],
        [[1, 1], [1, 1]],
    ],
)
def test_margins_cannot_reveal_a_suppressed_cell(counts):
    counts = np.array(counts)
    t = suppress_table(counts, 3)
    assert ((counts > 0) & (counts < 3) <= (t.status == PRIMARY)).all()  # every small cell hidden
    assert ((t.status == PRIMARY) <= ((counts > 0) & (counts < 3))).all()  # zeros are not primary
    assert_protected(counts, t.status)


def test_zero_complements_only_where_nothing_else_is_left():
    """Row 0 and column 0 hold nothing but the small cell: the rectangle must use zeros, and
    the solved range still leaves the intruder unsure whether the cell is 0 or 1."""
    counts = np.array([[1, 0, 0], [0, 5, 6], [0, 7, 8]])
    t = suppress_table(counts, 3)
    assert_protected(counts, t.status)
    assert (t.low[0, 0], t.high[0, 0]) == (0, 1)
    assert t.status[1, 1] == SECONDARY  # the smallest positive corner: 5, not 6, 7 or 8


def test_many_random_tables_stay_protected():
    rng = np.random.default_rng(7)
    for _ in range(20):
        counts = rng.choice([0, 1, 2, 3, 4, 6, 9], size=(3, 3), p=[0.15, 0.2, 0.15, 0.15, 0.15, 0.1, 0.1])
        t = suppress_table(counts, 3)
        if t.unprotected:
            continue  # reported as a failure by check_disclosure (tested below)
        assert_protected(counts, t.status)


def test_feasible_ranges_against_enumeration():
    counts = np.array([[2, 3, 1], [1, 3, 2], [1, 0, 2]])
    hidden = np.array([[True, True, True], [True, False, True], [True, False, True]])
    low, high = feasible_ranges(counts, hidden)
    seen = values_consistent(counts, hidden)
    solved = solved_ranges(counts, hidden)
    for (i, j), values in seen.items():
        assert (low[i, j], high[i, j]) == (min(values), max(values))
        assert solved[(i, j)] == pytest.approx((min(values), max(values)))


def test_suppressed_cells_publish_no_count_or_percentage():
    cells = cells_of([[1, 8, 9], [7, 6, 10], [12, 4, 11]])
    published, _ = suppress_cells(cells, 3)
    hidden = published[published["suppressed"]]
    assert len(hidden) == 4
    assert hidden[["n", "pct_row", "pct_col"]].isna().all().all()
    assert hidden["expected"].notna().all()  # follows from the margins, which stay published
    shown = published[~published["suppressed"]]
    pd.testing.assert_series_equal(
        shown["n"].astype("int64"), cells.loc[shown.index, "n"].astype("int64"), check_names=False
    )
    assert "primary" not in " ".join(map(str, published.columns))  # which hidden cells are small is not said
    # The margins of the published table still add up to the original ones.
    original = cells.groupby("row_level", sort=False)["n"].sum()
    assert (published.groupby("row_level", sort=False)["expected"].sum().round(9) == original).all()


def test_a_cell_that_cannot_be_protected_fails_the_check():
    cells = cells_of([[1], [10]], cols=["all"])
    result = check_disclosure(respondents({("small", "a"): 11}), cells, k=5, quasi_identifiers=QI)
    assert not result.passed
    with pytest.raises(DisclosureError, match=r"role=r0 x size_class=all"):
        result.raise_if_failed()


# --- group disclosure --------------------------------------------------------------------


def test_group_disclosure_is_flagged():
    # Every large-municipality respondent answered positive (100% of the column), so none
    # answered negative (0%), and every negative answer came from a small one (100% of the
    # row); nobody at all answered neutral, which is no group's secret.
    cells = cells_of(
        [[6, 0], [0, 0], [4, 9]], rows=["negative", "neutral", "positive"], cols=["small", "large"]
    )
    data = respondents({("small", "a"): 10, ("large", "a"): 9})
    result = check_disclosure(data, cells, min_cell_size=3, k=5, quasi_identifiers=QI)
    assert result.passed  # flagged, not failed, by default
    flags = result.report[result.report["check"] == "group_disclosure"]
    assert set(flags["outcome"]) == {"flagged"}
    flagged = set(zip(flags["row_level"], flags["col_level"], strict=True))
    assert flagged == {("negative", "large"), ("positive", "large"), ("negative", "small")}
    detail = flags.set_index("row_level").loc["positive", "detail"]
    assert "all 9 respondent(s) with size_class=large have role=positive (100%)" in detail

    failing = check_disclosure(
        data, cells, min_cell_size=3, k=5, group_disclosure_mode="fail", quasi_identifiers=QI
    )
    assert not failing.passed
    with pytest.raises(DisclosureError, match="group disclosure"):
        failing.raise_if_failed()


def test_group_disclosure_skips_hidden_cells():
    t = suppress_table(np.array([[2, 0], [5, 6], [4, 3]]), 3)
    flags = group_disclosure([t])
    hidden = {(t.row_levels[i], t.col_levels[j]) for i, j in np.argwhere(t.status != NONE)}
    assert not hidden & set(zip(flags["row_level"], flags["col_level"], strict=True))


# --- k-anonymity -------------------------------------------------------------------------


def test_k_anonymity_failure_stops_with_the_combination_and_the_remedy():
    data = respondents({("small", "coproducer"): 9, ("small", "facilitator"): 1, ("large", "coproducer"): 6,
                        ("large", "facilitator"): 5})  # fmt: skip
    cells = cells_of([[8, 6], [7, 9]])
    result = check_disclosure(data, cells, k=5, quasi_identifiers=QI)
    assert not result.passed
    with pytest.raises(DisclosureError) as error:
        result.raise_if_failed()
    message = str(error.value)
    assert "size_class=small, role_overall=facilitator: 1 respondent(s)" in message
    assert "size_class=large" not in message.split("What to change")[0]
    # The remedies offered were tried on the data and pass.
    assert "`drop: [role_overall]`" in message
    table = k_anonymity(data, ["size_class", "role_overall"], 5)
    assert table.set_index("combination").loc["size_class=small, role_overall=facilitator", "n"] == 1
    assert "FAILED" in report_markdown(result)


def test_k_anonymity_counts_missing_as_a_value_and_skips_dropped_identifiers():
    data = respondents({("small", "a"): 6, ("large", "a"): 5})
    data["role_overall"] = data["role_overall"].cat.add_categories(["b"])
    data.loc[0, "role_overall"] = pd.NA
    table = k_anonymity(data, ["size_class", "role_overall"], 5)
    assert "size_class=small, role_overall=<missing>" in set(table["combination"])
    result = check_disclosure(
        data.drop(columns="role_overall"),
        cells_of([[8, 6], [7, 9]]),
        dropped=["role_overall"],
        quasi_identifiers=QI,
    )
    assert result.passed
    assert "skipped" in set(result.report["outcome"])
    with pytest.raises(KeyError, match="role_overal"):
        check_disclosure(data, cells_of([[8, 6], [7, 9]]), quasi_identifiers=["size_class", "role_overal"])


# --- the respondent-level data -----------------------------------------------------------


def answers() -> pd.DataFrame:
    """9 respondents: 3 share one pattern, 2 another (with a missing answer), 4 are unique
    (two of them differ from the pair only where the pair has a missing answer)."""
    frame = pd.DataFrame(
        {
            "size_class": ["small"] * 3 + ["large"] * 2 + ["large", "large", "small", "small"],
            "role_overall": ["a"] * 3 + [None] * 2 + ["a", "b", "b", None],
            "vis_defined": pd.array([1, 1, 1, 2, 2, 2, 2, 3, 2], dtype="Int8"),
        }
    ).astype({"size_class": "category", "role_overall": "category"})
    frame.insert(0, "resp_id", [f"P{i + 1:02d}" for i in range(len(frame))])
    return frame


def test_unique_patterns_against_an_independent_count():
    data = answers()
    independent = ~data.drop(columns="resp_id").duplicated(keep=False)
    assert int(independent.sum()) == 4
    mask = unique_patterns(data, ["size_class", "role_overall", "vis_defined"])
    assert mask.tolist() == independent.tolist()
    result = check_disclosure(data, cells_of([[8, 6], [7, 9]]), k=1, quasi_identifiers=QI)
    row = result.report.set_index("check").loc["unique_patterns"]
    assert (row["n"], row["outcome"]) == (4, "flagged") and result.passed
    assert "4 of 9 respondent(s) (44.4%)" in row["detail"]
    markdown = report_markdown(result)
    assert "the table suppression no longer protects the tables" in markdown
    assert "4 of 9 respondent(s) (44.4%) have an answer pattern" in markdown
    failing = check_disclosure(
        data, cells_of([[8, 6], [7, 9]]), k=1, quasi_identifiers=QI, group_disclosure_mode="fail"
    )
    with pytest.raises(DisclosureError, match=r"unique answer patterns: 4 of 9[\s\S]*microdata: false"):
        failing.raise_if_failed()


def test_without_microdata_the_respondent_checks_are_said_to_be_not_needed():
    data = respondents({("small", "coproducer"): 9, ("small", "facilitator"): 1})  # fails k = 5
    result = check_disclosure(data, cells_of([[8, 6], [7, 9]]), k=5, quasi_identifiers=QI, microdata=False)
    assert result.passed
    outcomes = result.report.set_index("check")["outcome"]
    assert outcomes["k_anonymity"] == outcomes["unique_patterns"] == "not_needed"
    markdown = report_markdown(result)
    assert "The archive holds no respondent-level data" in markdown
    assert "no longer protects" not in markdown
    with pytest.raises(KeyError, match="role_overal"):  # a typo is caught before the data go out
        check_disclosure(data, cells_of([[8, 6]]), quasi_identifiers=["role_overal"], microdata=False)
