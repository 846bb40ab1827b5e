"""Proposing a mapping from a survey tool's export onto the codebook, for a person to check.

A survey tool names its columns by its own question codes (``Q3_1``, ``G02Q05[SQ001]``,
``v3_1``) or by the question text, and writes answers as its own choice texts. This module
reads such an export and proposes the mapping (the format ``data.mapping`` names) that
brings it onto the codebook:

1. **Columns.** Every column's name, question text (and, for a matrix question, the
   statement after ``" - "`` or inside ``[...]``) and SPSS variable label is compared with
   the codebook's Dutch and English item wording and background descriptions. The score of
   two texts (in [0, 1]) is the mean of difflib's ratio and a token overlap weighted by
   how rare each word is in the codebook, on text folded to lower case without accents or
   punctuation. Columns and codebook IDs are then paired one to one so that the total score
   is largest (:func:`scipy.optimize.linear_sum_assignment`). A pair is *certain* when its
   score is high and clearly beats the runner-up, *uncertain* (``# REVIEW``) when it is
   only fair or close to another, and not made at all below that.
2. **Labels.** The distinct answer texts of the matched item columns (and SPSS value
   labels) that the codebook does not already read are matched to the codes of the item's
   scale: the same words, a fuzzy match or a reading of the wording (``eerder zwakke
   inzet`` is the milder weak side: 2), the last two marked ``# REVIEW``; anything else is
   left ``null`` for the user to fill in.
3. **Privacy.** Columns left unmatched are reported by name only, and those whose names
   say they hold personal metadata (IP and e-mail addresses, names, dates, locations,
   progress, durations) are proposed under ``drop``. No cell of a column that is not
   matched to an item is ever read into the proposal, and none of an item column whose
   answers look like free text rather than a response scale.

The proposal is never read by the pipeline: the user checks it, saves a copy and points
``data.mapping`` at the copy. ``python -m leisurenet.propose RAW`` writes the YAML and a
Markdown report; ``python -m leisurenet.propose --evaluate`` measures the proposals against
the true mappings of the replica written as each tool's export.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
import math
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from leisurenet.codebook import Codebook, normalise_label, parse_whole_number
from leisurenet.errors import InputError
from leisurenet.data.ingest import RawTable, read_export
from leisurenet.io import atomic_path
from leisurenet.paths import CONFIG

# A pair scoring at least CERTAIN and beating its runner-up by MARGIN needs no review; one
# scoring at least UNCERTAIN is proposed for review; lower scores are no match. Reworded
# statements (a dropped word, a synonym, another word order) score about 0.75-0.95 against
# their item; an item's sibling in another domain (visie / doelstellingen) scores within
# about 0.1 of it, hence the margin.
CERTAIN = 0.8
UNCERTAIN = 0.5
MARGIN = 0.05
# A fuzzy label match is proposed (for review) from this score, if it beats the next code by
# LABEL_MARGIN; "eerder zwakke inzet" is about as close to 1 as to 2, and is left to the user.
LABEL_FUZZY = 0.75
LABEL_MARGIN = 0.1
# An item column with more distinct answer texts than this (per code of its scale) holds free
# text, not answers on the scale: its match is suspect and its cells are not shown.
TEXTS_PER_CODE = 2
# An answer label is short; a longer cell is free text, never shown.
MAX_LABEL_CHARS = 80
MAX_LABEL_WORDS = 12

STATUSES = ("exact", "certain", "uncertain", "none", "drop")

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

# Column names of respondent identifiers: proposed for resp_id (for review) with the score
# given, the study's own codes before a tool's own numbers.
IDENTIFIERS = {
    # the study's own respondent codes, by their usual names
    "resp id": 0.65,
    "respid": 0.65,
    "respcode": 0.65,
    "resp code": 0.65,
    "respondent": 0.65,
    "respondentnummer": 0.65,
    "respondent code": 0.65,
    # fields a tool fills with the researcher's own reference
    "externalreference": 0.6,
    "external reference": 0.6,
    "external data reference": 0.6,
    "token": 0.6,
    "custom data 1": 0.6,
    # the tool's own response numbers
    "responseid": 0.5,
    "response id": 0.5,
    "respondent id": 0.5,
    "id": 0.5,
}

# Words that name a background variable in a short question or column name, beyond its
# codebook wording: a column with one of the first words (and, unless the text has at most
# MAX_BARE_HINT_WORDS words, one of the second when given) is proposed for it at HINT_SCORE,
# for review.
BACKGROUND_HINTS = {
    "municipality_pop": (
        {"inwoners", "inwonertal", "inwonersaantal", "bevolking", "population", "inhabitants"},
        set(),
    ),
    "network_id": (
        {"netwerk", "network"},
        {"id", "nummer", "naam", "code", "number", "name", "identificatie", "identifier"},
    ),
}
HINT_SCORE = 0.6
MAX_HINT_WORDS = 10
MAX_BARE_HINT_WORDS = 3  # "Netwerk", "Naam netwerk": a hint's first word alone is enough

# Words that place a reworded answer label on an ordinal scale: the middle of the scale, or
# the milder or more extreme code of one side (Dutch and English).
MIDDLE_WORDS = {"gemiddeld", "gemiddelde", "neutraal", "matig", "matige", "neutral", "average", "moderate"}
MILD_WORDS = {"eerder", "enigszins", "wat", "beetje", "redelijk", "rather", "somewhat", "fairly", "slightly"}
EXTREME_WORDS = {
    "zeer", "heel", "erg", "helemaal", "volledig", "volkomen", "totaal", "uiterst",
    "very", "strongly", "completely", "totally", "fully", "extremely",
}  # fmt: skip
# Two-word and one-word phrases that say "don't know / not applicable".
DONT_KNOW_PHRASES = (
    ("weet", "niet"), ("nvt",), ("n", "v", "t"), ("niet", "van", "toepassing"),
    ("don", "t", "know"), ("not", "applicable"), ("geen", "idee"), ("geen", "mening"),
)  # fmt: skip


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


@dataclass(frozen=True)
class Scorer:
    """Scores two folded texts in [0, 1]: the mean of difflib's ratio and a token overlap
    (Dice) weighted by each word's inverse document frequency among ``documents``, so that
    a shared "visie" counts for more than a shared "de"."""

    weights: dict[str, float]
    default: float

    @classmethod
    def from_documents(cls, documents: Sequence[str]) -> Scorer:
        counts = Counter(t for d in documents for t in set(d.split()))
        n = max(len(documents), 1)
        weights = {t: math.log((1 + n) / (1 + c)) + 1 for t, c in counts.items()}
        return cls(weights, math.log(1 + n) + 1)

    def score(self, a: str, b: str) -> float:
        if not a or not b:
            return 0.0
        if a == b:
            return 1.0
        ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
        ta, tb = set(a.split()), set(b.split())
        weight = lambda tokens: sum(self.weights.get(t, self.default) for t in tokens)  # noqa: E731
        dice = 2 * weight(ta & tb) / (weight(ta) + weight(tb))
        return (ratio + dice) / 2


# --- the proposal ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnMatch:
    """One export column and the codebook ID proposed for it.

    ``status`` is ``exact`` (named by the ID), ``certain``, ``uncertain`` (to review),
    ``none`` (unmatched) or ``drop`` (personal or technical metadata, by its name).
    ``via`` says which text matched (``name``, ``question``, ``statement``, ``variable
    label``, ``identifier name``); ``note`` why a column is dropped. ``runner_up`` is the ID
    the column gets in the best pairing without this one, and ``margin`` how much lower
    that pairing's total score is.
    """

    column: str
    target: str | None
    score: float
    status: str
    runner_up: str | None = None
    runner_up_score: float = 0.0
    via: str = ""
    note: str = ""
    margin: float = 0.0


@dataclass(frozen=True)
class LabelMatch:
    """One answer label of the export and the code proposed for it on one scale.

    ``status`` is ``certain``, ``spss`` (from SPSS value labels), ``uncertain`` (to review)
    or ``fill`` (``code`` is None: the user must give it).
    """

    scale: str
    label: str
    code: int | None
    status: str
    note: str = ""


@dataclass
class Proposal:
    """A proposed mapping of one export, with everything needed to write and explain it."""

    path: str
    layout: str
    codebook: Codebook
    columns: list[ColumnMatch]
    labels: list[LabelMatch]
    warnings: list[str] = field(default_factory=list)

    def matched(self) -> list[ColumnMatch]:
        """The columns proposed for a codebook ID, in the export's order."""
        return [m for m in self.columns if m.target is not None]

    def counts(self) -> dict[str, int]:
        """How many columns have each status, and how many labels must be filled in or reviewed."""
        counts = {s: sum(m.status == s for m in self.columns) for s in STATUSES}
        counts["labels"] = len(self.labels)
        counts["labels_fill"] = sum(x.status == "fill" for x in self.labels)
        counts["labels_review"] = sum(x.status == "uncertain" for x in self.labels)
        return counts

    def mapping(self) -> dict:
        """The mapping as the YAML loads (nulls where the user must fill in a code)."""
        labels: dict[str, dict[str, int | None]] = {}
        for x in self.labels:
            labels.setdefault(x.scale, {})[x.label] = x.code
        out: dict = {"columns": {m.column: m.target for m in self.matched()}, "labels": labels}
        drop = [m.column for m in self.columns if m.status == "drop"]
        if drop:
            out["drop"] = drop
        return out

    def to_yaml(self) -> str:
        """The proposal in the mapping format, one comment with the score on every line."""
        return _yaml(self)

    def report(self) -> str:
        """A Markdown report: file, layout, counts, every column and label, and what to do next."""
        return _report(self)


