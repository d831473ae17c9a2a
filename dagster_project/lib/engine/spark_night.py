"""The night on Spark (CLA_ENGINE=spark): what the Dagster steps do around dbt so that every other stage
runs unchanged on both engines.

- Each night builds into schemas of its own on the Spark server: `<schema><suffix>` (suffix `_r` and the
  first 8 hex digits of the run id; dbt's `generate_schema_name` and the sources read the dbt var
  `cla_run_suffix`). Nothing a reader uses is touched while the night runs.
- Ingestion reads and checks the extract with DuckDB as on the embedded engine; the raw and configuration
  tables are then written as Parquet and registered in the night's `raw<suffix>` / `configuration<suffix>`
  (lib/engine/spark.py), and the Great Expectations failures in `data_quality<suffix>` before the
  data-quality models. The findings history (the tracking schema) is carried from the published night the
  same way as on DuckDB: the run's working file starts with the published tracking tables, and they are
  written into `tracking<suffix>` with the partitioning the incremental models use on Spark.
- After each dbt step Spark writes every table and view it built as Parquet
  (`<output>/engine/spark/<suffix>/<schema>/<table>/`) and the run's working DuckDB file gets a view of the
  same name over it (`marts.fct_x` -> `read_parquet(...)`): the Python stages (Great Expectations, the
  returns, the report, the exports, the pseudonymised analyst copy, publication) read the engine's results
  through the same connection as on DuckDB, without copying them.
- Publication repoints one view per table on Spark (`marts.fct_x` -> `marts_r1a2b3c4d.fct_x`) and then
  publishes the DuckDB file of views as on DuckDB. Spark's Hive metastore has no transaction across
  views: for the seconds the repointing takes, a reader on Spark can see some tables of the new night and
  some of the last (Delta with Unity Catalog, or a single-view switch, would close that gap). Each
  publication drops the Spark schemas and Parquet folders of every night but this one and the one before
  (which readers of the previous DuckDB file may still have open).

Table and column names only ever reach logs: the rows stay on the server and in the Parquet folders.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

import duckdb

# the schemas a night builds on Spark (dbt's layers and seeds, and the sources Python writes)
NIGHT_SCHEMAS = ("raw", "configuration", "data_quality", "reference", "staging", "intermediate", "marts",
                 "tracking")
SUFFIX_PATTERN = re.compile(r"^(?P<schema>[a-z_]+?)(?P<suffix>_r[0-9a-f]{8})$")
PUBLISHED_MARKER = "published_night.txt"


def run_suffix(run_id: str) -> str:
    """`_r` and the first 8 hex digits of a Dagster run id: schema names stay short and unique per night."""
    digits = run_id.replace("-", "").lower()[:8]
    if not re.fullmatch(r"[0-9a-f]{8}", digits):
        raise ValueError("a Dagster run id starts with 8 hex digits")
    return f"_r{digits}"


def dbt_vars(run_id: str) -> list[str]:
    return ["--vars", json.dumps({"cla_run_suffix": run_suffix(run_id)})]


def parquet_root(output_dir: Path) -> Path:
    return Path(output_dir) / "engine" / "spark"


def _write_and_register(source: duckdb.DuckDBPyConnection, schema: str, table: str, folder: Path,
                        database: str, cursor, partitioned_by: list[str] | None = None) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    source.execute(f'copy (select * from "{schema}"."{table}") to \'{folder / "part-0.parquet"}\' (format parquet)')
    cursor.execute(f"create database if not exists {database}")
    cursor.execute(f"drop table if exists {database}.{table}")
    if partitioned_by:
        # an incremental model's table must have the partitioning dbt gives it on Spark (insert_overwrite
        # replaces partitions), which a folder of plain Parquet files does not have: copied, not pointed at
        cursor.execute(f"create table {database}.{table} using parquet partitioned by ({', '.join(partitioned_by)}) "
                       f"as select * from parquet.`{folder}`")
    else:
        cursor.execute(f"create table {database}.{table} using parquet location '{folder}'")


def register_sources(duckdb_path: Path, tables: Iterable[tuple[str, str]], run_id: str, output_dir: Path,
                     cursor) -> list[str]:
    """The (schema, table) sources present in the run's DuckDB file, as Parquet tables in the night's
    schemas on Spark. A source a later step writes (the GX failures before that step) is skipped."""
    suffix = run_suffix(run_id)
    root = parquet_root(output_dir) / suffix / "sources"
    registered = []
    source = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        present = _tables_of(source)
        for schema, table in tables:
            if (schema, table) in present:
                _write_and_register(source, schema, table, root / schema / table, schema + suffix, cursor)
                registered.append(f"{schema}{suffix}.{table}")
    finally:
        source.close()
    return registered


def carry_tracking(duckdb_path: Path, partitions: dict[str, list[str]], run_id: str, output_dir: Path,
                   cursor) -> list[str]:
    """The findings history the run's DuckDB file started with (copied from the published night) into
    `tracking<suffix>`, partitioned as the incremental models are on Spark (`partitions`: table -> columns,
    from the manifest), so dbt adds tonight's keys to it instead of starting the history again."""
    suffix = run_suffix(run_id)
    root = parquet_root(output_dir) / suffix / "carried"
    carried = []
    source = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        for schema, table in sorted(_tables_of(source)):
            if schema == "tracking" and table in partitions:
                _write_and_register(source, schema, table, root / table, "tracking" + suffix, cursor,
                                    partitioned_by=partitions[table])
                carried.append(table)
    finally:
        source.close()
    return carried


