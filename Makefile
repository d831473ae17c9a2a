# The whole developer interface. `make run` and `make test` work on a fresh machine with Python 3.11:
# they install uv if it is missing, then everything else from the lock file.

SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
SCALE ?= 1 10 50
# `ENGINE=spark make bench`: the dbt project timed on a local Spark Thrift server (tests/tooling/bench_spark.py)
ENGINE ?= duckdb
PYTEST_ARGS ?=
# two pytest-xdist workers: one test process kept a 2-core machine about half idle (49 min of wall time for 55
# of CPU), waiting on dbt, the validator and the Spark server. tests/conftest.py groups the tests so that a
# module's or a shared build's fixtures are made once. PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= 2

.PHONY: install java run test dev bench docs manifest lint clean mappings

# --compile-bytecode: Python's bytecode is compiled once at install. Where Python may not write it
# (PYTHONDONTWRITEBYTECODE, read-only installs) every process compiled dagster, dbt, pandas and Great
# Expectations again: measured 6.3 s of CPU per process importing them, 3.1 s with the bytecode, and a
# night starts dozens (dbt, Dagster's steps, the validator).
install:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@$(UV) sync --frozen --quiet --compile-bytecode
	@command -v java >/dev/null 2>&1 || $(MAKE) --no-print-directory java
	@$(MAKE) --no-print-directory manifest

# Java 17 runs the local Spark Thrift server of the cross-engine tests (tests/spark). Debian's package; on a
# machine where apt-get is not allowed, install a Java 17 runtime by hand (only the Spark tests need it).
java:
	@echo "Installing Java 17 from Debian for the Spark tests (openjdk-17-jre-headless)..."
	@(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null) \
		|| echo "Could not install Java 17: the Spark tests will fail until a Java 17 runtime is on PATH."

# dbt_models/target/manifest.json: what Dagster reads to turn the dbt project into assets.
manifest:
	@mkdir -p $(DAGSTER_HOME)
	@test -f $(DAGSTER_HOME)/dagster.yaml || cp dagster_project/instance/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	@$(UV) run --frozen python -m dagster_project.defs.transformation.project

# `make run ACKNOWLEDGE_CHANGES=1`: publish a night that would be held (many children or rows vanished)
run: install
	@$(UV) run --frozen python -m dagster_project.run $(if $(ACKNOWLEDGE_CHANGES),--acknowledge-changes)

test: install lint
	@$(UV) run --frozen pytest $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadscope --no-loadscope-reorder) $(PYTEST_ARGS)

dev: install
	@$(UV) run --frozen dagster dev -w workspace.yaml

bench: install
	@case "$(ENGINE)" in \
		duckdb) SCALE="$(SCALE)" $(UV) run --frozen python -m tests.tooling.bench ;; \
		spark) SCALE="$(SCALE)" $(UV) run --frozen python -m tests.tooling.bench_spark ;; \
		*) echo "ENGINE=$(ENGINE): choose duckdb or spark"; exit 2 ;; \
	esac

# the local values the warehouse cannot map yet, with suggestions, and where the worksheet is
mappings: install
	@$(UV) run --frozen python -m dagster_project.mappings

docs: install
	@$(UV) run --frozen python -m dagster_project.docs

# ruff on the Python, sqlfluff (DuckDB dialect, dbt templater; .sqlfluff) on the dbt models. dbt compiles
# the models against an in-memory database, so linting never touches a warehouse.
lint: install
	@$(UV) run --frozen ruff check dagster_project tests
	@CLA_WAREHOUSE_PATH=:memory: $(UV) run --frozen sqlfluff lint dbt_models/models --processes 2

clean:
	rm -rf output landing .dagster_home dbt_models/target dbt_models/logs .pytest_cache
