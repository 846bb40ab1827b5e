"""The run manifest: what the workflow read, what it wrote, and with which software.

``results/manifest.json`` records every output file under ``results/`` (path, size,
SHA-256), the checksums of the inputs the workflow read from outside ``results/`` (the
raw export, the frame, the codebook, the config files, ...), the versions of the
top-level packages of ``requirements.in``, the Python version and the git commit of the
project. It holds no timestamps, so two clean runs of the same project write
byte-identical manifests, and a reviewer can check a set of results by re-running the
workflow from scratch and comparing manifests::

    python -m leisurenet.manifest verify results/manifest.json [--cores N] [--keep]
    python -m leisurenet.manifest compare a.json b.json

``verify`` exits with 0 when the fresh run reproduces the manifest, 1 when anything
differs, and 2 when the workflow could not be run at all. Under each output that differs it
lists the numbers in the paper that come from it (``results/paper/provenance.csv``).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from .gitstate import UNKNOWN, git_state
from .io import atomic_path
from .paths import display_path

FORMAT = "leisurenet-manifest/1"
RESULTS = "results"
MANIFEST_JSON = "results/manifest.json"
# Never outputs of a rule: Snakemake's marker inside directory outputs.
EXCLUDED_NAMES = frozenset({".snakemake_timestamp"})
# What `verify` copies when the project is not a git checkout; requirements.in is read
# by the manifest rule for the package list.
FALLBACK_PROJECT_FILES = (
    "Snakefile",
    "environment.yml",
    "requirements.in",
    "config",
    "workflow",
    "scripts",
    "src",
    "paper",
)
# The sections of a manifest in the order the CSV and the comparison list them.
SECTIONS = ("project", "python", "packages", "inputs", "outputs")
# Differences in these sections are reported but do not fail a verification: the same
# results reproduced from another commit (or from a copy outside git) are still the same.
INFORMATIONAL = frozenset({"project"})


# --- building a manifest ------------------------------------------------------------------


def sha256(path: str | Path) -> str:
    """The SHA-256 hex digest of a file, read in blocks so large files need little memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_record(path: str | Path, root: str | Path = ".") -> dict:
    """Path (relative to ``root`` when inside it, POSIX style), size in bytes and SHA-256."""
    return {"path": display_path(path, root), "bytes": Path(path).stat().st_size, "sha256": sha256(path)}


def output_files(root: str | Path, exclude: Iterable[str] = (), results: str = RESULTS) -> list[str]:
    """Every file under ``root/results``, as sorted relative POSIX paths, minus the excluded.

    Parameters
    ----------
    root : path
        The workflow's working directory.
    exclude : iterable of str
        Relative paths of files, or of folders (everything below them), to leave out:
        the manifest's own files and log, the paper's build folder, the report.
    results : str
        The results folder, relative to ``root``.

    Returns
    -------
    list of str
        Paths relative to ``root``; files named ``.snakemake_timestamp`` are left out.
    """
    root = Path(root)
    excluded = {Path(p).as_posix().rstrip("/") for p in exclude}
    paths = []
    for path in (root / results).rglob("*"):
        relative = path.relative_to(root).as_posix()
        if not path.is_file() or path.name in EXCLUDED_NAMES:
            continue
        if any(relative == e or relative.startswith(e + "/") for e in excluded):
            continue
        paths.append(relative)
    return sorted(paths)


def requirement_names(path: str | Path) -> list[str]:
    """The package names of a requirements file (specifiers, extras, markers and comments dropped)."""
    names = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):  # options such as -r, -e, --index-url
            continue
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", line)
        if match:
            names.append(match.group(0))
    return names


