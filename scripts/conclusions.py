"""Rule conclusions: the study's conclusions, each judged by its rules."""

import pandas as pd

from leisurenet.analysis.conclusions import Replica, judge, load_conclusions
from leisurenet.codebook import Codebook
from leisurenet.data.published import load_published
from leisurenet.io import read_clean_frame, read_dataset, stage_logger, write_csv

sm = snakemake
log = stage_logger(sm.log[0], "conclusions")
codebook = Codebook.from_yaml(sm.input.codebook)
spec = load_conclusions(sm.input.conclusions, codebook.item_ids)
frame = read_clean_frame(sm.input.frame)
replica = None
if sm.params.synthetic:
    targets = load_published(sm.input.targets or None)
    figures = targets["figures"] if targets else []
    replica = Replica.from_config(codebook.item_ids, figures, sm.params.shifts)
verdicts, checks = judge(
    spec,
    read_dataset(sm.input.recoded),
    pd.read_csv(sm.input.cells),
    pd.read_csv(sm.input.tests),
    pd.read_csv(sm.input.paired),
    n_frame=None if frame is None else len(frame),
    confidence=sm.params.confidence,
    replica=replica,
)
for row in verdicts.itertuples(index=False):
    log.info("%s (%s): %s", row.conclusion, row.sign, row.verdict)
write_csv(verdicts, sm.output.verdicts)
write_csv(checks, sm.output.checks)
