"""The survey-weighted proportional-odds model, pinned to R's survey package (4.1.1).

The R values come from the ``recoded`` and ``other_recoded`` fixtures written out with
``resp_id``, ``size_class``, ``role_act``, ``rep_voice`` (empty where missing) and the frame
size ``N`` (104 and 162); the frame's class counts are those of the ``replica`` and
``other_replica`` frames. In R:

    d <- read.csv("r.csv")
    d$size_class <- factor(d$size_class, levels = c("small", "medium", "large"))
    d$role_act <- relevel(factor(d$role_act), ref = "coproducer")
    d$rep_voice <- factor(d$rep_voice)
    pop <- data.frame(size_class = c("small", "medium", "large"), Freq = c(45, 39, 20))  # c(70, 61, 31)
    ps <- postStratify(svydesign(ids = ~1, fpc = ~N, data = d), ~size_class, pop)

The second data set has 5 missing ``rep_voice``. There ``svyolr(rep_voice ~ size_class +
role_act, design = ps)`` stops ("y values must be 0 <= y <= 1" in ``glm.fit``): it subsets the
post-stratified design with ``design[-nao, ]``, which keeps every row with weight zero for the
dropped ones (a domain), and then pairs those weights with the complete-case rows. The fit it
means is run on that domain, the missing answers set to any level (their weight is zero; the
level chosen does not change a digit):

    used <- complete.cases(d[, c("rep_voice", "size_class", "role_act")])
    dom <- ps[used, ]
    dom$variables$rep_voice[!used] <- levels(d$rep_voice)[1]

On the replica (no missing value) ``dom`` is ``ps``. ``optim``'s default BFGS stops about 3e-5
from the optimum, so the values pinned to 1e-6 pass a tighter tolerance through ``svyolr``'s
``...``; the default call's values are pinned to 1e-4:

    m <- svyolr(rep_voice ~ size_class + role_act, design = dom,
                control = list(reltol = 1e-16, maxit = 1000))
    sprintf("%s %.15g %.15g", names(coef(m)), coef(m), SE(m))

svyolr's Hessian is optim's finite-difference one, ours is analytic: that alone moves the SEs by
up to 5e-7 (with optim's Hessian emulated they agree to 2e-9).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from leisurenet.analysis.modelresult import COEFFICIENT_COLUMNS, FIT_COLUMNS
from leisurenet.analysis.models import load_model_specs
from leisurenet.analysis.weighted_models import fit_weighted_ordinal
from leisurenet.analysis.weighting import Design, WeightingError, poststratified, without_fpc
from leisurenet.data.recode import size_class

from ..conftest import ROOT

BREAKS, LABELS = [15000, 40000], ["small", "medium", "large"]
# R's term names -> ours
TERMS = {
    "size_classmedium": "size_class[medium]",
    "size_classlarge": "size_class[large]",
    "role_actcommissioner": "role_act[commissioner]",
    "role_actfacilitator": "role_act[facilitator]",
    "role_actmixed": "role_act[mixed]",
}

# m <- svyolr(..., design = dom, control = list(reltol = 1e-16, maxit = 1000)); coef(m), SE(m)
SVYOLR = {
    "replica": {
        "size_classmedium": (0.0230377862413825, 0.277065037576219),
        "size_classlarge": (0.932698588749444, 0.255498679716741),
        "role_actcommissioner": (-0.569119045030143, 0.285745871268865),
        "role_actfacilitator": (-0.571862263797379, 0.259348343524572),
        "role_actmixed": (-0.246179039761133, 0.318322679583746),
        "1|2": (-1.96385891892925, 0.233420226260708),
        "2|4": (-0.530686209819949, 0.216537178381011),
        "4|5": (1.29908494527845, 0.239138757311455),
    },
    "other": {
        "size_classmedium": (0.869702504673227, 0.190783780815253),
        "size_classlarge": (1.97382141399696, 0.27889537375232),
        "role_actcommissioner": (-2.06298809214265, 0.351019528256969),
        "role_actfacilitator": (0.0542976385742071, 0.276093225721975),
        "role_actmixed": (0.545061681634847, 0.208843062621121),
        "1|2": (-2.45342863019913, 0.226887740113079),
        "2|3": (-0.990601825064602, 0.161685543406578),
        "3|4": (0.0415021443253223, 0.15217803877965),
        "4|5": (2.25190086435351, 0.209144946671913),
    },
}
# m <- svyolr(rep_voice ~ size_class + role_act, design = dom); coef(m), SE(m) (optim's defaults)
SVYOLR_DEFAULT = {
    "replica": {
        "size_classmedium": (0.0230407161526942, 0.27706458567226),
        "size_classlarge": (0.932715245518743, 0.255499018729913),
        "role_actcommissioner": (-0.569100172868934, 0.285745924533713),
        "role_actfacilitator": (-0.571874642534235, 0.25934835718108),
        "role_actmixed": (-0.246173934304439, 0.318322391001804),
        "1|2": (-1.96385115718505, 0.233419788465592),
        "2|4": (-0.530675797573981, 0.216536746987855),
        "4|5": (1.2990902438331, 0.239138703926523),
    },
    "other": {
        "size_classmedium": (0.869687635087478, 0.190782553369853),
        "size_classlarge": (1.97379499421685, 0.278893581267549),
        "role_actcommissioner": (-2.06296322181556, 0.35101622131578),
        "role_actfacilitator": (0.0543314274255039, 0.276093021303523),
        "role_actmixed": (0.54507866918043, 0.208842260138393),
        "1|2": (-2.45339426237696, 0.226880173051881),
        "2|3": (-0.990579377274465, 0.161683795946453),
        "3|4": (0.0415200824986479, 0.152177095314913),
        "4|5": (2.25191247875056, 0.209143992230664),
    },
}
# The design the pipeline fits it on: without the finite-population correction (weighting.without_fpc),
#     ps <- postStratify(svydesign(ids = ~1, weights = ~1, data = d), ~size_class, pop)
# then dom as above and m <- svyolr(..., design = dom, control = list(reltol = 1e-16, maxit = 1000))
SVYOLR_NO_FPC = {
    "replica": {
        "size_classmedium": (0.0230377859011998, 0.543771587636232),
        "size_classlarge": (0.932698587754163, 0.501445163047697),
        "role_actcommissioner": (-0.56911904630853, 0.560808709254297),
        "role_actfacilitator": (-0.571862263733537, 0.509000564389834),
        "role_actmixed": (-0.246179040368414, 0.624744393709191),
        "1|2": (-1.9638589168311, 0.458113693002277),
        "2|4": (-0.530686224042119, 0.424978794564191),
        "4|5": (1.29908492582845, 0.469336957709627),
    },
    "other": {
        "size_classmedium": (0.869702504673227, 0.374691907266754),
        "size_classlarge": (1.97382141399696, 0.547739640511288),
        "role_actcommissioner": (-2.06298809214265, 0.689388667990822),
        "role_actfacilitator": (0.0542976385742071, 0.54223633102949),
        "role_actmixed": (0.545061681634847, 0.410159632640438),
        "1|2": (-2.45342863019913, 0.445598675710993),
        "2|3": (-0.990601825064602, 0.31754410347459),
        "3|4": (0.0415021443253223, 0.298871735064716),
        "4|5": (2.25190086435351, 0.410752521146375),
    },
}
DATA = {"replica": ("recoded", "replica"), "other": ("other_recoded", "other_replica")}


def term(r_name: str) -> str:
    return TERMS.get(r_name, f"threshold[{r_name}]")


def design_of(recoded: pd.DataFrame, replica) -> Design:
    frame_classes = size_class(replica.frame["municipality_pop"], BREAKS, LABELS)
    return poststratified(recoded["size_class"].astype(str), frame_classes.astype(str).value_counts())


@pytest.fixture(scope="module")
def specs():
    return load_model_specs(ROOT / "config" / "models.yaml")


@pytest.fixture(scope="module", params=list(DATA))
def weighted(request, specs):
    """(data set name, its data, its design, the weighted primary model fitted to it)."""
    recoded, replica = (request.getfixturevalue(f) for f in DATA[request.param])
    design = design_of(recoded, replica)
    result = fit_weighted_ordinal(
        recoded, design, "rep_voice_ordinal", specs["models"]["rep_voice_ordinal"], checks=specs["checks"]
    )
    return request.param, recoded, design, result


def test_estimates_and_standard_errors_match_svyolr(weighted):
    name, _, _, result = weighted
    got = result.coefficients.set_index("term")
    assert sorted(got.index) == sorted(term(t) for t in SVYOLR[name])
    for r_name, (estimate, se) in SVYOLR[name].items():
        assert got.loc[term(r_name), "estimate"] == pytest.approx(estimate, abs=1e-6)
        assert got.loc[term(r_name), "std_error"] == pytest.approx(se, abs=1e-5)
    for r_name, (estimate, se) in SVYOLR_DEFAULT[name].items():
        assert got.loc[term(r_name), "estimate"] == pytest.approx(estimate, abs=1e-4)
        assert got.loc[term(r_name), "std_error"] == pytest.approx(se, abs=1e-5)


def test_without_the_finite_population_correction_it_matches_svyolr_too(weighted, specs):
    name, recoded, design, _ = weighted
    spec = specs["models"]["rep_voice_ordinal"]
    got = fit_weighted_ordinal(recoded, without_fpc(design), "rep_voice_ordinal", spec).coefficients
    got = got.set_index("term")
    for r_name, (estimate, se) in SVYOLR_NO_FPC[name].items():
        assert got.loc[term(r_name), "estimate"] == pytest.approx(estimate, abs=1e-6)
        assert got.loc[term(r_name), "std_error"] == pytest.approx(se, abs=1e-5)
    assert (
        "without the finite-population correction"
        in fit_weighted_ordinal(recoded, without_fpc(design), "rep_voice_ordinal", spec).fit["note"].iloc[0]
    )


def test_rows_in_the_models_format(weighted):
    name, recoded, _, result = weighted
    coefficients, fit = result.coefficients, result.fit
    assert list(coefficients.columns) == COEFFICIENT_COLUMNS and list(fit.columns) == FIT_COLUMNS
    assert set(coefficients["model"]) == {"rep_voice_ordinal_weighted"} and len(fit) == 1
    slopes = ~coefficients["term"].str.startswith("threshold[")
    assert coefficients["term"][slopes].tolist()[:2] == ["size_class[medium]", "size_class[large]"]
    assert np.allclose(coefficients.loc[slopes, "odds_ratio"], np.exp(coefficients.loc[slopes, "estimate"]))
    assert coefficients.loc[~slopes, "odds_ratio"].isna().all()
    z = coefficients["estimate"] / coefficients["std_error"]
    assert np.allclose(coefficients["statistic"], z)
    assert np.allclose(
        coefficients["ci_high"] - coefficients["estimate"], 1.959963984540054 * coefficients["std_error"]
    )
    row = fit.iloc[0]
    missing = int(recoded["rep_voice"].isna().sum())
    assert (row["n"], row["n_dropped"]) == (len(recoded) - missing, missing)
    assert row["family"] == "ordinal_logit" and row["n_parameters"] == len(coefficients)
    assert bool(row["converged"]) and row["events_per_parameter"] > 0
    # a weighted pseudo-likelihood has no likelihood-based fit statistics
    assert row[["loglik", "aic", "bic", "po_statistic", "po_p"]].isna().all() and pd.isna(row["po_df"])
    assert "svyolr" in row["note"] and "not a likelihood" in row["note"]


def test_dropped_respondents_stay_in_the_design_with_weight_zero(other_recoded, other_replica, specs):
    """Dropping the incomplete rows before weighting is another estimator (the weights and the
    variance's n change: R gives SEs about 0.01 larger); the fit keeps them in the design with
    weight zero, as svyolr's domain does, and so matches SVYOLR["other"]."""
    spec = specs["models"]["rep_voice_ordinal"]
    assert other_recoded["rep_voice"].isna().sum() == 5
    complete = other_recoded[other_recoded["rep_voice"].notna()].reset_index(drop=True)
    reweighted = fit_weighted_ordinal(complete, design_of(complete, other_replica), "rep_voice_ordinal", spec)
    domain = fit_weighted_ordinal(
        other_recoded, design_of(other_recoded, other_replica), "rep_voice_ordinal", spec
    )
    difference = reweighted.coefficients["std_error"] - domain.coefficients["std_error"]
    assert difference.abs().max() > 5e-3


def test_bad_input_is_an_error_naming_the_model(recoded, replica, specs):
    spec = specs["models"]["rep_voice_ordinal"]
    design = design_of(recoded, replica)
    unanswered = recoded.assign(rep_voice=pd.array([pd.NA] * len(recoded), dtype="Int8"))
    with pytest.raises(
        WeightingError, match="model 'rep_voice_ordinal_weighted': no respondent has rep_voice"
    ):
        fit_weighted_ordinal(unanswered, design, "rep_voice_ordinal", spec)
    # a design refuses zero weights, so every level the model sees carries weight
    with pytest.raises(WeightingError, match="9 a zero, negative or infinite one"):
        Design(np.where((recoded["role_act"] == "facilitator").to_numpy(), 0.0, design.weights), 104)
    with pytest.raises(WeightingError, match="the design has 76 respondents but the data 77 rows"):
        fit_weighted_ordinal(recoded, design_of(recoded.iloc[1:], replica), "rep_voice_ordinal", spec)
    with pytest.raises(WeightingError, match="'rep_voice_binary' is 'logit'"):
        fit_weighted_ordinal(recoded, design, "rep_voice_binary", specs["models"]["rep_voice_binary"])