def _tables_of(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    return set(con.execute("select table_schema, table_name from information_schema.tables").fetchall())


def step_relations(manifest: dict, data_quality: bool) -> set[tuple[str, str]]:
    """(schema, table) of the seeds and models one dbt step builds (the data-quality folder, or the rest),
    without the night's suffix, from the manifest Dagster loaded."""
    relations = set()
    for node in manifest["nodes"].values():
        if node["resource_type"] not in ("model", "seed") or node["config"].get("materialized") == "ephemeral":
            continue
        in_data_quality = node["original_file_path"].startswith("models/data_quality/")
        if in_data_quality == data_quality:
            relations.add((node["schema"], node.get("alias") or node["name"]))
    return relations


def incremental_partitions(manifest: dict) -> dict[str, list[str]]:
    """The tracking tables (incremental models) and the columns each is partitioned by on Spark: its
    unique key (the models partition by it there; the manifest Dagster loads is parsed for DuckDB, where
    `partition_by` is not set)."""
    partitions = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["config"].get("materialized") == "incremental":
            key = node["config"].get("unique_key")
            partitions[node.get("alias") or node["name"]] = [key] if isinstance(key, str) else list(key)
    return partitions


def night_relations(cursor, run_id: str, schemas: Iterable[str]) -> list[tuple[str, str]]:
    """(schema, table) of every table and view the night has on Spark in the given schemas."""
    suffix = run_suffix(run_id)
    cursor.execute("show databases")
    databases = {row[0] for row in cursor.fetchall()}
    found = []
    for schema in schemas:
        if schema + suffix not in databases:
            continue
        cursor.execute(f"show tables in {schema}{suffix}")
        # rows: (database, tableName, isTemporary)
        found += [(schema, row[1]) for row in cursor.fetchall() if not row[2]]
    return sorted(found)


def mirror_into_duckdb(relations: Iterable[tuple[str, str]], run_id: str, output_dir: Path,
                       duckdb_path: Path, cursor) -> int:
    """Spark writes each relation of the night as Parquet; the run's DuckDB file gets a view of the same
    name over it (replacing a table or view of that name). Returns how many."""
    suffix = run_suffix(run_id)
    root = parquet_root(output_dir) / suffix / "built"
    con = duckdb.connect(str(duckdb_path))
    count = 0
    try:
        for schema, table in relations:
            folder = root / schema / table
            cursor.execute(f"insert overwrite directory '{folder}' using parquet "
                           f"select * from {schema}{suffix}.{table}")
            kind = con.execute("select table_type from information_schema.tables where table_schema = ? "
                               "and table_name = ?", [schema, table]).fetchone()
            con.execute(f'create schema if not exists "{schema}"')
            if kind is not None:
                con.execute(f'drop {"view" if kind[0] == "VIEW" else "table"} "{schema}"."{table}"')
            con.execute(f'create view "{schema}"."{table}" as select * from read_parquet(\'{folder}/*.parquet\')')
            count += 1
    finally:
        con.close()
    return count


def publish(run_id: str, output_dir: Path, cursor) -> dict[str, int]:
    """Repoint the published views on Spark at the night's schemas (one view per table, `marts.fct_x`),
    then drop every older night but the one published before (schemas and Parquet folders)."""
    suffix = run_suffix(run_id)
    relations = night_relations(cursor, run_id, NIGHT_SCHEMAS)
    for schema, table in relations:
        cursor.execute(f"create database if not exists {schema}")
        cursor.execute(f"create or replace view {schema}.{table} as select * from {schema}{suffix}.{table}")
    root = parquet_root(output_dir)
    marker = root / PUBLISHED_MARKER
    previous = marker.read_text().strip() if marker.exists() else ""
    root.mkdir(parents=True, exist_ok=True)
    marker.write_text(suffix + "\n")
    kept = {suffix, previous}
    cursor.execute("show databases")
    dropped = 0
    for (database,) in cursor.fetchall():
        match = SUFFIX_PATTERN.match(database)
        if match and match["schema"] in NIGHT_SCHEMAS and match["suffix"] not in kept:
            cursor.execute(f"drop database {database} cascade")
            dropped += 1
    for folder in root.iterdir():
        if folder.is_dir() and folder.name not in kept:
            shutil.rmtree(folder, ignore_errors=True)
    return {"views_repointed": len(relations), "schemas_dropped": dropped}
