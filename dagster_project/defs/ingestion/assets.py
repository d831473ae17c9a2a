"""Landing: the newest complete extract (or the one named in the run config) into the raw layer of the
run's working warehouse, and into the raw history."""

import shutil

import dagster as dg

from dagster_project.defs.configuration.assets import configuration_dir
from dagster_project.lib import publication, writer_lock
from dagster_project.lib.configuration import council_config
from dagster_project.lib.ingest import (
    ExtractError,
    check_council,
    find_extract,
    history,
    loaded_at,
    read_extract,
    scan_landing,
)
from dagster_project.lib.ingest.contract import load_contract
from dagster_project.lib.ingest.reconciliation import reconcile_with_published, write_reconciliation
from dagster_project.lib.ingest.refusals import check_extract
from dagster_project.lib.ingest.settings import IngestSettings
from dagster_project.lib.ingest.warehouse import RawLayer
from dagster_project.lib.resources import WarehouseResource

INGEST_LOG_TABLES = {
    "extract_manifest": "The loaded extract's manifest (one row).",
    "ingest_tables": "What happened to each contract table (one row per table).",
    "ingest_columns": "Position and spreadsheet letter of every column in each file (one row per column).",
    "ingest_problems": "Problems found while loading, located by file, row and column (one row per problem).",
    "ingest_normalisations": "Normalisations applied (one row per table, column and kind) with counts.",
    "quarantined_rows": "Rows that could not be loaded, with the reason (one row per source row).",
    "extract_changes": "What changed since the last published extract (one row per vanished record, changed "
                       "date of birth or sex, or shrunken table).",
    "extract_reconciliation": "Tonight's extract against the last published one (one row per measure), with the "
                              "shares that hold a night.",
}


class IngestionConfig(dg.Config):
    extract_id: str | None = None
    """Folder name of the extract to load; by default the newest complete one (a folder with manifest.json).
    An extract no longer in the landing folder is rebuilt from the raw history."""
    acknowledge_changes: bool = False
    """Publish even though many children or rows vanished since the last published extract (the night
    would otherwise be held). Recorded in output/status.json. `make run ACKNOWLEDGE_CHANGES=1` sets it."""


def _table_specs() -> list[dg.AssetSpec]:
    specs = [
        dg.AssetSpec(
            key=["raw", table.name],
            group_name="raw",
            kinds={"duckdb"},
            description=f"{table.grain[0].upper()}{table.grain[1:]}: {table.description}. "
            + ("Required." if table.is_required else "Optional: absent means not available."),
        )
        for table in load_contract().values()
    ]
    specs += [
        dg.AssetSpec(key=["raw", name], group_name="raw", kinds={"duckdb"}, description=description)
        for name, description in INGEST_LOG_TABLES.items()
    ]
    return specs


def _open_extract(config: IngestionConfig, warehouse: WarehouseResource, con, when, log=None):
    """The extract's tables, from the landing folder, or from the raw history when asked for one that has
    left the landing folder; and its raw layer in the run's working warehouse (`con`), filled as the tables
    are read, finished (with the ingest logs) by RawLayer.finish."""
    try:
        extract = find_extract(warehouse.landing_dir_path, config.extract_id)
    except ExtractError:
        if config.extract_id and any(row["extract_id"] == config.extract_id
                                     for row in history.read_index(warehouse.history_path)):
            extract, loads = history.load(warehouse.history_path, config.extract_id)
            check_council(extract, warehouse.la_code)
            return extract, loads, RawLayer(con, extract, when), True
        raise
    check_council(extract, warehouse.la_code)
    raw = RawLayer(con, extract, when)
    # one thread for the writing while the readers (a process per core) read: it waits for them anyway
    con.execute("set threads = 1")
    try:
        return extract, read_extract(extract, log=log, on_table=raw.add), raw, False
    finally:
        con.execute("reset threads")


@dg.multi_asset(specs=_table_specs(), name="raw_extract", can_subset=False)
def raw_extract(context: dg.AssetExecutionContext, config: IngestionConfig, warehouse: WarehouseResource):
    """Read every contract table of one extract, normalise it and land it in the raw schema."""
    try:
        writer_lock.acquire(warehouse.output_path, context.run_id)
    except writer_lock.WriterBusy as exc:
        raise dg.Failure(description=str(exc)) from exc
    _report_bad_extracts(context, warehouse)
    try:
        # the council's shares (its settings.csv, else the shipped ones): read before dbt, so in Python
        folder = configuration_dir(warehouse)
        settings = IngestSettings.from_configuration(folder)
    except council_config.ConfigurationError as exc:
        _refuse(context, warehouse, f"Configuration folder {folder}: {exc}", config.extract_id)
    when = loaded_at()
    publication.clear_old_workspaces(warehouse.output_path, keep=context.run_id)
    workspace = warehouse.start_workspace(context.run_id)
    try:
        with warehouse.connect(context.run_id) as con:
            results = list(_load(context, config, warehouse, settings, con, when, workspace))
    except BaseException:
        # a refused or held night (or a failure) leaves nothing: the working warehouse the raw layer was
        # being written into goes whole (the published one was never touched)
        shutil.rmtree(workspace.root, ignore_errors=True)
        raise
    yield from results


