# The two commands a new user needs:
#   make        set up the environment and run the pipeline (synthetic replica by default)
#   make test   set up the environment and run the tests
# While you work: make check (the tests that do not run the workflow, about a minute)
# Pass your own configuration with: make CONFIG=my_study.yaml
# For the notebooks: make lab (JupyterLab), make notebooks (run them all, with their outputs)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The notebook tools (requirements-lab.lock), on top of the pipeline's pins.
LAB_STAMP := $(VENV)/.lab-installed
# The mutation-testing tool (requirements-mutation.lock), on top of the pipeline's pins.
MUTATION_STAMP := $(VENV)/.mutation-installed
# Every core, for the workflow and the tests (make CORES=1 for one).
CORES ?= $(shell nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)
CONFIG ?=
MANIFEST ?= results/manifest.json
# Snakemake reports a missing --configfile with a traceback: say plainly what is wrong.
$(foreach file,$(CONFIG),$(if $(wildcard $(file)),,$(error CONFIG: no file '$(file)' in $(CURDIR); \
  give the path of your configuration file, or leave CONFIG out to run the synthetic replica)))
# --rerun-incomplete: after a run that was killed, redo the jobs it left half done.
# --configfile takes several arguments: targets must come before these.
SNAKEMAKE_ARGS := --cores $(CORES) --rerun-incomplete $(if $(CONFIG),--configfile $(CONFIG))
# A killed run leaves Snakemake's lock: say in plain words what to do (make unlock).
LOCK_CHECK := $(BIN)/python -m leisurenet.workflow.lock

.PHONY: all run unlock test check lint format lock clean-results report verify release bench mapping lab notebooks mutation perturbation

all: run

# The exact pins are installed with uv when it can be had (a second to fetch, then several
# times faster than pip), else with pip (or with UV=no): the same pins, the same packages
# (tests/end_to_end/test_setup.py). uv itself sits in .venv/.uv, outside the environment.
UV ?= yes
UV_VERSION := 0.13.8
UV_BIN := $(VENV)/.uv/bin/uv
# $(call install,ARGUMENTS): pip-install ARGUMENTS into .venv, by uv or by pip.
install = if [ "$(UV)" = yes ] && { [ -x $(UV_BIN) ] || $(BIN)/pip install --quiet --target $(VENV)/.uv \
	  uv==$(UV_VERSION); }; then $(UV_BIN) pip install --quiet --python $(BIN)/python $(1); \
	else $(BIN)/pip install --quiet $(1); fi

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@$(call install,-r requirements.lock)
	@$(call install,--no-deps -e .)
	touch $@

# Both files at once, so pip fails rather than move a pin of requirements.lock; without their
# dependencies, which the two locks list in full, so that what the lab lock leaves out
# (LAB_LEFT_OUT) stays out. The kernel is registered inside .venv under its own name, with
# this Python's full path (ipykernel's own `python3` names a bare `python`, which `jupytext
# --execute` does not match to .venv and a user-wide `python3` kernel may shadow).
KERNEL := leisurenet
# jupyter-events asks for jsonschema's format checkers, and with rfc3987-syntax installed every
# `import jsonschema` builds its IRI grammar: a second more for every job of the workflow, which
# validates the codebook, where no schema of ours has an IRI. Jupyter only loses its IRI check.
# lark is there for rfc3987-syntax alone.
LAB_LEFT_OUT := rfc3987-syntax lark
$(LAB_STAMP): $(STAMP) requirements-lab.lock
	@$(call install,--no-deps -r requirements.lock -r requirements-lab.lock)
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python 3 (leisurenet)"
	touch $@

$(MUTATION_STAMP): $(STAMP) requirements-mutation.lock
	@$(call install,-r requirements.lock -r requirements-mutation.lock)
	touch $@

run: $(STAMP)
	@$(LOCK_CHECK)
	$(BIN)/snakemake $(SNAKEMAKE_ARGS)

# After a run was killed: remove the lock it left, then `make` resumes where it stopped.
unlock: $(STAMP)
	$(BIN)/snakemake --unlock $(SNAKEMAKE_ARGS)

# The notebook tools too: tests/end_to_end/test_notebooks.py runs every notebook through a Jupyter kernel.
# On every core: each test file in one worker, so its fixtures are built once (tests/scheduling.py),
# the longest files first.
# TESTS= for some files only, e.g. TESTS=tests/end_to_end/test_renderers.py; PYTEST_ARGS= for
# other pytest options (.ci/run: --basetemp, to keep the workflow runs for a second pass).
PARALLEL = $(if $(filter-out 1,$(CORES)),-n $(CORES) --dist loadfile --no-loadscope-reorder)
TESTS ?=
PYTEST_ARGS ?=
test: $(LAB_STAMP)
	$(BIN)/pytest $(PARALLEL) $(PYTEST_ARGS) $(TESTS)

# The quick loop while you work: every test that does not run the workflow, Quarto or Slurm
# (`pytest -m "not slow"`, lint included: tests/test_style.py), spread over the cores.
check: $(LAB_STAMP)
	$(BIN)/pytest -m "not slow" $(PARALLEL)

