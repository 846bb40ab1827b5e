"""Quarto and the fallback (Pandoc + Typst) give the same paper, number for number.

Both renderers render the same build folder of a pipeline run, as the paper rule does, on the
replica and on a second dataset. Without Quarto on PATH these tests are skipped with the
reason; with LEISURENET_REQUIRE_QUARTO=1 (as in CI) they fail instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pypdf
import pytest
import yaml

from leisurenet.paper import checklists
from leisurenet.paper.provenance import unmark
from leisurenet.paper.render import CITATION_STYLE, Rendering, assemble, expand, render
from leisurenet.quarto import DESCRIBED, installed_version

from ..conftest import RENDER_AGAIN, ROOT
from ..rendered import MARGIN_Y, between, html_text, page_fill, pdf_text

pytestmark = pytest.mark.slow
RENDERERS = ("quarto", "pandoc")
BRIEF = "brief_nl.qmd"
FORMATS = ("html", "pdf")
# Numbers as printed: 62.3%, 0.540, 1,234, 0.31–3.39 (two numbers), 2016.
NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
URL = re.compile(r"(?:https?://|doi\.org/)\S+")


def need_quarto() -> None:
    if installed_version() is None:
        reason = (
            "quarto is not on PATH: assemble it with ../shared/tools/quarto/assemble .quarto-kit, "
            f"or install {DESCRIBED}"
        )
        if os.environ.get("LEISURENET_REQUIRE_QUARTO") == "1":
            pytest.fail(reason + " (LEISURENET_REQUIRE_QUARTO=1)")
        pytest.skip(reason)


def render_with(folder: Path, renderer: str, out: Path) -> Rendering:
    """Render a run's results with one renderer, as the paper rule does, into ``out``."""
    results = folder / "results"
    figures = sorted({f.parent for f in (results / "figures").glob("*.svg")})
    assets = results / "paper" / "assets"
    out.mkdir(parents=True)
    build = out / "build"
    assemble(folder / "paper", build, assets / "_variables.yml", assets / "tables", figures)
    return render(build, renderer, out / "paper.html", out / "paper.pdf")


def render_brief_with(folder: Path, renderer: str, out: Path) -> Rendering:
    """Render a run's Dutch brief with one renderer, as the brief rule does, into ``out``."""
    assets = folder / "results" / "brief" / "assets"
    build = out / "build_brief"
    assemble(folder / "paper", build, assets / "_variables.yml", assets / "tables", [], BRIEF)
    return render(build, renderer, out / "brief_nl.html", out / "brief_nl.pdf", BRIEF)


# Where the papers fixture renders a run ("replica", "other"), under each pass's --basetemp;
# and what the fallback said of the paper and the brief it rendered, kept beside them.
PAPERS = "papers_{}"
FALLBACK_SAID = "renderings.json"


def fallback_renders(folder: Path, out: Path, name: str) -> tuple[Rendering, Rendering]:
    """The fallback's paper and brief of the run ``name`` (``folder``) in ``out``: in a second
    pass (RENDER_AGAIN, tests/conftest.py), copied from the first pass, as the fallback does
    not depend on the Quarto on PATH and renders the same run the same; else rendered."""
    first = os.environ.get(RENDER_AGAIN)
    pattern = f"*/{PAPERS.format(name)}*/pandoc/{FALLBACK_SAID}"
    earlier = sorted(Path(first).glob(pattern)) if first else []
    if earlier:
        shutil.copytree(earlier[0].parent, out)
        paper, brief = json.loads((out / FALLBACK_SAID).read_text(encoding="utf-8"))
        return Rendering(**paper), Rendering(**brief)
    said = render_with(folder, "pandoc", out), render_brief_with(folder, "pandoc", out)
    (out / FALLBACK_SAID).write_text(json.dumps([asdict(r) for r in said]), encoding="utf-8")
    return said


