"""The codebook: items, response scales, missing codes and multi-item scales.

Everything the pipeline knows about an item comes from ``config/codebook.yaml``; this
module loads it, validates it (JSON schema, then the cross-references a schema cannot
express) and answers the questions the stages ask of it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import jsonschema
import yaml

from leisurenet.paths import SCHEMAS

COLLAPSE_LEVELS = ("negative", "neutral", "positive")
MISSING_TYPES = ("dont_know", "blank")


def normalise_label(text: str) -> str:
    """Case- and whitespace-insensitive form of an answer label (Unicode NFC, so a label
    typed with a separate combining accent matches the precomposed one)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text))).strip().casefold()


@dataclass(frozen=True)
class Answer:
    """How one raw cell is read: a scale code, or a missing answer of a given type.

    ``rule`` names the reading so the cleaning log can say why a cell changed:
    ``code`` (already a code), ``code_format`` (a code written as e.g. ``4.0``),
    ``label`` (a Dutch or English label, or a variant the codebook lists), ``missing_code``,
    ``missing_label``, ``mapping_label`` (a label the mapping gives a code, ``data.mapping``),
    ``mapping_missing_label`` (one it gives a missing code), ``declared_missing`` (a
    user-missing value declared in an SPSS file), ``blank``.
    ``code`` and ``missing`` are both ``None`` when the cell cannot be read.
    """

    code: int | None
    missing: str | None
    rule: str | None


