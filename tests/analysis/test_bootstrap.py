"""The bootstrap: independence of the chunking, the resampling distribution, and intervals
against SciPy's bootstrap and closed forms."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from leisurenet.analysis.bootstrap import (
    intervals,
    percentile_interval,
    point_estimate,
    quantile_mc_se,
    resample_counts,
    run_replicates,
    sd_mc_se,
)
from leisurenet.analysis.fastfit import model_patterns, patterns
from leisurenet.analysis.models import load_model_specs
from leisurenet.paths import ROOT
from leisurenet.workflow.plan import chunks

SEED = 20161104


@pytest.fixture(scope="module")
def primary(recoded):
    specs = load_model_specs(ROOT / "config" / "models.yaml")
    return model_patterns(recoded, specs["models"]["rep_voice_ordinal"], "rep_voice_ordinal")


# a 2 x 2 table: binary predictor x binary outcome, whose slope is the log odds ratio
TABLE = {(0, 0): 40, (0, 1): 25, (1, 0): 22, (1, 1): 48}  # no resample empties a cell


@pytest.fixture(scope="module")
def two_by_two():
    X = np.array([[float(x)] for (x, _) in TABLE])
    codes = np.array([y for (_, y) in TABLE])
    rows_x = np.repeat(X[:, 0], list(TABLE.values()))
    rows_y = np.repeat(codes, list(TABLE.values()))
    pat = patterns(np.repeat(X, list(TABLE.values()), axis=0), rows_y, ["x"], [0, 1])
    return pat, rows_x, rows_y


def log_odds_ratio(x, y):
    a, b = np.sum((x == 0) & (y == 0)), np.sum((x == 0) & (y == 1))
    c, d = np.sum((x == 1) & (y == 0)), np.sum((x == 1) & (y == 1))
    return np.log(a * d / (b * c))


def test_chunks_cover_the_replicates_once():
    assert chunks(10, 4) == [range(0, 4), range(4, 8), range(8, 10)]
    assert chunks(3, 500) == [range(0, 3)]
    with pytest.raises(ValueError):
        chunks(0, 5)


def test_the_result_does_not_depend_on_the_chunking(primary):
    whole = run_replicates(primary, SEED, range(0, 30))
    parts = pd.concat(
        [run_replicates(primary, SEED, r) for r in (range(20, 30), range(0, 7), range(7, 20))]
    ).sort_values("replicate", ignore_index=True)
    pd.testing.assert_frame_equal(whole, parts)
    assert not run_replicates(primary, SEED + 1, range(0, 30)).equals(whole)


def test_resampling_draws_n_respondents_with_their_shares(primary):
    draws = np.array([resample_counts(primary, SEED, r) for r in range(4000)])
    assert (draws.sum(axis=1) == primary.n).all()
    share = primary.counts / primary.n
    # multinomial(n, share): each count binomial, mean n p, variance n p q and fourth central
    # moment n p q (1 + 3 (n - 2) p q); within 4 Monte Carlo SEs of the 4000 draws' mean and
    # variance (the variance's SE from var(s^2) = (mu4 - sigma^4 (B - 3) / (B - 1)) / B)
    n, b = primary.n, len(draws)
    variance = n * share * (1 - share)
    mu4 = variance * (1 + 3 * (n - 2) * share * (1 - share))
    assert (np.abs(draws.mean(axis=0) - n * share) <= 4 * np.sqrt(variance / b)).all()
    var_se = np.sqrt((mu4 - variance**2 * (b - 3) / (b - 1)) / b)
    assert (np.abs(draws.var(axis=0, ddof=1) - variance) <= 4 * var_se).all()


def test_each_replicate_is_the_closed_form_of_its_resample(two_by_two):
    pat, _, _ = two_by_two
    table = run_replicates(pat, SEED, range(50))
    for r, slope in zip(table["replicate"], table["x"], strict=True):
        counts = dict(
            zip(
                zip(pat.X[:, 0].astype(int), pat.codes, strict=True),
                resample_counts(pat, SEED, r),
                strict=True,
            )
        )
        expected = np.log(counts[0, 0] * counts[1, 1] / (counts[0, 1] * counts[1, 0]))
        assert slope == pytest.approx(expected, abs=1e-8)


def test_the_interval_agrees_with_scipys_bootstrap(two_by_two):
    pat, x, y = two_by_two
    table = run_replicates(pat, SEED, range(4000))
    ours = intervals(table, point_estimate(pat), 0.95).iloc[0]
    theirs = stats.bootstrap(
        (x, y), log_odds_ratio, paired=True, vectorized=False, n_resamples=4000,
        method="percentile", confidence_level=0.95, random_state=1,
    )  # fmt: skip
    values = table["x"].to_numpy()
    assert ours["ci_low_mc_se"] == quantile_mc_se(values, 0.025) > 0
    assert ours["ci_high_mc_se"] == quantile_mc_se(values, 0.975) > 0
    assert ours["boot_se_mc_se"] == sd_mc_se(values) > 0
    # Two independent Monte Carlo runs of the same bootstrap, with as many replicates: their
    # difference has about sqrt(2) times either's Monte Carlo SE; within 4 of those.
    low, high = theirs.confidence_interval
    assert abs(ours["ci_low"] - low) < 4 * np.sqrt(2) * ours["ci_low_mc_se"]
    assert abs(ours["ci_high"] - high) < 4 * np.sqrt(2) * ours["ci_high_mc_se"]
    assert abs(ours["boot_se"] - theirs.standard_error) < 4 * np.sqrt(2) * ours["boot_se_mc_se"]
    # and the bootstrap SE is close to the closed-form asymptotic one
    a, b, c, d = TABLE.values()
    assert ours["boot_se"] == pytest.approx(np.sqrt(1 / a + 1 / b + 1 / c + 1 / d), rel=0.1)


def test_percentile_interval_is_rs_type_7_quantile():
    # R: quantile(1:100, c(0.025, 0.975), type = 7) gives 3.475 and 97.525
    assert percentile_interval(np.arange(1.0, 101.0), 0.95) == pytest.approx((3.475, 97.525))
    assert percentile_interval(np.append(np.arange(1.0, 101.0), np.nan), 0.95) == pytest.approx(
        (3.475, 97.525)
    )
    assert all(np.isnan(percentile_interval(np.array([np.nan]), 0.95)))


def test_quantile_mc_se_is_maritz_jarretts():
    # R: x <- (1:200)^1.5; n <- 200; m <- floor(q * n + 0.5)
    #    w <- pbeta((1:n)/n, m - 1, n - m) - pbeta((0:(n - 1))/n, m - 1, n - m)
    #    sqrt(sum(w * x^2) - sum(w * x)^2)   (Wilcox's mjse) for q = 0.025, 0.975, 0.5
    x = np.arange(1, 201) ** 1.5
    rng = np.random.default_rng(2)
    shuffled = np.append(rng.permutation(x), np.nan)  # order and NaN do not matter
    assert quantile_mc_se(shuffled, 0.025) == pytest.approx(6.9558374441879174, rel=1e-12)
    assert quantile_mc_se(shuffled, 0.975) == pytest.approx(46.6982973664084042, rel=1e-12)
    assert quantile_mc_se(shuffled, 0.5) == pytest.approx(106.1211301693553821, rel=1e-12)
    assert np.isnan(quantile_mc_se(x[:10], 0.025))  # m = 0: too few values for the quantile
    assert np.isnan(sd_mc_se(np.array([1.0, np.nan])))


def test_mc_standard_errors_are_the_spread_over_repeated_runs():
    # K independent "bootstraps" of B standard normal replicates: the mean Monte Carlo SE each
    # states for its 2.5% and 97.5% quantiles and its SD against the spread of those numbers
    # over the K runs (the SE's definition). The spread's own relative SE is about
    # 1/sqrt(2 (K - 1)), the mean SE's sd(SE)/mean(SE)/sqrt(K): within 4 of both combined.
    k, b = 400, 1000
    runs = np.random.default_rng(3).standard_normal((k, b))
    estimators = {
        "q025": (lambda v: np.quantile(v, 0.025), lambda v: quantile_mc_se(v, 0.025)),
        "q975": (lambda v: np.quantile(v, 0.975), lambda v: quantile_mc_se(v, 0.975)),
        "sd": (lambda v: v.std(ddof=1), sd_mc_se),
    }
    for name, (estimate, mc_se) in estimators.items():
        spread = np.std([estimate(v) for v in runs], ddof=1)
        stated = np.array([mc_se(v) for v in runs])
        budget = np.sqrt(1 / (2 * (k - 1)) + (stated.std(ddof=1) / stated.mean()) ** 2 / k)
        assert abs(stated.mean() / spread - 1) < 4 * budget, name


def test_replicates_without_an_estimate_are_counted_and_left_out():
    replicates = pd.DataFrame({"replicate": range(5), "status": "ok", "t": [0.1, 0.2, np.nan, 0.4, 0.5]})
    row = intervals(replicates, pd.Series({"t": 0.3}), 0.5).iloc[0]
    assert (row["n_replicates"], row["n_valid"]) == (5, 4)
    assert row["boot_mean"] == pytest.approx(0.3) and row["bias"] == pytest.approx(0.0)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(
        tuple(np.quantile([0.1, 0.2, 0.4, 0.5], [0.25, 0.75]))
    )
    assert row["or_ci_low"] == pytest.approx(np.exp(row["ci_low"]))
