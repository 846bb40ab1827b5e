"""Audit of the published figures: granularity arithmetic, plausible bases and the replica's reproduction."""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from leisurenet.analysis.audit import (
    COLUMNS,
    achievable_totals,
    audit,
    granularity,
    nearest_fit,
    plausible_bases,
    span,
)
from leisurenet.data.published import rounded_units, units
from leisurenet.paper import reproduction
from leisurenet.paper.prose import Prose
from leisurenet.paper.wording import Wording

from ..conftest import SUMMED_ROUNDING_FIGURES


@pytest.mark.parametrize(("value", "decimals", "n"), [(81.9, 1, 77), (80, 0, 77), (62, 0, 77), (33.3, 1, 13)])
def test_achievable_totals_match_brute_force(value, decimals, n):
    target = units(value, decimals)
    exact = {k for k in range(n + 1) if rounded_units(k, n, decimals) == target}
    summed = {
        a + b
        for a, b in itertools.product(range(n + 1), repeat=2)
        if a + b <= n and rounded_units(a, n, decimals) + rounded_units(b, n, decimals) == target
    }
    assert achievable_totals(value, decimals, n, 2) == {"exact": exact, "summed": summed}


def test_worked_example_of_the_instrument():
    # 42.9 + 39.0 = 81.9 for 33 + 30 of 77, while 63/77 = 81.8%.
    totals = achievable_totals(81.9, 1, 77, 2)
    assert totals["exact"] == set() and 63 in totals["summed"]


@pytest.fixture(scope="module")
def figures(published, codebook, recoded):
    return audit(published, codebook, recoded)


def test_every_figure_is_audited(figures, published):
    assert list(figures.columns) == COLUMNS
    assert figures["figure_id"].tolist() == [f["id"] for f in published["figures"]]


def prints_as(k: int, n: int, value: float, decimals: int) -> bool:
    """Whether k/n prints as ``value``: the reference is Python's ``decimal``,
    ``(Decimal(100 * k) / Decimal(n)).quantize(step, rounding=ROUND_HALF_UP)``, as in
    tests/data/test_published.py."""
    step = Decimal(1).scaleb(-decimals)
    printed = (Decimal(100 * k) / Decimal(n)).quantize(step, rounding=ROUND_HALF_UP)
    return printed == Decimal(str(value)).quantize(step)


def brute_force_bases(figure: pd.Series, recoded: pd.DataFrame, n_base: int) -> dict:
    """Every base from n_base down to n_base minus the item's non-response in the data (its
    valid answers, counted here from the data), and every count of each, enumerated."""
    valid = min(int(recoded[item].notna().sum()) for item in figure["items"].split())
    bases = range(n_base - (len(recoded) - valid), n_base + 1)
    v, d = figure["published"], figure["decimals"]
    fitting = [n for n in bases if any(prints_as(k, n, v, d) for k in range(n + 1))]
    nearest = next(
        ((k, n) for n in range(n_base, 0, -1) for k in range(n + 1) if prints_as(k, n, v, d)), (None, None)
    )
    smallest = min(k for k in range(fitting[0] + 1) if prints_as(k, fitting[0], v, d)) if fitting else None
    return {
        "base_min": bases.start,
        "fitting_bases": " ".join(map(str, fitting)),
        "fit_count": smallest,
        "fit_base": fitting[0] if fitting else None,
        "nearest_count": nearest[0],
        "nearest_base": nearest[1],
    }


def test_bases_of_every_figure_match_brute_force(figures, recoded, published):
    for _, figure in figures.iterrows():
        expected = brute_force_bases(figure, recoded, published["n_respondents"])
        found = {k: (None if pd.isna(figure[k]) else figure[k]) for k in expected}
        assert found == expected, figure["figure_id"]


