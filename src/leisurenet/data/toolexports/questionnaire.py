"""The questionnaire as the survey tools show it: matrix questions with reworded statements, and
the tools' choice texts.

Also the answer labels a mapping of such an export must list: the choice texts the codebook
does not read as their code (:func:`mapping_labels`). ``layouts`` builds each tool's columns
from these questions.
"""

from __future__ import annotations

from dataclasses import dataclass

from leisurenet.codebook import Codebook, normalise_label

# The question stem a tool shows above each construct's statements (a matrix question).
STEMS = {
    "vision": "In welke mate gaat u akkoord met de volgende stellingen over de visie van uw netwerk?",
    "objectives": "In welke mate gaat u akkoord met de volgende stellingen over de doelstellingen "
    "van uw netwerk?",
    "actions": "In welke mate gaat u akkoord met de volgende stellingen over de acties van uw netwerk?",
    "effort": "Hoe sterk zet uw netwerk in op de volgende soorten acties?",
    "organisation": "In welke mate gaat u akkoord met de volgende stellingen over de werking van uw netwerk?",
    "role": "Wie had welke inbreng bij het opstellen van de visie, de doelstellingen en de acties? "
    "Geef aan in welke mate u akkoord gaat.",
    "representation": "In welke mate gaat u akkoord met de volgende stellingen over de inbreng van "
    "mensen in armoede?",
    "support": "Hoe nuttig zou u de volgende vormen van ondersteuning door het steunpunt vinden?",
}

# The tools' choice texts per response scale: some reworded, some as the codebook words them
# (capitalised, as tools show them, which the codebook reads the same way).
CHOICES = {
    "A5": {
        1: "Helemaal niet akkoord",
        2: "Eerder niet akkoord",
        3: "Neutraal",
        4: "Eerder akkoord",
        5: "Helemaal akkoord",
    },
    "E5": {
        1: "Zeer zwakke inzet",
        2: "Eerder zwakke inzet",
        3: "Gemiddelde inzet",
        4: "Eerder sterke inzet",
        5: "Zeer sterke inzet",
    },
    "U4": {1: "Helemaal niet nuttig", 2: "Eerder niet nuttig", 3: "Eerder nuttig", 4: "Zeer nuttig"},
}
DONT_KNOW_CHOICE = "Geen mening / weet niet"
DONT_KNOW_CODE = 9

# Synonyms and word-order changes, one applied to every third statement (see reword_statement).
REWORDINGS = (
    ("De hoeveelheid acties is onvoldoende", "Er zijn onvoldoende acties"),
    ("bestaat consensus", "is er consensus"),
    ("duidelijk afgebakende", "helder afgebakende"),
    ("duidelijk omschreven", "helder omschreven"),
    ("netwerkpartners", "partners van het netwerk"),
    ("Verspreiden van informatie", "Informatie verspreiden"),
    ("Organiseren van", "Organisatie van"),
    ("bv.", "bijv."),
    ("t.a.v.", "rond"),
    ("waardevol", "nuttig"),
)

CONSENT = "Ik heb de informatie over deze bevraging gelezen en neem vrijwillig deel."
CONSENT_CHOICE = "Ja, ik neem deel"
POPULATION = "Hoeveel inwoners telt de gemeente van uw netwerk? (een getal, bv. 12000)"
NETWORK = "netwerk"