def package_versions(names: Iterable[str]) -> dict[str, str]:
    """Installed version of each distribution, ``'not installed'`` where there is none."""
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def build_manifest(
    root: str | Path,
    inputs: Mapping[str, str | Sequence[str]],
    *,
    requirements: str | Path | None,
    exclude: Iterable[str] = (),
    git: Mapping | None = None,
) -> dict:
    """The manifest of a finished run of the workflow in ``root``.

    Parameters
    ----------
    root : path
        The workflow's working directory; recorded paths are relative to it.
    inputs : mapping of str to path or list of paths
        The inputs read from outside ``results/`` (or the raw export), by role, as the
        rule's named inputs give them (relative to ``root`` or absolute); empty lists
        are allowed.
    requirements : path or None
        ``requirements.in``: the packages whose versions are recorded. None records none
        (a bare copy of the workflow without it).
    exclude : iterable of str
        Output paths or folders to leave out (see :func:`output_files`).
    git : mapping, optional
        ``git_commit`` and ``git_dirty`` as :func:`git_state` returns them; by default
        the state of ``root``.

    Returns
    -------
    dict
        JSON-ready, with no timestamps: the same files and software give the same dict.
    """
    input_rows = [
        {"name": name, **file_record(Path(root) / path, root)}  # an absolute path stays as it is
        for name, paths in inputs.items()
        for path in ([paths] if isinstance(paths, str | os.PathLike) else paths)
    ]
    names = requirement_names(requirements) if requirements else []
    return {
        "format": FORMAT,
        "project": dict(git) if git is not None else git_state(root),
        "python": platform.python_version(),
        "packages": package_versions(names),
        "inputs": sorted(input_rows, key=lambda r: (r["name"], r["path"])),
        "outputs": [file_record(Path(root) / p, root) for p in output_files(root, exclude)],
    }


def dumps(manifest: Mapping) -> str:
    """Canonical JSON text: sorted keys, two-space indent, a final newline."""
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def manifest_table(manifest: Mapping) -> pd.DataFrame:
    """The manifest as one tidy table, one row per recorded item.

    Columns: ``section`` (project, python, packages, inputs, outputs), ``name`` (the git
    field, package or input role), ``path``, ``bytes`` and ``sha256`` (files), ``value``
    (versions and the git state).
    """
    rows = [{"section": "project", "name": k, "value": str(v)} for k, v in manifest["project"].items()]
    rows.append({"section": "python", "name": "python", "value": manifest["python"]})
    rows += [{"section": "packages", "name": k, "value": v} for k, v in manifest["packages"].items()]
    rows += [{"section": "inputs", **r} for r in manifest["inputs"]]
    rows += [{"section": "outputs", "name": "", **r} for r in manifest["outputs"]]
    table = pd.DataFrame(rows, columns=["section", "name", "path", "bytes", "sha256", "value"])
    return table.astype({"bytes": "Int64"})


def write_manifest(manifest: Mapping, json_path: str | Path, csv_path: str | Path | None = None) -> None:
    """Write the manifest's JSON (and its tidy CSV), each atomically."""
    with atomic_path(json_path) as tmp:
        tmp.write_text(dumps(manifest), encoding="utf-8")
    if csv_path is not None:
        with atomic_path(csv_path) as tmp:
            manifest_table(manifest).to_csv(tmp, index=False, lineterminator="\n")


def load_manifest(path: str | Path) -> dict:
    """Read a manifest; refuse a file that is not one of this format."""
    manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError(f"{path} is not a manifest of format {FORMAT!r}")
    return manifest


# --- comparing two manifests ---------------------------------------------------------------

DIFFERENCE_COLUMNS = ["section", "name", "status", "expected", "actual", "fails"]


def _keyed(manifest: Mapping, section: str) -> dict[str, str]:
    """One section as {key: comparable value}: file keys carry their hash, others their value."""
    if section == "outputs":
        return {r["path"]: r["sha256"] for r in manifest["outputs"]}
    if section == "inputs":
        return {f"{r['name']}: {r['path']}": r["sha256"] for r in manifest["inputs"]}
    if section == "python":
        return {"python": manifest["python"]}
    return {k: str(v) for k, v in manifest[section].items()}


