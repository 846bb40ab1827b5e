"""Survey tools' header layouts: detected from the first rows, named by each layout's rules.

Every export here is written by hand in the shape its tool writes (Qualtrics: three header
rows; SurveyMonkey: two; LimeSurvey: one row of "code. text" headings; SPSS: variable
labels), so each test pins the layout, the names, the question texts, the spreadsheet rows
and the cells read. Metadata columns carry distinctive fake personal values that must reach
neither ``RawTable.data`` nor any problem's text.
"""

from __future__ import annotations

import csv
import doctest
import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from leisurenet.data.ingest import layouts, table
from leisurenet.data.ingest.layouts import detect_layout
from leisurenet.data.ingest.read import read_export, read_frame
from leisurenet.data.ingest.table import RawTable
from leisurenet.data.validate import validate_export, validation_report
from leisurenet.errors import InputError

from .test_ingest_validate import coded_answers, frame_table

IP = ["198.51.100.23", "198.51.100.24", "198.51.100.25"]
EMAIL = ["an.peeters@example.org", "bart.smets@example.org", "chris.maes@example.org"]
PERSONAL = [*IP, *EMAIL]

QUALTRICS_METADATA = [
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
    "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
    "ExternalReference", "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage",
]  # fmt: skip
Q3 = "In welke mate gaat u akkoord met de volgende uitspraken over de visie van het netwerk?"


# --- writing exports as the tools do ----------------------------------------------------------


def write_rows(path: Path, rows: list[list[str]], bom: bool = False, quote_all: bool = False) -> Path:
    """Rows as CSV text, UTF-8 (with a BOM if asked), every field quoted if asked (as Qualtrics)."""
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerows(rows)
    path.write_bytes(("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8"))
    return path


def qualtrics_metadata(i: int) -> list[str]:
    """One respondent's Qualtrics metadata cells, with a fake IP and e-mail address."""
    values = dict.fromkeys(QUALTRICS_METADATA, "")
    values.update(
        StartDate=f"2016-11-0{i + 1} 09:12:17",
        IPAddress=IP[i],
        Progress="100",
        Finished="True",
        ResponseId=f"R_3kQzW8pX{i:04d}vLm",
        RecipientEmail=EMAIL[i],
        UserLanguage="NL",
    )
    return list(values.values())


def import_id(name: str) -> str:
    if name in QUALTRICS_METADATA:
        key = name[0].lower() + name[1:].replace(" (in seconds)", "")
        return json.dumps(
            {"ImportId": key, "timeZone": "Europe/Brussels"} if "Date" in name else {"ImportId": key}
        )
    return json.dumps({"ImportId": "QID" + name[1:]})


def qualtrics_rows(questions: dict[str, str], answers: list[list[str]]) -> list[list[str]]:
    """The three header rows (names, question text, ImportId) and one row per respondent."""
    names = [*QUALTRICS_METADATA, *questions]
    texts = [*(n.replace("IPAddress", "IP Address") for n in QUALTRICS_METADATA), *questions.values()]
    body = [qualtrics_metadata(i) + row for i, row in enumerate(answers)]
    return [names, texts, [import_id(n) for n in names], *body]


QUALTRICS_QUESTIONS = {
    "Q1": "Wat is de code van uw netwerk?",
    "Q3_1": f"{Q3} - De visie is duidelijk omschreven",
    "Q3_2": f"{Q3} - De visie wordt gedragen door alle partners",
}
QUALTRICS_ANSWERS = [
    ["N001", "Helemaal akkoord", "Akkoord"],
    ["N002", "Niet akkoord", ""],
    ["N003", "4", "5"],
]


def qualtrics_csv(tmp: Path) -> Path:
    return write_rows(
        tmp / "qualtrics.csv", qualtrics_rows(QUALTRICS_QUESTIONS, QUALTRICS_ANSWERS), True, True
    )


def surveymonkey_rows() -> list[list[str]]:
    metadata = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address"]
    metadata += ["First Name", "Last Name", "Custom Data 1"]
    first = [*metadata, "Wat is de code van uw netwerk?", Q3, "", "Opmerkingen"]
    second = [""] * len(metadata) + [
        "Response",
        "De visie is duidelijk omschreven",
        "De visie wordt gedragen door alle partners",
        "Open-Ended Response",
    ]
    body = [
        [f"1140{i}", "2468", "11/03/2016 09:12:17", "11/03/2016 09:20:01", IP[i], EMAIL[i], "", "", ""]
        for i in range(3)
    ]
    answers = [["N001", "Helemaal akkoord", "Akkoord", "geen"], ["N002", "Akkoord", "", ""]]
    answers.append(["N003", "Niet akkoord", "Weet niet", "twee, drie"])
    return [first, second, *(m + a for m, a in zip(body, answers, strict=True))]


