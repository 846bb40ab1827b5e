"""What the manuscript reads: every number in its text and every table, from ``results/``.

The paper computes nothing. This module formats results the rules wrote into
``_variables.yml`` (read in the text with Quarto's ``var`` shortcode) and into Markdown pipe
tables with captions and cross-reference labels, which both renderers understand.
Rounding happens here and only here.
"""

from __future__ import annotations

import importlib.metadata
import platform
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from leisurenet.codebook import Codebook
from leisurenet.data.clean import REASONS
from leisurenet.names import GUIDING_KIND, INVOLVEMENT_KINDS
from leisurenet.paper.labels import is_structural_term
from leisurenet.paper.prose import WEIGHTED_SUFFIX, Prose, capitalised, is_weighted, statement
from leisurenet.paper.provenance import ENVIRONMENT, SPAN, cite, mark, rows_of, traced, unmark
from leisurenet.release.manifest import sha256

PACKAGES = ["snakemake", "pandas", "numpy", "scipy", "statsmodels", "pingouin", "matplotlib", "seaborn",
            "pyreadstat", "pyarrow", "pypandoc_binary", "typst"]  # fmt: skip


# --- formatting ------------------------------------------------------------------------
# Every number enters the text here. A value that knows its origin (provenance.trace) is
# written as a span that carries it (provenance.mark); see leisurenet.paper.provenance.


def pct(value: float, decimals: int = 1) -> str:
    return "n/a" if value is None or pd.isna(value) else mark(f"{value:.{decimals}f}%", value)


def num(value: float, decimals: int = 2) -> str:
    return "n/a" if value is None or pd.isna(value) else mark(f"{value:.{decimals}f}", value)


def count(value, thousands: bool = False) -> str:
    """A whole number ("77"; "2,000" with ``thousands``)."""
    if value is None or pd.isna(value):
        return "n/a"
    return mark(f"{int(value):,}" if thousands else str(int(value)), value)


def general(value: float) -> str:
    """A number as short as it prints (0.05, 62, 0.9): Python's ``g`` format."""
    return mark(f"{value:g}", value)


def _pvalue_text(p: float) -> str:
    if p is None or pd.isna(p):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def pvalue(p: float) -> str:
    """p with three decimals, '< 0.001' below that."""
    text = _pvalue_text(p)
    return text if text == "n/a" else mark(text, p)


def p_is(p: float) -> str:
    """A p-value with its relation, as a sentence needs it: "p = 0.034", "p < 0.001"."""
    text = _pvalue_text(p)
    return f"p {mark(text, p)}" if text.startswith("<") else f"p = {pvalue(p)}"


def interval(low: float, high: float, decimals: int = 1, percent: bool = False) -> str:
    unit = "%" if percent else ""
    if pd.isna(low) or pd.isna(high):
        return "n/a"
    return f"{mark(f'{low:.{decimals}f}', low)}–{mark(f'{high:.{decimals}f}', high)}{unit}"


def escape(text) -> str:
    """Text safe inside a pipe-table cell; identifiers may break after an underscore. A traced
    count is marked with its origin; the spans of formatted numbers are kept as they are."""
    if isinstance(text, int) and getattr(text, "origin", None) is not None:
        return count(text)
    text, out, last = str(text), [], 0
    for match in SPAN.finditer(text):
        out += [_escape_plain(text[last : match.start()]), match.group(0)]
        last = match.end()
    return "".join(out) + _escape_plain(text[last:])


def _escape_plain(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("_", "_\u200b")


def pipe_table(df: pd.DataFrame, label: str, caption: str, align: str | None = None) -> str:
    """A Markdown pipe table with a caption and a ``tbl-`` label (Quarto and Pandoc alike).

    The dashes of the separator line set the relative column widths of a wide table, so each
    column gets as many as its longest cell or header word (within limits): long wording gets
    the room, and headers wrap.
    """
    align = align or "l" + "r" * (len(df.columns) - 1)
    header = [escape(c) for c in df.columns]
    body = [[escape(v) for v in row] for row in df.itertuples(index=False)]
    widths = [
        min(
            30,
            max(
                8, *(len(word) for word in unmark(header[i]).split()), *(len(unmark(row[i])) for row in body)
            ),
        )
        for i in range(len(header))
    ]
    rule = {"l": ":{}", "r": "{}:", "c": ":{}:"}
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(rule[a].format("-" * w) for a, w in zip(align, widths, strict=True)) + "|",
        *("| " + " | ".join(row) + " |" for row in body),
    ]
    return "\n".join(lines) + f"\n\n: {caption} {{#tbl-{label}}}\n"


# --- the data and the software -------------------------------------------------------------


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
    rows = [(item, spec["scale"], spec["nl"], spec["en"]) for item, spec in prose.codebook.items.items()]
    df = pd.DataFrame(rows, columns=["Item", "Scale", "Dutch (reconstructed)", "English"])
    return pipe_table(df, "codebook", prose.say("captions.codebook"), "llll")


# --- the study's own tables, published beside reproduced -------------------------------


# The study's three tables: which items (a codebook query), which published figures (a
# figure-id suffix: the column heading and the side of the items' shares); the caption is
# captions.<name> of the wording.
STUDY_TABLES = {
    "effort": ({"construct": "effort"},
               {"weak": ("Weak effort", "negative"), "strong": ("Strong effort", "positive")}),
    "role_act": ({"construct": "role", "domain": "act"},
                 {"disagree": ("Disagree", "negative"), "agree": ("Agree", "positive")}),
    "support": ({"construct": "support"},
                {"not_useful": ("Not useful", "negative"), "useful": ("Useful", "positive")}),
}  # fmt: skip


def study_tables(items: pd.DataFrame, audit: pd.DataFrame, prose: Prose) -> dict[str, str]:
    """The study's own tables (:data:`STUDY_TABLES`), published beside reproduced."""
    codebook = prose.codebook
    return {
        name: published_table(
            items,
            audit,
            codebook,
            codebook.items_where(**query),
            sides,
            name.replace("_", "-"),
            prose.say(f"captions.{name}"),
        )
        for name, (query, sides) in STUDY_TABLES.items()
    }


