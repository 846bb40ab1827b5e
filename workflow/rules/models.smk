rule models:
    """Regression models of the outcomes (config/models.yaml): coefficients and fit with checks."""
    input:
        recoded=rules.recode.output.parquet,
        frame=rules.clean.output.frame,
        models=config["models"],
        library=library("models.py"),
    output:
        **outputs("models"),
    log:
        "results/logs/models.log",
    priority: PRIORITY["models"]
    conda:
        "../envs/leisurenet.yaml"
    params:
        analysis=config["analysis"],
        primary_model=config["paper"]["primary_model"],
        size_class=config["size_class"],
        weighting=config["weighting"],
    script:
        "../../scripts/models.py"
