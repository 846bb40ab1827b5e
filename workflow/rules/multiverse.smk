# The sensitivity analysis: one job per specification of the multiverse (config section
# multiverse), each from the cleaned data; the combined table feeds a figure and the paper.
from leisurenet.plan import by_name, job_settings

MULTIVERSE = by_name(config)


rule multiverse_spec:
    """The headline cross-tab and the primary model's size terms under one specification."""
    input:
        clean=rules.clean.output.parquet,
        codebook=config["codebook"],
        models=config["models"],
        library=library("multiverse_spec.py"),
    output:
        # every row is kept in results/multiverse/specifications.csv
        temp("results/multiverse/specs/{spec}.csv"),
    log:
        "results/logs/multiverse/{spec}.log",
    wildcard_constraints:
        spec="|".join(re.escape(name) for name in MULTIVERSE),
    conda:
        "../../environment.yml"
    params:
        spec=lambda wildcards: MULTIVERSE[wildcards.spec],
        settings=lambda wildcards: job_settings(config, MULTIVERSE[wildcards.spec]),
    script:
        "../../scripts/multiverse_spec.py"


rule multiverse:
    """Every specification's findings in one table, with a summary per finding."""
    input:
        specs=expand("results/multiverse/specs/{spec}.csv", spec=MULTIVERSE),
        library=library("multiverse.py"),
    output:
        specifications=report(
            "results/multiverse/specifications.csv",
            caption="../report/multiverse.rst",
            category="Sensitivity",
        ),
        summary="results/multiverse/summary.csv",
    log:
        "results/logs/multiverse.log",
    conda:
        "../../environment.yml"
    params:
        alpha=config["paper"]["alpha"],
    script:
        "../../scripts/multiverse.py"
