"""The public release: pseudonymisation, the deterministic archive, failing checks and the
release target end to end (slow)."""

from __future__ import annotations

import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from leisurenet.analysis.crosstab import crosstab_cells
from leisurenet.release.archive import (
    ARCHIVE_ROOT,
    build_release,
    coarsen_levels,
    prepare_release,
    pseudonymise,
    write_disclosure_report,
)
from leisurenet.release.disclosure import DisclosureError
from leisurenet.release.settings import DEFAULTS, release_settings

from ..conftest import RELEASE_TARGET, ROOT, run

N = 40
TABLE_FILES = {
    "tables/crosstabs/tests.csv": "results/crosstabs/tests.csv",
    "tables/descriptives/items.csv": "results/descriptives/items.csv",
    "tables/models/fit.csv": "results/models/fit.csv",
    "tables/audit/figures.csv": "results/audit/figures.csv",
    "paper/paper.html": "results/paper/paper.html",
    "paper/paper.pdf": "results/paper/paper.pdf",
    "codebook/codebook.yaml": "config/codebook.yaml",
}
MICRODATA = {"data/respondents.parquet", "data/respondents.csv", "data/variables.csv"}
# What the archive holds by default: no respondent-level data.
DEFAULT_FILES = {"README.md", "LICENSE", "CITATION.cff", "tables/crosstabs/cells.csv", *TABLE_FILES}
EXPECTED_FILES = DEFAULT_FILES | MICRODATA


