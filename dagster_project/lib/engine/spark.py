"""The raw rows on Spark: the tables the dbt project reads as sources, written as Parquet and registered.

Ingestion reads and checks every extract with DuckDB (lib/ingest); on Spark the same rows then go to
Parquet, one folder per table, and each folder is registered as a Spark table
(`create table raw.ssd_person using parquet location '...'`), so the dbt project's sources resolve on
both engines with the same names. The Parquet folder must be readable by the Spark server at the same
path (a local server, or a mount / abfss:// location a cluster sees). No business rule is applied here.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

# Schemas the dbt project reads as sources (models/**/_*sources.yml) and which Python writes.
SOURCE_SCHEMAS = ("raw", "configuration", "data_quality")


def source_tables(manifest: dict) -> list[tuple[str, str]]:
    """(schema, table) of every dbt source, from the manifest, so a new source needs no change here."""
    return sorted({(node["schema"], node["name"]) for node in manifest["sources"].values()})


@contextmanager
def connect(host: str | None = None, port: int | None = None) -> Iterator:
    """A DB-API cursor on the Spark Thrift server of CLA_SPARK_HOST / CLA_SPARK_PORT (profiles.yml's)."""
    from pyhive import hive

    connection = hive.connect(host=host or os.environ.get("CLA_SPARK_HOST", "127.0.0.1"),
                              port=int(port or os.environ.get("CLA_SPARK_PORT", "10000")))
    cursor = connection.cursor()
    try:
        yield cursor
    finally:
        cursor.close()
        connection.close()


def register_as_parquet(duckdb_path: Path, tables: Iterable[tuple[str, str]], parquet_dir: Path,
                        cursor) -> list[str]:
    """Write each (schema, table) of the DuckDB warehouse to `parquet_dir/<schema>/<table>/` and
    (re)register it on Spark under the same name. A table the warehouse lacks is skipped (a source that
    a later stage writes). Returns the names registered."""
    registered = []
    source = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        present = set(source.execute("select table_schema, table_name from information_schema.tables").fetchall())
        for schema, table in tables:
            if (schema, table) not in present:
                continue
            folder = (parquet_dir / schema / table).resolve()
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            # one file per table: the raw layer of a council is small, and Spark reads a folder either way
            source.execute(f'copy (select * from "{schema}"."{table}") to \'{folder / "part-0.parquet"}\' '
                           "(format parquet)")
            cursor.execute(f"create database if not exists {schema}")
            cursor.execute(f"drop table if exists {schema}.{table}")
            cursor.execute(f"create table {schema}.{table} using parquet location '{folder}'")
            registered.append(f"{schema}.{table}")
    finally:
        source.close()
    return registered
