# mathviz: verified animated explainers of the math behind machine learning.
# `make test` and `make render` set everything up on first use (system libraries, .venv).

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.stamp
# The list and order of scenes lives in mathviz/catalog.py (stdlib only, readable before .venv exists).
SCENES := $(shell python3 mathviz/catalog.py 2>/dev/null || $(PYTHON) mathviz/catalog.py)
# Every render depends on the numeric core, the shared scene components and its own scene module.
CORE := $(wildcard mathviz/*.py) $(wildcard scenes/components/*.py)
HQ := media/1080p60
LQ := media/480p15
NPROC := $(shell nproc 2>/dev/null || echo 2)

.PHONY: help setup test render preview bench clean distclean

help: ## Show this help
	@echo "mathviz: make <target>"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  %-10s %s\n", $$1, $$2}'
	@echo "Scenes: $(SCENES)"

$(STAMP): pyproject.toml constraints.txt tools/bootstrap.sh
	@PYTHON=$(PYTHON) bash tools/bootstrap.sh

setup: $(STAMP) ## Install system libraries and the .venv (done automatically by other targets)

test: $(STAMP) ## Run the test suite (numerics, geometry under dry_run, CLI, a few tiny real renders)
	$(VENV)/bin/pytest -n $(NPROC) -q

render: $(SCENES:%=$(HQ)/%.mp4) ## Render every scene at 1080p60 into media/1080p60/

preview: $(SCENES:%=$(LQ)/%.mp4) ## Render every scene at 480p15 into media/480p15/

$(HQ)/%.mp4: scenes/%.py $(CORE) $(STAMP)
	$(PY) -m mathviz render $* -q h --out $(HQ)

$(LQ)/%.mp4: scenes/%.py $(CORE) $(STAMP)
	$(PY) -m mathviz render $* -q l --out $(LQ)

bench: $(STAMP) ## Benchmark render speed per scene (video seconds per wall second, frames/s)
	$(PY) tools/bench.py

clean: ## Remove rendered media (keeps .venv)
	rm -rf $(HQ) $(LQ) media/.render-*

distclean: clean ## Also remove the virtual environment
	rm -rf $(VENV)
