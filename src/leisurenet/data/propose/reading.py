"""What a proposal reads of an export: its columns' texts, the names that mark metadata, and
the answer cells that may be labels.

Everything the proposal takes from the export passes through here, so that its privacy
rules stay in one place: an error while reading quotes no cell (:func:`read_for_proposal`),
metadata columns are judged by their names alone (:func:`metadata_kind`), and of an item
column only the distinct cells that look like answer labels are read (:func:`_answer_texts`).
Scoring the texts is the work of ``columns`` and ``labels``.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from leisurenet.codebook import Codebook, normalise_label, parse_whole_number
from leisurenet.data.ingest.read import read_export
from leisurenet.data.ingest.table import RawTable
from leisurenet.errors import InputError

if TYPE_CHECKING:  # only named in an annotation: the columns module imports this one
    from leisurenet.data.propose.columns import ColumnMatch


# An item column with more distinct answer texts than this (per code of its scale) holds free
# text, not answers on the scale: its match is suspect and its cells are not shown.
TEXTS_PER_CODE = 2
# An answer label is short; a longer cell is free text, never shown.
MAX_LABEL_CHARS = 80
MAX_LABEL_WORDS = 12

# Column names of survey tools' personal or technical metadata (matched on the folded name),
# with the kind of data they hold, for the report. Checked in order.
METADATA = (
    (r"\bip\b|ipaddr|ip ?address|ip ?adres", "IP address"),
    (r"e ?mail", "e-mail address"),
    (r"\bname\b|firstname|lastname|naam", "name"),
    (r"latitude|longitude|location|locatie|\bgeo", "location"),
    (r"date\b|datum\b|datestamp|(start|eind|end) ?dat\b|\btime\b|\btijd\b|timestamp", "date or time"),
    (r"duration|\bduur\b|interviewtime", "duration"),
    (r"progress|voortgang|lastpage|laatste pagina|finished|\bstatus\b", "progress"),
    (r"language|\btaal\b|starttaal|distributionchannel|collector|refurl|referrer|useragent|"
     r"browser|\bseed\b|custom data", "survey metadata"),
)  # fmt: skip

MAX_METADATA_WORDS = 4


# --- the export --------------------------------------------------------------------------


def read_for_proposal(path: str | Path, sheet: str | None = None) -> RawTable:
    """Read an export with all its columns; an error about it quotes no cell.

    Every column is kept (the proposal must see the names of all of them), so a problem
    with the file must not quote a value: none of its columns is known to be an answer yet.
    """
    try:
        return read_export(path, sheet)
    except InputError as exc:
        raise InputError([dataclasses.replace(p, value=None) for p in exc.problems]) from None


# --- text ----------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Text for fuzzy comparison: lower case, accents and punctuation removed, single spaces.

    Examples
    --------
    >>> fold("De doelstellingen worden  Geëvalueerd.")
    'de doelstellingen worden geevalueerd'
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


def statement_parts(text: str) -> list[str]:
    """The parts of a matrix question's text that may hold its statement.

    A matrix statement comes as ``"<stem> - <statement>"`` (Qualtrics, SurveyMonkey) or
    ``"<stem> [<statement>]"`` (LimeSurvey); both the part after the first and after the
    last ``" - "`` are returned, since either the stem or the statement may hold a dash.

    Examples
    --------
    >>> statement_parts("Hoe akkoord bent u? - Het netwerk stelt acties op")
    ['Het netwerk stelt acties op']
    >>> statement_parts("Hoe nuttig is dit? [Praktijkuitwisseling]")
    ['Praktijkuitwisseling']
    """
    parts = []
    bracket = re.fullmatch(r"(.*\S)\s*\[([^\[\]]+)\]\s*", text, flags=re.DOTALL)
    if bracket:
        parts.append(bracket.group(2).strip())
    if " - " in text:
        parts += [text.split(" - ", 1)[1].strip(), text.rsplit(" - ", 1)[1].strip()]
    return [p for i, p in enumerate(parts) if p and p not in parts[:i]]


# --- columns -----------------------------------------------------------------------------


def column_texts(name: str, question: str | None, layout: str) -> list[tuple[str, str]]:
    """The texts of one column to compare, each with what it is (``via``), folded."""
    source = "variable label" if layout == "spss" else "question"
    texts = [("name", name)]
    if question:
        texts.append((source, question))
    for part in statement_parts(question or name):
        texts.append(("statement", part))
    folded = [(via, fold(t)) for via, t in texts]
    return [(via, t) for i, (via, t) in enumerate(folded) if t and t not in [u for _, u in folded[:i]]]


def metadata_kind(name: str) -> str | None:
    """The kind of personal or technical metadata a column holds, judged by its name alone."""
    folded = fold(name)
    if len(folded.split()) > MAX_METADATA_WORDS:  # a question's text, not a tool's field name
        return None
    for pattern, kind in METADATA:
        if re.search(pattern, folded):
            return kind
    return None


# --- answer cells ------------------------------------------------------------------------


def _answer_texts(raw: RawTable, codebook: Codebook, m: ColumnMatch, warnings: list[str]) -> list[str]:
    """The distinct non-blank, non-numeric cells of an item column that may be answer labels.

    Texts that do not look like an answer label (see :func:`looks_like_a_label`) are left
    out, and so are all of a column holding more distinct texts than a response scale has
    answers: it holds free text, and is probably matched wrongly. Either is warned of, by
    the column's name and a count only.
    """
    texts, seen, withheld = [], set(), 0
    for cell in raw.data[m.column]:
        text = str(cell).strip()
        key = normalise_label(text)
        if not text or key in seen or _numeric(text):
            continue
        seen.add(key)
        if looks_like_a_label(text):
            texts.append(text)
        else:
            withheld += 1
    limit = TEXTS_PER_CODE * (len(codebook.codes(m.target)) + 1) + 2
    if len(texts) + withheld > limit:
        warnings.append(
            f"column '{m.column}' holds {len(texts) + withheld} different answer texts, more than a "
            f"response scale has: check that it is {m.target}; its answers are not shown"
        )
        return []
    if withheld:
        warnings.append(
            f"column '{m.column}': {withheld} answer text(s) not shown, as they look like personal "
            f"data or free text rather than answer labels: check that it is {m.target}"
        )
    return texts


def looks_like_a_label(text: str) -> bool:
    """Whether a cell may be an answer label: short, and nothing like an e-mail or IP
    address, a web address, a date or a time.

    Examples
    --------
    >>> [looks_like_a_label(t) for t in ("eerder akkoord", "a.b@example.org", "192.0.2.7", "12:30")]
    [True, False, False, False]
    """
    return (
        len(text) <= MAX_LABEL_CHARS
        and len(text.split()) <= MAX_LABEL_WORDS
        and not re.search(r"@|\d[.:/-]\d|https?:|www\.", text)
    )


def _numeric(text: str) -> bool:
    """Whether a cell is a number (a code, or a count such as a population), not a label."""
    try:
        float(text.replace(",", "."))
    except ValueError:
        return parse_whole_number(text) is not None
    return True
