"""The paper stage: figures, the numbers and tables the manuscript prints, and the render.

``figures`` and ``labels`` draw ``results/figures``; ``assets`` computes every printed value
and table from the results (``results/paper/assets``) in the words of ``wording`` and
``prose``; ``render``, ``manuscript`` and ``provenance`` turn ``paper/paper.qmd`` into
``results/paper`` with the source of every number.
"""