def published_table(
    items: pd.DataFrame,
    audit: pd.DataFrame,
    codebook: Codebook,
    item_ids: list[str],
    sides: dict,
    label: str,
    caption: str,
) -> str:
    """One of the study's tables: the published figure beside the reproduced ones.

    ``sides`` maps a figure-id suffix to (heading, side): e.g. ``{"weak": ("Weak effort",
    "negative")}`` reads figure ``<item>_weak`` from the audit and ``pct_negative`` from the items.
    Without published figures only the reproduced percentages are shown.
    """
    by_figure = audit.set_index("figure_id") if not audit.empty else None
    by_item = items.set_index("item")
    rows = []
    for item in item_ids:
        row = [codebook.items[item]["en"]]
        for suffix, (_, side) in sides.items():
            fid = f"{item}_{suffix}"
            if by_figure is not None and fid in by_figure.index:
                fig = by_figure.loc[fid]
                d = int(fig["decimals"])
                row += [num(fig["published"], d), num(fig["reproduced_as_published"], d)]
            elif by_figure is not None:
                row += ["", ""]
            row.append(num(by_item.loc[item, f"pct_{side}"], 1))
        rows.append(row)
    columns = ["Item"]
    for heading, _ in sides.values():
        columns += ([f"{heading}: published", "as published"] if by_figure is not None else []) + [
            f"{heading}: exact" if by_figure is not None else heading
        ]
    return pipe_table(pd.DataFrame(rows, columns=columns), label, caption)


def audit_table(audit: pd.DataFrame, prose: Prose) -> str:
    df = pd.DataFrame(
        {
            "Figure": audit["figure_id"],
            "Published": [num(v, int(d)) for v, d in zip(audit["published"], audit["decimals"], strict=True)],
            "Exact": audit["reproduced_exact"].map(lambda v: num(v, 2)),
            "As published": [
                num(v, int(d))
                for v, d in zip(audit["reproduced_as_published"], audit["decimals"], strict=True)
            ],
            "Granularity": audit["granularity"].str.replace("_", " "),
            "Status": audit["status"].str.replace("_", " "),
        }
    )
    return pipe_table(df, "audit", prose.say("captions.audit"), "lrrrll")


def audit_variables(audit: pd.DataFrame, prose: Prose) -> dict:
    """The audit's counts in the abstract, the discussion and the appendix."""
    keys = ("n_base", "abstract", "discussion", "appendix")
    if audit.empty:
        return {key: prose.say(f"audit.{key}", "no_figures") for key in keys}
    status = audit["status"]
    reproduced = status.isin(["reproduced", "reproduced_as_published"])
    values = {
        "n": count(rows_of(audit, "all rows")),
        "reproduced": count(rows_of(audit[reproduced], "status: reproduced or reproduced_as_published")),
        "exact": count(rows_of(audit[status == "reproduced"], "status: reproduced")),
        "as_published": count(
            rows_of(audit[status == "reproduced_as_published"], "status: reproduced_as_published")
        ),
        "not_reproduced": count(rows_of(audit[~reproduced], "status: not reproduced")),
        "summed": count(
            rows_of(audit[audit["granularity"] == "summed_rounding"], "granularity: summed_rounding")
        ),
        "n_base": count(audit["n_base"].iloc[0]),
    }
    values["conflict"] = _conflict_text(audit, prose)
    return {key: prose.say(f"audit.{key}", "figures", **values) for key in keys}


def _conflict_text(audit: pd.DataFrame, prose: Prose) -> str:
    """The first pair of published figures that cannot both hold, if any."""
    pairs = audit[audit["conflicts_with"].fillna("") != ""]
    if pairs.empty:
        return prose.say("audit.conflict", "no_conflict")
    first = pairs.iloc[0]
    other = audit.set_index("figure_id").loc[first["conflicts_with"].split()[0]]
    return prose.say(
        "audit.conflict",
        "conflict",
        statement=prose.codebook.items[first["items"].split()[0]]["en"],
        first=general(first["published"]),
        second=general(other["published"]),
        n_base=count(first["n_base"]),
    )


# --- cross-tabs ------------------------------------------------------------------------------


def crosstab_table(cells: pd.DataFrame, name: str, prose: Prose) -> str:
    """Counts with the column percentage (the share of each row level within a column level)."""
    part = cells[cells["crosstab"] == name]
    rows = list(dict.fromkeys(part["row_level"]))
    cols = list(dict.fromkeys(part["col_level"]))
    lookup = part.set_index(["row_level", "col_level"])
    body = [
        [row]
        + [
            f"{count(lookup.loc[(row, col), 'n'])} ({pct(lookup.loc[(row, col), 'pct_col'], 0)})"
            for col in cols
        ]
        for row in rows
    ]
    totals = part.groupby("col_level", sort=False)["n"].sum()
    body.append(["total"] + [count(totals[col]) for col in cols])
    row_var, col_var = (prose.variable(part[c].iloc[0]) for c in ("row_var", "col_var"))
    df = pd.DataFrame(body, columns=[capitalised(row_var), *cols])
    return pipe_table(df, "crosstab-role", prose.say("captions.crosstab", row=row_var, col=col_var))


def crosstab_tests_table(tests: pd.DataFrame, prose: Prose) -> str:
    df = pd.DataFrame(
        {
            "Cross-tab": [capitalised(prose.crosstab(name)) for name in tests["crosstab"]],
            "n": tests["n"].map(count),
            "χ² (df)": [f"{num(c, 2)} ({count(d)})" for c, d in zip(tests["chi2"], tests["df"], strict=True)],
            "p exact": tests["p_exact"].map(pvalue),
            "p Holm": tests["p_holm"].map(pvalue),
            "V": tests["cramers_v"].map(num),
            "V corrected": tests["cramers_v_corrected"].map(num),
            "min. expected": tests["min_expected"].map(num),
        }
    )
    return pipe_table(df, "crosstab-tests", prose.say("captions.crosstab_tests"))


