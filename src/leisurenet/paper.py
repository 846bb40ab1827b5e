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

import pandas as pd

from .clean import REASONS
from .codebook import Codebook
from .describe import GUIDING_KIND, INVOLVEMENT_KINDS
from .labels import coefficient_label, is_structural_term, term_label
from .manifest import sha256

PACKAGES = ["snakemake", "pandas", "numpy", "scipy", "statsmodels", "pingouin", "matplotlib", "seaborn",
            "pyreadstat", "pyarrow", "pypandoc_binary", "typst"]  # fmt: skip


# --- formatting ------------------------------------------------------------------------


def pct(value: float, decimals: int = 1) -> str:
    return "n/a" if value is None or pd.isna(value) else f"{value:.{decimals}f}%"


def num(value: float, decimals: int = 2) -> str:
    return "n/a" if value is None or pd.isna(value) else f"{value:.{decimals}f}"


def pvalue(p: float) -> str:
    """p with three decimals, '< 0.001' below that."""
    if p is None or pd.isna(p):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def interval(low: float, high: float, decimals: int = 1, percent: bool = False) -> str:
    unit = "%" if percent else ""
    if pd.isna(low) or pd.isna(high):
        return "n/a"
    return f"{low:.{decimals}f}–{high:.{decimals}f}{unit}"


def escape(text: str) -> str:
    """Text safe inside a pipe-table cell; identifiers may break after an underscore."""
    return str(text).replace("|", "\\|").replace("\n", " ").replace("_", "_\u200b")


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
        min(30, max(8, *(len(word) for word in header[i].split()), *(len(row[i]) for row in body)))
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
    rows = [("Python", platform.python_version())]
    rows += [(name, importlib.metadata.version(name)) for name in PACKAGES]
    return pd.DataFrame(rows, columns=["Package", "Version"])


def data_variables(
    flow: pd.DataFrame,
    cleaning_log: pd.DataFrame,
    items: pd.DataFrame,
    raw_path,
    synthetic: bool,
    config: dict,
) -> dict:
    """The sample, the methods as configured, the data file, and the notices that say whether
    the data are synthetic."""
    overall = flow[flow["item"].isna() | (flow["item"] == "")].set_index("step")["n"]
    n_resp = int(overall["export"])
    n_frame = int(overall["frame"]) if "frame" in overall else None
    breaks, labels = config["size_class"]["breaks"], config["size_class"]["labels"]
    classes = [f"{labels[0]}: fewer than {breaks[0]:,} inhabitants"]
    classes += [f"{labels[i]}: {breaks[i - 1]:,} to {breaks[i] - 1:,}" for i in range(1, len(breaks))]
    classes.append(f"{labels[-1]}: {breaks[-1]:,} or more")
    out = {
        "synthetic": synthetic,
        "n_frame": str(n_frame) if n_frame else "an unknown number of",
        "n_respondents": str(n_resp),
        "n_analysed": str(int(overall["analysed"])),
        "response_rate": pct(100 * n_resp / n_frame) if n_frame else "unknown (no frame)",
        "n_changes": str(int(cleaning_log["rule"].isin(list(REASONS)).sum())),
        "size_classes": "; ".join(classes),
        "file": str(raw_path).split("/")[-1],
        "checksum": sha256(raw_path),
        "role_rule": role_rule_text(config["governance_role"]),
        "ci_method": ci_method_text(items),
    }  # fmt: skip
    if n_frame:
        out["population_sentence"] = f"By 2016 there were {n_frame} such networks."
        out["sample_sentence"] = (
            f"All {n_frame} network coordinators were invited; {n_resp} answered "
            f"(response rate {out['response_rate']})."
        )
        out["abstract_sample"] = f"{n_resp} of the {n_frame} network coordinators"
    else:
        out["population_sentence"] = ""
        out["sample_sentence"] = f"{n_resp} network coordinators answered; the population frame is not known."
        out["abstract_sample"] = f"{n_resp} network coordinators"
    if synthetic:
        out["notice"] = (
            "**Synthetic data.** Every number, table and figure in this document comes from a synthetic "
            "replica of the survey, generated to reproduce the study's published figures and its stated "
            "findings. It is not the study's data and is no evidence about the real networks."
        )
        out["notice_short"] = (
            "[Synthetic data: every result here comes from a generated replica, not the survey.]"
        )
        out["source_line"] = (
            "Source: synthetic replica of the 2016 coordinator survey (not the study's data)."
        )
        out["method_note"] = (
            "**The data analysed here are synthetic.** The survey's microdata are not public. The pipeline "
            "generates a replica with the same items, codes and sample size whose answer counts reproduce "
            "every published figure, and whose associations follow the study's stated findings through "
            "documented assumptions (the facilitator role more common in large municipalities and the "
            "commissioner role in small ones, involvement of people in poverty rated above its guiding "
            "role, participation weakest in small municipalities). Tests of those associations therefore "
            "test the assumptions, not the networks."
        )
        out["discussion_note"] = (
            "Above all, the data here are a synthetic replica: where a finding in this paper agrees with "
            "the study's conclusions, it does so because the replica was built to agree with them."
        )
    else:
        out.update(notice="", notice_short="", method_note="", discussion_note="")
        out["source_line"] = f"Source: coordinator survey ({out['file']})."
    return out


