"""The nightly warehouse gives the same answers on DuckDB and on Spark, night after night.

A small synthetic council (60 children in care on a day, six years, recording errors planted so every
data-quality mart has rows) goes through the nightly Dagster job twice on each engine, as `make run` does:
once with `CLA_ENGINE=duckdb` (the embedded file) and once with `CLA_ENGINE=spark` (the session's local
Thrift server: raw tables registered as Parquet, dbt into the night's own schemas, the Python stages reading
what Spark wrote, publication repointing the published views; dagster_project/lib/engine/spark_night.py).
The second night is the same council a day later with the errors corrected, so the findings history (the
incremental tracking tables, insert_overwrite by key on Spark, delete+insert on DuckDB) must carry the
first night's findings over and mark them fixed on both engines.

Compared after each night: every table of the published warehouse (marts: the analysts' facts and
dimensions, every SSDA903 return file as its mart, every KPI value; data quality; tracking; intermediate;
reference; staging), EXCEPT ALL both ways with decimals and doubles rounded to 9 places. After the second
night: every file the nights published (the return files byte for byte, inside their zips too; the
worklist; the annual report's text and cells; the analyst exports as rows).
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.engine import spark, spark_night
from dagster_project.lib.paths import DBT_PROJECT_DIR

pytestmark = [pytest.mark.spark, pytest.mark.slow]

COMPARED_SCHEMAS = ("marts", "data_quality", "tracking", "intermediate", "reference", "staging")
# when the night loaded the extract (the manifest, each table's load, the nights' log), not what it found
NOT_COMPARED_COLUMNS = {"loaded_at"}
NUMERIC_TYPES = ("DOUBLE", "FLOAT", "REAL", "DECIMAL")
FIRST_NIGHT, SECOND_NIGHT = "2026-11-23", "2026-11-24"
COUNCIL = ["--children", "60", "--years", "6", "--seed", "42", "--as-at", FIRST_NIGHT, "--quiet"]


def _generate(folder: Path, *options: str) -> Path:
    subprocess.run([sys.executable, "-m", "dagster_project.synth", "--out", str(folder), *COUNCIL, *options],
                   check=True)
    return next(p for p in folder.iterdir() if p.is_dir())


def _night(root: Path, engine: str, landing: Path, port: int) -> Path:
    """The nightly job as `make run` runs it, on one engine; returns its output folder."""
    output = root / engine
    env = {"CLA_LANDING_DIR": str(landing), "CLA_OUTPUT_DIR": str(output), "CLA_CONFIG_DIR": str(root / "config"),
           "CLA_LA_CODE": "E06000015", "CLA_ENGINE": engine, "CLA_SPARK_PORT": str(port),
           # the same key on both engines, so the analyst exports' pseudonyms can be compared
           "CLA_PSEUDONYMISATION_KEY": "cross-engine-test-key"}
    saved = {name: os.environ.get(name) for name in [*env, "CLA_WAREHOUSE_DIR", "CLA_WAREHOUSE_PATH"]}
    os.environ.update(env)
    os.environ.pop("CLA_WAREHOUSE_DIR", None)
    try:
        import dagster as dg

        from dagster_project.run import run_warehouse

        results = run_warehouse(instance=dg.DagsterInstance.ephemeral())
        assert all(result.success for result in results), f"the nightly job failed on {engine}"
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return output


@pytest.fixture(scope="module")
def nights(spark_server, tmp_path_factory):
    root = tmp_path_factory.mktemp("both_engines")
    landing = root / "landing"
    _generate(landing, "--errors", "0.05")
    outputs, first = {}, {}
    for engine in ("duckdb", "spark"):
        outputs[engine] = _night(root, engine, landing, spark_server.port)
        # night one's warehouse as published; on Spark its views read night one's Parquet, which the
        # second publication keeps (it drops only nights older than the one before)
        # (a folder each: the file keeps its name, which DuckDB's views of dbt's staging models refer to)
        first[engine] = root / f"night-one-{engine}" / "warehouse.duckdb"
        first[engine].parent.mkdir()
        shutil.copyfile(outputs[engine] / "warehouse" / "warehouse.duckdb", first[engine])
    # the next night: the same council with the errors corrected (its clean twin), a day later
    corrected = landing / f"{SECOND_NIGHT}T0200"
    shutil.copytree(_generate(root / "clean"), corrected)
    manifest = json.loads((corrected / "manifest.json").read_text())
    manifest["extracted_at"] = f"{SECOND_NIGHT}T02:00:00"
    (corrected / "manifest.json").write_text(json.dumps(manifest))
    for engine in ("duckdb", "spark"):
        _night(root, engine, landing, spark_server.port)
    return {"root": root, "outputs": outputs, "first": first, "server": spark_server}


def _compared_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(
        "select table_schema, table_name from information_schema.tables where table_catalog = 'warehouse' and "
        f"table_schema in ({', '.join(repr(s) for s in COMPARED_SCHEMAS)}) order by 1, 2").fetchall()


def _normalised(con, source: str, columns: list[tuple[str, str]]) -> str:
    selected = []
    for column, data_type in columns:
        value = f'cast("{column}" as {data_type})'
        if data_type.startswith(NUMERIC_TYPES):
            value = f"round(cast({value} as double), 9)"
        selected.append(f'{value} as "{column}"')
    return f"select {', '.join(selected)} from {source}"


def _rows_only_on_one_side(con, left: str, right: str, columns: list[tuple[str, str]]) -> tuple[int, int]:
    on_left, on_right = _normalised(con, left, columns), _normalised(con, right, columns)
    return (con.execute(f"select count(*) from ({on_left} except all {on_right})").fetchone()[0],
            con.execute(f"select count(*) from ({on_right} except all {on_left})").fetchone()[0])


def _table_differences(on_duckdb: Path, on_spark: Path) -> tuple[int, list[str]]:
    """Each table of the DuckDB night's warehouse against the same name in the Spark night's (whose tables
    are views over the Parquet Spark wrote)."""
    con = duckdb.connect(str(on_duckdb), read_only=True)
    try:
        con.execute(f"attach '{on_spark}' as on_spark (read_only)")
        tables = _compared_tables(con)
        differences = []
        for schema, name in tables:
            columns = [(c, t) for c, t in con.execute(
                "select column_name, data_type from information_schema.columns where table_catalog = 'warehouse' "
                "and table_schema = ? and table_name = ? order by ordinal_position", [schema, name]).fetchall()
                if c not in NOT_COMPARED_COLUMNS]
            only_duckdb, only_spark = _rows_only_on_one_side(
                con, f'warehouse."{schema}"."{name}"', f'on_spark."{schema}"."{name}"', columns)
            if only_duckdb or only_spark:
                differences.append(f"{schema}.{name}: {only_duckdb} rows only on DuckDB, {only_spark} only on Spark")
        return len(tables), differences
    finally:
        con.close()


def test_night_one_every_table_holds_the_same_rows_on_both_engines(nights):
    compared, differences = _table_differences(nights["first"]["duckdb"], nights["first"]["spark"])
    assert compared > 150
    assert differences == []


def test_night_one_every_mart_has_rows_to_compare(nights):
    """The council is big enough that no mart or data-quality comparison is of two empty tables."""
    con = duckdb.connect(str(nights["first"]["duckdb"]), read_only=True)
    try:
        empty = [f"{schema}.{name}" for schema, name in _compared_tables(con) if schema in ("marts", "data_quality")
                 and con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0] == 0]
    finally:
        con.close()
    assert empty == []


def test_night_two_every_table_holds_the_same_rows_on_both_engines(nights):
    """The findings history carried from night one: the same first-seen and fixed nights on both engines."""
    outputs = nights["outputs"]
    compared, differences = _table_differences(outputs["duckdb"] / "warehouse" / "warehouse.duckdb",
                                               outputs["spark"] / "warehouse" / "warehouse.duckdb")
    assert compared > 150
    assert differences == []


def test_night_two_marks_night_one_findings_fixed_on_spark(nights):
    """Worked out by hand from the council: night two is night one's clean twin, so every finding the
    planted errors raised on night one is fixed on night two, and only the clean twin's own findings stay
    open (the same set the clean twin has on its own first night on DuckDB)."""
    con = duckdb.connect(str(nights["outputs"]["spark"] / "warehouse" / "warehouse.duckdb"), read_only=True)
    try:
        nights_seen = con.execute("select count(*) from tracking.data_quality_nights").fetchone()[0]
        con.execute(f"attach '{nights['first']['spark']}' as night_one (read_only)")
        first_night_keys = set(con.execute(
            "select finding_key from night_one.tracking.data_quality_finding_history").fetchall())
        open_now = set(con.execute("select finding_key from tracking.data_quality_finding_history "
                                   "where fixed_night is null").fetchall())
        fixed_now = set(con.execute("select finding_key from tracking.data_quality_finding_history "
                                    "where fixed_night = ?", [SECOND_NIGHT]).fetchall())
    finally:
        con.close()
    assert nights_seen == 2
    assert fixed_now and fixed_now == first_night_keys - open_now
    assert open_now <= first_night_keys


def test_published_views_on_spark_read_the_last_night(nights):
    """Publication on Spark repointed the published views at night two's schemas."""
    outputs = nights["outputs"]
    published = (spark_night.parquet_root(outputs["spark"]) / spark_night.PUBLISHED_MARKER).read_text().strip()
    con = duckdb.connect(str(outputs["duckdb"] / "warehouse" / "warehouse.duckdb"), read_only=True)
    try:
        kpi_values = con.execute("select count(*) from marts.fct_kpi_values").fetchone()[0]
    finally:
        con.close()
    with spark.connect(port=nights["server"].port) as cursor:
        cursor.execute("select count(*) from tracking.data_quality_nights")
        assert cursor.fetchone()[0] == 2
        cursor.execute("select count(*) from marts.fct_kpi_values")
        assert cursor.fetchone()[0] == kpi_values > 0
        cursor.execute("show create table marts.fct_kpi_values")
        assert f"marts{published}" in "".join(row[0] for row in cursor.fetchall())


