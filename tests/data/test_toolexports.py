"""Survey-tool exports of the cleaned responses (leisurenet.data.toolexports).

Each export is read back here with the csv module or pyreadstat by the layout rules of the
mapping contract (not with ``read_export``), and its answers decoded with the mapping's and
the codebook's labels; they must give back exactly the codes and missing types written.
"""

from __future__ import annotations

import csv
import difflib
import doctest
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
import yaml

import leisurenet.data.toolexports.questionnaire as questionnaire_module
from leisurenet.codebook import MISSING_TYPES, Codebook, normalise_label
from leisurenet.data.ingest.table import cell_text
from leisurenet.data.toolexports.respondents import metadata
from leisurenet.data.toolexports.writing import LAYOUTS, main, write_export
from leisurenet.errors import InputError

QUALTRICS_META = [
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
    "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
    "ExternalReference", "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage",
]  # fmt: skip
SURVEYMONKEY_META = [
    "Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
    "First Name", "Last Name", "Custom Data 1",
]  # fmt: skip
SURVEYMONKEY_PLAIN = ("", "Response", "Open-Ended Response")
IP = re.compile(r"(192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}")
EMAIL = re.compile(r"[a-z.0-9]+@example\.org")
N = 9


# --- the input: a small cleaned table -----------------------------------------------------


def small_clean(codebook: Codebook) -> pd.DataFrame:
    """Nine respondents; every item runs through its codes, 'dont_know' and 'blank' (shifted
    per item), so each code and missing type occurs in every item."""
    data = {
        "resp_id": pd.array(["Zeëbrugge-1", *(f"R{i:02d}" for i in range(2, N + 1))], dtype="string"),
        "network_id": pd.array([f"N{i:03d}" for i in range(1, N + 1)], dtype="string"),
        "municipality_pop": pd.array([2100 + 1000 * i for i in range(N)], dtype="Int64"),
    }
    for j, item in enumerate(codebook.item_ids):
        options = [*codebook.codes(item), *MISSING_TYPES]
        picked = [options[(i + j) % len(options)] for i in range(N)]
        data[item] = pd.array([p if isinstance(p, int) else None for p in picked], dtype="Int8")
        data[f"{item}_missing"] = pd.Categorical(
            [p if isinstance(p, str) else None for p in picked], categories=MISSING_TYPES
        )
    return pd.DataFrame(data)


@pytest.fixture(scope="module")
def clean(codebook) -> pd.DataFrame:
    return small_clean(codebook)


@pytest.fixture(scope="module")
def written(tmp_path_factory, clean, codebook) -> dict[str, tuple[Path, Path]]:
    folder = tmp_path_factory.mktemp("exports")
    return {layout: write_export(layout, clean, codebook, folder, seed=3) for layout in LAYOUTS}


# --- reading an export back by the layout rules --------------------------------------------


@dataclass
class Export:
    names: list[str]  # column names by the layout's rules
    questions: dict[str, str]  # column name -> question text
    cells: pd.DataFrame  # answers as text, one column per name
    header: list[list[str]]  # the header rows as written


def records(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding=encoding), newline="")))


def surveymonkey_names(top: list[str], sub: list[str]) -> list[str]:
    """Row 1's text where row 2 is blank/Response/Open-Ended Response, else the text carried
    from the left, a dash and row 2's statement."""
    names, carried = [], ""
    for first, second in zip(top, sub, strict=True):
        carried = first or carried
        names.append(first if second in SURVEYMONKEY_PLAIN else f"{carried} - {second}")
    return names


