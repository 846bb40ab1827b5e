"""The paper stage: figures, the numbers and tables the manuscript prints, and the render.

``figures`` and ``labels`` draw ``results/figures``; one module per part of the paper turns
the results into its printed values and tables (``results/paper/assets``), in the words of
``wording`` and ``prose`` and with the numbers formatted by ``formatting``: ``methods``,
``descriptives``, ``crosstabs``, ``regression``, ``robustness``, ``weighted_comparison`` and
``reproduction`` (the published study's figures); ``render``, ``manuscript`` and
``provenance`` turn ``paper/paper.qmd`` into ``results/paper`` with the source of every number.
"""
