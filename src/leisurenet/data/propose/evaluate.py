"""Measuring proposals against true mappings: the replica written as each survey tool's export.

``python -m leisurenet.propose --evaluate`` prints :func:`evaluation_table` of
:func:`evaluate`; the README quotes it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from leisurenet.codebook import Codebook, normalise_label
from leisurenet.data.ingest.read import read_export
from leisurenet.data.propose.proposal import Proposal, propose
from leisurenet.paths import CONFIG


def agreement(proposal: Proposal, truth: dict) -> dict:
    """How well a proposal's columns agree with a true mapping, on the item columns.

    Parameters
    ----------
    proposal : Proposal
    truth : dict
        A true mapping (``columns``, ``labels``), as loaded from its YAML.

    Returns
    -------
    dict
        ``items`` (true item columns), ``correct``, ``share`` (correct / items), ``wrong``
        (columns given another ID or none), ``unmarked`` (those among them whose proposal
        is certain or exact: the ones a user would miss), ``all_marked``; and for the labels
        of the true mapping: ``labels``, ``labels_correct``, ``labels_unmarked``.
    """
    by_column = {m.column: m for m in proposal.columns}
    items = set(proposal.codebook.item_ids)
    true_items = {c: i for c, i in (truth.get("columns") or {}).items() if i in items}
    # A column named by its item's ID needs no entry in a true mapping, but is one all the same.
    true_items |= {c: c for c in by_column if c in items and c not in true_items}
    wrong = sorted(c for c, i in true_items.items() if c not in by_column or by_column[c].target != i)
    unmarked = [c for c in wrong if c in by_column and by_column[c].status in ("exact", "certain")]
    proposed = {(x.scale, normalise_label(x.label)): x for x in proposal.labels}
    true_labels = [
        (scale, normalise_label(label), code)
        for scale, labels in (truth.get("labels") or {}).items()
        for label, code in (labels or {}).items()
    ]
    labels_correct = sum(
        1 for s, lab, code in true_labels if (s, lab) in proposed and proposed[(s, lab)].code == code
    )
    labels_unmarked = sorted(
        f"{s}: {lab}"
        for s, lab, code in true_labels
        if (s, lab) in proposed
        and proposed[(s, lab)].code not in (code, None)
        and proposed[(s, lab)].status in ("certain", "spss")
    )
    n = len(true_items)
    return {
        "items": n,
        "correct": n - len(wrong),
        "share": (n - len(wrong)) / n if n else 1.0,
        "wrong": wrong,
        "unmarked": unmarked,
        "all_marked": not unmarked,
        "labels": len(true_labels),
        "labels_correct": labels_correct,
        "labels_unmarked": labels_unmarked,
    }


def replica_clean(codebook: Codebook):
    """The synthetic replica, cleaned as the pipeline cleans it (the default configuration)."""
    from leisurenet.config import load_config
    from leisurenet.data.clean import clean
    from leisurenet.data.published import load_published
    from leisurenet.data.synthetic import generate

    replica = generate(codebook, load_published(CONFIG / "published.yaml"), load_config()["synthetic"])
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "raw_export.csv"
        replica.export.to_csv(export, index=False, lineterminator="\n")
        return clean(read_export(export), codebook).data


def evaluate(codebook: Codebook, clean_data=None, directory: str | Path | None = None, seed: int = 0) -> dict:
    """Per survey-tool layout: the :func:`agreement` of the proposal for the replica's export
    (written by :func:`leisurenet.data.toolexports.writing.write_export`) with its true mapping."""
    import yaml

    from leisurenet.data.toolexports.writing import LAYOUTS, write_export

    data = replica_clean(codebook) if clean_data is None else clean_data
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(directory or scratch)
        results = {}
        for layout in LAYOUTS:
            export, truth = write_export(layout, data, codebook, folder / layout, seed=seed)
            proposal = propose(read_export(export), codebook)
            results[layout] = agreement(proposal, yaml.safe_load(Path(truth).read_text(encoding="utf-8")))
    return results


def evaluation_table(results: dict) -> str:
    """The evaluation as a Markdown table, for the README."""
    lines = [
        "| layout | item columns | mapped correctly | share | wrong ones all marked | labels correct |",
        "|---|---|---|---|---|---|",
    ]
    for layout, r in results.items():
        lines.append(
            f"| {layout} | {r['items']} | {r['correct']} | {r['share']:.1%} | "
            f"{'yes' if r['all_marked'] else 'no: ' + ', '.join(r['unmarked'])} | "
            f"{r['labels_correct']} of {r['labels']} |"
        )
    return "\n".join(lines) + "\n"
