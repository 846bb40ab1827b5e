# The sensitivity analysis: every specification of the multiverse (config section
# multiverse) from the cleaned data, in multiverse_jobs jobs (0: one per specification);
# the combined table feeds a figure and the paper, the same however the jobs are split.
from leisurenet.workflow.plan import batches, by_name, job_settings

MULTIVERSE = by_name(config)
# job -> its specifications
MULTIVERSE_JOBS = {
    job: [MULTIVERSE[name] for name in names]
    for job, names in batches(list(MULTIVERSE), config["multiverse_jobs"]).items()
}


rule multiverse_spec:
    """The headline cross-tab and the primary model's size terms under the job's specifications."""
    input:
        clean=rules.clean.output.parquet,
        frame=rules.clean.output.frame,
        codebook=config["codebook"],
        models=config["models"],
        library=library("multiverse_spec.py"),
    output:
        # every row is kept in results/multiverse/specifications.csv
        temp("results/multiverse/specs/{job}.csv"),
    log:
        "results/logs/multiverse/{job}.log",
    wildcard_constraints:
        job="|".join(re.escape(name) for name in MULTIVERSE_JOBS),
    priority: PRIORITY["multiverse_spec"]
    conda:
        "../envs/leisurenet.yaml"
    params:
        specs=lambda wildcards: MULTIVERSE_JOBS[wildcards.job],
        settings=lambda wildcards: [
            job_settings(config, s) for s in MULTIVERSE_JOBS[wildcards.job]
        ],
    script:
        "../../scripts/multiverse_spec.py"


rule multiverse:
    """Every specification's findings in one table, with a summary per finding."""
    input:
        # in job order, which is the specifications' order
        specs=expand("results/multiverse/specs/{job}.csv", job=MULTIVERSE_JOBS),
        library=library("multiverse.py"),
    output:
        **outputs("multiverse"),
    log:
        "results/logs/multiverse.log",
    priority: PRIORITY["multiverse"]
    conda:
        "../envs/leisurenet.yaml"
    params:
        alpha=config["paper"]["alpha"],
    script:
        "../../scripts/multiverse.py"
