"""Rule paper: assemble the build folder and render the manuscript to HTML and PDF."""

from pathlib import Path

from leisurenet.io import stage_logger
from leisurenet.render import assemble, render

sm = snakemake
log = stage_logger(sm.log[0], "paper")
build = Path(sm.params.build)
figures = sorted({Path(f).parent for f in sm.input.figures})
assemble(Path(sm.input.source).parent, build, sm.input.variables, sm.input.tables, figures)
rendering = render(build, sm.params.renderer, Path(sm.output.html), Path(sm.output.pdf))
for warning in rendering.warnings:
    log.warning("%s", warning)
log.info("rendered with %s", rendering.renderer)
