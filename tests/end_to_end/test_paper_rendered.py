"""The rendered paper (HTML and PDF): its numbers, figures, tables, citations and notices."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from leisurenet.paper.provenance import unmark

from ..conftest import OTHER_STUDY, ROOT
from ..rendered import between, html_text, pdf_text

pytestmark = pytest.mark.slow
SOURCE = (ROOT / "paper" / "paper.qmd").read_text(encoding="utf-8")


def texts(folder: Path) -> dict[str, str]:
    paper = folder / "results" / "paper"
    return {"html": html_text(paper / "paper.html"), "pdf": pdf_text(paper / "paper.pdf")}


@pytest.fixture(scope="module")
def replica_texts(replica_run):
    return texts(replica_run)


def test_headline_numbers_are_those_in_results(replica_run, replica_texts):
    items = pd.read_csv(replica_run / "results/descriptives/items.csv").set_index("item")
    tests = pd.read_csv(replica_run / "results/crosstabs/tests.csv").set_index("crosstab")
    coefficients = pd.read_csv(replica_run / "results/models/coefficients.csv")
    large = coefficients[
        (coefficients["model"] == "rep_voice_ordinal") & (coefficients["term"] == "size_class[large]")
    ]
    expected = [
        f"{items.loc['vis_defined', 'pct_positive']:.1f}%",
        f"{items.loc['act_same_orgs', 'pct_positive']:.1f}%",
        "{:.1f}–{:.1f}%".format(*(100 * items.loc["vis_defined", ["ci_low", "ci_high"]])),
        f"p = {tests.loc['role_act_by_size', 'p_exact']:.3f}",
        "{:.2f} [{:.2f}–{:.2f}]".format(*large[["odds_ratio", "or_ci_low", "or_ci_high"]].iloc[0]),
        "77 of the 104",
    ]
    boot = pd.read_csv(replica_run / "results/bootstrap/intervals.csv").set_index("term")
    expected.append(
        "{:.2f}–{:.2f} for large against small municipalities".format(
            *boot.loc["size_class[large]", ["or_ci_low", "or_ci_high"]]
        )
    )
    summary = pd.read_csv(replica_run / "results/multiverse/summary.csv").set_index("term")
    row = summary.loc["size_class[large]"]
    expected.append(
        "ranges from {:.2f} to {:.2f} (study: {:.2f})".format(
            *row[["estimate_min", "estimate_max", "estimate_study"]]
        )
    )
    expected.append(f"Over the {row['n_specs']} specifications")
    expected += weighted_numbers(replica_run)
    for fmt, text in replica_texts.items():
        for number in expected:
            assert number in text, (fmt, number)


def weighted_numbers(folder: Path) -> list[str]:
    """What the weighted results put in the text: the largest change of a share, the headline
    cross-tab's Rao-Scott p and the weighted primary model's size odds ratio."""
    weighted = pd.read_csv(folder / "results/descriptives/weighted.csv")
    change = (weighted["pct_positive_valid_weighted"] - weighted["pct_positive_valid"]).abs()
    tests = pd.read_csv(folder / "results/crosstabs/tests_weighted.csv").set_index("crosstab")
    coefficients = pd.read_csv(folder / "results/models/coefficients.csv").set_index(["model", "term"])
    large = coefficients.loc[("rep_voice_ordinal_weighted", "size_class[large]")]
    return [
        f"change by at most {change.max():.1f} percentage points",
        f"gives the {min(8, len(weighted))} of the {len(weighted)} items",
        f"the weighted Rao–Scott test gives p = {tests.loc['role_act_by_size', 'p_F_no_fpc']:.3f}",
        "{:.2f} [{:.2f}–{:.2f}] for large against small municipalities (unweighted".format(
            *large[["odds_ratio", "or_ci_low", "or_ci_high"]]
        ),
        "Weighting the respondents to the frame changes",
        "simple random sample without replacement from the frame of 104 networks",
    ]


def test_every_figure_and_table_is_present_and_referenced(replica_run, replica_texts):
    labels = re.findall(r"\{#((?:fig|tbl)-[\w-]+)", SOURCE)
    tables = sorted((replica_run / "results/paper/assets/tables").glob("*.md"))
    labels += [m.group(1) for t in tables if (m := re.search(r"\{#(tbl-[\w-]+)\}", t.read_text()))]
    labels = sorted(set(labels))
    page = (replica_run / "results/paper/paper.html").read_text(encoding="utf-8")
    # a table shown only with some results (the weighted one) is referenced by the generated text
    generated = (replica_run / "results/paper/assets/_variables.yml").read_text(encoding="utf-8")
    for label in labels:
        assert f"@{label}" in SOURCE or f"@{label}" in generated, f"{label} is never referenced in the text"
        assert f'id="{label}"' in page and f'href="#{label}"' in page, label
    n_fig = sum(1 for label in labels if label.startswith("fig-"))
    n_tbl = len(labels) - n_fig
    for fmt, text in replica_texts.items():
        assert f"Figure {n_fig}" in text and f"Table {n_tbl}" in text, fmt
        assert f"Figure {n_fig + 1}:" not in text and f"Table {n_tbl + 1}:" not in text, fmt
    assert page.count("<img") >= n_fig  # every figure embedded (self-contained HTML)
    assert 'src="data:image' in page and 'src="figures/' not in page


def test_citations_and_cross_references_resolve(replica_texts):
    keys = re.findall(r"@(\w+)", SOURCE)
    bib = (ROOT / "paper/references.bib").read_text()
    cited = {k for k in keys if not re.match(r"(fig|tbl|sec)", k)}
    assert cited <= set(re.findall(r"@\w+\{(\w+),", bib))
    for fmt, text in replica_texts.items():
        assert "??" not in text, fmt
        assert not re.search(r"@(fig|tbl|sec)-|@(" + "|".join(cited) + r")\b", text), fmt
        assert "Provan" in text and "Span" in text and "Firth" in text, fmt
        assert "Lumley" in text and "Rao and Scott" in text, fmt
        assert "{{<" not in text, fmt


def test_synthetic_notice_and_renderer_colophon(replica_run, replica_texts):
    renderer = yaml.safe_load((replica_run / "results/paper/build/_variables.yml").read_text())["software"]
    for fmt, text in replica_texts.items():
        assert "Synthetic data" in text[:1000], fmt  # in the abstract, on the first page
        assert "Synthetic data. Every number" in text, fmt  # the notice above the introduction
        assert "The data analysed here are synthetic" in text, fmt
        assert "synthetic replica of the 2016 coordinator survey" in text.lower(), fmt  # figure captions
        assert f"rendered by {unmark(renderer['renderer'])}" in text, fmt


def engine_versions(pdf: Path) -> dict[str, str]:
    """Each engine's version as the engine reports it: Typst's in the PDF it wrote, Pandoc's and
    Quarto's by their ``--version`` (the pinned Pandoc binary, the Quarto on PATH as the run's)."""
    import pypandoc
    import pypdf

    def first_line(*command: str) -> str:
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()[0]

    versions = {"typst": pypdf.PdfReader(pdf).metadata["/Creator"].removeprefix("Typst ")}
    versions["pandoc"] = first_line(pypandoc.get_pandoc_path(), "--version").split()[1]
    if shutil.which("quarto"):
        versions["quarto"] = first_line("quarto", "--version").strip()
    return versions


def test_the_colophon_names_each_engine_as_it_reports_its_version(replica_run, replica_texts):
    """The versions the colophon prints, as provenance.csv traces them: Typst's is the one the
    PDF's metadata names as its creator (the compiler's, not the Python binding's)."""
    from ..paper.test_provenance import read_provenance

    provenance = read_provenance(replica_run)
    named = provenance[
        (provenance["variable"] == "software.renderer") & (provenance["source"] == "(environment)")
    ]
    engines = dict(zip(named["row_key"], named["text"], strict=True))
    assert "typst" in engines and len(engines.keys() & {"quarto", "pandoc"}) == 1, engines
    reported = engine_versions(replica_run / "results/paper/paper.pdf")
    assert engines == {engine: reported[engine] for engine in engines}
    for fmt, text in replica_texts.items():
        assert f"Typst {reported['typst']}" in between(text, "rendered by", "The data file"), fmt


