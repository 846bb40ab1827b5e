"""The study's conclusions judged by rules: each rule against R and closed forms, the rules'
validation, and every conclusion's verdict turned by flipping the data it rests on."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from leisurenet.analysis.conclusions import (
    INCONCLUSIVE,
    NOT_SUPPORTED,
    SUPPORTED,
    Replica,
    combine,
    difference_check,
    judge,
    load_conclusions,
    paired_checks,
    share_check,
)
from leisurenet.analysis.crosstab import run_crosstabs
from leisurenet.analysis.paired import paired_comparisons
from leisurenet.paths import CONFIG

# 13 positive, 5 negative, 2 neutral and 3 missing answers: 20 valid, from a frame of 30.
ANSWERS = pd.DataFrame(
    {"q_cat": pd.Categorical(["positive"] * 13 + ["negative"] * 5 + ["neutral"] * 2 + [None] * 3,
                             categories=["negative", "neutral", "positive"])}
)  # fmt: skip


def share(levels, compare, threshold, n_frame=30):
    check = {"variable": "q_cat", "levels": levels, "compare": compare, "threshold": threshold}
    return share_check(ANSWERS, check, n_frame, 0.95)


def test_a_share_and_its_interval_are_those_of_r():
    # R: x <- 13; n <- 20; N <- 30; K <- 0:N
    #    min(K[phyper(x - 1, K, N - K, n, lower.tail = FALSE) > 0.025])  # 15
    #    max(K[phyper(x, K, N - K, n) > 0.025])                          # 23
    row = share(["positive"], "above", 0.45)
    assert (row["n"], row["count"], row["estimate"]) == (20, 13, 0.65)
    assert (row["ci_low"], row["ci_high"]) == (15 / 30, 23 / 30)
    assert row["ci_method"] == "hypergeometric"
    # R: x <- 7 (negative or neutral); the same calls give 7 and 15.
    other = share(["negative", "neutral"], "below", 0.6)
    assert (other["count"], other["ci_low"], other["ci_high"]) == (7, 7 / 30, 15 / 30)
    # Without a frame, Clopper-Pearson. R: binom.test(13, 20)$conf.int
    no_frame = share(["positive"], "above", 0.45, n_frame=None)
    assert no_frame["ci_method"] == "clopper_pearson"
    assert no_frame["ci_low"] == pytest.approx(0.407811465467172, abs=1e-12)
    assert no_frame["ci_high"] == pytest.approx(0.846090795215459, abs=1e-12)


@pytest.mark.parametrize(
    ("compare", "threshold", "verdict"),
    [
        ("above", 0.45, SUPPORTED),  # interval 0.5 .. 0.767 wholly above
        ("above", 0.5, INCONCLUSIVE),  # a limit on the threshold does not clear it
        ("above", 0.6, INCONCLUSIVE),
        ("above", 0.8, NOT_SUPPORTED),  # wholly below
        ("below", 0.8, SUPPORTED),
        ("below", 23 / 30, INCONCLUSIVE),
        ("below", 0.45, NOT_SUPPORTED),
    ],
)
def test_a_share_is_judged_by_where_its_interval_lies(compare, threshold, verdict):
    row = share(["positive"], compare, threshold)
    assert row["verdict"] == verdict
    assert f"{100 * threshold:.1f}%" in row["reason"]


def test_a_share_of_a_level_that_does_not_exist_stops():
    with pytest.raises(ValueError, match=r"q_cat has no level \['agree'\]"):
        share(["agree"], "above", 0.5)
    with pytest.raises(ValueError, match="'nope' is not a column"):
        share_check(
            ANSWERS, {"variable": "nope", "levels": ["x"], "compare": "above", "threshold": 0.5}, 30, 0.95
        )


def crosstab(counts: dict[str, tuple[int, int]], p: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A cross-tab of a role by two size classes: {level: (small, large)} and its test's p."""
    cells = pd.DataFrame(
        [
            {"crosstab": "t", "row_level": level, "col_level": size, "n": n}
            for level, pair in counts.items()
            for size, n in zip(("small", "large"), pair, strict=True)
        ]
    )
    tests = pd.DataFrame([{"crosstab": "t", "p_holm": p, "p_exact": p / 2, "p_chi2": p / 3}])
    return cells, tests


DIFFERENCE = {"rule": "difference", "crosstab": "t", "levels": ["fac"], "higher": "large", "lower": "small"}


@pytest.mark.parametrize(
    ("counts", "p", "verdict"),
    [
        ({"fac": (2, 6), "com": (8, 4)}, 0.01, SUPPORTED),  # 6/10 against 2/10, significant
        ({"fac": (2, 6), "com": (8, 4)}, 0.20, INCONCLUSIVE),
        ({"fac": (6, 2), "com": (4, 8)}, 0.01, NOT_SUPPORTED),  # the other way, whatever p
        ({"fac": (5, 5), "com": (5, 5)}, 0.01, NOT_SUPPORTED),  # equal is not larger
    ],
)
def test_a_difference_needs_its_direction_and_its_test(counts, p, verdict):
    cells, tests = crosstab(counts, p)
    row = difference_check(cells, tests, DIFFERENCE | {"p": "p_holm"}, alpha=0.05)
    small, large = counts["fac"]
    assert row["share_higher"] == large / (large + counts["com"][1])
    assert row["share_lower"] == small / (small + counts["com"][0])
    assert row["estimate"] == row["share_higher"] - row["share_lower"]
    assert (row["p_value"], row["n"], row["verdict"]) == (p, 20, verdict)


