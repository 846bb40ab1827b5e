"""The descriptive results: items, constructs, scales, paired comparisons, roles, non-response.

Every share, interval and test of single items and scales that the results section prints;
the cross-tabs are in :mod:`~leisurenet.paper.crosstabs`, the models in
:mod:`~leisurenet.paper.regression`.
"""

from __future__ import annotations

import pandas as pd

from leisurenet.codebook import Codebook
from leisurenet.names import GUIDING_KIND, INVOLVEMENT_KINDS
from leisurenet.paper.formatting import count, general, interval, num, pct, pipe_table, pvalue
from leisurenet.paper.prose import Prose, statement
from leisurenet.paper.provenance import rows_of, traced

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
