# Two commands matter: `make demo` and `make test`. Both set up .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# a second, small venv with SQLAlchemy 1.4 (what Apache Superset pins) and duckdb-engine: the
# tests run BI tools' query path through it (pyproject.toml's dependency group bi-sqlalchemy14)
BI_VENV := .venv-bi
BI_STAMP := $(BI_VENV)/.installed
# no PREFECT_HOME here: every `ingest` command keeps Prefect beside the feed state
# (warehouse/state/prefect), so `make demo`'s runs show in `ingest serve`'s UI
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1

.PHONY: demo test check explore lint format types bench clean setup browser postgres bi-venv dask \
	table-formats

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(MAKE) --no-print-directory browser postgres
	touch $(STAMP)

setup: $(STAMP) $(BI_STAMP)

$(BI_STAMP): pyproject.toml
	test -x $(BI_VENV)/bin/python || $(PYTHON) -m venv $(BI_VENV)
	$(BI_VENV)/bin/python -m pip install --quiet --upgrade 'pip>=25.1'
	$(BI_VENV)/bin/python -m pip install --quiet --group pyproject.toml:bi-sqlalchemy14
	touch $(BI_STAMP)

bi-venv: $(BI_STAMP)

## headless Chromium from Debian's packages, for the tests of what a person looks at (as root)
browser:
	command -v chromium >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

## Debian's PostgreSQL server, for the tests of several writers and workers (as root; the tests
## start a throwaway cluster of their own: tests/support/postgres.py)
postgres:
	ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)

## the main job on the bundled, real captured feeds, then a short tour of the results
demo: $(STAMP)
	$(BIN)/ingest demo

## the whole check: format, lint, types, tests (what CI runs)
# two workers (pytest-xdist), one test module each at a time (module fixtures stay whole), since
# many tests wait on servers, heartbeats and subprocesses; the 25 slowest are listed at the end
test: $(STAMP) $(BI_STAMP) lint types
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --durations=25

check: test

## the property tests with fresh random examples (make test uses a fixed seed, to be repeatable)
explore: $(STAMP)
	$(BIN)/python -m pytest -q -o addopts="-ra --strict-markers" -p no:cacheprovider \
	  $$(grep -rl "from hypothesis" tests --include="test_*.py")

lint: $(STAMP)
	$(BIN)/ruff format --check src tests flows benchmarks scripts
	$(BIN)/ruff check src tests flows benchmarks scripts

format: $(STAMP)
	$(BIN)/ruff format src tests flows benchmarks scripts
	$(BIN)/ruff check --fix src tests flows benchmarks scripts

types: $(STAMP)
	$(BIN)/mypy

## prefect-dask, dask, distributed (pyproject.toml's dependency group `dask`) into .venv, for
## `benchmarks/bench_workers.py --dask` only: the pipeline does not use them
dask: $(STAMP)
	$(BIN)/python -m pip install --quiet --group pyproject.toml:dask

bench: $(STAMP) table-formats
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf warehouse/data warehouse/state warehouse/*.duckdb .prefect

## Iceberg and Delta Lake beside the store's DuckLake, for benchmarks/bench_table_formats.py only
## (pyproject.toml's dependency group table-formats; never needed by the package or its tests)
table-formats: $(STAMP)
	$(BIN)/python -m pip install --quiet --group pyproject.toml:table-formats