SURVEYMONKEY_NAMES = [
    "Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
    "First Name", "Last Name", "Custom Data 1", "Wat is de code van uw netwerk?",
    f"{Q3} - De visie is duidelijk omschreven", f"{Q3} - De visie wordt gedragen door alle partners",
    "Opmerkingen",
]  # fmt: skip


def limesurvey_rows() -> list[list[str]]:
    header = [
        "id. Antwoord ID",
        "submitdate. Datum verstuurd",
        "lastpage. Laatste pagina",
        "startlanguage. Starttaal",
        "seed. Seed",
        "ipaddr. IP-adres",
        "email. E-mailadres",
        "G01Q01. Wat is de code van uw netwerk?",
        f"G02Q05[SQ001]. {Q3} [De visie is duidelijk omschreven]",
        f"G02Q05[SQ002]. {Q3} [De visie wordt gedragen door alle partners]",
    ]
    body = [
        [str(i + 1), "2016-11-03 09:20:01", "3", "nl", "12345", IP[i], EMAIL[i], f"N00{i + 1}", "A5", "A4"]
        for i in range(3)
    ]
    return [header, *body]


# --- each layout read ---------------------------------------------------------------------------


def test_qualtrics_csv_names_questions_rows_and_cells(tmp_path):
    raw = read_export(qualtrics_csv(tmp_path))
    assert raw.layout == "qualtrics"
    assert list(raw.data.columns) == [*QUALTRICS_METADATA, *QUALTRICS_QUESTIONS]
    assert raw.rows == [4, 5, 6]
    assert raw.questions["Q3_2"] == QUALTRICS_QUESTIONS["Q3_2"]
    assert raw.questions["IPAddress"] == "IP Address"
    assert list(raw.data["Q3_1"]) == ["Helemaal akkoord", "Niet akkoord", "4"]
    assert list(raw.data["Q3_2"]) == ["Akkoord", "", "5"]
    assert list(raw.data["StartDate"])[0] == "2016-11-01 09:12:17"  # the BOM is not part of a name
    assert (
        "layout: Qualtrics CSV export (3 header rows: names, question text, ImportId); answers from row 4"
        in raw.notes
    )


def test_qualtrics_xlsx_reads_as_its_csv(tmp_path):
    path = tmp_path / "qualtrics.xlsx"
    book = openpyxl.Workbook()
    for row in qualtrics_rows(QUALTRICS_QUESTIONS, QUALTRICS_ANSWERS):
        # Excel holds numbers as numbers; the reader gives them back as the text shown
        book.active.append([float(c) if c.isdigit() else c for c in row])
    book.save(path)
    raw = read_export(path)
    from_csv = read_export(qualtrics_csv(tmp_path))
    assert raw.layout == "qualtrics"
    assert raw.rows == [4, 5, 6]
    assert raw.questions == from_csv.questions
    assert raw.data.equals(from_csv.data)
    assert any(n.startswith("layout: Qualtrics Excel export") for n in raw.notes)


def test_surveymonkey_matrix_columns_carry_the_question_text(tmp_path):
    raw = read_export(write_rows(tmp_path / "monkey.csv", surveymonkey_rows()))
    assert raw.layout == "surveymonkey"
    assert list(raw.data.columns) == SURVEYMONKEY_NAMES
    assert raw.questions == {n: n for n in SURVEYMONKEY_NAMES}
    assert raw.rows == [3, 4, 5]
    assert list(raw.data[SURVEYMONKEY_NAMES[11]]) == ["Akkoord", "", "Weet niet"]
    assert list(raw.data["Opmerkingen"]) == ["geen", "", "twee, drie"]
    assert any(n.startswith("layout: SurveyMonkey CSV export") and n.endswith("row 3") for n in raw.notes)


def test_surveymonkey_allows_a_bom_and_spaces_before_respondent_id(tmp_path):
    rows = surveymonkey_rows()
    rows[0][0] = "  Respondent ID "
    raw = read_export(write_rows(tmp_path / "monkey.csv", rows, bom=True))
    assert (raw.layout, list(raw.data.columns)) == ("surveymonkey", SURVEYMONKEY_NAMES)


def test_limesurvey_headings_give_code_and_question_text(tmp_path):
    raw = read_export(write_rows(tmp_path / "lime.csv", limesurvey_rows()))
    assert raw.layout == "limesurvey"
    codes = ["id", "submitdate", "lastpage", "startlanguage", "seed", "ipaddr", "email"]
    assert list(raw.data.columns) == [*codes, "G01Q01", "G02Q05[SQ001]", "G02Q05[SQ002]"]
    assert raw.questions["G02Q05[SQ002]"] == f"{Q3} [De visie wordt gedragen door alle partners]"
    assert raw.questions["id"] == "Antwoord ID"
    assert raw.rows == [2, 3, 4]
    assert list(raw.data["G02Q05[SQ001]"]) == ["A5"] * 3
    assert any(n.startswith("layout: LimeSurvey CSV export") and n.endswith("row 2") for n in raw.notes)


