"""Benchmark of the workflow: build times and memory, as ratios to baselines of the same run.

``make bench`` (or ``python -m benchmarks``) copies the project into a scratch folder,
so ``results/`` of the project is never touched, and measures, each as the median of
``--repetitions`` runs on this machine:

- **cold build**: ``results/`` and ``.snakemake/`` empty, dependencies installed, to the
  rendered paper, against a bare ``python -c "import pandas, statsmodels.api,
  matplotlib.pyplot"``; target at most 12x;
- **critical path** of the last cold build: the chain of jobs, from Snakemake's own records
  of each job (``.snakemake/metadata``), each with its seconds and any wait for a core
  (:mod:`benchmarks.critical`); written to ``critical_path.csv``. No target;
- **no-op rerun**: everything up to date, against ``snakemake --version``; target at most 1.5x;
- **paper edit**: a space appended to ``paper/paper.qmd``; which rules reran (parsed from
  Snakemake's log), expected only ``paper`` (and ``manifest``, which checksums every
  output and so follows any change by design);
- **exact tests**: the Fisher-Freeman-Halton test (``fisher_exact_rxc`` with the config's
  ``analysis`` settings) of every cross-tab of the cold build's ``results/crosstabs/cells.csv``,
  timed in this process, each the median of ``--repetitions``; the row gives the slowest
  cross-tab's time (the note the median over the cross-tabs), and each cross-tab's time
  goes to ``profile.csv``. No target;
- **imports per job**: the import time of each rule's script (``python -X importtime``, the
  median of ``--repetitions``), split into what its top-level imports cost when the job
  starts and what the functions it may run import later (the heavy libraries, such as
  pingouin or statsmodels, that the library imports inside the functions that use them);
  written to ``job_imports.csv``. No target;
- **test suite**: ``make test``'s pytest on ``--cores`` workers in the project, with pytest's
  cache off (the order of a fresh clone), with Quarto and Slurm where the environment has
  them; its seconds and its ten slowest tests (:mod:`benchmarks.suite`), written to
  ``suite.csv``. Target at most 6 minutes. Beside it, its CPU time (user and system, of every
  process it waited for): divided by the cores, the least it could take;
- **scaling**: the synthetic replica at each ``--sizes`` (``synthetic.n_respondents`` through
  a ``--configfile``; the frame scales with it), end to end, with peak memory; target for
  the largest size: at most 2x the time at n = 77 and peak memory under 2 GB.

Peak memory is measured two ways: the largest single process of the run (exact: the
``ru_maxrss`` that ``wait4`` reports for Snakemake and its descendants) and the summed
resident memory of the whole process tree, sampled every 0.1 s with psutil (what the
machine must hold at once; shared pages count once per process, so it errs high). A run
that exceeds ``--timeout`` or ``--memory-limit-mb`` (tree) is stopped and recorded with
its reason, and larger sizes are then skipped.

For the cold build and every size, the duration of every rule (from the timestamps
in Snakemake's log, 1 s resolution) is written to ``profile.csv`` beside the table, with
Snakemake's own time before the first and after the last job, and the import cost of
parsing the workflow (``python -X importtime``) is summarised.

The table-building functions (:func:`median`, :func:`ratio`, :func:`met`,
:func:`ratio_row`, :func:`scaling_rows`, :func:`edit_row`, :func:`exact_row`,
:func:`rules_run`, :func:`rule_durations`) are pure and tested on fake timings in
``tests/test_benchmarks.py``.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import csv
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks import critical, suite

if TYPE_CHECKING:
    import numpy as np

# What a scratch copy needs (as tests/conftest.py copies it); no results/, no .snakemake/.
PROJECT_FILES = (
    "Snakefile",
    "environment.yml",
    "requirements.in",
    "LICENSE",
    "CITATION.cff",
    "config",
    "workflow",
    "scripts",
    "src",
    "paper",
)
IMPORT_BASELINE = "import pandas, statsmodels.api, matplotlib.pyplot"
DEFAULT_SIZES = (77, 1_000, 10_000, 100_000)
QUICK_SIZES = (77, 1_000)
BASE_SIZE = 77
COLD_MAX_RATIO = 12.0
NOOP_MAX_RATIO = 1.5
SETUP_MAX_RATIO = 0.3
SUITE_MAX_SECONDS = 360.0
# What `make .venv/.installed` reads (tests/end_to_end/test_setup.py copies the same).
SETUP_FILES = ("Makefile", "requirements.lock", "pyproject.toml", "src")
SCALE_MAX_RATIO = 2.0
SCALE_MAX_MB = 2048.0
# Rules an edit of the paper's text may rerun: the paper's two renders, and the manifest, which
# checksums every output (the paper's too) and so must follow any change.
EDIT_EXPECTED = frozenset({"paper", "paper_pdf"})
EDIT_ALLOWED = frozenset({"manifest"})
NOT_A_JOB = frozenset({"all"})  # the target rule runs no code
SAMPLE_SECONDS = 0.1
NOT_BUILT = "not run: the cold build failed"

COLUMNS = [
    "measurement",
    "seconds",
    "repetitions",
    "baseline",
    "baseline_seconds",
    "ratio",
    "target",
    "met",
    "peak_tree_mb",
    "peak_process_mb",
    "note",
]


# --- pure logic: medians, ratios, targets, rows -------------------------------------------


def median(values: Iterable[float | None]) -> float:
    """The median of the values that are numbers (NaN, None left out); NaN if none are."""
    kept = [float(v) for v in values if v is not None and not math.isnan(v)]
    return statistics.median(kept) if kept else math.nan


def ratio(seconds: float, baseline: float) -> float:
    """``seconds / baseline``; NaN when either is missing or the baseline is not positive."""
    if math.isnan(seconds) or math.isnan(baseline) or baseline <= 0:
        return math.nan
    return seconds / baseline


def met(value: float, limit: float | None) -> str:
    """'yes' when ``value`` is at most ``limit``, 'no' when above or missing, 'n/a' without a limit."""
    if limit is None:
        return "n/a"
    return "yes" if not math.isnan(value) and value <= limit else "no"


@dataclass
class Run:
    """One timed command: wall seconds (NaN if it failed), memory, and what happened."""

    seconds: float
    returncode: int | None = 0
    peak_tree_mb: float = math.nan
    peak_process_mb: float = math.nan
    failure: str = ""  # empty when the command succeeded
    log: str = ""  # Snakemake's log (stderr), for the rules that ran and their durations

    @property
    def ok(self) -> bool:
        return not self.failure


@dataclass
class Row:
    measurement: str
    seconds: float
    repetitions: int
    baseline: str = ""
    baseline_seconds: float = math.nan
    ratio: float = math.nan
    target: str = ""
    met: str = "n/a"
    peak_tree_mb: float = math.nan
    peak_process_mb: float = math.nan
    note: str = ""


def _failures(runs: Sequence[Run]) -> str:
    return "; ".join(sorted({r.failure for r in runs if not r.ok}))


def _peaks(runs: Sequence[Run]) -> tuple[float, float]:
    """The highest peaks over the repetitions (memory is a limit, not a typical value)."""
    tree = [r.peak_tree_mb for r in runs if not math.isnan(r.peak_tree_mb)]
    proc = [r.peak_process_mb for r in runs if not math.isnan(r.peak_process_mb)]
    return (max(tree) if tree else math.nan, max(proc) if proc else math.nan)


def baseline_row(measurement: str, runs: Sequence[Run], note: str = "") -> Row:
    """A baseline's own row: its median, no target."""
    tree, proc = _peaks(runs)
    return Row(
        measurement,
        median(r.seconds for r in runs if r.ok),
        len(runs),
        target="(baseline)",
        peak_tree_mb=tree,
        peak_process_mb=proc,
        note="; ".join(filter(None, [note, _failures(runs)])),
    )


