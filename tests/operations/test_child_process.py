"""A memory-hungry step's work in a process of its own (lib/child_process.py): its result, its error, and
what a person sees when the process is killed."""

import os
import signal

import duckdb
import pytest

from dagster_project.lib.child_process import on_duckdb_file, run_in_child


def _pid_and_sum(numbers, extra=0):
    return os.getpid(), sum(numbers) + extra


def _refuse(table):
    raise ValueError(f"{table}: cannot be exported")


def _killed():
    os.kill(os.getpid(), signal.SIGKILL)  # what the kernel's out-of-memory killer does


def _add_row(con, value):
    con.execute("insert into counts values (?)", [value])
    return con.execute("select sum(n) from counts").fetchone()[0]


def _environment(name):
    return os.environ.get(name)


def test_the_work_runs_in_another_process_and_its_result_comes_back():
    pid, total = run_in_child(_pid_and_sum, [1, 2, 3], extra=4)
    assert pid != os.getpid()
    assert total == 10


def test_an_error_in_the_child_is_raised_here_with_its_own_type_and_message():
    with pytest.raises(ValueError, match="^marts.ssda903_episodes: cannot be exported$"):
        run_in_child(_refuse, "marts.ssda903_episodes")


def test_a_child_killed_mid_way_is_a_clear_failure_not_a_hang():
    with pytest.raises(RuntimeError, match=r"tests.operations.test_child_process._killed stopped in its own "
                                           r"process without finishing \(killed, or out of memory\?\)"):
        run_in_child(_killed)


def test_the_child_sees_the_settings_of_the_moment(monkeypatch):
    monkeypatch.setenv("CLA_DUCKDB_MEMORY_LIMIT", "700MB")
    assert run_in_child(_environment, "CLA_DUCKDB_MEMORY_LIMIT") == "700MB"


def test_a_step_on_a_warehouse_file_gets_its_own_connection_and_closes_it(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table counts as select 2 as n")
    assert run_in_child(on_duckdb_file, _add_row, path, 3) == 5
    # closed in the child: this process may open the file for writing again, and sees the row
    with duckdb.connect(str(path)) as con:
        assert con.execute("select sum(n) from counts").fetchone()[0] == 5
    # read-only when asked: the insert is refused, with DuckDB's own error
    with pytest.raises(duckdb.InvalidInputException, match="read-only"):
        run_in_child(on_duckdb_file, _add_row, path, 4, read_only=True)
