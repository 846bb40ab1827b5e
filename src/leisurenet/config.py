"""Loading the configuration outside Snakemake (notebooks, tests), as Snakemake does.

Files are merged in order, a later one overriding only the keys it names; the schema
then fills every key left out with its default and rejects anything it does not know.
"""

from __future__ import annotations

import copy
import datetime
import re
from pathlib import Path

import jsonschema
import yaml

from leisurenet.paths import CONFIG, SCHEMAS, display_path


def deep_merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def with_defaults(validator_class):
    """A validator that fills in schema defaults before validating (the jsonschema FAQ recipe)."""
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        for name, sub in properties.items():
            if isinstance(instance, dict) and "default" in sub:
                instance.setdefault(name, copy.deepcopy(sub["default"]))
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


def read_validated(path: str | Path, schema: str) -> tuple[dict, list[str]]:
    """The YAML file ``path`` with the defaults of ``workflow/schemas/<schema>`` filled in, and
    each way it breaks the schema, as a line naming the key (empty when it is valid)."""
    with open(path, encoding="utf-8") as fh:
        spec = yaml.safe_load(fh) or {}
    validator = with_defaults(jsonschema.Draft202012Validator)(
        yaml.safe_load((SCHEMAS / schema).read_text(encoding="utf-8"))
    )
    errors = sorted(validator.iter_errors(spec), key=str)
    return spec, [f"  {'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors]


def validate_config(config: dict) -> dict:
    """Fill defaults into ``config`` (in place) and validate it; return it."""
    dates_as_text(config)
    schema = yaml.safe_load((SCHEMAS / "config.schema.yaml").read_text(encoding="utf-8"))
    validator = with_defaults(jsonschema.Draft202012Validator)(schema)
    errors = sorted(validator.iter_errors(config), key=str)
    if errors:
        details = "\n".join(
            f"  {'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors
        )
        raise ValueError(f"the configuration is not valid:\n{details}")
    check_semantics(config)
    return config


def check_semantics(config: dict) -> None:
    """What a schema cannot say: cut points increase and there is one label more than cut points;
    the study's dates are ISO dates in order and its texts print (:func:`check_study`); a
    partial's threshold (disposition) is not above a complete's."""
    check_study(config.get("study") or {})
    breaks, labels = config["size_class"]["breaks"], config["size_class"]["labels"]
    if breaks != sorted(set(breaks)) or len(labels) != len(breaks) + 1:
        raise ValueError(
            f"size_class: breaks {breaks} must increase strictly and labels {labels} must number "
            f"one more than the breaks"
        )
    check_disposition(config["disposition"]["complete_above"], config["disposition"]["partial_from"])


# AAPOR's example thresholds of a complete and a partial questionnaire (share of the items
# answered): the configuration's defaults.
COMPLETE_ABOVE, PARTIAL_FROM = 0.8, 0.5


def check_disposition(complete_above: float, partial_from: float) -> None:
    """Stop on disposition thresholds that leave no room for a partial or are not shares."""
    if not 0 <= partial_from <= complete_above < 1:
        raise ValueError(
            f"configuration disposition: partial_from ({partial_from}) and complete_above ({complete_above}) "
            "must satisfy 0 <= partial_from <= complete_above < 1; fix: set them as shares of the items, "
            f"e.g. AAPOR's partial_from: {PARTIAL_FROM}, complete_above: {COMPLETE_ABOVE}"
        )


# --- the study's metadata (study.*): what a disclosure standard asks and the data cannot tell ---

# Every key of ``study``, dotted below it, in the order the method section says them. The
# paper prints each one set and names each one left null as not reported (PRINTED_SETTINGS).
STUDY_KEYS = (
    "fieldwork.start",
    "fieldwork.end",
    "mode",
    "sponsor",
    "fielded_by",
    "frame.source",
    "frame.date",
    "invitation",
    "reminders",
    "incentives",
    "questionnaire.development",
    "questionnaire.testing",
    "ethics_review",
    "partial_responses",
    "contact",
)
STUDY_DATES = ("fieldwork.start", "fieldwork.end", "frame.date")
ISO_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
# A citation [@key] or [@a; @b] prints inside a study text; any other bracket would end the span
# that traces the text to its config file (leisurenet.paper.provenance.SPAN).
CITATION = re.compile(r"\[@[^\[\]@;]+(?:;\s*@[^\[\]@;]+)*\]")


def study_value(study: dict, key: str):
    """The value of a dotted ``key`` of ``study`` ("fieldwork.start"); None when unset."""
    value = study
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def dates_as_text(config: dict) -> dict:
    """``config`` with the study's dates as ISO text (in place): YAML reads an unquoted
    2016-03-01 as a date and 2016 as a number, which the schema's strings would refuse."""
    study = config.get("study")
    for key in STUDY_DATES if isinstance(study, dict) else ():
        *parents, name = key.split(".")
        section = study_value(study, ".".join(parents))
        value = section.get(name) if isinstance(section, dict) else None
        if isinstance(value, datetime.date):
            section[name] = value.isoformat()[:10]
        elif isinstance(value, int) and not isinstance(value, bool):
            section[name] = f"{value:04d}"
    return config


def parse_iso_date(text: str, key: str = "date") -> tuple[datetime.date, datetime.date, str]:
    """An ISO 8601 calendar date, complete (2016-03-01) or reduced to a month (2016-03) or a
    year (2016): its first and last day, and its precision ("day", "month" or "year")."""
    match = ISO_DATE.fullmatch(str(text).strip())
    try:
        if match is None:
            raise ValueError
        year, month, day = (int(part) if part else None for part in match.groups())
        if day is not None:
            first = last = datetime.date(year, month, day)
            return first, last, "day"
        if month is not None:
            first = datetime.date(year, month, 1)
            following = datetime.date(year + month // 12, month % 12 + 1, 1)
            return first, following - datetime.timedelta(days=1), "month"
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31), "year"
    except ValueError:
        raise ValueError(
            f"study.{key}: {text!r} is not an ISO date; write it as YYYY-MM-DD (2016-03-01), or "
            f"YYYY-MM (2016-03) or YYYY (2016) when only the month or the year is known"
        ) from None


def check_study(study: dict) -> None:
    """The study's dates are ISO dates, the fieldwork does not end before it starts, and its
    texts hold no bracket but a citation; each error names the key and the fix."""
    dates = {}
    for key in STUDY_DATES:
        value = study_value(study, key)
        if value is not None:
            dates[key] = parse_iso_date(value, key)
    start, end = dates.get("fieldwork.start"), dates.get("fieldwork.end")
    if start and end and end[1] < start[0]:
        raise ValueError(
            f"study.fieldwork: end {study['fieldwork']['end']!r} is before start "
            f"{study['fieldwork']['start']!r}; correct the dates (ISO, YYYY-MM-DD) so that the "
            f"fieldwork ends on or after the day it starts"
        )
    for key in (k for k in STUDY_KEYS if k not in STUDY_DATES):
        value = study_value(study, key)
        if value is not None and re.search(r"[\[\]]", CITATION.sub("", str(value))):
            raise ValueError(
                f"study.{key}: {value!r} has a square bracket that is not a citation ([@key]); "
                f"write parentheses instead"
            )


# Every file a configuration names, with what to do when it is missing. Checked when the
# workflow starts: a missing input must stop the run before any job, because results
# from an earlier run would otherwise pass for results of this configuration.
CONFIGURED_FILES = {
    "data.raw": "point it at your raw export (.csv, .xlsx or .sav), or set it to 'synthetic' for the replica",
    "data.frame": "point it at your population frame (network_id, municipality_pop), or set it to null",
    "data.mapping": "point it at your reviewed mapping of the export onto the codebook",
    "codebook": "point it at the codebook (the default is config/codebook.yaml)",
    "models": "point it at the models file (the default is config/models.yaml)",
    "conclusions": "point it at the conclusions' rules (the default is config/conclusions.yaml)",
    "published": "point it at the published figures (config/published.yaml), or set it to null",
    "synthetic.targets": "point it at the published figures the replica reproduces, or set it to null",
}


def check_files(config: dict, folder: str | Path = ".") -> None:
    """Raise FileNotFoundError naming every configured file missing under ``folder``.

    A key absent from ``config``, null, or ``'synthetic'`` (the replica) names no file.
    """
    missing = []
    for key, remedy in CONFIGURED_FILES.items():
        section, _, name = key.rpartition(".")
        value = (config.get(section, {}) if section else config).get(name)
        if value not in (None, "synthetic") and not (Path(folder) / value).is_file():
            where = (Path(folder) / value).resolve()
            missing.append(f"  {key}: no file '{value}' (looked for {where}); {remedy}.")
    if missing:
        raise FileNotFoundError(
            "the configuration names files that do not exist; nothing was run, and results/ "
            "was left as it was:\n" + "\n".join(missing)
        )


def load_config(*paths: str | Path) -> dict:
    """The default ``config/config.yaml``, overridden by ``paths`` in order."""
    config: dict = {}
    for path in [CONFIG / "config.yaml", *paths]:
        with open(path, encoding="utf-8") as fh:
            config = deep_merge(config, yaml.safe_load(fh) or {})
    return validate_config(config)


def config_sources(configfiles, keys) -> dict[str, str]:
    """For each dotted key of ``keys`` ("paper.alpha"), the configuration file that set it: the
    last of ``configfiles`` (Snakemake's, in the order it read them) that has it, relative to
    the project; ``config/config.yaml`` when none does (a schema default).

    Only the keys asked for: a rule's params built from this change only when the file behind
    one of its numbers does, not when a config file of another stage comes and goes.
    """
    documents = [(path, yaml.safe_load(Path(path).read_text(encoding="utf-8"))) for path in configfiles]
    sources = {}
    for key in keys:
        sources[key] = "config/config.yaml"
        for path, value in reversed(documents):
            for part in key.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if value is not None:
                sources[key] = display_path(path)
                break
    return sources
