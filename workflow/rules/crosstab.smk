rule crosstab:
    """The configured cross-tabs: cells, chi-square, exact and trend tests, Cramér's V, Holm."""
    input:
        parquet=rules.recode.output.parquet,
        library=library("crosstab.py"),
    output:
        cells=report(
            "results/crosstabs/cells.csv",
            caption="../report/crosstabs_cells.rst",
            category="Cross-tabs",
        ),
        tests=report(
            "results/crosstabs/tests.csv",
            caption="../report/crosstabs_tests.rst",
            category="Cross-tabs",
        ),
    log:
        "results/logs/crosstab.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        crosstabs=config["crosstabs"],
        analysis=config["analysis"],
    script:
        "../../scripts/crosstab.py"
