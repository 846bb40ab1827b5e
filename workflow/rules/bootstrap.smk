# Bootstrap intervals of the primary model (paper.primary_model): the replicates are split
# into jobs of bootstrap.chunk_size; replicate r always draws from the seed (seed, r), so
# the result does not depend on the chunking, the number of cores or the executor.
from leisurenet.workflow.plan import chunks

BOOTSTRAP_CHUNKS = chunks(
    config["bootstrap"]["replicates"], config["bootstrap"]["chunk_size"]
)


rule bootstrap_chunk:
    """One chunk of bootstrap replicates: the primary model refitted to resampled respondents."""
    input:
        recoded=rules.recode.output.parquet,
        models=config["models"],
        library=library("bootstrap_chunk.py"),
    output:
        # every replicate is kept in results/bootstrap/replicates.csv
        temp("results/bootstrap/chunks/{chunk}.csv"),
    log:
        "results/logs/bootstrap/chunk_{chunk}.log",
    wildcard_constraints:
        chunk=r"\d+",
    priority: PRIORITY["bootstrap_chunk"]
    conda:
        "../envs/leisurenet.yaml"
    params:
        model=config["paper"]["primary_model"],
        bootstrap=config["bootstrap"],
        replicates=lambda wildcards: BOOTSTRAP_CHUNKS[int(wildcards.chunk)],
    script:
        "../../scripts/bootstrap_chunk.py"


rule bootstrap:
    """Percentile intervals of the primary model's coefficients from every chunk."""
    input:
        recoded=rules.recode.output.parquet,
        models=config["models"],
        chunks=expand(
            "results/bootstrap/chunks/{chunk:03d}.csv",
            chunk=range(len(BOOTSTRAP_CHUNKS)),
        ),
        library=library("bootstrap.py"),
    output:
        **outputs("bootstrap"),
    log:
        "results/logs/bootstrap.log",
    priority: PRIORITY["bootstrap"]
    conda:
        "../envs/leisurenet.yaml"
    params:
        model=config["paper"]["primary_model"],
        bootstrap=config["bootstrap"],
        confidence=config["analysis"]["confidence"],
    script:
        "../../scripts/bootstrap.py"
