"""Rule bootstrap_chunk: one chunk of bootstrap replicates of the primary model."""

from leisurenet.analysis.bootstrap import run_replicates
from leisurenet.analysis.fastfit import model_patterns
from leisurenet.analysis.models import load_model_specs
from leisurenet.io import read_dataset, stage_logger, write_csv

sm = snakemake
log = stage_logger(sm.log[0], "bootstrap_chunk")
name, settings = sm.params.model, sm.params.bootstrap
pat = model_patterns(read_dataset(sm.input.recoded), load_model_specs(sm.input.models)["models"][name], name)
first, last = sm.params.replicates[0], sm.params.replicates[-1]
table = run_replicates(pat, settings["seed"], sm.params.replicates)
log.info(
    "%s: replicates %d-%d of %d (seed %d), n=%d",
    name,
    first,
    last,
    settings["replicates"],
    settings["seed"],
    pat.n,
)
log.info("status: %s", ", ".join(f"{k}={v}" for k, v in table["status"].value_counts().sort_index().items()))
write_csv(table, sm.output[0])
