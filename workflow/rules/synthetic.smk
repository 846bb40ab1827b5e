rule synthetic:
    """The synthetic replica: a population frame and a raw export that reproduce the
    published figures (used when data.raw is 'synthetic')."""
    input:
        codebook=config["codebook"],
        targets=config["synthetic"]["targets"] or [],
        library=library("make_synthetic.py"),
    output:
        **outputs("synthetic"),
    log:
        "results/logs/synthetic.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        synthetic=config["synthetic"],
    script:
        "../../scripts/make_synthetic.py"
