rule audit:
    """The published figures against the data, and their own arithmetic."""
    input:
        recoded=rules.recode.output.parquet,
        codebook=config["codebook"],
        published=config["published"] or [],
        library=library("audit.py"),
    output:
        figures=report(
            "results/audit/figures.csv",
            caption="../report/audit_figures.rst",
            category="Audit",
        ),
    log:
        "results/logs/audit.log",
    conda:
        "../envs/leisurenet.yaml"
    script:
        "../../scripts/audit.py"
