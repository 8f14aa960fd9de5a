# The two commands of the README: `make demo` and `make test`. Everything they need is
# installed from here (virtual environment, PostgreSQL from Debian's packages).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: help install demo test test-fast lint format postgres postgres-stop seed-bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the project with its dev tools

demo: install  ## fresh SQLite demo database, seeded, served on 127.0.0.1:8000
	$(BIN)/anzexian demo

lint: install  ## ruff and mypy, as CI runs them
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

postgres:  ## start (installing if needed) the PostgreSQL the tests use
	deploy/postgres.sh start

postgres-stop:
	deploy/postgres.sh stop

test: install lint  ## the whole suite on SQLite and PostgreSQL, FTS5 and OpenSearch (starts both servers)
	pg="$$(deploy/postgres.sh start)" && os="$$(deploy/opensearch.sh start)" && \
	ANZEXIAN_TEST_PG_URL="$$pg" ANZEXIAN_TEST_OPENSEARCH_URL="$$os" $(BIN)/pytest $(PYTEST_ARGS)

test-fast: install  ## the suite on SQLite only, for quick local runs (never in CI)
	$(BIN)/pytest $(PYTEST_ARGS)

seed-bench: install  ## the >= 1,000,000-record bench data set into PostgreSQL database anzexian_bench
	$(BIN)/anzexian seed --scale bench --seed 1 --database-url "$$(deploy/postgres.sh database anzexian_bench)"

clean:
	rm -rf $(VENV) var build *.egg-info .mypy_cache .ruff_cache .pytest_cache
