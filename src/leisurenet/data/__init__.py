"""The data stage: from the raw survey export (or the synthetic replica) to recoded data.

``ingest`` reads an export, ``mapping`` brings a survey tool's export onto the codebook,
``validate`` checks it, ``clean`` and ``recode`` make the analysis data (``results/validate``,
``results/clean``, ``results/recode``). ``synthetic`` writes the replica from the study's
``published`` figures; ``toolexports`` and ``propose`` help a user map their own tool's export.
"""
