"""Proposing codes for the answer labels of the matched item columns that the codebook does not read.

A label is matched to the codes of its item's scale: the codebook's label but for
punctuation (certain), a code from SPSS value labels, a reading of its wording or a fuzzy
match (both for review), or left for the user to fill in. The cells themselves are read in
``reading``; the columns they come from are matched in ``columns``.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass

import numpy as np

from leisurenet.codebook import Codebook, normalise_label, parse_whole_number
from leisurenet.data.ingest.table import RawTable
from leisurenet.data.propose.columns import ColumnMatch, Scorer
from leisurenet.data.propose.reading import _answer_texts, fold

# A fuzzy label match is proposed (for review) from this score, if it beats the next code by
# LABEL_MARGIN; "eerder zwakke inzet" is about as close to 1 as to 2, and is left to the user.
LABEL_FUZZY = 0.75
LABEL_MARGIN = 0.1

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


# --- the match of a label ----------------------------------------------------------------


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
