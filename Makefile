# OpenOCS — the two commands are `make run` and `make test`; CI runs `make check`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
INSTALLED := $(VENV)/.installed
OCS_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
COVERAGE_GATE := 88

.PHONY: help install run test test-distributed test-image test-sqlite test-postgres check lint format typecheck imports lock bench docs release clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(INSTALLED): requirements/lock.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "OpenOCS needs Python 3.11 or newer")'
	@test -x $(BIN)/python || { echo "==> Creating the virtual environment $(VENV)…"; $(PYTHON) -m venv $(VENV); }
	@echo "==> Installing the pinned dependencies into $(VENV) (the first time takes a few minutes)…"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements/lock.txt -e .
	@touch $@
	@echo "==> Installed. The command line is $(BIN)/ocs (also $(BIN)/openocs)."

install: $(INSTALLED) ## Create .venv and install the pinned dependencies

run: $(INSTALLED) ## Set up and start the whole system on http://127.0.0.1:8000 (OCS_PORT to change)
	@$(BIN)/ocs up

CHROMIUM ?= $(or $(OCS_CHROMIUM),/usr/bin/chromium)

test: $(INSTALLED) ## Run the tests on SQLite, then the database tests on PostgreSQL if it answers
	@if [ -x "$(CHROMIUM)" ]; then echo "Browser tests: running in $(CHROMIUM)"; \
	elif [ -n "$(OCS_REQUIRE_BROWSER)" ]; then echo "Browser tests: no Chromium at $(CHROMIUM), and OCS_REQUIRE_BROWSER is set: they will fail"; \
	else echo "Browser tests: SKIPPED, no Chromium at $(CHROMIUM) (apt-get install chromium, or set OCS_CHROMIUM)"; fi
	OCS_TEST_DATABASE_URL= $(BIN)/pytest -n 2 -q $(PYTEST_ARGS)
	@if OCS_TEST_DATABASE_URL="$(OCS_TEST_DATABASE_URL)" $(BIN)/python -m openocs.server.dbcheck; then \
		echo "Running the database tests on PostgreSQL ($(OCS_TEST_DATABASE_URL))"; \
		OCS_TEST_DATABASE_URL="$(OCS_TEST_DATABASE_URL)" $(BIN)/pytest -n 2 -q -m "database and not browser" $(PYTEST_ARGS) $(if $(findstring --cov,$(PYTEST_ARGS)),--cov-append,); \
	else \
		echo "PostgreSQL does not answer at $(OCS_TEST_DATABASE_URL): database tests ran on SQLite only"; \
	fi

test-distributed: $(INSTALLED) ## Every component its own process on PostgreSQL, Redis and S3 (CI)
	$(BIN)/pytest -n 0 -q -m distributed tests/distributed $(PYTEST_ARGS)

test-image: $(INSTALLED) ## Build the container image and start migrate/web/worker/scheduler (CI; Docker)
	tools/image_smoke.sh $(PYTEST_ARGS)

format: $(INSTALLED) ## Format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lint: $(INSTALLED) ## Format check and lint
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(INSTALLED) ## mypy (strict for the libraries)
	$(BIN)/mypy openocs $(wildcard benchmarks/*.py)

imports: $(INSTALLED) ## Component boundaries (import-linter)
	$(BIN)/lint-imports

check: lint typecheck imports docs ## What CI runs: lint, types, boundaries, docs, tests with coverage gate
	$(MAKE) test PYTEST_ARGS="--cov --cov-report=term:skip-covered --cov-fail-under=0"
	$(BIN)/coverage report --fail-under=$(COVERAGE_GATE) > /dev/null || { $(BIN)/coverage report | tail -n 1; echo "Coverage is below the gate of $(COVERAGE_GATE)%"; exit 1; }
	@$(BIN)/coverage report | grep "^TOTAL"

lock: ## Recompile requirements/lock.txt from pyproject.toml
	$(BIN)/uv pip compile pyproject.toml --all-extras --python-version 3.11 -o requirements/lock.txt

bench: $(INSTALLED) ## Run the benchmarks (prints figures; see benchmarks/RESULTS.md)
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

docs: $(INSTALLED) ## Regenerate the API reference, then build the docs site (site/) with --strict
	$(BIN)/python -m openocs.server.apidocs docs/reference/api
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

release: $(INSTALLED) ## Check the changelog and versions, build the wheel (and image), tag (CONTRIBUTING.md)
	$(BIN)/python tools/release.py $(RELEASE_ARGS)

clean: ## Remove the virtual environment, caches and local data
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
