"""The synthetic replica: a population frame and a raw export shaped like the real ones.

The microdata of the study are not public. This generator builds a respondent-level data
set whose category counts reproduce every published figure (computed as the presentation
computed them) and whose joint structure carries the presentation's stated findings. How it
does that, in three steps, each driven by ``synthetic`` in ``config/config.yaml``:

1. **Marginals.** Per item, the counts of every code, "weet niet" and blank. Published
   figures fix the collapsed counts (and, where a figure is a sum of rounded category
   percentages, the split within them); the documented assumptions in ``marginals``
   fill in what the figures leave open. Figures that cannot hold together are reported,
   and the first one listed wins.
2. **Latent scores.** Per respondent, a general factor and one factor per item group
   (``latent.factors``), so items within a construct correlate; shifts by municipality
   size stratum (``latent.shifts``) carry the associations with size.
3. **Rank assignment.** Per item, the missing answers go to respondents drawn at random,
   and the codes, sorted, go to the other respondents in the order of their latent score,
   so each item has exactly its target counts.

The result is deterministic for a given seed and parameters.
"""

from __future__ import annotations

import fnmatch
import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from leisurenet.codebook import Codebook
from leisurenet.data.published import STATISTIC_SIDE, rounded_units, side_codes, units


@dataclass
class Replica:
    frame: pd.DataFrame  # network_id, municipality_pop, stratum
    export: pd.DataFrame  # the raw export, every cell a string as a survey tool writes it
    targets: pd.DataFrame  # item, answer, n, source: what each count was derived from
    conflicts: list[str] = field(default_factory=list)  # published figures it could not reproduce


# --- helpers on assumption tables keyed by item-id patterns ------------------------------


