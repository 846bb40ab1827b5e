"""The Fisher-Freeman-Halton test's cost bounds and budgets at their edges, each against a count
worked out by hand, a brute-force enumeration or SciPy, never against the function's own output.

The p-values themselves are pinned to R's ``fisher.test`` in tests/analysis/test_crosstab.py.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats
from scipy.special import gammaln

from leisurenet.analysis.exact import (
    EXACT_METHOD,
    FIXED_POINT,
    NetworkTooLarge,
    _compositions,
    _future_bounds,
    _futures,
    _n_compositions,
    _n_compositions_convolution,
    _n_fillings_built,
    _network,
    fisher_exact_enumeration,
    fisher_exact_network,
    fisher_exact_rxc,
    fisher_monte_carlo,
    n_fillings,
    n_tables_bound,
)

# A 2 x 2 table with margins 4, 4 | 4, 4: its tables are x11 = 0..4, five in all; the enumerated
# column's fillings are five first cells (partial) and five complete columns: ten.
T22 = np.array([[3, 1], [1, 3]])


def brute_fillings(total: int, caps: list[int]) -> int:
    """Vectors of the first j parts (j < m) with a sum at most ``total``, and complete vectors
    summing to ``total``, each part within its cap: listed one by one."""
    partial = sum(
        sum(1 for x in itertools.product(*(range(c + 1) for c in caps[:j])) if sum(x) <= total)
        for j in range(1, len(caps))
    )
    complete = sum(1 for x in itertools.product(*(range(c + 1) for c in caps)) if sum(x) == total)
    return partial + complete


@pytest.mark.parametrize(("total", "caps"), [(2, [2, 2]), (4, [4, 4]), (5, [3, 1, 4]), (3, [0, 2, 2, 1])])
def test_fillings_built_match_a_listing(total, caps):
    """The memory bound counts every partial and complete vector a column's filling may build."""
    assert _n_fillings_built(total, np.array(caps)) == brute_fillings(total, caps)


def test_bound_and_fillings_of_a_2x2_table_by_hand():
    """Margins 4, 4 | 4, 4: five tables, and ten fillings of the one enumerated column."""
    assert n_tables_bound(T22) == 5
    assert n_fillings(T22) == 10


def test_a_table_of_one_row_or_column_has_no_fillings_and_p_one():
    """One row or column: the observed table is the only one (p = 1, nothing to enumerate)."""
    one_row = np.array([[3, 4, 5]])
    assert n_fillings(one_row) == 0 and n_fillings(one_row.T) == 0
    assert fisher_exact_enumeration(one_row) == 1.0 and fisher_exact_enumeration(one_row.T) == 1.0
    assert fisher_exact_network(one_row) == 1.0 and fisher_exact_network(one_row.T) == 1.0


def test_exact_p_is_attempted_at_the_budgets_and_not_beyond():
    """A bound or a filling count equal to its budget is within it; one less is Monte Carlo."""
    p = stats.fisher_exact(T22).pvalue
    at = fisher_exact_rxc(T22, draws=500, seed=2, max_tables=5, max_fillings=10)
    assert (at.method, at.n_tables_bound, at.n_draws) == (EXACT_METHOD, 5, 0)
    assert at.p == pytest.approx(p, rel=1e-10) and math.isnan(at.mc_se)
    for limits in ({"max_tables": 4, "max_fillings": 10}, {"max_tables": 5, "max_fillings": 9}):
        over = fisher_exact_rxc(T22, draws=500, seed=2, **limits)
        assert (over.method, over.n_tables_bound, over.n_draws) == ("Monte Carlo, 500 draws, seed 2", 5, 500)
        assert over.mc_se == pytest.approx(math.sqrt(over.p * (1 - over.p) / 500), rel=1e-12)


def test_no_composition_exceeds_the_caps():
    """A total above the caps' sum has no filling: an empty (0, parts) array, counted 0."""
    got = _compositions(9, np.array([2, 3, 3]))
    assert got.shape == (0, 3)
    assert _n_compositions(9, [2, 3, 3]) == 0 and _n_compositions_convolution(9, [2, 3, 3]) == 0


def test_compositions_are_listed_in_lexicographic_order():
    """Total 2 into caps 1, 2: (0, 2), (1, 1), every vector once."""
    assert _compositions(2, np.array([1, 2])).tolist() == [[0, 2], [1, 1]]


