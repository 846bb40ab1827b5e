"""The Dutch brief's sentences and tables: Dutch numbers that read back as the results' values,
every wording reached, the notice only on synthetic data."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from leisurenet.paper import brief
from leisurenet.paper.provenance import SPAN, trace
from leisurenet.paper.wording import Wording

from ..conftest import ROOT

WORDS = Wording.from_yaml(ROOT / "paper" / "brief_nl.yml")


def test_a_number_is_written_the_dutch_way_and_its_value_is_kept():
    text = (
        '[62.3%]{.num data-value="62.3"} en [1,234]{.num data-value="1234"}; '
        '[0.031]{.num data-value="0.031"}, but not 4.5 outside a span'
    )
    assert brief.dutch_numbers(text) == (
        '[62,3%]{.num data-value="62.3"} en [1.234]{.num data-value="1234"}; '
        '[0,031]{.num data-value="0.031"}, but not 4.5 outside a span'
    )
    assert brief.in_dutch({"a": {"b": "[0.5]{.num}"}, "c": 3}) == {"a": {"b": "[0,5]{.num}"}, "c": 3}


def read_dutch(printed: str) -> float:
    """A number as the brief prints it, read as a Dutch reader reads it."""
    return float(printed.rstrip("%").replace(".", "").replace(",", "."))


@pytest.fixture(scope="module")
def results(recoded, codebook):
    """The replica's items, as the describe rule writes them, traced to their file."""
    from leisurenet.analysis.describe import item_summary

    items = item_summary(recoded, codebook, n_frame=104)
    return trace(items, "results/descriptives/items.csv", "item")


def test_every_number_of_the_tables_reads_back_as_its_value(results, codebook):
    spans = [
        span
        for table in (
            brief.figures_table(results, codebook, WORDS, "95"),
            brief.support_table(results, codebook, WORDS, "95"),
        )
        for span in SPAN.findall(table)
    ]
    assert len(spans) > 100
    for printed, attributes in spans:
        value = float(re.search(r'data-value="([^"]*)"', attributes)[1])
        decimals = len(printed.rstrip("%").partition(",")[2])
        # a share prints in percent, its interval's limits as proportions times 100
        shown = read_dutch(printed)
        assert min(abs(shown - value), abs(shown - 100 * value)) <= 0.5 * 10**-decimals + 1e-9, printed
    printed = "".join(p for p, _ in spans)
    assert "," in printed and not re.search(r"\d\.\d", printed)  # decimals after a comma


def flow(n_frame: int | None) -> pd.DataFrame:
    rows = [{"step": "export", "item": "", "n": 77}, {"step": "analysed", "item": "", "n": 77}]
    if n_frame:
        rows.append({"step": "frame", "item": "", "n": n_frame})
    return trace(pd.DataFrame(rows), "results/clean/sample_flow.csv", ("step", "item"))


VERDICTS = pd.DataFrame({"conclusion": ["a", "b"], "verdict": ["supported", "inconclusive"]})


def test_the_notice_and_the_replicas_caveat_only_on_synthetic_data():
    synthetic = brief.brief_variables(flow(104), None, VERDICTS, WORDS, True, "95")
    real = brief.brief_variables(flow(104), None, VERDICTS, WORDS, False, "95")
    assert synthetic["notice"].startswith("**Synthetische gegevens.**") and "replica" in synthetic["replica"]
    assert real["notice"] == real["replica"] == ""
    # 77 of 104 is 74%, in whole percents; the counts of verdicts from the table
    assert re.sub(r"\{[^}]*\}|[\[\]]", "", synthetic["sample"]).endswith("een respons van 74%.")
    assert "steunen de gegevens er 1; bij 1 laten" in re.sub(r"\{[^}]*\}|[\[\]]", "", synthetic["verdicts"])
    no_frame = brief.brief_variables(flow(None), None, VERDICTS, WORDS, False, "95")
    assert "respons" not in no_frame["sample"]


def test_every_dutch_wording_is_reached(results, codebook):
    from ..paper.test_paper_wording import Recording, judged

    words = Recording(WORDS.texts, "brief_nl.yml")
    verdicts, checks = judged()
    checks = checks.assign(subject=checks["subject"].fillna(""))
    checks.loc[2, ["higher", "lower"]] = ["medium", "other"]  # a size class the wording does not know
    brief.verdicts_table(verdicts, checks, codebook, words)
    brief.verdicts_table(verdicts, checks.assign(higher="large", lower="small"), codebook, words)
    brief.verdicts_table(verdicts, checks.drop(index=1), codebook, words)  # a share claimed above
    for synthetic in (True, False):
        for frame in (104, None):
            brief.brief_variables(flow(frame), None, VERDICTS, words, synthetic, "95")
    brief.figures_table(results, codebook, words, "95")
    brief.support_table(results, codebook, words, "95")
    missed = sorted({(k, v) for k, variants in words.texts.items() for v in variants} - words.seen, key=str)
    assert not missed
