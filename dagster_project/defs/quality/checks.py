"""Asset checks of recording quality.

- ``staging_expectations``: the Great Expectations suites in expectations/ (one per staging table) run on
  pandas frames read from the run's warehouse, one check per staging table. Failing rows go into the
  warehouse for the worklist; the check's metadata has counts per rule code only. Data-quality failures
  are WARN: they never stop the night. The checks are blocking only so that the data-quality models,
  which read the failing rows, wait for them; a suite that cannot run at all is an ERROR.
- ``data_quality_rule_checks``: one check per rule of seeds/data_quality/data_quality_rules.csv on the
  error mart: open findings, children, new and fixed since the last run, and the rule's own severity
  (error / warning / advice) as metadata. Always WARN: the DfE's errors are for workers to fix, not a
  reason to withhold the night's warehouse.
"""


import csv
import re
from datetime import date

import dagster as dg

from dagster_project.defs.quality.assets import BEFORE_PUBLICATION
from dagster_project.lib.paths import SEEDS_DIR
from dagster_project.lib.quality import expectations
from dagster_project.lib.quality import report as quality_report
from dagster_project.lib.resources import WarehouseResource

RULES_SEED = SEEDS_DIR / "data_quality" / "data_quality_rules.csv"
FINDINGS_MART = dg.AssetKey(["data_quality", "fct_data_quality_findings"])


def check_name(rule_code: str) -> str:
    """Dagster check names allow letters, digits and _ only: rule_503A, rule_GX_PER_01."""
    return "rule_" + re.sub(r"[^A-Za-z0-9_]", "_", rule_code)


def load_rules() -> list[dict]:
    with open(RULES_SEED, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


SUITES = expectations.load_suites()


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec(
        "expectations", asset=dg.AssetKey(["staging", suite["meta"]["staging_model"]]), blocking=True,
        description=f"Great Expectations suite expectations/{suite['name']}.json: "
                    f"{len(suite['expectations'])} expectations. {suite['meta'].get('description', '')}",
    ) for suite in SUITES],
    name="staging_expectations",
    op_tags=BEFORE_PUBLICATION,
)
def staging_expectations(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    with warehouse.connect(context.run.run_id, read_only=True) as con:
        night = quality_report.night_of(con)
    docs_dir = warehouse.output_dir_for(context.run.run_id, "data_quality") / night / "data_docs"
    with warehouse.connect(context.run.run_id) as con:
        outcomes, seconds = expectations.check_staging(con, date.fromisoformat(night), docs_dir, SUITES)
    failing_rows = sum(outcome.unexpected_rows for outcome in outcomes)
    context.log.info(f"Great Expectations: {len(outcomes)} suites in {seconds:.1f} s, "
                     f"{failing_rows} failing rows stored in {expectations.FAILURES_TABLE}")
    for outcome in outcomes:
        passed = outcome.available and outcome.success
        if not outcome.available:
            severity = dg.AssetCheckSeverity.WARN  # an optional table the extract does not have
        elif outcome.errors:
            severity = dg.AssetCheckSeverity.ERROR  # the suite itself is broken: a structural failure
        else:
            severity = dg.AssetCheckSeverity.WARN
        yield dg.AssetCheckResult(
            asset_key=dg.AssetKey(["staging", outcome.staging_model]),
            check_name="expectations",
            passed=passed or not outcome.available,
            severity=severity,
            metadata={
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


RULES = load_rules()


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec(
        check_name(rule["rule_code"]), asset=FINDINGS_MART, blocking=False,
        description=f"[{rule['origin']} {rule['severity']}] {rule['rule_code']}: {rule['message']}",
    ) for rule in RULES],
    name="data_quality_rule_checks",
    op_tags=BEFORE_PUBLICATION,
)
def data_quality_rule_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    with warehouse.connect(context.run.run_id, read_only=True) as con:
        counts = {row[0]: row[1:] for row in con.execute(
            "select rule_code, open_findings, children, new_since_last_run, fixed_since_last_run, oldest_open_days "
            "from data_quality.data_quality_rule_summary").fetchall()}
    firing = 0
    for rule in RULES:
        open_findings, children, new, fixed, oldest = counts.get(rule["rule_code"], (0, 0, 0, 0, None))
        firing += open_findings > 0
        yield dg.AssetCheckResult(
            asset_key=FINDINGS_MART,
            check_name=check_name(rule["rule_code"]),
            passed=open_findings == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "rule_code": rule["rule_code"],
                "rule_severity": rule["severity"],
                "origin": rule["origin"],
                "family": rule["family"],
                "open_findings": int(open_findings),
                "children": int(children),
                "new_since_last_run": int(new),
                "fixed_since_last_run": int(fixed),
                "oldest_open_days": int(oldest) if oldest is not None else 0,
            },
        )
    context.log.info(f"{firing} of {len(RULES)} data-quality rules have open findings")
