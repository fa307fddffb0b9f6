# InnerWork — the two commands a new developer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
EMULATOR_PORT ?= 12111
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/innerwork
PYTEST_WORKERS ?= 2

.PHONY: run test lint migrations-check pytest bench clean help

help:
	@echo "make run    prepare everything and serve the demo at http://$(HOST):$(PORT)"
	@echo "make test   lint, migration check and the whole test suite on PostgreSQL"
	@echo "make bench  page benchmarks (see docs/benchmarks.md)"

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install -q -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "InnerWork demo: http://$(HOST):$(PORT)  (accounts in README.md)"
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

migrations-check: $(VENV)/.dev
	-createdb -h 127.0.0.1 -U postgres innerwork 2>/dev/null
	DATABASE_URL=$(TEST_DATABASE_URL) DJANGO_SETTINGS_MODULE=innerwork.settings.test $(PY) manage.py makemigrations --check --dry-run

pytest: $(VENV)/.dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadgroup

test: lint migrations-check pytest

bench: $(VENV)/.dev
	$(PY) scripts/bench_pages.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
