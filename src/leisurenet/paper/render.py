"""Rendering the manuscript: Quarto where it is installed, Pandoc and Typst where it is not.

Both renderers work on the same build folder: the Quarto project from ``paper/`` with the
files the pipeline wrote beside it (``_variables.yml``, ``tables/``, ``figures/``). Quarto
resolves its own shortcodes and cross-references. The fallback expands the two shortcodes
the paper uses (``include`` and ``var``) itself, resolves cross-references with
``paper/filters/crossref.lua`` and citations with citeproc, writes HTML with Pandoc and PDF
with Pandoc's Typst writer and the Typst compiler.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from leisurenet import quarto
from leisurenet.io import atomic_path
from leisurenet.paper.manuscript import crossref_punctuation, lint
from leisurenet.paper.provenance import ENVIRONMENT, cite

# The fallback's filters: its cross-references, then those Quarto runs too (paper/_quarto.yml).
FILTERS = ["crossref.lua", "provenance.lua", "notice.lua", "figure-alt.lua", "typst-heading-labels.lua",
           "typst-tables.lua"]  # fmt: skip
CITATION_STYLE = "citation-style.csl"  # written into the build folder; _quarto.yml names it
# A line where a renderer warns or errs: Quarto's "WARN:" and "ERROR:", its filters' "WARNING (file)",
# Pandoc's "[WARNING]", at the start of the line (after any colour codes). Quarto also echoes the
# document's metadata on stderr, whose text may say "error" in passing.
COLOUR = re.compile(r"\x1b\[[0-9;]*m")
WARNING = re.compile(rf"^(?:{COLOUR.pattern})*\s*\[?(?:warn(?:ing)?|error)\b", re.IGNORECASE)
SHORTCODE = re.compile(r"\{\{<\s*(include|var)\s+([^\s>]+)\s*>\}\}")


def choose_renderer(setting: str) -> tuple[str, str | None]:
    """``quarto`` or ``pandoc``, as ``paper.renderer`` (auto, quarto, pandoc) asks and the
    Quarto on PATH allows, and what the log should say of that Quarto (None: nothing).

    A Quarto older than the supported range (:data:`leisurenet.quarto.RANGE`) is passed over
    for the fallback (an error when ``quarto`` is asked for); a newer one is used, untested.
    """
    if setting == "pandoc":
        return "pandoc", None
    version = quarto.installed_version()
    if version is None:
        if setting == "quarto":
            raise RuntimeError(
                f"paper.renderer is 'quarto' but quarto is not on PATH: install {quarto.DESCRIBED} "
                "or set paper.renderer to 'auto'"
            )
        return "pandoc", None
    note = quarto.advice(version)
    if quarto.standing(version) == "older":
        if setting == "quarto":
            raise RuntimeError(f"paper.renderer is 'quarto', but {note}")
        return "pandoc", note
    return "quarto", note


def lookup(variables: dict, dotted: str):
    """A value from nested variables by its dotted key, as Quarto's var shortcode reads it."""
    value = variables
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            raise KeyError(f"the paper uses {{{{< var {dotted} >}}}} but _variables.yml has no '{dotted}'")
        value = value[part]
    return value


def expand(text: str, folder: Path, variables: dict, depth: int = 0) -> str:
    """Expand ``include`` and ``var`` shortcodes the way Quarto does (includes first, recursively)."""
    if depth > 10:
        raise RecursionError("include shortcodes nest more than 10 levels deep")

    def replace(match: re.Match) -> str:
        kind, argument = match.groups()
        if kind == "include":
            included = (folder / argument).read_text(encoding="utf-8")
            return expand(included, folder, variables, depth + 1)
        return str(lookup(variables, argument))

    return SHORTCODE.sub(replace, text)


def run(command: list[str], cwd: Path) -> list[str]:
    """Run a renderer; on failure, raise with what it printed. Return its warnings (Quarto
    prints its progress on stderr too, which is left out)."""
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[:3])} ... failed ({result.returncode}):\n{result.stderr[-4000:]}"
        )
    return warning_lines(result.stderr)


