"""The paper's figures (``results/figures``), one module per kind of chart.

:mod:`~leisurenet.paper.figures.style` holds what every figure shares (the style, the
frame of title, legends and source line, and the saving); :mod:`~leisurenet.paper.figures.likert`
the diverging stacked bars of a construct's statements; :mod:`~leisurenet.paper.figures.by_size`
the governance roles and the response by municipality size class;
:mod:`~leisurenet.paper.figures.odds_ratios` the models' forest plot; and
:mod:`~leisurenet.paper.figures.multiverse` the specification curves. Files are named by
content, never by their place in the paper (:data:`FIGURE_NAMES`).

Every figure is drawn in one theme (:func:`~leisurenet.paper.figures.style.theme`, from
``figures.mplstyle`` beside these modules, applied on top of matplotlib's defaults and
handed to seaborn as its own), with colour-blind-safe colours (ColorBrewer PuOr for the
answer scales, Okabe-Ito for categories), and carries a source line at the bottom that
says where its data come from (the caller passes it:
:func:`~leisurenet.paper.figures.style.source_line`).

seaborn draws the charts whose shape it has: the bars by group (``role_by_size``, stacked
shares per size class, with ``histplot``; ``response_by_size``, with ``barplot``) and the
point estimates with intervals (``model_odds_ratios``, with ``pointplot``). Plain
matplotlib draws the rest, where seaborn has no equivalent: the diverging Likert bars
(segments centred on the neutral code, with the missing answers in a panel apart: seaborn
stacks bars from zero only), and the specification curves (each point carries two
encodings, the study's colour and an open marker when not significant, on a rank axis
shared with the panel of choices under it, which seaborn has no chart for). seaborn is
imported by the functions that draw with it, so the Likert job does not load it.

Each ``plot_*`` function takes a tidy DataFrame and returns ``(figure, table)``: the
matplotlib :class:`~matplotlib.figure.Figure` and the DataFrame it plotted, one row per
bar segment or point, so a test or a reader can check every bar against the data.
:func:`~leisurenet.paper.figures.style.save_figure` writes SVG, PDF and PNG (200 dpi)
without timestamps or software versions that change, so two runs give byte-identical files.

Figures are built with :class:`matplotlib.figure.Figure` directly (not pyplot), so the
library neither picks a backend nor keeps figures alive in a global registry.
"""

# The file stems of the figures (each written as .svg, .pdf and .png) and what they show.
FIGURE_NAMES = {
    "likert_<construct>": "diverging stacked bars of the answers to a construct's statements",
    "role_by_size": "governance role by municipality size class",
    "model_odds_ratios": "odds ratios of the logit-family models (relative risk ratios if multinomial)",
    "response_by_size": "respondents against the population frame by municipality size class",
    "multiverse": "specification curves of the headline findings over the multiverse's choices",
}
