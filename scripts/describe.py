"""Rule describe: item distributions and intervals, scale reliability, non-response
against the frame and the paired comparison of involvement against guiding role."""

import pandas as pd

from leisurenet.analysis.describe import item_distribution, item_summary
from leisurenet.analysis.nonresponse import nonresponse_table, nonresponse_tests
from leisurenet.analysis.paired import paired_comparisons
from leisurenet.analysis.scales import item_total, scale_reliability
from leisurenet.analysis.weighted import ITEM_COLUMNS, weighted_items, weights_table
from leisurenet.analysis.weighting import logged_design
from leisurenet.codebook import Codebook
from leisurenet.io import read_clean_frame, read_dataset, stage_logger, write_csv

sm = snakemake
# The library logs under "leisurenet.analysis.scales" (e.g. an item that may need reversing).
log = stage_logger(sm.log[0], "leisurenet")
codebook = Codebook.from_yaml(sm.input.codebook)
data = read_dataset(sm.input.recoded)
frame = read_clean_frame(sm.input.frame)
analysis, classes = sm.params.analysis, sm.params.size_class
confidence = analysis["confidence"]
n_frame = None if frame is None else len(frame)
if frame is None:
    log.info("no population frame: Clopper-Pearson intervals, bounds among the respondents")
else:
    log.info("frame of %d networks: hypergeometric intervals, %d respondents", n_frame, len(data))
    outside = set(data["network_id"].dropna()) - set(frame["network_id"].dropna())
    if outside:
        log.warning("respondents' networks not in the frame: %s", sorted(outside))

write_csv(item_summary(data, codebook, n_frame=n_frame, confidence=confidence), sm.output.summary)
write_csv(item_distribution(data, codebook), sm.output.distribution)
design = logged_design(data, frame, sm.params.weighting, classes, log)
weighted = (
    pd.DataFrame(columns=ITEM_COLUMNS)
    if design is None
    else weighted_items(data, codebook, design, confidence)
)
write_csv(weighted, sm.output.weighted)
weights = weights_table(design)
write_csv(weights, sm.output.weights)
if design is not None:
    overall = weights.iloc[-1]  # the row of all respondents
    log.info("weights: Kish's deff %.4g, effective n %.4g", overall["deff_kish"], overall["n_effective"])

scales = scale_reliability(data, codebook, confidence=confidence)
for row in scales.itertuples():
    log.info(
        "scale %s: n_used=%d alpha=%.3f omega_total=%.3f", row.scale, row.n_used, row.alpha, row.omega_total
    )
write_csv(scales, sm.output.scales)
write_csv(item_total(data, codebook), sm.output.item_total)

breaks, labels = classes["breaks"], classes["labels"]
write_csv(nonresponse_table(frame, breaks, labels), sm.output.nonresponse)
tests = nonresponse_tests(
    frame,
    breaks,
    labels,
    draws=analysis["monte_carlo_draws"],
    seed=analysis["seed"],
    max_tables=analysis["exact_max_tables"],
)
for row in tests.itertuples():
    log.info(
        "non-response, %s: p=%s %s", row.test, row.p_value, row.note if isinstance(row.note, str) else ""
    )
write_csv(tests, sm.output.nonresponse_test)

zero_method = analysis["paired_zero_method"]
correction = analysis["paired_continuity_correction"]
paired = paired_comparisons(data, codebook, zero_method=zero_method, correction=correction)
log.info("paired comparisons: %d (zero_method=%s, correction=%s)", len(paired), zero_method, correction)
write_csv(paired, sm.output.paired)