def crosstab_variables(tests: pd.DataFrame, headline: str, alpha: float, prose: Prose) -> dict:
    """Sentences on the headline cross-tab (its exact p, unadjusted: one pre-specified test) and
    on every family (Holm-adjusted p, as the tests table gives them)."""
    by_name = tests.set_index("crosstab")
    name = prose.crosstab(headline)
    if headline not in by_name.index:
        out = {key: prose.say(f"crosstab.{key}", "missing", crosstab=name) for key in KEYS_CROSSTAB}
        return out | {"method": exact_method_text(tests, prose)}
    head = by_name.loc[headline]
    monte_carlo = str(head["exact_method"]).startswith("Monte Carlo")
    significant = tests[tests["p_holm"] < alpha]["crosstab"]
    values = {
        "crosstab": name,
        "p": pvalue(head["p_exact"]),
        "estimate": prose.say(
            "crosstab.estimate",
            "monte_carlo" if monte_carlo else "enumerated",
            se=num(head["p_exact_mc_se"], 4),
        ),
        "v": num(head["cramers_v"]),
        "v_corrected": num(head["cramers_v_corrected"]),
        "alpha": general(alpha),
        "n_tests": count(rows_of(tests, "all rows")),
        "n_significant": count(rows_of(significant, f"p_holm < {alpha:g}")),
        "significant": "; ".join(significant.map(prose.crosstab)),
        "share": pct(100 * head["share_expected_below_5"], 0),
        "min_expected": num(head["min_expected"]),
    }
    variants = {
        "sentence": "significant" if head["p_exact"] < alpha else "not_significant",
        "discussion": "some_significant" if len(significant) else "none_significant",
        "abstract": "computed",
        "expected_sentence": "computed",
    }
    out = {key: prose.say(f"crosstab.{key}", variants[key], **values) for key in KEYS_CROSSTAB}
    return out | {"method": exact_method_text(tests, prose)}


KEYS_CROSSTAB = ("sentence", "discussion", "abstract", "expected_sentence")


def exact_method_text(tests: pd.DataFrame, prose: Prose) -> str:
    """How the exact p-values were obtained: exactly (every table), or estimated where that is infeasible."""
    methods = tests["exact_method"].astype(str)
    monte_carlo = tests[methods.str.startswith("Monte Carlo")]
    if monte_carlo.empty:
        return prose.say("crosstab.method", "enumerated")
    return prose.say(
        "crosstab.method",
        "monte_carlo",
        n_monte_carlo=count(rows_of(monte_carlo, "exact_method: Monte Carlo")),
        n_tests=count(rows_of(tests, "all rows")),
        draws=count(monte_carlo["n_draws"].iloc[0], True),
    )


# --- descriptives ----------------------------------------------------------------------------


def item_variables(items: pd.DataFrame, prose: Prose, level: str) -> dict:
    """Per item: agreement and disagreement (of all respondents, as published) and the interval
    (at ``level`` percent, as formatted: the configured confidence)."""
    out = {}
    for row in items.itertuples(index=False):
        out[row.item] = {
            "agree": pct(row.pct_positive),
            "disagree": pct(row.pct_negative),
            "agree_valid": pct(row.pct_positive_valid),
            "ci": prose.say(
                "items.ci",
                level=level,
                pct_valid=pct(row.pct_positive_valid),
                ci=interval(100 * row.ci_low, 100 * row.ci_high, 1, percent=True),
            ),
            "n_valid": count(row.n_valid),
        }
    return out


def construct_variables(items: pd.DataFrame, prose: Prose) -> dict:
    """Per construct, its items with the highest and the lowest positive share (of respondents)."""
    out = {}
    by_item = items.set_index("item")
    codebook = prose.codebook
    for construct in codebook.spec["constructs"]:
        ids = [i for i in codebook.items_where(construct=construct) if i in by_item.index]
        if not ids:
            continue
        shares = by_item.loc[ids, "pct_positive"]
        out[construct] = {
            key: prose.say(
                f"constructs.{key}", statement=statement(codebook.items[item]["en"]), share=pct(shares[item])
            )
            for key, item in (("highest", shares.idxmax()), ("lowest", shares.idxmin()))
        }
    return out


def items_table(items: pd.DataFrame, prose: Prose, level: str) -> str:
    df = pd.DataFrame(
        {
            "Item": items["item"],
            "n valid": items["n_valid"].map(count),
            "% positive (all)": items["pct_positive"].map(lambda v: num(v, 1)),
            "% positive (valid)": items["pct_positive_valid"].map(lambda v: num(v, 1)),
            f"{level}% CI (finite population)": [
                interval(100 * lo, 100 * hi) for lo, hi in zip(items["ci_low"], items["ci_high"], strict=True)
            ],
            f"{level}% CI (Wilson)": [
                interval(100 * lo, 100 * hi)
                for lo, hi in zip(items["wilson_low"], items["wilson_high"], strict=True)
            ],
            "Bounds": [
                interval(100 * lo, 100 * hi)
                for lo, hi in zip(items["bound_low"], items["bound_high"], strict=True)
            ],
        }
    )
    method = str(items["ci_method"].iloc[0]) if len(items) else ""
    return pipe_table(df, "items", prose.say("captions.items", method=method, level=level))


def scales_table(scales: pd.DataFrame, prose: Prose, level: str) -> str:
    df = pd.DataFrame(
        {
            "Scale": [prose.codebook.multi_item_scales[s]["en"] for s in scales["scale"]],
            "Items": scales["n_items"].map(count),
            "n used": scales["n_used"].map(count),
            f"Cronbach's α [{level}% CI]": [
                f"{num(a)} [{interval(lo, hi, 2)}]"
                for a, lo, hi in zip(
                    scales["alpha"], scales["alpha_ci_low"], scales["alpha_ci_high"], strict=True
                )
            ],
            "McDonald's ω": scales["omega_total"].map(num),
        }
    )
    return pipe_table(df, "scales", prose.say("captions.scales"))


