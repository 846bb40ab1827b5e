# The run manifest (results/manifest.json and .csv): every output under results/ with its
# size and SHA-256, the inputs' checksums, package versions, Python, the git commit, the
# machine and the tolerance of `make verify`; beside it manifest_content.json, what a
# comparison needs of the outputs whose bytes may differ between machines.
# `python -m leisurenet.manifest verify` re-runs the workflow from scratch against it.
from leisurenet.release.gitstate import git_state


rule manifest:
    """Checksums of every output and input, package versions and the git commit: no timestamps."""
    input:
        # Every other output of the workflow (ALL_OUTPUTS, from the Snakefile): the
        # manifest hashes the finished results, so it must run last.
        outputs=ALL_OUTPUTS,
        raw=raw_export(),
        frame=population_frame(),
        codebook=config["codebook"],
        models=config["models"],
        conclusions=config["conclusions"],
        published=config["published"] or [],
        targets=(config["synthetic"]["targets"] or []) if SYNTHETIC else [],
        configfiles=workflow.configfiles,
        # The package list; a bare copy of the workflow may lack it.
        requirements=[path for path in ["requirements.in"] if Path(path).exists()],
        library=library("manifest.py"),
    output:
        **outputs("manifest"),
    log:
        "results/logs/manifest.log",
    conda:
        "../envs/leisurenet.yaml"
    # All the run's cores: the manifest runs last, alone, and records how many it was given.
    threads: run_cores
    params:
        # A change of tolerance rewrites the manifest only.
        tolerance=config["verify"],
        # Read when the workflow is parsed, so a new commit (or uncommitted changes
        # appearing or going) re-runs this rule through Snakemake's params trigger.
        git=git_state(workflow.basedir),
        # Not outputs of the run: the paper's render folders, the report (`make report`),
        # the release, built on request after (and from) the manifest, and the benchmark
        # (`make bench`), which measures this machine; the proposed mapping (`make mapping`),
        # made on request from an export the run may not read; the executed notebooks
        # (`make notebooks`), made on request after (and from) the run by a Jupyter kernel,
        # whose outputs are for reading, not results; and the logs of the jobs that share
        # the bootstrap and the multiverse, one per job, whose split (chunk_size,
        # multiverse_jobs, the executor) changes no result (their rules' logs stay).
        exclude=[
            rules.paper.params.build,
            rules.paper_pdf.params.build,
            "results/logs/bootstrap",
            "results/logs/multiverse",
            "results/report.html",
            "results/report.zip",
            "results/release",
            "results/benchmark",
            "results/mapping",
            "results/notebooks",
        ],
    script:
        "../../scripts/manifest.py"
