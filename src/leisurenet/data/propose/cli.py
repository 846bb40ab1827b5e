"""Proposing a mapping from a survey tool's export onto the codebook, for a person to check.

The command line ``python -m leisurenet.propose`` (the line above is its description):
``RAW`` writes the proposal and its report, ``--evaluate`` prints how well the proposals for
the replica's tool exports agree with their true mappings.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from leisurenet.codebook import Codebook
from leisurenet.data.propose.evaluate import evaluate, evaluation_table
from leisurenet.data.propose.proposal import Proposal, propose, write_proposal
from leisurenet.data.propose.reading import read_for_proposal
from leisurenet.errors import InputError
from leisurenet.paths import CONFIG


def summary(proposal: Proposal, output: Path, report: Path) -> str:
    """What the command line prints: counts, the files written, and the step to take."""
    c = proposal.counts()
    return (
        f"{proposal.path} ({proposal.layout}): {len(proposal.columns)} columns; "
        f"{c['exact'] + c['certain']} matched, {c['uncertain']} to review, {c['none']} unmatched, "
        f"{c['drop']} dropped; {c['labels']} labels ({c['labels_review']} to review, "
        f"{c['labels_fill']} to fill in)\nproposal: {output}\nreport: {report}\n"
        "Check the proposal, save a copy and set data.mapping to it: the pipeline never reads the proposal."
    )


def parser() -> argparse.ArgumentParser:
    """The command line of ``python -m leisurenet.propose``."""
    cli = argparse.ArgumentParser(prog="python -m leisurenet.propose", description=__doc__.split("\n\n")[0])
    cli.add_argument("raw", nargs="?", help="the survey tool's export (.csv, .txt, .xlsx or .sav)")
    cli.add_argument(
        "--codebook", default=str(CONFIG / "codebook.yaml"), help="the codebook (default: %(default)s)"
    )
    cli.add_argument("--sheet", help="the worksheet of an .xlsx export (default: the first)")
    cli.add_argument(
        "--output",
        default="results/mapping/proposed.yaml",
        help="the proposal to write (default: %(default)s)",
    )
    cli.add_argument(
        "--evaluate",
        action="store_true",
        help="instead: propose mappings for the replica written as each tool's export and print "
        "the share of item columns mapped correctly",
    )
    return cli


def main(argv: Sequence[str] | None = None) -> int:
    """Propose a mapping for RAW (or, with ``--evaluate``, print the evaluation); 1 on bad input."""
    args = parser().parse_args(argv)
    codebook = Codebook.from_yaml(args.codebook)
    if args.evaluate:
        print(evaluation_table(evaluate(codebook)), end="")
        return 0
    if not args.raw:
        parser().error("give the export to map (RAW), or --evaluate")
    try:
        proposal = propose(read_for_proposal(args.raw, args.sheet), codebook)
    except InputError as exc:
        print(exc, file=sys.stderr)
        return 1
    output, report = write_proposal(proposal, args.output)
    print(summary(proposal, output, report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
