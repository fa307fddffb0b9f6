# InnerWork — the two commands a new developer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
EMULATOR_PORT ?= 12111
EMULATOR_DATA ?= .stripe-emulator
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/innerwork
PYTEST_WORKERS ?= 2

.PHONY: run test lint migrations-check pytest bench clean help

help:
	@echo "make run    prepare everything and serve the demo at http://$(HOST):$(PORT)"
	@echo "make test   lint, migration check and the whole test suite on PostgreSQL"
	@echo "make bench  page, commerce and slot-engine benchmarks (see docs/benchmarks.md)"

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install -q -r requirements-dev.txt
	touch $@

# The Stripe emulator runs in the background while the server runs (its port comes from
# STRIPE_API_HOST; none when that is empty, i.e. real Stripe), then the database, the demo data
# and the webhook endpoint are prepared and the server starts. Stopping the server stops the emulator.
run: $(VENV)/.runtime
	@set -e; \
	emulator_port="$$($(PY) manage.py stripe_demo_setup --emulator-port)"; \
	if [ -n "$$emulator_port" ]; then \
		mkdir -p $(EMULATOR_DATA); \
		$(PY) -m stripe_emulator --port "$$emulator_port" --data-dir $(EMULATOR_DATA) >>$(EMULATOR_DATA)/emulator.log 2>&1 & \
		emulator_pid=$$!; \
		trap 'kill $$emulator_pid 2>/dev/null || true' EXIT; \
		trap 'exit 130' INT TERM; \
		echo "Stripe emulator: http://127.0.0.1:$$emulator_port/_emulator/  (log: $(EMULATOR_DATA)/emulator.log)"; \
	fi; \
	$(PY) manage.py migrate --noinput; \
	$(PY) manage.py seed_demo; \
	$(PY) manage.py stripe_demo_setup --site-url http://$(HOST):$(PORT); \
	echo "InnerWork demo: http://$(HOST):$(PORT)  (accounts in README.md)"; \
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

migrations-check: $(VENV)/.dev
	-createdb -h 127.0.0.1 -U postgres innerwork 2>/dev/null
	DATABASE_URL=$(TEST_DATABASE_URL) DJANGO_SETTINGS_MODULE=innerwork.settings.test $(PY) manage.py makemigrations --check --dry-run

pytest: $(VENV)/.dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadgroup --durations=25

test: lint migrations-check pytest

bench: $(VENV)/.dev
	$(PY) scripts/bench_pages.py
	$(PY) scripts/bench_commerce.py
	$(PY) scripts/bench_slots.py
	$(PY) scripts/bench_bookings.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
