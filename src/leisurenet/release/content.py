"""What the manifest carries of each output, so that a rebuild elsewhere can be judged.

Two runs of the pipeline on different machines (another BLAS kernel, CPU or OS) may write
files whose bytes differ only in the last digits of fitted numbers. To tell such a rebuild
from a real change, ``results/manifest_content.json`` (written beside the manifest and
named by it) keeps, for every output whose bytes alone cannot say, what a comparison needs:

``table``
    A CSV of aggregates (every tidy result, and the data each figure draws): its columns
    and rows, each cell as written, unrounded.
``text``
    A text file of the paper's assets, whose numbers carry their unrounded value as a span
    attribute (``data-value="..."``, :mod:`leisurenet.paper.provenance`): the SHA-256 of its
    wording with those values set apart, and the values.
``document``
    The rendered paper (HTML or PDF): the text a reader sees, block by block (headings,
    paragraphs, table rows, captions, figures' alt text).
``figure``
    An image with its data beside it (``<name>.csv``): judged by that data.

Every other output (respondent- or network-level data, Parquet files, logs) is a
``file``, compared by its checksum alone; respondent-level data are never copied here.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Collection, Iterable, Mapping
from html.parser import HTMLParser
from pathlib import Path

CONTENT_FORMAT = "leisurenet-manifest-content/1"
# A table with one of these columns holds one row per respondent or network: compared by
# checksum only, so that the manifest never carries the data themselves.
IDENTIFYING_COLUMNS = frozenset({"resp_id", "network_id"})
TABLE_SUFFIXES = frozenset({".csv"})
TEXT_SUFFIXES = frozenset({".md", ".yml", ".yaml"})
IMAGE_SUFFIXES = frozenset({".svg", ".pdf", ".png"})
DOCUMENT_SUFFIXES = frozenset({".html", ".pdf"})
# The unrounded value a number of the paper carries (leisurenet.paper.provenance writes it).
VALUE_ATTRIBUTE = re.compile(r'data-value="([^"]*)"')
VALUE_PLACEHOLDER = 'data-value="#"'


# --- tables -------------------------------------------------------------------------------


def read_table(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """A CSV's header and rows, every cell as the text it was written as."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return (rows[0], rows[1:]) if rows else ([], [])


# --- text with the paper's values ----------------------------------------------------------


def split_values(text: str) -> tuple[str, list[str]]:
    """A text's wording, with its spans' unrounded values set apart, and those values.

    Whitespace runs count as one space: a YAML writer folds a long line elsewhere when a
    value has another number of digits.
    """
    values = VALUE_ATTRIBUTE.findall(text)
    wording = " ".join(VALUE_ATTRIBUTE.sub(VALUE_PLACEHOLDER, text).split())
    return wording, values


# --- documents ------------------------------------------------------------------------------

# Elements whose content a reader does not see as text of the paper (nav: the table of
# contents, which repeats the headings).
_HIDDEN = frozenset({"style", "script", "head", "nav", "template", "noscript"})
# Elements that end a block of text; the others (links, emphasis, spans) run on within it.
_BLOCKS = frozenset(
    {"p", "div", "section", "article", "main", "header", "footer", "aside", "h1", "h2", "h3", "h4",
     "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "caption",
     "figure", "figcaption", "blockquote", "pre", "br", "hr", "title"}
)  # fmt: skip
_CELLS = frozenset({"td", "th"})


