"""Cross-tabs: cell counts and percentages, Pearson's chi-square, the linear-by-linear
association test, Cramér's V and Holm-adjusted p-values, with the Fisher-Freeman-Halton exact
test of :mod:`leisurenet.analysis.exact`.

Each cross-tab is one row variable against one column variable of the recoded data. The
respondents missing either variable are left out of that cross-tab (and counted). Every
level of both variables appears in the cells, empty or not; the tests are computed on the
table without its all-zero rows and columns, because expected counts of zero leave the
chi-square terms and the degrees of freedom undefined for an empty margin.

Percentages run from 0 to 100 and nothing is rounded.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from leisurenet.analysis.exact import DEFAULT_MAX_TABLES, fisher_exact_rxc
from leisurenet.names import crosstab_name

CELL_COLUMNS = [
    "crosstab",
    "row_var",
    "row_level",
    "col_var",
    "col_level",
    "n",
    "expected",
    "pct_row",
    "pct_col",
]
TEST_COLUMNS = [
    "crosstab",
    "family",
    "n",
    "chi2",
    "df",
    "p_chi2",
    "p_exact",
    "exact_method",
    "p_linear_by_linear",
    "cramers_v",
    "cramers_v_corrected",
    "min_expected",
    "p_holm",
    "row_var",
    "col_var",
    "n_excluded_missing",
    "n_rows_tested",
    "n_cols_tested",
    "empty_levels_dropped",
    "share_expected_below_5",
    "m2_linear_by_linear",
    "n_tables_bound",
    "n_draws",
    "p_exact_mc_se",
]


# --- the table ------------------------------------------------------------------------


def _as_categorical(data: pd.DataFrame, column: str) -> pd.Series:
    if column not in data.columns:
        raise KeyError(f"crosstabs: '{column}' is not a column of the recoded data")
    values = data[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values
    # A plain column (codes, text) becomes an unordered categorical of its observed values.
    return values.astype("category")


def contingency(data: pd.DataFrame, row: str, col: str) -> tuple[pd.DataFrame, int]:
    """The r x c table of counts with every level of both variables, and the rows left out.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    row, col : str
        Columns of ``data``; categoricals keep their levels and order, other columns
        become unordered categoricals of their observed values.

    Returns
    -------
    table : DataFrame
        Counts (int64), index the levels of ``row``, columns the levels of ``col``;
        all-zero rows and columns are kept.
    n_excluded_missing : int
        Respondents left out because ``row`` or ``col`` is missing.
    """
    if row == col:
        raise ValueError(f"crosstabs: row and column variable are both '{row}'")
    r, c = _as_categorical(data, row), _as_categorical(data, col)
    rc, cc = r.cat.codes.to_numpy(), c.cat.codes.to_numpy()
    valid = (rc >= 0) & (cc >= 0)
    nr, nc = len(r.cat.categories), len(c.cat.categories)
    counts = np.bincount(rc[valid] * nc + cc[valid], minlength=nr * nc).reshape(nr, nc)
    table = pd.DataFrame(
        counts.astype(np.int64),
        index=pd.Index(r.cat.categories, name=row),
        columns=pd.Index(c.cat.categories, name=col),
    )
    return table, int((~valid).sum())


def _expected(counts: np.ndarray) -> np.ndarray:
    n = counts.sum()
    return np.outer(counts.sum(1), counts.sum(0)) / n if n else np.zeros(counts.shape)


def crosstab_cells(data: pd.DataFrame, row: str, col: str) -> pd.DataFrame:
    """The cells of one cross-tab, long: every level pair, empty ones included.

    Returns
    -------
    DataFrame
        ``crosstab`` (see :func:`crosstab_name`), ``row_var``, ``row_level``, ``col_var``,
        ``col_level``, ``n`` (count), ``expected`` (row total x column total / n: 0 for a
        level nobody has), ``pct_row`` (share of the row's respondents, 0-100; NaN for an
        empty row), ``pct_col`` (share of the column's respondents, 0-100; NaN for an empty
        column). Respondents missing either variable are left out.

    Notes
    -----
    Expected counts were checked against ``scipy.stats.chi2_contingency`` (tests).
    """
    table, _ = contingency(data, row, col)
    counts = table.to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        pct_row = 100 * counts / counts.sum(1, keepdims=True)
        pct_col = 100 * counts / counts.sum(0, keepdims=True)
    nr, nc = counts.shape
    return pd.DataFrame(
        {
            "crosstab": crosstab_name(row, col),
            "row_var": row,
            "row_level": np.repeat(table.index.astype(str).to_numpy(), nc),
            "col_var": col,
            "col_level": np.tile(table.columns.astype(str).to_numpy(), nr),
            "n": counts.ravel(),
            "expected": _expected(counts).ravel(),
            "pct_row": pct_row.ravel(),
            "pct_col": pct_col.ravel(),
        },
        columns=CELL_COLUMNS,
    )


# --- chi-square, linear-by-linear, Cramér's V ---------------------------------------------


def pearson_chi2(counts: np.ndarray) -> tuple[float, int, float, np.ndarray]:
    """Pearson's chi-square without continuity correction: (chi2, df, p, expected).

    For a table without all-zero rows or columns. Checked against
    ``scipy.stats.chi2_contingency(correction=False)``.
    """
    counts = np.asarray(counts, dtype=float)
    expected = _expected(counts)
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    df = (counts.shape[0] - 1) * (counts.shape[1] - 1)
    return chi2, df, float(stats.chi2.sf(chi2, df)), expected


def linear_by_linear(
    counts: np.ndarray, row_scores: np.ndarray, col_scores: np.ndarray
) -> tuple[float, float]:
    """Mantel-Haenszel linear-by-linear association test: (M2, p).

    M2 = (n - 1) r^2, with r the Pearson correlation of the row and column scores over
    the respondents; p from chi-square with 1 df. Only meaningful when both variables are
    ordered (the callers pass integer scores 1, 2, ... of the ordered levels); NaN when
    either variable has one score only.

    Checked against the closed form (n - 1) r^2 with r from ``numpy.corrcoef`` of the
    respondents' scores, and r against R's ``cor()``.
    """
    counts = np.asarray(counts, dtype=float)
    n = counts.sum()
    u, v = np.asarray(row_scores, dtype=float), np.asarray(col_scores, dtype=float)
    pu, pv = counts.sum(1) / n, counts.sum(0) / n
    du, dv = u - pu @ u, v - pv @ v
    var_u, var_v = pu @ du**2, pv @ dv**2
    if var_u <= 0 or var_v <= 0:
        return math.nan, math.nan
    r = (du @ counts @ dv / n) / math.sqrt(var_u * var_v)
    m2 = (n - 1) * r**2
    return float(m2), float(stats.chi2.sf(m2, 1))


def cramers_v(chi2: float, n: int, shape: tuple[int, int]) -> float:
    """Cramér's V = sqrt(chi2 / (n (min(r, c) - 1))). Checked against the formula by hand."""
    return math.sqrt(chi2 / (n * (min(shape) - 1)))


