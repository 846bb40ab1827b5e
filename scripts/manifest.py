"""Rule manifest: checksums of every output and input, package versions, the git commit, the
machine, and what `make verify` needs to judge a rebuild elsewhere."""

from collections import Counter
from pathlib import Path

from leisurenet.io import stage_logger
from leisurenet.release.equivalence import Tolerance
from leisurenet.release.machine import platform_facts
from leisurenet.release.manifest import build_manifest, write_manifest

sm = snakemake
log = stage_logger(sm.log[0], "manifest")
# Named inputs other than the outputs (which only order this rule last) and the library
# (the code, which the git state records) are what the workflow read; a name with one
# file comes as a string, one with several as a list.
inputs = {
    name: [files] if isinstance(files, str) else list(files)
    for name, files in sm.input.items()
    if name not in ("outputs", "requirements", "library")
}
requirements = sm.input.requirements[0] if sm.input.requirements else None
if requirements is None:
    log.warning("no requirements.in beside the Snakefile: no package versions recorded")
manifest, content = build_manifest(
    Path.cwd(),
    inputs,
    requirements=requirements,
    exclude=[*sm.output, *sm.log, *sm.params.exclude],
    git=sm.params.git,
    platform=platform_facts(cores=sm.threads),
    tolerance=Tolerance.of(sm.params.tolerance),
)
manifest = write_manifest(manifest, sm.output.json, sm.output.csv, content, sm.output.content)
log.info("git: %s", manifest["project"])
log.info(
    "%d outputs (%s), %d inputs, %d packages",
    len(manifest["outputs"]),
    ", ".join(f"{n} {k}" for k, n in Counter(r["kind"] for r in manifest["outputs"]).most_common()),
    len(manifest["inputs"]),
    len(manifest["packages"]),
)
