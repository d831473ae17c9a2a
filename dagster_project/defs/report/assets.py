"""The IRO annual report, and the analyst marts as Parquet and CSV files.

dbt computes every figure in the KPI marts (marts/iro); these assets only gather, render and write:

- `iro_nightly_annual_report` is part of the nightly job: the latest complete collection year's report,
  written into the run's workspace (`reports/<2025-26>/`) and published with the warehouse.
- `iro_annual_report_files` writes any one year on demand (a partition per collection year, the same
  partitions as the SSDA903 return files) from the published warehouse into `output/reports/<2025-26>/`.
- `analyst_mart_files` writes every table of the night's pseudonymised analyst warehouse as Parquet and
  CSV into the run's workspace (`analyst_exports/parquet/`, `analyst_exports/csv/`), for tools that cannot
  read DuckDB (Excel, Power BI).

From a synthetic extract every file written here says "synthetic data: not <council>'s figures" on every
page and sheet and in its name (lib/data_label.py decides, from the warehouse's manifest, and words it).

Metadata and logs carry counts, years and file names only.
"""


import shutil
from pathlib import Path

import dagster as dg

from dagster_project.defs.operations.jobs import ON_DEMAND_TAG
from dagster_project.defs.returns.assets import collection_year_partitions
from dagster_project.lib import publication
from dagster_project.lib import report as annual_report
from dagster_project.lib.child_process import run_in_child
from dagster_project.lib.data_label import synthetic_label
from dagster_project.lib.publication.analyst_files import export_tables
from dagster_project.lib.resources import WarehouseResource

KPI_MARTS = [dg.AssetKey(["marts", name]) for name in ("fct_kpi_values", "dim_kpi_measures", "dim_reporting_periods",
                                                       "fct_kpi_comparators")]


def _metadata(files: annual_report.ReportFiles) -> dict:
    return {
        "collection_year": files.collection_year,
        "files": ", ".join(path.name for path in files.files),
        "tables": files.tables,
        "charts": files.charts,
        "measures_not_available": files.measures_not_available,
        "seconds": round(files.seconds, 1),
    }


@dg.asset(group_name="outputs", deps=KPI_MARTS, kinds={"html", "docx", "xlsx"})
def iro_nightly_annual_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """The IRO annual report for the latest complete collection year (HTML, Word and Excel; public and
    internal versions), written into the run's workspace and published with the warehouse."""
    with warehouse.connect(context.run_id, read_only=True) as con:
        try:
            year = annual_report.latest_complete_year(con)
        except annual_report.ReportDataError as error:
            context.log.warning(f"No annual report tonight: {error}")
            return dg.MaterializeResult(metadata={"collection_year": "none"})
        files = annual_report.write_report(con, year, warehouse.output_dir_for(context.run_id, "reports") / year)
    context.log.info(f"IRO annual report {year}: {files.tables} tables, {files.charts} charts, "
                     f"{files.measures_not_available} measures not available, {files.seconds:.1f} s")
    return dg.MaterializeResult(metadata=_metadata(files))


@dg.asset(group_name="outputs", partitions_def=collection_year_partitions, deps=KPI_MARTS,
          kinds={"html", "docx", "xlsx"}, tags={ON_DEMAND_TAG: "true"})
def iro_annual_report_files(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """One collection year's IRO annual report, written on demand from the published warehouse into
    output/reports/<year>/ (the folder is replaced whole, so readers never see half a report)."""
    year = context.partition_key
    target = Path(warehouse.reports_dir) / year
    staging = target.parent / f".{year}.{context.run_id}"
    shutil.rmtree(staging, ignore_errors=True)
    with warehouse.connect_published() as con:
        try:
            files = annual_report.write_report(con, year, staging)
        except annual_report.ReportDataError as error:
            shutil.rmtree(staging, ignore_errors=True)
            raise dg.Failure(description=str(error)) from error
    publication.replace_folder(staging, target, context.run_id)
    files.folder = target
    files.files = [target / path.name for path in files.files]
    context.log.info(f"IRO annual report {year} written: {files.tables} tables, {files.charts} charts")
    return dg.MaterializeResult(metadata=_metadata(files))


@dg.asset(group_name="outputs", deps=[dg.AssetKey("analyst_warehouse")], kinds={"parquet", "csv"})
def analyst_mart_files(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Every table of the night's pseudonymised analyst warehouse (the marts, children's ids replaced by
    keyed hashes) as Parquet and CSV, for Excel, Power BI and other tools that cannot read DuckDB."""
    source = warehouse.workspace(context.run_id).analyst_warehouse_path
    if not source.exists():
        raise dg.Failure(description="The analyst warehouse of this run is missing: nothing to export.")
    folder = warehouse.output_dir_for(context.run_id, "analyst_exports")
    with warehouse.connect(context.run_id, read_only=True) as con:
        label = synthetic_label(con)
    # in a process of its own: DuckDB's COPY of every mart kept up to 1.3 GB in the night's process at scale 50
    written = run_in_child(export_tables, source, folder, label)
    context.log.info(f"Analyst marts exported: {len(written)} tables as Parquet and CSV")
    return dg.MaterializeResult(metadata={"tables": len(written), "folder": "analyst_exports/{parquet,csv}"})