def role_rule_text(settings: dict) -> str:
    """The configured governance-role rule, in words."""
    text = "the role whose statement received the highest agreement; a tie for the highest is *mixed*"
    if settings["rule"] == "highest_agreed":
        text += f", and *none* when no statement reaches code {settings['agreed_min_code']}"
    if settings["min_statements"] > 1:
        text += f"; at least {settings['min_statements']} of the three statements must be answered"
    return text


def ci_method_text(items: pd.DataFrame) -> str:
    """How the intervals for shares of networks were computed, as the descriptives say."""
    if (items["ci_method"] == "hypergeometric").all():
        return (
            "Because the respondents are a large part of a known, finite population of networks, "
            "confidence intervals for a share of networks use the hypergeometric distribution of the "
            "finite population [@wright1992]"
        )
    return (
        "Without a population frame, confidence intervals for a share use the exact binomial "
        "(Clopper–Pearson) interval"
    )


def sample_flow_table(flow: pd.DataFrame) -> str:
    overall = flow[flow["item"].isna() | (flow["item"] == "")]
    table = overall[["step", "n", "note"]].rename(columns={"step": "Step", "n": "n", "note": "Note"})
    valid = flow[flow["step"] == "valid"]["n"]
    extra = pd.DataFrame(
        [["valid answers per item", f"{int(valid.min())}–{int(valid.max())}", "range over the items"]],
        columns=table.columns,
    )
    return pipe_table(
        pd.concat([table, extra]),
        "sample-flow",
        "Sample flow from the population frame to the valid answers.",
        "lrl",
    )


def codebook_table(codebook: Codebook) -> str:
    rows = [(item, spec["scale"], spec["nl"], spec["en"]) for item, spec in codebook.items.items()]
    df = pd.DataFrame(rows, columns=["Item", "Scale", "Dutch (reconstructed)", "English"])
    return pipe_table(df, "codebook", "The items of the questionnaire, with their IDs and scales.", "llll")


# --- the study's own tables, published beside reproduced -------------------------------


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
                row += [f"{fig['published']:.{d}f}", f"{fig['reproduced_as_published']:.{d}f}"]
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


def audit_table(audit: pd.DataFrame) -> str:
    df = pd.DataFrame(
        {
            "Figure": audit["figure_id"],
            "Published": [
                f"{v:.{int(d)}f}" for v, d in zip(audit["published"], audit["decimals"], strict=True)
            ],
            "Exact": audit["reproduced_exact"].map(lambda v: num(v, 2)),
            "As published": [
                num(v, int(d))
                for v, d in zip(audit["reproduced_as_published"], audit["decimals"], strict=True)
            ],
            "Granularity": audit["granularity"].str.replace("_", " "),
            "Status": audit["status"].str.replace("_", " "),
        }
    )
    caption = (
        "Every published figure: as printed, recomputed exactly, and computed as the study did "
        "(percent of all respondents)."
    )
    return pipe_table(df, "audit", caption, "lrrrll")


