"""Derived variables: collapsed answers, size class, governance role, scale scores.

Every rule here is a documented choice, set in ``config/config.yaml``; nothing about an
item is hard-coded: the codebook says which items exist, what their codes mean, which
statements express which governance role, and which items form a scale.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from leisurenet.codebook import Codebook

MIXED = "mixed"
NONE = "none"


def size_class(pop: pd.Series, breaks: list[int], labels: list[str]) -> pd.Series:
    """Municipality size class: ``labels[i]`` for ``breaks[i-1] <= pop < breaks[i]``."""
    if len(labels) != len(breaks) + 1 or list(breaks) != sorted(set(breaks)):
        raise ValueError("size_class: breaks must increase strictly and there must be one label more")
    edges = [-np.inf, *breaks, np.inf]
    out = pd.cut(pop.astype("float64"), bins=edges, labels=labels, right=False)
    return out.cat.as_ordered().rename("size_class")


def collapse(codebook: Codebook, item: str, codes: pd.Series) -> pd.Series:
    """The item's collapsed category (negative < neutral < positive); missing stays missing."""
    levels = codebook.collapse_levels(item)
    # Through the category codes: one lookup per distinct code, not a mapping per respondent.
    position = {code: levels.index(level) for code, level in codebook.collapse_map(item).items()}
    values, distinct = pd.factorize(codes, use_na_sentinel=True)
    lookup = np.array([position.get(code, -1) for code in distinct] + [-1], dtype=np.int64)
    categorical = pd.Categorical.from_codes(lookup[values], categories=levels, ordered=True)
    return pd.Series(categorical, index=codes.index)


def _pick(scores: pd.DataFrame, rule: str, agreed_min_code: int) -> pd.Series:
    """The column with the highest score per row; a tie for the highest is ``mixed``.

    All scores missing gives missing; with ``highest_agreed`` a highest score below
    ``agreed_min_code`` gives ``none`` (no role statement was agreed with).
    """
    top = scores.max(axis=1, skipna=True)
    is_top = scores.eq(top, axis=0) & scores.notna()
    n_top = is_top.sum(axis=1)
    winner = is_top.idxmax(axis=1).where(n_top == 1, MIXED).astype("object")
    if rule == "highest_agreed":
        winner = winner.where(top >= agreed_min_code, NONE)
    elif rule != "highest":
        raise ValueError(f"governance_role.rule: unknown rule '{rule}'; use 'highest' or 'highest_agreed'")
    return winner.where(top.notna(), None)


def role_columns(codebook: Codebook) -> dict[str, dict[str, str]]:
    """{domain: {role: item}} for the governance-role statements in the codebook."""
    table: dict[str, dict[str, str]] = {}
    for item in codebook.items_where(construct="role"):
        spec = codebook.items[item]
        table.setdefault(spec["domain"], {})[spec["role"]] = item
    return table


