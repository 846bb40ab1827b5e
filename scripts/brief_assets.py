"""Rule brief_assets: the Dutch brief's sentences and tables, from results/."""

import pandas as pd

from leisurenet.codebook import Codebook
from leisurenet.io import stage_logger
from leisurenet.paper import brief
from leisurenet.paper.formatting import general
from leisurenet.paper.provenance import trace
from leisurenet.paper.render import write_assets
from leisurenet.paper.wording import Wording

sm = snakemake
log = stage_logger(sm.log[0], "brief_assets")
codebook = Codebook.from_yaml(sm.input.codebook)
words = Wording.from_yaml(sm.input.wording)
results = sm.params.results
csv = {name: trace(pd.read_csv(results[name]), results[name], key) for name, key in sm.params.rows.items()}
level = brief.dutch_numbers(general(100 * sm.params.confidence))
items, verdicts, checks = csv["items"], csv["verdicts"], csv["conclusion_checks"]

variables = {
    "brief": brief.brief_variables(csv["sample_flow"], items, verdicts, words, sm.params.synthetic, level)
}
tables = {
    "figures": brief.figures_table(items, codebook, words, level),
    "verdicts": brief.verdicts_table(verdicts, checks, codebook, words),
    "support": brief.support_table(items, codebook, words, level),
}
write_assets(tables, sm.output.tables, variables, sm.output.variables)
log.info("%d tables and the text's sentences of the brief written", len(tables))
