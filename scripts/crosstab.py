"""Rule crosstab: the cells and tests of every configured cross-tab."""

import pandas as pd

from leisurenet.analysis.crosstab import run_crosstabs
from leisurenet.analysis.weighted import TEST_COLUMNS, weighted_tests
from leisurenet.analysis.weighting import logged_design
from leisurenet.io import read_clean_frame, read_dataset, stage_logger, write_csv

HEADLINE = "role_act_by_size"

sm = snakemake
log = stage_logger(sm.log[0], "crosstab")
data = read_dataset(sm.input.parquet)
cells, tests = run_crosstabs(data, sm.params.crosstabs, sm.params.analysis)
log.info("%d cross-tabs", len(tests))  # no timings: logs are compared byte for byte across runs
for t in tests.itertuples():
    log.info(
        "%s (%s): n=%d, excluded missing=%d, chi2=%.3f, df=%d, p_exact=%.4g (%s), p_holm=%.4g",
        t.crosstab,
        t.family,
        t.n,
        t.n_excluded_missing,
        t.chi2,
        t.df,
        t.p_exact,
        t.exact_method,
        t.p_holm,
    )
if HEADLINE in set(tests["crosstab"]):
    table = cells[cells["crosstab"] == HEADLINE].pivot(index="row_level", columns="col_level", values="n")
    order = cells[cells["crosstab"] == HEADLINE]
    table = table.loc[order["row_level"].unique(), order["col_level"].unique()]
    log.info("%s:\n%s", HEADLINE, table.to_string())
    log.info("%s tests:\n%s", HEADLINE, tests[tests["crosstab"] == HEADLINE].T.to_string(header=False))
write_csv(cells, sm.output.cells)
write_csv(tests, sm.output.tests)
design = logged_design(data, read_clean_frame(sm.input.frame), sm.params.weighting, sm.params.size_class, log)
weighted = (
    pd.DataFrame(columns=TEST_COLUMNS)
    if design is None
    else weighted_tests(data, sm.params.crosstabs, design)
)
for t in weighted.itertuples():
    log.info(
        "%s weighted (Rao-Scott): F=%.4g on %.3g and %.3g df, p=%.4g", t.crosstab, t.F, t.ndf, t.ddf, t.p_F
    )
write_csv(weighted, sm.output.tests_weighted)
