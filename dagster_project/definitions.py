"""The code location: everything under defs/ registers itself; this file only loads it."""

from pathlib import Path

import dagster as dg

import dagster_project.defs


@dg.definitions
def defs() -> dg.Definitions:
    loaded = dg.load_defs(defs_root=dagster_project.defs, project_root=Path(__file__).parent.parent)
    # One step at a time: DuckDB has a single writer, and dbt, ingestion and checks share the file.
    return dg.Definitions.merge(loaded, dg.Definitions(executor=dg.in_process_executor))
