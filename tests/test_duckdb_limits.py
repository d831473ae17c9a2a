"""DuckDB's memory limit and spill folder, set from the machine (lib/engine/duckdb_limits.py)."""

import json
import os
import subprocess

import duckdb
import pytest

from dagster_project.lib.engine import duckdb_limits
from dagster_project.lib.engine.duckdb_limits import DuckDBLimits, parse_size

GIB = 1024**3


@pytest.mark.parametrize("text, expected", [
    ("6GB", 6_000_000_000), ("6 GiB", 6 * GIB), ("800MB", 800_000_000), ("1536MiB", 1536 * 1024**2),
    ("0.5GiB", GIB // 2), ("4096", 4096),
])
def test_sizes_are_read_as_duckdb_writes_them(text, expected):
    assert parse_size(text, "CLA_DUCKDB_MEMORY_LIMIT") == expected


@pytest.mark.parametrize("text", ["six GB", "6 XB", "-1", "6GBs", ""])
def test_a_size_that_is_not_one_is_refused_naming_the_variable(text):
    with pytest.raises(ValueError, match=r"CLA_DUCKDB_MEMORY_LIMIT=.* is not a size: write it as e.g. 6GB"):
        parse_size(text, "CLA_DUCKDB_MEMORY_LIMIT")


def test_the_default_is_a_quarter_of_the_machine(monkeypatch):
    monkeypatch.setattr(duckdb_limits, "machine_memory_bytes", lambda: 24 * GIB)
    assert DuckDBLimits.from_environment({}).memory_limit_bytes == 6 * GIB
    # a tiny container still gets enough for a small council's joins
    monkeypatch.setattr(duckdb_limits, "machine_memory_bytes", lambda: GIB)
    assert DuckDBLimits.from_environment({}).memory_limit_bytes == 512 * 1024**2


def test_the_setting_wins_over_the_machine(monkeypatch):
    monkeypatch.setattr(duckdb_limits, "machine_memory_bytes", lambda: 24 * GIB)
    assert DuckDBLimits.from_environment({"CLA_DUCKDB_MEMORY_LIMIT": "3GiB"}).memory_limit_bytes == 3 * GIB


def test_a_container_limit_counts_not_the_host(monkeypatch, tmp_path):
    v2, v1 = tmp_path / "memory.max", tmp_path / "memory.limit_in_bytes"
    v2.write_text("max\n")  # cgroup v2 without a limit
    v1.write_text(f"{2 * GIB}\n")
    monkeypatch.setattr(duckdb_limits, "CGROUP_LIMIT_FILES", (str(v2), str(v1)))
    assert duckdb_limits.machine_memory_bytes() == 2 * GIB
    v1.write_text("9223372036854771712\n")  # v1's "no limit": the physical memory counts
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert duckdb_limits.machine_memory_bytes() == physical


def test_databases_open_together_share_the_limit_and_duckdb_takes_it(tmp_path):
    config = DuckDBLimits(memory_limit_bytes=6 * GIB).config(tmp_path / "spill", databases=2)
    assert config == {"memory_limit": "3072MiB", "temp_directory": str(tmp_path / "spill")}
    con = duckdb.connect(config=config)
    assert con.sql("select current_setting('memory_limit'), current_setting('temp_directory')").fetchone() \
        == ("3.0 GiB", str(tmp_path / "spill"))


def test_dbt_opens_the_warehouse_with_the_limit_and_spill_folder(tmp_path):
    """profiles.yml passes both to dbt-duckdb: what the warehouse connection of dbt really has."""
    from dagster_project.defs.transformation.project import dbt_executable
    from dagster_project.lib.paths import DBT_PROJECT_DIR

    environment = DuckDBLimits(memory_limit_bytes=700 * 1024**2).dbt_environment(tmp_path / "duckdb_spill")
    result = subprocess.run(
        [dbt_executable(), "show", "--inline",
         "select current_setting('memory_limit') as m, current_setting('temp_directory') as t",
         "--output", "json", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        check=False, capture_output=True, text=True,
        env={**os.environ, **environment, "CLA_WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb")})
    assert result.returncode == 0, result.stdout[-2000:]
    shown = json.loads(result.stdout[result.stdout.index("{"):result.stdout.rindex("}") + 1])["show"]
    assert shown == [{"m": "700.0 MiB", "t": str(tmp_path / "duckdb_spill")}]
