"""Running one memory-hungry piece of the night in a process of its own.

The night's Dagster steps run one after another in one process (DuckDB has one writer per file). What a
step takes in Python, pyarrow or DuckDB is mostly kept by that process when the step ends: the allocators
hold freed memory for reuse, so the process grew step by step (at scale 50 from 0.7 GB after dbt to 4.1 GB
at the analyst exports, though no step needed more than 1.4 GB of its own). A step whose work runs in a
child process hands all of it back when the child ends, and the next step starts from the same footprint.

The child is spawned, not forked: the night's process has threads (Dagster's, DuckDB's) that a fork would
copy mid-lock. Starting one costs about a second (imports). Its environment is the parent's at the time, so
settings such as CLA_DUCKDB_MEMORY_LIMIT apply in it too.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TypeVar

Result = TypeVar("Result")


def spawned_pool(workers: int = 1, initializer: Callable[..., None] | None = None,
                 initargs: tuple = ()) -> ProcessPoolExecutor:
    """A pool of `workers` spawned processes. A process of it that dies (killed, out of memory, a crash in
    DuckDB) breaks the pool: waiting on any of its futures then raises BrokenProcessPool."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=initializer, initargs=initargs)


def run_in_child(function: Callable[..., Result], /, *args, **kwargs) -> Result:
    """function(*args, **kwargs) in a spawned process; its result (or its exception) comes back here.
    The function must be importable by name (a module-level function) and its arguments picklable."""
    with spawned_pool() as pool:
        future = pool.submit(function, *args, **kwargs)
        try:
            return future.result()
        except BrokenProcessPool as exc:
            raise RuntimeError(f"{function.__module__}.{function.__qualname__} stopped in its own process "
                               "without finishing (killed, or out of memory?); nothing it was writing is "
                               "published") from exc


def on_duckdb_file(function: Callable[..., Result], database: Path, /, *args, read_only: bool = False,
                   **kwargs) -> Result:
    """function(connection, *args, **kwargs) on a connection of its own to a DuckDB file, closed after: what
    a child process runs, `run_in_child(on_duckdb_file, step, path, ...)`. DuckDB has one writer per file,
    so the parent holds no connection to it meanwhile."""
    import duckdb

    con = duckdb.connect(str(database), read_only=read_only)
    try:
        return function(con, *args, **kwargs)
    finally:
        con.close()
