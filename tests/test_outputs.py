"""The declaration of every output (leisurenet.outputs): complete and consistent, so that the
lists derived from it (rule all, load's names, the paper's inputs, the release) are too."""

from __future__ import annotations

import re

from leisurenet.outputs import ALWAYS, ON_REQUEST, OUTPUTS, RELEASE, SYNTHETIC, for_paper, made_by_every_run

from .conftest import ROOT


def test_every_output_says_what_the_release_does_with_it():
    for out in OUTPUTS:
        assert out.release is None or out.release in RELEASE, out.path
    archived = [out.archived_as for out in OUTPUTS if out.archived_as]
    assert len(archived) == len(set(archived))
    # a table goes in under the folder of the stage that wrote it
    assert {out.archived_as for out in OUTPUTS if out.release == "table"} == {
        f"tables/{out.path}" for out in OUTPUTS if out.release == "table"
    }


def test_respondent_data_and_the_cells_are_what_the_release_protects():
    """The release rule passes these by name to build_release, which pseudonymises the one and
    suppresses small cells in the other: their names are its parameters."""
    protected = {out.name for out in OUTPUTS if out.release in ("respondents", "cells")}
    assert protected == {"recoded", "variables", "cells"}
    assert "def build_release(\n    *,\n    recoded: str | Path,\n    variables: str | Path,\n    cells:" in (
        ROOT / "src" / "leisurenet" / "release" / "archive.py"
    ).read_text(encoding="utf-8")


def test_what_the_paper_reads_has_a_name_and_tables_have_row_keys():
    for out in for_paper():
        assert out.name, out.path
        assert out.rows is None or out.path.endswith(".csv"), out.path


def test_a_run_makes_everything_but_the_release_and_the_replica_only_for_itself():
    assert {out.made for out in OUTPUTS} == {ALWAYS, SYNTHETIC, ON_REQUEST}
    with_replica = {out.path for out in made_by_every_run(synthetic=True)}
    own_data = {out.path for out in made_by_every_run(synthetic=False)}
    assert with_replica - own_data == {out.path for out in OUTPUTS if out.made == SYNTHETIC}
    assert not any(path.startswith("release/") for path in with_replica)


def test_captions_exist():
    for out in OUTPUTS:
        if out.report:
            assert (ROOT / "workflow" / "report" / out.report).is_file(), out.report
            assert out.category, out.path


def test_paths_are_relative_posix_paths_under_results():
    for out in OUTPUTS:
        assert re.fullmatch(r"[\w.-]+(/[\w.-]+)*", out.path) and not out.path.startswith("results/"), out.path


def test_the_readme_names_the_stage_and_folder_of_every_output():
    """README's Layout table: for every output, the row of the .smk file of its rule names the
    folder of results/ it is in (so a reader finds the code behind any file)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") :]
    rows = [
        line.split(" | ")
        for line in layout.splitlines()
        if re.match(r"\| (data|analysis|paper|release) \|", line)
    ]
    assert len(rows) == 4
    rule_files = {
        rule: smk.name
        for smk in (ROOT / "workflow" / "rules").glob("*.smk")
        for rule in re.findall(r"^rule (\w+):", smk.read_text(encoding="utf-8"), flags=re.MULTILINE)
    }
    for out in OUTPUTS:
        row = next(cells for cells in rows if f"`{rule_files[out.rule]}`" in cells[2])
        folder = out.path.split("/")[0]
        assert f"`{folder}/`" in row[-1] or f"`{folder}`" in row[-1], (out.path, row[0])
