"""The cross-tabs in the results: the headline table, the tests table and their sentences.

A section of its own because the cross-tabs carry the paper's pre-specified test (the headline
cross-tab) and the Holm-adjusted families; the shares of single items are in
:mod:`~leisurenet.paper.descriptives`.
"""

from __future__ import annotations

import pandas as pd

from leisurenet.paper.formatting import count, general, num, pct, pipe_table, pvalue
from leisurenet.paper.prose import Prose, capitalised
from leisurenet.paper.provenance import rows_of

# --- cross-tabs ------------------------------------------------------------------------------


def crosstab_table(cells: pd.DataFrame, name: str, prose: Prose) -> str:
    """Counts with the column percentage (the share of each row level within a column level)."""
    part = cells[cells["crosstab"] == name]
    rows = list(dict.fromkeys(part["row_level"]))
    cols = list(dict.fromkeys(part["col_level"]))
    lookup = part.set_index(["row_level", "col_level"])
    body = [
        [row]
        + [
            f"{count(lookup.loc[(row, col), 'n'])} ({pct(lookup.loc[(row, col), 'pct_col'], 0)})"
            for col in cols
        ]
        for row in rows
    ]
    totals = part.groupby("col_level", sort=False)["n"].sum()
    body.append(["total"] + [count(totals[col]) for col in cols])
    row_var, col_var = (prose.variable(part[c].iloc[0]) for c in ("row_var", "col_var"))
    df = pd.DataFrame(body, columns=[capitalised(row_var), *cols])
    return pipe_table(df, "crosstab-role", prose.say("captions.crosstab", row=row_var, col=col_var))


def crosstab_tests_table(tests: pd.DataFrame, prose: Prose) -> str:
    df = pd.DataFrame(
        {
            "Cross-tab": [capitalised(prose.crosstab(name)) for name in tests["crosstab"]],
            "n": tests["n"].map(count),
            "χ² (df)": [f"{num(c, 2)} ({count(d)})" for c, d in zip(tests["chi2"], tests["df"], strict=True)],
            "p exact": tests["p_exact"].map(pvalue),
            "p Holm": tests["p_holm"].map(pvalue),
            "V": tests["cramers_v"].map(num),
            "V corrected": tests["cramers_v_corrected"].map(num),
            "min. expected": tests["min_expected"].map(num),
        }
    )
    return pipe_table(df, "crosstab-tests", prose.say("captions.crosstab_tests"))


def crosstab_variables(tests: pd.DataFrame, headline: str, alpha: float, prose: Prose) -> dict:
    """Sentences on the headline cross-tab (its exact p, unadjusted: one pre-specified test) and
    on every family (Holm-adjusted p, as the tests table gives them)."""
    by_name = tests.set_index("crosstab")
    name = prose.crosstab(headline)
    if headline not in by_name.index:
        out = {key: prose.say(f"crosstab.{key}", "missing", crosstab=name) for key in KEYS_CROSSTAB}
        return out | {"method": exact_method_text(tests, prose)}
    head = by_name.loc[headline]
    monte_carlo = str(head["exact_method"]).startswith("Monte Carlo")
    significant = tests[tests["p_holm"] < alpha]["crosstab"]
    values = {
        "crosstab": name,
        "p": pvalue(head["p_exact"]),
        "estimate": prose.say(
            "crosstab.estimate",
            "monte_carlo" if monte_carlo else "enumerated",
            se=num(head["p_exact_mc_se"], 4),
        ),
        "v": num(head["cramers_v"]),
        "v_corrected": num(head["cramers_v_corrected"]),
        "alpha": general(alpha),
        "n_tests": count(rows_of(tests, "all rows")),
        "n_significant": count(rows_of(significant, f"p_holm < {alpha:g}")),
        "significant": "; ".join(significant.map(prose.crosstab)),
        "share": pct(100 * head["share_expected_below_5"], 0),
        "min_expected": num(head["min_expected"]),
    }
    variants = {
        "sentence": "significant" if head["p_exact"] < alpha else "not_significant",
        "discussion": "some_significant" if len(significant) else "none_significant",
        "abstract": "computed",
        "expected_sentence": "computed",
    }
    out = {key: prose.say(f"crosstab.{key}", variants[key], **values) for key in KEYS_CROSSTAB}
    return out | {"method": exact_method_text(tests, prose)}


KEYS_CROSSTAB = ("sentence", "discussion", "abstract", "expected_sentence")


def exact_method_text(tests: pd.DataFrame, prose: Prose) -> str:
    """How the exact p-values were obtained: exactly (every table), or estimated where that is infeasible."""
    methods = tests["exact_method"].astype(str)
    monte_carlo = tests[methods.str.startswith("Monte Carlo")]
    if monte_carlo.empty:
        return prose.say("crosstab.method", "enumerated")
    return prose.say(
        "crosstab.method",
        "monte_carlo",
        n_monte_carlo=count(rows_of(monte_carlo, "exact_method: Monte Carlo")),
        n_tests=count(rows_of(tests, "all rows")),
        draws=count(monte_carlo["n_draws"].iloc[0], True),
    )
