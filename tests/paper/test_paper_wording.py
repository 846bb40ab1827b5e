"""Every wording of paper/sentences.yml is reached, and filled, by the values the paper's modules supply.

Each sentence and table function runs on small constructed results, once per branch, with a
template that records which key and variant it rendered: a variant no branch reaches, or a
placeholder no branch fills (the renderer raises), fails here rather than in a user's run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pytest

from leisurenet.outputs import OUTPUTS
from leisurenet.paper import (
    checklists,
    conclusions,
    conduct,
    crosstabs,
    descriptives,
    methods,
    regression,
    reproduction,
    robustness,
    weighted_comparison,
)
from leisurenet.paper.prose import Prose
from leisurenet.paper.wording import Wording

from ..conftest import ROOT

NAN = float("nan")
PLACEHOLDER = re.compile(r"\{[a-z][a-z0-9_]*\}")


@dataclass(frozen=True)
class Recording(Wording):
    """The template, remembering every (key, variant) it rendered."""

    seen: set = field(default_factory=set)

    def render(self, key, variant=None, /, **values):
        text = super().render(key, variant, **values)
        self.seen.add((key, variant))
        return text


# The models names.model names, and models named from their family and outcome.
MODELS = {
    "rep_voice_ordinal": {"family": "ordinal_logit", "outcome": "rep_voice"},
    "rep_voice_binary": {"family": "logit", "outcome": "rep_voice"},
    "role_act_by_size": {"family": "multinomial_logit", "outcome": "role_act"},
    "obj_achieved_ordinal": {"family": "ordinal_logit", "outcome": "obj_achieved"},
    "participation_linear": {"family": "ols", "outcome": "score_participation"},
    "effort_ordinal": {"family": "ordinal_logit", "outcome": "eff_financial"},
    "voice_binary": {"family": "logit", "outcome": "rep_voice"},
    "role_multinomial": {"family": "multinomial_logit", "outcome": "role_act"},
    "scale_linear": {"family": "ols", "outcome": "score_participation"},
    "m": {"family": "ordinal_logit", "outcome": "rep_voice"},
}
FORMULA = "y ~ x (reference: size_class=small, role_act=coproducer, role_overall=coproducer)"


@pytest.fixture
def prose(codebook, config) -> Prose:
    wording = Recording(Wording.from_yaml().texts, "sentences.yml")
    return Prose.from_config(wording, codebook, MODELS, config["crosstabs"], synthetic=False)


# --- constructed results -------------------------------------------------------------------


def flow(frame: bool) -> pd.DataFrame:
    rows = [("frame", "", 104, "networks")] if frame else []
    rows += [("export", "", 77, "respondents"), ("analysed", "", 77, "analysed")]
    rows += [("valid", "vis_defined", 70, ""), ("valid", "vis_consensus", 75, "")]
    return pd.DataFrame(rows, columns=["step", "item", "n", "note"])


def items(codebook, method: str = "hypergeometric") -> pd.DataFrame:
    ids = codebook.item_ids
    return pd.DataFrame(
        {
            "item": ids,
            "n_valid": 70,
            "pct_positive": np.linspace(20, 90, len(ids)),
            "pct_negative": 10.0,
            "pct_positive_valid": 55.0,
            "ci_method": method,
            **{c: 0.4 for c in ("ci_low", "wilson_low", "bound_low")},
            **{c: 0.6 for c in ("ci_high", "wilson_high", "bound_high")},
        }
    )


def disposition(codes: list[str], in_frame: bool) -> pd.DataFrame:
    """A disposition table (results/clean/disposition.csv) with one network per code."""
    groups = {"complete": "I", "partial": "P", "break_off": "R", "nothing_returned": "UO"}
    return pd.DataFrame(
        {"network_id": [f"N{i}" for i in range(len(codes))], "in_frame": in_frame, "disposition": codes}
        | {"aapor_group": [groups[c] for c in codes]}
    )


def settings(rule: str, min_statements: int) -> dict:
    return {
        "size_class": {"breaks": [15000, 40000], "labels": ["small", "medium", "large"]},
        "governance_role": {"rule": rule, "agreed_min_code": 4, "min_statements": min_statements},
    }


def crosstab_tests(p_exact, p_holm) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "crosstab": ["role_act_by_size", "rep_voice_by_size", "sup_exchange_by_size", "unknown_by_size"],
            "n": 77,
            "chi2": 3.0,
            "df": 6,
            "p_exact": p_exact,
            "p_holm": p_holm,
            "cramers_v": 0.3,
            "cramers_v_corrected": 0.2,
            "share_expected_below_5": 0.5,
            "min_expected": 1.5,
            "exact_method": [
                "Monte Carlo, 1000 draws",
                "exact (network algorithm)",
                "exact (network algorithm)",
                "exact (network algorithm)",
            ],
            "n_draws": 1000,
            "p_exact_mc_se": 0.0158,
        }
    )


def coefficients() -> pd.DataFrame:
    """Terms of every kind: size, a domain's role, another categorical, no stated reference,
    numeric, and a multinomial equation."""
    rows = [
        ("m", "", "", "size_class[large]"),
        ("m", "", "", "role_act[facilitator]"),
        ("m", "", "", "role_overall[mixed]"),
        ("m", "", "", "other_var[b]"),
        ("m", "", "", "score_participation"),
        ("m", "", "", "threshold[1|2]"),
        ("role_multinomial", "facilitator", "coproducer", "size_class[medium]"),
        ("participation_linear", "", "", "size_class[large]"),
    ]
    df = pd.DataFrame(rows, columns=["model", "equation", "equation_reference", "term"])
    return df.assign(odds_ratio=2.5, or_ci_low=1.1, or_ci_high=5.0, p_value=0.03, std_error=0.4, flag="")


def fit(flags: str = "", po_p: float = NAN) -> pd.DataFrame:
    models = [*MODELS, "unknown_model"]
    families = [MODELS.get(m, {"family": "ols"})["family"] for m in models]
    outcomes = [MODELS.get(m, {"outcome": "y"})["outcome"] for m in models]
    return pd.DataFrame(
        {"model": models, "family": families, "outcome": outcomes, "formula": FORMULA, "n": 77}
        | {"n_parameters": 5.0}
        | {"loglik": -10.0, "aic": 30.0, "po_p": po_p, "flag": flags}
    )


def bootstrap(terms: list[str], n_valid: int) -> pd.DataFrame:
    return pd.DataFrame(
        {"term": terms, "odds_ratio": 2.5, "or_ci_low": 0.9, "or_ci_high": 8.2, "boot_se": 0.5}
        | {"n_valid": n_valid, "n_replicates": 2000}
    )


def multiverse_summary(n_significant: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "finding": ["role_act_by_size", "size_effect"],
            "term": ["cramers_v", "size_class[large]"],
            "n_specs": 24,
            "n_significant": n_significant,
            "estimate_study": 1.0,
            "estimate_min": 0.5,
            "estimate_max": 2.0,
        }
    )


def multiverse_specs() -> pd.DataFrame:
    base = {"spec": "s1", "size_breaks": "study", "role_rule": "highest", "dont_know": "missing"}
    base |= {
        "neutral": "five_point",
        "weighting": "unweighted",
        "study": True,
        "finding": "x",
        "ci_low": 0.5,
        "ci_high": 2.0,
    }
    return pd.DataFrame(
        [base | {"term": "cramers_v", "estimate": 0.2, "p_value": 0.5}]
        + [base | {"term": "size_class[large]", "estimate": 2.0, "p_value": 0.1}]
    )


def audit(conflict: bool, smaller: int = 0, flagged: bool = True) -> pd.DataFrame:
    """Two figures on one item, the second flagged as summed rounding unless not ``flagged``,
    and ``smaller`` more that only a base below all 77 respondents gives."""
    two = pd.DataFrame(
        {
            "figure_id": ["rep_voice_agree", "rep_voice_disagree"],
            "items": ["rep_voice", "rep_voice"],
            "published": [62.0, 39.0],
            "decimals": 0,
            "n_base": 77,
            "reproduced_exact": [62.3, 39.0],
            "reproduced_as_published": [62.0, 39.0],
            "granularity": ["consistent", "summed_rounding" if flagged else "consistent"],
            "status": ["reproduced", "reproduced_as_published"],
            "conflicts_with": ["rep_voice_disagree" if conflict else "", ""],
            "base_min": 77,
            "fitting_bases": ["77", "" if flagged else "77"],
            "fit_count": [48, NAN if flagged else 30],
            "fit_base": [77, NAN if flagged else 77],
            "nearest_count": [48, 29],
            "nearest_base": [77, 74 if flagged else 77],
        }
    )
    fits = two.iloc[[0] * smaller].assign(
        figure_id=[f"rep_voice_smaller_{i}" for i in range(smaller)],
        published=52.0, decimals=1, reproduced_exact=51.9, reproduced_as_published=52.0,
        status="reproduced_as_published", base_min=74, fitting_bases="75", fit_count=39, fit_base=75,
        nearest_count=39, nearest_base=75,
    )  # fmt: skip
    return pd.concat([two, fits], ignore_index=True)


def recoded(tie: int) -> pd.DataFrame:
    """Roles per domain; the actions' most frequent role is a tie of ``tie`` roles."""
    roles = ["coproducer", "facilitator", "commissioner"]
    actions = roles[:tie] * 2
    same = ["coproducer"] * len(actions)
    return pd.DataFrame({"role_vis": same, "role_obj": same, "role_act": actions})


