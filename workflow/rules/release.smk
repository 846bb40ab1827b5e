# The public release (results/release/): a disclosure check, then a deterministic archive
# for a data repository. Run it explicitly: `snakemake --cores 2 results/release/leisurenet-release.zip`.
# Only results/release/ is written; the results the release is built from are only read.
from leisurenet.outputs import released
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
        **outputs("release_disclosure_check"),
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
        # What the release carries, as leisurenet.outputs declares it: the cells (suppressed
        # by the check) and the respondent data (pseudonymised, only with release.microdata)
        # by name, and the tables and the paper as they stand.
        **{out.name: out.file for out in released("cells") + released("respondents")},
        report_md=rules.release_disclosure_check.output.md,
        tables=[out.file for out in released("table")],
        paper=[out.file for out in released("paper")],
        codebook=config["codebook"],
        citation="CITATION.cff",
        license="LICENSE",
        manifest=RELEASE_MANIFEST or [],
        library=library("release.py"),
    output:
        **outputs("release"),
    log:
        "results/release/logs/release.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        release=RELEASE,
        synthetic=SYNTHETIC,
        manifest=RELEASE_MANIFEST,
        archived={
            out.file: out.archived_as for out in released("table") + released("paper")
        },
    script:
        "../../scripts/release.py"
