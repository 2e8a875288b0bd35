# mathviz: verified animated explainers of the math behind machine learning.
# `make test` and `make render` set everything up on first use (system libraries, .venv).

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.SECONDEXPANSION:

# The interpreter .venv is made with (3.11, 3.12 or 3.13); empty: the first of python3.11 ... python3 that runs.
PYTHON ?=
VENV := .venv
PY := $(VENV)/bin/python
# What tools/bootstrap.sh installed: STAMP renders; SLIDES_STAMP adds manim-slides and reveal.js;
# DEV_STAMP adds the test and lint tools and Chromium. Each target asks only for what it uses.
STAMP := $(VENV)/.stamp
SLIDES_STAMP := $(VENV)/.stamp-slides
DEV_STAMP := $(VENV)/.stamp-dev
BOOTSTRAP_DEPS := pyproject.toml constraints.txt tools/bootstrap.sh
# The newest supported Python, for the smoke set (make smoke); skipped with one line when missing.
SMOKE_PYTHON ?= python3.13
NPROC := $(shell nproc 2>/dev/null || echo 2)
HQ := media/1080p60
LQ := media/480p15

# One render per file in renders/: renders/<scene>.toml or renders/<scene>--<variant>.toml.
# The file holds that render's parameters, so editing it re-renders only its own outputs.
RENDERS := $(patsubst renders/%.toml,%,$(wildcard renders/*.toml))
scene_of = $(firstword $(subst --, ,$(1)))

# DEPS_<scene>: the scene module and every repository module it (and its story) imports.
# Generated from import statements by tools/deps.py with any python3; Make re-reads it when sources change.
SOURCES := $(wildcard mathviz/*.py mathviz/*/*.py scenes/*.py scenes/components/*.py)
-include build/deps.mk
# Plugin explainers named by render files: re-read when render files or the installed packages change.
build/deps.mk: $(SOURCES) tools/deps.py $(wildcard renders/*.toml) $(wildcard $(VENV)/lib/python3*/site-packages)
	@mkdir -p $(@D)
	@python3 tools/deps.py > $@.tmp && mv $@.tmp $@

# Narration: narration/<render>/ holds an author's script.<lang>.md (`mathviz script`) and, once recorded,
# one clip per beat (1-relu.wav, 2-gradient.flac, ...); a render with clips there is rendered narrated.
narration_flag = $(if $(wildcard $(foreach ext,wav flac ogg mp3,narration/$(1)/*.$(ext))),--narration narration/$(1))

# Web formats made from each 1080p60 render's MP4 by mathviz/pipeline/publish.py (PyAV, no system ffmpeg):
# a VP9 WebM, a few looping seconds as GIF, and the key frame as a poster PNG.
WEB := $(foreach ext,webm gif poster.png,$(RENDERS:%=$(HQ)/%.$(ext)))
# Lecture slides, one per render: a self-contained reveal.js HTML file and a PDF of each beat's last frame.
SLIDES_DIR := media/slides
SLIDES := $(RENDERS:%=$(SLIDES_DIR)/%.html) $(RENDERS:%=$(SLIDES_DIR)/%.pdf)
# reveal.js from npm (package-lock.json), inlined into every slides file so it plays with no network.
REVEAL := node_modules/reveal.js/dist/reveal.js

# Storyboards: each beat's settled still and a captioned contact sheet per render file, no video encoded.
STORYBOARD := media/storyboard

.PHONY: help setup lint typecheck test system smoke sweep fuzz render preview storyboard check bench clean distclean gallery slides

help: ## Show this help
	@echo "mathviz: make <target>   (each render uses every core; with make -jK each uses cores/K processes)"
	@grep -E '^[a-z-]+:.*## ' Makefile | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  %-10s %s\n", $$1, $$2}'
	@echo "Renders (renders/*.toml): $(RENDERS)"

$(STAMP): $(BOOTSTRAP_DEPS)
	@PYTHON=$(PYTHON) bash tools/bootstrap.sh render

$(SLIDES_STAMP): $(BOOTSTRAP_DEPS)
	@PYTHON=$(PYTHON) bash tools/bootstrap.sh slides

$(DEV_STAMP): $(BOOTSTRAP_DEPS)
	@PYTHON=$(PYTHON) bash tools/bootstrap.sh dev

setup: $(DEV_STAMP) ## Install system libraries and .venv with every extra (render-only targets install less)

lint: $(DEV_STAMP) ## ruff over the whole tree (rules in pyproject.toml)
	$(VENV)/bin/ruff check .

# mypy cannot follow setuptools' editable finder to scenes/ (installed as mathviz_scenes), so mypy_path
# (pyproject.toml) points at build/typecheck, where a link gives scenes/ its installed name. Reports name
# the files by their place in the tree (scenes/..., not the link).
# mypy takes packages or files, not both in one run: the packages (mathviz, the scenes, tests) get one run,
# the plain scripts (tools/) and the example plugin (its package and its tests) a second, cached one.
TYPECHECK_FILES := tools $(patsubst %/__init__.py,%,$(wildcard examples/*/*/__init__.py)) $(wildcard examples/*/tests)
typecheck: $(DEV_STAMP) ## mypy over mathviz, the scenes, tests/, tools/ and examples/ (settings in pyproject.toml)
	@mkdir -p build/typecheck && ln -sfn ../../scenes build/typecheck/mathviz_scenes
	@set -o pipefail; $(VENV)/bin/mypy -p mathviz -p mathviz_scenes -p tests | sed 's|^build/typecheck/mathviz_scenes/|scenes/|'
	@set -o pipefail; $(VENV)/bin/mypy $(TYPECHECK_FILES) | sed 's|^build/typecheck/mathviz_scenes/|scenes/|'

# --dist loadscope: each test module runs on one worker, so a module's scene fixtures are built once, not
# once per worker that happens to get some of its tests (264 s against 314 s with the default scheduling).
test: $(DEV_STAMP) ## Run the test suite (numerics, geometry under dry_run, CLI, a few tiny real renders)
	$(VENV)/bin/pytest -n $(NPROC) --dist loadscope -q -m "not sweep and not system"

system: $(DEV_STAMP) ## The end-to-end runs CI does after `make test`: chunks, Dask, concurrent and killed renders, plugins
	$(VENV)/bin/pytest -n $(NPROC) -q -m "system and not sweep"

sweep: $(DEV_STAMP) ## The exhaustive sweeps CI runs after `make test`: the frame guard over every look and stress case
	$(VENV)/bin/pytest -n $(NPROC) -q -m sweep

# The long sweep of tests/pipeline/test_hostile.py's fuzz (make test runs 40 examples per scene). CI runs both.
FUZZ_EXAMPLES ?= 500
fuzz: $(DEV_STAMP) ## Fuzz every parameter of every scene with arbitrary Unicode ($(FUZZ_EXAMPLES) examples per scene)
	MATHVIZ_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VENV)/bin/pytest -n $(NPROC) -q tests/pipeline/test_hostile.py -k fuzz

smoke: ## The smoke set (list, numbers, check, a tiny render, the example plugin) on $(SMOKE_PYTHON) in its own venv
	bash tools/smoke.sh $(SMOKE_PYTHON)

render: $(RENDERS:%=$(HQ)/%.mp4) $(WEB) ## Render every file in renders/ at 1080p60 into media/1080p60/ (MP4, WebM, GIF, poster, captions)

gallery: media/index.html ## Write media/index.html: every render with captions, numbers and an embed snippet

slides: $(SLIDES) ## Lecture slides in media/slides/: one beat per key press, one offline HTML file (and PDF) per render

preview: $(RENDERS:%=$(LQ)/%.mp4) ## Render every file in renders/ at 480p15 into media/480p15/

storyboard: $(RENDERS:%=$(STORYBOARD)/%.png) ## Each render file's beat stills and contact sheet in media/storyboard/ (no video)

check: $(STAMP) ## Run the frame-quality guard on every file in renders/
	@for r in $(RENDERS); do $(PY) -m mathviz check $(call scene_of,$$r) --params renders/$$r.toml || exit 1; done

$(HQ)/%.mp4: renders/%.toml $$(DEPS_$$(call scene_of,$$*)) $$(wildcard narration/$$*/*) $(STAMP)
	$(PY) -m mathviz render $(call scene_of,$*) --params $< --name $* -q h --out $(HQ) --progress --strict $(call narration_flag,$*)

$(LQ)/%.mp4: renders/%.toml $$(DEPS_$$(call scene_of,$$*)) $$(wildcard narration/$$*/*) $(STAMP)
	$(PY) -m mathviz render $(call scene_of,$*) --params $< --name $* -q l --out $(LQ) --progress $(call narration_flag,$*)

# --jobs is left to its default: all cores under a plain `make render`, cores/K under `make -jK render`
# (read from MAKEFLAGS), so Make's renders and their chunk processes never ask for more than the cores.
$(STORYBOARD)/%.png: renders/%.toml $$(DEPS_$$(call scene_of,$$*)) $(STAMP)
	$(PY) -m mathviz storyboard $(call scene_of,$*) --params $< --name $* --out $(STORYBOARD)

$(HQ)/%.webm: $(HQ)/%.mp4 mathviz/pipeline/publish.py
	$(PY) -m mathviz publish $< --format webm

$(HQ)/%.gif: $(HQ)/%.mp4 mathviz/pipeline/publish.py
	$(PY) -m mathviz publish $< --format gif

$(HQ)/%.poster.png: $(HQ)/%.mp4 mathviz/pipeline/publish.py
	$(PY) -m mathviz publish $< --format poster

# The gallery links each render's slides when they exist; with `make gallery slides` they are made first.
media/index.html: $(RENDERS:%=$(HQ)/%.mp4) $(WEB) mathviz/pipeline/gallery.py mathviz/pipeline/manifest.py $(wildcard $(SLIDES_DIR)/*) \
		$(if $(filter slides,$(MAKECMDGOALS)),$(SLIDES))
	$(PY) -m mathviz gallery --media media --videos $(notdir $(HQ)) $(RENDERS)

$(SLIDES_DIR)/%.html: $(HQ)/%.mp4 mathviz/pipeline/slides.py mathviz/pipeline/manifest.py $(REVEAL) | $(SLIDES_STAMP)
	$(PY) -m mathviz slides $< --out $(SLIDES_DIR) --format html

$(SLIDES_DIR)/%.pdf: $(HQ)/%.mp4 mathviz/pipeline/slides.py mathviz/pipeline/manifest.py | $(SLIDES_STAMP)
	$(PY) -m mathviz slides $< --out $(SLIDES_DIR) --format pdf

$(REVEAL): package.json package-lock.json | $(SLIDES_STAMP)
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

bench: $(STAMP) ## Benchmark render speed per scene (video seconds per wall second, frames/s)
	$(PY) tools/bench.py

clean: ## Remove rendered media (keeps .venv)
	rm -rf $(HQ) $(LQ) media/.render-* build media/index.html $(SLIDES_DIR) $(STORYBOARD)

distclean: clean ## Also remove the virtual environment and node_modules
	rm -rf $(VENV) node_modules
