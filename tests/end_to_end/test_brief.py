"""The Dutch brief of a pipeline run: short, Dutch, every conclusion with its verdict, every
number from results/ (traced in its provenance.csv and printed the Dutch way), and the
synthetic notice on its first page only when the data are the replica."""

from __future__ import annotations

import re

import pandas as pd
import pypdf
import pytest

from ..rendered import html_text, pdf_text

pytestmark = pytest.mark.slow
VERDICT_WORDS = {
    "supported": "gesteund",
    "inconclusive": "geen oordeel mogelijk",
    "not supported": "niet gesteund",
}


def texts(folder) -> dict[str, str]:
    brief = folder / "results" / "brief"
    return {"html": html_text(brief / "brief_nl.html"), "pdf": pdf_text(brief / "brief_nl.pdf")}


def test_the_brief_is_dutch_short_and_synthetic_on_its_first_page(replica_run):
    brief = replica_run / "results" / "brief"
    pdf = pypdf.PdfReader(brief / "brief_nl.pdf")
    assert len(pdf.pages) <= 6
    assert pdf.trailer["/Root"]["/Lang"] == "nl" and pdf.metadata.title.startswith("Lokale netwerken")
    assert "Synthetische gegevens." in pdf.pages[0].extract_text()
    page = (brief / "brief_nl.html").read_text(encoding="utf-8")
    assert re.search(r'<html[^>]* lang="nl"', page)
    for fmt, text in texts(replica_run).items():
        assert text.index("Synthetische gegevens") < text.index("Wat werd gevraagd"), fmt


def test_the_brief_carries_no_notice_on_a_real_export(metadata_run):
    folder, _ = metadata_run
    for fmt, text in texts(folder).items():
        assert "ynthetisch" not in text and "replica" not in text, fmt
        assert "Wat werd gevraagd" in text, fmt


def test_every_conclusion_is_in_the_brief_with_its_verdict(replica_run):
    verdicts = pd.read_csv(replica_run / "results/conclusions/verdicts.csv")
    for fmt, text in texts(replica_run).items():
        flat = " ".join(text.split())
        for row in verdicts.itertuples(index=False):
            start = flat.index(" ".join(row.text_nl.split()))
            assert VERDICT_WORDS[row.verdict] in flat[start : start + 400], (fmt, row.conclusion)


def test_every_number_of_the_brief_is_traced_and_reads_back_the_dutch_way(replica_run):
    """provenance.csv lists every number the brief prints; read as a Dutch reader reads it (a
    decimal comma), each is its value, rounded (a share in percent, an interval's limits as
    proportions times 100), and each is in both the HTML's and the PDF's text."""
    provenance = pd.read_csv(replica_run / "results/brief/provenance.csv", dtype=str, keep_default_na=False)
    assert len(provenance) > 100
    both = texts(replica_run)
    for row in provenance.itertuples(index=False):
        printed, value = row.text, float(row.value)
        number = printed.removeprefix("< ").rstrip("%")
        decimals = len(number.partition(",")[2])
        shown = float(number.replace(".", "").replace(",", "."))
        if printed.startswith("<"):  # a p-value below what three decimals show
            assert value < shown, row
            continue
        assert min(abs(shown - value), abs(shown - 100 * value)) <= 0.5 * 10**-decimals + 1e-9, row
        assert all(printed in text for text in both.values()), row
    assert provenance["text"].str.contains(",").any() and not provenance["text"].str.contains(r"\d\.\d").any()
