"""Each survey tool's export as columns: Qualtrics', SurveyMonkey's and LimeSurvey's header rows
and cells, and an SPSS file's variables, with the codebook ID each maps to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from leisurenet.codebook import Codebook
from leisurenet.data.toolexports.questionnaire import (
    CONSENT,
    CONSENT_CHOICE,
    DONT_KNOW_CHOICE,
    NETWORK,
    POPULATION,
    choices,
    dont_know_code,
    questionnaire,
)
from leisurenet.data.toolexports.respondents import answer_codes, answer_texts, population_texts


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