class Papers:
    """One run's paper (and brief) from both renderers: texts, paths, what each renderer said."""

    def __init__(self, folder: Path, out: Path, name: str):
        need_quarto()
        self.folder, self.out = folder, out
        self.rendering = {"quarto": render_with(folder, "quarto", out / "quarto")}
        self.brief = {"quarto": render_brief_with(folder, "quarto", out / "quarto")}
        self.rendering["pandoc"], self.brief["pandoc"] = fallback_renders(folder, out / "pandoc", name)
        self.text, self.hyphenated = {}, {}
        for r in RENDERERS:
            colophon = self.rendering[r].renderer
            self.text[r, "html"] = html_text(out / r / "paper.html").replace(colophon, "RENDERER")
            self.text[r, "pdf"] = pdf_text(out / r / "paper.pdf").replace(colophon, "RENDERER")
            self.hyphenated[r] = pdf_text(out / r / "paper.pdf", hyphenated=True)

    def expanded_source(self) -> str:
        build = self.out / "pandoc" / "build"
        variables = yaml.safe_load((build / "_variables.yml").read_text(encoding="utf-8"))
        return expand((build / "paper.qmd").read_text(encoding="utf-8"), build, variables)


@pytest.fixture(scope="module", params=["replica", "other"])
def papers(request, tmp_path_factory) -> Papers:
    folder = request.getfixturevalue(f"{request.param}_run")
    return Papers(folder, tmp_path_factory.mktemp(PAPERS.format(request.param)), request.param)


def body(text: str) -> str:
    """The paper up to its reference list, without links (a URL breaks across lines in a PDF)."""
    return URL.sub("", text[: text.rindex("References")])


def header_numbers(tables: Path) -> set[str]:
    """The numbers in the tables' header rows ("[95% CI]"): a long table repeats its header on
    each page of a PDF, and where the pages break is the renderer's."""
    found = set()
    for table in tables.glob("*.md"):
        header = next(
            (line for line in table.read_text(encoding="utf-8").splitlines() if line.startswith("|")), ""
        )
        found |= set(NUMBER.findall(unmark(header)))  # without the provenance marks
    return found


def test_the_four_papers_print_the_same_numbers(papers):
    """Every number as often in one renderer's paper as in the other's (in the PDFs, a number of
    a table's header at least as often as in the HTML, once per page the table runs over); the
    same numbers in the HTML as in the PDF."""
    counts = {key: Counter(NUMBER.findall(body(text))) for key, text in papers.text.items()}
    assert sum(counts["pandoc", "html"].values()) > 500
    assert counts["quarto", "html"] == counts["pandoc", "html"]
    headers = header_numbers(papers.out / "pandoc" / "build" / "tables")
    assert "95%" in headers
    quarto, pandoc = counts["quarto", "pdf"], counts["pandoc", "pdf"]
    assert {n: c for n, c in quarto.items() if n not in headers} == {
        n: c for n, c in pandoc.items() if n not in headers
    }, (quarto - pandoc, pandoc - quarto)
    for number in headers:
        assert min(quarto[number], pandoc[number]) >= counts["pandoc", "html"][number], number
    assert set(counts["pandoc", "html"]) == set(counts["pandoc", "pdf"])


def test_both_renderers_briefs_print_the_same_numbers_and_pages(papers):
    """The Dutch brief: every number as often in one renderer's HTML as in the other's, the same
    numbers in its PDFs, at most six pages, without warnings."""
    texts = {
        (r, fmt): reader(papers.out / r / f"brief_nl.{fmt}")
        for r in RENDERERS
        for fmt, reader in (("html", html_text), ("pdf", pdf_text))
    }
    counts = {key: Counter(NUMBER.findall(text)) for key, text in texts.items()}
    assert sum(counts["pandoc", "html"].values()) > 100
    assert counts["quarto", "html"] == counts["pandoc", "html"]
    assert set(counts["quarto", "pdf"]) == set(counts["pandoc", "pdf"]) == set(counts["pandoc", "html"])
    for r in RENDERERS:
        assert papers.brief[r].warnings == [], r
        assert len(pypdf.PdfReader(papers.out / r / "brief_nl.pdf").pages) <= 6, r
        assert "," in " ".join(counts[r, "pdf"]), r  # decimals after a comma


