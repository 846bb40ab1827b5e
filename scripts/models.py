"""Rule models: the regression models of config/models.yaml, their coefficients and fit."""

from leisurenet.io import read_dataset, stage_logger, write_csv
from leisurenet.models import fit_models, load_model_specs

sm = snakemake
log = stage_logger(sm.log[0], "models")
specs = load_model_specs(sm.input.models)
result = fit_models(read_dataset(sm.input.recoded), specs, confidence=sm.params.analysis["confidence"])
for name, spec in specs["models"].items():
    log.info("%s: %s", name, spec["description"] or spec["family"])
for level, message in result.messages:
    log.log(level, message)
for fit in result.fit.itertuples():
    log.info("%s: n=%s, dropped %s, flags: %s", fit.model, fit.n, fit.n_dropped, fit.flag or "none")
write_csv(result.coefficients, sm.output.coefficients)
write_csv(result.fit, sm.output.fit)
