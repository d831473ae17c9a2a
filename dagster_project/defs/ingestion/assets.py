"""Landing: the newest complete extract (or the one named in the run config) into the raw layer."""

import dagster as dg

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
    """Folder name of the extract to load; by default the newest complete one (a folder with manifest.json)."""


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


@dg.multi_asset(specs=_table_specs(), name="raw_extract", can_subset=False)
def raw_extract(context: dg.AssetExecutionContext, config: IngestionConfig, warehouse: WarehouseResource):
    """Read every contract table of one extract, normalise it and land it in the raw schema."""
    try:
        extract = find_extract(warehouse.landing_dir_path, config.extract_id)
        check_council(extract, warehouse.la_code)
        context.log.info(f"Loading extract {extract.extract_id} ({extract.cms})")
        loads = read_extract(extract)
    except ExtractError as exc:
        raise dg.Failure(description=str(exc)) from exc

    when = loaded_at()
    with warehouse.connect() as con:
        write_raw_layer(con, extract, loads, when)

    for name, load in loads.items():
        # Counts, statuses and column names only: never a value from a row.
        context.log.info(
            f"{load.source_file}: {load.status}, {load.rows_loaded} rows loaded, "
            f"{len(load.quarantined)} quarantined, {len(load.problems)} problems"
        )
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
        yield dg.MaterializeResult(asset_key=["raw", name],
                                   metadata={"extract_id": extract.extract_id, "rows": rows})
