import dagster as dg

from dagster_project.defs.returns.assets import ssda903_return_files

# Everything that is rebuilt whole each night, in dependency order: extract -> raw -> dbt -> outputs.
warehouse_job = dg.define_asset_job(
    name="warehouse_job",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(ssda903_return_files),
    description="Load the newest complete extract and rebuild the whole warehouse and its outputs.",
    # one writer at a time: the instance's run queue limits runs with this tag to one (instance/dagster.yaml)
    tags={"cla/writer": "warehouse"},
)

# One collection year's return files (the partition is the year, e.g. 2025-26).
ssda903_returns_job = dg.define_asset_job(
    name="ssda903_returns_job",
    selection=dg.AssetSelection.assets(ssda903_return_files),
    description="Write one collection year's SSDA903 return files from the warehouse.",
)