def test_no_parts_compose_only_zero():
    """The empty vector sums to 0 and to nothing else."""
    assert _n_compositions(0, []) == 1 and _n_compositions(3, []) == 0


@pytest.mark.parametrize("counts", [[[3, 1, 2], [1, 3, 0], [2, 2, 4]], [[2, 0, 1, 3], [1, 4, 2, 0]]])
def test_each_nodes_bounds_are_the_least_and_largest_weight_of_its_completions(counts):
    """The network's pruning bounds (``_future_bounds``), against every completion of every node
    walked one by one: through the arcs to the meeting stage, then each of its futures."""
    counts = np.array(counts)
    rows, cols = np.sort(counts.sum(1)), np.sort(counts.sum(0))[::-1]
    lgf = gammaln(np.arange(counts.sum() + 2) + 1.0)
    weights = np.round(lgf * FIXED_POINT).astype(np.int64)
    nodes, arcs = _network(rows, cols, lgf, weights)
    meet, futures = _futures(nodes, arcs)
    low, high = _future_bounds(nodes, arcs, meet, futures)

    def completions(k: int, u: int) -> list[int]:
        if k == meet:
            return [int(v) for owner, v in zip(futures[0], futures[1], strict=True) if owner == u]
        parent, child, w, _ = arcs[k]
        return [
            int(wi) + rest
            for p, c, wi in zip(parent, child, w, strict=True)
            if p == u
            for rest in completions(k + 1, c)
        ]

    for k in range(meet + 1):
        walked = [completions(k, u) for u in range(len(nodes[k]))]
        assert (
            all(walked)
            and low[k].tolist() == [min(x) for x in walked]
            and high[k].tolist() == [max(x) for x in walked]
        )


def test_fillings_of_a_3x3_table_count_every_enumerated_column():
    """Margins 3, 3, 3 | 3, 3, 3: the two enumerated columns each build the listing's
    fillings of 3 into caps 3, 3, 3 (the last column is what remains)."""
    assert n_fillings(np.ones((3, 3), dtype=int)) == 2 * brute_fillings(3, [3, 3, 3]) == 48


def test_the_most_probable_table_has_p_one_exactly():
    """Every table of these margins is at most as probable as the observed one: p = 1. Summed
    in floating point the enumeration exceeds 1 by 4e-16; the p-value does not."""
    mode = np.array([[1, 5, 5], [1, 4, 3]])
    d = stats.random_table(mode.sum(1), mode.sum(0))
    tables = [np.array([[a, b, 11 - a - b], [2 - a, 9 - b, a + b - 3]]) for a in range(3) for b in range(10)]
    assert max(d.pmf(t) for t in tables if (t >= 0).all()) == d.pmf(mode)
    assert fisher_exact_enumeration(mode) == 1.0 and fisher_exact_network(mode) == 1.0


def test_enumeration_in_chunks_of_any_size_gives_the_same_p():
    """Chunks larger than the pair budget allows are cut to it (an integer step)."""
    counts = np.array([[3, 1, 2], [1, 3, 0], [2, 2, 4]])
    assert fisher_exact_enumeration(counts, chunk=10**7) == fisher_exact_enumeration(counts, chunk=1)


def scipy_monte_carlo(counts, draws: int, seed: int) -> float:
    """The Monte Carlo p by hand: Patefield draws from SciPy with the same generator, each
    counted when its probability is at most the observed one's times 1 + 1e-7."""
    counts = np.asarray(counts)
    d = stats.random_table(counts.sum(1), counts.sum(0))
    tables = d.rvs(size=draws, method="patefield", random_state=np.random.default_rng(seed))
    observed = d.pmf(counts)
    hits = sum(d.pmf(t) <= observed * (1 + 1e-7) for t in tables)
    return (1 + hits) / (1 + draws)


@pytest.mark.parametrize(
    "counts",
    [
        [[5, 0], [0, 1]],  # a cell of n - 1
        [[1, 0, 0], [0, 3, 2], [0, 2, 4]],  # a row and a column of one respondent
        [[2, 1, 3], [1, 4, 0]],
    ],
)
def test_monte_carlo_p_is_the_share_of_patefield_draws_as_extreme(counts):
    p, se = fisher_monte_carlo(np.array(counts), draws=400, seed=11)
    assert p == pytest.approx(scipy_monte_carlo(counts, 400, 11), rel=1e-12)
    assert se == pytest.approx(math.sqrt(p * (1 - p) / 400), rel=1e-12)


