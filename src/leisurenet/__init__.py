"""Analysis library of the survey of local networks for leisure participation in poverty.

One module per pipeline stage; the Snakemake scripts, the notebooks and the tests import
these functions, so a number in the paper is computed by exactly one piece of code.
"""

__version__ = "0.1.0"
