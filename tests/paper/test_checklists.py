"""The AAPOR and CHERRIES checklists (results/paper/checklists.csv): every item of both standards
once, each status following what the paper contains, and no reported item without a place in
the rendered paper."""

from __future__ import annotations

import pandas as pd
import pytest

from leisurenet.config import STUDY_KEYS, study_value
from leisurenet.paper import checklists
from leisurenet.paper.checklists import COLUMNS, NOT_APPLICABLE, REPORTED, UNKNOWN, Evidence
from leisurenet.paper.conduct import study_variables
from leisurenet.paper.prose import Prose
from leisurenet.paper.provenance import unmark
from leisurenet.paper.wording import Wording

from ..conftest import ROOT


@pytest.fixture(scope="module")
def prose(codebook) -> Prose:
    return Prose(Wording.from_yaml(), codebook)


def every_fact(**changes) -> dict:
    """A study section with every key set ("x"; an online mode; ISO dates), then ``changes``."""
    study: dict = {}
    for key in STUDY_KEYS:
        section, _, name = key.rpartition(".")
        value = "2016-03-01" if key in ("fieldwork.start", "fieldwork.end", "frame.date") else "x"
        (study.setdefault(section, {}) if section else study)[name] = value
    study["mode"] = "an online survey"
    return study | changes


def status(table: pd.DataFrame, standard: str, key: str) -> pd.Series:
    """The row of an item, found by its wording."""
    wording = Prose(Wording.from_yaml(), None).say("checklists.item", f"{standard.lower()}_{key}")
    return table.set_index(["standard", "item"]).loc[(standard, wording)]


def test_one_row_per_item_of_each_standard_with_exactly_the_contract_columns(prose):
    table = checklists.checklist(Evidence(every_fact(), True, True), prose)
    assert list(table.columns) == ["standard", "item", "status", "location", "note"] == COLUMNS
    # AAPOR Code 2021, III.A and III.B, as worded here; CHERRIES' 30 items (Eysenbach 2004).
    assert table["standard"].value_counts().to_dict() == {"AAPOR": 21, "CHERRIES": 30}
    assert not table.duplicated(["standard", "item"]).any()
    assert set(table["status"]) <= {REPORTED, UNKNOWN, NOT_APPLICABLE}
    reported = table[table["status"] == REPORTED]
    assert (reported["location"] != "").all()
    assert (table.loc[table["status"] != REPORTED, "note"] != "").all()


def test_a_study_fact_is_reported_only_when_every_part_of_it_is_set(prose):
    known = checklists.checklist(Evidence(every_fact(), True, True), prose)
    assert status(known, "AAPOR", "dates")[["status", "location"]].tolist() == [REPORTED, "sec-data"]
    assert status(known, "AAPOR", "sponsor")["status"] == REPORTED
    half = every_fact(fieldwork={"start": "2016-03-01", "end": None}, sponsor=None)
    table = checklists.checklist(Evidence(half, True, True), prose)
    dates = status(table, "AAPOR", "dates")
    assert dates["status"] == UNKNOWN and dates["note"].startswith("Reported only in part: @sec-data")
    sponsor = status(table, "AAPOR", "sponsor")
    assert sponsor["status"] == UNKNOWN and sponsor["note"] == "Not reported by the study, as @sec-data says."
    # the cooperation item needs invitation, reminders and incentives
    assert status(checklists.checklist(Evidence(every_fact(reminders=None), True, True), prose), "AAPOR",
                  "cooperation")["status"] == UNKNOWN  # fmt: skip