def read_back(layout: str, path: Path) -> Export:
    if layout == "spss":
        # user_missing: the don't-know code 9 is declared missing and must be read as 9
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
        names = list(frame.columns)
        cells = pd.DataFrame({c: [cell_text(v) for v in frame[c]] for c in names}, dtype=object)
        labels = meta.column_names_to_labels
        return Export(names, {n: labels[n] for n in names if labels.get(n)}, cells, [names])
    if layout == "qualtrics":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), "a Qualtrics CSV starts with a UTF-8 BOM"
        rows = records(path, "utf-8-sig")
        header, body, names = rows[:3], rows[3:], rows[0]
        questions = dict(zip(names, rows[1], strict=True))
    elif layout == "surveymonkey":
        rows = records(path)
        header, body = rows[:2], rows[2:]
        names = surveymonkey_names(rows[0], rows[1])
        questions = {n: n for n in names}
    else:
        rows = records(path)
        header, body = rows[:1], rows[1:]
        names = [h.split(". ", 1)[0] for h in rows[0]]
        questions = {n: h.split(". ", 1)[1] for n, h in zip(names, rows[0], strict=True) if ". " in h}
    assert all(len(r) == len(names) for r in body)
    return Export(names, questions, pd.DataFrame(body, columns=names, dtype=object), header)


def similar(statement: str, original: str) -> bool:
    """Whether a shown statement is recognisably the codebook's (a light rewording)."""
    return difflib.SequenceMatcher(None, statement.casefold(), original.casefold()).ratio() > 0.75


