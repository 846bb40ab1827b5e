"""Proposing a mapping from a survey tool's export onto the codebook (leisurenet.data.propose).

The exports are hand-built RawTables in each tool's style: question codes as names, the
question text (a matrix question's stem and statement) beside them, reworded statements and
answer labels, and metadata columns with personal data whose values must appear nowhere.
"""

from __future__ import annotations

import doctest
import subprocess

import pandas as pd
import pytest
import yaml

import leisurenet.data.propose.labels as labels_module
import leisurenet.data.propose.proposal as proposal_module
import leisurenet.data.propose.reading as reading_module
from leisurenet.data.ingest.table import RawTable
from leisurenet.data.propose.cli import main
from leisurenet.data.propose.columns import ColumnMatch
from leisurenet.data.propose.evaluate import agreement, evaluate
from leisurenet.data.propose.labels import LabelMatch
from leisurenet.data.propose.proposal import Proposal, propose
from leisurenet.data.propose.reading import metadata_kind, read_for_proposal, statement_parts
from leisurenet.data.toolexports.writing import LAYOUTS, write_export

from ..conftest import ROOT

N = 6
IPS = [f"198.51.100.{17 + i}" for i in range(N)]
EMAILS = [f"coordinator.{31 + i}@example.org" for i in range(N)]
VISION_STEM = "In welke mate gaat u akkoord met de volgende stellingen over de visie van uw netwerk?"
EFFORT_STEM = "In welke mate zet uw netwerk in op de volgende acties?"
A5_ANSWERS = ["helemaal akkoord", "eerder akkoord", "Akkoord", "geen mening / weet niet", "", "niet akkoord"]
E5_ANSWERS = ["eerder zwakke inzet", "gemiddelde inzet", "sterke inzet", "", "zeer sterke inzet", "9"]
# Item statements as a tool shows them: trailing period gone, other capitals, a synonym.
STATEMENTS = {
    "vis_defined": "het netwerk heeft een duidelijk afgebakende visie",
    "vis_consensus": "Over die visie is er consensus in het netwerk",
    "vis_poverty_defined": "Het netwerk heeft een helder omschreven visie op de achterliggende "
    "problematiek van armoede",
    "eff_financial": "Toekennen van individuele financiële tussenkomsten",
    "eff_info_offer": "Verspreiden van informatie over het vrijetijdsaanbod voor doelgroepen",
}
STEM_OF = {"vis": VISION_STEM, "eff": EFFORT_STEM}


def answers(item: str) -> list[str]:
    return E5_ANSWERS if item.startswith("eff") else A5_ANSWERS


def table(columns: dict[str, list[str]], layout: str, questions=None, value_labels=None) -> RawTable:
    """A RawTable as ingest reads an export of ``layout`` (the fields set after construction)."""
    first = {"qualtrics": 4, "surveymonkey": 3}.get(layout, 2)
    data = pd.DataFrame(columns, dtype=object)
    raw = RawTable(
        f"{layout}.csv",
        data,
        list(range(first, first + len(data))),
        value_labels=value_labels or {},
    )
    raw.layout = layout
    raw.questions = questions or {}
    return raw


def qualtrics() -> tuple[RawTable, dict[str, str]]:
    """Qualtrics: metadata, then matrix statements Q3_1... with "stem - statement" texts."""
    columns = {
        "StartDate": ["2016-11-03 09:12:44"] * N,
        "IPAddress": IPS,
        "RecipientEmail": EMAILS,
        "Duration (in seconds)": [str(300 + i) for i in range(N)],
    }
    questions, truth = {}, {}
    for k, (item, statement) in enumerate(STATEMENTS.items(), 1):
        name = f"Q{3 if item.startswith('vis') else 4}_{k}"
        columns[name] = answers(item)
        questions[name] = f"{STEM_OF[item[:3]]} - {statement}"
        truth[name] = item
    columns["Q9"] = ["12000", "4500", "88000", "2300", "15000", "7000"]
    questions["Q9"] = "Hoeveel inwoners telt de gemeente van uw netwerk?"
    return table(columns, "qualtrics", questions), truth


def codes_of(proposal: Proposal) -> dict[str, str | None]:
    return {m.column: m.target for m in proposal.columns}


# --- columns, per layout ------------------------------------------------------------------------


