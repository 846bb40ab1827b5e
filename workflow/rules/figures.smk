# The paper's figures (results/figures/), each as SVG, PDF and PNG (200 dpi), named by
# content. All four rules run scripts/figures.py; params.figure says which figure.
from leisurenet.codebook import Codebook
from leisurenet.workflow.plan import likert_constructs, likert_figure_name

LIKERT_FIGURES = [
    likert_figure_name(c)
    for c in likert_constructs(Codebook.from_yaml(config["codebook"]))
]
FIGURES = [
    *LIKERT_FIGURES,
    "role_by_size",
    "model_odds_ratios",
    "response_by_size",
    "multiverse",
]
# Every figure file, for `rule all` (or `snakemake <file>`), and the data each draws.
FIGURE_FILES = expand(
    "results/figures/{name}.{ext}", name=FIGURES, ext=["svg", "pdf", "png"]
)
FIGURE_DATA = expand("results/figures/{name}.csv", name=FIGURES)


rule figures_likert:
    """Diverging stacked bar charts of the answers, one per construct of the codebook."""
    input:
        recoded=rules.recode.output.parquet,
        codebook=config["codebook"],
        library=library("figures.py"),
    output:
        svg=expand("results/figures/{name}.svg", name=LIKERT_FIGURES),
        pdf=expand("results/figures/{name}.pdf", name=LIKERT_FIGURES),
        data=expand("results/figures/{name}.csv", name=LIKERT_FIGURES),
        png=[
            report(
                path,
                caption="../report/figures_likert.rst",
                category="Figures",
                subcategory="Answers per construct",
            )
            for path in expand("results/figures/{name}.png", name=LIKERT_FIGURES)
        ],
    log:
        "results/logs/figures_likert.log",
    priority: PRIORITY["figures_likert"]
    conda:
        "../envs/leisurenet.yaml"
    params:
        figure="likert",
        synthetic=SYNTHETIC,
        size_class=config["size_class"],
    script:
        "../../scripts/figures.py"


rule figures_role_by_size:
    """The coordinator's governance role within each municipality size class."""
    input:
        recoded=rules.recode.output.parquet,
        codebook=config["codebook"],
        library=library("figures.py"),
    output:
        svg="results/figures/role_by_size.svg",
        pdf="results/figures/role_by_size.pdf",
        data="results/figures/role_by_size.csv",
        png=report(
            "results/figures/role_by_size.png",
            caption="../report/figures_role_by_size.rst",
            category="Figures",
        ),
    log:
        "results/logs/figures_role_by_size.log",
    conda:
        "../envs/leisurenet.yaml"
    params:
        figure="role_by_size",
        synthetic=SYNTHETIC,
        size_class=config["size_class"],
    script:
        "../../scripts/figures.py"


rule figures_model_odds_ratios:
    """Forest plot of the logit-family models: odds ratios (relative risk ratios if multinomial)."""
    input:
        coefficients=rules.models.output.coefficients,
        codebook=config["codebook"],
        library=library("figures.py"),
    output:
        svg="results/figures/model_odds_ratios.svg",
        pdf="results/figures/model_odds_ratios.pdf",
        data="results/figures/model_odds_ratios.csv",
        png=report(
            "results/figures/model_odds_ratios.png",
            caption="../report/figures_model_odds_ratios.rst",
            category="Figures",
        ),
    log:
        "results/logs/figures_model_odds_ratios.log",
    priority: PRIORITY["figures_model_odds_ratios"]
    conda:
        "../envs/leisurenet.yaml"
    params:
        figure="model_odds_ratios",
        synthetic=SYNTHETIC,
        size_class=config["size_class"],
        confidence=config["analysis"]["confidence"],
    script:
        "../../scripts/figures.py"


rule figures_response_by_size:
    """Respondents against the population frame by municipality size class."""
    input:
        nonresponse=rules.describe.output.nonresponse,
        library=library("figures.py"),
    output:
        svg="results/figures/response_by_size.svg",
        pdf="results/figures/response_by_size.pdf",
        data="results/figures/response_by_size.csv",
        png=report(
            "results/figures/response_by_size.png",
            caption="../report/figures_response_by_size.rst",
            category="Figures",
        ),
    log:
        "results/logs/figures_response_by_size.log",
    priority: PRIORITY["figures_response_by_size"]
    conda:
        "../envs/leisurenet.yaml"
    params:
        figure="response_by_size",
        synthetic=SYNTHETIC,
        size_class=config["size_class"],
    script:
        "../../scripts/figures.py"


rule figures_multiverse:
    """Specification curves: the headline findings under every specification of the multiverse."""
    input:
        specifications=rules.multiverse.output.specifications,
        library=library("figures.py"),
    output:
        svg="results/figures/multiverse.svg",
        pdf="results/figures/multiverse.pdf",
        data="results/figures/multiverse.csv",
        png=report(
            "results/figures/multiverse.png",
            caption="../report/figures_multiverse.rst",
            category="Figures",
        ),
    log:
        "results/logs/figures_multiverse.log",
    priority: PRIORITY["figures_multiverse"]
    conda:
        "../envs/leisurenet.yaml"
    params:
        figure="multiverse",
        synthetic=SYNTHETIC,
        size_class=config["size_class"],
        alpha=config["paper"]["alpha"],
        confidence=config["analysis"]["confidence"],
        headline=config["paper"]["headline_crosstab"],
    script:
        "../../scripts/figures.py"
