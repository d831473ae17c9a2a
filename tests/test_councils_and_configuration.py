"""Any English council: the council seeds built from the published files, CLA_LA_CODE checked against
them, and the council's own configuration folder read with errors that name file, row and column."""

import csv
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.configuration import council_config
from dagster_project.lib.configuration.councils import UnknownCouncil, council_for
from dagster_project.lib.paths import SEEDS_DIR
from dagster_project.lib.settings import Settings
from dagster_project.tools import build_reference_seeds


def seed(name: str) -> list[dict]:
    with open(SEEDS_DIR / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("code, name, old_code, region", [
    ("E08000034", "Kirklees", "382", "Yorkshire and The Humber"),
    ("E06000014", "York", "816", "Yorkshire and The Humber"),
    ("E09000007", "Camden", "202", "Inner London"),
    ("E06000015", "Derby", "831", "East Midlands"),
])
def test_every_english_council_is_known_with_its_codes_and_region(code, name, old_code, region):
    council = council_for(code)
    assert (council.la_name, council.old_la_code, council.region_name) == (name, old_code, region)


def test_populations_are_the_ons_figures_the_dfe_uses():
    population = {(r["la_code"], r["year_ending"]): int(r["population_under_18"])
                  for r in seed("reference/council_populations.csv")}
    # the DfE's 2025 release (year ending 31 March 2025) rates Derby on 62,113 children: ONS mid-2024
    assert population[("E06000015", "2025-03-31")] == 62113
    # Kirklees and York, mid-2024 (ons_mid-year_population_estimates_2012_to_2024.csv)
    published = build_reference_seeds.PUBLISHED_DIR / build_reference_seeds.POPULATION_FILE
    with open(published, newline="", encoding="utf-8-sig") as f:
        rows = {(r["new_la_code"], r["time_period"]): r["population_estimate"] for r in csv.DictReader(f)
                if r["geographic_level"] == "Local authority"}
    for code in ("E08000034", "E06000014", "E09000007"):
        assert str(population[(code, "2025-03-31")]) == rows[(code, "2024")]
    # a suppressed or unavailable cell (DfE symbol x, c, ...) is left out, never read as a number
    assert all(v.isdigit() for v in rows.values() if v) is False
    assert not [key for key, v in rows.items() if not v.isdigit() and (key[0], f"{int(key[1]) + 1}-03-31") in population]
    councils = {r["la_code"] for r in seed("reference/councils.csv")}
    assert len(councils) >= 150 and {code for code, _ in population} <= councils


def test_the_seeds_are_what_the_script_makes_of_the_published_files(tmp_path):
    build_reference_seeds.main(["--out", str(tmp_path)])
    for name in ("councils.csv", "council_populations.csv", "local_authority_districts.csv", "bank_holidays.csv"):
        assert (tmp_path / name).read_text() == (SEEDS_DIR / "reference" / name).read_text(), name


def test_bank_holidays_cover_2000_to_2040_from_the_holidays_package():
    days = {r["holiday_date"]: r["holiday_name"] for r in seed("reference/bank_holidays.csv")}
    assert min(days) == "2000-01-03"  # 1 January 2000 was a Saturday: the Monday is the holiday
    assert max(days) == "2040-12-26"
    assert "2002-06-04" in days and "2012-06-05" in days  # golden and diamond jubilees
    assert "2040-03-30" in days  # Good Friday 2040


def test_an_unknown_council_code_is_refused_naming_the_nearest(monkeypatch):
    monkeypatch.setenv("CLA_LA_CODE", "E0800034")
    with pytest.raises(UnknownCouncil, match="nearest: E08000034 Kirklees"):
        Settings.from_environment()
    with pytest.raises(UnknownCouncil, match="E06000014 York"):
        council_for("Yrok")


def test_only_the_code_is_needed(monkeypatch):
    monkeypatch.setenv("CLA_LA_CODE", "e06000014")
    assert Settings.from_environment().la_code == "E06000014"


# --- the configuration folder -------------------------------------------------------------------------

def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_no_folder_means_nothing_set(tmp_path):
    configuration = council_config.read_configuration(tmp_path / "absent")
    assert (configuration.settings, configuration.code_mappings, configuration.postcode_directory) == ([], [], None)


def test_settings_and_mappings_are_read_with_their_rows(tmp_path):
    write(tmp_path, "settings.csv", "setting_name,setting_value\nsmall_number_threshold,10\n"
                                    "review_timeliness_target_percent,97.5\n")
    write(tmp_path, "code_mappings.csv", "domain,cms,la_code,source_value,code,records,confidence\n"
                                         "health_check_type,liquid_logic,,Health Assessment,health_assessment,306,0.9\n")
    configuration = council_config.read_configuration(tmp_path)
    assert [(s["setting_name"], s["setting_value"], s["source_row_number"]) for s in configuration.settings] == [
        ("small_number_threshold", "10", 2), ("review_timeliness_target_percent", "97.5", 3)]
    # the worksheet's extra columns are ignored: accepting a suggestion is copying the row
    assert configuration.code_mappings == [{
        "domain": "health_check_type", "cms": "liquid_logic", "la_code": "", "source_value": "Health Assessment",
        "code": "HEALTH_ASSESSMENT", "source_file_name": "code_mappings.csv", "source_row_number": 2}]


@pytest.mark.parametrize("name, text, message", [
    ("settings.csv", "setting_name,setting_value\nsmall_number_threshold,5\nsmall_number_treshold,6\n",
     ("settings.csv: row 3, column setting_name: 'small_number_treshold' is not a setting "
      "(did you mean 'small_number_threshold'?)")),
    ("settings.csv", "setting_name,setting_value\niro_caseload_low,fifty\n",
     "settings.csv: row 2, column setting_value: iro_caseload_low must be a whole number, not 'fifty'"),
    ("settings.csv", "setting_name,setting_value\npostcode_directory,ONSPD.csv\n",
     "settings.csv: row 2, column setting_value: no file 'ONSPD.csv' in the configuration folder"),
    ("settings.csv", "name,value\n", "settings.csv: row 1 (the header) has no column setting_name, setting_value"),
    ("code_mappings.csv", "domain,cms,la_code,source_value,code\nhealth_check_type,*,,Health Check,HEALTH_ASSESMENT\n",
     "code_mappings.csv: row 2, column code: 'HEALTH_ASSESMENT' is not a code of health_check_type"),
    ("code_mappings.csv", "domain,cms,la_code,source_value,code\nhealth_checks,*,,Health Check,HEALTH_ASSESSMENT\n",
     ("code_mappings.csv: row 2, column domain: 'health_checks' is not a mapping domain "
      "(did you mean 'health_check_type'?)")),
    ("code_mappings.csv", "domain,cms,la_code,source_value,code\nlegal_status,mosaic,,Care Order,\n",
     "code_mappings.csv: row 2, column code: blank"),
    ("code_mappings.csv", "domain,cms,la_code,source_value,code\nlegal_status,*,,ICO,C1\nlegal_status,*,,ico,C2\n",
     "code_mappings.csv: row 3, column code: the same value is mapped to 'C1' on row 2 and to 'C2' here"),
])
def test_a_malformed_row_names_file_row_and_column(tmp_path, name, text, message):
    write(tmp_path, name, text)
    with pytest.raises(council_config.ConfigurationError) as raised:
        council_config.read_configuration(tmp_path)
    assert str(raised.value).startswith(message)



# --- the council's choices that were environment variables (issues 11 and 15) ------------------------

def test_every_shipped_value_is_of_its_type_and_a_boolean_is_written_as_sql_casts_it():
    for row in seed("settings/shipped_settings.csv"):
        assert row["value_type"] in council_config.VALUE_TYPES, row["setting_name"]
        council_config.typed_value(row["setting_name"], row["value_type"], row["setting_value"])  # raises if not
        if row["value_type"] == "boolean":
            assert row["setting_value"] in ("true", "false"), row["setting_name"]


def test_the_shipped_choices_are_those_the_issues_agreed():
    values = council_config.settings_in_force(None)
    assert {name: values[name] for name in ("max_quarantined_share", "max_vanished_children_share",
                                            "max_table_shrink_share", "worklist_sheet_per_team",
                                            "worklist_old_after_days")} == {
        "max_quarantined_share": 0.05, "max_vanished_children_share": 0.02, "max_table_shrink_share": 0.10,
        "worklist_sheet_per_team": False, "worklist_old_after_days": 30}


def test_a_council_s_choices_are_typed_and_win_over_the_shipped_ones(tmp_path, monkeypatch):
    write(tmp_path, "settings.csv", "setting_name,setting_value\nworklist_sheet_per_team,Yes\n"
                                    "max_vanished_children_share,0.1\nworklist_old_after_days,45\n")
    monkeypatch.setenv("CLA_CONFIG_DIR", str(tmp_path))
    values = council_config.settings_in_force(Settings.from_environment().config_dir)
    assert (values["worklist_sheet_per_team"], values["max_vanished_children_share"], values["worklist_old_after_days"],
            values["max_quarantined_share"], values["max_table_shrink_share"]) == (True, 0.1, 45, 0.05, 0.10)
    # the warehouse gets true, which SQL casts to a boolean on DuckDB and Spark alike
    rows = council_config.read_settings(tmp_path)[0]
    assert [(r["setting_name"], r["setting_value"], r["source_row_number"]) for r in rows] == [
        ("worklist_sheet_per_team", "true", 2), ("max_vanished_children_share", "0.1", 3),
        ("worklist_old_after_days", "45", 4)]



def test_the_example_folder_reads_cleanly_and_shows_a_yes_or_no_setting():
    example = SEEDS_DIR.parent / "config.example"
    council_config.read_configuration(example)  # raises on any malformed row
    assert council_config.settings_in_force(example)["worklist_sheet_per_team"] is True

@pytest.mark.parametrize("text, meaning", [("yes", True), ("YES", True), ("true", True), ("no", False),
                                           ("No", False), ("false", False)])
def test_a_yes_or_no_setting_reads_yes_no_true_and_false(tmp_path, text, meaning):
    write(tmp_path, "settings.csv", f"setting_name,setting_value\nworklist_sheet_per_team,{text}\n")
    assert council_config.settings_in_force(tmp_path)["worklist_sheet_per_team"] is meaning


@pytest.mark.parametrize("setting, value, must_be", [
    ("worklist_sheet_per_team", "perhaps", "worklist_sheet_per_team must be yes or no, not 'perhaps'"),
    ("worklist_old_after_days", "30.5", "worklist_old_after_days must be a whole number, not '30.5'"),
    ("max_quarantined_share", "5%", "max_quarantined_share must be a share from 0 to 1 (0.05 for 5%), not '5%'"),
    ("max_vanished_children_share", "2", "max_vanished_children_share must be a share from 0 to 1 (0.05 for 5%), not '2'"),
    ("max_table_shrink_share", "-0.1", "max_table_shrink_share cannot be negative"),
])
def test_a_malformed_value_of_each_council_choice_names_settings_csv_its_row_and_column(
        tmp_path, monkeypatch, setting, value, must_be):
    write(tmp_path, "settings.csv", f"setting_name,setting_value\nsmall_number_threshold,6\n{setting},{value}\n")
    monkeypatch.setenv("CLA_CONFIG_DIR", str(tmp_path))
    with pytest.raises(council_config.ConfigurationError) as raised:
        council_config.settings_in_force(Settings.from_environment().config_dir)
    assert str(raised.value) == f"settings.csv: row 3, column setting_value: {must_be}"
    # the same message stops the configuration asset (read_configuration) before anything is written
    with pytest.raises(council_config.ConfigurationError, match="settings.csv: row 3, column setting_value"):
        council_config.read_configuration(tmp_path)

# --- the postcode directory ---------------------------------------------------------------------------

# The first columns of the ONS Postcode Directory exactly as the ONS writes them (ONSPD_NOV_2025 layout:
# pcd, pcd2, pcds, dointr, doterm, oscty, ced, oslaua, osward, parish, usertype, oseast1m, osnrth1m,
# osgrdind, ...), real postcodes: Huddersfield (Kirklees), York, Camden, a terminated Derby postcode and
# one with no grid reference.
ONSPD = """pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,oshlthau,nhser,ctry,rgn
HD1 2TA,HD1  2TA,HD1 2TA,198001,,E99999999,E99999999,E08000034,E05001392,E43000180,0,414397,416450,1,E18000003,E40000012,E92000001,E12000003
YO1 7HH,YO1  7HH,YO1 7HH,198001,,E99999999,E99999999,E06000014,E05001763,E04000593,0,460341,451857,1,E18000003,E40000012,E92000001,E12000003
NW1 2DB,NW1  2DB,NW1 2DB,198001,,E99999999,E99999999,E09000007,E05013660,E43000197,0,529880,182796,1,E18000007,E40000003,E92000001,E12000007
DE1 9ZZ,DE1  9ZZ,DE1 9ZZ,198001,200012,E99999999,E99999999,E06000015,E05001781,E43000071,1,435000,336000,1,E18000009,E40000011,E92000001,E12000004
HD9 9ZZ,HD9  9ZZ,HD9 9ZZ,201801,,E99999999,E99999999,E08000034,E05001392,E43000180,0,,,9,E18000003,E40000012,E92000001,E12000003
"""
# The National Statistics Postcode Lookup writes the district as laua.
NSPL = """pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,oa11,cty,ced,laua,ward,hlthau
HD1 2TA,HD1  2TA,HD1 2TA,198001,,0,414397,416450,1,E00056000,E99999999,E99999999,E08000034,E05001392,E18000003
"""


@pytest.mark.parametrize("layout", [ONSPD, NSPL])
def test_the_postcode_directory_keeps_four_columns_and_is_read_once_per_file(tmp_path, layout):
    directory = tmp_path / "config" / "ONSPD_NOV_2025_UK.csv"
    write(directory.parent, directory.name, layout)
    cached, read_now = council_config.cache_postcode_directory(directory, tmp_path / "cache")
    assert read_now
    rows = duckdb.sql(f"select * from read_parquet('{cached}') order by postcode").fetchall()
    assert ("HD1 2TA", "E08000034", 414397, 416450) in rows
    assert all(len(row) == 4 for row in rows)
    if layout == ONSPD:
        assert ("HD9 9ZZ", "E08000034", None, None) in rows  # no grid reference: located, no distance
    assert council_config.cache_postcode_directory(directory, tmp_path / "cache") == (cached, False)


def test_a_file_that_is_not_a_postcode_directory_is_refused(tmp_path):
    write(tmp_path, "postcodes.csv", "postcode,easting\nDE1 2FS,1\n")
    with pytest.raises(council_config.ConfigurationError, match="postcodes.csv: row 1 .* none of the columns pcds, pcd2, pcd \\(postcode\\): is it an ONSPD or NSPL file"):
        council_config.cache_postcode_directory(tmp_path / "postcodes.csv", tmp_path / "cache")


def test_the_configuration_reaches_the_warehouse_tables_dbt_reads(tmp_path):
    config = tmp_path / "config"
    write(config, "ONSPD_NOV_2025_UK.csv", ONSPD)
    write(config, "settings.csv", "setting_name,setting_value\npostcode_directory,ONSPD_NOV_2025_UK.csv\n"
                                  "small_number_threshold,10\n")
    write(config, "code_mappings.csv", "domain,cms,la_code,source_value,code\n"
                                       "health_check_type,liquid_logic,,Health Assessment,HEALTH_ASSESSMENT\n")
    configuration = council_config.read_configuration(config)
    parquet, _ = council_config.cache_postcode_directory(configuration.postcode_directory, tmp_path / "cache")
    con = duckdb.connect()
    counts = council_config.write_configuration(con, configuration, parquet)
    assert counts == {"council_settings": 2, "council_code_mappings": 1, "postcode_directory": 5}
    assert con.execute("select setting_value, source_row_number from configuration.council_settings "
                       "where setting_name = 'small_number_threshold'").fetchone() == ("10", 3)
    # without a directory the table is still there, empty: placements are then located by the sample only
    assert council_config.write_configuration(con, council_config.CouncilConfiguration(), None)[
        "postcode_directory"] == 0
