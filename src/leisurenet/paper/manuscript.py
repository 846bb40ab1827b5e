"""Shapes of the manuscript's source that one of the renderers would misread, found before rendering.

Each check names the file, the line and what to change, where Quarto or Typst would fail with
an obscure message or, worse, silently print something else:

- Quarto takes a line that starts and ends with a shortcode as *one* block shortcode
  (``^\\s*{{< (.+?) >}}\\s*$``, Quarto 1.7's ``isBlockShortcode``), so a line such as
  ``{{< var a >}} is the study's value: {{< var b >}}`` is parsed as a single shortcode and
  stops the render (or, without a quote in it, is misread).
- Quarto writes a cross-reference to Typst as ``#ref(<label>, ...)``: a ``;`` right after it
  ends that code expression and disappears, a ``(`` or ``[`` would be read as arguments of it,
  and a ``.`` followed by a letter as a field access.
- A link to a heading (``[Appendix A](#sec-x)`` or ``@sec-x``) needs a heading with that label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

BLOCK_SHORTCODE = re.compile(r"^\s*\{\{< (?!/\*)(.+?)(?<!\*/) >\}\}\s*$")
CROSSREF_THEN = re.compile(r"@((?:fig|tbl|sec)-[\w-]*\w)(;|\(|\[|\.(?=\w))")
HEADING_LABEL = re.compile(r"^#{1,6} .*\{#([\w-]+)[^}]*\}\s*$", re.MULTILINE)
LINKED = re.compile(r"\]\(#([\w-]+)\)|@(sec-[\w-]*\w)")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    text: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.text!r}\n  {self.fix}"


def shortcode_lines(text: str, file: str) -> list[Problem]:
    """Lines Quarto would parse as one block shortcode although they hold more than one."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        match = BLOCK_SHORTCODE.match(line)
        if match and ("{{<" in match.group(1) or ">}}" in match.group(1)):
            found.append(
                Problem(
                    file, number, line.strip()[:80],
                    "Quarto reads a line that starts and ends with a shortcode as a single shortcode: "
                    "start the line with a word, end it after the last shortcode, or put each "
                    "shortcode on a line of its own.",
                )
            )  # fmt: skip
    return found


def crossref_punctuation(text: str, file: str) -> list[Problem]:
    """Cross-references followed by a character that Typst would take as part of the reference."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for match in CROSSREF_THEN.finditer(line):
            found.append(
                Problem(
                    file, number, match.group(0),
                    f"Typst reads '{match.group(2)}' right after a cross-reference as part of it "
                    "(a ';' disappears): reword so that a space, ',', ':', ')' or a full stop "
                    "at the end of the sentence follows it.",
                )
            )  # fmt: skip
    return found


def unlabelled_targets(text: str, file: str) -> list[Problem]:
    """Links to a section whose heading has no such label."""
    labels = set(HEADING_LABEL.findall(text))
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for match in LINKED.finditer(line):
            target = match.group(1) or match.group(2)
            if target.startswith("sec-") and target not in labels:
                found.append(
                    Problem(
                        file, number, match.group(0),
                        f"no heading is labelled {{#{target}}}: label the heading the link points to.",
                    )
                )  # fmt: skip
    return found


def lint(path: Path) -> list[Problem]:
    """Every problem of one manuscript file (``.qmd`` or a file of its text)."""
    text = path.read_text(encoding="utf-8")
    problems = shortcode_lines(text, str(path)) + crossref_punctuation(text, str(path))
    if path.suffix == ".qmd":
        problems += unlabelled_targets(text, str(path))
    return problems
