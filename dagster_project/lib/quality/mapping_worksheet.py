"""The mapping worksheet: every local value the warehouse cannot map, with a suggested code.

Its first five columns are exactly those of the council's code_mappings.csv (domain, cms, la_code,
source_value, code), with the suggested code already in `code`; the columns after them say how many
records use the value, since when, where it is, and how sure the suggestion is. Accepting a
suggestion is copying the row into the configuration folder's code_mappings.csv (the loader ignores
the extra columns); correcting one is changing `code` first. Written each night beside the
data-quality report as mapping_worksheet.csv and mapping_worksheet.xlsx (from a synthetic extract, with
"_synthetic-data-not-<council>s-figures" before the extension: lib/data_label.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.lib.configuration.council_config import MAPPING_COLUMNS
from dagster_project.lib.data_label import SyntheticLabel, file_name, label_cell, label_workbook
from dagster_project.lib.quality.mapping_suggestions import known_texts, suggest

CSV_NAME = "mapping_worksheet.csv"
EXCEL_NAME = "mapping_worksheet.xlsx"
EXTRA_COLUMNS = ("records", "first_record_date", "record_table", "source_column", "confidence",
                 "suggested_because")
WORKSHEET_COLUMNS = list(MAPPING_COLUMNS) + list(EXTRA_COLUMNS)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def build(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The worksheet rows from the night's warehouse: the open list and, for each value, a suggestion."""
    known = known_texts(
        _rows(con, "select domain, cms, source_value, code from reference.code_mappings"),
        _rows(con, "select field, code, description, last_collection_year from reference.ssda903_codes"),
        _rows(con, "select domain, source_value, code from reference.case_management_system_texts"),
        _rows(con, "select domain, ssda903_field from reference.mapping_domains"),
    )
    open_values = _rows(con, """
        select domain, cms, source_value, records, first_record_date, record_table, source_column
        from intermediate.int_unmapped_local_values
        order by domain, records desc, source_value""")
    rows = []
    for value in open_values:
        suggestion = suggest(value["source_value"], known.get(value["domain"], []))
        rows.append({
            "domain": value["domain"], "cms": value["cms"], "la_code": "", "source_value": value["source_value"],
            "code": suggestion.code if suggestion else "",
            "records": value["records"], "first_record_date": value["first_record_date"],
            "record_table": value["record_table"], "source_column": value["source_column"],
            "confidence": suggestion.confidence if suggestion else None,
            "suggested_because": f"like \"{suggestion.matched_text}\"" if suggestion else "no known texts",
        })
    return pd.DataFrame(rows, columns=WORKSHEET_COLUMNS)


@dataclass(frozen=True)
class WrittenWorksheet:
    csv: Path
    excel: Path
    values: int
    records: int


def write(frame: pd.DataFrame, folder: Path, label: SyntheticLabel | None = None) -> WrittenWorksheet:
    """The CSV and the workbook. From a synthetic extract (`label`) both names and every sheet say so; the
    CSV's content keeps exactly the code_mappings.csv layout (its name carries the label)."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, excel_path = folder / file_name(CSV_NAME, label), folder / file_name(EXCEL_NAME, label)
    frame.to_csv(csv_path, index=False)
    with pd.ExcelWriter(excel_path, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="Mappings to add", index=False)
        sheet = writer.sheets["Mappings to add"]
        sheet.auto_filter.ref = sheet.dimensions
        sheet.freeze_panes = "A2"
        for column, width in zip("ABCDEFGHIJK", (24, 14, 10, 44, 20, 9, 16, 22, 32, 11, 50), strict=False):
            sheet.column_dimensions[column].width = width
        notes = writer.book.create_sheet("How to use")
        for line, text in enumerate((
            "Every local value the warehouse could not turn into a DfE code, with a suggested code.",
            "Columns A-E are exactly those of code_mappings.csv in the council's configuration folder.",
            "To accept a suggestion, copy the row into that file (the extra columns are ignored);",
            "to correct one, change the code first. The next run maps every value listed there.",
            "confidence: 1 = the value names the code; below 0.6, check it before copying.",
        ), start=1):
            notes.cell(row=line, column=1, value=text)
        label_cell(notes.cell(row=7, column=1), label)
        label_workbook(writer.book, label)
    return WrittenWorksheet(csv_path, excel_path, len(frame), int(frame["records"].sum()) if len(frame) else 0)