def test_limesurvey_bare_codes_are_recognised_by_the_metadata_headings(tmp_path):
    rows = [[h.split(". ")[0] for h in limesurvey_rows()[0]], *limesurvey_rows()[1:]]
    raw = read_export(write_rows(tmp_path / "lime.csv", rows))
    assert raw.layout == "limesurvey"
    assert list(raw.data.columns)[-2:] == ["G02Q05[SQ001]", "G02Q05[SQ002]"]
    assert raw.questions == {}


def test_sav_variable_labels_are_the_question_texts(tmp_path):
    path = tmp_path / "export.sav"
    df = pd.DataFrame({"resp_id": ["R01", "R02"], "vis_defined": [5.0, 2.0], "q9": [1.0, 3.0]})
    labels = {"vis_defined": "De visie is duidelijk omschreven", "q9": "  ", "resp_id": None}
    pyreadstat.write_sav(df, str(path), column_labels=labels)
    raw = read_export(path, known=["resp_id", "vis_defined"])
    assert raw.layout == "spss"
    assert raw.questions == {"vis_defined": "De visie is duidelijk omschreven"}
    assert list(raw.data.columns) == ["resp_id", "vis_defined"] and raw.ignored == ["q9"]
    assert raw.rows == [2, 3] and list(raw.data["vis_defined"]) == ["5", "2"]
    assert any("variable labels, set for 1 of 3 variables" in n for n in raw.notes), raw.notes


# --- detection stays conservative ----------------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        # a plain export whose first answers are text labels
        [["resp_id", "vis_defined"], ["R01", "Helemaal akkoord"], ["R02", "Akkoord"]],
        # one odd name (or two) is not LimeSurvey
        [["resp_id", "Q1. Leeftijd", "id", "vis_defined"], ["R01", "34", "1", "4"]],
        # "Respondent ID" first, but the second row is an answer, not a header row
        [["Respondent ID", "IP Address", "vis_defined"], ["114", "198.51.100.23", "4"]],
        # a third row with one ImportId among other cells
        [["a", "b", "c"], ["1", "2", "3"], ['{"ImportId":"QID1"}', "x", "y"]],
    ],
    ids=["text-answers", "odd-names", "respondent-id-with-data", "one-import-id"],
)
def test_plain_exports_stay_plain(head):
    assert detect_layout(head) == "plain"


def test_plain_export_with_a_text_second_row_reads_as_before(tmp_path):
    rows = [
        ["resp_id", "vis_defined", "Q1. Leeftijd"],
        ["Respondent", "Helemaal akkoord", "34"],
        ["R02", "4", "51"],
    ]
    raw = read_export(write_rows(tmp_path / "plain.csv", rows))
    assert (raw.layout, raw.questions, raw.rows) == ("plain", {}, [2, 3])
    assert list(raw.data.columns) == rows[0]
    assert list(raw.data["vis_defined"]) == ["Helemaal akkoord", "4"]
    assert "layout: plain CSV export (1 header row of column names); answers from row 2" in raw.notes


# --- checks on the derived names and the answer rows --------------------------------------------


def test_qualtrics_ragged_answer_row_names_its_spreadsheet_row_and_no_metadata(tmp_path):
    rows = qualtrics_rows(QUALTRICS_QUESTIONS, QUALTRICS_ANSWERS)
    rows[4] = [*rows[4], "extra"]  # the second respondent: spreadsheet row 5
    path = write_rows(tmp_path / "qualtrics.csv", rows, True, True)
    with pytest.raises(InputError) as caught:
        read_export(path, known=["Q1", "Q3_1", "Q3_2"])
    (problem,) = caught.value.problems
    assert problem.row == 5 and problem.value is None
    assert f"has {len(rows[0]) + 1} fields but the header has {len(rows[0])}" in problem.message
    assert [v for v in PERSONAL if v in str(caught.value)] == []


def test_qualtrics_ragged_row_without_unknown_columns_is_quoted(tmp_path):
    rows = [row[len(QUALTRICS_METADATA) :] for row in qualtrics_rows(QUALTRICS_QUESTIONS, QUALTRICS_ANSWERS)]
    rows[5] = rows[5][:-1]
    with pytest.raises(InputError) as caught:
        read_export(write_rows(tmp_path / "qualtrics.csv", rows, True, True))
    (problem,) = caught.value.problems
    assert (problem.row, problem.value) == (6, "N003,4")


def test_header_rows_are_not_checked_as_answers(tmp_path):
    # the question-text row holds no "data" for an unnamed column check, and blank header
    # cells under metadata are no ragged row
    raw = read_export(write_rows(tmp_path / "monkey.csv", surveymonkey_rows()))
    assert len(raw.data) == 3 and "Response" not in set(raw.data.stack())