def paired_table(paired: pd.DataFrame, prose: Prose) -> str:
    domains, items = prose.codebook.spec["domains"], prose.codebook.items
    df = pd.DataFrame(
        {
            "Domain": paired["domain"].map(lambda d: domains[d]["en"]),
            "Involvement item": paired["involvement_item"].map(lambda i: items[i]["en"]),
            "n pairs": paired["n_pairs"].map(count),
            "higher / equal / lower": [
                f"{count(h)} / {count(e)} / {count(lo)}"
                for h, e, lo in zip(paired["n_higher"], paired["n_equal"], paired["n_lower"], strict=True)
            ],
            "V": paired["v_statistic"].map(lambda v: num(v, 0)),
            "p": paired["p_value"].map(pvalue),
            "rank-biserial r": paired["rank_biserial"].map(num),
        }
    )
    return pipe_table(df, "paired", prose.say("captions.paired"), "llrrrrr")


def paired_variables(paired: pd.DataFrame, alpha: float, prose: Prose) -> dict:
    higher = paired[(paired["rank_biserial"] > 0) & (paired["p_value"] < alpha)]
    r = paired["rank_biserial"]
    sentence = prose.say(
        "paired.sentence",
        n_higher=count(rows_of(higher, f"rank_biserial > 0 and p_value < {alpha:g}")),
        n_comparisons=count(rows_of(paired, "all rows")),
        alpha=general(alpha),
        r_min=num(r.min()),
        r_max=num(r.max()),
    )
    return {"sentence": sentence}


def representation_variables(items: pd.DataFrame, codebook: Codebook) -> dict:
    """The smallest agreement over the domains, as the study's "at least ...%" figures state it."""
    positive = items.set_index("item")["pct_positive"]
    rep = codebook.items_where(construct="representation")
    out = {}
    for kind in (*INVOLVEMENT_KINDS, GUIDING_KIND):
        shares = [positive[i] for i in rep if i.endswith(f"_{kind}") and i in positive.index]
        out[f"min_{kind}"] = pct(min(shares)) if shares else "n/a"
    return out


def role_variables(recoded: pd.DataFrame, prose: Prose) -> dict:
    """The most frequent governance role per domain; ties between roles are said as ties."""
    parts, modes = [], set()
    for domain, names in prose.codebook.spec["domains"].items():
        counts = recoded[f"role_{domain}"].value_counts()
        top = tuple(counts[counts == counts.max()].index.astype(str))
        modes.add(top)
        parts.append(
            prose.say(
                "roles.domain",
                domain=names["en"],
                roles=prose.join(top),
                count=count(_respondents(recoded, counts.max(), f"role_{domain} = {top[0]}")),
                n=count(rows_of(recoded, "all respondents")),
            )
        )
    variant = "same" if len(modes) == 1 else "differs"
    return {"modal_sentence": prose.say("roles.modal_sentence", variant, domains="; ".join(parts))}


def _respondents(recoded: pd.DataFrame, n: int, which: str):
    """A count of respondents of the recoded data, traced to its file when it has one."""
    source = recoded.attrs.get("source")
    return traced(n, source, which, "(number of respondents)") if source else n


def nonresponse_variables(test: pd.DataFrame, alpha: float, prose: Prose) -> dict:
    by = test.set_index("test")
    if "fisher_freeman_halton" not in by.index:
        return {"sentence": prose.say("nonresponse.sentence", "no_frame", p_exact="n/a", p_chi2="n/a")}
    exact, chi2 = by.loc["fisher_freeman_halton"], by.drop(index="fisher_freeman_halton").iloc[0]
    variant = "differs" if exact["p_value"] < alpha else "does_not_differ"
    values = {"p_exact": pvalue(exact["p_value"]), "p_chi2": pvalue(chi2["p_value"])}
    return {"sentence": prose.say("nonresponse.sentence", variant, **values)}


# --- models ----------------------------------------------------------------------------------


def odds_ratio(row) -> str:
    return f"{num(row.odds_ratio)} [{interval(row.or_ci_low, row.or_ci_high, 2)}]"


def is_effect(term: str) -> bool:
    return not is_structural_term(term)


def model_references(fit: pd.DataFrame, model: str, prose: Prose) -> dict:
    """The reference levels of ``model`` as its formula in ``fit.csv`` states them ({} if absent)."""
    formulas = fit.set_index("model")["formula"] if len(fit) else pd.Series(dtype=str)
    return prose.references(formulas[model]) if model in formulas.index else {}


