"""The night's mapping worksheet, beside the data-quality report (data_quality/<extract date>/):
every local value the warehouse cannot map, with records, first date and a suggested code
(lib/quality/mapping_worksheet.py). Logs and metadata carry counts only."""

import dagster as dg

from dagster_project.lib.data_label import synthetic_label
from dagster_project.lib.quality import mapping_worksheet
from dagster_project.lib.resources import WarehouseResource

# written before publication moves the run's output folders (as the data-quality report is)
BEFORE_PUBLICATION = {"dagster/priority": "5"}


@dg.asset(group_name="data_quality", kinds={"xlsx", "csv"}, op_tags=BEFORE_PUBLICATION,
          deps=[dg.AssetKey(["intermediate", "int_unmapped_local_values"])])
def mapping_worksheet_files(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """mapping_worksheet.csv and .xlsx: the layout of the council's code_mappings.csv plus counts and the
    suggestion, so that accepting a suggestion is copying a row into the configuration folder."""
    with warehouse.connect(context.run_id, read_only=True) as con:
        night = str(con.execute("select extract_date from staging.stg_extract__manifests").fetchone()[0])
        frame = mapping_worksheet.build(con)
        label = synthetic_label(con)
    folder = warehouse.output_dir_for(context.run_id, "data_quality") / night
    written = mapping_worksheet.write(frame, folder, label)
    domains = int(frame["domain"].nunique()) if len(frame) else 0
    context.log.info(f"Mapping worksheet {night}: {written.values} local values without a mapping in "
                     f"{domains} mapping(s), used by {written.records} records")
    return dg.MaterializeResult(metadata={
        "night": night, "values_without_mapping": written.values, "records": written.records,
        "mappings_affected": domains, "files": f"{written.csv.name}, {written.excel.name}"})


@dg.asset_check(asset=dg.AssetKey(["marts", "fct_kpi_values"]), name="kpi_figures_read_every_input",
                blocking=False, op_tags=BEFORE_PUBLICATION)
def kpi_figures_read_every_input(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    """Warns when figures carry a caveat (inputs the warehouse could not read or locate) or are not available
    because of them: the mapping worksheet says what to add."""
    with warehouse.connect(context.run.run_id, read_only=True) as con:
        caveated, unavailable = con.execute(
            "select count(*), count(case when not is_available then 1 end) from marts.fct_kpi_values "
            "where caveat is not null and breakdown_name = 'total' and breakdown_2_name = 'total'").fetchone()
    return dg.AssetCheckResult(
        passed=caveated == 0, severity=dg.AssetCheckSeverity.WARN,
        description=(f"{caveated} figure(s) carry a caveat, {unavailable} of them not available: see the "
                     "mapping worksheet" if caveated else "every figure read all its inputs"),
        metadata={"caveated_figures": caveated, "not_available_for_unreadable_inputs": unavailable})