def test_qualtrics_statements_after_the_stem_are_matched(codebook):
    raw, truth = qualtrics()
    proposal = propose(raw, codebook)
    found = codes_of(proposal)
    assert {c: found[c] for c in truth} == truth
    by_column = {m.column: m for m in proposal.columns}
    assert all(by_column[c].via == "statement" and by_column[c].status == "certain" for c in truth)
    assert found["Q9"] == "municipality_pop" and by_column["Q9"].status == "uncertain"
    dropped = {m.column: m.note for m in proposal.columns if m.status == "drop"}
    assert dropped == {
        "StartDate": "date or time",
        "IPAddress": "IP address",
        "RecipientEmail": "e-mail address",
        "Duration (in seconds)": "duration",
    }


def test_surveymonkey_names_hold_the_stem_and_statement(codebook):
    columns = {"Respondent ID": [str(110 + i) for i in range(N)], "IP Address": IPS, "Email Address": EMAILS}
    truth = {}
    for item, statement in STATEMENTS.items():
        name = f"{STEM_OF[item[:3]]} - {statement}"
        columns[name] = answers(item)
        truth[name] = item
    raw = table(columns, "surveymonkey", {n: n for n in columns})
    proposal = propose(raw, codebook)
    found = codes_of(proposal)
    assert {c: found[c] for c in truth} == truth
    assert found["Respondent ID"] == "resp_id"  # a tool's respondent ID, proposed for review
    assert {m.column: m.status for m in proposal.columns}["Respondent ID"] == "uncertain"
    assert {m.column for m in proposal.columns if m.status == "drop"} == {"IP Address", "Email Address"}


def test_limesurvey_codes_with_bracketed_statements(codebook):
    columns = {"id": [str(i) for i in range(1, N + 1)], "ipaddr": IPS, "email": EMAILS}
    questions, truth = {}, {}
    for k, (item, statement) in enumerate(STATEMENTS.items(), 1):
        name = f"G0{1 if item.startswith('vis') else 2}Q03[SQ00{k}]"
        columns[name] = answers(item)
        questions[name] = f"{STEM_OF[item[:3]]} [{statement}]"
        truth[name] = item
    proposal = propose(table(columns, "limesurvey", questions), codebook)
    found = codes_of(proposal)
    assert {c: found[c] for c in truth} == truth
    assert {m.column for m in proposal.columns if m.status == "drop"} == {"ipaddr", "email"}


def test_spss_variable_labels_and_value_labels(codebook):
    columns = {"v3_1": ["1", "2", "5", "9", "", "4"], "v3_2": ["3", "3", "2", "1", "9", ""]}
    questions = {"v3_1": STATEMENTS["vis_defined"], "v3_2": STATEMENTS["vis_consensus"]}
    value_labels = {
        "v3_1": {"1": "helemaal niet akkoord", "2": "eerder oneens", "9": "geen mening / weet niet"},
        "v3_2": {"2": "eerder oneens", "3": "Middelmatig"},
    }
    proposal = propose(table(columns, "spss", questions, value_labels), codebook)
    assert codes_of(proposal) == {"v3_1": "vis_defined", "v3_2": "vis_consensus"}
    assert {m.via for m in proposal.columns} == {"variable label"}
    labels = {x.label: x for x in proposal.labels}
    # the codebook reads "helemaal niet akkoord" already: no entry
    assert set(labels) == {"eerder oneens", "geen mening / weet niet", "Middelmatig"}
    assert {k: (x.code, x.status) for k, x in labels.items()} == {
        "eerder oneens": (2, "spss"),
        "geen mening / weet niet": (9, "spss"),
        "Middelmatig": (3, "spss"),
    }
    assert "from SPSS value labels" in labels["eerder oneens"].note
    assert "# from SPSS value labels (code 2)" in proposal.to_yaml()


def test_a_column_named_by_its_codebook_id_is_matched_exactly(codebook):
    raw = table({"vis_defined": A5_ANSWERS, "RESP_ID": [f"R{i}" for i in range(N)]}, "plain")
    found = {m.column: (m.target, m.score, m.status) for m in propose(raw, codebook).columns}
    assert found == {"vis_defined": ("vis_defined", 1.0, "exact"), "RESP_ID": ("resp_id", 1.0, "certain")}


def test_one_to_one_even_when_two_columns_fit_one_item(codebook):
    """Two columns worded like the same item: one gets it, the other is not paired with it too."""
    columns = {"Q1": A5_ANSWERS, "Q2": A5_ANSWERS}
    questions = {"Q1": STATEMENTS["vis_defined"], "Q2": STATEMENTS["vis_defined"] + " en gedragen"}
    first, second = propose(table(columns, "qualtrics", questions), codebook).columns
    assert (first.target, first.score) == ("vis_defined", 1.0)
    assert second.target != "vis_defined" and second.status == "uncertain"
    assert (second.runner_up, second.runner_up_score) == ("vis_defined", pytest.approx(0.87, abs=0.01))


