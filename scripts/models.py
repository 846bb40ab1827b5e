"""Rule models: the regression models of config/models.yaml, their coefficients and fit."""

import pandas as pd

from leisurenet.analysis.modelframe import DEFAULT_CHECKS
from leisurenet.analysis.models import fit_models, load_model_specs
from leisurenet.analysis.weighted_models import fit_weighted_ordinal
from leisurenet.analysis.weighting import logged_design, without_fpc
from leisurenet.io import read_clean_frame, read_dataset, stage_logger, write_csv

sm = snakemake
log = stage_logger(sm.log[0], "models")
specs = load_model_specs(sm.input.models)
data = read_dataset(sm.input.recoded)
confidence = sm.params.analysis["confidence"]
result = fit_models(data, specs, confidence=confidence)
# The primary model again, weighted for non-response, with design-based standard errors
# without the finite-population correction: inference about the association, as the tests.
design = logged_design(data, read_clean_frame(sm.input.frame), sm.params.weighting, sm.params.size_class, log)
if design is not None:
    primary = sm.params.primary_model
    checks = {**DEFAULT_CHECKS, **specs.get("checks", {})}
    weighted = fit_weighted_ordinal(
        data, without_fpc(design), primary, specs["models"][primary], checks=checks, confidence=confidence
    )
    result.coefficients = pd.concat([result.coefficients, weighted.coefficients], ignore_index=True)
    result.fit = pd.concat([result.fit, weighted.fit], ignore_index=True)
    result.messages += weighted.messages
for name, spec in specs["models"].items():
    log.info("%s: %s", name, spec["description"] or spec["family"])
for level, message in result.messages:
    log.log(level, message)
for fit in result.fit.itertuples():
    log.info("%s: n=%s, dropped %s, flags: %s", fit.model, fit.n, fit.n_dropped, fit.flag or "none")
write_csv(result.coefficients, sm.output.coefficients)
write_csv(result.fit, sm.output.fit)
