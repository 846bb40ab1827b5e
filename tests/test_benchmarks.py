"""The benchmark's table logic on fake timings, and its command line; the benchmark itself
is not run here (`make bench` runs it)."""

from __future__ import annotations

import base64
import csv
import json
import math
import os
import subprocess
import sys
import textwrap
import time

import pytest

from benchmarks import critical, suite
from benchmarks.harness import (
    COLUMNS,
    LATER,
    Row,
    Run,
    Settings,
    crosstab_tables,
    edit_row,
    exact_row,
    format_table,
    function_imports,
    import_seconds,
    job_durations,
    job_import_code,
    job_scripts,
    median,
    met,
    parser,
    profile_rows,
    ratio,
    ratio_row,
    rule_durations,
    rule_jobs,
    rules_run,
    scaling_rows,
    settings_from,
    time_suite,
    write_rows,
)

from .conftest import ROOT

# A Snakemake log (stderr) of a run that re-rendered the paper, trimmed to what is parsed.
EDIT_LOG = """\
Building DAG of jobs...
Job stats:
job         count
--------  -------
all             1
manifest        1
paper           1
paper_pdf       1
total           4

[Fri Nov 27 00:29:04 2026]
localrule paper:
    input: paper/paper.qmd
    reason: Updated input files: paper/paper.qmd
[Fri Nov 27 00:29:04 2026]
localrule paper_pdf:
    input: paper/paper.qmd
    reason: Updated input files: paper/paper.qmd
[Fri Nov 27 00:29:06 2026]
Finished jobid: 14 (Rule: paper_pdf)
1 of 4 steps (25%) done
[Fri Nov 27 00:29:07 2026]
Finished jobid: 13 (Rule: paper)
2 of 4 steps (50%) done
[Fri Nov 27 00:29:07 2026]
localrule manifest:
[Fri Nov 27 00:29:09 2026]
Finished jobid: 15 (Rule: manifest)
[Fri Nov 27 00:29:09 2026]
localrule all:
[Fri Nov 27 00:29:09 2026]
Finished jobid: 0 (Rule: all)
4 of 4 steps (100%) done
"""


def runs(*seconds: float, log: str = "", tree: float = 100.0, proc: float = 80.0) -> list[Run]:
    return [Run(s, 0, tree, proc, "", log) for s in seconds]


def failed(reason: str) -> Run:
    return Run(math.nan, 1, 50.0, 40.0, reason, "")


def test_median_ignores_missing_values():
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0]) == 2.5
    assert median([5.0, math.nan, None, 1.0, 3.0]) == 3.0
    assert math.isnan(median([]))
    assert math.isnan(median([math.nan]))


def test_ratio_and_target_check():
    assert ratio(30.0, 3.0) == pytest.approx(10.0)
    assert math.isnan(ratio(30.0, 0.0))
    assert math.isnan(ratio(math.nan, 3.0))
    assert met(10.0, 10.0) == "yes"  # "at most"
    assert met(10.01, 10.0) == "no"
    assert met(math.nan, 10.0) == "no"
    assert met(5.0, None) == "n/a"


def test_ratio_row_takes_the_median_against_the_baseline():
    row = ratio_row("cold build", runs(31.0, 29.0, 90.0), "import baseline", 3.0, 10.0)
    assert row.seconds == 31.0 and row.repetitions == 3
    assert row.ratio == pytest.approx(31.0 / 3.0)
    assert row.target == "<= 10x" and row.met == "no"
    assert ratio_row("no-op", runs(2.0, 2.2, 2.1), "version", 1.1, 2.0).met == "yes"


def test_a_failed_repetition_fails_the_row_and_says_why():
    row = ratio_row(
        "cold build", [*runs(10.0), failed("failed (exit 1) in rule paper: boom")], "b", 5.0, 10.0
    )
    assert row.seconds == 10.0 and row.ratio == 2.0
    assert row.met == "no" and "rule paper" in row.note


