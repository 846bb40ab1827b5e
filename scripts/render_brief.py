"""Rule brief: render the Dutch brief to HTML and trace its numbers."""

from pathlib import Path

import yaml

from leisurenet.io import atomic_path, stage_logger
from leisurenet.paper.provenance import provenance_table
from leisurenet.paper.render import assemble, log_rendering, render

sm = snakemake
log = stage_logger(sm.log[0], "brief")
build = Path(sm.params.build)
source = Path(sm.input.source)
assemble(source.parent, build, sm.input.variables, sm.input.tables, [], source.name)
log_rendering(log, render(build, sm.params.renderer, Path(sm.output.html), None, source.name))
table = provenance_table(
    (build / source.name).read_text(encoding="utf-8"),
    yaml.safe_load((build / "_variables.yml").read_text(encoding="utf-8")),
    build / "tables",
    sm.params.rules,
    {},
)
with atomic_path(sm.output.provenance) as tmp:
    table.to_csv(tmp, index=False, lineterminator="\n")
log.info("%d numbers traced to their sources in %s", len(table), sm.output.provenance)
