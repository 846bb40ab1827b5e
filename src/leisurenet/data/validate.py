"""Validating a raw export (and the population frame) against the codebook.

Every check runs, and every problem is returned, so the user can fix the whole file in one
pass. Each problem names the file, the column, the spreadsheet row and the value, and says
what to do. Nothing is changed here: reading cells into codes is the cleaning stage's job.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from leisurenet.codebook import Codebook, normalise_label, parse_whole_number
from leisurenet.data.ingest.table import RawTable
from leisurenet.errors import Problem

FRAME_COLUMNS = ("network_id", "municipality_pop")


def validate_export(
    raw: RawTable, codebook: Codebook, frame: RawTable | None = None, frame_variables: list[str] = ()
) -> list[Problem]:
    """Check a raw export against the codebook (and the population frame, if given).

    Parameters
    ----------
    raw : RawTable
        The export, from :func:`leisurenet.data.ingest.read.read_export`.
    codebook : Codebook
        The instrument: background variables, items, scales and missing codes.
    frame : RawTable, optional
        The population frame, from :func:`leisurenet.data.ingest.read.read_frame`.
    frame_variables : list of str
        Columns the frame must have for the weighting (see :func:`validate_frame`).

    Returns
    -------
    list of Problem
        Every problem found, errors (``severity='error'``) and warnings, in the order:
        columns, background variables, item cells, SPSS value labels, frame. Empty when
        the export is valid.
    """
    problems = _check_columns(raw, codebook)
    problems += _check_background(raw, codebook, list(codebook.background))
    problems += _check_items(raw, codebook)
    problems += _check_value_labels(raw, codebook)
    if frame is not None:
        problems += validate_frame(frame, codebook, frame_variables)
        problems += _check_against_frame(raw, frame)
    return problems


def validate_frame(frame: RawTable, codebook: Codebook, variables: list[str] = ()) -> list[Problem]:
    """Check the population frame: ``network_id`` unique and filled, populations whole and positive,
    and the weighting ``variables`` (frame columns, ``weighting.poststrata``) filled in every row.

    Other columns of the frame (names of municipalities, say) are allowed and ignored.
    """
    problems = [
        _missing_column(frame, name, codebook.background[name]["en"], unknown_columns(frame, codebook))
        for name in FRAME_COLUMNS
        if name not in frame.data.columns
    ]
    for name in variables:
        if name not in frame.data.columns:
            near = _looks_close("the frame", close_names(name, list(frame.data.columns)))
            problems.append(
                Problem(
                    file=frame.path,
                    message="the population frame has no column for the weighting variable",
                    fix=f"add a column named '{name}' with every network's value{near}, or change "
                    "weighting.poststrata in the configuration (or set weighting to null)",
                    column=name,
                )
            )
            continue
        problems += [
            Problem(
                file=frame.path,
                message="the weighting variable is blank for this network; every network needs one",
                fix=f"fill in the network's {name}, or change weighting.poststrata in the configuration",
                column=name,
                row=row,
                value=cell,
            )
            for row, cell in _cells(frame, name)
            if not cell.strip()
        ]
    return problems + _check_background(frame, codebook, list(FRAME_COLUMNS))


# --- columns -----------------------------------------------------------------------------


def _check_columns(raw: RawTable, codebook: Codebook) -> list[Problem]:
    expected = {n: s["en"] for n, s in codebook.background.items() if s.get("required")}
    expected.update({i: f"item '{s['en']}'" for i, s in codebook.items.items()})
    unknown = unknown_columns(raw, codebook)
    missing = [n for n in expected if n not in raw.data.columns]
    problems = [_missing_column(raw, n, expected[n], unknown) for n in missing]
    for name in unknown:
        near = close_names(name, missing) or close_names(name, list(expected))
        hint = (
            f"if it is meant to be the codebook's '{near[0]}', rename it or map it onto '{near[0]}' under "
            "columns in the mapping (data.mapping); if not,"
            if near
            else ""
        )
        problems.append(
            Problem(
                file=raw.path,
                message="the column is not in the codebook and is ignored downstream",
                fix=f"{hint} nothing needs to be done (delete it, or list it under drop in the mapping, to "
                "silence this warning)".strip(),
                column=name,
                severity="warning",
            )
        )
    return problems


def _missing_column(raw: RawTable, name: str, meaning: str, candidates: list[str]) -> Problem:
    hint = _looks_close("the header", close_names(name, candidates))
    return Problem(
        file=raw.path,
        message=f"the required column is missing: {meaning}",
        fix=f"add a column named '{name}', or correct the spelling of its header{hint}",
        column=name,
    )


def unknown_columns(raw: RawTable, codebook: Codebook) -> list[str]:
    """Columns not in the codebook: those dropped at ingestion and any still in the table."""
    known = set(codebook.columns)
    return [*raw.ignored, *(c for c in raw.data.columns if c not in known)]


def close_names(name: str, candidates: list[str], cutoff: float = 0.75) -> list[str]:
    """Candidates that look like ``name``, ignoring case."""
    folded = {c.casefold(): c for c in candidates}
    return [folded[m] for m in difflib.get_close_matches(name.casefold(), list(folded), n=3, cutoff=cutoff)]


def _looks_close(where: str, near: list[str]) -> str:
    if not near:
        return ""
    verb = "looks" if len(near) == 1 else "look"
    return f" ({where} has {', '.join(repr(n) for n in near)}, which {verb} close)"


# --- background variables -------------------------------------------------------------------


def _cells(raw: RawTable, column: str) -> Iterator[tuple[int, str]]:
    """(spreadsheet row, cell) pairs of a column."""
    return zip(raw.rows, raw.data[column], strict=True)


def _check_background(raw: RawTable, codebook: Codebook, names: list[str]) -> list[Problem]:
    """Blank, duplicate and non-numeric values, as each variable's codebook entry demands."""
    problems = []
    for name in names:
        spec = codebook.background[name]
        if name not in raw.data.columns:
            continue
        if spec.get("required"):
            problems += _check_blank(raw, name, spec)
        if spec.get("type") == "integer":
            problems += _check_whole_numbers(raw, name, spec.get("minimum"))
        if spec.get("unique"):
            problems += _check_unique(raw, name)
    return problems


