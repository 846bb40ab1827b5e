"""Audit of the published figures: reproduced from the data, and checked for their own arithmetic.

For every figure in ``config/published.yaml``:

- ``reproduced_exact``: the exact percentage in the data (base: all respondents);
- ``reproduced_as_published``: the percentage computed as the presentation computed it,
  summing category percentages that were each rounded first;
- ``granularity``: what the printed value itself allows with its base n (a GRIM-style
  test): ``consistent`` when k/n rounds to it for a whole k, ``summed_rounding`` when only
  a sum of rounded category percentages gives it, ``inconsistent`` when neither does;
- ``conflicts_with``: figures on the same item that cannot hold together with this one
  (their smallest possible counts add up to more than n).
"""

from __future__ import annotations

import itertools
from collections import Counter

import pandas as pd

from leisurenet.codebook import Codebook
from leisurenet.data.published import STATISTIC_SIDE, reproduce, rounded_units, side_codes, units

COLUMNS = [
    "figure_id", "items", "statistic", "slide", "published", "decimals", "n_base", "n_data",
    "reproduced_exact", "reproduced_as_published", "granularity", "status", "conflicts_with", "note",
]  # fmt: skip


def achievable_totals(value: float, decimals: int, n: int, n_codes: int) -> dict[str, set[int]]:
    """Counts k (of n) that print as ``value``: exactly, and as a sum of ``n_codes`` rounded parts.

    Each rounded part is off by less than half a unit, so only totals within ``n_codes / 2``
    units of the value can sum to it; those few are checked split by split. Checked in the
    tests against cases INSTRUMENT.md works out by hand (81.9 = 42.9 + 39.0 for 33 + 30 of
    77, while 63/77 = 81.8%) and against brute force over every split.
    """
    target = units(value, decimals)
    scale = 100 * 10**decimals
    near = [k for k in range(n + 1) if abs(k * scale - target * n) <= (n_codes / 2 + 1) * n]
    exact = {k for k in near if rounded_units(k, n, decimals) == target}
    summed = {k for k in near if _splits_to(target, k, n, decimals, n_codes)}
    return {"exact": exact, "summed": summed}


def _splits_to(target: int, total: int, n: int, decimals: int, parts: int) -> bool:
    """Whether ``total`` splits into ``parts`` counts whose rounded percentages sum to ``target``."""
    if parts == 1:
        return rounded_units(total, n, decimals) == target
    return any(
        _splits_to(target - rounded_units(k, n, decimals), total - k, n, decimals, parts - 1)
        for k in range(total + 1)
    )


def granularity(totals: dict[str, set[int]]) -> str:
    if totals["exact"]:
        return "consistent"
    return "summed_rounding" if totals["summed"] else "inconsistent"


def item_counts(codebook: Codebook, recoded: pd.DataFrame) -> dict[str, Counter]:
    """Code counts per item in the analysed data (missing answers not counted)."""
    return {
        item: Counter({int(code): int(n) for code, n in recoded[item].value_counts().items()})
        for item in codebook.item_ids
        if item in recoded
    }


def conflicts(published: dict, codebook: Codebook, n: int) -> dict[str, list[str]]:
    """Figures on the same single item and opposite sides whose smallest counts exceed ``n``."""
    lowest = {}
    for fig in published["figures"]:
        if len(fig["items"]) != 1 or fig["items"][0] not in codebook.items:
            continue
        side = STATISTIC_SIDE[fig["statistic"]]
        n_codes = len(side_codes(codebook, fig["items"][0], side))
        totals = achievable_totals(fig["value"], fig["decimals"], n, n_codes)
        possible = totals["exact"] | totals["summed"]
        if possible:
            lowest[fig["id"]] = (fig["items"][0], side, min(possible))
    found: dict[str, list[str]] = {}
    for (a, (item_a, side_a, k_a)), (b, (item_b, side_b, k_b)) in itertools.combinations(lowest.items(), 2):
        if item_a == item_b and side_a != side_b and k_a + k_b > n:
            found.setdefault(a, []).append(b)
            found.setdefault(b, []).append(a)
    return found


def audit(published: dict | None, codebook: Codebook, recoded: pd.DataFrame) -> pd.DataFrame:
    """One row per published figure (``COLUMNS``); empty when there are no published figures."""
    if not published:
        return pd.DataFrame(columns=COLUMNS)
    n_base, n_data = published["n_respondents"], len(recoded)
    counts = item_counts(codebook, recoded)
    clashes = conflicts(published, codebook, n_base)
    rows = []
    for fig in published["figures"]:
        row = {
            "figure_id": fig["id"], "items": " ".join(fig["items"]), "statistic": fig["statistic"],
            "slide": fig.get("slide", ""), "published": fig["value"], "decimals": fig["decimals"],
            "n_base": n_base, "n_data": n_data, "conflicts_with": " ".join(clashes.get(fig["id"], [])),
        }  # fmt: skip
        missing = [i for i in fig["items"] if i not in counts]
        side = STATISTIC_SIDE[fig["statistic"]]
        n_codes = len(side_codes(codebook, fig["items"][0], side)) if not missing else 2
        totals = achievable_totals(fig["value"], fig["decimals"], n_base, n_codes)
        row["granularity"] = granularity(totals)
        if missing or n_data == 0:
            row.update(reproduced_exact=float("nan"), reproduced_as_published=float("nan"))
            row.update(
                status="not_available", note=f"not in the data: {' '.join(missing) or 'no respondents'}"
            )
        else:
            result = reproduce(fig, counts, n_data, codebook)
            row.update(reproduced_exact=result["exact"], reproduced_as_published=result["as_published"])
            row.update(status_and_note(fig, result, row, totals, counts, codebook, n_data))
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def status_and_note(fig, result, row, totals, counts, codebook, n) -> dict:
    """Whether the data reproduce the figure, and a note a reader can check by hand."""
    d = fig["decimals"]
    value = units(fig["value"], d)
    exact_ok = min(rounded_units(side_total(counts, codebook, i, fig), n, d) for i in fig["items"]) == value
    as_published_ok = units(result["as_published"], d) == value
    if exact_ok:
        status = "reproduced"
    elif as_published_ok:
        status = "reproduced_as_published"
    else:
        status = "not_reproduced"
    parts = []
    item = min(fig["items"], key=lambda i: reproduce({**fig, "items": [i]}, counts, n, codebook)["exact"])
    codes = side_codes(codebook, item, STATISTIC_SIDE[fig["statistic"]])
    ks = [counts[item].get(c, 0) for c in codes]
    shares = " + ".join(f"{rounded_units(k, n, d) / 10**d:.{d}f}" for k in ks)
    parts.append(f"{item}: {' + '.join(map(str, ks))} of {n}; summed rounded shares {shares}")
    if row["granularity"] == "summed_rounding":
        parts.append(f"no k/{row['n_base']} rounds to {fig['value']}: a sum of rounded category percentages")
    if row["granularity"] == "inconsistent":
        parts.append(f"no count of {row['n_base']} gives {fig['value']}")
    if row["conflicts_with"]:
        parts.append(
            f"cannot hold together with {row['conflicts_with']} (their counts exceed {row['n_base']})"
        )
    if n != row["n_base"]:
        parts.append(f"the data have {n} respondents, the figure's base is {row['n_base']}")
    return {"status": status, "note": "; ".join(parts)}


def side_total(counts, codebook: Codebook, item: str, fig: dict) -> int:
    return sum(counts[item].get(c, 0) for c in side_codes(codebook, item, STATISTIC_SIDE[fig["statistic"]]))
