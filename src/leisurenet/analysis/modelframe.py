"""The model frame every regression family fits: the complete cases of the outcome and
predictors, their treatment-coded design and the outcome's codes, with the checks of the
data (sparse levels, rank, events per parameter) and the problems that stop a fit.

A module of its own because the families (:mod:`leisurenet.analysis.models`), the
survey-weighted model (:mod:`leisurenet.analysis.weighted_models`) and the fast refits of the
bootstrap and the multiverse (:mod:`leisurenet.analysis.fastfit`) build the same frame; it
imports no SciPy.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

DEFAULT_CHECKS = {"min_level_count": 5, "min_events_per_parameter": 10, "max_std_error": 10.0}


class ModelProblem(Exception):
    """The data do not allow the model as specified (reported as a flagged row, never raised on)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


# --- model frame ------------------------------------------------------------------------


@dataclass
class _Log:
    """Flags, notes and log messages gathered while a model is built and fitted."""

    model: str
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    messages: list[tuple[int, str]] = field(default_factory=list)
    term_flags: dict[str, list[str]] = field(default_factory=dict)
    n: int | None = None  # complete cases, once known
    n_dropped: int | None = None

    def info(self, text: str) -> None:
        self.messages.append((logging.INFO, f"{self.model}: {text}"))

    def flag(self, code: str, text: str, terms=()) -> None:
        if code not in self.flags:
            self.flags.append(code)
        self.notes.append(text)
        self.messages.append((logging.WARNING, f"{self.model}: {text}"))
        for term in terms:
            codes = self.term_flags.setdefault(term, [])
            if code not in codes:
                codes.append(code)


@dataclass
class _Frame:
    y: pd.Series  # the outcome, complete cases
    X: pd.DataFrame  # the predictors' columns (no intercept), named as terms
    raw: pd.DataFrame  # outcome and predictors of the complete cases, as in the data
    categorical: dict[str, list]  # categorical predictor -> its levels in the model, reference first