def ratio_row(
    measurement: str,
    runs: Sequence[Run],
    baseline: str,
    baseline_seconds: float,
    max_ratio: float | None,
    note: str = "",
) -> Row:
    """A measurement against a baseline: median seconds, ratio, and whether it is within ``max_ratio``.

    Any failed repetition fails the row (the median is then over the ones that ran).
    """
    seconds = median(r.seconds for r in runs if r.ok)
    value = ratio(seconds, baseline_seconds)
    failures = _failures(runs)
    verdict = met(value, max_ratio)
    if failures and max_ratio is not None:
        verdict = "no"
    tree, proc = _peaks(runs)
    return Row(
        measurement,
        seconds,
        len(runs),
        baseline,
        baseline_seconds,
        value,
        f"<= {max_ratio:g}x" if max_ratio is not None else "",
        verdict,
        tree,
        proc,
        "; ".join(filter(None, [note, failures])),
    )


def edit_row(
    runs: Sequence[Run],
    baseline: str,
    baseline_seconds: float,
    expected: frozenset[str] = EDIT_EXPECTED,
    allowed: frozenset[str] = EDIT_ALLOWED,
) -> Row:
    """The paper edit: which rules reran (every repetition), against the ``expected`` ones.

    Met when every repetition ran all of ``expected`` and nothing outside ``expected`` and
    ``allowed`` (rules that follow any change by design).
    """
    reran = [set(rules_run(r.log)) - NOT_A_JOB for r in runs if r.ok]
    union = set().union(*reran)
    fine = bool(reran) and all(expected <= s <= expected | allowed for s in reran)
    failures = _failures(runs)
    parts = [f"reran: {', '.join(sorted(union)) or 'nothing'}"]
    if union & allowed:
        parts.append(f"{', '.join(sorted(union & allowed))} checksums every output: follows by design")
    if union - expected - allowed:
        parts.append(f"unexpected: {', '.join(sorted(union - expected - allowed))}")
    if reran and not all(expected <= s for s in reran):
        parts.append(f"missing: {', '.join(sorted(expected - set.intersection(*reran)))}")
    note = "; ".join(parts)
    row = ratio_row("paper text edit", runs, baseline, baseline_seconds, None, note)
    row.target = f"only {', '.join(sorted(expected))} reruns"
    row.met = "yes" if fine and not failures else "no"
    return row


def scaling_rows(
    results: dict[int, list[Run]],
    base_size: int = BASE_SIZE,
    target_size: int | None = None,
    max_ratio: float = SCALE_MAX_RATIO,
    max_mb: float = SCALE_MAX_MB,
    skipped: dict[int, str] | None = None,
) -> list[Row]:
    """One row per size, each against the ``base_size`` run; the target applies to ``target_size``.

    ``results`` maps a size to its runs (a size whose first run failed has one run);
    ``skipped`` maps sizes that were not run to the reason. ``target_size`` defaults to the
    largest size. The target is met when the ratio is at most ``max_ratio`` and the peak
    memory (the larger of the tree's and the largest process's) under ``max_mb``.
    """
    skipped = skipped or {}
    sizes = sorted(set(results) | set(skipped))
    if target_size is None:
        target_size = max(sizes) if sizes else None
    base_runs = results.get(base_size, [])
    base = median(r.seconds for r in base_runs if r.ok)
    rows = []
    for n in sizes:
        name = f"scaling n = {n:,}"
        has_target = n == target_size and n != base_size
        target = f"<= {max_ratio:g}x n = {base_size} and peak < {max_mb:g} MB" if has_target else ""
        if n in skipped:
            verdict = "no" if has_target else "n/a"
            rows.append(
                Row(name, math.nan, 0, f"n = {base_size}", base, target=target, met=verdict, note=skipped[n])
            )
            continue
        runs = results[n]
        if n == base_size:
            row = baseline_row(name, runs, note="the base of the scaling ratios")
            row.target = ""
            rows.append(row)
            continue
        row = ratio_row(name, runs, f"n = {base_size}", base, max_ratio if has_target else None)
        row.target = target
        peak = max(row.peak_tree_mb, row.peak_process_mb) if runs else math.nan
        if has_target:
            row.met = "yes" if row.met == "yes" and not math.isnan(peak) and peak < max_mb else "no"
            if not math.isnan(peak) and peak >= max_mb:
                row.note = "; ".join(filter(None, [row.note, f"peak {peak:,.0f} MB >= {max_mb:g} MB"]))
        rows.append(row)
    return rows


