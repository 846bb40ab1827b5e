"""Perturbation testing of the statistical core: does the quick loop see every function's result?

Copies the project into a scratch folder (the project's own files are never touched) and appends
to each chosen module of src/leisurenet/analysis a block that re-binds each of its top-level
functions to a wrapper, so that one copy serves every function and internal calls and
``from module import f`` elsewhere (made once the module has run to its end) see the wrapper.
An environment variable selects what the wrappers do: record which test calls which function,
or make one function's result 1 % larger (:func:`perturb`: floats times 1.01, recursively through
pandas objects, tuples, lists, sets, dicts and dataclasses; a result that holds no float gets its
integers, the counts, plus 1; booleans, strings and None stay).

One traced run of the quick tests (``pytest -m "not slow"``, the loop of ``make check``) records
the callers; then each function is perturbed in turn and its callers run, stopping at the first
failure, and if they pass every test of their files (a test that reads a result a module- or
session-wide fixture computed for another test is not recorded as a caller: as tools/mutation.py
widens). A function is caught when they fail (or hang); not caught when no test calls it or they
pass; "no number" when its result held nothing to change. Tests failing unperturbed are left
out. Prints per module the functions perturbed, caught, without a number, explained and not
caught, then each unexplained one with its callers (all outcomes: perturbation/outcomes.yml in
the scratch folder). Exits 1 when a function is not caught and tests/mutation/perturbation.yml
does not say why (``module.function: reason``, e.g. a number that no printed figure depends on).
Only top-level functions are perturbed, not methods; a function held elsewhere before its
module has run to its end (a default argument, a module-level table) would keep the original.

Why: mutation testing changes the code a line at a time and asks whether a test notices; this
asks the coarser question per function, whether any test would notice its printed number move
by one per cent, and finds the functions that no test checks at all.
"""

from __future__ import annotations

import argparse
import ast
import copy
import dataclasses
import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
import types
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXPLANATIONS = ROOT / "tests" / "mutation" / "perturbation.yml"
PACKAGE = "src/leisurenet/analysis"
# tools/ is not a package: load the module list from its file.
_spec = importlib.util.spec_from_file_location("mutation_tool", Path(__file__).with_name("mutation.py"))
mutation = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mutation)
# Modules whose numbers the paper prints too (the paired comparison, the nonresponse tests, the
# multiverse and the weighted ordinal model) that tools/mutation.py does not mutate.
EXTRA = ["paired", "nonresponse", "multiverse", "weighted_models"]
MODULES = mutation.MODULES + EXTRA
FACTOR = 1.01
# What the wrappers do: record callers into this file, or perturb this module.function and
# log into that file whether its result changed.
RECORD, TARGET, LOG = "LEISURENET_PERTURB_RECORD", "LEISURENET_PERTURB", "LEISURENET_PERTURB_LOG"
# Appended to each scratch module: puts tools/ on the path and re-binds the module's functions
# (nothing at all unless one of the variables is set).
BLOCK = f"""

if {{"{RECORD}", "{TARGET}"}} & set(__import__("os").environ):
    __import__("sys").path.append(str(__import__("pathlib").Path(__file__).parents[3] / "tools"))
    __import__("perturbation").install(globals())
"""
OUTCOMES = ("caught", "no number", "explained", "not caught")


def functions(source: str) -> list[str]:
    """The module's top-level functions (public and private), in the order of the source."""
    tree = ast.parse(source)
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]


def _changes(old, new) -> bool:
    """Whether a float leaf really moved (zeros, NaN and infinities do not under a factor)."""
    import numpy as np
    import pandas as pd

    if isinstance(old, pd.Series):  # nullable columns hold pd.NA, which NumPy cannot take as a float
        old, new = (x.to_numpy(dtype=float, na_value=np.nan) for x in (old, new))
    old, new = np.asarray(old, dtype=float), np.asarray(new, dtype=float)
    return bool(np.any((old != new) & np.isfinite(old)))


