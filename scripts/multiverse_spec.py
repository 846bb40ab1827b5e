"""Rule multiverse_spec: the headline findings under each specification of the job."""

import pandas as pd

from leisurenet.analysis.models import load_model_specs
from leisurenet.analysis.multiverse import run_specification
from leisurenet.codebook import Codebook
from leisurenet.io import read_clean_frame, read_dataset, stage_logger, write_csv

sm = snakemake
log = stage_logger(sm.log[0], "multiverse_spec")
codebook, clean = Codebook.from_yaml(sm.input.codebook), read_dataset(sm.input.clean)
models = load_model_specs(sm.input.models)["models"]
frame = read_clean_frame(sm.input.frame)
tables = []
for spec, config in zip(sm.params.specs, sm.params.settings, strict=True):
    model = models[config["paper"]["primary_model"]]
    table, notes = run_specification(codebook, clean, config, model, spec, frame)
    log.info("%s%s", spec.name, " (the study's specification)" if spec.study else "")
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
    tables.append(table)
write_csv(pd.concat(tables, ignore_index=True), sm.output[0])
