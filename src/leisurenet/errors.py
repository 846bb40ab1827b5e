"""Problems found in the input, reported all at once and each pointing at the cell to fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in an input file.

    ``row`` is the row as a spreadsheet shows it (the header is row 1, the first respondent
    row 2); for an SPSS file it is the case number plus one, so that it means the same; for
    a YAML file (a mapping) it is the line.
    ``column``, ``row`` and ``value`` are ``None`` when the problem is about the whole file.
    """

    file: str
    message: str
    fix: str
    column: str | None = None
    row: int | None = None
    value: str | None = None
    severity: str = "error"  # "error" stops the pipeline, "warning" is logged only

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            # a row of a YAML file (a mapping) is a line of text, not a spreadsheet row
            where.append(f"{'line' if self.file.endswith(('.yaml', '.yml')) else 'row'} {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        value = "" if self.value is None else f" (value {self.value!r})"
        message = self.message.rstrip(".")
        return f"{self.severity.upper()}: {', '.join(where)}: {message}{value}. Fix: {self.fix}"


class InputError(Exception):
    """Raised with every problem found, so the user can fix them all in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if p.severity == "error"]
        lines = [str(p) for p in self.problems]
        if not self.problems:
            raise ValueError("InputError needs at least one problem of severity 'error'")
        head = f"{len(self.problems)} problem(s) in the input; nothing was written downstream."
        super().__init__("\n".join([head, *lines]))