def warning_lines(stderr: str) -> list[str]:
    """The lines of a renderer's stderr that warn or err, without their colour codes."""
    return [COLOUR.sub("", line).strip() for line in stderr.splitlines() if WARNING.match(line)]


def front_matter(manuscript: Path) -> dict:
    """The YAML front matter of a manuscript (title, author, lang, its own options)."""
    text = manuscript.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---", 1)[0].removeprefix("---")) or {}


def compile_pdf(source: Path, manuscript: Path) -> None:
    """A Typst file to the PDF beside it, with the pinned Typst (the ``typst`` wheel), its
    title, author and language in the PDF's metadata as ``manuscript``'s front matter has them.

    Those are set at the top of the file, where Typst takes them: Quarto's template sets them
    inside its page template, where Typst leaves them out of the PDF.
    """
    import typst

    front = front_matter(manuscript)
    metadata = (
        f"#set document(title: {json.dumps(str(front['title']), ensure_ascii=False)},"
        f" author: {json.dumps(str(front.get('author', '')), ensure_ascii=False)})\n"
        f"#set text(lang: {json.dumps(str(front.get('lang', 'en')))})\n"
    )
    source.write_text(metadata + source.read_text(encoding="utf-8"), encoding="utf-8")
    typst.compile(str(source), output=str(source.with_suffix(".pdf")), root=str(source.parent))


def typst_version() -> str:
    """The version of the Typst compiler that :func:`compile_pdf` runs, as the compiler reports it
    (Typst's ``sys.version``), and as it writes it into the PDF's metadata (``Typst 0.15.1``).

    The wheel's own version, ``typst.__version__``, is that of the Python binding, which is
    released on its own (typst-py 0.15.2 embeds Typst 0.15.1).
    """
    import typst

    return json.loads(typst.eval(b"", "str(sys.version)", format="json"))


NUMBER_LINK = re.compile(r'<a\b[^>]*\bid="num-\d+"[^>]*>')


def number_the_numbers(html: Path) -> None:
    """The numbers' ids (filters/provenance.lua) made unique, in document order: Quarto inserts
    a sentence that the manuscript uses twice as one piece, with the ids of its numbers twice.
    A number that links to itself (``data-self``) follows its new id."""
    count = 0

    def renumber(match: re.Match) -> str:
        nonlocal count
        count += 1
        tag = re.sub(r'\bid="num-\d+"', f'id="num-{count}"', match.group(0))
        if 'data-self="1"' in tag:
            tag = re.sub(r'\bhref="#num-\d+"', f'href="#num-{count}"', tag)
        return tag

    text = html.read_text(encoding="utf-8")
    html.write_text(NUMBER_LINK.sub(renumber, text), encoding="utf-8")


def render_fallback(
    build: Path,
    expanded: Path,
    html: Path | None,
    pdf: Path | None,
    pandoc: str,
    filters: Path,
    source: str = "paper.qmd",
) -> list[str]:
    """Pandoc (HTML) and Pandoc + Typst (PDF) on the manuscript ``source``'s text with its
    shortcodes expanded (the file ``expanded``); either output may be None (not rendered). Its
    front matter may turn off the numbered sections and the table of contents
    (``number-sections``, ``toc``), which the project's ``_quarto.yml`` turns on."""
    filters, stem = filters.resolve(), Path(source).stem
    front = front_matter(build / source)
    numbered = ["--number-sections"] if front.get("number-sections", True) else []
    toc = ["--toc", "--toc-depth", "2"] if front.get("toc", True) else []
    common = [
        pandoc, expanded.name, "--standalone", *numbered, "--resource-path", ".",
        *(f"--lua-filter={filters / name}" for name in FILTERS),
        "--citeproc", "--bibliography", "references.bib", "--csl", CITATION_STYLE,
        "--metadata", "link-citations=true",
    ]  # fmt: skip
    warnings = []
    if html is not None:
        # The document in a <main> landmark, as Quarto's: every part of it is then in a region
        # a screen reader can jump to.
        options = ["--to", "html5", "--embed-resources", *toc,
                   "--css", str(filters / "fallback.css"), "--variable", "include-before=<main>",
                   "--variable", "include-after=</main>", "--output", f"{stem}.html"]  # fmt: skip
        warnings += run([*common, *options], build)
        shutil.copyfile(build / f"{stem}.html", html)
    if pdf is not None:
        options = ["--to", "typst", "--metadata-file", str(filters / "typst-fallback.yaml"),
                   "--include-in-header", "typst-header.typ", "--output", f"{stem}.typ"]  # fmt: skip
        warnings += run([*common, *options], build)
        compile_pdf(build / f"{stem}.typ", build / source)
        shutil.copyfile(build / f"{stem}.pdf", pdf)
    return warnings


