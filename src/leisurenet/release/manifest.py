"""The run manifest: what the workflow read, what it wrote, and with which software.

``results/manifest.json`` records every output file under ``results/`` (path, size,
SHA-256, and how it is compared), the checksums of the inputs the workflow read from
outside ``results/`` (the raw export, the frame, the codebook, the config files, ...), the
versions of the top-level packages of ``requirements.in``, the Python version, the git
commit of the project, the machine it ran on (:mod:`leisurenet.release.machine`) and the tolerance
within which a rebuild's numbers count as the same. Beside it,
``results/manifest_content.json`` holds what a comparison needs of the outputs whose bytes
may differ between machines (:mod:`leisurenet.release.content`). Neither holds a timestamp, so two
clean runs of the same project write byte-identical files, and a reviewer can check a set
of results by re-running the workflow from scratch and comparing manifests::

    python -m leisurenet.manifest verify results/manifest.json [--cores N] [--keep]
    python -m leisurenet.manifest compare a.json b.json

Both end with the verdict (:mod:`leisurenet.release.equivalence`) on the last line,
``VERIFY: IDENTICAL``, ``VERIFY: EQUIVALENT`` or ``VERIFY: DIFFERENT``, and exit with 0 for
the first two, 1 for DIFFERENT and 2 when the comparison could not be made at all.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import platform as _platform
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from leisurenet.io import atomic_path
from leisurenet.paths import display_path
from leisurenet.release import content as _content
from leisurenet.release.equivalence import DIFFERENT, Comparison, Tolerance, compare, report
from leisurenet.release.gitstate import UNKNOWN, git_state

FORMAT = "leisurenet-manifest/2"
# Older manifests (without platform, tolerance or content) are still read; their outputs
# can only be compared by their bytes.
READABLE_FORMATS = frozenset({"leisurenet-manifest/1", FORMAT})
RESULTS = "results"
MANIFEST_JSON = "results/manifest.json"
CONTENT_JSON = "results/manifest_content.json"
PROVENANCE_CSV = "results/paper/provenance.csv"  # the paper's numbers, named under an output
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
    platform: Mapping[str, str] | None = None,
    tolerance: Tolerance | None = None,
) -> tuple[dict, dict]:
    """The manifest of a finished run of the workflow in ``root``, and its content.

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
    platform : mapping, optional
        The machine's facts (:func:`leisurenet.release.machine.platform_facts`).
    tolerance : Tolerance, optional
        Within which a rebuild's numbers count as the same (the config's ``verify``).

    Returns
    -------
    manifest, content : dict
        JSON-ready, with no timestamps: the same files and software give the same dicts.
        ``content`` is what :func:`write_manifest` writes to ``manifest_content.json``.
    """
    input_rows = [
        {"name": name, **file_record(Path(root) / path, root)}  # an absolute path stays as it is
        for name, paths in inputs.items()
        for path in ([paths] if isinstance(paths, str | os.PathLike) else paths)
    ]
    names = requirement_names(requirements) if requirements else []
    outputs = output_files(root, exclude)
    content = _content.build_content(root, outputs)
    kinds = _content.kinds(content, outputs)
    tolerance = tolerance or Tolerance()
    manifest = {
        "format": FORMAT,
        "project": dict(git) if git is not None else git_state(root),
        "platform": dict(platform or {}),
        "python": _platform.python_version(),
        "packages": package_versions(names),
        "tolerance": {"rtol": tolerance.rtol, "atol": tolerance.atol},
        "inputs": sorted(input_rows, key=lambda r: (r["name"], r["path"])),
        "outputs": [{**file_record(Path(root) / p, root), "kind": kinds[p]} for p in outputs],
    }
    return manifest, content


def dumps(manifest: Mapping) -> str:
    """Canonical JSON text: sorted keys, two-space indent, a final newline."""
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def manifest_table(manifest: Mapping) -> pd.DataFrame:
    """The manifest as one tidy table, one row per recorded item.

    Columns: ``section`` (project, platform, python, packages, tolerance, inputs,
    outputs), ``name`` (the git field, fact, package, tolerance or input role), ``path``,
    ``bytes`` and ``sha256`` (files), ``kind`` (how an output is compared: table, text,
    document, figure or file), ``value`` (versions, facts, the git state).
    """
    rows = []
    for section in ("project", "platform", "python", "packages", "tolerance"):
        value = manifest.get(section, {})
        items = value.items() if isinstance(value, Mapping) else [(section, value)]
        rows += [{"section": section, "name": k, "value": str(v)} for k, v in items]
    rows += [{"section": "inputs", **r} for r in manifest["inputs"]]
    rows += [{"section": "outputs", "name": "", **r} for r in manifest["outputs"]]
    table = pd.DataFrame(rows, columns=["section", "name", "path", "bytes", "sha256", "kind", "value"])
    return table.astype({"bytes": "Int64"})


def write_manifest(
    manifest: Mapping,
    json_path: str | Path,
    csv_path: str | Path | None = None,
    content: Mapping | None = None,
    content_path: str | Path | None = None,
) -> dict:
    """Write the manifest's JSON (and its tidy CSV, and its content), each atomically.

    With ``content``, it goes to ``content_path`` (by default ``manifest_content.json``
    beside the JSON) and the manifest names that file (by its name: the two travel
    together) with its size and SHA-256. Returns the manifest as written.
    """
    manifest = dict(manifest)
    if content is not None:
        content_path = Path(content_path or Path(json_path).with_name(Path(CONTENT_JSON).name))
        with atomic_path(content_path) as tmp:
            tmp.write_text(dumps(content), encoding="utf-8")
        manifest["content"] = {"file": content_path.name, **file_record(content_path, content_path.parent)}
        del manifest["content"]["path"]
    with atomic_path(json_path) as tmp:
        tmp.write_text(dumps(manifest), encoding="utf-8")
    if csv_path is not None:
        with atomic_path(csv_path) as tmp:
            manifest_table(manifest).to_csv(tmp, index=False, lineterminator="\n")
    return manifest


def load_manifest(path: str | Path) -> dict:
    """Read a manifest; refuse a file that is not one of a readable format."""
    try:
        manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not a manifest (not JSON: {error})") from error
    if not isinstance(manifest, dict) or manifest.get("format") not in READABLE_FORMATS:
        raise ValueError(f"{path} is not a manifest of format {FORMAT!r}")
    return manifest


def load_content(path: str | Path, manifest: Mapping) -> dict | None:
    """The content file a manifest names, from beside it; None when the manifest names none
    or the file is not there (then only bytes can be compared).

    Raises
    ------
    ValueError
        When the file beside the manifest is not the one written with it.
    """
    record = manifest.get("content")
    if not record:
        return None
    file = Path(path).parent / record["file"]
    if not file.is_file():
        return None
    if sha256(file) != record["sha256"]:
        raise ValueError(
            f"{file} is not the content file written with {path} (its SHA-256 differs): "
            f"keep the two files of one run together"
        )
    return json.loads(file.read_text(encoding="utf-8"))


def provenance_of(*contents: Mapping | None) -> pd.DataFrame | None:
    """The paper's ``provenance.csv`` from the first content that holds it (the numbers the
    paper prints, each with its source), for naming them under an output that differs."""
    for content in contents:
        record = (content or {}).get("outputs", {}).get(PROVENANCE_CSV)
        if record and record.get("kind") == "table":
            return pd.DataFrame(record["rows"], columns=record["columns"], dtype=str)
    return None


def compare_files(
    expected: str | Path, actual: str | Path, tolerance: Tolerance | None = None
) -> tuple[Comparison, str]:
    """Compare two manifests on disk (each with its content file beside it); returns the
    comparison and its report."""
    old, new = load_manifest(expected), load_manifest(actual)
    old_content, new_content = load_content(expected, old), load_content(actual, new)
    comparison = compare(old, new, old_content, new_content, tolerance)
    return comparison, report(comparison, provenance_of(old_content, new_content))


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
    tolerance: Tolerance | None = None,
    out=None,
) -> Comparison:
    """Re-run the project from scratch in a temporary folder and compare manifests.

    Parameters
    ----------
    manifest : path
        The manifest under review, with its ``manifest_content.json`` beside it.
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
    tolerance : Tolerance, optional
        Default: the one the manifest under review states.
    out : file, optional
        Where progress and the report are printed (default: standard output); the
        report's last line is the verdict.

    Returns
    -------
    Comparison
        The new manifest's git state is the project's (the temporary copy is no checkout).
    """
    out = out or sys.stdout
    expected = load_manifest(manifest)
    expected_content = load_content(manifest, expected)
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
        if expected_content is None:
            print(
                f"note: no {Path(CONTENT_JSON).name} beside {manifest}: outputs whose bytes differ "
                "cannot be judged equivalent",
                file=out,
            )
        print(f"running the workflow from scratch in {workdir} ...", file=out, flush=True)
        fresh = run_workflow(workdir, cores=cores, configfiles=arguments)
        actual = load_manifest(fresh)
        # The copy is no git checkout; the code that ran is the project's work tree, so
        # its git state is the one to set against the manifest's.
        actual["project"] = source
        actual_content = load_content(fresh, actual)
        comparison = compare(expected, actual, expected_content, actual_content, tolerance)
        print(report(comparison, provenance_of(expected_content, actual_content)), file=out, flush=True)
        return comparison
    finally:
        if keep:
            print(f"kept {workdir}", file=sys.stderr)
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
    both = commands.add_parser("compare", help="compare two manifests (each with its content file beside it)")
    both.add_argument("expected", type=Path, help="the manifest under review")
    both.add_argument("actual", type=Path, help="the manifest of the rebuild")
    for command in (check, both):
        command.add_argument("--rtol", type=float, help="relative tolerance (default: the manifest's)")
        command.add_argument("--atol", type=float, help="absolute tolerance (default: the manifest's)")
    return cli


def _tolerance(args, manifest: Path) -> Tolerance | None:
    """The tolerance of the command line, the rest from the manifest under review."""
    if args.rtol is None and args.atol is None:
        return None
    stated = Tolerance.of(load_manifest(manifest).get("tolerance"))
    return Tolerance(
        stated.rtol if args.rtol is None else args.rtol, stated.atol if args.atol is None else args.atol
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 identical or equivalent, 1 different,
    2 when the comparison could not be made)."""
    args = parser().parse_args(argv)
    try:
        if args.command == "compare":
            comparison, text = compare_files(args.expected, args.actual, _tolerance(args, args.expected))
            print(text)
        else:
            comparison = verify(
                args.manifest,
                args.project,
                cores=args.cores,
                configfiles=args.configfile,
                keep=args.keep,
                tolerance=_tolerance(args, args.manifest),
            )
    except (OSError, ValueError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 1 if comparison.verdict == DIFFERENT else 0


if __name__ == "__main__":
    sys.exit(main())
