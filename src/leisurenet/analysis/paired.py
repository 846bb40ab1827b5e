"""The paired comparison of the involvement of people in poverty against the guiding role of
their input, per domain: counts of higher, equal and lower ratings, the Wilcoxon signed-rank
test and the matched-pairs rank-biserial correlation.

A module of its own for the describe rule's ``paired.csv``: one test on pairs of items
that the codebook names (:data:`leisurenet.names.INVOLVEMENT_KINDS`), where
:mod:`leisurenet.analysis.describe` describes each item alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from leisurenet.analysis.describe import _pct  # the percentages of every descriptive table
from leisurenet.codebook import Codebook
from leisurenet.names import GUIDING_KIND, INVOLVEMENT_KINDS

# Defaults of the Wilcoxon test (config analysis.paired_zero_method and
# analysis.paired_continuity_correction): those of R's wilcox.test, which most readers use.
PAIRED_ZERO_METHOD = "wilcox"
PAIRED_CORRECTION = True


def paired_items(codebook: Codebook) -> list[dict]:
    """The (involvement, guiding) item pairs per domain, found in the codebook.

    Per domain of the codebook, the representation items whose id ends in
    ``_from_start`` or ``_expertise`` (involvement) are paired with the one ending in
    ``_guiding``; a domain without a guiding item gives no pairs.
    """
    pairs = []
    for domain in codebook.spec.get("domains", {}):
        items = codebook.items_where(construct="representation", domain=domain)

        def ending(kind, items=items, domain=domain):
            found = [i for i in items if i.endswith(f"_{kind}")]
            if len(found) > 1:
                raise ValueError(f"domain {domain}: several representation items end in _{kind}: {found}")
            return found[0] if found else None

        guiding = ending(GUIDING_KIND)
        for kind in INVOLVEMENT_KINDS:
            involvement = ending(kind)
            if guiding and involvement:
                pairs.append(
                    {
                        "comparison": f"{kind}_vs_{GUIDING_KIND}",
                        "domain": domain,
                        "involvement_item": involvement,
                        "guiding_item": guiding,
                    }
                )
    return pairs


def wilcoxon_signed_rank(
    differences, zero_method: str = PAIRED_ZERO_METHOD, correction: bool = PAIRED_CORRECTION
) -> dict:
    """Wilcoxon signed-rank test (normal approximation, tie-corrected) and effect size,
    by ``pingouin.wilcoxon``.

    ``zero_method`` 'wilcox' drops zero differences before ranking (as R
    ``wilcox.test``); 'pratt' ranks them and then drops them. ``correction`` applies the
    continuity correction. pingouin gives the p-value (SciPy's, with the normal
    approximation asked for: R's p to 1e-15) and the matched-pairs rank-biserial
    correlation (T+ - T-) / (T+ + T-) (Kerby 2014), positive when the first variable is
    higher. Computed here from the ranks the test uses:

    - R's V (T+), which pingouin does not report (its W_val is min(T+, T-), SciPy's);
    - z, the signed normal deviate of the two-sided p (pingouin gives only p);
    - the rank-biserial correlation under 'pratt': pingouin drops the zeros before
      ranking whatever the zero method, so its value is the 'wilcox' one. On the tests'
      15 pairs with 9 zero differences, Pratt's ranks give 0.0400 and pingouin 0.1429; on
      the replica's six pairs of items (18 to 25 zeros in 71 or 72 pairs), 0.511 to 0.572
      against pingouin's 0.568 to 0.656 (at most 0.092 apart).

    Checked against R ``wilcox.test(x, y, paired=TRUE, exact=FALSE, correct=TRUE)`` (V,
    p) and ``pingouin.wilcoxon`` (RBC, and the ranks by hand for Pratt).

    Returns
    -------
    dict with ``n_nonzero, v_statistic`` (T+, R's V), ``z`` (signed: positive when the
    differences are mostly positive), ``p_value, rank_biserial``; NaN without any
    non-zero difference.
    """
    import pingouin  # costly to import (about 0.6 s): only the jobs that run the test load it

    d = np.asarray(differences, dtype=float)
    nonzero = d[d != 0]
    empty = {"n_nonzero": 0, "v_statistic": np.nan, "z": np.nan, "p_value": np.nan, "rank_biserial": np.nan}
    if len(nonzero) == 0:
        return empty
    ranks = stats.rankdata(np.abs(d if zero_method == "pratt" else nonzero))
    signs = np.sign(d if zero_method == "pratt" else nonzero)
    t_plus, t_minus = ranks[signs > 0].sum(), ranks[signs < 0].sum()
    result = pingouin.wilcoxon(d, zero_method=zero_method, correction=correction, method="asymptotic")
    p_value = float(result["p_val"].iloc[0])
    rank_biserial = (
        (t_plus - t_minus) / (t_plus + t_minus) if zero_method == "pratt" else result["RBC"].iloc[0]
    )
    return {
        "n_nonzero": len(nonzero),
        "v_statistic": float(t_plus),
        "z": float(np.sign(t_plus - t_minus) * stats.norm.isf(p_value / 2)),
        "p_value": p_value,
        "rank_biserial": float(rank_biserial),
    }


def paired_comparisons(
    data: pd.DataFrame,
    codebook: Codebook,
    zero_method: str = PAIRED_ZERO_METHOD,
    correction: bool = PAIRED_CORRECTION,
) -> pd.DataFrame:
    """Involvement of people in poverty against the guiding role of their input, per domain.

    For each pair of :func:`paired_items`, the respondents who answered both items
    (codes, not collapsed): n pairs, how many rate involvement higher / equal / lower
    than the guiding role (``pct_*`` of the pairs), the median of the differences
    (involvement - guiding) and :func:`wilcoxon_signed_rank`.

    Returns
    -------
    DataFrame with ``comparison, domain, involvement_item, guiding_item, n_pairs,
    n_higher, n_equal, n_lower, pct_higher, pct_equal, pct_lower, median_involvement,
    median_guiding, median_difference, n_nonzero, v_statistic, z, p_value,
    rank_biserial, zero_method, continuity_correction, method``.
    """
    if zero_method not in ("wilcox", "pratt"):
        raise ValueError(f"zero_method must be 'wilcox' or 'pratt', not {zero_method!r}")
    rows = []
    for pair in paired_items(codebook):
        both = data[[pair["involvement_item"], pair["guiding_item"]]].astype("Float64").dropna()
        x = both.iloc[:, 0].to_numpy(dtype=float)
        y = both.iloc[:, 1].to_numpy(dtype=float)
        d, n = x - y, len(both)
        row = pair | {
            "n_pairs": n,
            "n_higher": int((d > 0).sum()),
            "n_equal": int((d == 0).sum()),
            "n_lower": int((d < 0).sum()),
        }
        for key in ("higher", "equal", "lower"):
            row[f"pct_{key}"] = _pct(row[f"n_{key}"], n)
        row |= {
            "median_involvement": float(np.median(x)) if n else np.nan,
            "median_guiding": float(np.median(y)) if n else np.nan,
            "median_difference": float(np.median(d)) if n else np.nan,
        }
        row |= wilcoxon_signed_rank(d, zero_method, correction)
        row |= {
            "zero_method": zero_method,
            "continuity_correction": correction,
            "method": "Wilcoxon signed-rank, normal approximation with tie correction",
        }
        rows.append(row)
    return pd.DataFrame(rows)
