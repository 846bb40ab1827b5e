"""Scoring an export's columns against the codebook and pairing each with one codebook ID.

:class:`Scorer` scores two folded texts (the answer labels of ``labels`` are scored with it
too). Every column's texts (from ``reading``) are scored against every ID's wording, hints
raise the scores of background variables named in other words, and the one-to-one pairing
of largest total score gives each column an ID and a status (:class:`ColumnMatch`).
"""

from __future__ import annotations

import difflib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from leisurenet.codebook import Codebook
from leisurenet.data.propose.reading import column_texts, fold, metadata_kind

# A pair scoring at least CERTAIN and beating its runner-up by MARGIN needs no review; one
# scoring at least UNCERTAIN is proposed for review; lower scores are no match. Reworded
# statements (a dropped word, a synonym, another word order) score about 0.75-0.95 against
# their item; an item's sibling in another domain (visie / doelstellingen) scores within
# about 0.1 of it, hence the margin.
CERTAIN = 0.8
UNCERTAIN = 0.5
MARGIN = 0.05

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


# --- text scores -------------------------------------------------------------------------


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


# --- the match of a column ---------------------------------------------------------------


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


# --- columns -----------------------------------------------------------------------------------


def target_texts(codebook: Codebook) -> dict[str, list[str]]:
    """Per codebook ID (background variables, then items): its folded ID and wording."""
    texts = {}
    for name, spec in codebook.background.items():
        texts[name] = [fold(name), fold(spec.get("nl", "")), fold(spec.get("en", ""))]
    for name, spec in codebook.items.items():
        texts[name] = [fold(name), fold(spec["nl"]), fold(spec["en"])]
    return {k: [t for t in v if t] for k, v in texts.items()}


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
