"""The project's portable macros give the same, hand-worked answers on DuckDB and on Spark.

Each case is a value a person worked out on paper. The three cases that went wrong on Spark without an
error before these macros existed are marked: an age a year too high (dbt-spark's dateadd without
brackets), '1230' losing its '30' ('\\.0$' read as '.0$'), and a joined list in the wrong order
(dbt.listagg dropping its order on Spark).
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.paths import DBT_PROJECT_DIR

pytestmark = pytest.mark.spark

CASES_SQL = """
with birthdays as (
    select 'age the day before the 16th birthday' as case_id,
           cast('2010-03-31' as date) as date_of_birth, cast('2026-03-30' as date) as on_date
    union all select 'age on the 16th birthday', cast('2010-03-31' as date), cast('2026-03-31' as date)
    -- wrong on Spark before: dbt-spark expanded year(b) - year(a) * 12 and gave 26
    union all select 'age on new year after a 31 December birth', cast('2000-12-31' as date), cast('2026-01-01' as date)
    union all select 'age of a 29 February child on 28 February', cast('2008-02-29' as date), cast('2026-02-28' as date)
    union all select 'age of a 29 February child on 27 February', cast('2008-02-29' as date), cast('2026-02-27' as date)
),
items as (
    select 'ordered' as list_id, 2 as position, 'second' as item
    union all select 'ordered', 1, 'first'
    union all select 'ordered', 3, cast(null as {{ dbt.type_string() }})
    union all select 'ordered', 4, 'third'
    union all select 'all null', 1, cast(null as {{ dbt.type_string() }})
),
years as (
    select '2025-26' as collection_year union all select '2024-25' union all select '2025-26'
),
identifiers as (
    select 'identifier 1230' as case_id, '1230' as identifier
    union all select 'identifier 1230.0', '1230.0'
    union all select 'identifier 12.05', '12.05'
),
days as (
    select 'day of week Saturday 5 December 2026' as case_id, cast('2026-12-05' as date) as day
    union all select 'day of week Sunday 6 December 2026', cast('2026-12-06' as date)
    union all select 'day of week Monday 7 December 2026', cast('2026-12-07' as date)
),
upns as (
    select 'upn letter and 12 digits' as case_id, 'A12345678901' || '2' as upn
    union all select 'upn I is not a check letter', 'I123456789012'
    union all select 'upn UN5', 'UN5'
    union all select 'upn UN6', 'UN6'
    union all select 'upn with a trailing space', 'UN5 '
    union all select 'upn null', cast(null as {{ dbt.type_string() }})
),
json_rows as (
    select 'json first item' as case_id, '["A1", 5, null]' as record_json, '$[0]' as path
    union all select 'json number item', '["A1", 5, null]', '$[1]'
    union all select 'json null item', '["A1", 5, null]', '$[2]'
    union all select 'json beyond the end', '["A1", 5, null]', '$[3]'
)
select case_id, cast({{ age_in_years('date_of_birth', 'on_date') }} as {{ dbt.type_string() }}) as result
from birthdays
union all
select 'list ' || list_id, {{ ordered_string_agg('item', "', '", 'position') }}
from items group by list_id
union all
select 'distinct years', {{ ordered_string_agg('collection_year', "', '", 'collection_year', distinct=true) }}
from years
union all
select case_id, {{ strip_trailing_point_zero('identifier') }} from identifiers
union all
select case_id, cast({{ day_of_week_iso('day') }} as {{ dbt.type_string() }}) from days
union all
select case_id, cast({{ matches_pattern('upn', "'^(([A-HJ-NP-RT-Z][0-9]{12})|(UN[1-5]))$'") }} as {{ dbt.type_string() }})
from upns
union all
select case_id, {{ json_string_at('record_json', 'path') }} from json_rows
"""

EXPECTED = {
    "age the day before the 16th birthday": "15",
    "age on the 16th birthday": "16",
    "age on new year after a 31 December birth": "25",
    # the project's convention (macro years_after): a 29 February birthday falls on 28 February
    "age of a 29 February child on 28 February": "18",
    "age of a 29 February child on 27 February": "17",
    "list ordered": "first, second, third",
    "list all null": None,
    "distinct years": "2024-25, 2025-26",
    "identifier 1230": "1230",
    "identifier 1230.0": "1230",
    "identifier 12.05": "12.05",
    "day of week Saturday 5 December 2026": "6",
    "day of week Sunday 6 December 2026": "7",
    "day of week Monday 7 December 2026": "1",
    "upn letter and 12 digits": "true",
    "upn I is not a check letter": "false",
    "upn UN5": "true",
    "upn UN6": "false",
    "upn with a trailing space": "false",
    "upn null": None,
    "json first item": "A1",
    "json number item": "5",
    "json null item": None,
    "json beyond the end": None,
}


def compile_for(target: str, env: dict) -> str:
    dbt = Path(sys.executable).with_name("dbt")
    # its own target folder: dbt_models/target's manifest is read by other test workers meanwhile
    with tempfile.TemporaryDirectory() as target_path:
        completed = subprocess.run(
            [str(dbt), "compile", "--quiet", "--output", "json", "--target", target, "--inline", CASES_SQL,
             "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
             "--target-path", target_path],
            capture_output=True, text=True, env=env, cwd=DBT_PROJECT_DIR, check=False)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return json.loads(completed.stdout[completed.stdout.index("{"):])["compiled"]


def test_macros_on_duckdb(tmp_path):
    env = {**os.environ, "CLA_WAREHOUSE_PATH": str(tmp_path / "compile.duckdb")}
    sql = compile_for("warehouse", env)
    rows = dict(duckdb.connect().execute(sql).fetchall())
    assert rows == EXPECTED


def test_macros_on_spark(spark_server, tmp_path):
    from pyhive import hive

    env = {**os.environ, "CLA_WAREHOUSE_PATH": str(tmp_path / "compile.duckdb"),
           "CLA_SPARK_PORT": str(spark_server.port)}
    sql = compile_for("spark", env)
    cursor = hive.connect(host="127.0.0.1", port=spark_server.port, username="cla").cursor()
    cursor.execute(sql)
    rows = dict(cursor.fetchall())
    assert rows == EXPECTED


@pytest.mark.parametrize("target", ["warehouse", "spark"])
def test_regex_literal_is_portable(target, tmp_path, request):
    """The plain regular expression this macro replaces: shows the Spark problem is real, so the
    macro's test above is not vacuous."""
    if target == "spark":
        from pyhive import hive

        server = request.getfixturevalue("spark_server")
        cursor = hive.connect(host="127.0.0.1", port=server.port, username="cla").cursor()
        cursor.execute(r"select regexp_replace('1230', '\.0$', '')")
        assert cursor.fetchall()[0][0] == "12"  # Spark read '\.0$' as '.0$'
    else:
        assert duckdb.connect().execute(r"select regexp_replace('1230', '\.0$', '')").fetchone()[0] == "1230"