def compare(expected: Mapping, actual: Mapping) -> pd.DataFrame:
    """Every difference between two manifests, one row each.

    Parameters
    ----------
    expected, actual : mapping
        Manifests as :func:`load_manifest` reads them: ``expected`` the one under
        review, ``actual`` the fresh one.

    Returns
    -------
    pandas.DataFrame
        Columns ``section`` (project, python, packages, inputs, outputs), ``name`` (the
        path, package, or ``role: path`` of an input), ``status`` (``changed``;
        ``missing``: only in ``expected``; ``extra``: only in ``actual``), ``expected``
        and ``actual`` (SHA-256 or version; empty when absent) and ``fails`` (False for
        the git state, which is reported but does not make the results differ). Empty
        when the manifests agree.
    """
    rows = []
    for section in SECTIONS:
        old, new = _keyed(expected, section), _keyed(actual, section)
        for key in sorted(old.keys() | new.keys()):
            if key not in new:
                status = "missing"
            elif key not in old:
                status = "extra"
            elif old[key] != new[key]:
                status = "changed"
            else:
                continue
            rows.append(
                [section, key, status, old.get(key, ""), new.get(key, ""), section not in INFORMATIONAL]
            )
    return pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS).astype({"fails": bool})


def identical(differences: pd.DataFrame) -> bool:
    """Whether a comparison found nothing that fails (the git state aside)."""
    return not differences["fails"].any()


PROVENANCE_CSV = "results/paper/provenance.csv"
SHOWN_NUMBERS = 8  # numbers of the paper listed under a differing output (then "and N more")


def read_provenance(folder: str | Path) -> pd.DataFrame | None:
    """A run's ``results/paper/provenance.csv`` (every number in the paper and its source), or
    None when the run has none."""
    path = Path(folder) / PROVENANCE_CSV
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def paper_numbers(provenance: pd.DataFrame | None, path: str) -> list[str]:
    """What the paper prints from the output ``path``: "62.3% (Section Results)", one a number
    (or figure), in the paper's order; empty without a provenance table."""
    if provenance is None:
        return []
    rows = provenance[provenance["source"] == path]
    return [
        f"{row.text} ({row.location}{', ' + row.variable if row.variable else ''})"
        for row in rows.itertuples()
    ]


def describe_differences(differences: pd.DataFrame, provenance: pd.DataFrame | None = None) -> str:
    """The comparison as text, section by section, with a verdict on the last line.

    With ``provenance`` (:func:`read_provenance`), each differing output is followed by the
    numbers in the paper that come from it.
    """
    lines = []
    for section in SECTIONS:
        rows = differences[differences["section"] == section]
        note = " (reported, not counted)" if section in INFORMATIONAL else ""
        lines.append(f"{section}: {'identical' if rows.empty else f'{len(rows)} difference(s)'}{note}")
        for row in rows.itertuples(index=False):
            if row.status == "changed":
                detail = f"{_short(row.expected)} -> {_short(row.actual)}"
            elif row.status == "missing":
                detail = f"only in the manifest under review ({_short(row.expected)})"
            else:
                detail = f"only in the new one ({_short(row.actual)})"
            lines.append(f"  {row.status:<8} {row.name}  {detail}")
            if section == "outputs":
                numbers = paper_numbers(provenance, row.name)
                if numbers:
                    more = len(numbers) - SHOWN_NUMBERS
                    shown = "; ".join(numbers[:SHOWN_NUMBERS]) + (f"; and {more} more" if more > 0 else "")
                    lines.append(f"           in the paper ({len(numbers)}): {shown}")
    n_failing = int(differences["fails"].sum())
    lines.append("IDENTICAL" if n_failing == 0 else f"DIFFERENT: {n_failing} difference(s)")
    return "\n".join(lines)


def _short(value: str) -> str:
    """A SHA-256 shortened for reading (12 hex digits are plenty to tell files apart)."""
    return value[:12] if re.fullmatch(r"[0-9a-f]{64}", value) else value


