"""A survey tool's export onto the codebook: the mapping file named by ``data.mapping``.

A survey tool names its columns by its own question codes and words its answers its own
way. The mapping says, once, what they mean::

    columns:          # export column -> codebook ID (item or background variable)
      Q3_1: vis_defined
    labels:           # per response scale: label in the export -> code (or a missing code)
      E5:
        gemiddelde inzet: 3
    drop: [IPAddress, RecipientEmail]   # columns to drop without a warning

The file is checked with everything else and every problem is reported at once, with its
line. The YAML is read as text nodes, not as Python values, so a column named ``no`` or
``1.0`` stays that text. The mapping only renames columns and adds labels: the cells are
read and checked by validation and cleaning exactly as those of an export in codebook form.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from leisurenet.codebook import Codebook, normalise_label, parse_whole_number
from leisurenet.data.ingest.read import read_export
from leisurenet.data.ingest.table import RawTable
from leisurenet.data.validate import close_names
from leisurenet.errors import Problem

SECTIONS = ("columns", "labels", "drop")
NULL_TAG = "tag:yaml.org,2002:null"
EXAMPLE = "columns: {Q3_1: vis_defined}, labels: {E5: {gemiddelde inzet: 3}}, drop: [IPAddress]"


@dataclass
class Mapping:
    """A mapping file's usable entries, each with its line in the file.

    Entries with a problem are left out (the problem is reported), so that the rest of
    the export can still be checked in the same run.
    """

    path: str
    columns: dict[str, str] = field(default_factory=dict)
    labels: dict[str, dict[str, int]] = field(default_factory=dict)
    drop: list[str] = field(default_factory=list)
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)

    def known(self, codebook: Codebook) -> list[str]:
        """The export columns to read: the codebook's and the mapped ones, less those to drop."""
        wanted = dict.fromkeys([*codebook.columns, *self.columns])
        return [c for c in wanted if c not in self.drop]


@dataclass
class Survey:
    """An export read through its mapping, with the codebook that reads its labels."""

    raw: RawTable
    codebook: Codebook
    mapping: Mapping | None
    problems: list[Problem]


def read_survey(
    path: str | Path, codebook: Codebook, mapping_path: str | Path | None = None, sheet: str | None = None
) -> Survey:
    """Read an export, renamed and read through its mapping when one is given.

    Raises :class:`~leisurenet.errors.InputError` when the export cannot be read, and
    returns the mapping's problems (and those of the export against it) otherwise; the
    caller validates the renamed table and reports them all together.
    """
    if mapping_path is None:
        return Survey(read_export(path, sheet=sheet, known=codebook.columns), codebook, None, [])
    mapping, problems = read_mapping(mapping_path, codebook)
    raw = read_export(path, sheet=sheet, known=mapping.known(codebook))
    problems += check_export(mapping, raw)
    return Survey(apply(mapping, raw), codebook.with_labels(mapping.labels), mapping, problems)


# --- reading the file ------------------------------------------------------------------------


def read_mapping(path: str | Path, codebook: Codebook) -> tuple[Mapping, list[Problem]]:
    """The mapping's usable entries and every problem with the file or against the codebook."""
    path = str(path)
    mapping = Mapping(path)
    try:
        root = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return mapping, [
            _problem(
                mapping,
                mark.line + 1 if mark else None,
                f"the file is not valid YAML ({getattr(exc, 'problem', None) or exc})",
                "correct the line; text with a ':' or '#' in it needs quotes around it",
            )
        ]
    if root is None:
        return mapping, [_problem(mapping, 1, "the mapping is empty", f"write its sections, e.g. {EXAMPLE}")]
    problems = []
    for key, value in _pairs(root, mapping, problems, "the file", f"e.g. {EXAMPLE}"):
        if key.value == "columns":
            problems += _read_columns(value, mapping, codebook)
        elif key.value == "labels":
            problems += _read_labels(value, mapping, codebook)
        elif key.value == "drop":
            problems += _read_drop(value, mapping)
        else:
            problems.append(
                _problem(
                    mapping,
                    _line(key),
                    f"'{key.value}' is not a section of a mapping",
                    f"use only {', '.join(SECTIONS)}",
                    value=key.value,
                )
            )
    problems += _check_twice_mapped(mapping)
    return mapping, problems


