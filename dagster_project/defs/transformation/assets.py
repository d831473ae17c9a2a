"""The dbt project as assets: seeds, staging, intermediate and marts; dbt tests become asset checks.

One dbt project and one manifest, run in two steps selected from it, because the Great Expectations asset
(defs/quality) sits between them: it reads the staging models, and the data-quality models read what it
writes (a dbt source whose meta names that asset).
"""

import json
import os
import shutil
import time
import uuid
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from dagster_project.defs.transformation.project import dbt_project
from dagster_project.defs.transformation.translator import WarehouseDbtTranslator
from dagster_project.lib.engine import spark, spark_night
from dagster_project.lib.engine.duckdb_limits import DuckDBLimits
from dagster_project.lib.resources import WarehouseResource

# every model, test and snapshot of the data-quality folder (its seed, the rules, is reference data)
DATA_QUALITY_SELECTION = "path:models/data_quality"
# dbt unit tests check the SQL against hand-made rows, not the night's data: they run in `make test`
# (tests/reports/test_kpi_hand_cases.py), not every night, where they were 29 s of dbt's work.
NIGHTLY_EXCLUDES = ["--exclude-resource-type", "unit_test"]
# dbt parses the whole project before it builds (10-25 s of a small council's 80 s night). dagster-dbt
# offers each invocation target/partial_parse.msgpack, but dbt throws it away when the profile differs, and
# the profile names the run's own working warehouse, so the first step always parses in full. The second
# step of the same run has the same profile: it starts from the parse the first step saved (kept in the
# run's workspace, which goes when the run publishes). dbt still checks every file against it.
PARTIAL_PARSE = "partial_parse.msgpack"
RECENT_TARGET_SECONDS = 3600


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, exclude=DATA_QUALITY_SELECTION,
            dagster_dbt_translator=WarehouseDbtTranslator())
def warehouse_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    point_dbt_at_working_warehouse(warehouse, context.run_id)
    prune_old_dbt_targets(Path(dbt_project.project_dir) / "target", "warehouse_dbt_models", keep=5)
    # --full-refresh: seeds are re-created, so a changed column type in a seed takes effect.
    engine_args = before_dbt_on_engine(warehouse, context, data_quality=False)
    invocation = dbt.cli(["build", "--full-refresh", *NIGHTLY_EXCLUDES, *engine_args], context=context)
    yield from invocation.stream()
    after_dbt_on_engine(warehouse, context, data_quality=False)
    parsed = invocation.target_path / PARTIAL_PARSE
    if parsed.exists():
        shutil.copyfile(parsed, warehouse.workspace(context.run_id).root / PARTIAL_PARSE)


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, select=DATA_QUALITY_SELECTION,
            name="data_quality_dbt_models", dagster_dbt_translator=WarehouseDbtTranslator())
def data_quality_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """Every data-quality rule as SQL, the findings and their history. No --full-refresh: the history in
    the tracking schema is incremental, carried from night to night (its models also say full_refresh=false)."""
    point_dbt_at_working_warehouse(warehouse, context.run_id)
    prune_old_dbt_targets(Path(dbt_project.project_dir) / "target", "data_quality_dbt_models", keep=5)
    target_path = (Path(dbt_project.project_dir) / "target"
                   / f"data_quality_dbt_models-{context.run_id[:7]}-{uuid.uuid4().hex[:7]}")
    parsed = warehouse.workspace(context.run_id).root / PARTIAL_PARSE
    if parsed.exists():
        target_path.mkdir(parents=True)
        shutil.copyfile(parsed, target_path / PARTIAL_PARSE)
    engine_args = before_dbt_on_engine(warehouse, context, data_quality=True)
    yield from dbt.cli(["build", *NIGHTLY_EXCLUDES, *engine_args], context=context, target_path=target_path).stream()
    after_dbt_on_engine(warehouse, context, data_quality=True)


