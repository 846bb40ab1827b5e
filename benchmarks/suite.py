"""The test suite's time, as ``make test`` runs it, with its ten slowest tests and the CPU
time it took: divided by the cores, the least time the suite could take however its tests
were spread over them.

Runs in the project itself (the tests make their own scratch copies) with pytest's cache
off, so that the tests are ordered as on a fresh clone (tests/scheduling.py); Quarto and
Slurm are used where the environment has them, as ``make test`` would.
"""

from __future__ import annotations

import re
import resource
import subprocess
from pathlib import Path

SLOWEST = 10
_SUMMARY = re.compile(r"^=*\s*(?P<counts>\d+ \w+.*?) in (?P<seconds>[\d.]+)s")
_DURATION = re.compile(r"^(?P<seconds>[\d.]+)s\s+(?P<phase>setup|call|teardown)\s+(?P<test>\S+)")


def command(python: str, cores: int) -> list[str]:
    """``make test``'s pytest, on ``cores`` workers, printing the slowest tests."""
    parallel = ["-n", str(cores), "--dist", "loadfile", "--no-loadscope-reorder"] if cores > 1 else []
    return [python, "-m", "pytest", *parallel, "-p", "no:cacheprovider", f"--durations={SLOWEST}", "-q"]


def parse(output: str) -> tuple[str, float | None, list[dict]]:
    """The summary (``"812 passed, 3 skipped"``), the seconds pytest reports, and the slowest
    phases it lists (test, phase, seconds), from pytest's output."""
    counts, seconds, slowest = "", None, []
    for line in output.splitlines():
        line = line.strip()
        if match := _DURATION.match(line):
            slowest.append({"test": match["test"], "phase": match["phase"], "seconds": float(match[1])})
        elif match := _SUMMARY.match(line):
            counts, seconds = match["counts"].rstrip(" ="), float(match["seconds"])
    return counts, seconds, slowest[:SLOWEST]


def children_cpu_seconds() -> float:
    """User and system CPU time of this process's children that have ended and been waited
    for, theirs included: a test's Snakemake and its jobs count, a Slurm job (slurmd's child)
    does not."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_suite(
    python: str, project: Path, cores: int, timeout: float
) -> tuple[int, str, float | None, list, float]:
    """Run the suite; its exit code, summary, seconds, slowest tests and CPU seconds."""
    before = children_cpu_seconds()
    result = subprocess.run(
        command(python, cores), cwd=project, capture_output=True, text=True, timeout=timeout
    )
    return (result.returncode, *parse(result.stdout), children_cpu_seconds() - before)
