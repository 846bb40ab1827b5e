"""The readable disclosure report (Markdown) for the data holder: the outcome, what the
archive holds of the respondents, each check, the suppressed tables with their counts and the
limits of the checks.

It shows the counts of the suppressed cells, so it is never part of the release. The checks
it reports are run by :func:`leisurenet.release.disclosure.check_disclosure`.
"""

from __future__ import annotations

import numpy as np

from leisurenet.release.disclosure import NO_MICRODATA, DisclosureResult
from leisurenet.release.table_checks import KIND, NONE, PRIMARY, SECONDARY, TableSuppression

# --- the readable report ------------------------------------------------------------------


def _markdown_table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return lines


def _range(t: TableSuppression, i: int, j: int) -> str:
    return f"{t.low[i, j]:.0f}–{t.high[i, j]:.0f}"


def _suppression_grid(t: TableSuppression) -> list[str]:
    """The table as counted, hidden cells marked (P primary, S secondary), with margins."""
    marks = {NONE: "", PRIMARY: " (P)", SECONDARY: " (S)"}
    rows = [
        [
            t.row_levels[i],
            *[f"{t.counts[i, j]}{marks[int(t.status[i, j])]}" for j in range(len(t.col_levels))],
        ]
        + [t.counts[i].sum()]
        for i in range(len(t.row_levels))
    ]
    rows.append(["total", *t.counts.sum(0), t.counts.sum()])
    return _markdown_table([f"{t.row_var} \\ {t.col_var}", *t.col_levels, "total"], rows)


def _microdata_statement(result: DisclosureResult, suppressed: list[TableSuppression]) -> list[str]:
    """What the archive holds of the respondents, and what that means for the tables."""
    s = result.settings
    if not s["microdata"]:
        return [
            "## Respondent-level data",
            "",
            "**The archive holds no respondent-level data** (release.microdata: false), only the "
            "tables after disclosure control. The checks of the respondent data (k-anonymity and "
            "unique answer patterns) are therefore not needed for the archive and were not run; "
            "they run when release.microdata is true.",
            "",
        ]
    rebuilt = [t.name for t in suppressed if {t.row_var, t.col_var} <= set(s["released_columns"])]
    which = f" ({len(rebuilt)} with hidden cells here: {', '.join(rebuilt)})" if rebuilt else ""
    return [
        "## Respondent-level data",
        "",
        "**Warning: the table suppression no longer protects the tables.** The archive holds the "
        "respondent-level data (release.microdata: true), and from them anyone can recount every "
        f"cross-tab of released variables, its suppressed cells included{which}. The respondents "
        "are protected by the pseudonymisation, k-anonymity and the answer patterns checked below, "
        "nothing else. To keep the suppression meaningful, set release.microdata: false.",
        "",
    ]


def _microdata_checks(result: DisclosureResult) -> list[str]:
    """The k-anonymity and unique-pattern sections (or why they are not needed)."""
    s, report = result.settings, result.report
    lines = ["## k-anonymity of the respondent data", ""]
    if not s["microdata"]:
        return [
            *lines,
            f"Not needed: {NO_MICRODATA}.",
            "",
            "## Unique answer patterns",
            "",
            f"Not needed: {NO_MICRODATA}.",
            "",
        ]
    anon = report[report["check"] == "k_anonymity"]
    lines += [
        f"Every combination of {', '.join(s['quasi_identifiers']) or '(none)'} in the released data "
        f"must occur at least {s['k']} times.",
        "",
        *_markdown_table(
            ["combination", "n", "outcome"], anon[["combination", "n", "outcome"]].to_numpy().tolist()
        ),
        "",
    ]
    unique = report[report["check"] == "unique_patterns"].iloc[0]
    consequence = {
        "pass": "No respondent's answers are unique.",
        "flagged": "Flagged for review (release.group_disclosure: flag).",
        "fail": "They stop the release (release.group_disclosure: fail).",
    }[unique["outcome"]]
    lines += [
        "## Unique answer patterns",
        "",
        f"{unique['detail']}, over {unique['combination']}: anyone who knows enough of a network's "
        f"answers can single out its record. {consequence}",
        "",
    ]
    return lines


