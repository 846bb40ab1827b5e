rule audit:
    """The published figures against the data, and their own arithmetic."""
    input:
        recoded=rules.recode.output.parquet,
        codebook=config["codebook"],
        published=config["published"] or [],
        library=library("audit.py"),
    output:
        **outputs("audit"),
    log:
        "results/logs/audit.log",
    conda:
        "../envs/leisurenet.yaml"
    script:
        "../../scripts/audit.py"
