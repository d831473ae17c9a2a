"""Outputs made from a synthetic extract say so, on every page, sheet and file name.

The sample council's generator writes `"synthetic": true` in its manifest; ingestion keeps it and
`staging.stg_extract__manifests.is_synthetic` carries it. Whether tonight's extract is synthetic is read
here, once, from that table, and the words are built here, once:

    label = synthetic_label(con)     # None for a council's own extract: nothing is labelled
    label.text                       # "synthetic data: not Derby's figures"
    label.file_name("worklist.csv")  # "worklist_synthetic-data-not-derbys-figures.csv"

The council is named as the reference list of councils names it (`reference.councils`, the manifest's
own name where the code is not in the list). Every writer (annual report, data-quality report, mapping
worksheet, SSDA903 return files, analyst exports) takes the label, or None, from its caller; the helpers
below put it on a workbook's sheets, an HTML page and a folder, the same way everywhere.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

README_PREFIX = "README"
# red, as the report's "do not publish" banner
COLOUR = "D4351C"


@dataclass(frozen=True)
class SyntheticLabel:
    council: str

    @property
    def text(self) -> str:
        return f"synthetic data: not {self.council}'s figures"

    @property
    def slug(self) -> str:
        """The words as a file name can carry them: "synthetic-data-not-derbys-figures"."""
        words = self.text.lower().replace("'", "")
        return re.sub(r"[^a-z0-9]+", "-", words).strip("-")

    def file_name(self, name: str) -> str:
        """`header.csv` -> `header_synthetic-data-not-derbys-figures.csv` (the label before the extension, so
        a file still opens with the program its type says)."""
        stem, dot, extension = name.partition(".")
        return f"{stem}_{self.slug}{dot}{extension}"


def synthetic_label(con: duckdb.DuckDBPyConnection) -> SyntheticLabel | None:
    """The label tonight's outputs carry: None when the extract is a council's own (its manifest does not
    say synthetic) or the warehouse holds no manifest."""
    tables = {(schema, table) for schema, table in con.execute(
        "select table_schema, table_name from information_schema.tables").fetchall()}
    if ("staging", "stg_extract__manifests") not in tables:
        return None
    if ("reference", "councils") in tables:
        found = con.execute("""
            select manifest.is_synthetic, coalesce(councils.la_name, manifest.la_name, manifest.la_code)
            from staging.stg_extract__manifests as manifest
            left join reference.councils as councils on councils.la_code = manifest.la_code""").fetchone()
    else:
        found = con.execute("select is_synthetic, coalesce(la_name, la_code) "
                            "from staging.stg_extract__manifests").fetchone()
    if found is None or not found[0]:
        return None
    return SyntheticLabel(str(found[1]))


def file_name(name: str, label: SyntheticLabel | None) -> str:
    """The name a file is written under: labelled for a synthetic extract, as it is otherwise."""
    return label.file_name(name) if label else name


def write_readme(folder: Path, label: SyntheticLabel | None, what: str) -> Path | None:
    """A README in the folder whose own name says the label (for folders of files that must keep the DfE's
    or a tool's exact content, such as the return CSVs): nothing for a council's own extract."""
    if label is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / label.file_name(f"{README_PREFIX}.txt")
    path.write_text(f"{label.text}\n\n{what} were made from a synthetic extract (the sample council: no real "
                    f"child). They are not {label.council}'s figures and must not be published or used as them.\n",
                    encoding="utf-8")
    return path


def label_workbook(workbook, label: SyntheticLabel | None) -> None:
    """Every sheet of an openpyxl workbook: the label in the printed header of every page (left, in red),
    a red tab, and the workbook's title and subject. A sheet's own cells are left where they are (a
    heading row stays row 1, so filters, frozen panes and readers keep working); writers that have a free
    cell above their table put the label there too (`label_cell`)."""
    if label is None:
        return
    for sheet in workbook.worksheets:
        for header in (sheet.oddHeader, sheet.firstHeader, sheet.evenHeader):
            header.left.text = label.text
            header.left.color = COLOUR
        sheet.sheet_properties.tabColor = COLOUR
    workbook.properties.title = label.text
    workbook.properties.subject = label.text
    workbook.properties.keywords = "synthetic data"


def label_cell(cell, label: SyntheticLabel | None) -> None:
    """The label as a visible cell (bold, red): for a free cell above a sheet's table."""
    if label is None:
        return
    from openpyxl.styles import Font

    cell.value = label.text
    cell.font = Font(bold=True, color=COLOUR)


def html_banner(label: SyntheticLabel) -> str:
    return (f"<div class='synthetic-data' role='note' style='border:3px solid #{COLOUR};color:#{COLOUR};"
            f"font-weight:bold;font-size:13pt;padding:2mm 3mm;margin:0 0 4mm'>{html.escape(label.text)}</div>")


def label_html(page: str, label: SyntheticLabel | None) -> str:
    """An HTML page labelled: a banner at the top of the page, the label in the title, and in the header
    and footer of every printed page (CSS @page margin boxes, which the page's own footers leave free)."""
    if label is None:
        return page
    words = html.escape(label.text)
    printed = label.text.replace("\\", "\\\\").replace('"', '\\"')
    box = (f'content: "{printed}"; color: #{COLOUR}; font-weight: bold; font-size: 8pt; '
           'font-family: Arial, Helvetica, sans-serif;')
    style = f"<style>@page {{ @top-center {{ {box} }} @bottom-center {{ {box} }} }}</style>"
    page = re.sub(r"<title>", f"<title>{words}: ", page, count=1)
    page = page.replace("</head>", style + "</head>", 1)
    return re.sub(r"(<body[^>]*>)", lambda match: match.group(1) + html_banner(label), page, count=1)
