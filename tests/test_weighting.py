"""The weighted design, pinned to R's survey package (4.1.1).

The R values come from the replica's recoded data (the ``recoded`` fixture) written out
with, per item, 1 for a positive answer, 0 for another valid one and NA for a missing
one, the frame size ``N`` = 104 and ``size_class``; the R call is quoted above them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from leisurenet.recode import size_class
from leisurenet.weighting import WeightingError, mean, poststratified

BREAKS, LABELS = [15000, 40000], ["small", "medium", "large"]

# d <- read.csv("r.csv"); pop <- data.frame(size_class = c("small", "medium", "large"), Freq = c(45, 39, 20))
# ps <- postStratify(svydesign(ids = ~1, fpc = ~N, data = d), ~size_class, pop)
# m <- svymean(~vis_defined, ps, na.rm = TRUE); sprintf("%.15g %.15g", coef(m), SE(m))
REPLICA_MEANS = {
    "vis_defined": (0.910065136476427, 0.0165521668504043),
    "rep_voice": (0.619509925558313, 0.0275712815218816),
    "eff_financial": (0.822549627791563, 0.0217580183225399),
    "sup_exchange": (0.901442307692308, 0.01624390797555),
}


def positive(recoded: pd.DataFrame, item: str) -> np.ndarray:
    cat = recoded[f"{item}_cat"].astype(object)
    return np.where(cat.isna(), np.nan, (cat == "positive").astype(float))


@pytest.fixture(scope="module")
def replica_design(replica, recoded):
    frame_classes = size_class(replica.frame["municipality_pop"], BREAKS, LABELS)
    return poststratified(recoded["size_class"].astype(str), frame_classes.astype(str).value_counts())


def test_the_weights_are_population_over_sample_counts(replica_design, recoded):
    assert replica_design.population == 104 and replica_design.weights.sum() == pytest.approx(104)
    by_class = pd.Series(replica_design.weights).groupby(recoded["size_class"].astype(str).to_numpy()).first()
    assert by_class.to_dict() == pytest.approx({"small": 45 / 31, "medium": 39 / 30, "large": 20 / 16})


@pytest.mark.parametrize("item", REPLICA_MEANS)
def test_weighted_shares_match_svymean(replica_design, recoded, item):
    estimate, se = mean(replica_design, positive(recoded, item))
    assert estimate == pytest.approx(REPLICA_MEANS[item][0], abs=1e-8)
    assert se == pytest.approx(REPLICA_MEANS[item][1], abs=1e-8)


def test_a_class_without_respondents_or_outside_the_frame_is_an_error():
    classes = pd.Series(["a", "a", "b"])
    with pytest.raises(WeightingError, match="class\\(es\\) c of the frame have no respondent"):
        poststratified(classes, pd.Series({"a": 5, "b": 4, "c": 3}))
    with pytest.raises(WeightingError, match="class\\(es\\) b, which the frame does not have"):
        poststratified(classes, pd.Series({"a": 5}))
