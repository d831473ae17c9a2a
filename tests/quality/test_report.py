"""The night's report from the data_quality marts, on a hand-made night: two lists (what to correct, and
practice facts counted apart), the order and the first sentence, the child and record as a social
worker finds them, plurals and the first night, Excel that prints (dates, wrapping, colours, frozen
headings, landscape, one team per page, a sheet per team when asked), HTML with filters, and CSV."""

from datetime import date, datetime

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from dagster_project.lib.configuration import council_config
from dagster_project.lib.quality import report
from dagster_project.lib.settings import Settings

NIGHT = "2026-11-23"
EVERYONE = report.WorklistSettings(sheet_per_team=False, old_after_days=30)


def _finding(**values) -> dict:
    base = {
        "finding_key": "k", "status": "open", "rule_code": "388", "family": "ssda903_episode_chain", "origin": "dfe",
        "severity": "error", "finding_kind": "recording_error", "priority_group": 1,
        "priority": "blocks the 2025-26 return", "return_year_threatened": "2025-26", "worklist_order": 1,
        "message": "The episode's ending does not match what follows.", "fields": "REC",
        "responsible_role": "social_worker", "person_id": "C1", "child_name": "Ada Lovelace",
        "child_date_of_birth": date(2012, 5, 7), "record_table": "ssd_cla_episodes", "record_id": "E1",
        "record_type": "episode", "record_date": date(2025, 3, 12),
        "record_description": 'care episode starting 12/03/2025, reason "Started to be looked after"',
        "field_description": "Reason the episode ceased", "collection_years": "2025-26",
        "source_file_name": "ssd_cla_episodes.csv", "source_row_number": 12, "source_column": "clae_cla_episode_ceased_reason",
        "source_column_letter": "H", "value_recorded": "E4A", "details": "care ended but another episode starts the same day",
        "worker_id": "W1", "worker_name": "Sam Smith", "team_id": "T1", "team_name": "Children in Care Team 1",
        "allocation_status": "allocated", "first_seen_night": date(2026, 10, 14), "first_seen_extract_id": "x",
        "last_seen_night": date(2026, 11, 23), "fixed_night": None, "fixed_extract_id": None, "times_reopened": 0,
        "days_open": 40, "is_new_since_last_run": False, "is_fixed_since_last_run": False, "is_first_night": False,
        "extract_id": "2026-11-23T0200", "night": date(2026, 11, 23),
    }
    return {**base, **values}


# Team 1 (Sam) has the oldest error that blocks the 2025-26 return (40 days) and an advice; Team 2 (Kim) has a
# newer blocking error (2 days) and an older other error (10 days); Bo's review held late is a practice fact.
FINDINGS = [
    _finding(),
    _finding(finding_key="k2", rule_code="CR04", origin="local", severity="advice", priority_group=4, priority="advice",
             return_year_threatened=None, worklist_order=4, person_id="C5", child_name="Di Advice", days_open=60,
             first_seen_night=date(2026, 9, 24), record_description="personal details (date of birth 07/05/2012)"),
    _finding(finding_key="k3", rule_code="101", person_id="C6", child_name="Ed Error", worker_id="W2",
             worker_name="Kim Lee", team_id="T2", team_name="Children in Care Team 2", days_open=2, worklist_order=2,
             first_seen_night=date(2026, 11, 21), is_new_since_last_run=True, value_recorded=None),
    _finding(finding_key="k4", rule_code="CR01", origin="local", priority_group=2, priority="error",
             return_year_threatened=None, person_id="C7", child_name="Flo Gap", worker_id="W2", worker_name="Kim Lee",
             team_id="T2", team_name="Children in Care Team 2", days_open=10, worklist_order=3,
             record_description="legal status C2 from 01/02/2024"),
    _finding(finding_key="k5", rule_code="IRO01", severity="warning", finding_kind="practice_fact", origin="local",
             priority_group=3, priority="warning", return_year_threatened=None, worklist_order=5,
             responsible_role="iro", person_id="C2", child_name="Bo Peep", worker_name="Ira Ode",
             team_name="Safeguarding and Reviewing Unit", record_description="review on 04/06/2025", days_open=0,
             is_new_since_last_run=True, source_column_letter="E"),
    _finding(finding_key="k6", status="fixed", rule_code="101", person_id="C3", child_name="Cy Fixed",
             fixed_night=date(2026, 11, 23), is_fixed_since_last_run=True, worklist_order=None),
]