def captions(text: str) -> list[str]:
    """Each figure's and table's label with the first words of its caption, in order."""
    return [" ".join(m) for m in re.findall(r"\b(Figure|Table) (\d+): (\S+ \S+ \S+)", text)]


def test_figures_and_tables_are_numbered_alike(papers):
    source = papers.expanded_source()
    n_fig, n_tbl = len(re.findall(r"\{#fig-", source)), len(re.findall(r"\{#tbl-", source))
    expected = captions(papers.text["pandoc", "html"])
    assert sorted(Counter(c.split()[0] for c in expected).items()) == [("Figure", n_fig), ("Table", n_tbl)]
    for (renderer, fmt), text in papers.text.items():
        found = captions(text)
        if fmt == "html":
            assert found == expected, (renderer, fmt)
            continue
        # In a PDF a figure floats to the top or bottom of a page, so it may come before or
        # after a table next to it; each kind still runs in its order, with the same captions.
        assert sorted(found) == sorted(expected), (renderer, fmt)
        for kind in ("Figure", "Table"):
            numbers = [int(c.split()[1]) for c in found if c.startswith(kind)]
            assert numbers == sorted(numbers), (renderer, fmt, kind)


def test_every_reference_resolves_and_keeps_the_punctuation_after_it(papers):
    source = papers.expanded_source()
    order = {kind: re.findall(rf"\{{#({kind}-[\w-]+)", source) for kind in ("fig", "tbl")}
    names = {"fig": "Figure", "tbl": "Table"}
    expected = [
        f"{names[label[:3]]} {order[label[:3]].index(label) + 1}{mark}"
        for label, mark in re.findall(r"@((?:fig|tbl)-[\w-]*\w)([,.:)])", source)
    ]
    assert expected
    for key, text in papers.text.items():
        assert not re.search(r"\?\?|@(?:fig|tbl|sec)-|\{\{<|>\}\}", text), key
        missing = [e for e in expected if e not in text]
        assert not missing, (key, missing)
        assert re.search(r"Section \d+\.\d+\.", text), key  # "tested in @sec-associations."


def test_every_reported_checklist_item_is_where_both_renderers_print_it(papers):
    """Appendix E in both papers lists every item of checklists.csv, and each item the checklist
    calls reported points at a section or table that both HTML papers have (its id) and
    that both PDFs print (the reference resolves, as the test above checks for all)."""
    table = pd.read_csv(papers.folder / "results/paper/checklists.csv", keep_default_na=False)
    reported = table[table["status"] == "reported"]
    assert len(reported) and len(table) == 51
    for renderer in RENDERERS:
        page = (papers.out / renderer / "paper.html").read_text(encoding="utf-8")
        assert checklists.missing_locations(table, page) == [], renderer
        ids = set(re.findall(r'\sid="([^"]+)"', page))
        assert set(reported["location"]) <= ids, renderer
        for fmt in FORMATS:
            appendix = papers.text[renderer, fmt].split("Appendix E: Reporting checklists")[-1]
            flat = " ".join(appendix.split()).replace("\u2019", "'")  # Quarto's typographic apostrophe
            missing = [item for item in table["item"] if " ".join(item.split()) not in flat]
            assert not missing, (renderer, fmt, missing)


def test_citations_are_author_date_with_the_list_under_references(papers):
    bib = (ROOT / "paper" / "references.bib").read_text(encoding="utf-8")
    first_author = dict(re.findall(r"@\w+\{(\w+),\s*author\s*=\s*\{\{?([^,{}]+?)[,}]", bib))
    cited = set(re.findall(r"@(\w+)", papers.expanded_source())) & set(first_author)
    surnames = [first_author[key] for key in sorted(cited)]
    assert len(surnames) > 15
    for key, text in papers.text.items():
        assert "Span et al. (2011)" in text and "(Span et al. 2011" in text, key
        assert not re.search(r"\[\d+(?:[,–-]\s*\d+)*\]", body(text)), key  # no numbered citations
        assert "Bibliography" not in text, key
        listed = between(text, "References", "Appendix A: Reproduction")
        assert all(name.strip() in listed for name in surnames), (key, listed[:300])


