"""What a person sees when a value, a table, a manifest or a whole extract cannot be trusted: the value
forms of dates and numbers, the refusals of a night, bad manifests, and the reconciliation with the last
published extract. Each asserts the message, and the rows kept."""

import json
from datetime import datetime

import duckdb
import pytest

from dagster_project.defs.configuration.assets import configuration_dir
from dagster_project.lib.configuration.council_config import ConfigurationError
from dagster_project.lib.ingest import ExtractError, find_extract, read_extract, read_table, scan_landing
from dagster_project.lib.ingest.contract import load_contract
from dagster_project.lib.ingest.reconciliation import reconcile, write_reconciliation
from dagster_project.lib.ingest.reconciliation_report import load_changes, section_html
from dagster_project.lib.ingest.refusals import check_extract, untrusted_tables
from dagster_project.lib.ingest.settings import IngestSettings
from dagster_project.lib.ingest.warehouse import write_raw_layer
from dagster_project.lib.resources import WarehouseResource

CONTRACT = load_contract()
PERSON = CONTRACT["ssd_person"]
HEADER = "pers_person_id,pers_sex,pers_ethnicity,pers_dob"
SHIPPED = IngestSettings.from_configuration(None)  # seeds/settings/shipped_settings.csv: 5%, 2%, 10%


def council_settings(tmp_path, monkeypatch, rows: str) -> IngestSettings:
    """The shares in force when the council's configuration folder (CLA_CONFIG_DIR) has this settings.csv,
    found as the ingestion asset finds it."""
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "settings.csv").write_text("setting_name,setting_value\n" + rows, encoding="utf-8")
    monkeypatch.setenv("CLA_CONFIG_DIR", str(folder))
    return IngestSettings.from_configuration(configuration_dir(WarehouseResource.from_settings()))


def messages(load):
    return [p.message() for p in load.problems if "optional column" not in p.problem]


def load_table(extract_builder, table, content):
    folder = extract_builder.write(tables={table: content})
    return read_table(find_extract(folder.parent), CONTRACT[table])


# --- values -------------------------------------------------------------------------------------------

def test_a_month_name_date_column_loads_and_the_log_says_which_form_it_used(extract_builder):
    load = load_table(extract_builder, "ssd_person", f"{HEADER}\n1,F,WBRI,01-Apr-2017\n2,M,WBRI,14 Jun 2012\n")
    assert load.frame["pers_dob"].tolist() == ["2017-04-01", "2012-06-14"]
    assert load.quarantined == []
    assert load.normalisations[("pers_dob", "date written as dd-Mon-yyyy")] == 1
    assert load.normalisations[("pers_dob", "date written as dd Mon yyyy")] == 1


def test_a_us_month_first_date_column_is_refused_with_a_message_saying_so(extract_builder):
    load = load_table(extract_builder, "ssd_person", f"{HEADER}\n1,F,WBRI,04/06/2012\n2,M,WBRI,04/23/2012\n")
    assert load.status == "refused" and load.rows_loaded == 0
    assert messages(load) == [
        ("ssd_person.csv, row 3, column pers_dob: dates are written month first (US mm/dd/yyyy): 1 value(s) only "
        "make sense that way and none only makes sense day first, so a date such as 04/06/2012 cannot be read "
        "safely; export this column as yyyy-mm-dd or dd/mm/yyyy (table not loaded)")]


def test_a_us_looking_date_among_day_first_dates_is_quarantined_not_the_column(extract_builder):
    load = load_table(extract_builder, "ssd_person", f"{HEADER}\n1,F,WBRI,23/04/2012\n2,M,WBRI,04/23/2012\n")
    assert load.status == "loaded"
    assert load.frame["pers_person_id"].tolist() == ["1"]
    assert [q["row_number"] for q in load.quarantined] == [3]


DISTANCE_HEADER = ("clap_cla_placement_id,clap_cla_id,clap_cla_placement_start_date,clap_cla_placement_end_date,"
                   "clap_cla_placement_type,clap_cla_placement_distance")


def test_a_decimal_comma_in_a_distance_is_read_as_a_decimal_point_never_08(extract_builder):
    load = load_table(extract_builder, "ssd_cla_placement",
                      f"{DISTANCE_HEADER}\n1,10,2020-01-01,,K2,\"0,8\"\n2,10,2020-01-01,,K2,12.5\n")
    assert load.frame["clap_cla_placement_distance"].tolist() == ["0.8", "12.5"]
    assert load.normalisations[("clap_cla_placement_distance", "decimal comma read as a decimal point")] == 1


