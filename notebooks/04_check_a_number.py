# %% [markdown]
# # Check a number in the paper
#
# The paper computes nothing: every number in its text is read from
# `results/paper/assets/_variables.yml`, which the `paper_assets` rule writes from the
# pipeline's tables (Quarto's `{{< var ... >}}` shortcode in `paper/paper.qmd`), and
# `results/paper/provenance.csv` lists each number printed with the file, row and column it
# came from. This notebook takes one of those numbers and recomputes it from the recoded
# data alone, with the library functions the pipeline calls, then checks that the two agree
# to the last printed digit:
#
# 1. the number as the paper prints it, its row in `provenance.csv`, and the sentence it
#    stands in;
# 2. the same number from `load("recoded")`: counted by hand, then with
#    `describe.item_summary` (what the `describe` rule runs) and rounded with
#    `formatting.pct` (the only place where the paper's numbers are rounded);
# 3. every other number the paper has for that item, with the paper's own wording;
# 4. the item's answers in a seaborn chart, and a test the paper does not make (pingouin).
#
# Why: a reader who doubts a number should be able to trace it to the answers in a few
# lines. If a check here fails, the paper and the data disagree, and that is a bug.
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
import re

import pandas as pd

from leisurenet.analysis import describe
from leisurenet.io import read_clean_frame
from leisurenet.load import codebook, config, load, output_path, results_dir
from leisurenet.paper import descriptives, formatting
from leisurenet.paper.prose import Prose
from leisurenet.paper.provenance import unmark
from leisurenet.paper.wording import Wording

RESULTS = results_dir(start=ROOT)  # $LEISURENET_RESULTS if set, else ROOT / "results"
CONFIG = config()  # config/config.yaml with the schema's defaults, as Snakemake sees it
CODEBOOK = codebook()
print(f"reading {RESULTS}")

# %% [markdown]
# ## 1. The number as the paper prints it
#
# The results section says how many coordinators find that "it is always the same
# organisations that carry the actions" (`act_same_orgs`). In `paper/paper.qmd` that number
# is the variable `items.act_same_orgs.agree`. Its row in `provenance.csv`
# (`load("provenance")`) says how it is printed, where, and where it came from: a file
# under `results/`, a row and a column, and the value unrounded.

# %%
ITEM, KEY = "act_same_orgs", "agree"
LEVEL = {"agree": "positive", "disagree": "negative"}[KEY]  # the collapsed answer KEY counts
name = f"items.{ITEM}.{KEY}"
PROVENANCE = load("provenance", RESULTS)
entry = PROVENANCE[PROVENANCE["variable"] == name].iloc[0]  # printed once or more: the first
printed = entry["text"]
# the variables file holds the same number with its source as a span
# ([37.7%]{.num data-source=...}), which the HTML paper shows on hover; unmark() gives the text
VARIABLES = load("paper_variables", RESULTS)
assert unmark(VARIABLES["items"][ITEM][KEY]) == printed
SHORTCODE = re.compile(r"{{< var ([\w.]+) >}}")
sentence = next(
    part
    for part in (ROOT / "paper" / "paper.qmd").read_text(encoding="utf-8").split(". ")
    if f"{{{{< var {name} >}}}}" in part
)


def shown(match: re.Match) -> str:
    """A shortcode's value as the rendered paper shows it; ours in bold."""
    value = VARIABLES
    for part in match[1].split("."):
        value = value[part]
    return f"**{unmark(value)}**" if match[1] == name else unmark(str(value))


print(CODEBOOK.items[ITEM]["en"])
print(f"{name} = {printed!r}, in the sentence: {SHORTCODE.sub(shown, sentence)}.")
entry  # noqa: B018 (Jupyter shows a cell's last expression)

# %% [markdown]
# ## 2. The same number from the recoded data
#
# `<item>_cat` in the recoded data is each answer collapsed to negative / neutral /
# positive, with missing answers ("weet niet" and blank) left missing. The paper's `agree`
# is the positive share of **all respondents** (`disagree` the negative one), missing
# answers in the base, as the study published its figures. Counting it by hand:

# %%
recoded = load("recoded", RESULTS)
answers = recoded[f"{ITEM}_cat"].value_counts(dropna=False)
n_level, n_respondents = int(answers.get(LEVEL, 0)), len(recoded)
by_hand = 100 * n_level / n_respondents
print(f"{n_level} of {n_respondents} respondents answered {LEVEL}ly: {by_hand:.4f}%")
answers  # noqa: B018 (Jupyter shows a cell's last expression)

# %% [markdown]
# The pipeline computes it with `describe.item_summary`, called as the `describe` rule
# calls it (the frame's size for the interval, the configured confidence level), and the
# paper rounds it with `formatting.pct`. Both must give the printed value exactly.

