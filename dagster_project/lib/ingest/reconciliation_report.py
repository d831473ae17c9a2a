"""The data-quality report's "Changes since the last extract" sheet and section, from
`raw.extract_reconciliation` and `raw.extract_changes` (written by ingestion, see reconciliation.py).

Called once by lib/quality/report.py after it has written its workbook and page: the sheet is added to
the workbook and the section put before the end of the page, so the report's own code is untouched.
The report is as protected as the warehouse, so the changed records are listed by id.
"""

from __future__ import annotations

import html
from pathlib import Path

import duckdb
import pandas as pd

SHEET = "Changes since last extract"
SUMMARY_COLUMNS = {"description": "What changed", "previous_count": "In the last published extract",
                   "current_count": "In this extract", "changed_count": "Changed", "changed_share": "Share",
                   "threshold_share": "Holds the night above", "holds_night": "Held"}
CHANGE_COLUMNS = {"change_kind": "Change", "table_name": "Table", "record_id": "Record id",
                  "column_name": "Column", "previous_value": "Before", "current_value": "Now"}


def load_changes(con: duckdb.DuckDBPyConnection) -> tuple[str | None, pd.DataFrame, pd.DataFrame]:
    """(extract compared with, summary by measure, one row per change); empty on the first night."""
    tables = {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'raw'").fetchall()}
    if "extract_reconciliation" not in tables:
        return None, pd.DataFrame(columns=list(SUMMARY_COLUMNS)), pd.DataFrame(columns=list(CHANGE_COLUMNS))
    summary = con.execute("select * from raw.extract_reconciliation").df()
    changes = con.execute("select * from raw.extract_changes order by change_kind, table_name, record_id").df()
    compared_with = summary["compared_with_extract_id"].iloc[0] if len(summary) else None
    return compared_with, summary, changes


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    out = summary[list(SUMMARY_COLUMNS)].rename(columns=SUMMARY_COLUMNS).copy()
    out["Share"] = summary["changed_share"].map(lambda v: f"{v:.1%}")
    out["Holds the night above"] = summary["threshold_share"].map(lambda v: "" if pd.isna(v) else f"{v:.0%}")
    out["Held"] = summary["holds_night"].map(lambda v: "yes" if v else "")
    return out


def add_sheet(con: duckdb.DuckDBPyConnection, workbook_path: Path) -> None:
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    compared_with, summary, changes = load_changes(con)
    workbook = load_workbook(workbook_path)
    sheet = workbook.create_sheet(SHEET)
    sheet["A1"] = (f"Changes since extract {compared_with}, the last published" if compared_with
                   else "No earlier published extract to compare with")
    sheet["A1"].font = Font(bold=True, size=14)
    row = 3
    for frame in (summary_table(summary), changes[list(CHANGE_COLUMNS)].rename(columns=CHANGE_COLUMNS)):
        for column, heading in enumerate(frame.columns, start=1):
            sheet.cell(row=row, column=column, value=heading).font = Font(bold=True)
        for values in frame.itertuples(index=False):
            row += 1
            for column, value in enumerate(values, start=1):
                sheet.cell(row=row, column=column, value=None if pd.isna(value) else value)
        row += 3
    sheet.column_dimensions["A"].width = 45
    workbook.save(workbook_path)


def section_html(con: duckdb.DuckDBPyConnection) -> str:
    compared_with, summary, changes = load_changes(con)
    if compared_with is None:
        return ("<h2>Changes since the last extract</h2>"
                "<p class='muted'>No earlier published extract to compare with.</p>")
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in values) + "</tr>"
                   for values in summary_table(summary).itertuples(index=False))
    head = "".join(f"<th>{html.escape(c)}</th>" for c in SUMMARY_COLUMNS.values())
    return (f"<h2>Changes since the last extract</h2><p>Compared with extract {html.escape(str(compared_with))}, "
            f"the last published: {len(changes)} change(s); each is listed on the workbook's "
            f"\"{SHEET}\" sheet.</p><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def add_to_report(con: duckdb.DuckDBPyConnection, workbook_path: Path, html_path: Path) -> None:
    """The hook lib/quality/report.py calls: the sheet into the workbook, the section into the page."""
    add_sheet(con, workbook_path)
    page = html_path.read_text(encoding="utf-8")
    html_path.write_text(page.replace("</body></html>", section_html(con) + "\n</body></html>"), encoding="utf-8")
