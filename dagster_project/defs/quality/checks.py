"""Asset checks of recording quality (the Great Expectations suites' checks are on their asset, assets.py).

- ``data_quality_rule_checks``: one check per rule of seeds/data_quality/data_quality_rules.csv on the
  error mart: open findings, children, new and fixed since the last run, and the rule's own severity
  (error / warning / advice) as metadata. Always WARN: the DfE's errors are for workers to fix, not a
  reason to withhold the night's warehouse.
"""


import csv
import re

import dagster as dg

from dagster_project.lib.paths import SEEDS_DIR
from dagster_project.lib.resources import WarehouseResource

RULES_SEED = SEEDS_DIR / "data_quality" / "data_quality_rules.csv"
FINDINGS_MART = dg.AssetKey(["data_quality", "fct_data_quality_findings"])


# words that say nothing about what a rule checks, left out of its check name
FILLER_WORDS = {"the", "a", "an", "is", "are", "was", "were", "be", "been", "has", "have", "of", "for", "to",
                "in", "on", "or", "and", "this", "that", "its", "it", "with", "by", "at", "as", "not", "no"}
CHECK_NAME_WORDS = 5


def check_name(rule: dict) -> str:
    """The check's name says what it checks, from the rule's row of the seed: its code and the first words
    of its message that carry meaning (Dagster allows letters, digits and _ only), e.g. IRO09 "The review
    record was sent out more than 20 working days after the review" -> rule_IRO09_review_record_sent_out_more.
    """
    text = rule["message"].lower().replace("'", "")  # child's -> childs
    words = [word for word in re.findall(r"[a-z0-9]+", text) if word not in FILLER_WORDS and len(word) > 1]
    return "_".join(["rule", re.sub(r"[^A-Za-z0-9_]", "_", rule["rule_code"]), *words[:CHECK_NAME_WORDS]])


def load_rules() -> list[dict]:
    with open(RULES_SEED, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


RULES = load_rules()


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec(
        check_name(rule), asset=FINDINGS_MART, blocking=False,
        description=f"[{rule['origin']} {rule['severity']}] {rule['rule_code']}: {rule['message']}",
    ) for rule in RULES],
    name="data_quality_rule_checks",
)
def data_quality_rule_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    with warehouse.connect(context.run.run_id, read_only=True) as con:
        counts = {row[0]: row[1:] for row in con.execute(
            "select rule_code, open_findings, children, new_since_last_run, fixed_since_last_run, oldest_open_days "
            "from data_quality.fct_data_quality_by_rule").fetchall()}
    firing = 0
    for rule in RULES:
        open_findings, children, new, fixed, oldest = counts.get(rule["rule_code"], (0, 0, 0, 0, None))
        firing += open_findings > 0
        yield dg.AssetCheckResult(
            asset_key=FINDINGS_MART,
            check_name=check_name(rule),
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