def governance_roles(codebook: Codebook, data: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """The coordinator's governance role per domain (``role_<domain>``) and overall.

    A domain's role needs at least ``min_statements`` answered role statements (default 1:
    the role is read from whichever statements were answered; 3 requires all three).
    """
    rule, min_code = settings["rule"], settings["agreed_min_code"]
    min_statements = settings.get("min_statements", 1)
    roles = list(codebook.spec["roles"])
    levels = roles + [MIXED] + ([NONE] if rule == "highest_agreed" else [])
    out = {}
    per_domain = {}
    for domain, items in role_columns(codebook).items():
        scores = pd.DataFrame({role: data[items[role]].astype("Float64") for role in roles if role in items})
        per_domain[domain] = scores
        enough = scores.notna().sum(axis=1) >= min_statements
        out[f"role_{domain}"] = _pick(scores, rule, min_code).where(enough, None)
    if settings["overall"] == "highest_mean":
        mean = sum(s.fillna(0) for s in per_domain.values()) / sum(s.notna() for s in per_domain.values())
        out["role_overall"] = _pick(mean.astype("Float64"), rule, min_code)
    elif settings["overall"] == "modal_domain":
        out["role_overall"] = _modal(pd.DataFrame(out), levels)
    else:
        raise ValueError(f"governance_role.overall: unknown rule '{settings['overall']}'")
    return pd.DataFrame({k: pd.Categorical(v, categories=levels) for k, v in out.items()}, index=data.index)


def _modal(domain_roles: pd.DataFrame, levels: list[str]) -> pd.Series:
    """Per row, the role most domains have; a tie between roles is ``mixed``, no role missing.

    ``mixed`` as a domain's role counts like any other. Counted level by level over the
    columns, not row by row.
    """
    counts = np.column_stack([domain_roles.eq(level).sum(axis=1).to_numpy() for level in levels])
    top = counts.max(axis=1)
    unique_top = (counts == top[:, None]).sum(axis=1) == 1
    winner = np.asarray(levels, dtype=object)[counts.argmax(axis=1)]
    modal = np.where(top == 0, None, np.where(unique_top, winner, MIXED))
    return pd.Series(modal, index=domain_roles.index, dtype=object)


def partial_role_counts(codebook: Codebook, data: pd.DataFrame) -> dict[str, int]:
    """Per domain, how many respondents answered some but not all of its role statements."""
    counts = {}
    for domain, items in role_columns(codebook).items():
        answered = data[list(items.values())].notna().sum(axis=1)
        counts[domain] = int(((answered > 0) & (answered < len(items))).sum())
    return counts


def scale_items(codebook: Codebook, data: pd.DataFrame, name: str) -> pd.DataFrame:
    """The items of a multi-item scale, reversed items recoded as (min + max) - code.

    The code range is the scale's fixed one from the codebook, never the observed one.
    """
    spec = codebook.multi_item_scales[name]
    items = pd.DataFrame({i: data[i].astype("Float64") for i in spec["items"]})
    for item in spec.get("reverse", []):
        low, high = codebook.code_range(item)
        items[item] = (low + high) - items[item]
    return items


def scale_scores(codebook: Codebook, data: pd.DataFrame) -> pd.DataFrame:
    """Mean item score per multi-item scale (``score_<scale>``), reversed items recoded
    (:func:`scale_items`); a respondent with fewer than ``min_valid`` answered items gets
    no score.
    """
    out = {}
    for name, spec in codebook.multi_item_scales.items():
        items = scale_items(codebook, data, name)
        valid = items.notna().sum(axis=1)
        out[f"score_{name}"] = items.mean(axis=1, skipna=True).where(valid >= spec["min_valid"])
    return pd.DataFrame(out, index=data.index).astype("Float64")


def recode(codebook: Codebook, clean: pd.DataFrame, config: dict) -> pd.DataFrame:
    """The analysis data set: the cleaned data plus every derived variable."""
    sc = config["size_class"]
    parts = [
        clean[["resp_id", "network_id", "municipality_pop"]],
        size_class(clean["municipality_pop"], sc["breaks"], sc["labels"]).to_frame(),
    ]
    for item in codebook.item_ids:
        parts.append(clean[[item, f"{item}_missing"]])
        parts.append(collapse(codebook, item, clean[item]).rename(f"{item}_cat").to_frame())
    parts.append(governance_roles(codebook, clean, config["governance_role"]))
    parts.append(scale_scores(codebook, clean))
    return pd.concat(parts, axis=1)


def variable_dictionary(codebook: Codebook, recoded: pd.DataFrame, config: dict) -> pd.DataFrame:
    """One row per column of the recoded data: its type, levels and how it was made."""
    sc, gr = config["size_class"], config["governance_role"]
    described = {
        "resp_id": "respondent id",
        "network_id": "network id in the population frame",
        "municipality_pop": "inhabitants of the network's municipality",
        "size_class": f"municipality size class; cut points {sc['breaks']} (lower bound inclusive)",
        "role_overall": f"governance role over all domains; rule '{gr['rule']}', overall '{gr['overall']}'",
    }
    for domain in role_columns(codebook):
        described[f"role_{domain}"] = (
            f"governance role for domain {domain}: the role whose statement has the highest "
            f"agreement (rule '{gr['rule']}'); a tie for the highest is 'mixed'; all missing is missing"
        )
    for item, spec in codebook.items.items():
        described[item] = f"{spec['en']} (scale {spec['scale']}; code, missing if not answered)"
        described[f"{item}_missing"] = f"why {item} is missing: dont_know or blank"
        described[f"{item}_cat"] = f"{item} collapsed as the published figures collapse it"
    for name, spec in codebook.multi_item_scales.items():
        reverse = spec.get("reverse") or "none"
        described[f"score_{name}"] = (
            f"mean of {len(spec['items'])} items of '{spec['en']}' (reversed: {reverse}); "
            f"missing with fewer than {spec['min_valid']} answered"
        )
    rows = []
    for column in recoded.columns:
        dtype = recoded[column].dtype
        levels = "|".join(map(str, dtype.categories)) if isinstance(dtype, pd.CategoricalDtype) else ""
        rows.append(
            {"column": column, "dtype": str(dtype), "levels": levels, "description": described[column]}
        )
    return pd.DataFrame(rows)
