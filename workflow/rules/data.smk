rule validate:
    """Check the raw export (and frame) against the codebook; stop with every problem."""
    input:
        raw=raw_export(),
        frame=population_frame(),
        mapping=mapping_file(),
        codebook=config["codebook"],
        library=library("validate.py"),
    output:
        report="results/validate/report.md",
        problems="results/validate/problems.csv",
    log:
        "results/logs/validate.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        sheet=config["data"]["sheet"],
        frame_variables=frame_variables(),
    script:
        "../../scripts/validate.py"


rule clean:
    """Codes and missing answers from the validated cells, with a log of every change."""
    input:
        raw=raw_export(),
        frame=population_frame(),
        mapping=mapping_file(),
        codebook=config["codebook"],
        validated=rules.validate.output.report,
        library=library("clean.py"),
    output:
        parquet="results/clean/responses.parquet",
        frame="results/clean/frame.csv",
        csv="results/clean/responses.csv",
        log=report(
            "results/clean/cleaning_log.csv",
            caption="../report/cleaning_log.rst",
            category="Data",
        ),
        flow=report(
            "results/clean/sample_flow.csv",
            caption="../report/sample_flow.rst",
            category="Data",
        ),
    log:
        "results/logs/clean.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        sheet=config["data"]["sheet"],
        drop_empty=config["cleaning"]["drop_empty_responses"],
        frame_variables=frame_variables(),
    script:
        "../../scripts/clean.py"


rule recode:
    """Derived variables: collapsed answers, size class, governance role, scale scores."""
    input:
        clean=rules.clean.output.parquet,
        codebook=config["codebook"],
        library=library("recode.py"),
    output:
        parquet="results/recode/recoded.parquet",
        csv="results/recode/recoded.csv",
        variables=report(
            "results/recode/variables.csv",
            caption="../report/variables.rst",
            category="Data",
        ),
    log:
        "results/logs/recode.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        size_class=config["size_class"],
        governance_role=config["governance_role"],
    script:
        "../../scripts/recode.py"
