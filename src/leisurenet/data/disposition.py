"""The final disposition of every unit of the population frame, and the AAPOR outcome rates.

Codes, counts and formulas follow the AAPOR *Standard Definitions* (9th edition, 2016), the
table for Internet surveys of specifically named persons: the survey addressed the one named
coordinator of every network of the frame (how is not in the data). What the data can tell apart:

- a returned questionnaire (a row of the export) is a complete (1.1, I), a partial (1.2, P) or
  a break-off (2.12, counted with the refusals, R), by its share of the items answered: AAPOR
  suggests more than 80% for a complete and 50% to 80% for a partial (the thresholds are
  ``disposition`` in the configuration); a break-off with fewer answers, an empty
  questionnaire among them, is a non-interview;
- a network of the frame without a row in the export is "nothing ever returned" (3.19, UO,
  unknown eligibility): the export holds no trace of the invitation, so a refusal (2.11),
  a non-contact (2.20) and a network that no longer existed (4.0, not eligible) look alike.

Non-contacts (NC), other non-interviews (O), unknown household (UH) and not-eligible cases
(NE) have no source in an export and a frame of ``network_id``, ``municipality_pop``; the
formulas take them all, so that a fuller record of the fieldwork only adds counts.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from leisurenet.config import COMPLETE_ABOVE, PARTIAL_FROM, check_disposition

# The counts of the AAPOR formulas (Standard Definitions, "Response rates").
GROUPS = ("I", "P", "R", "NC", "O", "UH", "UO", "NE")
# disposition -> (AAPOR final disposition code, the formulas' count it enters)
DISPOSITIONS = {
    "complete": ("1.1", "I"),
    "partial": ("1.2", "P"),
    "break_off": ("2.12", "R"),
    "nothing_returned": ("3.19", "UO"),
}
COLUMNS = [
    "network_id",
    "resp_id",
    "in_frame",
    "n_items",
    "n_answered",
    "share_answered",
    "disposition",
    "aapor_code",
    "aapor_group",
]


def dispositions(
    responses: pd.DataFrame,
    item_ids: list[str],
    frame_ids: pd.Series | None = None,
    complete_above: float = COMPLETE_ABOVE,
    partial_from: float = PARTIAL_FROM,
) -> pd.DataFrame:
    """The AAPOR final disposition of every network of the frame (see the module docstring).

    Parameters
    ----------
    responses : DataFrame
        Every row of the export, the empty ones included (before cleaning drops them):
        ``resp_id``, ``network_id`` and ``<item>_missing`` (``dont_know``, ``blank`` or
        missing for a code) for each item.
    item_ids : list of str
        The items of the questionnaire; all apply to every coordinator.
    frame_ids : Series of str, optional
        The frame's ``network_id`` values; None without a frame (then the table holds the
        returned questionnaires only, and no response rate follows from it).
    complete_above, partial_from : float
        A questionnaire with more than ``complete_above`` of the items answered is complete,
        one with at least ``partial_from`` partial, one with fewer a break-off. An answer is
        any answer but a blank: "weet niet" counts, as AAPOR counts a question "answered with
        other than a refusal or no answer".

    Returns
    -------
    DataFrame
        ``COLUMNS``, one row per network of the frame in the frame's order (without a frame,
        per returned questionnaire): ``resp_id`` (missing when nothing was returned),
        ``in_frame``, ``n_items``, ``n_answered`` and ``share_answered`` (missing when nothing
        was returned), ``disposition`` (a key of ``DISPOSITIONS``), ``aapor_code`` and
        ``aapor_group`` (the count of the formulas it enters, one of ``GROUPS``).
    """
    check_disposition(complete_above, partial_from)
    unknown = [f"{item}_missing" for item in item_ids if f"{item}_missing" not in responses.columns]
    if unknown:
        raise KeyError(f"not columns of the responses: {unknown}")
    blank = np.column_stack([(responses[f"{item}_missing"] == "blank").to_numpy(bool) for item in item_ids])
    returned = pd.DataFrame(
        {
            "network_id": responses["network_id"].astype(str).str.strip().to_numpy(),
            "resp_id": responses["resp_id"].astype(str).to_numpy(),
            "n_answered": len(item_ids) - blank.sum(axis=1),
        }
    )
    share = returned["n_answered"] / len(item_ids)
    returned["disposition"] = np.select(
        [share > complete_above, share >= partial_from], ["complete", "partial"], "break_off"
    )
    if frame_ids is None:
        units = returned.assign(in_frame=False)
    else:
        ids = pd.Series(frame_ids, dtype=object).astype(str).str.strip().reset_index(drop=True)
        outside = sorted(set(returned["network_id"]) - set(ids))
        if outside:
            raise ValueError(
                f"networks of the export not in the population frame: {outside}; "
                "validation reports each with the row to fix"
            )
        units = pd.DataFrame({"network_id": ids, "in_frame": True}).merge(
            returned, on="network_id", how="left", validate="one_to_one"
        )
        units["disposition"] = units["disposition"].fillna("nothing_returned")
    units["n_items"] = len(item_ids)
    units["n_answered"] = units["n_answered"].astype("Int64")
    units["share_answered"] = units["n_answered"].astype("Float64") / len(item_ids)
    units["aapor_code"] = units["disposition"].map(lambda d: DISPOSITIONS[d][0])
    units["aapor_group"] = units["disposition"].map(lambda d: DISPOSITIONS[d][1])
    units["resp_id"] = units["resp_id"].astype("string")
    units["network_id"] = units["network_id"].astype("string")
    return units[COLUMNS].reset_index(drop=True)


def group_counts(table: pd.DataFrame) -> dict:
    """The count of every group of ``GROUPS`` in a disposition table (0 for a group without units)."""
    return {group: int((table["aapor_group"] == group).sum()) for group in GROUPS}


def eligibility_rate(counts: Mapping) -> float:
    """AAPOR's e estimated from the cases of known eligibility: the eligible among the eligible
    and the not eligible, (I + P + R + NC + O) / (I + P + R + NC + O + NE); NaN without any."""
    eligible = counts["I"] + counts["P"] + counts["R"] + counts["NC"] + counts["O"]
    known = eligible + counts["NE"]
    return eligible / known if known else np.nan


def response_rates(counts: Mapping, e: float | None = None) -> dict:
    """AAPOR's response rates RR1 to RR6 (proportions) from the counts of ``GROUPS``.

    RR1 = I / ((I + P) + (R + NC + O) + (UH + UO)) counts only completes as responses and
    every case of unknown eligibility as eligible (the minimum rate); RR2 counts partials as
    responses too; RR3 and RR4 count the share ``e`` of the unknown cases as eligible
    (:func:`eligibility_rate` when None); RR5 and RR6 none of them (e = 0). A rate without a
    denominator is NaN. The arithmetic keeps traced counts traced (leisurenet.paper.provenance).
    """
    if e is None:
        e = eligibility_rate(counts)
    interviews, responses = counts["I"], counts["I"] + counts["P"]
    eligible = responses + counts["R"] + counts["NC"] + counts["O"]
    unknown = counts["UH"] + counts["UO"]

    def rate(numerator, denominator):
        return numerator / denominator if denominator else np.nan

    with_e = eligible + e * unknown if unknown else eligible  # e = NaN matters only with unknowns
    return {
        "RR1": rate(interviews, eligible + unknown),
        "RR2": rate(responses, eligible + unknown),
        "RR3": rate(interviews, with_e),
        "RR4": rate(responses, with_e),
        "RR5": rate(interviews, eligible),
        "RR6": rate(responses, eligible),
    }
