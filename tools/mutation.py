"""Mutation testing of the statistical core (``make mutation``; ``MODULES=describe,crosstab``).

Copies the project into a scratch folder (mutmut writes its mutants beside the sources, so the
project's own files are never touched), runs mutmut 3 there over the chosen modules of
src/leisurenet/analysis against the fast tests of tests/analysis, and reads each mutant's
outcome from mutmut's records (mutants/<module>.py.meta). mutmut tries each mutant on the tests
that called its function while it watched them; a test that reads a result that a module- or
session-wide fixture computed for an earlier test is not among them. So the survivors of that
first pass are tried again on every test of the files of those tests (:func:`widen`): a mutant
counts as surviving only if all of them pass. Prints the kill rate per module and overall,
then every survivor that tests/mutation/survivors.yml does not explain, with its changed line.
Exits 1 when the rate is below MIN_RATE or a survivor is unexplained.

A survivor is explained by an entry under its mutmut name with the changed line ("change", as
the diff's "+" line shows it, so that an entry stops matching once an edit of the module
renumbers the mutants) and the reason why the change cannot move a printed number ("reason").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SURVIVORS = ROOT / "tests" / "mutation" / "survivors.yml"
MIN_RATE = 0.95
# The modules that compute the numbers the paper prints, most important first (the intervals
# are in describe); a run over a few of them takes these names.
MODULES = [
    "describe", "crosstab", "exact", "bootstrap", "weighted", "weighting", "design_based",
    "models", "modelframe", "modelresult", "estimation", "fastfit", "scales", "audit",
]  # fmt: skip
PACKAGE = "src/leisurenet/analysis"
# mutmut's exit codes (mutmut.stats.status_by_exit_code): a test failed (1, 3), ran out of time
# (timeouts: the tests did not pass either) or crashed. Anything else, "no tests" included, is a
# mutant the tests let through.
KILLED = {1, 3, 24, -24, 152, 255, 36, -11, -9}
# Not copied into the scratch folder: environments, outputs and caches.
IGNORE = shutil.ignore_patterns(
    ".venv*", "results", ".snakemake", "mutants", ".git", "__pycache__", "*_cache"
)
CONFIG = """
[tool.mutmut]
source_paths = ["src"]
only_mutate = {only}
also_copy = ["config", "workflow", "scripts", "paper", "Snakefile"]
pytest_add_cli_args = ["-m", "not slow", "-p", "no:cacheprovider", "-q"]
pytest_add_cli_args_test_selection = ["tests/analysis"]
# An error's message prints no number: a statement raising one is not mutated (its condition is).
do_not_mutate_patterns = ['^\\s*raise \\w*Error\\(']
# An infinite loop is a kill: stop it at several times the clean run's (CPU) time.
timeout_multiplier = 10.0
use_git_change_detection = false
"""
# Prints each survivor's diff, run inside the scratch folder (mutmut reads its records there).
SHOW = """
import json, sys
from mutmut.mutation.diff_apply import get_diff_for_mutant
print(json.dumps({name: get_diff_for_mutant(name, path=path) for name, path in json.load(sys.stdin)}))
"""


def outcomes(work: Path, modules: list[str]) -> dict[str, dict[str, int | None]]:
    """Each module's mutants with mutmut's exit code for them (None: not run)."""
    result = {}
    for module in modules:
        meta = work / "mutants" / PACKAGE / f"{module}.py.meta"
        result[module] = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
    return result


def rates(results: dict[str, dict[str, int | None]]) -> dict[str, tuple[int, int]]:
    """Killed and total mutants per module, and overall under "all"."""
    counts = {m: (sum(c in KILLED for c in codes.values()), len(codes)) for m, codes in results.items()}
    counts["all"] = tuple(map(sum, zip(*counts.values(), strict=True))) if counts else (0, 0)
    return counts


def unexplained(survivors: dict[str, str], explained: dict[str, dict]) -> list[str]:
    """The survivors (name: changed line) without an entry whose change and reason match."""
    return sorted(
        name
        for name, change in survivors.items()
        if not (
            name in explained
            and str(explained[name].get("reason", "")).strip()
            and " ".join(str(explained[name].get("change", "")).split()) == " ".join(change.split())
        )
    )


def changed_line(diff: str) -> str:
    """The mutated lines of a diff ("+" lines without the file header), joined; for a mutant
    that only deletes, the deleted lines after "removed: "."""
    lines = diff.splitlines()
    added = [line[1:].strip() for line in lines if line.startswith("+") and not line.startswith("+++")]
    if added:
        return " | ".join(added)
    removed = [line[1:].strip() for line in lines if line.startswith("-") and not line.startswith("---")]
    return "removed: " + " | ".join(removed) if removed else ""


def widen(stats: dict) -> dict:
    """mutmut's record of the tests of each function, widened to every test of their files."""
    by_file: dict[str, set[str]] = {}
    for test in stats["duration_by_test"]:
        by_file.setdefault(test.split("::")[0], set()).add(test)
    tests = stats["tests_by_mangled_function_name"]
    for function, names in tests.items():
        files = {name.split("::")[0] for name in names}
        tests[function] = sorted(set(names).union(*(by_file.get(f, set()) for f in files)))
    return stats


