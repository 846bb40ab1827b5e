"""The verdict of a rebuild: IDENTICAL, EQUIVALENT or DIFFERENT, from the manifest and its content.

Each test builds a small run (outputs on disk, their manifest and content as the manifest
rule writes them), changes what a machine or an analyst would change, and checks the
verdict and the report. A real change must never pass: a count, a code, a label, a word of
the paper, a number beyond the tolerance, an input, an output only one run has.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from leisurenet.release import content as ct
from leisurenet.release import equivalence as eq
from leisurenet.release import manifest as mf

NO_GIT = {"git_commit": "unknown", "git_dirty": "unknown"}
TABLE = "results/models/coefficients.csv"
COEFFICIENTS = (
    "model,term,n,estimate,p_value,flag\nm,size[large],77,0.9323211460101003,0.10191028211937485,\n"
)
PAPER = """<html><head><title>Paper</title><style>p {color: red}</style></head><body>
<nav><a href="#s">Results</a></nav>
<main><h2 id="s">Results</h2>
<p>The odds ratio is <a class="num"
 data-provenance="results/models/coefficients.csv value: 2.5403995873390546"
 title="value: 2.5403995873390546">2.54</a> (p = 0.102). Large networks answer more often.</p>
<figure><img src="data:image/png;base64,AAAA" alt="Odds ratios by size">
<figcaption>Figure 1: Odds ratios.</figcaption></figure>
<table><tr><th>Term</th><th>OR</th></tr><tr><td>Large against small</td><td>2.54</td></tr></table>
</main><script>var x = 1;</script></body></html>
"""
ASSET = (
    '- [2.54]{.num data-source="results/models/coefficients.csv" data-value="2.5403995873390546"} '
    'of [77]{.num data-value="77"}\n'
)


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.write_bytes if isinstance(data, bytes) else path.write_text)(data)
    return path


def make_run(folder: Path, **changes: str | bytes) -> Path:
    """A finished run in miniature, with ``changes`` (path: new content) applied; returns the
    path of its manifest, with the content file beside it."""
    files = {
        "results/models/coefficients.csv": COEFFICIENTS,
        "results/clean/responses.csv": "resp_id,vis_defined\nR1,4\nR2,5\n",
        "results/figures/model_odds_ratios.svg": "<svg>0.9323</svg>",
        "results/figures/model_odds_ratios.csv": "term,odds_ratio\nsize[large],2.5403995873390546\n",
        "results/paper/assets/tables/models.md": ASSET,
        "results/paper/paper.html": PAPER,
        "results/logs/models.log": "INFO fitted\n",
        "config/config.yaml": "verify: {}\n",
    } | changes
    for path, data in files.items():
        if data is not None:
            write(folder / path, data)
    manifest, content = mf.build_manifest(
        folder,
        {"configfiles": ["config/config.yaml"]},
        requirements=None,
        exclude=["results/manifest.json", "results/manifest_content.json"],
        git=NO_GIT,
        platform={"openblas_coretype": "(not set)", "cores_used": "2"},
    )
    mf.write_manifest(manifest, folder / mf.MANIFEST_JSON, content=content)
    return folder / mf.MANIFEST_JSON


@pytest.fixture
def authors(tmp_path) -> Path:
    return make_run(tmp_path / "authors")


def rebuild(tmp_path: Path, **changes) -> Path:
    return make_run(tmp_path / "rebuild", **changes)


def judged(authors: Path, rebuild: Path, **kwargs) -> tuple[eq.Comparison, str]:
    return mf.compare_files(authors, rebuild, **kwargs)


def verdicts(comparison: eq.Comparison) -> dict[str, str]:
    return {v.path: v.status for v in comparison.outputs if v.status != eq.IDENTICAL}


# --- the tolerance ----------------------------------------------------------------------------


def test_tolerance_is_relative_with_an_absolute_floor():
    tol = eq.Tolerance(rtol=1e-6, atol=1e-10)
    assert tol.agree(1.0223022388609153, 1.0223022422838735)  # 3.3e-9 apart: two kernels
    assert not tol.agree(2.54, 2.5400026)  # 1.02e-6 relative: beyond
    assert tol.agree(1e-17, -2e-17) and not tol.agree(0.0, 2e-10)  # zero up to rounding, atol
    assert tol.agree(float("nan"), float("nan")) and not tol.agree(float("nan"), 0.0)
    assert tol.agree(float("inf"), float("inf")) and not tol.agree(float("inf"), 1e308)
    assert eq.relative_difference(2.0, 2.000002) == pytest.approx(2e-6 / 2.000002, rel=1e-9)


def test_the_default_tolerance_is_the_schemas():
    import yaml

    from leisurenet.paths import SCHEMAS

    schema = yaml.safe_load((SCHEMAS / "config.schema.yaml").read_text())["properties"]["verify"]
    defaults = {key: spec["default"] for key, spec in schema["properties"].items()}
    assert defaults == {"rtol": eq.Tolerance().rtol, "atol": eq.Tolerance().atol}
    assert eq.Tolerance.of({"rtol": 1e-3}) == eq.Tolerance(1e-3, eq.Tolerance().atol)


# --- content --------------------------------------------------------------------------------


def test_each_output_is_kept_as_its_kind(authors):
    content = mf.load_content(authors, mf.load_manifest(authors))["outputs"]
    kinds = {r["path"]: r["kind"] for r in mf.load_manifest(authors)["outputs"]}
    assert kinds == {
        "results/clean/responses.csv": "file",  # one row per respondent: never copied
        "results/figures/model_odds_ratios.csv": "table",
        "results/figures/model_odds_ratios.svg": "figure",
        "results/logs/models.log": "file",
        "results/models/coefficients.csv": "table",
        "results/paper/assets/tables/models.md": "text",
        "results/paper/paper.html": "document",
    }
    assert content["results/clean/responses.csv"]["kind"] == "file" and "R1" not in str(content)
    assert content["results/models/coefficients.csv"]["rows"] == [
        ["m", "size[large]", "77", "0.9323211460101003", "0.10191028211937485", ""]
    ]
    assert content["results/figures/model_odds_ratios.svg"] == {
        "kind": "figure",
        "data": "results/figures/model_odds_ratios.csv",
    }
    assert content["results/paper/assets/tables/models.md"]["values"] == ["2.5403995873390546", "77"]


def test_html_blocks_are_the_text_a_reader_sees():
    assert ct.html_blocks(PAPER) == [
        "Results",
        "The odds ratio is 2.54 (p = 0.102). Large networks answer more often.",
        "[image: Odds ratios by size]",
        "Figure 1: Odds ratios.",
        "Term | OR",
        "Large against small | 2.54",
    ]


def test_pdf_sentences_do_not_depend_on_where_lines_break(tmp_path):
    """The same text set at two widths (other line breaks and hyphenation) reads the same."""
    import typst

    source = (
        '#set page(width: {width}, height: auto)\n#set text(lang: "en", hyphenate: true)\n'
        "#set par(justify: true)\nReproducible pipelines recompute finite-population intervals "
        "with hypergeometric distributions. The second sentence follows, with 37.7% of networks.\n"
    )
    sentences = []
    for width in ("4.5cm", "15cm"):
        path = write(tmp_path / f"{width}.typ", source.replace("{width}", width))
        typst.compile(str(path), output=str(path.with_suffix(".pdf")))
        sentences.append(ct.pdf_sentences(path.with_suffix(".pdf")))
    assert sentences[0] == sentences[1]
    assert sentences[0] == [
        "Reproducible pipelines recompute finitepopulation intervals with hypergeometric distributions.",
        "The second sentence follows, with 37.7% of networks.",
    ]


def test_values_are_set_apart_from_the_wording():
    wording, values = ct.split_values('a [1.0]{data-value="1.0000001"}\n   b [2]{data-value="2"}')
    assert values == ["1.0000001", "2"] and wording == 'a [1.0]{data-value="#"} b [2]{data-value="#"}'


# --- verdicts ---------------------------------------------------------------------------------


def test_a_plain_rebuild_is_identical(authors, tmp_path):
    comparison, text = judged(authors, rebuild(tmp_path))
    assert comparison.verdict == eq.IDENTICAL and text.splitlines()[-1] == "VERIFY: IDENTICAL"
    assert "outputs: 7 compared: 7 identical, 0 equivalent, 0 different" in text


def test_another_kernel_is_equivalent_and_the_largest_difference_is_named(authors, tmp_path):
    moved = "2.5403995897829734"  # the next kernel's odds ratio, 1e-9 apart
    new = rebuild(
        tmp_path,
        **{
            "results/models/coefficients.csv": COEFFICIENTS.replace(
                "0.9323211460101003", "0.9323211469720001"
            ),
            "results/figures/model_odds_ratios.svg": "<svg>0.9323 </svg>",  # the image's bytes
            "results/figures/model_odds_ratios.csv": f"term,odds_ratio\nsize[large],{moved}\n",
            "results/paper/assets/tables/models.md": ASSET.replace("2.5403995873390546", moved),
            "results/paper/paper.html": PAPER.replace("2.5403995873390546", moved),
        },
    )
    comparison, text = judged(authors, new)
    assert comparison.verdict == eq.EQUIVALENT
    assert verdicts(comparison) == {
        "results/figures/model_odds_ratios.csv": eq.EQUIVALENT,
        "results/figures/model_odds_ratios.svg": eq.EQUIVALENT,
        "results/models/coefficients.csv": eq.EQUIVALENT,
        "results/paper/assets/tables/models.md": eq.EQUIVALENT,
        "results/paper/paper.html": eq.EQUIVALENT,
    }
    assert "5 output(s) differ only within the tolerance" in text
    largest = "largest relative difference 1.03e-09: results/models/coefficients.csv, row m / size[large]"
    assert f"{largest}, column estimate: 0.9323211460101003 vs 0.9323211469720001" in text
    assert "equivalent results/figures/model_odds_ratios.svg (only the image's bytes differ" in text
    assert "equivalent results/paper/paper.html (the text is the same word for word)" in text
    assert text.splitlines()[-1] == "VERIFY: EQUIVALENT"


@pytest.mark.parametrize(
    ("path", "old", "new", "shown"),
    [
        # a number beyond the tolerance (1e-5 relative)
        (TABLE, "0.9323211460101003", "0.93233", "column estimate: 0.9323211460101003 -> 0.93233"),
        # a count moves by one: integers compare exactly
        (TABLE, ",77,", ",78,", "column n: 77 -> 78"),
        # a label
        (TABLE, "size[large]", "size[big]", "column term: size[large] -> size[big]"),
        # a flag appears
        (TABLE, "485,\n", "485,separation\n", "column flag:  -> separation"),
        # one word of the paper
        ("results/paper/paper.html", "answer more often", "answer less often", "[more -> less]"),
        # a cell of a printed table
        ("results/paper/paper.html", "<td>2.54</td>", "<td>2.55</td>", "[2.54 -> 2.55]"),
        # a figure's data
        ("results/figures/model_odds_ratios.csv", "2.5403995873390546", "2.6", "2.5403995873390546 -> 2.6"),
        # a log, which carries no content to judge it by
        ("results/logs/models.log", "fitted", "fitted twice", "its bytes differ"),
        # respondent-level data
        ("results/clean/responses.csv", "R2,5", "R2,4", "one row per respondent"),
    ],
)  # fmt: skip
def test_a_real_change_is_different(authors, tmp_path, path, old, new, shown):
    original = (authors.parents[1] / path).read_text()
    assert old in original
    comparison, text = judged(authors, rebuild(tmp_path, **{path: original.replace(old, new)}))
    assert comparison.verdict == eq.DIFFERENT and text.splitlines()[-1] == "VERIFY: DIFFERENT"
    assert f"DIFFERENT {path}" in text and shown in text


def test_an_input_or_an_output_that_only_one_run_has_is_different(authors, tmp_path):
    comparison, text = judged(authors, rebuild(tmp_path, **{"config/config.yaml": "verify: {rtol: 1e-5}\n"}))
    assert comparison.verdict == eq.DIFFERENT and "changed  configfiles: config/config.yaml" in text
    comparison, text = judged(authors, rebuild(tmp_path, **{"results/new.csv": "a\n1\n"}))
    assert verdicts(comparison) == {"results/new.csv": eq.DIFFERENT} and "only in the new run" in text
    comparison, text = judged(rebuild(tmp_path, **{"results/new.csv": "a\n1\n"}), authors)
    assert "DIFFERENT results/new.csv: only in the manifest under review" in text


def test_the_machine_is_reported_and_never_counted(authors, tmp_path):
    new = rebuild(tmp_path)
    manifest = mf.load_manifest(new)
    manifest["platform"] = {"openblas_coretype": "Prescott", "cores_used": "1"}
    manifest["packages"] = {"numpy": "0.0"}
    manifest["python"] = "3.12.0"
    manifest["project"] = {"git_commit": "a" * 40, "git_dirty": True}
    mf.write_manifest(manifest, new, content=mf.load_content(new, mf.load_manifest(new)))
    comparison, text = judged(authors, new)
    assert comparison.verdict == eq.IDENTICAL
    assert "machine and software: 6 difference(s) (information, never counted)" in text
    assert "platform: openblas_coretype: (not set) -> Prescott" in text
    assert text.index("platform:") < text.index("VERIFY: IDENTICAL")


def test_a_checksum_of_another_output_counts_as_that_output(authors, tmp_path):
    """provenance.csv names each number's source by its SHA-256, which another kernel changes."""
    source = "results/models/coefficients.csv"

    def provenance(folder: Path) -> str:
        checksum = mf.sha256(folder / source)
        return (
            f"text,location,variable,source,value,sha256\n0.93,Section Results,x,{source},0.93,{checksum}\n"
        )

    moved = COEFFICIENTS.replace("0.9323211460101003", "0.9323211469720001")
    first = make_run(authors.parents[1], **{"results/paper/provenance.csv": provenance(authors.parents[1])})
    second_folder = tmp_path / "rebuild"
    write(second_folder / source, moved)
    second = make_run(
        second_folder, **{source: moved, "results/paper/provenance.csv": provenance(second_folder)}
    )
    comparison, _ = judged(first, second)
    assert verdicts(comparison)["results/paper/provenance.csv"] == eq.EQUIVALENT
    # the same checksums, but the source itself now beyond the tolerance
    third_folder = tmp_path / "third"
    far = COEFFICIENTS.replace("0.9323211460101003", "0.95")
    write(third_folder / source, far)
    third = make_run(third_folder, **{source: far, "results/paper/provenance.csv": provenance(third_folder)})
    comparison, _ = judged(first, third)
    assert verdicts(comparison)["results/paper/provenance.csv"] == eq.DIFFERENT


