"""The comparison with the published study: its own tables and the audit of its figures (Appendix A).

Each published figure beside the one reproduced from the data, and the audit's counts in the
abstract, the discussion and the appendix; the figures are audited in
:mod:`leisurenet.analysis.audit`.
"""

from __future__ import annotations

import pandas as pd

from leisurenet.codebook import Codebook
from leisurenet.paper.formatting import count, general, num, pipe_table
from leisurenet.paper.prose import Prose
from leisurenet.paper.provenance import cite, plain, rows_of

# --- the study's own tables, published beside reproduced -------------------------------


# The study's three tables: which items (a codebook query), which published figures (a
# figure-id suffix: the column heading and the side of the items' shares); the caption is
# captions.<name> of the wording.
STUDY_TABLES = {
    "effort": ({"construct": "effort"},
               {"weak": ("Weak effort", "negative"), "strong": ("Strong effort", "positive")}),
    "role_act": ({"construct": "role", "domain": "act"},
                 {"disagree": ("Disagree", "negative"), "agree": ("Agree", "positive")}),
    "support": ({"construct": "support"},
                {"not_useful": ("Not useful", "negative"), "useful": ("Useful", "positive")}),
}  # fmt: skip


def study_tables(items: pd.DataFrame, audit: pd.DataFrame, prose: Prose) -> dict[str, str]:
    """The study's own tables (:data:`STUDY_TABLES`), published beside reproduced."""
    codebook = prose.codebook
    return {
        name: published_table(
            items,
            audit,
            codebook,
            codebook.items_where(**query),
            sides,
            name.replace("_", "-"),
            prose.say(f"captions.{name}"),
        )
        for name, (query, sides) in STUDY_TABLES.items()
    }


def published_table(
    items: pd.DataFrame,
    audit: pd.DataFrame,
    codebook: Codebook,
    item_ids: list[str],
    sides: dict,
    label: str,
    caption: str,
) -> str:
    """One of the study's tables: the published figure beside the reproduced ones.

    ``sides`` maps a figure-id suffix to (heading, side): e.g. ``{"weak": ("Weak effort",
    "negative")}`` reads figure ``<item>_weak`` from the audit and ``pct_negative`` from the items.
    Without published figures only the reproduced percentages are shown.
    """
    by_figure = audit.set_index("figure_id") if not audit.empty else None
    by_item = items.set_index("item")
    rows = []
    for item in item_ids:
        row = [codebook.items[item]["en"]]
        for suffix, (_, side) in sides.items():
            fid = f"{item}_{suffix}"
            if by_figure is not None and fid in by_figure.index:
                fig = by_figure.loc[fid]
                d = int(fig["decimals"])
                row += [num(fig["published"], d), num(fig["reproduced_as_published"], d)]
            elif by_figure is not None:
                row += ["", ""]
            row.append(num(by_item.loc[item, f"pct_{side}"], 1))
        rows.append(row)
    columns = ["Item"]
    for heading, _ in sides.values():
        columns += ([f"{heading}: published", "as published"] if by_figure is not None else []) + [
            f"{heading}: exact" if by_figure is not None else heading
        ]
    return pipe_table(pd.DataFrame(rows, columns=columns), label, caption)


def audit_table(audit: pd.DataFrame, prose: Prose) -> str:
    """Every published figure: printed, exact, as the study computed it, and the bases that give it.

    ``Plausible bases`` run from the figure's smallest plausible base to all respondents;
    ``Fitting bases`` are those at which a whole count rounds to the printed value, and
    ``Smallest fit`` the count of the smallest of them, or, for a figure no plausible base
    gives, the nearest base that would (in parentheses).
    """
    df = pd.DataFrame(
        {
            "Figure": audit["figure_id"],
            "Published": [num(v, int(d)) for v, d in zip(audit["published"], audit["decimals"], strict=True)],
            "Exact": audit["reproduced_exact"].map(lambda v: num(v, 2)),
            "As published": [
                num(v, int(d))
                for v, d in zip(audit["reproduced_as_published"], audit["decimals"], strict=True)
            ],
            "Plausible bases": [
                count(high) if low == high else f"{count(low)}–{count(high)}"
                for low, high in zip(audit["base_min"], audit["n_base"], strict=True)
            ],
            "Fitting bases": fitting_bases(audit),
            "Smallest fit": [_smallest_fit(row) for _, row in audit.iterrows()],
            "Granularity": audit["granularity"].str.replace("_", " "),
            "Status": audit["status"].str.replace("_", " "),
        }
    )
    return pipe_table(df, "audit", prose.say("captions.audit"), "lrrrrrrll")


