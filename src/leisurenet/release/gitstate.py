"""The git state of the project that the run manifest records (:mod:`leisurenet.release.manifest`).

The Snakefile reads it when it parses the workflow, on every start of Snakemake (a no-op
run included), so this module imports nothing beyond the standard library.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

UNKNOWN = "unknown"


def git_state(folder: str | Path) -> dict:
    """The commit checked out in ``folder`` and whether tracked files differ from it.

    Outside a git checkout, without git, or in a repository without commits both are
    ``'unknown'``. ``--no-optional-locks`` keeps ``git status`` from refreshing the index,
    so recording the state never writes to the repository.
    """

    def git(*args: str) -> str:
        result = subprocess.run(
            ["git", "--no-optional-locks", *args],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return result.stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        changes = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return {"git_commit": UNKNOWN, "git_dirty": UNKNOWN}
    return {"git_commit": commit, "git_dirty": bool(changes)}