def test_only_figures_no_plausible_base_gives_are_flagged(figures, recoded, published):
    """Of the ten figures no k/77 gives (INSTRUMENT.md), those a smaller base from the item's
    skipped answers gives are consistent; only the others are flagged as summed rounding."""
    n_base = published["n_respondents"]
    no_count = [
        not any(prints_as(k, n_base, v, d) for k in range(n_base + 1))
        for v, d in zip(figures["published"], figures["decimals"], strict=True)
    ]
    ten = figures[no_count]
    assert sorted(ten["published"]) == sorted(SUMMED_ROUNDING_FIGURES)
    explained = [
        row["figure_id"]
        for _, row in ten.iterrows()
        if brute_force_bases(row, recoded, n_base)["fitting_bases"]
    ]
    flagged = figures[figures["granularity"] != "consistent"]
    assert sorted(flagged["figure_id"]) == sorted(set(ten["figure_id"]) - set(explained))
    assert (flagged["granularity"] == "summed_rounding").all()
    assert (flagged["status"] == "reproduced_as_published").all()
    assert flagged["note"].str.contains("a sum of rounded category percentages").all()
    assert 0 < len(explained) < len(ten)  # the replica has both kinds
    # The referee's worked example: 52.0% = 39/75; the replica has 3 respondents who skipped
    # the item (74 valid answers), so 75 is a plausible base.
    row = figures.set_index("figure_id").loc["role_act_commissioner_disagree"]
    assert (row["granularity"], row["fit_count"], row["fit_base"]) == ("consistent", 39, 75)
    assert "but 39/75 does" in row["note"]
    # The rest fit a count of all respondents.
    rest = figures[~figures["figure_id"].isin(ten["figure_id"])]
    assert (rest["nearest_base"] == n_base).all()


def single_figure(codebook, skipped: int) -> tuple[pd.DataFrame, dict]:
    """Financial support, strong effort 81.9%: 33 + 30 of 77 (42.9 + 39.0 summed, INSTRUMENT.md's
    example), with ``skipped`` of the 14 others' answers missing."""
    published = {
        "n_respondents": 77,
        "figures": [
            {"id": "eff_financial_strong", "items": ["eff_financial"], "statistic": "pct_positive",
             "value": 81.9, "decimals": 1},
        ],
    }  # fmt: skip
    answers = [5] * 33 + [4] * 30 + [1] * (14 - skipped) + [None] * skipped
    figures = audit(published, codebook, pd.DataFrame({"eff_financial": pd.array(answers, dtype="Int8")}))
    prose = Prose(Wording.from_yaml(), codebook)
    return figures.iloc[0], reproduction.audit_variables(figures, prose)


def test_a_skipped_item_turns_a_flagged_figure_into_one_a_smaller_base_gives(codebook):
    # 81.9% fits no k/77 and no k/76..73 (brute force below), but 59/72 = 81.94%.
    assert not any(prints_as(k, n, 81.9, 1) for n in range(73, 78) for k in range(n + 1))
    assert prints_as(59, 72, 81.9, 1)
    answered, text = single_figure(codebook, skipped=0)
    assert (answered["granularity"], answered["base_min"], answered["fitting_bases"]) == (
        "summed_rounding",
        77,
        "",
    )
    assert (answered["nearest_count"], answered["nearest_base"]) == (59, 72)
    assert "1 fit no plausible base and can only have arisen by summing" in text["abstract"]
    assert "A smaller base" not in text["abstract"]
    skipped, text = single_figure(codebook, skipped=5)
    assert (skipped["granularity"], skipped["base_min"], skipped["fitting_bases"]) == ("consistent", 72, "72")
    assert (skipped["fit_count"], skipped["fit_base"]) == (59, 72)
    assert skipped["status"] == answered["status"] == "reproduced_as_published"
    assert "every printed value is a percentage of a plausible base" in text["abstract"]
    assert (
        "explains one printed value that no count of all 77 respondents gives (81.9% = 59/72)"
        in text["abstract"]
    )
    assert "can only have arisen by summing" not in text["abstract"]
    assert text["discussion"].startswith(
        "Every published figure is a percentage of 77 respondents or of a smaller"
    )
    # one skipped answer fewer, and 72 is no longer plausible: flagged again
    assert single_figure(codebook, skipped=4)[0]["granularity"] == "summed_rounding"