def weighted_items(codebook, shares: list[float]) -> pd.DataFrame:
    """weighted.csv for the first items of the codebook: unweighted 50%, weighted ``shares``."""
    ids = codebook.item_ids[: len(shares)]
    return pd.DataFrame(
        {"item": ids, "n_valid": 70, "pct_positive_valid": 50.0, "pct_positive_valid_weighted": shares}
        | {"se_weighted": 2.0, "ci_method": "logit", "ci_level": 0.95, "ci_low": 0.45, "ci_high": 0.55}
        | {"weighting": "poststratify", "note": ""}
    )


def weighted_tests(p_exact: float, p_weighted: float, holm: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """tests.csv and tests_weighted.csv of the headline cross-tab and another one (both p 0.5);
    the headline's Holm-adjusted p-values are ``holm`` times its p-values."""
    names = ["role_act_by_size", "rep_voice_by_size"]
    unweighted = pd.DataFrame({"crosstab": names, "p_exact": [p_exact, 0.5], "p_holm": [holm * p_exact, 0.5]})
    weighted = pd.DataFrame(
        {"crosstab": names, "F_no_fpc": [3.2, 0.7], "p_F_no_fpc": [p_weighted, 0.5]}
        | {"p_holm": [holm * p_weighted, 0.5]}
    )
    return unweighted, weighted


def weighted_coefficients(unweighted: tuple[float, float], weighted: tuple[float, float] | None):
    """The primary model ``m`` and its weighted fit ``m_weighted``: (odds ratio, p) of the size
    term each; ``weighted`` None: the weighted model was not fitted."""
    rows = [("m", "size_class[large]", *unweighted), ("m", "threshold[1|2]", 1.0, 0.5)]
    if weighted is not None:
        rows += [("m_weighted", "size_class[large]", *weighted), ("m_weighted", "threshold[1|2]", 1.0, 0.5)]
    df = pd.DataFrame(rows, columns=["model", "term", "odds_ratio", "p_value"])
    return df.assign(
        estimate=np.log(df["odds_ratio"]), or_ci_low=df["odds_ratio"] / 2, or_ci_high=df["odds_ratio"] * 2
    )


def weights(method: str = "poststratify") -> pd.DataFrame:
    """weights.csv: post-strata on size class (one weight each), or a raking's two margins
    (a range of weights each), then all respondents."""
    columns = ["margin", "cell", "method", "n_frame", "n_respondents", "weight_min", "weight_max"]
    if method == "poststratify":
        rows = [
            ("size_class", c, method, N, n, N / n, N / n)
            for c, N, n in (("small", 45, 31), ("large", 59, 46))
        ]
    else:
        rows = [
            ("size_class", "small", method, 45, 31, 1.3, 1.6),
            ("size_class", "large", method, 59, 46, 1.1, 1.4),
        ]
        rows += [
            ("province", "east", method, 50, 40, 1.1, 1.3),
            ("province", "west", method, 54, 37, 1.4, 1.6),
        ]
    rows.append(("all", "all", method, 104, 77, 1.1, 1.6))
    return pd.DataFrame(rows, columns=columns).assign(deff_kish=1.01, n_effective=76.2)


def weighted_results(
    codebook,
    shares=(50.5, 47.0, 51.0),
    p=(0.03, 0.03),
    model=((2.5, 0.1), (2.5, 0.1)),
    holm: float = 1.0,
    empty: bool = False,
    method: str = "poststratify",
) -> weighted_comparison.Weighted:
    """Weighted results with items' weighted ``shares``, the headline's ``p`` (exact, weighted;
    Holm-adjusted ``holm`` times as large) and the primary model's size effect ``model``
    (unweighted, weighted), weights.csv of the design ``method``; ``empty``: no weights."""
    items_ = weighted_items(codebook, list(shares))
    unweighted_items = items_[["item"]].assign(ci_low=0.4, ci_high=0.6, ci_method="hypergeometric")
    tests, tests_weighted = weighted_tests(*p, holm)
    coefficients_ = weighted_coefficients(*model)
    fit_ = fit().assign(model=lambda df: df["model"].replace("effort_ordinal", "m_weighted"))
    weights_ = weights(method)
    if empty:
        items_, tests_weighted, weights_ = items_.iloc[:0], tests_weighted.iloc[:0], weights_.iloc[:0]
        coefficients_ = coefficients_[coefficients_["model"] == "m"]
    return weighted_comparison.Weighted(
        items_, tests_weighted, unweighted_items, tests, coefficients_, fit_, weights_
    )


STUDY = {"headline_crosstab": "role_act_by_size", "primary_model": "m", "alpha": 0.05}


# --- every branch of every function ---------------------------------------------------------


def run_descriptives(prose, codebook, tmp_path):
    raw = tmp_path / "raw_export.csv"
    raw.write_text("resp_id\nR1\n", encoding="utf-8")
    log = pd.DataFrame({"rule": ["missing_code", "blank"]})
    yield methods.data_variables(flow(True), log, items(codebook), raw, True, settings("highest", 1), prose)
    yield methods.data_variables(
        flow(False), log, items(codebook, "clopper_pearson"), raw, False, settings("highest_agreed", 2), prose
    )
    yield descriptives.item_variables(items(codebook), prose, "95")
    yield descriptives.construct_variables(items(codebook), prose)
    for tie in (1, 2, 3):
        yield descriptives.role_variables(recoded(tie), prose)
    paired = pd.DataFrame(
        {"domain": ["vis"], "involvement_item": ["rep_vis_expertise"], "n_pairs": 70, "n_higher": 30}
        | {"n_equal": 20, "n_lower": 20, "v_statistic": 900.0, "p_value": 0.01, "rank_biserial": 0.5}
    )
    yield descriptives.paired_variables(paired, 0.05, prose)
    nonresponse = pd.DataFrame({"test": ["chi_square", "fisher_freeman_halton"], "p_value": [0.04, 0.03]})
    for alpha in (0.05, 0.01):
        yield descriptives.nonresponse_variables(nonresponse, alpha, prose)
    yield descriptives.nonresponse_variables(pd.DataFrame({"test": ["none"], "p_value": [NAN]}), 0.05, prose)
    thresholds = {"complete_above": 0.8, "partial_from": 0.5}
    # all complete, some nothing returned; some partial or broken off, every network returned; no frame
    for codes, in_frame in [(["complete", "nothing_returned"], True), (["partial", "break_off"], True)] + [
        (["complete", "break_off"], False)
    ]:
        yield methods.disposition_variables(disposition(codes, in_frame), thresholds, prose)
    yield methods.sample_flow_table(flow(True), prose)
    yield descriptives.items_table(items(codebook), prose, "95")
    yield descriptives.paired_table(paired, prose)
    scales = pd.DataFrame(
        {"scale": ["vision"], "n_items": 4, "n_used": 70, "alpha": 0.6, "alpha_ci_low": 0.4}
        | {"alpha_ci_high": 0.7, "omega_total": 0.6}
    )
    yield descriptives.scales_table(scales, prose, "95")
    yield methods.codebook_table(prose)
    yield methods.software_pipe_table(prose)


def run_crosstabs(prose):
    tests = crosstab_tests([0.01, 0.5, 0.5, 0.5], [0.02, 0.5, 0.5, 0.5])
    for headline in ("role_act_by_size", "rep_voice_by_size", "not_computed_by_size"):
        for alpha in (0.05, 0.001):
            yield crosstabs.crosstab_variables(tests, headline, alpha, prose)
    yield crosstabs.exact_method_text(tests.assign(exact_method="exact (network algorithm)"), prose)
    yield crosstabs.crosstab_tests_table(tests, prose)
    cells = pd.DataFrame(
        {"crosstab": "role_act_by_size", "row_var": "role_act", "row_level": ["coproducer", "mixed"]}
        | {"col_var": "size_class", "col_level": "small", "n": [3, 4], "pct_col": [42.9, 57.1]}
    )
    yield crosstabs.crosstab_table(cells, "role_act_by_size", prose)


def run_models(prose):
    codes = ";".join(str(v) for v in prose.wording.texts["names.flag"])
    for flags, po_p in ((codes, 0.01), ("", 0.2), (codes, NAN), ("", NAN)):
        yield regression.model_variables(coefficients(), fit(flags, po_p), "m", prose)
    yield regression.model_variables(coefficients(), fit(), "not_fitted", prose)
    no_size = coefficients()[lambda df: ~df["term"].str.startswith("size_class")]
    yield regression.model_variables(no_size, fit(), "m", prose)
    yield regression.models_table(coefficients(), fit(), prose, "95")
    yield regression.model_fit_table(fit(), prose)
    survey = weighted_coefficients((2.5, 0.1), (2.5, 0.01)).assign(equation="", equation_reference="")
    with_weighted = fit().assign(model=lambda df: df["model"].replace("effort_ordinal", "m_weighted"))
    yield regression.models_table(survey, with_weighted, prose, "95")
    yield regression.model_fit_table(with_weighted, prose)


def run_resampling(prose):
    for terms, n_valid in ((["size_class[large]"], 2000), (["role_act[mixed]"], 1990)):
        yield robustness.bootstrap_variables(
            bootstrap(terms, n_valid), {"replicates": 2000, "seed": 1}, "m", fit(), prose
        )
        yield robustness.bootstrap_table(bootstrap(terms, n_valid), coefficients(), fit(), "m", prose, "95")
    references = {"size_class": "small"}
    other = {"size_breaks": "lower", "role_rule": "highest_agreed", "dont_know": "neutral"}
    other |= {"neutral": "agree_vs_rest", "weighting": "weighted"}
    varied = pd.concat([multiverse_specs(), multiverse_specs().assign(spec="s2", **other)])
    for n_significant, specs in (([0, 24], varied), ([3, 5], multiverse_specs())):
        yield robustness.multiverse_variables(
            multiverse_summary(n_significant), specs, 0.05, references, prose
        )
    yield robustness.multiverse_variables(
        multiverse_summary([0, 0]).iloc[:0], multiverse_specs().iloc[:0], 0.05, references, prose
    )
    yield robustness.multiverse_table(multiverse_specs(), "role_act_by_size", references, prose, "95")


def run_weighting(prose, codebook):
    settings = {"method": "poststratify", "poststrata": "size_class"}
    unchanged = weighted_results(codebook)
    yield weighted_comparison.weighting_variables(unchanged, flow(True), settings, STUDY, prose)
    yield weighted_comparison.weighted_table(unchanged, "role_act_by_size", "m", prose)
    yield weighted_comparison.weights_table(unchanged, prose)
    raked = weighted_results(codebook, method="rake")
    yield weighted_comparison.weights_table(raked, prose)
    yield weighted_comparison.weighting_variables(
        raked, flow(True), settings | {"method": "rake"}, STUDY, prose
    )
    # a cross-tab's verdict flips; the size effect changes direction, becomes or stops being
    # significant; the weighted model has no size effect, or was not fitted
    for p, model in (
        ((0.03, 0.07), ((2.5, 0.1), (0.8, 0.2))),
        ((0.5, 0.5), ((2.5, 0.1), (2.5, 0.01))),
        ((0.5, 0.5), ((2.5, 0.01), (2.5, 0.1))),
        ((0.5, 0.5), ((2.5, 0.1), None)),
    ):
        results = weighted_results(codebook, p=p, model=model)
        yield weighted_comparison.weighting_variables(
            results, flow(True), settings | {"method": "rake"}, STUDY, prose
        )
    no_size = weighted_results(codebook)
    no_size = replace(
        no_size,
        items=no_size.items.assign(ci_method="beta"),
        coefficients=no_size.coefficients[lambda df: df["term"] != "size_class[large]"],
    )
    several = {"method": "poststratify", "poststrata": ["size_class", "province"]}
    yield weighted_comparison.weighting_variables(no_size, flow(True), several, STUDY, prose)
    yield weighted_comparison.weighting_variables(
        no_size, flow(True), settings, STUDY | {"headline_crosstab": "x_by_y"}, prose
    )
    yield weighted_comparison.weighted_table(no_size, "role_act_by_size", "m", prose)
    empty = weighted_results(codebook, empty=True)
    for frame in (True, False):
        yield weighted_comparison.weighting_variables(empty, flow(frame), None, STUDY, prose)
    yield weighted_comparison.weighted_table(empty, "role_act_by_size", "m", prose)
    yield weighted_comparison.weights_table(empty, prose)
    # the primary model's outcome (rep_voice, unchanged) comes first when its change is not
    # among the largest
    many = weighted_results(codebook, shares=[60.0 + i for i in range(weighted_comparison.N_WEIGHTED_ITEMS)])
    outcome = many.items.iloc[[0]].assign(item="rep_voice", pct_positive_valid_weighted=50.0)
    many = replace(many, items=pd.concat([many.items, outcome], ignore_index=True))
    assert weighted_comparison.headline_items(many, "m") == ["rep_voice"]
    yield weighted_comparison.weighted_table(many, "role_act_by_size", "m", prose)
    # weighted, but without weights.csv given (None): no sentence on the weights, no table
    yield weighted_comparison.weighting_variables(
        replace(unchanged, weights=None), flow(True), settings, STUDY, prose
    )
    yield weighted_comparison.weights_table(replace(unchanged, weights=None), prose)


def run_audit(prose, codebook):
    for conflict in (True, False):
        yield reproduction.audit_variables(audit(conflict), prose)
    # every printed value fits a plausible base, or fits one only below all respondents
    for smaller in (1, 2):
        yield reproduction.audit_variables(audit(False, smaller, flagged=False), prose)
    yield reproduction.audit_variables(audit(False, 1), prose)
    # one figure not reproduced, on synthetic data
    yield reproduction.audit_variables(
        audit(False).assign(status=["reproduced", "not_reproduced"]), prose, True
    )
    yield reproduction.audit_variables(pd.DataFrame(columns=["figure_id"]), prose)
    yield reproduction.audit_table(audit(True, 1), prose)
    yield reproduction.study_tables(items(codebook), audit(True), prose)


def judged():
    """Three conclusions: one supported by two shares (one claimed above, one below its
    threshold), one inconclusive on a difference, one not supported on a paired comparison."""
    share = {"rule": "share", "levels": "positive", "n": 70, "estimate": 0.8, "ci_low": 0.7, "ci_high": 0.9}
    checks = pd.DataFrame(
        [
            share | {"conclusion": "a", "check": 1, "subject": "vis_defined_cat", "compare": "above",
                     "threshold": 0.5, "verdict": "supported"},
            share | {"conclusion": "a", "check": 2, "subject": "role_act", "compare": "below",
                     "threshold": 0.95, "verdict": "supported"},
            {"conclusion": "b", "check": 1, "rule": "difference", "levels": "facilitator", "higher": "large",
             "lower": "small", "share_higher": 0.4, "share_lower": 0.1, "p_value": 0.2, "alpha": 0.05,
             "verdict": "inconclusive"},
            {"conclusion": "c", "check": 1, "rule": "paired",
             "subject": "rep_vis_guiding vs rep_vis_expertise", "effect": -0.3, "p_value": 0.01,
             "alpha": 0.05, "verdict": "not supported"},
        ]
    )  # fmt: skip
    verdicts = pd.DataFrame(
        {
            "conclusion": ["a", "b", "c"],
            "group": ["Beleidsthema", "Bestuursstijl", "Bestuursstijl"],
            "sign": ["+", "+", "-"],
            "text_nl": ["Duidelijke visie", "Facilitator in grote", "Inbreng"],
            "text_en": ["Clear vision", "Facilitators in large ones", "Say"],
            "verdict": ["supported", "inconclusive", "not supported"],
        }
    )
    return verdicts, checks


def run_conclusions(prose):
    verdicts, checks = judged()
    for synthetic in (True, False):
        yield conclusions.verdict_variables(verdicts, checks, prose, synthetic, "95")
    yield conclusions.verdicts_table(verdicts, checks, prose, "95")
    # one share, and two checks of the difference and of the paired comparison
    one_share = checks.iloc[[0, 2, 2, 3, 3]].assign(check=[1, 1, 2, 1, 2])
    yield conclusions.verdicts_table(verdicts, one_share, prose, "95")


def test_a_supported_conclusion_is_shown_with_its_check_closest_to_failing(prose):
    verdicts, checks = judged()
    # the second share's interval ends 0.05 short of its threshold, the first's 0.2 beyond it
    assert conclusions.deciding_check("supported", checks[checks["conclusion"] == "a"])["check"] == 2
    table = conclusions.verdicts_table(verdicts, checks, prose, "95")
    assert '[Duidelijke visie]{lang="nl"} (Clear vision)' in table
    assert "below 95% asked (one of 2 checks)" in table
    assert "| − |" in table  # a weakness, with a minus sign


# Every fact set, none, and one date or frame fact of two (each precision of a date).
STUDY_TEXTS = {k: "x" for k in ("mode", "sponsor", "fielded_by", "invitation", "reminders", "incentives")}
STUDY_TEXTS |= {
    "questionnaire": {"development": "x", "testing": "x"},
    "ethics_review": "x",
    "partial_responses": "x",
    "contact": "x",
}


def run_conduct(prose):
    full = STUDY_TEXTS | {"fieldwork": {"start": "2016-03-01", "end": "2016-04-15"}}
    yield conduct.study_variables(full | {"frame": {"source": "x", "date": "2016"}}, {}, prose)
    yield conduct.study_variables({"fieldwork": {"start": "2016-03"}, "frame": {"source": "x"}}, {}, prose)
    yield conduct.study_variables({"fieldwork": {"end": "2016"}, "frame": {"date": "2016-01"}}, {}, prose)
    yield conduct.study_variables({"fieldwork": {"start": "2016-03-01", "end": "2016-03-01"}}, {}, prose)
    yield conduct.study_variables({}, {}, prose)
    # whose data a verdict is about, on the replica (tests/paper/test_paper.py checks its use)
    yield Prose.from_config(prose.wording, prose.codebook, {}, {}, synthetic=True).scope


def run_checklists(prose):
    # everything known, weighted, on the frame; nothing known, no frame, no weights; an
    # interviewer-administered mode and a study known in part
    full = STUDY_TEXTS | {
        "fieldwork": {"start": "2016-03-01", "end": "2016"},
        "frame": {"source": "x", "date": "2016"},
    }
    for study, frame, weighted in (
        (full | {"mode": "an online survey"}, True, True),
        ({}, False, False),
        ({"mode": "telephone interviews", "frame": {"date": "2016"}}, True, False),
    ):
        table = checklists.checklist(checklists.Evidence(study, frame, weighted), prose)
        yield checklists.checklist_table(table, prose)


def strings(value):
    """Every string in a result: the values of nested dicts, or a table's text."""
    if isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, str):
        yield value