def exact_row(timings: dict[str, list[float]], notes: dict[str, str] | None = None) -> Row:
    """The exact tests: the slowest cross-tab's median seconds (what the budget is about).

    ``timings`` maps a cross-tab to its repetitions' seconds, ``notes`` to what it is (its
    shape, n and method); the note names the slowest and gives the median over the
    cross-tabs and the summed medians.
    """
    notes = notes or {}
    each = {name: median(seconds) for name, seconds in timings.items()}
    if not each:
        return Row("exact test, slowest cross-tab", math.nan, 0, met="n/a", note="no cross-tabs")
    slowest = max(each, key=each.get)
    detail = f" ({notes[slowest]})" if slowest in notes else ""
    note = (
        f"{slowest}{detail}; {len(each)} cross-tabs: median {median(each.values()):.4f} s, "
        f"{sum(each.values()):.3f} s in all"
    )
    reps = min(len(s) for s in timings.values())
    return Row("exact test, slowest cross-tab", each[slowest], reps, note=note)


# --- Snakemake's log: which rules ran, and for how long ---------------------------------------

_TIMESTAMP = re.compile(r"^\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]$")
_START = re.compile(r"^(?:local)?rule (\w+):$")
_FINISH = re.compile(r"^Finished jobid: (\d+) \(Rule: (\w+)\)$")
_JOBID = re.compile(r"^jobid: (\d+)$")
_ERROR = re.compile(r"^Error in rule (\w+):$")


def rules_run(log: str) -> list[str]:
    """The rules whose jobs started, in order (each once), from Snakemake's log or stderr."""
    seen: list[str] = []
    for line in log.splitlines():
        match = _START.match(line.strip())
        if match and match.group(1) not in seen:
            seen.append(match.group(1))
    return seen


def _parse_time(text: str) -> datetime:
    return datetime.strptime(" ".join(text.split()), "%a %b %d %H:%M:%S %Y")


def job_durations(log: str) -> list[tuple[str, float, bool]]:
    """``(rule, seconds, finished)`` of every job, from the timestamps in Snakemake's log.

    Snakemake writes ``[<date>]`` before every ``rule <name>:`` line (then ``jobid: <n>``
    among the job's details) and before ``Finished jobid: <n> (Rule: <name>)`` (1 s
    resolution). Jobs are matched by their id, so the many jobs of one rule (chunks, one job
    per specification) that run side by side are each timed; a log without the ``jobid``
    lines is matched rule by rule, first started with first finished. A job that started
    but did not finish (the run failed or was stopped) is timed to the last timestamp.
    """
    now = None
    current = None  # the rule whose job details follow
    waiting: dict[str, list[datetime]] = {}  # starts not yet given a job id, per rule
    started: dict[str, tuple[str, datetime]] = {}  # job id -> (rule, start)
    jobs: list[tuple[str, float, bool]] = []
    for line in log.splitlines():
        line = line.strip()
        if match := _TIMESTAMP.match(line):
            now = _parse_time(match.group(1))
        elif (match := _START.match(line)) and now is not None:
            current = match.group(1)
            waiting.setdefault(current, []).append(now)
        elif (match := _JOBID.match(line)) and current is not None and waiting.get(current):
            started[match.group(1)] = (current, waiting[current].pop())
            current = None
        elif (match := _FINISH.match(line)) and now is not None:
            jobid, name = match.groups()
            if jobid in started:
                name, start = started.pop(jobid)
            elif waiting.get(name):
                start = waiting[name].pop(0)
            else:
                continue
            jobs.append((name, (now - start).total_seconds(), True))
    if now is not None:
        unfinished = [*started.values(), *((n, t) for n, ts in waiting.items() for t in ts)]
        jobs += [(name, (now - start).total_seconds(), False) for name, start in unfinished]
    return [job for job in jobs if job[0] not in NOT_A_JOB]


def rule_durations(log: str) -> dict[str, float]:
    """Seconds of each rule's jobs (:func:`job_durations`), summed over a rule's jobs.

    A rule with several jobs counts job-seconds, which exceed the wall time when the jobs
    run side by side (:func:`rule_jobs` says how many there were). Jobs that did not finish
    are keyed ``<name> (unfinished)``.
    """
    durations: dict[str, float] = {}
    for name, seconds, finished in job_durations(log):
        key = name if finished else f"{name} (unfinished)"
        durations[key] = durations.get(key, 0.0) + seconds
    return durations


def rule_jobs(log: str) -> dict[str, int]:
    """How many jobs of each rule ran (keys as :func:`rule_durations`')."""
    counts: dict[str, int] = {}
    for name, _, finished in job_durations(log):
        key = name if finished else f"{name} (unfinished)"
        counts[key] = counts.get(key, 0) + 1
    return counts


def first_last_job(log: str) -> tuple[datetime | None, datetime | None]:
    """The timestamps of the first job's start and of the last line with a timestamp."""
    first = last = now = None
    for line in log.splitlines():
        line = line.strip()
        if match := _TIMESTAMP.match(line):
            now = last = _parse_time(match.group(1))
        elif _START.match(line) and first is None:
            first = now
    return first, last