def test_the_sentences_count_what_the_table_holds(figures, codebook):
    text = reproduction.audit_variables(figures, Prose(Wording.from_yaml(), codebook))
    flagged = (figures["granularity"] == "summed_rounding").sum()
    smaller = figures[
        (figures["granularity"] == "consistent") & (figures["nearest_base"] != figures["n_base"])
    ]
    assert f"{flagged} fit no plausible base" in text["abstract"]
    said = {0: "", 1: "explains one printed value"}.get(
        len(smaller), f"explains {len(smaller)} printed values"
    )
    assert said in text["abstract"]
    for _, row in smaller.iterrows():
        assert (
            f"{row['published']:.{row['decimals']}f}% = {row['fit_count']}/{row['fit_base']}"
            in text["abstract"]
        )


def test_the_inconsistent_pair_is_flagged_and_the_rest_reproduced(figures):
    flagged = figures.set_index("figure_id")["conflicts_with"]
    assert flagged["rep_voice_agree"] == "rep_voice_not_represented"
    assert flagged["rep_voice_not_represented"] == "rep_voice_agree"
    assert (flagged.drop(["rep_voice_agree", "rep_voice_not_represented"]) == "").all()
    failed = figures.loc[figures["status"] == "not_reproduced", "figure_id"].tolist()
    assert failed == ["rep_voice_not_represented"]
    row = figures.set_index("figure_id").loc["act_planned_agree"]
    assert row["reproduced_exact"] == pytest.approx(100 * 69 / 77)
    assert row["reproduced_as_published"] == 89.7


def test_no_published_figures_gives_an_empty_audit(codebook, recoded):
    empty = audit(None, codebook, recoded)
    assert empty.empty and list(empty.columns) == COLUMNS


def test_other_data_reports_mismatches_without_crashing(published, codebook, recoded):
    subset = recoded.iloc[:60]
    figures = audit(published, codebook, subset)
    assert (figures["n_data"] == 60).all()
    assert figures["note"].str.contains("the figure's base is 77").all()
    assert (figures["status"] == "not_reproduced").sum() > 30
    without = audit(published, codebook, recoded.drop(columns=["rep_voice"]))
    assert without.set_index("figure_id").loc["rep_voice_agree", "status"] == "not_available"
    nobody = audit(published, codebook, recoded.iloc[:0])
    assert (nobody["status"] == "not_available").all()


# --- the pieces of the audit, each against a brute force or a count worked out by hand --------


def test_plausible_bases_run_from_the_valid_answers_to_the_base():
    """77 respondents of whom 74 answered: bases 74 to 77; no item in the data: 77 only; at least 1."""
    assert plausible_bases(77, 77, 74) == range(74, 78)
    assert plausible_bases(77, 77, None) == range(77, 78)
    assert plausible_bases(5, 20, 2) == range(1, 6)  # 18 skipped of a base of 5


@pytest.mark.parametrize(
    ("value", "decimals", "n_base"),
    [(81.9, 1, 77), (50, 0, 300), (100, 0, 1), (33.3, 1, 2), (52.0, 1, 77)],
)
def test_nearest_fit_matches_brute_force(value, decimals, n_base):
    """The largest base up to n_base with a count that prints as the value, and its smallest such count."""
    # 50 % of 300 is printed by 149, 150 and 151; 33.3 % by no k/1 or k/2.
    expected = next(
        ((k, n) for n in range(n_base, 0, -1) for k in range(n + 1) if prints_as(k, n, value, decimals)),
        None,
    )
    assert nearest_fit(value, decimals, n_base) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "n"), [(33.3, 1, 13), (90, 0, 11), (0.0, 1, 9), (100, 0, 7), (34, 0, 3)]
)
def test_achievable_totals_of_one_and_three_parts_match_brute_force(value, decimals, n):
    """One part: a sum is the count itself; three parts: every split of a count into three, enumerated."""
    # 100 % of 7 needs the whole base; 34 % of 3 no count gives (a part of -1 would: 67 - 33).
    target = units(value, decimals)
    exact = {k for k in range(n + 1) if rounded_units(k, n, decimals) == target}
    summed = {
        sum(parts)
        for parts in itertools.product(range(n + 1), repeat=3)
        if sum(parts) <= n and sum(rounded_units(k, n, decimals) for k in parts) == target
    }
    assert achievable_totals(value, decimals, n, 1) == {"exact": exact, "summed": exact}
    assert achievable_totals(value, decimals, n, 3) == {"exact": exact, "summed": summed}


