import dagster as dg

# Assets rebuilt for one collection year on demand (a partition per year) carry this tag; the nightly
# job leaves them out, and each has its own job to rebuild a past year.
ON_DEMAND_TAG = "cla/on_demand"

# Everything that is rebuilt whole each night, in dependency order: extract -> raw -> dbt -> outputs ->
# publication.
warehouse_job = dg.define_asset_job(
    name="warehouse_job",
    selection=dg.AssetSelection.all() - dg.AssetSelection.tag(ON_DEMAND_TAG, "true"),
    description="Load the newest complete extract and rebuild the whole warehouse and its outputs.",
    # one writer at a time: the instance's run queue limits runs with this tag to one (instance/dagster.yaml)
    tags={"cla/writer": "warehouse"},
)

# One collection year's return files (the partition is the year, e.g. 2025-26).
ssda903_returns_job = dg.define_asset_job(
    name="ssda903_returns_job",
    selection=dg.AssetSelection.assets(dg.AssetKey("ssda903_return_files")),
    description="Write one collection year's SSDA903 return files from the published warehouse.",
)