def fitting_bases(audit: pd.DataFrame) -> list[str]:
    """Each figure's fitting bases, "74, 75", or "–" for none, marked with the cell they come from.

    The audit writes them as one text cell ("74 75"), which a CSV reader takes for a number when
    a single base fits; both are printed alike.
    """
    source, cells = audit.attrs.get("source"), []
    for figure, value in zip(audit["figure_id"], audit["fitting_bases"], strict=True):
        if (value == "") if isinstance(value, str) else pd.isna(value):
            cells.append("–")
            continue
        text = ", ".join(str(int(float(base))) for base in str(plain(value)).split())
        cells.append(cite(text, source, figure, "fitting_bases") if source else text)
    return cells


def _smallest_fit(row: pd.Series) -> str:
    if not pd.isna(row["fit_base"]):
        return f"{count(row['fit_count'])}/{count(row['fit_base'])}"
    if not pd.isna(row["nearest_base"]):
        return f"({count(row['nearest_count'])}/{count(row['nearest_base'])})"
    return "–"


def audit_variables(audit: pd.DataFrame, prose: Prose, synthetic: bool = False) -> dict:
    """The audit's counts in the abstract, the discussion and the appendix.

    The variant follows the granularity: ``figures`` when some printed value fits no plausible
    base, ``all_fit`` when every one does; ``audit.smaller`` names the figures that no count of
    all respondents gives but a smaller plausible base does (a few respondents who skipped the
    item), and ``audit.conflict`` the first pair of figures that cannot both hold. Only when
    every figure is reproduced does ``audit.reproduced`` say "every"; on ``synthetic`` data,
    built to give the published figures, ``audit.construction`` says that the count holds by
    construction.
    """
    keys = ("n_base", "abstract", "discussion", "appendix")
    if audit.empty:
        return {key: prose.say(f"audit.{key}", "no_figures") for key in keys}
    status, granularity = audit["status"], audit["granularity"]
    reproduced = status.isin(["reproduced", "reproduced_as_published"])
    values = {
        "n": count(rows_of(audit, "all rows")),
        "reproduced": count(rows_of(audit[reproduced], "status: reproduced or reproduced_as_published")),
        "exact": count(rows_of(audit[status == "reproduced"], "status: reproduced")),
        "as_published": count(
            rows_of(audit[status == "reproduced_as_published"], "status: reproduced_as_published")
        ),
        "not_reproduced": count(rows_of(audit[~reproduced], "status: not reproduced")),
        "summed": count(rows_of(audit[granularity == "summed_rounding"], "granularity: summed_rounding")),
        "inconsistent": count(rows_of(audit[granularity == "inconsistent"], "granularity: inconsistent")),
        "n_base": count(audit["n_base"].iloc[0]),
    }
    values["reproduced_text"] = prose.say(
        "audit.reproduced",
        "every" if reproduced.all() else "some",
        n=values["n"],
        reproduced=values["reproduced"],
    )
    values["construction"] = prose.say("audit.construction", "synthetic" if synthetic else "real")
    values["smaller"] = _smaller_text(audit, prose)
    values["conflict"] = _conflict_text(audit, prose)
    # Whether every printed value fits a plausible base chooses the abstract's and the
    # discussion's wording; the base and the appendix's counts read alike either way.
    variant = "all_fit" if (granularity == "consistent").all() else "figures"
    return {
        key: prose.say(f"audit.{key}", variant if key in ("abstract", "discussion") else "figures", **values)
        for key in keys
    }


def _smaller_text(audit: pd.DataFrame, prose: Prose) -> str:
    """The figures that only a base smaller than all respondents gives, each with its count and base."""
    smaller = audit[(audit["granularity"] == "consistent") & (audit["nearest_base"] != audit["n_base"])]
    variant = {0: "none", 1: "one"}.get(len(smaller), "some")
    fits = [
        prose.say(
            "audit.fit",
            value=num(row["published"], int(row["decimals"])),
            count=count(row["fit_count"]),
            base=count(row["fit_base"]),
        )
        for _, row in smaller.iterrows()
    ]
    return prose.say(
        "audit.smaller",
        variant,
        smaller=count(rows_of(smaller, "granularity: consistent, nearest_base below n_base")),
        n_base=count(audit["n_base"].iloc[0]),
        fits=prose.join(fits),
    )


def _conflict_text(audit: pd.DataFrame, prose: Prose) -> str:
    """The first pair of published figures that cannot both hold, if any."""
    pairs = audit[audit["conflicts_with"].fillna("") != ""]
    if pairs.empty:
        return prose.say("audit.conflict", "no_conflict")
    first = pairs.iloc[0]
    other = audit.set_index("figure_id").loc[first["conflicts_with"].split()[0]]
    return prose.say(
        "audit.conflict",
        "conflict",
        statement=prose.codebook.items[first["items"].split()[0]]["en"],
        first=general(first["published"]),
        second=general(other["published"]),
        n_base=count(first["n_base"]),
    )