def test_no_sum_of_parts_exceeds_the_base():
    """125 + 126 of 250 print as 50 + 50 (50.0, 50.4): summed parts that exceed the base are no count."""
    target, n = units(100, 0), 250
    summed = {
        a + b
        for a, b in itertools.product(range(n + 1), repeat=2)
        if a + b <= n and rounded_units(a, n, 0) + rounded_units(b, n, 0) == target
    }
    assert achievable_totals(100, 0, n, 2)["summed"] == summed
    assert max(summed) == n


def test_granularity_names_each_outcome():
    """A whole count first, then a sum of rounded parts, else neither."""
    assert granularity({"exact": {3}, "summed": {3}}) == "consistent"
    assert granularity({"exact": set(), "summed": {3}}) == "summed_rounding"
    assert granularity({"exact": set(), "summed": set()}) == "inconsistent"


def test_span_writes_one_base_or_a_range():
    """The notes write a single plausible base as itself, not as "77 to 77"."""
    assert (span(77, 77), span(74, 77)) == ("77", "74 to 77")


def audit_of(
    codebook, figures: list[dict], answers: dict[str, list], n_respondents: int = 77
) -> pd.DataFrame:
    """The audit of ``figures`` of ``n_respondents`` on data of the given answers (None: skipped)."""
    data = pd.DataFrame({item: pd.array(values, dtype="Int8") for item, values in answers.items()})
    return audit({"n_respondents": n_respondents, "figures": figures}, codebook, data).set_index("figure_id")


def test_note_of_a_summed_figure_names_its_shares_and_the_nearest_base(codebook):
    """81.9 %: 30 + 33 of 77 print as 39.0 + 42.9 (38.96, 42.86); no k/77 gives it, 59/72 does."""
    figure = {
        "id": "f",
        "items": ["eff_financial"],
        "statistic": "pct_positive",
        "value": 81.9,
        "decimals": 1,
    }
    row = audit_of(codebook, [figure], {"eff_financial": [5] * 33 + [4] * 30 + [1] * 14}).loc["f"]
    assert row["note"] == (
        "eff_financial: 30 + 33 of 77; summed rounded shares 39.0 + 42.9; no k/77 rounds to 81.9 "
        "(the nearest base that gives it: 59/72): a sum of rounded category percentages"
    )
    assert (row["reproduced_exact"], row["reproduced_as_published"]) == (pytest.approx(100 * 63 / 77), 81.9)
    assert row["status"] == "reproduced_as_published" and row["slide"] == ""
    assert (row["statistic"], row["items"], row["published"], row["decimals"]) == (
        "pct_positive",
        "eff_financial",
        81.9,
        1,
    )
    assert (row["n_base"], row["n_data"], row["base_min"]) == (77, 77, 77)


def test_note_of_a_figure_a_smaller_base_gives(codebook):
    """With 5 of 77 skipping the item, 59/72 (81.94 %) fits; the note lists the fitting bases."""
    figure = {
        "id": "f",
        "items": ["eff_financial"],
        "statistic": "pct_positive",
        "value": 81.9,
        "decimals": 1,
    }
    answers = {"eff_financial": [5] * 33 + [4] * 30 + [1] * 9 + [None] * 5}
    row = audit_of(codebook, [figure], answers).loc["f"]
    assert row["note"] == (
        "eff_financial: 30 + 33 of 77; summed rounded shares 39.0 + 42.9; no k/77 rounds to 81.9, but "
        "59/72 does (fitting bases 72 of the plausible 72 to 77): respondents who skipped the item explain it"
    )


def test_note_of_a_figure_nothing_gives(codebook):
    """99.9 % needs a base of at least 1000 (k/n within 0.05 % of 100 %): no base up to 77 and no sum of
    two rounded shares of 74 to 77 gives it; the data's 70 of 77 give 90.9 % (30 + 40: 39.0 + 51.9)."""
    figure = {
        "id": "f",
        "items": ["eff_financial"],
        "statistic": "pct_positive",
        "value": 99.9,
        "decimals": 1,
    }
    answers = {"eff_financial": [5] * 40 + [4] * 30 + [1] * 4 + [None] * 3}
    row = audit_of(codebook, [figure], answers).loc["f"]
    assert (row["granularity"], row["status"], row["base_min"]) == ("inconsistent", "not_reproduced", 74)
    assert row["note"] == (
        "eff_financial: 30 + 40 of 77; summed rounded shares 39.0 + 51.9; no k/n for a plausible base "
        "n (74 to 77) rounds to 99.9 (nor does any base up to 77), nor does a sum of rounded category "
        "percentages"
    )
    assert all(pd.isna(row[c]) for c in ["fit_count", "fit_base", "nearest_count", "nearest_base"])


