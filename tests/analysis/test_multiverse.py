"""The multiverse: its specifications, its recodings, and the study's specification
reproducing the pipeline's own cross-tab and model."""

import copy
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from leisurenet.analysis.crosstab import crosstab_tests
from leisurenet.analysis.models import fit_model, load_model_specs
from leisurenet.analysis.multiverse import (
    COLUMNS,
    dont_know_as_neutral,
    outcome_coding,
    run_specification,
    summary,
)
from leisurenet.analysis.weighted import weighted_tests
from leisurenet.analysis.weighted_models import fit_weighted_ordinal
from leisurenet.analysis.weighting import design_for
from leisurenet.data.recode import recode
from leisurenet.paths import ROOT
from leisurenet.workflow.plan import batches, by_name, job_settings, specifications

from .test_weighted import pipeline_frame

SPECS = load_model_specs(ROOT / "config" / "models.yaml")
PRIMARY = SPECS["models"]["rep_voice_ordinal"]


def test_every_combination_once_and_the_study_among_them(config):
    specs = specifications(config)
    mv = config["multiverse"]
    expected = math.prod(
        len(mv[d]) for d in ("size_breaks", "role_rule", "dont_know", "neutral", "weighting")
    )
    assert len(specs) == expected == len(by_name(config)) == 48
    study = [s for s in specs if s.study]
    assert len(study) == 1
    assert study[0].name == "size-study.role-highest.dk-missing.outcome-five_point.weights-unweighted"
    assert mv["size_breaks"][study[0].size_breaks] == config["size_class"]["breaks"]


@pytest.mark.parametrize("jobs", [1, 2, 5, 7, 48, 60])
def test_jobs_share_the_specifications_in_order_and_in_near_equal_parts(config, jobs):
    names = list(by_name(config))  # 48
    shared = batches(names, jobs)
    assert len(shared) == min(jobs, len(names))
    assert [name for job in shared.values() for name in job] == names
    sizes = [len(job) for job in shared.values()]
    assert max(sizes) - min(sizes) <= 1
    if jobs < len(names):
        assert list(shared) == [f"{k}-of-{jobs}" for k in range(1, jobs + 1)]


def test_no_jobs_given_is_one_job_per_specification_named_by_it(config):
    names = list(by_name(config))
    assert batches(names, 0) == {name: [name] for name in names}
    with pytest.raises(ValueError, match="multiverse_jobs"):
        batches(names, -1)


def test_the_study_must_be_in_the_multiverse(config):
    changed = copy.deepcopy(config)
    changed["multiverse"]["size_breaks"] = {"lower": [10000, 30000]}
    with pytest.raises(ValueError, match="size_breaks"):
        specifications(changed)
    changed = copy.deepcopy(config)
    changed["multiverse"]["dont_know"] = ["neutral"]
    with pytest.raises(ValueError, match="dont_know: missing"):
        specifications(changed)
    changed = copy.deepcopy(config)
    changed["multiverse"]["neutral"] = ["five_point", "sometimes"]
    with pytest.raises(ValueError, match="unknown"):
        specifications(changed)
    changed = copy.deepcopy(config)
    changed["multiverse"]["weighting"] = ["weighted"]
    with pytest.raises(ValueError, match="weighting: unweighted"):
        specifications(changed)


@pytest.mark.parametrize("change", [{"weighting": None}, {"data": {"frame": None}}])
def test_nothing_weighted_without_weighting_or_a_frame(config, change):
    changed = copy.deepcopy(config)
    for key, value in change.items():
        changed[key] = value if value is None else changed[key] | value
    specs = specifications(changed)
    assert len(specs) == 24 and {s.weighting for s in specs} == {"unweighted"}


def test_dont_know_becomes_neutral_only_where_the_scale_has_a_neutral_code(cleaned, codebook):
    changed, n = dont_know_as_neutral(codebook, cleaned)
    expected = 0
    for item in codebook.item_ids:
        was = cleaned[f"{item}_missing"] == "dont_know"
        neutral = [c for c, lev in codebook.collapse_map(item).items() if lev == "neutral"]
        if neutral:
            expected += int(was.sum())
            assert (changed.loc[was, item] == neutral[0]).all()
            assert changed.loc[was, f"{item}_missing"].isna().all()
        else:
            assert changed[item].equals(cleaned[item])
        assert changed.loc[~was, item].equals(cleaned.loc[~was, item])
    assert n == expected > 0


def test_outcome_codings(codebook):
    codes = pd.Series([1, 2, 3, 4, 5, None], dtype="Int8")
    assert outcome_coding(codebook, codes, "rep_voice", "five_point") is codes
    three = outcome_coding(codebook, codes, "rep_voice", "three_point")
    assert list(three.astype(object)) == ["negative", "negative", "neutral", "positive", "positive", np.nan]
    assert list(three.cat.categories) == ["negative", "neutral", "positive"] and three.cat.ordered
    agree = outcome_coding(codebook, codes, "rep_voice", "agree_vs_rest")
    assert list(agree.astype(object)[:5]) == ["rest", "rest", "rest", "positive", "positive"]
    assert list(agree.cat.categories) == ["rest", "positive"]
    disagree = outcome_coding(codebook, codes, "rep_voice", "disagree_vs_rest")
    assert list(disagree.cat.categories) == ["negative", "rest"]
    assert list(disagree.astype(object)[:5]) == ["negative", "negative", "rest", "rest", "rest"]


