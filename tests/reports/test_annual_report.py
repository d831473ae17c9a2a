"""The IRO annual report from the default sample council (about 500 children in care, six years): the
nightly report for the latest complete year in HTML, Word and Excel; the same figures in every format and
in the mart; the four years before it on demand, agreeing with this year's year-on-year tables; and every
KPI of the catalogue in the tidy mart."""

import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from docx import Document
from openpyxl import load_workbook

from dagster_project.lib.data_label import SyntheticLabel
from dagster_project.lib.report import content, data, file_stem
from dagster_project.lib.report.model import display
from tests.conftest import DEFAULT_COUNCIL_AS_AT, copy_of_default_council, warehouse_at
from tests.reports.test_kpi_catalogue import CATALOGUE_KPIS
from tests.reports.test_seed_report_coverage import GENERATED_ID, coverage

pytestmark = [pytest.mark.slow]

AS_AT = DEFAULT_COUNCIL_AS_AT  # the session's build of the default council (conftest.py)
# the sample council's files say they are synthetic in their names (lib/data_label.py)
SAMPLE = SyntheticLabel("Derby")
LATEST_COMPLETE = "2025-26"
PREVIOUS_YEARS = ["2021-22", "2022-23", "2023-24", "2024-25"]


@pytest.fixture(scope="module")
def council(tmp_path_factory, default_council_build):
    """The default council, loaded and published (this module's copy of the session's build), with its
    Dagster instance."""
    from dagster_project.lib.settings import Settings

    root = tmp_path_factory.mktemp("council")
    instance = copy_of_default_council(default_council_build, root)
    with warehouse_at(root):
        yield Settings.from_environment(), instance


@pytest.fixture(scope="module")
def published(council):
    settings, _ = council
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def previous_reports(council):
    """The four years before the latest, written on demand by the partitioned asset."""
    settings, instance = council
    from dagster_project.definitions import defs

    job = defs().resolve_job_def("iro_annual_report_job")
    for year in PREVIOUS_YEARS:
        result = job.execute_in_process(instance=instance, partition_key=year, raise_on_error=False)
        assert result.success, year
    return settings.reports_dir


