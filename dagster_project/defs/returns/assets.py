"""The DfE SSDA903 return files.

dbt computes every year's return in the marts in one build; these assets only format and write files:
`output/returns/ssda903/<2025-26>/` for a complete year, `<2026-27-ytd>/` for the year to date. From a
synthetic extract every file name there says "synthetic-data-not-<council>s-figures" (lib/data_label.py).

- `ssda903_nightly_returns` is part of the nightly job: the latest two complete years and the draft, written
  into the run's workspace and published with the warehouse.
- `ssda903_return_files` rebuilds any one year on demand (a partition per collection year) from the
  published warehouse.
"""

import dagster as dg

from dagster_project.defs.operations.jobs import ON_DEMAND_TAG
from dagster_project.lib.data_label import synthetic_label
from dagster_project.lib.resources import WarehouseResource
from dagster_project.lib.returns.files import RETURN_FILES, read_return, write_return

collection_year_partitions = dg.DynamicPartitionsDefinition(name="ssda903_collection_years")

MARTS = [dg.AssetKey(["marts", f.mart]) for f in RETURN_FILES]


def _write_year(con, warehouse: WarehouseResource, collection_year: str, returns_root) -> tuple[str, dict]:
    label = con.execute(
        "select return_label from intermediate.int_collection_years where collection_year = ?", [collection_year]
    ).fetchone()
    if label is None:
        raise dg.Failure(description=f"The loaded extract does not cover collection year {collection_year}.")
    folder = returns_root / "ssda903" / label[0]
    rows = write_return(read_return(con, collection_year), folder,
                        zip_name=f"ssda903_{warehouse.la_code}_{label[0]}.zip", label=synthetic_label(con))
    return label[0], rows


@dg.asset(group_name="outputs", deps=MARTS + [dg.AssetKey(["intermediate", "int_collection_years"])],
          kinds={"csv"})
def ssda903_nightly_returns(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """The SSDA903 return for the latest two complete collection years and the year-to-date draft, and
    the collection years the extract covers registered as partitions of the on-demand return."""
    with warehouse.connect(context.run_id, read_only=True) as con:
        years = con.execute(
            "select collection_year, is_complete from intermediate.int_collection_years order by 1").fetchall()
        context.instance.add_dynamic_partitions(collection_year_partitions.name, [year for year, _ in years])
        complete = [year for year, is_complete in years if is_complete]
        chosen = complete[-2:] + [year for year, is_complete in years if not is_complete]
        metadata = {}
        for year in chosen:
            label, rows = _write_year(con, warehouse, year, warehouse.output_dir_for(context.run_id, "returns"))
            context.log.info(f"SSDA903 {label}: " + ", ".join(f"{name} {count}" for name, count in rows.items()))
            metadata[f"{label} children"] = rows["header.csv"]
            metadata[f"{label} episodes"] = rows["episodes.csv"]
    return dg.MaterializeResult(metadata={"years": ", ".join(chosen), **metadata})


@dg.asset(group_name="outputs", partitions_def=collection_year_partitions, deps=MARTS, kinds={"csv"},
          tags={ON_DEMAND_TAG: "true"})
def ssda903_return_files(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """One collection year's SSDA903 return, rebuilt on demand from the published warehouse."""
    with warehouse.connect_published() as con:
        label, rows = _write_year(con, warehouse, context.partition_key, warehouse.returns_path)
    context.log.info(f"SSDA903 {label}: " + ", ".join(f"{name} {count}" for name, count in rows.items()))
    return dg.MaterializeResult(metadata={f"rows_{name.removesuffix('.csv')}": count for name, count in rows.items()})
