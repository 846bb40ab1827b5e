"""Rule synthetic: write the synthetic replica's frame, raw export and target counts."""

from leisurenet.codebook import Codebook
from leisurenet.data.published import load_published
from leisurenet.data.synthetic import generate
from leisurenet.io import stage_logger, write_csv

sm = snakemake
log = stage_logger(sm.log[0], "synthetic")
codebook = Codebook.from_yaml(sm.input.codebook)
published = load_published(sm.params.synthetic["targets"])
replica = generate(codebook, published, sm.params.synthetic)
log.info("SYNTHETIC DATA: a replica built to reproduce the published figures, not the study's microdata")
log.info("frame: %d networks; export: %d respondents", len(replica.frame), len(replica.export))
for figure in replica.conflicts:
    log.warning("published figure %s cannot hold together with the others; see targets.csv", figure)
write_csv(replica.frame[["network_id", "municipality_pop"]], sm.output.frame)
write_csv(replica.targets, sm.output.targets)
write_csv(replica.export, sm.output.export)
