"""A council whose system writes texts the warehouse does not know, end to end (issue 12's acceptance).

The hand-worked council of tests/reports/test_kpi_hand_cases.py, with its health checks and some review
participation written as a system writes them: every health assessment as "Health Assessment" (the text
that made a real council's published figure print 0%), and PN2 / PN5 / PN7 as texts. Worked by hand for
2025-26: 4 health checks (9501, 9503, 9504, 9506) have a type the warehouse cannot read and no health
assessment is readable, so F1 is "not available" with that caveat, never 0%; 4 reviews (4016 PN2, 4010
and 4025 PN5, 4011 PN7) have a participation it cannot read, so D3 carries the caveat.

Then a person copies the night's mapping worksheet rows into the configuration folder (correcting the
one suggestion they disagree with), together with the worksheet rows of 44 further local texts over seven
mappings; on the next run every one of them maps, and every hand-worked figure is as the person counted.
"""

import csv

import dagster as dg
import duckdb
import pytest

from dagster_project.lib.paths import SEEDS_DIR
from dagster_project.lib.quality.mapping_suggestions import known_texts, suggest
from tests.mappings.local_texts import LOCAL_TEXTS
from tests.reports import test_kpi_hand_cases as hand

pytestmark = [pytest.mark.slow]

HEALTH_TEXTS = {"HEALTH_ASSESSMENT": "Health Assessment"}
PARTICIPATION_TEXTS = {"PN2": "Attended, advocate spoke on their behalf",
                       "PN5": "Did not attend - views conveyed via advocate",
                       "PN7": "Did not attend, no views conveyed"}
WORKSHEET_HEADER = ["domain", "cms", "la_code", "source_value", "code", "records", "first_record_date",
                    "record_table", "source_column", "confidence", "suggested_because"]


def recoded(text: str, column: str, texts: dict[str, str]) -> str:
    rows = list(csv.DictReader(text.splitlines()))
    for row in rows:
        row[column] = texts.get(row[column], row[column])
    return hand.table(rows, list(rows[0]))


