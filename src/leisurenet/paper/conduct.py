"""How the survey was conducted, as the configuration states it (``study.*``): the method section's
sentences on what the AAPOR Code's disclosure standards and the CHERRIES checklist ask a report to
state and the data cannot tell (fieldwork dates, mode, sponsor, frame, invitation, ...).

Each value set is printed in its sentence, traced to the config file that set it; each value left
null is named in one sentence as not reported by the study. Nothing is inferred from the data.
"""

from __future__ import annotations

import re

from leisurenet.config import CITATION, STUDY_KEYS, parse_iso_date, study_value
from leisurenet.paper.formatting import date
from leisurenet.paper.prose import Prose
from leisurenet.paper.provenance import cite

DEFAULT_SOURCE = "config/config.yaml"
# The keys said in a sentence of their own, with its wording study.<key> ("." as "_"); the
# fieldwork's and the frame's two dates and texts share one sentence each.
SIMPLE = tuple(k for k in STUDY_KEYS if not k.startswith(("fieldwork.", "frame.")))


def _known(study: dict, key: str) -> str | None:
    """The configured value of ``key`` as one line of text; None when unset or blank."""
    value = study_value(study, key)
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _traced(text: str, sources: dict, key: str, value: str | None = None) -> str:
    """``text`` marked with the config file and key that set it. A citation in it stays outside
    the marks (a mark cannot hold brackets), so that it prints as a citation."""
    section, _, name = f"study.{key}".rpartition(".")
    source = sources.get(f"study.{key}", DEFAULT_SOURCE)
    whole = text if value is None else value

    def marked(part: str) -> str:
        # Punctuation and spaces at either end stay outside the mark: "[@key][, text]{...}" would
        # read as a reference link, not as a citation and a span.
        lead, core, trail = re.fullmatch(r"(\W*)(.*?)(\W*)", part, re.DOTALL).groups()
        return lead + cite(core, source, section, name, whole) + trail if core else part

    pieces, last = [], 0
    for match in CITATION.finditer(text):
        pieces += [marked(text[last : match.start()]), match.group(0)]
        last = match.end()
    return "".join(pieces) + marked(text[last:])


def _date(study: dict, sources: dict, key: str, prose: Prose) -> dict | None:
    """A configured date as printed ("1 March 2016") and with its preposition ("on 1 March 2016")."""
    iso = _known(study, key)
    if iso is None:
        return None
    printed = _traced(date(iso), sources, key, iso)
    return {"date": printed, "when": prose.say("study.when", parse_iso_date(iso, key)[2], date=printed)}


def study_variables(study: dict, sources: dict, prose: Prose) -> dict:
    """The method section's sentences on how the survey was conducted.

    Parameters
    ----------
    study : dict
        The configuration's ``study`` section (validated: dates are ISO dates in order).
    sources : dict
        For each printed setting ("study.mode"), the config file that set it
        (:func:`leisurenet.config.config_sources`); a key it lacks is the default file's.
    prose : Prose
        The wording (``study.*`` of ``paper/sentences.yml``).

    Returns
    -------
    dict
        ``conduct``: a sentence for each value set, in the order of
        :data:`leisurenet.config.STUDY_KEYS`; ``unreported``: one sentence naming every value
        left null as not reported by the study ("" when every one is set).
    """
    sentences, unreported = [], []
    start, end = (_date(study, sources, f"fieldwork.{k}", prose) for k in ("start", "end"))
    blank = {"date": "", "when": ""}
    fieldwork = {
        "start": (start or blank)["date"],
        "start_when": (start or blank)["when"],
        "end": (end or blank)["date"],
        "end_when": (end or blank)["when"],
    }
    if start and end:
        same = _known(study, "fieldwork.start") == _known(study, "fieldwork.end")
        sentences.append(prose.say("study.fieldwork", "same" if same else "period", **fieldwork))
    elif start or end:
        sentences.append(prose.say("study.fieldwork", "start_only" if start else "end_only", **fieldwork))
        unreported.append(prose.say("study.unreported_item", "fieldwork_end" if start else "fieldwork_start"))
    else:
        unreported.append(prose.say("study.unreported_item", "fieldwork"))

    def simple(key: str) -> None:
        text = _known(study, key)
        name = key.replace(".", "_")
        if text is None:
            unreported.append(prose.say("study.unreported_item", name))
        else:
            sentences.append(prose.say(f"study.{name}", value=_traced(text, sources, key)))

    for key in SIMPLE[: SIMPLE.index("invitation")]:  # mode, sponsor, fielded_by: before the frame
        simple(key)
    source, frame_date = _known(study, "frame.source"), _date(study, sources, "frame.date", prose)
    values = {"source": _traced(source, sources, "frame.source") if source else ""} | (frame_date or blank)
    if source or frame_date:
        variant = "both" if source and frame_date else "source_only" if source else "date_only"
        sentences.append(prose.say("study.frame", variant, **values))
    if not (source and frame_date):
        missing = "frame_date" if source else "frame_source" if frame_date else "frame"
        unreported.append(prose.say("study.unreported_item", missing))
    for key in SIMPLE[SIMPLE.index("invitation") :]:
        simple(key)
    said = prose.say("study.unreported", "some" if unreported else "none", items=prose.join(unreported))
    return {"conduct": " ".join(sentences), "unreported": said}
