"""The Great Expectations suites: declared right, and run on pandas frames with every failing row kept
with its record id (COMPLETE result format), stored in the warehouse and counted, never quoted."""

import csv
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dagster_project.lib.ingest.contract import load_contract
from dagster_project.lib.paths import DBT_PROJECT_DIR, SEEDS_DIR
from dagster_project.lib.quality import expectations

with open(SEEDS_DIR / "data_quality" / "data_quality_rules.csv", newline="", encoding="utf-8") as _seed:
    RULES = {row["rule_code"]: row for row in csv.DictReader(_seed)}


def _staging_source_table(model: str) -> str:
    path = next(DBT_PROJECT_DIR.glob(f"models/staging/**/{model}.sql"))
    return re.search(r"source\('raw', '(\w+)'\)", path.read_text()).group(1)


def test_one_suite_per_staging_table_of_the_extract():
    suites = {suite["name"] for suite in expectations.load_suites()}
    staging = {p.stem for p in DBT_PROJECT_DIR.glob("models/staging/ssd/stg_ssd__*.sql")}
    staging |= {p.stem for p in DBT_PROJECT_DIR.glob("models/staging/iro/stg_iro__*.sql")}
    assert suites == staging


def test_every_expectation_is_a_rule_about_a_contract_column():
    contract = load_contract()
    in_suites = set()
    for suite in expectations.load_suites():
        table = contract[_staging_source_table(suite["meta"]["staging_model"])]
        for expectation in suite["expectations"]:
            code = expectation["meta"]["rule_code"]
            in_suites.add(code)
            assert RULES[code]["origin"] == "expectation" and RULES[code]["family"] == "expectations", code
            assert expectation["meta"]["source_column"] in table.column_names, (code, table.name)
    assert in_suites == {code for code, rule in RULES.items() if rule["origin"] == "expectation"}


def test_code_lists_come_from_the_seed_of_903_codes():
    parameters = expectations.suite_parameters(date(2026, 11, 23))
    assert "Z1" in parameters["codes_PLACE"] and "K3" in parameters["codes_PLACE"]
    assert parameters["codes_UPN_UNKNOWN"] == ["UN1", "UN2", "UN3", "UN4", "UN5"]
    for suite in expectations.load_suites():
        for expectation in suite["expectations"]:
            value_set = expectation["kwargs"].get("value_set")
            if isinstance(value_set, dict):
                assert value_set["$PARAMETER"] in parameters


@pytest.fixture
def tiny_warehouse(tmp_path):
    """A staging.stg_ssd__persons with a future date of birth, a malformed UPN and a UPN used twice."""
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("create schema staging")
    frame = pd.DataFrame({
        "person_id": ["P1", "P2", "P3", "P4"],
        "upn": ["A123456789012", "A12345", "B123456789012", "B123456789012"],
        "upn_unknown_reason": [None, None, None, "UN9"],
        "ethnicity_code": ["WBRI", "WBRI", "XXXX", None],
        "date_of_birth": pd.to_datetime(["2015-01-01", "2027-01-01", "2014-06-01", None]),
        "expected_date_of_birth": pd.to_datetime([None, None, None, "2013-02-02"]),
        "date_of_death": pd.to_datetime([None, None, None, None]),
        "source_file_name": ["ssd_person.csv"] * 4,
        "source_row_number": [2, 3, 4, 5],
    })
    con.register("frame", frame)
    con.execute("create table staging.stg_ssd__persons as select * from frame")
    yield con
    con.close()


