"""A build's critical path, from Snakemake's own records of its jobs.

For every output it wrote, Snakemake keeps a record in ``.snakemake/metadata/`` (the file's
name is the output's path, base64-encoded): the rule, the job's inputs, its start and end
times (to the microsecond) and the hash of the job. Grouped by that hash, they give each
job with its inputs and outputs. The critical path runs back from the job that finished
last, each time to the job that wrote the input it waited for longest (the latest to finish):
the chain that no number of cores could have made shorter. Where a job started later than
its input was ready, it waited for a core (or for Snakemake), which the path shows too.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Job:
    rule: str
    start: float
    end: float
    outputs: frozenset[str]
    inputs: frozenset[str]


def jobs_from_metadata(folder: Path) -> list[Job]:
    """Every job of the last run that wrote each output of ``folder`` (a project)."""
    records = folder / ".snakemake" / "metadata"
    grouped: dict[int, list[tuple[str, dict]]] = {}
    for path in sorted(p for p in records.rglob("*") if p.is_file()):
        # Snakemake splits a long encoded name into folders: the parts joined are the name.
        output = base64.urlsafe_b64decode("".join(path.relative_to(records).parts)).decode()
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("starttime") is not None and record.get("endtime") is not None:
            grouped.setdefault(record["job_hash"], []).append((output, record))
    return [
        Job(
            rule=entries[0][1]["rule"],
            start=min(r["starttime"] for _, r in entries),
            end=max(r["endtime"] for _, r in entries),
            outputs=frozenset(output for output, _ in entries),
            inputs=frozenset(i for _, r in entries for i in r.get("input", [])),
        )
        for entries in grouped.values()
    ]


def critical_path(jobs: Iterable[Job]) -> list[Job]:
    """The chain of jobs, first to last, that ends with the last job to finish: each job's
    predecessor is the one among those that wrote its inputs that finished last."""
    jobs = list(jobs)
    if not jobs:
        return []
    writer = {output: job for job in jobs for output in job.outputs}
    chain = [max(jobs, key=lambda job: job.end)]
    while True:
        before = {writer[i] for i in chain[-1].inputs if i in writer} - {chain[-1]}
        if not before:
            return chain[::-1]
        chain.append(max(before, key=lambda job: job.end))


def path_records(chain: list[Job]) -> list[dict]:
    """The path as rows: each job's rule, its start from the first job's start, its seconds, and
    how long it waited after its predecessor finished."""
    if not chain:
        return []
    origin = chain[0].start
    rows = []
    for i, job in enumerate(chain):
        waited = job.start - chain[i - 1].end if i else 0.0
        rows.append(
            {
                "step": i + 1,
                "rule": job.rule,
                "start_seconds": round(job.start - origin, 3),
                "seconds": round(job.end - job.start, 3),
                "waited_seconds": round(max(waited, 0.0), 3),
            }
        )
    return rows


def describe(rows: list[dict]) -> str:
    """One line: each rule with its seconds, and any wait before it."""
    parts = []
    for row in rows:
        wait = f" (after {row['waited_seconds']:.1f} s waiting)" if row["waited_seconds"] >= 0.5 else ""
        parts.append(f"{row['rule']} {row['seconds']:.1f} s{wait}")
    return " -> ".join(parts)