def test_every_variant_of_every_key_is_reached_and_filled(prose, codebook, tmp_path):
    results = [
        *run_descriptives(prose, codebook, tmp_path),
        *run_conduct(prose),
        *run_checklists(prose),
        *run_crosstabs(prose),
        *run_models(prose),
        *run_resampling(prose),
        *run_audit(prose, codebook),
        *run_weighting(prose, codebook),
        *run_conclusions(prose),
    ]
    # The wordings of a table whose declaration names the function that says them are filled
    # by that function in the pipeline's run (tests/end_to_end), from the table itself.
    said = {out.name for out in OUTPUTS if out.values}
    everything = {
        (key, variant)
        for key, variants in prose.wording.texts.items()
        if key.split(".")[0] not in said
        for variant in variants
    }
    missed = sorted(everything - prose.wording.seen, key=str)
    assert not missed, f"wordings no branch reaches: {missed}"
    for result in results:
        for text in strings(result):
            assert not PLACEHOLDER.search(text), text


def test_every_flag_the_models_set_has_a_wording(prose):
    # the modules that flag a model: its frame and checks, its result, the families, the weighted model
    modules = ("modelframe.py", "modelresult.py", "models.py", "weighted_models.py")
    source = "\n".join(
        (ROOT / "src" / "leisurenet" / "analysis" / m).read_text(encoding="utf-8") for m in modules
    )
    codes = set(re.findall(r'(?:\.flag|ModelProblem)\(\s*"([a-z_]+)"', source))
    assert codes and codes <= set(prose.wording.texts["names.flag"])
