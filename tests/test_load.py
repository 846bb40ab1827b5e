"""The loader of stage outputs (leisurenet.load): names, messages, types, where it looks.

Everything runs on small fake result trees in tmp_path; the real pipeline's outputs are
checked against the names in tests/end_to_end/test_notebooks.py, on the replica run.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from leisurenet import load as ln
from leisurenet.codebook import Codebook
from leisurenet.config import load_config
from leisurenet.io import write_csv, write_parquet
from leisurenet.outputs import OUTPUTS as OUTPUT_DECLARATIONS

from .conftest import ROOT


@pytest.fixture(autouse=True)
def no_results_variable(monkeypatch):
    """The tests say where the results are; a LEISURENET_RESULTS of the caller must not."""
    monkeypatch.delenv(ln.ENV_VAR, raising=False)


def typed_frame() -> pd.DataFrame:
    """The kinds of column the recoded data has: nullable codes, ordered categories, text."""
    return pd.DataFrame(
        {
            "resp_id": pd.array(["r1", "r2", "r3"], dtype="string"),
            "vis_defined": pd.array([4, None, 1], dtype="Int8"),
            "vis_defined_missing": pd.Categorical([None, "blank", None], categories=["dont_know", "blank"]),
            "vis_defined_cat": pd.Categorical(
                ["positive", None, "negative"], categories=["negative", "neutral", "positive"], ordered=True
            ),
            "score_vision": pd.array([4.5, None, 1.25], dtype="Float64"),
        }
    )


@pytest.fixture
def results(tmp_path):
    """A results folder holding three outputs: recoded (Parquet), items (CSV), paper_variables (YAML)."""
    folder = tmp_path / "results"
    write_parquet(typed_frame(), folder / "recode" / "recoded.parquet")
    write_csv(
        pd.DataFrame({"item": ["vis_defined"], "n_valid": [2], "pct_positive": [33.3]}),
        folder / "descriptives" / "items.csv",
    )
    (folder / "paper" / "assets").mkdir(parents=True)
    (folder / "paper" / "assets" / "_variables.yml").write_text("n_respondents: 77\n", encoding="utf-8")
    return folder


# --- reading ----------------------------------------------------------------------------


def test_parquet_keeps_its_types(results):
    loaded = ln.load("recoded", results)
    pd.testing.assert_frame_equal(loaded, typed_frame())
    assert loaded["vis_defined_cat"].cat.ordered


def test_csv_is_read_with_pandas_defaults(results):
    pd.testing.assert_frame_equal(
        ln.load("items", results), pd.read_csv(results / "descriptives" / "items.csv")
    )


def test_yaml_is_a_mapping(results):
    assert ln.load("paper_variables", results) == {"n_respondents": 77}


def test_results_may_be_a_string(results):
    assert len(ln.load("recoded", str(results))) == 3


# --- messages ---------------------------------------------------------------------------


def test_not_run_yet_says_how_to_make_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ln.OutputMissingError) as error:
        ln.load("recoded", "results")
    message = str(error.value)
    assert message.startswith(
        "results/recode/recoded.parquet does not exist: run `make` first "
        "(or `snakemake --cores 2 results/recode/recoded.parquet`)"
    )
    assert "has not been run" in message
    assert isinstance(error.value, FileNotFoundError)


def test_a_missing_stage_in_a_results_folder(results):
    with pytest.raises(FileNotFoundError, match=r"models/fit\.csv does not exist: run `make` first") as error:
        ln.load("fit", results)
    assert str(results / "models" / "fit.csv") in str(error.value)
    assert "`snakemake --cores 2 results/models/fit.csv`" in str(error.value)


@pytest.mark.parametrize(
    ("name", "suggested"),
    [
        ("item", ["items", "item_distribution", "item_total"]),
        ("cofficients", ["coefficients"]),
        ("crosstab", ["cells", "tests"]),
        ("audit", ["figures"]),
        ("model", ["coefficients", "fit"]),
    ],
)
def test_unknown_name_suggests_close_ones(results, name, suggested):
    with pytest.raises(ln.UnknownOutputError) as error:
        ln.load(name, results)
    message = str(error.value)
    assert message.startswith(f"unknown output '{name}'.")  # no KeyError quotes around it
    hint = re.search(r"Did you mean: ([^?]*)\?", message)
    assert hint and set(suggested) <= set(hint.group(1).split(", "))
    assert "Known names: " + ", ".join(ln.OUTPUTS) in message
    assert isinstance(error.value, KeyError)


def test_unknown_name_without_a_close_one(results):
    with pytest.raises(KeyError, match="Known names: raw_export") as error:
        ln.load("xyzzy", results)
    assert "Did you mean" not in str(error.value)


# --- available() and where the results are ----------------------------------------------


def test_available_lists_every_name_and_whether_it_exists(results):
    listing = ln.available(results)
    assert list(listing.columns) == ["name", "path", "exists", "description"]
    assert listing["name"].tolist() == list(ln.OUTPUTS)
    assert set(listing.loc[listing["exists"], "name"]) == {"recoded", "items", "paper_variables"}
    paths = listing.set_index("name")["path"]
    assert paths["tests"] == str(results / "crosstabs" / "tests.csv")
    assert paths["recoded"] == str(results / "recode" / "recoded.parquet")
    assert listing["description"].str.len().gt(0).all()


def test_a_figures_data_by_the_figures_name(results):
    write_csv(pd.DataFrame({"group": ["small"], "pct": [6.45]}), results / "figures" / "likert_vision.csv")
    assert ln.load("figure_likert_vision", results).equals(pd.DataFrame({"group": ["small"], "pct": [6.45]}))
    listing = ln.available(results).set_index("name")
    assert listing.loc["figure_likert_vision", "exists"]
    assert listing.loc["figure_likert_vision", "description"] == "the data the figure likert_vision draws"
    with pytest.raises(ln.OutputMissingError, match="results/figures/role_by_size.csv"):
        ln.load("figure_role_by_size", results)


def test_the_environment_variable_sets_the_default(results, tmp_path, monkeypatch):
    monkeypatch.setenv(ln.ENV_VAR, str(results))
    monkeypatch.chdir(tmp_path)
    assert ln.results_dir() == results
    assert len(ln.load("recoded")) == 3
    assert ln.available()["exists"].sum() == 3
    with pytest.raises(FileNotFoundError, match=ln.ENV_VAR):  # says where the folder came from
        ln.load("fit")
    with pytest.raises(FileNotFoundError):  # an explicit folder wins over the variable
        ln.load("recoded", tmp_path / "elsewhere")


def test_default_is_the_project_roots_results(tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    (project / "Snakefile").write_text("# a workflow\n")
    write_parquet(typed_frame(), project / "results" / "recode" / "recoded.parquet")
    monkeypatch.chdir(project / "notebooks")  # where Jupyter starts a notebook
    assert ln.project_root() == project
    assert ln.results_dir() == project / "results"
    assert len(ln.load("recoded")) == 3
    assert ln.project_root(tmp_path) is None


# --- the names against the declaration of every output -------------------------------------


def rule_blocks() -> dict[str, str]:
    """Every rule of workflow/rules/*.smk, by name: its text."""
    blocks = {}
    for smk in sorted((ROOT / "workflow" / "rules").glob("*.smk")):
        for block in re.split(r"(?m)^(?=rule )", smk.read_text(encoding="utf-8"))[1:]:
            blocks[re.match(r"rule (\w+):", block).group(1)] = block
    return blocks


def test_every_rule_takes_its_results_from_the_declaration():
    """A rule that writes a result names it through leisurenet.outputs: no literal results/
    path among its outputs but the scratch files of a split job and the figures (a family
    of their own)."""
    blocks = rule_blocks()
    for rule in {out.rule for out in OUTPUT_DECLARATIONS}:
        assert f'**outputs("{rule}")' in blocks[rule], rule
    for rule, block in blocks.items():
        section = re.search(r"\n    output:\n(.*?)\n    [a-z]+:", block, flags=re.DOTALL)
        literal = re.findall(r'"(results/[^"]+)"', section.group(1)) if section else []
        assert all("{" in p or p.startswith("results/figures/") for p in literal), (rule, literal)


def test_names_are_unique_files():
    files = [out.path for out in OUTPUT_DECLARATIONS]
    assert len(files) == len(set(files))
    assert all(re.fullmatch(r"[a-z][a-z_]*", name) for name in ln.OUTPUTS)
    assert list(ln.OUTPUTS) == [out.name for out in OUTPUT_DECLARATIONS if out.name]


def test_copies_have_no_name_of_their_own():
    """A table written in two formats is loaded from the first (Parquet before CSV, CSV before
    Markdown); the copy has no name."""
    paths = {out.path for out in OUTPUT_DECLARATIONS}
    earlier = {".csv": ".parquet", ".md": ".csv"}
    for out in OUTPUT_DECLARATIONS:
        stem, dot, suffix = out.path.rpartition(".")
        if earlier.get(dot + suffix) and stem + earlier[dot + suffix] in paths:
            assert out.name is None, out.path


# --- codebook() and config() --------------------------------------------------------------


def test_codebook_is_the_projects():
    assert ln.codebook().item_ids == Codebook.from_yaml(ROOT / "config" / "codebook.yaml").item_ids


def test_config_merges_files_as_load_config_does(tmp_path):
    override = tmp_path / "mine.yaml"
    override.write_text("analysis:\n  confidence: 0.9\n", encoding="utf-8")
    assert ln.config() == load_config()
    mine = ln.config(override)
    assert mine == load_config(override)
    assert mine["analysis"]["confidence"] == 0.9
    assert mine["analysis"]["seed"] == load_config()["analysis"]["seed"]  # the rest stays
