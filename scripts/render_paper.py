"""Rule paper: assemble the build folder, render the manuscript to HTML and trace its numbers."""

from pathlib import Path

import pandas as pd

from leisurenet.io import stage_logger
from leisurenet.paper.checklists import missing_locations
from leisurenet.paper.provenance import write_provenance
from leisurenet.paper.render import assemble, log_rendering, render

sm = snakemake
log = stage_logger(sm.log[0], "paper")
build = Path(sm.params.build)
figures = sorted({Path(f).parent for f in sm.input.figures})
assemble(Path(sm.input.source).parent, build, sm.input.variables, sm.input.tables, figures)
log_rendering(log, render(build, sm.params.renderer, Path(sm.output.html), None))
# A checklist item the paper claims to report must point at a section or table it has.
missing = missing_locations(
    pd.read_csv(sm.input.checklists, keep_default_na=False), Path(sm.output.html).read_text(encoding="utf-8")
)
if missing:
    raise ValueError(
        f"{sm.input.checklists}: {len(missing)} reported item(s) point at no section or table of "
        f"{sm.output.html}: {'; '.join(missing)}. Give the item the label of the section or table "
        "that reports it (leisurenet/paper/checklists.py, ITEMS), or restore that label in paper/paper.qmd."
    )

# Every number the paper prints (and every figure), with its file, row, column, value, rule and
# the file's SHA-256: read back from the numbers and tables the paper was rendered from.
n = write_provenance(build, "paper.qmd", sm.params.rules, sm.params.figure_inputs, Path(sm.output.provenance))
log.info("%d numbers and figures traced to their sources in %s", n, sm.output.provenance)