def _scale(value, integers: bool):
    """``value`` with its floats times FACTOR (or its integers plus 1), and whether anything moved."""
    import numpy as np
    import pandas as pd

    def leaf(x):
        return (x + 1, True) if integers else (x * FACTOR, _changes(x, x * FACTOR))

    if value is None or isinstance(value, bool | np.bool_ | str | bytes):
        return value, False
    if isinstance(value, float | np.floating):
        return leaf(value) if not integers else (value, False)
    if isinstance(value, int | np.integer):
        return leaf(value) if integers else (value, False)
    if isinstance(value, np.ndarray):
        return leaf(value) if value.dtype.kind in ("iu" if integers else "f") else (value, False)
    if isinstance(value, pd.Series):
        kind = pd.api.types.is_integer_dtype if integers else pd.api.types.is_float_dtype
        return leaf(value) if kind(value.dtype) else (value, False)
    if isinstance(value, pd.DataFrame):
        out, moved = value.copy(), False
        for i in range(value.shape[1]):
            column, changed = _scale(value.iloc[:, i], integers)
            if changed:
                out.isetitem(i, column)
                moved = True
        return (out, True) if moved else (value, False)
    if isinstance(value, tuple | list):
        pairs = [_scale(item, integers) for item in value]
        if not any(changed for _, changed in pairs):
            return value, False
        items = [item for item, _ in pairs]
        if hasattr(value, "_fields"):  # a named tuple
            return type(value)(*items), True
        return (type(value)(items) if type(value) in (tuple, list) else items), True
    if isinstance(value, set | frozenset):
        pairs = [_scale(item, integers) for item in value]
        return (type(value)(item for item, _ in pairs), True) if any(c for _, c in pairs) else (value, False)
    if isinstance(value, dict):
        pairs = {key: _scale(item, integers) for key, item in value.items()}
        if not any(changed for _, changed in pairs.values()):
            return value, False
        return {key: item for key, (item, _) in pairs.items()}, True
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _scale(getattr(value, f.name), integers) for f in dataclasses.fields(value)}
        if not any(changed for _, changed in fields.values()):
            return value, False
        out = copy.copy(value)
        for name, (item, changed) in fields.items():
            if changed:
                object.__setattr__(out, name, item)  # frozen dataclasses too
        return out, True
    return value, False


def perturb(value):
    """``value`` 1 % larger, and what changed: "float", "integer" (a result without floats) or None.

    Floats (Python, NumPy scalars and arrays, pandas float columns) are multiplied by FACTOR; when
    nothing moves so (no float, or only zeros), integers get 1 more, since a count cannot grow by
    1 %; booleans, strings, None and other objects stay. The input is never modified."""
    for integers, kind in ((False, "float"), (True, "integer")):
        new, changed = _scale(value, integers)
        if changed:
            return new, kind
    return value, None


def _caller() -> str:
    """The running test's node id, or the test file whose import calls the function."""
    if current := os.environ.get("PYTEST_CURRENT_TEST"):
        return current.rsplit(" (", 1)[0]
    frame = sys._getframe(2)
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        if path.name.startswith("test_") and "tests" in path.parts:
            return path.relative_to(Path.cwd()).as_posix() if path.is_relative_to(Path.cwd()) else str(path)
        frame = frame.f_back
    return ""


def recorder(function, name: str, path: str):
    seen: set[str] = set()

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if (caller := _caller()) and caller not in seen:
            seen.add(caller)
            with open(path, "a", encoding="utf-8") as log:
                log.write(f"{name}\t{caller}\n")
        return function(*args, **kwargs)

    return wrapper


def perturber(function, path: str):
    logged: set[str] = set()

    def note(kind):
        if kind is not None and kind not in logged:
            logged.add(kind)
            with open(path, "a", encoding="utf-8") as log:
                log.write(kind + "\n")

    def changed(value):
        new, kind = perturb(value)
        note(kind)
        return new

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        result = function(*args, **kwargs)
        if isinstance(result, types.GeneratorType):
            return (changed(item) for item in result)
        return changed(result)

    return wrapper


