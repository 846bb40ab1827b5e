"""The respondents' cells of an export: each answer as a tool writes it, and fake metadata.

The answers come from the cleaned responses, checked by :func:`check_clean`: a choice text
(or a code, in a .sav file), the don't-know choice or a blank. The metadata (dates, IP and
e-mail addresses, names, locations) are made up from a seed and never depend on the answers.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from leisurenet.codebook import MISSING_TYPES, Codebook
from leisurenet.errors import InputError, Problem

# --- the answers -------------------------------------------------------------------------


def check_clean(clean: pd.DataFrame, codebook: Codebook, source: str = "<responses>") -> None:
    """Check that ``clean`` holds the cleaned responses' columns and a reading for every answer.

    Raises
    ------
    InputError
        Naming each missing column, and each item column with an answer that is neither a
        code nor a missing type.
    """
    fix = "pass the cleaned responses (results/clean/responses.parquet) written with this codebook"
    needed = [*codebook.background, *(c for i in codebook.item_ids for c in (i, f"{i}_missing"))]
    problems = [
        Problem(file=source, message="the column is missing", fix=fix, column=c)
        for c in needed
        if c not in clean.columns
    ]
    if not problems:
        for item in codebook.item_ids:
            unread = clean[item].isna() & ~clean[f"{item}_missing"].isin(MISSING_TYPES)
            if unread.any():
                problems.append(
                    Problem(
                        file=source,
                        message=f"{int(unread.sum())} answer(s) have neither a code nor a missing type",
                        fix=fix,
                        column=item,
                    )
                )
    if problems:
        raise InputError(problems)


def answer_texts(clean: pd.DataFrame, item: str, texts: dict[int, str], dont_know: str) -> list[str]:
    """The cells of one item: the choice text of each code, ``dont_know`` or ``''`` (blank)."""
    missing = clean[f"{item}_missing"].astype(object)
    return [
        texts[int(code)] if pd.notna(code) else dont_know if kind == "dont_know" else ""
        for code, kind in zip(clean[item], missing, strict=True)
    ]


def answer_codes(clean: pd.DataFrame, item: str, dont_know: int) -> list[float]:
    """The values of one item in a .sav file: the code, ``dont_know``, or NaN (blank)."""
    missing = clean[f"{item}_missing"].astype(object)
    return [
        float(code) if pd.notna(code) else float(dont_know) if kind == "dont_know" else np.nan
        for code, kind in zip(clean[item], missing, strict=True)
    ]


def population_texts(clean: pd.DataFrame) -> list[str]:
    return ["" if pd.isna(v) else str(int(v)) for v in clean["municipality_pop"]]


# --- fake metadata -----------------------------------------------------------------------

FIRST_NAMES = (
    "An", "Bram", "Els", "Jan", "Karin", "Lies", "Marc", "Nathalie", "Pieter", "Sofie", "Tom", "Wim",
)  # fmt: skip
LAST_NAMES = (
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
)  # fmt: skip
IP_PREFIXES = ("192.0.2", "198.51.100", "203.0.113")  # documentation ranges (RFC 5737)
SURVEY_START = dt.datetime(2016, 3, 7, 8, 0, 0)  # a Monday


def metadata(n: int, seed: int) -> pd.DataFrame:
    """Fake metadata of ``n`` responses, deterministic from ``seed``.

    Columns: ``start``, ``end`` (datetimes in March 2016), ``duration`` (seconds),
    ``ip`` (in the documentation ranges), ``first``, ``last``, ``email`` (at example.org),
    ``latitude``, ``longitude`` (in Flanders), ``token`` (15 letters and digits),
    ``number`` (a large respondent number) and ``seed`` (LimeSurvey's per-response seed).
    """
    rng = np.random.default_rng(seed)
    # started on one of four weeks' working days (from Monday 7 March 2016), between 8:00 and 18:00
    days = [int(d) + 2 * (int(d) // 5) for d in rng.integers(0, 20, n)]
    seconds = rng.integers(0, 10 * 3600, n)
    start = [SURVEY_START + dt.timedelta(days=d, seconds=int(s)) for d, s in zip(days, seconds, strict=True)]
    duration = rng.integers(240, 1800, n)
    first = rng.choice(FIRST_NAMES, n)
    last = rng.choice(LAST_NAMES, n)
    alphabet = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
    return pd.DataFrame(
        {
            "start": start,
            "end": [s + dt.timedelta(seconds=int(d)) for s, d in zip(start, duration, strict=True)],
            "duration": duration,
            "ip": [
                f"{IP_PREFIXES[p]}.{h}"
                for p, h in zip(rng.integers(0, 3, n), rng.integers(1, 255, n), strict=True)
            ],
            "first": first,
            "last": last,
            "email": [
                f"{f}.{ln.replace(' ', '')}{k + 1}@example.org".lower()
                for k, (f, ln) in enumerate(zip(first, last, strict=True))
            ],
            "latitude": rng.uniform(50.70, 51.35, n).round(4),
            "longitude": rng.uniform(2.55, 5.90, n).round(4),
            "token": ["".join(rng.choice(alphabet, 15)) for _ in range(n)],
            "number": 10_400_000_000 + np.sort(rng.choice(10_000_000, n, replace=False)),
            "seed": rng.integers(10_000_000, 2_000_000_000, n),
        }
    )