def load_mapping(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def missing_labels(codebook: Codebook) -> set[str]:
    spec = codebook.spec["missing"]["dont_know"]
    return {normalise_label(x) for x in [*spec["labels_nl"], spec["label_nl"], spec["label_en"]]}


def decode(cell: str, item: str, codebook: Codebook, labels: dict) -> tuple[int | None, str | None]:
    """A cell read through the mapping's labels, then the codebook's codes and labels."""
    text = cell.strip()
    if text == "":
        return None, "blank"
    scale = codebook.items[item]["scale"]
    listed = {normalise_label(k): v for k, v in labels.get(scale, {}).items()}
    if text.isdigit():
        code = int(text)
    elif normalise_label(text) in listed:
        code = listed[normalise_label(text)]
    elif normalise_label(text) in codebook.label_codes(item):
        code = codebook.label_codes(item)[normalise_label(text)]
    elif normalise_label(text) in missing_labels(codebook):
        return None, "dont_know"
    else:
        raise AssertionError(f"{item}: {text!r} is read neither by the mapping nor by the codebook")
    if code in codebook.dont_know_codes:
        return None, "dont_know"
    assert code in codebook.codes(item), f"{item}: {text!r} reads as {code}, not a code of the item"
    return code, None


def decoded(export: Export, mapping: dict, codebook: Codebook) -> pd.DataFrame:
    """The export's mapped columns renamed to codebook IDs and decoded like ``clean``."""
    by_id = {target: name for name, target in mapping["columns"].items()}
    out = {
        "resp_id": list(export.cells[by_id["resp_id"]]),
        "network_id": list(export.cells[by_id["network_id"]]),
        "municipality_pop": [int(v) for v in export.cells[by_id["municipality_pop"]]],
    }
    for item in codebook.item_ids:
        readings = [decode(c, item, codebook, mapping["labels"]) for c in export.cells[by_id[item]]]
        out[item] = [code for code, _ in readings]
        out[f"{item}_missing"] = [kind for _, kind in readings]
    return pd.DataFrame(out)


def as_plain(clean: pd.DataFrame) -> pd.DataFrame:
    """``clean`` with Python values (None for missing), to compare with :func:`decoded`."""
    return pd.DataFrame({c: [None if pd.isna(v) else v for v in clean[c].astype(object)] for c in clean})


# --- header rows ---------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_column_is_mapped_or_dropped_once(layout, written, codebook):
    export_path, mapping_path = written[layout]
    export, mapping = read_back(layout, export_path), load_mapping(mapping_path)
    assert len(set(export.names)) == len(export.names), "column names must be unique"
    assert sorted(export.names) == sorted([*mapping["columns"], *mapping["drop"]])
    assert sorted(mapping["columns"].values()) == sorted(codebook.columns)
    # every entry a plain 'key: value' line, as a user writes it, long question texts included
    assert not re.search(r"^\s*\? ", mapping_path.read_text(encoding="utf-8"), re.MULTILINE)
    # no column is named by a codebook ID: real exports use the tool's own codes
    assert not set(export.names) & set(codebook.columns)


def test_qualtrics_header_rows(written, codebook):
    export = read_back("qualtrics", written["qualtrics"][0])
    mapping = load_mapping(written["qualtrics"][1])
    names, texts, import_ids = export.header
    assert names[: len(QUALTRICS_META)] == QUALTRICS_META
    ids = [json.loads(cell) for cell in import_ids]
    assert all("ImportId" in i for i in ids)
    assert ids[0] == {"ImportId": "startDate", "timeZone": "Europe/Brussels"}
    items = {n: t for n, t in mapping["columns"].items() if t in codebook.items}
    assert all(re.fullmatch(r"Q\d+_\d+", n) for n in items)
    for name, item in items.items():
        assert ids[names.index(name)] == {"ImportId": f"QID{name[1:]}"}
        stem, statement = export.questions[name].split(" - ", 1)
        assert stem == questionnaire_module.stem(codebook, codebook.items[item]["construct"])
        assert similar(statement, codebook.items[item]["nl"])
    assert mapping["columns"]["ExternalReference"] == "resp_id"
    assert export.header[0][export.names.index("Q3_1")] == "Q3_1"
    assert mapping["columns"]["Q3_1"] == codebook.item_ids[0]
    assert (written["qualtrics"][0].read_text(encoding="utf-8-sig").splitlines()[0]).startswith(
        '"StartDate",'
    )


def test_surveymonkey_header_rows(written, codebook):
    export = read_back("surveymonkey", written["surveymonkey"][0])
    mapping = load_mapping(written["surveymonkey"][1])
    top, sub = export.header
    assert top[: len(SURVEYMONKEY_META)] == SURVEYMONKEY_META
    assert all(cell == "" for cell in sub[: len(SURVEYMONKEY_META)])
    assert "Response" in sub and "Open-Ended Response" in sub
    constructs = {codebook.items[i]["construct"] for i in codebook.item_ids}
    # a matrix shows its stem once, over its first statement, and blanks further right
    stems = [t for t, s in zip(top, sub, strict=True) if t and s not in SURVEYMONKEY_PLAIN]
    assert len(stems) == len(constructs)
    blanks = sum(1 for t in top if t == "")
    assert blanks == len(codebook.item_ids) - len(constructs)
    item_names = [n for n, t in mapping["columns"].items() if t in codebook.items]
    assert all(n.split(" - ", 1)[0] in stems for n in item_names)
    assert mapping["columns"][export.names[top.index("Custom Data 1")]] == "resp_id"


def test_limesurvey_headings(written, codebook):
    export = read_back("limesurvey", written["limesurvey"][0])
    mapping = load_mapping(written["limesurvey"][1])
    (headings,) = export.header
    assert all(". " in h for h in headings), "every heading is 'code. text'"
    assert {"id", "submitdate", "lastpage", "startlanguage", "seed", "ipaddr", "email", "token"} <= set(
        export.names
    )
    assert export.questions["id"] == "Antwoord ID"
    for name, target in mapping["columns"].items():
        if target in codebook.items:
            assert re.fullmatch(r"G\d{2}Q\d{2}\[SQ\d{3}\]", name)
            stem, statement = re.fullmatch(r"([^\[\]]+) \[([^\[\]]+)\]", export.questions[name]).groups()
            assert stem == questionnaire_module.stem(codebook, codebook.items[target]["construct"])
            assert similar(statement, codebook.items[target]["nl"])
    assert mapping["columns"]["token"] == "resp_id"


def test_spss_variables(written, codebook):
    path, mapping_path = written["spss"]
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    mapping = load_mapping(mapping_path)
    items = {n: t for n, t in mapping["columns"].items() if t in codebook.items}
    assert all(re.fullmatch(r"v\d+_\d+", n) for n in items)
    for name, item in items.items():
        assert " - " in meta.column_names_to_labels[name]
        labels = meta.variable_value_labels[name]
        assert sorted(labels) == [*map(float, codebook.codes(item)), 9.0]
        assert meta.missing_ranges[name] == [{"lo": 9.0, "hi": 9.0}]
        assert pd.api.types.is_numeric_dtype(frame[name])
    assert mapping["columns"]["v2"] == "municipality_pop" and pd.api.types.is_numeric_dtype(frame["v2"])
    # the header's creation date and time (bytes 92 to 109) are fixed, not the moment of writing
    assert path.read_bytes()[92:109] == b"04 Apr 1609:00:00"


def test_statements_are_reworded_but_recognisable(codebook):
    questions = questionnaire_module.questionnaire(codebook)
    assert [q.item for q in questions] == codebook.item_ids
    original = {i: codebook.items[i]["nl"] for i in codebook.item_ids}
    assert all(not q.statement.endswith(".") for q in questions)
    changed = [q for q in questions if q.statement.casefold() != original[q.item].rstrip(".").casefold()]
    recased = [q for q in questions if q.statement != original[q.item].rstrip(".") and q not in changed]
    assert len(changed) >= 5 and len(recased) >= 5
    assert len({q.stem for q in questions}) == len(
        {codebook.items[i]["construct"] for i in codebook.item_ids}
    )


# --- answers --------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_answers_decode_to_the_cleaned_codes(layout, written, clean, codebook):
    export_path, mapping_path = written[layout]
    got = decoded(read_back(layout, export_path), load_mapping(mapping_path), codebook)
    expected = as_plain(clean)
    pd.testing.assert_frame_equal(got[list(expected.columns)], expected)


@pytest.mark.parametrize("layout", ["qualtrics", "surveymonkey", "limesurvey"])
def test_answers_are_choice_texts(layout, written, clean, codebook):
    export = read_back(layout, written[layout][0])
    mapping = load_mapping(written[layout][1])
    name = next(n for n, t in mapping["columns"].items() if t == "eff_financial")
    texts = set(export.cells[name])
    assert "Gemiddelde inzet" in texts or "Eerder zwakke inzet" in texts
    assert not any(t.isdigit() for t in texts)
    assert "Geen mening / weet niet" in texts and "" in texts


def test_the_answers_do_not_depend_on_the_seed(tmp_path, clean, codebook):
    for seed in (1, 2):
        write_export("qualtrics", clean, codebook, tmp_path / str(seed), seed=seed)
    first, second = (read_back("qualtrics", tmp_path / str(s) / "qualtrics.csv") for s in (1, 2))
    mapping = load_mapping(tmp_path / "1" / "qualtrics.mapping.yaml")
    assert list(first.cells["IPAddress"]) != list(second.cells["IPAddress"])
    pd.testing.assert_frame_equal(decoded(first, mapping, codebook), decoded(second, mapping, codebook))


# --- the mapping ----------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_mapping_lists_only_labels_the_codebook_does_not_read(layout, written, codebook):
    mapping = load_mapping(written[layout][1])
    known_missing = missing_labels(codebook)
    assert set(mapping["labels"]) == {"A5", "E5", "U4"}
    for scale, labels in mapping["labels"].items():
        item = next(i for i in codebook.item_ids if codebook.items[i]["scale"] == scale)
        for label, code in labels.items():
            assert normalise_label(label) not in codebook.label_codes(item), (scale, label)
            assert normalise_label(label) not in known_missing, (scale, label)
            assert code in codebook.codes(item) or code in codebook.dont_know_codes
    assert mapping["labels"]["E5"] == {
        "Eerder zwakke inzet": 2,
        "Gemiddelde inzet": 3,
        "Eerder sterke inzet": 4,
        "Geen mening / weet niet": 9,
    }


def test_labels_the_codebook_reads_appear_in_the_export_but_not_the_mapping(written):
    export = read_back("limesurvey", written["limesurvey"][0])
    mapping = load_mapping(written["limesurvey"][1])
    cells = set(export.cells.to_numpy().ravel())
    listed = {label for labels in mapping["labels"].values() for label in labels}
    for label in ("Helemaal akkoord", "Zeer sterke inzet", "Zeer nuttig"):
        assert label in cells and label not in listed


def test_a_choice_the_codebook_reads_otherwise_is_refused(monkeypatch, codebook):
    # "Akkoord" is the codebook's label of code 4: a mapping may not make it mean 5
    choices = {**questionnaire_module.CHOICES, "A5": {**questionnaire_module.CHOICES["A5"], 5: "Akkoord"}}
    monkeypatch.setattr(questionnaire_module, "CHOICES", choices)
    with pytest.raises(ValueError, match="'Akkoord' means 4"):
        questionnaire_module.mapping_labels(codebook)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_personal_data_columns_are_dropped(layout, written):
    export = read_back(layout, written[layout][0])
    mapping = load_mapping(written[layout][1])

    def holding(pattern):
        return [n for n in export.names if export.cells[n].map(lambda v: bool(pattern.fullmatch(v))).all()]

    ip_columns, email_columns = holding(IP), holding(EMAIL)
    assert len(ip_columns) == 1 and len(email_columns) == 1
    for column in (*ip_columns, *email_columns):
        assert column in mapping["drop"] and column not in mapping["columns"]
    # no personal column leaks into a mapped one
    mapped = export.cells[list(mapping["columns"])].to_numpy().ravel()
    assert not any(IP.search(v) or "@" in v for v in mapped)


# --- determinism, input checks and the command ----------------------------------------------


def test_the_same_seed_gives_the_same_bytes(tmp_path, clean, codebook):
    for folder in ("a", "b"):
        for layout in LAYOUTS:
            write_export(layout, clean, codebook, tmp_path / folder, seed=5)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(files) == 2 * len(LAYOUTS)
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_a_clean_table_without_an_item_is_refused(tmp_path, clean, codebook):
    broken = clean.drop(columns=["vis_defined_missing"])
    with pytest.raises(InputError, match="vis_defined_missing"):
        write_export("qualtrics", broken, codebook, tmp_path)
    assert not list(tmp_path.iterdir())


def test_an_unknown_layout_is_refused(tmp_path, clean, codebook):
    with pytest.raises(ValueError, match="unknown layout 'excel'"):
        write_export("excel", clean, codebook, tmp_path)


def test_the_command_writes_every_layout(tmp_path, clean, capsys):
    responses = tmp_path / "responses.parquet"
    clean.to_parquet(responses)
    assert main([str(responses), str(tmp_path / "out")]) == 0
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(
        [f"{layout}.mapping.yaml" for layout in LAYOUTS]
        + ["qualtrics.csv", "surveymonkey.csv", "limesurvey.csv", "spss.sav"]
    )
    printed = capsys.readouterr().out
    assert all(f"{layout}: wrote" in printed for layout in LAYOUTS)


def test_the_metadata_are_fake_and_plausible():
    meta = metadata(50, seed=0)
    assert meta["ip"].map(lambda v: bool(IP.fullmatch(v))).all()
    assert meta["email"].str.endswith("@example.org").all() and meta["email"].is_unique
    assert (meta["end"] > meta["start"]).all()
    assert meta["start"].map(lambda t: t.weekday() < 5 and 8 <= t.hour < 18).all()
    assert meta["latitude"].between(50.7, 51.35).all() and meta["longitude"].between(2.5, 5.95).all()


def test_docstring_examples():
    assert doctest.testmod(questionnaire_module).failed == 0