# --- the questionnaire as the tools show it ------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One item as a tool shows it: a statement in a matrix question.

    ``matrix`` numbers the matrix questions from 1 in codebook order (one per construct);
    ``row`` numbers the statements within a matrix from 1; ``group`` numbers the pages
    (one per dimension of the constructs, from 2: the first page holds the intake).
    """

    item: str
    scale: str
    matrix: int
    row: int
    group: int
    stem: str
    statement: str

    @property
    def text(self) -> str:
        """The question text as Qualtrics and SurveyMonkey state it: stem, dash, statement."""
        return f"{self.stem} - {self.statement}"


def reword_statement(text: str, position: int) -> str:
    """A codebook statement as the survey shows it, slightly reworded.

    The trailing period is dropped from every statement; of every three statements (by
    ``position``, the item's place in the codebook) the second starts in lower case and the
    third takes the first applicable synonym or word-order change of :data:`REWORDINGS`.

    Examples
    --------
    >>> reword_statement("Over die visie bestaat consensus in het netwerk.", 2)
    'Over die visie is er consensus in het netwerk'
    >>> reword_statement("Het netwerk stelt acties op.", 1)
    'het netwerk stelt acties op'
    """
    text = text.strip().removesuffix(".")
    if position % 3 == 1:
        return text[:1].lower() + text[1:]
    if position % 3 == 2:
        for old, new in REWORDINGS:
            if old in text:
                return text.replace(old, new, 1)
    return text


def stem(codebook: Codebook, construct: str) -> str:
    """The matrix question's stem: from :data:`STEMS`, or built from the construct's title."""
    if construct in STEMS:
        return STEMS[construct]
    title = codebook.spec["constructs"][construct]["nl"].lower()
    return f"In welke mate gaat u akkoord met de volgende stellingen over: {title}?"


def questionnaire(codebook: Codebook) -> list[Question]:
    """Every item as a statement of its construct's matrix question, in codebook order.

    Raises
    ------
    ValueError
        When two statements of one matrix read the same after rewording (their columns
        would have the same name in a SurveyMonkey export).
    """
    constructs = list(dict.fromkeys(spec["construct"] for spec in codebook.items.values()))
    dimensions = list(dict.fromkeys(codebook.spec["constructs"][c]["dimension"] for c in constructs))
    questions = []
    for matrix, construct in enumerate(constructs, start=1):
        members = [
            (p, i) for p, i in enumerate(codebook.item_ids) if codebook.items[i]["construct"] == construct
        ]
        group = dimensions.index(codebook.spec["constructs"][construct]["dimension"]) + 2
        for row, (position, item) in enumerate(members, start=1):
            statement = reword_statement(codebook.items[item]["nl"], position)
            spec = codebook.items[item]
            questions.append(
                Question(item, spec["scale"], matrix, row, group, stem(codebook, construct), statement)
            )
        texts = [q.statement for q in questions if q.matrix == matrix]
        if len(set(texts)) != len(texts):
            raise ValueError(f"construct {construct}: two statements read the same after rewording")
    return questions


# --- choice texts and the labels a mapping must list -----------------------------------------


def choices(codebook: Codebook, scale: str) -> dict[int, str]:
    """The tool's choice text per code of ``scale``, the don't-know choice under its code.

    A scale without entry in :data:`CHOICES` keeps the codebook's Dutch labels.
    """
    codes = codebook.spec["scales"][scale]["codes"]
    texts = CHOICES.get(scale) or {int(c): spec["nl"] for c, spec in codes.items()}
    return {**texts, dont_know_code(codebook): DONT_KNOW_CHOICE}


def dont_know_code(codebook: Codebook) -> int:
    """The code a .sav file gives a don't-know answer: 9 where the codebook has it."""
    codes = codebook.dont_know_codes
    return DONT_KNOW_CODE if DONT_KNOW_CODE in codes else min(codes)


def codebook_reading(codebook: Codebook, scale: str, label: str) -> int | str | None:
    """What the codebook alone reads a label as: a code, ``"dont_know"``, or ``None``."""
    item = next(i for i, spec in codebook.items.items() if spec["scale"] == scale)
    code = codebook.label_codes(item).get(normalise_label(label))
    if code is not None:
        return code
    missing = codebook.spec["missing"]["dont_know"]
    known = [*missing["labels_nl"], missing["label_nl"], missing["label_en"]]
    return "dont_know" if normalise_label(label) in {normalise_label(x) for x in known} else None


def mapping_labels(codebook: Codebook) -> dict[str, dict[str, int]]:
    """Per scale in use, the choice texts the codebook does not read as their code.

    Raises
    ------
    ValueError
        When a choice text is a label the codebook gives another meaning: a mapping must
        not redefine it, so the survey cannot use it.
    """
    scales = list(dict.fromkeys(spec["scale"] for spec in codebook.items.values()))
    dont_know = dont_know_code(codebook)
    labels = {}
    for scale in scales:
        listed = {}
        for code, text in choices(codebook, scale).items():
            meaning = "dont_know" if code == dont_know else code
            reading = codebook_reading(codebook, scale, text)
            if reading is None:
                listed[text] = code
            elif reading != meaning:
                raise ValueError(
                    f"scale {scale}: the choice {text!r} means {reading} in the codebook, not {code}"
                )
        if listed:
            labels[scale] = listed
    return labels