def report_markdown(result: DisclosureResult) -> str:
    """The readable report: the outcome, what the archive holds of the respondents, each
    check, the suppressed tables and the limits.

    Parameters
    ----------
    result : DisclosureResult
        From :func:`leisurenet.release.disclosure.check_disclosure`.
    """
    s = result.settings
    report = result.report
    lines = [
        "# Disclosure check of the public release",
        "",
        "**For the data holder only.** This report shows the counts of the suppressed cells; it is "
        "not part of the release archive and must not be published.",
        "",
        f"**Outcome: {'PASSED' if result.passed else 'FAILED'}**"
        + ("" if result.passed else f" ({len(result.failures)} problem(s); no archive is written)"),
        "",
        f"Settings: minimum cell size {s['min_cell_size']}; k = {s['k']} on "
        f"{', '.join(s['quasi_identifiers']) or '(none)'}; group disclosure: {s['group_disclosure']}; "
        f"microdata: {'true' if s['microdata'] else 'false'}.",
        "",
    ]
    suppressed = [t for t in result.tables if (t.status != NONE).any()]
    lines += _microdata_statement(result, suppressed)
    if result.failures:
        lines += ["## What fails and what to change", ""]
        for failure in result.failures:
            lines += ["```", failure, "```", ""]

    counts = report.groupby(["check", "outcome"], sort=False).size().reset_index(name="rows")
    lines += [
        "## Summary",
        "",
        *_markdown_table(["check", "outcome", "rows"], counts.to_numpy().tolist()),
        "",
    ]

    n_primary = sum(int((t.status == PRIMARY).sum()) for t in result.tables)
    n_secondary = sum(int((t.status == SECONDARY).sum()) for t in result.tables)
    lines += [
        "## Cell suppression",
        "",
        f"{len(result.tables)} cross-tab(s); {n_primary} cell(s) below {s['min_cell_size']} hidden "
        f"(primary), {n_secondary} more so that the margins cannot give them away (secondary), in "
        f"{len(suppressed)} cross-tab(s). Margins stay published. Each hidden cell's range is what "
        "the published cells and margins allow (linear programming); no primary cell's range may "
        "be a single value.",
        "",
    ]
    for t in suppressed:
        lines += [f"### {t.name}", "", *_suppression_grid(t), ""]
        hidden = [
            [t.row_levels[i], t.col_levels[j], KIND[int(t.status[i, j])], t.counts[i, j], _range(t, i, j)]
            for i, j in np.argwhere(t.status != NONE)
        ]
        lines += [*_markdown_table([t.row_var, t.col_var, "suppression", "n", "feasible range"], hidden), ""]

    flags = report[report["check"] == "group_disclosure"]
    lines += ["## Group disclosure", ""]
    if flags.empty:
        lines += ["No published cell holds all or none of a group.", ""]
    else:
        lines += [
            f"{len(flags)} published cell(s) hold all (100%) or none (0%) of a row or column group: "
            "knowing that a network belongs to the group tells its answer. "
            + ("They stop the release." if s["group_disclosure"] == "fail" else "Flagged for review."),
            "",
            *_markdown_table(
                ["cross-tab", "row level", "column level", "n", "why"],
                flags[["table", "row_level", "col_level", "n", "detail"]].to_numpy().tolist(),
            ),
            "",
        ]

    lines += _microdata_checks(result)
    lines += [
        "## What this check does not cover",
        "",
        "- The test statistics of the cross-tabs (chi-square and others in tests.csv), published "
        "with the margins, narrow the values a hidden cell can take; saturated models of the same "
        "variables (a multinomial model of a role by size class) reproduce the table.",
        "- The paper (HTML and PDF) and its figures show cross-tabs as counted, not suppressed.",
        "- Attributes an outsider knows beyond the quasi-identifiers (for instance a network's "
        "answers told at a meeting) are not modelled.",
        "- With the real data, keep release.seed private (a config file passed with --configfile "
        "and not committed): with the seed and the export's row order, the shuffle of the ids can "
        "be undone.",
        "",
    ]
    return "\n".join(lines)