class _Blocks(HTMLParser):
    """The blocks of text an HTML page shows; a table row is one block, its cells joined by
    `` | ``, and an image is ``[image: <alt text>]``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.hidden = 0

    def _end_block(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN:
            self.hidden += 1
        elif self.hidden:
            return
        elif tag in _BLOCKS:
            self._end_block()
        elif tag in _CELLS and self.current:
            self.current.append(" | ")
        elif tag == "img":
            self.current.append(f" [image: {dict(attrs).get('alt') or ''}] ")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _HIDDEN:
            self.hidden -= 1

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif not self.hidden and tag in _BLOCKS:
            self._end_block()

    def handle_data(self, data):
        if not self.hidden:
            self.current.append(data)

    def close(self):
        super().close()
        self._end_block()


def html_blocks(html: str) -> list[str]:
    """The text a reader sees in an HTML page, block by block (see :class:`_Blocks`)."""
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    return parser.blocks


# What PDFium reads where a line was hyphenated (U+FFFE; a soft hyphen elsewhere) with the
# line break after it, and zero-width spaces (break opportunities): none of it is text.
_INVISIBLE = re.compile("[\u00ad\ufffe]\\s*|\u200b")
# A sentence ends at . ! ? (or a colon) before a space and a capital, digit or bracket.
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-Z0-9(\[“\"])")


def pdf_sentences(path: str | Path) -> list[str]:
    """The text of a PDF, sentence by sentence, independent of where its lines and pages break.

    Read by PDFium (pypdfium2: a tenth of a second for the paper, where a pure-Python reader
    takes seconds on the figures' vector paths). Each page's last line (its number) is left
    out; a word hyphenated at a line's end is joined again, and so is every hyphenated
    compound, since a font that sets a line wider or narrower breaks it elsewhere (the
    HTML's text keeps every hyphen).
    """
    import pypdfium2

    pages = []
    document = pypdfium2.PdfDocument(str(path))
    try:
        for page in document:
            lines = page.get_textpage().get_text_range().rstrip().splitlines()
            if lines and lines[-1].strip().isdigit():
                lines = lines[:-1]
            pages.append(" ".join(lines))
    finally:
        document.close()
    text = " ".join(_INVISIBLE.sub("", " ".join(pages)).split())
    text = re.sub(r"(?<=\w)-\s*(?=\w)", "", text)
    return [s for s in _SENTENCE_END.split(text) if s]


# --- every output ---------------------------------------------------------------------------


def _sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def output_content(root: str | Path, path: str, outputs: Collection[str]) -> dict:
    """What the manifest keeps of the output ``path`` (relative to ``root``) to judge a
    rebuild: a record with its ``kind`` (see the module's description) and its content.

    ``outputs`` are all the outputs of the run: an image with a CSV of the same name among
    them is a figure, judged by that CSV.
    """
    file, suffix = Path(root) / path, Path(path).suffix.lower()
    data = str(Path(path).with_suffix(".csv"))
    if suffix in IMAGE_SUFFIXES and data in outputs:
        return {"kind": "figure", "data": data}
    if suffix in TABLE_SUFFIXES:
        columns, rows = read_table(file)
        if IDENTIFYING_COLUMNS.isdisjoint(columns):
            return {"kind": "table", "columns": columns, "rows": rows}
        return {"kind": "file", "why": "one row per respondent or network: compared by its checksum"}
    if suffix in TEXT_SUFFIXES:
        wording, values = split_values(file.read_text(encoding="utf-8"))
        if values:
            return {"kind": "text", "wording_sha256": _sha256_text(wording), "values": values}
    if suffix == ".html":
        return {"kind": "document", "blocks": html_blocks(file.read_text(encoding="utf-8"))}
    if suffix in DOCUMENT_SUFFIXES:
        return {"kind": "document", "blocks": pdf_sentences(file)}
    return {"kind": "file"}


def build_content(root: str | Path, outputs: Iterable[str]) -> dict:
    """The content record of every output but plain files, for ``manifest_content.json``."""
    outputs = list(outputs)
    listed = set(outputs)  # looked up once per image
    records = {}
    for path in outputs:
        record = output_content(root, path, listed)
        if record != {"kind": "file"}:  # a plain file needs no record; one with a reason keeps it
            records[path] = record
    return {"format": CONTENT_FORMAT, "outputs": records}


def kinds(content: Mapping | None, outputs: Iterable[str]) -> dict[str, str]:
    """Each output's kind as ``content`` records it (``file`` for the others)."""
    records = (content or {}).get("outputs", {})
    return {path: records.get(path, {}).get("kind", "file") for path in outputs}
