"""The reference data the pipeline stands on is internally consistent."""

import csv

from dagster_project.lib.ingest.contract import load_contract
from dagster_project.lib.paths import SEEDS_DIR

KINDS = {"id", "code", "mapped", "date", "number", "decimal", "fraction", "text"}


def read_seed(relative):
    with open(SEEDS_DIR / relative, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_table_has_a_key_and_known_column_kinds():
    for table in load_contract().values():
        assert table.primary_key, table.name
        assert {c.kind for c in table.columns} <= KINDS, table.name
        assert set(table.primary_key) <= set(table.required_columns), table.name


def test_every_mapped_column_has_a_mapping_domain_with_rows():
    domains = {row["domain"] for row in read_seed("mappings/code_mappings.csv")}
    for table in load_contract().values():
        for column in table.columns:
            if column.kind == "mapped":
                assert column.mapping_domain in domains, (table.name, column.name)


def test_no_mapping_is_ambiguous():
    seen = {}
    for row in read_seed("mappings/code_mappings.csv"):
        key = (row["domain"], row["cms"], row["la_code"], " ".join(row["source_value"].upper().split()))
        assert seen.setdefault(key, row["code"]) == row["code"], key


def test_every_dfe_legal_status_code_maps_to_itself():
    identity = {row["source_value"] for row in read_seed("mappings/code_mappings.csv")
                if row["domain"] == "legal_status" and row["cms"] == "*"}
    assert {"C1", "C2", "D1", "E1", "V2", "V3", "V4", "J1", "J2", "J3", "L1", "L2", "L3"} <= identity


def test_bank_holidays_are_weekdays_including_the_one_off_days():
    days = {row["holiday_date"] for row in read_seed("reference/bank_holidays.csv")}
    assert {"2022-09-19", "2023-05-08", "2022-06-03", "2025-12-25", "2026-04-03"} <= days
    assert "2022-01-01" not in days  # a Saturday: the substitute day 2022-01-03 is the holiday
    assert "2022-01-03" in days


def test_no_seed_cell_holds_the_text_null():
    """Seeds load with DuckDB's CSV reader (dbt_project.yml, +fast): it keeps the text `null` as text,
    where dbt's row-by-row loader read it as blank. A seed meaning "not recorded" leaves the cell empty."""
    found = []
    for path in sorted(SEEDS_DIR.rglob("*.csv")):
        with open(path, newline="", encoding="utf-8") as f:
            for line, row in enumerate(csv.reader(f), start=1):
                found += [f"{path.relative_to(SEEDS_DIR)} line {line}" for cell in row if cell.strip().lower() == "null"]
    assert not found, found[:10]
