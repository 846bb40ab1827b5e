"""AAPOR final dispositions and response rates (leisurenet.data.disposition), and the paper's sentence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from leisurenet.config import check_semantics, load_config
from leisurenet.data.clean import clean
from leisurenet.data.disposition import (
    COLUMNS,
    GROUPS,
    dispositions,
    eligibility_rate,
    group_counts,
    response_rates,
)
from leisurenet.data.ingest.read import read_export, read_frame
from leisurenet.paper import methods
from leisurenet.paper.prose import Prose
from leisurenet.paper.provenance import trace, traced, unmark
from leisurenet.paper.wording import Wording

# --- the codes ------------------------------------------------------------------------------


def responses(answered: list[int], n_items: int = 10, dont_know: int = 0) -> pd.DataFrame:
    """One respondent per entry of ``answered``: that many items answered (the first
    ``dont_know`` of them "weet niet"), the rest blank."""
    data = {
        "resp_id": [f"R{i}" for i in range(len(answered))],
        "network_id": [f"N{i}" for i in range(len(answered))],
    }
    for j in range(n_items):
        data[f"q{j}_missing"] = pd.Categorical(
            [("dont_know" if j < dont_know else None) if j < a else "blank" for a in answered],
            categories=["dont_know", "blank"],
        )
    return pd.DataFrame(data)


ITEMS = [f"q{j}" for j in range(10)]


def test_the_share_answered_sets_the_code_at_aapor_s_thresholds():
    # 10 items: 9 answered is 90% (> 80%: complete), 8 is exactly 80% (not above: partial), 5 is
    # exactly 50% (partial), 4 and 0 are break-offs, an empty questionnaire among them.
    data = responses([10, 9, 8, 5, 4, 0])
    out = dispositions(data, ITEMS)
    assert list(out.columns) == COLUMNS
    expected = ["complete", "complete", "partial", "partial", "break_off", "break_off"]
    assert out["disposition"].tolist() == expected
    assert out["aapor_code"].tolist() == ["1.1", "1.1", "1.2", "1.2", "2.12", "2.12"]
    assert out["aapor_group"].tolist() == ["I", "I", "P", "P", "R", "R"]
    assert out["share_answered"].tolist() == pytest.approx([1.0, 0.9, 0.8, 0.5, 0.4, 0.0])
    assert not out["in_frame"].any()  # without a frame: the returned questionnaires only
    # other thresholds move the codes: 80% is complete above 75%, 40% partial from 40%
    moved = dispositions(data, ITEMS, complete_above=0.75, partial_from=0.4)["disposition"].tolist()
    assert moved == ["complete", "complete", "complete", "partial", "partial", "break_off"]


def test_a_dont_know_is_an_answer_and_a_blank_is_not():
    # AAPOR: answered "with other than a refusal or no answer"; "weet niet" is an answer
    out = dispositions(responses([10, 10], dont_know=10), ITEMS)
    assert out["disposition"].tolist() == ["complete", "complete"]
    assert out["n_answered"].tolist() == [10, 10]


def test_every_network_of_the_frame_gets_a_disposition_in_the_frame_s_order():
    data = responses([10, 6, 2])
    frame = pd.Series(["N9", " N1", "N0", "N2", "N8"])  # spaces as a hand-made frame has them
    out = dispositions(data, ITEMS, frame)
    assert out["network_id"].tolist() == ["N9", "N1", "N0", "N2", "N8"]
    assert out["disposition"].tolist() == [
        "nothing_returned",
        "partial",
        "complete",
        "break_off",
        "nothing_returned",
    ]
    assert out.loc[0, "aapor_code"] == "3.19" and out.loc[0, "aapor_group"] == "UO"
    assert out["resp_id"].isna().tolist() == [True, False, False, False, True]
    assert out["n_answered"].isna().tolist() == [True, False, False, False, True]
    assert out["in_frame"].all()
    assert group_counts(out) == {"I": 1, "P": 1, "R": 1, "NC": 0, "O": 0, "UH": 0, "UO": 2, "NE": 0}


def test_bad_input_stops_with_what_to_fix():
    with pytest.raises(ValueError, match="not in the population frame: \\['N1'\\]"):
        dispositions(responses([10, 10]), ITEMS, pd.Series(["N0"]))
    with pytest.raises(ValueError, match="partial_from \\(0.9\\) and complete_above \\(0.8\\)"):
        dispositions(responses([10]), ITEMS, complete_above=0.8, partial_from=0.9)
    with pytest.raises(KeyError, match="q10_missing"):
        dispositions(responses([10]), [*ITEMS, "q10"])
    config = load_config()
    config["disposition"] = {"complete_above": 0.5, "partial_from": 0.6}
    with pytest.raises(ValueError, match="partial_from \\(0.6\\) and complete_above \\(0.5\\)"):
        check_semantics(config)


# --- the rates -------------------------------------------------------------------------------


def aapor(I, P, R, NC, O, UH, UO, NE, e=None):  # noqa: E741, N803 (AAPOR's symbols)
    """The AAPOR Standard Definitions' formulas as printed (9th ed., "Response rates"), written
    out here rather than through the library's shared sums."""
    if e is None:  # e from the cases of known eligibility (eligible / (eligible + not eligible))
        e = (I + P + R + NC + O) / (I + P + R + NC + O + NE)
    return {
        "RR1": I / ((I + P) + (R + NC + O) + (UH + UO)),
        "RR2": (I + P) / ((I + P) + (R + NC + O) + (UH + UO)),
        "RR3": I / ((I + P) + (R + NC + O) + e * (UH + UO)),
        "RR4": (I + P) / ((I + P) + (R + NC + O) + e * (UH + UO)),
        "RR5": I / ((I + P) + (R + NC + O)),
        "RR6": (I + P) / ((I + P) + (R + NC + O)),
    }


