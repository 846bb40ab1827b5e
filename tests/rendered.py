"""The text a reader sees in a rendered paper, HTML or PDF, for the tests that read it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pypdf

HIDDEN = {"style", "script", "head", "nav"}  # nav: the table of contents, not the paper's text
# Elements that break the text (the others, such as links and emphasis, run on within it).
BLOCKS = {"p", "div", "section", "header", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl",
          "dt", "dd", "table", "tr", "td", "th", "caption", "figure", "figcaption", "br"}  # fmt: skip


class _Text(HTMLParser):
    """Everything a reader sees but the table of contents; ``skip`` names more elements to leave out."""

    def __init__(self, skip: frozenset[str] = frozenset()):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0
        self.skip = HIDDEN | skip

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in self.skip
        self.parts.append(" " if tag in BLOCKS else "")

    def handle_endtag(self, tag):
        self.hidden -= tag in self.skip
        self.parts.append(" " if tag in BLOCKS else "")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def squeeze(text: str) -> str:
    return " ".join(text.split())


def html_text(path: Path, skip: frozenset[str] = frozenset()) -> str:
    parser = _Text(skip)
    parser.feed(path.read_text(encoding="utf-8"))
    return squeeze("".join(parser.parts))


def pdf_text(path: Path, hyphenated: bool = False) -> str:
    """Every page's text without its page number (the last line of each page), with the words
    Typst hyphenated at a line's end joined again (unless ``hyphenated``)."""
    pages = [re.sub(r"\n\s*\d+\s*$", "", page.extract_text()) for page in pypdf.PdfReader(path).pages]
    text = squeeze(" ".join(pages))
    return text if hyphenated else re.sub(r"(?<=[a-z])[-\u00ad] (?=[a-z])", "", text)


def between(text: str, start: str, end: str) -> str:
    """The text from the last ``start`` before ``end`` up to ``end`` (headings, e.g. a section)."""
    stop = text.index(end)
    return text[text.rindex(start, 0, stop) : stop]


# The text area of the paper's A4 pages (paper/_quarto.yml: margins of 2.4 cm above and below;
# the fallback's Typst template uses the same), in PDF points.
MARGIN_Y = 2.4 / 2.54 * 72


def page_fill(path: Path) -> list[dict]:
    """Per page of a PDF: ``fill``, how much of its text area is used, from the top of its
    highest object to the bottom of its lowest (the page number, below the text area, left
    out); ``lowest``, that bottom in points from the page's foot; and ``first``, the first
    line of its text."""
    import pypdfium2

    pages = []
    document = pypdfium2.PdfDocument(str(path))
    try:
        for page in document:
            height = page.get_size()[1]
            boxes = [obj.get_bounds() for obj in page.get_objects(max_depth=1)]
            body = [(bottom, top) for _, bottom, _, top in boxes if bottom > MARGIN_Y * 0.75]
            lowest = min((b for b, _ in body), default=height)
            used = max(t for _, t in body) - lowest if body else 0.0
            lines = page.get_textpage().get_text_range().strip().splitlines()
            first = lines[0].strip() if lines else ""
            pages.append({"fill": used / (height - 2 * MARGIN_Y), "lowest": lowest, "first": first})
    finally:
        document.close()
    return pages