def _load(context: dg.AssetExecutionContext, config: IngestionConfig, warehouse: WarehouseResource,
          settings: IngestSettings, con, when, workspace):
    """The extract read into the raw layer (written as each table is read), checked, reconciled with the
    last published extract and kept in the raw history; what raw_extract reports, one result per table."""
    try:
        extract, loads, raw, from_history = _open_extract(config, warehouse, con, when, context.log.warning)
        check_extract(extract, loads, settings)
    except ExtractError as exc:
        _refuse(context, warehouse, str(exc), exc.extract_id or config.extract_id)
    context.log.info(f"Loading extract {extract.extract_id} ({extract.cms})"
                     + (" from the raw history" if from_history else ""))
    for load in loads.values():
        if load.file_form and load.file_form != "UTF-8, comma-separated":
            context.log.info(f"{load.source_file}: read as {load.file_form}")

    reconciliation = reconcile_with_published(warehouse.warehouse_path, warehouse.encryption_key(),
                                              extract.extract_id, loads, settings)
    if reconciliation.compared_with:
        context.log.info(f"Compared with extract {reconciliation.compared_with}: " + ", ".join(
            f"{measure} {count}" for measure, count in reconciliation.counts().items()))
    if reconciliation.holds:
        if not config.acknowledge_changes:
            publication.record_status(warehouse.output_path, last_hold={
                "run_id": context.run_id, "at": publication.now_text(), "extract_id": extract.extract_id,
                "compared_with_extract_id": reconciliation.compared_with, "reason": reconciliation.hold_message(),
                "counts": reconciliation.counts()})
            _refuse(context, warehouse, reconciliation.hold_message(), extract.extract_id)
        context.log.warning("Changes acknowledged by the operator (acknowledge_changes): publishing a night that "
                            "would have been held; counts: " + ", ".join(
                                f"{measure} {count}" for measure, count in reconciliation.counts().items()))
        publication.record_status(warehouse.output_path, last_acknowledged_changes={
            "run_id": context.run_id, "at": publication.now_text(), "extract_id": extract.extract_id,
            "compared_with_extract_id": reconciliation.compared_with, "counts": reconciliation.counts()})
    elif warning := reconciliation.warning_message():
        context.log.warning(warning)

    digest = history.content_hash(loads)
    identical_to = history.find_identical(warehouse.history_path, digest, extract.extract_id)
    if identical_to:
        context.log.info(f"Extract {extract.extract_id} is identical to extract {identical_to}, loaded before")
    history.save(warehouse.history_path, extract, loads, when)
    forgotten = history.apply_retention(warehouse.history_path)
    if forgotten:
        context.log.info(f"Raw history: {len(forgotten)} extract(s) past the retention period removed")

    raw.finish(loads)
    write_reconciliation(con, reconciliation)

    for name, load in loads.items():
        # Counts, statuses and column names only: never a value from a row.
        context.log.info(
            f"{load.source_file}: {load.status}, {load.rows_loaded} rows loaded, "
            f"{len(load.quarantined)} quarantined, {len(load.problems)} problems"
        )
        if load.normalisations:
            context.log.info(f"{load.source_file}: normalised " + "; ".join(
                f"{column}: {count} {what}" for (column, what), count in sorted(load.normalisations.items())))
        yield dg.MaterializeResult(
            asset_key=["raw", name],
            metadata={
                "extract_id": extract.extract_id,
                "status": load.status,
                "rows_loaded": load.rows_loaded,
                "rows_quarantined": len(load.quarantined),
                "problems": len(load.problems),
                "unknown_columns": ", ".join(load.unknown_columns) or "none",
                "missing_columns": ", ".join(load.missing_columns) or "none",
                "note": load.note or "",
            },
        )
    totals = {
        "extract_manifest": 1,
        "ingest_tables": len(loads),
        "ingest_columns": sum(len(load.column_positions) for load in loads.values()),
        "ingest_problems": sum(len(load.problems) for load in loads.values()),
        "ingest_normalisations": sum(len(load.normalisations) for load in loads.values()),
        "quarantined_rows": sum(len(load.quarantined) for load in loads.values()),
        "extract_changes": len(reconciliation.changes),
        "extract_reconciliation": len(reconciliation.summary),
    }
    for name, rows in totals.items():
        yield dg.MaterializeResult(asset_key=["raw", name], metadata={
            "extract_id": extract.extract_id,
            "rows": rows,
            "content_hash": digest,
            "identical_to_extract": identical_to or "none",
            "workspace": str(workspace.root),
            **({"compared_with_extract": reconciliation.compared_with,
                **{f"changes_{measure}": count for measure, count in reconciliation.counts().items()}}
               if name == "extract_reconciliation" and reconciliation.compared_with else {}),
        })


def _report_bad_extracts(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> None:
    """Extract folders with a bad manifest: reported every night (and in status.json) until removed; they
    never stop the newest good extract from loading."""
    _, bad = scan_landing(warehouse.landing_dir_path)
    for folder in bad:
        context.log.warning(folder.reason)
    publication.record_status(warehouse.output_path, bad_extracts=[
        {"extract_id": folder.extract_id, "reason": folder.reason} for folder in bad])


def _refuse(context: dg.AssetExecutionContext, warehouse: WarehouseResource, reason: str,
            extract_id: str | None):
    """Stop the night with one message; status.json records it with the extract id."""
    writer_lock.release(context.run_id)
    publication.record_failure(warehouse.output_path, run_id=context.run_id, reason=reason, extract_id=extract_id)
    context.log.error(reason)
    raise dg.Failure(description=reason)
