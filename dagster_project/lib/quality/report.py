"""The night's recording-quality report, written from the data_quality marts (no rule logic here).

    write_report(con, folder)  ->  folder/
        data-quality-<night>.xlsx   Summary, By rule, By team, By worker, Worklist, Children, Fixed, Rules
        data-quality-<night>.html   the same for a browser (one page, no scripts)
        worklist.csv, fixed_since_last_run.csv, by_rule.csv, by_team.csv, by_worker.csv

The worklist has one row per open finding: team, worker, child, the rule and what to do, and where to
correct it: the extract file, the row as the file shows it (header = row 1) and the column with its
spreadsheet letter. New since the last run is marked; findings fixed since the last run are listed.
Every table sheet has filters on; the Children sheet lists every child checked and hides the rows of
children with nothing to correct.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

SCHEMA = "data_quality"

WORKLIST_COLUMNS = {  # mart column -> heading
    "team_name": "Team",
    "worker_name": "Worker",
    "allocation_status": "Allocation",
    "person_id": "Child id",
    "child_name": "Child",
    "severity": "Severity",
    "rule_code": "Rule",
    "message": "What to correct",
    "details": "Details",
    "value_recorded": "Value recorded",
    "source_file_name": "Extract file",
    "source_row_number": "Row",
    "source_column": "Column",
    "source_column_letter": "Column letter",
    "record_table": "Table",
    "record_id": "Record id",
    "collection_years": "Return years",
    "first_seen_night": "First seen",
    "days_open": "Days open",
    "is_new_since_last_run": "New since last run",
}
FIXED_COLUMNS = {
    "team_name": "Team", "worker_name": "Worker", "person_id": "Child id", "child_name": "Child",
    "severity": "Severity", "rule_code": "Rule", "message": "Rule message", "record_table": "Table",
    "record_id": "Record id", "first_seen_night": "First seen", "fixed_night": "Fixed on", "days_open": "Days it was open",
}
RULE_COLUMNS = {
    "rule_code": "Rule", "origin": "Origin", "family": "Family", "severity": "Severity", "message": "What it checks",
    "open_findings": "Open findings", "children": "Children", "new_since_last_run": "New since last run",
    "fixed_since_last_run": "Fixed since last run", "oldest_open_days": "Oldest open (days)",
}
TEAM_COLUMNS = {
    "team_name": "Team", "open_findings": "Open findings", "open_errors": "Errors", "open_warnings": "Warnings",
    "open_advice": "Advice", "children": "Children", "workers": "Workers", "new_since_last_run": "New since last run",
    "fixed_since_last_run": "Fixed since last run", "oldest_open_days": "Oldest open (days)",
}
WORKER_COLUMNS = {
    "team_name": "Team", "worker_name": "Worker", "open_findings": "Open findings", "open_errors": "Errors",
    "open_warnings": "Warnings", "open_advice": "Advice", "children": "Children",
    "new_since_last_run": "New since last run", "fixed_since_last_run": "Fixed since last run",
    "oldest_open_days": "Oldest open (days)",
}
CHILD_COLUMNS = {
    "team_name": "Team", "worker_name": "Worker", "person_id": "Child id", "child_name": "Child",
    "open_findings": "Open findings", "open_errors": "Errors", "open_warnings": "Warnings", "open_advice": "Advice",
    "new_since_last_run": "New since last run", "oldest_open_days": "Oldest open (days)",
}
SHEETS = ("Summary", "By rule", "By team", "By worker", "Worklist", "Children", "Fixed since last run", "Rules")
SEVERITY_ORDER = {"error": 0, "warning": 1, "advice": 2}


@dataclass
class ReportData:
    night: str
    extract_id: str
    worklist: pd.DataFrame
    fixed: pd.DataFrame
    by_rule: pd.DataFrame
    by_team: pd.DataFrame
    by_worker: pd.DataFrame
    children: pd.DataFrame
    expectations: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def headline(self) -> dict[str, int]:
        open_ = self.worklist
        return {
            "Open findings": len(open_),
            "Errors (the DfE would reject)": int((open_["severity"] == "error").sum()),
            "Warnings (queries to explain)": int((open_["severity"] == "warning").sum()),
            "Advice": int((open_["severity"] == "advice").sum()),
            "Children with something to correct": int((self.children["open_findings"] > 0).sum()),
            "Children checked": len(self.children),
            "New since the last run": int(open_["is_new_since_last_run"].fillna(False).astype(bool).sum()),
            "Fixed since the last run": len(self.fixed),
            "Rules with open findings": int((self.by_rule["open_findings"] > 0).sum()),
            "Rules checked": len(self.by_rule),
        }


@dataclass
class WrittenReport:
    folder: Path
    files: list[Path]
    open_findings: int
    open_errors: int
    children: int
    new: int
    fixed: int


def night_of(con: duckdb.DuckDBPyConnection) -> str:
    """The extract date the night's warehouse is built from (YYYY-MM-DD): the report folder's name."""
    return str(con.execute("select cast(cast(extracted_at as timestamp) as date) from raw.extract_manifest").fetchone()[0])


def _sort_worklist(frame: pd.DataFrame) -> pd.DataFrame:
    order = frame.assign(_severity=frame["severity"].map(SEVERITY_ORDER).fillna(3))
    return order.sort_values(["team_name", "worker_name", "child_name", "person_id", "_severity", "rule_code",
                              "source_row_number"], na_position="last").drop(columns="_severity").reset_index(drop=True)


def load(con: duckdb.DuckDBPyConnection) -> ReportData:
    findings = con.execute(f"select * from {SCHEMA}.fct_data_quality_findings").df()
    worklist = _sort_worklist(findings[findings["status"] == "open"])
    fixed = findings[findings["is_fixed_since_last_run"].fillna(False).astype(bool)]
    fixed = fixed.sort_values(["team_name", "worker_name", "child_name", "rule_code"]).reset_index(drop=True)
    by_rule = con.execute(
        f"select * from {SCHEMA}.fct_data_quality_by_rule "
        "order by open_findings desc, case severity when 'error' then 0 when 'warning' then 1 else 2 end, rule_code"
    ).df()
    by_team = con.execute(f"select * from {SCHEMA}.fct_data_quality_by_team order by open_errors desc, "
                          "open_findings desc, team_name").df()
    by_worker = con.execute(f"select * from {SCHEMA}.fct_data_quality_by_worker order by team_name, "
                            "open_errors desc, open_findings desc, worker_name").df()
    children = con.execute(f"select * from {SCHEMA}.fct_data_quality_by_child order by team_name, worker_name, "
                           "open_findings desc, child_name").df()
    night = night_of(con)
    extract_id = con.execute("select extract_id from raw.extract_manifest").fetchone()[0]
    return ReportData(night, extract_id, worklist, fixed, by_rule, by_team, by_worker, children)


def _table(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    out = frame[list(columns)].rename(columns=columns).copy()
    for column in out.columns:
        if out[column].dtype == bool or (column == "New since last run" and out[column].dtype == object):
            out[column] = out[column].map(lambda v: "new" if v is True else "")
    return out


# --- Excel ---------------------------------------------------------------------------------------------

def write_excel(report: ReportData, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="1F4E79")
    header_font = Font(bold=True, color="FFFFFF")
    severity_fill = {"error": PatternFill("solid", fgColor="F8CBAD"), "warning": PatternFill("solid", fgColor="FFE699"),
                     "advice": PatternFill("solid", fgColor="DDEBF7")}
    new_fill = PatternFill("solid", fgColor="C6EFCE")

    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    summary["A1"] = f"Recording quality, night of {report.night} (extract {report.extract_id})"
    summary["A1"].font = Font(bold=True, size=14)
    summary["A2"] = ("Every open finding is on the Worklist: the extract file, the row as the file shows it "
                     "(header = row 1) and the column letter say where to correct it.")
    for row, (label, value) in enumerate(report.headline.items(), start=4):
        summary.cell(row=row, column=1, value=label).font = bold
        summary.cell(row=row, column=2, value=value)
    summary.column_dimensions["A"].width = 42
    summary.column_dimensions["B"].width = 12

    def add_sheet(title: str, frame: pd.DataFrame, widths: dict[str, int] | None = None):
        sheet = workbook.create_sheet(title)
        sheet.append(list(frame.columns))
        for cell in sheet[1]:
            cell.fill, cell.font = header_fill, header_font
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for values in frame.itertuples(index=False):
            sheet.append([None if (not isinstance(v, str) and pd.isna(v)) else
                          (v.isoformat() if hasattr(v, "isoformat") else v) for v in values])
        last = get_column_letter(max(len(frame.columns), 1))
        sheet.auto_filter.ref = f"A1:{last}{max(len(frame) + 1, 1)}"
        sheet.freeze_panes = "A2"
        for index, column in enumerate(frame.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = (widths or {}).get(column, min(
                max(12, len(str(column)) + 2), 40))
        return sheet

    rules = add_sheet("By rule", _table(report.by_rule, RULE_COLUMNS), {"What it checks": 80})
    _colour_by(rules, "Severity", severity_fill)
    add_sheet("By team", _table(report.by_team, TEAM_COLUMNS), {"Team": 30})
    add_sheet("By worker", _table(report.by_worker, WORKER_COLUMNS), {"Team": 30, "Worker": 24})
    worklist = add_sheet("Worklist", _table(report.worklist, WORKLIST_COLUMNS),
                         {"Team": 28, "Worker": 22, "Child": 22, "What to correct": 70, "Details": 50,
                          "Extract file": 26})
    _colour_by(worklist, "Severity", severity_fill)
    _colour_by(worklist, "New since last run", {"new": new_fill})
    children = add_sheet("Children", _table(report.children, CHILD_COLUMNS), {"Team": 28, "Worker": 22, "Child": 22})
    # children with nothing to correct are kept (so the count checked is there) but hidden and filtered out
    findings_column = list(CHILD_COLUMNS.values()).index("Open findings")
    values_shown = sorted({str(int(v)) for v in report.children["open_findings"] if v > 0})
    if values_shown:
        children.auto_filter.add_filter_column(findings_column, values_shown)
    for row, value in enumerate(report.children["open_findings"], start=2):
        if value == 0:
            children.row_dimensions[row].hidden = True
    fixed = add_sheet("Fixed since last run", _table(report.fixed, FIXED_COLUMNS), {"Rule message": 70})
    _colour_by(fixed, "Severity", severity_fill)
    add_sheet("Rules", report.by_rule[["rule_code", "origin", "family", "severity", "responsible_role", "message",
                                       "fields"]].rename(columns={
        "rule_code": "Rule", "origin": "Origin", "family": "Family", "severity": "Severity",
        "responsible_role": "Goes to", "message": "What to correct", "fields": "Fields"}), {"What to correct": 90})
    workbook.save(path)
    return path


def _colour_by(sheet, heading: str, fills: dict) -> None:
    headings = [cell.value for cell in sheet[1]]
    if heading not in headings:
        return
    column = headings.index(heading) + 1
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=column)
        if cell.value in fills:
            cell.fill = fills[cell.value]


# --- HTML ----------------------------------------------------------------------------------------------

STYLE = """
body { font-family: Arial, Helvetica, sans-serif; margin: 1.5em; color: #1b1b1b; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
h3 { font-size: 1.05em; margin: 1em 0 0.3em; } p.lead { color: #444; margin-top: 0; }
table { border-collapse: collapse; margin: 0.4em 0 1em; font-size: 0.85em; }
th, td { border: 1px solid #c8c8c8; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #1f4e79; color: white; position: sticky; top: 0; }
tr:nth-child(even) td { background: #f6f8fa; }
.headline td:first-child { font-weight: bold; } .headline td:last-child { text-align: right; }
.severity-error { background: #f8cbad !important; } .severity-warning { background: #ffe699 !important; }
.severity-advice { background: #ddebf7 !important; }
.new { background: #c6efce !important; font-weight: bold; }
details { margin: 0.3em 0 0.3em 0.5em; } summary { cursor: pointer; font-weight: bold; }
.muted { color: #666; }
td.message { min-width: 22em; }
"""


def _html_table(frame: pd.DataFrame, classes: dict[str, str] | None = None) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, values):
            text = "" if (not isinstance(value, str) and pd.isna(value)) else str(value)
            if isinstance(value, (pd.Timestamp, datetime)) and not pd.isna(value):
                text = value.strftime("%Y-%m-%d")  # nights are dates: no midnight times
            css = ""
            if column == "Severity" and text:
                css = f' class="severity-{html.escape(text)}"'
            elif column == "New since last run" and text not in ("", "0", "False", "no"):
                css = ' class="new"'  # only what is new stands out
            elif column in ("What to correct", "What it checks", "Rule message"):
                css = ' class="message"'
            cells.append(f"<td{css}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def render_html(report: ReportData) -> str:
    headline = "".join(f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in report.headline.items())
    firing = report.by_rule[report.by_rule["open_findings"] > 0]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Recording quality {html.escape(report.night)}</title><style>{STYLE}</style></head><body>",
        f"<h1>Recording quality: night of {html.escape(report.night)}</h1>",
        (f"<p class='lead'>Extract {html.escape(report.extract_id)}. Each finding says what to correct and where: "
         "the extract file, the row as the file shows it (header = row 1) and the column letter. "
         "<span class='new'>new</span> marks what appeared since the last run.</p>"),
        f"<table class='headline'>{headline}</table>",
        "<h2>By rule</h2>",
        _html_table(_table(firing, RULE_COLUMNS)) if len(firing) else "<p class='muted'>No rule has open findings.</p>",
        "<h2>By team</h2>", _html_table(_table(report.by_team, TEAM_COLUMNS)),
        "<h2>By worker</h2>", _html_table(_table(report.by_worker, WORKER_COLUMNS)),
        "<h2>Worklist</h2><p class='muted'>Children with nothing to correct are not listed.</p>",
    ]
    worklist = _table(report.worklist, WORKLIST_COLUMNS).drop(columns=["Team", "Worker", "Allocation"])
    for (team, worker), group in report.worklist.groupby(["team_name", "worker_name"], sort=True, dropna=False):
        rows = worklist.loc[group.index]
        children = group["person_id"].nunique()
        parts.append(f"<details open><summary>{html.escape(str(team))} &middot; {html.escape(str(worker))}: "
                     f"{len(group)} findings for {children} children</summary>{_html_table(rows)}</details>")
    parts += ["<h2>Fixed since the last run</h2>",
              _html_table(_table(report.fixed, FIXED_COLUMNS)) if len(report.fixed)
              else "<p class='muted'>Nothing was fixed since the last run.</p>",
              "<p class='muted'>The Great Expectations Data Docs for the night are in data_docs/index.html.</p>",
              "</body></html>"]
    return "\n".join(parts)


# --- all of it -----------------------------------------------------------------------------------------

def write_report(con: duckdb.DuckDBPyConnection, folder: Path) -> WrittenReport:
    report = load(con)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"data-quality-{report.night}"
    files = [write_excel(report, folder / f"{stem}.xlsx")]
    html_path = folder / f"{stem}.html"
    html_path.write_text(render_html(report), encoding="utf-8")
    files.append(html_path)
    from dagster_project.lib.ingest.reconciliation_report import add_to_report  # issue 11's hook

    add_to_report(con, files[0], html_path)
    for name, frame, columns in (("worklist", report.worklist, WORKLIST_COLUMNS),
                                 ("fixed_since_last_run", report.fixed, FIXED_COLUMNS),
                                 ("by_rule", report.by_rule, RULE_COLUMNS), ("by_team", report.by_team, TEAM_COLUMNS),
                                 ("by_worker", report.by_worker, WORKER_COLUMNS)):
        path = folder / f"{name}.csv"
        _table(frame, columns).to_csv(path, index=False)
        files.append(path)
    return WrittenReport(
        folder=folder, files=files, open_findings=len(report.worklist),
        open_errors=int((report.worklist["severity"] == "error").sum()),
        children=int(report.worklist["person_id"].nunique()),
        new=int(report.worklist["is_new_since_last_run"].fillna(False).astype(bool).sum()), fixed=len(report.fixed),
    )