def test_the_synthetic_notice_is_in_the_same_places(papers):
    line = "synthetic replica of the 2016 coordinator survey"
    source_lines = {key: text.count(line) for key, text in papers.text.items()}
    n_figures = len(re.findall(r"\{#fig-", papers.expanded_source()))
    assert set(source_lines.values()) == {n_figures}, source_lines
    for key, text in papers.text.items():
        assert "Synthetic data:" in text[: text.index("Introduction")], key  # the abstract
        assert "Synthetic data. Every number" in text[: text.index("Introduction")], key
        assert "The data analysed here are synthetic" in between(text, "Method", "Results"), key


def table_headers(page: str) -> list[tuple[str, str]]:
    """Each table's caption and its header row, as text, from the fallback's HTML."""
    found = []
    for table in re.findall(r"<table.*?</table>", page, re.S):
        caption = re.search(r"<caption>(.*?)</caption>", table, re.S)
        header = " ".join(re.findall(r"<th[^>]*>(.*?)</th>", table, re.S))
        if caption and header:
            found.append(tuple(" ".join(re.sub(r"<[^>]+>", "", t).split()) for t in (caption[1], header)))
    return found


def test_table_headers_do_not_hyphenate_within_a_word(papers):
    """In the PDFs the header row follows each table's caption: no word of it is split."""
    headers = table_headers((papers.out / "pandoc" / "paper.html").read_text(encoding="utf-8"))
    assert len(headers) > 10 and any("published" in header for _, header in headers)
    for renderer in RENDERERS:
        text = papers.hyphenated[renderer]
        split = []
        for caption, header in headers:
            start = text.index(caption[: caption.index(":") + 1]) + len(caption)
            row = text[start : start + len(header) + 20]
            words = set(re.findall(r"[A-Za-z]{5,}", header))
            split += [w for w in words for i in range(2, len(w) - 1) if f"{w[:i]}- {w[i:]}" in row]
        assert not split, (renderer, split)


def top_level_headings() -> list[str]:
    """The manuscript's top-level headings as a PDF prints them (without their number)."""
    source = (ROOT / "paper" / "paper.qmd").read_text(encoding="utf-8")
    return [re.sub(r"\s*\{.*\}$", "", h) for h in re.findall(r"^# (.+)$", source, re.MULTILINE)]


def opens_a_section(line: str, headings: list[str]) -> bool:
    """Whether a page's first line is a top-level heading (``4 Results``, ``Appendix B: ...``)."""
    return any(line.startswith(h) or re.sub(r"^\d+\s+", "", line).startswith(h) for h in headings)


def test_no_page_is_left_half_empty_and_nothing_runs_into_the_footer(papers):
    """Every page but the last is at least half filled, unless the next one opens a top-level
    section or an appendix: a figure that does not fit floats to the next page, and the text
    after it fills this one. No figure or caption reaches down to the page number."""
    headings = top_level_headings()
    assert "Introduction" in headings and any(h.startswith("Appendix") for h in headings)
    for renderer in RENDERERS:
        pages = page_fill(papers.out / renderer / "paper.pdf")
        assert len(pages) > 10
        empty = [
            f"page {i + 1} is filled to {page['fill']:.0%}; page {i + 2} starts with {after['first']!r}"
            for i, (page, after) in enumerate(zip(pages, pages[1:], strict=False))
            if page["fill"] < 0.5 and not opens_a_section(after["first"], headings)
        ]
        assert not empty, (renderer, empty)
        low = [
            f"page {i + 1}: {p['lowest']:.0f} pt" for i, p in enumerate(pages) if p["lowest"] < MARGIN_Y - 6
        ]
        assert not low, (renderer, "below the text area", low)


def test_the_quarto_on_path_is_within_the_supported_range(papers):
    """CI renders with the oldest and the newest supported Quarto; either must be in the range,
    and the colophon names the one that rendered."""
    from leisurenet import quarto

    version = installed_version()
    assert quarto.standing(version) == "supported", (version, quarto.RANGE)
    assert papers.rendering["quarto"].renderer.startswith(f"Quarto {version} ")
    assert papers.rendering["quarto"].note is None


