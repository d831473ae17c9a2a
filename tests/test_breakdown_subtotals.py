"""The breakdown_subtotals macro (dbt_models/macros/breakdown_subtotals.sql) on a hand-made table: the
margins of a count crossed by two breakdowns, worked out by hand."""

import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.paths import DBT_PROJECT_DIR

# period P1: sex (F, M) x age band (0-4, 5-9); one cell has a null age band, which must stay a cell of its
# own and not be taken for a subtotal
CELLS = [
    ("P1", "F", 1, "0-4", 1, 3),
    ("P1", "F", 1, "5-9", 2, 4),
    ("P1", "M", 2, "0-4", 1, 5),
    ("P1", "M", 2, None, 9, 1),
]


def _compile(grand_total: bool) -> str:
    dbt = Path(sys.executable).with_name("dbt")
    macro = f"{{{{ breakdown_subtotals('cells', 'sex', 'age_band', grand_total={grand_total}) }}}}"
    # its own target folder: dbt_models/target's manifest is read by other test workers meanwhile
    with tempfile.TemporaryDirectory() as target_path:
        completed = subprocess.run(
            [str(dbt), "compile", "--quiet", "--inline", macro, "--project-dir", str(DBT_PROJECT_DIR),
             "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", target_path],
            capture_output=True, text=True, cwd=DBT_PROJECT_DIR, env={"CLA_WAREHOUSE_PATH": ":memory:", "PATH": ""},
            check=False)
    if completed.returncode != 0:
        pytest.fail(completed.stdout[-2000:] + completed.stderr[-2000:])
    return completed.stdout


def _margins(grand_total: bool) -> set[tuple]:
    con = duckdb.connect()
    con.execute("create table cells (period_id varchar, breakdown_value varchar, breakdown_order integer, "
                "breakdown_2_value varchar, breakdown_2_order integer, numerator integer)")
    con.executemany("insert into cells values (?, ?, ?, ?, ?, ?)", CELLS)
    return set(con.execute(_compile(grand_total)).fetchall())


@pytest.fixture(scope="module")
def with_total() -> set[tuple]:
    return _margins(grand_total=True)


def test_each_value_of_each_breakdown_is_summed_over_the_other(with_total):
    assert {
        ("P1", "sex", "F", 1, "total", "Total", 0, 7),  # 3 + 4
        ("P1", "sex", "M", 2, "total", "Total", 0, 6),  # 5 + 1
        ("P1", "total", "Total", 0, "age_band", "0-4", 1, 8),  # 3 + 5
        ("P1", "total", "Total", 0, "age_band", "5-9", 2, 4),
        ("P1", "total", "Total", 0, "age_band", None, 9, 1),  # a null value is a value, not a subtotal
    } <= with_total


def test_the_grand_total_is_the_sum_of_every_cell_and_only_when_asked(with_total):
    assert ("P1", "total", "Total", 0, "total", "Total", 0, 13) in with_total
    assert len(with_total) == 6
    without = _margins(grand_total=False)
    assert without == with_total - {("P1", "total", "Total", 0, "total", "Total", 0, 13)}
