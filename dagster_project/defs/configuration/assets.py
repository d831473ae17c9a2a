"""The council's configuration folder into the run's warehouse, on every run: its settings, its code
mappings and its postcode directory (configuration schema; dbt merges them with the shipped defaults).

A malformed row stops the run before anything is built, naming file, row and column: a council's
mapping or threshold silently ignored would publish figures it did not ask for.
"""

from pathlib import Path

import dagster as dg

from dagster_project.lib.configuration import council_config
from dagster_project.lib.paths import PROJECT_ROOT
from dagster_project.lib.resources import WarehouseResource

CONFIGURATION_TABLES = {
    "council_settings": "The council's own settings (settings.csv), one row per setting it overrides.",
    "council_code_mappings": "The council's own code mappings (code_mappings.csv), one row per mapping.",
    "postcode_directory": "The council's ONSPD / NSPL postcode directory (postcode, district, easting, "
                          "northing), one row per postcode; empty without one.",
}


def configuration_dir(warehouse: WarehouseResource) -> Path:
    return Path(warehouse.config_dir) if warehouse.config_dir else PROJECT_ROOT / "config"


@dg.multi_asset(
    specs=[dg.AssetSpec(key=["configuration", name], group_name="raw", kinds={"duckdb"},
                        description=description, deps=[dg.AssetKey(["raw", "extract_manifest"])])
           for name, description in CONFIGURATION_TABLES.items()],
    name="council_configuration",
    can_subset=False,
)
def council_configuration(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Read and check the configuration folder, then write it into the run's working warehouse."""
    folder = configuration_dir(warehouse)
    try:
        configuration = council_config.read_configuration(folder)
        parquet, read_now = None, False
        if configuration.postcode_directory is not None:
            parquet, read_now = council_config.cache_postcode_directory(
                configuration.postcode_directory, warehouse.output_path / "reference_cache")
    except council_config.ConfigurationError as exc:
        raise dg.Failure(description=f"Configuration folder {folder}: {exc}") from exc
    with warehouse.connect(context.run_id) as con:
        counts = council_config.write_configuration(con, configuration, parquet)
    # Counts only: the directory's rows are places, but nothing read from a data file is logged.
    if configuration.postcode_directory is None:
        context.log.info("No location directory configured: placements are located by the shipped sample only")
    else:
        directory_rows = counts["postcode_directory"]  # a count only: no postcode reaches the log
        source = "read from the new file" if read_now else "unchanged file, from the cache"
        context.log.info(f"Location directory: {directory_rows} rows ({source})")
    for name in CONFIGURATION_TABLES:
        yield dg.MaterializeResult(asset_key=["configuration", name], metadata={
            "rows": counts[name], "folder": str(folder)})