def propose(raw: RawTable, codebook: Codebook) -> Proposal:
    """Propose a mapping of ``raw``'s columns and answer labels onto ``codebook``.

    Parameters
    ----------
    raw : RawTable
        The export read with all its columns (``read_export`` without ``known``); its
        ``layout`` and ``questions`` (question texts or SPSS variable labels) are used
        where present.
    codebook : Codebook

    Returns
    -------
    Proposal
        Every column with its match, score and status, and the labels of the matched item
        columns' scales that the codebook does not already read. Only the cells of columns
        matched to items are read.
    """
    layout = getattr(raw, "layout", "plain")
    questions = dict(getattr(raw, "questions", {}) or {})
    columns = match_columns([str(c) for c in raw.data.columns], questions, codebook, layout)
    warnings: list[str] = []
    labels = match_labels(raw, codebook, columns, warnings)
    return Proposal(raw.path, layout, codebook, columns, labels, warnings)


# --- columns -----------------------------------------------------------------------------------


def target_texts(codebook: Codebook) -> dict[str, list[str]]:
    """Per codebook ID (background variables, then items): its folded ID and wording."""
    texts = {}
    for name, spec in codebook.background.items():
        texts[name] = [fold(name), fold(spec.get("nl", "")), fold(spec.get("en", ""))]
    for name, spec in codebook.items.items():
        texts[name] = [fold(name), fold(spec["nl"]), fold(spec["en"])]
    return {k: [t for t in v if t] for k, v in texts.items()}


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


