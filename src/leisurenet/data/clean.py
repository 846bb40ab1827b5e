"""Cleaning: from validated raw cells to typed codes, with a log of every change.

Runs after validation, so every cell is readable. Each cell that is not already a plain
code becomes one (or a missing answer of a stated type), and the cleaning log says which
rule changed it, from what to what, and why. Respondents without a single answer are
excluded, and logged. Nothing else is changed or dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from leisurenet.codebook import MISSING_TYPES, Codebook
from leisurenet.config import COMPLETE_ABOVE, PARTIAL_FROM
from leisurenet.data.disposition import dispositions
from leisurenet.data.validate import interpret_cells, parse_whole_number, unknown_columns

LOG_COLUMNS = ["rule", "column", "row", "resp_id", "old_value", "new_value", "reason"]

REASONS = {
    "code_format": "a code written as a number with decimals",
    "label": "an answer label, replaced by its code",
    "missing_code": "a 'weet niet / niet van toepassing' code, set to missing (dont_know)",
    "missing_label": "a 'weet niet / niet van toepassing' label, set to missing (dont_know)",
    "mapping_label": "an answer label the mapping (data.mapping) gives a code, replaced by that code",
    "mapping_missing_label": "an answer label the mapping (data.mapping) gives a missing code, set to "
    "missing (dont_know)",
    "declared_missing": "a user-missing value declared in the SPSS file, set to missing (dont_know)",
    "blank": "an empty cell, set to missing (blank)",
}


@dataclass
class Cleaned:
    data: pd.DataFrame  # typed: codes as Int8, missing types as categories
    log: pd.DataFrame  # one row per change (LOG_COLUMNS)
    flow: pd.DataFrame  # sample flow: step, item, n, note
    frame: pd.DataFrame  # network_id, municipality_pop, responded (empty without a frame)
    disposition: pd.DataFrame  # AAPOR final disposition of every network (leisurenet.data.disposition)


def clean(
    raw,
    codebook: Codebook,
    frame=None,
    drop_empty: bool = True,
    mapping=None,
    frame_variables=(),
    complete_above: float = COMPLETE_ABOVE,
    partial_from: float = PARTIAL_FROM,
) -> Cleaned:
    """Clean a validated :class:`~leisurenet.data.ingest.table.RawTable` (see the module docstring).

    With the :class:`~leisurenet.data.mapping.Mapping` the export was read through, the log
    starts with the columns it renamed and dropped. ``frame_variables`` are the frame's
    columns the weighting uses, kept (stripped text) in the typed frame. ``complete_above``
    and ``partial_from`` set the dispositions (:func:`leisurenet.data.disposition.dispositions`),
    made from every row of the export, the empty ones included.
    """
    cells = raw.data
    log: list[dict] = _mapping_entries(mapping, raw) if mapping else []
    out = pd.DataFrame(index=cells.index)
    for column in ("resp_id", "network_id"):
        out[column] = _strip(cells[column], column, raw, log).astype("string")
    out["municipality_pop"] = _population(cells["municipality_pop"], raw, log)
    # One log entry per item cell that is not a plain code, every missing answer among them:
    # many thousands at a large n, so gathered as columns rather than a dict per entry.
    item_log: dict[str, list] = {c: [] for c in LOG_COLUMNS}
    rows, resp_ids = np.asarray(raw.rows), out["resp_id"].to_numpy(dtype=object)
    items = {}
    for item in codebook.item_ids:
        items[item], items[f"{item}_missing"] = _item(
            codebook, item, cells[item], raw, item_log, rows, resp_ids
        )
    out = pd.concat([out, pd.DataFrame(items, index=cells.index)], axis=1)
    after: list[dict] = []
    for column in unknown_columns(raw, codebook):
        after.append(_entry("drop_unknown_column", column, None, None, "(column)", "", "not in the codebook"))

    answered = out[codebook.item_ids].notna().sum(axis=1)
    empty = answered == 0
    if drop_empty:
        for idx in out.index[empty]:
            after.append(
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
    frame_ids = None if frame is None else frame.data["network_id"]
    disposition = dispositions(out, codebook.item_ids, frame_ids, complete_above, partial_from)
    changes = {c: [e[c] for e in log] + item_log[c] + [e[c] for e in after] for c in LOG_COLUMNS}
    return Cleaned(
        kept.reset_index(drop=True),
        pd.DataFrame(changes, columns=LOG_COLUMNS),
        flow,
        typed_frame(frame, kept, frame_variables),
        disposition,
    )


def typed_frame(frame, kept: pd.DataFrame, variables=()) -> pd.DataFrame:
    """The population frame, typed, with whether each network is among the analysed
    respondents, and the weighting ``variables`` as text."""
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
            **{name: frame.data[name].str.strip().astype("string") for name in variables},
        }
    ).reset_index(drop=True)


def _mapping_entries(mapping, raw) -> list[dict]:
    """One entry per column the mapping renamed or dropped, with the mapping's line."""
    where = f"as the mapping {mapping.path} says (line {{}})"
    renamed = [
        _entry(
            "rename_column",
            target,
            None,
            None,
            source,
            target,
            where.format(mapping.lines["columns", source]),
        )
        for source, target in mapping.columns.items()
        if target in raw.data.columns and source != target
    ]
    dropped = [
        _entry(
            "drop_mapped_column", name, None, None, "(column)", "", where.format(mapping.lines["drop", name])
        )
        for name in mapping.drop
    ]
    return renamed + dropped


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


def _item(codebook: Codebook, item: str, values: pd.Series, raw, log: dict, rows, resp_ids):
    """Codes (Int8) and missing types of one item; its changes appended to the columns of ``log``.

    Each distinct cell is read once (:func:`leisurenet.data.validate.interpret_cells`) and the
    readings are spread over the respondents by position.
    """
    declared = raw.declared_missing.get(item, frozenset())
    position, distinct = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    answers = interpret_cells(codebook, item, distinct, declared)
    readings = [answers[cell] for cell in distinct]
    unreadable = [i for i, answer in enumerate(readings) if answer.rule is None]
    if unreadable:  # validation lets no unreadable cell through
        idx = int(np.flatnonzero(np.isin(position, unreadable))[0])
        raise ValueError(
            f"{raw.path}, row {raw.rows[idx]}, column {item}: unreadable value {values.iloc[idx]!r}"
        )
    code = np.array([a.code or 0 for a in readings], dtype=np.int8)[position]
    no_code = np.array([a.code is None for a in readings], dtype=bool)[position]
    kinds = list(MISSING_TYPES)
    kind = np.array([kinds.index(a.missing) if a.missing else -1 for a in readings], dtype=np.int8)[position]
    changed = np.flatnonzero(np.isin(position, [i for i, a in enumerate(readings) if a.rule != "code"]))
    rule = [readings[i].rule for i in position[changed]]
    log["rule"] += rule
    log["column"] += [item] * len(changed)
    log["row"] += rows[changed].tolist()
    log["resp_id"] += resp_ids[changed].tolist()
    log["old_value"] += [distinct[i] for i in position[changed]]
    log["new_value"] += ["" if readings[i].code is None else str(readings[i].code) for i in position[changed]]
    log["reason"] += [REASONS[r] for r in rule]
    return (
        pd.arrays.IntegerArray(code, no_code),
        pd.Categorical.from_codes(kind, categories=kinds),
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
