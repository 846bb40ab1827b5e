"""Loading the configuration outside Snakemake (notebooks, tests), as Snakemake does.

Files are merged in order, a later one overriding only the keys it names; the schema
then fills every key left out with its default and rejects anything it does not know.
"""

from __future__ import annotations

import copy
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


def validate_config(config: dict) -> dict:
    """Fill defaults into ``config`` (in place) and validate it; return it."""
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
    """What a schema cannot say: cut points increase and there is one label more than cut points."""
    breaks, labels = config["size_class"]["breaks"], config["size_class"]["labels"]
    if breaks != sorted(set(breaks)) or len(labels) != len(breaks) + 1:
        raise ValueError(
            f"size_class: breaks {breaks} must increase strictly and labels {labels} must number "
            f"one more than the breaks"
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
