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
	@echo "Installing dependencies into $(VENV) (the first time takes a minute)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install -q -r requirements-dev.txt
	touch $@

# `make run PORT=8300 EMULATOR_PORT=12300`: the site and the Stripe emulator on ports of your choice.
# SITE_URL (links in e-mails, certificates, Stripe's return URLs) follows PORT unless SITE_URL is given
# here or in .env; EMULATOR_PORT moves the emulator unless .env sets STRIPE_API_HOST (e.g. real Stripe).
# One line of progress per step; the demo's e-mails written while seeding go to $(DEMO_MAIL)/ (files),
# the ones the running site sends are printed on the console. Stopping the server stops the emulator.
DEMO_MAIL ?= .demo-mail

run: $(VENV)/.runtime
	@set -e; \
	export EMULATOR_PORT=$(EMULATOR_PORT); \
	site_url="$${SITE_URL:-$$(sed -n 's/^SITE_URL=//p' .env 2>/dev/null | tail -1)}"; \
	export SITE_URL="$${site_url:-http://$(HOST):$(PORT)}"; \
	if $(PY) scripts/port_in_use.py $(HOST) $(PORT); then \
		echo "Port $(PORT) is already in use: stop what runs there, or choose another with make run PORT=…" >&2; exit 1; \
	fi; \
	emulator_port="$$($(PY) manage.py stripe_demo_setup --emulator-port)"; \
	if [ -n "$$emulator_port" ]; then \
		if $(PY) scripts/port_in_use.py 127.0.0.1 "$$emulator_port"; then \
			echo "Port $$emulator_port (the Stripe emulator) is already in use by another process: stop it, or" \
				"choose another with make run EMULATOR_PORT=…" >&2; exit 1; \
		fi; \
		echo "[1/4] Starting the Stripe emulator on http://127.0.0.1:$$emulator_port/_emulator/ (log: $(EMULATOR_DATA)/emulator.log)"; \
		mkdir -p $(EMULATOR_DATA); \
		$(PY) -m stripe_emulator --port "$$emulator_port" --data-dir $(EMULATOR_DATA) >>$(EMULATOR_DATA)/emulator.log 2>&1 & \
		emulator_pid=$$!; \
		trap 'kill $$emulator_pid 2>/dev/null || true' EXIT; \
		trap 'exit 130' INT TERM; \
	else \
		echo "[1/4] Real Stripe (STRIPE_API_HOST is empty): no emulator"; \
	fi; \
	step=$$SECONDS; \
	echo "[2/4] Migrating the database (about a minute the first time on a quiet machine: dj-stripe's migrations rebuild SQLite tables)"; \
	$(PY) manage.py migrate --noinput -v 0; \
	echo "      migrated in $$((SECONDS - step)) s"; step=$$SECONDS; \
	echo "[3/4] Seeding the demo (courses, mentors, coaches, paid orders; e-mails to $(DEMO_MAIL)/)"; \
	LOG_LEVEL=WARNING EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH=$(DEMO_MAIL) \
		$(PY) manage.py seed_demo; \
	echo "      seeded in $$((SECONDS - step)) s"; step=$$SECONDS; \
	echo "[4/4] Registering the webhook endpoint for $$SITE_URL"; \
	$(PY) manage.py stripe_demo_setup --site-url "$$SITE_URL"; \
	echo "      registered in $$((SECONDS - step)) s (all steps: $$SECONDS s)"; \
	echo "InnerWork demo: $$SITE_URL  (accounts above and in README.md; Ctrl-C stops it)"; \
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