def test_another_dataset_gives_other_numbers_in_the_text(replica_run, other_run):
    ours, theirs = texts(replica_run), texts(other_run)
    assert "120 of the 162" in theirs["html"] and "120 of the 162" in theirs["pdf"]
    mine = yaml.safe_load((other_run / "results/paper/assets/_variables.yml").read_text())
    first = yaml.safe_load((replica_run / "results/paper/assets/_variables.yml").read_text())
    theirs_agree, ours_agree = (unmark(v["items"]["obj_achieved"]["agree"]) for v in (mine, first))
    assert theirs_agree != ours_agree
    for fmt in ("html", "pdf"):
        assert f"{theirs_agree} that they are achieved" in theirs[fmt]
        assert f"{ours_agree} that they are achieved" in ours[fmt]


def test_the_configured_fieldwork_is_printed_as_dates_and_traced_to_its_config_file(replica_run, other_run):
    """other.yaml dates the fieldwork; the replica's configuration leaves it unknown."""
    start, end = (OTHER_STUDY["fieldwork"][k] for k in ("start", "end"))
    dated = f"Fieldwork ran from {start.day} {start:%B %Y} to {end.day} {end:%B %Y}."
    unknown = "The study did not report when the fieldwork took place"
    for fmt, text in texts(other_run).items():
        assert dated in text and unknown not in text, fmt
    for fmt, text in texts(replica_run).items():
        assert unknown in text and "Fieldwork ran" not in text, fmt
    provenance = pd.read_csv(other_run / "results/paper/provenance.csv", dtype=str, keep_default_na=False)
    rows = provenance[provenance["row_key"] == "study.fieldwork"].set_index("column")
    assert rows.loc["start", "text"] == f"{start.day} {start:%B %Y}"
    assert rows.loc["start", "value"] == start.isoformat()
    assert set(rows["source"]) == {"other.yaml"}
    assert set(rows["location"]) == {"Section The survey and the data"}
    mode = provenance[(provenance["row_key"] == "study") & (provenance["column"] == "mode")]
    assert mode["source"].tolist() == ["config/config.yaml"]


def test_the_notice_is_absent_when_the_data_are_not_synthetic(metadata_run):
    folder, _ = metadata_run
    for fmt, text in texts(folder).items():
        assert "synthetic" not in text.lower(), fmt
        assert html.unescape("Source: coordinator survey") in text, fmt
