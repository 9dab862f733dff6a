# Gestor: `make demo` runs the demo, `make test` runs every test. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test test-fast lint format messages bench worker clean

$(PY):
	@echo "==> Creating the Python environment in $(VENV)/ ..."
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: pyproject.toml constraints.txt | $(PY)
	@echo "==> Installing Gestor's dependencies (about a minute the first time) ..."
	$(PIP) install --quiet -c constraints.txt .
	@touch $@

$(VENV)/.dev: pyproject.toml constraints.txt $(VENV)/.runtime
	@echo "==> Installing the development tools (tests, lint) ..."
	$(PIP) install --quiet -c constraints.txt ".[dev]"
	@touch $@

PORT ?= 8000

demo: $(VENV)/.runtime  ## Run Gestor with demo data on http://127.0.0.1:8000 (PORT=…)
	@echo "==> Preparing the database in var/ (migrations) ..."
	$(PY) manage.py migrate --noinput
	@echo "==> Loading the demo organizations, users and products ..."
	$(PY) manage.py demo_seed
	@echo "Gestor is starting on http://127.0.0.1:$(PORT) (e-mails land in var/mail/ as .eml files)."
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# PostgreSQL-only tests (marker "postgres") run when DATABASE_URL points to
# PostgreSQL; on the embedded SQLite they are deselected, not skipped.
ifeq ($(findstring postgres,$(DATABASE_URL)),)
TEST_MARKERS ?= not postgres
else
TEST_MARKERS ?=
endif
# One process by default; TEST_WORKERS=2 (or auto) spreads the tests over
# processes with pytest-xdist (measured slower on a busy two-core machine).
TEST_WORKERS ?= 0

test: $(VENV)/.dev  ## Run the whole test suite (DATABASE_URL picks the database)
	$(PY) -m pytest -n $(TEST_WORKERS) $(if $(TEST_MARKERS),-m "$(TEST_MARKERS)") $(PYTEST_ARGS)

lint: $(VENV)/.dev  ## ruff (lint and format check), mypy and the layers contract
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(VENV)/.dev  ## Extract strings (needs gettext) and compile every catalog
	$(PY) scripts/messages.py

bench: $(VENV)/.runtime  ## Pages small/large, queries, throughput, money (PostgreSQL, gunicorn) → docs/benchmarks.md
	$(PY) scripts/bench.py $(BENCH_ARGS)

worker: $(VENV)/.runtime  ## A Celery worker with beat (production-like; needs Redis)
	CELERY_TASK_ALWAYS_EAGER=0 $(VENV)/bin/celery -A gestor worker -B --loglevel=INFO

clean:
	rm -rf $(VENV) var