def test_a_decimal_comma_in_a_semicolon_file(extract_builder):
    load = load_table(extract_builder, "ssd_cla_placement",
                      DISTANCE_HEADER.replace(",", ";") + "\n1;10;01.01.2020;;K2;0,8\n")
    assert load.frame["clap_cla_placement_distance"].tolist() == ["0.8"]
    assert load.frame["clap_cla_placement_start_date"].tolist() == ["2020-01-01"]
    assert ("ssd_cla_placement.csv: columns are separated by semicolons, not commas (read as semicolon-separated)"
            in messages(load))


def test_a_comma_that_could_be_either_is_quarantined_with_its_reason(extract_builder):
    load = load_table(extract_builder, "ssd_cla_placement", f"{DISTANCE_HEADER}\n1,10,2020-01-01,,K2,\"1,250\"\n")
    assert load.rows_loaded == 0
    assert messages(load) == [
        ("ssd_cla_placement.csv, row 2, column clap_cla_placement_distance: value has one comma before three digits: "
        "it could be a decimal comma or a thousands separator, so it is not guessed (row quarantined)")]


def test_a_percentage_in_an_fte_column_is_a_fraction_with_a_note(extract_builder):
    header = "prof_professional_id,prof_full_time_equivalency"
    content = f"{header}\n1,80%\n2,\"0,5\"\n3,1\n"
    load = load_table(extract_builder, "ssd_professionals", content)
    assert load.frame["prof_full_time_equivalency"].tolist() == ["0.8", "0.5", "1"]
    assert load.normalisations[("prof_full_time_equivalency", "percentage read as a fraction (80% is 0.8)")] == 1


# --- refusals -----------------------------------------------------------------------------------------

def test_a_required_table_with_no_row_refuses_the_night(extract_builder):
    folder = extract_builder.write(tables={"ssd_person": f"{HEADER}\n1,F,WBRI,2012-06-14\n"})
    extract = find_extract(folder.parent)
    loads = read_extract(extract)
    with pytest.raises(ExtractError) as refused:
        check_extract(extract, loads, SHIPPED)
    assert str(refused.value).startswith(
        "extract 2026-11-23T0200 refused: ssd_legal_status.csv: no row loaded (the file has a header and no rows)")
    assert refused.value.extract_id == "2026-11-23T0200"


def test_more_than_five_percent_quarantined_refuses_the_night_naming_counts_and_three_reasons(extract_builder, tmp_path,
                                                                                              monkeypatch):
    rows = "".join(f"{i},F,WBRI,2012-06-14\n" for i in range(1, 17)) + "17,F,WBRI,soon\n18,F,WBRI,later\n" \
        "19,F,WBRI,31/02/2012\n20,F,WBRI,never\n"
    folder = extract_builder.write(tables={"ssd_person": f"{HEADER}\n{rows}"})
    extract = find_extract(folder.parent)
    loads = read_extract(extract)
    assert loads["ssd_person"].rows_loaded == 16
    sentences = [s for s in untrusted_tables(loads, SHIPPED) if s.startswith("ssd_person")]
    assert sentences == [
        ("ssd_person.csv: 4 of 20 rows quarantined (20.0%, more than the 5% allowed by the setting max_quarantined_share), "
        "16 loaded; first reasons: ssd_person.csv, row 18, column pers_dob: value is not a date in a form that can "
        "be read safely (yyyy-mm-dd, dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, dd Mon yyyy, dd-Mon-yy, yyyymmdd) (row "
        "quarantined); ssd_person.csv, row 19, column pers_dob: value is not a date in a form that can be read "
        "safely (yyyy-mm-dd, dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, dd Mon yyyy, dd-Mon-yy, yyyymmdd) (row "
        "quarantined); ssd_person.csv, row 20, column pers_dob: value is not a date in a form that can be read "
        "safely (yyyy-mm-dd, dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, dd Mon yyyy, dd-Mon-yy, yyyymmdd) (row "
        "quarantined)")]
    assert "soon" not in sentences[0] and "31/02/2012" not in sentences[0]
    # a council that allows a quarter in its settings.csv: 20% is not refused
    allows_a_quarter = council_settings(tmp_path, monkeypatch, "max_quarantined_share,0.25\n")
    assert [s for s in untrusted_tables(loads, allows_a_quarter) if s.startswith("ssd_person")] == []