def _is_categorical(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(series)


def _levels(series: pd.Series) -> list:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return list(series.cat.categories)
    return sorted(series.dropna().unique().tolist())


def _match(value, levels: list, what: str):
    """``value`` as one of ``levels`` (YAML may give 4 where the level is '4', or the reverse)."""
    for level in levels:
        if level == value or str(level) == str(value):
            return level
    raise ValueError(f"{what}: '{value}' is not one of its levels {[str(v) for v in levels]}")


def _ids(data: pd.DataFrame, mask: pd.Series) -> str:
    ids = data.loc[mask, "resp_id"] if "resp_id" in data.columns else data.index[mask]
    return ", ".join(map(str, list(ids)))


def model_frame(
    data: pd.DataFrame,
    outcome: str,
    predictors: list[str],
    reference: dict | None = None,
    exclude: dict | None = None,
    log: _Log | None = None,
) -> _Frame:
    """Complete cases of ``outcome`` and ``predictors`` and the treatment-coded design.

    Rows with a level in ``exclude`` and rows with a missing value are dropped (and logged
    with their ``resp_id``). A categorical predictor's levels without complete cases are
    left out of the design; its ``reference`` (default: the first level) comes first.
    """
    reference, exclude = reference or {}, exclude or {}
    log = log or _Log("model")
    where = f"model '{log.model}'"
    columns = [outcome, *predictors]
    unknown = [c for c in columns if c not in data.columns]
    if unknown:
        raise ValueError(f"{where}: column(s) {unknown} are not in the data")
    keep = pd.Series(True, index=data.index)
    for var, values in exclude.items():
        levels = _levels(data[var])
        out = data[var].isin([_match(v, levels, f"{where}, exclude {var}") for v in values])
        if out.any():
            log.info(f"{int(out.sum())} row(s) excluded with {var} in {list(values)}: {_ids(data, out)}")
        keep &= ~out
    missing = data[columns].isna().any(axis=1) & keep
    if missing.any():
        counts = data.loc[missing, columns].isna().sum()
        by_column = ", ".join(f"{c}: {n}" for c, n in counts.items() if n)
        log.info(
            f"{int(missing.sum())} row(s) dropped for missing values ({by_column}): {_ids(data, missing)}"
        )
    raw = data.loc[keep & ~missing, columns]
    log.n, log.n_dropped = len(raw), len(data) - len(raw)
    design, categorical = {}, {}
    for var in predictors:
        col = raw[var]
        if not _is_categorical(col):
            design[var] = col.astype("float64")
            continue
        levels = _levels(data[var])
        ref = _match(reference.get(var, levels[0]), levels, f"{where}, reference of {var}")
        observed = [lev for lev in levels if (col == lev).any()]
        empty = [lev for lev in levels if lev not in observed and lev not in exclude.get(var, [])]
        if empty:
            log.info(f"level(s) {empty} of {var} have no complete cases and are left out")
        if ref not in observed:
            raise ModelProblem(
                "empty_reference", f"the reference level '{ref}' of {var} has no complete cases"
            )
        categorical[var] = [ref, *[lev for lev in observed if lev != ref]]
        for lev in categorical[var][1:]:
            design[f"{var}[{lev}]"] = (col == lev).astype("float64")
    X = pd.DataFrame(design, index=raw.index)
    return _Frame(raw[outcome], X, raw, categorical)


def _outcome_codes(y: pd.Series, log: _Log) -> tuple[np.ndarray, list]:
    """Codes 0..K-1 over the observed outcome levels, in order; empty levels are flagged.

    For integer codes an unobserved code between the lowest and highest observed one
    (e.g. nobody answered 3 on a 1..5 scale) is an empty level.
    """
    if isinstance(y.dtype, pd.CategoricalDtype):
        values = y.astype("object")
        observed = [lev for lev in y.cat.categories if (values == lev).any()]
        empty = [lev for lev in y.cat.categories if lev not in observed]
        codes = values.map({lev: i for i, lev in enumerate(observed)}).to_numpy(dtype=int)
    else:
        values = y.to_numpy(dtype="float64")
        unique = np.unique(values)
        codes = np.searchsorted(unique, values)
        if np.all(unique == np.round(unique)):
            observed = [int(v) for v in unique]
            empty = [v for v in range(observed[0], observed[-1] + 1) if v not in observed]
        else:
            observed, empty = unique.tolist(), []
    if empty:
        log.flag(
            "empty_outcome_level",
            f"outcome level(s) {empty} have no cases; the cut-points join the observed levels",
        )
    if len(observed) < 2:
        raise ModelProblem("constant_outcome", f"the outcome has {len(observed)} observed level(s)")
    return codes, observed


# --- checks of the data -------------------------------------------------------------------


def _check_levels(frame: _Frame, log: _Log, min_count: int) -> None:
    """Flag the terms of categorical levels (the reference's: all terms of the variable) with few cases."""
    for var, levels in frame.categorical.items():
        counts = {lev: int((frame.raw[var] == lev).sum()) for lev in levels}
        for lev, count in counts.items():
            if count < min_count:
                terms = [f"{var}[{v}]" for v in levels[1:]] if lev == levels[0] else [f"{var}[{lev}]"]
                log.flag(
                    "sparse_level",
                    f"{var}={lev} has {count} case(s) (< {min_count}); kept, its estimate is imprecise",
                    terms,
                )


def _check_rank(X: np.ndarray, names: list[str]) -> None:
    if X.shape[0] <= X.shape[1]:
        raise ModelProblem("too_few_cases", f"{X.shape[0]} case(s) for {X.shape[1]} parameter(s)")
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise ModelProblem("rank_deficient", f"the design is rank deficient (aliased terms among {names})")


def _check_epp(events: float, n_slopes: int, what: str, log: _Log, minimum: float) -> float:
    epp = events / n_slopes if n_slopes else np.nan
    text = f"events per slope parameter {epp:.1f} ({what} {events:.1f} / {n_slopes})"
    if epp < minimum:
        log.flag("low_epp", f"{text}, below {minimum:g}: too many parameters for the data")
    else:
        log.notes.append(text)
    return epp