def audit_variables(audit: pd.DataFrame, codebook: Codebook) -> dict:
    if audit.empty:
        text = "There are no published figures to audit for these data."
        return {"abstract": "", "discussion": text, "appendix": text, "n_base": "the"}
    n = len(audit)
    exact = int((audit["status"] == "reproduced").sum())
    summed = audit[audit["granularity"] == "summed_rounding"]
    pairs = audit[audit["conflicts_with"].fillna("") != ""]
    pair_text = ""
    if not pairs.empty:
        first = pairs.iloc[0]
        other = audit.set_index("figure_id").loc[first["conflicts_with"].split()[0]]
        statement = codebook.items[first["items"].split()[0]]["en"]
        pair_text = (
            f" Two figures on the statement '{statement}', {first['published']:g}% and "
            f"{other['published']:g}% on its two sides, cannot both hold: together they need more than "
            f"the {int(first['n_base'])} respondents."
        )
    reproduced = int(audit["status"].isin(["reproduced", "reproduced_as_published"]).sum())
    base = int(audit["n_base"].iloc[0])
    as_published = int((audit["status"] == "reproduced_as_published").sum())
    return {
        "n_base": str(base),
        "abstract": f"Of the {n} published figures, {reproduced} are reproduced as printed; "
        f"{len(summed)} can only have arisen by summing category percentages that were rounded first."
        + pair_text,
        "discussion": f"{len(summed)} of the {n} published figures cannot be a percentage of {base} "
        "respondents: they are sums of category percentages that were rounded first, which moves them "
        "off the exact percentage." + pair_text + " A reproduction should report the exact percentage "
        "beside the printed one.",
        "appendix": f"{exact} figures are reproduced exactly, {as_published} only by the study's summed "
        f"rounding, and {n - reproduced} not at all; {len(summed)} printed values cannot be a share of "
        f"{base} respondents at all (granularity 'summed rounding')." + pair_text,
    }


# --- cross-tabs ------------------------------------------------------------------------------


def crosstab_table(cells: pd.DataFrame, name: str) -> str:
    """Counts with the column percentage (the share of each row level within a column level)."""
    part = cells[cells["crosstab"] == name]
    rows = list(dict.fromkeys(part["row_level"]))
    cols = list(dict.fromkeys(part["col_level"]))
    lookup = part.set_index(["row_level", "col_level"])
    body = [
        [row]
        + [
            f"{int(lookup.loc[(row, col), 'n'])} ({pct(lookup.loc[(row, col), 'pct_col'], 0)})"
            for col in cols
        ]
        for row in rows
    ]
    totals = part.groupby("col_level", sort=False)["n"].sum()
    body.append(["total"] + [str(int(totals[col])) for col in cols])
    df = pd.DataFrame(body, columns=[part["row_var"].iloc[0], *cols])
    caption = f"{part['row_var'].iloc[0]} by {part['col_var'].iloc[0]}: respondents (percent of the column)."
    return pipe_table(df, "crosstab-role", caption)


def crosstab_tests_table(tests: pd.DataFrame) -> str:
    df = pd.DataFrame(
        {
            "Cross-tab": tests["crosstab"],
            "n": tests["n"].astype(int),
            "χ² (df)": [f"{num(c, 2)} ({int(d)})" for c, d in zip(tests["chi2"], tests["df"], strict=True)],
            "p exact": tests["p_exact"].map(pvalue),
            "p Holm": tests["p_holm"].map(pvalue),
            "V": tests["cramers_v"].map(num),
            "V corrected": tests["cramers_v_corrected"].map(num),
            "min. expected": tests["min_expected"].map(num),
        }
    )
    caption = (
        "Tests of every cross-tab: Pearson's χ² without continuity correction, the Fisher–Freeman–Halton "
        "exact p, Holm-adjusted within its family, Cramér's V and Bergsma's bias-corrected V."
    )
    return pipe_table(df, "crosstab-tests", caption)