def score_matrix(
    names: list[str], questions: dict[str, str], targets: dict[str, list[str]], layout: str
) -> tuple[np.ndarray, list[list[str]]]:
    """Scores of every column (rows) against every codebook ID (columns), and which text gave each."""
    scorer = Scorer.from_documents([t for texts in targets.values() for t in texts])
    scores = np.zeros((len(names), len(targets)))
    via = [[""] * len(targets) for _ in names]
    for i, name in enumerate(names):
        texts = column_texts(name, questions.get(name), layout)
        for j, refs in enumerate(targets.values()):
            best, how = 0.0, ""
            for kind, text in texts:
                for ref in refs:
                    s = scorer.score(text, ref)
                    if s > best:
                        best, how = s, kind
            scores[i, j], via[i][j] = best, how
    return scores, via


def match_columns(
    names: list[str], questions: dict[str, str], codebook: Codebook, layout: str
) -> list[ColumnMatch]:
    """Match every column to a codebook ID (one to one), or to none, or propose to drop it."""
    ids = codebook.columns
    exact = {n: n for n in names if n in ids}
    # A name that is an ID but for case or surrounding spaces is as good as exact.
    lower = {i.casefold(): i for i in ids}
    for n in names:
        if (
            n not in exact
            and n.strip().casefold() in lower
            and lower[n.strip().casefold()] not in exact.values()
        ):
            exact[n] = lower[n.strip().casefold()]
    rest = [n for n in names if n not in exact]
    targets = {k: v for k, v in target_texts(codebook).items() if k not in exact.values()}
    scores, via = score_matrix(rest, questions, targets, layout)
    _hints(rest, questions, list(targets), scores, via)
    found = _assign(rest, list(targets), scores, via)
    result = []
    for n in names:
        if n in exact:
            status = "exact" if exact[n] == n else "certain"
            result.append(ColumnMatch(n, exact[n], 1.0, status, via="name", note="named by its codebook ID"))
        else:
            result.append(found[n])
    return result


def _hints(
    names: list[str], questions: dict[str, str], ids: list[str], scores: np.ndarray, via: list[list[str]]
) -> None:
    """Set the scores of columns that name a background variable in other words (in place).

    A tool's respondent-identifier column (by its name, :data:`IDENTIFIERS`) is a candidate
    for resp_id only: its text ("Response ID", "Antwoord ID") is as close to "network id" as
    to "resp id", but it identifies a response, not a network. A short question or name with
    a word of :data:`BACKGROUND_HINTS` is a candidate for that variable. Always for review.
    """
    for i, name in enumerate(names):
        if fold(name) in IDENTIFIERS:
            scores[i, :] = 0.0
            if "resp_id" in ids:
                j = ids.index("resp_id")
                scores[i, j], via[i][j] = IDENTIFIERS[fold(name)], "identifier name"
            continue
        for text in (name, questions.get(name, "")):
            words = set(fold(text).split())
            for target, (required, also) in BACKGROUND_HINTS.items():
                short = len(words) <= MAX_BARE_HINT_WORDS or (also and words & also)
                if target in ids and words & required and short and len(words) <= MAX_HINT_WORDS:
                    j = ids.index(target)
                    if scores[i, j] < HINT_SCORE:
                        scores[i, j], via[i][j] = HINT_SCORE, "hint"


def _assign(
    names: list[str], ids: list[str], scores: np.ndarray, via: list[list[str]]
) -> dict[str, ColumnMatch]:
    """The one-to-one pairing of largest total score, each pair with its status and runner-up.

    A pair's margin is how much less the best pairing without it scores in total, and its
    runner-up the ID the column gets there: a column whose second-best ID is firmly taken by
    another column keeps a large margin, two columns that could swap IDs get a small one.
    """
    # Pairs below UNCERTAIN are not made, so they add nothing to a pairing's total.
    useful = np.where(scores >= UNCERTAIN, scores, 0.0)
    pairs, total = _pairing(useful)
    result = {}
    for i, name in enumerate(names):
        j = pairs.get(i)
        if j is None:
            result[name] = _unmatched(name, ids, scores[i])
            continue
        without = useful.copy()
        without[i, j] = -1.0  # forbidden: no pairing that avoids it can use it
        alternative, alternative_total = _pairing(without)
        k = alternative.get(i)
        if k is None and len(ids) > 1:  # the column goes unpaired without j: name its next best
            k = max((c for c in range(len(ids)) if c != j), key=lambda c: scores[i, c])
        margin = total - alternative_total
        certain = (
            scores[i, j] >= CERTAIN and margin >= MARGIN and via[i][j] not in ("identifier name", "hint")
        )
        result[name] = ColumnMatch(
            name,
            ids[j],
            round(float(scores[i, j]), 3),
            "certain" if certain else "uncertain",
            ids[k] if k is not None else None,
            round(float(scores[i, k]), 3) if k is not None else 0.0,
            via[i][j],
            margin=round(float(margin), 3),
        )
    return result