def _warehouse(path, findings):
    con = duckdb.connect(str(path))
    con.execute("create schema raw")
    con.execute("create schema data_quality")
    con.execute(f"create table raw.extract_manifest as select '2026-11-23T0200' as extract_id, '{NIGHT}T02:00:00' as extracted_at")
    rules = pd.DataFrame([
        {"rule_code": code, "family": "f", "origin": "dfe", "severity": severity, "finding_kind": kind, "message": "m",
         "fields": "", "responsible_role": "social_worker", "open_findings": n, "children": n, "new_since_last_run": new,
         "fixed_since_last_run": fixed, "oldest_open_days": 3 if n else None}
        for code, severity, kind, n, new, fixed in (
            ("388", "error", "recording_error", 1, 0, 0), ("101", "error", "recording_error", 1, 1, 1),
            ("CR01", "error", "recording_error", 1, 0, 0), ("CR04", "advice", "recording_error", 1, 0, 0),
            ("IRO01", "warning", "practice_fact", 1, 1, 0), ("102", "error", "recording_error", 0, 0, 0))])
    summary = {"open_warnings": 0, "new_since_last_run": 0, "fixed_since_last_run": 0, "open_practice_facts": 0}
    teams = pd.DataFrame([
        {**summary, "team_name": "Children in Care Team 1", "open_findings": 2, "open_errors_blocking_return": 1,
         "open_errors": 1, "open_advice": 1, "children": 2, "workers": 1, "oldest_open_days": 60},
        {**summary, "team_name": "Children in Care Team 2", "open_findings": 2, "open_errors_blocking_return": 1,
         "open_errors": 2, "open_advice": 0, "children": 2, "workers": 1, "oldest_open_days": 10},
        {**summary, "team_name": "Safeguarding and Reviewing Unit", "open_findings": 0, "open_errors_blocking_return": 0,
         "open_errors": 0, "open_advice": 0, "children": 0, "workers": 0, "oldest_open_days": None,
         "open_practice_facts": 1}])
    workers = teams.drop(columns="workers").assign(worker_name=["Sam Smith", "Kim Lee", "Ira Ode"],
                                                   worker_id=["W1", "W2", "I1"])
    children = pd.DataFrame([
        {"person_id": p, "child_name": n, "in_checked_return": True, "team_name": "T", "worker_name": "W",
         "open_findings": f, "open_errors": f, "open_warnings": 0, "open_advice": 0, "new_since_last_run": 0,
         "oldest_open_days": None, "open_practice_facts": 0}
        for p, n, f in (("C1", "Ada Lovelace", 1), ("C5", "Di Advice", 1), ("C4", "No Errors", 0))])
    for name, frame in (("fct_data_quality_findings", pd.DataFrame(findings)), ("fct_data_quality_by_rule", rules),
                        ("fct_data_quality_by_team", teams), ("fct_data_quality_by_worker", workers),
                        ("fct_data_quality_by_child", children)):
        con.register("frame", frame)
        con.execute(f"create table data_quality.{name} as select * from frame")
        con.unregister("frame")
    _settings_mart(con, None)
    return con


def _settings_mart(con, config_dir):
    """marts.dim_council_settings as dbt builds it from the shipped seed and the council's settings.csv in
    config_dir (the council's value wins: int_council_settings_merged, pinned by its own dbt unit test)."""
    council = {row["setting_name"]: row["setting_value"]
               for row in (council_config.read_settings(config_dir)[0] if config_dir else [])}
    frame = pd.DataFrame([{"setting_name": name, "setting_value": council.get(name, row["setting_value"]),
                           "setting_source": "council" if name in council else "shipped",
                           "shipped_value": row["setting_value"], "value_type": row["value_type"],
                           "description": row["description"]}
                          for name, row in council_config.shipped_settings().items()])
    con.execute("create schema if not exists marts")
    con.register("frame", frame)
    con.execute("create or replace table marts.dim_council_settings as select * from frame")
    con.unregister("frame")


@pytest.fixture
def warehouse(tmp_path):
    con = _warehouse(tmp_path / "warehouse.duckdb", FINDINGS)
    yield con
    con.close()