def install(namespace: dict) -> None:
    """Re-bind a module's functions to recording wrappers, or the chosen one to a perturbing one.

    Called by the block appended to the module, with its namespace, once its code has run."""
    module = namespace["__name__"].rpartition(".")[2]
    names = functions(Path(namespace["__file__"]).read_text(encoding="utf-8"))
    if path := os.environ.get(RECORD):
        for name in names:
            namespace[name] = recorder(namespace[name], f"{module}.{name}", path)
    target = os.environ.get(TARGET, "")
    if target.rpartition(".")[0] == module and (name := target.rpartition(".")[2]) in names:
        namespace[name] = perturber(namespace[name], os.environ.get(LOG, os.devnull))


def callers(trace: str) -> dict[str, set[str]]:
    """The recorded callers (node ids or test files) of each function, from the trace's lines."""
    result: dict[str, set[str]] = {}
    for line in trace.splitlines():
        if "\t" in line:
            function, caller = line.split("\t", 1)
            result.setdefault(function, set()).add(caller)
    return result


def test_files(tests: set[str]) -> list[str]:
    """The files of the tests, those with most of the tests first (pytest, and the project's
    conftest ordering the longest tests first, decide the order in which they run)."""
    counts: dict[str, int] = {}
    for test in tests:
        counts[test.split("::")[0]] = counts.get(test.split("::")[0], 0) + 1
    return sorted(counts, key=lambda f: (-counts[f], f))


def failures(junit: str) -> list[str]:
    """The node ids of the tests that failed or erred in a JUnit XML report (xunit1: with files)."""
    failed = []
    for case in ET.fromstring(junit).iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            path = case.get("file", "")
            # The classname is the module's dotted path, then any test classes.
            classes = case.get("classname", "")[len(path.removesuffix(".py").replace("/", ".")) + 1 :]
            failed.append("::".join([path, *filter(None, classes.split(".")), case.get("name", "")]))
    return sorted(set(failed))


def first_failure(output: str) -> str:
    """The first failing test and its message, from pytest's short summary (``-rfE``)."""
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return line.split(" ", 1)[1]
    return ""


def classify(ran: bool, returncode: int | None, kinds: set[str]) -> str:
    """A function's outcome from its tests' run: return code (None: timed out) and what changed."""
    if not ran:
        return "not caught"  # no test calls it
    if returncode is None:
        return "caught"  # a timeout: the tests did not pass
    if returncode == 1:
        return "caught" if kinds else "error"  # a failure with nothing changed: the wrapper broke them
    if returncode == 0:
        return "not caught" if kinds else "no number"
    if returncode == 5:
        return "not caught"  # its callers all fail unperturbed: no test left to run
    return "error"


def outcome_table(outcomes: dict[str, str], explained: dict[str, str]) -> dict[str, dict[str, int]]:
    """Per module (and "all"): functions perturbed, caught, without number, explained, not caught.

    A not-caught function (or an error) is explained by a non-empty reason under its name."""
    table: dict[str, dict[str, int]] = {}
    for name, outcome in outcomes.items():
        if outcome in ("not caught", "error"):
            outcome = "explained" if str(explained.get(name) or "").strip() else "not caught"
        for row in (name.rsplit(".", 1)[0], "all"):
            counts = table.setdefault(row, dict.fromkeys(("perturbed", *OUTCOMES), 0))
            counts["perturbed"] += 1
            counts[outcome] += 1
    if "all" in table:
        table["all"] = table.pop("all")
    return table


def prepare(work: Path, modules: list[str], keep: bool = False) -> dict[str, list[str]]:
    """Copy the project and append the wrapping block to each module: its functions by module.

    ``keep``: the copy of an earlier run stays (its trace holds), with this file brought up to date."""
    if keep:
        shutil.copy2(Path(__file__), work / "tools" / "perturbation.py")
    else:
        shutil.copytree(ROOT, work, ignore=mutation.IGNORE, dirs_exist_ok=True)
    found = {}
    for module in modules:
        path = work / PACKAGE / f"{module}.py"
        source = path.read_text(encoding="utf-8")
        found[module] = functions(source)
        if not keep:
            path.write_text(source + BLOCK, encoding="utf-8")
        elif not source.endswith(BLOCK):
            raise SystemExit(f"--keep-trace: the earlier run in {work} did not trace {module}")
    return found


