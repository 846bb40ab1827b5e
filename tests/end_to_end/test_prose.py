"""The generated text reads as a paper: it names things in words, never by their IDs.

On two end-to-end runs (the replica, and 120 other respondents), no item ID, snake_case
column of a results CSV, model ID or cross-tab ID, nor any other snake_case word, appears in
a sentence of ``_variables.yml``, in a table's caption or header, or in the tables' columns
that name cross-tabs, models and terms; and no ``{placeholder}`` is left unfilled.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from leisurenet.analysis.models import load_model_specs
from leisurenet.paper.provenance import unmark

pytestmark = pytest.mark.slow

# Printed in code spans by the manuscript, as they are.
TECHNICAL = {"data.file", "data.checksum"}
NAME_COLUMNS = ("Cross-tab", "Model", "Term", "Estimate")
SNAKE = re.compile(r"(?<![\w@#.-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w-])")
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


@pytest.fixture(params=["replica_run", "other_run"], scope="module")
def run_folder(request) -> Path:
    return request.getfixturevalue(request.param)


def sentences(folder: Path) -> dict[str, str]:
    """Every string value of ``_variables.yml`` by its dotted key, technical values left out."""
    found = {}

    def walk(value, key):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{key}.{k}" if key else str(k))
        elif isinstance(value, str) and key not in TECHNICAL:
            found[key] = unmark(value)  # the text a reader sees, without the numbers' sources

    walk(yaml.safe_load((folder / "results/paper/assets/_variables.yml").read_text(encoding="utf-8")), "")
    return found


def tables(folder: Path) -> dict[str, str]:
    return {
        p.name: unmark(p.read_text(encoding="utf-8"))
        for p in sorted((folder / "results/paper/assets/tables").glob("*.md"))
        if p.stat().st_size  # a table without results (the weighted one, unweighted) is empty
    }


def cells(line: str) -> list[str]:
    """A pipe-table row's cells, without the break hints after underscores."""
    return [c.strip().replace("\u200b", "") for c in line.strip().strip("|").split(" | ")]


def table_prose(name: str, text: str) -> dict[str, str]:
    """A table's caption, header and the cells of the columns that name things."""
    lines = text.splitlines()
    caption = next(line for line in lines if line.startswith(": "))
    header = cells(lines[0])
    found = {f"{name} caption": caption.split(" {#tbl-")[0], f"{name} header": " | ".join(header)}
    rows = [cells(line) for line in lines[2:] if line.startswith("|")]
    for column in NAME_COLUMNS:
        if column in header:
            found[f"{name} column {column}"] = " | ".join(row[header.index(column)] for row in rows)
    return found


def identifiers(folder: Path, codebook) -> dict[str, str]:
    """The IDs the text must not show, each with what it is."""
    ids = {item: "an item ID" for item in codebook.item_ids}
    for path in (folder / "results").rglob("*.csv"):
        if "paper" not in path.relative_to(folder / "results").parts:
            header = pd.read_csv(path, nrows=0).columns
            ids |= {c: f"a column of {path.name}" for c in header if "_" in c}
    ids |= {m: "a model ID" for m in load_model_specs(folder / "config/models.yaml")["models"]}
    tests = pd.read_csv(folder / "results/crosstabs/tests.csv")
    ids |= {c: "a cross-tab ID" for c in tests["crosstab"]}
    return ids


def spellings(id_: str, kind: str) -> list[str]:
    """The forms of an ID that SNAKE does not catch: one without an underscore, and a model's or
    cross-tab's ID with spaces for underscores ("role act by size" is no name either)."""
    forms = [id_] if "_" not in id_ else []
    return forms + (
        [id_.replace("_", " ")] if "_" in id_ and kind in {"a model ID", "a cross-tab ID"} else []
    )


def offences(texts: dict[str, str], ids: dict[str, str]) -> list[str]:
    found = []
    for where, text in texts.items():
        found += [f"{where}: '{word}' ({ids.get(word, 'snake_case')})" for word in SNAKE.findall(text)]
        found += [
            f"{where}: '{form}' ({kind})"
            for id_, kind in ids.items()
            for form in spellings(id_, kind)
            if re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text)
        ]
    return found


def test_sentences_name_things_in_words(run_folder, codebook):
    texts = sentences(run_folder)
    assert "crosstab.sentence" in texts and "model.sentence" in texts
    assert offences(texts, identifiers(run_folder, codebook)) == []


def test_captions_headers_and_name_columns_name_things_in_words(run_folder, codebook):
    texts = {}
    for name, text in tables(run_folder).items():
        texts |= table_prose(name, text)
    assert "models.md column Term" in texts and "crosstab_tests.md column Cross-tab" in texts
    assert offences(texts, identifiers(run_folder, codebook)) == []


def test_no_placeholder_is_left(run_folder):
    everything = {"_variables.yml": unmark((run_folder / "results/paper/assets/_variables.yml").read_text())}
    everything |= tables(run_folder)
    for name, text in everything.items():
        assert not PLACEHOLDER.search(text), (name, PLACEHOLDER.findall(text))
