"""Rule paper_assets: the numbers the manuscript's text uses and its tables, from results/."""

import importlib
from pathlib import Path

import pandas as pd

from leisurenet.codebook import Codebook
from leisurenet.io import atomic_path, read_dataset, stage_logger
from leisurenet.paper import (
    checklists,
    conclusions,
    conduct,
    crosstabs,
    descriptives,
    formatting,
    methods,
    regression,
    reproduction,
    robustness,
    weighted_comparison,
)
from leisurenet.paper.prose import Prose
from leisurenet.paper.provenance import trace, traced
from leisurenet.paper.render import write_assets
from leisurenet.paper.wording import Wording

sm = snakemake
log = stage_logger(sm.log[0], "paper_assets")
codebook = Codebook.from_yaml(sm.input.codebook)
# Every number of these tables knows its file, row and column (leisurenet.paper.provenance):
# the row key that leisurenet.outputs declares for each table names the row.
results = sm.params.results
csv = {name: trace(pd.read_csv(results[name]), results[name], key) for name, key in sm.params.rows.items()}
audit, items, fit = csv["figures"], csv["items"], csv["fit"]
models = fit.set_index("model")[["family", "outcome"]].to_dict("index")
prose = Prose.from_config(
    Wording.from_yaml(sm.input.wording), codebook, models, sm.params.crosstabs, sm.params.synthetic
)
recoded = read_dataset(results["recoded"])
recoded.attrs["source"] = str(results["recoded"])
settings = sm.params.paper
primary, headline = settings["primary_model"], settings["headline_crosstab"]


def setting(value, section: str, key: str):
    """A value of the configuration, traced to the file that set it."""
    return traced(value, sm.params.config_sources[f"{section}.{key}"], section, key)


alpha = setting(settings["alpha"], "paper", "alpha")
references = regression.model_references(fit, primary, prose)
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
level = formatting.general(100 * setting(sm.params.confidence, "analysis", "confidence"))
weighted = weighted_comparison.Weighted(
    csv["weighted"], csv["tests_weighted"], items, csv["tests"], csv["coefficients"], fit, csv["weights"]
)

variables = {
    "data": methods.data_variables(
        csv["sample_flow"], csv["cleaning_log"], items, sm.input.raw, sm.params.synthetic, study, prose
    ),
    "study": conduct.study_variables(sm.params.study, sm.params.config_sources, prose),
    "disposition": methods.disposition_variables(
        csv["disposition"],
        {k: setting(sm.params.disposition[k], "disposition", k) for k in ("complete_above", "partial_from")},
        prose,
    ),
    "items": descriptives.item_variables(items, prose, level),
    "constructs": descriptives.construct_variables(items, prose),
    "representation": descriptives.representation_variables(items, codebook),
    "roles": descriptives.role_variables(recoded, prose),
    "paired": descriptives.paired_variables(csv["paired"], alpha, prose),
    "nonresponse": descriptives.nonresponse_variables(csv["nonresponse_test"], alpha, prose),
    "crosstab": crosstabs.crosstab_variables(csv["tests"], headline, alpha, prose),
    "model": regression.model_variables(csv["coefficients"], fit, primary, prose),
    "audit": reproduction.audit_variables(audit, prose, sm.params.synthetic),
    "bootstrap": robustness.bootstrap_variables(csv["bootstrap"], bootstrap, primary, fit, prose),
    "multiverse": robustness.multiverse_variables(
        csv["multiverse_summary"], csv["multiverse"], alpha, references, prose
    ),
    "weighting": weighted_comparison.weighting_variables(
        weighted, csv["sample_flow"], sm.params.weighting, settings, prose
    ),
    "conclusions": conclusions.verdict_variables(
        csv["verdicts"], csv["conclusion_checks"], prose, sm.params.synthetic, level
    ),
}

# The values of each table whose declaration names the function that says them, under the
# table's name (leisurenet.outputs).
for name, function in sm.params.values.items():
    module, _, attribute = function.rpartition(".")
    say = getattr(importlib.import_module(f"leisurenet.paper.{module}"), attribute)
    variables[name] = say(csv[name], prose)
variables["data"]["level"] = level  # the figure of odds ratios says it in its caption

tables = {
    "sample_flow": methods.sample_flow_table(csv["sample_flow"], prose),
    "items": descriptives.items_table(items, prose, level),
    "scales": descriptives.scales_table(csv["scales"], prose, level),
    "paired": descriptives.paired_table(csv["paired"], prose),
    "crosstab_role": crosstabs.crosstab_table(csv["cells"], headline, prose),
    "crosstab_tests": crosstabs.crosstab_tests_table(csv["tests"], prose),
    "models": regression.models_table(csv["coefficients"], fit, prose, level),
    "model_fit": regression.model_fit_table(fit, prose),
    "bootstrap": robustness.bootstrap_table(
        csv["bootstrap"], csv["coefficients"], fit, primary, prose, level
    ),
    "multiverse": robustness.multiverse_table(csv["multiverse"], headline, references, prose, level),
    "weighted": weighted_comparison.weighted_table(weighted, headline, primary, prose),
    "weights": weighted_comparison.weights_table(weighted, prose),
    "audit": reproduction.audit_table(audit, prose),
    "verdicts": conclusions.verdicts_table(csv["verdicts"], csv["conclusion_checks"], prose, level),
    "codebook": methods.codebook_table(prose),
    "software": methods.software_pipe_table(prose),
} | reproduction.study_tables(items, audit, prose)

# The reporting checklists, from what the paper now contains: the study's configured facts,
# the frame, and whether the weights are reported.
evidence = checklists.Evidence(
    sm.params.study, bool(csv["disposition"]["in_frame"].any()), bool(variables["weighting"]["weights"])
)
checklist = checklists.checklist(evidence, prose)
with atomic_path(sm.output.checklists) as tmp:
    checklist.to_csv(tmp, index=False)
checklist.attrs["source"] = Path(sm.output.checklists).as_posix()
tables["checklists"] = checklists.checklist_table(checklist, prose)

write_assets(tables, sm.output.tables, variables, sm.output.variables)
log.info("%d tables and the text's numbers written", len(tables))