def _sheet_rows(sheet) -> list[dict]:
    headings = [c.value for c in sheet[1]]
    return [dict(zip(headings, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]


def test_the_worklist_holds_what_can_be_corrected_and_performance_the_rest(warehouse, tmp_path):
    written = report.write_report(warehouse, tmp_path / NIGHT, EVERYONE)
    assert (written.open_findings, written.open_errors, written.children, written.new, written.fixed,
            written.practice_facts) == (4, 3, 4, 1, 1, 1)
    workbook = load_workbook(tmp_path / NIGHT / f"data-quality-{NIGHT}.xlsx")
    # issue 11: the reconciliation's sheet comes last (lib/ingest/reconciliation_report.py)
    assert workbook.sheetnames == list(report.SHEETS) + ["Changes since last extract"]
    worklist = _sheet_rows(workbook["Worklist"])
    assert [c.value for c in workbook["Worklist"][1]] == list(report.WORKLIST_COLUMNS.values())
    assert {row["Rule"] for row in worklist} == {"388", "CR04", "101", "CR01"}
    performance = _sheet_rows(workbook["Performance"])
    assert [(row["Rule"], row["Child"]) for row in performance] == [("IRO01", "Bo Peep")]
    # 4 to correct + 1 practice fact = the 5 open findings
    assert len(worklist) + len(performance) == sum(1 for f in FINDINGS if f["status"] == "open")
    summary = {row[0].value: row[1].value for row in workbook["Summary"].iter_rows(min_row=5) if row[0].value}
    assert summary["To correct (the worklist)"] == 4 and summary["Practice facts (performance, not on the worklist)"] == 1
    assert summary["Open findings in all"] == 5


def test_teams_come_in_the_order_of_their_most_urgent_finding_and_each_worker_oldest_first(warehouse, tmp_path):
    report.write_report(warehouse, tmp_path / NIGHT, EVERYONE)
    worklist = _sheet_rows(load_workbook(tmp_path / NIGHT / f"data-quality-{NIGHT}.xlsx")["Worklist"])
    # Team 1 holds the first finding (worklist_order 1: the blocking error open 40 days), so it comes first,
    # with its advice; Team 2's blocking error (2 days) comes before its older local error (10 days)
    assert [(row["Team"][-6:], row["Rule"], row["Days open"]) for row in worklist] == [
        ("Team 1", "388", 40), ("Team 1", "CR04", 60), ("Team 2", "101", 2), ("Team 2", "CR01", 10)]


def test_the_summary_says_what_to_do_first(warehouse, tmp_path):
    data = report.load(warehouse, EVERYONE)
    # two errors block the 2025-26 return (388: 40 days, 101: 2 days); one is over 30 days old
    assert data.what_to_do_first() == "Start with these: 2 errors block the 2025-26 return; 1 is over 30 days old."
    assert report.load(warehouse, report.WorklistSettings(sheet_per_team=False, old_after_days=45)).what_to_do_first().endswith(
        "; none is over 45 days old.")


def test_plurals_and_the_first_night(tmp_path):
    assert (report.plural(1, "finding"), report.plural(2, "finding"), report.plural(1, "child", "children"),
            report.plural(3, "child", "children")) == ("1 finding", "2 findings", "1 child", "3 children")
    first = [dict(f, is_first_night=True, is_new_since_last_run=False) for f in FINDINGS if f["status"] == "open"]
    con = _warehouse(tmp_path / "first.duckdb", first)
    try:
        report.write_report(con, tmp_path / NIGHT, EVERYONE)
        data = report.load(con, EVERYONE)
    finally:
        con.close()
    page = (tmp_path / NIGHT / f"data-quality-{NIGHT}.html").read_text()
    assert "This is the first night checked" in page and "nothing can have been fixed yet" in page
    assert dict(data.headline)["New since the last run"] == "first night"
    assert "Sam Smith: 2 findings for 2 children" in page and "Kim Lee: 2 findings for 2 children" in page
    assert "Children in Care Team 1: 2 findings for 2 children" in page
    assert "1 findings" not in page and "1 children" not in page


def test_each_finding_names_the_child_and_the_record_as_the_system_shows_them(warehouse, tmp_path):
    report.write_report(warehouse, tmp_path / NIGHT, EVERYONE)
    worklist = _sheet_rows(load_workbook(tmp_path / NIGHT / f"data-quality-{NIGHT}.xlsx")["Worklist"])
    first = worklist[0]
    assert (first["Child id"], first["Child"], first["Date of birth"]) == ("C1", "Ada Lovelace", datetime(2012, 5, 7))
    assert first["Record"] == 'care episode starting 12/03/2025, reason "Started to be looked after"'
    assert (first["Field"], first["Value recorded"]) == ("Reason the episode ceased", "E4A")
    # the extract's file, row and column stay for the data team
    assert (first["Extract file"], first["Row"], first["Column"], first["Column letter"]) == (
        "ssd_cla_episodes.csv", 12, "clae_cla_episode_ceased_reason", "H")
    page = (tmp_path / NIGHT / f"data-quality-{NIGHT}.html").read_text()
    assert "legal status C2 from 01/02/2024" in page and "born 07/05/2012" in page
    assert "<details><summary>extract</summary>" in page and "ssd_cla_episodes.csv row 12" in page


def test_the_workbook_has_real_dates_wrapping_colours_and_prints_one_team_per_page(warehouse, tmp_path):
    report.write_report(warehouse, tmp_path / NIGHT, EVERYONE)
    sheet = load_workbook(tmp_path / NIGHT / f"data-quality-{NIGHT}.xlsx")["Worklist"]
    headings = [c.value for c in sheet[1]]
    first_seen = sheet.cell(row=2, column=headings.index("First seen") + 1)
    assert first_seen.value == datetime(2026, 10, 14) and first_seen.number_format == "DD/MM/YYYY"
    assert sheet.cell(row=2, column=headings.index("What to correct") + 1).alignment.wrap_text
    priority = sheet.cell(row=2, column=headings.index("Priority") + 1)
    advice = sheet.cell(row=3, column=headings.index("Priority") + 1)
    assert priority.fill.fgColor.rgb.endswith("F8CBAD") and advice.fill.fgColor.rgb.endswith("DDEBF7")
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$1:$1"
    assert [b.id for b in sheet.row_breaks.brk] == [3]  # Team 1 is rows 2-3, Team 2 starts on a new page
    assert sheet.print_area.endswith("$A$1:$N$5")  # the first 14 columns, what a worker needs


def test_one_sheet_per_team_when_the_council_asks(warehouse, tmp_path, monkeypatch):
    # the council's configuration folder says yes, and calls an error old after 45 days; the report reads
    # both from the settings mart the night built
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.csv").write_text("setting_name,setting_value\nworklist_sheet_per_team,yes\n"
                                         "worklist_old_after_days,45\n", encoding="utf-8")
    monkeypatch.setenv("CLA_CONFIG_DIR", str(config))
    _settings_mart(warehouse, Settings.from_environment().config_dir)
    report.write_report(warehouse, tmp_path / NIGHT)
    workbook = load_workbook(tmp_path / NIGHT / f"data-quality-{NIGHT}.xlsx")
    assert workbook.sheetnames == list(report.SHEETS) + ["Children in Care Team 1", "Children in Care Team 2",
                                                              "Changes since last extract"]
    assert [row["Rule"] for row in _sheet_rows(workbook["Children in Care Team 2"])] == ["101", "CR01"]
    # 388 has been open 40 days and 101 two: neither is over 45
    page = (tmp_path / NIGHT / f"data-quality-{NIGHT}.html").read_text()
    assert "Start with these: 2 errors block the 2025-26 return; none is over 45 days old." in page


def test_without_a_setting_sheet_per_team_the_shipped_one_and_without_the_mart_row_a_loud_error(warehouse, tmp_path):
    report.write_report(warehouse, tmp_path / NIGHT)  # the shipped settings: no sheet per team, 30 days
    workbook = load_workbook(tmp_path / NIGHT / f"data-quality-{NIGHT}.xlsx")
    assert workbook.sheetnames == list(report.SHEETS) + ["Changes since last extract"]
    warehouse.execute("delete from marts.dim_council_settings where setting_name = 'worklist_old_after_days'")
    with pytest.raises(council_config.ConfigurationError,
                       match="marts.dim_council_settings has no setting worklist_old_after_days"):
        report.write_report(warehouse, tmp_path / "again")
    assert not (tmp_path / "again").exists()


def test_the_html_filters_searches_and_links_each_team(warehouse, tmp_path):
    report.write_report(warehouse, tmp_path / NIGHT, EVERYONE)
    page = (tmp_path / NIGHT / f"data-quality-{NIGHT}.html").read_text()
    for control in ("id='filter-team'", "id='filter-worker'", "id='filter-search'", "addEventListener"):
        assert control in page
    assert "<section class='team' id='team-1-children-in-care-team-1'" in page
    assert "<a href='#team-1-children-in-care-team-1'>Children in Care Team 1</a>" in page
    assert "Start with these: 2 errors block the 2025-26 return; 1 is over 30 days old." in page
    # the practice fact is in the performance section, not in the worklist's rows
    worklist_part, performance_part = page.split("id='performance'")
    assert "Bo Peep" not in worklist_part and "Bo Peep" in performance_part
    assert "class='new'>new</span>" in page and "Fixed since the last run" in page and "No Errors" not in page


def test_the_csv_files(warehouse, tmp_path):
    report.write_report(warehouse, tmp_path / NIGHT, EVERYONE)
    worklist = pd.read_csv(tmp_path / NIGHT / "worklist.csv")
    assert list(worklist.columns) == list(report.WORKLIST_COLUMNS.values()) and len(worklist) == 4
    assert worklist.loc[0, "First seen"] == "2026-10-14"
    assert len(pd.read_csv(tmp_path / NIGHT / "practice_facts.csv")) == 1
    assert len(pd.read_csv(tmp_path / NIGHT / "fixed_since_last_run.csv")) == 1
    by_rule = pd.read_csv(tmp_path / NIGHT / "by_rule.csv")
    assert by_rule["Open findings"].dtype.kind == "i"