def matching(table: dict, item: str) -> dict:
    """Merge the entries of ``table`` whose key (an fnmatch pattern) matches ``item``.

    Entries are applied in the order listed, so a later, more specific pattern overrides
    an earlier, general one.
    """
    merged: dict = {}
    for pattern, value in table.items():
        if fnmatch.fnmatchcase(item, pattern):
            merged.update(value)
    return merged


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into whole parts proportional to ``weights`` (Hamilton's method)."""
    weights = np.asarray(weights, dtype=float)
    if total == 0 or weights.sum() == 0:
        return [0] * len(weights)
    quotas = total * weights / weights.sum()
    parts = np.floor(quotas).astype(int)
    order = np.argsort(-(quotas - parts), kind="stable")
    parts[order[: total - parts.sum()]] += 1
    return parts.tolist()


# --- step 1: marginals ----------------------------------------------------------------


def figure_constraints(published: dict | None, n: int, at_minimum: dict) -> dict:
    """Per (item, side): the published constraints, as (op, units, decimals, figure id)."""
    constraints: dict[tuple[str, str], list] = {}
    if not published or published.get("n_respondents") != n:
        return constraints
    for fig in published["figures"]:
        side = STATISTIC_SIDE[fig["statistic"]]
        value = units(fig["value"], fig["decimals"])
        if fig["statistic"] == "min_pct_positive":
            lowest = at_minimum.get(fig["id"], fig["items"][0])
            for item in fig["items"]:
                op = "eq" if item == lowest else "ge"
                constraints.setdefault((item, side), []).append((op, value, fig["decimals"], fig["id"]))
        else:
            for item in fig["items"]:
                constraints.setdefault((item, side), []).append(("eq", value, fig["decimals"], fig["id"]))
    return constraints


def _split(total: int, codes: list[int], extreme: int, extreme_share: float) -> dict[int, int]:
    weights = [extreme_share if c == extreme else (1 - extreme_share) / max(len(codes) - 1, 1) for c in codes]
    if len(codes) == 1:
        weights = [1.0]
    return dict(zip(codes, largest_remainder(total, weights), strict=True))


def side_candidates(n, codes, extreme, share, extreme_share, constraints) -> list[dict[int, int]]:
    """Allocations of one side (e.g. codes 4 and 5) that satisfy its published constraints.

    Without constraints: the one allocation the assumptions give. With constraints: the
    best allocation for every feasible total, best first: exact rounding agrees with the
    figure where it can, then the total nearest the assumed share, then the split within
    nearest the assumed extreme share.
    """
    target = share * n
    if not constraints:
        return [_split(round(target), codes, extreme, extreme_share)]

    def satisfies(alloc):
        for op, value, decimals, _ in constraints:
            got = sum(rounded_units(k, n, decimals) for k in alloc.values())
            if (op == "eq" and got != value) or (op == "ge" and got < value):
                return False
        return True

    def exact_agrees(total):
        return all(
            op != "eq" or rounded_units(total, n, decimals) == value for op, value, decimals, _ in constraints
        )

    best: dict[int, tuple] = {}
    for counts in itertools.product(range(n + 1), repeat=len(codes)):
        total = sum(counts)
        if total > n:
            continue
        alloc = dict(zip(codes, counts, strict=True))
        if not satisfies(alloc):
            continue
        key = (not exact_agrees(total), abs(total - target), abs(alloc[extreme] - extreme_share * total))
        if total not in best or key < best[total][0]:
            best[total] = (key, alloc)
    return [alloc for _, alloc in sorted(best.values(), key=lambda entry: entry[0])]


def item_marginal(codebook: Codebook, item: str, n: int, assume: dict, constraints: dict):
    """Target counts of one item: {code: n, 'dont_know': n, 'blank': n}, sources, conflicts."""
    sides, sources, conflicts = {}, {}, []
    candidates = {}
    for side in ("positive", "negative"):
        codes = side_codes(codebook, item, side)
        extreme = max(codes) if side == "positive" else min(codes)
        cons = constraints.get((item, side), [])
        candidates[side] = side_candidates(
            n, codes, extreme, assume[side], assume[f"extreme_of_{side}"], cons
        )
        if not candidates[side]:
            raise ValueError(f"{item}: no counts satisfy the published figures {[c[3] for c in cons]}")
        sources[side] = ", ".join(c[3] for c in cons) or f"assumed share {assume[side]}"
    pairs = (
        (p, q)
        for p in candidates["positive"]
        for q in candidates["negative"]
        if sum(p.values()) + sum(q.values()) <= n
    )
    chosen = next(pairs, None)
    if chosen is None:
        # The figures on the two sides cannot both hold: keep the positive side's and give
        # the negative side every remaining respondent, nearest to its figure.
        pos = candidates["positive"][0]
        neg_codes = side_codes(codebook, item, "negative")
        neg = _split(n - sum(pos.values()), neg_codes, min(neg_codes), assume["extreme_of_negative"])
        chosen = (pos, neg)
        conflicts = [c[3] for c in constraints.get((item, "negative"), [])]
        sources["negative"] = f"all remaining respondents ({', '.join(conflicts)} cannot hold)"
    sides["positive"], sides["negative"] = chosen
    counts = {**sides["positive"], **sides["negative"]}
    rest = n - sum(counts.values())
    neutral = side_codes(codebook, item, "neutral")
    missing = round(rest * assume["missing_of_rest"]) if neutral else rest
    if neutral:
        counts.update(_split(rest - missing, neutral, neutral[-1], 1.0))
    counts["blank"] = round(missing * assume["blank_of_missing"])
    counts["dont_know"] = missing - counts["blank"]
    return counts, sources, conflicts


def solve_marginals(codebook: Codebook, n: int, published: dict | None, params: dict):
    """Target counts for every item, with the source of each count and any conflicts."""
    constraints = figure_constraints(published, n, params.get("at_minimum", {}))
    marginals, rows, conflicts = {}, [], []
    for item in codebook.item_ids:
        assume = matching(params["marginals"], item)
        counts, sources, item_conflicts = item_marginal(codebook, item, n, assume, constraints)
        marginals[item] = counts
        conflicts += item_conflicts
        collapse = codebook.collapse_map(item)
        for answer, k in counts.items():
            level = collapse.get(answer, "missing")
            source = sources.get(level, "assumed (the rest of the respondents)")
            rows.append({"item": item, "answer": str(answer), "n": k, "source": source})
    return marginals, pd.DataFrame(rows), conflicts


# --- steps 2 and 3: frame, latent scores, rank assignment -----------------------------


def stratum_counts(strata: list[dict], n_respondents: int) -> tuple[list[int], list[int]]:
    """Frame and respondent counts per stratum, scaled to ``n_respondents`` if it differs."""
    frame = [s["frame"] for s in strata]
    respondents = [s["respondents"] for s in strata]
    if n_respondents == sum(respondents):
        return frame, respondents
    factor = n_respondents / sum(respondents)
    respondents = largest_remainder(n_respondents, respondents)
    frame = largest_remainder(round(sum(frame) * factor), frame)
    return [max(f, r) for f, r in zip(frame, respondents, strict=True)], respondents


def make_frame(strata: list[dict], frame_counts: list[int], rng: np.random.Generator) -> pd.DataFrame:
    """Networks with a municipality size drawn log-uniformly within each stratum's range."""
    parts = []
    for stratum, count in zip(strata, frame_counts, strict=True):
        low, high = np.log(stratum["pop_min"]), np.log(stratum["pop_max"])
        pops = np.floor(np.exp(rng.uniform(low, high, size=count))).astype(np.int64)
        parts.append(pd.DataFrame({"municipality_pop": pops, "stratum": stratum["name"]}))
    frame = pd.concat(parts, ignore_index=True).iloc[rng.permutation(sum(frame_counts))]
    width = len(str(len(frame)))
    frame.insert(0, "network_id", [f"N{i + 1:0{width}d}" for i in range(len(frame))])
    return frame.reset_index(drop=True)


def latent_scores(codebook: Codebook, strata: pd.Series, params: dict, rng) -> pd.DataFrame:
    """One latent score per respondent and item (see the module docstring)."""
    latent = params["latent"]
    n = len(strata)
    general = rng.standard_normal(n)
    factors: dict[str, np.ndarray] = {}
    scores = {}
    g = latent["general_share"]
    stratum_of, stratum_names = pd.factorize(strata)
    for item in codebook.item_ids:
        spec = matching(latent["factors"], item)
        name = spec.get("factor", codebook.items[item]["construct"])
        if name not in factors:
            factors[name] = np.sqrt(g) * general + np.sqrt(1 - g) * rng.standard_normal(n)
        loading = spec["loading"]
        shifts = matching(latent["shifts"], item)
        shift = np.array([shifts.get(s, 0.0) for s in stratum_names], dtype=float)[stratum_of]
        noise = rng.standard_normal(n)
        scores[item] = loading * factors[name] + np.sqrt(1 - loading**2) * noise + shift
    return pd.DataFrame(scores)


def assign_codes(latent: np.ndarray, counts: dict, rng: np.random.Generator) -> np.ndarray:
    """Give each respondent an answer so that the item has exactly ``counts``.

    The missing answers go to the first respondents of a random permutation; the codes,
    sorted, go to the others in the order of their latent score (ties in respondent order).
    Returns an object array of codes (int) and ``"dont_know"``/``"blank"``.
    """
    n = len(latent)
    answers = np.empty(n, dtype=object)
    order = rng.permutation(n)
    n_dont_know, n_blank = counts["dont_know"], counts["blank"]
    answers[order[:n_dont_know]] = "dont_know"
    answers[order[n_dont_know : n_dont_know + n_blank]] = "blank"
    answered = np.ones(n, dtype=bool)
    answered[order[: n_dont_know + n_blank]] = False
    positions = np.flatnonzero(answered)
    codes = sorted((c, k) for c, k in counts.items() if isinstance(c, int))
    values = np.repeat([c for c, _ in codes], [k for _, k in codes]) if codes else np.array([], dtype=int)
    if len(values) != len(positions):
        raise ValueError(f"{len(positions)} respondents answer but the counts give {len(values)} codes")
    ranked = positions[np.argsort(np.asarray(latent)[positions], kind="stable")]
    answers[ranked] = values.tolist()
    return answers


def generate(codebook: Codebook, published: dict | None, params: dict) -> Replica:
    """Build the frame and the raw export; see the module docstring for the method."""
    rng = np.random.default_rng(params["seed"])
    strata = params["strata"]
    n = params["n_respondents"]
    frame_counts, resp_counts = stratum_counts(strata, n)
    frame = make_frame(strata, frame_counts, rng)
    chosen = [
        rng.choice(frame.index[frame["stratum"] == s["name"]], size=k, replace=False)
        for s, k in zip(strata, resp_counts, strict=True)
    ]
    respondents = frame.loc[rng.permutation(np.concatenate(chosen))].reset_index(drop=True)
    marginals, targets, conflicts = solve_marginals(codebook, n, published, params)
    latent = latent_scores(codebook, respondents["stratum"], params, rng)
    dont_know = str(params["dont_know_code"])
    width = len(str(n))
    export = pd.DataFrame(
        {
            "resp_id": [f"R{i + 1:0{width}d}" for i in range(n)],
            "network_id": respondents["network_id"],
            "municipality_pop": respondents["municipality_pop"].astype(str),
        }
    )
    as_text = {"dont_know": dont_know, "blank": ""}
    columns = {}
    for item in codebook.item_ids:
        answers = assign_codes(latent[item].to_numpy(), marginals[item], rng)
        # Each distinct answer is written once and the texts spread over the respondents.
        position, distinct = pd.factorize(answers)
        texts = np.array([as_text.get(a, str(a)) for a in distinct], dtype=object)
        columns[item] = texts[position]
    export = pd.concat([export, pd.DataFrame(columns, index=export.index)], axis=1)
    return Replica(frame=frame, export=export, targets=targets, conflicts=conflicts)
