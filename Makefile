# TutorBot: `make demo` and `make test` do everything from a clean clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml scripts/setup.sh | sha1sum | cut -c1-12)

.PHONY: setup demo test lint format pytest postgres bench bench-full clean catalogs

$(STAMP): pyproject.toml scripts/setup.sh
	PYTHON=$(PYTHON) bash scripts/setup.sh
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)
	@PYTHON=$(PYTHON) bash scripts/localstripe.sh
	$(PY) -m bot.catalogs compile

# After adding or changing a text in bot/texts: re-extract the English and merge it into
# bot/locales/{es,de}/LC_MESSAGES/messages.po, then fill in the new empty msgstr "" lines.
catalogs: $(STAMP)
	$(PY) -m bot.catalogs update
	$(PY) -m bot.catalogs check || true

demo: setup
	$(PY) -m demo

test: setup postgres lint pytest

postgres:
	bash scripts/ensure-postgres.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# pytest-xdist: one worker per core, at most 4 (each has its own PostgreSQL database,
# SQLite files, localstripe and emulators on free ports); --dist worksteal evens out
# the long tests. PYTEST_WORKERS=0 runs everything in one process.
PYTEST_WORKERS ?= auto
pytest: setup
	$(VENV)/bin/pytest -q -p no:cacheprovider -n $(PYTEST_WORKERS) --maxprocesses=4 --dist worksteal

bench: setup postgres
	$(PY) -m bench

bench-full: setup postgres
	BENCH_SCALE=full $(PY) -m bench

clean:
	rm -rf $(VENV) .venv-localstripe .pytest_cache .mypy_cache .ruff_cache demo-out
