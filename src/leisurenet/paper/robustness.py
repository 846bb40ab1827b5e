"""Resampling and sensitivity: the bootstrap of the primary model and the multiverse (Appendix C).

How far the primary results hold when the respondents are resampled or the analytic choices
made otherwise; the models themselves are reported by :mod:`~leisurenet.paper.regression`.
"""

from __future__ import annotations

import re

import pandas as pd

from leisurenet.paper.formatting import count, general, interval, num, pipe_table, pvalue
from leisurenet.paper.prose import Prose, capitalised
from leisurenet.paper.provenance import cite
from leisurenet.paper.regression import SIZE_TERM, model_references
from leisurenet.workflow.plan import DIMENSIONS

# --- resampling and sensitivity -----------------------------------------------------------


def bootstrap_table(
    intervals: pd.DataFrame,
    coefficients: pd.DataFrame,
    fit: pd.DataFrame,
    primary: str,
    prose: Prose,
    level: str,
) -> str:
    """The primary model's odds ratios with Wald and bootstrap intervals side by side."""
    wald = coefficients[coefficients["model"] == primary].set_index("term")
    refs = model_references(fit, primary, prose)
    rows = []
    for r in intervals.itertuples(index=False):
        w = wald.loc[r.term] if r.term in wald.index else None
        rows.append(
            {
                "Term": capitalised(prose.term(r.term, refs)),
                "OR": num(r.odds_ratio),
                "Wald CI": "n/a" if w is None else interval(w["or_ci_low"], w["or_ci_high"], 2),
                "Bootstrap CI": interval(r.or_ci_low, r.or_ci_high, 2),
                "SE Wald": "n/a" if w is None else num(w["std_error"]),
                "SE bootstrap": num(r.boot_se),
                "Replicates": f"{count(r.n_valid, True)} of {count(r.n_replicates, True)}",
            }
        )
    caption = prose.say("captions.bootstrap", model=prose.model(primary), level=level)
    return pipe_table(pd.DataFrame(rows), "bootstrap", caption, "lrrrrrr")


def bootstrap_variables(
    intervals: pd.DataFrame, settings: dict, primary: str, fit: pd.DataFrame, prose: Prose
) -> dict:
    """Sentences on the bootstrap of the primary model."""
    refs = model_references(fit, primary, prose)
    size = intervals[intervals["term"].str.startswith(SIZE_TERM)]
    ranges = [
        prose.say(
            "bootstrap.interval",
            term=prose.term(r.term, refs),
            interval=interval(r.or_ci_low, r.or_ci_high, 2),
        )
        for r in size.itertuples()
    ]
    failed = (intervals["n_replicates"] - intervals["n_valid"]).max() if len(intervals) else 0
    failures = prose.say("bootstrap.failures", "some" if failed else "none", failed=count(failed, True))
    values = {"replicates": count(settings["replicates"], True), "seed": count(settings["seed"])}
    sentence = prose.say(
        "bootstrap.sentence",
        "intervals" if ranges else "no_intervals",
        model=prose.model(primary),
        intervals=prose.join(ranges),
        failures=failures,
        **values,
    )
    return values | {"sentence": sentence}