def test_two_figures_whose_counts_exceed_the_base_conflict(codebook):
    """62 % and 39 % of 77 need 48 and 30 respondents (62.3 %, 39.0 %): 78 > 77, on the data's 70."""
    figures = [
        {"id": "pos", "items": ["rep_voice"], "statistic": "pct_positive", "value": 62, "decimals": 0,
         "slide": "S"},
        {"id": "neg", "items": ["rep_voice"], "statistic": "pct_negative", "value": 39, "decimals": 0},
    ]  # fmt: skip
    got = audit_of(codebook, figures, {"rep_voice": [5] * 30 + [4] * 18 + [3] * 2 + [2] * 10 + [1] * 10})
    assert got["conflicts_with"].to_dict() == {"pos": "neg", "neg": "pos"}
    assert got.loc["pos", "note"] == (
        "rep_voice: 18 + 30 of 70; summed rounded shares 26 + 43; cannot hold together with neg on any "
        "plausible base (77): their counts exceed it; the data have 70 respondents, the figure's base is 77"
    )
    assert (got.loc["pos", "fit_count"], got.loc["neg", "fit_count"]) == (48, 30)
    assert got.loc["pos", "slide"] == "S" and (got["status"] == "not_reproduced").all()


def test_figures_that_fit_together_do_not_conflict(codebook):
    """62 % and 38 % of 77 need 48 and 29 (37.66 %): 77 fits both; the same side never conflicts."""
    figures = [
        {"id": "pos", "items": ["rep_voice"], "statistic": "pct_positive", "value": 62, "decimals": 0},
        {"id": "neg", "items": ["rep_voice"], "statistic": "pct_negative", "value": 38, "decimals": 0},
        {"id": "pos2", "items": ["rep_voice"], "statistic": "pct_positive", "value": 62, "decimals": 0},
    ]
    got = audit_of(codebook, figures, {"rep_voice": [5] * 48 + [1] * 29})
    assert (got["conflicts_with"] == "").all() and (got["status"] == "reproduced").all()


def test_a_figure_on_several_items_reports_its_lowest_item(codebook):
    """Minimum over two items of 10: 6 (3 + 3) and 5 (5 + 0, no 5s) positive; the note shows the second."""
    figure = {"id": "m", "items": ["rep_obj_from_start", "rep_vis_from_start"],
              "statistic": "min_pct_positive", "value": 50, "decimals": 0}  # fmt: skip
    answers = {"rep_obj_from_start": [5] * 3 + [4] * 3 + [1] * 4, "rep_vis_from_start": [4] * 5 + [1] * 5}
    row = audit_of(codebook, [figure], answers, n_respondents=10).loc["m"]
    assert row["note"] == "rep_vis_from_start: 5 + 0 of 10; summed rounded shares 50 + 0"
    assert (row["status"], row["reproduced_exact"], row["items"]) == (
        "reproduced",
        50.0,
        "rep_obj_from_start rep_vis_from_start",
    )


def test_note_lists_every_fitting_base(codebook):
    """80 % fits no k/77 (61: 79.2, 62: 80.5) but 59/74, 60/75 and 61/76 (79.7, 80.0, 80.3)."""
    figure = {"id": "f", "items": ["eff_financial"], "statistic": "pct_positive", "value": 80, "decimals": 0}
    answers = {"eff_financial": [5] * 60 + [1] * 14 + [None] * 3}
    row = audit_of(codebook, [figure], answers).loc["f"]
    assert (row["fitting_bases"], row["fit_count"], row["fit_base"]) == ("74 75 76", 59, 74)
    assert row["note"].endswith(
        "no k/77 rounds to 80, but 59/74 does (fitting bases 74, 75, 76 of the plausible 74 to 77): "
        "respondents who skipped the item explain it"
    )


