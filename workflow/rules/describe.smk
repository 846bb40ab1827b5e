rule describe:
    """Descriptive statistics: items with finite-population intervals, scale reliability,
    non-response against the frame, involvement against guiding role."""
    input:
        recoded=rules.recode.output.parquet,
        frame=rules.clean.output.frame,
        codebook=config["codebook"],
        library=library("describe.py"),
    output:
        **outputs("describe"),
    log:
        "results/logs/describe.log",
    priority: PRIORITY["describe"]
    conda:
        "../envs/leisurenet.yaml"
    params:
        analysis=config["analysis"],
        size_class=config["size_class"],
        weighting=config["weighting"],
    script:
        "../../scripts/describe.py"
