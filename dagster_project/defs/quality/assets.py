"""Recording quality, every night: the Great Expectations run, the data-quality models and the report.

The dependency graph orders the night (nothing else does):

1. ``staging_expectations`` runs the Great Expectations suites on the staging tables and writes every
   failing row into the warehouse (``data_quality.expectation_failures``, with one row per expectation in
   ``data_quality.expectation_results``). Both tables are dbt sources whose ``meta`` names this asset, so the
   rule models that read them come after it like after any other asset;
2. ``data_quality_dbt_models`` (defs/transformation/assets.py) builds the rule models, the findings and their
   history (dbt_models/models/data_quality);
3. ``data_quality_report`` writes the worklist and report into the run's workspace
   (``data_quality/<extract date>/``): Excel, HTML and CSV, beside the GX Data Docs of step 1; the
   publication step moves the folder to ``output/data_quality/<extract date>/``;
4. the per-rule checks (checks.py) show each rule's counts and severity in Dagster.

Logs and metadata carry counts, rule codes and file names only; the children are in the warehouse and
the report folder.
"""

from datetime import date

import dagster as dg

from dagster_project.lib.child_process import on_duckdb_file, run_in_child
from dagster_project.lib.quality import expectations
from dagster_project.lib.quality import report as quality_report
from dagster_project.lib.resources import WarehouseResource

EXPECTATION_FAILURES = dg.AssetKey(["data_quality", "expectation_failures"])
EXPECTATION_RESULTS = dg.AssetKey(["data_quality", "expectation_results"])

DATA_QUALITY_MARTS = [dg.AssetKey(["data_quality", name]) for name in (
    "fct_data_quality_findings", "fct_data_quality_by_rule", "fct_data_quality_by_team",
    "fct_data_quality_by_worker", "fct_data_quality_by_child", "fct_data_quality_by_rule_and_night")]

SUITES = expectations.load_suites()


def expectations_check_name(staging_model: str) -> str:
    return f"expectations_{staging_model}"


@dg.multi_asset(
    specs=[
        dg.AssetSpec(EXPECTATION_FAILURES, group_name="data_quality", kinds={"duckdb"},
                     deps=[dg.AssetKey(["staging", suite["meta"]["staging_model"]]) for suite in SUITES],
                     description="One row per expectation and failing staging row (rule code, record, extract "
                                 "file and row, column, value found)."),
        dg.AssetSpec(EXPECTATION_RESULTS, group_name="data_quality", kinds={"duckdb"},
                     deps=[dg.AssetKey(["staging", suite["meta"]["staging_model"]]) for suite in SUITES],
                     description="One row per expectation evaluated tonight (suite, rule code, rows checked, success)."),
    ],
    check_specs=[dg.AssetCheckSpec(
        expectations_check_name(suite["meta"]["staging_model"]), asset=EXPECTATION_FAILURES,
        description=f"Great Expectations suite expectations/{suite['name']}.json on "
                    f"{suite['meta']['staging_model']}: {len(suite['expectations'])} expectations. "
                    f"{suite['meta'].get('description', '')}",
    ) for suite in SUITES],
    name="staging_expectations",
)
def staging_expectations(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """The Great Expectations suites in expectations/ (one per staging table) on pandas frames read from the
    run's warehouse; the failing rows go into the warehouse for the worklist, the checks' metadata has counts
    per rule code only. Data-quality failures are WARN: they never stop the night; a suite that cannot run
    at all is an ERROR."""
    with warehouse.connect(context.run_id, read_only=True) as con:
        night = quality_report.night_of(con)
    docs_dir = warehouse.output_dir_for(context.run_id, "data_quality") / night / "data_docs"
    # in a process of its own: the suites' pandas frames took 1.7 GB at scale 50, which the night's process
    # kept until it ended (importing Great Expectations again there costs about 2 s)
    outcomes, seconds = run_in_child(on_duckdb_file, expectations.check_staging,
                                     warehouse.working_warehouse_path(context.run_id), date.fromisoformat(night),
                                     docs_dir, SUITES)
    failing_rows = sum(outcome.unexpected_rows for outcome in outcomes)
    context.log.info(f"Great Expectations: {len(outcomes)} suites in {seconds:.1f} s, "
                     f"{failing_rows} failing rows stored in {expectations.FAILURES_TABLE}")
    yield dg.MaterializeResult(asset_key=EXPECTATION_FAILURES, metadata={"failing_rows": failing_rows})
    yield dg.MaterializeResult(asset_key=EXPECTATION_RESULTS, metadata={"suites": len(outcomes)})
    for outcome in outcomes:
        passed = outcome.available and outcome.success
        if not outcome.available:
            severity = dg.AssetCheckSeverity.WARN  # an optional table the extract does not have
        elif outcome.errors:
            severity = dg.AssetCheckSeverity.ERROR  # the suite itself is broken: a structural failure
        else:
            severity = dg.AssetCheckSeverity.WARN
        yield dg.AssetCheckResult(
            asset_key=EXPECTATION_FAILURES,
            check_name=expectations_check_name(outcome.staging_model),
            passed=passed or not outcome.available,
            severity=severity,
            metadata={
                "staging_model": outcome.staging_model,
                "table_available": outcome.available,
                "rows_checked": outcome.rows,
                "expectations": outcome.expectations,
                "failed_expectations": outcome.failed_expectations,
                "expectations_not_evaluated": outcome.errors,
                "failing_rows": outcome.unexpected_rows,
                # rule codes and counts only: the rows themselves are in the warehouse
                "failing_rows_by_rule": ", ".join(f"{code}: {count}" for code, count
                                                  in sorted(outcome.rule_counts.items())) or "none",
            },
        )


# the council's worklist settings (one sheet per team, when an error is old) are read from the settings mart
COUNCIL_SETTINGS = dg.AssetKey(["marts", "dim_council_settings"])


@dg.asset(group_name="data_quality", deps=[*DATA_QUALITY_MARTS, COUNCIL_SETTINGS], kinds={"xlsx", "html", "csv"})
def data_quality_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """The night's recording-quality report: a worklist of what can be corrected, by team and worker, most
    urgent first (the child, the record as the system shows it, the field; the extract's file, row and
    column for the data team), practice facts counted apart as performance, summaries by rule, team and
    worker, new and fixed since the last run; Excel (prints one team per page), HTML (filters) and CSV."""
    with warehouse.connect(context.run_id, read_only=True) as con:
        night = quality_report.night_of(con)
    folder = warehouse.output_dir_for(context.run_id, "data_quality") / night
    # in a process of its own: the worklist's frames and the workbook kept 1.4 GB in the night's process at
    # scale 50
    written = run_in_child(on_duckdb_file, quality_report.write_report,
                           warehouse.working_warehouse_path(context.run_id), folder, read_only=True)
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