def test_every_kpi_of_the_catalogue_is_in_the_tidy_mart_for_every_year(published):
    rows = published.execute("""
        select kpi_id, period_id, bool_and(is_available), count(*)
        from marts.fct_kpi_values where period_type = 'year' group by all""").fetchall()
    years = [r[0] for r in published.execute(
        "select period_id from marts.dim_reporting_periods where period_type = 'year' order by 1").fetchall()]
    assert len(years) == 6 and LATEST_COMPLETE in years
    found = {(kpi, period) for kpi, period, available, _ in rows if available}
    assert {(kpi, year) for kpi in CATALOGUE_KPIS for year in years} <= found
    quarterly = {kpi for (kpi,) in published.execute(
        "select distinct kpi_id from marts.fct_kpi_values where period_id = '2025-26 Q3'").fetchall()}
    assert quarterly == set(CATALOGUE_KPIS) - {"B3", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8"}
    # percentages carry their numerator and denominator
    assert published.execute("""select count(*) from marts.fct_kpi_values
        where unit = 'percent' and is_available and (numerator is null or denominator is null)""").fetchone()[0] == 0


def test_the_nightly_report_for_the_latest_complete_year_is_published_in_three_formats(council):
    settings, _ = council
    folder = settings.reports_dir / LATEST_COMPLETE
    for public in (True, False):
        stem = file_stem(LATEST_COMPLETE, public, SAMPLE)
        for suffix in (".html", ".docx", ".xlsx"):
            assert (folder / f"{stem}{suffix}").stat().st_size > 10_000
    html = (folder / f"{file_stem(LATEST_COMPLETE, True, SAMPLE)}.html").read_text()
    # self-contained: no file or address outside it, charts inline
    assert not re.search(r'(src|href)="(?!data:|#)', html)
    assert html.count('src="data:image/png;base64,') >= 10
    assert "page-break-before: always" in html and "page-break-inside: avoid" in html
    assert html.count('class="narrative"') >= 12
    # the Word document has the same charts
    charts = html.count('src="data:image/png;base64,')
    word = Document(folder / f"{file_stem(LATEST_COMPLETE, True, SAMPLE)}.docx")
    assert len(word.inline_shapes) == charts
    # Word's contents field lists the Heading 1 paragraphs: the 16 numbered sections and not its own heading
    # ("Contents" in the TOC Heading style), which listed itself as the first entry before
    headings = [paragraph.text for paragraph in word.paragraphs if paragraph.style.name == "Heading 1"]
    assert "Contents" not in headings and len(headings) == 16 and headings[0] == "1. Summary"


def parse_html_tables(path: Path) -> dict[str, list[list[str]]]:
    class Tables(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tables, self.current, self.row, self.cell, self.caption = {}, None, None, None, None

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.current = []
            elif tag == "caption":
                self.caption = ""
            elif tag == "tr" and self.current is not None:
                self.row = []
            elif tag in ("td", "th") and self.row is not None:
                self.cell = ""

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.row.append(self.cell.strip())
                self.cell = None
            elif tag == "tr" and self.row is not None:
                self.current.append(self.row)
                self.row = None
            elif tag == "caption":
                self.key = re.match(r"Table (\d+)", self.caption).group(1)
                self.caption = None
            elif tag == "table":
                self.tables[f"T{int(self.key):02d}"] = self.current
                self.current = None

        def handle_data(self, text):
            if self.cell is not None:
                self.cell += text
            if self.caption is not None:
                self.caption += text

    parser = Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tables


def excel_table(sheet, table) -> list[dict]:
    """The sheet's rows of a table, each as {column heading: value} (the first column under the key 0), with
    the columns '<heading> numerator' and '<heading> denominator' where the table has them."""
    header = [cell.value for cell in sheet[3]]
    return [{(0 if index == 0 else heading): value for index, (heading, value) in enumerate(zip(header, values))}
            for values in sheet.iter_rows(min_row=4, max_row=3 + len(table.rows), values_only=True)]


def test_the_same_figures_appear_in_the_html_word_excel_and_the_mart(council, published):
    settings, _ = council
    folder = settings.reports_dir / LATEST_COMPLETE
    for public in (False, True):
        report = content.build(data.load(published, LATEST_COMPLETE), public=public)
        threshold = report.small_number_threshold
        stem = file_stem(LATEST_COMPLETE, public, SAMPLE)
        html_tables = parse_html_tables(folder / f"{stem}.html")
        word_tables = [[[cell.text for cell in row.cells] for row in table.rows]
                       for table in Document(folder / f"{stem}.docx").tables if len(table.columns) > 1]
        workbook = load_workbook(folder / f"{stem}.xlsx")
        assert len(report.tables) == len(html_tables) == len(word_tables) == len(workbook.sheetnames) - 1
        checked = 0
        assert len(set(workbook.sheetnames)) == len(workbook.sheetnames)
        for table, word, name in zip(report.tables, word_tables, workbook.sheetnames[1:]):
            html = html_tables[table.key]
            assert name.startswith(f"T{int(table.key[1:]):02d} ")
            excel_rows = [[row[0]] + [row[column] for column in table.columns]
                          for row in excel_table(workbook[name], table)]
            assert html[0] == word[0] == [table.row_header] + table.columns
            for index, row in enumerate(table.rows):
                texts = [display(cell, public=public, threshold=threshold) for cell in row.cells]
                assert html[index + 1] == word[index + 1] == [row.label] + texts, (table.title, row.label)
                assert excel_rows[index][0] == row.label
                for cell, written in zip(row.cells, excel_rows[index][1:]):
                    if cell.unit == "percent" and cell.numerator is not None and cell.available and not public:
                        sheet_row = excel_table(workbook[name], table)[index]
                        column = table.columns[row.cells.index(cell)]
                        assert sheet_row[f"{column} numerator"] == cell.numerator, (table.title, row.label)
                        assert sheet_row[f"{column} denominator"] == cell.denominator, (table.title, row.label)
                    if cell.unit in ("text", "change", "comparator") or not cell.available or cell.value is None:
                        continue  # published comparators are checked in test_comparators.py
                    shown = display(cell, public=public, threshold=threshold)
                    if shown in ("<5", "[c]"):
                        assert written == shown
                        continue
                    expected = cell.value / 100 if cell.unit == "percent" else cell.value
                    assert written == pytest.approx(expected), (table.title, row.label)
                    mart = published.execute(
                        f"select {cell.mart_column} from marts.fct_kpi_values where period_id = ? and measure_id = ? "
                        "and breakdown_name = ? and breakdown_value = ? and breakdown_2_name = ? "
                        "and breakdown_2_value = ?",
                        [cell.period_id, cell.measure_id, *cell.breakdown, *cell.breakdown_2]).fetchone()
                    assert mart is not None and mart[0] == pytest.approx(cell.value), (table.title, row.label)
                    checked += 1
        assert checked > 500


def test_reports_for_the_four_previous_years_agree_with_the_year_on_year_tables(previous_reports, published):
    for year in PREVIOUS_YEARS:
        for suffix in (".html", ".docx", ".xlsx"):
            assert (previous_reports / year / f"{file_stem(year, True, SAMPLE)}{suffix}").exists()
    latest = content.build(data.load(published, LATEST_COMPLETE), public=False)
    compared = 0
    for year in PREVIOUS_YEARS:
        single = content.build(data.load(published, year), public=False)
        column = data.load(published, year).year.label
        single_tables = {table.title: table for table in single.tables}
        for table in latest.tables:
            if column not in table.columns or table.title not in single_tables:
                continue
            other = single_tables[table.title]
            rows = {row.label: row for row in other.rows}
            for row in table.rows:
                if row.label not in rows:
                    continue
                mine = row.cells[table.columns.index(column)]
                theirs = rows[row.label].cells[other.columns.index(column)]
                assert (mine.value, mine.available) == (theirs.value, theirs.available), (year, table.title, row.label)
                compared += 1
    assert compared > 400


def test_the_report_command_writes_a_chosen_year(council, tmp_path, monkeypatch):
    from dagster_project.report import main

    settings, _ = council
    monkeypatch.setenv("CLA_OUTPUT_DIR", str(settings.output_dir))
    assert main(["--year", "2024-25", "--out", str(tmp_path / "report")]) == 0
    assert sorted(path.name for path in (tmp_path / "report").iterdir()) == sorted(
        f"{file_stem('2024-25', public, SAMPLE)}{suffix}" for public in (True, False) for suffix in (".html", ".docx", ".xlsx"))
    assert main(["--year", "2030-31", "--out", str(tmp_path / "none")]) == 1


def test_the_report_holds_no_child_level_data(council, published):
    settings, _ = council
    ids = {r[0] for r in published.execute("select person_id from staging.stg_ssd__persons").fetchall()}
    names = {r[0] for r in published.execute(
        "select surname from staging.stg_ssd__persons where length(surname) > 5").fetchall()}
    folder = settings.reports_dir / LATEST_COMPLETE
    for public in (True, False):
        text = (folder / f"{file_stem(LATEST_COMPLETE, public, SAMPLE)}.html").read_text()
        text = re.sub(r'src="data:[^"]+"', "", text)
        words = set(re.findall(r"[A-Za-z0-9]+", text))
        assert not (ids & words) and not (names & words)


def test_every_comparator_in_the_report_traces_to_a_row_of_the_published_files(published):
    """England and regional figures to their line of the DfE file; a neighbours' average to the published
    figures of the council's ten neighbours (2025 model); the year shown is the year of the figure."""
    from tests.reports.test_comparators import REFERENCE, seed, source_line

    report = content.build(data.load(published, LATEST_COMPLETE), public=True)
    figures = seed("dfe_published_figures")
    neighbours = [row["neighbour_old_la_code"] for row in seed("statistical_neighbours")
                  if row["sn_model"] == "2025" and row["old_la_code"] == "831"]
    traced = 0
    for table in report.tables:
        for row in table.rows:
            for column, cell in zip(table.columns, row.cells):
                comparator = cell.comparator
                if cell.unit != "comparator" or comparator is None:
                    continue
                assert column.endswith(comparator.year_label), (table.title, column)
                if comparator.comparator_id.startswith("neighbours"):
                    values = [float(r["value"]) for r in figures
                              if r["comparator_measure_id"] == comparator.comparator_measure_id
                              and r["year_label"] == comparator.year_label and r["old_la_code"] in neighbours
                              and r["value"]]
                    assert comparator.value == pytest.approx(sum(values) / len(values))
                    assert comparator.neighbours_with_figure == len(values)
                elif (REFERENCE / "dfe_published").is_dir():
                    line = source_line(comparator.source_file, comparator.source_row)
                    source = next(r for r in figures if r["source_file"] == comparator.source_file
                                  and int(r["source_row"]) == comparator.source_row)
                    assert float(line[source["source_column"]]) == comparator.value, (table.title, row.label)
                traced += 1
    assert traced >= 40
    notes = [block.text for section in report.sections for block in section.blocks if block.kind == "note"]
    for topic in ("timeliness of looked-after reviews", "how children take part", "IRO caseloads", "disputes"):
        assert any(note.startswith("No national figure") and topic in note for note in notes), topic


def test_every_reproduced_row_names_a_table_or_chart_the_report_makes(published):
    """dbt_models/docs/seed_report_coverage.md: each real report's table or chart said to be reproduced
    (fully or partly) names one this report makes, by the number it prints."""
    reports, _ = coverage()
    report = content.build(data.load(published, LATEST_COMPLETE), public=True)
    made = {table.key for table in report.tables} | {chart.key for chart in report.charts}
    for heading, rows in reports.items():
        for row in rows:
            if row["Status"] in ("reproduced", "partly"):
                printed = GENERATED_ID.findall(row["Generated report"])
                named = {f"{kind[0]}{int(number):02d}" for kind, number in printed}
                assert named, f"{heading}: {row['Item']} names no generated table or chart"
                assert named <= made, f"{heading}: {row['Item']} names {named - made}"