def test_duplicate_derived_names_are_reported_at_the_header(tmp_path):
    rows = surveymonkey_rows()
    rows[0][-1], rows[1][-1] = Q3, "De visie is duidelijk omschreven"
    with pytest.raises(InputError) as caught:
        read_export(write_rows(tmp_path / "monkey.csv", rows))
    (problem,) = caught.value.problems
    assert (problem.column, problem.row) == (f"{Q3} - De visie is duidelijk omschreven", 1)
    assert "spreadsheet columns K, M" in problem.message


def test_a_header_row_wider_than_the_first_is_an_error(tmp_path):
    rows = qualtrics_rows(QUALTRICS_QUESTIONS, QUALTRICS_ANSWERS)
    rows[1] = [*rows[1], "Een vraag zonder kolom"]
    with pytest.raises(InputError) as caught:
        read_export(write_rows(tmp_path / "qualtrics.csv", rows, True, True))
    (problem,) = caught.value.problems
    assert problem.row == 2 and "belong to no column" in problem.message


def test_header_rows_without_answers_are_an_error(tmp_path):
    rows = qualtrics_rows(QUALTRICS_QUESTIONS, QUALTRICS_ANSWERS)[:3]
    with pytest.raises(InputError) as caught:
        read_export(write_rows(tmp_path / "qualtrics.csv", rows, True, True))
    assert "3 header rows of a Qualtrics export (rows 1-3) but no data rows" in str(caught.value)


# --- privacy: metadata columns dropped by name ---------------------------------------------------


@pytest.mark.parametrize("layout", ["qualtrics", "surveymonkey", "limesurvey"])
def test_metadata_cells_reach_neither_the_data_nor_any_problem(layout, tmp_path):
    rows = {
        "qualtrics": lambda: qualtrics_rows(QUALTRICS_QUESTIONS, QUALTRICS_ANSWERS),
        "surveymonkey": surveymonkey_rows,
        "limesurvey": limesurvey_rows,
    }[layout]()
    rows[-1] = [*rows[-1], "extra"]  # a ragged row, so a problem is raised too
    path = write_rows(tmp_path / f"{layout}.csv", rows)
    known = {"Q1", "Q3_1", "Q3_2", SURVEYMONKEY_NAMES[10], "Opmerkingen", "G01Q01", "G02Q05[SQ001]"}
    with pytest.raises(InputError) as caught:
        read_export(path, known=known)
    assert [v for v in PERSONAL if v in str(caught.value)] == []

    rows[-1] = rows[-1][:-1]
    raw = read_export(write_rows(path, rows), known=known)
    assert raw.layout == layout
    assert set(raw.data.columns) <= known and len(raw.data.columns) >= 2
    kept = "\n".join([*raw.data.stack(), *raw.questions, *raw.questions.values(), *raw.notes])
    assert [v for v in PERSONAL if v in kept] == []
    assert {"IPAddress", "IP Address", "ipaddr"} & set(raw.ignored)


def test_a_qualtrics_export_named_by_the_codebook_validates(tmp_path, codebook):
    # Qualtrics lets a question be renamed, so an export can carry the codebook's IDs as names
    answers = coded_answers(codebook).iloc[:3]
    questions = {c: f"Vraag {c}" for c in answers.columns}
    rows = qualtrics_rows(questions, [list(r) for r in answers.itertuples(index=False)])
    path = write_rows(tmp_path / "qualtrics.csv", rows, True, True)
    frame_rows = [["network_id", "municipality_pop"], *frame_table(answers).values.tolist()]
    frame = read_frame(write_rows(tmp_path / "frame.csv", frame_rows))
    raw = read_export(path, known=codebook.columns)
    assert list(raw.data.columns) == codebook.columns
    assert raw.data.equals(answers)
    problems = validate_export(raw, codebook, frame)
    assert {p.severity for p in problems} == {"warning"}
    assert {p.column for p in problems} == set(QUALTRICS_METADATA)
    report = validation_report(raw, frame, problems)
    assert "\n- layout: Qualtrics CSV export (3 header rows" in report
    assert [v for v in PERSONAL if v in report] == []


def test_validation_report_names_a_plain_layout_too(tmp_path):
    raw = read_export(write_rows(tmp_path / "plain.csv", [["resp_id"], ["R01"]]))
    report = validation_report(raw, None, [])
    assert "\n- layout: plain CSV export (1 header row of column names); answers from row 2\n" in report
    bare = validation_report(RawTable("x.csv", raw.data, raw.rows), None, [])
    assert "\n- layout: plain\n" in bare


def test_ingest_examples():
    results = [doctest.testmod(module) for module in (layouts, table)]
    assert sum(r.attempted for r in results) >= 5 and not any(r.failed for r in results)
