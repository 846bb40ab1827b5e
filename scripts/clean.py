"""Rule clean: typed codes and missing answers, the cleaning log and the sample flow."""

from leisurenet.codebook import Codebook
from leisurenet.data.clean import clean
from leisurenet.data.ingest.read import read_frame
from leisurenet.data.mapping import read_survey
from leisurenet.io import stage_logger, write_csv, write_dataset

sm = snakemake
log = stage_logger(sm.log[0], "clean")
# Validation has passed, so the mapping has no problems left to report.
survey = read_survey(
    sm.input.raw, Codebook.from_yaml(sm.input.codebook), sm.input.mapping or None, sm.params.sheet
)
frame = read_frame(sm.input.frame) if sm.input.frame else None
result = clean(
    survey.raw,
    survey.codebook,
    frame,
    drop_empty=sm.params.drop_empty,
    mapping=survey.mapping,
    frame_variables=sm.params.frame_variables,
    complete_above=sm.params.disposition["complete_above"],
    partial_from=sm.params.disposition["partial_from"],
)
for rule, n in result.log["rule"].value_counts().sort_index().items():
    log.info("%s: %d change(s)", rule, n)
write_dataset(result.data, sm.output.parquet, sm.output.csv)
write_csv(result.log, sm.output.log)
write_csv(result.flow, sm.output.flow)
write_csv(result.frame, sm.output.frame)
write_csv(result.disposition, sm.output.disposition)
for disposition, n in result.disposition["disposition"].value_counts().sort_index().items():
    log.info("disposition %s: %d", disposition, n)
log.info("%d respondents cleaned", len(result.data))
