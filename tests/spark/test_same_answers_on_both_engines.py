"""The nightly warehouse gives the same answers on DuckDB and on Spark.

A small synthetic council (60 children in care on a day, six years, recording errors planted so every
data-quality mart has rows) goes through the nightly job on DuckDB (Dagster, as `make run`). Its source
tables (the raw extract, the council's configuration, the Great Expectations failures: everything the
dbt project reads as a source) are then written as Parquet and registered on the session's Spark Thrift
server (dagster_project/lib/engine/spark.py), and the same dbt project is built there (`dbt build
--target spark`: seeds, models, unit tests, data tests). Every table of the marts schema (the analysts'
facts and dimensions, every SSDA903 return file as its mart, every KPI value) and of the data-quality
schema must hold the same rows on both engines: EXCEPT ALL both ways, decimals and doubles rounded to 9
places. The return files on disk are written from these marts by Python, row for row.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.engine import spark
from dagster_project.lib.paths import DBT_PROJECT_DIR

pytestmark = [pytest.mark.spark, pytest.mark.slow]

COMPARED_SCHEMAS = ("marts", "data_quality")
NUMERIC_TYPES = ("DOUBLE", "FLOAT", "REAL", "DECIMAL")


@pytest.fixture(scope="module")
def both_engines(spark_server, tmp_path_factory):
    root = tmp_path_factory.mktemp("both_engines")
    landing, output = root / "landing", root / "output"
    subprocess.run([sys.executable, "-m", "dagster_project.synth", "--out", str(landing), "--children", "60",
                    "--years", "6", "--seed", "42", "--as-at", "2026-11-23", "--errors", "0.05", "--quiet"],
                   check=True)
    env = {"CLA_LANDING_DIR": str(landing), "CLA_OUTPUT_DIR": str(output), "CLA_CONFIG_DIR": str(root / "config"),
           "CLA_LA_CODE": "E06000015", "CLA_ENGINE": "duckdb"}
    saved = {name: os.environ.get(name) for name in [*env, "CLA_WAREHOUSE_DIR", "CLA_WAREHOUSE_PATH"]}
    os.environ.update(env)
    os.environ.pop("CLA_WAREHOUSE_DIR", None)
    try:
        from dagster_project.run import run_warehouse

        results = run_warehouse()
        assert all(result.success for result in results), "the nightly job failed on DuckDB"
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    warehouse = output / "warehouse" / "warehouse.duckdb"

    import json

    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    with spark.connect(port=spark_server.port) as cursor:
        registered = spark.register_as_parquet(warehouse, spark.source_tables(manifest), root / "parquet", cursor)
    assert "raw.ssd_person" in registered

    dbt = Path(sys.executable).with_name("dbt")
    built = subprocess.run(
        [str(dbt), "build", "--target", "spark", "--full-refresh", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(root / "dbt_target"),
         "--log-path", str(root / "dbt_logs")],
        capture_output=True, text=True, cwd=DBT_PROJECT_DIR, check=False,
        env={**os.environ, "CLA_ENGINE": "spark", "CLA_SPARK_PORT": str(spark_server.port)})
    assert built.returncode == 0, "dbt build on Spark failed:\n" + built.stdout[-6000:]
    return warehouse, root, spark_server


def compared_tables(warehouse: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "select table_schema, table_name from information_schema.tables where table_schema in "
            f"({', '.join(repr(s) for s in COMPARED_SCHEMAS)}) and table_name not like 'expectation_%' "
            "order by 1, 2").fetchall()
    finally:
        con.close()


def test_every_mart_has_rows_to_compare(both_engines):
    """The council is big enough that no comparison below is of two empty tables."""
    warehouse, _, _ = both_engines
    con = duckdb.connect(str(warehouse), read_only=True)
    empty = [f"{schema}.{name}" for schema, name in compared_tables(warehouse)
             if con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0] == 0]
    assert empty == []


def test_every_mart_holds_the_same_rows_on_both_engines(both_engines):
    warehouse, root, server = both_engines
    tables = compared_tables(warehouse)
    assert len(tables) > 20
    con = duckdb.connect(str(warehouse), read_only=True)
    differences = []
    with spark.connect(port=server.port) as cursor:
        for schema, name in tables:
            folder = root / "from_spark" / schema / name
            cursor.execute(f"insert overwrite directory '{folder}' using parquet select * from {schema}.{name}")
            columns = con.execute(
                "select column_name, data_type from information_schema.columns where table_schema = ? "
                "and table_name = ? order by ordinal_position", [schema, name]).fetchall()

            def normalised(source: str, columns=columns) -> str:
                selected = []
                for column, data_type in columns:
                    value = f'cast("{column}" as {data_type})'
                    if data_type.startswith(NUMERIC_TYPES):
                        value = f"round(cast({value} as double), 9)"
                    selected.append(f'{value} as "{column}"')
                return f"select {', '.join(selected)} from {source}"

            on_duckdb = normalised(f'"{schema}"."{name}"')
            on_spark = normalised(f"read_parquet('{folder}/*.parquet')")
            only_duckdb = con.execute(f"select count(*) from ({on_duckdb} except all {on_spark})").fetchone()[0]
            only_spark = con.execute(f"select count(*) from ({on_spark} except all {on_duckdb})").fetchone()[0]
            if only_duckdb or only_spark:
                differences.append(f"{schema}.{name}: {only_duckdb} rows only on DuckDB, {only_spark} only on Spark")
    assert differences == []