def _pairing(scores: np.ndarray) -> tuple[dict[int, int], float]:
    """The pairs (row -> column) of positive score in the pairing of largest total, and the total."""
    from scipy.optimize import linear_sum_assignment

    if scores.size == 0:
        return {}, 0.0
    rows, cols = linear_sum_assignment(scores, maximize=True)
    pairs = {int(r): int(c) for r, c in zip(rows, cols, strict=True) if scores[r, c] > 0}
    return pairs, float(sum(scores[r, c] for r, c in pairs.items()))


def _unmatched(name: str, ids: list[str], row: np.ndarray) -> ColumnMatch:
    """A column no ID was paired with: metadata to drop (by its name) or unmatched."""
    best = int(np.argmax(row)) if len(row) else None
    closest = (ids[best], round(float(row[best]), 3)) if best is not None else (None, 0.0)
    kind = metadata_kind(name)
    if kind:
        return ColumnMatch(name, None, 0.0, "drop", *closest, note=kind)
    return ColumnMatch(name, None, 0.0, "none", *closest)


def metadata_kind(name: str) -> str | None:
    """The kind of personal or technical metadata a column holds, judged by its name alone."""
    folded = fold(name)
    if len(folded.split()) > MAX_METADATA_WORDS:  # a question's text, not a tool's field name
        return None
    for pattern, kind in METADATA:
        if re.search(pattern, folded):
            return kind
    return None


# --- labels ----------------------------------------------------------------------------------


def match_labels(
    raw: RawTable, codebook: Codebook, columns: list[ColumnMatch], warnings: list[str]
) -> list[LabelMatch]:
    """The labels of the matched item columns that the codebook does not read, with codes."""
    by_scale: dict[str, dict[str, LabelMatch]] = {}
    spss_seen: dict[tuple[str, str], set[int]] = {}
    for m in columns:
        if m.target not in codebook.items:
            continue
        item = m.target
        scale = codebook.items[item]["scale"]
        found = by_scale.setdefault(scale, {})
        for code_text, label in sorted(raw.value_labels.get(m.column, {}).items()):
            match = _from_value_label(codebook, item, m.column, code_text, label, warnings)
            if match is not None:
                key = normalise_label(label)
                spss_seen.setdefault((scale, key), set()).add(match.code)
                found.setdefault(key, match)
        for label in _answer_texts(raw, codebook, m, warnings):
            key = normalise_label(label)
            if key not in found and codebook.interpret(item, label).rule is None:
                found[key] = match_label(codebook, item, label)
    for (scale, key), codes in spss_seen.items():
        if len(codes) > 1:
            old = by_scale[scale][key]
            listed = ", ".join(map(str, sorted(codes)))
            by_scale[scale][key] = dataclasses.replace(
                old, status="uncertain", note=f"SPSS value labels give it different codes ({listed})"
            )
    order = list(codebook.spec["scales"])
    result = []
    for scale in sorted(by_scale, key=order.index):
        result += sorted(
            by_scale[scale].values(), key=lambda x: (x.code is None, x.code or 0, normalise_label(x.label))
        )
    return result


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


def _from_value_label(
    codebook: Codebook, item: str, column: str, code_text: str, label: str, warnings: list[str]
) -> LabelMatch | None:
    """A label from SPSS value labels: its code is the code, unless the codebook reads it."""
    scale = codebook.items[item]["scale"]
    code = parse_whole_number(code_text)
    known = codebook.interpret(item, label)
    if known.rule is not None:
        reads = known.code if known.code is not None else "missing"
        if (
            code is not None
            and reads != code
            and not (reads == "missing" and code in codebook.dont_know_codes)
        ):
            warnings.append(
                f"column '{column}': SPSS labels code {code_text} {label!r}, which the codebook reads "
                f"as {reads}; check the column's codes"
            )
        return None
    valid = set(codebook.codes(item)) | codebook.dont_know_codes
    if code in valid:
        return LabelMatch(scale, label.strip(), code, "spss", f"from SPSS value labels (code {code_text})")
    return LabelMatch(
        scale,
        label.strip(),
        None,
        "fill",
        f"from SPSS value labels: code {code_text} is not a code of scale {scale}",
    )


