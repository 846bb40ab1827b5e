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
# those with the most work after them, so that the paper does not wait for a chain started
# late. The multiverse's specifications need only the cleaned data and are followed by the
# multiverse and its figure; the bootstrap's chunks by their intervals, and the models and
# the descriptives by a figure each, all before the paper's assets; the Likert charts, the
# longest of the figures, are needed by the paper alone. No output depends on the order.
PRIORITY = {
    "multiverse_spec": 3,
    "multiverse": 3,
    "figures_multiverse": 3,
    "bootstrap_chunk": 2,
    "bootstrap": 2,
    "models": 2,
    "describe": 2,
    "figures_likert": 1,
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