def crafted_recoded() -> pd.DataFrame:
    """40 respondents in 4 combinations of size class and role, 10 each, in export order."""
    size = pd.Categorical(["small", "large"] * (N // 2), categories=["small", "large"], ordered=True)
    role = pd.Categorical(
        (["coproducer"] * 2 + ["facilitator"] * 2) * (N // 4),
        categories=["facilitator", "coproducer", "mixed"],
    )
    return pd.DataFrame(
        {
            "resp_id": pd.array([f"R{i + 1:02d}" for i in range(N)], dtype="string"),
            "network_id": pd.array([f"N{i + 101:03d}" for i in range(N)], dtype="string"),
            "municipality_pop": pd.array(
                np.where(size == "small", 9000, 52000) + np.arange(N), dtype="Int64"
            ),
            "size_class": size,
            "vis_defined": pd.array(np.arange(N) % 5 + 1, dtype="Int8"),
            "role_overall": role,
            # The export row, so that a released row can be traced in the tests (not in real data).
            "row": np.arange(N),
        }
    )


@pytest.fixture
def project(tmp_path) -> Path:
    """A results/ tree as the pipeline leaves it, with crafted inputs for the release."""
    recoded = crafted_recoded()
    results = tmp_path / "results"
    (results / "recode").mkdir(parents=True)
    recoded.to_parquet(results / "recode/recoded.parquet", index=False)
    pd.DataFrame(
        {
            "column": recoded.columns,
            "dtype": recoded.dtypes.astype(str),
            "levels": "",
            "description": [f"about {c}" for c in recoded.columns],
        }
    ).to_csv(results / "recode/variables.csv", index=False)
    (results / "crosstabs").mkdir()
    crosstab_cells(recoded, "role_overall", "size_class").assign(crosstab="role_overall_by_size").to_csv(
        results / "crosstabs/cells.csv", index=False
    )
    for name, source in TABLE_FILES.items():
        path = tmp_path / source
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f"{name}\n1,2\n".encode())
    for name in ("LICENSE", "CITATION.cff"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def build(folder: Path, output: str = "results/release/leisurenet-release.zip", **settings):
    files = {name: folder / source for name, source in TABLE_FILES.items()}
    files |= {"LICENSE": folder / "LICENSE", "CITATION.cff": folder / "CITATION.cff"}
    return build_release(
        recoded=folder / "results/recode/recoded.parquet",
        variables=folder / "results/recode/variables.csv",
        cells=folder / "results/crosstabs/cells.csv",
        files=files,
        output=folder / output,
        settings=release_settings(settings),
        synthetic=True,
    )


def tree_hashes(folder: Path, skip: str = "results/release") -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not str(p.relative_to(folder)).startswith(skip)
    }


# --- pseudonymisation --------------------------------------------------------------------


def test_pseudonymisation_drops_the_network_and_shuffles_the_ids():
    recoded = crafted_recoded()
    released = pseudonymise(recoded, seed=11)
    assert "network_id" not in released and "municipality_pop" not in released
    assert list(released.columns) == [
        c for c in recoded.columns if c not in ("network_id", "municipality_pop")
    ]
    assert released["size_class"].dtype == recoded["size_class"].dtype  # types kept
    assert released["vis_defined"].dtype == "Int8"
    # New ids, sorted, one per respondent, none of them an original id or network id.
    assert released["resp_id"].tolist() == [f"P{i + 1:02d}" for i in range(N)]
    originals = set(recoded["resp_id"]) | set(recoded["network_id"])
    assert not originals & set(released["resp_id"])
    assert not any(o in " ".join(released.astype(str).to_numpy().ravel()) for o in originals)
    # Not in the original order: the export rows, read in new-id order, are shuffled.
    assert released["row"].tolist() != list(range(N))
    assert released["row"].tolist() != list(range(N))[::-1]
    assert sorted(released["row"]) == list(range(N))
    # Each respondent keeps their own answers under the new id.
    merged = released.merge(recoded, on="row", suffixes=("", "_orig"))
    assert (merged["vis_defined"] == merged["vis_defined_orig"]).all()


def test_pseudonymisation_is_fixed_by_the_seed():
    recoded = crafted_recoded()
    first, again = pseudonymise(recoded, seed=11), pseudonymise(recoded, seed=11)
    pd.testing.assert_frame_equal(first, again)
    assert pseudonymise(recoded, seed=12)["row"].tolist() != first["row"].tolist()


def test_drop_and_coarsen():
    recoded = crafted_recoded()
    coarsen = {"role_overall": {"facilitator": "other", "mixed": "other"}}
    released = pseudonymise(recoded, seed=1, drop=["vis_defined"], coarsen=coarsen)
    assert "vis_defined" not in released
    assert list(released["role_overall"].cat.categories) == ["other", "coproducer"]
    assert released["role_overall"].value_counts().to_dict() == {"other": 20, "coproducer": 20}
    with pytest.raises(ValueError, match="facilitatr"):
        coarsen_levels(recoded["role_overall"], {"facilitatr": "other"})
    with pytest.raises(KeyError, match="role_overal"):
        pseudonymise(recoded, seed=1, drop=["role_overal"])


def test_the_schema_defaults_are_the_code_defaults():
    """The rule reads config.get("release", {}) with the code's defaults: the schema's defaults
    must be the same."""
    schema = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text(encoding="utf-8"))
    properties = schema["properties"]["release"]["properties"]
    assert {key: spec["default"] for key, spec in properties.items()} == DEFAULTS


def test_release_settings_fill_defaults_and_reject_unknown_keys():
    assert release_settings(None) == DEFAULTS
    assert release_settings({"k": 3})["k"] == 3
    with pytest.raises(ValueError, match="unknown key"):
        release_settings({"min_cell": 3})
    with pytest.raises(ValueError, match="group_disclosure"):
        release_settings({"group_disclosure": "warn"})


@pytest.mark.parametrize("value", ["true", "yes", 1, 0, None, ["true"]])
def test_release_microdata_must_be_a_boolean(value):
    assert release_settings({"microdata": True})["microdata"] is True
    with pytest.raises(ValueError, match=r"release\.microdata must be true or false") as error:
        release_settings({"microdata": value})
    assert repr(value) in str(error.value)


def members(archive: Path) -> set[str]:
    return {n.removeprefix(f"{ARCHIVE_ROOT}/") for n in zipfile.ZipFile(archive).namelist()}


# --- the archive -------------------------------------------------------------------------


def test_the_default_archive_holds_no_respondent_data(project):
    build(project)
    archive = project / "results/release/leisurenet-release.zip"
    assert members(archive) == DEFAULT_FILES
    assert not any(name.startswith("data/") for name in members(archive))
    readme = zipfile.ZipFile(archive).read(f"{ARCHIVE_ROOT}/README.md").decode()
    assert "holds no respondent-level data" in readme
    assert "k-anonymity" not in readme  # no claim about data that are not there


def test_the_report_says_what_the_archive_holds_of_the_respondents(project):
    cells = pd.read_csv(project / "results/crosstabs/cells.csv")
    recoded = crafted_recoded()
    _, result = prepare_release(recoded, cells, release_settings({}))
    write_disclosure_report(result, project / "report.csv", project / "report.md")
    report = (project / "report.md").read_text(encoding="utf-8")
    assert "The archive holds no respondent-level data" in report
    assert "no longer protects" not in report
    checks = pd.read_csv(project / "report.csv").set_index("check")
    assert checks.loc["k_anonymity", "outcome"] == checks.loc["unique_patterns", "outcome"] == "not_needed"

    # The export row makes every pattern unique: leave it out, give everyone the same answer
    # and let the first 4 rows (one of each size class x role) answer otherwise.
    recoded["vis_defined"] = pd.array(np.where(np.arange(N) < 4, 9, 1), dtype="Int8")
    settings = release_settings({"microdata": True, "drop": ["row"]})
    released, result = prepare_release(recoded, cells, settings)
    write_disclosure_report(result, project / "report.csv", project / "report.md")
    report = (project / "report.md").read_text(encoding="utf-8")
    assert "the table suppression no longer protects the tables" in report
    expected = int((~released.drop(columns="resp_id").duplicated(keep=False)).sum())
    assert expected == 4
    assert f"{expected} of {N} respondent(s) (10.0%) have an answer pattern" in report
    unique = pd.read_csv(project / "report.csv").set_index("check").loc["unique_patterns"]
    assert (unique["n"], unique["outcome"]) == (expected, "flagged")
    assert result.passed  # flagged, not failed, under group_disclosure: flag
    with pytest.raises(DisclosureError, match="4 of 40 respondent"):
        prepare_release(recoded, cells, {**settings, "group_disclosure": "fail"})[1].raise_if_failed()


def test_the_archive_is_byte_identical_and_holds_the_listed_files(project):
    build(project, microdata=True)
    build(project, "results/release/again.zip", microdata=True)
    first = (project / "results/release/leisurenet-release.zip").read_bytes()
    assert first == (project / "results/release/again.zip").read_bytes()

    archive = zipfile.ZipFile(io.BytesIO(first))
    names = [i.filename for i in archive.infolist()]
    assert names == sorted(names)
    assert {n.removeprefix(f"{ARCHIVE_ROOT}/") for n in names} == EXPECTED_FILES
    assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}

    def read(name: str) -> bytes:
        return archive.read(f"{ARCHIVE_ROOT}/{name}")

    readme = read("README.md").decode()
    for name in EXPECTED_FILES:
        assert f"`{name}`" in readme  # every file is described
    assert "CC BY 4.0" in readme and "MIT" in readme and "Synthetic data" in readme
    released = pd.read_parquet(io.BytesIO(read("data/respondents.parquet")))
    pd.testing.assert_frame_equal(released, pseudonymise(crafted_recoded(), DEFAULTS["seed"]))
    assert list(pd.read_csv(io.BytesIO(read("data/respondents.csv"))).columns) == list(released.columns)
    variables = pd.read_csv(io.BytesIO(read("data/variables.csv")))
    assert variables["column"].tolist() == list(released.columns)
    cells = pd.read_csv(io.BytesIO(read("tables/crosstabs/cells.csv")))
    assert "suppressed" in cells and len(cells) == 6
    assert read("tables/models/fit.csv") == (project / "results/models/fit.csv").read_bytes()