def render_quarto(
    build: Path, expanded: Path, html: Path | None, pdf: Path | None, source: str = "paper.qmd"
) -> list[str]:
    """Quarto renders HTML and, through its Typst format, PDF (no LaTeX needed); either
    output may be None (not rendered).

    Quarto reads the manuscript with its shortcodes already expanded (``expanded``), as the
    fallback does: the outputs are the same, byte for byte, but a Typst render no longer takes
    twice as long. Before it renders to Typst, Quarto reads the manuscript once more with the
    plain Markdown reader of Pandoc (to look for level-one headings), which takes each
    ``{{< var >}}`` for an HTML tag and looks for its end through the rest of the text: with
    the paper's hundreds of numbers, 9 of a PDF render's 17 seconds.

    Quarto compiles its Typst file with the Typst it bundles (0.13 with Quarto 1.7), whose
    PDFs differ in their bytes from run to run; the Typst file it keeps (``keep-typ``) is
    compiled again with the pinned Typst, as the fallback's, so that the PDF is reproducible.
    """
    warnings = []
    stem, command = Path(source).stem, ["quarto", "render", expanded.name]
    if html is not None:
        warnings += run([*command, "--to", "html", "--output", f"{stem}.html"], build)
        shutil.copyfile(build / f"{stem}.html", html)
    if pdf is not None:
        # keep-typ keeps the Typst file under the name of what Quarto read
        warnings += run([*command, "--to", "typst", "--output", f"{stem}.pdf"], build)
        typst_file = build / f"{stem}.typ"
        (build / f"{expanded.stem}.typ").replace(typst_file)
        compile_pdf(typst_file, build / source)
        shutil.copyfile(build / f"{stem}.pdf", pdf)
    shutil.rmtree(build / ".quarto", ignore_errors=True)  # Quarto's scratch: caches, not results
    return warnings


def write_citation_style(path: Path) -> None:
    """The citation style both renderers use: the pinned Pandoc's own (Chicago author-date).

    Quarto and the fallback bring different Pandoc versions, whose default styles differ (the
    edition of Chicago: "et al." rules, publisher places); one file gives one reference list.
    """
    import pypandoc

    command = [pypandoc.get_pandoc_path(), "--print-default-data-file", "default.csl"]
    path.write_bytes(subprocess.run(command, capture_output=True, check=True).stdout)


def assemble(
    source: Path,
    build: Path,
    variables: str,
    tables: str,
    figure_dirs: list[Path],
    manuscript: str = "paper.qmd",
) -> None:
    """A fresh build folder: the Quarto project with one ``manuscript`` of its own (Quarto
    reads every manuscript of a project it renders, and each needs its own tables), the
    numbers, the tables and the figures."""
    if build.exists():
        shutil.rmtree(build)
    others = [p.name for p in source.glob("*.qmd") if p.name != manuscript]
    shutil.copytree(source, build, ignore=shutil.ignore_patterns(*others))
    shutil.copyfile(variables, build / "_variables.yml")
    shutil.copytree(tables, build / "tables")
    write_citation_style(build / CITATION_STYLE)
    (build / "figures").mkdir()
    for folder in figure_dirs:
        for figure in sorted(folder.iterdir()):
            if figure.suffix in {".svg", ".png", ".pdf"}:
                shutil.copyfile(figure, build / "figures" / figure.name)


