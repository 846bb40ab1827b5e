"""Rules paper_pdf and brief_pdf: assemble a build folder of its own and render a manuscript
to PDF."""

from pathlib import Path

from leisurenet.io import stage_logger
from leisurenet.paper.render import assemble, log_rendering, render

sm = snakemake
log = stage_logger(sm.log[0], sm.rule)
build, source = Path(sm.params.build), Path(sm.input.source)
figures = sorted({Path(f).parent for f in getattr(sm.input, "figures", [])})
assemble(source.parent, build, sm.input.variables, sm.input.tables, figures, source.name)
log_rendering(log, render(build, sm.params.renderer, None, Path(sm.output.pdf), source.name))
