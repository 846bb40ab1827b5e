"""The study's conclusions judged by the data: one verdict per conclusion, from rules in the
configuration (``config/conclusions.yaml``, schema ``conclusions.schema.yaml``).

Each conclusion rests on one or more checks; a check is a rule applied to a result the
pipeline already made, so the verdict uses the very numbers the paper prints:

- ``share``: the share of a recoded variable's valid answers in some levels, with the
  finite-population interval of :func:`~leisurenet.analysis.describe.hypergeometric_ci` (as
  the items table has it), against a threshold;
- ``difference``: a cross-tab's share of some levels in one size class against another,
  with the cross-tab's test (``crosstabs/tests.csv``);
- ``paired``: involvement of people in poverty against its guiding role
  (``descriptives/paired.csv``), in every domain.

A check is ``supported``, ``not supported`` or ``inconclusive`` (:data:`VERDICTS`); a
conclusion is supported when all its checks are, not supported when any is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
import pandas as pd

from leisurenet.analysis.describe import clopper_pearson_ci, hypergeometric_ci
from leisurenet.config import read_validated

SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE = "supported", "not supported", "inconclusive"
VERDICTS = (SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE)
VERDICT_COLUMNS = [
    "conclusion", "group", "sign", "text_nl", "text_en", "items", "outputs", "rule", "numbers",
    "verdict", "reason", "replica",
]  # fmt: skip
CHECK_COLUMNS = [
    "conclusion", "check", "rule", "subject", "source", "levels", "compare", "threshold",
    "n", "count", "estimate", "ci_low", "ci_high", "ci_method", "higher", "lower",
    "share_higher", "share_lower", "p_name", "p_value", "alpha", "effect", "verdict", "reason",
]  # fmt: skip
# The results each rule reads, by their path under results/.
SOURCES = {
    "share": "recode/recoded.parquet",
    "difference": "crosstabs/cells.csv, crosstabs/tests.csv",
    "paired": "descriptives/paired.csv",
}


def load_conclusions(path: str | Path, codebook_items=None) -> dict:
    """The conclusions in ``path``, validated against ``conclusions.schema.yaml``.

    Keys left out take the schema's defaults. ``codebook_items`` (ids), when given, must
    hold every item a conclusion names. Raises ``ValueError`` naming the file and the key of
    every problem.
    """
    spec, problems = read_validated(path, "conclusions.schema.yaml")
    if codebook_items is not None and not problems:
        for name, conclusion in spec["conclusions"].items():
            for item in conclusion["items"]:
                if item not in codebook_items:
                    problems.append(f"  conclusions.{name}.items: '{item}' is not an item of the codebook")
    if problems:
        raise ValueError(f"{path}: the conclusions are not valid:\n" + "\n".join(problems))
    return spec


@dataclass(frozen=True)
class Replica:
    """What the synthetic replica fixed by construction: the items whose answers were set to
    a published figure, and those whose answers were shifted by municipality size."""

    published: frozenset[str]
    shifted: frozenset[str]

    @classmethod
    def from_config(cls, item_ids, published_figures: list[dict], shifts: dict) -> Replica:
        published = {item for figure in published_figures for item in figure["items"]}
        shifted = {item for item in item_ids if any(fnmatch(item, pattern) for pattern in shifts)}
        return cls(frozenset(published), frozenset(shifted))

    def note(self, rule: str, items: list[str]) -> str:
        """What a check's verdict is worth on the replica."""
        if rule == "share":
            fixed, assumed = sorted(set(items) & self.published), sorted(set(items) - self.published)
            said = []
            if fixed:
                said.append(f"the replica's answers to {', '.join(fixed)} reproduce the published figures")
            if assumed:
                said.append(
                    f"its answers to {', '.join(assumed)} follow assumed shares (synthetic.marginals)"
                )
            return "; ".join(said) + ", so the verdict restates what the replica was built from"
        if rule == "difference":
            if set(items) & self.shifted:
                return (
                    "the size difference was built into the replica (synthetic.latent.shifts), so the "
                    "verdict restates that assumption"
                )
            return "no size difference was built into the replica: any difference is chance"
        return "the replica's involvement and guiding items follow assumed shares (synthetic.marginals)"


# --- the rules ---------------------------------------------------------------------------------


def _side(low: float, high: float, threshold: float, compare: str) -> str:
    """The verdict of an interval against a threshold: wholly on the claimed side, wholly on
    the other, or containing it (a limit equal to the threshold does not clear it)."""
    above, below = low > threshold, high < threshold
    if compare == "above":
        return SUPPORTED if above else NOT_SUPPORTED if below else INCONCLUSIVE
    return SUPPORTED if below else NOT_SUPPORTED if above else INCONCLUSIVE


