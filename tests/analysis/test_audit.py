"""Audit of the published figures: granularity arithmetic, plausible bases and the replica's reproduction."""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from leisurenet.analysis.audit import COLUMNS, achievable_totals, audit
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