def _pairs(node, mapping: Mapping, problems: list[Problem], what: str, example: str) -> list[tuple]:
    """The (key, value) nodes of a YAML mapping whose keys are text, each key once."""
    if not isinstance(node, yaml.MappingNode):
        problems.append(
            _problem(mapping, _line(node), f"{what} must be a list of 'name: value' lines", example)
        )
        return []
    pairs, first = [], {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            problems.append(_problem(mapping, _line(key), f"a name in {what} is not plain text", example))
        elif key.value in first:
            problems.append(
                _problem(
                    mapping,
                    _line(key),
                    f"'{key.value}' occurs twice in {what} (also line {first[key.value]})",
                    "keep one of the two lines",
                    value=key.value,
                )
            )
        else:
            first[key.value] = _line(key)
            pairs.append((key, value))
    return pairs


def _text(node) -> str | None:
    """A scalar's text as written, or None for a null or a list or mapping."""
    return node.value if isinstance(node, yaml.ScalarNode) and node.tag != NULL_TAG else None


def _read_columns(node, mapping: Mapping, codebook: Codebook) -> list[Problem]:
    problems: list[Problem] = []
    ids = codebook.columns
    for key, value in _pairs(node, mapping, problems, "columns", "e.g. columns: {Q3_1: vis_defined}"):
        line, target = _line(key), _text(value)
        if target in ids:
            mapping.columns[key.value] = target
            mapping.lines["columns", key.value] = line
            continue
        near = close_names(target or "", ids)
        problems.append(
            _problem(
                mapping,
                line,
                f"column '{key.value}' is mapped onto '{target}', which is not an ID of the codebook"
                if target
                else f"column '{key.value}' is mapped onto nothing",
                (f"did you mean '{near[0]}'? " if near else "")
                + "use an item id or a background variable of the codebook "
                f"({codebook.source}), or delete the line",
                column=key.value,
                value=target,
            )
        )
    return problems


def _read_labels(node, mapping: Mapping, codebook: Codebook) -> list[Problem]:
    problems: list[Problem] = []
    scales = codebook.spec["scales"]
    for key, value in _pairs(node, mapping, problems, "labels", "e.g. labels: {E5: {gemiddelde inzet: 3}}"):
        scale = key.value
        if scale not in scales:
            problems.append(
                _problem(
                    mapping,
                    _line(key),
                    f"'{scale}' is not a response scale of the codebook",
                    f"list the labels under one of the scales {', '.join(scales)} (an item's scale is "
                    f"in {codebook.source})",
                    value=scale,
                )
            )
            continue
        seen: dict[str, int] = {}
        for label_node, code_node in _pairs(
            value, mapping, problems, f"labels of {scale}", f"e.g. {scale}: {{x: 3}}"
        ):
            problem = _check_label(mapping, codebook, scale, label_node, code_node, seen)
            if problem:
                problems.append(problem)
    return problems


def _check_label(
    mapping, codebook: Codebook, scale: str, label_node, code_node, seen: dict
) -> Problem | None:
    """Take one ``label: code`` line of a scale into ``mapping``, or say what is wrong with it."""
    label, line, text = label_node.value, _line(label_node), _text(code_node)
    valid = _describe_codes(codebook, scale)
    code = parse_whole_number(text) if text is not None else None
    if code is None:
        what = "has no code yet" if text is None else f"has '{text}' as its code, which is not a whole number"
        return _problem(
            mapping, line, f"label '{label}' of scale {scale} {what}", f"give it one of {valid}", value=label
        )
    if code not in _scale_codes(codebook, scale) and code not in codebook.dont_know_codes:
        return _problem(
            mapping,
            line,
            f"label '{label}' is mapped to {code}, which is neither a code of scale {scale} "
            "nor a missing code",
            f"use one of {valid}",
            value=label,
        )
    meaning = codebook.label_meaning(scale, label)
    means = "dont_know" if code in codebook.dont_know_codes else code
    if meaning is not None and meaning != means:
        said = "a missing answer ('weet niet')" if meaning == "dont_know" else f"code {meaning}"
        return _problem(
            mapping,
            line,
            f"label '{label}' is mapped to {code}, but the codebook already reads it as {said} "
            f"of scale {scale}",
            "delete the line: a mapping adds labels, it cannot change the codebook's; if the export really "
            "gives this label another meaning, recode those cells in the survey tool before exporting",
            value=label,
        )
    normal = normalise_label(label)
    if normal in seen and seen[normal] != code:
        return _problem(
            mapping,
            line,
            f"label '{label}' of scale {scale} is mapped to {code} here and to {seen[normal]} above "
            "(labels are compared ignoring case and spaces)",
            "keep one of the two lines",
            value=label,
        )
    seen[normal] = code
    mapping.labels.setdefault(scale, {})[label] = code
    mapping.lines["labels", scale, label] = line
    return None


def _read_drop(node, mapping: Mapping) -> list[Problem]:
    if isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG:
        return []
    if not isinstance(node, yaml.SequenceNode):
        return [
            _problem(mapping, _line(node), "drop must be a list of column names", "e.g. drop: [IPAddress]")
        ]
    problems = []
    for item in node.value:
        name = _text(item)
        if name is None:
            problems.append(
                _problem(
                    mapping, _line(item), "an entry of drop is not a column name", "e.g. drop: [IPAddress]"
                )
            )
        elif name in mapping.columns:
            problems.append(
                _problem(
                    mapping,
                    _line(item),
                    f"column '{name}' is both mapped (line {mapping.lines['columns', name]}) and dropped",
                    "delete it from drop, or delete its line under columns",
                    column=name,
                )
            )
        else:
            mapping.drop.append(name)
            mapping.lines["drop", name] = _line(item)
    return problems


def _check_twice_mapped(mapping: Mapping) -> list[Problem]:
    """Two columns mapped onto one codebook ID: neither is taken."""
    counts = Counter(mapping.columns.values())
    problems = []
    for target in (t for t, n in counts.items() if n > 1):
        sources = [c for c, t in mapping.columns.items() if t == target]
        lines = ", ".join(str(mapping.lines["columns", c]) for c in sources)
        problems.append(
            _problem(
                mapping,
                mapping.lines["columns", sources[1]],
                f"{len(sources)} columns are mapped onto '{target}': "
                f"{', '.join(map(repr, sources))} (lines {lines})",
                f"map only the column that holds {target}; delete the other lines or correct their ID",
                column=sources[1],
                value=target,
            )
        )
        for source in sources:
            del mapping.columns[source]
    return problems


# --- the mapping against the export ------------------------------------------------------------


def check_export(mapping: Mapping, raw: RawTable) -> list[Problem]:
    """Mapped or dropped columns the export does not have, and IDs that two columns would take."""
    present = [*raw.data.columns, *raw.ignored]
    problems = []
    for section, names in (("columns", list(mapping.columns)), ("drop", list(mapping.drop))):
        for name in names:
            if name in present:
                continue
            near = close_names(name, [p for p in present if p not in mapping.columns])
            problems.append(
                _problem(
                    mapping,
                    mapping.lines[section, name],
                    f"column '{name}' is not in the export {raw.path}",
                    (f"did you mean '{near[0]}'? " if near else "")
                    + "write the column's name as the export's first header row (for .sav: the variable "
                    "name) has it, or delete the line",
                    column=name,
                )
            )
            if section == "columns":
                del mapping.columns[name]
            else:
                mapping.drop.remove(name)
    for source, target in list(mapping.columns.items()):
        if target in raw.data.columns and target not in mapping.columns:
            problems.append(
                _problem(
                    mapping,
                    mapping.lines["columns", source],
                    f"column '{source}' is mapped onto '{target}', but the export already has a column named "
                    f"'{target}'",
                    f"map only one column onto {target}: delete this line, or list the export's '{target}' "
                    "under drop if it is not the one to use",
                    column=source,
                    value=target,
                )
            )
            del mapping.columns[source]
    return problems


def apply(mapping: Mapping, raw: RawTable) -> RawTable:
    """The export with its mapped columns renamed to codebook IDs and its dropped columns
    no longer reported as unknown."""
    rename = {c: t for c, t in mapping.columns.items() if c in raw.data.columns}
    dropped = [c for c in raw.ignored if c in mapping.drop]
    notes = list(raw.notes)
    if rename:
        notes.append(f"mapping {mapping.path}: {len(rename)} column(s) renamed to codebook IDs")
    if dropped:
        notes.append(f"mapping {mapping.path}: {len(dropped)} column(s) dropped as it lists them under drop")
    if mapping.labels:
        n = sum(len(labels) for labels in mapping.labels.values())
        notes.append(f"mapping {mapping.path}: {n} answer label(s) given codes")
    return dataclasses.replace(
        raw,
        data=raw.data.rename(columns=rename),
        declared_missing={rename.get(c, c): v for c, v in raw.declared_missing.items()},
        value_labels={rename.get(c, c): v for c, v in raw.value_labels.items()},
        questions={rename.get(c, c): v for c, v in raw.questions.items()},
        notes=notes,
        ignored=[c for c in raw.ignored if c not in mapping.drop],
    )


def export_names(problems: list[Problem], mapping: Mapping | None, path: str) -> list[Problem]:
    """The problems of the export ``path`` with each renamed column named as in the export too."""
    if mapping is None:
        return problems
    source = {t: c for c, t in mapping.columns.items()}
    return [
        dataclasses.replace(p, column=f"{source[p.column]} (mapped to {p.column})")
        if p.file == path and p.column in source
        else p
        for p in problems
    ]


# --- helpers -----------------------------------------------------------------------------------


def _problem(mapping: Mapping, line: int | None, message: str, fix: str, **where) -> Problem:
    return Problem(file=mapping.path, message=message, fix=fix, row=line, **where)


def _line(node) -> int:
    return node.start_mark.line + 1


def _scale_codes(codebook: Codebook, scale: str) -> list[int]:
    return sorted(int(c) for c in codebook.spec["scales"][scale]["codes"])


def _describe_codes(codebook: Codebook, scale: str) -> str:
    codes = ", ".join(f"{c} = {v['nl']}" for c, v in codebook.spec["scales"][scale]["codes"].items())
    missing = ", ".join(map(str, sorted(codebook.dont_know_codes)))
    return (
        f"the codes of scale {scale} ({codes}) or a missing code ({missing}: weet niet / niet van toepassing)"
    )
