"""The proposal: every column's and label's match, and how it is written for a person to check.

:func:`propose` matches an export's columns (``columns``) and answer labels (``labels``);
the :class:`Proposal` writes itself as mapping YAML with a comment on every line and as a
Markdown report (:func:`write_proposal` writes both files).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from leisurenet.codebook import Codebook
from leisurenet.data.ingest.table import RawTable
from leisurenet.data.propose.columns import ColumnMatch, match_columns
from leisurenet.data.propose.labels import LabelMatch, match_labels
from leisurenet.io import atomic_path

STATUSES = ("exact", "certain", "uncertain", "none", "drop")


@dataclass
class Proposal:
    """A proposed mapping of one export, with everything needed to write and explain it."""

    path: str
    layout: str
    codebook: Codebook
    columns: list[ColumnMatch]
    labels: list[LabelMatch]
    warnings: list[str] = field(default_factory=list)

    def matched(self) -> list[ColumnMatch]:
        """The columns proposed for a codebook ID, in the export's order."""
        return [m for m in self.columns if m.target is not None]

    def counts(self) -> dict[str, int]:
        """How many columns have each status, and how many labels must be filled in or reviewed."""
        counts = {s: sum(m.status == s for m in self.columns) for s in STATUSES}
        counts["labels"] = len(self.labels)
        counts["labels_fill"] = sum(x.status == "fill" for x in self.labels)
        counts["labels_review"] = sum(x.status == "uncertain" for x in self.labels)
        return counts

    def mapping(self) -> dict:
        """The mapping as the YAML loads (nulls where the user must fill in a code)."""
        labels: dict[str, dict[str, int | None]] = {}
        for x in self.labels:
            labels.setdefault(x.scale, {})[x.label] = x.code
        out: dict = {"columns": {m.column: m.target for m in self.matched()}, "labels": labels}
        drop = [m.column for m in self.columns if m.status == "drop"]
        if drop:
            out["drop"] = drop
        return out

    def to_yaml(self) -> str:
        """The proposal in the mapping format, one comment with the score on every line."""
        return _yaml(self)

    def report(self) -> str:
        """A Markdown report: file, layout, counts, every column and label, and what to do next."""
        return _report(self)


def propose(raw: RawTable, codebook: Codebook) -> Proposal:
    """Propose a mapping of ``raw``'s columns and answer labels onto ``codebook``.

    Parameters
    ----------
    raw : RawTable
        The export read with all its columns (``read_export`` without ``known``); its
        ``layout`` and ``questions`` (question texts or SPSS variable labels) are used
        where present.
    codebook : Codebook

    Returns
    -------
    Proposal
        Every column with its match, score and status, and the labels of the matched item
        columns' scales that the codebook does not already read. Only the cells of columns
        matched to items are read.
    """
    layout = getattr(raw, "layout", "plain")
    questions = dict(getattr(raw, "questions", {}) or {})
    columns = match_columns([str(c) for c in raw.data.columns], questions, codebook, layout)
    warnings: list[str] = []
    labels = match_labels(raw, codebook, columns, warnings)
    return Proposal(raw.path, layout, codebook, columns, labels, warnings)


# --- writing -----------------------------------------------------------------------------------

_PLAIN_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def yaml_key(text: str) -> str:
    """A mapping key as YAML: plain when safe, else double-quoted (a JSON string is valid YAML).

    Examples
    --------
    >>> [yaml_key(k) for k in ("Q3_1", "Duration (in seconds)", "No", "G02Q05[SQ001]")]
    ['Q3_1', '"Duration (in seconds)"', '"No"', '"G02Q05[SQ001]"']
    """
    if _PLAIN_KEY.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    """A one-line comment (newlines in a column name or question must not end it)."""
    return " ".join(str(text).split())


def _column_comment(m: ColumnMatch) -> str:
    """The comment of a column's line: its score, what matched, the runner-up and margin."""
    runner = f"; runner-up {m.runner_up} {m.runner_up_score:.2f}" if m.runner_up else "; no runner-up"
    runner += f", margin {m.margin:.2f}"
    if m.status == "exact":
        return "# score 1.00: named by its codebook ID"
    if m.status == "uncertain":
        return _comment(f"# REVIEW score {m.score:.2f} ({m.via}){runner}")
    return _comment(f"# score {m.score:.2f} ({m.via}){runner}")


def _label_comment(x: LabelMatch) -> str:
    """The comment of a label's line: where its code comes from, REVIEW, or FILL IN."""
    if x.status == "fill":
        return _comment(f"# {x.note}")
    if x.status == "uncertain":
        return _comment(f"# REVIEW: {x.note}")
    return _comment(f"# {x.note}" if x.note else "# certain")


