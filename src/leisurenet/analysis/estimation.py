"""The numerical estimation behind the regression models: Newton's method, the cumulative
logit's design and log-likelihood (proportional and not), the binary logit by maximum or
Firth's penalised likelihood with its profile inference, and the linear program that detects
separation.

A module of its own because these work on arrays, apart from any data frame or
statsmodels: the families (:mod:`leisurenet.analysis.models`), the survey-weighted model
(:mod:`leisurenet.analysis.weighted_models`) and the fast refits of the bootstrap and the
multiverse (:mod:`leisurenet.analysis.fastfit`) share them.
"""

from __future__ import annotations

import numpy as np
from scipy import special

# scipy.optimize and scipy.stats (about 1 s to import) are imported by the functions that
# use them: the bootstrap's jobs take only Newton's method and the cumulative logit from here.


def separation_direction(X: np.ndarray, y: np.ndarray, n_levels: int) -> np.ndarray | None:
    """A direction of (quasi-)separation of a cumulative logit model, or None if there is none.

    ``X`` has no intercept column; ``y`` holds codes 0..n_levels-1, every code observed. The
    linear program (Konis 2007, as in R's ``detectseparation``; here extended to ordered
    outcomes) looks for coefficients ``b`` and ordered cut-points ``t`` with
    ``x_i b <= t_{y_i}`` and ``x_i b >= t_{y_i - 1}`` for every case, not all equalities:
    moving the estimates along such a direction never lowers the likelihood, so the maximum
    likelihood estimate does not exist. For ``n_levels == 2`` this is the binary logit's
    separation (the intercept is ``-t``). Returns the direction ``(b, t)`` as one vector
    (the terms that diverge are its non-zero entries).

    Checked on data sets that are separated, quasi-separated and overlapping by
    construction (tests/analysis/test_models.py).
    """
    from scipy import optimize

    p = X.shape[1]
    k = n_levels - 1
    # Cases with the same (x, y) give the same two constraints: the program over the distinct
    # patterns, each counted as often as it occurs in the objective, is the same program, and
    # with categorical predictors it has a few dozen rows however many cases there are.
    cases = np.ascontiguousarray(np.column_stack([np.asarray(X, dtype=float), np.asarray(y)]))
    # each row as one byte string: a 1-d unique, far faster than np.unique(axis=0)
    keys = cases.view(np.dtype((np.void, cases.itemsize * cases.shape[1]))).ravel()
    _, first, counts = np.unique(keys, return_index=True, return_counts=True)
    patterns = cases[first]
    x, codes = patterns[:, :p], patterns[:, p].astype(int)
    blocks, weights = [], []
    for present, sign, cut in ((codes < k, -1.0, codes), (codes > 0, 1.0, codes - 1)):
        # below the top: t_y - x b >= 0; above the bottom: x b - t_{y-1} >= 0
        block = np.zeros((int(present.sum()), p + k))
        block[:, :p] = sign * x[present]
        block[np.arange(len(block)), p + cut[present]] = -sign
        blocks.append(block)
        weights.append(counts[present])
    # No constraint orders the cut-points: with every code observed, the two constraints of
    # each middle code c give t_{c-1} <= x_i b <= t_c, so the order holds already.
    slacks = np.vstack(blocks)
    result = optimize.linprog(
        c=-(np.concatenate(weights) @ slacks),
        A_ub=-slacks,
        b_ub=np.zeros(len(slacks)),
        bounds=[(-1.0, 1.0)] * (p + k),
        method="highs",
    )
    if result.status != 0 or -result.fun <= 1e-7:
        return None
    return np.where(np.abs(result.x) > 1e-9, result.x, 0.0)