def write_assets(tables: dict[str, str], folder: str | Path, variables: dict, path: str | Path) -> None:
    """What a manuscript reads: its tables as ``<folder>/<name>.md`` and its sentences and numbers
    as the YAML file ``path`` (``_variables.yml``), each written whole or not at all."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        with atomic_path(folder / f"{name}.md") as tmp:
            tmp.write_text(text, encoding="utf-8")
    with atomic_path(path) as tmp:
        text = yaml.safe_dump(variables, allow_unicode=True, sort_keys=False, width=1000)
        tmp.write_text(text, encoding="utf-8")


def check_source(source: Path, variables: dict) -> str:
    """Stop before rendering on any shape of the manuscript a renderer would misread: in the
    source, and in its text with the numbers and tables filled in; return that text."""
    expanded = expand(source.read_text(encoding="utf-8"), source.parent, variables)
    filled = f"{source.name} with its variables and tables filled in"
    problems = lint(source) + crossref_punctuation(expanded, filled)
    if problems:
        listed = "\n".join(map(str, problems))
        raise ValueError(f"the manuscript has shapes a renderer would misread:\n{listed}")
    return expanded


@dataclass(frozen=True)
class Rendering:
    """Which renderer ran (as the colophon says it), the warnings it printed, and what the
    choice of renderer has to say (a Quarto outside the supported range)."""

    renderer: str
    warnings: list[str]
    note: str | None = None


def render(
    build: Path, setting: str, html: Path | None, pdf: Path | None, source: str = "paper.qmd"
) -> Rendering:
    """Render with the renderer ``setting`` asks for, to HTML, PDF or both (an output that is
    None is not rendered: the workflow renders each in a job and a build folder of its own);
    the colophon names each engine that ran with the version it reports itself: Quarto's
    (``quarto --version``) or the pinned Pandoc's (the binary's ``--version``), and that of the
    Typst compiler that writes the PDF."""
    renderer, note = choose_renderer(setting)
    compiler = (typst_version(), "typst", "typst.eval(sys.version)")
    # The range the paper is tested with, each number citing its declaration.
    tested = [
        (f"{major}.{minor}", "src/leisurenet/quarto.py", name, "version")
        for (major, minor), name in ((quarto.MINIMUM, "MINIMUM"), (quarto.NEWEST, "NEWEST"))
    ]
    if renderer == "quarto":
        versions = [(quarto.installed_version(), "quarto", "quarto --version"), compiler]
        wording = "Quarto {} (the PDF compiled by Typst {}; the paper is tested with Quarto {} to {})"
    else:
        import pypandoc

        # pypandoc asks the binary that render_fallback runs (get_pandoc_path()) for its --version
        versions = [(pypandoc.get_pandoc_version(), "pandoc", "pypandoc.get_pandoc_version()"), compiler]
        wording = "Pandoc {} and Typst {} (the fallback renderer, for where no Quarto {} to {} is installed)"
    versions = [(version, ENVIRONMENT, name, how) for version, name, how in versions] + tested
    described = wording.format(*(version for version, *_ in versions))
    variables_path = build / "_variables.yml"
    variables = yaml.safe_load(variables_path.read_text(encoding="utf-8"))
    # In the colophon each version carries its source, as every other number does.
    variables.setdefault("software", {})["renderer"] = wording.format(*(cite(*v) for v in versions))
    variables_path.write_text(
        yaml.safe_dump(variables, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    # Both renderers read the manuscript with its numbers and tables filled in, from one file.
    expanded = build / f"{Path(source).stem}.expanded.md"
    expanded.write_text(check_source(build / source, variables), encoding="utf-8")
    if renderer == "quarto":
        warnings = render_quarto(build, expanded, html, pdf, source)
    else:
        import pypandoc

        filters = build / "filters"
        warnings = render_fallback(build, expanded, html, pdf, pypandoc.get_pandoc_path(), filters, source)
    if html is not None:
        number_the_numbers(html)
    return Rendering(described, warnings, note)


def log_rendering(log: logging.Logger, rendering: Rendering) -> None:
    """What a render job's log says: the renderer's note and warnings, then which renderer ran."""
    if rendering.note:
        log.warning("%s", rendering.note)
    for warning in rendering.warnings:
        log.warning("%s", warning)
    log.info("rendered with %s", rendering.renderer)
