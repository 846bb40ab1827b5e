"""The cleaned responses written as survey-tool exports, each with the mapping that reads it back.

Real exports do not name their columns by codebook IDs: Qualtrics, SurveyMonkey, LimeSurvey
and SPSS files use the tool's own question codes, show the question texts reworded, answer
with the tool's choice texts and carry metadata with personal data (IP and e-mail
addresses, names, locations). This module writes such an export from the cleaned responses
(``results/clean/responses.parquet``: codes and missing types), together with the mapping
(``data.mapping``) a careful user would write for it, so that reading an export through its
mapping can be tested against the answers it came from.

Every layout describes the same answers: an item code becomes the tool's choice text for it
(a .sav file keeps the numeric code, with the choice texts as value labels), a "don't
know" answer the don't-know choice (code 9 in a .sav file), a blank answer an empty cell.
Metadata are fake and depend only on ``seed``; the answers never do. Run
``python -m leisurenet.toolexports RESPONSES_PARQUET DIRECTORY`` to write all four.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from leisurenet.codebook import MISSING_TYPES, Codebook, normalise_label
from leisurenet.errors import InputError, Problem
from leisurenet.paths import CONFIG

LAYOUTS = ("qualtrics", "surveymonkey", "limesurvey", "spss")
SUFFIXES = {"qualtrics": ".csv", "surveymonkey": ".csv", "limesurvey": ".csv", "spss": ".sav"}

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

FIRST_NAMES = (
    "An", "Bram", "Els", "Jan", "Karin", "Lies", "Marc", "Nathalie", "Pieter", "Sofie", "Tom", "Wim",
)  # fmt: skip
LAST_NAMES = (
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
)  # fmt: skip
IP_PREFIXES = ("192.0.2", "198.51.100", "203.0.113")  # documentation ranges (RFC 5737)
SURVEY_START = dt.datetime(2016, 3, 7, 8, 0, 0)  # a Monday


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


# --- the answers and the metadata ----------------------------------------------------------


def check_clean(clean: pd.DataFrame, codebook: Codebook, source: str = "<responses>") -> None:
    """Check that ``clean`` holds the cleaned responses' columns and a reading for every answer.

    Raises
    ------
    InputError
        Naming each missing column, and each item column with an answer that is neither a
        code nor a missing type.
    """
    fix = "pass the cleaned responses (results/clean/responses.parquet) written with this codebook"
    needed = [*codebook.background, *(c for i in codebook.item_ids for c in (i, f"{i}_missing"))]
    problems = [
        Problem(file=source, message="the column is missing", fix=fix, column=c)
        for c in needed
        if c not in clean.columns
    ]
    if not problems:
        for item in codebook.item_ids:
            unread = clean[item].isna() & ~clean[f"{item}_missing"].isin(MISSING_TYPES)
            if unread.any():
                problems.append(
                    Problem(
                        file=source,
                        message=f"{int(unread.sum())} answer(s) have neither a code nor a missing type",
                        fix=fix,
                        column=item,
                    )
                )
    if problems:
        raise InputError(problems)


def answer_texts(clean: pd.DataFrame, item: str, texts: dict[int, str], dont_know: str) -> list[str]:
    """The cells of one item: the choice text of each code, ``dont_know`` or ``''`` (blank)."""
    missing = clean[f"{item}_missing"].astype(object)
    return [
        texts[int(code)] if pd.notna(code) else dont_know if kind == "dont_know" else ""
        for code, kind in zip(clean[item], missing, strict=True)
    ]


def answer_codes(clean: pd.DataFrame, item: str, dont_know: int) -> list[float]:
    """The values of one item in a .sav file: the code, ``dont_know``, or NaN (blank)."""
    missing = clean[f"{item}_missing"].astype(object)
    return [
        float(code) if pd.notna(code) else float(dont_know) if kind == "dont_know" else np.nan
        for code, kind in zip(clean[item], missing, strict=True)
    ]


def population_texts(clean: pd.DataFrame) -> list[str]:
    return ["" if pd.isna(v) else str(int(v)) for v in clean["municipality_pop"]]


def metadata(n: int, seed: int) -> pd.DataFrame:
    """Fake metadata of ``n`` responses, deterministic from ``seed``.

    Columns: ``start``, ``end`` (datetimes in March 2016), ``duration`` (seconds),
    ``ip`` (in the documentation ranges), ``first``, ``last``, ``email`` (at example.org),
    ``latitude``, ``longitude`` (in Flanders), ``token`` (15 letters and digits),
    ``number`` (a large respondent number) and ``seed`` (LimeSurvey's per-response seed).
    """
    rng = np.random.default_rng(seed)
    # started on one of four weeks' working days (from Monday 7 March 2016), between 8:00 and 18:00
    days = [int(d) + 2 * (int(d) // 5) for d in rng.integers(0, 20, n)]
    seconds = rng.integers(0, 10 * 3600, n)
    start = [SURVEY_START + dt.timedelta(days=d, seconds=int(s)) for d, s in zip(days, seconds, strict=True)]
    duration = rng.integers(240, 1800, n)
    first = rng.choice(FIRST_NAMES, n)
    last = rng.choice(LAST_NAMES, n)
    alphabet = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
    return pd.DataFrame(
        {
            "start": start,
            "end": [s + dt.timedelta(seconds=int(d)) for s, d in zip(start, duration, strict=True)],
            "duration": duration,
            "ip": [
                f"{IP_PREFIXES[p]}.{h}"
                for p, h in zip(rng.integers(0, 3, n), rng.integers(1, 255, n), strict=True)
            ],
            "first": first,
            "last": last,
            "email": [
                f"{f}.{ln.replace(' ', '')}{k + 1}@example.org".lower()
                for k, (f, ln) in enumerate(zip(first, last, strict=True))
            ],
            "latitude": rng.uniform(50.70, 51.35, n).round(4),
            "longitude": rng.uniform(2.55, 5.90, n).round(4),
            "token": ["".join(rng.choice(alphabet, 15)) for _ in range(n)],
            "number": 10_400_000_000 + np.sort(rng.choice(10_000_000, n, replace=False)),
            "seed": rng.integers(10_000_000, 2_000_000_000, n),
        }
    )


# --- one export as columns ------------------------------------------------------------------


@dataclass
class Column:
    """One column of a text export.

    ``header`` holds its cells in the header rows; ``name`` is its name by the layout's
    rules; ``target`` the codebook ID it maps to, or ``None`` for a column to drop.
    """

    name: str
    header: tuple[str, ...]
    values: list[str]
    target: str | None = None


@dataclass
class Variable:
    """One variable of a .sav file (numeric unless ``values`` are strings)."""

    name: str
    label: str
    values: list
    target: str | None = None
    value_labels: dict[float, str] = field(default_factory=dict)
    missing: list[float] = field(default_factory=list)
    measure: str = "nominal"
    format: str | None = None


def _stamp(moment: dt.datetime, style: str = "iso") -> str:
    if style == "surveymonkey":  # 12-hour clock, written out rather than by the locale's %p
        return moment.strftime("%m/%d/%Y %I:%M:%S ") + ("PM" if moment.hour >= 12 else "AM")
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def qualtrics_columns(clean: pd.DataFrame, codebook: Codebook, meta: pd.DataFrame) -> list[Column]:
    """A Qualtrics export's columns: name, question text and ImportId per column."""
    n = len(clean)
    zone = ',"timeZone":"Europe/Brussels"'

    def col(name, text, import_id, values, target=None, extra=""):
        return Column(name, (name, text, f'{{"ImportId":"{import_id}"{extra}}}'), list(values), target)

    columns = [
        col("StartDate", "Start Date", "startDate", map(_stamp, meta["start"]), extra=zone),
        col("EndDate", "End Date", "endDate", map(_stamp, meta["end"]), extra=zone),
        col("Status", "Response Type", "status", ["IP Address"] * n),
        col("IPAddress", "IP Address", "ipAddress", meta["ip"]),
        col("Progress", "Progress", "progress", ["100"] * n),
        col("Duration (in seconds)", "Duration (in seconds)", "duration", map(str, meta["duration"])),
        col("Finished", "Finished", "finished", ["True"] * n),
        col("RecordedDate", "Recorded Date", "recordedDate", map(_stamp, meta["end"]), extra=zone),
        col("ResponseId", "Response ID", "_recordId", ("R_" + t for t in meta["token"])),
        col("RecipientLastName", "Recipient Last Name", "recipientLastName", meta["last"]),
        col("RecipientFirstName", "Recipient First Name", "recipientFirstName", meta["first"]),
        col("RecipientEmail", "Recipient Email", "recipientEmail", meta["email"]),
        col(
            "ExternalReference",
            "External Data Reference",
            "externalDataReference",
            clean["resp_id"],
            "resp_id",
        ),
        col("LocationLatitude", "Location Latitude", "locationLatitude", map(str, meta["latitude"])),
        col("LocationLongitude", "Location Longitude", "locationLongitude", map(str, meta["longitude"])),
        col("DistributionChannel", "Distribution Channel", "distributionChannel", ["email"] * n),
        col("UserLanguage", "User Language", "userLanguage", ["NL"] * n),
        col("Q1", CONSENT, "QID1", [CONSENT_CHOICE] * n),
        col("Q2", POPULATION, "QID2_TEXT", population_texts(clean), "municipality_pop"),
    ]
    for q in questionnaire(codebook):
        name = f"Q{q.matrix + 2}_{q.row}"
        values = answer_texts(clean, q.item, choices(codebook, q.scale), DONT_KNOW_CHOICE)
        columns.append(col(name, q.text, f"QID{q.matrix + 2}_{q.row}", values, q.item))
    # network_id travels as embedded data, set from the contact list, at the end of the export
    columns.append(col(NETWORK, NETWORK, NETWORK, clean["network_id"], "network_id"))
    return columns


def surveymonkey_columns(clean: pd.DataFrame, codebook: Codebook, meta: pd.DataFrame) -> list[Column]:
    """A SurveyMonkey export's columns: row 1 (question text, or blank further right in a
    matrix) and row 2 (blank, "Response", "Open-Ended Response" or the statement)."""
    n = len(clean)
    collector = str(230_000_000 + int(meta["seed"].iloc[0]) % 10_000_000) if n else "230000000"

    def col(name, values, target=None, top=None, sub=""):
        return Column(name, (name if top is None else top, sub), list(values), target)

    columns = [
        col("Respondent ID", map(str, meta["number"])),
        col("Collector ID", [collector] * n),
        col("Start Date", (_stamp(t, "surveymonkey") for t in meta["start"])),
        col("End Date", (_stamp(t, "surveymonkey") for t in meta["end"])),
        col("IP Address", meta["ip"]),
        col("Email Address", meta["email"]),
        col("First Name", meta["first"]),
        col("Last Name", meta["last"]),
        col("Custom Data 1", clean["resp_id"], "resp_id"),
        # a custom variable of the e-mail collector, set per invitation
        col(NETWORK, clean["network_id"], "network_id"),
        col(CONSENT, [CONSENT_CHOICE] * n, sub="Response"),
        col(POPULATION, population_texts(clean), "municipality_pop", sub="Open-Ended Response"),
    ]
    for q in questionnaire(codebook):
        values = answer_texts(clean, q.item, choices(codebook, q.scale), DONT_KNOW_CHOICE)
        top = q.stem if q.row == 1 else ""
        columns.append(col(q.text, values, q.item, top=top, sub=q.statement))
    return columns


def limesurvey_columns(clean: pd.DataFrame, codebook: Codebook, meta: pd.DataFrame) -> list[Column]:
    """A LimeSurvey export's columns, headed "question code & question text" (``code. text``)."""
    n = len(clean)

    def col(code, text, values, target=None):
        return Column(code, (f"{code}. {text}",), list(values), target)

    columns = [
        col("id", "Antwoord ID", map(str, range(1, n + 1))),
        col("token", "Toegangscode", clean["resp_id"], "resp_id"),
        col("submitdate", "Datum verstuurd", map(_stamp, meta["end"])),
        col("lastpage", "Laatste pagina", ["5"] * n),
        col("startlanguage", "Starttaal", ["nl"] * n),
        col("seed", "Seed", map(str, meta["seed"])),
        col("startdate", "Startdatum", map(_stamp, meta["start"])),
        col("datestamp", "Datum laatste actie", map(_stamp, meta["end"])),
        col("ipaddr", "IP-adres", meta["ip"]),
        col("firstname", "Voornaam", meta["first"]),
        col("lastname", "Achternaam", meta["last"]),
        col("email", "E-mailadres", meta["email"]),
        col("attribute_1", "Netwerk", clean["network_id"], "network_id"),
        col("G01Q01", CONSENT, [CONSENT_CHOICE] * n),
        col("G01Q02", POPULATION, population_texts(clean), "municipality_pop"),
    ]
    for q in questionnaire(codebook):
        code = f"G{q.group:02d}Q{q.matrix + 2:02d}[SQ{q.row:03d}]"
        values = answer_texts(clean, q.item, choices(codebook, q.scale), DONT_KNOW_CHOICE)
        columns.append(col(code, f"{q.stem} [{q.statement}]", values, q.item))
    return columns


def spss_variables(clean: pd.DataFrame, codebook: Codebook, meta: pd.DataFrame) -> list[Variable]:
    """A .sav file's variables: names ``v1``, ``v3_1``..., labels the question texts,
    items as codes with the choice texts as value labels and the don't-know code declared missing."""
    n = len(clean)
    dont_know = dont_know_code(codebook)
    variables = [
        Variable("id", "Antwoordnummer", [float(k) for k in range(1, n + 1)], format="F6.0"),
        Variable("startdat", "Begin van de bevraging", list(meta["start"]), format="DATETIME20"),
        Variable("einddat", "Einde van de bevraging", list(meta["end"]), format="DATETIME20"),
        Variable(
            "duur", "Duur (in seconden)", [float(d) for d in meta["duration"]], measure="scale", format="F8.0"
        ),
        Variable("ipadres", "IP-adres", list(meta["ip"])),
        Variable("voornaam", "Voornaam", list(meta["first"])),
        Variable("achternaam", "Achternaam", list(meta["last"])),
        Variable("email", "E-mailadres", list(meta["email"])),
        Variable(
            "respcode", "Respondentcode (uit de uitnodiging)", [str(v) for v in clean["resp_id"]], "resp_id"
        ),
        Variable(
            "netwerk",
            "Netwerk (code in het populatiekader)",
            [str(v) for v in clean["network_id"]],
            "network_id",
        ),
        Variable("v1", CONSENT, [1.0] * n, value_labels={1.0: CONSENT_CHOICE}, format="F1.0"),
        Variable(
            "v2",
            POPULATION,
            [np.nan if pd.isna(v) else float(v) for v in clean["municipality_pop"]],
            "municipality_pop",
            measure="scale",
            format="F8.0",
        ),
    ]
    for q in questionnaire(codebook):
        texts = choices(codebook, q.scale)
        variables.append(
            Variable(
                f"v{q.matrix + 2}_{q.row}",
                q.text,
                answer_codes(clean, q.item, dont_know),
                q.item,
                value_labels={float(c): t for c, t in texts.items()},
                missing=[float(dont_know)],
                measure="ordinal",
                format="F2.0",
            )
        )
    return variables


# --- writing --------------------------------------------------------------------------------


def mapping(columns: list[Column] | list[Variable], codebook: Codebook) -> dict:
    """The mapping of an export: its mapped columns, the labels to list and the columns to drop."""
    return {
        "columns": {c.name: c.target for c in columns if c.target is not None},
        "labels": mapping_labels(codebook),
        "drop": [c.name for c in columns if c.target is None],
    }


class MappingDumper(yaml.SafeDumper):
    """Writes long keys (SurveyMonkey's column names are whole question texts) as plain
    ``key: value`` lines: PyYAML writes a key of 128 characters or more as an explicit
    ``? key`` entry, which few users know, although YAML allows implicit keys up to 1024."""

    def check_simple_key(self) -> bool:
        if isinstance(self.event, yaml.ScalarEvent) and self.event.anchor is None:
            if self.analysis is None:
                self.analysis = self.analyze_scalar(self.event.value)
            scalar = self.analysis
            return not scalar.empty and not scalar.multiline and len(scalar.scalar) < 1024
        return super().check_simple_key()


def write_mapping(path: Path, layout: str, export: Path, spec: dict) -> None:
    head = (
        f"# How {export.name} (a {layout} export) maps onto the codebook: export column -> codebook ID,\n"
        "# the choice texts the codebook does not know -> their codes, and the columns to drop.\n"
    )
    body = yaml.dump(spec, Dumper=MappingDumper, sort_keys=False, allow_unicode=True, width=10_000)
    path.write_text(head + body, encoding="utf-8")


def write_csv(path: Path, columns: list[Column], layout: str) -> None:
    """Header rows, then one row per respondent; Qualtrics' file has a BOM and quotes every field."""
    rows = [list(cells) for cells in zip(*(c.header for c in columns), strict=True)]
    rows += [list(cells) for cells in zip(*(c.values for c in columns), strict=True)]
    quoting = csv.QUOTE_MINIMAL if layout == "surveymonkey" else csv.QUOTE_ALL
    encoding = "utf-8-sig" if layout == "qualtrics" else "utf-8"
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, quoting=quoting, lineterminator="\r\n").writerows(rows)


