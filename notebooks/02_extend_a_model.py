# %% [markdown]
# # Extend a model: add a predictor and compare the fits
#
# The study's primary model, `rep_voice_ordinal` in `config/models.yaml`, is a
# proportional-odds (ordinal logit) model of `rep_voice` ("The voice of people in poverty
# is well represented in the network", 1-5) on municipality size class and the
# coordinator's governance role for actions. This notebook
#
# 1. refits it with the library's model functions and checks the result against
#    `results/models/coefficients.csv`, then looks at the outcome by size class with
#    pingouin (a rank test the paper does not make) and seaborn;
# 2. adds a predictor and compares the two fits with a likelihood-ratio test and AIC;
# 3. looks at how far the model's answer holds: its bootstrap intervals, and one
#    specification of the sensitivity analysis run by hand;
# 4. prints the specification to paste into `config/models.yaml` if the extension should
#    become part of the paper.
#
# Why: a model in the paper is a few lines of YAML, fitted by `leisurenet.analysis.models`. Trying a
# variation in a notebook with the same function shows exactly what the pipeline would
# report, flags included, before anything changes.
#
# Run `make` first. The default data are the **synthetic replica**: nothing here is
# evidence about the real networks.

# %%
import copy
import sys
from pathlib import Path

# The project root is the folder holding the Snakefile: walk up from this notebook's folder
# (Jupyter starts a notebook in its own folder and defines no __file__; python defines it).
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
ROOT = next(folder for folder in (HERE, *HERE.parents) if (folder / "Snakefile").is_file())
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))  # the library, also in a kernel where it is not installed
# ruff: noqa: E402 -- the imports below come after the lines that make the library importable
import numpy as np
import pandas as pd
import yaml
from scipy import stats

from leisurenet.analysis.models import fit_models, load_model_specs
from leisurenet.load import config, load, results_dir

RESULTS = results_dir(start=ROOT)  # $LEISURENET_RESULTS if set, else ROOT / "results"
CONFIG = config()
CONFIDENCE = CONFIG["analysis"]["confidence"]
# The model file the configuration names, validated and with its defaults, as the rule reads it.
SPECS = load_model_specs(ROOT / CONFIG["models"])
recoded = load("recoded", RESULTS)
print(f"reading {RESULTS}")

# %% [markdown]
# ## 1. The primary model, refitted
#
# `fit_models` is what the `models` rule runs; given a specification file with a single
# model, it fits just that one (with the file's `checks`).

# %%
NAME = "rep_voice_ordinal"
base = SPECS["models"][NAME]
print(yaml.safe_dump({NAME: base}, sort_keys=False, width=100))
refit = fit_models(recoded, {**SPECS, "models": {NAME: base}}, confidence=CONFIDENCE)
refit.coefficients[["term", "estimate", "std_error", "p_value", "odds_ratio", "or_ci_low", "or_ci_high"]]

# %%
pipeline = load("coefficients", RESULTS)
pipeline = pipeline[pipeline["model"] == NAME].reset_index(drop=True)
assert list(refit.coefficients["term"]) == list(pipeline["term"])
assert np.allclose(refit.coefficients["estimate"], pipeline["estimate"], rtol=1e-9)
load("fit", RESULTS).set_index("model").loc[NAME, ["n", "loglik", "aic", "po_p", "flag"]]

# %% [markdown]
# The `flag` column is part of the result: `empty_outcome_level` says that nobody answered
# 3 (the thresholds join the observed levels), and `po_boundary` concerns the check of the
# proportional-odds assumption (see `note` in `fit.csv`).
#
# ### The same question without a model: pingouin and seaborn
#
# Does the answer differ by municipality size? The model answers with one odds ratio per
# size class against the smallest, holding the role constant and assuming proportional
# odds. The Kruskal-Wallis test (`pingouin.kruskal`), which the paper does not make, asks
# it of the answers' ranks alone: one p-value for all three classes, no other predictor,
# no assumption about the shape of the answers' distribution.

# %%
import matplotlib as mpl
import matplotlib.pyplot as plt
import pingouin as pg
import seaborn as sns

from leisurenet.paper.figures.style import STYLE

OUTCOME, GROUP = base["outcome"], "size_class"
answered = recoded[[OUTCOME, GROUP]].dropna().astype({OUTCOME: int})
kruskal = pg.kruskal(data=answered, dv=OUTCOME, between=GROUP)
size_terms = pipeline[pipeline["term"].str.startswith(f"{GROUP}[")]
print(f"Kruskal-Wallis over {len(answered)} respondents:")
print(kruskal[["ddof1", "H", "p_unc"]].to_string())
size_terms[["term", "odds_ratio", "or_ci_low", "or_ci_high", "p_value"]]

# %% [markdown]
# Compare the two: the rank test's single p-value with the model's size terms. When the
# model finds no size class different from the smallest and the rank test finds no
# difference either, the model's answer does not hang on its assumptions; if they
# disagree, the role (which the model holds constant) or the proportional-odds assumption
# is where to look. The chart shows the answers' distribution in each size class (each
# class adds up to 100%), drawn by seaborn in the project's theme: the fonts, colours and
# axes of the paper's figures, read from the style file that
# `leisurenet.paper.figures.style` names.

# %%
sns.set_theme(style="ticks", rc=dict(mpl.rc_params_from_file(STYLE, use_default_template=False)))
fig, ax = plt.subplots(figsize=(5, 2.6))
# each class's own percentages (common_norm=False), one bar per code and class
sns.histplot(
    answered, x=OUTCOME, hue=GROUP, stat="percent", common_norm=False, discrete=True, multiple="dodge", ax=ax
)
ax.set(title=f"{OUTCOME}: answers by {GROUP}", xlabel="answer (code)", ylabel="% of the size class")
plt.show()

