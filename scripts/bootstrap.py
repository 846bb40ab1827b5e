"""Rule bootstrap: the chunks of replicates combined into percentile intervals."""

import pandas as pd

from leisurenet.analysis.bootstrap import intervals, point_estimate
from leisurenet.analysis.fastfit import model_patterns
from leisurenet.analysis.models import load_model_specs
from leisurenet.io import read_dataset, stage_logger, write_csv

sm = snakemake
log = stage_logger(sm.log[0], "bootstrap")
name, settings = sm.params.model, sm.params.bootstrap
pat = model_patterns(read_dataset(sm.input.recoded), load_model_specs(sm.input.models)["models"][name], name)
replicates = pd.concat([pd.read_csv(path) for path in sm.input.chunks], ignore_index=True)
if replicates["replicate"].tolist() != list(range(settings["replicates"])):
    raise ValueError(
        f"bootstrap: the chunks {list(sm.input.chunks)} do not hold replicates "
        f"0..{settings['replicates'] - 1} exactly once in order; delete results/bootstrap/ and run again"
    )
table = intervals(replicates, point_estimate(pat), sm.params.confidence)
log.info("%s: %d replicates, seed %d, n=%d", name, len(replicates), settings["seed"], pat.n)
log.info(
    "status: %s", ", ".join(f"{k}={v}" for k, v in replicates["status"].value_counts().sort_index().items())
)
for row in table.itertuples():
    log.info(
        "%s: %.4f [%.4f, %.4f] from %d valid replicates",
        row.term,
        row.estimate,
        row.ci_low,
        row.ci_high,
        row.n_valid,
    )
write_csv(replicates, sm.output.replicates)
write_csv(table, sm.output.intervals)