def test_the_report_names_the_numbers_of_the_paper_from_an_output_that_differs(authors, tmp_path):
    rows = "".join(f"{i}.0%,Section Results,items.x{i},results/models/coefficients.csv\n" for i in range(10))
    provenance = "text,location,variable,source\n" + rows
    first = make_run(authors.parents[1], **{"results/paper/provenance.csv": provenance})
    second = rebuild(
        tmp_path,
        **{
            "results/paper/provenance.csv": provenance,
            "results/models/coefficients.csv": COEFFICIENTS.replace(",77,", ",76,"),
        },
    )
    _, text = judged(first, second)
    listed = next(line for line in text.splitlines() if "in the paper (10)" in line)
    assert listed.strip().startswith("in the paper (10): 0.0% (Section Results, items.x0); 1.0%")
    assert listed.endswith("; and 2 more")


def test_without_content_only_identical_bytes_pass(authors, tmp_path):
    new = rebuild(tmp_path, **{"results/models/coefficients.csv": COEFFICIENTS.replace("1003", "1004")})
    (new.parent / "manifest_content.json").unlink()
    comparison, text = judged(authors, new)
    assert comparison.verdict == eq.DIFFERENT and "no manifest_content.json" in text
    # a manifest of the first format (no content, no platform) is still read
    old = mf.load_manifest(authors)
    for key in ("content", "platform", "tolerance"):
        del old[key]
    old["format"] = "leisurenet-manifest/1"
    (tmp_path / "old.json").write_text(mf.dumps(old))
    comparison, _ = judged(tmp_path / "old.json", authors)
    assert comparison.verdict == eq.IDENTICAL