def crosstab_variables(tests: pd.DataFrame, headline: str, alpha: float) -> dict:
    """Sentences on the headline cross-tab (its exact p, unadjusted: one pre-specified test) and
    on every family (Holm-adjusted p, as the tests table gives them)."""
    by_name = tests.set_index("crosstab")
    if headline not in by_name.index:
        missing = f"The cross-tab {headline} was not computed."
        return {"sentence": missing, "discussion": missing, "abstract": "", "expected_sentence": ""}
    head = by_name.loc[headline]
    verdict = "evidence of" if head["p_exact"] < alpha else "no evidence of"
    estimated = (
        f" (a Monte Carlo estimate, standard error {num(head['p_exact_mc_se'], 4)})"
        if str(head["exact_method"]).startswith("Monte Carlo")
        else ""
    )
    sentence = (
        f"For {head['row_var']} by {head['col_var']}, the exact test gives "
        f"p = {pvalue(head['p_exact'])}{estimated} "
        f"(Cramér's V = {num(head['cramers_v'])}, bias-corrected {num(head['cramers_v_corrected'])}): "
        f"{verdict} an association at the {alpha:g} level."
    )
    significant = tests[tests["p_holm"] < alpha]["crosstab"].tolist()
    listed = ", ".join(significant) if significant else "none"
    discussion = (
        f"Of the {len(tests)} cross-tabs, {len(significant)} reach p < {alpha:g} after Holm's adjustment "
        f"within their family ({listed}); for {headline} the exact p is {pvalue(head['p_exact'])}."
    )
    return {
        "sentence": sentence,
        "method": exact_method_text(tests),
        "discussion": discussion,
        "abstract": f"For {head['row_var']} by {head['col_var']}, the exact p is {pvalue(head['p_exact'])}.",
        "expected_sentence": f"{pct(100 * head['share_expected_below_5'], 0)} of the expected counts of "
        f"{headline} are below 5 (the smallest is {num(head['min_expected'])}), which limits what any test "
        "of it can detect.",
    }


def exact_method_text(tests: pd.DataFrame) -> str:
    """How the exact p-values were obtained: by enumeration, or estimated where that is infeasible."""
    methods = tests["exact_method"].astype(str)
    monte_carlo = tests[methods.str.startswith("Monte Carlo")]
    if monte_carlo.empty:
        return "Every exact p-value is computed by enumerating all tables with the observed margins."
    draws = int(monte_carlo["n_draws"].iloc[0])
    return (
        f"Where enumerating every table with the observed margins is infeasible ({len(monte_carlo)} of "
        f"{len(tests)} cross-tabs), the exact p-value is estimated from {draws:,} random tables with those "
        "margins [@patefield1981]."
    )


# --- descriptives ----------------------------------------------------------------------------


def item_variables(items: pd.DataFrame) -> dict:
    """Per item: agreement and disagreement (of all respondents, as published) and the 95% CI."""
    out = {}
    for row in items.itertuples(index=False):
        out[row.item] = {
            "agree": pct(row.pct_positive),
            "disagree": pct(row.pct_negative),
            "agree_valid": pct(row.pct_positive_valid),
            "ci": f"{pct(row.pct_positive_valid)} of the valid answers; 95% CI for all networks "
            + interval(100 * row.ci_low, 100 * row.ci_high, 1, percent=True),
            "n_valid": str(int(row.n_valid)),
        }
    return out


def construct_variables(items: pd.DataFrame, codebook: Codebook) -> dict:
    """Per construct, its items with the highest and the lowest positive share (of respondents)."""
    out = {}
    by_item = items.set_index("item")
    for construct in codebook.spec["constructs"]:
        ids = [i for i in codebook.items_where(construct=construct) if i in by_item.index]
        if not ids:
            continue
        shares = by_item.loc[ids, "pct_positive"]
        high, low = shares.idxmax(), shares.idxmin()
        out[construct] = {
            "highest": f"{codebook.items[high]['en'].rstrip('.').lower()} ({pct(shares[high])})",
            "lowest": f"{codebook.items[low]['en'].rstrip('.').lower()} ({pct(shares[low])})",
        }
    return out