# %% [markdown]
# ## 2. Add a predictor
#
# Two candidates, each a question the study raises:
#
# - `role_overall`, the governance role over all three domains (vision, objectives,
#   actions) instead of actions alone: three more parameters on 77 respondents;
# - `score_objectives`, the mean of the five objectives items: do networks with clear,
#   shared objectives also report a better-represented voice?
#
# Not `score_participation`: it is the mean of ten items that include `rep_voice` itself,
# so it would predict the outcome with the outcome.
#
# A likelihood-ratio test compares nested models **on the same respondents**. The model
# drops respondents with a missing value in any of its variables, so both models are fitted
# to the respondents who have the new predictor.

# %%
CANDIDATES = ["role_overall", "score_objectives"]
rows, extended = [], {}
for extra in CANDIDATES:
    spec = copy.deepcopy(base)
    spec["predictors"] = [*base["predictors"], extra]
    spec["description"] = f"{NAME} with {extra} added as a predictor (notebooks/02_extend_a_model.py)."
    if isinstance(recoded[extra].dtype, pd.CategoricalDtype):
        spec["reference"][extra] = "coproducer"  # as for role_act: the most common role
    extended[extra] = spec
    same_cases = recoded[recoded[extra].notna()]
    pair = fit_models(
        same_cases, {**SPECS, "models": {NAME: base, f"{NAME}_{extra}": spec}}, confidence=CONFIDENCE
    ).fit.set_index("model")
    small, big = pair.iloc[0], pair.iloc[1]
    assert small["n"] == big["n"], "nested models must be fitted to the same respondents"
    lr = 2 * (big["loglik"] - small["loglik"])
    df = int(big["n_parameters"] - small["n_parameters"])
    rows.append(
        {
            "added": extra,
            "n": int(big["n"]),
            "extra_parameters": df,
            "lr_statistic": lr,
            "lr_p": stats.chi2.sf(lr, df),
            "aic_base": small["aic"],
            "aic_extended": big["aic"],
            "delta_aic": big["aic"] - small["aic"],
            "flags_extended": big["flag"],
        }
    )
comparison = pd.DataFrame(rows)
comparison.round(3)

# %% [markdown]
# Read the table: a small `lr_p` says the added predictor improves the fit more than chance
# would; a negative `delta_aic` says the same after a penalty of 2 per parameter. Check the
# flags too: `low_epp` means too few respondents per parameter for the estimates to be
# trusted (see `checks` in `config/models.yaml`). With 77 respondents, a model that gains
# little and adds several parameters is rarely worth it.
#
# On the synthetic replica, read any association between items as an echo of how the
# replica was generated: its items correlate through a general factor by construction
# (`synthetic.latent` in `config/config.yaml`), so a predictor made of other items is
# bound to "work" a little.

# %%
with_objectives = fit_models(
    recoded, {**SPECS, "models": {f"{NAME}_score_objectives": extended["score_objectives"]}}, CONFIDENCE
)
with_objectives.coefficients[["term", "estimate", "std_error", "p_value", "odds_ratio", "flag"]]

# %% [markdown]
# ## 3. How far the primary model's answer holds
#
# Two rules of the pipeline probe the primary model: `bootstrap` refits it to resamples of
# the respondents (`load("bootstrap")`, percentile intervals beside the Wald ones), and the
# multiverse refits it under other analytic choices (`load("multiverse")`, one row per
# specification and finding). A specification can also be run here, with the function the
# rule calls: below, the first one in the table that is not the study's own.

# %%
from leisurenet.analysis.multiverse import run_specification
from leisurenet.codebook import Codebook
from leisurenet.io import read_clean_frame
from leisurenet.load import output_path
from leisurenet.workflow.plan import by_name, job_settings

boot = load("bootstrap", RESULTS).set_index("term")
wald = pipeline.set_index("term").loc[boot.index, ["or_ci_low", "or_ci_high"]]
boot[["odds_ratio", "or_ci_low", "or_ci_high", "n_valid"]].join(wald.add_suffix("_wald")).round(2)

# %%
clean = load("responses", RESULTS)
# The frame as the rule reads it (text columns, None without a frame): a weighted
# specification draws its design from it.
frame = read_clean_frame(output_path("frame", RESULTS))
stored = load("multiverse", RESULTS)
spec = by_name(CONFIG)[stored.loc[~stored["study"], "spec"].iloc[0]]
mine, notes = run_specification(
    Codebook.from_yaml(ROOT / CONFIG["codebook"]), clean, job_settings(CONFIG, spec), base, spec, frame
)
stored = stored.set_index(["spec", "term"]).loc[spec.name, "estimate"]
assert np.allclose(mine.set_index("term")["estimate"], stored.loc[mine["term"]], rtol=1e-9)
print(spec.name, notes)
mine[["finding", "term", "estimate", "ci_low", "ci_high", "p_value", "n"]]

# %% [markdown]
# ## 4. Making it part of the pipeline
#
# The notebook changes nothing. To add the extended model to the paper, paste its
# specification under `models:` in `config/models.yaml` and run `make`: the `models` rule
# refits every model, and the new one appears in `results/models/coefficients.csv`,
# `fit.csv` and the odds-ratio figure (`results/figures/model_odds_ratios.*`).

# %%
print(yaml.safe_dump({f"{NAME}_score_objectives": extended["score_objectives"]}, sort_keys=False, width=88))