# libyaml's safe loader where PyYAML was built with it: the same objects, ten times faster;
# the workflow reads the codebook on every start (a no-op run included).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Codebook:
    """A validated codebook. Build it with :meth:`from_yaml`."""

    def __init__(self, spec: dict, source: str = "<codebook>"):
        self.spec = spec
        self.source = source
        # Labels a mapping gives codes (scale -> normalised label -> code); see with_labels.
        self.mapped: dict[str, dict[str, int]] = {}
        _check_cross_references(spec, source)

    def with_labels(self, labels: dict[str, dict[str, int]]) -> Codebook:
        """This codebook, also reading the given labels (scale -> label -> code), as a
        mapping of a survey tool's export gives them (:mod:`leisurenet.data.mapping`, which
        checks them first). A code may be one of the missing codes."""
        extended = Codebook.__new__(Codebook)
        extended.spec, extended.source = self.spec, self.source
        extended.mapped = {
            scale: {normalise_label(label): int(code) for label, code in pairs.items()}
            for scale, pairs in labels.items()
        }
        return extended

    @classmethod
    def from_yaml(cls, path: str | Path) -> Codebook:
        path = Path(path)
        with open(path, encoding="utf-8") as fh:
            spec = yaml.load(fh, Loader=SAFE_LOADER)
        schema = yaml.load((SCHEMAS / "codebook.schema.yaml").read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(spec), key=str)
        if errors:
            details = "\n".join(
                f"  at {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors
            )
            raise ValueError(f"{path}: the codebook does not match its schema:\n{details}")
        return cls(spec, str(path))

    # --- items and scales -------------------------------------------------------------

    @cached_property
    def items(self) -> dict[str, dict]:
        return {item["id"]: item for item in self.spec["items"]}

    @property
    def item_ids(self) -> list[str]:
        return list(self.items)

    @property
    def background(self) -> dict[str, dict]:
        return self.spec["background"]

    @property
    def columns(self) -> list[str]:
        """The columns an export may hold: the background variables (the id among them) and the items."""
        return [*self.background, *self.item_ids]

    @property
    def multi_item_scales(self) -> dict[str, dict]:
        return self.spec.get("multi_item_scales", {})

    def scale(self, item_id: str) -> dict:
        return self.spec["scales"][self.items[item_id]["scale"]]

    def codes(self, item_id: str) -> list[int]:
        return sorted(int(c) for c in self.scale(item_id)["codes"])

    def code_range(self, item_id: str) -> tuple[int, int]:
        codes = self.codes(item_id)
        return codes[0], codes[-1]

    def collapse_map(self, item_id: str) -> dict[int, str]:
        return {int(c): v["collapse"] for c, v in self.scale(item_id)["codes"].items()}

    def collapse_levels(self, item_id: str) -> list[str]:
        present = set(self.collapse_map(item_id).values())
        return [level for level in COLLAPSE_LEVELS if level in present]

    def items_where(self, **conditions) -> list[str]:
        """Item ids whose codebook entry has all the given key/value pairs, in codebook order."""
        return [i for i, spec in self.items.items() if all(spec.get(k) == v for k, v in conditions.items())]

    @property
    def dont_know_codes(self) -> set[int]:
        return set(self.spec["missing"]["dont_know"]["codes"])

    # --- reading raw answers ----------------------------------------------------------

    @cached_property
    def _label_index(self) -> dict[str, dict[str, int]]:
        return {name: _scale_labels(scale)[0] for name, scale in self.spec["scales"].items()}

    def label_meaning(self, scale: str, text: str) -> int | str | None:
        """What the codebook itself reads a label of ``scale`` as: its code, ``'dont_know'``
        for a missing label, or None for a label it does not know."""
        label = normalise_label(text)
        code = self._label_index[scale].get(label)
        if code is not None:
            return code
        return "dont_know" if label in self._missing_labels else None

    def label_codes(self, item_id: str) -> dict[str, int]:
        """The item's scale labels (Dutch and English, normalised) and their codes."""
        return self._label_index[self.items[item_id]["scale"]]

    @cached_property
    def _missing_labels(self) -> set[str]:
        spec = self.spec["missing"]["dont_know"]
        return {normalise_label(x) for x in [*spec["labels_nl"], spec["label_nl"], spec["label_en"]]}

    def interpret(self, item_id: str, token: str, declared_missing: frozenset = frozenset()) -> Answer:
        """Read one raw cell of an item column (already a string; blank is '').

        ``declared_missing`` holds the values a file itself declares missing (SPSS
        user-missing values), which count as "weet niet" whatever their code.
        """
        text = token.strip()
        if text == "":
            return Answer(None, "blank", "blank")
        number = parse_whole_number(text)
        if number is not None:
            exact = str(number) == text
            if text in declared_missing or str(number) in declared_missing:
                return Answer(None, "dont_know", "declared_missing")
            if number in self.codes(item_id):
                return Answer(number, None, "code" if exact else "code_format")
            if number in self.dont_know_codes:
                return Answer(None, "dont_know", "missing_code")
            return Answer(None, None, None)
        label = normalise_label(text)
        code = self.label_codes(item_id).get(label)
        if code is not None:
            return Answer(code, None, "label")
        if label in self._missing_labels:
            return Answer(None, "dont_know", "missing_label")
        code = self.mapped.get(self.items[item_id]["scale"], {}).get(label)
        if code in self.dont_know_codes:
            return Answer(None, "dont_know", "mapping_missing_label")
        if code is not None:
            return Answer(code, None, "mapping_label")
        return Answer(None, None, None)

    def describe_valid(self, item_id: str) -> str:
        """The accepted answers of an item, for error messages."""
        scale = self.scale(item_id)
        codes = ", ".join(f"{c} = {v['nl']}" for c, v in scale["codes"].items())
        missing = ", ".join(str(c) for c in sorted(self.dont_know_codes))
        return f"codes {codes}; missing: {missing}, 'weet niet' or blank"


# Digits with an optional minus sign, then at most a decimal point or comma and one or two
# zeros. Not three: '12.000' and '4,000' are a Dutch or English thousands separator as often
# as decimals, so they are refused rather than guessed.
_WHOLE = re.compile(r"(-?[0-9]+)(?:[.,]0{1,2})?")


