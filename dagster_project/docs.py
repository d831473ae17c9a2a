"""`make docs`: the dbt documentation site of every model (grain, every column, lineage), as one static page.

    python -m dagster_project.docs

dbt's catalog (column names and types) is read from the published warehouse. So that no child's record
leaves it, dbt runs against an empty copy: the published warehouse's schemas, tables and views with no
rows, in a temporary folder that is deleted afterwards. The site is written to output/docs/index.html
(one self-contained file: open it in a browser, no server needed).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb

from dagster_project.lib.paths import DBT_PROJECT_DIR
from dagster_project.lib.resources import WarehouseResource
from dagster_project.lib.settings import Settings


def empty_copy(warehouse: WarehouseResource, target: Path) -> int:
    """Every schema, table (no rows) and view of the published warehouse in a new file. Returns tables copied."""
    with warehouse.connect_published() as published:
        schemas = [r[0] for r in published.execute(
            "select distinct schema_name from duckdb_tables() where database_name = current_database() "
            "union select distinct schema_name from duckdb_views() where database_name = current_database() "
            "and not internal").fetchall()]
        tables = [r[0] for r in published.execute(
            "select sql from duckdb_tables() where database_name = current_database()").fetchall()]
        views = [r[0] for r in published.execute(
            "select sql from duckdb_views() where database_name = current_database() and not internal").fetchall()]
    con = duckdb.connect(str(target))
    try:
        for schema in schemas:
            con.execute(f'create schema if not exists "{schema}"')
        for statement in tables:
            con.execute(statement)
        # a view may read another view: create them until none is left that can be created
        pending = list(views)
        while pending:
            failed = []
            for statement in pending:
                try:
                    con.execute(statement)
                except duckdb.Error:
                    failed.append(statement)
            if len(failed) == len(pending):
                break
            pending = failed
    finally:
        con.close()
    return len(tables)


def main() -> int:
    settings = Settings.from_environment()
    warehouse = WarehouseResource.from_settings(settings)
    if not warehouse.warehouse_path.exists():
        print(f"No published warehouse at {warehouse.warehouse_path}: run `make run` first.", file=sys.stderr)
        return 1
    out = settings.output_dir / "docs"
    with tempfile.TemporaryDirectory(prefix="cla-docs-") as scratch:
        scratch_path = Path(scratch)
        skeleton = scratch_path / "warehouse.duckdb"
        tables = empty_copy(warehouse, skeleton)
        target = scratch_path / "target"
        os.environ["CLA_WAREHOUSE_PATH"] = str(skeleton)
        from dbt.cli.main import dbtRunner

        result = dbtRunner().invoke([
            "docs", "generate", "--static", "--project-dir", str(DBT_PROJECT_DIR),
            "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target),
            "--log-path", str(scratch_path / "logs"), "--quiet",
        ])
        if not result.success:
            print("dbt docs generate failed; see the messages above.", file=sys.stderr)
            return 1
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target / "static_index.html", out / "index.html")
        for name in ("manifest.json", "catalog.json"):
            shutil.copyfile(target / name, out / name)
    print(f"dbt documentation of {tables} warehouse tables written to {out / 'index.html'}")
    print(f"Open it in a browser: file://{(out / 'index.html').resolve()}")
    print("Start with the marts: marts.fct_kpi_values (every KPI) and the fct_* child-level facts; "
          "the analyst guide is dbt_models/docs/analyst_guide.md.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
