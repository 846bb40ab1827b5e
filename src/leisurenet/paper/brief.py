"""The Dutch brief for the networks (``paper/brief_nl.qmd``): its sentences and tables.

The brief prints the paper's numbers, made by the same functions (:mod:`formatting`, traced
to their files by :mod:`provenance`), in Dutch: every word comes from ``paper/brief_nl.yml``,
and every number is written the Dutch way by :func:`dutch_numbers` (a decimal comma, a point
between thousands), which rewrites the printed text of each traced number and nothing else.
The whole document is Dutch (``lang: nl``), so its Dutch wording needs no mark of its own.
"""

from __future__ import annotations

import re

import pandas as pd

from leisurenet.codebook import Codebook
from leisurenet.paper.conclusions import deciding_check
from leisurenet.paper.formatting import count, interval, num, p_is, pct, pipe_table
from leisurenet.paper.provenance import SPAN, rows_of
from leisurenet.paper.wording import Wording

# The items of the brief's table of the main figures: every construct but the roles (in the
# conclusions) and the support needs (a table of their own).
LEFT_OUT = ("role", "support")


def dutch_numbers(text: str) -> str:
    """``text`` with every traced number printed the Dutch way: 62.3% -> 62,3%, 1,234 -> 1.234,
    0.031 -> 0,031; the spans' values (their ``data-value``) stay as they are."""

    def swap(match: re.Match) -> str:
        printed = match.group(1).translate(str.maketrans({".": ",", ",": "."}))
        return f"[{printed}]{{.num{match.group(2)}}}"

    return SPAN.sub(swap, text)


def in_dutch(value):
    """:func:`dutch_numbers` over a dict of sentences (the brief's ``_variables.yml``)."""
    if isinstance(value, dict):
        return {key: in_dutch(v) for key, v in value.items()}
    return dutch_numbers(value) if isinstance(value, str) else value


def brief_variables(flow: pd.DataFrame, items: pd.DataFrame, verdicts: pd.DataFrame, words: Wording,
                    synthetic: bool, level: str) -> dict:  # fmt: skip
    """The brief's sentences: the notice, who answered, how the conclusions fare."""
    overall = flow[flow["item"].isna() | (flow["item"] == "")].set_index("step")["n"]
    n_resp, n_frame = overall["export"], overall.get("frame")
    variant = "frame" if n_frame else "no_frame"
    sample = words.render(
        "brief.sample",
        variant,
        n_respondents=count(n_resp),
        n_frame=count(n_frame) if n_frame else "",
        response_rate=pct(100 * n_resp / n_frame, 0) if n_frame else "",
    )
    counts = {
        verdict.replace(" ", "_"): count(
            rows_of(verdicts[verdicts["verdict"] == verdict], f"verdict = {verdict}")
        )
        for verdict in ("supported", "inconclusive", "not supported")
    }
    n_conclusions = count(rows_of(verdicts, "all conclusions"))
    return in_dutch(
        {
            "notice": words.render("brief.notice", "synthetic" if synthetic else "real"),
            "sample": sample,
            "verdicts": words.render("brief.verdicts", n=n_conclusions, **counts),
            "replica": words.render("brief.replica", "synthetic" if synthetic else "real"),
            "level": level,
        }
    )


def _intervals(shown: pd.DataFrame) -> list[str]:
    """Each item's interval for all networks, in whole percents."""
    pairs = zip(shown["ci_low"], shown["ci_high"], strict=True)
    return [interval(100 * low, 100 * high, 0, percent=True) for low, high in pairs]


def figures_table(items: pd.DataFrame, codebook: Codebook, words: Wording, level: str) -> str:
    """The main figures: per item its Dutch statement, the share agreeing (of all respondents,
    as the study published it) and the interval for all networks (of the valid answers)."""
    shown = items[~items["construct"].isin(LEFT_OUT)]
    constructs = codebook.spec["constructs"]
    df = pd.DataFrame(
        {
            words.render("tables.construct"): [constructs[c]["nl"] for c in shown["construct"]],
            words.render("tables.statement"): [codebook.items[i]["nl"] for i in shown["item"]],
            words.render("tables.positive"): shown["pct_positive"].map(lambda v: pct(v, 0)),
            words.render("tables.interval", level=level): _intervals(shown),
        }
    )
    return dutch_numbers(pipe_table(df, "figures", words.render("captions.figures", level=level), "llrr"))


def support_table(items: pd.DataFrame, codebook: Codebook, words: Wording, level: str) -> str:
    """What the networks expect of the support centre: the share finding each useful."""
    shown = items[items["construct"] == "support"].sort_values("pct_positive", ascending=False)
    df = pd.DataFrame(
        {
            words.render("tables.support"): [codebook.items[i]["nl"] for i in shown["item"]],
            words.render("tables.useful"): shown["pct_positive"].map(lambda v: pct(v, 1)),
            words.render("tables.interval", level=level): _intervals(shown),
        }
    )
    return dutch_numbers(pipe_table(df, "support", words.render("captions.support", level=level), "lrr"))


def _evidence(check: pd.Series, words: Wording, codebook: Codebook) -> str:
    """The check that decides a verdict, in Dutch."""
    if check["rule"] == "share":
        item = str(check["subject"]).removesuffix("_cat")
        known = item in codebook.items
        subject = codebook.items[item]["nl"].rstrip(".") if known else words.render("names.role")
        return words.render(
            "brief.evidence_share",
            subject=subject,
            share=pct(100 * check["estimate"], 0),
            ci=interval(100 * check["ci_low"], 100 * check["ci_high"], 0, percent=True),
            side=words.render("names.side", str(check["compare"])),
            threshold=pct(100 * check["threshold"], 0),
        )
    if check["rule"] == "difference":
        return words.render(
            "brief.evidence_difference",
            share_higher=pct(100 * check["share_higher"], 0),
            share_lower=pct(100 * check["share_lower"], 0),
            higher=_size(str(check["higher"]), words),
            lower=_size(str(check["lower"]), words),
            p=p_is(check["p_value"]),
        )
    return words.render("brief.evidence_paired", r=num(check["effect"]), p=p_is(check["p_value"]))


def _size(label: str, words: Wording) -> str:
    """A size class in Dutch; a class the wording does not know by its configured label."""
    return words.render("names.size", label) if label in words.variants("names.size") else label


def verdicts_table(verdicts: pd.DataFrame, checks: pd.DataFrame, codebook: Codebook, words: Wording) -> str:
    """Each conclusion as published, its verdict and the number that decides it."""
    rows = []
    for row in verdicts.itertuples(index=False):
        own = checks[checks["conclusion"] == row.conclusion]
        rows.append(
            {
                words.render("tables.group"): row.group,
                words.render("tables.sign"): row.sign.replace("-", "\u2212"),
                words.render("tables.conclusion"): row.text_nl,
                words.render("tables.verdict"): words.render("brief.verdict", row.verdict.replace(" ", "_")),
                words.render("tables.evidence"): _evidence(deciding_check(row.verdict, own), words, codebook),
            }
        )
    return dutch_numbers(
        pipe_table(pd.DataFrame(rows), "verdicts", words.render("captions.verdicts"), "lclll")
    )
