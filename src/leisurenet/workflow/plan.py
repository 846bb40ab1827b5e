"""The layout of the workflow's jobs, for the Snakefile to read when it starts: the
figure files, the bootstrap's chunks, the multiverse's specifications and the library
modules each rule's script runs.

Snakemake imports this on every start (a no-op run included), so it imports nothing
heavier than the standard library: the analyses that use these names live elsewhere
(:mod:`leisurenet.paper.figures`, :mod:`leisurenet.analysis.bootstrap`,
:mod:`leisurenet.analysis.multiverse`).
"""

from __future__ import annotations

import ast
import functools
import itertools
import re
from dataclasses import dataclass
from pathlib import Path


def likert_figure_name(construct: str) -> str:
    """The file stem of a construct's Likert chart, e.g. ``likert_vision``."""
    return f"likert_{construct}"


def likert_constructs(codebook) -> list[str]:
    """The constructs of the codebook that have items, in codebook order (one chart each)."""
    with_items = {spec["construct"] for spec in codebook.items.values()}
    return [c for c in codebook.spec["constructs"] if c in with_items]


def chunks(replicates: int, chunk_size: int) -> list[range]:
    """The replicate numbers 0..replicates-1 in consecutive chunks of at most ``chunk_size``."""
    if replicates < 1 or chunk_size < 1:
        raise ValueError("bootstrap: replicates and chunk_size must be at least 1")
    return [range(s, min(s + chunk_size, replicates)) for s in range(0, replicates, chunk_size)]


# --- the multiverse (see leisurenet.analysis.multiverse for what each choice means) -----------------

DONT_KNOW = ("missing", "neutral")
NEUTRAL = ("five_point", "three_point", "agree_vs_rest", "disagree_vs_rest")
WEIGHTING = ("unweighted", "weighted")
STUDY_DONT_KNOW, STUDY_NEUTRAL, STUDY_WEIGHTING = "missing", "five_point", "unweighted"
DIMENSIONS = ("size_breaks", "role_rule", "dont_know", "neutral", "weighting")
SHORT = {
    "size_breaks": "size",
    "role_rule": "role",
    "dont_know": "dk",
    "neutral": "outcome",
    "weighting": "weights",
}


@dataclass(frozen=True)
class Specification:
    """One specification of the multiverse: an alternative of each choice, by name."""

    size_breaks: str
    role_rule: str
    dont_know: str
    neutral: str
    weighting: str
    study: bool

    @property
    def name(self) -> str:
        """``size-<name>.role-<rule>.dk-<treatment>.outcome-<coding>.weights-<w>``, the job's wildcard."""
        return ".".join(f"{SHORT[d]}-{getattr(self, d)}" for d in DIMENSIONS)


def specifications(config: dict) -> list[Specification]:
    """Every combination of the ``multiverse`` alternatives, in the config's order.

    Raises ValueError when an alternative is unknown or the study's own specification
    (the main config's cut points and role rule, ``missing``, ``five_point``,
    ``unweighted``) is not among them. ``weighted`` is left out when nothing can be
    weighted: ``weighting`` is null or there is no population frame.
    """
    mv = config["multiverse"]
    for key, allowed in (("dont_know", DONT_KNOW), ("neutral", NEUTRAL), ("weighting", WEIGHTING)):
        unknown = [v for v in mv[key] if v not in allowed]
        if unknown:
            raise ValueError(f"multiverse.{key}: unknown {unknown}; use some of {list(allowed)}")
    study_size = [
        name for name, breaks in mv["size_breaks"].items() if list(breaks) == config["size_class"]["breaks"]
    ]
    study = {
        "size_breaks": study_size[0] if study_size else None,
        "role_rule": config["governance_role"]["rule"],
        "dont_know": STUDY_DONT_KNOW,
        "neutral": STUDY_NEUTRAL,
        "weighting": STUDY_WEIGHTING,
    }
    lists = {"size_breaks": list(mv["size_breaks"]), **{d: list(mv[d]) for d in DIMENSIONS[1:]}}
    if not (config.get("weighting") and config["data"]["frame"]):
        lists["weighting"] = [w for w in lists["weighting"] if w != "weighted"]
    absent = [f"{d}: {v}" for d, v in study.items() if v not in lists[d]]
    if absent:
        raise ValueError(
            f"multiverse: the study's own specification must be one of the alternatives; add {absent} "
            "to the multiverse section of the config (size_breaks: a named entry with size_class.breaks)"
        )
    return [
        Specification(*combo, study=dict(zip(DIMENSIONS, combo, strict=True)) == study)
        for combo in itertools.product(*(lists[d] for d in DIMENSIONS))
    ]


def by_name(config: dict) -> dict[str, Specification]:
    """:func:`specifications` by their names (the jobs' wildcards)."""
    return {spec.name: spec for spec in specifications(config)}


