"""Every result the pipeline writes, declared once.

Each :class:`Output` says where a file lies under ``results/``, which rule writes it (and
by what name the rule's script knows it), how :func:`leisurenet.load.load` finds it, whether
the paper reads it and whether the public release carries it. Everything that lists
outputs is derived from :data:`OUTPUTS`: the rules' ``output:`` sections and ``rule all``
(``workflow/rules/common.smk``), ``load``'s names, the paper's inputs and the row keys that
trace a printed number to its row, the release's tables and their descriptions, and the
tests that enumerate rules. Adding an output is one entry here and its rule.

The figures are a family of their own: one per chart the workflow draws
(:mod:`leisurenet.workflow.plan`), each as ``results/figures/<name>.{svg,pdf,png,csv}``,
loaded as ``figure_<name>``.

Snakemake reads this module on every start, so it imports the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

# What the public release does with an output (``release``); None keeps it in results/.
RELEASE = {
    "table": "an aggregate table, released as it stands under tables/<stage>/",
    "cells": "cross-tab counts, released after small-cell suppression",
    "respondents": "respondent-level data, released pseudonymised and only with release.microdata",
    "paper": "the rendered paper, released as it stands under paper/",
}
# When a rule's outputs are made: every run, only on the synthetic replica, or on request.
ALWAYS, SYNTHETIC, ON_REQUEST = "always", "synthetic", "on request"


@dataclass(frozen=True)
class Output:
    """One file the pipeline writes.

    Attributes
    ----------
    path : str
        Under ``results/``.
    rule, key : str
        The rule that writes it, and its name among the rule's outputs (``output.<key>``).
    name : str or None
        Its name for :func:`leisurenet.load.load`; None for a copy of a table in another
        format (load the first) and for what ``load`` cannot read (HTML, PDF, archives).
    description : str
        What it holds, for ``available()`` and the release's README.
    release : str or None
        A key of :data:`RELEASE`, or None: it stays in ``results/``. Given for every output,
        so that nothing goes into the release, or stays out of it, unsaid.
    paper : bool
        Whether the paper's assets read it (an input of the rule ``paper_assets``).
    rows : tuple of str, optional
        The columns that identify a row, by which a printed number is traced back to it.
    values : str, optional
        The function of :mod:`leisurenet.paper` (``module.function``) that turns the table
        into the values the manuscript cites, called with the traced table and the prose;
        they land under the output's name (``{{< var <name>.<key> >}}``). For the tables
        whose values need several results, ``scripts/paper_assets.py`` calls their
        functions itself.
    report : str, optional
        Its caption in ``workflow/report/`` when ``snakemake --report`` shows it, under
        ``category``.
    directory : bool
        A folder rather than a file.
    made : str
        :data:`ALWAYS`, :data:`SYNTHETIC` (only for the replica) or :data:`ON_REQUEST`
        (the release).
    """

    path: str
    rule: str
    key: str
    name: str | None
    description: str
    release: str | None
    paper: bool = False
    rows: tuple[str, ...] | None = None
    values: str | None = None
    report: str | None = None
    category: str | None = None
    directory: bool = False
    made: str = ALWAYS

    @property
    def file(self) -> str:
        """The path as the workflow names it (``results/...``)."""
        return f"results/{self.path}"

    @property
    def archived_as(self) -> str | None:
        """Its path inside the release archive, or None when the release leaves it out."""
        if self.release in ("table", "cells"):
            return f"tables/{self.path}"
        if self.release == "paper":
            return f"paper/{PurePosixPath(self.path).name}"
        return None


# Pipeline order: load's listing follows it. README.md describes each folder.
OUTPUTS: tuple[Output, ...] = (
    # the synthetic replica (only when data.raw is 'synthetic')
    Output("synthetic/raw_export.csv", "synthetic", "export", "raw_export",
           "the synthetic replica's raw export", None, made=SYNTHETIC),
    Output("synthetic/frame.csv", "synthetic", "frame", "synthetic_frame",
           "the synthetic replica's population frame", None, made=SYNTHETIC),
    Output("synthetic/targets.csv", "synthetic", "targets", "targets",
           "the count of every answer the replica reproduces, and its source", None, made=SYNTHETIC,
           report="synthetic_targets.rst", category="Data"),
    # validate
    Output("validate/report.md", "validate", "report", "validation_report",
           "what was read: format, encoding, rows, columns (text)", None),
    Output("validate/problems.csv", "validate", "problems", "problems",
           "warnings about the raw export", None),
    # clean
    Output("clean/responses.parquet", "clean", "parquet", "responses",
           "cleaned codes, missing answers typed dont_know or blank", None),
    Output("clean/frame.csv", "clean", "frame", "frame", "the population frame the analyses use", None),
    Output("clean/responses.csv", "clean", "csv", None, "the cleaned responses as CSV", None),
    Output("clean/cleaning_log.csv", "clean", "log", "cleaning_log", "one row per change the cleaning made",
           None, paper=True, report="cleaning_log.rst", category="Data"),
    Output("clean/sample_flow.csv", "clean", "flow", "sample_flow",
           "frame -> respondents -> analysed -> valid answers per item", None, paper=True,
           rows=("step", "item"), report="sample_flow.rst", category="Data"),
    Output("clean/disposition.csv", "clean", "disposition", "disposition",
           "every network of the frame with its AAPOR final disposition (complete, partial, break-off, "
           "nothing returned) from its share of the items answered", None, paper=True,
           rows=("network_id",), report="disposition.rst", category="Data"),
    # recode
    Output("recode/recoded.parquet", "recode", "parquet", "recoded",
           "the analysis data set: one row per respondent", "respondents", paper=True),
    Output("recode/recoded.csv", "recode", "csv", None, "the analysis data set as CSV", None),
    Output("recode/variables.csv", "recode", "variables", "variables",
           "every column of the recoded data: type, levels, how made", "respondents",
           report="variables.rst", category="Data"),
    # audit
    Output("audit/figures.csv", "audit", "figures", "figures",
           "Every figure the study published against the data: exactly and as the presentation "
           "computed it, and whether the printed value is possible with a plausible base (from the item's "
           "valid answers to all respondents), with the bases that give it.", "table",
           paper=True, rows=("figure_id",), report="audit_figures.rst", category="Audit"),
    # descriptives
    Output("descriptives/items.csv", "describe", "summary", "items",
           "One row per item: counts and percentages of respondents and of valid answers, "
           "finite-population (hypergeometric) and Wilson 95% intervals, worst-case bounds.", "table",
           paper=True, rows=("item",), report="descriptives_items.rst", category="Descriptives"),
    Output("descriptives/item_distribution.csv", "describe", "distribution", "item_distribution",
           "Every code of every item, with 'weet niet' and blank.", "table",
           report="descriptives_item_distribution.rst", category="Descriptives"),
    Output("descriptives/scales.csv", "describe", "scales", "scales",
           "Reliability of each scale: Cronbach's alpha with its CI, McDonald's omega.", "table",
           paper=True, rows=("scale",), report="descriptives_scales.rst", category="Descriptives"),
    Output("descriptives/item_total.csv", "describe", "item_total", "item_total",
           "Corrected item-total correlations and alpha if an item is dropped.", "table",
           report="descriptives_item_total.rst", category="Descriptives"),
    Output("descriptives/nonresponse.csv", "describe", "nonresponse", "nonresponse",
           "Respondents against the population frame by size class.", "table",
           report="descriptives_nonresponse.rst", category="Descriptives"),
    Output("descriptives/nonresponse_test.csv", "describe", "nonresponse_test", "nonresponse_test",
           "Tests of respondents against the frame by size class.", "table", paper=True, rows=("test",),
           report="descriptives_nonresponse_test.rst", category="Descriptives"),
    Output("descriptives/paired.csv", "describe", "paired", "paired",
           "Involvement of people in poverty against its guiding role (Wilcoxon signed-rank) per domain.",
           "table", paper=True, rows=("involvement_item",), report="descriptives_paired.rst",
           category="Descriptives"),
    Output("descriptives/weighted.csv", "describe", "weighted", "weighted",
           "Per item, the share weighted for non-response, with its SE and intervals.", "table", paper=True,
           rows=("item",), report="descriptives_weighted.rst", category="Descriptives"),
    Output("descriptives/weights.csv", "describe", "weights", "weights",
           "Per post-stratum, the frame's networks, the respondents and their weight; for all respondents "
           "the weights' range, Kish's design effect and the effective sample size.", "table", paper=True,
           rows=("margin", "cell"), report="descriptives_weights.rst", category="Descriptives"),
    # crosstabs
    Output("crosstabs/cells.csv", "crosstab", "cells", "cells",
           "Cells of every cross-tab (row variable by municipality size class): count, expected "
           "count, row and column percentages; suppressed cells (column `suppressed`) have the count "
           "and percentages left empty.", "cells", paper=True, rows=("crosstab", "row_level", "col_level"),
           report="crosstabs_cells.rst", category="Cross-tabs"),
    Output("crosstabs/tests.csv", "crosstab", "tests", "tests",
           "Tests of every cross-tab: chi-square, Fisher-Freeman-Halton exact p, linear-by-linear, "
           "Cramér's V (and corrected), Holm-adjusted p within each family.", "table", paper=True,
           rows=("crosstab",), report="crosstabs_tests.rst", category="Cross-tabs"),
    Output("crosstabs/tests_weighted.csv", "crosstab", "tests_weighted", "tests_weighted",
           "cross-tab Rao-Scott tests under the weighted design", None, paper=True, rows=("crosstab",),
           report="crosstabs_tests_weighted.rst", category="Cross-tabs"),
    # models
    Output("models/coefficients.csv", "models", "coefficients", "coefficients",
           "Model estimates, SEs, CIs and odds ratios (models in the pipeline's config/models.yaml).",
           "table", paper=True, rows=("model", "equation", "term"), report="models_coefficients.rst",
           category="Models"),
    Output("models/fit.csv", "models", "fit", "fit",
           "Model fit, the proportional-odds check and flags for fitting problems.", "table", paper=True,
           rows=("model",), report="models_fit.rst", category="Models"),
    Output("bootstrap/intervals.csv", "bootstrap", "intervals", "bootstrap",
           "bootstrap percentile intervals of the primary model", None, paper=True, rows=("term",),
           report="bootstrap.rst", category="Models"),
    Output("bootstrap/replicates.csv", "bootstrap", "replicates", "bootstrap_replicates",
           "every bootstrap replicate's estimates", None),
    # sensitivity
    Output("multiverse/specifications.csv", "multiverse", "specifications", "multiverse",
           "headline findings under every specification", None, paper=True, rows=("spec", "finding", "term"),
           report="multiverse.rst", category="Sensitivity"),
    Output("multiverse/summary.csv", "multiverse", "summary", "multiverse_summary",
           "per finding: significant in how many specifications", None, paper=True, rows=("finding", "term")),
    # the study's conclusions judged; kept out of the release, as a difference's shares per size
    # class would give away the cross-tab cells that the release suppresses
    Output("conclusions/verdicts.csv", "conclusions", "verdicts", "verdicts",
           "One row per conclusion of the study: its text as published, sign, the items and results "
           "it rests on, the rule that decides it, the numbers the rule used and the verdict (supported, "
           "not supported, inconclusive) with its reason.", None, paper=True, rows=("conclusion",),
           report="conclusions_verdicts.rst", category="Conclusions"),
    Output("conclusions/checks.csv", "conclusions", "checks", "conclusion_checks",
           "One row per check of a conclusion's rules, with the raw numbers it used and its verdict.",
           None, paper=True, rows=("conclusion", "check"), report="conclusions_checks.rst",
           category="Conclusions"),
    # paper
    Output("paper/assets/_variables.yml", "paper_assets", "variables", "paper_variables",
           "every number the paper's text uses (a dict)", None),
    Output("paper/assets/tables", "paper_assets", "tables", None, "the paper's tables", None, directory=True),
    Output("paper/checklists.csv", "paper_assets", "checklists", "checklists",
           "the AAPOR and CHERRIES reporting items: reported (where), unknown or not applicable (why)",
           "table"),
    Output("paper/paper.html", "paper", "html", None, "The paper (self-contained HTML).", "paper"),
    Output("paper/paper.pdf", "paper_pdf", "pdf", None, "The paper (PDF).", "paper"),
    Output("paper/provenance.csv", "paper", "provenance", "provenance",
           "every number printed in the paper: its file, row, column, value", None),
    # the Dutch brief for the networks
    Output("brief/assets/_variables.yml", "brief_assets", "variables", "brief_variables",
           "every sentence with a number the brief's text uses (a dict)", None),
    Output("brief/assets/tables", "brief_assets", "tables", None, "the brief's tables", None, directory=True),
    Output("brief/brief_nl.html", "brief", "html", None, "The Dutch brief (self-contained HTML).", "paper"),
    Output("brief/brief_nl.pdf", "brief_pdf", "pdf", None, "The Dutch brief (PDF).", "paper"),
    Output("brief/provenance.csv", "brief", "provenance", "brief_provenance",
           "every number printed in the brief: its file, row, column, value", None),
    # the run's record
    Output("manifest.json", "manifest", "json", None, "the run's manifest", None),
    Output("manifest_content.json", "manifest", "content", None, "what a rebuild is compared by", None),
    Output("manifest.csv", "manifest", "csv", "manifest",
           "every output and input with its SHA-256, package versions, git commit", None,
           report="manifest.rst", category="Provenance"),
    # the public release (built on request, see workflow/rules/release.smk)
    Output("release/disclosure_report.csv", "release_disclosure_check", "csv", "disclosure_report",
           "the release's disclosure check, one row a finding", None, made=ON_REQUEST,
           report="release_disclosure_report.rst", category="Release"),
    Output("release/disclosure_report.md", "release_disclosure_check", "md", None,
           "the release's disclosure check (text)", None, made=ON_REQUEST),
    Output("release/leisurenet-release.zip", "release", "archive", None, "the release archive", None,
           made=ON_REQUEST),
)  # fmt: skip


def of_rule(rule: str) -> list[Output]:
    """The outputs ``rule`` writes, in declaration order."""
    return [o for o in OUTPUTS if o.rule == rule]


def by_name() -> dict[str, Output]:
    """Every output :func:`leisurenet.load.load` knows, by its name, in pipeline order."""
    return {o.name: o for o in OUTPUTS if o.name is not None}


def for_paper() -> list[Output]:
    """The outputs the paper's assets read."""
    return [o for o in OUTPUTS if o.paper]


def released(kind: str) -> list[Output]:
    """The outputs the release carries as ``kind`` (a key of :data:`RELEASE`)."""
    return [o for o in OUTPUTS if o.release == kind]


def made_by_every_run(synthetic: bool) -> list[Output]:
    """What a run makes (rule all): every output but the release's, and the replica's only
    when the data are the replica."""
    return [o for o in OUTPUTS if o.made == ALWAYS or (synthetic and o.made == SYNTHETIC)]