def multiverse_table(specs: pd.DataFrame, headline: str, references: dict, prose: Prose, level: str) -> str:
    """One row per specification: its choices, the size odds ratios and the headline test."""
    wide = specs.pivot(index="spec", columns="term", values=["estimate", "ci_low", "ci_high", "p_value"])
    first = specs.drop_duplicates("spec").set_index("spec")
    size_terms = [t for t in dict.fromkeys(specs["term"]) if t.startswith(SIZE_TERM)]
    rows = []
    for spec, row in first.iterrows():
        out = {
            "Size cut points": cite(row.size_breaks, specs.attrs.get("source", ""), spec, "size_breaks")
            if re.search(r"\d", str(row.size_breaks))
            else row.size_breaks,
            "Role rule": str(row.role_rule).replace("_", " "),
            "Weet niet": row.dont_know,
            "Outcome": str(row.neutral).replace("_", " "),
            "Weights": row.weighting,
        }
        for term in size_terms:
            size = term.removeprefix(SIZE_TERM).removesuffix("]")
            out[f"OR {size} [{level}% CI]"] = (
                f"{num(wide.loc[spec, ('estimate', term)])} "
                f"[{interval(wide.loc[spec, ('ci_low', term)], wide.loc[spec, ('ci_high', term)], 2)}]"
            )
        out["Cramér's V"] = num(wide.loc[spec, ("estimate", "cramers_v")])
        out["p"] = pvalue(wide.loc[spec, ("p_value", "cramers_v")])
        rows.append({k: f"**{v}**" for k, v in out.items()} if row.study else out)  # the study's in bold
    caption = prose.say(
        "captions.multiverse",
        crosstab=prose.crosstab(headline),
        reference=references.get("size_class", "n/a"),
    )
    return pipe_table(pd.DataFrame(rows), "multiverse", caption, "lllll" + "r" * (len(rows[0]) - 5))


def varied_choices(specs: pd.DataFrame, prose: Prose) -> str:
    """The analytic choices the sensitivity analysis varies, as names.list: the dimensions with
    more than one alternative among its specifications (``results/multiverse/specifications.csv``),
    so that the paper claims robustness to no choice it held fixed."""
    varied = [d for d in DIMENSIONS if d in specs and specs[d].nunique() > 1]
    if not varied:
        return prose.say("multiverse.choices", "none")
    return prose.say(
        "multiverse.choices",
        "varied",
        choices=prose.join([prose.say("multiverse.choice", d) for d in varied]),
    )


def multiverse_variables(
    summary: pd.DataFrame, specs: pd.DataFrame, alpha: float, references: dict, prose: Prose
) -> dict:
    """Sentences on the sensitivity analysis from its summary (``results/multiverse/summary.csv``)
    and its specifications (``specs``, for the choices it varies); ``references`` are the
    primary model's reference levels (for the size terms' names)."""
    n_specs = summary["n_specs"].max() if len(summary) else 0
    parts = [
        prose.say(
            "multiverse.size_finding",
            term=prose.term(row.term, references),
            min=num(row.estimate_min),
            max=num(row.estimate_max),
            study=num(row.estimate_study),
            alpha=general(alpha),
            n_significant=count(row.n_significant),
            n_specs=count(row.n_specs),
        )
        for row in summary.itertuples()
        if row.term.startswith(SIZE_TERM)
    ]
    parts += [
        prose.say(
            "multiverse.test_finding",
            crosstab=prose.crosstab(t.finding),
            min=num(t.estimate_min),
            max=num(t.estimate_max),
            study=num(t.estimate_study),
            n_significant=count(t.n_significant),
            n_specs=count(t.n_specs),
        )
        for t in summary[summary["term"] == "cramers_v"].itertuples()
    ]
    sentence = prose.say(
        "multiverse.sentence",
        "specs" if len(summary) else "no_specs",
        n_specs=count(n_specs),
        findings="; ".join(parts),
    )
    return {
        "n_specs": count(n_specs),
        "choices": varied_choices(specs, prose),
        "sentence": sentence,
        "discussion": _robustness(summary, n_specs, references, prose),
    }


def _robustness(summary: pd.DataFrame, n_specs: int, references: dict, prose: Prose) -> str:
    """Whether each finding's verdict (significant or not) is the same in every specification."""
    mixed = summary[(summary["n_significant"] > 0) & (summary["n_significant"] < summary["n_specs"])]
    which = "; ".join(
        prose.say(
            "multiverse.mixed_finding",
            "association" if r.term == "cramers_v" else "odds_ratio",
            crosstab=prose.crosstab(r.finding),
            term=prose.term(r.term, references),
            n_significant=count(r.n_significant),
            n_specs=count(r.n_specs),
        )
        for r in mixed.itertuples()
    )
    variant = "no_specs" if summary.empty else "some_mixed" if len(mixed) else "none_mixed"
    return prose.say("multiverse.discussion", variant, n_specs=count(n_specs), mixed=which)
