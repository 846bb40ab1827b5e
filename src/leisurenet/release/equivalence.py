"""Judging a rebuild against a manifest: IDENTICAL, EQUIVALENT or DIFFERENT.

``IDENTICAL``
    Every output byte for byte, and the same inputs.
``EQUIVALENT``
    Some outputs differ in their bytes, but every number agrees within the tolerance
    (:class:`Tolerance`), and everything a reader sees is the same: the paper's text word
    for word, every table as printed, the data behind every figure.
``DIFFERENT``
    Anything beyond that: an input, a count, a code or a label, a number beyond the
    tolerance, a word of the paper, an output only one run has, or a file that differs and
    carries no content to judge it by (respondent-level data, logs).

The machine a run was made on (its BLAS kernel, CPU, OS, cores, Python and package
versions) and the project's git state are reported, never counted.

How each output is compared follows its kind in ``manifest_content.json``
(:mod:`leisurenet.release.content`): a table cell by cell (integers, labels and codes exactly,
other numbers within the tolerance; a checksum of another output as that output); the
text of the paper's assets with its values apart (wording exactly, values within the
tolerance); a rendered document by the text a reader sees; a figure by its data.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from leisurenet.release.content import _SENTENCE_END

IDENTICAL, EQUIVALENT, DIFFERENT = "IDENTICAL", "EQUIVALENT", "DIFFERENT"
# The sections of a manifest that describe the machine and the checkout, not the results.
FACT_SECTIONS = ("project", "platform", "python", "packages", "tolerance")
SHOWN = 5  # numbers, sentences or cells listed per output that differs (then "and N more")
SHOWN_NUMBERS = 8  # numbers of the paper listed under an output that differs

_INTEGER = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?inf", re.IGNORECASE)
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Tolerance:
    """Two numbers agree when ``|a - b| <= atol + rtol * max(|a|, |b|)``.

    The defaults (also those of ``verify`` in ``workflow/schemas/config.schema.yaml``):
    ``rtol`` 1e-6 is more than two thousand times what another BLAS kernel moves a fitted
    number here (at most 4e-10, relative, over ten of OpenBLAS's x86-64 kernels) and a
    thousand times finer than the last digit the paper
    prints of any number (three significant digits at most, 1e-3); ``atol`` 1e-10 lets
    a quantity that is zero up to rounding (a bias of 1e-17 against -2e-17) agree.
    """

    rtol: float = 1e-6
    atol: float = 1e-10

    def agree(self, a: float, b: float) -> bool:
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if math.isinf(a) or math.isinf(b):
            return a == b
        return abs(a - b) <= self.atol + self.rtol * max(abs(a), abs(b))

    @classmethod
    def of(cls, settings: Mapping | None) -> Tolerance:
        """From a ``verify`` mapping (the config's or a manifest's); defaults where absent."""
        settings = settings or {}
        return cls(
            float(settings.get("rtol", cls.rtol)),
            float(settings.get("atol", cls.atol)),
        )

    def __str__(self) -> str:
        return f"rtol = {self.rtol:g}, atol = {self.atol:g}"


def relative_difference(a: float, b: float) -> float:
    scale = max(abs(a), abs(b))
    return 0.0 if a == b else abs(a - b) / scale


def _number(text: str) -> float | None:
    return float(text) if _FLOAT.fullmatch(text.strip()) else None


@dataclass
class Moved:
    """A value that moved: where (row and column, or position), old and new."""

    where: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.where}: {self.old} -> {self.new}" if self.new else f"{self.where}: {self.old}"


@dataclass
class Verdict:
    """How one output compares: ``status`` identical, equivalent or different, with what
    moved and the largest relative difference within the tolerance."""

    path: str
    kind: str
    status: str
    reason: str = ""
    moved: list[Moved] = field(default_factory=list)
    n_moved: int = 0
    largest: tuple[float, str] | None = None  # (relative difference, where: old vs new)


class _Cells:
    """Compares cells one by one, keeping the largest agreeing difference and what moved."""

    def __init__(self, tolerance: Tolerance, same_output=None):
        self.tolerance = tolerance
        self.same_output = same_output or (lambda old, new: False)
        self.largest: tuple[float, str] | None = None
        self.moved: list[Moved] = []
        self.n_moved = 0

    def compare(self, where: str, old: str, new: str) -> None:
        if old == new:
            return
        a, b = _number(old), _number(new)
        exact = a is None or b is None or (_INTEGER.fullmatch(old) and _INTEGER.fullmatch(new))
        if _SHA256.fullmatch(old) and _SHA256.fullmatch(new):
            agree = self.same_output(old, new)
        elif exact:
            agree = False
        else:
            agree = self.tolerance.agree(a, b)
            difference = relative_difference(a, b)
            if agree and (self.largest is None or difference > self.largest[0]):
                self.largest = (difference, f"{where}: {old} vs {new}")
        if not agree:
            self.n_moved += 1
            if len(self.moved) < SHOWN:
                self.moved.append(Moved(where, old, new))


def _row_label(columns: list[str], row: list[str]) -> str:
    """A row named by its first cell (with its column's name when a number: ``replicate
    988``) and the text cells after it, up to the first number (``rep_voice_ordinal /
    size_class[large]``)."""
    if not columns or not row:
        return "(empty row)"
    key = [f"{columns[0]} {row[0]}" if _number(row[0]) is not None else row[0]]
    for cell in row[1 : len(columns)]:
        if _number(cell) is not None or len(key) == 3:
            break
        if cell and cell not in ("True", "False"):
            key.append(cell)
    return " / ".join(key)


def compare_tables(old: Mapping, new: Mapping, tolerance: Tolerance, same_output=None) -> Verdict:
    """Two ``table`` records, cell by cell (the verdict's path and kind are filled in by the
    caller)."""
    verdict = Verdict("", "table", EQUIVALENT)
    if old["columns"] != new["columns"]:
        verdict.status = DIFFERENT
        verdict.reason = f"its columns differ: {', '.join(old['columns'])} -> {', '.join(new['columns'])}"
        return verdict
    if len(old["rows"]) != len(new["rows"]):
        verdict.status, verdict.reason = DIFFERENT, f"{len(old['rows'])} rows -> {len(new['rows'])}"
    cells = _Cells(tolerance, same_output)
    columns = old["columns"]
    for a, b in zip(old["rows"], new["rows"], strict=False):
        label = _row_label(columns, a)
        if len(a) != len(b):
            cells.compare(f"row {label}", ",".join(a), ",".join(b))
            continue
        for column, x, y in zip(columns, a, b, strict=True):
            cells.compare(f"row {label}, column {column}", x, y)
    return _finish(verdict, cells, "cell(s)")


def compare_texts(old: Mapping, new: Mapping, tolerance: Tolerance) -> Verdict:
    """Two ``text`` records: the wording exactly, the values within the tolerance."""
    verdict = Verdict("", "text", EQUIVALENT)
    if old["wording_sha256"] != new["wording_sha256"]:
        verdict.status, verdict.reason = DIFFERENT, "its wording differs (the paper's text below shows where)"
    if len(old["values"]) != len(new["values"]):
        verdict.status = DIFFERENT
        verdict.reason = verdict.reason or f"{len(old['values'])} numbers -> {len(new['values'])}"
        return verdict
    cells = _Cells(tolerance)
    for i, (a, b) in enumerate(zip(old["values"], new["values"], strict=True)):
        cells.compare(f"number {i + 1}", a, b)
    return _finish(verdict, cells, "number(s)")


def _finish(verdict: Verdict, cells: _Cells, unit: str) -> Verdict:
    verdict.largest, verdict.moved, verdict.n_moved = cells.largest, cells.moved, cells.n_moved
    if cells.n_moved:
        verdict.status = DIFFERENT
        verdict.reason = verdict.reason or f"{cells.n_moved} {unit} beyond the tolerance"
    return verdict


def _sentences(block: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(block) if s]


CONTEXT = 6  # words shown on either side of a change in a sentence


def excerpt(old: str, new: str) -> str:
    """Where two sentences differ, word by word, with a few words around each change:
    ``... resampling the respondents [2,000 -> 1,999] times, which ...`` (at most three
    changes; a sentence added or removed is shown whole, shortened)."""
    a, b = old.split(), new.split()
    if not a or not b:
        words = a or b
        text = " ".join(words[: 4 * CONTEXT]) + (" ..." if len(words) > 4 * CONTEXT else "")
        return f"[{'removed' if a else 'added'}: {text}]"
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        before = " ".join(a[max(0, i1 - CONTEXT) : i1])
        after = " ".join(a[i2 : i2 + CONTEXT])
        parts.append(
            f"{before} [{' '.join(a[i1:i2]) or '(nothing)'} -> {' '.join(b[j1:j2]) or '(nothing)'}] {after}"
        )
        if len(parts) == 3:
            break
    return "... " + " ... ".join(p.strip() for p in parts) + " ..."


def compare_documents(old: Mapping, new: Mapping) -> Verdict:
    """Two ``document`` records by the text a reader sees: each passage that changed (a run
    of sentences or table rows), as :func:`excerpt` shows it, in the document's order."""
    verdict = Verdict("", "document", EQUIVALENT, "the text is the same word for word")
    if old["blocks"] == new["blocks"]:
        return verdict
    a = [s for block in old["blocks"] for s in _sentences(block)]
    b = [s for block in new["blocks"] for s in _sentences(block)]
    verdict.status, verdict.reason = DIFFERENT, "its text differs"
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        verdict.n_moved += 1
        if len(verdict.moved) < SHOWN:
            change = excerpt(" ".join(a[i1:i2]), " ".join(b[j1:j2]))
            verdict.moved.append(Moved(f"sentence {i1 + 1}", change, ""))
    return verdict


# --- whole manifests ------------------------------------------------------------------------


@dataclass
class Comparison:
    """Two manifests compared: the machine's facts, the inputs and every output."""

    tolerance: Tolerance
    facts: pd.DataFrame  # section, name, expected, actual: information only
    inputs: pd.DataFrame  # name, status, expected, actual: each one makes the runs differ
    outputs: list[Verdict]  # every output, identical ones included
    content: bool  # whether both manifests carried their content

    @property
    def verdict(self) -> str:
        if not self.inputs.empty or any(v.status == DIFFERENT for v in self.outputs):
            return DIFFERENT
        return EQUIVALENT if any(v.status == EQUIVALENT for v in self.outputs) else IDENTICAL

    def differences(self) -> pd.DataFrame:
        """Every difference as one tidy table: ``section``, ``name``, ``status`` (changed,
        missing, extra, equivalent, different), ``expected``, ``actual``, ``counts``
        (whether it makes the runs differ) and ``detail``."""
        rows = [
            [s, n, "changed", e, a, False, "information"] for s, n, e, a in self.facts.itertuples(index=False)
        ]
        rows += [["inputs", n, s, e, a, True, ""] for n, s, e, a in self.inputs.itertuples(index=False)]
        rows += [
            ["outputs", v.path, v.status.lower(), "", "", v.status == DIFFERENT, v.reason]
            for v in self.outputs
            if v.status != IDENTICAL
        ]
        columns = ["section", "name", "status", "expected", "actual", "counts", "detail"]
        return pd.DataFrame(rows, columns=columns).astype({"counts": bool})


def _hash_lookup(manifest: Mapping) -> dict[str, str]:
    return {r["sha256"]: r["path"] for r in manifest["outputs"]}


def _facts(expected: Mapping, actual: Mapping) -> pd.DataFrame:
    rows = []
    for section in FACT_SECTIONS:
        old, new = _flat(expected.get(section)), _flat(actual.get(section))
        for key in sorted(old.keys() | new.keys()):
            if old.get(key) != new.get(key):
                rows.append([section, key, old.get(key, "(not recorded)"), new.get(key, "(not recorded)")])
    return pd.DataFrame(rows, columns=["section", "name", "expected", "actual"])


def _flat(value) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    return {"version": str(value)}


def _inputs(expected: Mapping, actual: Mapping) -> pd.DataFrame:
    def keyed(manifest):
        return {f"{r['name']}: {r['path']}": r["sha256"] for r in manifest["inputs"]}

    old, new = keyed(expected), keyed(actual)
    rows = []
    for key in sorted(old.keys() | new.keys()):
        if key not in new:
            rows.append([key, "missing", old[key], ""])
        elif key not in old:
            rows.append([key, "extra", "", new[key]])
        elif old[key] != new[key]:
            rows.append([key, "changed", old[key], new[key]])
    return pd.DataFrame(rows, columns=["name", "status", "expected", "actual"])


def compare(
    expected: Mapping,
    actual: Mapping,
    expected_content: Mapping | None = None,
    actual_content: Mapping | None = None,
    tolerance: Tolerance | None = None,
) -> Comparison:
    """Compare the manifest under review (``expected``) with a fresh one (``actual``).

    Parameters
    ----------
    expected, actual : mapping
        Manifests as :func:`leisurenet.release.manifest.load_manifest` reads them.
    expected_content, actual_content : mapping, optional
        Their ``manifest_content.json``; without both, an output whose bytes differ is
        DIFFERENT (nothing tells whether it is equivalent).
    tolerance : Tolerance, optional
        Default: the one the manifest under review states (else :class:`Tolerance`'s).
    """
    tolerance = tolerance or Tolerance.of(expected.get("tolerance"))
    old_records = (expected_content or {}).get("outputs", {})
    new_records = (actual_content or {}).get("outputs", {})
    has_content = expected_content is not None and actual_content is not None
    old_hashes, new_hashes = _hash_lookup(expected), _hash_lookup(actual)
    old_outputs = {r["path"]: r["sha256"] for r in expected["outputs"]}
    new_outputs = {r["path"]: r["sha256"] for r in actual["outputs"]}
    verdicts: dict[str, Verdict] = {}

    def judge(path: str) -> Verdict:
        if path in verdicts:
            return verdicts[path]
        verdicts[path] = Verdict(path, "file", DIFFERENT, "compared with itself")  # no cycles
        verdicts[path] = verdict = _judge(path)
        return verdict

    def same_output(old_hash: str, new_hash: str) -> bool:
        path = old_hashes.get(old_hash)
        return path is not None and new_hashes.get(new_hash) == path and judge(path).status != DIFFERENT

    def _judge(path: str) -> Verdict:
        kind = old_records.get(path, {}).get("kind", "file")
        if path not in new_outputs:
            return Verdict(path, kind, DIFFERENT, "only in the manifest under review")
        if path not in old_outputs:
            return Verdict(
                path, new_records.get(path, {}).get("kind", "file"), DIFFERENT, "only in the new run"
            )
        if old_outputs[path] == new_outputs[path]:
            return Verdict(path, kind, IDENTICAL)
        old, new = old_records.get(path), new_records.get(path)
        if old is None or new is None or old["kind"] != new["kind"] or kind == "file":
            why = old.get("why", "") if old else ""
            reason = "its bytes differ" + (f" ({why})" if why else "")
            if not has_content:
                reason += "; no manifest_content.json to judge more"
            return Verdict(path, kind, DIFFERENT, reason)
        if kind == "table":
            verdict = compare_tables(old, new, tolerance, same_output)
        elif kind == "text":
            verdict = compare_texts(old, new, tolerance)
        elif kind == "document":
            verdict = compare_documents(old, new)
        elif kind == "figure":
            verdict = Verdict(
                "", kind, EQUIVALENT, f"only the image's bytes differ: its data {old['data']} agree"
            )
            if judge(old["data"]).status == DIFFERENT:
                verdict.status, verdict.reason = DIFFERENT, f"its data {old['data']} differ"
        else:
            raise ValueError(f"{path}: unknown kind {kind!r} in the manifest's content")
        verdict.path, verdict.kind = path, kind
        return verdict

    for path in sorted(old_outputs.keys() | new_outputs.keys()):
        judge(path)
    return Comparison(
        tolerance,
        _facts(expected, actual),
        _inputs(expected, actual),
        [verdicts[p] for p in sorted(verdicts)],
        has_content,
    )


# --- the report -----------------------------------------------------------------------------


def _paper_numbers(provenance: pd.DataFrame | None, path: str) -> list[str]:
    """What the paper prints from the output ``path``: "62.3% (Section Results, items...)"."""
    if provenance is None or provenance.empty:
        return []
    rows = provenance[provenance["source"] == path]
    return [
        f"{row.text} ({row.location}{', ' + row.variable if row.variable else ''})"
        for row in rows.itertuples()
    ]


def _listed(items: list[str], total: int, limit: int) -> str:
    more = total - min(len(items), limit)
    return "; ".join(items[:limit]) + (f"; and {more} more" if more > 0 else "")


def report(comparison: Comparison, provenance: pd.DataFrame | None = None) -> str:
    """The comparison as text for a reader, ending with the verdict line (``VERIFY: ...``).

    The machine's facts that differ come first (information), then the inputs, then the
    outputs: for EQUIVALENT how many differ only within the tolerance and the largest
    relative difference seen; for DIFFERENT each output that differs with the first
    numbers, sentences or cells that moved and, with ``provenance`` (the paper's
    ``provenance.csv``), the paper's numbers that come from it.
    """
    lines = []
    facts = comparison.facts
    if facts.empty:
        lines.append("machine and software: the same as the manifest's")
    else:
        lines.append(f"machine and software: {len(facts)} difference(s) (information, never counted)")
        for row in facts.itertuples(index=False):
            lines.append(f"  {row.section}: {row.name}: {_short(row.expected)} -> {_short(row.actual)}")
    if comparison.inputs.empty:
        lines.append("inputs: identical")
    else:
        lines.append(f"inputs: {len(comparison.inputs)} difference(s)")
        for row in comparison.inputs.itertuples(index=False):
            lines.append(f"  {row.status:<8} {row.name}  {_short(row.expected)} -> {_short(row.actual)}")
    by_status = {
        s: [v for v in comparison.outputs if v.status == s] for s in (IDENTICAL, EQUIVALENT, DIFFERENT)
    }
    lines.append(
        f"outputs: {len(comparison.outputs)} compared: {len(by_status[IDENTICAL])} identical, "
        f"{len(by_status[EQUIVALENT])} equivalent, {len(by_status[DIFFERENT])} different "
        f"(tolerance {comparison.tolerance})"
    )
    if by_status[EQUIVALENT]:
        largest = max(
            (v for v in by_status[EQUIVALENT] if v.largest), key=lambda v: v.largest[0], default=None
        )
        lines.append(f"  {len(by_status[EQUIVALENT])} output(s) differ only within the tolerance")
        if largest is not None:
            difference, where = largest.largest
            lines.append(f"  largest relative difference {difference:.3g}: {largest.path}, {where}")
        for v in by_status[EQUIVALENT]:
            lines.append(f"  equivalent {v.path}" + (f" ({v.reason})" if v.reason else ""))
    for v in by_status[DIFFERENT]:
        lines.append(f"  DIFFERENT {v.path}: {v.reason}")
        for moved in v.moved:
            lines.append(f"      {moved}")
        if v.n_moved > len(v.moved):
            lines.append(f"      and {v.n_moved - len(v.moved)} more")
        numbers = _paper_numbers(provenance, v.path)
        if numbers:
            lines.append(
                f"      in the paper ({len(numbers)}): {_listed(numbers, len(numbers), SHOWN_NUMBERS)}"
            )
    if not comparison.content:
        lines.append(
            "note: no manifest_content.json beside one of the manifests: outputs were compared by "
            "their bytes alone"
        )
    lines.append(f"VERIFY: {comparison.verdict}")
    return "\n".join(lines)


def _short(value: str) -> str:
    """A SHA-256 shortened for reading (12 hex digits are plenty to tell files apart)."""
    return value[:12] if _SHA256.fullmatch(str(value)) else str(value)
