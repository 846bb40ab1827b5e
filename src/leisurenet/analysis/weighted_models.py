"""The survey-weighted proportional-odds model: the primary model refitted with the survey
design's weights and design-based standard errors, as R's ``survey::svyolr``, as model
``<name>_weighted`` in the same two tables as the unweighted families
(:mod:`leisurenet.analysis.modelresult`).

A module of its own because it joins the models to the survey design
(:mod:`leisurenet.analysis.weighting`, :mod:`leisurenet.analysis.design_based`); its fit row
leaves the likelihood-based statistics out (see ``WEIGHTED_NOTE``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import special

from leisurenet.analysis.design_based import covariance
from leisurenet.analysis.estimation import (
    _cumulative_loglik,
    _newton,
    cumulative_design,
    separation_direction,
)
from leisurenet.analysis.modelframe import (
    ModelProblem,
    _check_epp,
    _check_levels,
    _check_rank,
    _outcome_codes,
    model_frame,
)
from leisurenet.analysis.modelresult import ModelResult, _guarded, _setup, _wald_table
from leisurenet.analysis.weighting import Design, WeightingError

WEIGHTED_SUFFIX = "_weighted"
WEIGHTED_NOTE = (
    "survey-weighted proportional odds, as R's survey::svyolr: the estimates maximise the "
    "weighted (pseudo-)log-likelihood; std_error is the design-based linearisation (sandwich) "
    "variance {fpc}, statistic and intervals Wald z. loglik, "
    "aic, bic and the proportional-odds LR check are left out (NaN): the weighted "
    "log-likelihood is not a likelihood, so neither information criteria nor LR tests refer "
    "to it (see the unweighted model for those)"
)


def fit_weighted_ordinal(
    data: pd.DataFrame,
    design: Design,
    name: str,
    spec: dict,
    *,
    checks: dict | None = None,
    confidence: float = 0.95,
) -> ModelResult:
    """The ordinal model ``spec`` (``models.<name>`` of config/models.yaml) fitted with the
    design's weights, as model ``<name>_weighted``; see :func:`weighted_ordinal_logit`.

    ``data`` are the respondents the design was built on, in its order.

    Raises
    ------
    WeightingError
        When ``spec`` is not an ``ordinal_logit`` model, or as :func:`weighted_ordinal_logit`.
    """
    model = f"{name}{WEIGHTED_SUFFIX}"
    if spec.get("family") != "ordinal_logit":
        raise WeightingError(
            f"model '{model}': the weighted fit is of an ordinal_logit model, but '{name}' is "
            f"{spec.get('family')!r}; name an ordinal_logit model (as paper.primary_model)"
        )
    return weighted_ordinal_logit(
        data,
        design,
        spec["outcome"],
        spec["predictors"],
        reference=spec.get("reference", {}),
        exclude=spec.get("exclude", {}),
        confidence=confidence,
        checks=checks,
        name=model,
    )


def weighted_ordinal_logit(
    data: pd.DataFrame,
    design: Design,
    outcome: str,
    predictors: list[str],
    *,
    reference: dict | None = None,
    exclude: dict | None = None,
    confidence: float = 0.95,
    checks: dict | None = None,
    name: str = "ordinal_logit_weighted",
) -> ModelResult:
    """Proportional-odds model with the design's weights and design-based standard errors.

    The model and its terms are those of :func:`~leisurenet.analysis.models.ordinal_logit`
    (``logit P(Y <= k | x) = threshold_k - x b``); the estimates maximise ``sum_i w_i log
    P(y_i | x_i)`` (Newton's method, to a vanishing gradient). Their covariance is that of
    ``survey::svyolr``: each respondent's score times the inverse Hessian are the influence
    values, whose design-based covariance is ``design_based.covariance`` (centred within
    post-strata, with the finite-population correction).

    Respondents without the outcome or a predictor (or with an excluded level) are dropped
    from the fit but keep their place in the design with weight zero, as ``svyolr`` subsets
    a post-stratified design (``design[-nao, ]``): a domain, so the post-strata and n of the
    variance stay those of all respondents. ``fit`` keeps ``n``, ``n_dropped``,
    ``n_parameters``, ``events_per_parameter`` (from the counts of cases, which carry the
    information, not from the weights) and ``converged``; ``loglik``, ``aic``, ``bic`` and
    the ``po_*`` check are NaN (see ``WEIGHTED_NOTE``). Data the model cannot support
    (separation, a constant outcome, an empty reference level, rank deficiency) give a
    flagged row, as the other families do.

    Pinned to ``svyolr(formula, design = postStratify(svydesign(ids = ~1, fpc = ~N), ...))``
    (survey 4.1.1) on the replica and the second data set in tests/analysis/test_weighted_models.py.

    Raises
    ------
    WeightingError
        When the design is not of the rows of ``data``, no respondent has the outcome and
        every predictor, or an outcome or predictor level used has no weight.
    """
    reference, checks, log, formula = _setup(name, outcome, predictors, reference, checks)
    where = f"model '{name}'"
    if design.n != len(data):
        raise WeightingError(
            f"{where}: the design has {design.n} respondents but the data {len(data)} rows; "
            f"build the design on the same respondents, in the same order"
        )
    # positions in the design: the model frame keeps the index of the rows it uses
    data = data.set_axis(pd.RangeIndex(len(data)))

    def body():
        try:
            frame = model_frame(data, outcome, predictors, reference, exclude, log)
        except ModelProblem:
            if log.n == 0:
                raise _no_respondents(where, outcome, predictors) from None
            raise
        if log.n == 0:
            raise _no_respondents(where, outcome, predictors)
        rows = frame.raw.index.to_numpy()
        weights = design.weights[rows]
        codes, levels = _outcome_codes(frame.y, log)
        _check_levels(frame, log, checks["min_level_count"])
        X, names = frame.X.to_numpy(), list(frame.X.columns)
        k, p = len(levels) - 1, X.shape[1]
        _check_rank(np.column_stack([np.ones(len(X)), X]), names)
        n = len(codes)
        counts = np.bincount(codes, minlength=k + 1)
        epp = _check_epp(
            n - np.sum(counts.astype(float) ** 3) / n**2,
            p,
            "effective sample size",
            log,
            checks["min_events_per_parameter"],
        )
        direction = separation_direction(X, codes, k + 1)
        if direction is not None:
            # positive weights leave a separation as it is: no finite weighted estimates
            raise ModelProblem(
                "separation",
                "(quasi-)separation: the weighted estimates do not exist; see the unweighted model",
            )
        theta, converged, influence = weighted_cumulative_logit(X, codes, k + 1, weights)
        if not converged:
            log.flag("not_converged", "the weighted proportional-odds fit did not converge")
        full = np.zeros((design.n, p + k))
        full[rows] = influence  # the dropped respondents: zero, in their post-stratum
        std_error = np.sqrt(np.diag(covariance(design, full)))
        thresholds = [f"threshold[{a}|{b}]" for a, b in zip(levels[:-1], levels[1:], strict=True)]
        table = _wald_table(names + thresholds, theta, std_error, confidence)
        finite = math.isfinite(design.population)
        fpc = (
            "with the finite-population correction" if finite else "without the finite-population correction"
        )
        log.notes.append(WEIGHTED_NOTE.format(fpc=fpc))
        log.notes.append(
            f"weights ({design.method}) sum to {weights.sum():.1f} over the {n} respondents used"
            + (f", of a frame of {design.population}" if finite else "")
            + "; rows left out keep weight zero in the design"
        )
        values = {
            "n_parameters": p + k,
            "events_per_parameter": epp,
            "loglik": np.nan,
            "converged": converged,
        }
        return table, values

    return _guarded(name, "ordinal_logit", outcome, formula, log, checks, body)


def _no_respondents(where: str, outcome: str, predictors: list[str]) -> WeightingError:
    return WeightingError(
        f"{where}: no respondent has {outcome} and {', '.join(predictors)} all answered "
        f"(and outside the excluded levels), so there is nothing to fit; check those columns"
    )


def _cumulative_scores(theta, z_up, z_low, has_up, has_low) -> np.ndarray:
    """Each case's gradient of ``log(F(z_up theta) - F(z_low theta))`` (rows), as in
    :func:`~leisurenet.analysis.estimation._cumulative_loglik`."""
    eta_up, eta_low = z_up @ theta, z_low @ theta
    f_up = np.where(has_up, special.expit(eta_up), 1.0)
    f_low = np.where(has_low, special.expit(eta_low), 0.0)
    prob = f_up - f_low
    d_up = np.where(has_up, f_up * (1 - f_up), 0.0)
    d_low = np.where(has_low, f_low * (1 - f_low), 0.0)
    return (d_up / prob)[:, None] * z_up - (d_low / prob)[:, None] * z_low


def weighted_cumulative_logit(
    X: np.ndarray, codes: np.ndarray, n_levels: int, weights: np.ndarray
) -> tuple[np.ndarray, bool, np.ndarray]:
    """The weighted proportional-odds fit and each case's influence on it.

    ``X`` has no intercept column; ``codes`` are 0..n_levels-1, every one observed.
    Maximises ``sum_i w_i log P(codes_i | X_i)`` over ``theta = (b, cut-points)`` by
    Newton's method from ``b = 0`` and the cut-points of the weighted marginal shares (the
    log-likelihood is concave in these parameters). Returns ``theta``, whether the
    gradient vanished, and the influence values ``w_i s_i H^-1`` (``s_i`` the case's
    score, ``H`` the Hessian of the weighted log-likelihood; one row per case): the
    linearisation of ``theta``, whose design-based covariance is the sandwich variance of
    ``survey::svyolr`` (which takes ``H`` from ``optim``'s numerical Hessian; the
    analytic one here is exact).
    """
    p, k = X.shape[1], n_levels - 1
    z_up, z_low, has_up, has_low = cumulative_design(X, codes, k)
    shares = np.cumsum(np.bincount(codes, weights=weights, minlength=n_levels))[:-1] / weights.sum()
    start = np.concatenate([np.zeros(p), special.logit(shares)])
    theta, _, hess, converged = _newton(
        lambda t: _cumulative_loglik(t, z_up, z_low, has_up, has_low, weights), start
    )
    scores = weights[:, None] * _cumulative_scores(theta, z_up, z_low, has_up, has_low)
    return theta, converged, scores @ np.linalg.inv(-hess)
