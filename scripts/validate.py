"""Rule validate: check the raw export and frame against the codebook, all problems at once."""

import dataclasses
import sys

import pandas as pd

from leisurenet.codebook import Codebook
from leisurenet.data.ingest.read import read_frame
from leisurenet.data.mapping import export_names, read_survey
from leisurenet.data.validate import validate_export, validation_report
from leisurenet.errors import InputError, Problem
from leisurenet.io import atomic_path, stage_logger, write_csv

sm = snakemake
log = stage_logger(sm.log[0], "validate")
codebook = Codebook.from_yaml(sm.input.codebook)
try:
    survey = read_survey(sm.input.raw, codebook, sm.input.mapping or None, sheet=sm.params.sheet)
    raw = survey.raw
    frame = read_frame(sm.input.frame) if sm.input.frame else None
    found = validate_export(raw, survey.codebook, frame, sm.params.frame_variables)
    problems = survey.problems + export_names(found, survey.mapping, raw.path)
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
# The header is written even when there are no problems, so the file always reads as a table.
columns = [f.name for f in dataclasses.fields(Problem)]
write_csv(pd.DataFrame([dataclasses.asdict(p) for p in problems], columns=columns), sm.output.problems)
with atomic_path(sm.output.report) as tmp:
    tmp.write_text(validation_report(raw, frame, problems), encoding="utf-8")
log.info("valid: %d respondents, %d warning(s)", len(raw.data), len(problems))
