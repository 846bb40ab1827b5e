"""Rule multiverse: every specification's findings in one table, and their summary."""

import pandas as pd

from leisurenet.analysis.multiverse import summary
from leisurenet.io import stage_logger, write_csv

sm = snakemake
log = stage_logger(sm.log[0], "multiverse")
table = pd.concat([pd.read_csv(path) for path in sm.input.specs], ignore_index=True)
overview = summary(table, sm.params.alpha)
log.info("%d specifications", table["spec"].nunique())
for row in overview.itertuples():
    log.info(
        "%s %s: significant in %d of %d; estimate %.3g (study), %.3g-%.3g (median %.3g)",
        row.finding,
        row.term,
        row.n_significant,
        row.n_specs,
        row.estimate_study,
        row.estimate_min,
        row.estimate_max,
        row.estimate_median,
    )
write_csv(table, sm.output.specifications)
write_csv(overview, sm.output.summary)