def batches(names: list[str], jobs: int) -> dict[str, list[str]]:
    """The names shared among ``jobs`` jobs, in order: ``{job: [name, ...]}``.

    Each job imports the libraries before any work (about 1.5 s), which costs more than a
    specification at n = 77 (about 0.2 s), so locally a few jobs run many specifications
    each; a cluster wants one per job (``jobs`` 0). With one name per job, the job is
    named by it; otherwise ``<k>-of-<jobs>``, holding consecutive names, so that the
    jobs' tables concatenated in job order keep the names' order.
    """
    if jobs < 0:
        raise ValueError(f"multiverse_jobs: {jobs} is negative; use 0 (one job per specification) or more")
    if jobs == 0 or jobs >= len(names):
        return {name: [name] for name in names}
    size, extra = divmod(len(names), jobs)
    groups, start = {}, 0
    for k in range(jobs):
        stop = start + size + (k < extra)
        groups[f"{k + 1}-of-{jobs}"] = names[start:stop]
        start = stop
    return groups


def job_settings(config: dict, spec: Specification) -> dict:
    """What the job of ``spec`` reads: the config's recoding sections with the
    specification's cut points and role rule, the tests' settings, the headline cross-tab
    and the primary model. Nothing else, so that adding an alternative or changing, say,
    the paper's renderer reruns no job that it does not concern."""
    breaks = config["multiverse"]["size_breaks"][spec.size_breaks]
    analysis = ("confidence", "seed", "monte_carlo_draws", "exact_max_tables")
    return {
        "size_class": {**config["size_class"], "breaks": list(breaks)},
        "governance_role": {**config["governance_role"], "rule": spec.role_rule},
        "analysis": {k: config["analysis"][k] for k in analysis},
        "crosstabs": config["crosstabs"],
        "paper": {k: config["paper"][k] for k in ("headline_crosstab", "primary_model")},
        "weighting": config["weighting"] if spec.weighting == "weighted" else None,
    }


# --- the library modules a script runs ----------------------------------------------------


def library_modules(script: str | Path, package: str | Path) -> list[str]:
    """The files of ``package`` (a folder) that ``script`` imports, directly or through
    other modules of the package, with the ``__init__.py`` of each package on the way;
    sorted.

    Read from the source with :mod:`ast`: nothing is imported. Every import counts, those
    inside functions too, since a module a script may run is one whose change may alter
    its outputs. As a rule's inputs these files make Snakemake rerun the rule, and what
    follows it, when one of them changes; its code trigger sees the script only.
    """
    package = Path(package)
    found: set[Path] = set()
    todo = [Path(script)]
    while todo:
        for file in _reached(todo.pop(), package):
            if file not in found:
                found.add(file)
                todo.append(file)
    return sorted(map(str, found))


@functools.cache
def _reached(path: Path, package: Path) -> list[Path]:
    """The files of ``package`` that ``path``'s own imports run (each file read once per
    process, however many rules share it)."""
    home = _home(path, package)
    return [file for name in _imported_names(_imports(path), home) for file in _files(name, package)]


# A line that starts an import statement, with any parentheses it opens (a name list over
# several lines).
IMPORT_LINE = re.compile(r"^[ \t]*(?:import|from)[ \t](?:[^\n(]|\([^)]*\))*", re.MULTILINE)
IMPORT_WORD = re.compile(r"\bimport\b")


def _imports(path: Path) -> list[ast.stmt]:
    """The import statements of ``path``, or all of its statements.

    Parsing every module whole would cost a noticeable part of a no-op run, so the lines
    that start an import are parsed alone. That is taken only when it accounts for every
    word ``import`` in the file and each such line parses; otherwise (an import after
    ``if x:`` on one line, a continuation, the word in prose) the whole file is parsed.
    """
    text = path.read_text(encoding="utf-8")
    lines = list(IMPORT_LINE.finditer(text))
    if sum(len(IMPORT_WORD.findall(m.group())) for m in lines) == len(IMPORT_WORD.findall(text)):
        try:
            return [node for m in lines for node in ast.parse(m.group().strip()).body]
        except SyntaxError:
            pass
    return ast.parse(text, filename=str(path)).body


def _home(path: Path, package: Path) -> list[str] | None:
    """The dotted name, as parts, of the package holding ``path``; None outside ``package``."""
    if not path.is_relative_to(package):
        return None
    return [package.name, *path.parent.relative_to(package).parts]


def _imported_names(statements: list[ast.stmt], home: list[str] | None):
    """Every dotted name (as parts) an import among ``statements`` and the blocks they hold
    may load: ``from a import b`` may load ``a`` and ``a.b``. Relative imports are resolved
    against ``home``. Only statements are visited, not expressions: much faster, and an
    import is a statement."""
    for node in statements:
        for block in ("body", "orelse", "finalbody", "handlers", "cases"):
            yield from _imported_names(getattr(node, block, []), home)
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".") for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module.split(".") if node.module else []
            if node.level:
                if home is None or node.level > len(home):
                    continue
                base = home[: len(home) - node.level + 1] + base
            yield base
            yield from (base + [alias.name] for alias in node.names)


def _files(name: list[str], package: Path) -> list[Path]:
    """The files of ``package`` that importing ``name`` runs: every ``__init__.py`` on the
    way and the module itself (none for a name outside the package or not a module)."""
    if not name or name[0] != package.name:
        return []
    files, folder = [], package
    for part in ["", *name[1:]]:
        folder = folder / part
        module = folder.with_suffix(".py") if part else None
        if (folder / "__init__.py").is_file():
            files.append(folder / "__init__.py")
        elif module is not None and module.is_file():
            files.append(module)
            break
        else:
            break
    return files
