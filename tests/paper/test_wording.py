"""The wording template: loading, validation and rendering, with errors that name the place."""

from __future__ import annotations

import pytest

from leisurenet.paper.wording import DEFAULT, Wording, WordingError, placeholders

SPEC = {
    "crosstab": {
        "sentence": {
            "significant": "For {crosstab}, p = {p}: evidence.",
            "not_significant": "For {crosstab}, p = {p}: no evidence.",
        },
        "abstract": "p = {p}",
        "literal": "a {{brace}} and {value}",
    }
}


@pytest.fixture
def wording() -> Wording:
    return Wording.from_dict(SPEC, "sentences.yml")


def test_render_fills_a_variant_or_a_single_wording(wording):
    assert wording.render("crosstab.sentence", "significant", crosstab="a by b", p="0.010") == (
        "For a by b, p = 0.010: evidence."
    )
    assert wording.render("crosstab.abstract", p="0.5") == "p = 0.5"
    assert wording.render("crosstab.literal", value=3) == "a {brace} and 3"
    assert wording.variants("crosstab.sentence") == ["significant", "not_significant"]


def test_values_a_wording_does_not_use_are_allowed(wording):
    # every variant of a key gets the same values; a wording may leave some out
    assert wording.render("crosstab.abstract", p="0.5", crosstab="unused") == "p = 0.5"


@pytest.mark.parametrize(
    ("key", "variant", "values", "message"),
    [
        ("crosstab.missing", None, {}, r"sentences.yml: no key 'crosstab.missing'"),
        ("crosstab.sentence", "maybe", {}, r"crosstab.sentence has no variant 'maybe'; its variants: signif"),
        ("crosstab.sentence", None, {}, r"crosstab.sentence has no variant; its variants: significant"),
        ("crosstab.abstract", "significant", {}, r"crosstab.abstract has no variant 'significant'"),
        (
            "crosstab.sentence",
            "significant",
            {"p": "0.1"},
            r"sentences.yml: crosstab.sentence \(variant 'significant'\): "
            r"no value for placeholder \{crosstab\}",
        ),
        ("crosstab.abstract", None, {"p": 0.1234}, r"crosstab.abstract: value 'p' is a float"),
    ],
)
def test_render_errors_name_file_key_variant_and_placeholder(wording, key, variant, values, message):
    with pytest.raises(WordingError, match=message):
        wording.render(key, variant, **values)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (["not", "a", "mapping"], "must be a mapping of sections"),
        ({"data": "text"}, "section 'data' must map keys to wordings"),
        ({"Data": {"a": "x"}}, "section 'Data' is not a lower-case name"),
        ({"data": {"a": 3}}, r"data.a: a wording must be a string or a mapping"),
        ({"data": {"a": {}}}, r"data.a: a wording must be a string or a mapping"),
        ({"data": {"a": {"frame": None}}}, r"data.a: variant 'frame' is NoneType, not a string \(write ''"),
        ({"data": {"a": {"Frame": "x"}}}, r"data.a: variant 'Frame' is not a lower-case name"),
        ({"data": {"a": "p = {p:.3f}"}}, r"data.a: placeholder \{p:.3f\} is not a plain \{name\}"),
        ({"data": {"a": "{p!r}"}}, r"placeholder \{p!r\}"),
        ({"data": {"a": "{}"}}, r"placeholder \{\}"),
        ({"data": {"a": "{row.name}"}}, r"placeholder \{row.name\}"),
        ({"data": {"a": {"one": "an { unclosed"}}}, r"data.a \(variant 'one'\): malformed braces"),
    ],
)
def test_the_template_is_validated_when_loaded(spec, message):
    with pytest.raises(WordingError, match=message):
        Wording.from_dict(spec, "sentences.yml")


def test_from_yaml_names_the_file(tmp_path):
    path = tmp_path / "sentences.yml"
    path.write_text("data:\n  a: 'p = {p'\n", encoding="utf-8")
    with pytest.raises(WordingError, match=f"{path}: data.a: malformed braces"):
        Wording.from_yaml(path)
    path.write_text("data: [unclosed\n", encoding="utf-8")
    with pytest.raises(WordingError, match="not valid YAML"):
        Wording.from_yaml(path)


def test_placeholders_in_order():
    assert placeholders("{a} and {b}, {a}; {{c}}") == ["a", "b", "a"]


def test_the_paper_template_loads_and_every_wording_is_text():
    wording = Wording.from_yaml(DEFAULT)
    assert wording.source == str(DEFAULT)
    assert all(isinstance(text, str) for variants in wording.texts.values() for text in variants.values())
