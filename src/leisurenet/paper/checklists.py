"""The reporting checklists a survey journal's referee reads the paper against: the disclosure
standards of the AAPOR Code and the CHERRIES checklist for web surveys
(``results/paper/checklists.csv``, and the paper's last appendix).

Every item's status follows from what the paper contains, not from a claim typed beside it:

- an item the configuration's ``study`` section answers is ``reported`` (in the method section,
  which prints each configured value) only when every key it needs is set, and ``unknown``
  otherwise, as the method section's list of what the study did not report says;
- an item the manuscript always answers is ``reported`` at the section or table that does;
- an item that depends on the data (the frame, the weights) follows them;
- the rest are ``unknown`` or ``not applicable``, each with its reason in ``note``.

A location is a label of the manuscript (``sec-data``, ``tbl-weights``); the rule that renders
the paper stops when a ``reported`` item's location is not in the rendered HTML
(:func:`missing_locations`), so the checklist cannot point at what is not there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from leisurenet.config import study_value
from leisurenet.paper.formatting import count, pipe_table
from leisurenet.paper.prose import Prose
from leisurenet.paper.provenance import rows_of

COLUMNS = ["standard", "item", "status", "location", "note"]
REPORTED, UNKNOWN, NOT_APPLICABLE = "reported", "unknown", "not applicable"
STANDARDS = {"aapor": "AAPOR", "cherries": "CHERRIES"}
# Where the method section prints the study's conduct (leisurenet.paper.conduct).
CONDUCT = "sec-data"
# Modes a respondent answers alone, and modes with an interviewer, as a configured mode names
# them ("an online survey", "telephone interviews (CATI)").
INTERVIEWED = re.compile(r"\b(interview\w*|telephone|phone|face[- ]to[- ]face|CATI|CAPI)\b", re.IGNORECASE)
SELF_ADMINISTERED = re.compile(r"\b(online|web|internet|e-?mail|postal|mail|paper)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    """What the paper contains that decides a status.

    ``study`` is the configuration's ``study`` section; ``frame`` whether the paper has a
    population frame (and so the dispositions and a response rate); ``weighted`` whether it
    reports weights (its weights table is not empty).
    """

    study: dict
    frame: bool
    weighted: bool


# A rule gives (status, location, note key) for the evidence; the note's words are in
# paper/sentences.yml (checklists.note).
Rule = Callable[[Evidence], tuple[str, str, str]]


def study(*keys: str) -> Rule:
    """Reported in the method section when every one of ``keys`` (of ``study``) is set."""

    def rule(evidence: Evidence) -> tuple[str, str, str]:
        known = [study_value(evidence.study, key) is not None for key in keys]
        if all(known):
            return REPORTED, CONDUCT, ""
        return UNKNOWN, CONDUCT, "partly" if any(known) else "unreported"

    return rule


def shown(location: str) -> Rule:
    """Reported at ``location``, which the manuscript always holds."""
    return lambda evidence: (REPORTED, location, "")


def with_frame(location: str) -> Rule:
    """Reported at ``location`` when there is a frame; without one the data cannot tell."""
    return lambda evidence: (REPORTED, location, "") if evidence.frame else (UNKNOWN, "", "no_frame")


def census(note: str) -> Rule:
    """Not applicable when the survey addressed a whole frame (no sample drawn, no panel)."""
    return lambda evidence: (NOT_APPLICABLE, "", note) if evidence.frame else (UNKNOWN, "", "no_frame")


def weights(evidence: Evidence) -> tuple[str, str, str]:
    return (REPORTED, "tbl-weights", "") if evidence.weighted else (NOT_APPLICABLE, "", "not_weighted")


def interviewers(evidence: Evidence) -> tuple[str, str, str]:
    """Not applicable when the configured mode is one a respondent answers alone."""
    mode = str(study_value(evidence.study, "mode") or "")
    if SELF_ADMINISTERED.search(mode) and not INTERVIEWED.search(mode):
        return NOT_APPLICABLE, "", "self_administered"
    return UNKNOWN, "", "interviewers"


def unknown(note: str) -> Rule:
    return lambda evidence: (UNKNOWN, "", note)


def not_applicable(note: str) -> Rule:
    return lambda evidence: (NOT_APPLICABLE, "", note)


# Every item, in each standard's order, by its key in checklists.item of paper/sentences.yml.
ITEMS: tuple[tuple[str, str, Rule], ...] = (
    # The AAPOR Code (2021), section III: disclosure standards.
    ("aapor", "sponsor", study("sponsor")),
    ("aapor", "fielded_by", study("fielded_by")),
    ("aapor", "wording", shown("tbl-codebook")),
    ("aapor", "population", shown("sec-introduction")),
    ("aapor", "dates", study("fieldwork.start", "fieldwork.end")),
    ("aapor", "frame", study("frame.source", "frame.date")),
    ("aapor", "sample_supplier", census("census")),
    ("aapor", "panel", census("no_panel")),
    ("aapor", "selection", study("invitation")),
    ("aapor", "mode", study("mode")),
    ("aapor", "sample_size", shown("tbl-sample-flow")),
    ("aapor", "precision", shown("sec-analyses")),
    ("aapor", "weighting", weights),
    ("aapor", "several_samples", not_applicable("one_survey")),
    ("aapor", "contact", study("contact")),
    ("aapor", "interviewers", interviewers),
    ("aapor", "cooperation", study("invitation", "reminders", "incentives")),
    ("aapor", "dispositions", with_frame("sec-data")),
    ("aapor", "verification", shown("sec-data")),
    ("aapor", "missing_data", shown("sec-data")),
    ("aapor", "limitations", shown("sec-discussion")),
    # CHERRIES (Eysenbach 2004): design; ethics; development; recruitment; administration;
    # response rates; multiple entries; analysis.
    ("cherries", "design", with_frame("sec-data")),
    ("cherries", "ethics_review", study("ethics_review")),
    ("cherries", "consent", unknown("unreported_fixed")),
    ("cherries", "data_protection", unknown("unreported_fixed")),
    ("cherries", "development", study("questionnaire.development", "questionnaire.testing")),
    ("cherries", "open_closed", unknown("unreported_fixed")),
    ("cherries", "contact_mode", study("invitation")),
    ("cherries", "advertising", study("invitation")),
    ("cherries", "web_or_email", study("mode")),
    ("cherries", "context", unknown("unreported_fixed")),
    ("cherries", "voluntary", unknown("unreported_fixed")),
    ("cherries", "incentives", study("incentives")),
    ("cherries", "dates", study("fieldwork.start", "fieldwork.end")),
    ("cherries", "randomisation", unknown("no_paradata")),
    ("cherries", "adaptive", unknown("no_paradata")),
    ("cherries", "n_items", shown("tbl-codebook")),
    ("cherries", "n_screens", unknown("no_paradata")),
    ("cherries", "completeness_check", unknown("no_paradata")),
    ("cherries", "review_step", unknown("no_paradata")),
    ("cherries", "visitors", unknown("no_paradata")),
    ("cherries", "view_rate", unknown("no_paradata")),
    ("cherries", "participation_rate", unknown("no_paradata")),
    ("cherries", "completion_rate", shown("sec-data")),
    ("cherries", "cookies", unknown("no_paradata")),
    ("cherries", "ip_check", unknown("no_paradata")),
    ("cherries", "log_files", unknown("no_paradata")),
    ("cherries", "registration", unknown("no_paradata")),
    ("cherries", "incomplete", shown("sec-data")),
    ("cherries", "timestamps", unknown("no_paradata")),
    ("cherries", "correction", weights),
)


def checklist(evidence: Evidence, prose: Prose) -> pd.DataFrame:
    """One row per item of both standards (columns :data:`COLUMNS`): a ``reported`` item with
    its location, any other with the reason in ``note``."""
    rows = []
    for standard, key, rule in ITEMS:
        status, location, note = rule(evidence)
        rows.append(
            {
                "standard": STANDARDS[standard],
                "item": prose.say("checklists.item", f"{standard}_{key}"),
                "status": status,
                "location": location,
                "note": prose.say("checklists.note", note, location=reference(location)) if note else "",
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def reference(location: str) -> str:
    """A location as the manuscript cross-references it ("@tbl-weights")."""
    return f"@{location}" if location else ""


def checklist_table(table: pd.DataFrame, prose: Prose) -> str:
    """The appendix's table: each item with its status and where the paper reports it, or why
    not; the caption counts the reported items of each standard (traced to ``table``'s file)."""
    shown_ = pd.DataFrame(
        {
            prose.say("checklists.column", "standard"): table["standard"],
            prose.say("checklists.column", "item"): table["item"],
            prose.say("checklists.column", "status"): table["status"],
            prose.say("checklists.column", "where"): [
                reference(r.location) if r.status == REPORTED else r.note for r in table.itertuples()
            ],
        }
    )
    counts = []
    for standard in dict.fromkeys(table["standard"]):
        items = table[table["standard"] == standard]
        reported = items[items["status"] == REPORTED]
        counts.append(
            prose.say(
                "checklists.count",
                standard=standard,
                reported=count(rows_of(reported, f"standard: {standard}, status: {REPORTED}")),
                n=count(rows_of(items, f"standard: {standard}")),
            )
        )
    caption = prose.say("captions.checklists", counts=prose.join(counts))
    return pipe_table(shown_, "checklists", caption, "llll")


HTML_ID = re.compile(r"""\sid=["']([^"']+)["']""")


def missing_locations(table: pd.DataFrame, html: str) -> list[str]:
    """The ``reported`` items whose location is no element id of the rendered ``html``."""
    ids = set(HTML_ID.findall(html))
    reported = table[table["status"] == REPORTED]
    return [f"{r.standard}: {r.item} ({r.location})" for r in reported.itertuples() if r.location not in ids]