# --- verifying a manifest by re-running the workflow ---------------------------------------


def _git_files(project: Path, *options: str) -> list[str]:
    """``git ls-files`` in ``project``: paths relative to it; raises outside a checkout."""
    result = subprocess.run(
        ["git", "--no-optional-locks", "ls-files", "-z", *options],
        cwd=project,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return [p for p in result.stdout.decode().split("\0") if p]


def untracked_files(project: str | Path) -> list[str]:
    """Files git neither tracks nor ignores (a new rule not yet added); empty outside git."""
    try:
        return _git_files(Path(project), "--others", "--exclude-standard")
    except (OSError, subprocess.SubprocessError):
        return []


def project_files(project: str | Path) -> list[str]:
    """The files that make up the project: git's tracked files, or the fallback set.

    Returns
    -------
    list of str
        Paths relative to ``project`` of files that exist (a tracked file deleted from
        the work tree is left out).
    """
    project = Path(project)
    try:
        listed = _git_files(project)
    except (OSError, subprocess.SubprocessError):
        listed = []
        for name in FALLBACK_PROJECT_FILES:
            source = project / name
            if source.is_dir():
                listed += [p.relative_to(project).as_posix() for p in source.rglob("*") if p.is_file()]
            elif source.is_file():
                listed.append(name)
        listed = [p for p in listed if "__pycache__" not in Path(p).parts]
    return sorted(p for p in listed if (project / p).is_file())


def copy_project(project: str | Path, target: str | Path, extra: Iterable[str] = ()) -> list[str]:
    """Copy the project's files, and ``extra`` files found in it, to ``target``.

    ``extra`` are paths relative to the project (an untracked config file or data export
    the manifest names); those that do not exist are skipped. Returns the copied paths.
    """
    project, target = Path(project), Path(target)
    copied = []
    for relative in [*project_files(project), *extra]:
        source, destination = project / relative, target / relative
        if source.is_file() and not destination.exists():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
            copied.append(relative)
    return copied


def run_workflow(workdir: str | Path, *, cores: int, configfiles: Sequence[str] = ()) -> Path:
    """Run the workflow in ``workdir`` up to the manifest; return the manifest's path.

    Raises
    ------
    RuntimeError
        When Snakemake fails; the message holds the end of its output.
    """
    command = [sys.executable, "-m", "snakemake", "--cores", str(cores), MANIFEST_JSON]
    if configfiles:
        command += ["--configfile", *configfiles]
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True)
    (Path(workdir) / "verify.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        raise RuntimeError(f"the workflow failed in {workdir}:\n{result.stderr[-3000:]}")
    return Path(workdir) / MANIFEST_JSON


def _configfile_arguments(configfiles: Sequence[str], project: Path) -> tuple[list[str], list[str]]:
    """``--configfile`` paths for the copy, and the project files to copy for them.

    A config file inside the project keeps its relative path (so the new manifest names
    it as the old one does); one outside it is passed by its absolute path.
    """
    arguments, to_copy = [], []
    for path in configfiles:
        relative = display_path(path, project)
        arguments.append(relative)
        if not Path(relative).is_absolute():
            to_copy.append(relative)
    return arguments, to_copy


def verify(
    manifest: str | Path,
    project: str | Path,
    *,
    cores: int = 2,
    configfiles: Sequence[str] = (),
    keep: bool = False,
    out=None,
) -> pd.DataFrame:
    """Re-run the project from scratch in a temporary folder and compare manifests.

    Parameters
    ----------
    manifest : path
        The manifest under review.
    project : path
        The project folder: its git-tracked files are copied (the fallback set when it
        is not a git checkout), and so are the inputs the manifest names that lie
        inside the project but are not tracked (data and config files git ignores).
    cores : int
        Passed to Snakemake.
    configfiles : sequence of path
        Passed to Snakemake as ``--configfile``.
    keep : bool
        Keep the temporary folder (its path is printed) instead of deleting it.
    out : file, optional
        Where progress and the comparison are printed (default: standard output).

    Returns
    -------
    pandas.DataFrame
        The differences, as :func:`compare` returns them; the new manifest's git state
        is the project's (the temporary copy is no checkout).
    """
    out = out or sys.stdout
    expected = load_manifest(manifest)
    project = Path(project).resolve()
    if not (project / "Snakefile").is_file():
        raise FileNotFoundError(f"no Snakefile in {project}: run from the project root or pass --project")
    arguments, config_copies = _configfile_arguments(configfiles, project)
    # Inputs from outside results/ that git does not track (the user's export, a local
    # config) are still needed by the fresh run; their checksums are compared anyway.
    named_inputs = [
        r["path"]
        for r in expected["inputs"]
        if not Path(r["path"]).is_absolute() and not r["path"].startswith(RESULTS + "/")
    ]
    workdir = Path(tempfile.mkdtemp(prefix="leisurenet-verify-"))
    try:
        copied = copy_project(project, workdir, extra=[*config_copies, *named_inputs])
        source = git_state(project)
        print(f"project {project} (git: {_git_summary(source)})", file=out)
        left_out = sorted(set(untracked_files(project)) - set(copied))
        if left_out:
            # Not an error: scratch files are common; but a new rule or script that is
            # not yet added to git would make the fresh run fail or differ.
            shown = ", ".join(left_out[:5]) + (", ..." if len(left_out) > 5 else "")
            print(
                f"note: {len(left_out)} untracked file(s) not copied (git add what the workflow needs): "
                f"{shown}",
                file=out,
            )
        print(f"manifest {manifest} (git: {_git_summary(expected['project'])})", file=out)
        print(f"running the workflow from scratch in {workdir} ...", file=out, flush=True)
        actual = load_manifest(run_workflow(workdir, cores=cores, configfiles=arguments))
        # The copy is no git checkout; the code that ran is the project's work tree, so
        # its git state is the one to set against the manifest's.
        actual["project"] = source
        differences = compare(expected, actual)
        # The paper's numbers that depend on each differing output, as the run under review
        # traced them (else as the fresh run did).
        provenance = read_provenance(project)
        provenance = provenance if provenance is not None else read_provenance(workdir)
        print(describe_differences(differences, provenance), file=out)
        return differences
    finally:
        if keep:
            print(f"kept {workdir}", file=out)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _git_summary(state: Mapping) -> str:
    if state["git_commit"] == UNKNOWN:
        return "not a git checkout"
    return f"{state['git_commit'][:12]}{' with uncommitted changes' if state['git_dirty'] else ''}"


# --- command line ---------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(prog="python -m leisurenet.manifest", description=__doc__.split("\n\n")[0])
    commands = cli.add_subparsers(dest="command", required=True)
    check = commands.add_parser("verify", help="re-run the workflow from scratch and compare its manifest")
    check.add_argument("manifest", type=Path)
    check.add_argument("--cores", type=int, default=2)
    check.add_argument("--configfile", nargs="+", default=[], metavar="FILE", help="passed to Snakemake")
    check.add_argument("--keep", action="store_true", help="keep the temporary folder of the run")
    check.add_argument("--project", type=Path, default=Path.cwd(), help="project folder (default: here)")
    both = commands.add_parser("compare", help="compare two manifests")
    both.add_argument("expected", type=Path)
    both.add_argument("actual", type=Path)
    return cli


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 identical, 1 different, 2 error)."""
    args = parser().parse_args(argv)
    try:
        if args.command == "compare":
            differences = compare(load_manifest(args.expected), load_manifest(args.actual))
            print(describe_differences(differences))
        else:
            differences = verify(
                args.manifest, args.project, cores=args.cores, configfiles=args.configfile, keep=args.keep
            )
    except (OSError, ValueError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0 if identical(differences) else 1


if __name__ == "__main__":
    sys.exit(main())
