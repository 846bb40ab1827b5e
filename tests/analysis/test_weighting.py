"""The weighted design, pinned to R's survey package (4.1.1).

The R values come from the replica's recoded data (the ``recoded`` fixture) written out
with, per item, 1 for a positive answer, 0 for another valid one and NA for a missing
one, the frame size ``N`` = 104 and ``size_class``; the R call is quoted above them.
Raking, post-strata on two variables and collapsed strata are pinned on both data sets
(the replica and the second one) further down; the weighted tables in test_weighted.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from leisurenet.analysis.design_based import ciprop, mean, rao_scott
from leisurenet.analysis.weighted import positive
from leisurenet.analysis.weighting import (
    Design,
    WeightingError,
    collapse_classes,
    design_for,
    logged_design,
    poststratified,
    poststratified_frame,
    raked,
    simple_design,
)
from leisurenet.data.recode import size_class

BREAKS, LABELS = [15000, 40000], ["small", "medium", "large"]

# d <- read.csv("r.csv"); pop <- data.frame(size_class = c("small", "medium", "large"), Freq = c(45, 39, 20))
# ps <- postStratify(svydesign(ids = ~1, fpc = ~N, data = d), ~size_class, pop)
# m <- svymean(~vis_defined, ps, na.rm = TRUE); sprintf("%.15g %.15g", coef(m), SE(m))
REPLICA_MEANS = {
    "vis_defined": (0.910065136476427, 0.0165521668504043),
    "rep_voice": (0.619509925558313, 0.0275712815218816),
    "eff_financial": (0.822549627791563, 0.0217580183225399),
    "sup_exchange": (0.901442307692308, 0.01624390797555),
}


REGIONS = ["east", "north", "south", "west"]
REGION_SEED = 20160419


def frame_with_variables(frame: pd.DataFrame, recoded: pd.DataFrame) -> pd.DataFrame:
    """The frame with more variables to weight on, every one text.

    ``size_class``; ``region``, drawn at random per network (fixed seed); ``zone``, the
    region but ``islands`` for the first responding network and the first two others (a
    class of one respondent); ``band``, the size classes with a class ``tiny`` below the
    smallest respondent's municipality plus one (one respondent).
    """
    out = frame[["network_id", "municipality_pop"]].copy()
    out["size_class"] = size_class(out["municipality_pop"], BREAKS, LABELS).astype(str)
    out["region"] = np.random.default_rng(REGION_SEED).choice(REGIONS, len(out))
    responded = out["network_id"].isin(recoded["network_id"]).to_numpy()
    islands = np.r_[np.flatnonzero(responded)[:1], np.flatnonzero(~responded)[:2]]
    out["zone"] = out["region"]
    out.loc[islands, "zone"] = "islands"
    tiny = int(out.loc[responded, "municipality_pop"].min()) + 1
    out["band"] = size_class(out["municipality_pop"], [tiny, *BREAKS], ["tiny", *LABELS]).astype(str)
    return out


@pytest.fixture(scope="module")
def replica_design(replica, recoded):
    frame_classes = size_class(replica.frame["municipality_pop"], BREAKS, LABELS)
    return poststratified(recoded["size_class"].astype(str), frame_classes.astype(str).value_counts())


def test_the_weights_are_population_over_sample_counts(replica_design, recoded):
    assert replica_design.population == 104 and replica_design.weights.sum() == pytest.approx(104)
    by_class = pd.Series(replica_design.weights).groupby(recoded["size_class"].astype(str).to_numpy()).first()
    assert by_class.to_dict() == pytest.approx({"small": 45 / 31, "medium": 39 / 30, "large": 20 / 16})


@pytest.mark.parametrize("item", REPLICA_MEANS)
def test_weighted_shares_match_svymean(replica_design, recoded, item):
    estimate, se = mean(replica_design, positive(recoded, item))
    assert estimate == pytest.approx(REPLICA_MEANS[item][0], abs=1e-8)
    assert se == pytest.approx(REPLICA_MEANS[item][1], abs=1e-8)


def test_a_class_without_respondents_or_outside_the_frame_is_an_error():
    classes = pd.Series(["a", "a", "b"])
    with pytest.raises(WeightingError, match="class\\(es\\) c of the frame have no respondent"):
        poststratified(classes, pd.Series({"a": 5, "b": 4, "c": 3}))
    with pytest.raises(WeightingError, match="class\\(es\\) b, which the frame does not have"):
        poststratified(classes, pd.Series({"a": 5}))


# --- both data sets: raking, several post-stratification variables, collapsed strata ------
#
# R gets, per data set, the respondents (network_id, size_class, region, zone, band and
# y_<item> as above) and the frame (frame_with_variables), then:
#
#   d <- read.csv("resp.csv", stringsAsFactors = FALSE, na.strings = ""); d$N <- nrow(f)
#   des <- svydesign(ids = ~1, fpc = ~N, data = d)
#   pop <- as.data.frame(table(size_class = f$size_class))
#   pop_r <- as.data.frame(table(region = f$region))
#   rk <- rake(des, list(~size_class, ~region), list(pop, pop_r))
#   # RAKED_WEIGHTS: weights(rk) per size_class x region (the same within each)
#   m <- svymean(~y_rep_voice, rk, na.rm = TRUE); sprintf("%.15g %.15g", coef(m), SE(m))
#   rk2 <- rake(des, list(~size_class, ~region), list(pop, pop_r),
#               control = list(maxit = 10, epsilon = 1e-9))     # RAKED_TIGHT
#   ps2 <- postStratify(des, ~size_class + region,
#                       as.data.frame(table(size_class = f$size_class, region = f$region)))
#   # zone: islands (1 respondent) merged with the region of fewest respondents
#   tab <- table(d$zone); tab <- tab[names(tab) != "islands"]; target <- names(which.min(tab))
#   merged <- paste(sort(c("islands", target)), collapse = "+")
#   d$zonec <- ifelse(d$zone %in% c("islands", target), merged, d$zone)   # f$zonec alike
#   ps3 <- postStratify(des, ~zonec, as.data.frame(table(zonec = f$zonec)))  # on the new d
#   # band: tiny (1 respondent) merged with small
#   d$bandc <- ifelse(d$band %in% c("tiny", "small"), "tiny+small", d$band)  # f$bandc alike
#   ps4 <- postStratify(des, ~bandc, as.data.frame(table(bandc = f$bandc)))
#   # svymean(~y_rep_voice, <design>, na.rm = TRUE) on each
RAKED_WEIGHTS = {
    "replica": {
        ("large", "east"): 1.45832640417572,
        ("medium", "east"): 1.52624951962311,
        ("small", "east"): 1.69000283862255,
        ("large", "north"): 1.09100374436767,
        ("medium", "north"): 1.14181841320315,
        ("small", "north"): 1.26432561301073,
        ("large", "south"): 1.25017657192724,
        ("medium", "south"): 1.30840488582287,
        ("small", "south"): 1.44878536745047,
        ("large", "west"): 1.2526150665395,
        ("medium", "west"): 1.31095695593551,
        ("small", "west"): 1.45161125252317,
    },
    "other": {
        ("large", "east"): 1.3854930480469,
        ("medium", "east"): 1.43016575543872,
        ("small", "east"): 1.5757463447292,
        ("large", "north"): 1.3242442314681,
        ("medium", "north"): 1.3669420819922,
        ("small", "north"): 1.50608695598013,
        ("large", "south"): 1.15255422292267,
        ("medium", "south"): 1.18971624089628,
        ("small", "south"): 1.31082079872776,
        ("large", "west"): 1.22121714823406,
        ("medium", "west"): 1.26059307754806,
        ("small", "west"): 1.38891238766093,
    },
}
# (estimate, SE) of svymean(~y_rep_voice, ...) on each design; sup_exchange on the raked one.
R_MEANS = {
    "replica": {
        "raked": (0.626727337658348, 0.0267538008290233),
        "raked_sup_exchange": (0.905203075208291, 0.0151697129135828),
        "raked_tight": (0.626724351875932, 0.0267542546732204),
        "size_by_region": (0.62342032967033, 0.0263938364255428),
        "zone_collapsed": (0.634375, 0.0274009216195685),
        "band_collapsed": (0.619509925558313, 0.0275712815218816),
    },
    "other": {
        "raked": (0.615004965815759, 0.0221623575103489),
        "raked_sup_exchange": (0.745918288960121, 0.0223170572488971),
        "raked_tight": (0.615118732974062, 0.022157283113309),
        "size_by_region": (0.606063533414597, 0.021175710525074),
        "zone_collapsed": (0.620223201939189, 0.0228842838902302),
        "band_collapsed": (0.616590669956362, 0.0223089672989064),
    },
}


@pytest.fixture(scope="module", params=["replica", "other"])
def data(request):
    """(name, respondents with their frame variables and y_rep_voice, frame) per data set."""
    name = request.param
    recoded = request.getfixturevalue("recoded" if name == "replica" else "other_recoded")
    replica = request.getfixturevalue("replica" if name == "replica" else "other_replica")
    frame = frame_with_variables(replica.frame, recoded)
    respondents = recoded[["network_id"]].merge(frame, on="network_id", how="left", validate="1:1")
    respondents["y_rep_voice"] = positive(recoded, "rep_voice")
    respondents["y_sup_exchange"] = positive(recoded, "sup_exchange")
    return name, respondents, frame


def rake_on_size_and_region(respondents, frame, **control) -> Design:
    margins = [respondents["size_class"], respondents["region"]]
    return raked(margins, [frame["size_class"].value_counts(), frame["region"].value_counts()], **control)


def test_raked_weights_match_rake(data):
    name, respondents, frame = data
    design = rake_on_size_and_region(respondents, frame)
    assert design.method == "rake" and design.population == len(frame)
    expected = [
        RAKED_WEIGHTS[name][k] for k in zip(respondents["size_class"], respondents["region"], strict=True)
    ]
    np.testing.assert_allclose(design.weights, expected, rtol=0, atol=1e-12)
    assert design.weights.sum() == pytest.approx(len(frame), abs=1e-9)


@pytest.mark.parametrize(
    ("key", "column", "control"),
    [
        ("raked", "y_rep_voice", {}),
        ("raked_sup_exchange", "y_sup_exchange", {}),
        ("raked_tight", "y_rep_voice", {"epsilon": 1e-9}),
    ],
)
def test_raked_shares_match_svymean(data, key, column, control):
    name, respondents, frame = data
    estimate, se = mean(rake_on_size_and_region(respondents, frame, **control), respondents[column])
    assert (estimate, se) == pytest.approx(R_MEANS[name][key], abs=1e-12)


def test_the_weights_table_of_a_raked_design_summarises_rakes_weights(data):
    from leisurenet.analysis.weighted import weights_table

    name, respondents, frame = data
    table = weights_table(rake_on_size_and_region(respondents, frame)).set_index(["margin", "cell"])
    r_weights = pd.Series(
        [RAKED_WEIGHTS[name][k] for k in zip(respondents["size_class"], respondents["region"], strict=True)]
    )
    # one row per class of each margin, in the order of the frame's counts given, then all respondents
    assert table.index.tolist() == [
        *(("size_class", c) for c in frame["size_class"].value_counts().index),
        *(("region", r) for r in frame["region"].value_counts().index),
        ("all", "all"),
    ]
    for margin in ("size_class", "region"):
        by_class = r_weights.groupby(respondents[margin].to_numpy())
        rows = table.loc[margin]
        assert rows["n_frame"].to_dict() == frame[margin].value_counts().to_dict()
        assert rows["n_respondents"].to_dict() == respondents[margin].value_counts().to_dict()
        for column, statistic in (("weight_min", "min"), ("weight_max", "max"), ("weighted_total", "sum")):
            np.testing.assert_allclose(rows[column], by_class.agg(statistic).reindex(rows.index), atol=1e-11)
    # Kish's closed form on R's rake() weights: n sum(w^2) / sum(w)^2 and its n / deff
    n, deff = len(r_weights), len(r_weights) * (r_weights**2).sum() / r_weights.sum() ** 2
    assert table.loc[("all", "all"), "deff_kish"] == pytest.approx(deff, rel=1e-11)
    assert table.loc[("all", "all"), "n_effective"] == pytest.approx(n / deff, rel=1e-11)
    assert table.loc[("all", "all"), "n_frame"] == len(frame)


def test_raking_that_does_not_converge_is_an_error(data):
    _, respondents, frame = data
    with pytest.raises(WeightingError, match="did not converge after 1 iterations.*raise weighting's maxit"):
        rake_on_size_and_region(respondents, frame, epsilon=1e-12, maxit=1)


def test_poststratified_on_two_variables_matches_postStratify(data):
    name, respondents, frame = data
    design = poststratified_frame(respondents, frame, ["size_class", "region"])
    assert design.notes == [] and len(design.labels) == 12 and "small & east" in design.labels
    estimate, se = mean(design, respondents["y_rep_voice"])
    assert (estimate, se) == pytest.approx(R_MEANS[name]["size_by_region"], abs=1e-12)


def test_a_one_respondent_class_is_merged_with_the_sparsest_other(data):
    name, respondents, frame = data
    design = poststratified_frame(respondents, frame, ["zone"])
    assert design.labels == ("east+islands", "north", "south", "west")
    assert len(design.notes) == 1 and design.notes[0].startswith(
        "post-stratum islands has 1 respondent(s), fewer than 2: merged with east"
    )
    assert mean(design, respondents["y_rep_voice"]) == pytest.approx(
        R_MEANS[name]["zone_collapsed"], abs=1e-12
    )


def test_a_one_respondent_size_band_is_merged_with_its_neighbour(data):
    name, respondents, frame = data
    levels = ["tiny", *LABELS]
    frame = frame.assign(band=pd.Categorical(frame["band"], levels, ordered=True))
    design = poststratified_frame(respondents, frame, ["band"])
    assert design.labels == ("tiny+small", "medium", "large")
    assert "post-stratum tiny has 1 respondent(s)" in design.notes[0]
    assert mean(design, respondents["y_rep_voice"]) == pytest.approx(
        R_MEANS[name]["band_collapsed"], abs=1e-12
    )


# --- collapsing, bad input, the pipeline's design ----------------------------------------


def test_an_ordered_class_merges_with_the_neighbour_with_fewer_respondents():
    classes = pd.Series(["a"] * 5 + ["b"] * 3 + ["c"] + ["d"] * 2 + ["e"] * 4)
    counts = pd.Series({"a": 9, "b": 5, "c": 2, "d": 4, "e": 6})
    merged, new_counts, notes = collapse_classes(classes, counts, 2)
    assert list(new_counts.index) == ["a", "b", "c+d", "e"] and new_counts["c+d"] == 6
    assert merged.value_counts()["c+d"] == 3 and len(notes) == 1
    # At least 4: c into d as before, then b (3, the first of the sparsest) into c+d (3)
    # rather than a (5).
    merged, new_counts, notes = collapse_classes(classes, counts, 4)
    assert list(new_counts.index) == ["a", "b+c+d", "e"] and len(notes) == 2


def test_poststratified_collapses_only_when_asked():
    classes = pd.Series(["a", "a", "a", "b"])
    assert poststratified(classes, pd.Series({"a": 6, "b": 3})).labels == ("a", "b")
    design = poststratified(classes, pd.Series({"a": 6, "b": 3}), min_respondents=2)
    assert design.labels == ("a+b",) and design.weights == pytest.approx([9 / 4] * 4)


def test_poststratified_weights_follow_the_frame_order_not_the_sample_frequencies():
    """N_h / n_h by hand: b 10 / 2 = 5, a 30 / 3 = 10. The frame lists b first while a is the
    more frequent class in the sample (and first in sorted order): each keeps its own weight."""
    design = poststratified(pd.Series(["b", "b", "a", "a", "a"]), pd.Series({"b": 10, "a": 30}))
    assert design.weights.tolist() == [5.0, 5.0, 10.0, 10.0, 10.0]
    assert design.labels == ("b", "a") and design.counts == (10.0, 30.0)


def test_zero_missing_or_infinite_weights_are_errors():
    with pytest.raises(WeightingError, match="1 respondent\\(s\\) have a missing weight and 1 a zero"):
        Design(np.array([1.0, np.nan, 0.0]), 10)
    with pytest.raises(WeightingError, match="0 respondent\\(s\\) have a missing weight and 1 a zero"):
        Design(np.array([1.0, np.inf]), 10)
    with pytest.raises(WeightingError, match="count of class\\(es\\) b is missing"):
        poststratified(pd.Series(["a", "b"]), pd.Series({"a": 5, "b": np.nan}))


def test_frame_without_the_variable_or_with_gaps_is_an_error(recoded, replica, config):
    frame = frame_with_variables(replica.frame, recoded)
    settings = {"method": "poststratify", "poststrata": ["size_class", "county"]}
    with pytest.raises(WeightingError, match="the frame has no column county .*change weighting.poststrata"):
        design_for(recoded, frame, settings, config["size_class"])
    gappy = frame.assign(region=frame["region"].where(frame.index != 3))
    with pytest.raises(WeightingError, match="1 network\\(s\\) of the frame have no region"):
        design_for(recoded, gappy, {"method": "rake", "poststrata": ["region"]}, config["size_class"])
    without = frame[frame["network_id"] != recoded["network_id"].iloc[0]]
    with pytest.raises(WeightingError, match="respondent network\\(s\\) N0.. are not in the frame"):
        design_for(recoded, without, {"poststrata": "size_class"}, config["size_class"])


def test_a_respondent_whose_class_the_frame_lacks_is_an_error():
    with pytest.raises(WeightingError, match="class\\(es\\) c, which the frame does not have"):
        raked([pd.Series(["a", "b", "c"])], [pd.Series({"a": 4, "b": 4})])


def test_design_for_follows_the_configuration(recoded, replica, config, replica_design):
    frame = frame_with_variables(replica.frame, recoded).drop(columns="size_class")
    size = config["size_class"]
    assert design_for(recoded, frame, None, size) is None
    assert design_for(recoded, None, {"method": "poststratify"}, size) is None
    assert design_for(recoded, frame.iloc[:0], {"method": "poststratify"}, size) is None
    design = design_for(recoded, frame, {"method": "poststratify", "poststrata": "size_class"}, size)
    np.testing.assert_array_equal(design.weights, replica_design.weights)
    raked_design = design_for(
        recoded, frame, {"method": "rake", "poststrata": ["size_class", "region"]}, size
    )
    ours = rake_on_size_and_region(
        recoded[["network_id"]].merge(frame_with_variables(replica.frame, recoded), on="network_id"),
        frame_with_variables(replica.frame, recoded),
    )
    np.testing.assert_allclose(raked_design.weights, ours.weights, rtol=0, atol=1e-12)
    zoned = design_for(recoded, frame, {"method": "rake", "poststrata": ["zone", "size_class"]}, size)
    assert zoned.notes[0].startswith("zone: post-stratum islands has 1 respondent(s)")
    with pytest.raises(WeightingError, match="weighting.method 'calibrate' is not poststratify or rake"):
        design_for(recoded, frame, {"method": "calibrate"}, size)


def test_ciprop_of_a_share_without_variance_and_bad_methods(replica_design, recoded):
    y = np.ones(replica_design.n)
    assert ciprop(replica_design, y, "logit") == (1.0, 1.0)
    low, high = ciprop(replica_design, y, "beta")
    assert high == 1.0 and low == pytest.approx(0.025 ** (1 / replica_design.n))
    with pytest.raises(WeightingError, match="method 'wald' is not one of logit, beta"):
        ciprop(replica_design, y, "wald")
    with pytest.raises(WeightingError, match="values must be 0, 1 or missing"):
        ciprop(replica_design, y * 2, "logit")


def test_rao_scott_without_two_levels_is_not_tested(replica_design, recoded):
    result = rao_scott(replica_design, np.full(replica_design.n, "x"), recoded["size_class"])
    assert np.isnan(result["F"]) and result["note"].startswith("not tested")


# --- small designs: the bounds, the defaults and the log -----------------------------------


def test_two_respondents_and_a_census_are_designs():
    # the fewest respondents a variance needs (2), and a frame that answered in full (n = N)
    assert simple_design(2, 2).weights.tolist() == [1.0, 1.0]
    assert Design(np.ones(3), 3).population == 3
    with pytest.raises(WeightingError, match="1 respondent\\(s\\): a design-based variance needs at least 2"):
        simple_design(1, 5)
    with pytest.raises(WeightingError, match="the frame has 2 networks but there are 3 respondents"):
        Design(np.ones(3), 2)


def test_an_empty_class_of_the_frame_is_left_out_and_a_negative_one_refused():
    # N_h / n_h: a 4 / 2, b 2 / 1; the frame's class c has no network and no respondent
    design = poststratified(pd.Series(["a", "a", "b"]), pd.Series({"a": 4, "b": 2, "c": 0}))
    assert design.labels == ("a", "b") and design.counts == (4.0, 2.0) and design.population == 6
    assert design.weights.tolist() == [2.0, 2.0, 2.0] and design.cells.tolist() == [0, 0, 1]
    with pytest.raises(WeightingError, match="count of class\\(es\\) c is missing or negative"):
        poststratified(pd.Series(["a", "a", "b"]), pd.Series({"a": 4, "b": 2, "c": -1}))


def test_a_respondent_without_a_class_is_an_error():
    with pytest.raises(WeightingError, match="1 respondent\\(s\\) have no post-stratification class"):
        poststratified(pd.Series(["a", None, "a"]), pd.Series({"a": 5}))
    with pytest.raises(WeightingError, match="1 respondent\\(s\\) have no raking class"):
        raked([pd.Series(["a", None, "a"])], [pd.Series({"a": 5})])


def test_too_few_respondents_even_merged_is_an_error():
    with pytest.raises(
        WeightingError, match="1 respondent\\(s\\) in all: fewer than min_respondents \\(2\\)"
    ):
        collapse_classes(pd.Series(["a"]), pd.Series({"a": 3, "b": 2}), 2)


def test_a_merge_note_names_both_classes_and_their_respondents():
    classes = pd.Series(["a"] * 3 + ["b"] + ["c"] * 2)
    merged, counts, notes = collapse_classes(classes, pd.Series({"a": 6, "b": 2, "c": 3}), 2, ordered=False)
    # b (1) merges with c (2, the fewest of the others) into b+c, of 2 + 3 networks
    assert notes == ["post-stratum b has 1 respondent(s), fewer than 2: merged with c (2 respondent(s))"]
    assert counts.to_dict() == {"a": 6.0, "b+c": 5.0} and merged.tolist() == ["a"] * 3 + ["b+c"] * 3


def test_unordered_classes_merge_without_losing_the_classes_between_them():
    # x (1 respondent) merges with z (3), the fewest of the others, across y, which stays whole
    classes = pd.Series(["x"] + ["y"] * 5 + ["z"] * 3)
    merged, counts, _ = collapse_classes(classes, pd.Series({"x": 2, "y": 7, "z": 4}), 2, ordered=False)
    assert counts.to_dict() == {"x+z": 6.0, "y": 7.0}
    assert merged.tolist() == ["x+z"] + ["y"] * 5 + ["x+z"] * 3


# Three unordered classes, the sparse one (x) not next to the class with the fewest other
# respondents (z): an ordered merge would join x with y instead.
XYZ = pd.Series(["x"] + ["y"] * 5 + ["z"] * 3)


def test_an_unordered_post_stratification_merges_with_the_sparsest_class_anywhere():
    design = poststratified(XYZ, pd.Series({"x": 2, "y": 7, "z": 4}), 2, ordered=False)
    assert design.labels == ("x+z", "y")
    assert poststratified(XYZ, pd.Series({"x": 2, "y": 7, "z": 4}), 2).labels == ("x+y", "z")


def test_a_text_frame_variable_is_post_stratified_as_unordered():
    frame = pd.DataFrame({"kind": ["x"] * 2 + ["y"] * 7 + ["z"] * 4})
    design = poststratified_frame(pd.DataFrame({"kind": XYZ}), frame, ["kind"])
    assert design.labels == ("x+z", "y")


def test_a_raked_text_margin_merges_as_unordered(recoded, replica, config):
    frame = frame_with_variables(replica.frame, recoded)
    responded = np.flatnonzero(frame["network_id"].isin(recoded["network_id"]).to_numpy())
    others = np.flatnonzero(~frame["network_id"].isin(recoded["network_id"]).to_numpy())
    frame["kind"] = "y"
    frame.loc[np.r_[responded[:1], others[:2]], "kind"] = "x"  # one respondent
    frame.loc[np.r_[responded[1:4], others[2:5]], "kind"] = "z"  # three
    design = design_for(
        recoded, frame, {"method": "rake", "poststrata": ["kind", "region"]}, config["size_class"]
    )
    assert design.margins[0].labels == ("x+z", "y")


def test_a_smaller_earlier_neighbour_wins_a_tie_of_the_unordered():
    # b (1 respondent): a and c have 2 each, so the earlier, a
    classes = pd.Series(["a"] * 2 + ["b"] + ["c"] * 2)
    _, counts, _ = collapse_classes(classes, pd.Series({"a": 4, "b": 2, "c": 3}), 2, ordered=False)
    assert list(counts.index) == ["a+b", "c"]


# rake(svydesign(ids = ~1, fpc = ~N, data = d), list(~g, ~h), list(pop_g, pop_h),
#      control = list(maxit = 10, epsilon = 0.01))     # 0.01: a share of the total weight
# with d: g = rep(c("a", "b", "c"), c(5, 4, 3)), h = c("m","m","m","m","f","m","m","f","f","f","f","f"),
# N = 30; pop_g: a 12, b 10, c 8; pop_h: f 14, m 16. unique(weights(rk)), per (g, h) class:
R_RAKED_SHARE_EPSILON = {
    ("a", "m"): 2.5604585929426733,
    ("a", "f"): 1.8928192399911246,
    ("b", "m"): 2.8790828141146543,
    ("b", "f"): 2.1283622235112705,
    ("c", "f"): 2.6168187709954451,
}
SMALL_G, SMALL_H = list("aaaaabbbbccc"), list("mmmmfmmfffff")


def test_an_epsilon_below_one_is_a_share_of_the_total_weight():
    counts = [pd.Series({"a": 12, "b": 10, "c": 8}), pd.Series({"f": 14, "m": 16})]
    design = raked([pd.Series(SMALL_G), pd.Series(SMALL_H)], counts, epsilon=0.01)
    expected = [R_RAKED_SHARE_EPSILON[k] for k in zip(SMALL_G, SMALL_H, strict=True)]
    np.testing.assert_allclose(design.weights, expected, rtol=1e-13)
    # unnamed margins are numbered, with their classes and the frame's counts
    assert [(m.name, m.labels, m.counts) for m in design.margins] == [
        ("margin 1", ("a", "b", "c"), (12.0, 10.0, 8.0)),
        ("margin 2", ("f", "m"), (14.0, 16.0)),
    ]


def test_raking_stops_after_ten_sweeps_by_default():
    counts = [pd.Series({"a": 12, "b": 10, "c": 8}), pd.Series({"f": 14, "m": 16})]
    with pytest.raises(WeightingError, match="did not converge after 10 iterations"):
        raked([pd.Series(SMALL_G), pd.Series(SMALL_H)], counts, epsilon=1e-300)


def test_raking_needs_matching_margins_of_one_total():
    a = pd.Series(["a", "b"])
    with pytest.raises(WeightingError, match="0 margin\\(s\\) of the respondents but 0 of the frame"):
        raked([], [])
    with pytest.raises(WeightingError, match="1 margin\\(s\\) of the respondents but 2 of the frame"):
        raked([a], [pd.Series({"a": 2, "b": 2}), pd.Series({"a": 2, "b": 2})])
    with pytest.raises(WeightingError, match="different totals \\(\\[4.0, 5.0\\]\\)"):
        raked([a, a], [pd.Series({"a": 2, "b": 2}), pd.Series({"a": 2, "b": 3})])


def test_poststratified_frame_names_its_variables_and_drops_unused_levels(data):
    _, respondents, frame = data
    design = poststratified_frame(respondents, frame, ["size_class", "region"])
    assert design.variable == "size_class & region"
    # an ordered level the frame does not use has no networks: no post-stratum
    levels = ["tiny", *LABELS]
    ordered = frame.assign(size_class=pd.Categorical(frame["size_class"], levels, ordered=True))
    assert poststratified_frame(respondents, ordered, ["size_class"]).labels == tuple(LABELS)
    with pytest.raises(WeightingError, match="the respondents has no column county"):
        poststratified_frame(respondents, frame.assign(county="x"), ["county"])


def test_design_for_defaults_and_settings(recoded, replica, config, replica_design):
    frame = frame_with_variables(replica.frame, recoded).drop(columns="size_class")
    size = config["size_class"]
    # no method, no poststrata: post-stratified on size_class
    np.testing.assert_array_equal(design_for(recoded, frame, {}, size).weights, replica_design.weights)
    # zone's islands (1 respondent) stays its own post-stratum when 1 is enough
    kept = design_for(recoded, frame, {"poststrata": ["zone"], "min_respondents": 1}, size)
    assert "islands" in kept.labels and kept.notes == []
    with pytest.raises(WeightingError, match="weighting.poststrata names no variable"):
        design_for(recoded, frame, {"poststrata": []}, size)
    with pytest.raises(WeightingError, match="did not converge after 1 iterations .*epsilon 1e-12"):
        design_for(recoded, frame, {"method": "rake", "poststrata": ["size_class", "region"], "maxit": 1,
                                    "epsilon": 1e-12}, size)  # fmt: skip


def test_a_raked_design_for_names_its_margins_in_the_frames_order(recoded, replica, config):
    frame = frame_with_variables(replica.frame, recoded).drop(columns="size_class")
    design = design_for(recoded, frame, {"method": "rake", "poststrata": ["size_class", "region"]},
                        config["size_class"])  # fmt: skip
    # size classes in their order (a category the frame lacks left out), regions alphabetical
    assert [(m.name, m.labels) for m in design.margins] == [
        ("size_class", tuple(LABELS)),
        ("region", tuple(REGIONS)),
    ]
    counts = frame["region"].value_counts()
    assert design.margins[1].counts == tuple(float(counts[r]) for r in REGIONS)


def test_the_frame_needs_every_population_and_each_network_once(recoded, replica, config):
    frame = frame_with_variables(replica.frame, recoded).drop(columns="size_class")
    size = config["size_class"]
    gappy = frame.assign(municipality_pop=frame["municipality_pop"].where(frame.index != 0))
    with pytest.raises(WeightingError, match="1 network\\(s\\) of the frame have no municipality_pop"):
        design_for(recoded, gappy, {}, size)
    twice = pd.concat([frame, frame.iloc[[0]]])
    with pytest.raises(WeightingError, match=f"network\\(s\\) {frame['network_id'].iloc[0]} appear twice"):
        design_for(recoded, twice, {}, size)
    # ids match whatever space surrounds them; a frame's own size_class is used as it is
    padded = frame.assign(network_id=" " + frame["network_id"].astype(str) + " ")
    own = padded.assign(size_class="one")
    assert design_for(recoded, own, {}, size).labels == ("one",)


class Log:
    """Records what a stage logs, as (level, message)."""

    def __init__(self):
        self.lines = []

    def __getattr__(self, level):
        return lambda message, *args: self.lines.append((level, message % args))


def test_logged_design_says_what_was_weighted(recoded, replica, config):
    frame = frame_with_variables(replica.frame, recoded)
    log = Log()
    design = logged_design(recoded, frame, {}, config["size_class"], log)
    # the replica's size classes: weights 20 / 16 = 1.25 to 45 / 31 = 1.4516...
    assert log.lines == [
        ("info", "weighting: poststratify of 77 respondents to 104 networks; weights 1.25 to 1.452")
    ]
    # post-stratified weights add up to the frame's networks; the design is R's (REPLICA_MEANS)
    assert design.weights.sum() == pytest.approx(104, rel=1e-12)
    estimate, se = mean(design, positive(recoded, "rep_voice"))
    assert (estimate, se) == pytest.approx(REPLICA_MEANS["rep_voice"], abs=1e-8)
    log = Log()
    design = logged_design(recoded, frame, {"poststrata": ["zone"]}, config["size_class"], log)
    assert log.lines[1] == ("warning", f"weighting: {design.notes[0]}") and len(log.lines) == 2
    assert design.notes[0].startswith("post-stratum islands has 1 respondent(s)")
    log = Log()
    assert logged_design(recoded, frame, None, config["size_class"], log) is None
    assert logged_design(recoded, None, {}, config["size_class"], log) is None
    assert log.lines == [
        ("info", "no weighting: weighting is null"),
        ("info", "no weighting: no population frame"),
    ]
    log = Log()
    with pytest.raises(SystemExit) as stop:
        logged_design(recoded, frame, {"method": "calibrate"}, config["size_class"], log)
    assert stop.value.code == 1
    assert log.lines == [("error", "weighting: weighting.method 'calibrate' is not poststratify or rake")]


def test_a_sweep_that_changes_a_cell_by_exactly_epsilon_has_not_converged():
    # N / n = 2 each; the frame's 3 and 5 move the classes' totals (2 and 6) by exactly 1 network:
    # not less than epsilon 1, so one sweep is not enough (a second would change nothing)
    margin, counts = pd.Series(["a", "b", "b", "b"]), pd.Series({"a": 3, "b": 5})
    with pytest.raises(WeightingError, match="did not converge after 1 iterations"):
        raked([margin], [counts], epsilon=1, maxit=1)
    assert raked([margin], [counts], epsilon=1, maxit=2).weights.tolist() == [3.0, 5 / 3, 5 / 3, 5 / 3]


def test_a_merge_leaves_the_next_class_to_be_merged_in_turn():
    # b (1) merges with c (3); d (1) is still short and merges with b+c
    classes = pd.Series(["a"] * 5 + ["b"] + ["c"] * 3 + ["d"])
    _, counts, notes = collapse_classes(classes, pd.Series({"a": 9, "b": 2, "c": 5, "d": 2}), 2)
    assert list(counts.index) == ["a", "b+c+d"] and counts["b+c+d"] == 9 and len(notes) == 2


def test_two_variables_are_crossed_even_when_the_first_is_ordered(data):
    _, respondents, frame = data
    ordered = frame.assign(size_class=pd.Categorical(frame["size_class"], LABELS, ordered=True))
    assert len(poststratified_frame(respondents, ordered, ["size_class", "region"]).labels) == 12
    with pytest.raises(WeightingError, match="the frame has no column county"):
        poststratified_frame(respondents.assign(county="x"), frame, ["county"])


def test_a_raked_ordered_margin_keeps_its_levels_order_without_empty_ones(recoded, replica, config):
    # levels in the categorical's order (not by frequency); "huge" has no network: no class
    frame = frame_with_variables(replica.frame, recoded)
    levels = ["large", "huge", "medium", "small"]
    frame = frame.assign(size_class=pd.Categorical(frame["size_class"], levels, ordered=True))
    design = design_for(recoded, frame, {"method": "rake", "poststrata": ["size_class", "region"]},
                        config["size_class"])  # fmt: skip
    assert design.margins[0].labels == ("large", "medium", "small")
    assert design.margins[0].counts == (20.0, 39.0, 45.0)


def test_a_raked_ordered_margin_merges_a_sparse_class_with_its_neighbour(recoded, replica, config):
    # tiny (1 respondent) merges with small, its only neighbour, not with the sparsest class (large)
    frame = frame_with_variables(replica.frame, recoded)
    frame = frame.assign(band=pd.Categorical(frame["band"], ["tiny", *LABELS], ordered=True))
    design = design_for(
        recoded, frame, {"method": "rake", "poststrata": ["band", "region"]}, config["size_class"]
    )
    assert design.margins[0].labels == ("tiny+small", "medium", "large")
    assert design.notes[0].startswith(
        "band: post-stratum tiny has 1 respondent(s), fewer than 2: merged with small"
    )