def test_statement_parts():
    assert statement_parts("Stam - Een - stelling") == ["Een - stelling", "stelling"]
    assert statement_parts("Stam [stelling]") == ["stelling"]
    assert statement_parts("Geen matrixvraag") == []


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("IPAddress", "IP address"),
        ("ipaddr", "IP address"),
        ("Email Address", "e-mail address"),
        ("RecipientLastName", "name"),
        ("LocationLongitude", "location"),
        ("submitdate", "date or time"),
        ("Progress", "progress"),
        ("Duration (in seconds)", "duration"),
        ("Q3_1", None),
        ("ExternalReference", None),
        ("Verspreiden van informatie rond het vrijetijdsaanbod in de vrije tijd", None),
    ],
)
def test_metadata_is_recognised_by_its_name(name, kind):
    assert metadata_kind(name) == kind


# --- labels ----------------------------------------------------------------------------------------


def test_labels_known_fuzzy_worded_and_unknown(codebook):
    columns = {
        "Q3_1": ["helemaal  Akkoord", "akkoord.", "eerder akkoord", "zo-zo", "geen mening / weet niet", "3"]
    }
    raw = table(columns, "qualtrics", {"Q3_1": f"{VISION_STEM} - {STATEMENTS['vis_defined']}"})
    labels = {x.label: (x.code, x.status) for x in propose(raw, codebook).labels}
    assert labels == {
        # "helemaal  Akkoord" and "3": the codebook reads them, no entry
        "akkoord.": (4, "certain"),  # the codebook's label but for punctuation
        "eerder akkoord": (4, "uncertain"),  # by its wording
        "geen mening / weet niet": (9, "uncertain"),
        "zo-zo": (None, "fill"),
    }


def test_a_fuzzy_label_is_proposed_for_review(codebook):
    raw = table({"Q1": ["zwakke inzetting"] * N}, "qualtrics", {"Q1": STATEMENTS["eff_financial"]})
    (label,) = propose(raw, codebook).labels
    assert (label.code, label.status) == (2, "uncertain")
    assert label.note.startswith("fuzzy 0.8")


def test_markers_in_the_yaml(codebook):
    raw, _ = qualtrics()
    raw.data["Opmerkingen"] = ["geen"] * N
    raw.questions["Opmerkingen"] = "Heeft u nog opmerkingen?"
    text = propose(raw, codebook).to_yaml()
    lines = text.splitlines()
    assert lines[0].startswith("# PROPOSED mapping of qualtrics.csv (layout: qualtrics)")
    assert any("the pipeline never reads this file" in line for line in lines[:6])
    line = next(x for x in lines if x.startswith("  Q9:"))
    assert line.startswith("  Q9: municipality_pop  # REVIEW score 0.")
    assert "  Q3_1: vis_defined  # score " in text
    assert '    "zeer sterke inzet"' not in text  # the codebook reads it
    fill = next(x for x in lines if x.startswith('    "gemiddelde inzet"'))
    assert fill.startswith('    "gemiddelde inzet": 3  # REVIEW: by its wording: the middle')
    # every entry of columns and labels carries a comment with its score or note
    body = lines[lines.index("columns:") + 1 : lines.index("drop:")]
    assert all("  # " in x for x in body if x.startswith("    ") or (x.startswith("  ") and ":" in x[2:]))
    # unmatched columns only in a comment block, by name
    assert "#   Opmerkingen" in lines and "Opmerkingen:" not in text


def test_an_unreadable_label_is_left_null_with_the_scale_to_choose_from(codebook):
    raw = table({"Q1": ["zo-zo"] * N}, "qualtrics", {"Q1": STATEMENTS["vis_defined"]})
    line = next(x for x in propose(raw, codebook).to_yaml().splitlines() if "zo-zo" in x)
    assert line == (
        '    "zo-zo": null  # FILL IN: the code of this label (1 = helemaal niet akkoord, '
        "2 = niet akkoord, 3 = noch akkoord noch niet akkoord, 4 = akkoord, 5 = helemaal akkoord, "
        "9 = weet niet)"
    )


# --- YAML and report -------------------------------------------------------------------------