@pytest.mark.parametrize(
    "counts",
    [
        dict(zip(GROUPS, values, strict=True))
        for values in [(77, 0, 0, 0, 0, 0, 27, 0), (60, 9, 4, 3, 2, 5, 21, 6), (1, 1, 1, 1, 1, 1, 1, 1)]
    ],
)
def test_the_rates_are_aapor_s_formulas(counts):
    got = response_rates(counts)
    assert got == pytest.approx(aapor(**counts))
    assert eligibility_rate(counts) == pytest.approx(
        (counts["I"] + counts["P"] + counts["R"] + counts["NC"] + counts["O"])
        / (sum(counts.values()) - counts["UH"] - counts["UO"])
    )
    for e in (0.0, 0.35, 1.0):  # a given e: RR3 runs from RR5 (e = 0) to RR1 (e = 1)
        assert response_rates(counts, e) == pytest.approx(aapor(**counts, e=e))
    assert response_rates(counts, 1.0)["RR3"] == pytest.approx(got["RR1"])
    assert response_rates(counts, 0.0)["RR3"] == pytest.approx(got["RR5"])


def test_a_rate_without_a_denominator_is_nan():
    nothing = dict.fromkeys(GROUPS, 0)
    assert all(np.isnan(v) for v in response_rates(nothing).values())
    only_unknown = nothing | {"UO": 5}  # RR1 is 0, e cannot be estimated, RR5 has no base
    rates = response_rates(only_unknown)
    assert rates["RR1"] == 0 and np.isnan(rates["RR3"]) and np.isnan(rates["RR5"])


# --- from the export to the paper's sentence -------------------------------------------------


def write_export(codebook, folder, blanks: int):
    """Four respondents who answered every item ("3", "weet niet" for the first), and a frame of
    six networks; the last respondent leaves its first ``blanks`` items blank."""
    items = codebook.item_ids
    rows = []
    for i in range(4):
        answers = {item: ("9" if i == 0 else "3") for item in items}
        if i == 3:
            answers |= dict.fromkeys(items[:blanks], "")
        rows.append({"resp_id": f"R{i}", "network_id": f"N{i}", "municipality_pop": str(5000 + i)} | answers)
    export = folder / f"export_{blanks}.csv"
    pd.DataFrame(rows).to_csv(export, index=False)
    frame = folder / "frame.csv"
    pd.DataFrame(
        {"network_id": [f"N{i}" for i in range(6)], "municipality_pop": [str(5000 + i) for i in range(6)]}
    ).to_csv(frame, index=False)
    return read_export(export, known=codebook.columns), read_frame(frame)