def match_label(codebook: Codebook, item: str, label: str) -> LabelMatch:
    """Propose the code of one answer label the codebook does not read, on ``item``'s scale."""
    scale_name = codebook.items[item]["scale"]
    scale = codebook.spec["scales"][scale_name]
    dont_know = dont_know_code(codebook)
    text = fold(label)
    candidates = [(fold(v[lang]), int(c)) for c, v in scale["codes"].items() for lang in ("nl", "en")]
    missing = codebook.spec["missing"]["dont_know"]
    candidates += [
        (fold(t), dont_know) for t in [*missing["labels_nl"], missing["label_nl"], missing["label_en"]]
    ]
    for ref, code in candidates:
        if text == ref:
            return LabelMatch(
                scale_name, label.strip(), code, "certain", "the codebook's label but for punctuation"
            )
    tokens = text.split()
    if _says_dont_know(tokens):
        return LabelMatch(scale_name, label.strip(), dont_know, "uncertain", "says 'weet niet / n.v.t.'")
    # The wording first: "eerder zwakke inzet" is closer in letters to "zeer zwakke inzet" (1)
    # than to "zwakke inzet" (2), but "eerder" says it is the milder one.
    guess = guess_by_wording(tokens, scale)
    if guess is not None:
        return LabelMatch(scale_name, label.strip(), guess[0], "uncertain", f"by its wording: {guess[1]}")
    scorer = Scorer.from_documents([r for r, _ in candidates])
    best: dict[int, float] = {}
    for ref, code in candidates:
        # Labels are short: a changed ending ("sterk ingezet") breaks a word match but not
        # the characters', so the better of the two scores counts.
        ratio = difflib.SequenceMatcher(None, text, ref, autojunk=False).ratio()
        best[code] = max(best.get(code, 0.0), scorer.score(text, ref), ratio)
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    (code, score), (runner, runner_score) = ranked[0], ranked[1]
    if score >= LABEL_FUZZY and score - runner_score >= LABEL_MARGIN:
        note = f"fuzzy {score:.2f}; runner-up {runner} ({runner_score:.2f})"
        return LabelMatch(scale_name, label.strip(), code, "uncertain", note)
    return LabelMatch(scale_name, label.strip(), None, "fill", fill_in_hint(codebook, scale_name))


def _says_dont_know(tokens: list[str]) -> bool:
    return any(
        tokens[i : i + len(phrase)] == list(phrase)
        for phrase in DONT_KNOW_PHRASES
        for i in range(len(tokens) - len(phrase) + 1)
    )


def guess_by_wording(tokens: list[str], scale: dict) -> tuple[int, str] | None:
    """A code for a reworded label from its words: which side of the scale, and how far.

    The side is the side whose labels have a word the other side's lack ("zwakke" /
    "sterke", "niet"); on a scale where one side only lacks a word ("akkoord" / "niet
    akkoord"), a label with the scale's common word and not the other side's is on that
    side. Then a middle word ("gemiddelde", "neutraal") gives the middle code, a mild word
    ("eerder", "enigszins") the side's code nearest the middle, an extreme word ("zeer",
    "volledig") the farthest. None when the words do not say.

    Examples
    --------
    >>> e5 = {"codes": {1: {"nl": "zeer zwakke inzet", "collapse": "negative"},
    ...                 2: {"nl": "zwakke inzet", "collapse": "negative"},
    ...                 3: {"nl": "noch zwakke noch sterke inzet", "collapse": "neutral"},
    ...                 4: {"nl": "sterke inzet", "collapse": "positive"},
    ...                 5: {"nl": "zeer sterke inzet", "collapse": "positive"}}}
    >>> guess_by_wording(["eerder", "zwakke", "inzet"], e5)
    (2, 'mild, negative side')
    >>> guess_by_wording(["gemiddelde", "inzet"], e5)
    (3, 'the middle')
    >>> guess_by_wording(["weinig", "inzet"], e5) is None
    True
    """
    words = set(tokens)
    codes = {int(c): v for c, v in scale["codes"].items()}
    middle = sorted(c for c, v in codes.items() if v["collapse"] == "neutral")
    if words & MIDDLE_WORDS:
        return (middle[0], "the middle") if len(middle) == 1 else None
    mild, extreme = bool(words & MILD_WORDS), bool(words & EXTREME_WORDS)
    if mild == extreme:  # neither, or both: the words do not say how far
        return None
    for lang in ("nl", "en"):
        side = _side(words, codes, lang)
        if side is not None:
            centre = np.mean(list(codes))
            ordered = sorted(
                (c for c, v in codes.items() if v["collapse"] == side), key=lambda c: abs(c - centre)
            )
            return (ordered[0], f"mild, {side} side") if mild else (ordered[-1], f"extreme, {side} side")
    return None


def _side(words: set[str], codes: dict[int, dict], lang: str) -> str | None:
    """The side of the scale (``negative``, ``positive``) a label's words put it on, in one language."""
    modifiers = MIDDLE_WORDS | MILD_WORDS | EXTREME_WORDS
    sides: dict[str, set[str]] = {"negative": set(), "positive": set()}
    for v in codes.values():
        if v["collapse"] in sides and lang in v:
            sides[v["collapse"]].update(set(fold(v[lang]).split()) - modifiers)
    neg, pos = sides["negative"], sides["positive"]
    if not neg or not pos:
        return None
    # "zwak" or "sterk" for "zwakke" or "sterke": a word that begins the other counts as it
    words = {next((w for w in neg | pos if _same_stem(t, w)), t) for t in words}
    neg_only, pos_only = neg - pos, pos - neg
    if words & neg_only and not words & pos_only:
        return "negative"
    # "akkoord" / "niet akkoord": the positive side only lacks the negative side's word
    if not words & neg_only and (words & pos_only or (not pos_only and words & pos & neg)):
        return "positive"
    return None


def _same_stem(a: str, b: str) -> bool:
    """Whether one word begins the other, both at least four letters long ("sterk", "sterke")."""
    return min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a))