@pytest.mark.parametrize("manifest_text, reason", [
    ("{not json", ("manifest.json in extract 2026-11-24T0200 is not valid JSON (line 1, column 2): the extract is "
                  "not loaded")),
    (json.dumps({"la_code": "E06000015", "cms": "liquid_logic"}),
     "manifest.json in extract 2026-11-24T0200 lacks extracted_at: the extract is not loaded"),
    (json.dumps({"la_code": "Derby", "cms": "liquid_logic", "extracted_at": "2026-11-24T02:00:00"}),
     ("manifest.json in extract 2026-11-24T0200 has an la_code that is not a 9-character ONS code such as "
     "E06000015: the extract is not loaded")),
])
def test_a_bad_manifest_is_one_line_and_never_blocks_the_newest_good_extract(extract_builder, manifest_text, reason):
    extract_builder.write("2026-11-23T0200")
    bad = extract_builder.write("2026-11-24T0200")
    (bad / "manifest.json").write_text(manifest_text)
    good, bad_folders = scan_landing(extract_builder.landing)
    assert [e.extract_id for e in good] == ["2026-11-23T0200"]
    assert [(b.extract_id, b.reason) for b in bad_folders] == [("2026-11-24T0200", reason)]
    assert "\n" not in reason
    assert find_extract(extract_builder.landing).extract_id == "2026-11-23T0200"
    with pytest.raises(ExtractError, match="the extract is not loaded") as asked:
        find_extract(extract_builder.landing, "2026-11-24T0200")
    assert asked.value.extract_id == "2026-11-24T0200"


# --- reconciliation -----------------------------------------------------------------------------------

def episodes(rows):
    """ssd_cla_episodes text: rows of (episode id, person id, period of care id)."""
    table = CONTRACT["ssd_cla_episodes"]
    values = {"clae_cla_episode_start_date": "2020-01-01", "clae_cla_episode_start_reason": "S",
              "clae_cla_primary_need_code": "N1", "clae_cla_placement_id": "1"}
    lines = [",".join(table.required_columns)]
    for episode, person, period in rows:
        row = {"clae_cla_episode_id": episode, "clae_person_id": person, "clae_cla_id": period, **values}
        lines.append(",".join(row.get(c, "") for c in table.required_columns))
    return "\n".join(lines) + "\n"


def persons(rows):
    return HEADER + "\n" + "".join(f"{pid},{sex},WBRI,{dob}\n" for pid, sex, dob in rows)


def published_warehouse(extract_builder, people, episode_rows):
    folder = extract_builder.write("2026-11-22T0200", tables={"ssd_person": persons(people),
                                                             "ssd_cla_episodes": episodes(episode_rows)})
    extract = find_extract(folder.parent, "2026-11-22T0200")
    con = duckdb.connect()
    write_raw_layer(con, extract, read_extract(extract), datetime(2026, 11, 22, 2))
    return con


def tonight(extract_builder, people, episode_rows):
    folder = extract_builder.write("2026-11-23T0200", tables={"ssd_person": persons(people),
                                                             "ssd_cla_episodes": episodes(episode_rows)})
    return read_extract(find_extract(folder.parent, "2026-11-23T0200"))


PEOPLE = [(str(i), "F", "2012-06-14") for i in range(1, 51)]
EPISODES = [(f"E{i}", str(i), f"P{i}") for i in range(1, 51)]


def test_a_handful_of_merges_publishes_with_a_warning_and_counts(extract_builder):
    con = published_warehouse(extract_builder, PEOPLE, EPISODES)
    people = [p for p in PEOPLE if p[0] != "50"]
    people[0] = ("1", "F", "2012-06-15")  # one child's date of birth corrected
    result = reconcile(con, "2026-11-23T0200", tonight(extract_builder, people, EPISODES[:49]), SHIPPED)
    assert result.holds == []
    counts = result.counts()
    assert counts["children_looked_after_vanished"] == 1  # 1 of 50 = 2%: not more than 2%
    assert counts["person_vanished"] == 1 and counts["episode_vanished"] == 1
    assert counts["date_of_birth_changed"] == 1 and counts["sex_changed"] == 0
    assert result.warning_message().startswith("Since extract 2026-11-22T0200: 1 children looked after no longer "
                                               "in the extract; 1 people no longer in the extract;")
    write_reconciliation(con, result)
    changed = con.execute("select change_kind, record_id, previous_value, current_value from raw.extract_changes "
                          "where change_kind = 'date_of_birth_changed'").fetchall()
    assert changed == [("date_of_birth_changed", "1", "2012-06-14", "2012-06-15")]
    assert "Compared with extract 2026-11-22T0200" in section_html(load_changes(con))