def before_dbt_on_engine(warehouse: WarehouseResource, context: dg.AssetExecutionContext,
                         data_quality: bool) -> list[str]:
    """On Spark: the sources this step reads, from the run's DuckDB file into the night's own schemas
    (before the data-quality step also the findings history carried from the last night); returns dbt's
    extra arguments (the night's schema suffix). On DuckDB: nothing to do."""
    if warehouse.engine != "spark":
        return []
    if warehouse.encryption_key():
        raise dg.Failure(description=(
            "CLA_ENCRYPTION_KEY encrypts the embedded DuckDB warehouse; on Spark the tables are Parquet on the "
            "platform's storage, whose own encryption at rest applies (README, 'On Spark or Databricks'). Unset "
            "CLA_ENCRYPTION_KEY for CLA_ENGINE=spark."))
    manifest = json.loads(Path(dbt_project.manifest_path).read_text())
    path = warehouse.working_warehouse_path(context.run_id)
    sources = [(schema, table) for schema, table in spark.source_tables(manifest)
               if (schema == "data_quality") == data_quality]
    with spark.connect() as cursor:
        registered = spark_night.register_sources(path, sources, context.run_id, warehouse.output_path, cursor)
        carried = (spark_night.carry_tracking(path, spark_night.incremental_partitions(manifest), context.run_id,
                                              warehouse.output_path, cursor) if data_quality else [])
    context.log.info(f"Spark: {len(registered)} source table(s) registered as Parquet in the night's schemas "
                     f"(suffix {spark_night.run_suffix(context.run_id)})"
                     + (f"; {len(carried)} tracking table(s) carried from the last night" if data_quality else ""))
    return spark_night.dbt_vars(context.run_id)


def after_dbt_on_engine(warehouse: WarehouseResource, context: dg.AssetExecutionContext, data_quality: bool) -> None:
    """On Spark: every table and view the step built, written by Spark as Parquet and seen in the run's
    DuckDB file under its own name, so the Python stages after it read it as they do on DuckDB."""
    if warehouse.engine != "spark":
        return
    started = time.perf_counter()
    manifest = json.loads(Path(dbt_project.manifest_path).read_text())
    with spark.connect() as cursor:
        built = set(spark_night.night_relations(cursor, context.run_id, spark_night.NIGHT_SCHEMAS))
        relations = sorted(spark_night.step_relations(manifest, data_quality) & built)
        count = spark_night.mirror_into_duckdb(relations, context.run_id, warehouse.output_path,
                                               warehouse.working_warehouse_path(context.run_id), cursor)
    context.log.info(f"Spark: {count} table(s) written as Parquet and opened in the run's warehouse file "
                     f"in {time.perf_counter() - started:.1f} s")


def point_dbt_at_working_warehouse(warehouse: WarehouseResource, run_id: str) -> None:
    """dbt runs as a subprocess and finds the warehouse file through profiles.yml's CLA_WAREHOUSE_PATH: the
    run's working copy, never the published warehouse. DuckDB's memory limit and spill folder come the same
    way (lib/engine/duckdb_limits.py); the spill folder is in the run's workspace, gone when the run ends."""
    path = warehouse.working_warehouse_path(run_id)
    os.environ["CLA_WAREHOUSE_PATH"] = str(path)
    os.environ.update(DuckDBLimits.from_environment().dbt_environment(path.parent / "duckdb_spill"))


def prune_old_dbt_targets(target: Path, step: str, keep: int) -> None:
    """dagster-dbt gives every invocation its own target folder (logs, compiled SQL, 10-20 MB): keep the
    newest few of a step, or a year of nights fills the disk. A folder touched in the last hour is kept
    whatever its rank: it may belong to a run still going (a sensor's run beside the schedule's, or a test
    worker beside another), whose dbt would lose its files mid-build."""
    now = time.time()
    runs = sorted(target.glob(f"{step}-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in runs[keep:]:
        if now - old.stat().st_mtime > RECENT_TARGET_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
