# %% [markdown]
# # Add an analysis to the pipeline as a rule
#
# A new analysis joins the pipeline in eight files, always the same ones; the walk-through
# "Adding an analysis, from the function to the paper" in `CONTRIBUTING.md` gives the code
# of each, and a test applies exactly that code to a copy of the project and finds the new
# number in the paper (`tests/end_to_end/test_walkthrough.py`):
#
# 1. the **function**, in the library module of its stage (`src/leisurenet/analysis/`):
#    tidy data and column names in, a tidy table out; all the science lives here;
# 2. its **test**, in the stage's folder of `tests/`: a data set whose answer is known;
# 3. the **declaration** of its output in `src/leisurenet/outputs.py`: file, rule, `load()`
#    name, what the paper and the release do with it; every list of outputs follows from it;
# 4. the **rule** in `workflow/rules/<stage>.smk`;
# 5. a **thin script** in `scripts/`: read, call the function, write, log;
# 6. the **values for the paper**, in the module of `src/leisurenet/paper/` for its section;
# 7. their **wording** in `paper/sentences.yml`;
# 8. the **sentence** in `paper/paper.qmd`.
#
# This notebook runs the function of the example, *the share agreeing with an item in each
# municipality size class*, on the data (with a look at it in seaborn and a test of it in
# pingouin), and shows the other pieces as the walk-through writes them. It only shows
# them: running it changes no file of the project.
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
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from leisurenet.analysis.describe import wilson_ci
from leisurenet.load import config, load, results_dir

# The walk-through's code blocks, by the file each names (```lang file="..." in CONTRIBUTING.md).
GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
BLOCKS = {
    match.group(1): match.group(2)
    for match in re.finditer(
        r'^```\w+ file="([^"]+)"[^\n]*\n(.*?)^```$', GUIDE, flags=re.MULTILINE | re.DOTALL
    )
}
RESULTS = results_dir(start=ROOT)  # $LEISURENET_RESULTS if set, else ROOT / "results"
CONFIG = config()
recoded = load("recoded", RESULTS)
print(f"reading {RESULTS}")

# %% [markdown]
# ## 1. The function
#
# Step 1 of the walk-through, as it stands in `src/leisurenet/analysis/describe.py`: a tidy
# DataFrame and column names in, a tidy table out (one row per item and group, snake_case
# columns, unrounded numbers, percentages 0-100 and interval limits 0-1, as the other tables
# of `results/descriptives/`). It reuses the library's `wilson_ci` rather than writing the
# interval again, and it keeps empty groups as rows, so a reader sees that they are empty.

# %%
SHARE_COLUMNS = [
    "item",
    "group_var",
    "group",
    "n_respondents",
    "n_valid",
    "n_positive",
    "pct_positive",
    "pct_positive_valid",
    "wilson_low",
    "wilson_high",
]


def share_positive_by_group(
    data: pd.DataFrame, items: list[str], by: str = "size_class", confidence: float = 0.95
) -> pd.DataFrame:
    """The share of positive answers to each item within each group of respondents.

    Parameters
    ----------
    data : DataFrame
        The recoded data: one row per respondent, with ``<item>`` (the code) and
        ``<item>_cat`` (the collapsed answer) for each item.
    items : list of str
        Item ids.
    by : str
        The grouping column; a categorical keeps its levels and their order (empty levels
        included), any other column is grouped by its observed values.
    confidence : float
        Level of the Wilson interval.

    Returns
    -------
    DataFrame
        One row per item and group, the columns of ``SHARE_COLUMNS``: ``n_positive``
        answered positively (agree, strong effort, useful: the collapse the published
        figures use); ``pct_positive`` base: the group's respondents, as published, missing
        answers included; ``pct_positive_valid`` base: valid answers; ``wilson_low``,
        ``wilson_high``: the Wilson interval of the valid share (proportions; NaN for a
        group without valid answers, as the percentages).
    """
    needed = [by, *items, *(f"{item}_cat" for item in items)]
    unknown = [column for column in needed if column not in data.columns]
    if unknown:
        raise KeyError(f"not columns of the recoded data: {unknown}")
    groups = data[by].astype("category")  # a no-op for a categorical: its levels stay
    rows = []
    for item in items:
        for group in groups.cat.categories:
            members = groups == group
            n_respondents = int(members.sum())
            n_valid = int(data.loc[members, item].notna().sum())
            n_positive = int((data.loc[members, f"{item}_cat"] == "positive").sum())
            low, high = wilson_ci(n_positive, n_valid, confidence)
            rows.append(
                {
                    "item": item,
                    "group_var": by,
                    "group": group,
                    "n_respondents": n_respondents,
                    "n_valid": n_valid,
                    "n_positive": n_positive,
                    "pct_positive": 100 * n_positive / n_respondents if n_respondents else np.nan,
                    "pct_positive_valid": 100 * n_positive / n_valid if n_valid else np.nan,
                    "wilson_low": low,
                    "wilson_high": high,
                }
            )
    return pd.DataFrame(rows, columns=SHARE_COLUMNS)


# %% [markdown]
# ## 2. Run it on the data
#
# `rep_voice` (the voice of people in poverty is well represented) and
# `org_partners_complete` (all necessary partners are present), by size class. A new
# function's first check: summed over the groups, its counts must give the item's counts
# that `results/descriptives/items.csv` already holds.