def write_sav(path: Path, variables: list[Variable]) -> None:
    """Write the variables with pyreadstat, then fix the header's creation time (reproducible bytes)."""
    import pyreadstat  # imported here so CSV users need no SPSS library installed

    frame = pd.DataFrame({v.name: v.values for v in variables})
    for v in variables:
        if v.format and v.format.startswith("DATETIME"):
            frame[v.name] = pd.to_datetime(frame[v.name])
    pyreadstat.write_sav(
        frame,
        str(path),
        file_label="Bevraging lokale netwerken 2016",
        column_labels={v.name: v.label for v in variables},
        variable_value_labels={v.name: v.value_labels for v in variables if v.value_labels},
        missing_ranges={v.name: v.missing for v in variables if v.missing},
        variable_measure={v.name: v.measure for v in variables},
        variable_format={v.name: v.format for v in variables if v.format},
    )
    fix_sav_timestamp(path)


# The .sav header: record type (4 bytes), product name (60), layout code, case size,
# compression, weight index, case count (4 each), bias (8), then the creation date (9) and time (8).
SAV_DATE_OFFSET = 4 + 60 + 4 * 5 + 8
SAV_CREATED = b"04 Apr 1609:00:00"  # after the survey closed


def fix_sav_timestamp(path: Path) -> None:
    """Set the creation date and time in a .sav header to a fixed moment, so that writing the
    same data twice gives the same bytes (ReadStat stamps the current time)."""
    data = bytearray(path.read_bytes())
    if data[:4] != b"$FL2":
        raise ValueError(f"{path}: not an uncompressed SPSS .sav file")
    data[SAV_DATE_OFFSET : SAV_DATE_OFFSET + len(SAV_CREATED)] = SAV_CREATED
    path.write_bytes(bytes(data))