def test_a_difference_uses_the_p_it_names_and_several_levels():
    cells, tests = crosstab({"fac": (1, 3), "cop": (1, 3), "com": (8, 4)}, 0.08)
    row = difference_check(cells, tests, DIFFERENCE | {"levels": ["fac", "cop"], "p": "p_exact"}, alpha=0.05)
    assert (row["share_higher"], row["share_lower"]) == (0.6, 0.2)
    assert (row["p_name"], row["p_value"], row["verdict"]) == ("p_exact", 0.04, SUPPORTED)
    with pytest.raises(ValueError, match=r"no size class \['medium'\]"):
        difference_check(cells, tests, DIFFERENCE | {"lower": "medium"}, alpha=0.05)
    with pytest.raises(ValueError, match="no cross-tab 'u'"):
        difference_check(cells, tests, DIFFERENCE | {"crosstab": "u"}, alpha=0.05)


def test_a_paired_comparison_is_judged_in_every_domain():
    paired = pd.DataFrame(
        {
            "comparison": ["from_start_vs_guiding"] * 3 + ["expertise_vs_guiding"],
            "involvement_item": ["a", "b", "c", "d"],
            "guiding_item": ["g"] * 4,
            "n_pairs": [40, 40, 40, 40],
            "pct_higher": [50.0, 30.0, 20.0, 60.0],
            "pct_lower": [10.0, 20.0, 30.0, 5.0],
            "rank_biserial": [0.6, 0.2, -0.2, 0.8],
            "p_value": [0.001, 0.3, 0.2, 0.0001],
        }
    )
    rows = paired_checks(paired, {"comparisons": ["from_start_vs_guiding"]}, alpha=0.05)
    assert [r["verdict"] for r in rows] == [SUPPORTED, INCONCLUSIVE, NOT_SUPPORTED]
    assert [r["estimate"] for r in rows] == pytest.approx([0.4, 0.1, -0.1])
    assert [r["effect"] for r in rows] == [0.6, 0.2, -0.2]
    with pytest.raises(ValueError, match="no comparison 'x'"):
        paired_checks(paired, {"comparisons": ["x"]}, alpha=0.05)


@pytest.mark.parametrize(
    ("checks", "verdict"),
    [
        ([SUPPORTED], SUPPORTED),
        ([SUPPORTED, SUPPORTED], SUPPORTED),
        ([SUPPORTED, INCONCLUSIVE], INCONCLUSIVE),
        ([INCONCLUSIVE, NOT_SUPPORTED, SUPPORTED], NOT_SUPPORTED),
        ([], INCONCLUSIVE),
    ],
)
def test_a_conclusion_holds_when_every_check_does(checks, verdict):
    assert combine(checks) == verdict


# --- the configuration ------------------------------------------------------------------------


def test_the_study_has_its_eleven_conclusions_in_three_groups(codebook):
    spec = load_conclusions(CONFIG / "conclusions.yaml", codebook.item_ids)
    conclusions = spec["conclusions"].values()
    assert len(conclusions) == 11
    assert [c["group"] for c in conclusions] == ["Beleidsthema"] * 4 + ["Beleidsorganisatie"] * 3 + [
        "Bestuursstijl"
    ] * 4
    assert [c["sign"] for c in conclusions] == list("++--++-+++-")
    assert spec["alpha"] == 0.05
    differences = [c for c in spec["conclusions"]["facilitator_large_commissioner_small"]["checks"]]
    assert {c["p"] for c in differences} == {"p_holm"}  # the schema's default


def write(tmp_path, spec) -> str:
    path = tmp_path / "conclusions.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return str(path)


def minimal(**check) -> dict:
    base = {"rule": "share", "variable": "vis_defined_cat", "levels": ["positive"], "compare": "above"}
    conclusion = {"group": "G", "sign": "+", "text": "t", "english": "e", "items": ["vis_defined"]}
    return {"conclusions": {"c": conclusion | {"checks": [base | {"threshold": 0.5} | check]}}}


def test_a_wrong_rule_is_named_with_its_file_and_key(tmp_path, codebook):
    with pytest.raises(
        ValueError, match=r"conclusions\.yaml.*\n.*conclusions\.c\.checks\.0: 'threshold' is a required"
    ):
        spec = minimal()
        del spec["conclusions"]["c"]["checks"][0]["threshold"]
        load_conclusions(write(tmp_path, spec))
    with pytest.raises(ValueError, match=r"conclusions\.c\.checks\.0\.rule: 'vote' is not one of"):
        load_conclusions(write(tmp_path, minimal(rule="vote")))
    with pytest.raises(ValueError, match=r"conclusions\.c\.checks\.0\.threshold: 1\.5 is greater than"):
        load_conclusions(write(tmp_path, minimal(threshold=1.5)))
    spec = minimal()
    spec["conclusions"]["c"]["items"] = ["vis_defined", "not_an_item"]
    with pytest.raises(
        ValueError, match=r"conclusions\.c\.items: 'not_an_item' is not an item of the codebook"
    ):
        load_conclusions(write(tmp_path, spec), codebook.item_ids)