def test_memory_peaks_are_the_highest_over_repetitions():
    row = ratio_row("x", [Run(1.0, 0, 100.0, 90.0), Run(2.0, 0, 300.0, 70.0)], "b", 1.0, None)
    assert (row.peak_tree_mb, row.peak_process_mb) == (300.0, 90.0)
    assert row.met == "n/a"


def test_rules_run_and_their_durations_from_the_log():
    assert rules_run(EDIT_LOG) == ["paper", "paper_pdf", "manifest", "all"]
    assert rule_durations(EDIT_LOG) == {"paper_pdf": 2.0, "paper": 3.0, "manifest": 2.0}
    # A rule that started but never finished (the run was stopped) is timed to the last stamp.
    stopped = EDIT_LOG.split("[Fri Nov 27 00:29:09 2026]\nFinished jobid: 15")[0]
    stopped += "[Fri Nov 27 00:30:00 2026]\n"
    assert rule_durations(stopped)["manifest (unfinished)"] == 53.0


# Two jobs of one rule side by side, then one after them, as Snakemake logs them (jobid lines).
PARALLEL_LOG = """\
[Fri Nov 27 01:00:00 2026]
rule spec:
    output: results/a.csv
    jobid: 4
    reason: Missing output files: results/a.csv
[Fri Nov 27 01:00:01 2026]
rule spec:
    output: results/b.csv
    jobid: 5
[Fri Nov 27 01:00:03 2026]
Finished jobid: 5 (Rule: spec)
[Fri Nov 27 01:00:06 2026]
Finished jobid: 4 (Rule: spec)
[Fri Nov 27 01:00:06 2026]
rule combine:
    jobid: 2
[Fri Nov 27 01:00:08 2026]
Finished jobid: 2 (Rule: combine)
[Fri Nov 27 01:00:08 2026]
localrule spec:
    jobid: 7
[Fri Nov 27 01:00:10 2026]
"""


def test_jobs_of_one_rule_are_timed_each_and_summed():
    # Matched by job id: 6 s and 2 s, although the second started later and finished first.
    assert job_durations(PARALLEL_LOG) == [
        ("spec", 2.0, True),
        ("spec", 6.0, True),
        ("combine", 2.0, True),
        ("spec", 2.0, False),
    ]
    assert rule_durations(PARALLEL_LOG) == {"spec": 8.0, "combine": 2.0, "spec (unfinished)": 2.0}
    assert rule_jobs(PARALLEL_LOG) == {"spec": 2, "combine": 1, "spec (unfinished)": 1}
    parts = [row["part"] for row in profile_rows("n", Run(10.0, log=PARALLEL_LOG), 10.0)]
    assert "rule spec (2 jobs, summed)" in parts and "rule combine" in parts


def test_edit_row_expects_only_the_paper_and_its_manifest():
    row = edit_row(runs(7.0, 8.0, 6.0, log=EDIT_LOG), "no-op rerun", 3.0)
    assert row.met == "yes" and row.seconds == 7.0
    assert row.note.startswith("reran: manifest, paper, paper_pdf")
    assert "manifest checksums every output" in row.note
    more = EDIT_LOG.replace("localrule paper:", "localrule paper:\nlocalrule describe:")
    row = edit_row(runs(7.0, log=more), "no-op rerun", 3.0)
    assert row.met == "no" and "unexpected: describe" in row.note
    nothing = edit_row(runs(3.0, log="Nothing to be done."), "no-op rerun", 3.0)
    assert nothing.met == "no" and "reran: nothing" in nothing.note and "missing: paper" in nothing.note


