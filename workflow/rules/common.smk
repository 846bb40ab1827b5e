# Input selection and configuration checks shared by the rules.
from snakemake.exceptions import WorkflowError

from leisurenet.config import check_semantics
from leisurenet.outputs import of_rule
from leisurenet.workflow.plan import library_modules

check_semantics(config)

SYNTHETIC = config["data"]["raw"] == "synthetic"
if not SYNTHETIC and config["data"]["frame"] == "synthetic":
    raise ValueError(
        "data.raw is a file but data.frame is 'synthetic': set data.frame to the path of "
        "your population frame (network_id, municipality_pop), or to null if you have none."
    )


# Which ready job starts first when the cores are busy (Snakemake's priority, higher first):
# roughly by the longest chain of work after a job, up to the paper (as make bench's critical
# path measured it). Recoding comes first, since thirteen jobs wait for it; then the
# multiverse's specifications (the multiverse and its figure follow), the descriptives and the
# models (a figure each, then the paper's assets), the Likert charts (the longest figure), the
# bootstrap's chunks, the cross-tabs. No output depends on the order.
PRIORITY = {
    "recode": 9,
    "multiverse_spec": 8,
    "multiverse": 8,
    "figures_multiverse": 8,
    "describe": 7,
    "models": 7,
    "figures_model_odds_ratios": 7,
    "figures_response_by_size": 7,
    "figures_likert": 6,
    "bootstrap_chunk": 5,
    "bootstrap": 5,
    "crosstab": 4,
}


def raw_export():
    """The raw export the pipeline reads: a user's file, or the synthetic replica's."""
    return "results/synthetic/raw_export.csv" if SYNTHETIC else config["data"]["raw"]


def population_frame():
    """The population frame, or nothing when data.frame is null."""
    frame = config["data"]["frame"]
    if frame is None:
        return []
    return "results/synthetic/frame.csv" if frame == "synthetic" else frame


def mapping_file():
    """The mapping of a survey tool's export onto the codebook, or nothing (data.mapping)."""
    return config["data"]["mapping"] or []


def frame_variables():
    """The frame's own columns the weighting uses (size_class is derived, not read)."""
    weighting = config["weighting"]
    if not weighting or not config["data"]["frame"]:
        return []
    named = weighting["poststrata"]
    return [
        v for v in ([named] if isinstance(named, str) else named) if v != "size_class"
    ]


def outputs(rule):
    """The files ``rule`` writes, by the names its script knows them, as leisurenet.outputs
    declares them (with their caption when ``snakemake --report`` shows them)."""
    named = {}
    for out in of_rule(rule):
        path = directory(out.file) if out.directory else out.file
        if out.report:
            path = report(
                path, caption=f"../report/{out.report}", category=out.category
            )
        named[out.key] = path
    return named


def library(script):
    """The library's files that scripts/<script> imports, directly or not: as a rule's
    input, a change to any of them reruns the rule and everything after it (Snakemake's
    code trigger sees the script only)."""
    return library_modules(f"scripts/{script}", "src/leisurenet")


def run_cores(wildcards):
    """The cores the run was given (--cores), for the manifest's record of the machine; 1
    where none were given (an executor that submits every job, such as SLURM's)."""
    try:
        return workflow.cores
    except WorkflowError:
        return 1
