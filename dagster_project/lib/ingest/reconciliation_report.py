"""The data-quality report's "Changes since the last extract" sheet and section, from
`raw.extract_reconciliation` and `raw.extract_changes` (written by ingestion, see reconciliation.py).

lib/quality/report.py loads the changes once (`load_changes`), adds the sheet to its workbook while the
workbook is still in memory (`fill_sheet`, before its one save) and the section to its page (`with_section`).
The report is as protected as the warehouse, so the changed records are listed by id.
"""

from __future__ import annotations

import html

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


Changes = tuple[str | None, pd.DataFrame, pd.DataFrame]


def fill_sheet(workbook, changes: Changes) -> None:
    """The sheet, last in an openpyxl workbook that has not been saved yet."""
    from openpyxl.styles import Font

    compared_with, summary, listed = changes
    sheet = workbook.create_sheet(SHEET)
    sheet["A1"] = (f"Changes since extract {compared_with}, the last published" if compared_with
                   else "No earlier published extract to compare with")
    sheet["A1"].font = Font(bold=True, size=14)
    row = 3
    for frame in (summary_table(summary), listed[list(CHANGE_COLUMNS)].rename(columns=CHANGE_COLUMNS)):
        for column, heading in enumerate(frame.columns, start=1):
            sheet.cell(row=row, column=column, value=heading).font = Font(bold=True)
        for values in frame.itertuples(index=False):
            row += 1
            for column, value in enumerate(values, start=1):
                sheet.cell(row=row, column=column, value=None if pd.isna(value) else value)
        row += 3
    sheet.column_dimensions["A"].width = 45


def section_html(changes: Changes) -> str:
    compared_with, summary, listed = changes
    if compared_with is None:
        return ("<h2>Changes since the last extract</h2>"
                "<p class='muted'>No earlier published extract to compare with.</p>")
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in values) + "</tr>"
                   for values in summary_table(summary).itertuples(index=False))
    head = "".join(f"<th>{html.escape(c)}</th>" for c in SUMMARY_COLUMNS.values())
    return (f"<h2>Changes since the last extract</h2><p>Compared with extract {html.escape(str(compared_with))}, "
            f"the last published: {len(listed)} change(s); each is listed on the workbook's "
            f"\"{SHEET}\" sheet.</p><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def with_section(page: str, changes: Changes) -> str:
    """The report's page with the section put before its end."""
    return page.replace("</body></html>", section_html(changes) + "\n</body></html>")