def test_a_count_from_summed_shares_can_make_two_figures_fit(codebook):
    """58 % of 77 needs 45 as a whole count (58.4) but 44 as a sum (22 + 22: 28.6 + 28.6 print as
    29 + 29); with 33 for 43 % (42.9) that is 77: the figures can hold together."""
    figures = [
        {"id": "pos", "items": ["rep_voice"], "statistic": "pct_positive", "value": 58, "decimals": 0},
        {"id": "neg", "items": ["rep_voice"], "statistic": "pct_negative", "value": 43, "decimals": 0},
    ]
    got = audit_of(codebook, figures, {"rep_voice": [5] * 22 + [4] * 22 + [1] * 33})
    assert (got["conflicts_with"] == "").all()


def test_only_figures_on_one_item_are_checked_for_conflicts(codebook):
    """A minimum over several items says nothing of one item's count: only the pair on one item clashes."""
    figures = [
        {"id": "multi", "items": ["rep_voice", "rep_vis_from_start"], "statistic": "min_pct_positive",
         "value": 62, "decimals": 0},
        {"id": "pos", "items": ["rep_voice"], "statistic": "pct_positive", "value": 62, "decimals": 0},
        {"id": "neg", "items": ["rep_voice"], "statistic": "pct_negative", "value": 39, "decimals": 0},
        {"id": "neg2", "items": ["rep_voice"], "statistic": "pct_negative", "value": 39, "decimals": 0},
    ]  # fmt: skip
    answers = {"rep_voice": [5] * 48 + [1] * 29, "rep_vis_from_start": [5] * 48 + [1] * 29}
    got = audit_of(codebook, figures, answers)
    assert got["conflicts_with"].to_dict() == {"multi": "", "pos": "neg neg2", "neg": "pos", "neg2": "pos"}


def test_a_figure_not_in_the_data_is_not_available(codebook):
    """An item missing from the data, or no respondents: NaN reproductions, and a note saying which."""
    figure = {"id": "f", "items": ["eff_financial"], "statistic": "pct_positive", "value": 80, "decimals": 0}
    row = audit_of(codebook, [figure], {"rep_voice": [5, 4]}).loc["f"]
    assert (row["status"], row["note"]) == ("not_available", "not in the data: eff_financial")
    assert pd.isna(row["reproduced_exact"]) and pd.isna(row["reproduced_as_published"])
    assert (row["base_min"], row["fitting_bases"]) == (77, "")  # no non-response shown: 77 only
    row = audit_of(codebook, [figure], {"eff_financial": []}).loc["f"]
    assert (row["status"], row["note"]) == ("not_available", "not in the data: no respondents")
    both = {**figure, "items": ["eff_financial", "eff_outreach"]}
    row = audit_of(codebook, [both], {"rep_voice": [5, 4]}).loc["f"]
    assert row["note"] == "not in the data: eff_financial eff_outreach"


def test_a_figure_on_no_known_item_assumes_two_categories_a_side(codebook):
    """Every side of the codebook's scales has two codes, the default for an item not in the data: 99.9 %
    of 3 is no count (100.0) and no sum of two rounded thirds (33.3 + 66.7), only of three (3 x 33.3)."""
    figure = {"id": "f", "items": ["not_an_item"], "statistic": "pct_positive", "value": 99.9, "decimals": 1}
    row = audit_of(codebook, [figure], {"eff_financial": [5, 4, 1]}, n_respondents=3).loc["f"]
    assert (row["granularity"], row["status"]) == ("inconsistent", "not_available")
    assert row["note"] == "not in the data: not_an_item"


def test_one_respondent_who_skipped_makes_a_smaller_base_plausible(codebook):
    """50 % fits no k/77 (49.4, 50.6) but 38/76; the data's one respondent skipped the item."""
    figure = {"id": "f", "items": ["eff_financial"], "statistic": "pct_positive", "value": 50, "decimals": 0}
    row = audit_of(codebook, [figure], {"eff_financial": [None]}).loc["f"]
    assert (row["base_min"], row["fitting_bases"], row["fit_count"]) == (76, "76", 38)