BUILDERS = {
    "qualtrics": qualtrics_columns,
    "surveymonkey": surveymonkey_columns,
    "limesurvey": limesurvey_columns,
    "spss": spss_variables,
}


def write_export(
    layout: str, clean: pd.DataFrame, codebook: Codebook, directory: Path, seed: int = 0
) -> tuple[Path, Path]:
    """Write the cleaned responses as a ``layout`` export and the mapping that brings them back.

    Parameters
    ----------
    layout : str
        One of :data:`LAYOUTS`.
    clean : pandas.DataFrame
        The cleaned responses: ``resp_id``, ``network_id``, ``municipality_pop`` and per item
        its code and ``<item>_missing`` (``dont_know``/``blank``), as the cleaning stage writes them.
    codebook : Codebook
    directory : Path
        Where to write ``<layout>.csv`` (``spss.sav``) and ``<layout>.mapping.yaml``; created
        when missing.
    seed : int
        Seeds the fake metadata (dates, addresses, names); the answers do not depend on it.

    Returns
    -------
    tuple of Path
        The export and the mapping.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    check_clean(clean, codebook)
    clean = clean.reset_index(drop=True)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    export = directory / f"{layout}{SUFFIXES[layout]}"
    mapping_path = directory / f"{layout}.mapping.yaml"
    columns = BUILDERS[layout](clean, codebook, metadata(len(clean), seed))
    if layout == "spss":
        write_sav(export, columns)
    else:
        write_csv(export, columns, layout)
    write_mapping(mapping_path, layout, export, mapping(columns, codebook))
    return export, mapping_path


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(
        prog="python -m leisurenet.toolexports",
        description="Write the cleaned responses as Qualtrics, SurveyMonkey, LimeSurvey and SPSS "
        "exports, each with its mapping.",
    )
    cli.add_argument("responses", type=Path, help="the cleaned responses (results/clean/responses.parquet)")
    cli.add_argument("directory", type=Path, help="the folder to write the exports and mappings into")
    cli.add_argument(
        "--codebook", type=Path, default=CONFIG / "codebook.yaml", help="the codebook (default: %(default)s)"
    )
    cli.add_argument("--seed", type=int, default=0, help="seed of the fake metadata (default: 0)")
    args = cli.parse_args(argv)
    codebook = Codebook.from_yaml(args.codebook)
    clean = pd.read_parquet(args.responses)
    try:
        check_clean(clean, codebook, str(args.responses))
    except InputError as exc:
        print(exc, file=sys.stderr)
        return 1
    for layout in LAYOUTS:
        export, mapping_path = write_export(layout, clean, codebook, args.directory, args.seed)
        print(f"{layout}: wrote {export} and {mapping_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
