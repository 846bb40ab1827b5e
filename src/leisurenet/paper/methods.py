"""The method section's values and the appendices on the instrument and the software.

The sample, the configured choices in words (size classes, governance-role rule, interval
method), the data file's checksum, the sample-flow table, the codebook table and the software
versions: what the paper says about how the results were made, not the results themselves.
"""

from __future__ import annotations

import importlib.metadata
import platform

import pandas as pd

from leisurenet.data.clean import REASONS
from leisurenet.data.disposition import DISPOSITIONS, GROUPS, eligibility_rate, response_rates
from leisurenet.paper.formatting import count, dutch, num, pct, pipe_table
from leisurenet.paper.prose import Prose
from leisurenet.paper.provenance import ENVIRONMENT, cite, rows_of, traced
from leisurenet.release.manifest import sha256

# --- the data and the software -------------------------------------------------------------

PACKAGES = ["snakemake", "pandas", "numpy", "scipy", "statsmodels", "pingouin", "matplotlib", "seaborn",
            "pyreadstat", "pyarrow", "pypandoc_binary", "typst"]  # fmt: skip


def software_table() -> pd.DataFrame:
    """The versions of Python and the packages that ran, each marked as from the environment."""
    rows = [("Python", platform.python_version(), "platform.python_version()")]
    rows += [(name, importlib.metadata.version(name), "importlib.metadata.version") for name in PACKAGES]
    cells = [(name, cite(version, ENVIRONMENT, name, how)) for name, version, how in rows]
    return pd.DataFrame(cells, columns=["Package", "Version"])


def software_pipe_table(prose: Prose) -> str:
    return pipe_table(software_table(), "software", prose.say("captions.software"), "ll")


def data_variables(
    flow: pd.DataFrame,
    cleaning_log: pd.DataFrame,
    items: pd.DataFrame,
    raw_path,
    synthetic: bool,
    config: dict,
    prose: Prose,
) -> dict:
    """The sample, the methods as configured, the data file, and the notices that say whether
    the data are synthetic."""
    overall = flow[flow["item"].isna() | (flow["item"] == "")].set_index("step")["n"]
    n_resp = overall["export"]
    n_frame = overall.get("frame")
    values = {
        "n_respondents": count(n_resp),
        "n_frame": count(n_frame) if n_frame else "n/a",
        "response_rate": pct(100 * n_resp / n_frame) if n_frame else "n/a",
        "file": str(raw_path).split("/")[-1],
    }
    frame = "frame" if n_frame else "no_frame"
    kind = "synthetic" if synthetic else "real"
    out = {
        "synthetic": synthetic,
        **{k: values[k] for k in ("n_frame", "n_respondents")},
        "n_analysed": count(overall["analysed"]),
        "response_rate": values["response_rate"],
        "n_changes": count(rows_of(cleaning_log[cleaning_log["rule"].isin(list(REASONS))], "rule: a reason")),
        "size_classes": size_classes_text(config["size_class"], prose),
        "file": values["file"],
        "checksum": sha256(raw_path),
        "role_rule": role_rule_text(config["governance_role"], prose),
        "ci_method": ci_method_text(items, prose),
    }
    for key in ("population_sentence", "sample_sentence", "abstract_sample"):
        out[key] = prose.say(f"data.{key}", frame, **values)
    for key in ("notice", "notice_short", "source_line", "method_note", "discussion_note"):
        out[key] = prose.say(f"data.{key}", kind, **values)
    return out