def failed_rule(log: str) -> str | None:
    for line in log.splitlines():
        if match := _ERROR.match(line.strip()):
            return match.group(1)
    return None


# --- running a command: wall time, peak memory, timeout ---------------------------------------


def _tree_rss_mb(root) -> float:
    import psutil

    total = 0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    for proc in processes:
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
    return total / 2**20


def _stop(proc: subprocess.Popen) -> None:
    """Stop a command we started and every process it started (its own process group)."""
    import psutil

    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        children = []
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        for child in children:
            with contextlib.suppress(psutil.Error):
                child.send_signal(sig)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            pid, _, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = -sig
                return
            time.sleep(0.1)


def run_command(
    command: Sequence[str],
    cwd: Path,
    timeout: float,
    memory_limit_mb: float = math.inf,
    log_name: str = "bench.err",
) -> Run:
    """Run ``command`` in ``cwd``; time it, sample its tree's memory, stop it on a limit.

    stdout is discarded, stderr (Snakemake's log) is kept in ``cwd/log_name`` and returned.
    """
    import psutil

    err_path = Path(cwd) / log_name
    with open(err_path, "w") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(command), cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True
        )
        root = psutil.Process(proc.pid)
        peak_tree, failure, usage, status = 0.0, "", None, 0
        try:
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    elapsed = time.perf_counter() - start
                    break
                peak_tree = max(peak_tree, _tree_rss_mb(root))
                elapsed = time.perf_counter() - start
                if elapsed > timeout:
                    failure = f"stopped: over the {timeout:g} s timeout"
                elif peak_tree > memory_limit_mb:
                    failure = f"stopped: process tree over {memory_limit_mb:,.0f} MB"
                if failure:
                    _stop(proc)
                    usage = None
                    break
                time.sleep(SAMPLE_SECONDS)
        except BaseException:  # interrupted (Ctrl-C, SIGTERM): leave nothing running
            _stop(proc)
            raise
    if proc.returncode is None:
        proc.returncode = os.waitstatus_to_exitcode(status)
    log = err_path.read_text(errors="replace")
    peak_process = usage.ru_maxrss / 1024 if usage is not None else math.nan  # KiB on Linux
    if not failure and proc.returncode != 0:
        rule = failed_rule(log)
        reason = _error_line(cwd, rule, log)
        failure = f"failed (exit {proc.returncode}){f' in rule {rule}' if rule else ''}: {reason}"
    if failure:
        running = [k.removesuffix(" (unfinished)") for k in rule_durations(log) if k.endswith("(unfinished)")]
        if running and "in rule" not in failure:
            failure += f" (running: {', '.join(running)})"
    return Run(
        elapsed if not failure else math.nan,
        proc.returncode,
        max(peak_tree, peak_process if not math.isnan(peak_process) else 0.0),
        peak_process,
        failure,
        log,
    )


def _error_line(cwd: Path, rule: str | None, log: str) -> str:
    """The last line of the failed rule's log that looks like an error, else of stderr."""
    candidates = []
    if rule and (Path(cwd) / "results/logs" / f"{rule}.log").exists():
        candidates.append((Path(cwd) / "results/logs" / f"{rule}.log").read_text(errors="replace"))
    candidates.append(log)
    for text in candidates:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        errors = [line for line in lines if re.search(r"Error|Exception|Killed|error:", line)]
        if errors:
            return errors[-1][:200]
    return "see the log"


# --- the scratch project ---------------------------------------------------------------------


def scratch_copy(project: Path, target: Path) -> Path:
    """Copy what the workflow needs into ``target`` (no results/, .snakemake/ or caches)."""
    target.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in PROJECT_FILES:
        source = project / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, target / name)
    return target


def wipe(folder: Path) -> None:
    """Empty results/ and .snakemake/ and the bytecode caches of the scratch copy's code."""
    for name in ("results", ".snakemake"):
        shutil.rmtree(folder / name, ignore_errors=True)
    for cache in [*folder.glob("src/**/__pycache__"), *folder.glob("scripts/__pycache__")]:
        shutil.rmtree(cache, ignore_errors=True)


# --- the measurements ------------------------------------------------------------------------


@dataclass
class Settings:
    project: Path
    output: Path
    repetitions: int = 3
    scale_repetitions: int = 3
    sizes: tuple[int, ...] = DEFAULT_SIZES
    cores: int = 2
    timeout: float = 900.0
    memory_limit_mb: float = 8000.0
    keep: Path | None = None
    measurements: tuple[str, ...] = ("cold", "noop", "edit", "exact", "imports", "tests", "scaling")
    python: str = sys.executable
    snakemake: str = str(Path(sys.executable).parent / "snakemake")


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    profile: list[dict] = field(default_factory=list)  # run, rule, seconds
    imports: list[dict] = field(default_factory=list)  # module, cumulative seconds
    jobs: list[dict] = field(default_factory=list)  # job, import seconds at start and in functions
    critical: list[dict] = field(default_factory=list)  # the cold build's critical path, job by job
    suite: list[dict] = field(default_factory=list)  # the test suite's slowest tests


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def repeat(
    label: str, times: int, command: Sequence[str], cwd: Path, settings: Settings, before=None
) -> list[Run]:
    runs = []
    for i in range(times):
        if before is not None:
            before()
        run = run_command(command, cwd, settings.timeout, settings.memory_limit_mb)
        runs.append(run)
        shown = f"{run.seconds:.2f} s" if run.ok else run.failure
        say(f"  {label} {i + 1}/{times}: {shown}")
        if not run.ok:
            break  # a failed or stopped run is not repeated
    return runs


