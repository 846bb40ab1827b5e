"""Configuration, codebook schema and the environment files."""

from __future__ import annotations

import datetime
import re
import subprocess

import pytest
import yaml

from leisurenet import quarto
from leisurenet.codebook import Codebook
from leisurenet.config import (
    STUDY_KEYS,
    check_files,
    config_sources,
    load_config,
    parse_iso_date,
    study_value,
    validate_config,
)
from leisurenet.workflow import condaenv

from .conftest import ROOT, SNAKEMAKE


def test_every_schema_key_has_a_description_and_a_default():
    schema = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())

    def walk(node, path):
        for key, sub in node.get("properties", {}).items():
            assert "description" in sub, f"{path}{key} has no description"
            assert "default" in sub, f"{path}{key} has no default"
            walk(sub, f"{path}{key}.")

    walk(schema, "")


def test_defaults_fill_what_a_user_file_leaves_out(tmp_path):
    user = tmp_path / "mine.yaml"
    user.write_text("data:\n  raw: my_export.sav\n  frame: null\npublished: null\n")
    config = load_config(user)
    assert config["data"] == {"raw": "my_export.sav", "frame": None, "sheet": None, "mapping": None}
    assert config["published"] is None
    assert config["size_class"]["breaks"] == [15000, 40000]
    assert validate_config({})["governance_role"]["rule"] == "highest"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"size_class": {"breaks": [40000, 15000]}}, "increase strictly"),
        ({"size_class": {"labels": ["small", "large"]}}, "one more"),
        ({"governance_role": {"rule": "loudest"}}, "governance_role.rule"),
        ({"data": {"rawfile": "x.csv"}}, "Additional properties"),
        (
            {"study": {"fieldwork": {"start": "1/3/2016"}}},
            r"study.fieldwork.start: '1/3/2016' is not an ISO date; write",
        ),
        ({"study": {"frame": {"date": "2016-02-30"}}}, "study.frame.date: '2016-02-30' is not an ISO date"),
        (
            {"study": {"fieldwork": {"start": "2016-03-01", "end": "2016-02"}}},
            "study.fieldwork: end '2016-02' is before",
        ),
        ({"study": {"mode": "web [see note]"}}, "study.mode: .* square bracket .* write parentheses"),
        ({"study": {"mode": 3}}, "study.mode: 3 is not of type"),
        ({"study": {"sponsour": "x"}}, "Additional properties"),
    ],
)
def test_invalid_configuration_is_rejected_with_its_key(override, message):
    with pytest.raises(ValueError, match=message):
        validate_config(override)


def test_study_dates_may_be_reduced_to_a_month_or_a_year_and_unquoted(tmp_path):
    # the fieldwork in March ends on or after its first day: a month is its first to its last day
    for start, end in (("2016-03-15", "2016-03"), ("2016-03", "2016-03-01"), ("2016", "2016-12-31")):
        validate_config({"study": {"fieldwork": {"start": start, "end": end}}})
    assert parse_iso_date("2016-02") == (datetime.date(2016, 2, 1), datetime.date(2016, 2, 29), "month")
    assert parse_iso_date("2016-12")[1] == datetime.date(2016, 12, 31)
    mine = tmp_path / "mine.yaml"
    mine.write_text("study:\n  fieldwork: {start: 2016-03-01}\n  frame: {date: 2016}\n")
    study = load_config(mine)["study"]
    assert (study["fieldwork"]["start"], study["frame"]["date"]) == ("2016-03-01", "2016")


def test_every_key_of_the_schemas_study_is_printed_by_the_paper():
    schema = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())

    def leaves(node, path):
        for key, sub in node["properties"].items():
            yield from leaves(sub, f"{path}{key}.") if "properties" in sub else [f"{path}{key}"]

    assert sorted(leaves(schema["properties"]["study"], "")) == sorted(STUDY_KEYS)
    assert all(study_value(validate_config({})["study"], key) is None for key in STUDY_KEYS)
    smk = (ROOT / "workflow/rules/paper.smk").read_text()
    assert '*(f"study.{key}" for key in STUDY_KEYS)' in smk.split("PRINTED_SETTINGS = (")[1].split(")\n")[0]


def test_codebook_schema_and_cross_references_are_enforced(codebook):
    broken = yaml.safe_load((ROOT / "config/codebook.yaml").read_text())
    del broken["scales"]["A5"]["codes"][1]["en"]
    path = ROOT / "config" / "codebook.yaml"
    tmp = path.with_name("broken.codebook.yaml")
    try:
        tmp.write_text(yaml.safe_dump(broken))
        with pytest.raises(ValueError, match="scales/A5/codes/1"):
            Codebook.from_yaml(tmp)
    finally:
        tmp.unlink()
    spec = yaml.safe_load(path.read_text())
    spec["items"][0]["scale"] = "A7"
    with pytest.raises(ValueError, match="scale 'A7' is not defined"):
        Codebook(spec)


def test_codebook_covers_every_published_item(codebook, published):
    assert len(codebook.item_ids) == 45
    for figure in published["figures"]:
        assert set(figure["items"]) <= set(codebook.item_ids), figure["id"]


