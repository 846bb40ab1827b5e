# %% [markdown]
# # Add an analysis to the pipeline as a rule
#
# A new analysis joins the pipeline in five small pieces, always the same ones:
#
# 1. a **function** in the library (`src/leisurenet/`): takes the tidy data and column
#    names, returns a tidy table; all the science lives here;
# 2. a **rule** in `workflow/rules/<stage>.smk`: names its input, output, log and
#    parameters;
# 3. a **thin script** in `scripts/`: reads the input, calls the function, writes the
#    output, logs what it did, and nothing else;
# 4. a **test** in `tests/`: the function on a small data set whose answer is known;
# 5. a **name** for the output in `src/leisurenet/load.py`, so notebooks can `load()` it.
#
# This notebook writes the function for a small example, *the share agreeing with an item
# in each municipality size class*, runs it on the data, and shows what the other pieces
# would look like. It only shows them: running it changes no file of the project.
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
from types import SimpleNamespace

import numpy as np
import pandas as pd

from leisurenet.analysis.describe import wilson_ci
from leisurenet.load import config, load, results_dir

RESULTS = results_dir(start=ROOT)  # $LEISURENET_RESULTS if set, else ROOT / "results"
CONFIG = config()
recoded = load("recoded", RESULTS)
print(f"reading {RESULTS}")

# %% [markdown]
# ## 1. The function
#
# Written as it would stand in `src/leisurenet/analysis/describe.py`: a tidy DataFrame and column
# names in, a tidy table out (one row per item and group, snake_case columns, unrounded
# numbers, percentages 0-100 and interval limits 0-1, as the other tables of
# `results/descriptives/`). It reuses the library's `wilson_ci` rather than writing the
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
# ## 3. The rule
#
# In `workflow/rules/describe.smk`, beside the `describe` rule (its input is the recoded
# data, so it runs after the `recode` rule):
#
# ```snakemake
# rule agree_by_size:
#     """The share agreeing with each configured item, by municipality size class."""
#     input:
#         recoded=rules.recode.output.parquet,
#         library=library("agree_by_size.py"),
#     output:
#         table=report(
#             "results/descriptives/agree_by_size.csv",
#             caption="../report/descriptives_agree_by_size.rst",
#             category="Descriptives",
#         ),
#     log:
#         "results/logs/agree_by_size.log",
#     conda:
#         "../envs/leisurenet.yaml"
#     params:
#         item_ids=config["agree_by_size"]["items"],
#         confidence=config["analysis"]["confidence"],
#     script:
#         "../../scripts/agree_by_size.py"
# ```
#
# The `library` input is every module of `leisurenet` the script imports, directly or not
# (read from its imports): a change to one of them reruns the rule. Then add
# `rules.agree_by_size.output,` to the input of `rule all` in the `Snakefile`. The
# items are a study choice, so they go in `config/config.yaml`:
#
# ```yaml
# agree_by_size:
#   items: [rep_voice, org_partners_complete]
# ```
#
# with their description and default in `workflow/schemas/config.schema.yaml` (the
# pipeline validates the configuration against it before running anything):
#
# ```yaml
#   agree_by_size:
#     type: object
#     description: Items whose share agreeing is tabulated by municipality size class.
#     default: {items: []}
#     additionalProperties: false
#     properties:
#       items: {type: array, items: {type: string}, description: Item ids of the codebook.}
# ```
#
# A caption for `snakemake --report` goes in `workflow/report/descriptives_agree_by_size.rst`:
# what one row is, the bases of the percentages, the interval.
#
# ## 4. The thin script
#
# `scripts/agree_by_size.py`: input, one library call, output, a log line. No statistics.

# %%
SCRIPT = '''\
"""Rule agree_by_size: the share agreeing with each configured item, by size class."""

from leisurenet.analysis.describe import share_positive_by_group
from leisurenet.io import read_dataset, stage_logger, write_csv

sm = snakemake
log = stage_logger(sm.log[0], "agree_by_size")
data = read_dataset(sm.input.recoded)
table = share_positive_by_group(data, sm.params.item_ids, "size_class", sm.params.confidence)
log.info("%d items by %d size classes", len(sm.params.item_ids), data["size_class"].cat.categories.size)
write_csv(table, sm.output.table)
'''
compile(SCRIPT, "scripts/agree_by_size.py", "exec")  # valid Python, not run: it needs Snakemake
print(SCRIPT)

# %% [markdown]
# ## 5. The test
#
# In `tests/analysis/test_describe.py`: a data set small enough to count by hand, and the interval
# pinned to an independent implementation (statsmodels), with the call in a comment.

# %%
TEST = """\
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from leisurenet.analysis import describe as ds


def test_share_positive_by_group_counts_by_hand():
    sizes = ["small", "medium", "large"]
    levels = ["negative", "neutral", "positive"]
    data = pd.DataFrame(
        {
            "size_class": pd.Categorical(["small", "small", "large", "large", "large"], sizes, ordered=True),
            "q": pd.array([4, 1, 5, None, 4], dtype="Int8"),
            "q_cat": pd.Categorical(["positive", "negative", "positive", None, "positive"], levels),
        }
    )
    out = ds.share_positive_by_group(data, ["q"]).set_index("group")
    assert out.index.tolist() == sizes  # every level, in order, the empty one too
    assert out["n_respondents"].tolist() == [2, 0, 3]
    assert out.loc["small", "pct_positive"] == 50
    assert out.loc["large", "pct_positive"] == pytest.approx(200 / 3)  # the blank stays in the base
    assert out.loc["large", "pct_positive_valid"] == 100
    assert np.isnan(out.loc["medium", "pct_positive"])  # an empty group has no share
    # statsmodels: proportion_confint(1, 2, alpha=0.05, method="wilson")
    expected = proportion_confint(1, 2, alpha=0.05, method="wilson")
    assert out.loc["small", ["wilson_low", "wilson_high"]].tolist() == pytest.approx(expected)
"""
print(TEST)

# %% [markdown]
# The test passes against the notebook's function. The test file will import the function
# from `leisurenet.analysis.describe`; here we hand it the one defined above instead.

# %%
namespace: dict = {}
exec(compile(TEST, "test_snippet", "exec"), namespace)  # defines the test function, runs nothing
namespace["ds"] = SimpleNamespace(share_positive_by_group=share_positive_by_group)
namespace["test_share_positive_by_group_counts_by_hand"]()
print("the test passes")

# %% [markdown]
# ## 6. Give the output a name, run, check
#
# - Add the output to `OUTPUTS` in `src/leisurenet/load.py`:
#   `"agree_by_size": ("descriptives/agree_by_size.csv", "share agreeing by size class")`.
#   `tests/test_load.py` fails until you do: it checks that every output of the rules has
#   a name.
# - `.venv/bin/snakemake -n` (a dry run) lists the jobs the new rule adds; `make` runs them;
#   `load("agree_by_size")` then reads the table.
# - `make lint` (ruff, snakefmt, `snakemake --lint`) and `make test`.
# - A number from the table in the paper goes through `results/paper/assets/_variables.yml`
#   (the `paper_assets` rule and the module of `src/leisurenet/paper/` for its section, e.g.
#   `descriptives.py`), never typed into `paper/paper.qmd`.
