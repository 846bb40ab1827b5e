"""The paper's formatting and the fallback renderer's shortcode expansion."""

from __future__ import annotations

import pandas as pd
import pytest

from leisurenet import paper, render


def test_pipe_table_has_caption_label_and_width_hints():
    df = pd.DataFrame({"Item": ["a long item wording here", "b"], "n": [1, 22]})
    text = paper.pipe_table(df, "demo", "A caption.")
    lines = text.splitlines()
    assert lines[0] == "| Item | n |"
    assert lines[1] == "|:" + "-" * 24 + "|" + "-" * 6 + ":|"
    assert lines[-1] == ": A caption. {#tbl-demo}"
    assert "a\\|b" in paper.pipe_table(pd.DataFrame({"x": ["a|b"]}), "x", "c")


@pytest.mark.parametrize(
    ("p", "text"), [(0.0004, "< 0.001"), (0.001, "0.001"), (0.04567, "0.046"), (float("nan"), "n/a")]
)
def test_pvalue_formatting(p, text):
    assert paper.pvalue(p) == text


def test_interval_and_percent_formatting():
    assert paper.interval(0.1234, 0.5, 1) == "0.1–0.5"
    assert paper.interval(12.34, 56.78, 1, percent=True) == "12.3–56.8%"
    assert paper.pct(90.909) == "90.9%" and paper.pct(None) == "n/a"


def test_expand_resolves_includes_and_nested_variables(tmp_path):
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "t.md").write_text("table with {{< var a.b >}}")
    text = "x {{< var n >}} y\n{{< include tables/t.md >}}"
    assert render.expand(text, tmp_path, {"n": 77, "a": {"b": "42%"}}) == "x 77 y\ntable with 42%"
    with pytest.raises(KeyError, match="a.c"):
        render.expand("{{< var a.c >}}", tmp_path, {"a": {"b": 1}})


def test_renderer_choice(monkeypatch):
    monkeypatch.setattr(render, "quarto_version", lambda: None)
    assert render.choose_renderer("auto") == "pandoc"
    assert render.choose_renderer("pandoc") == "pandoc"
    with pytest.raises(RuntimeError, match="quarto is not on PATH"):
        render.choose_renderer("quarto")
    monkeypatch.setattr(render, "quarto_version", lambda: "1.7.32")
    assert render.choose_renderer("auto") == "quarto"
    assert render.choose_renderer("pandoc") == "pandoc"


def test_audit_variables_without_published_figures(codebook):
    empty = pd.DataFrame(columns=["figure_id"])
    assert paper.audit_variables(empty, codebook)["abstract"] == ""