def test_scaling_rows_check_time_and_memory_of_the_largest_size():
    results = {
        77: runs(50.0, 52.0, 51.0),
        1_000: runs(60.0, 61.0, 62.0),
        100_000: runs(90.0, 100.0, 110.0, tree=1500.0, proc=900.0),
    }
    rows = {r.measurement: r for r in scaling_rows(results)}
    base = rows["scaling n = 77"]
    assert base.seconds == 51.0 and base.met == "n/a"
    assert rows["scaling n = 1,000"].ratio == pytest.approx(61.0 / 51.0)
    assert rows["scaling n = 1,000"].met == "n/a"  # no target below the largest size
    big = rows["scaling n = 100,000"]
    assert big.ratio == pytest.approx(100.0 / 51.0) and big.met == "yes"
    assert "2x" in big.target and "2048 MB" in big.target
    # Fast enough, but too much memory.
    results[100_000] = runs(100.0, tree=2500.0, proc=900.0)
    big = {r.measurement: r for r in scaling_rows(results)}["scaling n = 100,000"]
    assert big.met == "no" and "2,500 MB" in big.note


def test_scaling_rows_record_failures_and_skipped_sizes():
    results = {77: runs(50.0), 10_000: [failed("stopped: over the 900 s timeout (running: crosstab)")]}
    skipped = {100_000: "skipped: n = 10,000 did not finish"}
    rows = {r.measurement: r for r in scaling_rows(results, skipped=skipped)}
    assert rows["scaling n = 10,000"].met == "n/a" and "timeout" in rows["scaling n = 10,000"].note
    assert math.isnan(rows["scaling n = 10,000"].seconds)
    big = rows["scaling n = 100,000"]
    assert big.met == "no" and big.repetitions == 0 and "skipped" in big.note


def test_exact_row_gives_the_slowest_cross_tab_and_the_median():
    timings = {"a_by_size": [0.02, 0.01, 0.03], "b_by_size": [0.5, 0.4, 0.6], "c_by_size": [0.1, 0.1, 0.1]}
    row = exact_row(timings, {"b_by_size": "5 x 3, n = 77, exact (network algorithm)"})
    assert row.seconds == 0.5 and row.repetitions == 3 and row.met == "n/a" and row.target == ""
    assert row.note.startswith("b_by_size (5 x 3, n = 77, exact (network algorithm)); 3 cross-tabs")
    assert row.note.endswith("median 0.1000 s, 0.620 s in all")
    assert math.isnan(exact_row({}).seconds) and exact_row({}).note == "no cross-tabs"


def test_crosstab_tables_are_the_tested_tables(tmp_path):
    cells = tmp_path / "cells.csv"
    cells.write_text(
        "crosstab,row_level,col_level,n\n"
        + "".join(
            f"x_by_size,{r},{c},{n}\n"
            for (r, c), n in zip(
                [
                    ("a", "small"),
                    ("a", "large"),
                    ("none", "small"),
                    ("none", "large"),
                    ("b", "small"),
                    ("b", "large"),
                ],
                [3, 1, 0, 0, 2, 5],
                strict=True,
            )
        )
    )
    tables = crosstab_tables(cells)
    assert list(tables) == ["x_by_size"] and tables["x_by_size"].tolist() == [[3, 1], [2, 5]]


# `python -X importtime` output (standard error) of a job's imports, trimmed: self and
# cumulative microseconds; a nested import is indented under the module that imports it.
IMPORTTIME = f"""\
import time: self [us] | cumulative | imported package
import time:       500 |        500 | _io
import time:      2000 |    1200000 |   pandas.core
import time:      1000 |    1203000 | pandas
import time:       300 |        300 | leisurenet
import time:       700 |     400000 | leisurenet.analysis.scales
{LATER}
import time:       900 |     600000 |   seaborn
import time:      1500 |     900000 | pingouin
import time:       100 |       2500 | pingouin.parametric
"""


def test_import_seconds_split_the_start_from_the_functions():
    start, later, packages = import_seconds(IMPORTTIME)
    assert start == pytest.approx(0.0005 + 1.203 + 0.0003 + 0.4)  # the top-level lines only
    assert later == pytest.approx(0.9 + 0.0025)
    assert packages == ["pingouin"]  # seaborn was imported by pingouin
    assert import_seconds("no import time here") == (0.0, 0.0, [])


