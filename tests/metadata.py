"""Survey tools' metadata columns with distinctive fake personal values, for the tests that
check none of them reaches a file the pipeline writes."""

from __future__ import annotations

import csv
from pathlib import Path

NAMES = ["Wilhelmina Oosterhuis-Vrancken", "Sjoerd van der Meulenbroek", "Annegret Kwakernaak"]


def metadata(n: int) -> dict[str, list[str]]:
    """Metadata columns as survey tools export them, with distinctive fake personal values."""
    return {
        "StartDate": [f"2016-11-{1 + i % 28:02d} 09:{i % 60:02d}:17" for i in range(n)],
        "ResponseId": [f"R_3kQzW8pX{i:04d}vLm" for i in range(n)],
        "IPAddress": [f"198.51.100.{i + 23}" for i in range(n)],
        "RecipientEmail": [f"coordinator.{i + 17}@example.org" for i in range(n)],
        "RecipientLastName": [NAMES[i % len(NAMES)].split()[-1] + f"-{i}" for i in range(n)],
        "LocationLatitude": [f"51.{918273645 + 7919 * i}" for i in range(n)],
        "LocationLongitude": [f"4.{481726354 + 6007 * i}" for i in range(n)],
        "Naam": [f"{NAMES[i % len(NAMES)]} {i}" for i in range(n)],
    }


# The metadata of a generated Qualtrics export whose values no file may hold: distinctive
# enough that no number or word of the results can contain them by chance.
PERSONAL = ("IPAddress", "RecipientEmail", "ResponseId")


def add_metadata(export: Path) -> dict[str, list[str]]:
    """Add the columns of :func:`metadata`, which its mapping does not name, to the end of a
    Qualtrics export; return them with the personal values of the tool's own metadata."""
    with open(export, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[:3], rows[3:]
    # Qualtrics has columns of these names already: these come from a panel's embedded data
    meta = {f"Panel{name}": values for name, values in metadata(len(body)).items()}
    personal = {name: [r[header[0].index(name)] for r in body] for name in PERSONAL}
    header[0] += list(meta)
    header[1] += list(meta)
    header[2] += [f'{{"ImportId":"{name}"}}' for name in meta]
    rows = header + [r + [meta[name][i] for name in meta] for i, r in enumerate(body)]
    with open(export, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL).writerows(rows)
    return {**meta, **personal}