def parse_whole_number(text: str) -> int | None:
    """A whole number written as digits; anything else is None. The one parser of whole
    numbers: item codes (:meth:`Codebook.interpret`) and populations (validation, cleaning).

    Accepted, after stripping surrounding spaces: ASCII digits with an optional leading
    ``-`` (the caller checks a minimum, so that ``-3`` gets "must be at least 1" rather than
    "not a number"), and an optional decimal point or comma followed by one or two zeros
    (``4.0``, ``4,0``, ``12000.00``: how spreadsheets in either locale write a whole number;
    a decimal part of one or two digits cannot be a thousands group). Refused: ``12.000``
    and ``4,000`` (a point or comma followed by three digits is a thousands separator as
    often as a decimal point, so it is not guessed), any other decimals (``4.5``), thousands
    separators (``12,000``, ``12 000``), a leading ``+`` (no export writes one; it is
    reported rather than read), exponents and non-ASCII digits.

    Examples
    --------
    >>> [parse_whole_number(t) for t in ("12000", "12000.0", " 4,00 ", "-3", "12.000", "+4", "4.5", "abc")]
    [12000, 12000, 4, -3, None, None, None, None]
    """
    match = _WHOLE.fullmatch(str(text).strip())
    return int(match.group(1)) if match else None


def _scale_labels(scale: dict) -> tuple[dict[str, int], list[str]]:
    """A scale's labels (Dutch, English and variants, normalised) with their codes, and
    every label that the codebook gives two codes."""
    labels: dict[str, int] = {}
    clashes = []
    for code, spec in scale["codes"].items():
        for text in dict.fromkeys([spec["nl"], spec["en"], *spec.get("variants", [])]):
            label = normalise_label(text)
            if labels.setdefault(label, int(code)) != int(code):
                clashes.append(f"label '{text}' is given to codes {labels[label]} and {code}")
    return labels, clashes


def _check_cross_references(spec: dict, source: str) -> None:
    problems = []
    ids = [item["id"] for item in spec["items"]]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"item ids occur more than once: {duplicates}")
    overlap = set(ids) & set(spec["background"])
    if overlap:
        problems.append(f"item ids also used as background variables: {sorted(overlap)}")
    for item in spec["items"]:
        for key, table in (
            ("scale", "scales"),
            ("construct", "constructs"),
            ("domain", "domains"),
            ("role", "roles"),
        ):
            if key in item and item[key] not in spec.get(table, {}):
                problems.append(f"item {item['id']}: {key} '{item[key]}' is not defined under {table}")
    missing = spec["missing"]["dont_know"]
    missing_labels = {
        normalise_label(x) for x in [*missing["labels_nl"], missing["label_nl"], missing["label_en"]]
    }
    for name, scale in spec["scales"].items():
        labels, clashes = _scale_labels(scale)
        problems += [f"scale {name}: {clash}" for clash in clashes]
        problems += [
            f"scale {name}: label '{label}' of code {code} is also a missing label"
            for label, code in labels.items()
            if label in missing_labels
        ]
        overlap = {int(c) for c in scale["codes"]} & set(spec["missing"]["dont_know"]["codes"])
        if overlap:
            problems.append(f"scale {name}: codes {sorted(overlap)} are also missing codes")
        for level in {v["collapse"] for v in scale["codes"].values()} - set(scale["collapsed"]):
            problems.append(f"scale {name}: collapse level '{level}' has no label under 'collapsed'")
    scales_of = {item["id"]: item["scale"] for item in spec["items"]}
    for name, ms in spec.get("multi_item_scales", {}).items():
        unknown = [i for i in ms["items"] + ms.get("reverse", []) if i not in scales_of]
        if unknown:
            problems.append(f"multi-item scale {name}: unknown items {unknown}")
            continue
        if len({scales_of[i] for i in ms["items"]}) > 1:
            problems.append(f"multi-item scale {name}: its items use different response scales")
        if not set(ms.get("reverse", [])) <= set(ms["items"]):
            problems.append(f"multi-item scale {name}: reverse lists items that are not in the scale")
        if ms["min_valid"] > len(ms["items"]):
            problems.append(f"multi-item scale {name}: min_valid exceeds its number of items")
    if problems:
        raise ValueError(f"{source}: the codebook is inconsistent:\n  " + "\n  ".join(problems))
