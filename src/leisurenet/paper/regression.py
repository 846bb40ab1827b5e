"""The regression models in the results: the coefficients and fit tables and the primary model's sentences.

Also the helpers the other model-based sections share (:func:`odds_ratio`,
:func:`model_references`, :data:`SIZE_TERM`): :mod:`~leisurenet.paper.robustness` and
:mod:`~leisurenet.paper.weighted_comparison` report the same models resampled, respecified or
weighted.
"""

from __future__ import annotations

import pandas as pd

from leisurenet.paper.formatting import count, interval, num, pipe_table, pvalue
from leisurenet.paper.labels import is_structural_term
from leisurenet.paper.prose import WEIGHTED_SUFFIX, Prose, capitalised, is_weighted

# --- models ----------------------------------------------------------------------------------


def odds_ratio(row) -> str:
    return f"{num(row.odds_ratio)} [{interval(row.or_ci_low, row.or_ci_high, 2)}]"


def is_effect(term: str) -> bool:
    return not is_structural_term(term)


def model_references(fit: pd.DataFrame, model: str, prose: Prose) -> dict:
    """The reference levels of ``model`` as its formula in ``fit.csv`` states them ({} if absent)."""
    formulas = fit.set_index("model")["formula"] if len(fit) else pd.Series(dtype=str)
    return prose.references(formulas[model]) if model in formulas.index else {}


def beside_its_model(df: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``df`` (a ``model`` column) with each survey-weighted model's rows right after
    those of the model it weights, the order otherwise kept."""
    models = list(dict.fromkeys(df["model"]))
    weighted = [m for m in models if is_weighted(m) and m.removesuffix(WEIGHTED_SUFFIX) in models]
    order = []
    for model in models:
        if model not in weighted:
            order += [model] + [w for w in weighted if w.removesuffix(WEIGHTED_SUFFIX) == model]
    rank = {model: i for i, model in enumerate(order)}
    return df.iloc[df["model"].map(rank).argsort(kind="stable")]


def weighted_variant(models: pd.Series) -> str:
    """The caption variant of a models table: ``weighted`` when it has a survey-weighted model."""
    return "weighted" if models.map(is_weighted).any() else "unweighted"


def models_table(coefficients: pd.DataFrame, fit: pd.DataFrame, prose: Prose, level: str) -> str:
    logit = coefficients[coefficients["odds_ratio"].notna() & coefficients["term"].map(is_effect)]
    logit = beside_its_model(logit)
    refs = {model: model_references(fit, model, prose) for model in logit["model"].unique()}
    df = pd.DataFrame(
        {
            "Model": [capitalised(prose.model(name)) for name in logit["model"]],
            "Term": [capitalised(prose.coefficient(r, refs[r.model])) for r in logit.itertuples(index=False)],
            f"OR or RRR [{level}% CI]": [odds_ratio(r) for r in logit.itertuples(index=False)],
            "p": logit["p_value"].map(pvalue),
            "Flag": logit["flag"].fillna("") if "flag" in logit else "",
        }
    )
    return pipe_table(df, "models", prose.say("captions.models", weighted_variant(logit["model"])), "llrrl")


def model_fit_table(fit: pd.DataFrame, prose: Prose) -> str:
    fit = beside_its_model(fit)
    df = pd.DataFrame(
        {
            "Model": [capitalised(prose.model(name)) for name in fit["model"]],
            "Family": [capitalised(prose.family(family)) for family in fit["family"]],
            "Reference levels": fit["formula"].map(prose.reference_levels),
            "n": fit["n"].map(lambda v: num(v, 0)),
            "Parameters": fit["n_parameters"].map(lambda v: num(v, 0)),
            "log L": fit["loglik"].map(num),
            "AIC": fit["aic"].map(num),
            "Proportional odds p": fit["po_p"].map(pvalue),
            "Flag": fit["flag"].fillna(""),
        }
    )
    caption = prose.say("captions.model_fit", weighted_variant(fit["model"]))
    return pipe_table(df, "model-fit", caption, "lllrrrrrl")


def model_variables(coefficients: pd.DataFrame, fit: pd.DataFrame, primary: str, prose: Prose) -> dict:
    """Sentences on the primary model: its effects, and the checks that qualify them."""
    effects_table = coefficients[(coefficients["model"] == primary) & coefficients["term"].map(is_effect)]
    fits = fit.set_index("model")
    name = prose.model(primary)
    if effects_table.empty or primary not in fits.index:
        return {
            "sentence": prose.say("model.sentence", "failed", model=name),
            "abstract": prose.say("model.abstract", "no_size_effects", model=name, effects=""),
        }
    row = fits.loc[primary]
    refs = prose.references(row["formula"])
    effects = [
        prose.say(
            "model.effect", term=prose.term(r.term, refs), odds_ratio=odds_ratio(r), p=pvalue(r.p_value)
        )
        for r in effects_table.itertuples(index=False)
    ]
    sentence = prose.say(
        "model.sentence",
        "fitted",
        model=name,
        family=prose.family(row["family"]),
        n=count(row["n"]),
        references=prose.reference_levels(row["formula"]),
        effects="; ".join(effects),
        checks=_model_checks(row, prose),
    )
    size = effects_table[effects_table["term"].str.startswith(SIZE_TERM)]
    size_effects = [
        prose.say("model.size_effect", term=prose.term(r.term, refs), odds_ratio=odds_ratio(r))
        for r in size.itertuples(index=False)
    ]
    variant = "size_effects" if size_effects else "no_size_effects"
    return {
        "sentence": sentence,
        "abstract": prose.say("model.abstract", variant, model=name, effects=prose.join(size_effects)),
    }


SIZE_TERM = "size_class["


def _model_checks(row: pd.Series, prose: Prose) -> str:
    """The proportional-odds test and the fit's flags, as far as the model has them."""
    po = pd.notna(row.get("po_p"))
    codes = [code for code in str(row.get("flag") or "").split(";") if code and code != "nan"]
    variant = {(True, True): "po_and_flags", (True, False): "po", (False, True): "flags"}.get(
        (po, bool(codes)), "none"
    )
    flags = prose.join([prose.say("names.flag", code) for code in codes])
    return prose.say("model.checks", variant, po_p=pvalue(row.get("po_p")), flags=flags)
