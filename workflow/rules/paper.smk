from leisurenet.config import STUDY_KEYS, config_sources
from leisurenet.outputs import for_paper

# The settings the paper prints, each traced to the config file that set it.
PRINTED_SETTINGS = (
    "analysis.confidence",
    "bootstrap.replicates",
    "bootstrap.seed",
    "disposition.complete_above",
    "disposition.partial_from",
    "governance_role.agreed_min_code",
    "governance_role.min_statements",
    "paper.alpha",
    "size_class.breaks",
    *(f"study.{key}" for key in STUDY_KEYS),
)
# Every file of the manuscript's source: editing any of them re-renders the paper, and only it.
PAPER_FILES = sorted(str(p) for p in Path("paper").rglob("*") if p.is_file())


rule paper_assets:
    """Every number the manuscript's text uses (_variables.yml) and its tables, from results/."""
    input:
        # Every result the paper reads (leisurenet.outputs); the script finds each by its
        # name in params.results (a name such as "items" is not a valid input name).
        results=[out.file for out in for_paper()],
        wording="paper/sentences.yml",
        codebook=config["codebook"],
        raw=raw_export(),
        library=library("paper_assets.py"),
    output:
        **outputs("paper_assets"),
    log:
        "results/logs/paper_assets.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        synthetic=SYNTHETIC,
        size_class=config["size_class"],
        governance_role=config["governance_role"],
        crosstabs=config["crosstabs"],
        paper=config["paper"],
        bootstrap=config["bootstrap"],
        weighting=config["weighting"],
        study=config["study"],
        disposition=config["disposition"],
        confidence=config["analysis"]["confidence"],
        results={out.name: out.file for out in for_paper()},
        rows={out.name: out.rows for out in for_paper() if out.file.endswith(".csv")},
        values={out.name: out.values for out in for_paper() if out.values},
        config_sources=config_sources(workflow.configfiles, PRINTED_SETTINGS),
    script:
        "../../scripts/paper_assets.py"


rule paper:
    """Render the manuscript to HTML (Quarto if installed, else Pandoc), and list where every
    number printed in it comes from (provenance.csv)."""
    input:
        source="paper/paper.qmd",
        project=PAPER_FILES,
        variables=rules.paper_assets.output.variables,
        tables=rules.paper_assets.output.tables,
        checklists=rules.paper_assets.output.checklists,
        figures=FIGURE_FILES,
        library=library("render_paper.py"),
    output:
        **outputs("paper"),
    log:
        "results/logs/paper.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        renderer=config["paper"]["renderer"],
        build="results/paper/build",
        # For provenance.csv, read from the workflow as it is parsed (the rules before this
        # file's): every file a rule writes -> the rule, and every figure -> the data its
        # rule read (its inputs but its code).
        rules={str(path): r.name for r in workflow.rules for path in r.output},
        figure_inputs={
            str(path): [str(f) for name, f in r.input.items() if name != "library"]
            for r in workflow.rules
            if r.name.startswith("figures")
            for path in r.output
        },
    script:
        "../../scripts/render_paper.py"


rule paper_pdf:
    """Render the manuscript to PDF (Quarto's Typst format if installed, else Pandoc's; the
    pinned Typst compiles it), beside the HTML's job, in a build folder of its own."""
    input:
        source="paper/paper.qmd",
        project=PAPER_FILES,
        variables=rules.paper_assets.output.variables,
        tables=rules.paper_assets.output.tables,
        figures=FIGURE_FILES,
        library=library("render_pdf.py"),
    output:
        **outputs("paper_pdf"),
    log:
        "results/logs/paper_pdf.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        renderer=config["paper"]["renderer"],
        build="results/paper/build_pdf",
    script:
        "../../scripts/render_pdf.py"