def share_check(recoded: pd.DataFrame, check: dict, n_frame: int | None, confidence: float) -> dict:
    """The ``share`` rule: the valid answers of ``check['variable']`` in ``check['levels']``,
    with the hypergeometric interval for the frame's networks (Clopper-Pearson without a frame)."""
    variable, levels = check["variable"], check["levels"]
    if variable not in recoded.columns:
        raise ValueError(f"share check: '{variable}' is not a column of the recoded data")
    values = recoded[variable].dropna().astype(str)
    if unknown := sorted(set(levels) - _levels(recoded[variable])):
        raise ValueError(f"share check: {variable} has no level {unknown}")
    n, x = len(values), int(values.isin(levels).sum())
    if n_frame is None:
        method, (low, high) = "clopper_pearson", clopper_pearson_ci(x, n, confidence)
    else:
        method, (low, high) = "hypergeometric", hypergeometric_ci(x, n, n_frame, confidence)
    estimate = x / n if n else np.nan
    verdict = _side(low, high, check["threshold"], check["compare"]) if n else INCONCLUSIVE
    side = "more" if check["compare"] == "above" else "less"
    reason = (
        f"{_pct(estimate)} of {n} valid answers to {variable} are {'/'.join(levels)}; "
        f"for all networks {_pct(low)} to {_pct(high)} ({confidence:.0%} interval), "
        + {
            SUPPORTED: f"wholly {side} than {_pct(check['threshold'])}",
            NOT_SUPPORTED: f"wholly on the other side of {_pct(check['threshold'])}",
            INCONCLUSIVE: f"which contains {_pct(check['threshold'])}",
        }[verdict]
    )
    return {
        "rule": "share", "subject": variable, "source": SOURCES["share"], "levels": "|".join(levels),
        "compare": check["compare"], "threshold": check["threshold"], "n": n, "count": x,
        "estimate": estimate, "ci_low": low, "ci_high": high, "ci_method": method,
        "verdict": verdict, "reason": reason,
    }  # fmt: skip


def _levels(column: pd.Series) -> set[str]:
    """A column's levels: a categorical's declared ones (a level nobody chose is still one)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return set(map(str, column.cat.categories))
    return set(column.dropna().astype(str))


def difference_check(cells: pd.DataFrame, tests: pd.DataFrame, check: dict, alpha: float) -> dict:
    """The ``difference`` rule: the share of ``check['levels']`` among the networks of size class
    ``higher`` against ``lower`` in a cross-tab, with the cross-tab's p-value ``check['p']``."""
    name, levels, higher, lower = check["crosstab"], check["levels"], check["higher"], check["lower"]
    table = cells[cells["crosstab"] == name]
    test = tests[tests["crosstab"] == name]
    if table.empty or test.empty:
        raise ValueError(f"difference check: no cross-tab '{name}' in the results (crosstabs)")
    for what, wanted, present in (
        ("row level", levels, table["row_level"]),
        ("size class", [higher, lower], table["col_level"]),
    ):
        if missing := sorted(set(wanted) - set(present.astype(str))):
            raise ValueError(f"difference check: cross-tab '{name}' has no {what} {missing}")
    counts = table.pivot_table(index="row_level", columns="col_level", values="n", aggfunc="sum")
    totals = counts.sum()
    in_levels = counts.loc[counts.index.isin(levels)].sum()
    share_higher = in_levels[higher] / totals[higher] if totals[higher] else np.nan
    share_lower = in_levels[lower] / totals[lower] if totals[lower] else np.nan
    p_name = check.get("p", "p_holm")
    p = float(test[p_name].iloc[0])
    larger = bool(share_higher > share_lower)
    verdict = NOT_SUPPORTED if not larger else SUPPORTED if p < alpha else INCONCLUSIVE
    what = "/".join(levels)
    reason = (
        f"{what}: {_pct(share_higher)} of the {higher} networks against {_pct(share_lower)} of the {lower}"
        + (
            f", {p_name} = {p:.3g}, " + ("below" if p < alpha else "not below") + f" {alpha:g}"
            if larger
            else f": not larger in the {higher}"
        )
    )
    return {
        "rule": "difference", "subject": name, "source": SOURCES["difference"], "levels": "|".join(levels),
        "higher": higher, "lower": lower, "n": int(totals[[higher, lower]].sum()),
        "share_higher": share_higher, "share_lower": share_lower, "estimate": share_higher - share_lower,
        "p_name": p_name, "p_value": p, "alpha": alpha, "verdict": verdict, "reason": reason,
    }  # fmt: skip