def test_each_colophon_names_the_typst_that_wrote_its_pdf(papers):
    """Quarto's PDF and the fallback's are compiled by the same pinned Typst: each colophon, as
    printed, names the version that its PDF's metadata names as the creator."""
    import pypdf

    for renderer in RENDERERS:
        creator = pypdf.PdfReader(papers.out / renderer / "paper.pdf").metadata["/Creator"]
        colophon = papers.rendering[renderer].renderer
        assert re.findall(r"Typst \d+(?:\.\d+)+", colophon) == [creator], (renderer, colophon)
        for fmt in FORMATS:
            assert "rendered by RENDERER" in papers.text[renderer, fmt], (renderer, fmt)


def test_rendering_is_offline(papers):
    for renderer in RENDERERS:
        assert papers.rendering[renderer].warnings == [], renderer
        page = (papers.out / renderer / "paper.html").read_text(encoding="utf-8")
        remote = re.findall(r"""(?:src=|<link[^>]*href=|@import\s+url\()["']?(https?:[^"')\s]+)""", page)
        assert remote == [], renderer


def test_two_quarto_renders_are_identical(papers):
    """The pipeline's own render (Quarto, when it is on PATH; HTML and PDF in two jobs and
    folders) and this one (both in one folder elsewhere) give the same bytes; none leaves
    Quarto's scratch behind."""
    first, second = papers.out / "quarto", papers.folder / "results/paper"
    log = (papers.folder / "results/logs/paper.log").read_text(encoding="utf-8")
    assert "rendered with Quarto" in log, log[-2000:]
    for name in ("paper.html", "paper.pdf"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    for build in (first / "build", second / "build", second / "build_pdf"):
        assert (build / CITATION_STYLE).exists() and not (build / ".quarto").exists(), build


def identifiers(folder: Path) -> set[str]:
    """The names a reader should never meet in the prose: item, model and cross-tab IDs, and the
    snake_case column names of the results."""
    from leisurenet.codebook import Codebook

    config = folder / "config"
    names = set(Codebook.from_yaml(config / "codebook.yaml").items)
    names |= set(yaml.safe_load((config / "models.yaml").read_text(encoding="utf-8"))["models"])
    for table in (folder / "results").rglob("*.csv"):
        header = table.open(encoding="utf-8").readline().strip().split(",")
        names |= {column for column in header if "_" in column}
    names |= {line.split(",")[0] for line in (folder / "results/crosstabs/tests.csv").open() if "_" in line}
    return names


def test_the_prose_names_no_variable(papers):
    """Abstract and body text, outside tables, code and the codebook appendix, read as a paper."""
    names = identifiers(papers.folder)
    assert {"rep_voice", "size_class", "rep_voice_ordinal", "role_act_by_size"} <= names
    for renderer in RENDERERS:
        text = html_text(papers.out / renderer / "paper.html", skip=frozenset({"table", "code"}))
        prose = text[: text.index("Appendix B: Codebook")] + text[text.index("Appendix C: Sensitivity") :]
        found = sorted({name for name in names if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", prose)})
        assert not found, (renderer, found)


def test_both_htmls_link_every_number_to_the_same_source(papers):
    """Every number's popup (filters/provenance.lua) says the same in both renderers' HTML, and
    neither PDF shows a trace of it."""
    found = {}
    for renderer in RENDERERS:
        page = (papers.out / renderer / "paper.html").read_text(encoding="utf-8")
        infos = [" ".join(info.split()) for info in re.findall(r'data-provenance="([^"]*)"', page)]
        # the colophon's renderer versions are the one difference: each names its own
        found[renderer] = Counter(i for i in infos if not re.search(r"row: (quarto|pandoc) ", i))
        pdf = papers.text[renderer, "pdf"]
        assert "data-source" not in pdf and "{.num" not in pdf, renderer
    assert found["quarto"] == found["pandoc"]
    assert sum(found["pandoc"].values()) > 1000


def test_no_number_in_either_renderers_paper_is_typed_by_hand(papers):
    """The test of tests/paper/test_provenance.py on both renderers' papers of the run."""
    from ..paper.test_provenance import read_provenance, untraced

    provenance = read_provenance(papers.folder)
    for renderer in RENDERERS:
        for fmt in FORMATS:
            assert untraced(papers.text[renderer, fmt], provenance, pdf=fmt == "pdf") == [], (renderer, fmt)


# --- what a reader meets in a browser ---------------------------------------------------------

# Everything the browser tests read of a page, in one pass: ids, images, in-page links and
# their targets, the Dutch passages, the numbers (their text, name for a screen reader and
# popup), in document order.
PAGE_FACTS = """() => {
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const images = [...document.querySelectorAll('img')].map(i => {
    i.scrollIntoView();
    const box = i.getBoundingClientRect();
    return {alt: i.alt, width: i.naturalWidth, shown: box.width > 0 && box.height > 0 && i.complete};
  });
  const links = [...document.querySelectorAll('a[href^="#"]')].map(a => {
    const href = a.getAttribute('href');
    const target = document.getElementById(decodeURIComponent(href.slice(1)));
    return {href, citation: a.getAttribute('role') === 'doc-biblioref', found: !!target};
  });
  const dutch = [...document.querySelectorAll('[lang="nl"]')].map(e => e.textContent);
  const main = document.querySelectorAll('main').length;
  return {ids, images, links, dutch, lang: document.documentElement.lang, main};
}"""


def look(papers, name: str) -> dict:
    """Each renderer's HTML ``name`` as Chromium shows it: what loading it did, axe-core's
    verdict, the page's facts and its numbers' popups."""
    from ..browser import axe_violations, browser, visit

    seen = {}
    with browser() as instance:
        for renderer in RENDERERS:
            with visit(instance, papers.out / renderer / name) as page:
                seen[renderer] = {
                    "errors": page.errors,
                    "requests": page.requests,
                    "violations": axe_violations(page.page),
                    "facts": page.page.evaluate(PAGE_FACTS),
                    "popups": popups(page.page),
                }
    return seen


@pytest.fixture(scope="module")
def visits(papers):
    return look(papers, "paper.html")


def met_by_every_reader(visits: dict, lang: str) -> None:
    """No console error or request, no serious or critical WCAG violation, the document's
    language, one main landmark, unique ids, and every in-page link landing."""
    from ..browser import blocking

    for renderer, seen in visits.items():
        assert seen["errors"] == [] and seen["requests"] == [], renderer
        assert blocking(seen["violations"]) == [], renderer
        facts = seen["facts"]
        assert facts["lang"] == lang and facts["main"] == 1, renderer
        duplicated = sorted(i for i, n in Counter(facts["ids"]).items() if n > 1)
        assert duplicated == [], (renderer, duplicated)
        assert [link for link in facts["links"] if not link["found"]] == [], renderer


def test_each_html_loads_without_errors_or_requests_and_passes_axe(visits):
    met_by_every_reader(visits, "en")


def test_the_brief_in_a_browser_meets_every_reader_too(papers):
    seen = look(papers, "brief_nl.html")
    met_by_every_reader(seen, "nl")
    for renderer, page in seen.items():
        for what in ("text", "table"):
            shown = page["popups"].get(what)
            source = shown["source"].split("\n")[0] if shown else None
            assert shown and shown["focused"] and source in shown["keyboard"], renderer


def test_every_figure_is_displayed_with_the_manuscripts_alt_text(visits):
    manuscript = (ROOT / "paper" / "paper.qmd").read_text(encoding="utf-8")
    alts = re.findall(r'\]\(figures/[\w.-]+\)\{#fig-[^}]* fig-alt="([^"]+)"\}', manuscript)
    assert len(alts) == manuscript.count("](figures/")  # every figure has one
    for renderer, seen in visits.items():
        images = seen["facts"]["images"]
        assert [i["alt"] for i in images] == alts, renderer
        assert all(i["shown"] and i["width"] > 0 for i in images), (renderer, images)


def test_every_cross_reference_and_citation_lands_on_its_target(visits):
    for renderer, seen in visits.items():
        links = seen["facts"]["links"]
        assert [link for link in links if not link["found"]] == [], renderer
        assert sum(link["citation"] for link in links) >= 20, renderer
        assert sum(link["href"].startswith(("#tbl-", "#fig-")) for link in links) >= 20, renderer


def test_the_dutch_wording_is_marked_as_dutch(visits, papers):
    from leisurenet.codebook import Codebook

    verdicts = pd.read_csv(papers.folder / "results/conclusions/verdicts.csv")
    codebook = Codebook.from_yaml(papers.folder / "config/codebook.yaml")
    for renderer, seen in visits.items():
        dutch = {" ".join(text.split()) for text in seen["facts"]["dutch"]}
        assert set(verdicts["text_nl"]) | set(verdicts["group"]) <= dutch, renderer
        assert {" ".join(item["nl"].split()) for item in codebook.items.values()} <= dutch, renderer


# The numbers whose popups are tried, where the document has them: the abstract's first, the
# first in running text and in a table, and the software's version, which links to nothing but
# itself.
POPUP_TRIES = {
    "abstract": "#title-block-header .num",
    "text": "main p:not(#title-block-header p) .num",
    "table": "table .num",
    "version": '.num[href^="#num-"]',
}


def popups(page) -> dict:
    """For each number of POPUP_TRIES: its printed text, what a screen reader says of it, and
    the popup's text after a hover, and after the Tab key has reached it from the element
    before it in the tab order."""
    found = {}
    popup = "(el) => getComputedStyle(el, '::after').content"
    for what, selector in POPUP_TRIES.items():
        if page.locator(selector).count() == 0:
            continue
        number = page.locator(selector).first
        number.scroll_into_view_if_needed()
        number.hover()
        hovered = number.evaluate(popup)
        page.mouse.move(0, 0)
        # Focus the focusable element just before it, then one Tab.
        number.evaluate(
            """(el) => {
              const all = [...document.querySelectorAll('a[href], button, input, [tabindex]')]
                .filter(e => e.tabIndex >= 0 && e.checkVisibility());
              const before = all[all.indexOf(el) - 1];
              if (before) before.focus();
            }"""
        )
        page.keyboard.press("Tab")
        focused = number.evaluate("(el) => document.activeElement === el")
        found[what] = {
            "text": number.inner_text(),
            "aria": number.aria_snapshot(),
            "hovered": hovered,
            "focused": focused,
            "keyboard": number.evaluate(popup) if focused else "",
            "source": number.get_attribute("data-provenance"),
        }
    return found


def test_each_numbers_popup_opens_by_mouse_and_by_keyboard_and_names_its_source(visits):
    for renderer, seen in visits.items():
        assert set(seen["popups"]) == set(POPUP_TRIES), renderer
        for what, shown in seen["popups"].items():
            source = shown["source"].split("\n")[0]
            assert source and source in shown["hovered"], (renderer, what, shown)
            assert shown["focused"] and source in shown["keyboard"], (renderer, what, shown)
            # a screen reader hears a link and the number, once, not the popup's text as well
            assert shown["aria"].startswith(f'- link "{shown["text"].strip()}"'), (renderer, what, shown)


def test_each_pdf_has_its_manuscripts_title_and_language(papers):
    for name, lang in (("paper", "en"), ("brief_nl", "nl")):
        manuscript = (ROOT / "paper" / f"{name}.qmd").read_text(encoding="utf-8")
        title = re.search(r'^title: "(.+)"$', manuscript, flags=re.MULTILINE)[1]
        for renderer in RENDERERS:
            pdf = pypdf.PdfReader(papers.out / renderer / f"{name}.pdf")
            assert pdf.metadata.title == title, (renderer, name)
            assert str(pdf.trailer["/Root"].get("/Lang", "")).startswith(lang), (renderer, name)
