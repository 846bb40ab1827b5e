"""Non-response against the population frame: the response per municipality size class,
and whether respondents differ from non-respondents on it (Pearson's chi-square and the
Fisher-Freeman-Halton exact test).

A module of its own for the describe rule's ``nonresponse.csv`` and ``nonresponse_test.csv``:
it reads the frame of networks, not the answers; the tests come from
:mod:`leisurenet.analysis.crosstab` and :mod:`leisurenet.analysis.exact`. Percentages
(``pct_*``) are 0-100, ``response_rate`` a proportion.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from leisurenet.analysis.crosstab import pearson_chi2
from leisurenet.analysis.exact import fisher_exact_rxc
from leisurenet.data.recode import size_class

NONRESPONSE_COLUMNS = [
    "size_class",
    "n_frame",
    "n_respondents",
    "response_rate",
    "pct_frame",
    "pct_respondents",
]
TEST_COLUMNS = ["test", "method", "statistic", "df", "p_value", "p_value_mc_se", "n", "min_expected", "note"]


def nonresponse_table(frame: pd.DataFrame | None, breaks: list[int], labels: list[str]) -> pd.DataFrame:
    """Response per municipality size class of the frame (networks in the frame).

    Returns
    -------
    DataFrame with ``NONRESPONSE_COLUMNS``: per size class (from the frame's
    ``municipality_pop`` with :func:`leisurenet.data.recode.size_class`) the networks in the
    frame, those among the respondents, ``response_rate`` (proportion), and each class's
    share of the frame and of the respondents (``pct_*``). No rows without a frame.
    """
    if frame is None:
        return pd.DataFrame(columns=NONRESPONSE_COLUMNS)
    counts = _frame_counts(frame, breaks, labels)
    out = pd.DataFrame(
        {
            "size_class": counts.index.astype(str),
            "n_frame": counts["n_frame"].to_numpy(),
            "n_respondents": counts["n_respondents"].to_numpy(),
        }
    )
    out["response_rate"] = out["n_respondents"] / out["n_frame"].where(out["n_frame"] > 0)
    out["pct_frame"] = 100 * out["n_frame"] / out["n_frame"].sum()
    out["pct_respondents"] = 100 * out["n_respondents"] / out["n_respondents"].sum()
    return out[NONRESPONSE_COLUMNS]


def _frame_counts(frame: pd.DataFrame, breaks, labels) -> pd.DataFrame:
    classes = size_class(frame["municipality_pop"], breaks, labels)
    if classes.isna().any():
        raise ValueError("frame.csv: a network without municipality_pop has no size class")
    responded = frame["responded"].fillna(False).astype(bool)
    return pd.DataFrame(
        {
            "n_frame": classes.value_counts().reindex(labels, fill_value=0),
            "n_respondents": classes[responded.to_numpy()].value_counts().reindex(labels, fill_value=0),
        }
    )


def nonresponse_tests(
    frame: pd.DataFrame | None,
    breaks: list[int],
    labels: list[str],
    *,
    draws: int,
    seed: int,
    max_tables: int,
) -> pd.DataFrame:
    """Do the respondents differ from the non-respondents on municipality size class?

    Both tests are on the 2 x k table of the networks of the frame, respondents and
    non-respondents (rows) by the size classes that have networks in the frame (columns):

    - ``chi_square``: Pearson's chi-square test of that table without continuity
      correction (:func:`leisurenet.analysis.crosstab.pearson_chi2`), df = k - 1; approximate, and
      ``min_expected`` shows how far to trust it. Checked against R
      ``chisq.test(matrix(...), correct = FALSE)``.
    - ``fisher_freeman_halton``: the exact conditional test of the same table
      (:func:`leisurenet.analysis.exact.fisher_exact_rxc`), the test to read when expected counts
      are small: exact when the table is within ``max_tables`` and the exact test's other
      budgets, otherwise a Monte Carlo p-value with ``draws`` and ``seed`` (``method`` says which)
      and its Monte Carlo standard error in ``p_value_mc_se`` (NaN for an exact p).
      Checked against R ``fisher.test``.

    ``draws``, ``seed`` and ``max_tables`` are the config's ``analysis.monte_carlo_draws``,
    ``analysis.seed`` and ``analysis.exact_max_tables`` (outside the pipeline:
    ``leisurenet.config.load_config()["analysis"]``).

    Without a frame: one row, test ``none``, with a note. Columns ``TEST_COLUMNS``; ``n``
    is the number of networks in the frame.
    """
    if frame is None:
        note = "no population frame (data.frame is null): non-response cannot be assessed"
        return pd.DataFrame([{"test": "none", "note": note}], columns=TEST_COLUMNS)
    counts = _frame_counts(frame, breaks, labels)
    counts = counts[counts["n_frame"] > 0]
    dropped = sorted(set(labels) - set(counts.index.astype(str)))
    note = f"classes without networks in the frame left out: {dropped}" if dropped else ""
    responded, in_frame = counts["n_respondents"].to_numpy(), counts["n_frame"].to_numpy()
    n_resp, n_frame = int(responded.sum()), int(in_frame.sum())
    if len(counts) < 2 or n_resp in (0, n_frame):
        note = "fewer than two size classes, or no network (or every network) responded: nothing to test"
        return pd.DataFrame([{"test": "none", "note": note}], columns=TEST_COLUMNS)
    table = np.vstack([responded, in_frame - responded])
    chi2, df, p_chi2, expected = pearson_chi2(table)
    exact = fisher_exact_rxc(table, draws=draws, seed=seed, max_tables=max_tables)
    bound = f", all of at most {exact.n_tables_bound} tables" if exact.n_draws == 0 else ""
    rows = [
        {
            "test": "chi_square",
            "method": "Pearson chi-square, respondents vs non-respondents x size class "
            "(no continuity correction)",
            "statistic": chi2,
            "df": df,
            "p_value": p_chi2,
            "p_value_mc_se": np.nan,
        },
        {
            "test": "fisher_freeman_halton",
            "method": f"{exact.method}{bound}, respondents vs non-respondents x size class",
            "statistic": np.nan,
            "df": np.nan,
            "p_value": exact.p,
            "p_value_mc_se": exact.mc_se,
        },
    ]
    common = {"n": n_frame, "min_expected": float(expected.min()), "note": note}
    out = pd.DataFrame([row | common for row in rows], columns=TEST_COLUMNS)
    out["df"] = out["df"].astype("Int64")
    return out