def items_table(items: pd.DataFrame, codebook: Codebook) -> str:
    df = pd.DataFrame(
        {
            "Item": items["item"],
            "n valid": items["n_valid"].astype(int),
            "% positive (all)": items["pct_positive"].map(lambda v: num(v, 1)),
            "% positive (valid)": items["pct_positive_valid"].map(lambda v: num(v, 1)),
            "95% CI (finite population)": [
                interval(100 * lo, 100 * hi) for lo, hi in zip(items["ci_low"], items["ci_high"], strict=True)
            ],
            "95% CI (Wilson)": [
                interval(100 * lo, 100 * hi)
                for lo, hi in zip(items["wilson_low"], items["wilson_high"], strict=True)
            ],
            "Bounds": [
                interval(100 * lo, 100 * hi)
                for lo, hi in zip(items["bound_low"], items["bound_high"], strict=True)
            ],
        }
    )
    method = items["ci_method"].iloc[0] if len(items) else ""
    caption = (
        "Every item: the share of positive answers (agree, strong effort, useful) of all respondents and of "
        f"the valid answers, with the 95% interval for the share of all networks ({method}), the "
        "infinite-population Wilson interval, and the worst-case bounds over the non-respondents."
    )
    return pipe_table(df, "items", caption)


def scales_table(scales: pd.DataFrame, codebook: Codebook) -> str:
    df = pd.DataFrame(
        {
            "Scale": [codebook.multi_item_scales[s]["en"] for s in scales["scale"]],
            "Items": scales["n_items"].astype(int),
            "n used": scales["n_used"].astype(int),
            "Cronbach's α [95% CI]": [
                f"{num(a)} [{interval(lo, hi, 2)}]"
                for a, lo, hi in zip(
                    scales["alpha"], scales["alpha_ci_low"], scales["alpha_ci_high"], strict=True
                )
            ],
            "McDonald's ω": scales["omega_total"].map(num),
        }
    )
    caption = (
        "Internal consistency of the multi-item scales (respondents who answered every item of a scale; "
        "the interval of α after Feldt, ω total from a one-factor model)."
    )
    return pipe_table(df, "scales", caption)


def paired_table(paired: pd.DataFrame) -> str:
    df = pd.DataFrame(
        {
            "Domain": paired["domain"],
            "Involvement item": paired["involvement_item"],
            "n pairs": paired["n_pairs"].astype(int),
            "higher / equal / lower": [
                f"{int(h)} / {int(e)} / {int(lo)}"
                for h, e, lo in zip(paired["n_higher"], paired["n_equal"], paired["n_lower"], strict=True)
            ],
            "V": paired["v_statistic"].map(lambda v: num(v, 0)),
            "p": paired["p_value"].map(pvalue),
            "rank-biserial r": paired["rank_biserial"].map(num),
        }
    )
    caption = (
        "Involvement of people in poverty (from the start; expertise) against the guiding role of their "
        "input, per domain: pairs rating involvement higher, equal or lower, the Wilcoxon signed-rank test "
        "and the matched-pairs rank-biserial correlation (positive: involvement rated higher)."
    )
    return pipe_table(df, "paired", caption, "llrrrrr")


def paired_variables(paired: pd.DataFrame, alpha: float) -> dict:
    higher = paired[(paired["rank_biserial"] > 0) & (paired["p_value"] < alpha)]
    r = paired["rank_biserial"]
    return {
        "sentence": f"in {len(higher)} of the {len(paired)} comparisons involvement is rated higher than "
        f"guiding input with p < {alpha:g} (unadjusted), and the rank-biserial correlations range from "
        f"{num(r.min())} to {num(r.max())}."
    }


