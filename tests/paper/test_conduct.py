"""The method section's sentences on how the survey was conducted (config ``study``): each value
set is printed, dates as a reader reads them, traced to its config file; each one unset is
declared as not reported."""

from __future__ import annotations

import datetime

import pytest

from leisurenet.config import STUDY_KEYS, config_sources, load_config, study_value
from leisurenet.paper.conduct import study_variables
from leisurenet.paper.prose import Prose
from leisurenet.paper.provenance import spans, unmark
from leisurenet.paper.wording import Wording

from ..conftest import ROOT

PRINTED = [f"study.{key}" for key in STUDY_KEYS]


@pytest.fixture(scope="module")
def prose(codebook) -> Prose:
    return Prose(Wording.from_yaml(), codebook)


def unknown(prose: Prose, variant: str) -> str:
    return prose.say("study.unreported_item", variant)


def reader_date(day: datetime.date) -> str:
    """The date as the paper should print it, by strftime (the C locale's English month names)."""
    return f"{day.day} {day:%B %Y}"


def test_configured_fieldwork_dates_are_printed_formatted_and_traced_to_their_file(
    prose, tmp_path, monkeypatch
):
    monkeypatch.chdir(ROOT)  # config_sources names the project's files relative to it
    mine = tmp_path / "mine.yaml"
    # unquoted, as a user writes it: YAML reads a date, the configuration keeps its ISO text
    mine.write_text("study:\n  fieldwork:\n    start: 2016-03-01\n    end: '2016-04-15'\n")
    config = load_config(mine)
    assert config["study"]["fieldwork"] == {"start": "2016-03-01", "end": "2016-04-15"}
    sources = config_sources(["config/config.yaml", str(mine)], PRINTED)
    out = study_variables(config["study"], sources, prose)
    start, end = datetime.date(2016, 3, 1), datetime.date(2016, 4, 15)
    expected = prose.say("study.fieldwork", "period", start=reader_date(start), end=reader_date(end))
    assert expected in unmark(out["conduct"]) and "1 March 2016" in expected
    found = {(s["row"], s["column"]): s for s in spans(out["conduct"])}
    assert found["study.fieldwork", "start"] | {"text": ""} == {
        "text": "",
        "source": mine.as_posix(),
        "row": "study.fieldwork",
        "column": "start",
        "value": "2016-03-01",
    }
    assert found["study.fieldwork", "end"]["text"] == "15 April 2016"
    # the rest still comes from the project's configuration, and says so
    assert found["study", "mode"]["source"] == "config/config.yaml"
    assert found["study", "mode"]["text"] == load_config()["study"]["mode"]
    assert unknown(prose, "fieldwork") not in out["unreported"]
    assert unknown(prose, "sponsor") in out["unreported"]


def test_each_value_of_the_replicas_study_is_printed_and_each_unset_one_declared_unknown(prose, config):
    study = config["study"]
    out = study_variables(study, {}, prose)
    printed = {f"{s['row']}.{s['column']}" for s in spans(out["conduct"])}
    assert printed == {key for key in PRINTED if study_value(study, key.removeprefix("study.")) is not None}
    unset = [key for key in STUDY_KEYS if study_value(study, key) is None]
    assert unset, "the presentation leaves most of the disclosure items unreported"
    said = unmark(out["unreported"])
    assert said.startswith("The study did not report")
    for key in unset:
        variant = key.replace(".", "_")
        if key.startswith("fieldwork."):  # both dates unknown: one phrase
            variant = "fieldwork"
        if key.startswith("frame."):
            variant = "frame_source" if study_value(study, "frame.date") else "frame"
        assert unknown(prose, variant) in said, key


def test_nothing_configured_is_all_declared_unknown_and_nothing_is_printed(prose):
    out = study_variables({}, {}, prose)
    assert out["conduct"] == ""
    # every fact by its phrase, in the schema's order; the phrases for one date of two unused
    whole = [
        v
        for v in prose.wording.variants("study.unreported_item")
        if not v.startswith(("fieldwork_", "frame_"))
    ]
    assert len(whole) == len(STUDY_KEYS) - 2
    items = prose.join([unknown(prose, variant) for variant in whole])
    assert out["unreported"] == prose.say("study.unreported", "some", items=items)


@pytest.mark.parametrize(
    ("fieldwork", "variant", "printed", "missing"),
    [
        ({"start": "2016-03"}, "start_only", "Fieldwork began in March 2016.", "fieldwork_end"),
        ({"end": "2016"}, "end_only", "Fieldwork ended in 2016.", "fieldwork_start"),
        ({"start": "2016-03-01", "end": "2016-03-01"}, "same", "Fieldwork took place on 1 March 2016.", None),
    ],
)
def test_a_partial_or_single_date_is_said_as_known(prose, fieldwork, variant, printed, missing):
    out = study_variables({"fieldwork": fieldwork}, {}, prose)
    assert unmark(out["conduct"]) == printed
    assert prose.wording.texts["study.fieldwork"][variant].split("{")[0] in printed
    if missing:
        assert unknown(prose, missing) in out["unreported"]
    assert unknown(prose, "fieldwork") not in out["unreported"]


def test_a_citation_in_a_study_text_prints_as_a_citation_and_the_rest_is_traced(prose):
    text = "the literature [@span2011], interviews   and a steering group"
    out = study_variables({"questionnaire": {"development": text}}, {}, prose)
    assert unmark(out["conduct"]) == "The questionnaire was based on " + " ".join(text.split()) + "."
    marked = spans(out["conduct"])
    assert [s["text"] for s in marked] == ["the literature", "interviews and a steering group"]
    assert {s["value"] for s in marked} == {" ".join(text.split())}
    assert "[@span2011]" not in "".join(s["text"] for s in marked)


def test_pandoc_reads_a_citation_between_marks_as_a_citation(prose):
    """A mark right after a citation ("[@key][text]{...}") would read as a reference link."""
    import pypandoc

    text = "the literature [@span2011], interviews [@wright1992][@mehta1983] and a group"
    out = study_variables({"questionnaire": {"development": text}}, {}, prose)
    native = pypandoc.convert_text(out["conduct"], "native", format="markdown")
    assert native.count("citationId") == 3 and native.count('"num"') == 3  # three citations, three marks
    plain = pypandoc.convert_text(out["conduct"], "plain", format="markdown", extra_args=["--wrap=none"])
    assert plain.strip() == unmark(out["conduct"])
