# %% [markdown]
# # Explore one item and one cross-tab
#
# This notebook reads what the pipeline wrote to `results/` and re-derives a few of its
# numbers with the same library functions the pipeline calls:
#
# 1. one item's answers, with its two kinds of missing answer ("weet niet" and blank);
# 2. the headline cross-tab (the coordinator's governance role for actions by municipality
#    size), recomputed and checked against `results/crosstabs/tests.csv`;
# 3. the same cross-tab with the libraries a student may know: pingouin's tests of
#    independence (those the paper makes, and one it does not), and a seaborn heatmap;
# 4. one Likert chart, drawn with the library's figures (`leisurenet.paper.figures`).
#
# Why: every number in the paper comes from these files. Recomputing one yourself is the
# quickest way to learn what the files hold, and it shows that a notebook and the pipeline
# compute a number with one piece of code, never two.
#
# Run `make` first. The default data are the **synthetic replica**: nothing here is
# evidence about the real networks.

# %%
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

from leisurenet.analysis import crosstab
from leisurenet.load import codebook, config, load, results_dir
from leisurenet.paper.figures.likert import plot_likert
from leisurenet.paper.figures.style import source_line

RESULTS = results_dir(start=ROOT)  # $LEISURENET_RESULTS if set, else ROOT / "results"
CONFIG = config()  # config/config.yaml with the schema's defaults, as Snakemake sees it
CODEBOOK = codebook()
print(f"reading {RESULTS}")

# %% [markdown]
# ## One item: its answers, "weet niet" and blank
#
# `act_same_orgs` ("It is always the same organisations that carry the actions") is one of
# the items with missing answers. The pipeline keeps the two kinds apart: a "weet niet /
# niet van toepassing" answer (`dont_know`) is an answer that says "I cannot judge this",
# a blank is no answer at all. In the recoded data the code is missing for both, and
# `<item>_missing` says which it was; `<item>_cat` is the collapsed answer the published
# figures use (negative / neutral / positive).

# %%
ITEM = "act_same_orgs"
recoded = load("recoded", RESULTS)  # Parquet: the codes stay nullable integers, categories ordered
print(CODEBOOK.items[ITEM]["en"])
recoded[["resp_id", ITEM, f"{ITEM}_missing", f"{ITEM}_cat"]].head(8)

# %% [markdown]
# `item_distribution.csv` has one row per code plus one for each kind of missing answer.
# `pct_respondents` has all respondents as its base (as the study published its figures),
# `pct_valid` only those who chose a code. Counting the recoded data ourselves gives the
# same numbers.

# %%
distribution = load("item_distribution", RESULTS)
mine = distribution[distribution["item"] == ITEM]
counted = recoded[f"{ITEM}_missing"].value_counts()
for kind in ("dont_know", "blank"):
    assert mine.loc[mine["missing"] == kind, "n"].item() == counted[kind]
mine[["code", "missing", "label_en", "n", "pct_respondents", "pct_valid"]]

# %% [markdown]
# The base matters. `items.csv` gives the positive share both ways, and the exact interval
# for the share among all 104 networks (the hypergeometric interval: 77 of the 104 were
# observed) beside the infinite-population Wilson interval.

# %%
items = load("items", RESULTS).set_index("item")
columns = ["n_respondents", "n_valid", "n_dont_know", "n_blank", "pct_positive", "pct_positive_valid"]
items.loc[ITEM, [*columns, "ci_low", "ci_high", "wilson_low", "wilson_high"]]

# %% [markdown]
# ## One cross-tab, recomputed
#
# The headline cross-tab is `role_act` (the role whose statement a coordinator agreed with
# most, for actions) by `size_class`. `crosstab.crosstab_tests` is the function the
# `crosstab` rule runs for every configured cross-tab; we call it with the same settings
# (`analysis` in the configuration) and compare with the row the pipeline wrote.

# %%
ROW, COL = "role_act", "size_class"
counts, n_left_out = crosstab.contingency(recoded, ROW, COL)
print(f"{n_left_out} respondent(s) left out for a missing value")
counts.assign(total=counts.sum(axis=1))

# %%
analysis = CONFIG["analysis"]
ours = crosstab.crosstab_tests(
    recoded,
    ROW,
    COL,
    draws=analysis["monte_carlo_draws"],
    seed=analysis["seed"],
    max_tables=analysis["exact_max_tables"],
)
theirs = load("tests", RESULTS).set_index("crosstab").loc[ours["crosstab"]]
compared = ["n", "chi2", "df", "p_chi2", "p_exact", "cramers_v", "cramers_v_corrected", "min_expected"]
comparison = pd.DataFrame({"notebook": pd.Series(ours)[compared], "pipeline": theirs[compared]})
# The CSV holds every digit, so the two agree to floating-point precision.
assert np.allclose(comparison["notebook"].astype(float), comparison["pipeline"].astype(float), rtol=1e-9)
comparison.assign(method=ours["exact_method"])