def dont_know_code(codebook: Codebook) -> int:
    """The code a mapping gives 'weet niet': 9 where the codebook has it, else its first missing code."""
    codes = sorted(codebook.dont_know_codes)
    return 9 if 9 in codes else codes[0]


def fill_in_hint(codebook: Codebook, scale: str) -> str:
    """The comment of a label the user must give a code: the scale's codes and 'weet niet'."""
    codes = ", ".join(f"{c} = {v['nl']}" for c, v in codebook.spec["scales"][scale]["codes"].items())
    return f"FILL IN: the code of this label ({codes}, {dont_know_code(codebook)} = weet niet)"


# --- writing -----------------------------------------------------------------------------------

_PLAIN_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def yaml_key(text: str) -> str:
    """A mapping key as YAML: plain when safe, else double-quoted (a JSON string is valid YAML).

    Examples
    --------
    >>> [yaml_key(k) for k in ("Q3_1", "Duration (in seconds)", "No", "G02Q05[SQ001]")]
    ['Q3_1', '"Duration (in seconds)"', '"No"', '"G02Q05[SQ001]"']
    """
    if _PLAIN_KEY.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    """A one-line comment (newlines in a column name or question must not end it)."""
    return " ".join(str(text).split())


def _column_comment(m: ColumnMatch) -> str:
    """The comment of a column's line: its score, what matched, the runner-up and margin."""
    runner = f"; runner-up {m.runner_up} {m.runner_up_score:.2f}" if m.runner_up else "; no runner-up"
    runner += f", margin {m.margin:.2f}"
    if m.status == "exact":
        return "# score 1.00: named by its codebook ID"
    if m.status == "uncertain":
        return _comment(f"# REVIEW score {m.score:.2f} ({m.via}){runner}")
    return _comment(f"# score {m.score:.2f} ({m.via}){runner}")


def _label_comment(x: LabelMatch) -> str:
    """The comment of a label's line: where its code comes from, REVIEW, or FILL IN."""
    if x.status == "fill":
        return _comment(f"# {x.note}")
    if x.status == "uncertain":
        return _comment(f"# REVIEW: {x.note}")
    return _comment(f"# {x.note}" if x.note else "# certain")


def _yaml(p: Proposal) -> str:
    """The proposal as mapping YAML (see :meth:`Proposal.to_yaml`)."""
    c = p.counts()
    lines = [
        f"# PROPOSED mapping of {_comment(Path(p.path).name)} (layout: {p.layout}) onto the codebook",
        f"# {_comment(p.codebook.source)}, written by 'python -m leisurenet.propose'.",
        "# A proposal only: the pipeline never reads this file. Check every line (above all those",
        "# marked REVIEW, and replace every null marked FILL IN by a code), save the checked copy",
        "# elsewhere (e.g. config/mapping.yaml) and set data.mapping in your configuration to it.",
        "# Scores run from 0 to 1 (1: the same text). Columns: "
        f"{c['exact'] + c['certain']} certain, {c['uncertain']} to review, {c['none']} unmatched, "
        f"{c['drop']} dropped.",
        "columns:",
    ]
    matched = p.matched()
    for m in matched:
        lines.append(f"  {yaml_key(m.column)}: {m.target}  {_column_comment(m)}")
    if not matched:
        lines[-1] = "columns: {}  # no column matched"
    lines.append("labels:")
    scales = list(dict.fromkeys(x.scale for x in p.labels))
    for scale in scales:
        spec = p.codebook.spec["scales"][scale]
        lines.append(f"  {scale}:  # scale {spec['name_nl']}; codes {', '.join(map(str, spec['codes']))}")
        for x in (x for x in p.labels if x.scale == scale):
            code = "null" if x.code is None else str(x.code)
            # labels always quoted: "n.v.t.", "-" or "ja: soms" would otherwise not load as text
            lines.append(f"    {json.dumps(x.label, ensure_ascii=False)}: {code}  {_label_comment(x)}")
    if not scales:
        lines[-1] = "labels: {}  # the codebook reads every answer label of the matched columns"
    drop = [m for m in p.columns if m.status == "drop"]
    if drop:
        lines.append("drop:")
        lines += [f"  - {yaml_key(m.column)}  # {m.note}, by its name" for m in drop]
    unmatched = [m for m in p.columns if m.status == "none"]
    if unmatched:
        lines += [
            "# Columns matched to nothing (dropped at ingestion with a warning unless you map",
            "# them above or list them under drop):",
        ]
        lines += [f"#   {_comment(m.column)}" for m in unmatched]
    return "\n".join(lines) + "\n"


def _cell(text) -> str:
    """A Markdown table cell: pipes escaped, one line."""
    return _comment(text).replace("|", "\\|")


