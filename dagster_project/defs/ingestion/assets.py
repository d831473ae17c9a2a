"""Landing: the newest complete extract (or the one named in the run config) into the raw layer of the
run's working warehouse, and into the raw history."""

import dagster as dg

from dagster_project.lib import history, publication, writer_lock
from dagster_project.lib.contract import load_contract
from dagster_project.lib.extract_reader import (
    ExtractError,
    check_council,
    find_extract,
    loaded_at,
    read_extract,
)
from dagster_project.lib.resources import WarehouseResource
from dagster_project.lib.warehouse import write_raw_layer

INGEST_LOG_TABLES = {
    "extract_manifest": "The loaded extract's manifest (one row).",
    "ingest_tables": "What happened to each contract table (one row per table).",
    "ingest_columns": "Position and spreadsheet letter of every column in each file (one row per column).",
    "ingest_problems": "Problems found while loading, located by file, row and column (one row per problem).",
    "ingest_normalisations": "Normalisations applied (one row per table, column and kind) with counts.",
    "quarantined_rows": "Rows that could not be loaded, with the reason (one row per source row).",
}


class IngestionConfig(dg.Config):
    extract_id: str | None = None
    """Folder name of the extract to load; by default the newest complete one (a folder with manifest.json).
    An extract no longer in the landing folder is rebuilt from the raw history."""


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


def _open_extract(config: IngestionConfig, warehouse: WarehouseResource):
    """The extract's tables, from the landing folder, or from the raw history when asked for one that has
    left the landing folder."""
    try:
        extract = find_extract(warehouse.landing_dir_path, config.extract_id)
    except ExtractError:
        if config.extract_id and any(row["extract_id"] == config.extract_id
                                     for row in history.read_index(warehouse.history_path)):
            extract, loads = history.load(warehouse.history_path, config.extract_id)
            check_council(extract, warehouse.la_code)
            return extract, loads, True
        raise
    check_council(extract, warehouse.la_code)
    return extract, read_extract(extract), False


@dg.multi_asset(specs=_table_specs(), name="raw_extract", can_subset=False)
def raw_extract(context: dg.AssetExecutionContext, config: IngestionConfig, warehouse: WarehouseResource):
    """Read every contract table of one extract, normalise it and land it in the raw schema."""
    try:
        writer_lock.acquire(warehouse.output_path, context.run_id)
    except writer_lock.WriterBusy as exc:
        raise dg.Failure(description=str(exc)) from exc
    try:
        extract, loads, from_history = _open_extract(config, warehouse)
    except ExtractError as exc:
        raise dg.Failure(description=str(exc)) from exc
    context.log.info(f"Loading extract {extract.extract_id} ({extract.cms})"
                     + (" from the raw history" if from_history else ""))

    when = loaded_at()
    digest = history.content_hash(loads)
    identical_to = history.find_identical(warehouse.history_path, digest, extract.extract_id)
    if identical_to:
        context.log.info(f"Extract {extract.extract_id} is identical to extract {identical_to}, loaded before")
    history.save(warehouse.history_path, extract, loads, when)
    forgotten = history.apply_retention(warehouse.history_path)
    if forgotten:
        context.log.info(f"Raw history: {len(forgotten)} extract(s) past the retention period removed")
    publication.clear_old_workspaces(warehouse.output_path, keep=context.run_id)

    workspace = warehouse.start_workspace(context.run_id)
    with warehouse.connect(context.run_id) as con:
        write_raw_layer(con, extract, loads, when)

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
    }
    for name, rows in totals.items():
        yield dg.MaterializeResult(asset_key=["raw", name], metadata={
            "extract_id": extract.extract_id,
            "rows": rows,
            "content_hash": digest,
            "identical_to_extract": identical_to or "none",
            "workspace": str(workspace.root),
        })
