"""Rule paper_assets: the numbers the manuscript's text uses and its tables, from results/."""

from pathlib import Path

import pandas as pd
import yaml

from leisurenet.codebook import Codebook
from leisurenet.io import atomic_path, read_dataset, stage_logger
from leisurenet.paper import assets as paper
from leisurenet.paper.prose import Prose
from leisurenet.paper.provenance import trace, traced
from leisurenet.paper.wording import Wording

sm = snakemake
log = stage_logger(sm.log[0], "paper_assets")
codebook = Codebook.from_yaml(sm.input.codebook)
# Every number of these tables knows its file, row and column (leisurenet.paper.provenance): the
# key columns name the row.
KEYS = {"flow": ["step", "item"], "cleaning_log": None, "audit": "figure_id",
        "cells": ["crosstab", "row_level", "col_level"], "tests": "crosstab", "summary": "item",
        "scales": "scale", "paired": "involvement_item", "nonresponse_test": "test",
        "coefficients": ["model", "equation", "term"], "fit": "model", "bootstrap": "term",
        "multiverse": ["spec", "finding", "term"], "multiverse_summary": ["finding", "term"],
        "weighted": "item", "tests_weighted": "crosstab"}  # fmt: skip
csv = {name: trace(pd.read_csv(sm.input[name]), sm.input[name], key) for name, key in KEYS.items()}
audit, items, fit = csv["audit"], csv["summary"], csv["fit"]
models = fit.set_index("model")[["family", "outcome"]].to_dict("index")
prose = Prose.from_config(Wording.from_yaml(sm.input.wording), codebook, models, sm.params.crosstabs)
recoded = read_dataset(sm.input.recoded)
recoded.attrs["source"] = str(sm.input.recoded)
settings = sm.params.paper
primary, headline = settings["primary_model"], settings["headline_crosstab"]


def setting(value, section: str, key: str):
    """A value of the configuration, traced to the file that set it."""
    return traced(value, sm.params.config_sources[f"{section}.{key}"], section, key)


alpha = setting(settings["alpha"], "paper", "alpha")
references = paper.model_references(fit, primary, prose)
size_class = dict(sm.params.size_class)
breaks_from = sm.params.config_sources["size_class.breaks"]
size_class["breaks"] = [
    traced(b, breaks_from, "size_class", f"breaks[{i}]") for i, b in enumerate(size_class["breaks"])
]
role = dict(sm.params.governance_role)
role.update({k: setting(role[k], "governance_role", k) for k in ("min_statements", "agreed_min_code")})
study = {"size_class": size_class, "governance_role": role}
bootstrap = dict(sm.params.bootstrap)
bootstrap.update({k: setting(bootstrap[k], "bootstrap", k) for k in ("replicates", "seed")})
settings = dict(settings) | {"alpha": alpha}
# The level of every interval, in percent ("95"), as the configuration set it for every stage.
level = paper.general(100 * setting(sm.params.confidence, "analysis", "confidence"))
weighted = paper.Weighted(
    csv["weighted"], csv["tests_weighted"], items, csv["tests"], csv["coefficients"], fit
)

variables = {
    "data": paper.data_variables(
        csv["flow"], csv["cleaning_log"], items, sm.input.raw, sm.params.synthetic, study, prose
    ),
    "items": paper.item_variables(items, prose, level),
    "constructs": paper.construct_variables(items, prose),
    "representation": paper.representation_variables(items, codebook),
    "roles": paper.role_variables(recoded, prose),
    "paired": paper.paired_variables(csv["paired"], alpha, prose),
    "nonresponse": paper.nonresponse_variables(csv["nonresponse_test"], alpha, prose),
    "crosstab": paper.crosstab_variables(csv["tests"], headline, alpha, prose),
    "model": paper.model_variables(csv["coefficients"], fit, primary, prose),
    "audit": paper.audit_variables(audit, prose),
    "bootstrap": paper.bootstrap_variables(csv["bootstrap"], bootstrap, primary, fit, prose),
    "multiverse": paper.multiverse_variables(csv["multiverse_summary"], alpha, references, prose),
    "weighting": paper.weighting_variables(weighted, csv["flow"], sm.params.weighting, settings, prose),
}

variables["data"]["level"] = level  # the figure of odds ratios says it in its caption

tables = {
    "sample_flow": paper.sample_flow_table(csv["flow"], prose),
    "items": paper.items_table(items, prose, level),
    "scales": paper.scales_table(csv["scales"], prose, level),
    "paired": paper.paired_table(csv["paired"], prose),
    "crosstab_role": paper.crosstab_table(csv["cells"], headline, prose),
    "crosstab_tests": paper.crosstab_tests_table(csv["tests"], prose),
    "models": paper.models_table(csv["coefficients"], fit, prose, level),
    "model_fit": paper.model_fit_table(fit, prose),
    "bootstrap": paper.bootstrap_table(csv["bootstrap"], csv["coefficients"], fit, primary, prose, level),
    "multiverse": paper.multiverse_table(csv["multiverse"], headline, references, prose, level),
    "weighted": paper.weighted_table(weighted, headline, primary, prose),
    "audit": paper.audit_table(audit, prose),
    "codebook": paper.codebook_table(prose),
    "software": paper.software_pipe_table(prose),
} | paper.study_tables(items, audit, prose)

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