def conda_dependencies(env: dict) -> tuple[list[str], list[str]]:
    """An environment file's conda packages and its pip section."""
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = [item for d in env["dependencies"] if isinstance(d, dict) for item in d["pip"]]
    return conda, pip


def test_environment_yml_takes_python_and_quarto_from_conda_and_the_rest_from_the_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda, pip = conda_dependencies(env)
    assert sorted(conda) == sorted(condaenv.CONDA_PACKAGES)
    # Quarto within the range the paper is tested with, which the README states too
    assert f"quarto{quarto.RANGE}" in conda and quarto.RANGE == ">=1.7,<1.10"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{quarto.RANGE}`" in readme and f"`quarto{quarto.RANGE}`" in readme
    # relative to the folder of environment.yml, which conda runs pip in
    assert pip == ["-r requirements.lock", "-e ."]
    assert (ROOT / "requirements.lock").is_file() and (ROOT / "pyproject.toml").is_file()


def test_the_rules_conda_environment_is_the_lock_and_every_rule_uses_it():
    lock = (ROOT / "requirements.lock").read_text()
    rule_env = ROOT / "workflow/envs/leisurenet.yaml"
    assert rule_env.read_text() == condaenv.rule_environment(lock), (
        "run: make lock (or python -m leisurenet.workflow.condaenv)"
    )
    env = yaml.safe_load(rule_env.read_text())
    conda, pip = conda_dependencies(env)
    assert env["channels"] == ["conda-forge"] and sorted(conda) == sorted(condaenv.CONDA_PACKAGES)
    pinned = [line for line in lock.splitlines() if re.fullmatch(r"[A-Za-z0-9_.-]+==\S+", line)]
    assert pip == pinned and len(pinned) > 50
    # every rule that runs code names it (rule all runs none)
    for smk in sorted((ROOT / "workflow/rules").glob("*.smk")):
        text = smk.read_text()
        rules = re.findall(r"^rule (\w+):", text, flags=re.MULTILINE)
        directives = re.findall(r"^    conda:\n        \"([^\"]+)\"", text, flags=re.MULTILINE)
        assert directives == ["../envs/leisurenet.yaml"] * len(rules), smk.name


def test_every_missing_configured_file_is_named_with_what_to_do(tmp_path):
    (tmp_path / "export.csv").write_text("resp_id\n")
    config = {
        "data": {"raw": "export.csv", "frame": None, "mapping": "mapping.yaml"},
        "codebook": "codebook.yaml",
        "published": None,
        "synthetic": {"targets": "synthetic"},
    }
    with pytest.raises(FileNotFoundError) as error:
        check_files(config, tmp_path)
    lines = str(error.value).splitlines()[1:]
    assert [line.split(":")[0].strip() for line in lines] == ["data.mapping", "codebook"]
    assert f"looked for {tmp_path / 'codebook.yaml'}" in lines[1]
    check_files({"data": {"raw": "synthetic", "frame": "synthetic"}, "published": None}, tmp_path)


def test_weighting_null_is_accepted_by_the_workflow(tmp_path):
    """Snakemake's validator would fill defaults into the null section; the Snakefile keeps it null."""
    off = tmp_path / "off.yaml"
    off.write_text("weighting: null\n")
    result = subprocess.run(
        [SNAKEMAKE, "--dry-run", "--forceall", "--configfile", str(off), "--config", "multiverse_jobs=0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    output = result.stdout + result.stderr
    assert "weights-unweighted" in output and "weights-weighted" not in output
    assert load_config(off)["weighting"] is None


def test_a_setting_is_traced_to_the_last_config_file_that_sets_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config").mkdir()
    (tmp_path / "config/config.yaml").write_text("paper:\n  alpha: 0.05\nbootstrap:\n  seed: 1\n")
    (tmp_path / "mine.yaml").write_text("paper:\n  alpha: 0.01\nrelease: {microdata: true}\n")
    (tmp_path / "empty.yaml").write_text("")
    outside = tmp_path.parent / f"{tmp_path.name}_outside.yaml"
    outside.write_text("bootstrap:\n  seed: 7\n")
    files = ["config/config.yaml", str(tmp_path / "mine.yaml"), "empty.yaml", str(outside)]
    (tmp_path / "mine.yaml").write_text(
        "paper:\n  alpha: 0.01\nrelease: {microdata: true}\nstudy: {fieldwork: {start: 2016-03-01}}\n"
    )
    keys = ["paper.alpha", "bootstrap.seed", "bootstrap.replicates", "size_class.breaks"]
    assert config_sources(files, [*keys, "study.fieldwork.start", "study.fieldwork.end"]) == {
        "study.fieldwork.start": "mine.yaml",  # a key three deep
        "study.fieldwork.end": "config/config.yaml",
        "paper.alpha": "mine.yaml",  # Snakemake's absolute path, shown relative to the project
        "bootstrap.seed": outside.as_posix(),  # outside the project: absolute
        "bootstrap.replicates": "config/config.yaml",  # no file sets it: the schema's default
        "size_class.breaks": "config/config.yaml",
    }
    # a file that sets none of the keys leaves the sources as they were
    assert config_sources(files[:1], keys) == config_sources(files[:1] + ["empty.yaml"], keys)
