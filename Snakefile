# The pipeline: raw survey export (or the synthetic replica) -> validated, cleaned and
# recoded data -> descriptives, cross-tabs, models, audit -> figures -> paper.
# Run with `make` (see the README).
import os
import re
import sys
from pathlib import Path

from snakemake.utils import min_version, validate

min_version("9.0")

# The library in src/ is importable by this file and by every job's script, with or
# without `pip install -e .` (conda environments per rule, cluster jobs).
SRC = str(Path(workflow.basedir) / "src")
sys.path.insert(0, SRC)
os.environ.update(
    PYTHONPATH=os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")]))
)


configfile: "config/config.yaml"


# `weighting: null` turns the weighting off, but Snakemake's validator fills defaults into
# a section without checking that it is one: validate without it, then put the null back.
WEIGHTING_OFF = "weighting" in config and config["weighting"] is None
if WEIGHTING_OFF:
    del config["weighting"]
# An unquoted date (study.fieldwork.start: 2016-03-01) is a date to YAML; the schema wants text.
from leisurenet.config import dates_as_text

dates_as_text(config)
validate(config, "workflow/schemas/config.schema.yaml")
if WEIGHTING_OFF:
    config["weighting"] = None

# Every configured file must exist before any job runs, whatever results/ holds: a wrong
# path would otherwise leave the results of an earlier run in place, with exit 0.
from leisurenet.config import check_files
from leisurenet.outputs import made_by_every_run

check_files(config)


include: "workflow/rules/common.smk"
include: "workflow/rules/synthetic.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/describe.smk"
include: "workflow/rules/audit.smk"
include: "workflow/rules/crosstab.smk"
include: "workflow/rules/models.smk"
include: "workflow/rules/bootstrap.smk"
include: "workflow/rules/multiverse.smk"
include: "workflow/rules/conclusions.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/paper.smk"
include: "workflow/rules/brief.smk"


# Every output a run makes (leisurenet.outputs) and the figures, for rule all and for the
# manifest, which must run after them all.
ALL_OUTPUTS = [
    *(out.file for out in made_by_every_run(SYNTHETIC) if out.rule != "manifest"),
    *FIGURE_FILES,
    *FIGURE_DATA,
]


include: "workflow/rules/manifest.smk"
include: "workflow/rules/release.smk"


report: "workflow/report/workflow.rst"


rule all:
    default_target: True
    input:
        ALL_OUTPUTS,
        rules.manifest.output,
