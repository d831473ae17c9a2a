"""The IRO annual report: gathered from the KPI marts, written as HTML, Word and Excel.

    write_report(con, "2025-26", folder)

writes, for the collection year, a public version (counts of 1-4 suppressed) and an internal version
(small numbers shown and highlighted) of each format:

    iro-annual-report-2025-26.html / .docx / .xlsx
    iro-annual-report-2025-26-internal.html / .docx / .xlsx

From a synthetic extract every file name, page and sheet also says "synthetic data: not <council>'s
figures" (lib/data_label.py): iro-annual-report-2025-26_synthetic-data-not-derbys-figures.html, ...

Only aggregates from marts.fct_kpi_values are read; the report holds no child-level data. Messages and
results carry counts and file names only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.lib import data_label
from dagster_project.lib.report import content, data, excel, html, word
from dagster_project.lib.report.data import ReportDataError, covered_years, latest_complete_year

__all__ = ["ReportDataError", "ReportFiles", "covered_years", "latest_complete_year", "write_report"]


@dataclass
class ReportFiles:
    collection_year: str
    folder: Path
    files: list[Path]
    tables: int
    charts: int
    measures_not_available: int
    seconds: float


def file_stem(collection_year: str, public: bool, label: data_label.SyntheticLabel | None = None) -> str:
    stem = f"iro-annual-report-{collection_year}" + ("" if public else "-internal")
    return data_label.file_name(stem, label)


def write_report(con: duckdb.DuckDBPyConnection, collection_year: str, folder: Path) -> ReportFiles:
    started = time.monotonic()
    figures = data.load(con, collection_year)
    internal = content.build(figures, public=False)
    public = content.public_version(internal)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for report in (public, internal):
        stem = file_stem(collection_year, report.is_public, report.synthetic_label)
        html_path = folder / f"{stem}.html"
        html_path.write_text(html.render(report), encoding="utf-8")
        files += [html_path, word.write(report, folder / f"{stem}.docx"), excel.write(report, folder / f"{stem}.xlsx")]
    return ReportFiles(collection_year=collection_year, folder=folder, files=files, tables=len(internal.tables),
                       charts=len(internal.charts), measures_not_available=len(internal.unavailable),
                       seconds=time.monotonic() - started)