def environment(work: Path, **variables: str) -> dict[str, str]:
    # The scratch sources before the project's (installed in development mode); one BLAS thread
    # per run, as tools/mutation.py, so that parallel runs do not wait on each other's threads.
    env = os.environ | dict.fromkeys(["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"], "1")
    for variable in (RECORD, TARGET, LOG):
        env.pop(variable, None)
    return env | {"PYTHONPATH": str(work / "src")} | variables


PYTEST = [sys.executable, "-m", "pytest", "-m", "not slow", "-p", "no:cacheprovider", "-q", "-o", "addopts="]


def trace(work: Path, keep: bool = False) -> tuple[dict[str, set[str]], list[str], float]:
    """One run of the quick tests recording the callers: them, the tests failing unperturbed, seconds.

    ``keep``: those of an earlier run in ``work``."""
    out = work / "perturbation"
    out.mkdir(exist_ok=True)
    record, junit, timing = out / "trace.tsv", out / "trace.xml", out / "trace-seconds"
    if not keep:
        record.write_text("")
        start = time.monotonic()
        subprocess.run(
            [*PYTEST, "-o", "junit_family=xunit1", "--junitxml", str(junit), "tests"],
            cwd=work,
            env=environment(work, **{RECORD: str(record)}),
            stdout=subprocess.DEVNULL,
            check=False,
        )
        timing.write_text(str(time.monotonic() - start))
    seconds = float(timing.read_text()) if timing.exists() else 600.0
    failed = failures(junit.read_text(encoding="utf-8")) if junit.exists() else []
    return callers(record.read_text(encoding="utf-8")), failed, seconds


def stages(tests: set[str]) -> list[list[str]]:
    """What to run: the recorded callers, then (if they pass) every test of their files."""
    files = test_files(tests)
    return [sorted(tests), files] if files else []


