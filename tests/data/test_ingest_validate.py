"""Reading raw exports (CSV, Excel, SPSS) and validating them against the codebook.

Every input is built in ``tmp_path`` from one small, valid, coded table of six respondents;
the malformed inputs each break one thing in it, so each must give exactly the errors that
one thing explains, pointing at the file, column, row and value.
"""

from __future__ import annotations

import dataclasses
import math
import runpy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pyreadstat
import pytest

from leisurenet.codebook import Codebook
from leisurenet.data.ingest.read import read_export, read_frame
from leisurenet.data.ingest.table import RawTable
from leisurenet.data.validate import parse_whole_number, validate_export, validate_frame
from leisurenet.errors import InputError, Problem

CODEBOOK = Path(__file__).parents[2] / "config" / "codebook.yaml"
RESP_IDS = ["Zeëbrugge-1", "R02", "R03", "R04", "R05", "R06"]
POPS = ["2100", "12000", "45890", "7300", "99000", "23012"]
BACKGROUND = ["resp_id", "network_id", "municipality_pop"]


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return Codebook.from_yaml(CODEBOOK)


# --- building inputs -------------------------------------------------------------------------


def coded_answers(codebook: Codebook) -> pd.DataFrame:
    """Six respondents, every item as coded text; each scale code, the missing code 9 and blanks occur."""
    columns = {
        "resp_id": list(RESP_IDS),
        "network_id": [f"N{i + 1:03d}" for i in range(len(RESP_IDS))],
        "municipality_pop": list(POPS),
    }
    for j, item in enumerate(codebook.item_ids):
        options = [str(c) for c in codebook.codes(item)] + ["9", ""]
        columns[item] = [options[(i + j) % len(options)] for i in range(len(RESP_IDS))]
    return pd.DataFrame(columns, dtype=object)


def frame_table(answers: pd.DataFrame, extra: int = 4) -> pd.DataFrame:
    """The respondents' networks plus ``extra`` networks that did not respond."""
    ids = list(answers["network_id"]) + [f"N{100 + k}" for k in range(extra)]
    pops = list(answers["municipality_pop"]) + [str(5000 + k) for k in range(extra)]
    return pd.DataFrame({"network_id": ids, "municipality_pop": pops}, dtype=object)