# %%
frame = read_clean_frame(output_path("frame", RESULTS))  # None without a population frame
summary = describe.item_summary(
    recoded,
    CODEBOOK,
    items=[ITEM],
    n_frame=None if frame is None else len(frame),
    confidence=CONFIG["analysis"]["confidence"],
)
row = summary.iloc[0]
assert abs(row[f"pct_{LEVEL}"] - by_hand) < 1e-9, (row[f"pct_{LEVEL}"], by_hand)
# the unrounded value provenance.csv names, from the file, row and column it names
named = ("results/descriptives/items.csv", ITEM, f"pct_{LEVEL}")
assert tuple(entry[["source", "row_key", "column"]]) == named, entry
assert abs(float(entry["value"]) - row[f"pct_{LEVEL}"]) < 1e-9, (entry["value"], row[f"pct_{LEVEL}"])
recomputed = formatting.pct(row[f"pct_{LEVEL}"])
assert recomputed == printed, f"the paper prints {printed}, the data give {recomputed}"
print(f"recomputed {recomputed} ({float(row[f'pct_{LEVEL}'])!r} unrounded), printed {printed}: equal")

# %% [markdown]
# The base matters: of the valid answers only, the share is higher, because some
# coordinators answered "weet niet" or left the item blank. The paper reports that share
# beside the interval for all networks of the frame (`agree_valid`, `ci`).

# %%
row[["n_respondents", "n_valid", "n_dont_know", "n_blank", "pct_positive", "pct_positive_valid"]]

# %% [markdown]
# ## 3. Every number the paper has for this item
#
# `descriptives.item_variables` turns a row of `items.csv` into the item's entries of the
# variables file, with the wording of `paper/sentences.yml` (the `paper_assets` rule's
# template). Fed with the summary recomputed above, it must give the file's entries
# exactly, the interval included.

# %%
prose = Prose(Wording.from_yaml(ROOT / "paper" / "sentences.yml"), CODEBOOK)
level = formatting.general(100 * CONFIG["analysis"]["confidence"])  # "95", as the paper prints it
ours = descriptives.item_variables(summary, prose, level)[ITEM]
theirs = {key: unmark(value) for key, value in VARIABLES["items"][ITEM].items()}
ours = {key: unmark(value) for key, value in ours.items()}
assert ours == theirs, pd.DataFrame({"recomputed": ours, "paper": theirs})
pd.DataFrame({"recomputed": ours, "paper": theirs})

# %% [markdown]
# ## 4. A look at the item, and a test the paper does not make
#
# The paper gives the share agreeing and the share disagreeing; it does not test whether
# the answers lean one way. The Wilcoxon signed-rank test of the codes against the scale's
# midpoint (3, neither agree nor disagree) does, with the rank-biserial correlation as
# its effect size (positive: the answers lean towards agreeing), by `pingouin.wilcoxon`,
# with R's defaults (normal approximation, continuity correction, answers at the midpoint
# left out). The library's `paired.wilcoxon_signed_rank`, which computes the paper's
# paired comparisons, gives the same p-value. The chart shows every answer, "weet niet"
# and blank included, drawn by seaborn in the project's theme (the fonts, colours and axes
# of the paper's figures, read from the style file that `leisurenet.paper.figures.style`
# names).

# %%
import matplotlib as mpl
import matplotlib.pyplot as plt
import pingouin as pg
import seaborn as sns

from leisurenet.analysis.paired import wilcoxon_signed_rank
from leisurenet.paper.figures.style import STYLE

codes = recoded[ITEM].dropna().to_numpy(dtype=float)
MIDPOINT = 3
test = pg.wilcoxon(codes - MIDPOINT, correction=True, method="asymptotic")
assert abs(test["p_val"].item() - wilcoxon_signed_rank(codes - MIDPOINT)["p_value"]) < 1e-12
shares = row[["pct_positive", "pct_negative"]].astype(float).rename(lambda c: f"{c}_paper")
test[["W_val", "p_val", "RBC"]].assign(n_valid=len(codes), **shares)

# %%
sns.set_theme(style="ticks", rc=dict(mpl.rc_params_from_file(STYLE, use_default_template=False)))
answers = load("item_distribution", RESULTS).query("item == @ITEM")
answers = answers.assign(kind=answers["missing"].fillna("answer"))
fig, ax = plt.subplots(figsize=(5, 2.4))
sns.barplot(data=answers, x="n", y="label_en", hue="kind", dodge=False, ax=ax)
ax.set(title=f"{ITEM}: every answer", xlabel="respondents", ylabel="")
plt.show()

# %% [markdown]
# Read the test with the paper's two shares: a positive rank-biserial correlation goes
# with more agreeing than disagreeing, and the p-value says whether that lean is more than
# chance would give among the valid answers. The paper does not print it: it reports
# shares of all respondents, "weet niet" and blank in the base, which the test leaves out.
#
# Try: another item the paper names (`ITEM = "vis_defined"`, whose interval the text prints
# as `items.vis_defined.ci`), or `KEY = "disagree"` with `ITEM = "rep_act_guiding"`.
