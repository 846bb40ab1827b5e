"""The mapping of a survey tool's export onto the codebook (data.mapping).

An export in codebook form (six respondents, from ``test_ingest_validate``) is renamed to a
tool's question codes, its answers reworded, metadata columns with personal data added, and
written as the ``;``-separated Windows-1252 CSV a Dutch Excel saves. Read through its
mapping it must clean to exactly what the codebook-form export cleans to; every fault in a
mapping must be reported at once with its line.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from leisurenet.codebook import Codebook
from leisurenet.data.clean import clean
from leisurenet.data.ingest.read import read_export
from leisurenet.data.mapping import export_names, read_mapping, read_survey
from leisurenet.data.validate import validate_export
from leisurenet.errors import InputError

from .test_ingest_validate import CODEBOOK, coded_answers

# The tool's wording of scale E5's middle codes and of "don't know" (the issue's example).
E5_WORDING = {"2": "eerder zwakke inzet", "3": "gemiddelde inzet", "4": "eerder sterke inzet"}
DONT_KNOW = "Weet ik niet"
IPS = ["192.0.2.17", "198.51.100.4", "203.0.113.250", "192.0.2.99", "198.51.100.81", "203.0.113.7"]
EMAILS = [f"coordinator{i}@example.org" for i in range(6)]


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return Codebook.from_yaml(CODEBOOK)


def tool_names(codebook: Codebook) -> dict[str, str]:
    """Codebook ID -> the tool's column name."""
    names = {"resp_id": "ResponseId", "network_id": "Netwerk", "municipality_pop": "Gemeente_inwoners"}
    names.update({item: f"Q{k // 4 + 1}_{k % 4 + 1}" for k, item in enumerate(codebook.item_ids)})
    return names


def tool_export(codebook: Codebook) -> pd.DataFrame:
    """The coded answers as the tool writes them: its names, its labels, metadata in front."""
    coded = coded_answers(codebook)
    out = coded.copy()
    for item in codebook.item_ids:
        scale = codebook.items[item]["scale"]
        labels = {str(c): spec["nl"] for c, spec in codebook.scale(item)["codes"].items()}
        if scale == "E5":
            labels.update(E5_WORDING)
        labels.update({"9": DONT_KNOW, "": ""})
        out[item] = [labels[v] for v in coded[item]]
    out = out.rename(columns=tool_names(codebook))
    metadata = pd.DataFrame({"IPAddress": IPS, "RecipientEmail": EMAILS, "Duration": ["312"] * 6})
    return pd.concat([metadata, out], axis=1)


def mapping_text(codebook: Codebook, extra: str = "") -> str:
    lines = ["columns:"]
    lines += [f"  {name}: {target}" for target, name in tool_names(codebook).items()]
    lines += ["labels:", "  E5:"]
    lines += [f"    {label}: {code}" for code, label in E5_WORDING.items()]
    for scale in ("E5", "A5", "U4"):
        lines += [f"  {scale}:"] * (scale != "E5") + [f"    {DONT_KNOW}: 9"]
    lines.append("drop: [IPAddress, RecipientEmail]")
    return "\n".join(lines) + "\n" + extra


def write(tmp_path: Path, codebook: Codebook, mapping: str | None = None) -> tuple[Path, Path]:
    export, path = tmp_path / "export.csv", tmp_path / "mapping.yaml"
    tool_export(codebook).to_csv(export, sep=";", index=False, encoding="cp1252")
    path.write_text(mapping if mapping is not None else mapping_text(codebook), encoding="utf-8")
    return export, path


def test_without_a_mapping_the_tool_export_fails_naming_the_mapping(tmp_path, codebook):
    export, _ = write(tmp_path, codebook)
    raw = read_export(export, known=codebook.columns)
    problems = validate_export(raw, codebook)
    assert {p.column for p in problems if p.severity == "error"} >= {"resp_id", "eff_financial"}
    assert all("192.0.2" not in str(p) and "@example.org" not in str(p) for p in problems)


