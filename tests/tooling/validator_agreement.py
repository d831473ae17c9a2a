"""Do the warehouse's DfE rules flag the same children as the DfE's public validator?

    table = agreement(con, returns_dir, "2025-26", "2024-25", "E06000015")

runs the validator (tests/tooling/dfe_validator.py) on the year's return files (with last year's as the previous
year) and compares, for every DfE-coded rule in seeds/data_quality/data_quality_rules.csv, the children
the warehouse flags for that year (intermediate.int_quality_findings) with the children the validator
flags for the same code. A difference is explained when the rule is listed in
seeds/data_quality/validator_disagreements.csv (our reading of the DfE rule differs from the validator's,
with the evidence; rows of kind draft_year_to_date only for a year-to-date draft) or in
seeds/ssda903/validator_known_defects.csv (a proven validator defect).
Used by the slow tests and by hand; it never runs in the nightly job.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.lib.paths import SEEDS_DIR
from tests.tooling.dfe_validator import known_defects, run_validator

RULES_PATH = SEEDS_DIR / "data_quality" / "data_quality_rules.csv"
DISAGREEMENTS_PATH = SEEDS_DIR / "data_quality" / "validator_disagreements.csv"


def dfe_rule_codes() -> list[str]:
    with open(RULES_PATH, newline="", encoding="utf-8") as f:
        return [row["rule_code"] for row in csv.DictReader(f) if row["origin"] == "dfe"]


# a difference that only a year-to-date draft may show: the validator judges the year as if it had ended
DRAFT_ONLY = "draft_year_to_date"


def documented_disagreements(draft: bool = False) -> dict[str, str]:
    """{rule_code: why the warehouse does not do what the validator does}; the draft-only rows count only
    for a year-to-date draft (on a complete year those rules must agree)."""
    with open(DISAGREEMENTS_PATH, newline="", encoding="utf-8") as f:
        return {row["rule_code"]: f"{row['kind']}: {row['reason']}" for row in csv.DictReader(f)
                if draft or row["kind"] != DRAFT_ONLY}


def is_draft(con: duckdb.DuckDBPyConnection, collection_year: str) -> bool:
    """Whether the warehouse returns the year as a year-to-date draft (the year in progress)."""
    row = con.execute("select is_complete from intermediate.int_quality_collection_years where collection_year = ?",
                      [collection_year]).fetchone()
    if row is None:
        raise ValueError(f"{collection_year} is not a year the warehouse's rules checked")
    return not row[0]


def our_children(con: duckdb.DuckDBPyConnection, collection_year: str) -> dict[str, set[str]]:
    rows = con.execute(
        "select rule_code, person_id from intermediate.int_quality_findings "
        "where origin = 'dfe' and collection_year = ? and person_id is not null", [collection_year]).fetchall()
    out: dict[str, set[str]] = {}
    for rule_code, person_id in rows:
        out.setdefault(rule_code, set()).add(str(person_id).upper())
    return out


def compare(ours: dict[str, set[str]], validator: dict[str, set[str]], collection_year: str,
            rules_run: list[str] | None = None, draft: bool = False) -> pd.DataFrame:
    explained = documented_disagreements(draft)
    defects = known_defects(collection_year)
    rows = []
    for code in dfe_rule_codes():
        mine, theirs = ours.get(code, set()), validator.get(code, set())
        agrees = mine == theirs
        explanation = ""
        if not agrees:
            explanation = explained.get(code) or (f"validator defect: {defects[code]}" if code in defects else "")
        rows.append({
            "rule_code": code,
            "warehouse_children": len(mine),
            "validator_children": len(theirs),
            "both": len(mine & theirs),
            "only_warehouse": len(mine - theirs),
            "only_validator": len(theirs - mine),
            "validator_ran_rule": None if rules_run is None else code in rules_run,
            "agrees": agrees,
            "explained": agrees or bool(explanation),
            "explanation": explanation,
        })
    return pd.DataFrame(rows)


def agreement(con: duckdb.DuckDBPyConnection, returns_dir: Path, collection_year: str, previous_year: str,
              la_code: str) -> tuple[pd.DataFrame, object]:
    """The agreement table for one year (and the validator's result, for timings and detail)."""
    result = run_validator(Path(returns_dir) / collection_year, collection_year, la_code,
                           previous_year_dir=Path(returns_dir) / previous_year)
    validator: dict[str, set[str]] = {}
    for code in result.errors_by_rule:
        validator[code] = {str(child).upper() for child in result.children_for(code)}
    return compare(our_children(con, collection_year), validator, collection_year, result.rules_run,
                   draft=is_draft(con, collection_year)), result
