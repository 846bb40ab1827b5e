"""Rule brief: render the Dutch brief to HTML and trace its numbers."""

from pathlib import Path

from leisurenet.io import stage_logger
from leisurenet.paper.provenance import write_provenance
from leisurenet.paper.render import assemble, log_rendering, render

sm = snakemake
log = stage_logger(sm.log[0], "brief")
build = Path(sm.params.build)
source = Path(sm.input.source)
assemble(source.parent, build, sm.input.variables, sm.input.tables, [], source.name)
log_rendering(log, render(build, sm.params.renderer, Path(sm.output.html), None, source.name))
n = write_provenance(build, source.name, sm.params.rules, {}, Path(sm.output.provenance))
log.info("%d numbers traced to their sources in %s", n, sm.output.provenance)
