"""The KPI catalogue seed covers every KPI of /shared/domain/kpis.md (A1-G7), each with its sources."""

import csv

from dagster_project.lib.ingest.contract import load_contract
from dagster_project.lib.paths import SEEDS_DIR

# Every KPI of the catalogue (kpis.md, sections A-G): the marts must publish each one.
CATALOGUE_KPIS = (
    [f"A{n}" for n in range(1, 10)] + [f"B{n}" for n in range(1, 4)] + [f"C{n}" for n in range(1, 6)]
    + [f"D{n}" for n in range(1, 9)] + [f"E{n}" for n in range(1, 5)] + [f"F{n}" for n in range(1, 9)]
    + [f"G{n}" for n in range(1, 8)]
)


def read_seed(name: str) -> list[dict]:
    with open(SEEDS_DIR / "iro" / f"{name}.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_catalogue_defines_a_measure_for_every_kpi_and_nothing_else():
    definitions = read_seed("kpi_definitions")
    assert sorted({row["kpi_id"] for row in definitions}) == sorted(CATALOGUE_KPIS)
    assert all(row["measure_id"].startswith(row["kpi_id"] + ".") for row in definitions)


def test_every_measure_names_contract_tables_it_is_computed_from():
    measures = {row["measure_id"] for row in read_seed("kpi_definitions")}
    sources = read_seed("kpi_measure_sources")
    assert {row["measure_id"] for row in sources} == measures
    assert {row["table_name"] for row in sources} <= set(load_contract())


def test_every_measure_is_published_for_years_and_percentages_say_what_they_count():
    for row in read_seed("kpi_definitions"):
        assert row["per_year"] == "true", row["measure_id"]
        if row["unit"] in ("percent", "rate_per_10000", "average", "ratio"):
            assert row["denominator_definition"], row["measure_id"]
