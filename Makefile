# Parcours: the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format install system messages check-messages bench clean

$(STAMP): pyproject.toml package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

## Serve the demo on http://$(HOST):$(PORT)/ with a worker for background jobs (SQLite under
## var/, keys generated under var/).
run: install system
	$(BIN)/parcours demo
	@echo ""
	@echo "Parcours is serving on http://$(HOST):$(PORT)/ (Ctrl-C stops it and its worker)."
	$(BIN)/parcours worker --verbosity 0 & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT; \
	$(BIN)/parcours runserver $(HOST):$(PORT)

## Lint, then the whole suite (unit, view and browser tests). DATABASE_URL picks the database.
test: install system lint check-messages
	PARCOURS_ENV=test $(BIN)/pytest -n 2 --dist loadgroup

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

format: install
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

## System packages: Debian's chromium drives the browser tests (Playwright cannot download a
## browser here); Pango and a font let WeasyPrint make PDFs; gettext checks the catalogues.
SYSTEM_PACKAGES := chromium gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
system:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Please install: sudo apt-get install $$missing" >&2; exit 1; fi; fi

## Benchmarks, as ratios to a floor measured in the same run (scratch database; DATABASE_URL
## picks PostgreSQL, where the scale benchmark makes and drops a database of its own).
## BENCH_FAMILIES sizes the realistic-data run; the targets are set at 100000.
BENCH_FAMILIES ?= 20000
bench: install
	$(BIN)/python bench/import_sheets.py 10000
	$(BIN)/python bench/report.py 100000
	$(BIN)/python bench/scale.py --families $(BENCH_FAMILIES) --json bench-results.json

## Extract and compile the nl/fr/en catalogues after changing user-facing text.
messages: install
	cd src/parcours && ../../$(BIN)/parcours makemessages -l nl -l fr -l en --no-obsolete --no-location
	cd src/parcours && ../../$(BIN)/parcours compilemessages

## The compiled catalogues in the repository must match their sources.
check-messages: install
	$(BIN)/python -m parcours.i18n_check

clean:
	rm -rf $(VENV) node_modules staticfiles