def seed(name):
    with open(SEEDS_DIR / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def worksheet_rows_for_local_texts() -> list[dict]:
    """The 44 local texts as the worksheet would list them, with the code a person settles on."""
    known = known_texts(seed("mappings/code_mappings.csv"), seed("ssda903/ssda903_codes.csv"),
                        seed("mappings/case_management_system_texts.csv"), seed("mappings/mapping_domains.csv"))
    rows = []
    for domain, text, chosen in LOCAL_TEXTS:
        suggestion = suggest(text, known[domain])
        rows.append({"domain": domain, "cms": "liquid_logic", "la_code": "", "source_value": text,
                     "code": chosen, "records": 0, "confidence": suggestion.confidence})
    return rows


def run(root):
    from dagster_project.lib.settings import Settings
    from dagster_project.run import run_warehouse

    results = run_warehouse(instance=dg.DagsterInstance.ephemeral())
    assert results[0].success
    return duckdb.connect(str(Settings.from_environment().warehouse_path), read_only=True)


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    from dagster_project.lib.ingest.contract import load_contract
    from tests.conftest import ExtractBuilder

    root = tmp_path_factory.mktemp("unmapped_texts")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLA_LANDING_DIR", str(root / "landing"))
        patch.setenv("CLA_OUTPUT_DIR", str(root / "output"))
        patch.setenv("CLA_CONFIG_DIR", str(root / "config"))
        for variable in ("CLA_WAREHOUSE_DIR", "CLA_RETURNS_DIR", "CLA_REPORTS_DIR", "CLA_DATA_QUALITY_DIR",
                         "CLA_ENCRYPTION_KEY"):
            patch.delenv(variable, raising=False)
        patch.setenv("CLA_LA_CODE", "E06000015")
        (root / "landing").mkdir()
        tables = hand.build_extract(load_contract())
        tables["ssd_cla_health"] = recoded(tables["ssd_cla_health"], "clah_health_check_type", HEALTH_TEXTS)
        tables["ssd_cla_reviews"] = recoded(tables["ssd_cla_reviews"], "clar_cla_review_participation",
                                            PARTICIPATION_TEXTS)
        ExtractBuilder(root / "landing").write(hand.EXTRACT_ID, tables=tables)

        first = run(root)
        worksheet_path = root / "output" / "data_quality" / "2026-06-01" / "mapping_worksheet.csv"
        with open(worksheet_path, newline="", encoding="utf-8") as f:
            header = next(csv.reader(f))
            f.seek(0)
            worksheet = list(csv.DictReader(f))
        first_night = {
            "header": header,
            "worksheet": worksheet,
            "excel": (worksheet_path.with_suffix(".xlsx")).exists(),
            "figures": {row[0]: row[1:] for row in first.execute(
                "select measure_id, is_available, numerator, value, caveat, unavailable_reason "
                "from marts.fct_kpi_values where period_id = ? and breakdown_name = 'total' "
                "and breakdown_2_name = 'total' and measure_id in ('F1.health_assessment', "
                "'D3.participation_rate', 'F3.immunisations')", [hand.YEAR]).fetchall()},
        }
        first.close()

        # the person: copies every worksheet row, correcting the one suggestion they disagree with, and
        # adds the rows of the 44 further texts (the extra columns come along: the loader ignores them)
        accepted = []
        for row in worksheet:
            if row["source_value"] == PARTICIPATION_TEXTS["PN5"]:
                row["code"] = "PN5"
            accepted.append(row)
        accepted += worksheet_rows_for_local_texts()
        (root / "config").mkdir()
        with open(root / "config" / "code_mappings.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=WORKSHEET_HEADER, lineterminator="\n")
            writer.writeheader()
            writer.writerows(accepted)

        second = run(root)
        yield first_night, second
        second.close()


def test_an_unreadable_health_assessment_is_not_available_with_its_caveat_never_0(nights):
    first, _ = nights
    is_available, numerator, value, caveat, reason = first["figures"]["F1.health_assessment"]
    assert (is_available, numerator, value) == (False, None, None)
    assert caveat == ("4 health checks with a type the warehouse cannot read (add them to the mapping "
                      "worksheet).")
    assert reason == "Not available: " + caveat


def test_a_figure_with_a_few_unreadable_inputs_carries_the_caveat(nights):
    first, _ = nights
    is_available, _, _, caveat, _ = first["figures"]["D3.participation_rate"]
    assert is_available
    assert caveat.startswith("4 reviews with a participation the warehouse cannot read")
    # a figure built on no mapped field carries none
    assert first["figures"]["F3.immunisations"][3] is None


def test_the_worksheet_is_the_mappings_layout_with_counts_and_suggestions(nights):
    first, _ = nights
    assert first["header"][:5] == ["domain", "cms", "la_code", "source_value", "code"]
    assert first["header"] == WORKSHEET_HEADER and first["excel"]
    rows = {(r["domain"], r["source_value"]): (r["code"], int(r["records"]), r["first_record_date"])
            for r in first["worksheet"]}
    assert rows[("health_check_type", "Health Assessment")] == ("HEALTH_ASSESSMENT", 4, "2025-07-01")
    assert rows[("participation", PARTICIPATION_TEXTS["PN2"])] == ("PN2", 1, "2025-06-30")
    assert rows[("participation", PARTICIPATION_TEXTS["PN7"])] == ("PN7", 1, "2025-12-01")
    # two reviews of 104 and 108 use the PN5 text; the suggestion is PN6 (a person corrects it)
    assert rows[("participation", PARTICIPATION_TEXTS["PN5"])][1:] == (2, "2025-08-31")
    assert all(r["cms"] == "liquid_logic" and r["la_code"] == "" for r in first["worksheet"])


def test_after_the_rows_are_added_everything_maps(nights):
    _, second = nights
    assert second.execute("select count(*) from intermediate.int_unmapped_local_values").fetchone()[0] == 0
    lookup = {(domain, key): code for domain, key, code in second.execute(
        "select domain, lookup_key, code from staging.stg_reference__code_mappings").fetchall()}
    wrong = [(d, t, c, lookup.get((d, " ".join(t.upper().split())))) for d, t, c in LOCAL_TEXTS
             if lookup.get((d, " ".join(t.upper().split()))) != c]
    assert wrong == []
    assert second.execute("select count(*) from marts.fct_kpi_values where caveat is not null").fetchone()[0] == 0


def test_after_the_rows_are_added_the_figures_are_the_hand_worked_ones(nights):
    _, second = nights
    hand.test_f_health_of_children_in_care_for_a_year(second)
    hand.test_d_reviews_timeliness_participation_and_the_iros_form(second)
    hand.test_a_children_looked_after_at_31_march(second)