def representation_variables(items: pd.DataFrame, codebook: Codebook) -> dict:
    """The smallest agreement over the domains, as the study's "at least ...%" figures state it."""
    positive = items.set_index("item")["pct_positive"]
    rep = codebook.items_where(construct="representation")
    out = {}
    for kind in (*INVOLVEMENT_KINDS, GUIDING_KIND):
        shares = [positive[i] for i in rep if i.endswith(f"_{kind}") and i in positive.index]
        out[f"min_{kind}"] = pct(min(shares)) if shares else "n/a"
    return out


def role_variables(recoded: pd.DataFrame, codebook: Codebook) -> dict:
    """The most frequent governance role per domain; ties between roles are said as ties."""
    parts, modes = [], set()
    for domain, names in codebook.spec["domains"].items():
        counts = recoded[f"role_{domain}"].value_counts()
        top = " and ".join(counts[counts == counts.max()].index.astype(str))
        modes.add(top)
        parts.append(f"{names['en']} {top} ({int(counts.max())} of {len(recoded)})")
    same = "the same in every domain" if len(modes) == 1 else "not the same in every domain"
    return {"modal_sentence": f"{same}: {'; '.join(parts)}"}


def nonresponse_variables(test: pd.DataFrame, alpha: float) -> dict:
    by = test.set_index("test")
    if "fisher_freeman_halton" not in by.index:
        return {"sentence": "without a population frame, non-response cannot be compared."}
    exact, chi2 = by.loc["fisher_freeman_halton"], by.drop(index="fisher_freeman_halton").iloc[0]
    verdict = "differs" if exact["p_value"] < alpha else "does not differ detectably"
    return {
        "sentence": f"the respondents' distribution over the size classes {verdict} from the "
        f"non-respondents' (exact test p = {pvalue(exact['p_value'])}; "
        f"χ² test p = {pvalue(chi2['p_value'])})."
    }


# --- models ----------------------------------------------------------------------------------


def odds_ratio(row) -> str:
    return f"{num(row.odds_ratio)} [{interval(row.or_ci_low, row.or_ci_high, 2)}]"


def is_effect(term: str) -> bool:
    return not is_structural_term(term)


def models_table(coefficients: pd.DataFrame, codebook: Codebook) -> str:
    logit = coefficients[coefficients["odds_ratio"].notna() & coefficients["term"].map(is_effect)]
    df = pd.DataFrame(
        {
            "Model": logit["model"],
            "Term": [coefficient_label(r, codebook) for r in logit.itertuples(index=False)],
            "OR or RRR [95% CI]": [odds_ratio(r) for r in logit.itertuples(index=False)],
            "p": logit["p_value"].map(pvalue),
            "Flag": logit["flag"].fillna("") if "flag" in logit else "",
        }
    )
    caption = (
        "Exponentiated coefficients of the logistic models: for the ordinal and binary models the odds ratio "
        "of a higher answer, for the multinomial model the relative risk ratio of an outcome against the "
        "reference outcome; the reference levels are in @tbl-model-fit."
    )
    return pipe_table(df, "models", caption, "llrrl")


def model_fit_table(fit: pd.DataFrame) -> str:
    df = pd.DataFrame(
        {
            "Model": fit["model"],
            "Family": fit["family"],
            "Reference levels": fit["formula"].map(reference_levels),
            "n": fit["n"].map(lambda v: num(v, 0)),
            "Parameters": fit["n_parameters"].map(lambda v: num(v, 0)),
            "log L": fit["loglik"].map(num),
            "AIC": fit["aic"].map(num),
            "Proportional odds p": fit["po_p"].map(pvalue),
            "Flag": fit["flag"].fillna(""),
        }
    )
    caption = "Fit of the models, with the test of the proportional-odds assumption for the ordinal models."
    return pipe_table(df, "model-fit", caption, "lllrrrrrl")


def reference_levels(formula: str) -> str:
    """The reference levels a model's formula states, e.g. 'size_class=small, role_act=coproducer'."""
    found = re.search(r"\(reference: (.*)\)", str(formula))
    return found.group(1) if found else ""