def test_the_imports_of_a_job_and_of_its_functions(tmp_path):
    module = tmp_path / "module.py"
    module.write_text(
        "import json\nimport numpy as np\nfrom leisurenet.io import x\n\n"
        "def fit():\n    import statsmodels.api as sm\n    from scipy import stats\n"
        "    import leisurenet.codebook\n    from . import sibling\n\n"
        "class A:\n    def m(self):\n        def inner():\n            import pingouin\n"
    )
    assert function_imports([module]) == ["pingouin", "scipy", "statsmodels.api"]
    scripts = job_scripts(ROOT)
    assert {"describe.py", "models.py", "figures.py"} <= set(scripts)
    assert all((ROOT / "scripts" / script).is_file() for script in scripts)
    code, later = job_import_code(ROOT, "describe.py")
    start, functions = code.split(LATER)
    assert "from leisurenet.analysis.scales import" in start and "pingouin" not in start
    assert "import pingouin" in functions and "pingouin" in later
    compile(code, "job", "exec")


def test_table_and_csv(tmp_path):
    rows = [
        Row("python -c import", 3.0, 3, target="(baseline)"),
        ratio_row("cold build to the paper", runs(70.0), "import baseline", 3.0, 10.0),
    ]
    text = format_table(rows)
    assert "cold build to the paper" in text and "23.33" in text and " no" in text
    path = tmp_path / "bench" / "benchmark.csv"
    write_rows(rows, path)
    with open(path) as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == COLUMNS
    assert table[1]["met"] == "no" and float(table[1]["ratio"]) == pytest.approx(70.0 / 3.0)
    assert table[0]["ratio"] == ""  # missing numbers are empty cells


def test_quick_mode_settings():
    quick = settings_from(parser().parse_args(["--quick"]))
    assert quick.repetitions == 1 and quick.scale_repetitions == 1
    assert quick.sizes == (77, 1_000) and quick.timeout <= 300
    default = settings_from(parser().parse_args([]))
    assert default.repetitions == 3 and default.sizes == (77, 1_000, 10_000, 100_000)
    assert "imports" in default.measurements


def test_cli_help():
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "--repetitions" in result.stdout and "--quick" in result.stdout


# --- the critical path and the test suite ---------------------------------------------------


def write_record(meta, output: str, rule: str, job: int, start: float, end: float, inputs=()):
    name = base64.urlsafe_b64encode(output.encode()).decode()
    record = {"rule": rule, "job_hash": job, "starttime": start, "endtime": end, "input": list(inputs)}
    (meta / name).write_text(json.dumps(record))


def test_jobs_are_read_from_snakemakes_records_one_per_job(tmp_path):
    meta = tmp_path / ".snakemake" / "metadata"
    meta.mkdir(parents=True)
    write_record(meta, "results/a.csv", "a", 1, 10.0, 12.0, ["config.yaml"])
    write_record(meta, "results/a.parquet", "a", 1, 10.0, 12.5, ["config.yaml"])
    write_record(meta, "results/b.csv", "b", 2, 12.6, 15.0, ["results/a.csv"])
    jobs = sorted(critical.jobs_from_metadata(tmp_path), key=lambda job: job.start)
    assert [(j.rule, j.start, j.end) for j in jobs] == [("a", 10.0, 12.5), ("b", 12.6, 15.0)]
    assert jobs[0].outputs == {"results/a.csv", "results/a.parquet"}
    assert jobs[1].inputs == {"results/a.csv"}


def job(rule, start, end, outputs=(), inputs=()):
    return critical.Job(rule, start, end, frozenset(outputs), frozenset(inputs))