def test_the_yaml_loads_to_the_mapping(codebook):
    raw, _ = qualtrics()
    awkward = {  # column names YAML would misread unquoted, for items not in qualtrics()
        "No": codebook.items["eff_outreach"]["nl"],  # a boolean
        'Q10: "yes" # or not': codebook.items["obj_defined"]["nl"],
        "G02Q05[SQ001]": codebook.items["act_planned"]["nl"],
    }
    texts = ["ja: soms", "- eerder", "'quoted'", '"x"', "#1 keuze", "null"]
    columns = {name: texts for name in awkward}
    raw = table({**raw.data.to_dict("list"), **columns}, "qualtrics", {**raw.questions, **awkward})
    proposal = propose(raw, codebook)
    loaded = yaml.safe_load(proposal.to_yaml())
    assert loaded == proposal.mapping()
    assert loaded["columns"]["No"] == "eff_outreach"
    assert loaded["columns"]['Q10: "yes" # or not'] == "obj_defined"
    assert loaded["columns"]["G02Q05[SQ001]"] == "act_planned"
    assert set(loaded["labels"]["E5"]) >= set(texts) and set(loaded["labels"]["A5"]) >= set(texts)
    assert loaded["drop"] == ["StartDate", "IPAddress", "RecipientEmail", "Duration (in seconds)"]


def test_the_report_names_file_layout_counts_columns_labels_and_next_steps(codebook):
    raw, truth = qualtrics()
    report = propose(raw, codebook).report()
    assert report.startswith("# Proposed mapping: qualtrics.csv\n")
    assert "- layout: qualtrics" in report
    assert (
        "matched certain: 5 (0 named by their codebook ID), uncertain (REVIEW): 1, unmatched: 0, " in report
    )
    assert "dropped as metadata: 4" in report
    assert "| Q3_1 | vis_defined | " in report
    assert "| E5 | gemiddelde inzet | 3 | uncertain |" in report
    assert "## What to do next" in report and "data.mapping" in report
    assert "Map the column(s) holding resp_id, network_id (not found)." in report


def test_no_value_of_an_unmatched_column_is_written(codebook):
    raw, _ = qualtrics()
    proposal = propose(raw, codebook)
    text = proposal.to_yaml() + proposal.report()
    assert not [v for v in [*IPS, *EMAILS, "2016-11-03", "09:12:44"] if v in text]
    assert "IPAddress" in text and "RecipientEmail" in text  # by name


def test_answers_that_look_like_personal_data_or_free_text_are_not_shown(codebook):
    """An item column holding e-mail addresses or free text (a wrong match, or a wrong export)."""
    statement = f"{VISION_STEM} - Die visie op armoede wordt gedeeld door de netwerkpartners"
    raw = table({"Q3_9": [*EMAILS[:3], "akkoord", "eerder akkoord", ""]}, "qualtrics", {"Q3_9": statement})
    proposal = propose(raw, codebook)
    assert [m.target for m in proposal.columns] == ["vis_poverty_shared"]
    assert [x.label for x in proposal.labels] == ["eerder akkoord"]
    assert proposal.warnings == [
        "column 'Q3_9': 3 answer text(s) not shown, as they look like personal data or free text "
        "rather than answer labels: check that it is vis_poverty_shared"
    ]
    assert not [e for e in EMAILS if e in proposal.to_yaml() + proposal.report()]
    remarks = [f"opmerking nummer {i}" for i in range(20)]
    free = propose(table({"Q3_9": remarks}, "qualtrics", {"Q3_9": statement}), codebook)
    assert free.labels == []
    assert free.warnings[0].startswith("column 'Q3_9' holds 20 different answer texts")
    assert "opmerking" not in free.to_yaml() + free.report()


# --- command line and Makefile ---------------------------------------------------------------------


def test_the_cli_writes_the_yaml_and_the_report(tmp_path, capsys):
    export = tmp_path / "export.csv"
    frame = pd.DataFrame(
        {
            "IPAddress": IPS,
            "RecipientEmail": EMAILS,
            "resp_id": [f"R{i}" for i in range(N)],
            STATEMENTS["vis_defined"]: A5_ANSWERS,
            STATEMENTS["eff_financial"]: E5_ANSWERS,
        }
    )
    frame.to_csv(export, index=False)
    output = tmp_path / "mapping" / "proposed.yaml"
    assert main([str(export), "--output", str(output)]) == 0
    loaded = yaml.safe_load(output.read_text(encoding="utf-8"))
    assert loaded["columns"] == {
        "resp_id": "resp_id",
        STATEMENTS["vis_defined"]: "vis_defined",
        STATEMENTS["eff_financial"]: "eff_financial",
    }
    assert loaded["drop"] == ["IPAddress", "RecipientEmail"]
    report = (tmp_path / "mapping" / "report.md").read_text(encoding="utf-8")
    assert f"- file: `{export}`" in report
    written = output.read_text(encoding="utf-8") + report + capsys.readouterr().out
    assert not [v for v in IPS + EMAILS if v in written]
    assert sorted(p.name for p in output.parent.iterdir()) == ["proposed.yaml", "report.md"]


