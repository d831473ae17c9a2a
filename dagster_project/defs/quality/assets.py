"""Recording quality, every night: the data-quality models and the night's report.

Order within the nightly job (one step at a time):

1. the Great Expectations check on the staging tables (checks.py) writes every failing row into the
   warehouse (``data_quality.expectation_failures``);
2. ``data_quality_dbt_models`` builds the rule models and the error mart (dbt_models/models/*/data_quality):
   every rule family, one row per child x rule x record, first seen / fixed kept across nights in the
   ``tracking`` schema. It waits for step 1 because that check is blocking (with WARN severity, so it
   never stops the run: only ordering);
3. ``data_quality_report`` writes the worklist and report into the run's workspace
   (``data_quality/<extract date>/``): Excel, HTML and CSV, beside the GX Data Docs of step 1; the
   publication step moves the folder to ``output/data_quality/<extract date>/``;
4. the per-rule checks (checks.py) show each rule's counts and severity in Dagster.

Logs and metadata carry counts, rule codes and file names only; the children are in the warehouse and
the report folder.
"""


import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from dagster_project.defs.transformation.assets import prune_old_dbt_targets
from dagster_project.defs.transformation.translator import WarehouseDbtTranslator
from dagster_project.lib.quality import dbt_stage
from dagster_project.lib.quality import report as quality_report
from dagster_project.lib.resources import WarehouseResource

# The night's outputs are written before publication removes the run's workspace (as the reports do).
BEFORE_PUBLICATION = {"dagster/priority": "5"}

DATA_QUALITY_MARTS = [dg.AssetKey(["data_quality", name]) for name in (
    "fct_data_quality_findings", "data_quality_rule_summary", "data_quality_team_summary",
    "data_quality_worker_summary", "data_quality_child_summary", "data_quality_rule_night_summary")]


@dbt_assets(manifest=dbt_stage.prepare_manifest_if_stale(), select=dbt_stage.SELECTION,
            name="data_quality_dbt_models", dagster_dbt_translator=WarehouseDbtTranslator(),
            op_tags=BEFORE_PUBLICATION)
def data_quality_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """Every data-quality rule as SQL, the error mart and its history (no --full-refresh: the history in
    the tracking schema is incremental and carried from night to night)."""
    import os

    os.environ["CLA_WAREHOUSE_PATH"] = str(warehouse.working_warehouse_path(context.run_id))
    prune_old_dbt_targets(dbt_stage.TARGET_DIR.parent, "data_quality_dbt_models", keep=5)
    yield from dbt.cli(["build", "--vars", dbt_stage.STAGE_VARS], context=context).stream()


@dg.asset(group_name="data_quality", deps=DATA_QUALITY_MARTS, kinds={"xlsx", "html", "csv"},
          op_tags=BEFORE_PUBLICATION)
def data_quality_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """The night's recording-quality report: a worklist of what can be corrected, by team and worker, most
    urgent first (the child, the record as the system shows it, the field; the extract's file, row and
    column for the data team), practice facts counted apart as performance, summaries by rule, team and
    worker, new and fixed since the last run; Excel (prints one team per page), HTML (filters) and CSV."""
    with warehouse.connect(context.run_id, read_only=True) as con:
        night = quality_report.night_of(con)
        folder = warehouse.output_dir_for(context.run_id, "data_quality") / night
        written = quality_report.write_report(con, folder)
    plural = quality_report.plural
    context.log.info(f"Data-quality report {night}: {plural(written.open_findings, 'finding')} to correct for "
                     f"{plural(written.children, 'child', 'children')}, {written.new:,} new and {written.fixed:,} "
                     f"fixed since the last run; {plural(written.practice_facts, 'practice fact')} counted apart")
    return dg.MaterializeResult(metadata={
        "night": night,
        "files": ", ".join(sorted(path.name for path in written.files)),
        "open_findings": written.open_findings,
        "open_errors": written.open_errors,
        "children": written.children,
        "new_since_last_run": written.new,
        "fixed_since_last_run": written.fixed,
        "practice_facts": written.practice_facts,
    })
