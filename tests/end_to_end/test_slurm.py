"""The pipeline on a SLURM cluster: the profile in workflow/profiles/slurm, run end to end
against a real single-node Slurm that tests/slurm/start.sh starts on this machine.

Skipped where that Slurm cannot be had: the executor plugin is not installed, Slurm and
munge are not installed (`bash tests/slurm/start.sh --install-only`), the tests do not run
as root, or the daemons do not start. LEISURENET_REQUIRE_SLURM=1 turns those skips into
failures (for CI, where Slurm must work)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from ..conftest import ROOT, SNAKEMAKE, scratch_project

pytestmark = pytest.mark.slow(minutes=2)  # a cluster started, the workflow through it

START = ROOT / "tests" / "slurm" / "start.sh"
SLURM_DIR = Path(os.environ.get("LEISURENET_SLURM_DIR", "/run/leisurenet-slurm"))
# The test cluster's account and partition, set as a user sets theirs (see the profile).
ACCOUNT, PARTITION = "leisurenet", "debug"
# What the profile asks of every job, and of the paper (set-resources), as Slurm records it.
DEFAULT_MEM, PAPER_MEM = "1000M", "3000M"
# What the test cluster needs beyond the profile. It has no accounting database, so job
# states come from squeue (finished jobs stay visible for MinJobAge=600 s), checked every
# few seconds; and every job's Slurm log is kept, as evidence of where it ran.
TEST_CLUSTER_ARGS = [
    "--slurm-status-command", "squeue",
    "--slurm-init-seconds-before-status-checks", "2",
    "--slurm-keep-successful-logs",
]  # fmt: skip


def unavailable(reason: str):
    if os.environ.get("LEISURENET_REQUIRE_SLURM") == "1":
        pytest.fail(f"Slurm is required (LEISURENET_REQUIRE_SLURM=1): {reason}")
    pytest.skip(reason)


def start_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(START), *args], capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL
    )


@pytest.fixture(scope="session")
def slurm():
    """A running single-node Slurm: started here (and stopped after the tests) unless it
    was already up. Yields the environment for its commands."""
    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        unavailable("snakemake-executor-plugin-slurm is not installed (requirements.lock)")
    if os.geteuid() != 0:
        unavailable("starting Slurm needs root (slurmd runs the jobs as their users)")
    already_up = start_script("--status").returncode == 0
    if not already_up:
        started = start_script("--no-install")
        if started.returncode != 0:
            start_script("--stop")  # whatever did start
            unavailable(f"Slurm could not be started (exit {started.returncode}): {started.stderr[-2000:]}")
    env = {
        **os.environ,
        "SLURM_CONF": str(SLURM_DIR / "slurm.conf"),
        "SBATCH_ACCOUNT": ACCOUNT,
        "SBATCH_PARTITION": PARTITION,
    }
    env.pop("SNAKEMAKE_PROFILE", None)
    yield env
    if not already_up:
        stopped = start_script("--stop")
        assert stopped.returncode == 0, stopped.stderr


@pytest.fixture(scope="session")
def slurm_run(slurm, tmp_path_factory):
    """The whole pipeline through the profile, every job submitted with sbatch."""
    folder = scratch_project(tmp_path_factory.mktemp("slurm"))
    result = subprocess.run(
        [SNAKEMAKE, "--profile", "workflow/profiles/slurm", *TEST_CLUSTER_ARGS],
        cwd=folder,
        env=slurm,
        capture_output=True,
        text=True,
        timeout=1800,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    run_id = re.search(r"SLURM run ID: (\S+)", result.stderr)
    assert run_id, result.stderr[-3000:]
    return folder, run_id[1]


def completed_jobs(run_id: str) -> list[dict[str, str]]:
    """The Slurm jobs of this run, from the test cluster's job completion log."""
    lines = (SLURM_DIR / "log" / "jobcomp.log").read_text().splitlines()
    jobs = [dict(re.findall(r"(\w+)=(\S*)", line)) for line in lines]
    return [job for job in jobs if job.get("Name") == run_id]


def output_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted((folder / "results").rglob("*"))
        if p.is_file()
    }


def test_every_rule_ran_as_a_slurm_job_with_the_profiles_resources(slurm_run):
    folder, run_id = slurm_run
    logs = folder / "results/logs"
    # one log per job: per rule, and per chunk or specification in the rules that have many
    jobs_per_rule = {log.stem: 1 for log in logs.glob("*.log")}
    jobs_per_rule |= {"bootstrap_chunk": len(list((logs / "bootstrap").glob("*.log")))}
    jobs_per_rule |= {"multiverse_spec": len(list((logs / "multiverse").glob("*.log")))}
    assert {"synthetic", "recode", "models", "paper", "manifest"} <= set(jobs_per_rule)
    assert jobs_per_rule["bootstrap_chunk"] > 1
    # the profile's multiverse_jobs=0: one job per specification (4 in tests/config/small.yaml)
    specs = pd.read_csv(folder / "results/multiverse/specifications.csv")["spec"].unique()
    assert sorted(p.stem for p in (logs / "multiverse").glob("*.log")) == sorted(specs)
    # the plugin's log folder: one folder per rule, one log per Slurm job
    slurm_logs = {
        d.name.removeprefix("rule_"): list(d.rglob("*.log"))  # a job with wildcards: in a subfolder
        for d in (folder / ".snakemake/slurm_logs").iterdir()
    }
    assert {rule: len(found) for rule, found in slurm_logs.items()} == jobs_per_rule
    # and Slurm's own record: every job completed, on the account and partition given
    jobs = {job["JobId"]: job for job in completed_jobs(run_id)}
    assert set(jobs) == {log.stem for logs in slurm_logs.values() for log in logs}
    for job in jobs.values():
        assert job["JobState"] == "COMPLETED", job
        assert (job["Account"], job["Partition"]) == (ACCOUNT, PARTITION), job
    # with the memory the profile asks for: the default, and the paper's set-resources
    memory = {
        rule: re.search(r"mem=(\w+)", jobs[logs[0].stem]["Tres"])[1] for rule, logs in slurm_logs.items()
    }
    assert memory["paper"] == memory["paper_pdf"] == PAPER_MEM
    assert memory["recode"] == DEFAULT_MEM


def test_the_results_are_those_of_a_local_run(slurm_run, replica_run):
    """Byte for byte, the manifest included, but for the multiverse's logs: one per job,
    and the jobs differ (the manifest leaves them out)."""
    folder, _ = slurm_run
    assert (folder / "results/paper/paper.pdf").stat().st_size > 0

    def results(folder):
        return {k: v for k, v in output_bytes(folder).items() if not k.startswith("results/logs/multiverse/")}

    assert results(folder) == results(replica_run)
