"""Cleaning: from validated raw cells to typed codes, with a log of every change.

Runs after validation, so every cell is readable. Each cell that is not already a plain
code becomes one (or a missing answer of a stated type), and the cleaning log says which
rule changed it, from what to what, and why. Respondents without a single answer are
excluded, and logged. Nothing else is changed or dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .codebook import MISSING_TYPES, Codebook
from .validate import parse_whole_number

LOG_COLUMNS = ["rule", "column", "row", "resp_id", "old_value", "new_value", "reason"]

REASONS = {
    "code_format": "a code written as a number with decimals",
    "label": "an answer label, replaced by its code",
    "missing_code": "a 'weet niet / niet van toepassing' code, set to missing (dont_know)",
    "missing_label": "a 'weet niet / niet van toepassing' label, set to missing (dont_know)",
    "declared_missing": "a user-missing value declared in the SPSS file, set to missing (dont_know)",
    "blank": "an empty cell, set to missing (blank)",
}


@dataclass
class Cleaned:
    data: pd.DataFrame  # typed: codes as Int8, missing types as categories
    log: pd.DataFrame  # one row per change (LOG_COLUMNS)
    flow: pd.DataFrame  # sample flow: step, item, n, note
    frame: pd.DataFrame  # network_id, municipality_pop, responded (empty without a frame)


def clean(raw, codebook: Codebook, frame=None, drop_empty: bool = True) -> Cleaned:
    """Clean a validated :class:`~leisurenet.ingest.RawTable` (see the module docstring)."""
    cells = raw.data
    log: list[dict] = []
    out = pd.DataFrame(index=cells.index)
    for column in ("resp_id", "network_id"):
        out[column] = _strip(cells[column], column, raw, log).astype("string")
    out["municipality_pop"] = _population(cells["municipality_pop"], raw, log)
    for item in codebook.item_ids:
        out[item], out[f"{item}_missing"] = _item(codebook, item, cells[item], raw, log, out["resp_id"])
    known = {"resp_id", "network_id", "municipality_pop", *codebook.item_ids}
    for column in (c for c in cells.columns if c not in known):
        log.append(_entry("drop_unknown_column", column, None, None, "(column)", "", "not in the codebook"))

    answered = out[codebook.item_ids].notna().sum(axis=1)
    empty = answered == 0
    if drop_empty:
        for idx in out.index[empty]:
            log.append(
                _entry(
                    "drop_empty_response",
                    "",
                    raw.rows[idx],
                    out.at[idx, "resp_id"],
                    "(respondent)",
                    "",
                    "no item answered: excluded from the analysis",
                )
            )
        kept = out[~empty]
    else:
        kept = out
    flow = sample_flow(codebook, raw, kept, frame, int(empty.sum()) if drop_empty else 0)
    return Cleaned(
        kept.reset_index(drop=True), pd.DataFrame(log, columns=LOG_COLUMNS), flow, typed_frame(frame, kept)
    )


def typed_frame(frame, kept: pd.DataFrame) -> pd.DataFrame:
    """The population frame, typed, with whether each network is among the analysed respondents."""
    if frame is None:
        return pd.DataFrame(
            {
                "network_id": pd.Series(dtype="string"),
                "municipality_pop": pd.Series(dtype="Int64"),
                "responded": pd.Series(dtype="boolean"),
            }
        )
    ids = frame.data["network_id"].str.strip()
    return pd.DataFrame(
        {
            "network_id": ids.astype("string"),
            "municipality_pop": frame.data["municipality_pop"].map(parse_whole_number).astype("Int64"),
            "responded": ids.isin(kept["network_id"]).astype("boolean"),
        }
    ).reset_index(drop=True)


def _entry(rule, column, row, resp_id, old, new, reason) -> dict:
    return dict(zip(LOG_COLUMNS, [rule, column, row, resp_id, old, new, reason], strict=True))


def _strip(values: pd.Series, column: str, raw, log: list) -> pd.Series:
    stripped = values.str.strip()
    for idx in values.index[stripped != values]:
        resp_id = raw.data.at[idx, "resp_id"].strip()
        log.append(
            _entry(
                "strip_whitespace",
                column,
                raw.rows[idx],
                resp_id,
                values[idx],
                stripped[idx],
                "leading or trailing spaces removed",
            )
        )
    return stripped


def _population(values: pd.Series, raw, log: list) -> pd.Series:
    parsed = values.map(parse_whole_number)
    for idx in values.index[values.str.strip() != parsed.astype(str)]:
        log.append(
            _entry(
                "number_format",
                "municipality_pop",
                raw.rows[idx],
                raw.data.at[idx, "resp_id"],
                values[idx],
                str(parsed[idx]),
                "a whole number written with decimals or spaces",
            )
        )
    return parsed.astype("Int64")


def _item(codebook: Codebook, item: str, values: pd.Series, raw, log: list, resp_ids: pd.Series):
    declared = raw.declared_missing.get(item, frozenset())
    codes, missing = [], []
    for idx, token in values.items():
        answer = codebook.interpret(item, token, declared)
        if answer.rule is None:  # validation lets no unreadable cell through
            raise ValueError(f"{raw.path}, row {raw.rows[idx]}, column {item}: unreadable value {token!r}")
        codes.append(answer.code)
        missing.append(answer.missing)
        if answer.rule != "code":
            new = "" if answer.code is None else str(answer.code)
            log.append(
                _entry(answer.rule, item, raw.rows[idx], resp_ids[idx], token, new, REASONS[answer.rule])
            )
    return (
        pd.array(codes, dtype="Int8"),
        pd.Categorical(missing, categories=list(MISSING_TYPES)),
    )


def sample_flow(codebook: Codebook, raw, kept: pd.DataFrame, frame, n_empty: int) -> pd.DataFrame:
    """Frame -> respondents -> analysed -> valid answers per item, as a tidy table."""
    rows = []
    if frame is not None:
        rows.append(("frame", "", len(frame.data), "networks in the population frame"))
    rows.append(("export", "", len(raw.data), f"respondents in {raw.path}"))
    if frame is not None:
        matched = raw.data["network_id"].str.strip().isin(frame.data["network_id"].str.strip()).sum()
        rows.append(("matched_to_frame", "", int(matched), "respondents whose network is in the frame"))
    rows.append(("excluded_empty", "", n_empty, "respondents without a single answer"))
    rows.append(("analysed", "", len(kept), "respondents in the analysis"))
    for item in codebook.item_ids:
        missing = kept[f"{item}_missing"]
        rows.append(("valid", item, int(kept[item].notna().sum()), "answered with a scale code"))
        rows.append(
            ("dont_know", item, int((missing == "dont_know").sum()), "weet niet / niet van toepassing")
        )
        rows.append(("blank", item, int((missing == "blank").sum()), "left blank"))
    return pd.DataFrame(rows, columns=["step", "item", "n", "note"])
