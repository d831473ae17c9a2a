"""The night's report from the data_quality marts: an Excel workbook that opens with its sheets, columns
and filters (children without errors hidden), an HTML page and CSV files; new and fixed are marked."""

from datetime import date

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from dagster_project.lib.quality import report

NIGHT = "2026-11-23"


def _finding(**values) -> dict:
    base = {
        "finding_key": "k", "status": "open", "rule_code": "388", "family": "ssda903_episode_chain", "origin": "dfe",
        "severity": "error", "message": "The episode's ending does not match what follows.", "fields": "REC",
        "responsible_role": "social_worker", "person_id": "C1", "child_name": "Ada Lovelace",
        "record_table": "ssd_cla_episodes", "record_id": "E1", "collection_years": "2025-26",
        "source_file_name": "ssd_cla_episodes.csv", "source_row_number": 12, "source_column": "clae_cla_episode_ceased_reason",
        "source_column_letter": "H", "value_recorded": "E4A", "details": "care ended but another episode starts the same day",
        "worker_id": "W1", "worker_name": "Sam Smith", "team_id": "T1", "team_name": "Children in Care Team 1",
        "allocation_status": "allocated", "first_seen_night": date(2026, 11, 20), "first_seen_extract_id": "x",
        "last_seen_night": date(2026, 11, 23), "fixed_night": None, "fixed_extract_id": None, "times_reopened": 0,
        "days_open": 3, "is_new_since_last_run": False, "is_fixed_since_last_run": False, "extract_id": "2026-11-23T0200",
        "night": date(2026, 11, 23),
    }
    return {**base, **values}


@pytest.fixture
def warehouse(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("create schema raw")
    con.execute("create schema data_quality")
    con.execute(f"create table raw.extract_manifest as select '2026-11-23T0200' as extract_id, '{NIGHT}T02:00:00' as extracted_at")
    findings = pd.DataFrame([
        _finding(),
        _finding(finding_key="k2", rule_code="IRO01", severity="warning", responsible_role="iro", person_id="C2",
                 child_name="Bo Peep", worker_name="Ira Ode", team_name="Safeguarding and Reviewing Unit",
                 is_new_since_last_run=True, days_open=0, source_column_letter="E"),
        _finding(finding_key="k3", status="fixed", rule_code="101", person_id="C3", child_name="Cy Fixed",
                 fixed_night=date(2026, 11, 23), is_fixed_since_last_run=True),
    ])
    rules = pd.DataFrame([
        {"rule_code": code, "family": "f", "origin": "dfe", "severity": severity, "message": "m", "fields": "",
         "responsible_role": "social_worker", "open_findings": n, "children": n, "new_since_last_run": new,
         "fixed_since_last_run": fixed, "oldest_open_days": 3 if n else None}
        for code, severity, n, new, fixed in (("388", "error", 1, 0, 0), ("IRO01", "warning", 1, 1, 0),
                                              ("101", "error", 0, 0, 1), ("102", "error", 0, 0, 0))])
    teams = pd.DataFrame([{"team_name": "Children in Care Team 1", "open_findings": 1, "open_errors": 1, "open_warnings": 0,
                           "open_advice": 0, "children": 1, "workers": 1, "new_since_last_run": 0,
                           "fixed_since_last_run": 1, "oldest_open_days": 3}])
    workers = pd.DataFrame([{"team_name": "Children in Care Team 1", "worker_name": "Sam Smith", "worker_id": "W1",
                             "open_findings": 1, "open_errors": 1, "open_warnings": 0, "open_advice": 0, "children": 1,
                             "new_since_last_run": 0, "fixed_since_last_run": 1, "oldest_open_days": 3}])
    children = pd.DataFrame([
        {"person_id": p, "child_name": n, "in_checked_return": True, "team_name": "T", "worker_name": "W",
         "open_findings": f, "open_errors": f, "open_warnings": 0, "open_advice": 0, "new_since_last_run": 0,
         "oldest_open_days": None} for p, n, f in (("C1", "Ada Lovelace", 1), ("C2", "Bo Peep", 1), ("C4", "No Errors", 0))])
    for name, frame in (("fct_data_quality_findings", findings), ("fct_data_quality_by_rule", rules),
                        ("fct_data_quality_by_team", teams), ("fct_data_quality_by_worker", workers),
                        ("fct_data_quality_by_child", children)):
        con.register("frame", frame)
        con.execute(f"create table data_quality.{name} as select * from frame")
        con.unregister("frame")
    yield con
    con.close()


def test_the_workbook_opens_with_the_sheets_columns_and_filters(warehouse, tmp_path):
    written = report.write_report(warehouse, tmp_path / NIGHT)
    assert (written.open_findings, written.open_errors, written.children, written.new, written.fixed) == (2, 1, 2, 1, 1)
    workbook = load_workbook(tmp_path / NIGHT / f"data-quality-{NIGHT}.xlsx")
    # issue 11: the reconciliation's sheet comes last (lib/ingest/reconciliation_report.py)
    assert workbook.sheetnames == list(report.SHEETS) + ["Changes since last extract"]
    worklist = workbook["Worklist"]
    assert [c.value for c in worklist[1]] == list(report.WORKLIST_COLUMNS.values())
    rows = [[c.value for c in row] for row in worklist.iter_rows(min_row=2)]
    assert len(rows) == 2
    first = dict(zip(report.WORKLIST_COLUMNS.values(), rows[0]))
    assert (first["Extract file"], first["Row"], first["Column"], first["Column letter"]) == (
        "ssd_cla_episodes.csv", 12, "clae_cla_episode_ceased_reason", "H")
    assert {dict(zip(report.WORKLIST_COLUMNS.values(), r))["New since last run"] for r in rows} == {"new", None}
    for sheet in report.SHEETS[1:]:
        assert workbook[sheet].auto_filter.ref, sheet
    children = workbook["Children"]
    assert children.max_row == 4 and children.row_dimensions[4].hidden and not children.row_dimensions[2].hidden
    fixed = workbook["Fixed since last run"]
    assert fixed.max_row == 2 and fixed["F2"].value == "101"


def test_the_html_and_csv_versions(warehouse, tmp_path):
    report.write_report(warehouse, tmp_path / NIGHT)
    html = (tmp_path / NIGHT / f"data-quality-{NIGHT}.html").read_text()
    assert "Children in Care Team 1 &middot; Sam Smith: 1 findings for 1 children" in html
    assert 'class="new"' in html and "Fixed since the last run" in html and "No Errors" not in html
    worklist = pd.read_csv(tmp_path / NIGHT / "worklist.csv")
    assert list(worklist.columns) == list(report.WORKLIST_COLUMNS.values()) and len(worklist) == 2
    assert len(pd.read_csv(tmp_path / NIGHT / "fixed_since_last_run.csv")) == 1
    by_rule = pd.read_csv(tmp_path / NIGHT / "by_rule.csv")
    assert by_rule["Open findings"].dtype.kind == "i"
