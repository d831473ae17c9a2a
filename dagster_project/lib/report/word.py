"""The report as a Word document (Board papers are Word): the same sections, tables, charts and blank
commentary boxes as the HTML, on A4, each section starting a new page. From a synthetic extract the title
page and every page's header say so (lib/data_label.py)."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from dagster_project.lib.report import charts
from dagster_project.lib.report.model import Report, Table, display, is_small

BLUE = RGBColor(0x12, 0x43, 0x6D)
GREY = RGBColor(0x50, 0x5A, 0x5F)
RED = RGBColor(0xD4, 0x35, 0x1C)
GREEN = RGBColor(0x00, 0x70, 0x3C)
TEXT_WIDTH_MM = 180


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _borders(table) -> None:
    """Horizontal rules only, in grey: easier to read than a full grid."""
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        if edge in ("left", "right", "insideV"):
            element.set(qn("w:val"), "nil")
        else:
            element.set(qn("w:val"), "single")
            element.set(qn("w:sz"), "4")
            element.set(qn("w:color"), "B1B4B6")
        borders.append(element)
    # the schema orders a table's properties: borders go before the layout, margins and look
    anchor = None
    for name in ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"):
        anchor = properties.find(qn(name))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        properties.append(borders)


def _keep_row_together(row) -> None:
    properties = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    properties.append(cant_split)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    properties.append(header)


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (TOC, PAGE, NUMPAGES): Word fills it in when the document is opened (updateFields is
    set) or printed; the placeholder shows until then."""
    def char(kind):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")
        run._r.append(element)
    char("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    char("separate")
    paragraph.add_run(placeholder)
    char("end")


def _contents(document, titles: list[str]) -> None:
    """A TOC field over the Heading 1 sections. Its text until Word updates it (on opening: updateFields)
    is the list of sections; Word then writes each one's page number and links it."""
    def char(paragraph, kind):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")
        paragraph.add_run()._r.append(element)

    first = document.add_paragraph()
    char(first, "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = ' TOC \\o "1-1" \\h \\z \\u '
    first.add_run()._r.append(instruction)
    char(first, "separate")
    first.add_run(titles[0])
    paragraph = first
    for title in titles[1:]:
        paragraph = document.add_paragraph(title)
    char(paragraph, "end")


def _update_fields_on_open(document) -> None:
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _caption(document, label: str, title: str):
    """A caption in Word's Caption style, numbered by a SEQ field (so Word can list tables and charts)."""
    kind, number = label.split()
    caption = document.add_paragraph(style="Caption")
    caption.add_run(f"{kind} ")
    _field(caption, f"SEQ {kind} \\* ARABIC", number)
    caption.add_run(f": {title}")
    _keep_with_next(caption)
    return caption


def _alt_text(paragraph, description: str, title: str) -> None:
    """Word's alternative text of the picture just added (wp:docPr descr and title), for screen readers."""
    for properties in paragraph._p.iter(qn("wp:docPr")):
        properties.set("descr", description)
        properties.set("title", title)


def _keep_with_next(paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


def _box(document, text: str, label: str = "Commentary", lines: int = 6, default_text: str | None = None) -> None:
    """A bordered box for the manager's commentary: empty under its prompt, or holding default text to edit."""
    table = document.add_table(rows=1, cols=1)
    table.style = "Table Grid"
    cell = table.rows[0].cells[0]
    cell.width = Mm(TEXT_WIDTH_MM)
    paragraph = cell.paragraphs[0]
    label = paragraph.add_run(f"{label}\n")
    label.bold = True
    if default_text:
        for number, words in enumerate(default_text.split("\n")):
            (paragraph if number == 0 else cell.add_paragraph()).add_run(words)
        paragraph = cell.add_paragraph()
        lines = 0
    prompt = paragraph.add_run(text)
    prompt.italic = True
    prompt.font.color.rgb = GREY
    for _ in range(lines):
        cell.add_paragraph("")
    document.add_paragraph("")


def _table(document, table: Table, report: Report) -> None:
    threshold = report.small_number_threshold
    _caption(document, f"Table {int(table.key[1:])}", table.title)
    text_table = table.is_text
    grid = document.add_table(rows=1, cols=len(table.columns) + 1)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _borders(grid)
    font_size = Pt(7.5) if len(table.columns) > 6 or text_table else Pt(8.5)
    header = grid.rows[0]
    _repeat_header(header)
    for index, text in enumerate([table.row_header] + table.columns):
        cell = header.cells[index]
        _shade(cell, "F3F2F1")
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(text)
        run.bold = True
        run.font.size = font_size
        if index and not text_table:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        cells = grid.add_row().cells
        _keep_row_together(grid.rows[-1])
        label = cells[0].paragraphs[0].add_run(row.label)
        label.font.size = font_size
        label.bold = row.is_total
        for index, cell in enumerate(row.cells, start=1):
            paragraph = cells[index].paragraphs[0]
            run = paragraph.add_run(display(cell, public=report.is_public, threshold=threshold))
            run.font.size = font_size
            run.bold = row.is_total
            if cell.unit != "text":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if not cell.available and cell.unit != "text":
                run.italic = True
                run.font.color.rgb = GREY
            elif not report.is_public and is_small(cell, threshold):
                _shade(cells[index], "FFF7BF")
    for index, row in enumerate(grid.rows):
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_before = Pt(1)
                paragraph.paragraph_format.space_after = Pt(1)
                # every row but the last keeps with the next, so a table moves to the next page whole
                paragraph.paragraph_format.keep_with_next = index < len(grid.rows) - 1
    if text_table:
        widths = [Mm(50), Mm(95), Mm(35)]
    else:
        # the row labels get what the numbers do not need (at least 55 mm, at most 90 mm)
        label = max(55, min(90, TEXT_WIDTH_MM - 19 * len(table.columns)))
        widths = [Mm(label)] + [Mm((TEXT_WIDTH_MM - label) / len(table.columns))] * len(table.columns)
    for column, width in zip(grid.columns, widths):
        column.width = width  # LibreOffice reads the grid, Word the cells: set both
    for row in grid.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    for note in table.notes:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(note)
        run.font.size = Pt(7.5)
        run.font.color.rgb = GREY
    document.add_paragraph("")


def write(report: Report, path: Path) -> Path:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(15)
    section.top_margin, section.bottom_margin = Mm(16), Mm(18)
    styles = document.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(10)
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 11), ("Caption", 10)):
        styles[name].font.name = "Arial"
        styles[name].font.size = Pt(size)
        styles[name].font.color.rgb = BLUE
    styles["Caption"].font.bold = True
    styles["Caption"].font.italic = False
    styles["Caption"].font.color.rgb = RGBColor(0x1B, 0x1B, 0x1B)
    synthetic = report.synthetic_label
    if synthetic is not None:
        # from a synthetic extract: the page header of every page (the document is one Word section) says so
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = header.add_run(synthetic.text)
        run.bold = True
        run.font.size = Pt(9)
        run.font.color.rgb = RED
    footer = section.footer.paragraphs[0]
    footer.text = (f"{report.la_name}: IRO annual report {report.collection_year} "
                   f"({'public' if report.is_public else 'internal: do not publish'}"
                   f"{'; ' + synthetic.text if synthetic else ''})\t\tPage ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")
    for run in footer.runs:
        run.font.size = Pt(8)
        run.font.color.rgb = GREY
    _update_fields_on_open(document)

    if synthetic is not None:
        warning = document.add_paragraph()
        run = warning.add_run(synthetic.text)
        run.bold = True
        run.font.size = Pt(16)
        run.font.color.rgb = RED
    council = document.add_paragraph(report.la_name)
    council.runs[0].font.size = Pt(14)
    council.runs[0].font.color.rgb = GREY
    document.add_paragraph(report.title, style="Title")
    year = document.add_paragraph(f"{report.collection_year}: {report.year_label}")
    year.runs[0].font.size = Pt(14)
    for label, value in (("Report to", "Corporate Parenting Board"), ("Author", "IRO Service Manager (name)"),
                         ("Figures as at", f"{report.extract_date} (the case-management extract)"),
                         ("Version", "Public: small numbers suppressed" if report.is_public
                          else "Internal: small numbers shown")):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(f"{label}: ")
        run.font.color.rgb = GREY
        paragraph.add_run(value)
    for block in report.front:
        if block.kind == "note":
            document.add_heading("Purpose", level=2)
            document.add_paragraph(block.text)
        elif block.kind == "key_messages":
            document.add_heading("Key messages", level=2)
            for sentence in block.sentences:
                document.add_paragraph(sentence.text(public=report.is_public), style="List Bullet")
        elif block.kind == "narrative":
            document.add_heading("Recommendations", level=2)
            _box(document, block.prompt, label="The Board is asked to", lines=2)
    banner = document.add_paragraph()
    if report.is_public:
        text = (f'Counts of 1 to {report.small_number_threshold - 1} children are shown as '
                f'"<{report.small_number_threshold}", and a percentage built on so few, or another figure from '
                f'which one could be worked out by subtraction, as "[c]", so that no child can be identified.')
        colour = GREEN
    else:
        text = (f"Internal version: counts of fewer than {report.small_number_threshold} are shown, "
                f"highlighted. Publish the public version, not this one.")
        colour = RED
    run = banner.add_run(text)
    run.bold = True
    run.font.color.rgb = colour

    document.add_page_break()
    # "TOC Heading", not Heading 1: the contents list would otherwise list itself as its first entry
    document.add_paragraph("Contents", style="TOC Heading")
    _contents(document, [f"{index}. {item.title}" for index, item in enumerate(report.sections, start=1)])
    document.add_heading("About these figures", level=2)
    document.add_paragraph(
        f"Every figure is computed by the council's data warehouse from the case-management system, the same "
        f"way for every year, so that years can be compared. Each table shows {report.collection_year} against "
        f"up to four years before it. Definitions are at the end of the report. Figures \"at 31 March\" count "
        f"the children on that day; figures for a year count what happened between 1 April and 31 March.")
    document.add_paragraph(
        ("Small numbers: counts of 1 to {n} are shown as \"<{t}\" and percentages built on them as \"[c]\"."
         if report.is_public else
         "Small numbers: counts of 1 to {n} are highlighted; they must be suppressed before publication.").format(
            n=report.small_number_threshold - 1, t=report.small_number_threshold)
        + " A dash (–) means there was nothing to count.")
    if report.unavailable:
        document.add_paragraph("Not available: some figures need tables the extract did not include. They read "
                               "\"not available\" (never 0):")
        for label, reason in report.unavailable:
            document.add_paragraph(f"{label}: {reason}.", style="List Bullet")

    for index, item in enumerate(report.sections, start=1):
        document.add_page_break()
        document.add_heading(f"{index}. {item.title}", level=1)
        document.add_paragraph(item.intro)
        for block in item.blocks:
            if block.kind == "table":
                _table(document, block, report)
            elif block.kind == "chart":
                _caption(document, f"Chart {int(block.key[1:])}", block.title)
                picture = document.add_paragraph()
                picture.add_run().add_picture(io.BytesIO(charts.draw(block, public=report.is_public)),
                                              width=Mm(TEXT_WIDTH_MM))
                _alt_text(picture, charts.describe(block, public=report.is_public), block.title)
                picture.runs[0].add_break(WD_BREAK.LINE)
            elif block.kind == "note":
                note = document.add_paragraph(block.text)
                note.runs[0].italic = True
            elif block.kind == "sentence":
                sentence = document.add_paragraph(block.text(public=report.is_public))
                sentence.runs[0].bold = True
            elif block.kind == "narrative":
                _box(document, block.prompt, label=block.label, default_text=block.default_text)
    document.core_properties.title = f"{report.title} {report.collection_year}"
    document.core_properties.author = report.la_name
    if synthetic is not None:
        document.core_properties.subject = synthetic.text
        document.core_properties.keywords = "synthetic data"
    document.save(path)
    return path