# %%
ITEMS = ["rep_voice", "org_partners_complete"]
table = share_positive_by_group(recoded, ITEMS, "size_class", CONFIG["analysis"]["confidence"])
totals = table.groupby("item")[["n_respondents", "n_valid", "n_positive"]].sum()
published_kind = load("items", RESULTS).set_index("item").loc[ITEMS, totals.columns]
assert totals.loc[ITEMS].equals(published_kind)
table.round(3)

# %% [markdown]
# Before a new table becomes part of the paper, look at it and test it. seaborn draws the
# shares in the project's theme (the fonts, colours and axes of the paper's figures, read
# from the style file that `leisurenet.paper.figures.style` names); pingouin's chi-square
# test of independence asks what the paper does not: whether the share agreeing differs
# between the size classes more than chance would make it (positive answer or not, by
# size class, among the valid answers). The paper reports each item's share over all
# respondents only (`pct_positive_valid` in `items.csv`, the last column below).

# %%
import matplotlib as mpl
import matplotlib.pyplot as plt
import pingouin as pg
import seaborn as sns

from leisurenet.paper.figures.style import STYLE

sns.set_theme(style="ticks", rc=dict(mpl.rc_params_from_file(STYLE, use_default_template=False)))
fig, ax = plt.subplots(figsize=(5, 2.6))
sns.barplot(data=table, x="group", y="pct_positive_valid", hue="item", errorbar=None, ax=ax)
sns.move_legend(ax, "upper left", bbox_to_anchor=(1, 1))  # beside the bars, not over them
ax.set(title="Share agreeing, by size class", xlabel="size class", ylabel="% of the valid answers")
plt.show()

overall = load("items", RESULTS).set_index("item")["pct_positive_valid"]
rows = []
for item in ITEMS:
    valid = recoded[recoded[item].notna()]
    agreeing = valid[f"{item}_cat"].eq("positive").map({True: "positive", False: "other"})
    _, _, independence = pg.chi2_independence(
        valid.assign(agreeing=agreeing), x="agreeing", y="size_class", correction=False
    )
    pearson = independence.set_index("test").loc["pearson"]
    rows.append({"item": item, **pearson[["chi2", "dof", "pval", "cramer"]], "pct_overall": overall[item]})
pd.DataFrame(rows).round(3)

# %% [markdown]
# A small `pval` says that the size classes differ in their share agreeing, which the
# single overall share of the paper hides; pingouin warns when expected counts are low,
# and then an exact test (`crosstab.crosstab_tests`, as the pipeline's cross-tabs) is the
# one to read. On the synthetic replica, read a difference by size class as an echo of
# how the replica was generated (`synthetic` in `config/config.yaml`), not as a finding.

# %% [markdown]
# ## 3. The test
#
# Step 2, in `tests/analysis/test_describe.py`: a data set small enough to count by hand, and
# the interval pinned to an independent implementation (statsmodels), with the call in a
# comment. It passes against the function above (the test file imports it from
# `leisurenet.analysis.describe` as `ds`; here it gets the one defined above).

# %%
TEST = BLOCKS["tests/analysis/test_describe.py"]
print(TEST)
namespace = {"np": np, "pd": pd, "pytest": pytest, "proportion_confint": proportion_confint}
namespace["ds"] = SimpleNamespace(share_positive_by_group=share_positive_by_group)
exec(compile(TEST, "test_snippet", "exec"), namespace)  # defines the test function
namespace["test_share_positive_by_group_counts_by_hand"]()
print("the test passes")

# %% [markdown]
# ## 4. The declaration
#
# Step 3, one entry in `OUTPUTS` of `src/leisurenet/outputs.py`: the file under `results/`,
# the rule and the name its script writes it by (`table`), the name `load()` finds it by,
# what it holds, what the public release does with it (`"table"`: an aggregate table,
# released as it stands), and for the paper the row key by which a printed number is traced
# back to its row and the function that says its values (step 6). The rule's outputs,
# `rule all`, `load("agree_by_size")`, the paper's inputs and the release all follow from it.

# %%
print(BLOCKS["src/leisurenet/outputs.py"])

# %% [markdown]
# ## 5. The rule and its thin script
#
# Steps 4 and 5: the rule, beside `describe` in `workflow/rules/describe.smk` (its input is
# the recoded data, so it runs after `recode`), takes its outputs from the declaration; the
# `library` input is every module of `leisurenet` the script imports, directly or not, so a
# change to one of them reruns the rule. The script reads, calls the function, writes, logs.

# %%
print(BLOCKS["workflow/rules/describe.smk"])
SCRIPT = BLOCKS["scripts/agree_by_size.py"]
compile(SCRIPT, "scripts/agree_by_size.py", "exec")  # valid Python, not run: it needs Snakemake
print(SCRIPT)

# %% [markdown]
# ## 6. The number in the paper
#
# Steps 6 to 8. The function the declaration names gets the table with every number knowing
# its file, row and column, so the number it prints is traced in
# `results/paper/provenance.csv`; the wording lives in `paper/sentences.yml`, and the
# manuscript cites the sentence by name. No number is ever typed into `paper/paper.qmd`.

# %%
for file in ("src/leisurenet/paper/descriptives.py", "paper/sentences.yml", "paper/paper.qmd"):
    print(f"--- {file}\n{BLOCKS[file]}")

# %% [markdown]
# ## 7. Run, check
#
# - `.venv/bin/snakemake -n` (a dry run) lists the jobs the new rule adds; `make` runs them;
#   `load("agree_by_size")` then reads the table, and the paper has the sentence.
# - `make check` (about a minute) and `make test`.
# - A new study choice (say, the items as a setting) goes in `config/config.yaml` and, with
#   its description and default, in `workflow/schemas/config.schema.yaml`.
