"""Readable labels of model terms, shared by the figures and the paper's tables and text."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from leisurenet.codebook import Codebook

TERM = re.compile(r"(?:C\()?(?P<var>[A-Za-z_][A-Za-z0-9_.]*)(?:\s*,[^\[]*\))?\[(?:T\.)?(?P<level>[^\]]+)\]")


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
        match = TERM.fullmatch(part.strip())
        parts.append(f"{variable(match['var'])}: {match['level']}" if match else variable(part.strip()))
    return " \u00d7 ".join(parts)


def _field(row, name: str) -> str:
    """``row[name]`` as text, '' when absent or missing (a CSV's empty cell reads as NaN)."""
    value = row.get(name) if isinstance(row, Mapping | pd.Series) else getattr(row, name, None)
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()


def equation_label(row) -> str:
    """The equation of a multinomial model's coefficient, "<outcome level> vs <reference level>",
    e.g. "facilitator vs coproducer"; '' for the coefficient of any other model (no ``equation``)."""
    equation = _field(row, "equation")
    if not equation:
        return ""
    return f"{equation} vs {_field(row, 'equation_reference') or 'the reference outcome'}"


def coefficient_label(row, codebook: Codebook | None = None) -> str:
    """A readable label of one row of ``coefficients.csv``, for the figures and the paper.

    The term's :func:`term_label`, preceded for a multinomial model by its equation
    (:func:`equation_label`): "facilitator vs coproducer: size class: medium", where the
    term alone ("size class: medium") would occur once per equation.

    Parameters
    ----------
    row : mapping, pandas Series or named tuple (``DataFrame.itertuples``)
        With ``term``, and for a multinomial model ``equation`` (the outcome level) and
        ``equation_reference`` (the reference outcome level); empty, NaN or absent
        ``equation`` means a model with one equation.
    codebook : Codebook, optional
        For the names of the domains in role variables (see :func:`term_label`).
    """
    term = term_label(_field(row, "term"), codebook)
    equation = equation_label(row)
    return f"{equation}: {term}" if equation else term
