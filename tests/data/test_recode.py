"""Recoding rules on crafted rows, where the right answer is known by construction."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from leisurenet.codebook import Codebook
from leisurenet.data.recode import collapse, governance_roles, scale_scores, size_class

NA = pd.NA


def test_size_class_cut_points_are_lower_inclusive():
    pop = pd.Series([1, 14999, 15000, 39999, 40000, 500000])
    got = size_class(pop, [15000, 40000], ["small", "medium", "large"])
    assert got.tolist() == ["small", "small", "medium", "medium", "large", "large"]
    assert got.cat.ordered and list(got.cat.categories) == ["small", "medium", "large"]
    assert size_class(pd.Series([9999, 10000]), [10000], ["a", "b"]).tolist() == ["a", "b"]
    with pytest.raises(ValueError, match="one label more"):
        size_class(pop, [15000, 40000], ["small", "large"])


def test_collapse_keeps_missing_apart_from_neutral(codebook):
    codes = pd.Series([1, 2, 3, 4, 5, NA], dtype="Int8")
    got = collapse(codebook, "vis_defined", codes)
    assert got.tolist()[:5] == ["negative", "negative", "neutral", "positive", "positive"]
    assert pd.isna(got.iloc[5])
    assert list(got.cat.categories) == ["negative", "neutral", "positive"]
    u4 = collapse(codebook, "sup_exchange", pd.Series([1, 2, 3, 4], dtype="Int8"))
    assert u4.tolist() == ["negative", "negative", "positive", "positive"]


def role_rows(codebook, rows: dict[str, list]) -> pd.DataFrame:
    """Role statements for all domains: ``rows`` gives (facilitator, coproducer, commissioner) per domain."""
    data = {}
    for domain, values in rows.items():
        for role, column in zip(
            ("facilitator", "coproducer", "commissioner"), zip(*values, strict=True), strict=True
        ):
            data[f"role_{domain}_{role}"] = pd.array(column, dtype="Int8")
    return pd.DataFrame(data)


SETTINGS = {"rule": "highest", "agreed_min_code": 4, "overall": "highest_mean"}


def test_role_is_the_highest_agreement_and_a_tie_is_mixed(codebook):
    rows = [(5, 4, 1), (4, 4, 2), (NA, NA, NA), (NA, 3, NA), (2, 2, 2), (1, 2, 3)]
    data = role_rows(codebook, {"vis": rows, "obj": rows, "act": rows})
    got = governance_roles(codebook, data, SETTINGS)
    expected = ["facilitator", "mixed", None, "coproducer", "mixed", "commissioner"]
    for domain in ("vis", "obj", "act", "overall"):
        assert [None if pd.isna(v) else v for v in got[f"role_{domain}"]] == expected


def test_role_rule_highest_agreed_requires_agreement(codebook):
    rows = [(3, 2, 1), (4, 3, 1), (NA, NA, NA)]
    data = role_rows(codebook, {"vis": rows, "obj": rows, "act": rows})
    got = governance_roles(codebook, data, {**SETTINGS, "rule": "highest_agreed"})
    assert [None if pd.isna(v) else v for v in got["role_act"]] == ["none", "facilitator", None]


def test_overall_role_by_mean_and_by_modal_domain(codebook):
    data = role_rows(
        codebook,
        {"vis": [(5, 1, 1)], "obj": [(1, 4, 1)], "act": [(1, 4, 1)]},
    )
    # mean codes: facilitator 7/3, coproducer 3, commissioner 1 -> coproducer
    assert governance_roles(codebook, data, SETTINGS)["role_overall"].tolist() == ["coproducer"]
    modal = governance_roles(codebook, data, {**SETTINGS, "overall": "modal_domain"})
    assert modal["role_overall"].tolist() == ["coproducer"]
    tie = role_rows(codebook, {"vis": [(5, 1, 1)], "obj": [(1, 5, 1)], "act": [(1, 1, 5)]})
    assert governance_roles(codebook, tie, {**SETTINGS, "overall": "modal_domain"})[
        "role_overall"
    ].tolist() == ["mixed"]


def test_modal_domain_equals_counting_each_row(codebook):
    # Random answers (some missing) against a per-row count of the domains' roles: the most
    # frequent role, "mixed" on a tie, missing when no domain has a role.
    rng = np.random.default_rng(4)
    values = rng.choice([1, 2, 3, 4, 5, None], size=(300, 9), p=[0.2, 0.2, 0.15, 0.2, 0.15, 0.1])
    rows = {d: [tuple(r[3 * i : 3 * i + 3]) for r in values] for i, d in enumerate(["vis", "obj", "act"])}
    data = role_rows(codebook, rows)
    got = governance_roles(codebook, data, {**SETTINGS, "overall": "modal_domain"})
    domains_of = got[["role_vis", "role_obj", "role_act"]].itertuples(index=False)
    for domains, overall in zip(domains_of, got["role_overall"], strict=True):
        counts = Counter(v for v in domains if not pd.isna(v))
        top = [role for role, n in counts.items() if n == max(counts.values(), default=0)]
        expected = None if not counts else top[0] if len(top) == 1 else "mixed"
        assert (None if pd.isna(overall) else overall) == expected


def test_reverse_coding_uses_the_fixed_scale_range(codebook):
    spec = {
        **codebook.spec,
        "multi_item_scales": {
            "pair": {
                "items": ["vis_defined", "vis_consensus"],
                "reverse": ["vis_consensus"],
                "min_valid": 2,
                "nl": "paar",
                "en": "pair",
            }
        },
    }
    book = Codebook(spec)
    # Observed codes only span 2..4; reversing on the observed range would give 6 - x too,
    # so use a response that tells the two apart: observed range 2..3 would map 3 -> 2.
    data = pd.DataFrame(
        {
            "vis_defined": pd.array([3, 3, NA], dtype="Int8"),
            "vis_consensus": pd.array([2, 3, 3], dtype="Int8"),
        }
    )
    got = scale_scores(book, data)["score_pair"]
    assert got.iloc[0] == (3 + (6 - 2)) / 2  # 3.5; the observed range (2..3) would give 3.0
    assert got.iloc[1] == (3 + 3) / 2
    assert pd.isna(got.iloc[2])  # one item answered, min_valid 2


def test_scale_score_uses_available_items_above_min_valid(codebook):
    vision = codebook.multi_item_scales["vision"]
    book = Codebook({**codebook.spec, "multi_item_scales": {"vision": vision}})
    columns = zip(vision["items"], [[4, 4], [5, NA], [3, NA], [4, NA]], strict=True)
    data = pd.DataFrame({i: pd.array(v, dtype="Int8") for i, v in columns})
    got = scale_scores(book, data)["score_vision"]
    assert got.iloc[0] == 4.0
    assert pd.isna(got.iloc[1])  # 1 of 4 answered, min_valid 3


def test_role_can_require_every_statement(codebook):
    rows = [(5, 4, 1), (NA, 3, NA), (4, NA, 2)]
    data = role_rows(codebook, {"vis": rows, "obj": rows, "act": rows})
    lenient = governance_roles(codebook, data, SETTINGS)["role_act"]
    strict = governance_roles(codebook, data, {**SETTINGS, "min_statements": 3})["role_act"]
    assert [None if pd.isna(v) else v for v in lenient] == ["facilitator", "coproducer", "facilitator"]
    assert [None if pd.isna(v) else v for v in strict] == ["facilitator", None, None]


def test_partial_role_answers_are_counted(codebook):
    from leisurenet.data.recode import partial_role_counts

    rows = [(5, 4, 1), (NA, 3, NA), (NA, NA, NA)]
    data = role_rows(codebook, {"vis": rows, "obj": rows, "act": rows})
    assert partial_role_counts(codebook, data) == {"vis": 1, "obj": 1, "act": 1}