def model_variables(coefficients: pd.DataFrame, fit: pd.DataFrame, codebook: Codebook, primary: str) -> dict:
    """Sentences on the primary model: its effects, and the checks that qualify them."""
    effects_table = coefficients[(coefficients["model"] == primary) & coefficients["term"].map(is_effect)]
    fits = fit.set_index("model")
    if effects_table.empty or primary not in fits.index:
        failed = f"The model {primary} could not be fitted (see its flags in the fit table)."
        return {"sentence": failed, "abstract": ""}
    row = fits.loc[primary]
    effects = [
        f"{term_label(r.term, codebook)}: OR {odds_ratio(r)}, p = {pvalue(r.p_value)}"
        for r in effects_table.itertuples(index=False)
    ]
    checks = []
    if pd.notna(row.get("po_p")):
        checks.append(f"the test of the proportional-odds assumption gives p = {pvalue(row['po_p'])}")
    if isinstance(row.get("flag"), str) and row["flag"]:
        checks.append(f"the fit is flagged ({row['flag'].replace(';', ', ')})")
    caveat = f" As for the model itself, {' and '.join(checks)}." if checks else ""
    reference = reference_levels(row["formula"])
    references = f"; reference levels {reference}" if reference else ""
    size = effects_table[effects_table["term"].str.startswith("size_class[")]
    size_text = "; ".join(
        f"{term_label(r.term, codebook)} {odds_ratio(r)}" for r in size.itertuples(index=False)
    )
    return {
        "sentence": f"In {primary} ({row['family'].replace('_', ' ')}, n = {int(row['n'])}{references}), "
        + "; ".join(effects)
        + "."
        + caveat,
        "abstract": f"In {primary}, the odds ratios by municipality size class are {size_text}."
        if size_text
        else "",
    }


# --- resampling and sensitivity -----------------------------------------------------------


def bootstrap_table(
    intervals: pd.DataFrame, coefficients: pd.DataFrame, primary: str, codebook: Codebook
) -> str:
    """The primary model's odds ratios with Wald and bootstrap intervals side by side."""
    wald = coefficients[coefficients["model"] == primary].set_index("term")
    rows = []
    for r in intervals.itertuples(index=False):
        w = wald.loc[r.term] if r.term in wald.index else None
        rows.append(
            {
                "Term": term_label(r.term, codebook),
                "OR": num(r.odds_ratio),
                "Wald CI": "n/a" if w is None else interval(w["or_ci_low"], w["or_ci_high"], 2),
                "Bootstrap CI": interval(r.or_ci_low, r.or_ci_high, 2),
                "SE Wald": "n/a" if w is None else num(w["std_error"]),
                "SE bootstrap": num(r.boot_se),
                "Replicates": f"{r.n_valid:,} of {r.n_replicates:,}",
            }
        )
    caption = (
        f"Odds ratios of {primary} with 95% Wald and bootstrap percentile intervals; standard errors on "
        "the logit scale; replicates: those with a finite estimate of the term (not separated)."
    )
    return pipe_table(pd.DataFrame(rows), "bootstrap", caption, "lrrrrrr")


def bootstrap_variables(intervals: pd.DataFrame, settings: dict, primary: str, codebook: Codebook) -> dict:
    """Sentences on the bootstrap of the primary model."""
    size = intervals[intervals["term"].str.startswith("size_class[")]
    ranges = "; ".join(
        f"{term_label(r.term, codebook)} {interval(r.or_ci_low, r.or_ci_high, 2)}" for r in size.itertuples()
    )
    failed = int((intervals["n_replicates"] - intervals["n_valid"]).max()) if len(intervals) else 0
    failed_text = (
        "every replicate gave finite estimates"
        if failed == 0
        else f"up to {failed:,} replicates had no finite estimate of a term and are left out of its interval"
    )
    return {
        "replicates": f"{settings['replicates']:,}",
        "seed": str(settings["seed"]),
        "sentence": f"Resampling the respondents {settings['replicates']:,} times (seed {settings['seed']}), "
        f"the bootstrap percentile intervals of the size effects in {primary} are "
        f"{ranges or 'not available'}; {failed_text}.",
    }