# JupyterLab on the project, Jupytext pairing each notebooks/*.py with an .ipynb (run `make`
# first for the results they read). LAB_ARGS for Jupyter's options, e.g. LAB_ARGS=--no-browser.
# Jupyter refuses to run as root unless told to: a container's user (and CI's) often is.
LAB_ARGS ?=
lab: $(LAB_STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# Every notebook executed top to bottom in a Jupyter kernel, from its folder as Jupyter runs
# it, into results/notebooks/NN_name.ipynb with its outputs (tests/end_to_end/test_notebooks.py runs
# the same command); stops at the first cell that fails.
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.py))
notebooks: run $(LAB_STAMP)
	@mkdir -p results/notebooks
	@for notebook in $(NOTEBOOKS); do \
	  output=results/notebooks/$$(basename $$notebook .py).ipynb; \
	  echo "$$notebook -> $$output"; \
	  $(BIN)/jupytext --to ipynb --set-kernel $(KERNEL) --execute --run-path notebooks --output $$output $$notebook || exit 1; \
	done

# A self-contained report of every result with its rule, code and captions, and the DAG.
report: run
	$(BIN)/snakemake $(if $(CONFIG),--configfile $(CONFIG)) --report results/report.html

# Rebuild from scratch in a temporary folder and judge it against a manifest (MANIFEST=...,
# with manifest_content.json beside it): the last line says VERIFY: IDENTICAL, EQUIVALENT or
# DIFFERENT. KEEP=1 keeps the rebuild's folder (its path goes to standard error).
verify: $(STAMP)
	$(BIN)/python -m leisurenet.manifest verify $(MANIFEST) --cores $(CORES) $(if $(CONFIG),--configfile $(CONFIG)) $(if $(KEEP),--keep)

# Build times and memory as ratios to baselines of the same run, in a scratch copy, the cold
# build's critical path and the test suite's time (the notebook tools: it runs make test's
# pytest): prints the table and writes results/benchmark/benchmark.csv (and more beside it).
bench: $(LAB_STAMP)
	$(BIN)/python -m benchmarks --cores $(CORES) --output results/benchmark/benchmark.csv

# Mutation testing of the statistical core, in a scratch copy of the project (tools/mutation.py):
# the kill rate per module and overall, and every surviving mutant not explained in
# tests/mutation/survivors.yml; fails below 95 % or on an unexplained survivor.
# MODULES=exact,describe for some modules only (names in tools/mutation.py).
MODULES ?=
mutation: $(MUTATION_STAMP)
	$(BIN)/python tools/mutation.py --cores $(CORES) $(if $(MODULES),--modules $(MODULES))

# Each function of the statistical core with its result made 1 % larger in turn, in a scratch
# copy (tools/perturbation.py): the quick tests that call it must fail; fails on a function they
# let through that tests/mutation/perturbation.yml does not explain. MODULES= as for mutation.
perturbation: $(LAB_STAMP)
	$(BIN)/python tools/perturbation.py --cores $(CORES) $(if $(MODULES),--modules $(MODULES))

# Propose a mapping of a survey tool's export onto the codebook (make mapping RAW=export.csv,
# SHEET=name for a workbook's sheet): writes results/mapping/proposed.yaml and report.md, to
# check before data.mapping names a copy.
CODEBOOK ?= config/codebook.yaml
SHEET ?=
mapping: $(STAMP)
	$(if $(RAW),,$(error RAW: give the export to map, e.g. make mapping RAW=data/export.csv))
	$(BIN)/python -m leisurenet.propose $(RAW) --codebook $(CODEBOOK) $(if $(SHEET),--sheet $(SHEET))

# The public release archive, after the disclosure check.
release: $(STAMP)
	@$(LOCK_CHECK)
	$(BIN)/snakemake results/release/leisurenet-release.zip $(SNAKEMAKE_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/snakefmt Snakefile workflow/rules

# Re-resolve the exact pins from requirements.in (needs the package index), and write
# them into the rules' conda environment (workflow/envs/leisurenet.yaml). Then the notebook
# tools of requirements-lab.in on top, held to those pins (-c): requirements-lab.lock gets
# only what they add. If a notebook tool needs another version of a pinned package, pip
# stops here and says which. The mutation-testing tool of requirements-mutation.in likewise, in
# a fresh environment so that requirements-mutation.lock does not take in the notebook tools.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -r requirements.in
	{ echo "# Exact pins of requirements.in and everything it pulls in (Python 3.11); regenerate with 'make lock'."; \
	  .venv-lock/bin/pip freeze --exclude-editable; } > requirements.lock
	.venv-lock/bin/pip install --quiet -r requirements-lab.in -c requirements.lock
	{ echo "# Exact pins of requirements-lab.in and everything it pulls in beyond requirements.lock (Python 3.11),"; \
	  echo "# installed on top of it without changing a pin there; regenerate with 'make lock'."; \
	  .venv-lock/bin/pip freeze --exclude-editable | grep -vxF -f requirements.lock \
	  | grep -v $(foreach name,$(LAB_LEFT_OUT),-e '^$(name)=='); } > requirements-lab.lock
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -r requirements.lock
	.venv-lock/bin/pip install --quiet -r requirements-mutation.in -c requirements.lock
	{ echo "# Exact pins of requirements-mutation.in and everything it pulls in beyond requirements.lock (Python 3.11),"; \
	  echo "# installed on top of it without changing a pin there; regenerate with 'make lock'."; \
	  .venv-lock/bin/pip freeze --exclude-editable | grep -vxF -f requirements.lock; } > requirements-mutation.lock
	rm -rf .venv-lock
	PYTHONPATH=src $(PYTHON) -m leisurenet.workflow.condaenv

clean-results:
	rm -rf results .snakemake
