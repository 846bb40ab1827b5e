"""The disclosure checks of the respondent-level data, needed only when the release holds
them (``release.microdata``): k-anonymity of the quasi-identifiers, with the changes that
would pass, and unique answer patterns.

The checks of the published cross-tabs are in :mod:`leisurenet.release.table_checks`;
:mod:`leisurenet.release.disclosure` runs both.
"""

from __future__ import annotations

import pandas as pd

MISSING_LABEL = "<missing>"


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