def test_the_release_leaves_the_internal_results_unchanged(project):
    before = tree_hashes(project)
    build(project, coarsen={"role_overall": {"mixed": "other"}}, microdata=True)
    assert tree_hashes(project) == before
    written = {str(p.relative_to(project)) for p in (project / "results/release").rglob("*")}
    assert written == {"results/release/leisurenet-release.zip"}


def test_a_failing_check_stops_the_release_and_leaves_no_archive(project):
    output = project / "results/release/leisurenet-release.zip"
    build(project)
    assert output.exists()
    with pytest.raises(DisclosureError, match=r"size_class=small, role_overall=coproducer: 10 respondent"):
        build(project, k=11, quasi_identifiers=["size_class", "role_overall"], microdata=True)
    assert not output.exists()  # the earlier archive cannot pass for this build
    assert list((project / "results/release").iterdir()) == []  # no temporary file left either


def test_the_manifest_goes_in_when_given(project):
    manifest = project / "results/manifest.json"
    manifest.write_text('{"files": []}\n')
    files = {name: project / source for name, source in TABLE_FILES.items()} | {"manifest.json": manifest}
    build_release(
        recoded=project / "results/recode/recoded.parquet",
        variables=project / "results/recode/variables.csv",
        cells=project / "results/crosstabs/cells.csv",
        files=files,
        output=project / "out.zip",
        settings=release_settings({}),
    )
    archive = zipfile.ZipFile(project / "out.zip")
    assert archive.read(f"{ARCHIVE_ROOT}/manifest.json") == b'{"files": []}\n'
    assert "`manifest.json`" in archive.read(f"{ARCHIVE_ROOT}/README.md").decode()