def messy_labels(answers: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The answers as Dutch labels in mixed case with extra spaces, as a hand-made export has them."""
    styles = [str.upper, str.title, lambda s: f"  {s}  ", lambda s: s.replace(" ", "   "), str.capitalize]
    out = answers.copy()
    for j, item in enumerate(codebook.item_ids):
        label = {str(c): spec["nl"] for c, spec in codebook.scale(item)["codes"].items()}
        label["9"] = "Weet niet"
        out[item] = [styles[(i + j) % len(styles)](label[v]) if v else "" for i, v in enumerate(out[item])]
    assert answers.at[4, "vis_defined"] == "5"
    out.at[4, "vis_defined"] = " Helemaal AKKOORD"
    return out


def numeric(answers: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Items and population as numbers (blank -> NaN), as Excel and SPSS hold them."""
    out = answers.copy()
    for column in ["municipality_pop", *codebook.item_ids]:
        out[column] = [float(v) if v else math.nan for v in answers[column]]
    return out


def write_csv(df: pd.DataFrame, path: Path, **options) -> Path:
    df.to_csv(path, index=False, **options)
    return path


def write_xlsx(df: pd.DataFrame, path: Path, sheet: str = "Antwoorden") -> Path:
    df.to_excel(path, index=False, sheet_name=sheet, engine="openpyxl")
    return path


def write_sav(
    answers: pd.DataFrame, codebook: Codebook, path: Path, reversed_item: str | None = None
) -> Path:
    """An SPSS file with value labels on every item and 9 declared user-missing."""
    labels = {}
    for item in codebook.item_ids:
        lo, hi = codebook.code_range(item)
        codes = codebook.scale(item)["codes"]
        flip = item == reversed_item
        labels[item] = {float(c): codes[lo + hi - c if flip else c]["nl"] for c in codes}
        labels[item][9.0] = "weet niet / niet van toepassing"
    pyreadstat.write_sav(
        numeric(answers, codebook),
        str(path),
        variable_value_labels=labels,
        missing_ranges={item: [9] for item in codebook.item_ids},
    )
    return path


def edited(codebook: Codebook, *edits: tuple[int, str, str]) -> pd.DataFrame:
    """The coded answers with cells replaced: (index, column, value); the row shown is index + 2."""
    df = coded_answers(codebook)
    for index, column, value in edits:
        df.at[index, column] = value
    return df


def readings(raw: RawTable, codebook: Codebook) -> dict:
    """(resp_id, column) -> background text or the item's (code, missing) reading."""
    out = {}
    for _, row in raw.data.iterrows():
        rid = row["resp_id"]
        for column in BACKGROUND[1:]:
            out[rid, column] = row[column]
        for item in codebook.item_ids:
            answer = codebook.interpret(item, row[item], raw.declared_missing.get(item, frozenset()))
            out[rid, item] = (answer.code, answer.missing)
    return out


def problems_for(export: Path, frame: Path | None, codebook: Codebook, sheet: str | None = None) -> list:
    try:
        raw = read_export(export, sheet)
        population = read_frame(frame) if frame is not None else None
    except InputError as exc:
        return exc.problems
    return validate_export(raw, codebook, population)


def errors_of(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


# --- valid inputs in every format --------------------------------------------------------------


def _coded_utf8(tmp: Path, cb: Codebook) -> Path:
    return write_csv(coded_answers(cb), tmp / "coded.csv", encoding="utf-8")


def _labels_cp1252(tmp: Path, cb: Codebook) -> Path:
    return write_csv(messy_labels(coded_answers(cb), cb), tmp / "labels.csv", sep=";", encoding="cp1252")


def _coded_bom(tmp: Path, cb: Codebook) -> Path:
    return write_csv(coded_answers(cb), tmp / "bom.csv", encoding="utf-8-sig")


def _xlsx(tmp: Path, cb: Codebook) -> Path:
    return write_xlsx(numeric(coded_answers(cb), cb), tmp / "export.xlsx")


def _sav(tmp: Path, cb: Codebook) -> Path:
    return write_sav(coded_answers(cb), cb, tmp / "export.sav")


FORMATS = {
    "coded-utf8-comma": (_coded_utf8, ["UTF-8", "','"]),
    "labels-cp1252-semicolon": (_labels_cp1252, ["cp1252", "';'"]),
    "coded-utf8-bom": (_coded_bom, ["UTF-8 with BOM"]),
    "xlsx": (_xlsx, ["Excel", "Antwoorden"]),
    "sav": (_sav, ["SPSS"]),
}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_reads_to_the_same_answers(fmt, tmp_path, codebook):
    build, noted = FORMATS[fmt]
    answers = coded_answers(codebook)
    frame = write_csv(frame_table(answers), tmp_path / "frame.csv")
    raw = read_export(build(tmp_path, codebook))

    assert validate_export(raw, codebook, read_frame(frame)) == []
    assert list(raw.data.columns) == BACKGROUND + codebook.item_ids
    assert list(raw.data["resp_id"]) == RESP_IDS  # the accented id proves the decoding
    assert raw.rows == [2, 3, 4, 5, 6, 7]
    assert all(type(v) is str for column in raw.data for v in raw.data[column])
    notes = " ".join(raw.notes)
    assert all(word in notes for word in noted), raw.notes

    expected = readings(RawTable("reference", answers, raw.rows), codebook)
    assert readings(raw, codebook) == expected
    kinds = set(expected.values())
    assert {(5, None), (None, "dont_know"), (None, "blank")} <= kinds  # the comparison covers all three


def test_sav_declares_missing_values_and_labels(tmp_path, codebook):
    raw = read_export(write_sav(coded_answers(codebook), codebook, tmp_path / "export.sav"))
    assert raw.declared_missing["vis_defined"] == frozenset({"9"})
    assert raw.value_labels["vis_defined"]["5"] == "helemaal akkoord"
    assert raw.value_labels["sup_exchange"]["4"] == "zeer nuttig"
    assert raw.data.at[2, "municipality_pop"] == "45890"
    assert (
        codebook.interpret("vis_defined", "9", raw.declared_missing["vis_defined"]).rule == "declared_missing"
    )


def test_sav_duplicate_names_after_cleaning_are_reported(tmp_path, codebook, monkeypatch):
    # SPSS itself refuses spaces in names, so the reader is handed a file whose fourth
    # variable is named " vis_defined " (as a foreign writer might), a copy of the fifth's.
    path = write_sav(coded_answers(codebook), codebook, tmp_path / "export.sav")
    read_sav = pyreadstat.read_sav

    def spaced(*args, **kwargs):
        frame, meta = read_sav(*args, **kwargs)
        return frame.rename(columns={codebook.item_ids[1]: " vis_defined "}), meta

    monkeypatch.setattr(pyreadstat, "read_sav", spaced)
    with pytest.raises(InputError) as caught:
        read_export(path)
    (problem,) = caught.value.problems
    assert (problem.file, problem.column, problem.row) == (str(path), "vis_defined", 1)
    assert "2 times" in problem.message and "variables 4, 5" in problem.message


def test_sav_missing_range_resolves_to_the_values_present(tmp_path):
    df = pd.DataFrame({"resp_id": ["a", "b", "c"], "x": [1.0, 98.0, math.nan]})
    path = tmp_path / "range.sav"
    pyreadstat.write_sav(df, str(path), missing_ranges={"x": [{"lo": 90, "hi": 99}]})
    raw = read_export(path)
    assert raw.declared_missing["x"] == frozenset({"98"})
    assert list(raw.data["x"]) == ["1", "98", ""]


def test_text_cells_are_never_coerced(tmp_path):
    path = tmp_path / "raw.csv"
    path.write_text("resp_id,a,b\n007,NA, 4 \n008,4.0,\n", encoding="utf-8")
    raw = read_export(path)
    assert raw.data.to_dict("list") == {"resp_id": ["007", "008"], "a": ["NA", "4.0"], "b": [" 4 ", ""]}


def test_tab_delimited_txt_and_header_names_stripped(tmp_path):
    path = tmp_path / "raw.txt"
    path.write_text(" resp_id \ta\n1\t2\n", encoding="utf-8")
    raw = read_export(path)
    assert list(raw.data.columns) == ["resp_id", "a"]
    assert "delimiter: '\\t' (detected from the header)" in raw.notes


def test_xlsx_numbers_become_text(tmp_path):
    path = write_xlsx(
        pd.DataFrame({"resp_id": ["a", "b"], "x": [4.0, 4.5], "y": [math.nan, 3]}), tmp_path / "n.xlsx"
    )
    raw = read_export(path)
    assert raw.data.to_dict("list") == {"resp_id": ["a", "b"], "x": ["4", "4.5"], "y": ["", "3"]}


def test_empty_rows_are_skipped_but_row_numbers_stay_true(tmp_path, codebook):
    lines = coded_answers(codebook).to_csv(index=False).splitlines()
    lines[3] = lines[3].replace("R03", "R02")  # spreadsheet row 4 before the blank line is inserted
    path = tmp_path / "gaps.csv"
    blank = "," * (len(codebook.item_ids) + 2)  # as Excel writes a row of empty cells
    path.write_text("\n".join(lines[:2] + [blank] + lines[2:]) + "\n\n", encoding="utf-8")
    raw = read_export(path)
    assert raw.rows == [2, 4, 5, 6, 7, 8]
    assert "skipped 2 empty row(s): 3, 9" in raw.notes
    (problem,) = validate_export(raw, codebook)
    assert (problem.row, problem.column, problem.value) == (5, "resp_id", "R02")
    assert "row 4" in problem.message


# --- malformed inputs -----------------------------------------------------------------------------

ANY = object()


@dataclass
class Case:
    """A broken input and the error it must give (``culprit``: which file the error names)."""

    build: Callable[[Path, Codebook], tuple[Path, Path | None]]
    column: str | None = None
    row: int | None = None
    value: object = None
    words: tuple[str, ...] = ()
    n_errors: int = 1
    culprit: str = "export"
    sheet: str | None = None


def csv_of(df_builder: Callable[[Codebook], pd.DataFrame], name: str = "export.csv"):
    return lambda tmp, cb: (write_csv(df_builder(cb), tmp / name), None)


def with_frame(df_builder, frame_builder):
    def build(tmp, cb):
        export = write_csv(df_builder(cb), tmp / "export.csv")
        return export, write_csv(frame_builder(coded_answers(cb)), tmp / "frame.csv")

    return build


def raw_file(name: str, content: bytes | Callable[[Codebook], bytes]):
    def build(tmp, cb):
        path = tmp / name
        path.write_bytes(content(cb) if callable(content) else content)
        return path, None

    return build


def coded_csv_text(cb: Codebook) -> str:
    return coded_answers(cb).to_csv(index=False)


def ragged(cb: Codebook) -> bytes:
    lines = coded_csv_text(cb).splitlines()
    lines[3] += ",extra"
    return "\n".join(lines).encode("utf-8")


def duplicate_column(cb: Codebook) -> pd.DataFrame:
    df = coded_answers(cb)
    df["copy"] = df["vis_defined"]
    df.columns = [*df.columns[:-1], "vis_defined"]
    return df


def unnamed_column(cb: Codebook) -> pd.DataFrame:
    df = coded_answers(cb)
    df[" "] = ["x", "", "", "", "", ""]
    return df


def duplicate_network(answers: pd.DataFrame) -> pd.DataFrame:
    frame = frame_table(answers)
    frame.at[7, "network_id"] = "N005"
    return frame


def sav_reversed(tmp: Path, cb: Codebook) -> tuple[Path, None]:
    return write_sav(coded_answers(cb), cb, tmp / "export.sav", reversed_item="vis_defined"), None


def xlsx_export(tmp: Path, cb: Codebook) -> tuple[Path, None]:
    return write_xlsx(coded_answers(cb), tmp / "export.xlsx"), None


CASES = {
    "missing item column": Case(
        csv_of(lambda cb: coded_answers(cb).drop(columns="obj_evaluated")),
        column="obj_evaluated",
        words=("missing", "The objectives are evaluated"),
    ),
    "missing resp_id column (misspelt)": Case(
        csv_of(lambda cb: coded_answers(cb).rename(columns={"resp_id": "Respid"})),
        column="resp_id",
        words=("'Respid'", "looks close"),
    ),
    "duplicate resp_id": Case(
        csv_of(lambda cb: edited(cb, (3, "resp_id", "R02"))), "resp_id", 5, "R02", ("row 3", "unique")
    ),
    "blank resp_id": Case(
        csv_of(lambda cb: edited(cb, (2, "resp_id", "  "))), "resp_id", 4, "  ", ("blank",)
    ),
    "code out of range": Case(
        csv_of(lambda cb: edited(cb, (1, "vis_consensus", "7"))),
        "vis_consensus",
        3,
        "7",
        ("neither a code or label of scale A5 nor a missing code: '7' (row 3)", "5 = helemaal akkoord"),
    ),
    "unknown label": Case(
        csv_of(lambda cb: edited(cb, (4, "eff_outreach", "misschien"))),
        "eff_outreach",
        6,
        "misschien",
        ("scale E5", "'misschien' (row 6)", "zeer sterke inzet", "data.mapping"),
    ),
    "non-whole code": Case(
        csv_of(lambda cb: edited(cb, (0, "sup_exchange", "4.5"))), "sup_exchange", 2, "4.5", ("scale U4",)
    ),
    "empty file": Case(raw_file("export.csv", b""), words=("empty (0 bytes)",)),
    "header only": Case(
        raw_file("export.csv", lambda cb: coded_csv_text(cb).splitlines()[0].encode() + b"\n"),
        words=("no data rows",),
    ),
    "UTF-16 file": Case(
        raw_file("export.csv", lambda cb: coded_csv_text(cb).encode("utf-16")),
        words=("NUL bytes", "UTF-16", "CSV UTF-8"),
    ),
    "bytes neither UTF-8 nor cp1252": Case(
        raw_file("export.csv", lambda cb: coded_csv_text(cb).encode("utf-8").replace(b"R03", b"R\x8103")),
        row=4,
        value="0x81",
        words=("Windows-1252", "CSV UTF-8"),
    ),
    "population not a number": Case(
        csv_of(lambda cb: edited(cb, (0, "municipality_pop", "abc"))),
        "municipality_pop",
        2,
        "abc",
        ("not a whole number",),
    ),
    "population zero": Case(
        csv_of(lambda cb: edited(cb, (1, "municipality_pop", "0"))),
        "municipality_pop",
        3,
        "0",
        ("at least 1",),
    ),
    "population negative": Case(
        csv_of(lambda cb: edited(cb, (2, "municipality_pop", "-3"))),
        "municipality_pop",
        4,
        "-3",
        ("at least 1",),
    ),
    "population with separators": Case(
        csv_of(lambda cb: edited(cb, (3, "municipality_pop", "12.000,5"))),
        "municipality_pop",
        5,
        "12.000,5",
        ("thousands separators",),
    ),
    "population blank": Case(
        csv_of(lambda cb: edited(cb, (4, "municipality_pop", ""))), "municipality_pop", 6, "", ("blank",)
    ),
    "ragged row": Case(
        raw_file("export.csv", ragged), row=4, value=ANY, words=("49 fields", "header has 48")
    ),
    "unsupported extension": Case(raw_file("export.json", b"{}"), words=("'.json'", ".xlsx")),
    "file not found": Case(lambda tmp, cb: (tmp / "nowhere.csv", None), words=("does not exist",)),
    "network not in frame": Case(
        with_frame(lambda cb: edited(cb, (2, "network_id", "N0003")), frame_table),
        "network_id",
        4,
        "N0003",
        ("not in the population frame", "frame.csv", "'N003'"),
    ),
    "population differs from frame": Case(
        with_frame(lambda cb: edited(cb, (1, "municipality_pop", "12500")), frame_table),
        "municipality_pop",
        3,
        "12500",
        ("12500 here but 12000 in the population frame", "N002"),
    ),
    "duplicate network in frame": Case(
        with_frame(coded_answers, duplicate_network), "network_id", 9, "N005", ("row 6",), culprit="frame"
    ),
    "frame population not whole": Case(
        with_frame(coded_answers, lambda a: frame_table(a).replace({"5002": "5.002,0"})),
        "municipality_pop",
        10,
        "5.002,0",
        culprit="frame",
    ),
    "frame without population column": Case(
        with_frame(coded_answers, lambda a: frame_table(a).drop(columns="municipality_pop")),
        "municipality_pop",
        culprit="frame",
    ),
    "more respondents than networks": Case(
        with_frame(coded_answers, lambda a: frame_table(a, extra=0).iloc[:4]),
        words=("6 respondents", "only 4 networks"),
        n_errors=3,  # and the two respondents whose networks are not in the frame
    ),
    "sav with reversed value labels": Case(
        sav_reversed,
        "vis_defined",
        value="helemaal akkoord",
        words=("code 1", "code 5 of scale A5", "recode"),
        n_errors=4,  # codes 1, 2, 4 and 5; the middle code keeps its label
    ),
    "unknown xlsx sheet": Case(xlsx_export, value="Data", words=("'Antwoorden'",), sheet="Data"),
    "duplicate column name": Case(
        csv_of(duplicate_column), "vis_defined", 1, words=("2 times", "columns D, AW")
    ),
    "data under a blank header": Case(csv_of(unnamed_column), row=1, words=("column AW", "no name")),
    "not really a workbook": Case(raw_file("export.xlsx", b"resp_id\n1\n"), words=("Excel workbook",)),
    "not really an SPSS file": Case(raw_file("export.sav", b"resp_id\n1\n"), words=("SPSS",)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_malformed_input_names_file_column_row_and_value(name, tmp_path, codebook):
    case = CASES[name]
    export, frame = case.build(tmp_path, codebook)
    errors = errors_of(problems_for(export, frame, codebook, case.sheet))
    listing = "\n".join(map(str, errors))
    assert len(errors) == case.n_errors, listing

    hits = [
        p
        for p in errors
        if (p.column, p.row) == (case.column, case.row) and (case.value is ANY or p.value == case.value)
    ]
    assert hits, listing
    problem, text = hits[0], str(hits[0])
    culprit = export if case.culprit == "export" else frame
    assert problem.file == str(culprit) and culprit.name in text
    if case.column is not None:
        assert f"column '{case.column}'" in text
    if case.row is not None:
        assert f"row {case.row}" in text
    if isinstance(case.value, str):
        assert repr(case.value) in text
    for word in case.words:
        assert word in text, text
    assert len(problem.fix) > 15 and problem.fix in text


def test_unknown_column_is_a_warning_only(tmp_path, codebook):
    df = coded_answers(codebook)
    df["opmerking"] = "x"
    (problem,) = validate_export(read_export(write_csv(df, tmp_path / "export.csv")), codebook)
    assert (problem.severity, problem.column) == ("warning", "opmerking")
    assert "ignored downstream" in str(problem) and "export.csv" in str(problem)


def test_misspelt_item_gives_error_and_warning_pointing_at_each_other(tmp_path, codebook):
    df = coded_answers(codebook).rename(columns={"vis_defined": "Vis_defned"})
    problems = validate_export(read_export(write_csv(df, tmp_path / "export.csv")), codebook)
    by_severity = {p.severity: p for p in problems}
    assert len(problems) == 2 and set(by_severity) == {"error", "warning"}
    assert by_severity["error"].column == "vis_defined" and "'Vis_defned'" in by_severity["error"].fix
    assert by_severity["warning"].column == "Vis_defned" and "'vis_defined'" in by_severity["warning"].fix


def test_all_problems_in_one_file_are_reported(tmp_path, codebook):
    df = edited(
        codebook,
        (1, "resp_id", ""),
        (3, "resp_id", "R03"),
        (0, "vis_defined", "7"),
        (5, "act_right", "misschien"),
        (2, "municipality_pop", "abc"),
        (4, "municipality_pop", "-3"),
    ).drop(columns="obj_achieved")
    raw = read_export(write_csv(df, tmp_path / "export.csv", sep=";"))
    errors = errors_of(validate_export(raw, codebook))
    assert sorted((p.column, p.row) for p in errors) == sorted(
        [
            ("obj_achieved", None),
            ("resp_id", 3),
            ("resp_id", 5),
            ("vis_defined", 2),
            ("act_right", 7),
            ("municipality_pop", 4),
            ("municipality_pop", 6),
        ]
    )
    assert all(p.file == str(tmp_path / "export.csv") for p in errors)


def test_all_ragged_rows_are_reported(tmp_path, codebook):
    lines = coded_csv_text(codebook).splitlines()
    lines[2] += ",x"
    lines[5] = lines[5].rsplit(",", 1)[0]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_export(path)
    assert [(p.row, p.message) for p in caught.value.problems] == [
        (3, "the row has 49 fields but the header has 48"),
        (6, "the row has 47 fields but the header has 48"),
    ]


def test_valid_frame_has_no_problems(tmp_path, codebook):
    frame = read_frame(write_csv(frame_table(coded_answers(codebook)), tmp_path / "frame.csv"))
    assert validate_frame(frame, codebook) == []
    assert len(frame.data) == 10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12000", 12000),
        ("12000.0", 12000),
        (" 12000 ", 12000),
        ("12000.00", 12000),
        ("12000,0", 12000),
        ("4,00", 4),
        ("-3", -3),
        ("0", 0),
        ("12.000", None),
        ("4,000", None),
        ("12.000,5", None),
        ("12,000", None),
        ("12 000", None),
        ("12000.5", None),
        ("4.000", None),
        ("+4", None),
        ("1e4", None),
        ("abc", None),
        ("", None),
        ("１２", None),
    ],
)
def test_parse_whole_number(text, expected):
    assert parse_whole_number(text) == expected


@pytest.mark.parametrize(
    ("text", "code"), [("4", 4), ("4.0", 4), ("4.00", 4), ("4,0", 4), ("+4", None), ("4.000", None)]
)
def test_item_codes_are_read_by_the_same_parser(codebook, text, code):
    answer = codebook.interpret("vis_defined", text)
    assert answer.code == code and answer.missing is None
    assert answer.rule == {4: "code" if text == "4" else "code_format", None: None}[code]


def test_items_and_populations_accept_the_same_spellings(tmp_path, codebook):
    df = edited(
        codebook, (0, "vis_defined", "4.00"), (1, "vis_defined", "4,0"), (2, "municipality_pop", "7300,0")
    )
    assert errors_of(validate_export(read_export(write_csv(df, tmp_path / "ok.csv")), codebook)) == []
    for column, value in (("vis_defined", "+4"), ("municipality_pop", "+7300"), ("vis_defined", "4.000")):
        bad = edited(codebook, (0, column, value))
        errors = errors_of(validate_export(read_export(write_csv(bad, tmp_path / "bad.csv")), codebook))
        assert [(p.column, p.value) for p in errors] == [(column, value)]


# --- the rule's script -----------------------------------------------------------------------


def run_validate_script(tmp_path: Path, export: Path, frame: Path) -> SimpleNamespace:
    out = tmp_path / "out"
    sm = SimpleNamespace(
        input=SimpleNamespace(raw=str(export), frame=str(frame), mapping=[], codebook=str(CODEBOOK)),
        output=SimpleNamespace(problems=str(out / "problems.csv"), report=str(out / "report.md")),
        params=SimpleNamespace(sheet=None, frame_variables=[]),
        log=[str(out / "validate.log")],
    )
    script = Path(__file__).parents[2] / "scripts" / "validate.py"
    runpy.run_path(str(script), init_globals={"snakemake": sm})
    return sm


@pytest.mark.parametrize("extra_column", [False, True])
def test_script_writes_a_problems_table_with_its_header(tmp_path, codebook, extra_column):
    answers = coded_answers(codebook)
    if extra_column:
        answers["opmerking"] = "x"  # an unknown column: one warning
    export = write_csv(answers, tmp_path / "export.csv")
    frame = write_csv(frame_table(coded_answers(codebook)), tmp_path / "frame.csv")
    sm = run_validate_script(tmp_path, export, frame)
    problems = pd.read_csv(sm.output.problems)  # no EmptyDataError without problems
    assert list(problems.columns) == [f.name for f in dataclasses.fields(Problem)]
    assert len(problems) == int(extra_column)
    assert Path(sm.output.report).read_text(encoding="utf-8").strip()
    assert not [p for p in Path(sm.output.report).parent.iterdir() if p.name.startswith(".")]


def test_the_frame_must_have_the_weighting_variables_in_every_row(tmp_path, codebook):
    answers = coded_answers(codebook)
    frame = frame_table(answers)
    frame["provincie"] = ["Antwerpen", "Limburg", " ", "Limburg", "Antwerpen", "Namen", "", "x", "y", "z"]
    export = read_export(write_csv(answers, tmp_path / "export.csv"))
    table = read_frame(write_csv(frame, tmp_path / "frame.csv"))
    problems = validate_export(export, codebook, table, ["provincie", "regio"])
    (missing,) = [p for p in problems if p.column == "regio"]
    assert "no column for the weighting variable" in missing.message and "weighting.poststrata" in missing.fix
    assert [(p.row, p.value) for p in problems if p.column == "provincie"] == [(4, " "), (8, "")]
    from leisurenet.data.clean import clean

    cleaned = clean(
        export,
        codebook,
        read_frame(write_csv(frame_table(answers).assign(provincie="A"), tmp_path / "f.csv")),
        frame_variables=["provincie"],
    )
    assert list(cleaned.frame.columns) == ["network_id", "municipality_pop", "responded", "provincie"]
    assert (cleaned.frame["provincie"] == "A").all()