def _check_blank(raw: RawTable, name: str, spec: dict) -> list[Problem]:
    return [
        Problem(
            file=raw.path,
            message=f"the {name} is blank",
            fix=f"fill in the {name} ({spec['en']}), or delete the row if it should not be there",
            column=name,
            row=row,
            value=cell,
        )
        for row, cell in _cells(raw, name)
        if not cell.strip()
    ]


def _check_whole_numbers(raw: RawTable, name: str, minimum: int | None) -> list[Problem]:
    problems = []
    for row, cell in _cells(raw, name):
        if not cell.strip():
            continue  # a blank is reported by the blank check
        number = parse_whole_number(cell)
        if number is None:
            message = "the value is not a whole number"
            fix = "write it as digits only, without thousands separators, spaces or decimals (e.g. 12000)"
        elif minimum is not None and number < minimum:
            message = f"the value must be at least {minimum}"
            fix = f"correct the number; it must be a whole number of at least {minimum} (e.g. 12000)"
        else:
            continue
        problems.append(Problem(raw.path, message, fix, column=name, row=row, value=cell))
    return problems


def _check_unique(raw: RawTable, name: str) -> list[Problem]:
    first_row: dict[str, int] = {}
    problems = []
    for row, cell in _cells(raw, name):
        key = cell.strip()
        if not key:
            continue
        if key in first_row:
            problems.append(
                Problem(
                    file=raw.path,
                    message=f"the {name} is already used in row {first_row[key]}; it must be unique",
                    fix=f"give one of rows {first_row[key]} and {row} its correct {name}, "
                    "or delete the row if it is a duplicate",
                    column=name,
                    row=row,
                    value=cell,
                )
            )
        else:
            first_row[key] = row
    return problems


# --- items -----------------------------------------------------------------------------------


def interpret_cells(codebook: Codebook, item: str, cells, declared: frozenset = frozenset()) -> dict:
    """How each distinct cell of an item column reads: ``{cell: Answer}``.

    A column of thousands of answers holds a handful of distinct cells, so each is read
    once (:meth:`Codebook.interpret`), not once per respondent.
    """
    return {cell: codebook.interpret(item, cell, declared) for cell in dict.fromkeys(cells)}


def _check_items(raw: RawTable, codebook: Codebook) -> list[Problem]:
    """One problem per item column whose cells include values the codebook cannot read,
    listing every such value with its rows, so that one mapping fixes them all."""
    problems = []
    for item in codebook.item_ids:
        if item not in raw.data.columns:
            continue
        declared = raw.declared_missing.get(item, frozenset())
        scale = codebook.items[item]["scale"]
        answers = interpret_cells(codebook, item, raw.data[item], declared)
        unreadable = {cell for cell, a in answers.items() if a.code is None and a.missing is None}
        if not unreadable:
            continue
        rows: dict[str, list[int]] = {}
        for row, cell in _cells(raw, item):
            if cell in unreadable:
                rows.setdefault(cell.strip(), []).append(row)
        listed = "; ".join(f"'{value}' ({_rows(found)})" for value, found in rows.items())
        labels = [v for v in rows if parse_whole_number(v) is None]
        example = f"labels: {{{scale}: {{{labels[0]}: <code>}}}}" if labels else None
        problems.append(
            Problem(
                file=raw.path,
                message=f"{len(rows)} value(s) are neither a code or label of scale {scale} nor a missing "
                f"code: {listed}",
                fix=(
                    f"if these are the survey tool's wording of the answers, give each its code in a mapping "
                    f"(data.mapping; `make mapping RAW=...` proposes one), e.g. {example}; otherwise correct "
                    "the cells. Accepted: "
                    if example
                    else "correct the cells; accepted: "
                )
                + codebook.describe_valid(item),
                column=item,
                row=next(iter(rows.values()))[0],
                value=next(iter(rows)),
            )
        )
    return problems


