"""The night's recording-quality report, written from the data_quality marts (no rule logic here).

    write_report(con, folder)  ->  folder/
        data-quality-<night>.xlsx   Summary, Worklist, Performance, By rule, By team, By worker, Children,
                                    Fixed since last run, Rules (and one sheet per team if the council asks)
        data-quality-<night>.html   the same for a browser: one page, filters and search in plain JavaScript
        worklist.csv, practice_facts.csv, fixed_since_last_run.csv, by_rule.csv, by_team.csv, by_worker.csv

From a synthetic extract each file name ends "_synthetic-data-not-<council>s-figures" and every sheet and
the page say "synthetic data: not <council>'s figures" (lib/data_label.py).

Two lists, as the rules seed decides (finding_kind): the worklist holds the recording errors, which a
worker clears by correcting the record; the performance section holds the practice facts (a review held
late, a record sent late), which stay true and are counted per team and worker, never listed as work.

The order is the mart's (worklist_order: errors the DfE would reject first, then the oldest, then the
return with the nearest deadline). Printed and shown by team, teams come in the order of their most
urgent finding and, within a team, each worker's findings in that order, so every list starts with what
blocks a return and, among equals, the oldest.

Each finding names the child (id, name, date of birth), the record as the case-management system shows
it ("placement starting 12/03/2025, type U1"), the field in words, the value recorded and what to do; the
extract file, row and column stay beside it for the data team (columns in Excel, folded in HTML).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from dagster_project.lib.configuration import council_config

if TYPE_CHECKING:
    from openpyxl import Workbook

SCHEMA = "data_quality"

WORKLIST_COLUMNS = {  # mart column -> heading; the first PRINTED_WORKLIST_COLUMNS are what a worker needs
    "team_name": "Team",
    "worker_name": "Worker",
    "priority": "Priority",
    "person_id": "Child id",
    "child_name": "Child",
    "child_date_of_birth": "Date of birth",
    "record_description": "Record",
    "field_description": "Field",
    "value_recorded": "Value recorded",
    "message": "What to correct",
    "rule_code": "Rule",
    "first_seen_night": "First seen",
    "days_open": "Days open",
    "is_new_since_last_run": "New since last run",
    # not printed: the rule's details, and what the data team needs
    "details": "Details",
    "severity": "Severity",
    "allocation_status": "Allocation",
    "collection_years": "Return years",
    "source_file_name": "Extract file",
    "source_row_number": "Row",
    "source_column": "Column",
    "source_column_letter": "Column letter",
    "record_table": "Table",
    "record_id": "Record id",
}
PRINTED_WORKLIST_COLUMNS = 14
PRACTICE_COLUMNS = {
    "team_name": "Team", "worker_name": "Worker", "person_id": "Child id", "child_name": "Child",
    "child_date_of_birth": "Date of birth", "record_description": "Record", "rule_code": "Rule",
    "message": "What happened", "details": "Details", "first_seen_night": "First seen", "days_open": "Days open",
}
FIXED_COLUMNS = {
    "team_name": "Team", "worker_name": "Worker", "person_id": "Child id", "child_name": "Child",
    "severity": "Severity", "rule_code": "Rule", "finding_kind": "Kind", "message": "Rule message",
    "record_description": "Record", "record_table": "Table", "record_id": "Record id",
    "first_seen_night": "First seen", "fixed_night": "Fixed on", "days_open": "Days it was open",
}
RULE_COLUMNS = {
    "rule_code": "Rule", "finding_kind": "Kind", "origin": "Origin", "family": "Family", "severity": "Severity",
    "message": "What it checks", "open_findings": "Open findings", "children": "Children",
    "new_since_last_run": "New since last run", "fixed_since_last_run": "Fixed since last run",
    "oldest_open_days": "Oldest open (days)",
}
TEAM_COLUMNS = {
    "team_name": "Team", "open_findings": "To correct", "open_errors_blocking_return": "Block a return",
    "open_errors": "Errors", "open_warnings": "Warnings", "open_advice": "Advice", "children": "Children",
    "workers": "Workers", "new_since_last_run": "New since last run", "fixed_since_last_run": "Fixed since last run",
    "oldest_open_days": "Oldest open (days)", "open_practice_facts": "Practice facts",
}
WORKER_COLUMNS = {
    "team_name": "Team", "worker_name": "Worker", "open_findings": "To correct",
    "open_errors_blocking_return": "Block a return", "open_errors": "Errors", "open_warnings": "Warnings",
    "open_advice": "Advice", "children": "Children", "new_since_last_run": "New since last run",
    "fixed_since_last_run": "Fixed since last run", "oldest_open_days": "Oldest open (days)",
    "open_practice_facts": "Practice facts",
}
CHILD_COLUMNS = {
    "team_name": "Team", "worker_name": "Worker", "person_id": "Child id", "child_name": "Child",
    "open_findings": "Open findings", "open_errors": "Errors", "open_warnings": "Warnings", "open_advice": "Advice",
    "new_since_last_run": "New since last run", "oldest_open_days": "Oldest open (days)",
    "open_practice_facts": "Practice facts",
}
SHEETS = ("Summary", "Worklist", "Performance", "By rule", "By team", "By worker", "Children",
          "Fixed since last run", "Rules")
DATE_HEADINGS = ("Date of birth", "First seen", "Fixed on")
WRAPPED_HEADINGS = ("Team", "Worker", "Priority", "Child", "Record", "Field", "What to correct", "Details", "What happened", "What it checks",
                    "Rule message", "Value recorded")


# --- settings ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WorklistSettings:
    """How the council wants its worklist: the settings worklist_sheet_per_team (one more Excel sheet per
    team) and worklist_old_after_days (when the summary calls a blocking error old), shipped in
    seeds/settings/shipped_settings.csv and set by a council in its configuration folder's settings.csv.
    The report runs after dbt, so it reads them as the night applied them, from marts.dim_council_settings."""

    sheet_per_team: bool
    old_after_days: int

    @classmethod
    def from_warehouse(cls, con: duckdb.DuckDBPyConnection) -> WorklistSettings:
        values = council_config.settings_from_warehouse(con, ("worklist_sheet_per_team", "worklist_old_after_days"))
        return cls(sheet_per_team=values["worklist_sheet_per_team"], old_after_days=values["worklist_old_after_days"])


# --- words ---------------------------------------------------------------------------------------------

def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 finding', '2 findings', '1 child', '3 children'."""
    return f"{count:,} {singular if count == 1 else (plural_form or singular + 's')}"