def test_unknown_labels_are_listed_once_per_column_with_the_mapping_as_the_fix(tmp_path, codebook):
    frame = coded_answers(codebook)
    frame["eff_financial"] = ["3", "gemiddelde inzet", "eerder sterke inzet", "gemiddelde inzet", "", "9"]
    export = tmp_path / "labels.csv"
    frame.to_csv(export, index=False)
    problems = validate_export(read_export(export, known=codebook.columns), codebook)
    (problem,) = [p for p in problems if p.column == "eff_financial"]
    assert "2 value(s)" in problem.message
    assert "'gemiddelde inzet' (rows 3, 5)" in problem.message
    assert "'eerder sterke inzet' (row 4)" in problem.message
    assert "data.mapping" in problem.fix and "make mapping" in problem.fix
    assert (problem.row, problem.value) == (3, "gemiddelde inzet")


def test_the_tool_export_through_its_mapping_cleans_as_the_coded_export(tmp_path, codebook):
    export, mapping = write(tmp_path, codebook)
    survey = read_survey(export, codebook, mapping)
    assert survey.problems == []
    (warning,) = validate_export(survey.raw, survey.codebook)
    assert (warning.severity, warning.column) == ("warning", "Duration")  # not under drop
    coded_path = tmp_path / "coded.csv"
    coded_answers(codebook).to_csv(coded_path, index=False)
    expected = clean(read_export(coded_path, known=codebook.columns), codebook)
    result = clean(survey.raw, survey.codebook, mapping=survey.mapping)
    pd.testing.assert_frame_equal(result.data, expected.data)
    log = result.log
    renamed = log[log["rule"] == "rename_column"]
    assert len(renamed) == len(codebook.columns)
    assert renamed.set_index("old_value").at["Q1_1", "new_value"] == "vis_defined"
    assert "line 6" in renamed.set_index("old_value").at["Q1_2", "reason"]
    assert sorted(log.loc[log["rule"] == "drop_mapped_column", "column"]) == ["IPAddress", "RecipientEmail"]
    assert set(log.loc[log["rule"] == "drop_unknown_column", "column"]) == {"Duration"}
    mapped = log[log["rule"] == "mapping_label"]
    assert set(mapped["old_value"]) == set(E5_WORDING.values())
    assert (log.loc[log["rule"] == "mapping_missing_label", "old_value"] == DONT_KNOW).all()
    everything = log.to_csv() + "\n".join(survey.raw.notes)
    assert not any(ip in everything for ip in IPS) and "@example.org" not in everything


def test_a_column_problem_names_the_export_column_and_its_id(tmp_path, codebook):
    export, mapping = write(tmp_path, codebook)
    frame = tool_export(codebook)
    frame.loc[2, "Q1_1"] = "misschien"
    frame.to_csv(export, sep=";", index=False, encoding="cp1252")
    survey = read_survey(export, codebook, mapping)
    found = export_names(validate_export(survey.raw, survey.codebook), survey.mapping, survey.raw.path)
    (problem,) = [p for p in found if p.severity == "error"]
    assert problem.column == "Q1_1 (mapped to vis_defined)" and problem.row == 4


# Each bad mapping: a change to the good one, and words the problem it causes must have.
BAD = {
    "unknown codebook ID": (("Q1_1: vis_defined", "Q1_1: vis_definde"), "'vis_definde', which is not an ID"),
    "two columns onto one ID": (("Q1_2: vis_consensus", "Q1_2: vis_defined"), "2 columns are mapped onto"),
    "mapped column not in the export": (("Q1_1:", "Q1_10:"), "'Q1_10' is not in the export"),
    "code outside the scale": (("gemiddelde inzet: 3", "gemiddelde inzet: 7"), "neither a code of scale E5"),
    "label with another meaning": (("gemiddelde inzet: 3", "zwakke inzet: 3"), "already reads it as code 2"),
    "label left without a code": (("gemiddelde inzet: 3", "gemiddelde inzet: null"), "has no code yet"),
    "unknown scale": (("  E5:", "  E6:"), "'E6' is not a response scale"),
}


@pytest.mark.parametrize("case", BAD)
def test_each_bad_mapping_is_reported_with_its_line(tmp_path, codebook, case):
    (old, new), words = BAD[case]
    export, path = write(tmp_path, codebook, mapping_text(codebook).replace(old, new, 1))
    survey = read_survey(export, codebook, path)
    (problem,) = survey.problems
    assert words in problem.message
    assert problem.file == str(path) and f"line {problem.row}" in str(problem)
    assert new.split(":")[0].strip() in path.read_text(encoding="utf-8").splitlines()[problem.row - 1]


