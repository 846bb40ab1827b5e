rule conclusions:
    """The study's conclusions, each judged by the rules of config/conclusions.yaml."""
    input:
        recoded=rules.recode.output.parquet,
        frame=rules.clean.output.frame,
        cells=rules.crosstab.output.cells,
        tests=rules.crosstab.output.tests,
        paired=rules.describe.output.paired,
        conclusions=config["conclusions"],
        codebook=config["codebook"],
        # The figures the replica reproduces: its verdicts on them restate the presentation.
        targets=(config["synthetic"]["targets"] or []) if SYNTHETIC else [],
        library=library("conclusions.py"),
    output:
        **outputs("conclusions"),
    log:
        "results/logs/conclusions.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        confidence=config["analysis"]["confidence"],
        # The replica's differences by size, assumed (its verdicts say what they are worth).
        synthetic=SYNTHETIC,
        shifts=config["synthetic"]["latent"].get("shifts", {}),
    script:
        "../../scripts/conclusions.py"