def test_a_content_file_from_another_run_is_refused(authors, tmp_path):
    new = rebuild(tmp_path, **{"results/models/coefficients.csv": COEFFICIENTS.replace(",77,", ",76,")})
    (authors.parent / "manifest_content.json").write_bytes(
        (new.parent / "manifest_content.json").read_bytes()
    )
    with pytest.raises(ValueError, match="not the content file written with"):
        judged(authors, new)


def test_the_command_line_exit_codes_and_last_line(authors, tmp_path, capsys):
    same = rebuild(tmp_path)
    assert mf.main(["compare", str(authors), str(same)]) == 0
    assert capsys.readouterr().out.endswith("VERIFY: IDENTICAL\n")
    near = make_run(
        tmp_path / "near", **{"results/models/coefficients.csv": COEFFICIENTS.replace("1003", "1004")}
    )
    assert mf.main(["compare", str(authors), str(near)]) == 0
    assert capsys.readouterr().out.endswith("VERIFY: EQUIVALENT\n")
    # a tolerance tighter than the difference (1e-16 relative) makes it DIFFERENT
    assert mf.main(["compare", str(authors), str(near), "--rtol", "1e-17", "--atol", "0"]) == 1
    assert capsys.readouterr().out.endswith("VERIFY: DIFFERENT\n")
    write(tmp_path / "not.json", '{"format": "something else"}')
    assert mf.main(["compare", str(authors), str(tmp_path / "not.json")]) == 2
    assert "not a manifest" in capsys.readouterr().err


