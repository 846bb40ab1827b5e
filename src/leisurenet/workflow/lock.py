"""Snakemake's lock after a crash: `make` says what to do instead of Snakemake's message.

A run that is killed (SIGKILL, a power cut, a closed laptop) cannot remove its lock in
``.snakemake/locks/``, and every later run in the folder stops. The lock is stale when no
process in the folder runs Snakemake; then ``python -m leisurenet.workflow.lock`` names the one
step that recovers (``make unlock``) and exits 1. It reads ``/proc``: where there is none
it says nothing and leaves the lock to Snakemake's own message.
"""

from __future__ import annotations

import sys
from pathlib import Path

MESSAGE = (
    "A run in this folder was interrupted before it finished (killed, or the machine went "
    "down), and its lock is still in .snakemake/locks/; no Snakemake runs here now. Run "
    "'make unlock', then 'make' again: it reruns what was incomplete and keeps the rest."
)


def snakemake_running(folder: Path) -> bool | None:
    """Whether a process whose working folder is ``folder`` runs Snakemake (or one of its
    jobs); None where ``/proc`` cannot tell."""
    proc = Path("/proc")
    if not (proc / "self" / "cwd").exists():
        return None
    folder = folder.resolve()
    for process in proc.glob("[0-9]*"):
        try:
            here = (process / "cwd").resolve(strict=True) == folder
            if here and b"snakemake" in (process / "cmdline").read_bytes():
                return True
        except OSError:  # gone meanwhile, or another user's
            continue
    return False


def stale_lock(folder: Path) -> bool:
    """Whether ``folder`` holds a Snakemake lock that no running process holds."""
    locks = folder / ".snakemake" / "locks"
    return locks.is_dir() and any(locks.iterdir()) and snakemake_running(folder) is False


def main() -> int:
    if stale_lock(Path.cwd()):
        print(MESSAGE, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
