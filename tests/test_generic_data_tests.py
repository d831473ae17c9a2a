"""The project's own generic data tests (dbt_models/macros/tests), run on hand-made rows in DuckDB: the
test's SQL is the macro's body rendered as dbt renders it (model and arguments in place)."""

import re

import duckdb
import jinja2

from dagster_project.lib.paths import DBT_PROJECT_DIR


def _rendered(name: str, **arguments) -> str:
    source = (DBT_PROJECT_DIR / "macros" / "tests" / f"{name}.sql").read_text()
    body = re.search(r"{%\s*test\s+" + name + r"\(.*?\)\s*%}(.*){%\s*endtest\s*%}", source, re.DOTALL).group(1)
    return jinja2.Template(body).render(**arguments)


def test_columns_not_null_names_each_empty_column_once_per_row():
    con = duckdb.connect()
    con.execute("create table t as select * from (values (1, 'a', null), (2, null, null), (3, 'c', date '2026-01-01')) "
                "as v(id, code, day)")
    failing = con.execute(_rendered("columns_not_null", model="t", columns=["id", "code", "day"])).fetchall()
    # worked out from the rows: code is empty on row 2, day on rows 1 and 2, id never
    assert sorted(failing) == [("code",), ("day",), ("day",)]
    assert con.execute(_rendered("columns_not_null", model="t", columns=["id"])).fetchall() == []