def _rows(rows: list[int], shown: int = 5) -> str:
    """'row 4' or 'rows 4, 9, 12 and 3 more'."""
    head = ", ".join(map(str, rows[:shown]))
    more = f" and {len(rows) - shown} more" if len(rows) > shown else ""
    return f"row{'s' if len(rows) > 1 else ''} {head}{more}"


def _check_value_labels(raw: RawTable, codebook: Codebook) -> list[Problem]:
    """SPSS value labels that give a code another code's meaning (a reversed scale, say)."""
    problems = []
    for item, labels in raw.value_labels.items():
        if item not in codebook.items:
            continue
        meaning = codebook.label_codes(item)
        scale = codebook.items[item]["scale"]
        for code, label in labels.items():
            known = meaning.get(normalise_label(label))
            if known is None or parse_whole_number(code) == known:
                continue
            problems.append(
                Problem(
                    file=raw.path,
                    message=f"the SPSS value label of code {code} is '{label}', which the codebook "
                    f"gives to code {known} of scale {scale}; the codes run differently from the codebook",
                    fix="recode the variable in SPSS to the codebook's codes "
                    f"({codebook.describe_valid(item)}), or correct the value labels if they are wrong",
                    column=item,
                    value=label,
                )
            )
    return problems


# --- the population frame ----------------------------------------------------------------------


def _check_against_frame(raw: RawTable, frame: RawTable) -> list[Problem]:
    needed = set(FRAME_COLUMNS)
    if not (needed <= set(raw.data.columns) and needed <= set(frame.data.columns)):
        return []  # the missing columns are reported already
    networks = _frame_networks(frame)
    problems = []
    for row, network, pop in zip(raw.rows, raw.data["network_id"], raw.data["municipality_pop"], strict=True):
        key = network.strip()
        if not key:
            continue
        if key not in networks:
            problems.append(_not_in_frame(raw, frame, row, network, list(networks)))
            continue
        frame_row, frame_pop = networks[key]
        own = parse_whole_number(pop)
        if own is not None and frame_pop is not None and own != frame_pop:
            problems.append(
                Problem(
                    file=raw.path,
                    message=f"municipality_pop is {own} here but {frame_pop} in the population frame "
                    f"{frame.path} (row {frame_row}) for network '{key}'",
                    fix="correct whichever of the two is wrong; the export and the frame must agree",
                    column="municipality_pop",
                    row=row,
                    value=pop,
                )
            )
    if len(raw.data) > len(networks):
        problems.append(
            Problem(
                file=raw.path,
                message=f"the export has {len(raw.data)} respondents but the population frame {frame.path} "
                f"lists only {len(networks)} networks",
                fix="each respondent coordinates one network of the frame; check that the frame is complete "
                "and is the right file",
            )
        )
    return problems


def _frame_networks(frame: RawTable) -> dict[str, tuple[int, int | None]]:
    """network_id -> (frame row, population) for the first row of each network."""
    networks: dict[str, tuple[int, int | None]] = {}
    for row, network, pop in zip(
        frame.rows, frame.data["network_id"], frame.data["municipality_pop"], strict=True
    ):
        if network.strip():
            networks.setdefault(network.strip(), (row, parse_whole_number(pop)))
    return networks


def _not_in_frame(raw: RawTable, frame: RawTable, row: int, network: str, known: list[str]) -> Problem:
    # short ids like N004/N005 are all alike, so only a near-exact match is worth naming
    hint = _looks_close("the frame", close_names(network.strip(), known, cutoff=0.85))
    return Problem(
        file=raw.path,
        message=f"the network_id is not in the population frame {frame.path}",
        fix=f"correct the network_id{hint}, or add the network to the frame if the frame is incomplete",
        column="network_id",
        row=row,
        value=network,
    )


def validation_report(raw: RawTable, frame: RawTable | None, problems: list[Problem]) -> str:
    """A short Markdown account of what was read and what was found, for the reviewer.

    The export's header layout (plain, or which survey tool's) has its own line after the
    export's, so a reviewer sees at once how the columns were named.
    """
    layout = [n for n in raw.notes if n.startswith("layout: ")] or [f"layout: {raw.layout}"]
    lines = [
        "# Validation report",
        "",
        f"- export: `{raw.path}`, {len(raw.data)} respondents, {len(raw.data.columns)} columns",
        *[f"  - {note}" for note in raw.notes if note not in layout],
    ]
    if raw.ignored:
        lines.append(f"  - {len(raw.ignored)} column(s) not in the codebook dropped (see the warnings)")
    lines.append(f"- {layout[0]}")
    if frame is not None:
        lines += [f"- frame: `{frame.path}`, {len(frame.data)} networks", *[f"  - {n}" for n in frame.notes]]
    else:
        lines.append("- frame: none (no non-response comparison)")
    lines += ["", f"{len(problems)} warning(s), no errors.", ""]
    lines += [f"- {p}" for p in problems]
    return "\n".join(lines) + "\n"