def _newton(fun, theta: np.ndarray, maxiter: int = 200, gtol: float = 1e-9):
    """Maximise a concave log-likelihood with Newton steps and step halving.

    ``fun(theta)`` returns ``(loglik, gradient, hessian)``; loglik is ``-inf`` where the
    parameters are not admissible. Returns ``theta, loglik, hessian, converged`` where
    converged means the gradient vanished (not just that the log-likelihood stalled).
    """
    ll, grad, hess = fun(theta)
    for _ in range(maxiter):
        if np.max(np.abs(grad)) < gtol:
            return theta, ll, hess, True
        try:
            step = np.linalg.solve(-hess, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(-hess, grad, rcond=None)[0]
        if not np.all(np.isfinite(step)) or grad @ step <= 0:
            step = grad / max(1.0, np.max(np.abs(grad)))  # not an ascent direction: gradient step
        scale = 1.0
        while scale > 1e-12:
            trial = theta + scale * step
            ll_trial, grad_trial, hess_trial = fun(trial)
            if np.isfinite(ll_trial) and ll_trial >= ll - 1e-12:
                break
            scale /= 2
        else:
            return theta, ll, hess, False
        gain = ll_trial - ll
        theta, ll, grad, hess = trial, ll_trial, grad_trial, hess_trial
        if gain < 1e-13 and np.max(np.abs(scale * step)) < 1e-10:
            break
    return theta, ll, hess, bool(np.max(np.abs(grad)) < 1e-6)


def cumulative_design(X: np.ndarray, codes: np.ndarray, k: int):
    """The design of the cumulative logit in ``theta = (b, cut-points)``, as
    :func:`_cumulative_loglik` takes it: ``z_up``, ``z_low`` (case i's linear predictors at
    the cut-points above and below its answer) and ``has_up``, ``has_low`` (whether those
    exist). ``X`` has no intercept column; ``codes`` are 0..k."""
    n, p = X.shape
    has_up, has_low = codes < k, codes > 0
    z_up, z_low = np.zeros((n, p + k)), np.zeros((n, p + k))
    for z, cut, present in ((z_up, codes, has_up), (z_low, codes - 1, has_low)):
        z[:, :p] = -X
        z[np.flatnonzero(present), p + cut[present]] = 1.0
    return z_up, z_low, has_up, has_low


def _sharpen_cumulative(X: np.ndarray, codes: np.ndarray, k: int, theta: np.ndarray):
    """Newton steps with analytic derivatives from a near-optimum ``theta = (b, cut-points)``
    of the cumulative logit; returns the estimates, their SEs from the inverse observed
    information, the log-likelihood and whether the gradient vanished. The likelihood is
    summed over the distinct (outcome, design row) patterns, weighted by their counts."""
    cases = np.column_stack([codes, X]).astype(float)
    rows, counts = np.unique(cases, axis=0, return_counts=True)
    design = cumulative_design(rows[:, 1:], rows[:, 0].astype(int), k)
    theta, loglik, hess, converged = _newton(
        lambda t: _cumulative_loglik(t, *design, weights=counts.astype(float)), theta, gtol=1e-10
    )
    std_error = np.sqrt(np.diag(np.linalg.inv(-hess)))
    return theta, std_error, loglik, converged


def _cumulative_loglik(
    theta: np.ndarray, z_up: np.ndarray, z_low: np.ndarray, has_up, has_low, weights: np.ndarray | None = None
):
    """Log-likelihood, gradient and Hessian of a cumulative logit model.

    Case i contributes ``log(F(z_up_i theta) - F(z_low_i theta))`` with F the logistic
    distribution function, F = 1 above the top cut-point and 0 below the lowest; with
    ``weights``, that many times (a row standing for several identical cases).
    """
    eta_up, eta_low = z_up @ theta, z_low @ theta
    f_up = np.where(has_up, special.expit(eta_up), 1.0)
    f_low = np.where(has_low, special.expit(eta_low), 0.0)
    prob = f_up - f_low
    if np.any(prob <= 0):
        return -np.inf, None, None
    d_up = np.where(has_up, f_up * (1 - f_up), 0.0)
    d_low = np.where(has_low, f_low * (1 - f_low), 0.0)
    dd_up, dd_low = d_up * (1 - 2 * f_up), d_low * (1 - 2 * f_low)
    g_up, g_low = d_up / prob, -d_low / prob
    h_uu = dd_up / prob - g_up**2
    h_ll = -dd_low / prob - g_low**2
    h_ul = d_up * d_low / prob**2
    log_prob = np.log(prob)
    if weights is not None:
        g_up, g_low, h_uu, h_ll, h_ul = (weights * v for v in (g_up, g_low, h_uu, h_ll, h_ul))
    grad = z_up.T @ g_up + z_low.T @ g_low
    cross = z_up.T @ (h_ul[:, None] * z_low)
    hess = z_up.T @ (h_uu[:, None] * z_up) + z_low.T @ (h_ll[:, None] * z_low) + cross + cross.T
    loglik = np.sum(log_prob) if weights is None else weights @ log_prob
    return float(loglik), grad, hess


def nonproportional_loglik(
    X: np.ndarray, y: np.ndarray, n_levels: int, cuts: np.ndarray, beta: np.ndarray
) -> tuple[float, bool]:
    """Maximised log-likelihood of the cumulative logit with threshold-specific coefficients.

    ``logit P(Y <= c | x) = zeta_c - x b_c`` for every cut-point c (R: ``ordinal::clm(y ~ 1,
    nominal = ~ x)``), started at the proportional-odds estimates ``cuts``, ``beta``.
    Returns the log-likelihood and whether the gradient vanished (it may not when some
    cumulative split is separated: the log-likelihood then approaches its supremum).
    Checked against ordinal::clm (tests/analysis/test_models.py).
    """
    n, p = X.shape
    k = n_levels - 1
    has_up, has_low = y < k, y > 0
    z_up, z_low = np.zeros((n, k * (1 + p))), np.zeros((n, k * (1 + p)))
    for z, cut, present in ((z_up, y, has_up), (z_low, y - 1, has_low)):
        rows, cuts_i = np.flatnonzero(present), cut[present]
        z[rows, cuts_i] = 1.0
        z[rows[:, None], k + cuts_i[:, None] * p + np.arange(p)] = -X[rows]
    start = np.concatenate([cuts, np.tile(beta, k)])
    _, ll, _, converged = _newton(lambda t: _cumulative_loglik(t, z_up, z_low, has_up, has_low), start)
    return ll, converged


def _logit_loglik(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> float:
    eta = X @ beta
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)))