def test_a_tolerance_in_the_manifest_is_the_one_used(authors, tmp_path):
    near = rebuild(tmp_path, **{"results/models/coefficients.csv": COEFFICIENTS.replace("1003", "1004")})
    manifest = mf.load_manifest(authors)
    manifest["tolerance"] = {"rtol": 1e-17, "atol": 0.0}
    mf.write_manifest(manifest, authors, content=mf.load_content(authors, mf.load_manifest(authors)))
    comparison, text = judged(authors, near)
    assert comparison.verdict == eq.DIFFERENT and "tolerance rtol = 1e-17, atol = 0" in text


def test_differences_table_is_tidy(authors, tmp_path):
    comparison, _ = judged(authors, rebuild(tmp_path, **{"results/logs/models.log": "INFO other\n"}))
    table = comparison.differences()
    assert list(table.columns) == ["section", "name", "status", "expected", "actual", "counts", "detail"]
    assert table[table["counts"]]["name"].tolist() == ["results/logs/models.log"]


def test_excerpt_shows_each_change_in_its_context():
    old = "Resampling the respondents 2,000 times (seed 20161104), the intervals are 0.31–3.39."
    new = old.replace("2,000", "1,999")
    assert (
        eq.excerpt(old, new)
        == "... Resampling the respondents [2,000 -> 1,999] times (seed 20161104), the intervals are ..."
    )
    assert eq.excerpt("", "A new sentence.") == "[added: A new sentence.]"


def test_comparing_a_manifest_with_itself_keeps_it(authors):
    manifest = mf.load_manifest(authors)
    before = copy.deepcopy(manifest)
    eq.compare(manifest, manifest)
    assert manifest == before