# --- CITATION.cff and LICENSE ------------------------------------------------------------


def test_citation_and_license():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["license"] == "MIT"
    assert {"message", "title", "authors"} <= set(cff)
    assert cff["authors"] == [{"name": "the leisurenet project contributors"}]
    [study] = cff["references"]
    assert study["type"] == "generic"
    assert study["title"] == "Lokale netwerken vrijetijdsparticipatie, bevraging van de coördinatoren (2016)"
    assert study["authors"]
    assert "doi" not in (ROOT / "CITATION.cff").read_text(encoding="utf-8").lower().replace("no doi", "")
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License")
    assert "Copyright (c) the leisurenet project contributors" in license_text


# --- end to end --------------------------------------------------------------------------


@pytest.mark.slow
def test_release_target_end_to_end(replica_run, tmp_path):
    """On the replica: by default an archive without respondent data; with the microdata the
    check report, a stop on k-anonymity with the role as a quasi-identifier, the archive once
    the rare roles are merged, and a second build byte-identical, without touching the other
    results.

    Runs in a copy of the finished replica (files keep their times, so only the release's jobs
    run): the shared folder stays as the pipeline left it for the tests reading it meanwhile.
    """
    folder = tmp_path / "project"
    shutil.copytree(replica_run, folder, symlinks=True)
    check_release_target(folder)


def check_release_target(folder: Path) -> None:
    archive = folder / RELEASE_TARGET
    before = tree_hashes(folder / "results", skip="release")

    assert run(folder, RELEASE_TARGET).returncode == 0  # the default: no respondent data
    assert not {n for n in members(archive) if n.startswith("data/")}
    # The role as a quasi-identifier: the default (size class alone) leaves every class of the
    # replica above k, so only this makes the k-anonymity check stop the release.
    settings = {"release": {"microdata": True, "quasi_identifiers": ["size_class", "role_overall"]}}
    (folder / "release_test.yaml").write_text(yaml.safe_dump(settings))
    extra = ["--configfile", "release_test.yaml"]  # after the target: --configfile takes several
    result = run(folder, RELEASE_TARGET, *extra)
    report = pd.read_csv(folder / "results/release/disclosure_report.csv")
    assert (folder / "results/release/disclosure_report.md").exists()
    failing = report[(report["check"] == "k_anonymity") & (report["outcome"] == "fail")]
    # The replica's rare roles by size class (1 facilitator among the small municipalities):
    # the release stops and says which and what to do.
    assert len(failing) and result.returncode != 0 and not archive.exists()
    assert "size_class=small, role_overall=facilitator" in set(failing["combination"])
    assert failing["combination"].iloc[0] in result.stderr
    assert "What to change" in result.stderr
    merged = {r: "other" for r in ("facilitator", "commissioner", "mixed")}
    settings["release"]["coarsen"] = {"role_overall": merged}
    (folder / "release_test.yaml").write_text(yaml.safe_dump(settings))
    result = run(folder, RELEASE_TARGET, *extra)
    assert result.returncode == 0, result.stderr[-3000:]
    report = pd.read_csv(folder / "results/release/disclosure_report.csv")
    assert set(report.loc[report["check"] == "k_anonymity", "outcome"]) == {"pass"}
    first = archive.read_bytes()
    names = {n.removeprefix(f"{ARCHIVE_ROOT}/") for n in zipfile.ZipFile(archive).namelist()}
    assert {"README.md", "LICENSE", "CITATION.cff", "data/respondents.parquet", "data/respondents.csv",
            "tables/crosstabs/cells.csv", "paper/paper.html", "paper/paper.pdf"} <= names  # fmt: skip
    member = zipfile.ZipFile(archive).read(f"{ARCHIVE_ROOT}/data/respondents.parquet")
    released = pd.read_parquet(io.BytesIO(member))
    assert len(released) == 77 and "network_id" not in released

    assert run(folder, RELEASE_TARGET, "--forcerun", "release", *extra).returncode == 0
    assert archive.read_bytes() == first
    assert tree_hashes(folder / "results", skip="release") == before