def _penalised_loglik(X: np.ndarray, y: np.ndarray, beta: np.ndarray, firth: bool) -> float:
    """The logit log-likelihood, plus Firth's penalty ``log|X'WX|/2`` if ``firth``."""
    ll = _logit_loglik(X, y, beta)
    if not firth:
        return ll
    p = special.expit(X @ beta)
    sign, logdet = np.linalg.slogdet(X.T @ ((p * (1 - p))[:, None] * X))
    return ll + 0.5 * logdet if sign > 0 else -np.inf


def _logit_fit(X, y, firth: bool, start=None, fixed: tuple[int, float] | None = None, maxiter=100, tol=1e-10):
    """Fisher scoring with step halving; ``fixed=(j, v)`` holds ``beta_j = v`` (a profile).

    Firth's score adds ``h_i (1/2 - p_i)`` per case, ``h`` the diagonal of the weighted hat
    matrix; it is the exact gradient of the penalised log-likelihood, which the steps never
    lower (as logistf does). Returns ``beta, penalised log-likelihood, converged``.
    """
    beta = np.zeros(X.shape[1]) if start is None else np.array(start, dtype=float)
    free = np.ones(X.shape[1], dtype=bool)
    if fixed is not None:
        beta[fixed[0]], free[fixed[0]] = fixed[1], False
    current, converged = _penalised_loglik(X, y, beta, firth), False
    for _ in range(maxiter):
        p = special.expit(X @ beta)
        w = p * (1 - p)
        info = X.T @ (w[:, None] * X)
        try:
            residual = y - p
            if firth:
                residual = residual + w * np.einsum("ij,jk,ik->i", X, np.linalg.inv(info), X) * (0.5 - p)
            score = X.T @ residual
            if np.max(np.abs(score[free])) < tol:
                converged = True
                break
            step = np.zeros_like(beta)
            step[free] = np.linalg.solve(info[np.ix_(free, free)], score[free])
        except np.linalg.LinAlgError:  # the information vanished: estimates diverging
            break
        scale = 1.0
        while scale > 1e-10 and _penalised_loglik(X, y, beta + scale * step, firth) < current - 1e-12:
            scale /= 2
        beta = beta + scale * step
        current = _penalised_loglik(X, y, beta, firth)
        if np.max(np.abs(scale * step)) < tol:
            converged = True
            break
    return beta, current, converged