def _study_mark(row) -> str:
    return " (study)" if row.study else ""


def multiverse_table(specs: pd.DataFrame, headline: str) -> str:
    """One row per specification: its choices, the size odds ratios and the headline test."""
    wide = specs.pivot(index="spec", columns="term", values=["estimate", "ci_low", "ci_high", "p_value"])
    first = specs.drop_duplicates("spec").set_index("spec")
    size_terms = [t for t in dict.fromkeys(specs["term"]) if t.startswith("size_class[")]
    rows = []
    for spec, row in first.iterrows():
        out = {
            "Size cut points": f"{row.size_breaks}{_study_mark(row)}",
            "Role rule": str(row.role_rule).replace("_", " "),
            "Weet niet": row.dont_know,
            "Outcome": str(row.neutral).replace("_", " "),
        }
        for term in size_terms:
            level = term.removeprefix("size_class[").removesuffix("]")
            out[f"OR {level} [95% CI]"] = (
                f"{num(wide.loc[spec, ('estimate', term)])} "
                f"[{interval(wide.loc[spec, ('ci_low', term)], wide.loc[spec, ('ci_high', term)], 2)}]"
            )
        out[f"{headline.replace('_', ' ')}: V"] = num(wide.loc[spec, ("estimate", "cramers_v")])
        out["p"] = pvalue(wide.loc[spec, ("p_value", "cramers_v")])
        rows.append(out)
    caption = (
        "The headline findings under every specification of the sensitivity analysis: the primary model's "
        f"size odds ratios (against the smallest class) and the exact test of {headline.replace('_', ' ')} "
        "with Cramér's V. The study's own specification is marked."
    )
    return pipe_table(pd.DataFrame(rows), "multiverse", caption, "llll" + "r" * (len(rows[0]) - 4))


def multiverse_variables(summary: pd.DataFrame, alpha: float) -> dict:
    """Sentences on the sensitivity analysis from its summary (``results/multiverse/summary.csv``)."""
    by_term = summary.set_index("term")
    n_specs = int(summary["n_specs"].max()) if len(summary) else 0
    parts = []
    for term, row in by_term.iterrows():
        if not term.startswith("size_class["):
            continue
        level = term.removeprefix("size_class[").removesuffix("]")
        parts.append(
            f"the odds ratio of {level} against small municipalities ranges from {num(row.estimate_min)} to "
            f"{num(row.estimate_max)} (study: {num(row.estimate_study)}) and is significant at {alpha:g} "
            f"in {row.n_significant} of {row.n_specs}"
        )
    test = summary[summary["term"] == "cramers_v"]
    if len(test):
        t = test.iloc[0]
        parts.append(
            f"the association of {t.finding.replace('_', ' ')} is significant in {t.n_significant} of "
            f"{t.n_specs} specifications (Cramér's V {num(t.estimate_min)}–{num(t.estimate_max)}, "
            f"study {num(t.estimate_study)})"
        )
    return {
        "n_specs": str(n_specs),
        "sentence": f"Over the {n_specs} specifications, " + "; ".join(parts) + ".",
        "discussion": _robustness(summary, n_specs),
    }


def _robustness(summary: pd.DataFrame, n_specs: int) -> str:
    """Whether each finding's verdict (significant or not) is the same in every specification."""
    mixed = summary[(summary["n_significant"] > 0) & (summary["n_significant"] < summary["n_specs"])]
    if summary.empty:
        return ""
    if mixed.empty:
        return (
            "The sensitivity analysis does not change these verdicts: each finding is significant in all "
            f"{n_specs} specifications of Appendix C or in none."
        )
    which = "; ".join(
        f"{r.finding.replace('_', ' ')} ({r.term}) is significant in {r.n_significant} of {r.n_specs}"
        for r in mixed.itertuples()
    )
    return f"The sensitivity analysis qualifies them: the verdict depends on the analytic choices ({which})."