def beside_its_model(df: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``df`` (a ``model`` column) with each survey-weighted model's rows right after
    those of the model it weights, the order otherwise kept."""
    models = list(dict.fromkeys(df["model"]))
    weighted = [m for m in models if is_weighted(m) and m.removesuffix(WEIGHTED_SUFFIX) in models]
    order = []
    for model in models:
        if model not in weighted:
            order += [model] + [w for w in weighted if w.removesuffix(WEIGHTED_SUFFIX) == model]
    rank = {model: i for i, model in enumerate(order)}
    return df.iloc[df["model"].map(rank).argsort(kind="stable")]


def weighted_variant(models: pd.Series) -> str:
    """The caption variant of a models table: ``weighted`` when it has a survey-weighted model."""
    return "weighted" if models.map(is_weighted).any() else "unweighted"


def models_table(coefficients: pd.DataFrame, fit: pd.DataFrame, prose: Prose, level: str) -> str:
    logit = coefficients[coefficients["odds_ratio"].notna() & coefficients["term"].map(is_effect)]
    logit = beside_its_model(logit)
    refs = {model: model_references(fit, model, prose) for model in logit["model"].unique()}
    df = pd.DataFrame(
        {
            "Model": [capitalised(prose.model(name)) for name in logit["model"]],
            "Term": [capitalised(prose.coefficient(r, refs[r.model])) for r in logit.itertuples(index=False)],
            f"OR or RRR [{level}% CI]": [odds_ratio(r) for r in logit.itertuples(index=False)],
            "p": logit["p_value"].map(pvalue),
            "Flag": logit["flag"].fillna("") if "flag" in logit else "",
        }
    )
    return pipe_table(df, "models", prose.say("captions.models", weighted_variant(logit["model"])), "llrrl")


def model_fit_table(fit: pd.DataFrame, prose: Prose) -> str:
    fit = beside_its_model(fit)
    df = pd.DataFrame(
        {
            "Model": [capitalised(prose.model(name)) for name in fit["model"]],
            "Family": [capitalised(prose.family(family)) for family in fit["family"]],
            "Reference levels": fit["formula"].map(prose.reference_levels),
            "n": fit["n"].map(lambda v: num(v, 0)),
            "Parameters": fit["n_parameters"].map(lambda v: num(v, 0)),
            "log L": fit["loglik"].map(num),
            "AIC": fit["aic"].map(num),
            "Proportional odds p": fit["po_p"].map(pvalue),
            "Flag": fit["flag"].fillna(""),
        }
    )
    caption = prose.say("captions.model_fit", weighted_variant(fit["model"]))
    return pipe_table(df, "model-fit", caption, "lllrrrrrl")


def model_variables(coefficients: pd.DataFrame, fit: pd.DataFrame, primary: str, prose: Prose) -> dict:
    """Sentences on the primary model: its effects, and the checks that qualify them."""
    effects_table = coefficients[(coefficients["model"] == primary) & coefficients["term"].map(is_effect)]
    fits = fit.set_index("model")
    name = prose.model(primary)
    if effects_table.empty or primary not in fits.index:
        return {
            "sentence": prose.say("model.sentence", "failed", model=name),
            "abstract": prose.say("model.abstract", "no_size_effects", model=name, effects=""),
        }
    row = fits.loc[primary]
    refs = prose.references(row["formula"])
    effects = [
        prose.say(
            "model.effect", term=prose.term(r.term, refs), odds_ratio=odds_ratio(r), p=pvalue(r.p_value)
        )
        for r in effects_table.itertuples(index=False)
    ]
    sentence = prose.say(
        "model.sentence",
        "fitted",
        model=name,
        family=prose.family(row["family"]),
        n=count(row["n"]),
        references=prose.reference_levels(row["formula"]),
        effects="; ".join(effects),
        checks=_model_checks(row, prose),
    )
    size = effects_table[effects_table["term"].str.startswith(SIZE_TERM)]
    size_effects = [
        prose.say("model.size_effect", term=prose.term(r.term, refs), odds_ratio=odds_ratio(r))
        for r in size.itertuples(index=False)
    ]
    variant = "size_effects" if size_effects else "no_size_effects"
    return {
        "sentence": sentence,
        "abstract": prose.say("model.abstract", variant, model=name, effects=prose.join(size_effects)),
    }


SIZE_TERM = "size_class["


def _model_checks(row: pd.Series, prose: Prose) -> str:
    """The proportional-odds test and the fit's flags, as far as the model has them."""
    po = pd.notna(row.get("po_p"))
    codes = [code for code in str(row.get("flag") or "").split(";") if code and code != "nan"]
    variant = {(True, True): "po_and_flags", (True, False): "po", (False, True): "flags"}.get(
        (po, bool(codes)), "none"
    )
    flags = prose.join([prose.say("names.flag", code) for code in codes])
    return prose.say("model.checks", variant, po_p=pvalue(row.get("po_p")), flags=flags)


# --- resampling and sensitivity -----------------------------------------------------------


def bootstrap_table(
    intervals: pd.DataFrame,
    coefficients: pd.DataFrame,
    fit: pd.DataFrame,
    primary: str,
    prose: Prose,
    level: str,
) -> str:
    """The primary model's odds ratios with Wald and bootstrap intervals side by side."""
    wald = coefficients[coefficients["model"] == primary].set_index("term")
    refs = model_references(fit, primary, prose)
    rows = []
    for r in intervals.itertuples(index=False):
        w = wald.loc[r.term] if r.term in wald.index else None
        rows.append(
            {
                "Term": capitalised(prose.term(r.term, refs)),
                "OR": num(r.odds_ratio),
                "Wald CI": "n/a" if w is None else interval(w["or_ci_low"], w["or_ci_high"], 2),
                "Bootstrap CI": interval(r.or_ci_low, r.or_ci_high, 2),
                "SE Wald": "n/a" if w is None else num(w["std_error"]),
                "SE bootstrap": num(r.boot_se),
                "Replicates": f"{count(r.n_valid, True)} of {count(r.n_replicates, True)}",
            }
        )
    caption = prose.say("captions.bootstrap", model=prose.model(primary), level=level)
    return pipe_table(pd.DataFrame(rows), "bootstrap", caption, "lrrrrrr")


def bootstrap_variables(
    intervals: pd.DataFrame, settings: dict, primary: str, fit: pd.DataFrame, prose: Prose
) -> dict:
    """Sentences on the bootstrap of the primary model."""
    refs = model_references(fit, primary, prose)
    size = intervals[intervals["term"].str.startswith(SIZE_TERM)]
    ranges = [
        prose.say(
            "bootstrap.interval",
            term=prose.term(r.term, refs),
            interval=interval(r.or_ci_low, r.or_ci_high, 2),
        )
        for r in size.itertuples()
    ]
    failed = (intervals["n_replicates"] - intervals["n_valid"]).max() if len(intervals) else 0
    failures = prose.say("bootstrap.failures", "some" if failed else "none", failed=count(failed, True))
    values = {"replicates": count(settings["replicates"], True), "seed": count(settings["seed"])}
    sentence = prose.say(
        "bootstrap.sentence",
        "intervals" if ranges else "no_intervals",
        model=prose.model(primary),
        intervals=prose.join(ranges),
        failures=failures,
        **values,
    )
    return values | {"sentence": sentence}


def multiverse_table(specs: pd.DataFrame, headline: str, references: dict, prose: Prose, level: str) -> str:
    """One row per specification: its choices, the size odds ratios and the headline test."""
    wide = specs.pivot(index="spec", columns="term", values=["estimate", "ci_low", "ci_high", "p_value"])
    first = specs.drop_duplicates("spec").set_index("spec")
    size_terms = [t for t in dict.fromkeys(specs["term"]) if t.startswith(SIZE_TERM)]
    rows = []
    for spec, row in first.iterrows():
        out = {
            "Size cut points": cite(row.size_breaks, specs.attrs.get("source", ""), spec, "size_breaks")
            if re.search(r"\d", str(row.size_breaks))
            else row.size_breaks,
            "Role rule": str(row.role_rule).replace("_", " "),
            "Weet niet": row.dont_know,
            "Outcome": str(row.neutral).replace("_", " "),
            "Weights": row.weighting,
        }
        for term in size_terms:
            size = term.removeprefix(SIZE_TERM).removesuffix("]")
            out[f"OR {size} [{level}% CI]"] = (
                f"{num(wide.loc[spec, ('estimate', term)])} "
                f"[{interval(wide.loc[spec, ('ci_low', term)], wide.loc[spec, ('ci_high', term)], 2)}]"
            )
        out["Cramér's V"] = num(wide.loc[spec, ("estimate", "cramers_v")])
        out["p"] = pvalue(wide.loc[spec, ("p_value", "cramers_v")])
        rows.append({k: f"**{v}**" for k, v in out.items()} if row.study else out)  # the study's in bold
    caption = prose.say(
        "captions.multiverse",
        crosstab=prose.crosstab(headline),
        reference=references.get("size_class", "n/a"),
    )
    return pipe_table(pd.DataFrame(rows), "multiverse", caption, "lllll" + "r" * (len(rows[0]) - 5))


def multiverse_variables(summary: pd.DataFrame, alpha: float, references: dict, prose: Prose) -> dict:
    """Sentences on the sensitivity analysis from its summary (``results/multiverse/summary.csv``);
    ``references`` are the primary model's reference levels (for the size terms' names)."""
    n_specs = summary["n_specs"].max() if len(summary) else 0
    parts = [
        prose.say(
            "multiverse.size_finding",
            term=prose.term(row.term, references),
            min=num(row.estimate_min),
            max=num(row.estimate_max),
            study=num(row.estimate_study),
            alpha=general(alpha),
            n_significant=count(row.n_significant),
            n_specs=count(row.n_specs),
        )
        for row in summary.itertuples()
        if row.term.startswith(SIZE_TERM)
    ]
    parts += [
        prose.say(
            "multiverse.test_finding",
            crosstab=prose.crosstab(t.finding),
            min=num(t.estimate_min),
            max=num(t.estimate_max),
            study=num(t.estimate_study),
            n_significant=count(t.n_significant),
            n_specs=count(t.n_specs),
        )
        for t in summary[summary["term"] == "cramers_v"].itertuples()
    ]
    sentence = prose.say(
        "multiverse.sentence",
        "specs" if len(summary) else "no_specs",
        n_specs=count(n_specs),
        findings="; ".join(parts),
    )
    return {
        "n_specs": count(n_specs),
        "sentence": sentence,
        "discussion": _robustness(summary, n_specs, references, prose),
    }


def _robustness(summary: pd.DataFrame, n_specs: int, references: dict, prose: Prose) -> str:
    """Whether each finding's verdict (significant or not) is the same in every specification."""
    mixed = summary[(summary["n_significant"] > 0) & (summary["n_significant"] < summary["n_specs"])]
    which = "; ".join(
        prose.say(
            "multiverse.mixed_finding",
            "association" if r.term == "cramers_v" else "odds_ratio",
            crosstab=prose.crosstab(r.finding),
            term=prose.term(r.term, references),
            n_significant=count(r.n_significant),
            n_specs=count(r.n_specs),
        )
        for r in mixed.itertuples()
    )
    variant = "no_specs" if summary.empty else "some_mixed" if len(mixed) else "none_mixed"
    return prose.say("multiverse.discussion", variant, n_specs=count(n_specs), mixed=which)


# --- weighting for non-response --------------------------------------------------------------

N_WEIGHTED_ITEMS = 8  # items in the weighted table: those whose share changes most


@dataclass(frozen=True)
class Weighted:
    """The weighted results beside the unweighted ones they are compared with.

    ``items`` is ``results/descriptives/weighted.csv`` and ``tests``
    ``results/crosstabs/tests_weighted.csv``, both empty (header only) without weights;
    ``unweighted_items`` is ``items.csv`` and ``unweighted_tests`` ``tests.csv``;
    ``coefficients`` and ``fit`` hold the models, the survey-weighted one among them.
    """

    items: pd.DataFrame
    tests: pd.DataFrame
    unweighted_items: pd.DataFrame
    unweighted_tests: pd.DataFrame
    coefficients: pd.DataFrame
    fit: pd.DataFrame

    @property
    def weighted(self) -> bool:
        return not self.items.empty


def weighting_status(weighted: Weighted, has_frame: bool) -> str:
    """``weighted``; else why not: ``no_frame`` or ``not_configured`` (config weighting: null)."""
    if weighted.weighted:
        return "weighted"
    return "not_configured" if has_frame else "no_frame"


def item_changes(weighted: Weighted) -> pd.DataFrame:
    """Items with a weighted share, the largest absolute change first (codebook order in ties):
    ``item``, both shares (percent), ``change`` (points), and both intervals (proportions)."""
    unweighted = weighted.unweighted_items[["item", "ci_low", "ci_high"]]
    df = weighted.items.dropna(subset=["pct_positive_valid", "pct_positive_valid_weighted"])
    df = df.merge(unweighted, on="item", how="left", suffixes=("", "_unweighted"))
    df = df.assign(change=df["pct_positive_valid_weighted"] - df["pct_positive_valid"])
    df.attrs = dict(weighted.items.attrs)  # the rows are those of weighted.csv
    return df.iloc[(-df["change"].abs()).argsort(kind="stable")].reset_index(drop=True)


def size_effects(coefficients: pd.DataFrame, model: str) -> pd.DataFrame:
    """The size terms of ``model`` (odds ratios with their intervals), indexed by term."""
    rows = coefficients[(coefficients["model"] == model) & coefficients["term"].str.startswith(SIZE_TERM)]
    return rows.set_index("term")


def crosstab_flips(weighted: Weighted, alpha: float) -> pd.DataFrame:
    """Cross-tabs whose verdict at ``alpha`` differs between the unweighted exact test and the
    weighted Rao-Scott F test without the finite-population correction (both p known)."""
    both = weighted.unweighted_tests[["crosstab", "p_exact"]].merge(
        weighted.tests[["crosstab", "p_F_no_fpc"]], on="crosstab"
    )
    both = both.dropna(subset=["p_exact", "p_F_no_fpc"])
    return both[(both["p_exact"] < alpha) != (both["p_F_no_fpc"] < alpha)]


def weighted_table(weighted: Weighted, headline: str, primary: str, prose: Prose) -> str:
    """The items whose share changes most, the headline test and the primary model's size odds
    ratios, unweighted beside weighted; "" without weights (the manuscript includes nothing)."""
    if not weighted.weighted:
        return ""
    changes = item_changes(weighted)
    shown = changes.head(N_WEIGHTED_ITEMS)
    rows = [
        (
            capitalised(prose.variable(f"{r.item}_cat")),
            share_with_interval(r.pct_positive_valid, r.ci_low_unweighted, r.ci_high_unweighted),
            share_with_interval(r.pct_positive_valid_weighted, r.ci_low, r.ci_high),
        )
        for r in shown.itertuples(index=False)
    ]
    rows += _test_rows(weighted, headline, prose) + _odds_ratio_rows(weighted, primary, prose)
    level = weighted.items["ci_level"].iloc[0]
    caption = prose.say(
        "captions.weighted",
        n_shown=count(rows_of(shown, f"the {N_WEIGHTED_ITEMS} largest changes")),
        level=general(100 * level),
        method=str(weighted.unweighted_items["ci_method"].iloc[0]),
        interval=prose.say("weighting.interval", str(weighted.items["ci_method"].iloc[0])),
        crosstab=prose.crosstab(headline),
        model=prose.model(primary + WEIGHTED_SUFFIX),
    )
    df = pd.DataFrame(rows, columns=["Estimate", "Unweighted", "Weighted"])
    return pipe_table(df, "weighted", caption, "lrr")


def share_with_interval(share: float, low: float, high: float) -> str:
    """ "46.5% [40.1–52.9]": a share in percent with its interval (given as proportions)."""
    return f"{pct(share)} [{interval(100 * low, 100 * high)}]"


def _test_rows(weighted: Weighted, headline: str, prose: Prose) -> list[tuple]:
    exact = weighted.unweighted_tests.set_index("crosstab")
    rao_scott = weighted.tests.set_index("crosstab")
    if headline not in exact.index or headline not in rao_scott.index:
        return []
    row = rao_scott.loc[headline]
    return [
        (
            capitalised(prose.say("weighting.row_test", crosstab=prose.crosstab(headline))),
            prose.say("weighting.p_exact", p=pvalue(exact.loc[headline, "p_exact"])),
            prose.say("weighting.p_rao_scott", p=pvalue(row["p_F_no_fpc"]), f=num(row["F_no_fpc"])),
        )
    ]


def _odds_ratio_rows(weighted: Weighted, primary: str, prose: Prose) -> list[tuple]:
    unweighted = size_effects(weighted.coefficients, primary)
    survey = size_effects(weighted.coefficients, primary + WEIGHTED_SUFFIX)
    refs = model_references(weighted.fit, primary, prose)
    return [
        (
            prose.say("weighting.row_odds_ratio", term=prose.term(term, refs)),
            f"{odds_ratio(unweighted.loc[term])}, {p_is(unweighted.loc[term, 'p_value'])}",
            f"{odds_ratio(survey.loc[term])}, {p_is(survey.loc[term, 'p_value'])}",
        )
        for term in unweighted.index
        if term in survey.index
    ]


def weighting_variables(
    weighted: Weighted,
    flow: pd.DataFrame,
    settings: dict | None,
    study: dict,
    prose: Prose,
) -> dict:
    """The weighting in the method, the results and the discussion, and the odds-ratio figure's
    note; without weights the method says why and the rest is empty.

    ``settings`` is the config's ``weighting`` section (None: no weighting); ``study`` holds
    ``headline_crosstab``, ``primary_model`` and ``alpha`` (config ``paper``).
    """
    overall = flow[flow["item"].isna() | (flow["item"] == "")].set_index("step")["n"]
    has_frame = "frame" in overall.index
    status = weighting_status(weighted, has_frame)
    primary = study["primary_model"]
    if status != "weighted":
        empty = {key: prose.say(f"weighting.{key}", "no_weights") for key in ("results", "discussion")}
        return {
            "method": prose.say("weighting.method", status),
            **empty,
            "figure_note": prose.say("weighting.figure_note", "no_weights"),
        }
    n_respondents, n_frame = overall["export"], overall["frame"]
    method = prose.say(
        "weighting.method",
        "weighted",
        n_respondents=count(n_respondents),
        n_frame=count(n_frame),
        response_rate=pct(100 * n_respondents / n_frame),
        design=_design_text(settings or {}, prose),
        interval=prose.say("weighting.interval", str(weighted.items["ci_method"].iloc[0])),
        primary=prose.model(primary),
    )
    fitted = not size_effects(weighted.coefficients, primary + WEIGHTED_SUFFIX).empty
    return {
        "method": method,
        "results": _weighted_results(weighted, study, prose),
        "discussion": _weighted_discussion(weighted, study, prose),
        "figure_note": prose.say("weighting.figure_note", "weighted" if fitted else "no_weights"),
    }


def _design_text(settings: dict, prose: Prose) -> str:
    """How the weights are made: post-stratified on the cells of the frame variables crossed, or
    raked to each variable's margin."""
    method = settings.get("method", "poststratify")
    names = settings.get("poststrata", "size_class")
    names = [names] if isinstance(names, str) else list(names)
    crossed = method == "poststratify" and len(names) > 1
    variables = prose.say(
        "weighting.variables",
        "crossed" if crossed else "one",
        variables=prose.join([prose.variable(name) for name in names]),
    )
    return prose.say("weighting.design", method, variables=variables)


def _weighted_results(weighted: Weighted, study: dict, prose: Prose) -> str:
    changes = item_changes(weighted)
    top = changes.iloc[0]
    headline, primary = study["headline_crosstab"], study["primary_model"]
    return prose.say(
        "weighting.results",
        "weighted",
        max_diff=num(abs(top["change"]), 1),
        statement=prose.variable(f"{top['item']}_cat"),
        unweighted=pct(top["pct_positive_valid"]),
        weighted=pct(top["pct_positive_valid_weighted"]),
        n_shown=count(rows_of(changes.head(N_WEIGHTED_ITEMS), f"the {N_WEIGHTED_ITEMS} largest changes")),
        n_items=count(rows_of(changes, "items with a weighted share")),
        test=_weighted_test_text(weighted, headline, prose),
        model=_weighted_model_text(weighted, primary, prose),
    )


def _weighted_test_text(weighted: Weighted, headline: str, prose: Prose) -> str:
    exact = weighted.unweighted_tests.set_index("crosstab")
    rao_scott = weighted.tests.set_index("crosstab")
    if headline not in exact.index or headline not in rao_scott.index:
        return prose.say("weighting.test", "missing", crosstab="", p_weighted="", p_exact="")
    return prose.say(
        "weighting.test",
        "computed",
        crosstab=prose.crosstab(headline),
        p_weighted=p_is(rao_scott.loc[headline, "p_F_no_fpc"]),
        p_exact=p_is(exact.loc[headline, "p_exact"]),
    )


def _weighted_model_text(weighted: Weighted, primary: str, prose: Prose) -> str:
    name = primary + WEIGHTED_SUFFIX
    refs = model_references(weighted.fit, primary, prose)
    survey, unweighted = (
        size_effects(weighted.coefficients, name),
        size_effects(weighted.coefficients, primary),
    )
    effects = [
        prose.say(
            "weighting.size_effect",
            term=prose.term(term, refs),
            weighted=odds_ratio(row),
            unweighted=odds_ratio(unweighted.loc[term]) if term in unweighted.index else "n/a",
        )
        for term, row in survey.iterrows()
    ]
    fitted = (weighted.coefficients["model"] == name).any()
    variant = "size_effects" if effects else "no_size_effects" if fitted else "not_fitted"
    return prose.say("weighting.model", variant, model=prose.model(name), effects=prose.join(effects))


def _weighted_discussion(weighted: Weighted, study: dict, prose: Prose) -> str:
    """Whether weighting changes a verdict: a cross-tab's significance, or the direction or
    significance of a size effect of the primary model; with the largest change of a share."""
    alpha = study["alpha"]
    flips = crosstab_flips(weighted, alpha)
    crosstabs = prose.say(
        "weighting.crosstabs",
        "flipped" if len(flips) else "same",
        alpha=general(alpha),
        crosstabs=prose.join(
            [
                prose.say(
                    "weighting.flip",
                    crosstab=prose.crosstab(r.crosstab),
                    p_exact=p_is(r.p_exact),
                    p_weighted=p_is(r.p_F_no_fpc),
                )
                for r in flips.itertuples(index=False)
            ]
        ),
    )
    model, changed_model = _model_change(weighted, study, prose)
    items = prose.say("weighting.items", max_diff=num(item_changes(weighted)["change"].abs().max(), 1))
    findings = "; ".join(part for part in (crosstabs, model, items) if part)
    variant = "changed" if len(flips) or changed_model else "unchanged"
    return prose.say("weighting.discussion", variant, findings=findings)


def _model_change(weighted: Weighted, study: dict, prose: Prose) -> tuple[str, bool]:
    """The primary model's size effects weighted against unweighted, and whether any changed."""
    primary, alpha = study["primary_model"], study["alpha"]
    name = primary + WEIGHTED_SUFFIX
    refs = model_references(weighted.fit, primary, prose)
    survey, unweighted = (
        size_effects(weighted.coefficients, name),
        size_effects(weighted.coefficients, primary),
    )
    values = {"model": prose.model(name), "changes": ""}
    if not (weighted.coefficients["model"] == name).any():
        return prose.say("weighting.model_change", "not_fitted", **values), False
    common = unweighted.index.intersection(survey.index)
    if common.empty:
        return prose.say("weighting.model_change", "no_size_effects", **values), False
    changes = []
    for term in common:
        before, after = unweighted.loc[term], survey.loc[term]
        if np.sign(before["estimate"]) * np.sign(after["estimate"]) < 0:
            variant = "direction"
        elif (before["p_value"] < alpha) != (after["p_value"] < alpha):
            variant = "significant" if after["p_value"] < alpha else "not_significant"
        else:
            continue
        changes.append(
            prose.say(
                "weighting.size_change",
                variant,
                term=prose.term(term, refs),
                alpha=general(alpha),
                unweighted=num(before["odds_ratio"]),
                weighted=num(after["odds_ratio"]),
                p_unweighted=p_is(before["p_value"]),
                p_weighted=p_is(after["p_value"]),
            )
        )
    variant = "changed" if changes else "same"
    return prose.say("weighting.model_change", variant, **values | {"changes": prose.join(changes)}), bool(
        changes
    )
