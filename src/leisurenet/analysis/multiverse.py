"""The multiverse: the headline findings under every combination of the analytic choices
the pipeline documents (Steegen et al. 2016; the specification curve of Simonsohn,
Simmons and Nelson 2020).

The choices, each a list of alternatives in the config's ``multiverse`` section:

``size_breaks``
    named cut points of the municipality size classes (``size_class.breaks``);
``role_rule``
    the governance-role rule (``governance_role.rule``: ``highest``, ``highest_agreed``);
``dont_know``
    ``missing`` (as in the study) or ``neutral``: a "weet niet" on an item whose scale has
    a neutral middle category counts as that category (on other scales it stays missing);
``neutral``
    how the primary model's outcome treats the neutral category: ``five_point`` (every
    code, as in the study), ``three_point`` (disagree, neutral, agree, as the published
    figures collapse it), ``agree_vs_rest`` (neutral joins disagreement) or
    ``disagree_vs_rest`` (neutral joins agreement);
``weighting``
    ``unweighted`` (as in the study) or ``weighted`` for non-response as the config's
    ``weighting`` section says (:mod:`leisurenet.analysis.weighting`), under the specification's
    size classes: the headline cross-tab's Rao-Scott test and Cramér's V of the weighted
    table, and the primary model fitted with the weights and design-based standard errors.
    Both without the finite-population correction, as inference about the association
    rather than about the frame's own networks, like the unweighted tests.

A specification is one alternative of each; every combination is one job. Each reports
the headline cross-tab (``paper.headline_crosstab``: exact p-value and Cramér's V) and the
size terms of the primary model (odds ratios with Wald intervals, refitted with
:mod:`leisurenet.analysis.fastfit`). The study's own specification is the one that matches the
main configuration, and must be among them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from leisurenet.analysis.crosstab import crosstab_name, crosstab_tests
from leisurenet.analysis.design_based import rao_scott
from leisurenet.analysis.fastfit import fit_patterns, model_patterns
from leisurenet.analysis.weighted_models import fit_weighted_ordinal
from leisurenet.analysis.weighting import design_for, without_fpc
from leisurenet.codebook import Codebook
from leisurenet.data.recode import recode
from leisurenet.workflow.plan import DIMENSIONS, Specification

COLUMNS = [
    "spec",
    *DIMENSIONS,
    "study",
    "finding",
    "term",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "p_value_mc_se",  # a Monte Carlo p-value's standard error; NaN for any other p
    "n",
    "status",
]


def dont_know_as_neutral(codebook: Codebook, clean: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """``clean`` with every "weet niet" on an item with a neutral code set to that code,
    and the number of answers changed."""
    out, changed = clean.copy(), 0
    for item in codebook.item_ids:
        neutral = [code for code, level in codebook.collapse_map(item).items() if level == "neutral"]
        if len(neutral) != 1:
            continue
        dont_know = out[f"{item}_missing"] == "dont_know"
        out.loc[dont_know, item] = neutral[0]
        out[f"{item}_missing"] = out[f"{item}_missing"].where(~dont_know)
        changed += int(dont_know.sum())
    return out, changed


def outcome_coding(codebook: Codebook, codes: pd.Series, item: str, neutral: str) -> pd.Series:
    """The outcome ``item`` under a ``neutral`` treatment (see the module docstring)."""
    if neutral == "five_point":
        return codes
    collapse = codebook.collapse_map(item)
    merge = {
        "three_point": {},
        "agree_vs_rest": {"negative": "rest", "neutral": "rest"},
        "disagree_vs_rest": {"neutral": "rest", "positive": "rest"},
    }[neutral]
    order = [m for m in dict.fromkeys(merge.get(lev, lev) for lev in codebook.collapse_levels(item))]
    mapped = codes.map(lambda c: None if pd.isna(c) else merge.get(collapse[int(c)], collapse[int(c)]))
    return pd.Series(pd.Categorical(mapped, categories=order, ordered=True), index=codes.index)


def headline_variables(config: dict) -> tuple[str, str]:
    """Row and column variable of the headline cross-tab (``paper.headline_crosstab``)."""
    wanted = config["paper"]["headline_crosstab"]
    for family in config["crosstabs"].values():
        for row in family["rows"]:
            if crosstab_name(row, family["col"]) == wanted:
                return row, family["col"]
    raise ValueError(f"paper.headline_crosstab: '{wanted}' is not one of the configured cross-tabs")


def run_specification(
    codebook: Codebook,
    clean: pd.DataFrame,
    config: dict,
    model: dict,
    spec: Specification,
    frame: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """The findings of one specification (rows of :data:`COLUMNS`) and notes for the log.

    ``config`` is the job's settings, :func:`leisurenet.workflow.plan.job_settings` of ``spec``
    (its cut points and role rule already in place); ``model`` the primary model's entry
    of ``config/models.yaml``; ``clean`` the cleaned data, recoded here; ``frame`` the
    clean stage's frame, which a weighted specification needs.
    """
    notes = []
    data = clean
    if spec.dont_know == "neutral":
        data, changed = dont_know_as_neutral(codebook, clean)
        notes.append(f"{changed} 'weet niet' answer(s) counted as neutral")
    recoded = recode(codebook, data, config)
    outcome = model["outcome"]
    if spec.neutral != "five_point":
        if outcome not in codebook.items:
            raise ValueError(f"multiverse.neutral: the model's outcome '{outcome}' is not a codebook item")
        recoded[outcome] = outcome_coding(codebook, recoded[outcome], outcome, spec.neutral)
    base = {"spec": spec.name, **{d: getattr(spec, d) for d in DIMENSIONS}, "study": spec.study}
    if spec.weighting == "weighted":
        design = design_for(recoded, frame, config["weighting"], config["size_class"])
        if design is None:
            raise ValueError(
                f"{spec.name}: a weighted specification needs the frame and the weighting settings"
            )
        design = without_fpc(design)
        notes += design.notes
        return pd.DataFrame(weighted_findings(recoded, config, model, design, base), columns=COLUMNS), notes
    analysis = config["analysis"]
    row, col = headline_variables(config)
    test = crosstab_tests(
        recoded,
        row,
        col,
        draws=analysis["monte_carlo_draws"],
        seed=analysis["seed"],
        max_tables=analysis["exact_max_tables"],
    )
    rows = [
        base
        | {
            "finding": config["paper"]["headline_crosstab"],
            "term": "cramers_v",
            "estimate": test["cramers_v"],
            "ci_low": math.nan,
            "ci_high": math.nan,
            "p_value": test["p_exact"],
            "p_value_mc_se": test["p_exact_mc_se"],
            "n": test["n"],
            "status": test["exact_method"],
        }
    ]
    pat = model_patterns(recoded, model, config["paper"]["primary_model"])
    fit = fit_patterns(pat)
    q = stats.norm.ppf(0.5 + analysis["confidence"] / 2)
    for term, beta, se in zip(pat.terms, fit.beta, fit.std_error, strict=True):
        if not term.startswith("size_class["):
            continue
        rows.append(
            base
            | {
                "finding": "size_effect",
                "term": term,
                "estimate": math.exp(beta),
                "ci_low": math.exp(beta - q * se),
                "ci_high": math.exp(beta + q * se),
                "p_value": 2 * stats.norm.sf(abs(beta / se)),
                "n": pat.n,
                "status": fit.status,
            }
        )
    if fit.status != "ok":
        notes.append(f"primary model: {fit.status}; its size terms are NaN")
    return pd.DataFrame(rows, columns=COLUMNS), notes


def weighted_findings(recoded: pd.DataFrame, config: dict, model: dict, design, base: dict) -> list[dict]:
    """The rows of a weighted specification: the headline cross-tab's Rao-Scott F test
    with Cramér's V of the weighted table, and the weighted primary model's size terms."""
    row, col = headline_variables(config)
    test = rao_scott(design, recoded[row], recoded[col])
    # Pearson's X^2 of the weighted table is scaled to all respondents (svytable's Ntotal)
    k = min(test["n_rows"], test["n_cols"]) - 1
    rows = [
        base
        | {
            "finding": config["paper"]["headline_crosstab"],
            "term": "cramers_v",
            "estimate": math.sqrt(test["chisq"] / (design.n * k)) if k > 0 else math.nan,
            "ci_low": math.nan,
            "ci_high": math.nan,
            "p_value": test["p_F"],
            "n": test["n"],
            "status": "Rao-Scott F (weighted)",
        }
    ]
    name = config["paper"]["primary_model"]
    fit = fit_weighted_ordinal(recoded, design, name, model, confidence=config["analysis"]["confidence"])
    # as the unweighted fits: "ok" unless the fit failed (a flag such as an empty outcome
    # level is the model table's to report)
    fitted = fit.fit.iloc[0]
    status = "ok" if bool(fitted["converged"]) else (fitted["flag"] or "not converged")
    n = int(fit.fit["n"].iloc[0])
    for term in fit.coefficients.itertuples():
        if term.term.startswith("size_class["):
            rows.append(
                base
                | {
                    "finding": "size_effect",
                    "term": term.term,
                    "estimate": term.odds_ratio,
                    "ci_low": term.or_ci_low,
                    "ci_high": term.or_ci_high,
                    "p_value": term.p_value,
                    "n": n,
                    "status": status,
                }
            )
    return rows


def summary(table: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Per finding and term, over the specifications: how many, how many significant at
    ``alpha``, the range and median of the estimate, and the study's own value."""
    rows = []
    for (finding, term), part in table.groupby(["finding", "term"], sort=False):
        estimate = part["estimate"].to_numpy(dtype=float)
        study = part.loc[part["study"], "estimate"]
        rows.append(
            {
                "finding": finding,
                "term": term,
                "n_specs": len(part),
                "n_estimated": int(np.isfinite(estimate).sum()),
                "n_significant": int((part["p_value"] < alpha).sum()),
                "estimate_study": float(study.iloc[0]) if len(study) else math.nan,
                "estimate_min": float(np.nanmin(estimate)) if np.isfinite(estimate).any() else math.nan,
                "estimate_median": float(np.nanmedian(estimate)) if np.isfinite(estimate).any() else math.nan,
                "estimate_max": float(np.nanmax(estimate)) if np.isfinite(estimate).any() else math.nan,
            }
        )
    return pd.DataFrame(rows)
