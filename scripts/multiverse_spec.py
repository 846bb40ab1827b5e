"""Rule multiverse_spec: the headline findings under one specification of the multiverse."""

from leisurenet.codebook import Codebook
from leisurenet.io import read_dataset, stage_logger, write_csv
from leisurenet.models import load_model_specs
from leisurenet.multiverse import run_specification

sm = snakemake
log = stage_logger(sm.log[0], "multiverse_spec")
config = sm.params.settings
model = load_model_specs(sm.input.models)["models"][config["paper"]["primary_model"]]
table, notes = run_specification(
    Codebook.from_yaml(sm.input.codebook), read_dataset(sm.input.clean), config, model, sm.params.spec
)
log.info("%s%s", sm.params.spec.name, " (the study's specification)" if sm.params.spec.study else "")
for note in notes:
    log.info(note)
for row in table.itertuples():
    log.info(
        "%s %s: %.4g [%.4g, %.4g], p=%.4g, n=%d (%s)",
        row.finding,
        row.term,
        row.estimate,
        row.ci_low,
        row.ci_high,
        row.p_value,
        row.n,
        row.status,
    )
write_csv(table, sm.output[0])
