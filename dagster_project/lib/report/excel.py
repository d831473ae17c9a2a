"""The report's tables as an Excel workbook: a contents sheet, then one sheet per table laid out as in the
report, with numbers as numbers (a percentage is a number formatted as a percentage) and, under each row
of percentages, rates or averages, the numerators and denominators they are built on."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from dagster_project.lib.report.model import (
    NOT_AVAILABLE,
    SUPPRESSED_COUNT,
    SUPPRESSED_RATE,
    Report,
    Table,
    display,
    is_hidden,
    is_small,
    suppressed_text,
)

BOLD = Font(bold=True)
GREY = Font(color="505A5F", italic=True, size=9)
TITLE = Font(bold=True, size=13, color="12436D")
HEADER_FILL = PatternFill("solid", fgColor="F3F2F1")
SMALL_FILL = PatternFill("solid", fgColor="FFF7BF")
RULE = Border(bottom=Side(style="thin", color="505A5F"))
FORMATS = {"count": "#,##0", "percent": "0.0%", "rate_per_10000": "0.0", "average": "0.0", "ratio": "0.0",
           "number": "0.0"}


def sheet_name(table: Table) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name."""
    cleaned = "".join(ch for ch in table.title if ch not in "[]:*?/\\")
    name = f"{table.key} {cleaned}"
    if len(name) > 31:
        name = name[:31].rsplit(" ", 1)[0]  # cut at a word, not in the middle of one
    return name.rstrip(" (,-")


def _write_value(sheet, row: int, column: int, cell, report: Report):
    target = sheet.cell(row=row, column=column)
    threshold = report.small_number_threshold
    if cell.unit == "text":
        target.value = cell.text
        target.alignment = Alignment(wrap_text=True, vertical="top")
        return target
    if cell.unit == "change" or (cell.unit == "comparator" and (cell.comparator is None or cell.value is None)):
        target.value = display(cell, public=report.is_public, threshold=threshold)
        target.alignment = Alignment(horizontal="right")
        return target
    if cell.unit == "comparator":  # a published figure: a number, formatted as the DfE gives it
        target.value = cell.value / 100 if cell.text == "percent" else cell.value
        target.number_format = "0%" if cell.text == "percent" and float(cell.value).is_integer() else (
            "0.0%" if cell.text == "percent" else "0.0")
        return target
    if not cell.available:
        target.value = NOT_AVAILABLE
        target.font = GREY
        return target
    if cell.value is None:
        return target
    if report.is_public and is_hidden(cell):
        target.value = suppressed_text(cell)
        target.alignment = Alignment(horizontal="right")
        return target
    target.value = cell.value / 100 if cell.unit == "percent" else cell.value
    target.number_format = FORMATS.get(cell.unit, "General")
    if not report.is_public and is_small(cell, threshold):
        target.fill = SMALL_FILL
    return target


def _write_part(sheet, row: int, column: int, cell, part: str, report: Report) -> None:
    """A numerator or denominator under its percentage."""
    value = cell.numerator if part == "numerator" else cell.denominator
    if cell.unit in ("text", "count", "change", "comparator") or not cell.available or value is None:
        return  # a count is its own numerator: it is shown once, in its own row
    target = sheet.cell(row=row, column=column)
    if report.is_public and is_hidden(cell, part):
        target.value = SUPPRESSED_COUNT if 0 < value < report.small_number_threshold else SUPPRESSED_RATE
        target.alignment = Alignment(horizontal="right")
    else:
        target.value = value
    target.number_format = "#,##0" if float(value).is_integer() else "0.0"
    target.font = GREY


def write(report: Report, path: Path) -> Path:
    workbook = Workbook()
    contents = workbook.active
    contents.title = "Contents"
    contents["A1"] = f"{report.title} {report.collection_year}: {report.la_name}"
    contents["A1"].font = TITLE
    contents["A2"] = (f"Figures as at {report.extract_date}. "
                      + (f"Public version: counts of 1 to {report.small_number_threshold - 1} shown as "
                         f"\"<{report.small_number_threshold}\", percentages built on them, and figures from which they "
                         f"could be worked out by subtraction, as \"[c]\"."
                         if report.is_public else
                         f"Internal version: counts under {report.small_number_threshold} are highlighted; "
                         f"do not publish."))
    contents["A3"] = ("Percentages are numbers formatted as percentages; the rows 'numerator' and 'denominator' "
                      "under them give what each is built on. Source: marts.fct_kpi_values.")
    contents.append([])
    contents.append(["Sheet", "Table", "Section"])
    for cell in contents[5]:
        cell.font = BOLD
    section_of = {id(block): section.title for section in report.sections for block in section.blocks}

    for table in report.tables:
        name = sheet_name(table)
        sheet = workbook.create_sheet(name)
        contents.append([name, table.title, section_of.get(id(table), "")])
        link = contents.cell(row=contents.max_row, column=1)
        link.hyperlink = f"#'{name}'!A1"
        link.font = Font(color="1D70B8", underline="single")

        sheet["A1"] = f"Table {int(table.key[1:])}: {table.title}"
        sheet["A1"].font = TITLE
        header_row = 3
        for index, text in enumerate([table.row_header] + table.columns, start=1):
            cell = sheet.cell(row=header_row, column=index, value=text)
            cell.font = BOLD
            cell.fill = HEADER_FILL
            cell.border = RULE
            cell.alignment = Alignment(horizontal="left" if index == 1 else "right", wrap_text=True)
        row_number = header_row
        for row in table.rows:
            row_number += 1
            label = sheet.cell(row=row_number, column=1, value=row.label)
            if row.is_total:
                label.font = BOLD
            for index, cell in enumerate(row.cells, start=2):
                written = _write_value(sheet, row_number, index, cell, report)
                if row.is_total and written.value is not None:
                    written.font = BOLD
            if any(cell.unit not in ("count", "text", "number", "change", "comparator") and cell.available
                   for cell in row.cells):
                for part in ("numerator", "denominator"):
                    row_number += 1
                    sheet.cell(row=row_number, column=1, value=f"    {part}").font = GREY
                    for index, cell in enumerate(row.cells, start=2):
                        _write_part(sheet, row_number, index, cell, part, report)
        row_number += 1
        for note in table.notes:
            row_number += 1
            sheet.cell(row=row_number, column=1, value=note).font = GREY
        text_table = table.is_text
        sheet.column_dimensions["A"].width = 58
        for index in range(2, len(table.columns) + 2):
            sheet.column_dimensions[get_column_letter(index)].width = 70 if text_table and index == 2 else 16
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    contents.column_dimensions["A"].width = 34
    contents.column_dimensions["B"].width = 80
    contents.column_dimensions["C"].width = 36
    workbook.save(path)
    return path