def test_every_problem_of_a_mapping_is_reported_at_once(tmp_path, codebook):
    text = mapping_text(codebook).replace("Q1_1: vis_defined", "Q1_1: vis_definde")
    text = text.replace("gemiddelde inzet: 3", "gemiddelde inzet: 6").replace(
        "drop: [", "drop: [Q1_3, Nope, "
    )
    text += "extra: 1\n"
    export, path = write(tmp_path, codebook, text)
    problems = read_survey(export, codebook, path).problems
    messages = "\n".join(str(p) for p in problems)
    for words in (
        "'vis_definde'",
        "did you mean 'vis_defined'",
        "mapped to 6",
        "'Q1_3' is both mapped",
        "'Nope' is not in the export",
        "'extra' is not a section",
    ):
        assert words in messages


def test_a_column_mapped_onto_an_id_the_export_already_has(tmp_path, codebook):
    frame = tool_export(codebook)
    frame["resp_id"] = frame["ResponseId"]
    export, path = write(tmp_path, codebook)
    frame.to_csv(export, sep=";", index=False, encoding="cp1252")
    (problem,) = read_survey(export, codebook, path).problems
    assert "already has a column named 'resp_id'" in problem.message and problem.row == 2
    path.write_text(mapping_text(codebook).replace("drop: [", "drop: [resp_id, "), encoding="utf-8")
    survey = read_survey(export, codebook, path)
    assert survey.problems == [] and list(survey.raw.data["resp_id"]) == list(frame["ResponseId"])


def test_yaml_syntax_and_shape_errors_have_lines(tmp_path, codebook):
    path = tmp_path / "broken.yaml"
    path.write_text("columns:\n  Q1: vis_defined\n  Q2: [unclosed\n", encoding="utf-8")
    _, problems = read_mapping(path, codebook)
    assert len(problems) == 1 and "not valid YAML" in problems[0].message and problems[0].row >= 3
    path.write_text("columns: [Q1, Q2]\nlabels:\n  E5:\n    x: 3\n    X: 2\n", encoding="utf-8")
    _, problems = read_mapping(path, codebook)
    assert [p.row for p in problems] == [1, 5]
    assert "must be a list of 'name: value' lines" in problems[0].message
    assert "mapped to 2 here and to 3 above" in problems[1].message


def test_yaml_text_is_kept_as_written(tmp_path, codebook):
    """Column names such as no or 1.0 are text, not YAML booleans or numbers."""
    path = tmp_path / "names.yaml"
    path.write_text("columns:\n  no: vis_defined\n  1.0: vis_consensus\ndrop: [yes]\n", encoding="utf-8")
    mapping, problems = read_mapping(path, codebook)
    assert problems == []
    assert mapping.columns == {"no": "vis_defined", "1.0": "vis_consensus"} and mapping.drop == ["yes"]


def test_labels_the_codebook_already_reads_the_same_way_are_accepted(tmp_path, codebook):
    path = tmp_path / "same.yaml"
    path.write_text(
        "labels:\n  A5:\n    Helemaal  AKKOORD: 5\n    weet niet: 9\n    mee eens: 4\n", encoding="utf-8"
    )
    assert read_mapping(path, codebook)[1] == []


def test_codebook_variants_are_read_and_may_not_clash(codebook):
    assert codebook.interpret("vis_defined", "Helemaal mee eens").code == 5
    assert codebook.interpret("vis_defined", "Neutraal").code == 3
    spec = {**codebook.spec, "scales": {**codebook.spec["scales"]}}
    a5 = {**spec["scales"]["A5"], "codes": dict(spec["scales"]["A5"]["codes"])}
    a5["codes"][2] = {**a5["codes"][2], "variants": ["Helemaal akkoord"]}
    spec["scales"]["A5"] = a5
    with pytest.raises(ValueError, match="label 'helemaal akkoord' is given to codes 2 and 5"):
        Codebook(spec)


def test_a_bad_mapping_stops_the_export_from_being_cleaned(tmp_path, codebook):
    """The validate script reports; clean must not be reached, and InputError is what
    read_export raises for an unreadable export, mapping or not."""
    export, path = write(tmp_path, codebook, "columns:\n  Q1_1: nothing_here\n")
    survey = read_survey(export, codebook, path)
    errors = [
        p for p in survey.problems + validate_export(survey.raw, survey.codebook) if p.severity == "error"
    ]
    assert any("nothing_here" in p.message for p in errors)
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_survey(tmp_path / "empty.csv", codebook, path)
