# The public release (results/release/): a disclosure check, then a deterministic archive
# for a data repository. Run it explicitly: `snakemake --cores 2 results/release/leisurenet-release.zip`.
# Only results/release/ is written; the results the release is built from are only read.
from leisurenet.release.settings import release_settings

RELEASE = release_settings(config["release"])
# A flag rather than "when present": the archive's contents must not depend on whether
# another run happened to leave a file behind, and as an input the manifest is rebuilt first.
RELEASE_MANIFEST = "results/manifest.json" if RELEASE["include_manifest"] else None


rule release_disclosure_check:
    """Cell suppression and group disclosure; k-anonymity and unique answer patterns when the
    release holds the respondent data."""
    input:
        recoded=rules.recode.output.parquet,
        cells=rules.crosstab.output.cells,
        library=library("release_disclosure.py"),
    output:
        csv=report(
            "results/release/disclosure_report.csv",
            caption="../report/release_disclosure_report.rst",
            category="Release",
        ),
        md="results/release/disclosure_report.md",
    log:
        "results/release/logs/release_disclosure_check.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        release=RELEASE,
    script:
        "../../scripts/release_disclosure.py"


rule release:
    """The release archive: tables after disclosure control, codebook, paper; the pseudonymised
    respondent data only with release.microdata."""
    input:
        report_md=rules.release_disclosure_check.output.md,
        recoded=rules.recode.output.parquet,
        variables=rules.recode.output.variables,
        codebook=config["codebook"],
        cells=rules.crosstab.output.cells,
        tests=rules.crosstab.output.tests,
        descriptives=list(rules.describe.output),
        models=list(rules.models.output),
        audit=rules.audit.output.figures,
        html=rules.paper.output.html,
        pdf=rules.paper.output.pdf,
        citation="CITATION.cff",
        license="LICENSE",
        manifest=RELEASE_MANIFEST or [],
        library=library("release.py"),
    output:
        archive="results/release/leisurenet-release.zip",
    log:
        "results/release/logs/release.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        release=RELEASE,
        synthetic=SYNTHETIC,
        manifest=RELEASE_MANIFEST,
    script:
        "../../scripts/release.py"
