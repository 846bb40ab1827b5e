rule crosstab:
    """The configured cross-tabs: cells, chi-square, exact and trend tests, Cramér's V, Holm."""
    input:
        parquet=rules.recode.output.parquet,
        frame=rules.clean.output.frame,
        library=library("crosstab.py"),
    output:
        **outputs("crosstab"),
    log:
        "results/logs/crosstab.log",
    priority: PRIORITY["crosstab"]
    conda:
        "../envs/leisurenet.yaml"
    params:
        crosstabs=config["crosstabs"],
        analysis=config["analysis"],
        size_class=config["size_class"],
        weighting=config["weighting"],
    script:
        "../../scripts/crosstab.py"
