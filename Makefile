# The two commands of the README: `make demo` and `make test`. Everything they need is
# installed from here (virtual environment, PostgreSQL from Debian's packages).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: help install report-fonts web-vendor browser demo test test-cluster test-fast lint format postgres postgres-stop seed-bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) report-fonts web-vendor  ## create .venv and install the project with its dev tools

# Apache ECharts for the dashboard's charts, from the npm registry at install time (issue 7):
# only its single dist file is unpacked into web/static/vendor/ (git-ignored, never committed).
ECHARTS_VERSION := 5.6.0
ECHARTS := web/static/vendor/echarts.min.js
web-vendor: $(ECHARTS)
$(ECHARTS):
	mkdir -p web/static/vendor .cache/npm
	cd .cache/npm && npm pack --silent echarts@$(ECHARTS_VERSION) >/dev/null
	tar -xzf .cache/npm/echarts-$(ECHARTS_VERSION).tgz -C web/static/vendor --strip-components=2 package/dist/echarts.min.js
	test -s $(ECHARTS)

browser:  ## Debian's chromium for the page tests (tests/web/)
	deploy/browser.sh >/dev/null

report-fonts:  ## the CJK font the PDF evaluation reports embed (Debian's fonts-wqy-microhei)
	deploy/report-fonts.sh

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

test: install lint browser  ## the whole suite on SQLite and PostgreSQL, FTS5 and OpenSearch (starts both servers), then test-cluster
	pg="$$(deploy/postgres.sh start)" && os="$$(deploy/opensearch.sh start)" && \
	ANZEXIAN_TEST_PG_URL="$$pg" ANZEXIAN_TEST_OPENSEARCH_URL="$$os" $(BIN)/pytest --ignore=tests/cluster $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-cluster

# Scale-out (issue 8): two gateway processes on one PostgreSQL database and a three-node
# OpenSearch cluster of local processes (deploy/opensearch-cluster.sh, ports 9221-9223), which
# is stopped afterwards whatever the result; nginx from Debian's package runs deploy/nginx.conf
# in front of two gateways (deploy/nginx.sh); -s shows the figures the tests print.
test-cluster: install  ## the scale-out tests (tests/cluster/): 2 gateways, 3 OpenSearch nodes, nginx, kills
	deploy/nginx.sh install >/dev/null && \
	pg="$$(deploy/postgres.sh start)" && urls="$$(deploy/opensearch-cluster.sh start)" && \
	ANZEXIAN_TEST_PG_URL="$$pg" $(BIN)/pytest -s tests/cluster; \
	status=$$?; deploy/opensearch-cluster.sh stop; exit $$status

test-fast: install browser  ## the suite on SQLite only, for quick local runs (never in CI)
	$(BIN)/pytest $(PYTEST_ARGS)

seed-bench: install  ## the >= 1,000,000-record bench data set into PostgreSQL database anzexian_bench
	$(BIN)/anzexian seed --scale bench --seed 1 --database-url "$$(deploy/postgres.sh database anzexian_bench)"

clean:
	rm -rf $(VENV) var build web/static/vendor *.egg-info .mypy_cache .ruff_cache .pytest_cache
