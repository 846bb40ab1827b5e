"""Rule paper_assets: the numbers the manuscript's text uses and its tables, from results/."""

from pathlib import Path

import pandas as pd
import yaml

from leisurenet import paper
from leisurenet.codebook import Codebook
from leisurenet.io import atomic_path, read_dataset, stage_logger

sm = snakemake
log = stage_logger(sm.log[0], "paper_assets")
codebook = Codebook.from_yaml(sm.input.codebook)
csv = {name: pd.read_csv(sm.input[name]) for name in
       ("flow", "cleaning_log", "audit", "cells", "tests", "summary", "scales", "paired", "nonresponse_test",
        "coefficients", "fit", "bootstrap", "multiverse", "multiverse_summary")}  # fmt: skip
audit, items = csv["audit"], csv["summary"]
recoded = read_dataset(sm.input.recoded)
settings = sm.params.paper
study = {"size_class": sm.params.size_class, "governance_role": sm.params.governance_role}

variables = {
    "data": paper.data_variables(
        csv["flow"], csv["cleaning_log"], items, sm.input.raw, sm.params.synthetic, study
    ),
    "items": paper.item_variables(items),
    "constructs": paper.construct_variables(items, codebook),
    "representation": paper.representation_variables(items, codebook),
    "roles": paper.role_variables(recoded, codebook),
    "paired": paper.paired_variables(csv["paired"], settings["alpha"]),
    "nonresponse": paper.nonresponse_variables(csv["nonresponse_test"], settings["alpha"]),
    "crosstab": paper.crosstab_variables(csv["tests"], settings["headline_crosstab"], settings["alpha"]),
    "model": paper.model_variables(csv["coefficients"], csv["fit"], codebook, settings["primary_model"]),
    "audit": paper.audit_variables(audit, codebook),
    "bootstrap": paper.bootstrap_variables(csv["bootstrap"], sm.params.bootstrap, settings["primary_model"],
                                           codebook),
    "multiverse": paper.multiverse_variables(csv["multiverse_summary"], settings["alpha"]),
}  # fmt: skip

# The study's three tables: which items (a codebook query), which published figures, the caption.
study_tables = {
    "effort": ({"construct": "effort"},
               {"weak": ("Weak effort", "negative"), "strong": ("Strong effort", "positive")},
               "Effort per kind of action (percent of all respondents), published and reproduced."),
    "role_act": ({"construct": "role", "domain": "act"},
                 {"disagree": ("Disagree", "negative"), "agree": ("Agree", "positive")},
                 "The coordinator's role in drawing up the actions (percent of all respondents), "
                 "published and reproduced."),
    "support": ({"construct": "support"},
                {"not_useful": ("Not useful", "negative"), "useful": ("Useful", "positive")},
                "Support needs (percent of all respondents), published and reproduced."),
}  # fmt: skip
tables = {
    "sample_flow": paper.sample_flow_table(csv["flow"]),
    "items": paper.items_table(items, codebook),
    "scales": paper.scales_table(csv["scales"], codebook),
    "paired": paper.paired_table(csv["paired"]),
    "crosstab_role": paper.crosstab_table(csv["cells"], settings["headline_crosstab"]),
    "crosstab_tests": paper.crosstab_tests_table(csv["tests"]),
    "models": paper.models_table(csv["coefficients"], codebook),
    "model_fit": paper.model_fit_table(csv["fit"]),
    "bootstrap": paper.bootstrap_table(
        csv["bootstrap"], csv["coefficients"], settings["primary_model"], codebook
    ),
    "multiverse": paper.multiverse_table(csv["multiverse"], settings["headline_crosstab"]),
    "audit": paper.audit_table(audit),
    "codebook": paper.codebook_table(codebook),
    "software": paper.pipe_table(paper.software_table(), "software", "Software used by the pipeline.", "ll"),
}
for name, (query, sides, caption) in study_tables.items():
    item_ids = codebook.items_where(**query)
    tables[name] = paper.published_table(
        items, audit, codebook, item_ids, sides, name.replace("_", "-"), caption
    )

folder = Path(sm.output.tables)
folder.mkdir(parents=True, exist_ok=True)
for name, text in tables.items():
    with atomic_path(folder / f"{name}.md") as tmp:
        tmp.write_text(text, encoding="utf-8")
with atomic_path(sm.output.variables) as tmp:
    tmp.write_text(
        yaml.safe_dump(variables, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8"
    )
log.info("%d tables and the text's numbers written", len(tables))
