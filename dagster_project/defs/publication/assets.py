"""Publication: the night's working copy becomes the published warehouse, with its outputs, all at once.

It runs last, only when everything before it has succeeded (a failed step or a failed blocking check
stops the run before it), so a failed night never replaces what people are reading.
"""

import dagster as dg

from dagster_project.defs.quality.assets import DATA_QUALITY_MARTS, data_quality_report
from dagster_project.defs.quality.mapping_worksheet import mapping_worksheet_files
from dagster_project.defs.report.assets import analyst_mart_files, iro_nightly_annual_report
from dagster_project.defs.returns.assets import ssda903_nightly_returns
from dagster_project.defs.transformation.project import mart_asset_keys
from dagster_project.lib import publication, writer_lock
from dagster_project.lib.child_process import run_in_child
from dagster_project.lib.engine import spark, spark_night
from dagster_project.lib.publication import pseudonymisation
from dagster_project.lib.resources import WarehouseResource


@dg.asset(group_name="publication", deps=mart_asset_keys() + DATA_QUALITY_MARTS, kinds={"duckdb"})
def analyst_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Every mart and the data-quality marts in a separate warehouse file with children pseudonymised (keyed
    hash for ids, month of birth, postcode sector; names and UPNs dropped), for analysts who do not need to
    know who a child is."""
    workspace = warehouse.workspace(context.run_id)
    # in a process of its own: copying every mart through DuckDB into a second file takes memory that a
    # process does not hand back, and the night's process would keep it until the end of the night
    result = run_in_child(
        pseudonymisation.export_analyst_warehouse,
        warehouse.working_warehouse_path(context.run_id), workspace.analyst_warehouse_path,
        pseudonymisation.pseudonymisation_key(warehouse.output_path))
    if result["unclassified"]:
        # column names only; the columns themselves were not exported
        context.log.warning("Columns with no pseudonymisation rule, not exported: " + "; ".join(
            f"{table}: {', '.join(columns)}" for table, columns in result["unclassified"].items()))
    return dg.MaterializeResult(metadata={
        "tables": result["tables"],
        "unclassified_columns": sum(len(columns) for columns in result["unclassified"].values()),
    })


# The night's outputs. Every asset that writes into the run's workspace belongs here, so that it is
# finished before the workspace is published.
NIGHTLY_OUTPUTS = [ssda903_nightly_returns, analyst_warehouse, iro_nightly_annual_report, analyst_mart_files,
                   data_quality_report, mapping_worksheet_files]


def summarise_checks(instance: dg.DagsterInstance, run_id: str) -> dict[str, int]:
    """Counts of this run's asset check results, by outcome (no check names with data in them)."""
    counts = {"passed": 0, "failed_warning": 0, "failed_blocking": 0}
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = record.dagster_event.event_specific_data
        if evaluation.passed:
            counts["passed"] += 1
        elif evaluation.severity == dg.AssetCheckSeverity.ERROR:
            counts["failed_blocking"] += 1
        else:
            counts["failed_warning"] += 1
    return counts


@dg.asset(group_name="publication", deps=NIGHTLY_OUTPUTS, kinds={"duckdb"})
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """The published warehouse and the night's return files, reports and data-quality reports, swapped
    in together; output/status.json says what is published."""
    workspace = warehouse.workspace(context.run_id)
    if not workspace.warehouse_path.exists():
        raise dg.Failure(description="This run built nothing to publish (no working warehouse).")
    checks = summarise_checks(context.instance, context.run_id)
    if checks["failed_blocking"]:
        raise dg.Failure(description=f"{checks['failed_blocking']} blocking check(s) failed: not published.")
    with warehouse.connect(context.run_id, read_only=True) as con:
        extract_id, extracted_at = con.execute(
            "select extract_id, extracted_at from raw.extract_manifest").fetchone()
    if warehouse.engine == "spark":
        # the published views on Spark first: if the switch fails, the files stay as they were
        with spark.connect() as cursor:
            switched = spark_night.publish(context.run_id, warehouse.output_path, cursor)
        context.log.info(f"Spark: {switched['views_repointed']} published view(s) now read this night's "
                         f"schemas; {switched['schemas_dropped']} schema(s) of older nights dropped")
    published = publication.publish(
        workspace, warehouse.published_dirs(), warehouse.warehouse_path, context.run_id,
        encryption_key=warehouse.encryption_key(), analyst_warehouse_path=warehouse.analyst_warehouse_path,
    )
    publication.record_publication(
        warehouse.output_path, run_id=context.run_id, extract_id=extract_id, extracted_at=extracted_at,
        checks=checks, published=published, encrypted=bool(warehouse.encryption_key()),
    )
    writer_lock.release(context.run_id)
    context.log.info(f"Published extract {extract_id}: {len(published)} item(s); checks {checks}")
    return dg.MaterializeResult(metadata={
        "extract_id": extract_id,
        "items_published": len(published),
        "encrypted_at_rest": bool(warehouse.encryption_key()),
        **{f"checks_{name}": count for name, count in checks.items()},
    })
