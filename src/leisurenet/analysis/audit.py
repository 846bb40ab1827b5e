"""Audit of the published figures: reproduced from the data, and checked for their own arithmetic.

For every figure in ``config/published.yaml``:

- ``reproduced_exact``: the exact percentage in the data (base: all respondents);
- ``reproduced_as_published``: the percentage computed as the presentation computed it,
  summing category percentages that were each rounded first;
- the plausible bases (:func:`plausible_bases`): the presentation gives its percentages of all
  respondents, but a respondent who skipped the item may have been left out of the base, so
  every base from the respondents minus the item's non-response in the data up to the
  respondents is plausible; ``fitting_bases`` are those at which a whole count rounds to the
  printed value;
- ``granularity``: what the printed value itself allows with a plausible base n (a GRIM-style
  test): ``consistent`` when k/n rounds to it for a whole k and some plausible n,
  ``summed_rounding`` when only a sum of rounded category percentages gives it,
  ``inconsistent`` when neither does;
- ``conflicts_with``: figures on the same item that cannot hold together with this one on any
  plausible base (their smallest possible counts add up to more than the base).
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
    "base_min", "fitting_bases", "fit_count", "fit_base", "nearest_count", "nearest_base",
]  # fmt: skip
# Whole numbers that a figure may lack (no fitting base, no data): nullable integers in the table.
_COUNTS = ["base_min", "fit_count", "fit_base", "nearest_count", "nearest_base"]


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


def plausible_bases(n_base: int, n_data: int, n_valid: int | None) -> range:
    """The bases a published percentage of ``n_base`` respondents may have had, smallest first.

    The presentation gives its percentages of all respondents, but a respondent who skipped
    the item (a blank or "weet niet") may have been left out of the base. The plausible
    item non-response is what the data show, ``n_data - n_valid`` (``n_valid``: the item's
    valid answers; for a figure on several items, the fewest), so the bases run from
    ``n_base - (n_data - n_valid)`` (at least 1) to ``n_base``: on data of the published
    respondents, from the item's valid answers to all respondents. Without the item in the
    data (``n_valid`` None) no non-response is shown, and only ``n_base`` is plausible.
    """
    missing = 0 if n_valid is None else n_data - n_valid
    return range(max(1, n_base - missing), n_base + 1)


def fits_by_base(value: float, decimals: int, bases: range, n_codes: int) -> dict[int, dict[str, set[int]]]:
    """:func:`achievable_totals` at every base of ``bases``."""
    return {n: achievable_totals(value, decimals, n, n_codes) for n in bases}


def nearest_fit(value: float, decimals: int, n_base: int) -> tuple[int, int] | None:
    """The largest base up to ``n_base`` at which a whole count rounds to ``value``, plausible
    or not, with the smallest such count: ``(k, n)``, or None when no base does.

    ``n_base - n`` is how many respondents must have skipped the item for the printed value
    to be an exact percentage.
    """
    for n in range(n_base, 0, -1):
        exact = achievable_totals(value, decimals, n, 1)["exact"]
        if exact:
            return min(exact), n
    return None


def granularity(totals: dict[str, set]) -> str:
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


def conflicts(
    published: dict, codebook: Codebook, fits: dict[str, dict[int, dict[str, set[int]]]]
) -> dict[str, list[str]]:
    """Figures on the same single item and opposite sides that cannot hold together on any base.

    ``fits`` maps a figure ID to :func:`fits_by_base` over its plausible bases. Two figures
    hold together on a base n when both are possible there and their smallest counts add up
    to at most n; they conflict when no plausible base of both lets them.
    """
    lowest = {}
    for fig in published["figures"]:
        if len(fig["items"]) != 1 or fig["items"][0] not in codebook.items:
            continue
        side = STATISTIC_SIDE[fig["statistic"]]
        possible = {n: t["exact"] | t["summed"] for n, t in fits[fig["id"]].items()}
        smallest = {n: min(ks) for n, ks in possible.items() if ks}
        if smallest:
            lowest[fig["id"]] = (fig["items"][0], side, smallest)
    found: dict[str, list[str]] = {}
    for (a, (item_a, side_a, k_a)), (b, (item_b, side_b, k_b)) in itertools.combinations(lowest.items(), 2):
        together = any(k_a[n] + k_b[n] <= n for n in k_a.keys() & k_b.keys())
        if item_a == item_b and side_a != side_b and not together:
            found.setdefault(a, []).append(b)
            found.setdefault(b, []).append(a)
    return found


def audit(published: dict | None, codebook: Codebook, recoded: pd.DataFrame) -> pd.DataFrame:
    """One row per published figure; empty when there are no published figures.

    Parameters
    ----------
    published : dict or None
        The published figures (``config/published.yaml``, :func:`leisurenet.data.published.load_published`).
    codebook : Codebook
        The items, their scales and which codes make each side.
    recoded : pandas.DataFrame
        The analysed data, one row per respondent, an item's missing answers as NA.

    Returns
    -------
    pandas.DataFrame
        Columns ``COLUMNS``: the figure (``figure_id``, ``items``, ``statistic``, ``slide``,
        ``published``, ``decimals``); ``n_base``, the respondents the presentation gives its
        percentages of, and ``n_data``, the data's; ``reproduced_exact`` and
        ``reproduced_as_published`` (percent of ``n_data``); ``granularity``, ``status``,
        ``conflicts_with`` and a readable ``note``; ``base_min``, the smallest plausible base
        (:func:`plausible_bases`; they run to ``n_base``); ``fitting_bases``, the plausible
        bases at which a whole count rounds to the printed value (space-separated, smallest
        first; empty when none does); ``fit_count`` and ``fit_base``, the smallest such count
        at the smallest fitting base; ``nearest_count`` and ``nearest_base``, the same at the
        largest base up to ``n_base``, plausible or not (:func:`nearest_fit`). Which counts
        and bases give a printed value is checked in the tests against a brute-force
        enumeration of every count of every base with Python's ``decimal`` rounding.
    """
    if not published:
        return pd.DataFrame(columns=COLUMNS)
    n_base, n_data = published["n_respondents"], len(recoded)
    counts = item_counts(codebook, recoded)
    fits, rows = {}, []
    for fig in published["figures"]:
        row = {
            "figure_id": fig["id"], "items": " ".join(fig["items"]), "statistic": fig["statistic"],
            "slide": fig.get("slide", ""), "published": fig["value"], "decimals": fig["decimals"],
            "n_base": n_base, "n_data": n_data,
        }  # fmt: skip
        missing = [i for i in fig["items"] if i not in counts]
        side = STATISTIC_SIDE[fig["statistic"]]
        n_codes = len(side_codes(codebook, fig["items"][0], side)) if not missing else 2
        n_valid = None if missing or n_data == 0 else min(sum(counts[i].values()) for i in fig["items"])
        bases = plausible_bases(n_base, n_data, n_valid)
        fits[fig["id"]] = fits_by_base(fig["value"], fig["decimals"], bases, n_codes)
        row.update(base_columns(fig, fits[fig["id"]], n_base))
        rows.append(row)
    clashes = conflicts(published, codebook, fits)
    for fig, row in zip(published["figures"], rows, strict=True):
        row["conflicts_with"] = " ".join(clashes.get(fig["id"], []))
        missing = [i for i in fig["items"] if i not in counts]
        totals = {
            kind: {(k, n) for n, t in fits[fig["id"]].items() for k in t[kind]}
            for kind in ("exact", "summed")
        }
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
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.astype({column: "Int64" for column in _COUNTS})


def base_columns(fig: dict, fits: dict[int, dict[str, set[int]]], n_base: int) -> dict:
    """The plausible bases of a figure, those that fit it, and the nearest base that does."""
    fitting = [n for n, t in fits.items() if t["exact"]]
    nearest = nearest_fit(fig["value"], fig["decimals"], n_base)
    return {
        "base_min": min(fits),
        "fitting_bases": " ".join(map(str, fitting)),
        "fit_count": min(fits[fitting[0]]["exact"]) if fitting else pd.NA,
        "fit_base": fitting[0] if fitting else pd.NA,
        "nearest_count": nearest[0] if nearest else pd.NA,
        "nearest_base": nearest[1] if nearest else pd.NA,
    }


def span(low: int, high: int) -> str:
    """A range of bases as the notes write it: "77", or "74 to 77"."""
    return str(high) if low == high else f"{low} to {high}"


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
    parts += base_notes(fig, row)
    if row["conflicts_with"]:
        parts.append(
            f"cannot hold together with {row['conflicts_with']} on any plausible base "
            f"({span(row['base_min'], row['n_base'])}): their counts exceed it"
        )
    if n != row["n_base"]:
        parts.append(f"the data have {n} respondents, the figure's base is {row['n_base']}")
    return {"status": status, "note": "; ".join(parts)}


def base_notes(fig: dict, row: dict) -> list[str]:
    """What the printed value allows: the smaller base that fits it, or that no plausible base does."""
    n_base, bases = row["n_base"], span(row["base_min"], row["n_base"])
    if row["granularity"] == "consistent" and row["nearest_base"] != n_base:
        fitting = ", ".join(row["fitting_bases"].split())
        return [
            f"no k/{n_base} rounds to {fig['value']}, but {row['fit_count']}/{row['fit_base']} does "
            f"(fitting bases {fitting} of the plausible {bases}): respondents who skipped the item explain it"
        ]
    if row["granularity"] == "consistent":
        return []
    nearest = (
        f"the nearest base that gives it: {row['nearest_count']}/{row['nearest_base']}"
        if not pd.isna(row["nearest_base"])
        else f"nor does any base up to {n_base}"
    )
    counts = f"k/{n_base}" if row["base_min"] == n_base else f"k/n for a plausible base n ({bases})"
    unexplained = f"no {counts} rounds to {fig['value']} ({nearest})"
    if row["granularity"] == "summed_rounding":
        return [f"{unexplained}: a sum of rounded category percentages"]
    return [f"{unexplained}, nor does a sum of rounded category percentages"]


def side_total(counts, codebook: Codebook, item: str, fig: dict) -> int:
    return sum(counts[item].get(c, 0) for c in side_codes(codebook, item, STATISTIC_SIDE[fig["statistic"]]))