def logit_newton(X: np.ndarray, y: np.ndarray, firth: bool):
    """Binary logistic regression by maximum likelihood or Firth's penalised likelihood.

    Firth (1993) maximises ``l(b) + log|I(b)|/2`` (Jeffreys prior; for the logit link the
    same as bias reduction), which has finite estimates also under separation. ``X``
    includes the intercept column. Returns ``beta, covariance (inverse Fisher information
    at beta; NaN if singular), loglik (unpenalised), converged``. ML checked against R
    ``glm``, Firth against ``brglm2::brglmFit(type = "MPL_Jeffreys")`` (tests/analysis/test_models.py).
    """
    beta, _, converged = _logit_fit(X, y, firth)
    p = special.expit(X @ beta)
    try:
        cov = np.linalg.inv(X.T @ ((p * (1 - p))[:, None] * X))
    except np.linalg.LinAlgError:
        cov = np.full((X.shape[1], X.shape[1]), np.nan)
    return beta, cov, _logit_loglik(X, y, beta), converged


def firth_profile_inference(X: np.ndarray, y: np.ndarray, beta: np.ndarray, confidence: float):
    """Penalised-likelihood-ratio tests and intervals of a Firth logit (logistf's default).

    For each coefficient j, ``D(v) = 2 (l*(b) - max l* given beta_j = v)``: the test of
    ``beta_j = 0`` refers ``D(0)`` to chi-square(1) (returned as the signed root, a z-like
    statistic), and the interval is ``{v: D(v) <= chi2_1(confidence)}`` (Heinze and
    Schemper 2002), which unlike the Wald interval follows the skewed profile of a
    separated coefficient. Returns ``statistic, p_value, ci_low, ci_high`` arrays.
    Checked against a direct R profile of the penalised likelihood (optim and uniroot on
    brglm2's estimates) in tests/analysis/test_models.py.
    """
    from scipy import optimize, stats

    top = _penalised_loglik(X, y, beta, firth=True)
    crit = stats.chi2.ppf(confidence, 1)
    fitted = special.expit(X @ beta)
    se = np.sqrt(np.diag(np.linalg.inv(X.T @ ((fitted * (1 - fitted))[:, None] * X))))
    out = np.full((4, len(beta)), np.nan)
    for j in range(len(beta)):

        def excess(v, j=j):
            # far out the weights underflow and the profile is -inf: a large finite value
            # keeps brentq's interpolation finite
            value = 2 * (top - _logit_fit(X, y, True, beta, (j, v))[1]) - crit
            return 1e6 if np.isnan(value) else min(value, 1e6)

        deviance = max(0.0, excess(0.0) + crit)
        out[0, j] = np.sign(beta[j]) * np.sqrt(deviance)
        out[1, j] = stats.chi2.sf(deviance, 1)
        for row, direction in ((2, -1.0), (3, 1.0)):
            width = se[j]
            while excess(beta[j] + direction * width) < 0 and width < 1e3:
                width *= 2
            if excess(beta[j] + direction * width) >= 0:
                ends = sorted([beta[j], beta[j] + direction * width])
                out[row, j] = optimize.brentq(excess, *ends, xtol=1e-10)
    return out
