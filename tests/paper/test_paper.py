"""The paper's formatting and the fallback renderer's shortcode expansion."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from leisurenet.analysis.models import load_model_specs
from leisurenet.paper import (
    crosstabs,
    descriptives,
    formatting,
    regression,
    render,
    reproduction,
    robustness,
    weighted_comparison,
)
from leisurenet.paper.prose import Prose
from leisurenet.paper.wording import Wording

from ..conftest import ROOT


@pytest.fixture(scope="module")
def prose(codebook, config) -> Prose:
    """The paper's template with the default models and cross-tabs."""
    models = load_model_specs(ROOT / "config" / "models.yaml")["models"]
    return Prose.from_config(Wording.from_yaml(), codebook, models, config["crosstabs"], synthetic=False)


def test_pipe_table_has_caption_label_and_width_hints():
    df = pd.DataFrame({"Item": ["a long item wording here", "b"], "n": [1, 22]})
    text = formatting.pipe_table(df, "demo", "A caption.")
    lines = text.splitlines()
    assert lines[0] == "| Item | n |"
    assert lines[1] == "|:" + "-" * 24 + "|" + "-" * 8 + ":|"
    assert lines[-1] == ": A caption. {#tbl-demo}"
    assert "a\\|b" in formatting.pipe_table(pd.DataFrame({"x": ["a|b"]}), "x", "c")


@pytest.mark.parametrize(
    ("p", "text"), [(0.0004, "< 0.001"), (0.001, "0.001"), (0.04567, "0.046"), (float("nan"), "n/a")]
)
def test_pvalue_formatting(p, text):
    assert formatting.pvalue(p) == text


def test_interval_and_percent_formatting():
    assert formatting.interval(0.1234, 0.5, 1) == "0.1–0.5"
    assert formatting.interval(12.34, 56.78, 1, percent=True) == "12.3–56.8%"
    assert formatting.pct(90.909) == "90.9%" and formatting.pct(None) == "n/a"


def test_expand_resolves_includes_and_nested_variables(tmp_path):
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "t.md").write_text("table with {{< var a.b >}}")
    text = "x {{< var n >}} y\n{{< include tables/t.md >}}"
    assert render.expand(text, tmp_path, {"n": 77, "a": {"b": "42%"}}) == "x 77 y\ntable with 42%"
    with pytest.raises(KeyError, match="a.c"):
        render.expand("{{< var a.c >}}", tmp_path, {"a": {"b": 1}})


def stub_quarto(folder: Path, version: str) -> Path:
    """A ``quarto`` on PATH that only says its version."""
    stub = folder / "quarto"
    stub.write_text(f"#!/bin/sh\necho {version}\n")
    stub.chmod(0o755)
    return folder


