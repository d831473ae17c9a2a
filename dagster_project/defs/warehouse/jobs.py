import dagster as dg

# Everything, in dependency order: extract -> raw -> dbt -> checks and exports.
warehouse_job = dg.define_asset_job(
    name="warehouse_job",
    selection=dg.AssetSelection.all(),
    description="Load the newest complete extract and rebuild the whole warehouse and its outputs.",
)