def test_the_cli_reports_a_bad_file_without_its_cells(tmp_path, capsys):
    export = tmp_path / "export.csv"
    export.write_text(f"IPAddress,Q1\n{IPS[0]},akkoord\n{IPS[1]},akkoord,extra\n", encoding="utf-8")
    assert main([str(export), "--output", str(tmp_path / "out.yaml")]) == 1
    err = capsys.readouterr().err
    assert "row 3" in err and IPS[1] not in err
    assert not (tmp_path / "out.yaml").exists()


def test_make_mapping_needs_raw():
    missing = subprocess.run(["make", "-n", "mapping"], cwd=ROOT, capture_output=True, text=True)
    assert missing.returncode != 0 and "RAW: give the export to map" in missing.stderr
    given = subprocess.run(
        ["make", "-n", "mapping", "RAW=export.csv"], cwd=ROOT, capture_output=True, text=True
    )
    assert given.returncode == 0
    assert "-m leisurenet.propose export.csv --codebook config/codebook.yaml" in given.stdout


# --- agreement and the evaluation on the tools' exports ---------------------------------------------


def test_agreement_counts_correct_items_and_whether_the_wrong_ones_are_marked(codebook):
    columns = [
        ColumnMatch("Q1", "vis_defined", 0.95, "certain"),
        ColumnMatch("Q2", "vis_poverty_defined", 0.7, "uncertain"),  # wrong, but marked
        ColumnMatch("Q3", None, 0.0, "none"),  # missing, and so marked
        ColumnMatch("IPAddress", None, 0.0, "drop"),
    ]
    labels = [LabelMatch("A5", "eerder akkoord", 4, "uncertain"), LabelMatch("A5", "oneens", None, "fill")]
    proposal = Proposal("x.csv", "qualtrics", codebook, columns, labels)
    truth = {
        "columns": {"Q1": "vis_defined", "Q2": "vis_consensus", "Q3": "obj_defined", "Q9": "resp_id"},
        "labels": {"A5": {"Eerder akkoord": 4, "oneens": 2}},
        "drop": ["IPAddress"],
    }
    result = agreement(proposal, truth)
    assert result["items"] == 3 and result["correct"] == 1
    assert result["share"] == pytest.approx(1 / 3)
    assert result["wrong"] == ["Q2", "Q3"] and result["all_marked"]
    assert (result["labels"], result["labels_correct"]) == (2, 1)
    proposal.columns[1] = ColumnMatch("Q2", "vis_poverty_defined", 0.9, "certain")
    assert agreement(proposal, truth)["unmarked"] == ["Q2"]


def test_the_docstring_examples():
    modules = (reading_module, labels_module, proposal_module)
    assert all(doctest.testmod(module).failed == 0 for module in modules)


def test_proposals_for_the_tools_exports_of_the_replica(codebook, cleaned, tmp_path):
    """The replica written as each tool's export: at least 95% of the item columns mapped
    correctly, and every one that is not marked for review or left unmatched."""
    results = evaluate(codebook, cleaned, tmp_path)
    assert list(results) == list(LAYOUTS)
    for layout, result in results.items():
        assert result["items"] == len(codebook.item_ids), layout
        assert result["share"] >= 0.95, (layout, result["wrong"])
        assert result["all_marked"], (layout, result["unmarked"])
        assert not result["labels_unmarked"], (layout, result["labels_unmarked"])


@pytest.mark.parametrize("layout", ["qualtrics", "spss"])
def test_a_proposal_taken_as_it_stands_reads_the_replica_back(codebook, cleaned, tmp_path, layout):
    """Where it needs no code filled in, the proposal is a working mapping: the export read
    through it cleans to the replica's data, as through the true mapping."""
    from leisurenet.data.clean import clean
    from leisurenet.data.mapping import read_survey
    from leisurenet.data.validate import validate_export

    export, _ = write_export(layout, cleaned, codebook, tmp_path)
    proposed = tmp_path / "proposed.yaml"
    proposed.write_text(propose(read_for_proposal(export), codebook).to_yaml(), encoding="utf-8")
    survey = read_survey(export, codebook, proposed)
    found = survey.problems + validate_export(survey.raw, survey.codebook)
    assert [p for p in found if p.severity == "error"] == []
    result = clean(survey.raw, survey.codebook, mapping=survey.mapping).data
    pd.testing.assert_frame_equal(result, cleaned)
