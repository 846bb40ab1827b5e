"""The manuscript stays in shapes both renderers read as written (leisurenet.paper.manuscript)."""

from __future__ import annotations

import pytest

from leisurenet.paper.manuscript import crossref_punctuation, lint, shortcode_lines, unlabelled_targets
from leisurenet.paper.render import check_source, warning_lines

from ..conftest import ROOT

PAPER = ROOT / "paper"


@pytest.mark.parametrize("path", sorted(PAPER.glob("*.qmd")) + sorted(PAPER.glob("*.yml")), ids=str)
def test_the_manuscript_has_no_shape_a_renderer_misreads(path):
    problems = lint(path)
    assert not problems, "\n".join(map(str, problems))


def test_a_line_of_several_shortcodes_is_found():
    # The line Quarto 1.7 stopped on: "Invalid Shortcode" (the apostrophe breaks its parser).
    text = "Intro.\n\n{{< var x >}} is the study's value: {{< var y >}}\n"
    assert [p.line for p in shortcode_lines(text, "t.qmd")] == [3]
    assert shortcode_lines("{{< var x >}}\n{{< include tables/a.md >}}\nThe {{< var x >}}\n", "t") == []
    assert len(shortcode_lines("  {{< var a >}} and {{< var b >}}  \n", "t")) == 1


def test_punctuation_that_typst_would_eat_is_found():
    text = "in @fig-a; then @tbl-b. Then @fig-c.x and @sec-d(e) and @tbl-f[g]; @fig-h, @fig-i: ok (@tbl-j)."
    found = [p.text for p in crossref_punctuation(text, "t")]
    assert found == ["@fig-a;", "@fig-c.", "@sec-d(", "@tbl-f["]


def test_a_link_to_an_unlabelled_heading_is_found():
    text = "# Intro {#sec-intro}\n\nSee @sec-intro, [A](#sec-appendix), @sec-gone.\n\n# App {.unnumbered}\n"
    assert [p.text for p in unlabelled_targets(text, "t")] == ["](#sec-appendix)", "@sec-gone"]


def test_rendering_stops_on_a_misread_shape_before_any_renderer_runs(tmp_path):
    (tmp_path / "paper.qmd").write_text("# A {#sec-a}\n\nSee @sec-a. The value is {{< var v >}}\n")
    check_source(tmp_path / "paper.qmd", {"v": "1"})  # fine as it is
    with pytest.raises(ValueError, match=r"paper.qmd with its variables.*@fig-x;"):
        check_source(tmp_path / "paper.qmd", {"v": "shown in @fig-x; and more"})
    (tmp_path / "paper.qmd").write_text("{{< var v >}} is the study's: {{< var v >}}\n")
    with pytest.raises(ValueError, match="line 1"):
        check_source(tmp_path / "paper.qmd", {"v": "1"})


def test_a_renderers_warnings_are_told_from_the_metadata_it_echoes():
    """Lines as Quarto 1.7.34 printed them for an unresolved cross-reference (coloured), and as
    Pandoc and Quarto print a warning or an error; Quarto also echoes the front matter, whose
    abstract may say "error" or "warning" in passing."""
    unresolved = "WARNING (/q/filters/crossref/refs.lua:128) Unable to resolve crossref @tbl-nosuch"
    stderr = "\n".join(
        [
            "\x1b[1mmetadata\x1b[22m",
            "  abstract: |",
            "    Of the 45 published figures, 44 are reproduced without any error.",
            "    A warning sign: 12 could not be traced.",
            f"\x1b[33m{unresolved}",
            f"\x1b[39m\x1b[33m{unresolved}",
            "[WARNING] Citeproc: citation nosuch not found",
            "WARN: Unknown option 'tocc'",
            "ERROR: compilation failed",
        ]
    )
    assert warning_lines(stderr) == [
        unresolved,
        unresolved,
        "[WARNING] Citeproc: citation nosuch not found",
        "WARN: Unknown option 'tocc'",
        "ERROR: compilation failed",
    ]