def test_a_tenth_of_the_children_vanished_holds_the_night_with_a_message(extract_builder):
    con = published_warehouse(extract_builder, PEOPLE, EPISODES)
    result = reconcile(con, "2026-11-23T0200", tonight(extract_builder, PEOPLE[:45], EPISODES[:45]),
                       SHIPPED)
    assert [row["measure"] for row in result.holds] == ["children_looked_after_vanished"]
    assert result.hold_message() == (
        "night held, nothing published: 5 of the 50 children looked after in extract 2026-11-22T0200 are not in "
        "extract 2026-11-23T0200 (10.0%, more than the 2% allowed by the setting max_vanished_children_share). If this is "
        "right (a cleanse or a migration), publish anyway with `make run ACKNOWLEDGE_CHANGES=1` (run config "
        "raw_extract: acknowledge_changes: true)")


def test_a_table_that_lost_more_than_a_tenth_of_its_rows_holds_the_night(extract_builder):
    many = PEOPLE + [(str(i), "M", "2001-01-01") for i in range(100, 200)]  # people not in care
    con = published_warehouse(extract_builder, many, EPISODES)
    result = reconcile(con, "2026-11-23T0200", tonight(extract_builder, PEOPLE, EPISODES), SHIPPED)
    assert [row["measure"] for row in result.holds] == ["rows_fell:ssd_person"]
    assert ("ssd_person rows fell: 150 rows in extract 2026-11-22T0200, 50 now (66.7% fewer, more than the 10% "
            "allowed by the setting max_table_shrink_share)") in result.hold_message()



def test_the_council_s_settings_csv_decides_what_holds_the_night(extract_builder, tmp_path, monkeypatch):
    # 5 of the 50 children vanished (10.0%) and ssd_person fell from 150 rows to 45 (70.0% fewer): both hold
    # the night under the shipped 2% and 10%; a council allowing 10% and 75% publishes it with a warning
    many = PEOPLE + [(str(i), "M", "2001-01-01") for i in range(100, 200)]
    con = published_warehouse(extract_builder, many, EPISODES)
    loads = tonight(extract_builder, PEOPLE[:45], EPISODES[:45])
    assert [row["measure"] for row in reconcile(con, "2026-11-23T0200", loads, SHIPPED).holds] == [
        "children_looked_after_vanished", "rows_fell:ssd_person"]
    council = council_settings(tmp_path, monkeypatch, "max_vanished_children_share,0.10\nmax_table_shrink_share,0.75\n")
    assert (council.max_quarantined_share, council.max_vanished_children_share, council.max_table_shrink_share) == (
        0.05, 0.10, 0.75)
    result = reconcile(con, "2026-11-23T0200", loads, council)
    assert result.holds == [] and result.counts()["children_looked_after_vanished"] == 5
    assert "ssd_person rows fell by 105 rows" in result.warning_message()


@pytest.mark.parametrize("rows, message", [
    ("max_quarantined_share,5%\n", "max_quarantined_share must be a share from 0 to 1 (0.05 for 5%), not '5%'"),
    ("max_vanished_children_share,two percent\n",
     "max_vanished_children_share must be a share from 0 to 1 (0.05 for 5%), not 'two percent'"),
    ("max_table_shrink_share,1.5\n", "max_table_shrink_share must be a share from 0 to 1 (0.05 for 5%), not '1.5'"),
])
def test_a_share_that_is_not_one_is_refused_naming_settings_csv_its_row_and_column(tmp_path, monkeypatch, rows,
                                                                                    message):
    with pytest.raises(ConfigurationError) as refused:
        council_settings(tmp_path, monkeypatch, rows)
    assert str(refused.value) == f"settings.csv: row 2, column setting_value: {message}"

def test_the_first_night_has_nothing_to_compare_with(extract_builder):
    result = reconcile(None, "2026-11-23T0200", tonight(extract_builder, PEOPLE, EPISODES), SHIPPED)
    assert result.compared_with is None and result.holds == [] and result.warning_message() is None


def test_the_changes_sheet_lists_each_change_under_the_summary(extract_builder, tmp_path):
    from openpyxl import Workbook, load_workbook

    from dagster_project.lib.ingest.reconciliation_report import SHEET, fill_sheet

    con = published_warehouse(extract_builder, PEOPLE, EPISODES)
    people = [("1", "M", "2012-06-14")] + PEOPLE[1:]  # one child's sex changed
    write_reconciliation(con, reconcile(con, "2026-11-23T0200", tonight(extract_builder, people, EPISODES),
                                        SHIPPED))
    path = tmp_path / "report.xlsx"
    workbook = Workbook()
    fill_sheet(workbook, load_changes(con))
    workbook.save(path)
    sheet = load_workbook(path)[SHEET]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][0] == "Changes since extract 2026-11-22T0200, the last published"
    assert ["people whose sex changed", 50, 50, 1, "2.0%", None, None] in cells
    assert ["sex_changed", "ssd_person", "1", "pers_sex", "F", "M", None] in cells  # the sheet is 7 wide