def cramers_v_corrected(chi2: float, n: int, shape: tuple[int, int]) -> float:
    """Bias-corrected Cramér's V of Bergsma (2013, J. Korean Stat. Soc. 42, 323-328).

    phi2 = max(0, chi2/n - (r-1)(c-1)/(n-1)); r~ = r - (r-1)^2/(n-1), c~ likewise;
    V~ = sqrt(phi2 / min(r~ - 1, c~ - 1)). Checked against a hand computation (tests).
    """
    r, c = shape
    phi2 = max(0.0, chi2 / n - (r - 1) * (c - 1) / (n - 1))
    r_t, c_t = r - (r - 1) ** 2 / (n - 1), c - (c - 1) ** 2 / (n - 1)
    return math.sqrt(phi2 / min(r_t - 1, c_t - 1))


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values; NaN stays NaN and does not count as a test.

    Checked against ``statsmodels.stats.multitest.multipletests(method="holm")``.
    """
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    idx = np.flatnonzero(~np.isnan(p))
    order = idx[np.argsort(p[idx], kind="stable")]
    m = len(order)
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out[order] = np.minimum(adjusted, 1.0)
    return out


# --- one cross-tab, all cross-tabs -----------------------------------------------------------


def crosstab_tests(
    data: pd.DataFrame,
    row: str,
    col: str,
    *,
    draws: int,
    seed: int,
    max_tables: int = DEFAULT_MAX_TABLES,
) -> dict:
    """The tests of one cross-tab, on its table without all-zero rows and columns.

    Returns
    -------
    dict
        The columns of ``tests.csv`` but ``family`` and ``p_holm`` (see :func:`run_crosstabs`).
        ``p_linear_by_linear`` and ``m2_linear_by_linear`` are NaN unless both variables
        are ordered categoricals; the scores are the levels' positions 1, 2, ... among all
        levels (an empty level keeps its place). With fewer than two non-empty rows or
        columns no test is defined: the statistics are NaN and ``exact_method`` says so.
    """
    table, n_missing = contingency(data, row, col)
    counts = table.to_numpy()
    keep_r, keep_c = counts.sum(1) > 0, counts.sum(0) > 0
    tested = counts[np.ix_(keep_r, keep_c)]
    dropped = [f"{row}={v}" for v in table.index[~keep_r]] + [f"{col}={v}" for v in table.columns[~keep_c]]
    n = int(tested.sum())
    out = {
        "crosstab": crosstab_name(row, col),
        "row_var": row,
        "col_var": col,
        "n": n,
        "n_excluded_missing": n_missing,
        "n_rows_tested": tested.shape[0],
        "n_cols_tested": tested.shape[1],
        "empty_levels_dropped": "|".join(dropped),
    }
    if min(tested.shape) < 2:
        nan = dict.fromkeys(
            ["chi2", "p_chi2", "p_exact", "p_linear_by_linear", "m2_linear_by_linear", "cramers_v"]
            + ["cramers_v_corrected", "min_expected", "share_expected_below_5", "p_exact_mc_se"],
            math.nan,
        )
        method = "not tested: fewer than 2 non-empty rows or columns"
        return out | nan | {"df": 0, "exact_method": method, "n_tables_bound": 0, "n_draws": 0}
    chi2, df, p_chi2, expected = pearson_chi2(tested)
    exact = fisher_exact_rxc(tested, draws=draws, seed=seed, max_tables=max_tables)
    m2 = p_lbl = math.nan
    if all(isinstance(data[v].dtype, pd.CategoricalDtype) and data[v].cat.ordered for v in (row, col)):
        row_scores = np.arange(1, len(keep_r) + 1)[keep_r]
        col_scores = np.arange(1, len(keep_c) + 1)[keep_c]
        m2, p_lbl = linear_by_linear(tested, row_scores, col_scores)
    return out | {
        "chi2": chi2,
        "df": df,
        "p_chi2": p_chi2,
        "p_exact": exact.p,
        "exact_method": exact.method,
        "p_linear_by_linear": p_lbl,
        "m2_linear_by_linear": m2,
        "cramers_v": cramers_v(chi2, n, tested.shape),
        "cramers_v_corrected": cramers_v_corrected(chi2, n, tested.shape),
        "min_expected": float(expected.min()),
        "share_expected_below_5": float((expected < 5).mean()),
        "n_tables_bound": exact.n_tables_bound,
        "n_draws": exact.n_draws,
        "p_exact_mc_se": exact.mc_se,
    }


def run_crosstabs(data: pd.DataFrame, families: dict, analysis: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every cross-tab of the config's ``crosstabs`` section.

    Parameters
    ----------
    data : DataFrame
        The recoded data (one row per respondent).
    families : dict
        ``{family: {"col": column, "rows": [row variables]}}``.
    analysis : dict
        The config's ``analysis`` section (as the schema fills it): ``seed``,
        ``monte_carlo_draws`` and ``exact_max_tables``.

    Returns
    -------
    cells : DataFrame
        The cells of every cross-tab (columns as :func:`crosstab_cells`).
    tests : DataFrame
        One row per cross-tab (columns as :func:`crosstab_tests`, plus ``family`` and
        ``p_holm``: ``p_exact`` Holm-adjusted within the family, over the cross-tabs that
        were tested).
    """
    cells, tests = [], []
    for family, spec in families.items():
        rows = [
            crosstab_tests(
                data,
                row,
                spec["col"],
                draws=analysis["monte_carlo_draws"],
                seed=analysis["seed"],
                max_tables=analysis["exact_max_tables"],
            )
            for row in spec["rows"]
        ]
        p_holm = holm(np.array([r["p_exact"] for r in rows]))
        tests += [r | {"family": family, "p_holm": p} for r, p in zip(rows, p_holm, strict=True)]
        cells += [crosstab_cells(data, row, spec["col"]) for row in spec["rows"]]
    names = [t["crosstab"] for t in tests]
    if len(set(names)) != len(names):
        raise ValueError(f"crosstabs: a cross-tab is listed twice: {sorted(names)}")
    return pd.concat(cells, ignore_index=True), pd.DataFrame(tests, columns=TEST_COLUMNS)
