"""Rules figures_*: the paper's figures as SVG, PDF and PNG, from the stage outputs.

One script for the figure rules; ``params.figure`` says which figure(s) to draw.
"""

import gc
from pathlib import Path

import pandas as pd

from leisurenet.codebook import Codebook
from leisurenet.io import read_dataset, stage_logger, write_csv
from leisurenet.paper.figures.by_size import plot_response_by_size, plot_role_by_size, size_class_labels
from leisurenet.paper.figures.likert import plot_likert
from leisurenet.paper.figures.multiverse import plot_specification_curve
from leisurenet.paper.figures.odds_ratios import plot_odds_ratios
from leisurenet.paper.figures.style import save_figure, source_line

# What the imports built lives as long as the job: frozen, it is not scanned again by
# every full garbage collection while the figures are drawn (~0.5 s of the Likert job).
gc.freeze()

sm = snakemake
log = stage_logger(sm.log[0], "figures")
kind = sm.params.figure
synthetic = sm.params.synthetic
size_labels = size_class_labels(**{k: sm.params.size_class[k] for k in ("breaks", "labels")})


def save(fig, png_path, table):
    """The figure's images, and the data it draws beside them (``<name>.csv``)."""
    paths = save_figure(fig, Path(png_path).with_suffix(""))
    write_csv(table, Path(png_path).with_suffix(".csv"))
    log.info("%s: %d rows plotted -> %s, .csv", Path(png_path).stem, len(table), ", ".join(map(str, paths)))


if kind in ("likert", "role_by_size"):
    codebook = Codebook.from_yaml(sm.input.codebook)
    data = read_dataset(sm.input.recoded)
    source = source_line(synthetic, len(data))
    if kind == "likert":
        for png in sm.output.png:
            construct = Path(png).stem.removeprefix("likert_")
            fig, table = plot_likert(data, codebook, construct, source)
            save(fig, png, table)
    else:
        fig, table = plot_role_by_size(data, source, codebook=codebook, size_labels=size_labels)
        save(fig, sm.output.png, table)
elif kind == "model_odds_ratios":
    coefficients = pd.read_csv(sm.input.coefficients)
    codebook = Codebook.from_yaml(sm.input.codebook)
    source = source_line(synthetic)
    fig, table = plot_odds_ratios(coefficients, source, codebook=codebook, confidence=sm.params.confidence)
    if table.empty:
        log.warning("no logit-family model in %s: the figure says so", sm.input.coefficients)
    save(fig, sm.output.png, table)
elif kind == "response_by_size":
    nonresponse = pd.read_csv(sm.input.nonresponse)
    n_resp, n_frame = int(nonresponse["n_respondents"].sum()), int(nonresponse["n_frame"].sum())
    source = source_line(synthetic, n_resp, f"respondents of {n_frame} networks")
    if nonresponse.empty:
        log.warning("no population frame: the figure says that non-response was not assessed")
        source = source_line(synthetic)
    fig, table = plot_response_by_size(nonresponse, source, size_labels=size_labels)
    save(fig, sm.output.png, table)
elif kind == "multiverse":
    specs = pd.read_csv(sm.input.specifications)
    source = source_line(synthetic, int(specs["spec"].nunique()), "specifications")
    fig, table = plot_specification_curve(
        specs,
        source,
        alpha=sm.params.alpha,
        confidence=sm.params.confidence,
        test_finding=sm.params.headline,
    )
    save(fig, sm.output.png, table)
else:
    raise ValueError(f"unknown figure kind {kind!r}")