def test_renderer_choice(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no quarto
    assert render.choose_renderer("auto") == ("pandoc", None)
    assert render.choose_renderer("pandoc") == ("pandoc", None)
    with pytest.raises(RuntimeError, match="quarto is not on PATH"):
        render.choose_renderer("quarto")
    monkeypatch.setenv("PATH", str(stub_quarto(tmp_path, "1.7.34")))
    assert render.choose_renderer("auto") == ("quarto", None)
    assert render.choose_renderer("pandoc") == ("pandoc", None)


def test_a_quarto_outside_the_supported_range_is_named_with_the_range(monkeypatch, tmp_path):
    from leisurenet import quarto

    assert quarto.RANGE == ">=1.7,<1.10" and quarto.DESCRIBED == "Quarto 1.7 to 1.9"
    monkeypatch.setenv("PATH", str(stub_quarto(tmp_path, "1.6.42")))
    renderer, note = render.choose_renderer("auto")
    assert renderer == "pandoc"
    assert note.startswith("Quarto 1.6.42 on PATH is older than the supported range (>=1.7,<1.10")
    assert "rendered with the fallback" in note
    with pytest.raises(RuntimeError, match="paper.renderer is 'quarto', but Quarto 1.6.42 on PATH is older"):
        render.choose_renderer("quarto")
    monkeypatch.setenv("PATH", str(stub_quarto(tmp_path, "1.10.3")))
    renderer, note = render.choose_renderer("auto")
    assert renderer == "quarto" and "Quarto 1.10.3 on PATH is newer than the tested range" in note
    assert "untested" in note
    monkeypatch.setenv("PATH", str(stub_quarto(tmp_path, "1.9.38")))
    assert render.choose_renderer("auto") == ("quarto", None)
    assert [quarto.standing(v) for v in ("1.6.9", "1.7.0", "1.9.99", "1.10.0-rc1", "2.0.1")] == [
        "older", "supported", "supported", "newer", "newer",
    ]  # fmt: skip


def test_the_typst_version_is_that_of_the_compiler_that_writes_the_pdf(tmp_path):
    """The version the colophon names is the one the compiler writes into a PDF's metadata, not
    the Python binding's (``typst.__version__``, released on its own)."""
    import pypdf

    source, manuscript = tmp_path / "page.typ", tmp_path / "page.qmd"
    source.write_text("One page.\n", encoding="utf-8")
    manuscript.write_text(
        '---\ntitle: "A \\"quoted\\" één"\nauthor: Us\nlang: nl\n---\n\nText\n', encoding="utf-8"
    )
    render.compile_pdf(source, manuscript)
    pdf = pypdf.PdfReader(tmp_path / "page.pdf")
    assert pdf.metadata["/Creator"] == f"Typst {render.typst_version()}"
    # and the manuscript's title, author and language, which a screen reader announces
    assert (pdf.metadata.title, pdf.metadata.author) == ('A "quoted" één', "Us")
    assert pdf.trailer["/Root"]["/Lang"] == "nl"


def test_audit_variables_without_published_figures(prose):
    empty = pd.DataFrame(columns=["figure_id"])
    assert reproduction.audit_variables(empty, prose)["abstract"] == ""


# --- the generated sentences, on crafted results ---------------------------------------


def crosstab_tests(p_exact, p_holm):
    return pd.DataFrame(
        {
            "crosstab": ["role_act_by_size", "role_vis_by_size"],
            "row_var": ["role_act", "role_vis"],
            "col_var": ["size_class", "size_class"],
            "p_exact": p_exact,
            "p_holm": p_holm,
            "cramers_v": [0.3, 0.1],
            "cramers_v_corrected": [0.2, 0.0],
            "share_expected_below_5": [0.5, 0.0],
            "min_expected": [1.5, 6.0],
            "exact_method": ["exact (network algorithm)", "Monte Carlo, 1000 draws, seed 1"],
            "n_draws": [0, 1000],
            "p_exact_mc_se": [float("nan"), 0.0158],
        }
    )


def test_crosstab_sentences_follow_the_p_values_and_alpha(prose):
    tests = crosstab_tests([0.01, 0.5], [0.02, 0.5])
    significant = crosstabs.crosstab_variables(tests, "role_act_by_size", 0.05, prose)
    assert significant["sentence"].startswith(
        "For the coordinator's role for the actions by municipality size class, the exact test gives "
        "p = 0.010"
    )
    assert "evidence of an association" in significant["sentence"]
    assert "no evidence" not in significant["sentence"]
    assert "1 reach p < 0.05" in significant["discussion"]
    assert "(the coordinator's role for the actions by municipality size class)" in significant["discussion"]
    strict = crosstabs.crosstab_variables(tests, "role_act_by_size", 0.001, prose)
    assert "no evidence of an association at the 0.001 level" in strict["sentence"]
    assert "none reaches p < 0.001" in strict["discussion"]
    assert "50% of the expected counts" in strict["expected_sentence"]
    assert "Monte Carlo" not in significant["sentence"]
    assert "(1 of 2 cross-tabs), it is estimated from 1,000 random tables" in significant["method"]
    estimated = crosstabs.crosstab_variables(tests, "role_vis_by_size", 0.05, prose)
    assert "p = 0.500 (a Monte Carlo estimate, standard error 0.0158)" in estimated["sentence"]
    exact = crosstabs.exact_method_text(tests.assign(exact_method="exact (network algorithm)"), prose)
    assert "Every exact p-value sums the probabilities of all tables" in exact
    missing = crosstabs.crosstab_variables(tests, "role_obj_by_size", 0.05, prose)
    assert "role for the objectives by municipality size class was not computed" in missing["sentence"]
    assert missing["abstract"] == missing["expected_sentence"] == ""


def fit_table(flag="", po_p=0.2):
    return pd.DataFrame(
        {
            "model": ["m"],
            "family": ["ordinal_logit"],
            "formula": ["y ~ size_class (reference: size_class=small)"],
            "n": [50],
            "n_parameters": [float("nan")],
            "loglik": [-10.0],
            "aic": [24.0],
            "po_p": [po_p],
            "flag": [flag],
        }
    )


def test_model_sentence_reports_its_checks(prose):
    coefficients = pd.DataFrame(
        {
            "model": ["m", "m"],
            "term": ["threshold[1|2]", "size_class[large]"],
            "odds_ratio": [float("nan"), 2.5],
            "or_ci_low": [float("nan"), 1.1],
            "or_ci_high": [float("nan"), 5.0],
            "p_value": [0.5, 0.03],
        }
    )
    variables = regression.model_variables(coefficients, fit_table("po_boundary;low_epp", 0.01), "m", prose)
    text = variables["sentence"]
    assert text.startswith("In the model m (n = 50), ")  # not in config/models.yaml: named by its ID
    assert "the odds ratio of large against small municipalities is 2.50 [1.10–5.00] (p = 0.030)" in text
    assert "proportional-odds assumption gives p = 0.010, and the fit is flagged for a rough test" in text
    assert "and few events per parameter." in text
    assert "threshold" not in text
    assert variables["abstract"] == (
        "In the model m, the odds ratios by municipality size are 2.50 [1.10–5.00] for large against small "
        "municipalities."
    )
    failed = regression.model_variables(coefficients, fit_table(), "rep_voice_ordinal", prose)
    assert failed["sentence"] == (
        "The ordinal model of the representation of the voice of people in poverty could not be fitted "
        "(see its flags in the fit table)."
    )
    # a model without parameters does not crash
    assert "| n/a |" in regression.model_fit_table(fit_table(), prose)


def test_role_sentence_names_ties(prose):
    roles = pd.Categorical(["coproducer", "facilitator", "coproducer", "facilitator"])
    recoded = pd.DataFrame({"role_vis": roles, "role_obj": roles, "role_act": pd.Categorical(["mixed"] * 4)})
    text = descriptives.role_variables(recoded, prose)["modal_sentence"]
    assert text.startswith("not the same in every domain")
    assert "for the vision, coproducer and facilitator (2 of 4)" in text
    assert "for the actions, mixed (4 of 4)" in text


def test_on_the_replica_every_verdict_is_said_of_the_replica_not_of_the_networks(codebook, config, prose):
    # The same results worded for the survey's data and for the synthetic replica: each
    # sentence that states a test's verdict says, on the replica only, whose data it describes.
    replica = replace(prose, scope=Prose.from_config(prose.wording, codebook, {}, {}, synthetic=True).scope)
    tests = crosstab_tests([0.01, 0.5], [0.02, 0.5])
    nonresponse = pd.DataFrame({"test": ["chi_square", "fisher_freeman_halton"], "p_value": [0.04, 0.03]})
    paired = pd.DataFrame({"rank_biserial": [0.6], "p_value": [0.001]})
    from .test_paper_wording import STUDY, flow, multiverse_specs, weighted_results

    def verdicts(words: Prose) -> list[str]:
        said = crosstabs.crosstab_variables(tests, "role_act_by_size", 0.05, words)
        weighted = weighted_comparison.weighting_variables(
            weighted_results(codebook), flow(True), {"method": "poststratify", "poststrata": "size_class"},
            STUDY, words,
        )  # fmt: skip
        mixed = robustness.multiverse_variables(
            multiverse_summary([3, 5, 24]), multiverse_specs(), 0.05, {}, words
        )
        steady = robustness.multiverse_variables(
            multiverse_summary([0, 0, 24]), multiverse_specs(), 0.05, {}, words
        )
        return [
            said["sentence"],
            said["discussion"],
            descriptives.nonresponse_variables(nonresponse, 0.05, words)["sentence"],
            descriptives.paired_variables(paired, 0.05, words)["sentence"],
            weighted["discussion"],
            mixed["discussion"],
            steady["discussion"],
        ]

    for real, synthetic in zip(verdicts(prose), verdicts(replica), strict=True):
        assert "replica" not in real
        assert " in the synthetic replica" in synthetic
        assert synthetic.replace(" in the synthetic replica", "") == real


def test_nonresponse_and_paired_sentences(prose):
    test = pd.DataFrame({"test": ["chi_square", "fisher_freeman_halton"], "p_value": [0.04, 0.03]})
    assert "differs from" in descriptives.nonresponse_variables(test, 0.05, prose)["sentence"]
    assert "does not differ" in descriptives.nonresponse_variables(test, 0.01, prose)["sentence"]
    no_frame = pd.DataFrame({"test": ["none"], "p_value": [float("nan")]})
    assert "cannot be compared" in descriptives.nonresponse_variables(no_frame, 0.05, prose)["sentence"]
    paired = pd.DataFrame({"rank_biserial": [0.6, -0.2, 0.1], "p_value": [0.001, 0.01, 0.2]})
    assert "in 1 of the 3 comparisons" in descriptives.paired_variables(paired, 0.05, prose)["sentence"]


def test_audit_sentences_count_by_status(prose):
    audit = pd.DataFrame(
        {
            "figure_id": ["a", "b", "c"],
            "items": ["vis_defined"] * 3,
            "published": [91.0, 89.7, 50.0],
            "n_base": [77] * 3,
            "granularity": ["consistent", "summed_rounding", "summed_rounding"],
            "status": ["reproduced", "reproduced_as_published", "not_reproduced"],
            "conflicts_with": ["", "", ""],
            "nearest_base": [77, 68, 76],
        }
    )
    text = reproduction.audit_variables(audit, prose)
    assert text["appendix"].startswith(
        "Reproduced exactly: 1; only by the study's summed rounding: 1; not at all: 1."
    )
    assert ": 2 that a sum of rounded category percentages gives" in text["appendix"]
    assert text["abstract"].startswith("Of the 3 published figures, 2 are reproduced as printed;")
    assert "by construction" not in text["abstract"] + text["appendix"]
    # "every" only when every figure is reproduced; on synthetic data, "by construction"
    every = reproduction.audit_variables(audit.assign(status="reproduced"), prose, synthetic=True)
    assert every["abstract"].startswith(
        "Every one of the 3 published figures is reproduced as printed (by construction: the synthetic "
        "replica was generated to give them); 2 fit no plausible base"
    )
    assert "not at all: 0 (by construction: the synthetic replica" in every["appendix"]


def multiverse_summary(n_significant: list[int]) -> pd.DataFrame:
    terms = ["cramers_v", "size_class[medium]", "size_class[large]"]
    return pd.DataFrame(
        {
            "finding": ["role_act_by_size", "size_effect", "size_effect"],
            "term": terms,
            "n_specs": 24,
            "n_estimated": 24,
            "n_significant": n_significant,
            "estimate_study": [0.19, 1.02, 2.54],
            "estimate_min": [0.13, 0.59, 1.96],
            "estimate_median": [0.2, 0.9, 2.5],
            "estimate_max": [0.24, 1.61, 4.61],
        }
    )


def test_multiverse_names_only_the_choices_it_varies(prose):
    from .test_paper_wording import multiverse_specs

    one = multiverse_specs()
    summary = multiverse_summary([0, 0, 24])
    variables = robustness.multiverse_variables(summary, one, 0.05, {}, prose)
    assert variables["choices"] == "no choice (it has a single specification)"
    specs = pd.concat(
        [one.assign(spec=f"s{i}", size_breaks=b, weighting=w) for i, (b, w) in enumerate(
            [("study", "unweighted"), ("lower", "unweighted"), ("study", "weighted"), ("lower", "weighted")]
        )]
    )  # fmt: skip
    variables = robustness.multiverse_variables(summary, specs, 0.05, {}, prose)
    assert (
        variables["choices"]
        == "the size-class cut points and whether the respondents are weighted to the frame"
    )
    assert "governance role" not in variables["choices"] and "don't know" not in variables["choices"]


def test_multiverse_sentences_follow_the_summary(prose):
    from .test_paper_wording import multiverse_specs

    references = {"size_class": "small"}
    steady = robustness.multiverse_variables(
        multiverse_summary([0, 0, 24]), multiverse_specs(), 0.05, references, prose
    )
    assert steady["n_specs"] == "24"
    assert "large against small municipalities ranges from 1.96 to 4.61 (study: 2.54)" in steady["sentence"]
    assert "significant at 0.05 in 24 of 24" in steady["sentence"]
    assert (
        "the association of the coordinator's role for the actions by municipality size class is significant "
        "in 0 of 24 specifications (Cramér's V 0.13–0.24, study 0.19)" in steady["sentence"]
    )
    assert "does not change these verdicts" in steady["discussion"]
    mixed = robustness.multiverse_variables(
        multiverse_summary([3, 5, 24]), multiverse_specs(), 0.05, references, prose
    )
    assert mixed["discussion"] == (
        "The sensitivity analysis qualifies them: the verdict depends on the choices it varies (the "
        "association of the coordinator's role for the actions by municipality size class is significant in "
        "3 of 24; the "
        "odds ratio of medium against small municipalities is significant in 5 of 24)."
    )


def test_bootstrap_table_and_sentence(prose):
    intervals = pd.DataFrame(
        {
            "term": ["size_class[large]"],
            "odds_ratio": [2.54],
            "or_ci_low": [0.92],
            "or_ci_high": [8.2],
            "boot_se": [0.56],
            "n_valid": [1990],
            "n_replicates": [2000],
        }
    )
    coefficients = pd.DataFrame(
        {
            "model": ["m"],
            "term": ["size_class[large]"],
            "or_ci_low": [0.83],
            "or_ci_high": [7.76],
            "std_error": [0.57],
        }
    )
    fit = fit_table()
    table = robustness.bootstrap_table(intervals, coefficients, fit, "m", prose, "95")
    row = (
        "| Large against small municipalities | 2.54 | 0.83–7.76 | 0.92–8.20 | 0.57 | 0.56 | 1,990 of 2,000 |"
    )
    assert row in table
    assert table.rstrip().endswith("{#tbl-bootstrap}")
    settings = {"replicates": 2000, "seed": 7}
    text = robustness.bootstrap_variables(intervals, settings, "m", fit, prose)["sentence"]
    assert "2,000 times (seed 7)" in text and "0.92–8.20 for large against small municipalities" in text
    assert "up to 10 replicates had no finite estimate" in text


def test_the_study_specification_is_the_bold_row_of_the_multiverse_table(prose):
    from .test_paper_wording import multiverse_specs

    other = multiverse_specs().assign(spec="s2", study=False, size_breaks="lower")
    specs = pd.concat([multiverse_specs(), other])
    table = robustness.multiverse_table(specs, "role_act_by_size", {"size_class": "small"}, prose, "95")
    body = table.splitlines()[2:4]
    cells = [line.strip("| ").split(" | ") for line in body]
    assert all(c.startswith("**") and c.endswith("**") for c in cells[0])
    assert not any("**" in c for c in cells[1])


# --- weighting ------------------------------------------------------------------------------


def test_the_weighted_model_is_named_after_its_model(prose):
    from leisurenet.analysis import weighted_models
    from leisurenet.paper import prose as prose_module

    assert prose_module.WEIGHTED_SUFFIX == weighted_models.WEIGHTED_SUFFIX  # not imported: keeps SciPy out
    assert prose.model("rep_voice_ordinal_weighted") == (
        "survey-weighted ordinal model of the representation of the voice of people in poverty"
    )
    frame = pd.DataFrame({"model": ["a", "b_weighted", "b", "a_weighted", "c_weighted"], "row": range(5)})
    assert list(regression.beside_its_model(frame)["model"]) == [
        "a",
        "a_weighted",
        "b",
        "b_weighted",
        "c_weighted",
    ]


def test_weighted_table_shows_the_items_that_change_most(prose, codebook):
    from .test_paper_wording import STUDY, weighted_results

    shares = [50.0, 41.0, 52.0, 50.5, 55.0, 49.0, 50.2, 48.0, 50.1, 58.0, 50.0]
    results = weighted_results(codebook, shares=shares, p=(0.02, 0.0004), model=((2.5, 0.1), (2.6, 0.004)))
    table = weighted_comparison.weighted_table(
        results, STUDY["headline_crosstab"], STUDY["primary_model"], prose
    )
    lines = table.splitlines()
    assert lines[0] == "| Estimate | Unweighted | Weighted |"
    items = codebook.item_ids
    # by the absolute change: 41 (-9), 58 (+8), 55 (+5), 52 (+2), 48 (-2), then 49 (-1), 50.5, 50.2
    labels = [prose.variable(f"{item}_cat") for item in items]
    order = [1, 9, 4, 2, 7, 5, 3, 6]
    for line, index in zip(lines[2:10], order, strict=True):
        assert formatting.escape(labels[index][0].upper() + labels[index][1:]) in line
    assert "| 50.0% \\[40.0–60.0\\] | 41.0% \\[45.0–55.0\\] |" in lines[2]
    assert lines[10] == (
        "| Test of the coordinator's role for the actions by municipality size class: p | 0.020 (exact) | "
        "< 0.001 (Rao–Scott F = 3.20) |"
    )
    assert lines[11] == (
        "| Odds ratio: large against small municipalities | 2.50 \\[1.25–5.00\\], p = 0.100 | "
        "2.60 \\[1.30–5.20\\], p = 0.004 |"
    )
    assert "for the 8 items whose share changes most" in table
    assert "(unweighted hypergeometric; weighted logit intervals, with the finite-population" in table
    assert table.rstrip().endswith("{#tbl-weighted}")


def test_weighting_sentences_follow_the_numbers(prose, codebook):
    from .test_paper_wording import STUDY, flow, weighted_results

    settings = {"method": "poststratify", "poststrata": "size_class"}
    same = weighted_comparison.weighting_variables(
        weighted_results(codebook), flow(True), settings, STUDY, prose
    )
    assert same["method"].startswith(
        "For the weighted estimates, the 77 respondents are treated as a simple random sample without "
        "replacement from the frame of 104 networks, post-stratified on municipality size class: "
    )
    assert "(with it, as 74.0% of the frame answered, their p-values are far smaller)" in same["method"]
    assert "[@lumley2004]" in same["method"] and "[@rao1984]" in same["method"]
    assert "change by at most 3.0 percentage points, for " in same["results"]
    assert "(50.0% unweighted, 47.0% weighted). @tbl-weighted gives the 3 of the 3 items" in same["results"]
    assert (
        "the weighted Rao–Scott test gives p = 0.030, the exact test of the unweighted table p = 0.030"
        in (same["results"])
    )
    assert (
        "are 2.50 [1.25–5.00] for large against small municipalities (unweighted 2.50 [1.25–5.00])."
        in (same["results"])
    )
    assert same["discussion"] == (
        "Weighting the respondents to the frame changes none of these verdicts: every cross-tab's verdict at "
        "the 0.05 level after Holm's adjustment within its family is the same under the unweighted exact "
        "test and the weighted Rao–Scott test; the survey-weighted model m gives the size effects the "
        "direction and the significance they have unweighted; no item's share of positive answers changes "
        "by more than 3.0 percentage points."
    )
    assert same["figure_note"].startswith("The intervals of the survey-weighted model are design-based")

    flipped = weighted_results(codebook, p=(0.03, 0.07), model=((2.5, 0.1), (0.8, 0.2)))
    text = weighted_comparison.weighting_variables(flipped, flow(True), settings, STUDY, prose)["discussion"]
    assert text.startswith("Weighting the respondents to the frame changes some of these verdicts: ")
    assert (
        "disagree on the coordinator's role for the actions by municipality size class (adjusted exact "
        "p = 0.030, adjusted weighted p = 0.070)" in text
    )
    assert (
        "the odds ratio of large against small municipalities changes direction (2.50 unweighted, 0.80"
        in text
    )
    # The same p-values, each doubled by Holm's adjustment: significant before adjustment
    # unweighted only, neither after it, so no verdict changes.
    adjusted = weighted_results(codebook, p=(0.03, 0.07), holm=2.0)
    text = weighted_comparison.weighting_variables(adjusted, flow(True), settings, STUDY, prose)["discussion"]
    assert text.startswith(
        "Weighting the respondents to the frame changes none of these verdicts: every cross-tab's"
    )
    significant = weighted_results(codebook, model=((2.5, 0.1), (2.5, 0.0001)))
    text = weighted_comparison.weighting_variables(significant, flow(True), settings, STUDY, prose)
    text = text["discussion"]
    assert "in the survey-weighted model m, the odds ratio of large" in text
    assert "becomes significant at the 0.05 level (2.50, p < 0.001; unweighted 2.50, p = 0.100)" in text
    lost = weighted_results(codebook, model=((2.5, 0.01), (2.5, 0.2)))
    text = weighted_comparison.weighting_variables(lost, flow(True), settings, STUDY, prose)["discussion"]
    assert "is no longer significant at the 0.05 level" in text
    crossed = {"method": "poststratify", "poststrata": ["size_class", "province"]}
    method = weighted_comparison.weighting_variables(lost, flow(True), crossed, STUDY, prose)["method"]
    assert "post-stratified on the cells of municipality size class and province crossed: " in method
    raked = {"method": "rake", "poststrata": ["size_class", "province"]}
    method = weighted_comparison.weighting_variables(lost, flow(True), raked, STUDY, prose)["method"]
    assert "raked to the frame's margins of municipality size class and province: " in method


def test_without_weights_the_method_says_why_and_nothing_else_is_weighted(prose, codebook):
    from .test_paper_wording import STUDY, flow, weighted_results

    empty = weighted_results(codebook, empty=True)
    no_frame = weighted_comparison.weighting_variables(
        empty, flow(False), {"method": "poststratify"}, STUDY, prose
    )
    assert no_frame["method"] == (
        "The estimates are not weighted for non-response: without a population frame there are no counts of "
        "networks to weight the respondents to."
    )
    off = weighted_comparison.weighting_variables(empty, flow(True), None, STUDY, prose)
    assert off["method"].startswith(
        "The estimates are not weighted for non-response: the analysis was set up"
    )
    for variables in (no_frame, off):
        assert variables["results"] == variables["discussion"] == variables["figure_note"] == ""
    assert weighted_comparison.weighted_table(empty, "role_act_by_size", "m", prose) == ""
    coefficients = empty.coefficients.assign(equation="", equation_reference="", flag="")
    assert "survey-weighted" not in regression.models_table(coefficients, empty.fit, prose, "95")
