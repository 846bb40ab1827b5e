# The two commands a new user needs:
#   make        set up the environment and run the pipeline (synthetic replica by default)
#   make test   set up the environment and run the tests
# Pass your own configuration with: make CONFIG=my_study.yaml

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORES ?= 2
CONFIG ?=
MANIFEST ?= results/manifest.json
# Snakemake reports a missing --configfile with a traceback: say plainly what is wrong.
$(foreach file,$(CONFIG),$(if $(wildcard $(file)),,$(error CONFIG: no file '$(file)' in $(CURDIR); \
  give the path of your configuration file, or leave CONFIG out to run the synthetic replica)))
# --rerun-incomplete: after a run that was killed, redo the jobs it left half done.
# --configfile takes several arguments: targets must come before these.
SNAKEMAKE_ARGS := --cores $(CORES) --rerun-incomplete $(if $(CONFIG),--configfile $(CONFIG))
# A killed run leaves Snakemake's lock: say in plain words what to do (make unlock).
LOCK_CHECK := $(BIN)/python -m leisurenet.lock

.PHONY: all run unlock test lint format lock clean-results report verify release bench mapping

all: run

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

run: $(STAMP)
	@$(LOCK_CHECK)
	$(BIN)/snakemake $(SNAKEMAKE_ARGS)

# After a run was killed: remove the lock it left, then `make` resumes where it stopped.
unlock: $(STAMP)
	$(BIN)/snakemake --unlock $(SNAKEMAKE_ARGS)

test: $(STAMP)
	$(BIN)/pytest

# A self-contained report of every result with its rule, code and captions, and the DAG.
report: run
	$(BIN)/snakemake $(if $(CONFIG),--configfile $(CONFIG)) --report results/report.html

# Rebuild from scratch in a temporary folder and compare with a manifest (MANIFEST=...).
verify: $(STAMP)
	$(BIN)/python -m leisurenet.manifest verify $(MANIFEST) --cores $(CORES) $(if $(CONFIG),--configfile $(CONFIG))

# Build times and memory as ratios to baselines of the same run, in a scratch copy:
# prints the table and writes results/benchmark/benchmark.csv (and profile.csv beside it).
bench: $(STAMP)
	$(BIN)/python scripts/benchmark.py --output results/benchmark/benchmark.csv

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
# them into the rules' conda environment (workflow/envs/leisurenet.yaml).
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -r requirements.in
	{ echo "# Exact pins of requirements.in and everything it pulls in (Python 3.11); regenerate with 'make lock'."; \
	  .venv-lock/bin/pip freeze --exclude-editable; } > requirements.lock
	rm -rf .venv-lock
	PYTHONPATH=src $(PYTHON) -m leisurenet.condaenv

clean-results:
	rm -rf results .snakemake
