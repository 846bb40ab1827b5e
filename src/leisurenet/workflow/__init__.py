"""Support for the Snakemake workflow itself: the layout of its jobs (``plan``), a killed
run's lock (``lock``) and the jobs' conda environment (``condaenv``). Light by design: the
Snakefile imports ``plan`` on every start."""
