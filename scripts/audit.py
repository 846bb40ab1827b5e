"""Rule audit: the published figures against the data."""

from leisurenet.analysis.audit import audit
from leisurenet.codebook import Codebook
from leisurenet.data.published import load_published
from leisurenet.io import read_dataset, stage_logger, write_csv

sm = snakemake
log = stage_logger(sm.log[0], "audit")
published = load_published(sm.input.published or None)
figures = audit(published, Codebook.from_yaml(sm.input.codebook), read_dataset(sm.input.recoded))
if published is None:
    log.info("no published figures (published: null): the audit is skipped")
else:
    for status, n in figures["status"].value_counts().sort_index().items():
        log.info("%s: %d figure(s)", status, n)
    for _, row in figures[figures["granularity"] != "consistent"].iterrows():
        log.info("granularity %s: %s = %s", row["granularity"], row["figure_id"], row["published"])
    smaller = (figures["granularity"] == "consistent") & (figures["nearest_base"] < figures["n_base"])
    for _, row in figures[smaller.fillna(False)].iterrows():
        log.info(
            "%s = %s fits only smaller bases: %s", row["figure_id"], row["published"], row["fitting_bases"]
        )
    for _, row in figures[figures["conflicts_with"] != ""].iterrows():
        log.warning("%s cannot hold together with %s", row["figure_id"], row["conflicts_with"])
write_csv(figures, sm.output.figures)