def paired_checks(paired: pd.DataFrame, check: dict, alpha: float) -> list[dict]:
    """The ``paired`` rule, one check per domain of each comparison: involvement rated higher
    than guiding role (rank-biserial r > 0) with p below ``alpha``."""
    rows = []
    for comparison in check["comparisons"]:
        selected = paired[paired["comparison"] == comparison]
        if selected.empty:
            raise ValueError(f"paired check: no comparison '{comparison}' in descriptives/paired.csv")
        for row in selected.itertuples(index=False):
            higher, lower = row.pct_higher / 100, row.pct_lower / 100
            significant = row.p_value < alpha
            verdict = SUPPORTED if row.rank_biserial > 0 and significant else INCONCLUSIVE
            verdict = NOT_SUPPORTED if row.rank_biserial <= 0 else verdict
            reason = (
                f"{row.involvement_item} rated higher than {row.guiding_item} by {_pct(higher)} and"
                f" lower by {_pct(lower)} of {row.n_pairs} pairs, r = {row.rank_biserial:.2f},"
                f" p = {row.p_value:.2g}{'' if significant else ' not'} below {alpha:g}"
            )
            rows.append(
                {
                    "rule": "paired", "subject": f"{row.involvement_item} vs {row.guiding_item}",
                    "source": SOURCES["paired"], "n": row.n_pairs, "estimate": higher - lower,
                    "effect": row.rank_biserial, "p_name": "p_value", "p_value": row.p_value,
                    "alpha": alpha, "verdict": verdict, "reason": reason,
                }
            )  # fmt: skip
    return rows


def _pct(share: float) -> str:
    return "n/a" if pd.isna(share) else f"{100 * share:.1f}%"


# --- the verdicts ------------------------------------------------------------------------------


def combine(verdicts: list[str]) -> str:
    """A conclusion's verdict from its checks': all supported, any not supported, or else
    inconclusive."""
    if verdicts and all(v == SUPPORTED for v in verdicts):
        return SUPPORTED
    return NOT_SUPPORTED if NOT_SUPPORTED in verdicts else INCONCLUSIVE


def judge(
    spec: dict,
    recoded: pd.DataFrame,
    cells: pd.DataFrame,
    tests: pd.DataFrame,
    paired: pd.DataFrame,
    *,
    n_frame: int | None,
    confidence: float,
    replica: Replica | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every conclusion of ``spec`` (:func:`load_conclusions`) judged by its checks.

    Returns
    -------
    verdicts : one row per conclusion (:data:`VERDICT_COLUMNS`): the published text and sign,
        the items and results it rests on, its rules, their numbers in words, the verdict and
        its reason; ``replica`` says what the verdict is worth on the synthetic replica
        (empty on real data).
    checks : one row per check (:data:`CHECK_COLUMNS`) with the raw numbers it used.
    """
    verdict_rows, check_rows = [], []
    for name, conclusion in spec["conclusions"].items():
        checks = []
        for check in conclusion["checks"]:
            alpha = check.get("alpha", spec["alpha"])
            if check["rule"] == "share":
                checks.append(share_check(recoded, check, n_frame, confidence))
            elif check["rule"] == "difference":
                checks.append(difference_check(cells, tests, check, alpha))
            else:
                checks.extend(paired_checks(paired, check, alpha))
        for number, row in enumerate(checks, start=1):
            check_rows.append({"conclusion": name, "check": number} | row)
        rules = list(dict.fromkeys(c["rule"] for c in checks))
        notes = [replica.note(rule, conclusion["items"]) for rule in rules] if replica else []
        verdict_rows.append(
            {
                "conclusion": name,
                "group": conclusion["group"],
                "sign": conclusion["sign"],
                "text_nl": conclusion["text"],
                "text_en": conclusion["english"],
                "items": "|".join(conclusion["items"]),
                "outputs": "; ".join(dict.fromkeys(c["source"] for c in checks)),
                "rule": "; ".join(_rule_text(c) for c in checks),
                "numbers": "; ".join(c["reason"] for c in checks),
                "verdict": (verdict := combine([c["verdict"] for c in checks])),
                "reason": _reason(verdict, checks),
                "replica": "; ".join(notes),
            }
        )
    return (
        pd.DataFrame(verdict_rows, columns=VERDICT_COLUMNS),
        pd.DataFrame(check_rows, columns=CHECK_COLUMNS),
    )


def _rule_text(check: dict) -> str:
    if check["rule"] == "share":
        return f"share of {check['subject']} in {check['levels']} {check['compare']} {check['threshold']:g}"
    if check["rule"] == "difference":
        return (
            f"{check['levels']} larger in {check['higher']} than {check['lower']} ({check['subject']}),"
            f" {check['p_name']} < {check['alpha']:g}"
        )
    return f"{check['subject']}: involvement higher, p < {check['alpha']:g}"


def _reason(verdict: str, checks: list[dict]) -> str:
    """The verdict in words: which checks carry it."""
    n = len(checks)
    if verdict == SUPPORTED:
        return f"all {n} checks hold" if n > 1 else "the check holds"
    counted = [c for c in checks if c["verdict"] == verdict]
    which = "; ".join(c["reason"] for c in counted)
    if verdict == NOT_SUPPORTED:
        return f"{len(counted)} of {n} checks point the other way: {which}"
    return f"{len(counted)} of {n} checks cannot tell: {which}"
