"""The analysis stage: every statistic of the study, from the recoded data.

``describe``, ``scales``, ``nonresponse`` and ``paired`` (``results/descriptives``), ``crosstab``
and its ``exact`` test (``results/crosstabs``), ``models``
and ``fastfit`` (``results/models``), ``bootstrap`` (``results/bootstrap``), ``multiverse``
(``results/multiverse``) and ``audit`` (``results/audit``); ``weighting`` and ``weighted``
hold the survey design and the weighted estimates that several of them use.
"""
