# Two commands on a fresh machine with only Python and pip: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DBT_PROFILES_DIR := $(CURDIR)
export DO_NOT_TRACK := 1

.PHONY: setup build refresh check report test lint bench clean demo docs spark

setup: $(STAMP)
	@mkdir -p warehouse/work warehouse/tmp reports

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev,spark]'
	touch $(STAMP)

## Build the warehouse on DuckDB with the demo data, run the Great Expectations checks, publish.
build: setup
	$(BIN)/python -m commops.build

## The same from scratch: after exports changed instead of growing (the row balance fails), or
## after changing active_event_types.
refresh: setup
	$(BIN)/python -m commops.build --full-refresh

## Run the Great Expectations suites against the working file (COMMOPS_DUCKDB_PATH; the
## published one holds the marts only, the raw and staging suites read the working file).
check: setup
	$(BIN)/python -m commops.gx_run

## The offline report, reports/commops.html, from the published warehouse (make build writes it
## too): one file with every script, style and number inside, that opens with the network off.
report: setup
	$(BIN)/python -m commops.report

## Lint (ruff, sqlfluff) and run every test.
test: setup lint
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check commops pytests
	$(BIN)/ruff format --check commops pytests
	COMMOPS_DUCKDB_PATH=warehouse/lint.duckdb $(BIN)/dbt seed --quiet --select "raw_*" channel_map cost_category_map fx_rates segment_bands
	COMMOPS_DUCKDB_PATH=warehouse/lint.duckdb $(BIN)/sqlfluff lint models

## Benchmark at a given scale: make bench MEMBERS=1000000
MEMBERS ?= 100000
bench: setup
	$(BIN)/python -m commops.bench --members $(MEMBERS)

## Regenerate the demo export that ships in seeds/demo.
demo: setup
	$(BIN)/python -c "from commops.generate import regenerate_demo; regenerate_demo()"

## The demo on local Spark (Java 17 or 21): load the raw tables, dbt build --target spark.
spark: setup
	$(BIN)/python -m commops.spark_load build

## The dbt docs site as one self-contained file that opens from file:// with no network
## (descriptions, lineage; column types come from the working file, so run after `make build`).
docs: setup
	$(BIN)/dbt docs generate --static
	cp target/static_index.html reports/dbt_docs.html
	@echo "dbt docs: reports/dbt_docs.html"

clean:
	rm -rf target logs warehouse reports dbt_packages
