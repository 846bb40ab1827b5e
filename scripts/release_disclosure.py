"""Rule release_disclosure_check: the disclosure check of what the release would hold.

The report is written whether the check passes or fails (it is how a failure is read);
the rule `release` stops on a failure.
"""

import pandas as pd

from leisurenet.io import read_dataset, stage_logger
from leisurenet.release.archive import prepare_release, write_disclosure_report

sm = snakemake
log = stage_logger(sm.log[0], "release_disclosure_check")
settings = sm.params.release
_, result = prepare_release(read_dataset(sm.input.recoded), pd.read_csv(sm.input.cells), settings)
for (check, outcome), rows in result.report.groupby(["check", "outcome"], sort=False).size().items():
    log.info("%s: %s %d", check, outcome, rows)
if result.passed:
    log.info("the disclosure check passed")
else:
    for failure in result.failures:
        log.warning("%s", failure)
    log.warning("the disclosure check failed: the release target will stop (see %s)", sm.output.md)
write_disclosure_report(result, sm.output.csv, sm.output.md)
