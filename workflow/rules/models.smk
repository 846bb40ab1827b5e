rule models:
    """Regression models of the outcomes (config/models.yaml): coefficients and fit with checks."""
    input:
        recoded=rules.recode.output.parquet,
        models=config["models"],
        library=library("models.py"),
    output:
        coefficients=report(
            "results/models/coefficients.csv",
            caption="../report/models_coefficients.rst",
            category="Models",
        ),
        fit=report(
            "results/models/fit.csv",
            caption="../report/models_fit.rst",
            category="Models",
        ),
    log:
        "results/logs/models.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        analysis=config["analysis"],
    script:
        "../../scripts/models.py"