def profile_rows(label: str, run: Run, total: float) -> list[dict]:
    """Per-rule durations of one run, plus Snakemake's own time outside the jobs."""
    jobs = rule_jobs(run.log)
    rows = []
    for k, v in rule_durations(run.log).items():
        part = f"rule {k}" + (f" ({jobs[k]} jobs, summed)" if jobs[k] > 1 else "")
        rows.append({"run": label, "part": part, "seconds": v})
    first, last = first_last_job(run.log)
    if first is not None and last is not None and not math.isnan(total):
        jobs = (last - first).total_seconds()
        outside = max(total - jobs, 0.0)
        rows.append(
            {"run": label, "part": "snakemake before the first job and after the last", "seconds": outside}
        )
        rows.append({"run": label, "part": "first job start to last job end (wall)", "seconds": jobs})
    return rows


def import_profile(settings: Settings, cwd: Path, top: int = 10) -> list[dict]:
    """The costliest top-level imports of a no-op run (``-X importtime``): Snakemake's own and
    those of the workflow's files (the Snakefile and the rules import leisurenet modules)."""
    command = [settings.python, "-X", "importtime", settings.snakemake, "--cores", str(settings.cores)]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    rows = []
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)", line)
        if match and match.group(3) == "":  # imported by the program itself, not by a module
            rows.append({"module": match.group(4), "seconds": int(match.group(2)) / 1e6})
    rows.sort(key=lambda r: -r["seconds"])
    total = sum(r["seconds"] for r in rows)
    return [*rows[:top], {"module": "(all top-level imports)", "seconds": total}]


# --- import cost per job ------------------------------------------------------------------

JOB_SCRIPT = re.compile(r'script:\s+"\.\./\.\./scripts/([\w.]+)"')
IMPORT_TIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)")
# Written to standard error between a job's start-up imports and its functions' imports.
LATER = "-- imports in functions --"


def job_scripts(folder: Path) -> list[str]:
    """The scripts that the workflow's rules run (file names in ``scripts/``), sorted."""
    files = [folder / "Snakefile", *sorted((folder / "workflow" / "rules").glob("*.smk"))]
    return sorted(set(JOB_SCRIPT.findall("".join(f.read_text(encoding="utf-8") for f in files))))


def top_level_imports(path: Path) -> list[str]:
    """The import statements at the top level of a file: what a job runs when it starts."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    return [ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]


def function_imports(paths: Iterable[Path]) -> list[str]:
    """The modules of other packages that the functions of these files import (the library
    imports a heavy library there, so that only the jobs that call them pay for it); sorted,
    the standard library and the project's package left out."""
    found = set()
    for path in paths:
        for function in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8"))):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(function):
                    if isinstance(node, ast.Import):
                        found |= {alias.name for alias in node.names}
                    elif isinstance(node, ast.ImportFrom) and node.level == 0:
                        found.add(node.module)
    return sorted(m for m in found if m.split(".")[0] not in {*sys.stdlib_module_names, "leisurenet"})


def import_seconds(stderr: str) -> tuple[float, float, list[str]]:
    """The seconds of the top-level imports of ``python -X importtime`` output before and
    after the line :data:`LATER`, and the packages imported after it (those not loaded yet)."""
    spent, part, later = [0.0, 0.0], 0, []
    for line in stderr.splitlines():
        if line == LATER:
            part = 1
        match = IMPORT_TIME.match(line)
        if match and match.group(3) == "":  # not imported by another module of the count
            spent[part] += int(match.group(2)) / 1e6
            if part and match.group(4).split(".")[0] not in later:
                later.append(match.group(4).split(".")[0])
    return spent[0], spent[1], later


def job_import_code(folder: Path, script: str) -> tuple[str, list[str]]:
    """The code that imports what a job imports: its script's top-level imports, then (after
    :data:`LATER`) what the functions of the library modules it may run import; and those."""
    from leisurenet.workflow.plan import library_modules

    path = folder / "scripts" / script
    later = function_imports([path, *map(Path, library_modules(path, folder / "src" / "leisurenet"))])
    guarded = [f"try:\n    import {m}\nexcept ImportError:\n    pass" for m in later]
    code = [*top_level_imports(path), f"import sys; print({LATER!r}, file=sys.stderr, flush=True)", *guarded]
    return "\n".join(code), later


def job_imports(settings: Settings, folder: Path) -> list[dict]:
    """The import cost of every job (see the module's doc), each the median of the repetitions."""
    env = {**os.environ, "PYTHONPATH": str(folder / "src")}
    records = []
    for script in job_scripts(folder):
        code, _ = job_import_code(folder, script)
        timings, later = [], []
        for _ in range(settings.repetitions):
            command = [settings.python, "-X", "importtime", "-c", code]
            result = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
            if result.returncode == 0:
                *seconds, later = import_seconds(result.stderr)
                timings.append(seconds)
        start, functions = median(t[0] for t in timings), median(t[1] for t in timings)
        records.append(
            {
                "job": Path(script).stem,
                "at_start_seconds": start,
                "in_functions_seconds": functions,
                "total_seconds": start + functions,
                "in_functions": " ".join(later),
            }
        )
        say(f"  {script}: {start:.2f} s at start, {functions:.2f} s in functions")
    return records


def save(report: Report, settings: Settings) -> None:
    """Write what has been measured so far (after every measurement: an interrupted run keeps it)."""
    write_rows(report.rows, settings.output)
    write_records(report.profile, settings.output.with_name("profile.csv"))
    write_records(report.imports, settings.output.with_name("imports.csv"))
    write_records(report.jobs, settings.output.with_name("job_imports.csv"))
    write_records(report.critical, settings.output.with_name("critical_path.csv"))
    write_records(report.suite, settings.output.with_name("suite.csv"))


