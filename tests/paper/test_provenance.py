"""Every number in the paper traceable to its source (results/paper/provenance.csv), and none
typed by hand: the rendered text of both formats holds no number that provenance.csv does not
list, but for the short list of allowed literals below."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import pytest

from leisurenet.paper import formatting
from leisurenet.paper.provenance import (
    COLUMNS,
    Origin,
    Traced,
    TracedInt,
    mark,
    rows_of,
    spans,
    table_cells,
    trace,
    unmark,
    uses,
)
from leisurenet.release.manifest import sha256

from ..conftest import ROOT
from ..rendered import html_text, pdf_text

SOURCE = (ROOT / "paper" / "paper.qmd").read_text(encoding="utf-8")
# A number as a reader sees it: digits, with decimal points or thousands commas inside
# (not part of a word or an identifier such as a checksum).
NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?!\w)")
CITED = "|".join(
    sorted(set(re.findall(r"year\s*=\s*\{(\d{4})\}", (ROOT / "paper/references.bib").read_text())))
)


def numbered_headings(source: str) -> list[str]:
    """ "3.1 The survey and the data": each numbered heading as both renderers number it."""
    counters, out = [0, 0, 0], []
    for level, title, attributes in re.findall(r"^(#{1,3}) (.+?)(?:\s*\{([^}]*)\})?\s*$", source, re.M):
        if "unnumbered" in (attributes or ""):
            continue
        depth = len(level) - 1
        counters[depth] += 1
        counters[depth + 1 :] = [0] * (2 - depth)
        out.append(".".join(str(c) for c in counters[: depth + 1]) + " " + title)
    return out


# The only numbers the paper may print without a row in provenance.csv: (pattern, why).
ALLOWED = [
    (r"\b(?:Figure|Table|Section) \d+(?:\.\d+)*", "figure, table and section numbers"),
    *((re.escape(h).replace(r"\ ", r"\s"), "a section's number") for h in numbered_headings(SOURCE)),
    (rf"(?:[A-Z][\w’'-]+|et al\.) \(?(?:{CITED})\b", "years in citations (of references.bib)"),
    (r"\b2016\b", "the study year"),
    (r"Poverty Decree of 2003", "the year of the decree the text cites"),
    (r"SHA-256", "the name of the data file's checksum"),
    (r"are below 5\b", "the rule of thumb for expected counts, as the cross-tabs apply it"),
    (r"AAPOR code \d\.\d+", "an AAPOR final disposition code: a label, not a quantity"),
    (r"\b1 \+ CV²", "the formula of Kish's design effect"),
]


def reading_text(text: str) -> str:
    """The text a reader reads for numbers: without the reference list (volumes, pages and DOIs
    of the bibliography) and with the allowed literals blanked."""
    start = text.find("References ", text.find("Conclusion"))
    stop = text.find("Appendix A", start)
    if start >= 0 and stop > start:
        text = text[:start] + text[stop:]
    for pattern, _ in ALLOWED:
        text = re.sub(pattern, " ", text)
    return text


def untraced(text: str, provenance: pd.DataFrame, pdf: bool = False) -> list[str]:
    """Each number printed more often than provenance.csv lists it, with its sentence. In a
    ``pdf`` a number of a table's header may be printed more often: the PDF repeats a header on
    every page of its table (the HTML, with the same text, is held to the count)."""
    numbers = provenance[provenance["column"] != ""]  # figures' rows name files, not numbers
    listed = Counter(n for printed in numbers["text"] for n in NUMBER.findall(printed))
    headers = numbers[numbers["location"].str.contains("row '(header)'", regex=False)]
    repeated = {n for printed in headers["text"] for n in NUMBER.findall(printed)} if pdf else set()
    text = reading_text(text)
    printed = Counter(NUMBER.findall(text))
    extra = Counter({n: k for n, k in (printed - listed).items() if n not in repeated})
    found = []
    for number in extra:
        contexts = [m for m in NUMBER.finditer(text) if m.group(0) == number]
        shown = "; ".join(f"...{text[max(0, m.start() - 60) : m.end() + 30]}..." for m in contexts[:3])
        found.append(f"{number} (printed {printed[number]} times, traced {listed[number]}): {shown}")
    return found


def read_provenance(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "results/paper/provenance.csv", dtype=str, keep_default_na=False)


# --- the library ----------------------------------------------------------------------------


def test_traced_values_keep_their_origin_through_the_papers_arithmetic():
    df = trace(pd.DataFrame({"item": ["a", "b"], "share": [0.5, 0.25], "n": [3, 4]}), "results/x.csv", "item")
    share = df.set_index("item").loc["a", "share"]
    assert isinstance(share, Traced) and share.origin == Origin("results/x.csv", "a", "share", 0.5)
    assert (100 * share).origin == share.origin  # a change of unit keeps the file's value
    assert spans(formatting.pct(100 * share))[0] | {"text": "50.0%"} == {
        "text": "50.0%",
        "source": "results/x.csv",
        "row": "a",
        "column": "share",
        "value": "0.5",
    }
    total = df["n"].sum()
    assert isinstance(total, TracedInt) and total == 7 and total.origin.row == "a + b"
    difference = df["share"][0] - df["share"][1]
    assert difference.origin.column == "share" and difference.origin.row == "a − b"
    assert rows_of(df[df["n"] > 3], "n > 3").origin.column == "(number of rows)"
    # any other transformation is written into the column, with the value derived
    for number, column, value in [
        (share / 3, "share ÷ 3", 0.5 / 3),
        (1 / share, "1 ÷ share", 2.0),
        (-share, "−share", -0.5),
        (abs(-share), "abs(−share)", 0.5),  # no pipe: it would split a table cell
        (share + share, "share + share", 1.0),  # one cell twice does not read as the cell
    ]:
        assert number.origin == Origin("results/x.csv", "a", column) and number == value, number.origin
        assert spans(formatting.num(number, 3))[0]["value"] == repr(value)
    assert formatting.pct(0.5) == "0.5%"  # a value without an origin is printed bare
    empty = pd.DataFrame({"item": pd.Series([], dtype=object), "share": pd.Series([], dtype=float)})
    assert trace(empty, "results/x.csv", "item").empty


def test_spans_survive_a_pipe_table_and_are_found_in_its_cells():
    df = trace(pd.DataFrame({"item": ["a_b"], "p": [0.0004]}), "results/t.csv", "item")
    table = formatting.pipe_table(
        pd.DataFrame({"Item": df["item"], "p": df["p"].map(formatting.pvalue)}), "t", "Caption."
    )
    label, cells = table_cells(table)
    assert label == "tbl-t"
    [(first, heading, cell)] = [c for c in cells if c[1] == "p" and c[0] != "(header)"]
    assert (first, heading, unmark(cell)) == ("a_b", "p", "< 0.001")
    assert spans(cell)[0]["value"] == "0.0004"


def test_brackets_around_spans_print_as_brackets_and_the_spans_stay_spans():
    """An interval's brackets go into a table escaped (no link for Pandoc to try), its spans
    as they are; read back they are the printed text, and Pandoc makes the same HTML of both."""
    low, high = (Traced(v, Origin("results/m.csv", "x", c)) for v, c in ((1.1, "lo"), (3.4, "hi")))
    raw = f"2.54 [{formatting.interval(low, high, 2)}] [a]"
    cell = formatting.escape(raw)
    assert cell.startswith("2.54 \\[[1.10]{.num ") and cell.endswith("\\] \\[a\\]")
    assert [s["value"] for s in spans(cell)] == ["1.1", "3.4"]
    assert unmark(cell) == unmark(raw) == "2.54 [1.10–3.40] [a]"
    import pypandoc

    html = [
        pypandoc.convert_text(f"| x |\n|---|\n| {text} |\n", "html5", format="markdown")
        for text in (raw, cell)
    ]
    assert html[0] == html[1] and 'data-value="3.4">3.40</span>] [a]</td>' in html[0]


def test_uses_name_the_section_of_every_variable_and_table():
    found = uses(SOURCE)
    where = {u.name: u.location for u in found}
    assert where["data.abstract_sample"] == "Abstract"
    assert where["paired.sentence"] == "Section Representation of people in poverty"
    assert where["items"] == "Section Scales and item summary"
    assert sum(u.kind == "figure" for u in found) == len(re.findall(r"\{#fig-", SOURCE))


def test_mark_is_plain_text_without_an_origin():
    assert mark("3", 3) == "3"
    assert unmark(mark("3", TracedInt(3, Origin("results/a.csv", "r", "c", 3)))) == "3"


# --- the rendered paper ---------------------------------------------------------------------


def check_paper(folder: Path) -> None:
    provenance = read_provenance(folder)
    assert list(provenance.columns) == COLUMNS
    pages = folder / "results/paper"
    for fmt, text in (("html", html_text(pages / "paper.html")), ("pdf", pdf_text(pages / "paper.pdf"))):
        assert "{.num" not in text and "data-source" not in text, fmt
        offending = untraced(text, provenance, pdf=fmt == "pdf")
        assert not offending, f"{fmt}: numbers in the paper that provenance.csv does not list:\n" + "\n".join(
            offending
        )


@pytest.mark.slow
def test_no_number_in_the_replicas_paper_is_typed_by_hand(replica_run):
    check_paper(replica_run)


@pytest.mark.slow
def test_no_number_in_the_second_datasets_paper_is_typed_by_hand(other_run):
    check_paper(other_run)


@pytest.mark.slow
def test_every_row_names_its_file_its_rule_and_the_files_checksum(replica_run):
    provenance = read_provenance(replica_run)
    results = provenance[provenance["source"].str.startswith("results/")]
    assert len(results) > 1000
    assert (results["rule"] != "").all(), results[results["rule"] == ""]["source"].unique()
    for source, rows in results.groupby("source"):
        assert set(rows["sha256"]) == {sha256(replica_run / source)}, source
    figures = provenance[provenance["source"].str.startswith("results/figures/")]
    assert len(figures) == len(re.findall(r"\{#fig-", SOURCE))
    assert figures["value"].str.contains("results/").all()  # the data each figure drew on
    items = provenance[provenance["variable"] == "items.vis_defined.agree"].iloc[0]
    csv = pd.read_csv(replica_run / "results/descriptives/items.csv").set_index("item")
    assert float(items["value"]) == csv.loc["vis_defined", "pct_positive"]
    assert items["text"] == f"{csv.loc['vis_defined', 'pct_positive']:.1f}%"
    assert items["rule"] == "describe" and items["column"] == "pct_positive"


@pytest.mark.slow
def test_the_html_numbers_link_to_their_source_with_a_popup(replica_run):
    page = (replica_run / "results/paper/paper.html").read_text(encoding="utf-8")
    provenance = read_provenance(replica_run)
    numbers = provenance[provenance["column"] != ""]
    links = re.findall(r'<a href="([^"]+)" id="num-\d+" class="num" data-provenance="([^"]*)"', page)
    assert len(links) + page.count('<span id="num-') >= len(numbers)
    href, info = links[0]
    assert (replica_run / "results/paper" / href).resolve().is_file()
    assert "row: " in info and "column: " in info and "value: " in info
    # the popup's style, embedded (Quarto writes its CSS as a URL-encoded data link)
    assert ".num:target::after" in unquote(page).replace(" ", "")