def survivors_of(results: dict[str, dict[str, int | None]]) -> list[str]:
    return [name for codes in results.values() for name, code in codes.items() if code not in KILLED]


def run(work: Path, modules: list[str], cores: int) -> None:
    shutil.copytree(ROOT, work, ignore=IGNORE, dirs_exist_ok=True)
    only = json.dumps([f"{PACKAGE}/{m}.py" for m in modules])
    with open(work / "pyproject.toml", "a", encoding="utf-8") as config:
        config.write(CONFIG.format(only=only))
    mutmut = [sys.executable, "-m", "mutmut", "run", "--max-children", str(cores)]
    # One thread per test run: mutmut limits each mutant's CPU time, and BLAS threads waiting
    # for a busy core would spend it, timing out (so "killing") a mutant that survives.
    env = os.environ | dict.fromkeys(["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"], "1")
    subprocess.run(mutmut, cwd=work, env=env, check=True)
    # The second pass: mutmut reruns the mutants it is given by name, on the widened tests.
    stats = work / "mutants" / "mutmut-stats.json"
    stats.write_text(json.dumps(widen(json.loads(stats.read_text()))))
    if again := survivors_of(outcomes(work, modules)):
        subprocess.run(mutmut + again, cwd=work, env=env, check=True)


def diffs(work: Path, names: list[str]) -> dict[str, str]:
    pairs = [(name, f"{PACKAGE}/{name.split('.')[2]}.py") for name in names]
    shown = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=work,
        input=json.dumps(pairs),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(shown.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--modules", default=",".join(MODULES), help="comma-separated, of: " + " ".join(MODULES)
    )
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--workdir", type=Path, help="the scratch folder, kept (default: a temporary one)")
    args = parser.parse_args(argv)
    modules = [m.strip() for m in args.modules.split(",") if m.strip()]
    if unknown := sorted(set(modules) - set(MODULES)):
        parser.error(f"unknown modules {unknown}: choose from {MODULES}")

    work = args.workdir or Path(tempfile.mkdtemp(prefix="leisurenet-mutation-"))
    start = time.monotonic()
    try:
        run(work, modules, args.cores)
        results = outcomes(work, modules)
        survivors = {name: changed_line(diff) for name, diff in diffs(work, survivors_of(results)).items()}
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    minutes = (time.monotonic() - start) / 60

    explained = yaml.safe_load(SURVIVORS.read_text(encoding="utf-8")) or {}
    missing = unexplained(survivors, explained)
    print(f"\nMutation testing, {minutes:.0f} min: killed / mutants per module")
    for module, (killed, total) in rates(results).items():
        rate = killed / total if total else 0.0
        print(f"  {module:<14} {killed:>5} / {total:<5} {rate:6.1%}")
    for name in missing:
        print(f"\nUNEXPLAINED {name}\n  change: {survivors[name]}")
    killed, total = rates(results)["all"]
    ok = total > 0 and killed / total >= MIN_RATE and not missing
    print(
        f"\nMUTATION: {'PASS' if ok else 'FAIL'} ({killed}/{total} killed, {len(survivors) - len(missing)}"
        f" survivors explained, {len(missing)} unexplained; at least {MIN_RATE:.0%} must be killed)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