def measure(settings: Settings) -> Report:
    report = Report()
    reps = settings.repetitions
    workdir = Path(tempfile.mkdtemp(prefix="leisurenet-bench-"))
    try:
        folder = scratch_copy(settings.project, workdir / "project")
        smk = [settings.snakemake, "--cores", str(settings.cores)]
        # Warm the file cache once (untimed): the first start after copying reads from disk.
        subprocess.run([settings.python, "-c", IMPORT_BASELINE], cwd=folder, capture_output=True)
        subprocess.run([settings.snakemake, "--version"], cwd=folder, capture_output=True)

        say("baseline: python -c 'import pandas, statsmodels.api, matplotlib.pyplot'")
        imports = repeat("import", reps, [settings.python, "-c", IMPORT_BASELINE], folder, settings)
        say("baseline: snakemake --version")
        version = repeat("version", reps, [settings.snakemake, "--version"], folder, settings)
        import_s = median(r.seconds for r in imports if r.ok)
        version_s = median(r.seconds for r in version if r.ok)
        report.rows += [
            baseline_row(f'python -c "{IMPORT_BASELINE}"', imports),
            baseline_row("snakemake --version", version),
        ]
        save(report, settings)

        wanted = set(settings.measurements)
        built = False
        if wanted & {"cold", "noop", "edit", "exact"}:
            say("cold build (results/ and .snakemake/ empty)")
            cold = repeat("cold", reps, smk, folder, settings, before=lambda: wipe(folder))
            built = cold[-1].ok
            if "cold" in wanted:
                row = ratio_row("cold build to the paper", cold, "import baseline", import_s, COLD_MAX_RATIO)
                row.note = "; ".join(filter(None, [_renderer(folder), row.note]))
                report.rows.append(row)
                ok = [r for r in cold if r.ok]
                if ok:
                    typical = min(ok, key=lambda r: abs(r.seconds - median(x.seconds for x in ok)))
                    report.profile += profile_rows("cold build", typical, typical.seconds)
                if built:
                    report.critical = critical.path_records(
                        critical.critical_path(critical.jobs_from_metadata(folder))
                    )
                    report.rows.append(critical_row(report.critical))
                save(report, settings)
        if "noop" in wanted:
            say("no-op rerun")
            if built:
                noop = repeat("no-op", reps, smk, folder, settings)
                report.rows.append(
                    ratio_row("no-op rerun", noop, "snakemake --version", version_s, NOOP_MAX_RATIO)
                )
                report.imports = import_profile(settings, folder)
                save(report, settings)
            else:
                report.rows.append(Row("no-op rerun", math.nan, 0, met="no", note=NOT_BUILT))
        if "edit" in wanted:
            say("paper text edit (a space appended to paper/paper.qmd)")
            if built:
                qmd = folder / "paper" / "paper.qmd"

                def append_space():
                    with open(qmd, "a") as fh:
                        fh.write(" ")

                edits = repeat("edit", reps, smk, folder, settings, before=append_space)
                noop_s = next((r.seconds for r in report.rows if r.measurement == "no-op rerun"), math.nan)
                report.rows.append(edit_row(edits, "no-op rerun", noop_s))
                save(report, settings)
            else:
                report.rows.append(Row("paper text edit", math.nan, 0, met="no", note=NOT_BUILT))
        if "exact" in wanted:
            say("exact tests of the cross-tabs (in this process)")
            if built:
                row, profile = time_exact_tests(folder, reps)
                report.rows.append(row)
                report.profile += profile
                save(report, settings)
            else:
                report.rows.append(
                    Row("exact test, slowest cross-tab", math.nan, 0, met="no", note=NOT_BUILT)
                )
        if "setup" in wanted:
            report.rows += time_setup(settings, workdir, reps)
            save(report, settings)
        if "imports" in wanted:
            say("imports per job (python -X importtime)")
            report.jobs = job_imports(settings, folder)
            save(report, settings)
        if "tests" in wanted:
            say(f"the test suite (make test's pytest on {settings.cores} workers, in the project)")
            rows, report.suite = time_suite(settings)
            report.rows += rows
            save(report, settings)
        if "scaling" in wanted:
            report.rows += scale(settings, folder, report)
            save(report, settings)
    finally:
        if settings.keep is not None:
            shutil.rmtree(settings.keep, ignore_errors=True)
            shutil.move(str(workdir / "project"), settings.keep)
        shutil.rmtree(workdir, ignore_errors=True)
    return report


def critical_row(path: list[dict]) -> Row:
    """The critical path as a row: from its first job's start to its last job's end."""
    if not path:
        return Row("critical path of the cold build", math.nan, 0, note="no job records")
    seconds = path[-1]["start_seconds"] + path[-1]["seconds"]
    return Row("critical path of the cold build", seconds, 1, note=critical.describe(path))


def time_suite(settings: Settings) -> tuple[list[Row], list[dict]]:
    """The test suite once (it takes minutes): its time against the target, its CPU time, and
    its slowest tests."""
    code, counts, seconds, slowest, cpu = suite.run_suite(
        settings.python, settings.project, settings.cores, timeout=max(settings.timeout, 3600.0)
    )
    note = f"{counts or 'no summary'}{'' if code == 0 else f'; pytest exit code {code}'}"
    passed = seconds if seconds is not None and code == 0 else math.nan  # a failed suite is not timed
    row = Row(
        f"test suite (make test, {settings.cores} workers)",
        passed,
        1,
        target=f"<= {SUITE_MAX_SECONDS / 60:.0f} min",
        met=met(passed, SUITE_MAX_SECONDS),
        note=note,
    )
    floor = cpu / settings.cores
    cpu_row = Row(
        "test suite's CPU time (user + system)",
        cpu,
        1,
        note=f"{floor / 60:.1f} min on {settings.cores} cores if none ever waited (Slurm's jobs not counted)",
    )
    return [row, cpu_row], slowest