def try_function(work: Path, name: str, tests: set[str], failed: list[str], timeout: float) -> dict:
    """Perturb one function and run its callers, then their files: its outcome and what changed."""
    if not tests:
        return {"outcome": classify(False, 0, set()), "kinds": []}
    log = work / "perturbation" / f"{name}.log"
    log.unlink(missing_ok=True)
    deselect = [arg for test in failed for arg in ("--deselect", test)]
    for selection in stages(tests):
        try:
            done = subprocess.run(
                [*PYTEST, "-x", "-rfE", *deselect, *selection],
                cwd=work,
                env=environment(work, **{TARGET: name, LOG: str(log)}),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
            code, failed_test = done.returncode, first_failure(done.stdout)
        except subprocess.TimeoutExpired:
            code, failed_test = None, "(timed out)"
        if code not in (0, 5):  # failed, timed out or broke: the files' other tests cannot undo that
            break
        if not log.exists():  # the callers saw no number from it: neither will the others of their files
            break
    kinds = set(log.read_text(encoding="utf-8").split()) if log.exists() else set()
    outcome = classify(True, code, kinds)
    return {"outcome": outcome, "kinds": sorted(kinds), "code": code, "failed": failed_test}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--modules", default=",".join(MODULES), help="comma-separated, of: " + " ".join(MODULES)
    )
    parser.add_argument("--functions", help="comma-separated module.function: only these")
    parser.add_argument("--cores", type=int, default=1, help="functions tried at once")
    parser.add_argument("--workdir", type=Path, help="the scratch folder, kept (default: a temporary one)")
    parser.add_argument(
        "--keep-trace",
        action="store_true",
        help="reuse the copy and traced run of an earlier run in --workdir",
    )
    args = parser.parse_args(argv)
    if args.keep_trace and not (args.workdir and (args.workdir / "perturbation" / "trace.tsv").exists()):
        parser.error("--keep-trace needs the --workdir of an earlier run")
    chosen = [f.strip() for f in (args.functions or "").split(",") if f.strip()]
    modules = [m.strip() for m in args.modules.split(",") if m.strip()]
    if chosen:
        modules = sorted({f.rpartition(".")[0] for f in chosen})
    if unknown := sorted(set(modules) - set(MODULES)):
        parser.error(f"unknown modules {unknown}: choose from {MODULES}")
    present = {m: functions((ROOT / PACKAGE / f"{m}.py").read_text(encoding="utf-8")) for m in modules}
    if missing := [f for f in chosen if f.rpartition(".")[2] not in present[f.rpartition(".")[0]]]:
        parser.error(f"no such top-level functions: {missing}")

    work = args.workdir or Path(tempfile.mkdtemp(prefix="leisurenet-perturbation-"))
    start = time.monotonic()
    try:
        found = prepare(work, modules, args.keep_trace)
        names = chosen or [f"{m}.{f}" for m, fs in found.items() for f in fs]
        recorded, failed, seconds = trace(work, args.keep_trace)
        print(
            f"Traced the quick tests in {seconds / 60:.1f} min; {len(failed)} fail unperturbed (left out)",
            flush=True,
        )
        for test in failed:
            print(f"  {test}")
        # A function's run stops at a hang several times as long as the whole traced run.
        timeout = 3 * seconds + 60
        done = iter(range(1, len(names) + 1))

        def one(name: str) -> dict:
            tried = time.monotonic()
            run = try_function(work, name, recorded.get(name, set()), failed, timeout)
            # A progress line per function: the whole run takes most of an hour.
            print(
                f"[{next(done)}/{len(names)}] {name}: {run['outcome']} ({time.monotonic() - tried:.0f} s)",
                flush=True,
            )
            return run

        with ThreadPoolExecutor(max(1, args.cores)) as pool:
            runs = dict(zip(names, pool.map(one, names), strict=True))
        (work / "perturbation" / "outcomes.yml").write_text(yaml.safe_dump(runs), encoding="utf-8")
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    minutes = (time.monotonic() - start) / 60

    explained = yaml.safe_load(EXPLANATIONS.read_text(encoding="utf-8")) if EXPLANATIONS.exists() else {}
    explained = explained or {}
    outcomes = {name: run["outcome"] for name, run in runs.items()}
    table = outcome_table(outcomes, explained)
    print(f"\nPerturbation testing (results x {FACTOR}), {minutes:.0f} min: functions per module")
    print(f"  {'module':<16}{'perturbed':>10}" + "".join(f"{o:>12}" for o in OUTCOMES))
    for module, counts in table.items():
        print(f"  {module:<16}{counts['perturbed']:>10}" + "".join(f"{counts[o]:>12}" for o in OUTCOMES))
    unexplained = [
        n
        for n, o in outcomes.items()
        if o in ("not caught", "error") and not str(explained.get(n) or "").strip()
    ]
    for name in unexplained:
        tests = sorted(recorded.get(name, set()))
        how = "no test calls it" if not tests else f"{runs[name]['kinds']} changed, tests pass"
        if outcomes[name] == "error":
            how = f"error: the tests broke (exit {runs[name]['code']}) with nothing changed"
        print(f"\nNOT CAUGHT {name} ({how})" + "".join(f"\n  {t}" for t in tests))
    for name in sorted(set(explained) & {n for n, o in outcomes.items() if o == "caught"}):
        print(f"\nSTALE explanation: {name} is caught now")
    print(
        f"\nPERTURBATION: {'PASS' if not unexplained else 'FAIL'} ({table.get('all', {}).get('caught', 0)}"
        f"/{len(outcomes)} caught, {len(unexplained)} not caught without an explanation)"
    )
    return 0 if not unexplained else 1


if __name__ == "__main__":
    raise SystemExit(main())
