"""The Quarto releases the paper is rendered with: the supported range, in one place.

CI renders the paper with the oldest and the newest release of the range (1.7.34 and
1.9.38). ``environment.yml`` and the rules' conda environment ask conda for this range,
the README states it, and the colophon names it. A Quarto older than the range is not
used (the paper is rendered with the fallback, and the log says why); a newer one is used
with a warning that it is untested. Standard library only: ``make lock`` reads the range
before any environment exists.
"""

from __future__ import annotations

import re
import shutil
import subprocess

# The oldest supported release, and the first one past the newest tested.
MINIMUM, BEYOND = (1, 7), (1, 10)
RANGE = f">={MINIMUM[0]}.{MINIMUM[1]},<{BEYOND[0]}.{BEYOND[1]}"  # as conda writes it
NEWEST = (BEYOND[0], BEYOND[1] - 1)
DESCRIBED = f"Quarto {MINIMUM[0]}.{MINIMUM[1]} to {NEWEST[0]}.{NEWEST[1]}"


def installed_version() -> str | None:
    """The version ``quarto --version`` prints, or None when ``quarto`` is not on PATH."""
    if shutil.which("quarto") is None:
        return None
    result = subprocess.run(["quarto", "--version"], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def release(version: str) -> tuple[int, ...]:
    """``"1.9.38"`` as ``(1, 9, 38)``; a pre-release suffix (``1.10.1-rc``) is ignored."""
    numbers = re.findall(r"\d+", version.split("-")[0])
    if not numbers:
        raise ValueError(f"'quarto --version' printed {version!r}, which is no version number")
    return tuple(int(n) for n in numbers)


def standing(version: str) -> str:
    """``older``, ``supported`` or ``newer`` than :data:`RANGE`."""
    minor = release(version)[:2]
    if minor < MINIMUM:
        return "older"
    return "supported" if minor < BEYOND else "newer"


def advice(version: str) -> str | None:
    """What the log says of this Quarto, or None when it is within the range."""
    where = standing(version)
    if where == "older":
        return (
            f"Quarto {version} on PATH is older than the supported range ({RANGE}, {DESCRIBED}): "
            "the paper is rendered with the fallback (Pandoc and Typst); install a supported "
            "Quarto to render with it"
        )
    if where == "newer":
        return (
            f"Quarto {version} on PATH is newer than the tested range ({RANGE}, {DESCRIBED}): "
            "rendering with it, untested; if the paper looks wrong, install a Quarto in the range "
            "or set paper.renderer to 'pandoc'"
        )
    return None