def disposition_variables(table: pd.DataFrame, settings: dict, prose: Prose) -> dict:
    """The final dispositions and the response rate by its AAPOR definition
    (``disposition.*``), from ``results/clean/disposition.csv`` and the configured thresholds
    (``settings``: ``complete_above``, ``partial_from``, traced to their config file).

    RR1 is the rate the paper names: the only one the data fix without an assumption on
    the networks that returned nothing (RR1 counts them all as eligible); RR2 adds the
    partials, RR3 weighs the unknowns by the estimated e, and RR5 (none eligible) is the
    upper bound. Without a frame no rate is computed (the table holds no network of a frame).
    """

    def n(column: str, value: str):
        return rows_of(table[table[column] == value], f"{column}: {value}")

    frame = bool(table["in_frame"].any())
    counts = {group: n("aapor_group", group) for group in GROUPS}
    rates = response_rates(counts) if frame else dict.fromkeys(f"RR{i}" for i in range(1, 7))
    values = {
        "n_frame": count(rows_of(table[table["in_frame"]], "in_frame")) if frame else "n/a",
        "n_returned": count(rows_of(table[table["disposition"] != "nothing_returned"], "returned")),
        **{f"n_{d}": count(n("disposition", d)) for d in DISPOSITIONS},
        "complete_above": pct(100 * settings["complete_above"], 0),
        "partial_from": pct(100 * settings["partial_from"], 0),
        **{key.lower(): pct(None if rate is None else 100 * rate) for key, rate in rates.items()},
        "e": "n/a" if not frame else num(eligibility_rate(counts)),
    }
    mixed = counts["P"] + counts["R"] > 0
    values["returned"] = prose.say("disposition.returned", "mixed" if mixed else "all_complete", **values)
    some = frame and counts["UO"] > 0
    values["nonresponse"] = prose.say("disposition.nonresponse", "some" if some else "none", **values)
    values["rr2_text"] = prose.say("disposition.rr2", "higher" if counts["P"] > 0 else "same", **values)
    values["bound"] = prose.say("disposition.bound", "some" if some else "none", **values)
    sentence = prose.say("disposition.sentence", "frame" if frame else "no_frame", **values)
    return {"sentence": sentence, "rr1": values["rr1"], "rr2": values["rr2"]}


def size_classes_text(settings: dict, prose: Prose) -> str:
    """The configured size classes with their bounds in inhabitants, joined with "; "."""
    breaks, labels = settings["breaks"], settings["labels"]
    parts = [prose.say("data.size_class", "first", label=labels[0], limit=count(breaks[0], True))]
    parts += [
        prose.say(
            "data.size_class",
            "middle",
            label=labels[i],
            lower=count(breaks[i - 1], True),
            upper=count(breaks[i] - 1, True),
        )
        for i in range(1, len(breaks))
    ]
    parts.append(prose.say("data.size_class", "last", label=labels[-1], lower=count(breaks[-1], True)))
    return "; ".join(parts)


def role_rule_text(settings: dict, prose: Prose) -> str:
    """The configured governance-role rule, in words."""
    minimum = settings["min_statements"]
    statements = prose.say(
        "data.role_rule_statements",
        "several" if minimum > 1 else "one",
        min_statements=count(minimum),
        n_statements=count(
            traced(len(prose.codebook.spec["roles"]), prose.codebook.source, "roles", "(number of roles)")
        ),
    )
    return prose.say(
        "data.role_rule",
        settings["rule"],
        agreed_min_code=count(settings["agreed_min_code"]),
        statements=statements,
    )


def ci_method_text(items: pd.DataFrame, prose: Prose) -> str:
    """How the intervals for shares of networks were computed, as the descriptives say."""
    finite = (items["ci_method"] == "hypergeometric").all()
    return prose.say("data.ci_method", "hypergeometric" if finite else "clopper_pearson")


def sample_flow_table(flow: pd.DataFrame, prose: Prose) -> str:
    overall = flow[flow["item"].isna() | (flow["item"] == "")]
    table = overall[["step", "n", "note"]].rename(columns={"step": "Step", "n": "n", "note": "Note"})
    valid = flow[flow["step"] == "valid"]["n"]
    extra = pd.DataFrame(
        [["valid answers per item", f"{count(valid.min())}–{count(valid.max())}", "range over the items"]],
        columns=table.columns,
    )
    return pipe_table(
        pd.concat([table, extra]),
        "sample-flow",
        prose.say("captions.sample_flow"),
        "lrl",
    )


def codebook_table(prose: Prose) -> str:
    items = prose.codebook.items.items()
    rows = [(item, spec["scale"], dutch(spec["nl"]), spec["en"]) for item, spec in items]
    df = pd.DataFrame(rows, columns=["Item", "Scale", "Dutch (reconstructed)", "English"])
    return pipe_table(df, "codebook", prose.say("captions.codebook"), "llll")