# %% [markdown]
# `tests.csv` also holds `p_holm`, the exact p-value adjusted with Holm's method within its
# family of cross-tabs (`crosstabs.role` in the configuration): it depends on the other
# cross-tabs of the family, so one table alone cannot give it. With expected counts this
# small (see `min_expected`), the exact p-value is the one to read, not the chi-square one.

# %% [markdown]
# ## The same cross-tab with pingouin and seaborn
#
# `pingouin.chi2_independence` takes the respondents (one row each) and the two columns,
# and returns Pearson's chi-square with Cramér's V: the same numbers as the pipeline's
# (checked below; without Yates' correction, which pingouin applies to 2 x 2 tables unless
# told not to and the pipeline never does). It also gives tests the paper does not make,
# among them the likelihood-ratio test (G, `log-likelihood`). Like Pearson's, G relies on
# the chi-square approximation, which these small expected counts make rough: pingouin
# warns about them, and the paper reports the exact p-value for that reason.

# %%
import pingouin as pg

expected, observed, independence = pg.chi2_independence(recoded, x=ROW, y=COL, correction=False)
independence = independence.set_index("test")
pearson = independence.loc["pearson"]
assert np.isclose(pearson["chi2"], theirs["chi2"], rtol=1e-9), (pearson["chi2"], theirs["chi2"])
assert np.isclose(pearson["cramer"], theirs["cramers_v"], rtol=1e-9)
assert observed.to_numpy().sum() == theirs["n"]
tests = independence.loc[["pearson", "log-likelihood"], ["chi2", "dof", "pval", "cramer"]]
tests.assign(p_exact_paper=theirs["p_exact"])

# %% [markdown]
# Read the two rows against `p_exact_paper`: when the G test's p-value and the exact one
# lead to the same reading (both above or both below 0.05), the likelihood-ratio statistic
# adds nothing to what the paper says; when they do not, trust the exact test.
#
# A heatmap shows the cross-tab as a reader scans it: each cell is the share of its
# size class (columns add up to 100%) with the count written in it. seaborn draws it in the
# project's theme: the fonts, colours and axes of the paper's figures, read from the
# style file that `leisurenet.paper.figures.style` names, set once for every seaborn chart of
# this notebook.

# %%
import matplotlib as mpl
import matplotlib.pyplot as plt
import seaborn as sns

from leisurenet.paper.figures.style import STYLE

sns.set_theme(style="ticks", rc=dict(mpl.rc_params_from_file(STYLE, use_default_template=False)))
shares = 100 * counts / counts.sum(axis=0)
fig, ax = plt.subplots(figsize=(4.5, 2.4))
sns.heatmap(shares, annot=counts, fmt="d", cmap="Blues", vmin=0, vmax=100, linewidths=0.5, ax=ax)
ax.collections[0].colorbar.set_label("% of the size class")
ax.set(title=f"{ROW} by {COL} (counts in the cells)", xlabel=COL, ylabel=ROW)
plt.show()

# %% [markdown]
# ## One Likert chart
#
# `plot_likert` (`leisurenet.paper.figures.likert`) draws the chart of a construct as the
# `figures_likert` rule does (`results/figures/likert_<construct>.*`). It returns the figure
# and the table it plotted, one row per bar segment, so every bar can be checked; nothing is
# written to disk here.

# %%
# In Jupyter, Jupytext turns the next line into the magic that shows figures in the notebook.
# %matplotlib inline
construct = CODEBOOK.items[ITEM]["construct"]
synthetic = CONFIG["data"]["raw"] == "synthetic"
source = source_line(synthetic, len(recoded))
fig, plotted = plot_likert(recoded, CODEBOOK, construct, source)
# The segments of one item, missing answers included, add up to all respondents.
assert np.isclose(plotted.loc[plotted["item"] == ITEM, "pct"].sum(), 100)
fig  # noqa: B018 (Jupyter shows a cell's last expression)

# %% [markdown]
# Try: another item (`ITEM = "org_neighbours_good"`), or another cross-tab of the
# configuration (`crosstabs` in `config/config.yaml`), e.g. `ROW = "rep_voice_cat"`.
