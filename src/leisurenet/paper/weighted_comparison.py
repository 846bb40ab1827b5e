"""Weighting for non-response: the weighted results beside the unweighted ones, and what changes.

The method's paragraph on the weights, the weighted table, and the results and discussion of
whether weighting changes a verdict; without weights the method says why and the rest is empty.
The unweighted results it compares against are reported by :mod:`~leisurenet.paper.descriptives`,
:mod:`~leisurenet.paper.crosstabs` and :mod:`~leisurenet.paper.regression`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from leisurenet.paper.formatting import count, general, interval, num, p_is, pct, pipe_table, pvalue
from leisurenet.paper.prose import WEIGHTED_SUFFIX, Prose, capitalised
from leisurenet.paper.provenance import rows_of
from leisurenet.paper.regression import SIZE_TERM, model_references, odds_ratio

# --- weighting for non-response --------------------------------------------------------------

N_WEIGHTED_ITEMS = 8  # items in the weighted table: those whose share changes most
# results/descriptives/weights.csv: the row of all respondents, and how several post-stratification
# variables are joined in a cell's margin (leisurenet.analysis.weighted, .weighting).
ALL_RESPONDENTS = "all"
CELL_SEPARATOR = " & "


@dataclass(frozen=True)
class Weighted:
    """The weighted results beside the unweighted ones they are compared with.

    ``items`` is ``results/descriptives/weighted.csv`` and ``tests``
    ``results/crosstabs/tests_weighted.csv``, both empty (header only) without weights;
    ``unweighted_items`` is ``items.csv`` and ``unweighted_tests`` ``tests.csv``;
    ``coefficients`` and ``fit`` hold the models, the survey-weighted one among them;
    ``weights`` is ``results/descriptives/weights.csv`` (the post-strata and their weights,
    empty without weights; None when not given).
    """

    items: pd.DataFrame
    tests: pd.DataFrame
    unweighted_items: pd.DataFrame
    unweighted_tests: pd.DataFrame
    coefficients: pd.DataFrame
    fit: pd.DataFrame
    weights: pd.DataFrame | None = None

    @property
    def weighted(self) -> bool:
        return not self.items.empty


def weighting_status(weighted: Weighted, has_frame: bool) -> str:
    """``weighted``; else why not: ``no_frame`` or ``not_configured`` (config weighting: null)."""
    if weighted.weighted:
        return "weighted"
    return "not_configured" if has_frame else "no_frame"


def item_changes(weighted: Weighted) -> pd.DataFrame:
    """Items with a weighted share, the largest absolute change first (codebook order in ties):
    ``item``, both shares (percent), ``change`` (points), and both intervals (proportions)."""
    unweighted = weighted.unweighted_items[["item", "ci_low", "ci_high"]]
    df = weighted.items.dropna(subset=["pct_positive_valid", "pct_positive_valid_weighted"])
    df = df.merge(unweighted, on="item", how="left", suffixes=("", "_unweighted"))
    df = df.assign(change=df["pct_positive_valid_weighted"] - df["pct_positive_valid"])
    df.attrs = dict(weighted.items.attrs)  # the rows are those of weighted.csv
    return df.iloc[(-df["change"].abs()).argsort(kind="stable")].reset_index(drop=True)


def size_effects(coefficients: pd.DataFrame, model: str) -> pd.DataFrame:
    """The size terms of ``model`` (odds ratios with their intervals), indexed by term."""
    rows = coefficients[(coefficients["model"] == model) & coefficients["term"].str.startswith(SIZE_TERM)]
    return rows.set_index("term")


def crosstab_flips(weighted: Weighted, alpha: float) -> pd.DataFrame:
    """Cross-tabs whose verdict at ``alpha`` differs between the unweighted exact test and the
    weighted Rao-Scott F test without the finite-population correction, both Holm-adjusted
    within their family (both p known): the verdicts the paper draws are the adjusted ones, so
    a difference before adjustment alone changes none of them. ``p_exact`` and ``p_weighted``
    are the adjusted p-values."""
    both = weighted.unweighted_tests[["crosstab", "p_holm"]].merge(
        weighted.tests[["crosstab", "p_holm"]], on="crosstab", suffixes=("_exact", "_weighted")
    )
    both = both.rename(columns={"p_holm_exact": "p_exact", "p_holm_weighted": "p_weighted"})
    both = both.dropna(subset=["p_exact", "p_weighted"])
    return both[(both["p_exact"] < alpha) != (both["p_weighted"] < alpha)]


def weighted_table(weighted: Weighted, headline: str, primary: str, prose: Prose) -> str:
    """The items whose share changes most, the headline test and the primary model's size odds
    ratios, unweighted beside weighted; "" without weights (the manuscript includes nothing)."""
    if not weighted.weighted:
        return ""
    changes = item_changes(weighted)
    shown = changes.head(N_WEIGHTED_ITEMS)
    # The primary model's outcome comes first when its change is too small to be among them.
    outcome = changes[
        changes["item"].isin(headline_items(weighted, primary)) & ~changes["item"].isin(shown["item"])
    ]
    rows = [
        (
            capitalised(prose.variable(f"{r.item}_cat")),
            share_with_interval(r.pct_positive_valid, r.ci_low_unweighted, r.ci_high_unweighted),
            share_with_interval(r.pct_positive_valid_weighted, r.ci_low, r.ci_high),
        )
        for r in pd.concat([outcome, shown]).itertuples(index=False)
    ]
    rows += _test_rows(weighted, headline, prose) + _odds_ratio_rows(weighted, primary, prose)
    level = weighted.items["ci_level"].iloc[0]
    caption = prose.say(
        "captions.weighted",
        n_shown=count(rows_of(shown, f"the {N_WEIGHTED_ITEMS} largest changes")),
        headline=prose.say(
            "weighting.headline_rows",
            "shown" if len(outcome) else "none",
            items=prose.join([prose.variable(f"{item}_cat") for item in outcome["item"]]),
            primary=prose.model(primary),
        ),
        level=general(100 * level),
        method=str(weighted.unweighted_items["ci_method"].iloc[0]),
        interval=prose.say("weighting.interval", str(weighted.items["ci_method"].iloc[0])),
        crosstab=prose.crosstab(headline),
        model=prose.model(primary + WEIGHTED_SUFFIX),
    )
    df = pd.DataFrame(rows, columns=["Estimate", "Unweighted", "Weighted"])
    return pipe_table(df, "weighted", caption, "lrr")


def weights_table(weighted: Weighted, prose: Prose) -> str:
    """The post-strata (or the raking margins' classes): the frame's networks, the respondents
    and their weight, then all respondents with the weights' range; "" without weights."""
    cells, overall = _weight_rows(weighted)
    if overall is None:
        return ""
    margins = list(dict.fromkeys(cells["margin"]))
    method = str(overall["method"])
    rows = [
        (
            _cell_label(r.margin, r.cell, len(margins) > 1, prose),
            count(r.n_frame),
            count(r.n_respondents),
            _weight_range(r.weight_min, r.weight_max),
        )
        for r in cells.itertuples(index=False)
    ]
    rows.append(
        (
            prose.say("weighting.row_all"),
            count(overall["n_frame"]),
            count(overall["n_respondents"]),
            _weight_range(overall["weight_min"], overall["weight_max"]),
        )
    )
    header = [prose.say("weighting.column_cell", method)]
    header += [prose.say("weighting.column", key) for key in ("n_frame", "n_respondents", "weight")]
    caption = prose.say(
        "captions.weights",
        method,
        variables=prose.join([_margin_name(m, prose) for m in margins]),
    )
    return pipe_table(pd.DataFrame(rows, columns=header), "weights", caption, "lrrr")


def _weight_rows(weighted: Weighted) -> tuple[pd.DataFrame, pd.Series | None]:
    """weights.csv's cells and its row of all respondents (None without weights)."""
    table = weighted.weights
    if table is None or table.empty or not weighted.weighted:
        return pd.DataFrame(), None
    is_all = (table["margin"] == ALL_RESPONDENTS) & (table["cell"] == ALL_RESPONDENTS)
    return table[~is_all], table[is_all].iloc[0]


def _weight_range(low: float, high: float) -> str:
    """One weight ("1.45"), or the range of a class's weights ("1.25–1.45")."""
    return num(low) if low == high else f"{num(low)}–{num(high)}"


def _margin_name(margin: str, prose: Prose) -> str:
    """The frame variable(s) of a margin in words; crossed ones joined ("a and b")."""
    return prose.join([prose.variable(part) for part in str(margin).split(CELL_SEPARATOR)])


def _cell_label(margin: str, cell: str, several: bool, prose: Prose) -> str:
    """A cell by its class; with several margins (raking) by its variable too."""
    if not several:
        return capitalised(str(cell))
    return capitalised(prose.say("names.term", "level", variable=_margin_name(margin, prose), level=cell))


def _weights_text(weighted: Weighted, prose: Prose) -> str:
    """The weights' range, Kish's design effect and the effective sample size (weighting.weights)."""
    _, overall = _weight_rows(weighted)
    if overall is None:
        return prose.say("weighting.weights", "no_weights")
    return prose.say(
        "weighting.weights",
        "table",
        low=num(overall["weight_min"]),
        high=num(overall["weight_max"]),
        deff=num(overall["deff_kish"], 3),
        n_respondents=count(overall["n_respondents"]),
        n_effective=num(overall["n_effective"], 1),
    )


def headline_items(weighted: Weighted, primary: str) -> list[str]:
    """The items the paper's pre-specified model is about: the primary model's outcome, when it
    is an item with a weighted share (fit.csv's ``outcome``)."""
    outcome = weighted.fit.loc[weighted.fit["model"] == primary, "outcome"]
    return [str(o) for o in outcome if str(o) in set(weighted.items["item"])]


def share_with_interval(share: float, low: float, high: float) -> str:
    """ "46.5% [40.1–52.9]": a share in percent with its interval (given as proportions)."""
    return f"{pct(share)} [{interval(100 * low, 100 * high)}]"


def _test_rows(weighted: Weighted, headline: str, prose: Prose) -> list[tuple]:
    exact = weighted.unweighted_tests.set_index("crosstab")
    rao_scott = weighted.tests.set_index("crosstab")
    if headline not in exact.index or headline not in rao_scott.index:
        return []
    row = rao_scott.loc[headline]
    return [
        (
            capitalised(prose.say("weighting.row_test", crosstab=prose.crosstab(headline))),
            prose.say("weighting.p_exact", p=pvalue(exact.loc[headline, "p_exact"])),
            prose.say("weighting.p_rao_scott", p=pvalue(row["p_F_no_fpc"]), f=num(row["F_no_fpc"])),
        )
    ]


def _odds_ratio_rows(weighted: Weighted, primary: str, prose: Prose) -> list[tuple]:
    unweighted = size_effects(weighted.coefficients, primary)
    survey = size_effects(weighted.coefficients, primary + WEIGHTED_SUFFIX)
    refs = model_references(weighted.fit, primary, prose)
    return [
        (
            prose.say("weighting.row_odds_ratio", term=prose.term(term, refs)),
            f"{odds_ratio(unweighted.loc[term])}, {p_is(unweighted.loc[term, 'p_value'])}",
            f"{odds_ratio(survey.loc[term])}, {p_is(survey.loc[term, 'p_value'])}",
        )
        for term in unweighted.index
        if term in survey.index
    ]


def weighting_variables(
    weighted: Weighted,
    flow: pd.DataFrame,
    settings: dict | None,
    study: dict,
    prose: Prose,
) -> dict:
    """The weighting in the method, the results and the discussion, and the odds-ratio figure's
    note; without weights the method says why and the rest is empty.

    ``settings`` is the config's ``weighting`` section (None: no weighting); ``study`` holds
    ``headline_crosstab``, ``primary_model`` and ``alpha`` (config ``paper``).
    """
    overall = flow[flow["item"].isna() | (flow["item"] == "")].set_index("step")["n"]
    has_frame = "frame" in overall.index
    status = weighting_status(weighted, has_frame)
    primary = study["primary_model"]
    if status != "weighted":
        empty = {key: prose.say(f"weighting.{key}", "no_weights") for key in ("results", "discussion")}
        return {
            "method": prose.say("weighting.method", status),
            "weights": prose.say("weighting.weights", "no_weights"),
            **empty,
            "figure_note": prose.say("weighting.figure_note", "no_weights"),
        }
    n_respondents, n_frame = overall["export"], overall["frame"]
    method = prose.say(
        "weighting.method",
        "weighted",
        n_respondents=count(n_respondents),
        n_frame=count(n_frame),
        response_rate=pct(100 * n_respondents / n_frame),
        design=_design_text(settings or {}, prose),
        interval=prose.say("weighting.interval", str(weighted.items["ci_method"].iloc[0])),
        primary=prose.model(primary),
    )
    fitted = not size_effects(weighted.coefficients, primary + WEIGHTED_SUFFIX).empty
    return {
        "method": method,
        "weights": _weights_text(weighted, prose),
        "results": _weighted_results(weighted, study, prose),
        "discussion": _weighted_discussion(weighted, study, prose),
        "figure_note": prose.say("weighting.figure_note", "weighted" if fitted else "no_weights"),
    }


def _design_text(settings: dict, prose: Prose) -> str:
    """How the weights are made: post-stratified on the cells of the frame variables crossed, or
    raked to each variable's margin."""
    method = settings.get("method", "poststratify")
    names = settings.get("poststrata", "size_class")
    names = [names] if isinstance(names, str) else list(names)
    crossed = method == "poststratify" and len(names) > 1
    variables = prose.say(
        "weighting.variables",
        "crossed" if crossed else "one",
        variables=prose.join([prose.variable(name) for name in names]),
    )
    return prose.say("weighting.design", method, variables=variables)


def _weighted_results(weighted: Weighted, study: dict, prose: Prose) -> str:
    changes = item_changes(weighted)
    top = changes.iloc[0]
    headline, primary = study["headline_crosstab"], study["primary_model"]
    return prose.say(
        "weighting.results",
        "weighted",
        max_diff=num(abs(top["change"]), 1),
        statement=prose.variable(f"{top['item']}_cat"),
        unweighted=pct(top["pct_positive_valid"]),
        weighted=pct(top["pct_positive_valid_weighted"]),
        n_shown=count(rows_of(changes.head(N_WEIGHTED_ITEMS), f"the {N_WEIGHTED_ITEMS} largest changes")),
        n_items=count(rows_of(changes, "items with a weighted share")),
        test=_weighted_test_text(weighted, headline, prose),
        model=_weighted_model_text(weighted, primary, prose),
    )


def _weighted_test_text(weighted: Weighted, headline: str, prose: Prose) -> str:
    exact = weighted.unweighted_tests.set_index("crosstab")
    rao_scott = weighted.tests.set_index("crosstab")
    if headline not in exact.index or headline not in rao_scott.index:
        return prose.say("weighting.test", "missing", crosstab="", p_weighted="", p_exact="")
    return prose.say(
        "weighting.test",
        "computed",
        crosstab=prose.crosstab(headline),
        p_weighted=p_is(rao_scott.loc[headline, "p_F_no_fpc"]),
        p_exact=p_is(exact.loc[headline, "p_exact"]),
    )


def _weighted_model_text(weighted: Weighted, primary: str, prose: Prose) -> str:
    name = primary + WEIGHTED_SUFFIX
    refs = model_references(weighted.fit, primary, prose)
    survey, unweighted = (
        size_effects(weighted.coefficients, name),
        size_effects(weighted.coefficients, primary),
    )
    effects = [
        prose.say(
            "weighting.size_effect",
            term=prose.term(term, refs),
            weighted=odds_ratio(row),
            unweighted=odds_ratio(unweighted.loc[term]) if term in unweighted.index else "n/a",
        )
        for term, row in survey.iterrows()
    ]
    fitted = (weighted.coefficients["model"] == name).any()
    variant = "size_effects" if effects else "no_size_effects" if fitted else "not_fitted"
    return prose.say("weighting.model", variant, model=prose.model(name), effects=prose.join(effects))


def _weighted_discussion(weighted: Weighted, study: dict, prose: Prose) -> str:
    """Whether weighting changes a verdict: a cross-tab's significance, or the direction or
    significance of a size effect of the primary model; with the largest change of a share."""
    alpha = study["alpha"]
    flips = crosstab_flips(weighted, alpha)
    crosstabs = prose.say(
        "weighting.crosstabs",
        "flipped" if len(flips) else "same",
        alpha=general(alpha),
        crosstabs=prose.join(
            [
                prose.say(
                    "weighting.flip",
                    crosstab=prose.crosstab(r.crosstab),
                    p_exact=p_is(r.p_exact),
                    p_weighted=p_is(r.p_weighted),
                )
                for r in flips.itertuples(index=False)
            ]
        ),
    )
    model, changed_model = _model_change(weighted, study, prose)
    items = prose.say("weighting.items", max_diff=num(item_changes(weighted)["change"].abs().max(), 1))
    findings = "; ".join(part for part in (crosstabs, model, items) if part)
    variant = "changed" if len(flips) or changed_model else "unchanged"
    return prose.say("weighting.discussion", variant, findings=findings)


def _model_change(weighted: Weighted, study: dict, prose: Prose) -> tuple[str, bool]:
    """The primary model's size effects weighted against unweighted, and whether any changed."""
    primary, alpha = study["primary_model"], study["alpha"]
    name = primary + WEIGHTED_SUFFIX
    refs = model_references(weighted.fit, primary, prose)
    survey, unweighted = (
        size_effects(weighted.coefficients, name),
        size_effects(weighted.coefficients, primary),
    )
    values = {"model": prose.model(name), "changes": ""}
    if not (weighted.coefficients["model"] == name).any():
        return prose.say("weighting.model_change", "not_fitted", **values), False
    common = unweighted.index.intersection(survey.index)
    if common.empty:
        return prose.say("weighting.model_change", "no_size_effects", **values), False
    changes = []
    for term in common:
        before, after = unweighted.loc[term], survey.loc[term]
        if np.sign(before["estimate"]) * np.sign(after["estimate"]) < 0:
            variant = "direction"
        elif (before["p_value"] < alpha) != (after["p_value"] < alpha):
            variant = "significant" if after["p_value"] < alpha else "not_significant"
        else:
            continue
        changes.append(
            prose.say(
                "weighting.size_change",
                variant,
                term=prose.term(term, refs),
                alpha=general(alpha),
                unweighted=num(before["odds_ratio"]),
                weighted=num(after["odds_ratio"]),
                p_unweighted=p_is(before["p_value"]),
                p_weighted=p_is(after["p_value"]),
            )
        )
    variant = "changed" if changes else "same"
    return prose.say("weighting.model_change", variant, **values | {"changes": prose.join(changes)}), bool(
        changes
    )
