"""Rule paper_pdf: assemble a build folder of its own and render the manuscript to PDF."""

from pathlib import Path

from leisurenet.io import stage_logger
from leisurenet.paper.render import assemble, log_rendering, render

sm = snakemake
log = stage_logger(sm.log[0], "paper_pdf")
build = Path(sm.params.build)
figures = sorted({Path(f).parent for f in sm.input.figures})
assemble(Path(sm.input.source).parent, build, sm.input.variables, sm.input.tables, figures)
log_rendering(log, render(build, sm.params.renderer, None, Path(sm.output.pdf)))
