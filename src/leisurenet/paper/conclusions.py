"""The study's conclusions with their verdicts (``results/conclusions/``): the discussion's
sentences and its table.

Each conclusion is printed with the check that decides its verdict: for a supported one the
check closest to failing, otherwise the first check with the conclusion's verdict.
"""

from __future__ import annotations

import pandas as pd

from leisurenet.paper.formatting import count, dutch, interval, num, p_is, pct, pipe_table
from leisurenet.paper.prose import Prose, lowercase_first
from leisurenet.paper.provenance import plain, rows_of

VERDICT_ORDER = ("supported", "inconclusive", "not supported")


def _variant(verdict: str) -> str:
    """A verdict as the name of its wording ("not supported" -> "not_supported")."""
    return verdict.replace(" ", "_")


def _margin(check) -> float:
    """How far a check is from failing: a share's interval limit beyond its threshold, a test's
    p below its level."""
    if check["rule"] == "share":
        low, high, threshold = plain(check["ci_low"]), plain(check["ci_high"]), plain(check["threshold"])
        return low - threshold if check["compare"] == "above" else threshold - high
    return plain(check["alpha"]) - plain(check["p_value"])


def deciding_check(verdict: str, checks: pd.DataFrame) -> pd.Series:
    """The check that decides ``verdict``: the closest to failing of a supported conclusion's
    checks, else the first check with that verdict."""
    with_verdict = checks[checks["verdict"] == verdict]
    if verdict != "supported":
        return with_verdict.iloc[0]
    return with_verdict.loc[min(with_verdict.index, key=lambda i: _margin(with_verdict.loc[i]))]


def evidence(check: pd.Series, n_checks: int, prose: Prose, level: str, ids: bool) -> str:
    """A check's numbers in words (``conclusions.evidence_<rule>``), naming an item by its ID
    (``ids``, in a table beside the codebook's) or in words (in the prose)."""
    variant = "one" if n_checks == 1 else "several"

    def name(variable: str) -> str:
        item = variable.removesuffix("_cat")
        return item if ids and item in prose.codebook.items else prose.variable(variable)

    if check["rule"] == "share":
        return prose.say(
            "conclusions.evidence_share",
            variant,
            subject=name(str(check["subject"])),
            levels=prose.join(str(check["levels"]).split("|")),
            share=pct(100 * check["estimate"]),
            level=level,
            ci=interval(100 * check["ci_low"], 100 * check["ci_high"], 1, percent=True),
            side=prose.say("conclusions.side", str(check["compare"])),
            threshold=pct(100 * check["threshold"], 0),
            n=count(check["n"]),
            n_checks=count(n_checks),
        )
    if check["rule"] == "difference":
        return prose.say(
            "conclusions.evidence_difference",
            variant,
            levels=prose.join(str(check["levels"]).split("|")),
            higher=str(check["higher"]),
            lower=str(check["lower"]),
            share_higher=pct(100 * check["share_higher"]),
            share_lower=pct(100 * check["share_lower"]),
            p=p_is(check["p_value"]),
            n_checks=count(n_checks),
        )
    return prose.say(
        "conclusions.evidence_paired",
        variant,
        subject=" against ".join(name(part) for part in str(check["subject"]).split(" vs ")),
        r=num(check["effect"]),
        p=p_is(check["p_value"]),
        n_checks=count(n_checks),
    )


def _rows(verdicts: pd.DataFrame, checks: pd.DataFrame, prose: Prose, level: str, ids: bool):
    """Each conclusion with its verdict's words and the evidence that decides it."""
    for row in verdicts.itertuples(index=False):
        own = checks[checks["conclusion"] == row.conclusion]
        n_checks = rows_of(own, f"conclusion = {row.conclusion}")
        said = evidence(deciding_check(row.verdict, own), n_checks, prose, level, ids)
        yield row, prose.say("conclusions.verdict", _variant(row.verdict)), said


def verdicts_table(verdicts: pd.DataFrame, checks: pd.DataFrame, prose: Prose, level: str) -> str:
    rows = list(_rows(verdicts, checks, prose, level, ids=True))
    df = pd.DataFrame(
        {
            "Group": [dutch(r.group) for r, _, _ in rows],
            "Sign": [r.sign.replace("-", "\u2212") for r, _, _ in rows],
            "Conclusion as published (translation)": [
                f"{dutch(r.text_nl)} ({r.text_en})" for r, _, _ in rows
            ],
            "Verdict": [words for _, words, _ in rows],
            "Deciding check": [said for _, _, said in rows],
        }
    )
    return pipe_table(df, "verdicts", prose.say("captions.verdicts", level=level), "lclll")


def verdict_variables(
    verdicts: pd.DataFrame, checks: pd.DataFrame, prose: Prose, synthetic: bool, level: str
) -> dict:
    """The discussion's sentences: how many conclusions have each verdict, and each conclusion
    the data do not support, with what decides it."""
    counts = {
        _variant(verdict): count(rows_of(verdicts[verdicts["verdict"] == verdict], f"verdict = {verdict}"))
        for verdict in VERDICT_ORDER
    }
    open_ = [
        prose.say(
            "conclusions.open", _variant(row.verdict), conclusion=lowercase_first(row.text_en), evidence=said
        )
        for row, _, said in _rows(verdicts, checks, prose, level, ids=False)
        if row.verdict != "supported"
    ]
    return {
        "sentence": prose.say(
            "conclusions.sentence", n=count(rows_of(verdicts, "all conclusions")), **counts
        ),
        "open": " ".join(open_),
        "replica": prose.say("conclusions.replica", "synthetic" if synthetic else "real"),
    }