def _yaml(p: Proposal) -> str:
    """The proposal as mapping YAML (see :meth:`Proposal.to_yaml`)."""
    c = p.counts()
    lines = [
        f"# PROPOSED mapping of {_comment(Path(p.path).name)} (layout: {p.layout}) onto the codebook",
        f"# {_comment(p.codebook.source)}, written by 'python -m leisurenet.propose'.",
        "# A proposal only: the pipeline never reads this file. Check every line (above all those",
        "# marked REVIEW, and replace every null marked FILL IN by a code), save the checked copy",
        "# elsewhere (e.g. config/mapping.yaml) and set data.mapping in your configuration to it.",
        "# Scores run from 0 to 1 (1: the same text). Columns: "
        f"{c['exact'] + c['certain']} certain, {c['uncertain']} to review, {c['none']} unmatched, "
        f"{c['drop']} dropped.",
        "columns:",
    ]
    matched = p.matched()
    for m in matched:
        lines.append(f"  {yaml_key(m.column)}: {m.target}  {_column_comment(m)}")
    if not matched:
        lines[-1] = "columns: {}  # no column matched"
    lines.append("labels:")
    scales = list(dict.fromkeys(x.scale for x in p.labels))
    for scale in scales:
        spec = p.codebook.spec["scales"][scale]
        lines.append(f"  {scale}:  # scale {spec['name_nl']}; codes {', '.join(map(str, spec['codes']))}")
        for x in (x for x in p.labels if x.scale == scale):
            code = "null" if x.code is None else str(x.code)
            # labels always quoted: "n.v.t.", "-" or "ja: soms" would otherwise not load as text
            lines.append(f"    {json.dumps(x.label, ensure_ascii=False)}: {code}  {_label_comment(x)}")
    if not scales:
        lines[-1] = "labels: {}  # the codebook reads every answer label of the matched columns"
    drop = [m for m in p.columns if m.status == "drop"]
    if drop:
        lines.append("drop:")
        lines += [f"  - {yaml_key(m.column)}  # {m.note}, by its name" for m in drop]
    unmatched = [m for m in p.columns if m.status == "none"]
    if unmatched:
        lines += [
            "# Columns matched to nothing (dropped at ingestion with a warning unless you map",
            "# them above or list them under drop):",
        ]
        lines += [f"#   {_comment(m.column)}" for m in unmatched]
    return "\n".join(lines) + "\n"


def _cell(text) -> str:
    """A Markdown table cell: pipes escaped, one line."""
    return _comment(text).replace("|", "\\|")


def _report(p: Proposal) -> str:
    """The proposal as a Markdown report (see :meth:`Proposal.report`)."""
    c = p.counts()
    items = set(p.codebook.item_ids)
    matched_ids = {m.target for m in p.matched()}
    lines = [
        f"# Proposed mapping: {_cell(Path(p.path).name)}",
        "",
        f"- file: `{p.path}`",
        f"- layout: {p.layout}",
        f"- codebook: `{p.codebook.source}`",
        f"- columns: {len(p.columns)}; matched certain: {c['exact'] + c['certain']} "
        f"({c['exact']} named by their codebook ID), uncertain (REVIEW): {c['uncertain']}, "
        f"unmatched: {c['none']}, dropped as metadata: {c['drop']}",
        f"- items of the codebook matched: {len(items & matched_ids)} of {len(items)}",
        f"- labels proposed: {c['labels']}; to review: {c['labels_review']}; "
        f"to fill in (null): {c['labels_fill']}",
        "",
        "## Columns",
        "",
        "| column | codebook ID | score | status | runner-up | margin | matched on |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in p.columns:
        runner = f"{m.runner_up} ({m.runner_up_score:.2f})" if m.runner_up else ""
        status = m.status + (f": {m.note}" if m.status == "drop" else "")
        target = m.target or ""
        score = f"{m.score:.2f}" if m.target else ""
        lines.append(
            f"| {_cell(m.column)} | {target} | {score} | {_cell(status)} | {_cell(runner)} | {m.via} |"
        )
    lines += ["", "## Labels", ""]
    if p.labels:
        lines += ["| scale | label | code | status | note |", "|---|---|---|---|---|"]
        for x in p.labels:
            code = "null (fill in)" if x.code is None else str(x.code)
            lines.append(f"| {x.scale} | {_cell(x.label)} | {code} | {x.status} | {_cell(x.note)} |")
    else:
        lines.append("The codebook reads every answer label of the matched item columns: none to list.")
    missing = [i for i in p.codebook.item_ids if i not in matched_ids]
    if missing:
        lines += ["", "## Items of the codebook no column was matched to", "", ", ".join(missing)]
    if p.warnings:
        lines += ["", "## Warnings", ""] + [f"- {_cell(w)}" for w in p.warnings]
    lines += ["", "## What to do next", "", *_next_steps(p, c)]
    return "\n".join(lines) + "\n"


def _next_steps(p: Proposal, c: dict[str, int]) -> list[str]:
    """The numbered steps that turn the proposal into a mapping the pipeline reads."""
    steps = ["Copy `proposed.yaml` to a file of your own, e.g. `config/mapping.yaml`; edit the copy."]
    if c["uncertain"]:
        steps.append(
            f"Check the {c['uncertain']} column(s) marked `# REVIEW`: compare the export's question "
            "with the item's wording in `config/codebook.yaml`, and correct or delete the line."
        )
    if c["none"]:
        steps.append(
            f"Map any of the {c['none']} unmatched column(s) that hold an item or background "
            "variable, or list them under `drop`."
        )
    background = [b for b in p.codebook.background if b not in {m.target for m in p.matched()}]
    if background:
        steps.append(f"Map the column(s) holding {', '.join(background)} (not found).")
    if c["labels_review"] or c["labels_fill"]:
        steps.append(
            f"Check the {c['labels_review']} label(s) marked `# REVIEW` and replace each of the "
            f"{c['labels_fill']} `null` (FILL IN) by the label's code: the pipeline refuses a null."
        )
    steps += [
        "Set `data.mapping` in your configuration to the checked copy, and `data.raw` to the export.",
        "Run `make`; `results/validate/report.md` says what validation found.",
    ]
    return [f"{i}. {s}" for i, s in enumerate(steps, 1)]


def write_proposal(proposal: Proposal, output: str | Path) -> tuple[Path, Path]:
    """Write the YAML to ``output`` and ``report.md`` beside it, each atomically."""
    output = Path(output)
    report = output.parent / "report.md"
    for path, text in ((output, proposal.to_yaml()), (report, proposal.report())):
        with atomic_path(path) as tmp:
            tmp.write_text(text, encoding="utf-8")
    return output, report