def say(codebook, config, table: pd.DataFrame, folder) -> dict:
    """The paper's values from the table as the pipeline writes and reads it."""
    path = folder / "disposition.csv"
    table.to_csv(path, index=False)
    traced_table = trace(pd.read_csv(path), "results/clean/disposition.csv", ("network_id",))
    settings = {
        k: traced(config["disposition"][k], "config/config.yaml", "disposition", k)
        for k in ("complete_above", "partial_from")
    }
    prose = Prose.from_config(Wording.from_yaml(), codebook, {}, config["crosstabs"], synthetic=False)
    return methods.disposition_variables(traced_table, settings, prose)


def test_a_partial_questionnaire_changes_the_codes_the_rate_and_the_sentence(codebook, config, tmp_path):
    n_items = len(codebook.item_ids)
    # the last respondent answers between 50% and 80% of the items: a partial
    blanks = n_items - int(0.6 * n_items)
    runs = {}
    for case, k in (("all", 0), ("partial", blanks)):
        raw, frame = write_export(codebook, tmp_path, k)
        result = clean(raw, codebook, frame)
        runs[case] = (result.disposition, say(codebook, config, result.disposition, tmp_path))
    (before, said_before), (after, said_after) = runs["all"], runs["partial"]
    assert before["disposition"].tolist() == ["complete"] * 4 + ["nothing_returned"] * 2
    assert after["disposition"].tolist() == ["complete"] * 3 + ["partial"] + ["nothing_returned"] * 2
    assert after.loc[3, "aapor_code"] == "1.2"
    # RR1 = I / 6 drops from 4/6 to 3/6, RR2 = (I + P) / 6 stays 4/6
    assert unmark(said_before["rr1"]) == f"{100 * 4 / 6:.1f}%" == unmark(said_after["rr2"])
    assert unmark(said_after["rr1"]) == f"{100 * 3 / 6:.1f}%"
    before_text, after_text = unmark(said_before["sentence"]), unmark(said_after["sentence"])
    assert "all 4 returned questionnaires are complete" in before_text
    assert "= 4 / 6 = 66.7%" in before_text and "equals RR1" in before_text
    assert "3 are complete, 1 partial and 0 broken off" in after_text
    assert "= 3 / 6 = 50.0%" in after_text and "RR2 is 66.7%" in after_text
    assert "The 2 networks that returned nothing" in after_text
    assert "upper bound, 100.0% (RR5)" in before_text  # 4 / (4 + 0)


def test_without_a_frame_the_paper_says_no_rate_can_be_computed(codebook, config, tmp_path):
    raw, _ = write_export(codebook, tmp_path, len(codebook.item_ids))  # the last one left all blank
    table = clean(raw, codebook, None).disposition
    assert table["disposition"].tolist() == ["complete"] * 3 + ["break_off"]
    said = say(codebook, config, table, tmp_path)
    text = unmark(said["sentence"])
    assert text.startswith("Without a population frame the response rate cannot be computed")
    assert "3 are complete, 0 partial and 1 broken off" in text
    assert said["rr1"] == "n/a" and "RR1" not in text


def test_the_replica_s_dispositions_match_its_sample_flow(cleaned, replica, codebook, tmp_path):
    # every network of the frame once; the returned ones are the export's respondents
    from tests.conftest import write_replica

    export, frame_path = write_replica(replica, tmp_path)
    result = clean(read_export(export), codebook, read_frame(frame_path))
    table = result.disposition
    flow = result.flow.set_index("step")["n"]
    assert len(table) == flow["frame"] and table["network_id"].is_unique
    returned = table[table["disposition"] != "nothing_returned"]
    assert len(returned) == flow["export"]
    assert set(returned["resp_id"]) == set(cleaned["resp_id"])
