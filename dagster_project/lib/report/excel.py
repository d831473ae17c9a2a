"""The report's tables as an Excel workbook: a contents sheet, then one sheet per table laid out as in the
report, with numbers as numbers (a percentage is a number formatted as a percentage) and, under each row
of percentages, rates or averages, the numerators and denominators they are built on. From a synthetic
extract every sheet says so (a cell above its table, its printed header, its tab: lib/data_label.py)."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from dagster_project.lib.data_label import label_cell, label_workbook
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


# shorter words for a sheet tab (Excel allows 31 characters): the tab says which table, the sheet's title
# says it in full
TAB_WORDS = [("How the council compares: ", "Compare "), (" at the end of each quarter", " by quarter"),
             ("Children looked after", "CLA"),
             ("children looked after", "CLA"), ("child protection", "CP"), ("Child protection", "CP"),
             ("Independent Reviewing Officer", "IRO"), (" per full-time equivalent", " per FTE"),
             ("during the year", "in year"), ("starting to be looked after", "starting care"),
             ("ceasing to be looked after", "leaving care"), (" at the end of each quarter", " by quarter"),
             (" the ", " "), ("Children on a plan", "CP plans")]


def sheet_name(table: Table, used: set[str] | None = None) -> str:
    """A readable tab name, unique in the workbook: the table's number and its title in short words, cut at
    a word (Excel allows 31 characters and no []:*?/\\)."""
    title = re.sub(r",? \(?(at )?31 March( \d{4})?\)?", "", table.title)  # the sheet's title says when
    for long, short in TAB_WORDS:
        title = title.replace(long, short)
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\").strip()
    name = f"T{int(table.key[1:]):02d} {cleaned[:1].upper()}{cleaned[1:]}"
    if len(name) > 31:
        name = name[:31].rsplit(" ", 1)[0]  # cut at a word, not in the middle of one
    name = name.rstrip(" (,-")
    if used is not None:
        base, number = name, 2
        while name.lower() in used:
            suffix = f" ({number})"
            name = base[:31 - len(suffix)] + suffix
            number += 1
        used.add(name.lower())
    return name


def has_parts(table: Table, index: int) -> bool:
    """Whether a column holds percentages, rates or averages, whose numerator and denominator get columns
    of their own beside it."""
    return any(index < len(row.cells) and row.cells[index].available
               and row.cells[index].unit not in ("count", "text", "number", "change", "comparator")
               and row.cells[index].numerator is not None for row in table.rows)


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
    contents["A2"] = "Figures as at"
    contents["B2"] = report.extract_day
    contents["B2"].number_format = "d mmmm yyyy"
    contents["B2"].alignment = Alignment(horizontal="left")
    contents["A3"] = ("Public version: counts of 1 to {n} shown as \"<{t}\", percentages built on them, and figures "
                      "from which they could be worked out, as \"[c]\"." if report.is_public else
                      "Internal version: counts under {t} are highlighted; do not publish.").format(
        n=report.small_number_threshold - 1, t=report.small_number_threshold)
    contents["A4"] = ("Percentages are numbers formatted as percentages, with what each is built on in the columns "
                      "'numerator' and 'denominator' beside it. England, regional and statistical-neighbour figures "
                      "are the DfE's published ones. Source: marts.fct_kpi_values, marts.fct_kpi_comparators.")
    contents.append([])
    label_cell(contents["A5"], report.synthetic_label)
    contents.append(["Sheet", "Table", "Section"])
    for cell in contents[6]:
        cell.font = BOLD
    section_of = {id(block): section.title for section in report.sections for block in section.blocks}
    used: set[str] = {"contents"}

    for table in report.tables:
        name = sheet_name(table, used)
        sheet = workbook.create_sheet(name)
        contents.append([name, table.title, section_of.get(id(table), "")])
        link = contents.cell(row=contents.max_row, column=1)
        link.hyperlink = f"#'{name}'!A1"
        link.font = Font(color="1D70B8", underline="single")
        back = sheet.cell(row=2, column=1, value="Back to contents")
        back.hyperlink = "#'Contents'!A1"
        back.font = Font(color="1D70B8", underline="single", size=9)
        label_cell(sheet.cell(row=2, column=2), report.synthetic_label)

        sheet["A1"] = f"Table {int(table.key[1:])}: {table.title}"
        sheet["A1"].font = TITLE
        header_row = 3
        # where each of the table's columns goes: its value, then its numerator and denominator if it has them
        positions, headers = [], [table.row_header]
        for index, column in enumerate(table.columns):
            positions.append(len(headers) + 1)
            headers.append(column)
            if has_parts(table, index):
                headers += [f"{column} numerator", f"{column} denominator"]
        for index, text in enumerate(headers, start=1):
            cell = sheet.cell(row=header_row, column=index, value=text)
            cell.font = BOLD
            cell.fill = HEADER_FILL
            cell.border = RULE
            cell.alignment = Alignment(horizontal="left" if index == 1 else "right", wrap_text=True,
                                       vertical="bottom")
        sheet.row_dimensions[header_row].height = 30
        row_number = header_row
        for row in table.rows:
            row_number += 1
            label = sheet.cell(row=row_number, column=1, value=row.label)
            label.alignment = Alignment(wrap_text=True, vertical="top")
            if row.is_total:
                label.font = BOLD
            for index, cell in enumerate(row.cells):
                written = _write_value(sheet, row_number, positions[index], cell, report)
                if row.is_total and written.value is not None:
                    written.font = BOLD
                if has_parts(table, index):
                    for offset, part in enumerate(("numerator", "denominator"), start=1):
                        _write_part(sheet, row_number, positions[index] + offset, cell, part, report)
        text_table = table.is_text
        sheet.column_dimensions["A"].width = 50
        for index in range(2, len(headers) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 70 if text_table else 14
        last = get_column_letter(max(len(headers), 2))
        width = 50 + (70 if text_table else 14) * (len(headers) - 1)
        row_number += 1
        for note in table.notes:
            # a note wraps across the table's width (a long line would widen the printed page)
            row_number += 1
            cell = sheet.cell(row=row_number, column=1, value=note)
            cell.font = GREY
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.merge_cells(f"A{row_number}:{last}{row_number}")
            sheet.row_dimensions[row_number].height = 12 * (1 + len(note) // max(int(width * 1.1), 40))
        sheet.print_area = f"A1:{last}{row_number}"
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
        # printing: landscape A4, as wide as one page, the header row on every page
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = f"{header_row}:{header_row}"
        sheet.oddFooter.right.text = "Page &P of &N"
        sheet.oddFooter.left.text = f"{report.la_name}: IRO annual report {report.collection_year}"
    contents.column_dimensions["A"].width = 34
    contents.column_dimensions["B"].width = 80
    contents.column_dimensions["C"].width = 36
    contents.page_setup.orientation = "landscape"
    contents.sheet_properties.pageSetUpPr.fitToPage = True
    contents.page_setup.fitToWidth = 1
    contents.page_setup.fitToHeight = 0
    # from a synthetic extract: every sheet's printed header, its tab and the workbook's title say so
    label_workbook(workbook, report.synthetic_label)
    workbook.save(path)
    return path
