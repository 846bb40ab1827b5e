"""Rule validate: check the raw export and frame against the codebook, all problems at once."""

import sys

import pandas as pd

from leisurenet.codebook import Codebook
from leisurenet.errors import InputError
from leisurenet.ingest import read_export, read_frame
from leisurenet.io import stage_logger, write_csv
from leisurenet.validate import validate_export, validation_report

sm = snakemake
log = stage_logger(sm.log[0], "validate")
codebook = Codebook.from_yaml(sm.input.codebook)
try:
    raw = read_export(sm.input.raw, sheet=sm.params.sheet)
    frame = read_frame(sm.input.frame) if sm.input.frame else None
    problems = validate_export(raw, codebook, frame)
except InputError as error:
    problems = error.problems
    raw = frame = None
for problem in problems:
    (log.error if problem.severity == "error" else log.warning)(str(problem))
errors = [p for p in problems if p.severity == "error"]
if errors:
    log.error(
        "%d error(s): fix them in the input and run again; nothing downstream was written.", len(errors)
    )
    sys.exit(1)
write_csv(
    pd.DataFrame([vars(p) for p in problems], columns=list(vars(problems[0]) if problems else [])),
    sm.output.problems,
)
with open(sm.output.report, "w", encoding="utf-8") as fh:
    fh.write(validation_report(raw, frame, problems))
log.info("valid: %d respondents, %d warning(s)", len(raw.data), len(problems))
