"""Readable labels of model terms, shared by the figures and the paper's tables and text."""

from __future__ import annotations

import re

from .codebook import Codebook

_TERM = re.compile(r"(?:C\()?(?P<var>[A-Za-z_][A-Za-z0-9_.]*)(?:\s*,[^\[]*\))?\[(?:T\.)?(?P<level>[^\]]+)\]")


def is_structural_term(term: str) -> bool:
    """Thresholds (``threshold[1|2]``, ``1/2``) and intercepts: not effects to plot."""
    lowered = str(term).strip().lower()
    return (
        lowered.startswith("threshold")
        or "intercept" in lowered
        or lowered in {"const", "constant"}
        or re.fullmatch(r"[^\[\]]+[|/][^\[\]]+", lowered) is not None
    )


def term_label(term: str, codebook: Codebook | None = None) -> str:
    """A readable label of a model term: ``size_class[medium]`` -> "size class: medium",
    ``role_act[facilitator]`` -> "role (actions): facilitator"; interactions joined by
    " \u00d7 "; anything else as it is."""

    def variable(name: str) -> str:
        domains = codebook.spec.get("domains", {}) if codebook is not None else {}
        if name.startswith("role_") and name.removeprefix("role_") in domains:
            return f"role ({domains[name.removeprefix('role_')]['en']})"
        if name == "role_overall":
            return "role (overall)"
        return name.removesuffix("_cat").replace("_", " ")

    parts = []
    for part in str(term).split(":"):
        match = _TERM.fullmatch(part.strip())
        parts.append(f"{variable(match['var'])}: {match['level']}" if match else variable(part.strip()))
    return " \u00d7 ".join(parts)
