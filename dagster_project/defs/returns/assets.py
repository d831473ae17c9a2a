"""The DfE SSDA903 return files, for any collection year (a partition per year).

dbt computes every year's return in the marts in one build; these assets only format and write one
year's files: output/returns/ssda903/<2025-26>/ for a complete year, <2026-27-ytd>/ for the year to date.
"""

import dagster as dg

from dagster_project.lib.resources import WarehouseResource
from dagster_project.lib.ssda903_files import RETURN_FILES, read_return, write_return

collection_year_partitions = dg.DynamicPartitionsDefinition(name="ssda903_collection_years")


@dg.asset(
    group_name="returns",
    deps=[dg.AssetKey(["intermediate", "int_collection_years"])],
    kinds={"python"},
)
def ssda903_collection_years(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """The collection years the loaded extract can report, registered as partitions of the return."""
    with warehouse.connect(read_only=True) as con:
        years = con.execute(
            "select collection_year, is_complete from intermediate.int_collection_years order by 1"
        ).fetchall()
    keys = [year for year, _ in years]
    context.instance.add_dynamic_partitions(collection_year_partitions.name, keys)
    return dg.MaterializeResult(metadata={
        "collection_years": ", ".join(keys),
        "complete_years": sum(1 for _, complete in years if complete),
    })


@dg.asset(
    group_name="returns",
    partitions_def=collection_year_partitions,
    deps=[dg.AssetKey(["marts", f.mart]) for f in RETURN_FILES] + [ssda903_collection_years],
    kinds={"csv"},
)
def ssda903_return_files(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """One collection year's SSDA903 return: a CSV per table as the DfE takes them, and a zip of them."""
    collection_year = context.partition_key
    with warehouse.connect(read_only=True) as con:
        label = con.execute(
            "select return_label from intermediate.int_collection_years where collection_year = ?",
            [collection_year],
        ).fetchone()
        if label is None:
            raise dg.Failure(description=f"The loaded extract does not cover collection year {collection_year}.")
        tables = read_return(con, collection_year)
    folder = warehouse.returns_path / "ssda903" / label[0]
    rows = write_return(tables, folder, zip_name=f"ssda903_{warehouse.la_code}_{label[0]}.zip")
    context.log.info(f"SSDA903 {label[0]}: " + ", ".join(f"{name} {count}" for name, count in rows.items()))
    return dg.MaterializeResult(metadata={"folder": dg.MetadataValue.path(str(folder)), **{
        f"rows_{name.removesuffix('.csv')}": count for name, count in rows.items()
    }})