def time_setup(settings: Settings, workdir: Path, reps: int) -> list[Row]:
    """A fresh environment from the lock: by a plain ``pip install -r requirements.lock`` (the
    baseline) and by ``make .venv/.installed`` (uv, as a fresh clone sets up), each into a new
    virtual environment with the package caches as they are (warm after the first)."""
    folder = workdir / "setup"
    folder.mkdir()
    for name in SETUP_FILES:
        source = settings.project / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, folder / name)
    venv = folder / ".venv"
    python = sys._base_executable  # the interpreter .venv was made from, as `make` would use

    def fresh():
        shutil.rmtree(venv, ignore_errors=True)

    say("set-up: plain pip install of the lock into a new environment")
    plain = f"{python} -m venv .venv && .venv/bin/pip install --quiet -r requirements.lock"
    pip = repeat("pip", reps, ["bash", "-c", plain], folder, settings, before=fresh)
    say("set-up: make .venv/.installed (uv)")
    uv = repeat(
        "make", reps, ["make", ".venv/.installed", f"PYTHON={python}"], folder, settings, before=fresh
    )
    pip_s = median(r.seconds for r in pip if r.ok)
    return [
        baseline_row("pip install -r requirements.lock (new environment)", pip),
        ratio_row(
            "set-up of a fresh clone (make .venv/.installed, uv)", uv, "pip install", pip_s, SETUP_MAX_RATIO
        ),
    ]


def crosstab_tables(cells: Path) -> dict[str, np.ndarray]:
    """The tested table of every cross-tab in ``cells.csv``: counts without all-zero rows and
    columns, levels in the file's order (as ``crosstab_tests`` tests them)."""
    import numpy as np
    import pandas as pd

    frame = pd.read_csv(cells, keep_default_na=False)
    tables = {}
    for name, part in frame.groupby("crosstab", sort=False):
        wide = part.pivot_table(index="row_level", columns="col_level", values="n", aggfunc="sum", sort=False)
        counts = wide.fillna(0).to_numpy(dtype=np.int64)
        tables[name] = counts[counts.sum(1) > 0][:, counts.sum(0) > 0]
    return tables


def time_exact_tests(folder: Path, repetitions: int) -> tuple[Row, list[dict]]:
    """Time the exact test of every cross-tab of a built scratch project (see the module's doc)."""
    import yaml

    from leisurenet.analysis.exact import fisher_exact_rxc

    analysis = yaml.safe_load((folder / "config" / "config.yaml").read_text(encoding="utf-8"))["analysis"]
    timings, notes = {}, {}
    for name, counts in crosstab_tables(folder / "results" / "crosstabs" / "cells.csv").items():
        if min(counts.shape) < 2:
            continue  # not tested
        seconds = []
        for _ in range(repetitions):
            start = time.perf_counter()
            result = fisher_exact_rxc(
                counts,
                draws=analysis["monte_carlo_draws"],
                seed=analysis["seed"],
                max_tables=analysis["exact_max_tables"],
            )
            seconds.append(time.perf_counter() - start)
        timings[name] = seconds
        rows, cols = counts.shape
        notes[name] = f"{rows} x {cols}, n = {int(counts.sum())}, {result.method}"
    profile = [
        {"run": "exact tests", "part": f"crosstab {name} ({notes[name]})", "seconds": median(s)}
        for name, s in timings.items()
    ]
    return exact_row(timings, notes), profile


def _renderer(folder: Path) -> str:
    log = folder / "results/logs/paper.log"
    found = re.search(r"rendered with (.+)", log.read_text()) if log.exists() else None
    return f"rendered with {found.group(1).strip()}" if found else ""


def scale(settings: Settings, folder: Path, report: Report) -> list[Row]:
    results: dict[int, list[Run]] = {}
    skipped: dict[int, str] = {}
    sizes = sorted(set(settings.sizes) | {BASE_SIZE})
    stopped_at = None
    for n in sizes:
        if stopped_at is not None:
            skipped[n] = f"skipped: n = {stopped_at:,} did not finish ({results[stopped_at][-1].failure})"
            continue
        configfile = folder / f"bench_n{n}.yaml"
        configfile.write_text(f"synthetic:\n  n_respondents: {n}\n")
        say(f"scaling: n = {n:,}")
        command = [settings.snakemake, "--cores", str(settings.cores), "--configfile", configfile.name]
        runs = repeat(
            f"n={n}", settings.scale_repetitions, command, folder, settings, before=lambda: wipe(folder)
        )
        results[n] = runs
        last = runs[-1]
        report.profile += profile_rows(f"n = {n:,}", last, last.seconds if last.ok else settings.timeout)
        partial = Report(
            report.rows + scaling_rows(results, BASE_SIZE, max(sizes)),
            report.profile,
            report.imports,
            report.jobs,
        )
        save(partial, settings)
        if not last.ok:
            stopped_at = n
    return scaling_rows(results, BASE_SIZE, max(sizes), skipped=skipped)


# --- output ----------------------------------------------------------------------------------


def machine() -> dict:
    try:
        import psutil

        memory = f"{psutil.virtual_memory().total / 2**30:.1f} GiB"
    except ImportError:  # pragma: no cover
        memory = "unknown"
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    try:
        from importlib.metadata import version

        snakemake_version = version("snakemake")
    except Exception:  # pragma: no cover
        snakemake_version = "unknown"
    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "snakemake": snakemake_version,
        "quarto": shutil.which("quarto") or "not on PATH (the paper renders with Pandoc + Typst)",
        "load_average_1_5_15": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _cell(value) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def format_table(rows: Sequence[Row]) -> str:
    """The rows as an aligned plain-text table (every column of :data:`COLUMNS`)."""
    header = ["measurement", "seconds", "reps", "baseline", "base s", "ratio", "target", "met"]
    header += ["tree MB", "proc MB", "note"]
    body = [[_cell(v) for v in asdict(row).values()] for row in rows]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    numeric = {1, 2, 4, 5, 8, 9}

    def fmt(line):
        pairs = enumerate(zip(line, widths, strict=True))
        cells = [c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in pairs]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(header), rule, *map(fmt, body)])