def test_the_critical_path_follows_the_input_that_was_ready_last():
    first = job("clean", 0.0, 2.0, ["c"])
    quick = job("describe", 2.0, 3.0, ["d"], ["c"])
    slow = job("models", 2.5, 9.0, ["m"], ["c"])  # started after waiting 0.5 s for a core
    other = job("audit", 2.0, 10.0, ["x"], ["c"])  # finished later, but nothing waits for it
    last = job("paper", 9.0, 11.0, ["p"], ["d", "m", "source.qmd"])
    chain = critical.critical_path([last, quick, other, slow, first])
    assert [j.rule for j in chain] == ["clean", "models", "paper"]
    rows = critical.path_records(chain)
    assert [(r["start_seconds"], r["seconds"], r["waited_seconds"]) for r in rows] == [
        (0.0, 2.0, 0.0),
        (2.5, 6.5, 0.5),
        (9.0, 2.0, 0.0),
    ]
    assert critical.describe(rows) == "clean 2.0 s -> models 6.5 s (after 0.5 s waiting) -> paper 2.0 s"
    assert critical.critical_path([]) == [] and critical.path_records([]) == []


SUITE_OUTPUT = """\
........................................................................ [ 98%]
...                                                                      [100%]
============================= slowest 10 durations =============================
331.20s setup    tests/end_to_end/test_renderers.py::test_a[replica]
97.51s call     tests/end_to_end/test_setup.py::test_b[uv]
0.91s teardown tests/end_to_end/test_slurm.py::test_c
=========== 1012 passed, 2 skipped in 412.85s (0:06:52) ===========
"""


def spin(seconds: float) -> str:
    """Python code that uses ``seconds`` of CPU time."""
    return f"import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end:\n    pass\n"


def test_the_suites_cpu_time_counts_the_processes_it_waited_for():
    """A child that spins for 0.3 s of CPU, and its own child that does too: about 0.6 s
    (a little more for starting Python), never more than they took on the clock times the
    cores."""
    run = f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {spin(0.3)!r}], check=True)\n"
    code = spin(0.3) + run  # the child spins, then waits for its own child to spin
    before, start = suite.children_cpu_seconds(), time.monotonic()
    subprocess.run([sys.executable, "-c", code], check=True)
    cpu, wall = suite.children_cpu_seconds() - before, time.monotonic() - start
    assert 0.6 <= cpu <= wall * (os.cpu_count() or 1) + 0.05


def test_the_suite_is_timed_with_its_cpu_time_beside_it(tmp_path):
    """A suite of one test that spins for 0.4 s of CPU, run as the benchmark runs make test's
    (one worker here): passed, timed, and its CPU time at least the spin's."""
    (tmp_path / "test_spin.py").write_text("def test_spin():\n" + textwrap.indent(spin(0.4), "    "))
    rows, slowest = time_suite(Settings(project=tmp_path, output=tmp_path / "out.csv", cores=1))
    timed, cpu = rows
    assert timed.note == "1 passed" and timed.seconds >= 0.4 and timed.met == "yes"
    assert cpu.seconds >= 0.4 and cpu.note.startswith(f"{cpu.seconds / 60:.1f} min on 1 cores")
    assert slowest[0]["test"] == "test_spin.py::test_spin" and slowest[0]["phase"] == "call"


def test_the_suites_summary_and_slowest_tests_are_read_from_pytests_output():
    counts, seconds, slowest = suite.parse(SUITE_OUTPUT)
    assert counts == "1012 passed, 2 skipped" and seconds == 412.85
    assert slowest[0] == {"test": "tests/end_to_end/test_renderers.py::test_a[replica]", "phase": "setup",
                          "seconds": 331.2}  # fmt: skip
    assert [row["phase"] for row in slowest] == ["setup", "call", "teardown"]
    assert suite.parse("nothing ran")[:2] == ("", None)
    assert "-n" not in suite.command("python", 1) and suite.command("python", 4)[3:5] == ["-n", "4"]
