# Two commands matter: `make demo` and `make test`. Everything else is what they call.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Glue 5.1 runs Python 3.11: python3.11, else a python3 that is 3.11 (checked below).
PYTHON   ?= $(or $(firstword $(shell command -v python3.11 python3 2>/dev/null)),python3.11)
VENV     := .venv
BIN      := $(VENV)/bin
JARS_DIR := .jars
LAKE     ?= lake/demo
# pytest workers for `make test` (each its own SparkSession; a test file stays on one worker).
TEST_WORKERS ?= 2
# The demo's own PII key; real runs take it from the environment or Secrets Manager.
DEMO_PII_KEY := demo-key-not-for-production
DEMO_QUERY := SELECT tenant_id, scope, ROUND(SUM(total_kg_co2e) / 1000, 3) AS tonnes_co2e, SUM(record_count) AS activities FROM gluelake_dev_gold.emissions_monthly WHERE year = 2025 AND month = 7 GROUP BY tenant_id, scope ORDER BY tenant_id, scope
.PHONY: help setup venv jars demo test lint fmt typecheck ddl bench bench-gates clean lock docker-demo docker-test

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: venv jars  ## virtual environment + JVM jars (idempotent)

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Glue 5.1 runs Python 3.11); set PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { echo "error: $(PYTHON) is not Python 3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

jars: $(JARS_DIR)/.fetched
$(JARS_DIR)/.fetched: jvm/pom.xml
	@java -version 2>&1 | grep -q 'version "17' || { echo "error: Java 17 is required (Glue 5.1 runs Java 17; found: $$(java -version 2>&1 | head -1)): apt-get install openjdk-17-jre-headless"; exit 1; }
	@command -v mvn >/dev/null || { echo "error: Maven is required to fetch the Delta and hadoop-aws jars: apt-get install maven"; exit 1; }
	mvn --batch-mode --quiet -f jvm/pom.xml dependency:copy-dependencies
	@touch $@

# Jobs run with `gluelake submit`: the one definition of the spark-submit command line
# (jars, driver options, interpreter), the same one README shows for a plain shell.
demo: setup  ## generate sample data, run raw→bronze→silver→gold with spark-submit, print a gold result
	rm -rf $(LAKE)
	$(BIN)/gluelake generate --lake-root $(LAKE) --seed 7 --activities 5000
	for ds in emission_factors emissions assessments; do \
	  GLUELAKE_PII_KEY=$(DEMO_PII_KEY) $(BIN)/gluelake submit raw_to_bronze --dataset $$ds --lake-root $(LAKE) || exit 1; \
	done
	for ds in emissions assessments; do \
	  $(BIN)/gluelake submit bronze_to_silver --dataset $$ds --lake-root $(LAKE) || exit 1; \
	  $(BIN)/gluelake submit silver_to_gold --dataset $$ds --lake-root $(LAKE) || exit 1; \
	done
	$(BIN)/gluelake athena lint --lake-root $(LAKE)
	@echo "Gold: emissions by tenant and scope, July 2025 (Athena SQL, run locally):"
	@$(BIN)/gluelake query "$(DEMO_QUERY)" --lake-root $(LAKE) --limit 50

# Projection settings are linted statically here; partition directories are linted by the
# tests on lakes they generate (a lake left on this machine must not change the result).
test: setup  ## lint, type-check, static contract/suite/DDL checks, then the test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/gluelake check
	$(BIN)/gluelake athena ddl --check
	$(BIN)/gluelake athena lint --no-lake
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --durations=15  # the slowest, to keep the suite in budget

# The same targets inside the project's Glue 5.1-parity image (docker/Dockerfile); the image
# is rebuilt from the working tree first. Needs Docker with the compose plugin.
DOCKER_COMPOSE ?= docker compose
GIT_COMMIT = $(shell git rev-parse --short=7 HEAD 2>/dev/null || echo docker)

docker-demo:  ## make demo inside the project's Docker image (the lake lands in ./lake)
	GLUELAKE_COMMIT=$(GIT_COMMIT) $(DOCKER_COMPOSE) run --build --rm demo

docker-test:  ## make test inside the project's Docker image
	GLUELAKE_COMMIT=$(GIT_COMMIT) $(DOCKER_COMPOSE) run --build --rm test

lint:  ## ruff lint + format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt:  ## apply ruff formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck:  ## mypy on src/ and the import layers
	$(BIN)/mypy
	$(BIN)/lint-imports

ddl: setup  ## regenerate athena/ddl/<database>/<table>.sql from the contracts
	$(BIN)/gluelake athena ddl

# Benchmarks are measurements, never part of `make test` (a smoke size of the harness is).
SIZES ?= 200000 1000000
REPS  ?= 2
bench: setup  ## gluelake vs bare PySpark, naive Glue, DuckDB, floor (SIZES="200000 1000000 3000000" REPS=2)
	$(BIN)/python bench/run.py --sizes $(SIZES) --reps $(REPS)

bench-gates: setup  ## quality-gate cost per stage on generated data (ROWS=1000000)
	$(BIN)/python bench/gate_bench.py --rows $(or $(ROWS),1000000)

lock:  ## re-resolve constraints.txt from pyproject.toml in a scratch venv
	rm -rf .tmp/lockvenv && $(PYTHON) -m venv .tmp/lockvenv
	.tmp/lockvenv/bin/pip install --quiet '.[dev]'
	.tmp/lockvenv/bin/pip freeze --exclude gluelake | sort -f > constraints.txt

clean:  ## remove generated lakes and temp files (keeps .venv and .jars)
	rm -rf lake .tmp spark-warehouse metastore_db derby.log