def test_monte_carlo_leaves_out_empty_rows_and_columns():
    """An all-zero row or column changes no table's probability, nor the draws."""
    counts = np.array([[2, 1, 3], [1, 4, 0]])
    padded = np.zeros((3, 4), dtype=int)
    padded[:2, :3] = counts
    assert fisher_monte_carlo(padded, 300, 5) == fisher_monte_carlo(counts, 300, 5)


def test_monte_carlo_in_chunks_draws_exactly_the_draws_asked():
    """The most probable table: every draw counts, so p = (1 + draws) / (1 + draws) = 1 with
    the last chunk cut short (25 draws in chunks of 10)."""
    assert fisher_monte_carlo(np.array([[1, 5, 5], [1, 4, 3]]), draws=25, seed=3, chunk=10) == (1.0, 0.0)


@pytest.mark.parametrize(
    "counts", [[[1, 1, 0, 2, 3, 2], [0, 2, 1, 3, 3, 0]], [[1, 1, 2, 2, 2, 2, 3], [3, 3, 2, 2, 1, 3, 1]]]
)
def test_network_of_many_columns_meets_its_futures_stage_by_stage(counts):
    """Six and seven columns: the completions are built back over several stages before the
    two ends meet; the p is the enumeration's."""
    counts = np.array(counts)
    assert fisher_exact_network(counts) == pytest.approx(fisher_exact_enumeration(counts), abs=1e-12)


def tables_with_margins(rows: list[int], cols: list[int]):
    """Every table with these margins, listed row by row (each row a composition of its sum
    within what the columns have left)."""
    if not rows:
        yield []
        return
    for row in itertools.product(*(range(min(rows[0], c) + 1) for c in cols)):
        if sum(row) == rows[0]:
            for rest in tables_with_margins(rows[1:], [c - x for c, x in zip(cols, row, strict=True)]):
                yield [list(row), *rest]


def listed_p(counts: list[list[int]]) -> float:
    """The exact p by listing every table with the observed margins: the sum of the
    probabilities prod R! prod C! / (n! prod x!) of those at most the observed one's times
    1 + 1e-7 (as R's fisher.test)."""
    rows, cols = [sum(r) for r in counts], [sum(c) for c in zip(*counts, strict=True)]
    fixed = sum(math.lgamma(m + 1) for m in rows + cols) - math.lgamma(sum(rows) + 1)

    def probability(table):
        return math.exp(fixed - sum(math.lgamma(x + 1) for row in table for x in row))

    observed = probability(counts) * (1 + 1e-7)
    return sum(p for p in map(probability, tables_with_margins(rows, cols)) if p <= observed)


@pytest.mark.parametrize(
    "counts", [[[1, 0, 0], [1, 1, 0], [0, 0, 2]], [[0, 0, 1, 0], [0, 2, 0, 0], [1, 0, 0, 0], [1, 0, 0, 1]]]
)
def test_network_keeps_apart_the_nodes_of_one_stage(counts):
    """Row sums of 1 and 2: after a column, remainders such as (0, 2, 2) and (1, 1, 2) have the
    same total but other completions, and must stay two nodes (the p merging them gave is
    0.467 for 0.333 and 0.278 for 0.244). The p is that of listing every table."""
    assert listed_p(counts) == pytest.approx(fisher_exact_enumeration(np.array(counts)), abs=1e-12)
    assert fisher_exact_network(np.array(counts)) == pytest.approx(listed_p(counts), abs=1e-12)


def test_network_budget_counts_the_pairs_it_examines():
    """Margins 2, 2 | 2, 1, 1 observed as [[2, 0, 0], [0, 1, 1]]: the root is neither counted
    nor dropped whole, and its arcs are the first column's fillings (0, 2), (1, 1), (2, 0),
    of which (0, 2) and (2, 0) lead to the same node with the same weight: 2 pairs examined."""
    counts = np.array([[2, 0, 0], [0, 1, 1]])
    with pytest.raises(NetworkTooLarge):
        fisher_exact_network(counts, max_pairs=1)
    assert fisher_exact_network(counts, max_pairs=2) == pytest.approx(
        fisher_exact_enumeration(counts), abs=1e-15
    )