def test_failing_rows_are_kept_with_their_record_id_and_row(tiny_warehouse, tmp_path):
    suite = next(s for s in expectations.load_suites() if s["name"] == "stg_ssd__persons")
    docs = tmp_path / "docs"
    outcomes, _ = expectations.check_staging(tiny_warehouse, date(2026, 11, 23), docs, [suite])
    failures = tiny_warehouse.execute(
        f"select rule_code, record_id, person_id, source_row_number, value_recorded from {expectations.FAILURES_TABLE} "
        "order by rule_code, record_id").fetchall()
    assert ("GX-PER-02", "P2", "P2", 3, "2027-01-01 00:00:00") in failures  # date of birth in the future
    assert ("GX-PER-03", "P2", "P2", 3, "A12345") in failures  # not a UPN
    assert {(r[0], r[1]) for r in failures if r[0] == "GX-PER-04"} == {("GX-PER-04", "P3"), ("GX-PER-04", "P4")}
    assert ("GX-PER-05", "P4", "P4", 5, "UN9") in failures
    assert ("GX-PER-06", "P3", "P3", 4, "XXXX") in failures
    # P4 has no date of birth but an estimated one: not GX-PER-01
    assert not [r for r in failures if r[0] == "GX-PER-01"]
    [outcome] = outcomes
    assert outcome.available and not outcome.success and outcome.rows == 4
    assert outcome.rule_counts == {"GX-PER-02": 1, "GX-PER-03": 1, "GX-PER-04": 2, "GX-PER-05": 1, "GX-PER-06": 1}
    results = tiny_warehouse.execute(f"select count(*), sum(case when success then 1 else 0 end) "
                                     f"from {expectations.RESULTS_TABLE}").fetchone()
    assert results == (len(suite["expectations"]), len(suite["expectations"]) - 5)
    assert (docs / "index.html").exists()


@pytest.mark.parametrize("last_date_of_birth, read_as", [("2030-05-05", "datetime64[ns]"),
                                                          ("9999-12-31", "datetime64[us]")])
def test_dates_as_the_warehouse_types_them_are_checked_the_same_within_and_beyond_nanoseconds(
        tiny_warehouse, last_date_of_birth, read_as):
    """Staging dates are DATE columns, which DuckDB hands to pandas in microseconds. They are read in
    nanoseconds so GX checks them as whole arrays; a date nanoseconds cannot hold (after 2261) keeps the
    column in microseconds, which GX checks value by value. Both find the same future dates of birth."""
    tiny_warehouse.execute("create table staging.dated as select * replace (cast(date_of_birth as date) "
                           "as date_of_birth) from staging.stg_ssd__persons")
    tiny_warehouse.execute(f"insert into staging.dated (person_id, date_of_birth, source_file_name, "
                           f"source_row_number) values ('P5', date '{last_date_of_birth}', 'ssd_person.csv', 6)")
    tiny_warehouse.execute("drop table staging.stg_ssd__persons")
    tiny_warehouse.execute("alter table staging.dated rename to stg_ssd__persons")
    suite = next(s for s in expectations.load_suites() if s["name"] == "stg_ssd__persons")
    frame = expectations._read_table(tiny_warehouse, "stg_ssd__persons", expectations.suite_columns(suite))
    assert str(frame["date_of_birth"].dtype) == read_as
    [outcome], _ = expectations.check_staging(tiny_warehouse, date(2026, 11, 23), None, [suite])
    assert outcome.errors == 0
    failures = tiny_warehouse.execute(
        f"select record_id, value_recorded from {expectations.FAILURES_TABLE} where rule_code = 'GX-PER-02' "
        "order by record_id").fetchall()
    assert failures == [("P2", "2027-01-01 00:00:00"), ("P5", f"{last_date_of_birth} 00:00:00")]


def test_a_suite_whose_table_is_absent_is_reported_not_available(tiny_warehouse):
    suite = next(s for s in expectations.load_suites() if s["name"] == "stg_iro__disputes")
    outcomes, _ = expectations.check_staging(tiny_warehouse, date(2026, 11, 23), None, [suite])
    assert [(o.available, o.unexpected_rows) for o in outcomes] == [(False, 0)]
    assert tiny_warehouse.execute(f"select count(*) from {expectations.FAILURES_TABLE}").fetchone() == (0,)


def test_a_suite_must_say_which_column_is_the_record_id(tmp_path):
    (tmp_path / "stg_ssd__teams.json").write_text(
        '{"name": "stg_ssd__teams", "meta": {"staging_model": "stg_ssd__teams"}, "expectations": []}')
    with pytest.raises(ValueError, match="record_id_column"):
        expectations.load_suites(Path(tmp_path))