def test_the_study_specification_is_the_pipelines_analysis(cleaned, recoded, codebook, config):
    study = next(s for s in specifications(config) if s.study)
    table, _ = run_specification(codebook, cleaned, job_settings(config, study), PRIMARY, study)
    assert list(table.columns) == COLUMNS and table["study"].all()
    analysis = config["analysis"]
    test = crosstab_tests(
        recoded, "role_act", "size_class", draws=analysis["monte_carlo_draws"], seed=analysis["seed"],
        max_tables=analysis["exact_max_tables"],
    )  # fmt: skip
    row = table.set_index("term").loc["cramers_v"]
    assert row["p_value"] == test["p_exact"] and row["estimate"] == test["cramers_v"]
    assert np.isnan(row["p_value_mc_se"]) and np.isnan(test["p_exact_mc_se"])  # exact here
    model = fit_model(recoded, "rep_voice_ordinal", PRIMARY, SPECS["checks"], 0.95).coefficients.set_index(
        "term"
    )
    for term in ("size_class[medium]", "size_class[large]"):
        ours = table.set_index("term").loc[term]
        for col, theirs in (("estimate", "odds_ratio"), ("ci_low", "or_ci_low"), ("ci_high", "or_ci_high")):
            assert ours[col] == pytest.approx(model.loc[term, theirs], rel=1e-5)
        assert ours["p_value"] == pytest.approx(model.loc[term, "p_value"], rel=1e-4)


def test_other_specifications_change_what_they_should(cleaned, recoded, codebook, config):
    specs = by_name(config)

    def findings(name):
        table, notes = run_specification(
            codebook, cleaned, job_settings(config, specs[name]), PRIMARY, specs[name]
        )
        return table.set_index("term"), notes

    lower = findings("size-lower.role-highest.dk-missing.outcome-five_point.weights-unweighted")[0]
    study = findings("size-study.role-highest.dk-missing.outcome-five_point.weights-unweighted")[0]
    assert lower.loc["size_class[large]", "estimate"] != study.loc["size_class[large]", "estimate"]
    spec = specs["size-study.role-highest_agreed.dk-neutral.outcome-agree_vs_rest.weights-unweighted"]
    assert job_settings(config, spec)["governance_role"]["rule"] == "highest_agreed"
    agreed, notes = findings(spec.name)
    assert any("counted as neutral" in note for note in notes)
    # agree against the rest: the model is the binary logit of agreement, a check by statsmodels
    data = recode(codebook, dont_know_as_neutral(codebook, cleaned)[0], job_settings(config, spec))
    data = data[["rep_voice", "size_class", "role_act"]].dropna()
    data = data.assign(agree=(data["rep_voice"] >= 4).astype(int), size=data["size_class"].astype(str),
                       role=data["role_act"].astype(str))  # fmt: skip
    logit = smf.logit("agree ~ C(size, Treatment('small')) + C(role, Treatment('coproducer'))", data).fit(
        disp=False
    )
    large = agreed.loc["size_class[large]"]
    assert math.log(large["estimate"]) == pytest.approx(
        logit.params["C(size, Treatment('small'))[T.large]"], abs=1e-5
    )


def test_a_weighted_specification_is_the_weighted_analysis_without_the_fpc(
    replica, cleaned, recoded, codebook, config
):
    spec = by_name(config)["size-study.role-highest.dk-missing.outcome-five_point.weights-weighted"]
    frame = pipeline_frame(replica.frame, recoded)
    table, _ = run_specification(codebook, cleaned, job_settings(config, spec), PRIMARY, spec, frame)
    table = table.set_index("term")
    design = design_for(recoded, frame, config["weighting"], config["size_class"])
    test = weighted_tests(recoded, config["crosstabs"], design).set_index("crosstab").loc["role_act_by_size"]
    assert table.loc["cramers_v", "p_value"] == test["p_F_no_fpc"]
    assert table.loc["cramers_v", "estimate"] == pytest.approx(math.sqrt(test["chisq"] / (77 * 2)), rel=1e-12)
    with_fpc = fit_weighted_ordinal(recoded, design, "rep_voice_ordinal", PRIMARY).coefficients.set_index(
        "term"
    )
    large = table.loc["size_class[large]"]
    assert large["estimate"] == pytest.approx(with_fpc.loc["size_class[large]", "odds_ratio"], rel=1e-12)
    # the same estimate; the standard error without the correction is larger by 1 / sqrt(1 - 77/104)
    width = math.log(large["ci_high"] / large["ci_low"])
    width_fpc = math.log(
        with_fpc.loc["size_class[large]", "or_ci_high"] / with_fpc.loc["size_class[large]", "or_ci_low"]
    )
    assert width == pytest.approx(width_fpc / math.sqrt(1 - 77 / 104), rel=1e-9)


def test_summary_counts_significant_specifications():
    table = pd.DataFrame(
        {
            "spec": ["a", "b", "c"],
            "study": [True, False, False],
            "finding": "size_effect",
            "term": "size_class[large]",
            "estimate": [2.0, 1.0, np.nan],
            "p_value": [0.01, 0.2, np.nan],
        }
    )
    row = summary(table, 0.05).iloc[0]
    assert (row["n_specs"], row["n_estimated"], row["n_significant"]) == (3, 2, 1)
    assert (row["estimate_study"], row["estimate_min"], row["estimate_max"]) == (2.0, 1.0, 2.0)


def test_a_job_reads_only_its_own_choices(config):
    """Adding an alternative or changing the paper leaves the other jobs' settings (their
    params, which Snakemake compares to decide on a rerun) as they were."""
    study = next(s for s in specifications(config) if s.study)
    before = job_settings(config, study)
    changed = copy.deepcopy(config)
    changed["multiverse"]["size_breaks"]["much_lower"] = [5000, 20000]
    changed["paper"]["renderer"] = "pandoc"
    assert job_settings(changed, study) == before
    assert before["size_class"]["breaks"] == config["size_class"]["breaks"]