# --- every conclusion turned by its data ------------------------------------------------------


@pytest.fixture(scope="module")
def spec(codebook):
    return load_conclusions(CONFIG / "conclusions.yaml", codebook.item_ids)


def verdicts(recoded, codebook, config, spec) -> pd.Series:
    """Every conclusion's verdict on ``recoded``, its cross-tabs and paired comparisons made
    as the pipeline makes them."""
    cells, tests = run_crosstabs(recoded, config["crosstabs"], config["analysis"])
    paired = paired_comparisons(recoded, codebook)
    table, _ = judge(spec, recoded, cells, tests, paired, n_frame=104, confidence=0.95)
    return table.set_index("conclusion")["verdict"]


def flip(recoded: pd.DataFrame, conclusion: dict) -> pd.DataFrame:
    """The data behind a conclusion turned the other way: the answers it counts moved out of
    its levels (or, for a share it claims low, every other answer moved in), the two size
    classes of a difference swapped, involvement and guiding items swapped."""
    data, swaps = recoded.copy(), set()
    for check in conclusion["checks"]:
        if check["rule"] == "share":
            column = data[check["variable"]]
            inside = column.isin(check["levels"])
            other = next(str(c) for c in column.cat.categories if c not in check["levels"])
            if check["compare"] == "above":
                data[check["variable"]] = column.where(~inside, other)
            else:
                data[check["variable"]] = column.where(~column.notna() | inside, check["levels"][0])
        elif check["rule"] == "difference":
            swaps.add(frozenset((check["higher"], check["lower"])))  # once for two checks of a pair
        else:
            for domain in ("vis", "obj", "act"):
                for kind in ("from_start", "expertise"):
                    data[f"rep_{domain}_{kind}"] = recoded[f"rep_{domain}_guiding"]
                data[f"rep_{domain}_guiding"] = recoded[f"rep_{domain}_from_start"]
    for one, two in swaps:
        data["size_class"] = data["size_class"].cat.rename_categories(
            {c: {one: two, two: one}.get(c, c) for c in data["size_class"].cat.categories}
        )
    return data


@pytest.fixture(scope="module")
def on_replica(recoded, codebook, config, spec):
    return verdicts(recoded, codebook, config, spec)


def test_on_the_replica_every_conclusion_has_a_verdict_and_none_is_refuted(on_replica, spec):
    assert list(on_replica.index) == list(spec["conclusions"])
    # The replica was built from the presentation's figures and stated findings.
    assert set(on_replica) <= {SUPPORTED, INCONCLUSIVE}


@pytest.mark.parametrize(
    "name",
    list(yaml.safe_load((CONFIG / "conclusions.yaml").read_text(encoding="utf-8"))["conclusions"]),
)
def test_flipping_the_data_behind_a_conclusion_turns_its_verdict(
    name, recoded, codebook, config, spec, on_replica
):
    flipped = verdicts(flip(recoded, spec["conclusions"][name]), codebook, config, spec)
    assert on_replica[name] != NOT_SUPPORTED
    assert flipped[name] == NOT_SUPPORTED


def test_the_replica_note_says_what_was_built_in(codebook, published, config):
    replica = Replica.from_config(
        codebook.item_ids, published["figures"], config["synthetic"]["latent"]["shifts"]
    )
    assert "vis_defined" in replica.published and "sup_exchange" in replica.shifted
    assert "act_right" not in replica.shifted
    note = replica.note("share", ["vis_defined", "role_vis_facilitator"])
    assert "vis_defined reproduce the published figures" in note
    assert "role_vis_facilitator follow assumed shares" in note
    assert "built into the replica" in replica.note("difference", ["role_act_facilitator"])
    assert "chance" in replica.note("difference", ["act_right"])
    spec = load_conclusions(CONFIG / "conclusions.yaml", codebook.item_ids)
    empty = pd.DataFrame(
        {"vis_defined_cat": pd.Categorical(["positive"], categories=["negative", "positive"])}
    )
    one = {"conclusions": {"c": spec["conclusions"]["clear_vision_objectives_actions"]}, "alpha": 0.05}
    one["conclusions"]["c"] = one["conclusions"]["c"] | {"checks": one["conclusions"]["c"]["checks"][:1]}
    real, _ = judge(one, empty, None, None, None, n_frame=None, confidence=0.95)
    assert real["replica"].tolist() == [""]
    # One answer cannot carry a majority: R's binom.test(1, 1)$conf.int is 0.025 .. 1.
    assert real.loc[0, "verdict"] == INCONCLUSIVE
    assert real.loc[0, "numbers"].startswith("100.0% of 1 valid answers to vis_defined_cat are positive")
    assert "2.5% to 100.0%" in real.loc[0, "numbers"]