def test_each_reported_study_fact_is_printed_in_the_method_section_and_each_unknown_declared(prose, config):
    # On the replica's own study section: what the checklist calls reported, the method
    # section prints; what it calls unknown, the method section names as not reported.
    study = config["study"]
    table = checklists.checklist(Evidence(study, True, True), prose)
    said = study_variables(study, {}, prose)
    conduct, unreported = unmark(said["conduct"]), said["unreported"]
    assert status(table, "AAPOR", "mode")["status"] == REPORTED
    assert study_value(study, "mode") in conduct
    assert status(table, "AAPOR", "sponsor")["status"] == UNKNOWN
    assert prose.say("study.unreported_item", "sponsor") in unreported
    assert status(table, "AAPOR", "dates")["status"] == UNKNOWN
    assert prose.say("study.unreported_item", "fieldwork") in unreported


def test_the_frame_and_the_weights_decide_their_items(prose):
    with_all = checklists.checklist(Evidence(every_fact(), True, True), prose)
    bare = checklists.checklist(Evidence(every_fact(), False, False), prose)
    assert status(with_all, "AAPOR", "weighting")[["status", "location"]].tolist() == [
        REPORTED,
        "tbl-weights",
    ]
    assert status(bare, "AAPOR", "weighting")[["status", "note"]].tolist() == [
        NOT_APPLICABLE,
        "The estimates are not weighted.",
    ]
    assert status(with_all, "AAPOR", "dispositions")["status"] == REPORTED
    assert status(bare, "AAPOR", "dispositions")[["status", "note"]].tolist() == [
        UNKNOWN,
        "Without a population frame the data cannot tell.",
    ]
    assert status(with_all, "AAPOR", "sample_supplier")["status"] == NOT_APPLICABLE
    assert status(bare, "AAPOR", "sample_supplier")["status"] == UNKNOWN


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("an online survey", NOT_APPLICABLE),
        ("a postal questionnaire", NOT_APPLICABLE),
        ("telephone interviews (CATI)", UNKNOWN),
        ("an online survey with follow-up phone interviews", UNKNOWN),
        (None, UNKNOWN),
    ],
)
def test_interviewers_are_not_applicable_only_to_a_self_administered_mode(prose, mode, expected):
    table = checklists.checklist(Evidence(every_fact(mode=mode), True, True), prose)
    assert status(table, "AAPOR", "interviewers")["status"] == expected


def test_a_reported_location_missing_from_the_html_is_named(prose):
    table = checklists.checklist(Evidence(every_fact(), True, True), prose)
    locations = set(table.loc[table["status"] == REPORTED, "location"])
    page = "".join(f'<section id="{label}"></section>' for label in sorted(locations))
    assert checklists.missing_locations(table, page) == []
    without = page.replace('id="tbl-weights"', 'id="tbl-other"')
    missing = checklists.missing_locations(table, without)
    assert missing and all(m.endswith("(tbl-weights)") for m in missing)
    assert len(missing) == (table["location"] == "tbl-weights").sum()


def test_every_location_is_a_label_of_the_manuscript_or_of_a_table_it_includes(prose):
    source = (ROOT / "paper" / "paper.qmd").read_text(encoding="utf-8")
    labels = {
        label
        for label in set().union(
            *(checklists.checklist(Evidence(s, f, w), prose)["location"] for s, f, w in
              ((every_fact(), True, True), ({}, False, False)))
        )
        if label
    }  # fmt: skip
    for label in labels:
        kind = label.split("-")[0]
        in_text = f"{{#{label}" in source
        # a table's label is in the caption paper_assets writes: its file is included by name
        included = kind == "tbl" and f"tables/{label.removeprefix('tbl-').replace('-', '_')}.md" in source
        assert in_text or included, label


def test_the_caption_counts_what_the_table_holds(prose):
    table = checklists.checklist(Evidence({}, False, False), prose)
    table.attrs["source"] = "results/paper/checklists.csv"
    text = unmark(checklists.checklist_table(table, prose))
    counts = table[table["status"] == REPORTED].groupby("standard").size()
    aapor, cherries = counts["AAPOR"], counts["CHERRIES"]
    assert f"Reported: {aapor} of the 21 AAPOR items and {cherries} of the 30 CHERRIES items." in text
