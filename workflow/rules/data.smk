rule validate:
    """Check the raw export (and frame) against the codebook; stop with every problem."""
    input:
        raw=raw_export(),
        frame=population_frame(),
        mapping=mapping_file(),
        codebook=config["codebook"],
        library=library("validate.py"),
    output:
        **outputs("validate"),
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
        **outputs("clean"),
    log:
        "results/logs/clean.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        sheet=config["data"]["sheet"],
        drop_empty=config["cleaning"]["drop_empty_responses"],
        frame_variables=frame_variables(),
        disposition=config["disposition"],
    script:
        "../../scripts/clean.py"


rule recode:
    """Derived variables: collapsed answers, size class, governance role, scale scores."""
    input:
        clean=rules.clean.output.parquet,
        codebook=config["codebook"],
        library=library("recode.py"),
    output:
        **outputs("recode"),
    log:
        "results/logs/recode.log",
    priority: PRIORITY["recode"]
    conda:
        "../envs/leisurenet.yaml"
    params:
        size_class=config["size_class"],
        governance_role=config["governance_role"],
    script:
        "../../scripts/recode.py"