def _files(folder: Path) -> list[str]:
    # Great Expectations' data docs name and stamp each validation with the time it ran
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and "data_docs" not in p.parts)


def _cells(path: Path) -> dict[str, list[tuple]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {sheet.title: [tuple(round(v, 9) if isinstance(v, float) else v for v in row)
                              for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}
    finally:
        book.close()


def _text(path: Path) -> list[str]:
    import docx

    document = docx.Document(str(path))
    return ([p.text for p in document.paragraphs]
            + [cell.text for table in document.tables for row in table.rows for cell in row.cells])


def test_every_published_file_says_the_same_on_both_engines(nights):
    outputs = nights["outputs"]
    con = duckdb.connect()
    differences, compared = [], 0
    for kind in ("returns", "data_quality", "reports", "analyst_exports"):
        on_duckdb, on_spark = outputs["duckdb"] / kind, outputs["spark"] / kind
        names = _files(on_duckdb)
        assert names == _files(on_spark), f"{kind}: different files published"
        for name in names:
            a, b = on_duckdb / name, on_spark / name
            compared += 1
            if filecmp.cmp(a, b, shallow=False):
                continue
            if a.suffix == ".zip":
                with zipfile.ZipFile(a) as left, zipfile.ZipFile(b) as right:
                    same = (left.namelist() == right.namelist()
                            and all(left.read(n) == right.read(n) for n in left.namelist()))
            elif a.suffix == ".xlsx":
                same = _cells(a) == _cells(b)
            elif a.suffix == ".docx":
                same = _text(a) == _text(b)
            elif a.suffix in (".csv", ".parquet"):
                # the analyst exports list a mart's rows in the order the engine returns them
                read = "read_csv_auto('{}')" if a.suffix == ".csv" else "read_parquet('{}')"
                columns = con.execute(f"describe select * from {read.format(a)}").fetchall()
                same = _rows_only_on_one_side(con, read.format(a), read.format(b),
                                              [(row[0], row[1]) for row in columns]) == (0, 0)
            else:
                same = False
            if not same:
                differences.append(f"{kind}/{name}")
    assert compared > 100
    assert differences == []


def test_hand_made_unit_cases_pass_on_spark(nights):
    """The dbt unit tests (hand-worked cases of every derivation) on Spark, against the published night's
    schemas (a unit test reads its inputs' column types from the tables)."""
    published = (spark_night.parquet_root(nights["outputs"]["spark"]) / spark_night.PUBLISHED_MARKER).read_text().strip()
    root = nights["root"]
    dbt = Path(sys.executable).with_name("dbt")
    tested = subprocess.run(
        [str(dbt), "test", "--select", "test_type:unit", "--target", "spark", "--vars",
         json.dumps({"cla_run_suffix": published}), "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(root / "dbt_target"),
         "--log-path", str(root / "dbt_logs")],
        capture_output=True, text=True, cwd=DBT_PROJECT_DIR, check=False,
        env={**os.environ, "CLA_ENGINE": "spark", "CLA_SPARK_PORT": str(nights["server"].port)})
    assert tested.returncode == 0, "dbt unit tests on Spark failed:\n" + tested.stdout[-6000:]
    passed = [line for line in tested.stdout.splitlines() if " PASS " in line]
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    assert len(passed) == len(manifest["unit_tests"]) > 50
