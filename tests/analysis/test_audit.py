"""Audit of the published figures: granularity arithmetic and the replica's reproduction."""

from __future__ import annotations

import itertools

import pytest

from leisurenet.analysis.audit import COLUMNS, achievable_totals, audit
from leisurenet.data.published import rounded_units, units

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


def test_granularity_names_the_ten_summed_figures(figures):
    summed = figures[figures["granularity"] == "summed_rounding"]
    assert sorted(summed["published"]) == sorted(SUMMED_ROUNDING_FIGURES)
    assert (figures["granularity"] != "inconsistent").all()
    assert (summed["status"] == "reproduced_as_published").all()


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