def uk_date(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, str):
        value = pd.Timestamp(value)
    return value.strftime("%d/%m/%Y")


def _as_date(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


# --- the data ------------------------------------------------------------------------------------------

@dataclass
class ReportData:
    night: str
    extract_id: str
    worklist: pd.DataFrame
    practice: pd.DataFrame
    fixed: pd.DataFrame
    by_rule: pd.DataFrame
    by_team: pd.DataFrame
    by_worker: pd.DataFrame
    children: pd.DataFrame
    is_first_night: bool
    settings: WorklistSettings

    @property
    def blocking(self) -> pd.DataFrame:
        return self.worklist[self.worklist["priority_group"] == 1]

    @property
    def new_since_last_run(self) -> int:
        return int(self.worklist["is_new_since_last_run"].fillna(False).astype(bool).sum())

    def what_to_do_first(self) -> str:
        """One sentence: what blocks a return, and how much of it is old."""
        blocking = self.blocking
        days = self.settings.old_after_days
        if len(blocking):
            parts = []
            for year, group in blocking.groupby(blocking["return_year_threatened"].fillna("DfE"), sort=True):
                verb = "blocks" if len(group) == 1 else "block"
                parts.append(f"{plural(len(group), 'error')} {verb} the {year} return")
            old = int((blocking["days_open"] > days).sum())
            age = {0: "none is", 1: "1 is"}.get(old, f"{old:,} are") + f" over {days} days old"
            return "Start with these: " + "; ".join(parts) + f"; {age}."
        if len(self.worklist):
            return (f"No error blocks a DfE return. {plural(len(self.worklist), 'finding')} to correct for "
                    f"{plural(self.worklist['person_id'].nunique(), 'child', 'children')}, the oldest first.")
        return "Nothing to correct tonight."

    def first_night_note(self) -> str:
        if self.is_first_night:
            return ("This is the first night checked: there is no earlier night to compare with, so nothing is "
                    "marked new or fixed yet. From the next night, new and fixed findings are shown.")
        return ""

    @property
    def headline(self) -> list[tuple[str, object]]:
        work = self.worklist
        new = "first night" if self.is_first_night else self.new_since_last_run
        fixed = "first night" if self.is_first_night else len(self.fixed)
        return [
            ("To correct (the worklist)", len(work)),
            ("Errors the DfE would reject", len(self.blocking)),
            ("Other errors", int(((work["severity"] == "error") & (work["priority_group"] != 1)).sum())),
            ("Warnings (queries to explain)", int((work["severity"] == "warning").sum())),
            ("Advice", int((work["severity"] == "advice").sum())),
            ("Children with something to correct", int(work["person_id"].nunique())),
            ("Children checked", len(self.children)),
            ("New since the last run", new),
            ("Fixed since the last run", fixed),
            ("Practice facts (performance, not on the worklist)", len(self.practice)),
            ("Open findings in all", len(work) + len(self.practice)),
            ("Rules with open findings", int((self.by_rule["open_findings"] > 0).sum())),
            ("Rules checked", len(self.by_rule)),
        ]


@dataclass
class WrittenReport:
    folder: Path
    files: list[Path]
    open_findings: int
    open_errors: int
    children: int
    new: int
    fixed: int
    practice_facts: int = 0


def night_of(con: duckdb.DuckDBPyConnection) -> str:
    """The extract date the night's warehouse is built from (YYYY-MM-DD): the report folder's name."""
    return str(con.execute("select cast(cast(extracted_at as timestamp) as date) from raw.extract_manifest").fetchone()[0])


def by_team_and_worker(frame: pd.DataFrame) -> pd.DataFrame:
    """Teams in the order of their most urgent finding, then each team's workers the same way, then each
    worker's findings in the worklist order (the mart's worklist_order)."""
    if frame.empty:
        return frame.reset_index(drop=True)
    ordered = frame.assign(
        _team_first=frame.groupby("team_name", dropna=False)["worklist_order"].transform("min"),
        _worker_first=frame.groupby(["team_name", "worker_name"], dropna=False)["worklist_order"].transform("min"),
    )
    ordered = ordered.sort_values(["_team_first", "team_name", "_worker_first", "worker_name", "worklist_order"])
    return ordered.drop(columns=["_team_first", "_worker_first"]).reset_index(drop=True)


def _is_first_night(con: duckdb.DuckDBPyConnection, findings: pd.DataFrame) -> bool:
    if len(findings) and "is_first_night" in findings:
        return bool(findings["is_first_night"].iloc[0])
    try:
        return con.execute("select count(*) from tracking.data_quality_nights").fetchone()[0] <= 1
    except duckdb.Error:
        return True


def load(con: duckdb.DuckDBPyConnection, settings: WorklistSettings | None = None) -> ReportData:
    findings = con.execute(f"select * from {SCHEMA}.fct_data_quality_findings").df()
    open_ = findings[findings["status"] == "open"]
    worklist = by_team_and_worker(open_[open_["finding_kind"] == "recording_error"])
    practice = by_team_and_worker(open_[open_["finding_kind"] == "practice_fact"])
    fixed = findings[findings["is_fixed_since_last_run"].fillna(False).astype(bool)]
    fixed = fixed.sort_values(["team_name", "worker_name", "child_name", "rule_code"]).reset_index(drop=True)
    by_rule = con.execute(
        f"select * from {SCHEMA}.fct_data_quality_by_rule order by case finding_kind when 'recording_error' then 0 "
        "else 1 end, open_findings desc, case severity when 'error' then 0 when 'warning' then 1 else 2 end, rule_code"
    ).df()
    by_team = con.execute(f"select * from {SCHEMA}.fct_data_quality_by_team order by open_errors_blocking_return "
                          "desc, open_errors desc, open_findings desc, team_name").df()
    by_worker = con.execute(f"select * from {SCHEMA}.fct_data_quality_by_worker order by team_name, "
                            "open_errors_blocking_return desc, open_errors desc, open_findings desc, worker_name").df()
    children = con.execute(f"select * from {SCHEMA}.fct_data_quality_by_child order by team_name, worker_name, "
                           "open_findings desc, child_name").df()
    night = night_of(con)
    extract_id = con.execute("select extract_id from raw.extract_manifest").fetchone()[0]
    return ReportData(night, extract_id, worklist, practice, fixed, by_rule, by_team, by_worker, children,
                      _is_first_night(con, findings), settings or WorklistSettings.from_warehouse(con))


def _table(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    out = frame[[c for c in columns if c in frame.columns]].rename(columns=columns).copy()
    for column in out.columns:
        if out[column].dtype == bool or (column == "New since last run" and out[column].dtype == object):
            out[column] = out[column].map(lambda v: "new" if v is True else "")
        elif column == "Kind":
            out[column] = out[column].map({"recording_error": "to correct", "practice_fact": "practice fact"})
        elif column in DATE_HEADINGS:
            out[column] = out[column].map(_as_date)
    return out


def _csv_table(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    out = _table(frame, columns)
    for column in DATE_HEADINGS:
        if column in out:
            out[column] = out[column].map(lambda v: v.isoformat() if v else None)
    return out


# --- Excel ---------------------------------------------------------------------------------------------

SEVERITY_COLOURS = {"error": "F8CBAD", "warning": "FFE699", "advice": "DDEBF7"}


def write_excel(report: ReportData, path: Path, finish: Callable[[Workbook], None] | None = None) -> Path:
    """The workbook, saved once: `finish` adds what other modules put in it (the changes since the last
    extract, the synthetic-data label) before the save. Loading and saving it again for each of those took
    two thirds of the report's time at scale 50 (91 s of 242 s under cProfile, the rest writing it once)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="1F4E79")
    header_font = Font(bold=True, color="FFFFFF")
    severity_fill = {k: PatternFill("solid", fgColor=v) for k, v in SEVERITY_COLOURS.items()}
    new_fill = PatternFill("solid", fgColor="C6EFCE")
    wrapped = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")

    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    summary["A1"] = f"Recording quality, night of {uk_date(report.night)} (extract {report.extract_id})"
    summary["A1"].font = Font(bold=True, size=14)
    summary["A2"] = report.what_to_do_first()
    summary["A2"].font = Font(bold=True, size=12)
    summary["A3"] = report.first_night_note() or (
        "The Worklist sheet is what to correct, by team and worker; the Performance sheet counts practice facts "
        "(a review held late, a record sent late), which cannot be corrected and are not on the worklist.")
    row = 5
    for label, value in report.headline:
        summary.cell(row=row, column=1, value=label).font = bold
        summary.cell(row=row, column=2, value=value).alignment = Alignment(horizontal="right")
        row += 1
    summary.column_dimensions["A"].width = 50
    summary.column_dimensions["B"].width = 14
    for cell in ("A2", "A3"):
        summary.merge_cells(f"{cell}:F{cell[1:]}")
        summary[cell].alignment = Alignment(wrap_text=True, vertical="top")
        summary.row_dimensions[int(cell[1:])].height = 48
    for letter in "CDEF":
        summary.column_dimensions[letter].width = 14
    summary.page_setup.orientation = "landscape"
    summary.page_setup.paperSize = summary.PAPERSIZE_A4
    summary.sheet_properties.pageSetUpPr.fitToPage = True
    summary.page_setup.fitToWidth, summary.page_setup.fitToHeight = 1, 0

    def add_sheet(title: str, frame: pd.DataFrame, widths: dict[str, int] | None = None, print_columns: int | None = None,
                  team_breaks: bool = False):
        sheet = workbook.create_sheet(title)
        sheet.append(list(frame.columns))
        for cell in sheet[1]:
            cell.fill, cell.font = header_fill, header_font
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for values in frame.itertuples(index=False):
            sheet.append([None if (not isinstance(v, (str, date)) and pd.isna(v)) else v for v in values])
        headings = list(frame.columns)
        for index, column in enumerate(headings, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = (widths or {}).get(column, min(max(10, len(str(column)) + 2), 40))
            if not len(frame):
                continue
            # The first data cell of the column is styled; the others take a copy of its style record. Set
            # cell by cell, openpyxl looks each alignment up in the workbook's style table: measured, that was
            # 38 s of the 81 s spent writing a scale-50 workbook (cProfile).
            first = sheet.cell(row=2, column=index)
            first.alignment = wrapped if column in WRAPPED_HEADINGS else top
            if column in DATE_HEADINGS:
                first.number_format = "DD/MM/YYYY"
            for (cell,) in sheet.iter_rows(min_row=3, max_row=len(frame) + 1, min_col=index, max_col=index):
                cell._style = copy(first._style)
        # row heights for the wrapped text (neither openpyxl nor LibreOffice sizes them on opening)
        wrapped_at = [(i, sheet.column_dimensions[get_column_letter(i)].width or 10)
                      for i, column in enumerate(headings, start=1) if column in WRAPPED_HEADINGS]
        if wrapped_at:
            for row_number in range(2, len(frame) + 2):
                lines = max(-(-len(str(sheet.cell(row=row_number, column=i).value or "")) // max(int(w * 0.9), 1))
                            for i, w in wrapped_at)
                if lines > 1:
                    sheet.row_dimensions[row_number].height = 13 * lines + 3
        sheet.row_dimensions[1].height = 42
        last = get_column_letter(max(len(headings), 1))
        sheet.auto_filter.ref = f"A1:{last}{max(len(frame) + 1, 1)}"
        sheet.freeze_panes = "A2"
        # print: landscape A4, as wide as the page, the heading row on every page, one team per page
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.print_title_rows = "1:1"
        sheet.print_options.gridLines = True
        sheet.page_margins.left = sheet.page_margins.right = 0.4
        sheet.oddHeader.center.text = f"{title}: recording quality, night of {uk_date(report.night)}"
        sheet.oddFooter.center.text = "Page &P of &N"
        if print_columns:
            sheet.print_area = f"A1:{get_column_letter(print_columns)}{max(len(frame) + 1, 1)}"
        if team_breaks and "Team" in headings and len(frame):
            teams = list(frame["Team"])
            for row_index in range(1, len(teams)):
                if teams[row_index] != teams[row_index - 1]:
                    sheet.row_breaks.append(Break(id=row_index + 1))  # after the last row of a team
        return sheet

    # the printed columns add up to about 190 characters: landscape A4 at about 70% (seen in LibreOffice's PDF)
    worklist_widths = {"Team": 14, "Worker": 14, "Priority": 12, "Child id": 9, "Child": 14, "Date of birth": 10,
                       "Record": 30, "Field": 16, "Value recorded": 11, "What to correct": 42, "Details": 30,
                       "Rule": 9, "First seen": 10, "Days open": 5, "New since last run": 5, "Extract file": 22,
                       "Column": 26}

    def worklist_sheet(title: str, frame: pd.DataFrame):
        sheet = add_sheet(title, _table(frame, WORKLIST_COLUMNS), worklist_widths, PRINTED_WORKLIST_COLUMNS,
                          team_breaks=True)
        _colour_by(sheet, "Severity", severity_fill)
        _colour_rows_by(sheet, "Priority", list(frame["severity"]), severity_fill)
        _colour_by(sheet, "New since last run", {"new": new_fill})
        return sheet

    worklist_sheet("Worklist", report.worklist)
    practice = add_sheet("Performance", _table(report.practice, PRACTICE_COLUMNS),
                         {"Team": 18, "Worker": 16, "Child": 16, "Date of birth": 11, "Record": 34,
                          "What happened": 50, "Details": 34}, team_breaks=True)
    practice.freeze_panes = "A2"
    rules = add_sheet("By rule", _table(report.by_rule, RULE_COLUMNS), {"What it checks": 70})
    _colour_by(rules, "Severity", severity_fill)
    add_sheet("By team", _table(report.by_team, TEAM_COLUMNS), {"Team": 30})
    add_sheet("By worker", _table(report.by_worker, WORKER_COLUMNS), {"Team": 30, "Worker": 24})
    children = add_sheet("Children", _table(report.children, CHILD_COLUMNS), {"Team": 28, "Worker": 22, "Child": 22})
    # children with nothing to correct are kept (so the count checked is there) but hidden and filtered out
    findings_column = list(CHILD_COLUMNS.values()).index("Open findings")
    values_shown = sorted({str(int(v)) for v in report.children["open_findings"] if v > 0})
    if values_shown:
        children.auto_filter.add_filter_column(findings_column, values_shown)
    for row_number, value in enumerate(report.children["open_findings"], start=2):
        if value == 0:
            children.row_dimensions[row_number].hidden = True
    fixed = add_sheet("Fixed since last run", _table(report.fixed, FIXED_COLUMNS),
                      {"Rule message": 60, "Record": 34})
    _colour_by(fixed, "Severity", severity_fill)
    add_sheet("Rules", report.by_rule[["rule_code", "finding_kind", "origin", "family", "severity", "responsible_role",
                                       "message", "fields"]].rename(columns={
        "rule_code": "Rule", "finding_kind": "Kind", "origin": "Origin", "family": "Family", "severity": "Severity",
        "responsible_role": "Goes to", "message": "What to correct", "fields": "Fields"}), {"What to correct": 90})
    if report.settings.sheet_per_team:
        used = set(workbook.sheetnames)
        for team, group in report.worklist.groupby("team_name", sort=False, dropna=False):
            worklist_sheet(_sheet_name(str(team), used), group)
    if finish is not None:
        finish(workbook)
    workbook.save(path)
    return path


def _sheet_name(team: str, used: set[str]) -> str:
    """An Excel sheet name for a team: no []:*?/\\ and at most 31 characters, unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", " ", team).strip()[:31] or "Team"
    name, n = base, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _colour_by(sheet, heading: str, fills: dict) -> None:
    headings = [cell.value for cell in sheet[1]]
    if heading not in headings:
        return
    column = headings.index(heading) + 1
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=column)
        if cell.value in fills:
            cell.fill = fills[cell.value]


def _colour_rows_by(sheet, heading: str, keys: list, fills: dict) -> None:
    headings = [cell.value for cell in sheet[1]]
    if heading not in headings:
        return
    column = headings.index(heading) + 1
    for row, key in enumerate(keys, start=2):
        if key in fills:
            sheet.cell(row=row, column=column).fill = fills[key]


# --- HTML ----------------------------------------------------------------------------------------------

STYLE = """
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: #1b1b1b; margin: 0 auto; padding: 12px 16px;
       max-width: 1240px; font-size: 15px; }
h1 { font-size: 1.5em; margin: 0.2em 0; } h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 2px solid #1f4e79; }
h3 { font-size: 1.1em; margin: 1.2em 0 0.3em; } h4 { font-size: 1em; margin: 0.8em 0 0.2em; }
p.first { font-size: 1.15em; font-weight: bold; background: #fff4ce; padding: 8px 10px; border-left: 5px solid #c00000; }
p.note { background: #e8f1fb; padding: 6px 10px; border-left: 5px solid #1f4e79; }
.muted { color: #555; } nav a { margin-right: 1em; }
table { border-collapse: collapse; margin: 0.3em 0 1em; font-size: 0.88em; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #c8c8c8; padding: 3px 5px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #1f4e79; color: white; }
td.number, th.number { text-align: right; }
tr:nth-child(even) td { background: #f6f8fa; }
table.headline { width: auto; min-width: 28em; } table.headline td:last-child { text-align: right; }
.severity-error { background: #f8cbad !important; } .severity-warning { background: #ffe699 !important; }
.severity-advice { background: #ddebf7 !important; }
.new { background: #c6efce; font-weight: bold; padding: 0 3px; }
.small { font-size: 0.9em; color: #444; display: block; }
details > summary { cursor: pointer; color: #1f4e79; }
.filters { position: sticky; top: 0; background: white; padding: 6px 0; border-bottom: 1px solid #c8c8c8; z-index: 1; }
.filters label { margin-right: 1em; } .filters input { width: 16em; }
section.team, #worklist { scroll-margin-top: 48px; }
"""

SCRIPT = """
(function () {
  var team = document.getElementById('filter-team'), worker = document.getElementById('filter-worker'),
      search = document.getElementById('filter-search'), shown = document.getElementById('filter-shown');
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.finding'));
  var workers = JSON.parse(document.getElementById('workers-by-team').textContent);
  function fillWorkers() {
    var keep = worker.value; worker.innerHTML = '<option value="">All workers</option>';
    var names = team.value ? (workers[team.value] || []) : Object.keys(workers).reduce(function (all, t) {
      return all.concat(workers[t]); }, []).filter(function (v, i, a) { return a.indexOf(v) === i; }).sort();
    names.forEach(function (name) { var o = document.createElement('option'); o.value = name; o.textContent = name;
      worker.appendChild(o); });
    worker.value = names.indexOf(keep) >= 0 ? keep : '';
  }
  function apply() {
    var words = search.value.toLowerCase().trim(), count = 0;
    rows.forEach(function (row) {
      var ok = (!team.value || row.dataset.team === team.value) && (!worker.value || row.dataset.worker === worker.value)
        && (!words || row.textContent.toLowerCase().indexOf(words) >= 0);
      row.hidden = !ok; if (ok) { count += 1; }
    });
    document.querySelectorAll('.worker-list').forEach(function (block) {
      block.hidden = !block.querySelector('tr.finding:not([hidden])'); });
    document.querySelectorAll('section.team').forEach(function (block) {
      block.hidden = !block.querySelector('tr.finding:not([hidden])'); });
    shown.textContent = count + ' of ' + rows.length + ' shown';
  }
  team.addEventListener('change', function () { fillWorkers(); apply(); });
  worker.addEventListener('change', apply); search.addEventListener('input', apply);
  // a link to a team's list (#team-...) opens it filtered; ?worker=<name> opens one worker's list
  var section = location.hash.indexOf('#team-') === 0 ? document.getElementById(location.hash.slice(1)) : null;
  if (section) { team.value = section.dataset.team; }
  fillWorkers();
  var asked = new URLSearchParams(location.search).get('worker');
  if (asked) { worker.value = asked; }
  apply();
  if (section) { section.scrollIntoView(); }
  document.querySelectorAll("a[href^='#team-']").forEach(function (link) {
    link.addEventListener('click', function () {
      var target = document.getElementById(link.getAttribute('href').slice(1));
      if (target) { team.value = target.dataset.team; fillWorkers(); apply(); }
    });
  });
})();
"""


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return uk_date(value)
    return str(value)


def _e(value) -> str:
    return html.escape(_text(value))


def _slug(prefix: str, name: str, index: int) -> str:
    return f"{prefix}-{index}-" + (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "none")


def _html_table(frame: pd.DataFrame, widths: dict[str, str] | None = None, links: dict[str, dict] | None = None) -> str:
    numeric = {c for c in frame.columns if frame[c].dtype.kind in "if"}
    cols = "".join(f"<col style='width:{(widths or {}).get(c, 'auto')}'>" for c in frame.columns)
    head = "".join(f"<th{' class=number' if c in numeric else ''}>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, values):
            text = _e(value)
            if column in (links or {}) and _text(value) in links[column]:
                text = f"<a href='#{links[column][_text(value)]}'>{text}</a>"
            css = ""
            if column in numeric:
                css = ' class="number"'
                text = "" if _text(value) == "" else f"{int(value):,}"
            elif column == "Severity" and text:
                css = f' class="severity-{text}"'
            elif column == "New since last run" and text == "new":
                css = ' class="new"'
            cells.append(f"<td{css}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _finding_row(row) -> str:
    """One worklist finding as a table row: priority, child, record and field, what to do, how long, and the
    extract's file, row and column folded for the data team."""
    severity = _e(row.severity)
    is_new = row.is_new_since_last_run
    new = " <span class='new'>new</span>" if (not pd.isna(is_new) and bool(is_new)) else ""
    recorded = _text(row.value_recorded)
    field_line = f"<span class='small'>Field: {_e(row.field_description)}" + (
        f"; recorded: <b>{html.escape(recorded)}</b>" if recorded else "; nothing recorded") + "</span>"
    details = f"<span class='small'>{_e(row.details)}</span>" if _text(row.details) else ""
    dob = _text(row.child_date_of_birth)
    data_team = (f"<details><summary>extract</summary><span class='small'>{_e(row.source_file_name)} row "
                 f"{_e(row.source_row_number)}, column {_e(row.source_column)} ({_e(row.source_column_letter)})<br>"
                 f"{_e(row.record_table)} {_e(row.record_id)}<br>rule {_e(row.rule_code)}"
                 + (f", returns {_e(row.collection_years)}" if _text(row.collection_years) else "")
                 + f"<br>{_e(row.allocation_status)}</span></details>")
    return (f"<tr class='finding' data-team='{_e(row.team_name)}' data-worker='{_e(row.worker_name)}'>"
            f"<td class='severity-{severity}'>{_e(row.priority)}</td>"
            f"<td><b>{_e(row.child_name)}</b><span class='small'>id {_e(row.person_id)}"
            + (f", born {html.escape(dob)}" if dob else "") + "</span></td>"
            f"<td>{_e(row.record_description)}{field_line}</td>"
            f"<td>{_e(row.message)}{details}</td>"
            f"<td>{plural(int(row.days_open), 'day')}<span class='small'>since {_e(row.first_seen_night)}</span>{new}</td>"
            f"<td>{data_team}</td></tr>")


WORKLIST_HEAD = ("<table class='worklist'><colgroup><col style='width:11%'><col style='width:15%'>"
                 "<col style='width:27%'><col style='width:31%'><col style='width:8%'><col style='width:8%'>"
                 "</colgroup><thead><tr><th>Priority</th><th>Child</th><th>Record and field</th><th>What to correct</th>"
                 "<th>Open</th><th>Data team</th></tr></thead><tbody>")


def render_html(report: ReportData) -> str:
    teams = list(dict.fromkeys(report.worklist["team_name"].fillna("Not allocated")))
    team_ids = {team: _slug("team", team, i) for i, team in enumerate(teams, start=1)}
    practice_teams = list(dict.fromkeys(report.practice["team_name"].fillna("Not allocated")))
    practice_ids = {team: _slug("performance", team, i) for i, team in enumerate(practice_teams, start=1)}
    headline = "".join(f"<tr><td>{html.escape(k)}</td><td>{_e(v) if isinstance(v, str) else f'{v:,}'}</td></tr>"
                       for k, v in report.headline)
    workers_by_team = {team: sorted(set(group["worker_name"].fillna("Not allocated")))
                       for team, group in report.worklist.groupby("team_name", sort=False, dropna=False)}
    note = report.first_night_note()
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>Recording quality {html.escape(uk_date(report.night))}</title><style>{STYLE}</style></head><body>",
        f"<h1>Recording quality: night of {html.escape(uk_date(report.night))}</h1>",
        f"<p class='first'>{html.escape(report.what_to_do_first())}</p>",
        f"<p class='note'>{html.escape(note)}</p>" if note else "",
        (f"<p class='muted'>Extract {html.escape(report.extract_id)}. The worklist is what can be corrected, by "
         "team and worker, most urgent first; practice facts (a review held late, a record sent late) are true "
         "and cannot be corrected, so they are counted under Performance instead. "
         "<span class='new'>new</span> marks what appeared since the last run.</p>"),
        ("<nav><a href='#teams'>Teams</a><a href='#worklist'>Worklist</a><a href='#performance'>Performance</a>"
         "<a href='#by-rule'>By rule</a><a href='#by-worker'>By worker</a>"
         "<a href='#fixed'>Fixed since the last run</a></nav>"),
        f"<table class='headline'>{headline}</table>",
        "<h2 id='teams'>Teams</h2>",
    ]
    # the teams in the worklist's order (most urgent first), then those with only practice facts
    order = {team: i for i, team in enumerate(teams)}
    by_team = report.by_team.assign(_order=report.by_team["team_name"].map(order).fillna(len(order)))
    team_table = _table(by_team.sort_values(["_order", "team_name"], kind="stable"), TEAM_COLUMNS)
    parts.append(_html_table(team_table, {"Team": "20%"}, {"Team": {**practice_ids, **team_ids}}) if len(team_table)
                 else "<p class='muted'>No team has anything to correct.</p>")
    parts += [
        "<h2 id='worklist'>Worklist</h2>",
        "<div class='filters'><label>Team <select id='filter-team'><option value=''>All teams</option>"
        + "".join(f"<option value='{_e(t)}'>{_e(t)}</option>" for t in teams) + "</select></label>"
        "<label>Worker <select id='filter-worker'><option value=''>All workers</option></select></label>"
        "<label>Search <input id='filter-search' type='search' placeholder='child, record, rule...'></label>"
        "<span id='filter-shown' class='muted'></span></div>",
        (f"<script type='application/json' id='workers-by-team'>{html.escape(json.dumps(workers_by_team), quote=False)}"
         "</script>"),
    ]
    if report.worklist.empty:
        parts.append("<p class='muted'>Nothing to correct.</p>")
    for team, team_rows in report.worklist.groupby(report.worklist["team_name"].fillna("Not allocated"), sort=False):
        parts.append(f"<section class='team' id='{team_ids[team]}' data-team='{_e(team)}'>"
                     f"<h3>{_e(team)}: {plural(len(team_rows), 'finding')} for "
                     f"{plural(team_rows['person_id'].nunique(), 'child', 'children')}</h3>")
        for worker, rows in team_rows.groupby(team_rows["worker_name"].fillna("Not allocated"), sort=False):
            parts.append(f"<div class='worker-list'><h4>{_e(worker)}: {plural(len(rows), 'finding')} for "
                         f"{plural(rows['person_id'].nunique(), 'child', 'children')}</h4>{WORKLIST_HEAD}"
                         + "".join(_finding_row(row) for row in rows.itertuples(index=False))
                         + "</tbody></table></div>")
        parts.append("</section>")
    parts += [
        "<h2 id='performance'>Performance: practice facts</h2>",
        ("<p class='muted'>These happened and stay true (a review held late, a review record sent late, an IRO "
         "allocated late): they are performance measures for the team and worker, not corrections, and are "
         "not on the worklist.</p>"),
    ]
    if report.practice.empty:
        parts.append("<p class='muted'>No practice facts tonight.</p>")
    else:
        counts = (report.practice.assign(team_name=report.practice["team_name"].fillna("Not allocated"),
                                         worker_name=report.practice["worker_name"].fillna("Not allocated"))
                  .pivot_table(index=["team_name", "worker_name"], columns="rule_code", values="finding_key",
                               aggfunc="count", fill_value=0, sort=False))
        counts["All"] = counts.sum(axis=1)
        counts = counts.reset_index().rename(columns={"team_name": "Team", "worker_name": "Worker"})
        parts.append(_html_table(counts, {"Team": "24%", "Worker": "18%"}, {"Team": practice_ids}))
        messages = report.by_rule[report.by_rule["finding_kind"] == "practice_fact"]
        parts.append("<p class='muted'>" + "<br>".join(
            f"<b>{_e(r.rule_code)}</b>: {_e(r.message)}" for r in messages.itertuples() if r.open_findings) + "</p>")
        for team, rows in report.practice.groupby(report.practice["team_name"].fillna("Not allocated"), sort=False):
            table = _table(rows, PRACTICE_COLUMNS).drop(columns=["Team", "Date of birth", "First seen"])
            parts.append(f"<details id='{practice_ids[team]}'><summary>{_e(team)}: "
                         f"{plural(len(rows), 'practice fact')} for "
                         f"{plural(rows['person_id'].nunique(), 'child', 'children')}</summary>"
                         + _html_table(table, {"Worker": "12%", "Child id": "8%", "Child": "11%", "Record": "20%",
                                               "Rule": "6%", "What happened": "25%", "Days open": "7%"})
                         + "</details>")
    firing = report.by_rule[report.by_rule["open_findings"] > 0]
    parts += [
        "<h2 id='by-rule'>By rule</h2>",
        _html_table(_table(firing, RULE_COLUMNS).drop(columns=["Origin", "Family"]),
                    {"Rule": "7%", "Kind": "9%", "Severity": "7%", "What it checks": "41%"})
        if len(firing) else "<p class='muted'>No rule has open findings.</p>",
        "<h2 id='by-worker'>By worker</h2>",
        _html_table(_table(report.by_worker, WORKER_COLUMNS), {"Team": "17%", "Worker": "13%"}, {"Team": team_ids})
        if len(report.by_worker) else "<p class='muted'>No worker has anything to correct.</p>",
        "<h2 id='fixed'>Fixed since the last run</h2>",
    ]
    if report.is_first_night:
        parts.append("<p class='muted'>This is the first night checked: nothing can have been fixed yet.</p>")
    elif len(report.fixed):
        fixed = _table(report.fixed, FIXED_COLUMNS).drop(columns=["Table", "Record id", "Kind"])
        parts.append(_html_table(fixed, {"Rule message": "26%", "Record": "18%"}))
    else:
        parts.append("<p class='muted'>Nothing was fixed since the last run.</p>")
    parts += ["<p class='muted'>The Great Expectations Data Docs for the night are in data_docs/index.html.</p>",
              f"<script>{SCRIPT}</script></body></html>"]
    return "\n".join(p for p in parts if p)


# --- all of it -----------------------------------------------------------------------------------------

def write_report(con: duckdb.DuckDBPyConnection, folder: Path, settings: WorklistSettings | None = None) -> WrittenReport:
    from dagster_project.lib.data_label import (
        file_name,
        label_cell,
        label_html,
        label_workbook,
        synthetic_label,
    )
    from dagster_project.lib.ingest import reconciliation_report  # issue 11's changes since the last extract

    report = load(con, settings)
    label = synthetic_label(con)
    changes = reconciliation_report.load_changes(con)

    def finish(workbook) -> None:
        reconciliation_report.fill_sheet(workbook, changes)
        # from a synthetic extract (lib/data_label.py) every sheet (its printed header and tab; the Summary in
        # a cell too) and the page (a banner, every printed page) say "synthetic data: not <council>'s figures"
        if label is not None:
            label_cell(workbook["Summary"]["A4"], label)
            label_workbook(workbook, label)

    folder.mkdir(parents=True, exist_ok=True)
    stem = file_name(f"data-quality-{report.night}", label)
    files = [write_excel(report, folder / f"{stem}.xlsx", finish)]
    html_path = folder / f"{stem}.html"
    page = reconciliation_report.with_section(render_html(report), changes)
    html_path.write_text(label_html(page, label), encoding="utf-8")
    files.append(html_path)
    for name, frame, columns in (("worklist", report.worklist, WORKLIST_COLUMNS),
                                 ("practice_facts", report.practice, PRACTICE_COLUMNS),
                                 ("fixed_since_last_run", report.fixed, FIXED_COLUMNS),
                                 ("by_rule", report.by_rule, RULE_COLUMNS), ("by_team", report.by_team, TEAM_COLUMNS),
                                 ("by_worker", report.by_worker, WORKER_COLUMNS)):
        path = folder / file_name(f"{name}.csv", label)
        _csv_table(frame, columns).to_csv(path, index=False)
        files.append(path)
    return WrittenReport(
        folder=folder, files=files, open_findings=len(report.worklist),
        open_errors=int((report.worklist["severity"] == "error").sum()),
        children=int(report.worklist["person_id"].nunique()),
        new=report.new_since_last_run, fixed=len(report.fixed), practice_facts=len(report.practice),
    )
