"""The figures the study published, and the arithmetic that turns counts into them.

A published percentage has the respondents as its base (missing answers included).
The presentation summed category percentages that had each been rounded first, as a
hand-made frequency table does; :func:`summed_pct` computes a figure that way and
:func:`exact_pct` computes it exactly. All rounding is half-up on exact integers, so no
floating-point edge case can move a figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from pathlib import Path

import yaml

STATISTIC_SIDE = {"pct_positive": "positive", "pct_negative": "negative", "min_pct_positive": "positive"}


def load_published(path: str | Path | None) -> dict | None:
    """The published figures (``config/published.yaml``), or ``None`` when ``path`` is null."""
    if path is None:
        return None
    with open(path, encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    ids = [f["id"] for f in spec["figures"]]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: figure ids must be unique")
    unknown = [f["id"] for f in spec["figures"] if f["statistic"] not in STATISTIC_SIDE]
    if unknown:
        raise ValueError(f"{path}: unknown statistic in figures {unknown}; use one of {list(STATISTIC_SIDE)}")
    return spec


def units(value: float, decimals: int) -> int:
    """A printed percentage as a whole number of its last decimal (91 -> 91, 92.2 -> 922)."""
    return round(Fraction(str(value)) * 10**decimals)


def rounded_units(k: int, n: int, decimals: int) -> int:
    """100 * k / n rounded half-up to ``decimals``, in units of the last decimal."""
    scale = 10**decimals
    return (200 * k * scale + n) // (2 * n)


def exact_pct(counts: Mapping, codes: Iterable[int], n: int) -> float:
    """The exact percentage of respondents whose answer is one of ``codes``."""
    return 100 * sum(counts.get(c, 0) for c in codes) / n


def summed_units(counts: Mapping, codes: Iterable[int], n: int, decimals: int) -> int:
    """Sum of the per-code percentages, each rounded to ``decimals`` first (in units)."""
    return sum(rounded_units(counts.get(c, 0), n, decimals) for c in codes)


def side_codes(codebook, item: str, side: str) -> list[int]:
    return sorted(c for c, level in codebook.collapse_map(item).items() if level == side)


def reproduce(figure: dict, counts: Mapping[str, Mapping], n: int, codebook) -> dict:
    """Recompute one published figure from per-item code counts.

    Returns the exact percentage and the percentage computed as the presentation did
    (summed rounded category percentages); for ``min_pct_positive`` both are the minimum
    over the figure's items.
    """
    side = STATISTIC_SIDE[figure["statistic"]]
    d = figure["decimals"]
    exact, as_published = [], []
    for item in figure["items"]:
        codes = side_codes(codebook, item, side)
        exact.append(exact_pct(counts[item], codes, n))
        as_published.append(summed_units(counts[item], codes, n, d) / 10**d)
    return {"exact": min(exact), "as_published": min(as_published)}


def is_reproduced(figure: dict, counts: Mapping[str, Mapping], n: int, codebook) -> bool:
    result = reproduce(figure, counts, n, codebook)
    return units(result["as_published"], figure["decimals"]) == units(figure["value"], figure["decimals"])
