"""Loading the configuration outside Snakemake (notebooks, tests), as Snakemake does.

Files are merged in order, a later one overriding only the keys it names; the schema
then fills every key left out with its default and rejects anything it does not know.
"""

from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import yaml

from .paths import CONFIG, SCHEMAS


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


def load_config(*paths: str | Path) -> dict:
    """The default ``config/config.yaml``, overridden by ``paths`` in order."""
    config: dict = {}
    for path in [CONFIG / "config.yaml", *paths]:
        with open(path, encoding="utf-8") as fh:
            config = deep_merge(config, yaml.safe_load(fh) or {})
    return validate_config(config)
