"""The manuscript's wording: a template file of sentences and captions, filled with values.

The template (``paper/sentences.yml``) maps sections to keys, and each key to its wording:
either one string, or a mapping of named variants (``significant: ...``,
``not_significant: ...``) of which the data choose one. A wording holds placeholders in
``str.format`` style, ``{name}``, without format specs: the values arrive formatted and
rounded (:mod:`leisurenet.paper.formatting` rounds), so the template decides the words and never the
digits. ``{{`` and ``}}`` are literal braces.

A key is addressed as ``"section.key"``. Rendering checks that every placeholder of the chosen
wording has a value; values the wording does not use are allowed, because an author may drop
a number from a sentence (every variant of a key receives the same values).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

import yaml

from leisurenet.paths import ROOT

DEFAULT = ROOT / "paper" / "sentences.yml"
NAME = re.compile(r"[a-z][a-z0-9_]*")


class WordingError(ValueError):
    """A template that cannot be read, or a key, variant or value that does not fit it."""


def placeholders(text: str, where: str = "<text>") -> list[str]:
    """The placeholder names of ``text`` in order; raises on a malformed one.

    Allowed: ``{name}`` with a lower-case name. Not allowed: positional ``{}`` or ``{0}``,
    attribute or index access, conversions (``!r``) and format specs (``:.2f``).
    """
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise WordingError(
            f"{where}: malformed braces ({error}); write {{{{ and }}}} for literal braces"
        ) from None
    names = []
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if not NAME.fullmatch(field) or spec or conversion:
            shown = (
                "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            )
            raise WordingError(
                f"{where}: placeholder {shown} is not a plain {{name}} (lower-case letters, digits, "
                "underscores; no format spec: the pipeline formats the numbers)"
            )
        names.append(field)
    return names


@dataclass(frozen=True)
class Wording:
    """A validated template: ``texts["section.key"]`` maps variant names to wordings.

    A key written as one string has the single variant ``None``.
    """

    texts: dict[str, dict[str | None, str]]
    source: str = "<template>"

    @classmethod
    def from_yaml(cls, path: str | Path = DEFAULT) -> Wording:
        try:
            spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise WordingError(f"{path}: not valid YAML: {error}") from None
        return cls.from_dict(spec, str(path))

    @classmethod
    def from_dict(cls, spec, source: str = "<template>") -> Wording:
        """Validate ``{section: {key: text | {variant: text}}}`` and index it by "section.key"."""
        if not isinstance(spec, dict):
            raise WordingError(f"{source}: the template must be a mapping of sections")
        texts = {}
        for section, keys in spec.items():
            _check_name(section, f"{source}: section")
            if not isinstance(keys, dict):
                raise WordingError(f"{source}: section '{section}' must map keys to wordings")
            for key, value in keys.items():
                _check_name(key, f"{source}: key in section '{section}'")
                texts[f"{section}.{key}"] = _variants(value, f"{source}: {section}.{key}")
        return cls(texts, source)

    def variants(self, key: str) -> list[str | None]:
        return list(self._entry(key))

    def render(self, key: str, variant: str | None = None, /, **values) -> str:
        """The wording of ``key`` (its ``variant``, if it has variants) with ``values`` filled in.

        Values must be text or whole numbers: a float would print unrounded.
        """
        entry = self._entry(key)
        where = f"{self.source}: {key}" + (f" (variant '{variant}')" if variant is not None else "")
        if variant not in entry:
            known = ", ".join(str(v) for v in entry)
            wanted = "no variant" if variant is None else f"no variant '{variant}'"
            raise WordingError(f"{self.source}: {key} has {wanted}; its variants: {known}")
        text = entry[variant]
        missing = [name for name in placeholders(text, where) if name not in values]
        if missing:
            given = ", ".join(sorted(values)) or "none"
            raise WordingError(f"{where}: no value for placeholder {{{missing[0]}}} (values given: {given})")
        for name, value in values.items():
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise WordingError(f"{where}: value '{name}' is a {type(value).__name__}, not formatted text")
        return text.format_map(values)

    def _entry(self, key: str) -> dict[str | None, str]:
        if key not in self.texts:
            raise WordingError(f"{self.source}: no key '{key}' (keys are written 'section.key')")
        return self.texts[key]


def _check_name(name, what: str) -> None:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise WordingError(f"{what} {name!r} is not a lower-case name (letters, digits, underscores)")


def _variants(value, where: str) -> dict[str | None, str]:
    """One wording (``{None: text}``) or named variants, every one a string with valid placeholders."""
    if isinstance(value, str):
        placeholders(value, where)
        return {None: value}
    if not isinstance(value, dict) or not value:
        raise WordingError(f"{where}: a wording must be a string or a mapping of variants to strings")
    for variant, text in value.items():
        _check_name(variant, f"{where}: variant")
        if not isinstance(text, str):
            raise WordingError(
                f"{where}: variant '{variant}' is {type(text).__name__}, not a string (write '' for no text)"
            )
        placeholders(text, f"{where} (variant '{variant}')")
    return dict(value)