def write_rows(rows: Sequence[Row], path: Path) -> None:
    """The table as CSV (columns :data:`COLUMNS`; numbers unrounded, missing empty)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            values = [getattr(row, f.name) for f in fields(Row)]
            writer.writerow(["" if isinstance(v, float) and math.isnan(v) else v for v in values])


def write_records(records: Sequence[dict], path: Path) -> None:
    if not records:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


# --- command line ----------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark the workflow in a scratch copy of the project: cold build, no-op "
        "rerun, a paper edit, the exact test of every cross-tab, the set-up of a fresh environment "
        "(uv against a plain pip install), the imports of every job and the "
        "replica's scaling, each the "
        "median of several repetitions (and a ratio to a baseline taken in the same run). Prints the "
        "table and writes it to CSV.",
    )
    p.add_argument("--repetitions", "-r", type=int, default=3, help="repetitions per measurement (default 3)")
    p.add_argument(
        "--scale-repetitions",
        type=int,
        default=None,
        help="repetitions per scaling size (default: --repetitions)",
    )
    p.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=list(DEFAULT_SIZES),
        help=f"respondents of the scaling runs (default {' '.join(map(str, DEFAULT_SIZES))}; "
        f"{BASE_SIZE} is always run, as the base of the ratios)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help=f"one repetition, sizes {' '.join(map(str, QUICK_SIZES))}, 300 s timeout (a smoke run)",
    )
    p.add_argument(
        "--cores",
        type=int,
        default=os.cpu_count() or 2,
        help="snakemake --cores and the test suite's workers (default: every core, as `make`)",
    )
    p.add_argument(
        "--timeout", type=float, default=900.0, help="seconds before a run is stopped (default 900)"
    )
    p.add_argument(
        "--memory-limit-mb",
        type=float,
        default=8000.0,
        help="stop a run whose process tree holds more than this (default 8000)",
    )
    p.add_argument(
        "--only",
        nargs="+",
        choices=["cold", "noop", "edit", "exact", "setup", "imports", "tests", "scaling"],
        default=["cold", "noop", "edit", "exact", "setup", "imports", "tests", "scaling"],
        help="measure only these (baselines always)",
    )
    p.add_argument("--project", type=Path, default=Path.cwd(), help="the project to copy (default: .)")
    p.add_argument(
        "--output",
        type=Path,
        default=Path("results/benchmark/benchmark.csv"),
        help="the table (default results/benchmark/benchmark.csv; profile.csv, imports.csv, "
        "job_imports.csv, critical_path.csv, suite.csv and machine.json beside it)",
    )
    p.add_argument("--keep", type=Path, default=None, help="keep the scratch project here (for inspection)")
    return p


def settings_from(args: argparse.Namespace) -> Settings:
    reps = 1 if args.quick else args.repetitions
    if reps < 1:
        raise SystemExit("--repetitions must be at least 1")
    return Settings(
        project=args.project.resolve(),
        output=args.output,
        repetitions=reps,
        scale_repetitions=1 if args.quick else (args.scale_repetitions or reps),
        sizes=tuple(QUICK_SIZES if args.quick else args.sizes),
        cores=args.cores,
        timeout=min(args.timeout, 300.0) if args.quick else args.timeout,
        memory_limit_mb=args.memory_limit_mb,
        keep=args.keep,
        measurements=tuple(args.only),
    )


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = settings_from(args)
    if not (settings.project / "Snakefile").exists():
        raise SystemExit(f"no Snakefile in {settings.project}: run from the project or pass --project")
    # SIGTERM as an exception: the scratch copy is removed and no run is left behind.
    signal.signal(signal.SIGTERM, _terminate)
    info = machine()
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()), flush=True)
    if os.getloadavg()[0] > 0.5:
        print("warning: the machine is busy (load average above 0.5): timings include other work", flush=True)
    settings.output.parent.mkdir(parents=True, exist_ok=True)
    settings.output.with_name("machine.json").write_text(json.dumps(info, indent=2) + "\n")
    report = measure(settings)
    info["load_average_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print()
    print(format_table(report.rows))
    if report.profile:
        print("\nprofile (rule durations from Snakemake's log, 1 s resolution):")
        for row in report.profile:
            print(f"  {row['run']:<22} {row['part']:<52} {row['seconds']:8.1f}")
    if report.imports:
        print("\nimports when Snakemake parses the workflow (python -X importtime, cumulative):")
        for row in report.imports:
            print(f"  {row['module']:<40} {row['seconds']:6.2f} s")
    if report.critical:
        print("\ncritical path of the last cold build (Snakemake's job records):")
        for row in report.critical:
            print(
                f"  {row['step']:>2}. {row['rule']:<28} starts at {row['start_seconds']:6.1f} s, "
                f"{row['seconds']:5.1f} s, after {row['waited_seconds']:4.1f} s waiting"
            )
    if report.suite:
        print("\nthe test suite's slowest tests (pytest --durations):")
        for row in report.suite:
            print(f"  {row['seconds']:7.1f} s  {row['phase']:<8} {row['test']}")
    if report.jobs:
        print(
            "\nimports per job (python -X importtime, median; at the start, then in the functions it runs):"
        )
        for row in report.jobs:
            total, start, later = row["total_seconds"], row["at_start_seconds"], row["in_functions_seconds"]
            print(f"  {row['job']:<20} {total:5.2f} s = {start:4.2f} + {later:4.2f}  {row['in_functions']}")
    out = settings.output
    save(report, settings)
    out.with_name("machine.json").write_text(json.dumps(info, indent=2) + "\n")
    print(
        f"\nwritten: {out} (and profile.csv, imports.csv, job_imports.csv, critical_path.csv, "
        "suite.csv, machine.json beside it)"
    )
    missed = [r.measurement for r in report.rows if r.met == "no"]
    if missed:
        print(f"targets not met: {', '.join(missed)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
