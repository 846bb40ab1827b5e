from leisurenet.outputs import by_name

# The Dutch brief for the networks (paper/brief_nl.qmd): the paper's numbers in Dutch, rendered
# by the same renderer as the paper, in build folders of its own.
BRIEF_TABLES = ["items", "verdicts", "conclusion_checks", "sample_flow"]


rule brief_assets:
    """The brief's sentences (_variables.yml) and tables, in Dutch, from results/."""
    input:
        results=[by_name()[name].file for name in BRIEF_TABLES],
        wording="paper/brief_nl.yml",
        codebook=config["codebook"],
        library=library("brief_assets.py"),
    output:
        **outputs("brief_assets"),
    log:
        "results/logs/brief_assets.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        synthetic=SYNTHETIC,
        confidence=config["analysis"]["confidence"],
        results={name: by_name()[name].file for name in BRIEF_TABLES},
        rows={name: by_name()[name].rows for name in BRIEF_TABLES},
    script:
        "../../scripts/brief_assets.py"


rule brief:
    """Render the brief to HTML and list where every number printed in it comes from."""
    input:
        source="paper/brief_nl.qmd",
        project=PAPER_FILES,
        variables=rules.brief_assets.output.variables,
        tables=rules.brief_assets.output.tables,
        library=library("render_brief.py"),
    output:
        **outputs("brief"),
    log:
        "results/logs/brief.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        renderer=config["paper"]["renderer"],
        build="results/brief/build",
        rules={str(path): r.name for r in workflow.rules for path in r.output},
    script:
        "../../scripts/render_brief.py"


rule brief_pdf:
    """Render the brief to PDF, beside the HTML's job, in a build folder of its own."""
    input:
        source="paper/brief_nl.qmd",
        project=PAPER_FILES,
        variables=rules.brief_assets.output.variables,
        tables=rules.brief_assets.output.tables,
        library=library("render_pdf.py"),
    output:
        **outputs("brief_pdf"),
    log:
        "results/logs/brief_pdf.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        renderer=config["paper"]["renderer"],
        build="results/brief/build_pdf",
    script:
        "../../scripts/render_pdf.py"