def _report(p: Proposal) -> str:
    """The proposal as a Markdown report (see :meth:`Proposal.report`)."""
    c = p.counts()
    items = set(p.codebook.item_ids)
    matched_ids = {m.target for m in p.matched()}
    lines = [
        f"# Proposed mapping: {_cell(Path(p.path).name)}",
        "",
        f"- file: `{p.path}`",
        f"- layout: {p.layout}",
        f"- codebook: `{p.codebook.source}`",
        f"- columns: {len(p.columns)}; matched certain: {c['exact'] + c['certain']} "
        f"({c['exact']} named by their codebook ID), uncertain (REVIEW): {c['uncertain']}, "
        f"unmatched: {c['none']}, dropped as metadata: {c['drop']}",
        f"- items of the codebook matched: {len(items & matched_ids)} of {len(items)}",
        f"- labels proposed: {c['labels']}; to review: {c['labels_review']}; "
        f"to fill in (null): {c['labels_fill']}",
        "",
        "## Columns",
        "",
        "| column | codebook ID | score | status | runner-up | margin | matched on |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in p.columns:
        runner = f"{m.runner_up} ({m.runner_up_score:.2f})" if m.runner_up else ""
        status = m.status + (f": {m.note}" if m.status == "drop" else "")
        target = m.target or ""
        score = f"{m.score:.2f}" if m.target else ""
        lines.append(
            f"| {_cell(m.column)} | {target} | {score} | {_cell(status)} | {_cell(runner)} | {m.via} |"
        )
    lines += ["", "## Labels", ""]
    if p.labels:
        lines += ["| scale | label | code | status | note |", "|---|---|---|---|---|"]
        for x in p.labels:
            code = "null (fill in)" if x.code is None else str(x.code)
            lines.append(f"| {x.scale} | {_cell(x.label)} | {code} | {x.status} | {_cell(x.note)} |")
    else:
        lines.append("The codebook reads every answer label of the matched item columns: none to list.")
    missing = [i for i in p.codebook.item_ids if i not in matched_ids]
    if missing:
        lines += ["", "## Items of the codebook no column was matched to", "", ", ".join(missing)]
    if p.warnings:
        lines += ["", "## Warnings", ""] + [f"- {_cell(w)}" for w in p.warnings]
    lines += ["", "## What to do next", "", *_next_steps(p, c)]
    return "\n".join(lines) + "\n"


def _next_steps(p: Proposal, c: dict[str, int]) -> list[str]:
    """The numbered steps that turn the proposal into a mapping the pipeline reads."""
    steps = ["Copy `proposed.yaml` to a file of your own, e.g. `config/mapping.yaml`; edit the copy."]
    if c["uncertain"]:
        steps.append(
            f"Check the {c['uncertain']} column(s) marked `# REVIEW`: compare the export's question "
            "with the item's wording in `config/codebook.yaml`, and correct or delete the line."
        )
    if c["none"]:
        steps.append(
            f"Map any of the {c['none']} unmatched column(s) that hold an item or background "
            "variable, or list them under `drop`."
        )
    background = [b for b in p.codebook.background if b not in {m.target for m in p.matched()}]
    if background:
        steps.append(f"Map the column(s) holding {', '.join(background)} (not found).")
    if c["labels_review"] or c["labels_fill"]:
        steps.append(
            f"Check the {c['labels_review']} label(s) marked `# REVIEW` and replace each of the "
            f"{c['labels_fill']} `null` (FILL IN) by the label's code: the pipeline refuses a null."
        )
    steps += [
        "Set `data.mapping` in your configuration to the checked copy, and `data.raw` to the export.",
        "Run `make`; `results/validate/report.md` says what validation found.",
    ]
    return [f"{i}. {s}" for i, s in enumerate(steps, 1)]


# --- evaluation --------------------------------------------------------------------------------


def agreement(proposal: Proposal, truth: dict) -> dict:
    """How well a proposal's columns agree with a true mapping, on the item columns.

    Parameters
    ----------
    proposal : Proposal
    truth : dict
        A true mapping (``columns``, ``labels``), as loaded from its YAML.

    Returns
    -------
    dict
        ``items`` (true item columns), ``correct``, ``share`` (correct / items), ``wrong``
        (columns given another ID or none), ``unmarked`` (those among them whose proposal
        is certain or exact: the ones a user would miss), ``all_marked``; and for the labels
        of the true mapping: ``labels``, ``labels_correct``, ``labels_unmarked``.
    """
    by_column = {m.column: m for m in proposal.columns}
    items = set(proposal.codebook.item_ids)
    true_items = {c: i for c, i in (truth.get("columns") or {}).items() if i in items}
    # A column named by its item's ID needs no entry in a true mapping, but is one all the same.
    true_items |= {c: c for c in by_column if c in items and c not in true_items}
    wrong = sorted(c for c, i in true_items.items() if c not in by_column or by_column[c].target != i)
    unmarked = [c for c in wrong if c in by_column and by_column[c].status in ("exact", "certain")]
    proposed = {(x.scale, normalise_label(x.label)): x for x in proposal.labels}
    true_labels = [
        (scale, normalise_label(label), code)
        for scale, labels in (truth.get("labels") or {}).items()
        for label, code in (labels or {}).items()
    ]
    labels_correct = sum(
        1 for s, lab, code in true_labels if (s, lab) in proposed and proposed[(s, lab)].code == code
    )
    labels_unmarked = sorted(
        f"{s}: {lab}"
        for s, lab, code in true_labels
        if (s, lab) in proposed
        and proposed[(s, lab)].code not in (code, None)
        and proposed[(s, lab)].status in ("certain", "spss")
    )
    n = len(true_items)
    return {
        "items": n,
        "correct": n - len(wrong),
        "share": (n - len(wrong)) / n if n else 1.0,
        "wrong": wrong,
        "unmarked": unmarked,
        "all_marked": not unmarked,
        "labels": len(true_labels),
        "labels_correct": labels_correct,
        "labels_unmarked": labels_unmarked,
    }


def replica_clean(codebook: Codebook):
    """The synthetic replica, cleaned as the pipeline cleans it (the default configuration)."""
    from leisurenet.data.clean import clean
    from leisurenet.config import load_config
    from leisurenet.data.published import load_published
    from leisurenet.data.synthetic import generate

    replica = generate(codebook, load_published(CONFIG / "published.yaml"), load_config()["synthetic"])
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "raw_export.csv"
        replica.export.to_csv(export, index=False, lineterminator="\n")
        return clean(read_export(export), codebook).data


def evaluate(codebook: Codebook, clean_data=None, directory: str | Path | None = None, seed: int = 0) -> dict:
    """Per survey-tool layout: the :func:`agreement` of the proposal for the replica's export
    (written by :func:`leisurenet.data.toolexports.write_export`) with its true mapping."""
    import yaml

    from leisurenet.data.toolexports import LAYOUTS, write_export

    data = replica_clean(codebook) if clean_data is None else clean_data
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(directory or scratch)
        results = {}
        for layout in LAYOUTS:
            export, truth = write_export(layout, data, codebook, folder / layout, seed=seed)
            proposal = propose(read_export(export), codebook)
            results[layout] = agreement(proposal, yaml.safe_load(Path(truth).read_text(encoding="utf-8")))
    return results


def evaluation_table(results: dict) -> str:
    """The evaluation as a Markdown table, for the README."""
    lines = [
        "| layout | item columns | mapped correctly | share | wrong ones all marked | labels correct |",
        "|---|---|---|---|---|---|",
    ]
    for layout, r in results.items():
        lines.append(
            f"| {layout} | {r['items']} | {r['correct']} | {r['share']:.1%} | "
            f"{'yes' if r['all_marked'] else 'no: ' + ', '.join(r['unmarked'])} | "
            f"{r['labels_correct']} of {r['labels']} |"
        )
    return "\n".join(lines) + "\n"


# --- command line ------------------------------------------------------------------------------


def read_for_proposal(path: str | Path, sheet: str | None = None) -> RawTable:
    """Read an export with all its columns; an error about it quotes no cell.

    Every column is kept (the proposal must see the names of all of them), so a problem
    with the file must not quote a value: none of its columns is known to be an answer yet.
    """
    try:
        return read_export(path, sheet)
    except InputError as exc:
        raise InputError([dataclasses.replace(p, value=None) for p in exc.problems]) from None


def write_proposal(proposal: Proposal, output: str | Path) -> tuple[Path, Path]:
    """Write the YAML to ``output`` and ``report.md`` beside it, each atomically."""
    output = Path(output)
    report = output.parent / "report.md"
    for path, text in ((output, proposal.to_yaml()), (report, proposal.report())):
        with atomic_path(path) as tmp:
            tmp.write_text(text, encoding="utf-8")
    return output, report


def summary(proposal: Proposal, output: Path, report: Path) -> str:
    """What the command line prints: counts, the files written, and the step to take."""
    c = proposal.counts()
    return (
        f"{proposal.path} ({proposal.layout}): {len(proposal.columns)} columns; "
        f"{c['exact'] + c['certain']} matched, {c['uncertain']} to review, {c['none']} unmatched, "
        f"{c['drop']} dropped; {c['labels']} labels ({c['labels_review']} to review, "
        f"{c['labels_fill']} to fill in)\nproposal: {output}\nreport: {report}\n"
        "Check the proposal, save a copy and set data.mapping to it: the pipeline never reads the proposal."
    )


def parser() -> argparse.ArgumentParser:
    """The command line of ``python -m leisurenet.propose``."""
    cli = argparse.ArgumentParser(prog="python -m leisurenet.propose", description=__doc__.split("\n\n")[0])
    cli.add_argument("raw", nargs="?", help="the survey tool's export (.csv, .txt, .xlsx or .sav)")
    cli.add_argument(
        "--codebook", default=str(CONFIG / "codebook.yaml"), help="the codebook (default: %(default)s)"
    )
    cli.add_argument("--sheet", help="the worksheet of an .xlsx export (default: the first)")
    cli.add_argument(
        "--output",
        default="results/mapping/proposed.yaml",
        help="the proposal to write (default: %(default)s)",
    )
    cli.add_argument(
        "--evaluate",
        action="store_true",
        help="instead: propose mappings for the replica written as each tool's export and print "
        "the share of item columns mapped correctly",
    )
    return cli


def main(argv: Sequence[str] | None = None) -> int:
    """Propose a mapping for RAW (or, with ``--evaluate``, print the evaluation); 1 on bad input."""
    args = parser().parse_args(argv)
    codebook = Codebook.from_yaml(args.codebook)
    if args.evaluate:
        print(evaluation_table(evaluate(codebook)), end="")
        return 0
    if not args.raw:
        parser().error("give the export to map (RAW), or --evaluate")
    try:
        proposal = propose(read_for_proposal(args.raw, args.sheet), codebook)
    except InputError as exc:
        print(exc, file=sys.stderr)
        return 1
    output, report = write_proposal(proposal, args.output)
    print(summary(proposal, output, report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
