"""Issue 12 item 6: every output made from a synthetic extract says "synthetic data: not <council>'s
figures" on every page, sheet and file name; a council's own extract (its manifest does not say synthetic)
gets no label anywhere. Each writer on small hand-made inputs, both ways: the annual report (HTML, Word,
Excel; public and internal), the data-quality report (Excel, HTML, CSV), the mapping worksheet, the
SSDA903 return files and the analyst exports."""

import csv
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from dagster_project.lib.data_label import SyntheticLabel, synthetic_label
from dagster_project.lib.quality import mapping_worksheet
from dagster_project.lib.quality import report as quality_report
from dagster_project.lib.report import model
from dagster_project.lib.returns.files import RETURN_FILES, write_return
from tests.quality.test_report import EVERYONE, FINDINGS, NIGHT, _warehouse

DERBY = SyntheticLabel("Derby")
TEXT = "synthetic data: not Derby's figures"
SLUG = "synthetic-data-not-derbys-figures"


def _manifest(con, *, synthetic: bool, la_code: str = "E06000015", la_name: str = "Derby City Council") -> None:
    """The night's manifest as staging has it, and the reference list of councils (which names Derby
    "Derby", whatever the case-management system wrote in the manifest)."""
    con.execute("create schema if not exists staging")
    con.execute("create schema if not exists reference")
    con.execute("create or replace table staging.stg_extract__manifests as select '2026-11-23T0200' as extract_id, "
                "? as la_code, ? as la_name, ? as is_synthetic", [la_code, la_name, synthetic])
    con.execute("create or replace table reference.councils as select * from (values "
                "('E06000015', '831', 'Derby'), ('E06000010', '810', 'Kingston upon Hull, City of')) "
                "as councils(la_code, old_la_code, la_name)")


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


# --- the decision and the words, once ------------------------------------------------------------------


def test_a_synthetic_extract_is_labelled_with_the_councils_name_from_the_reference_list(con):
    _manifest(con, synthetic=True)
    label = synthetic_label(con)
    assert label == DERBY
    assert label.text == TEXT
    assert label.file_name("header.csv") == f"header_{SLUG}.csv"
    assert label.file_name("iro-annual-report-2025-26-internal") == f"iro-annual-report-2025-26-internal_{SLUG}"


def test_a_council_outside_the_list_is_named_as_its_manifest_names_it_and_any_name_makes_a_file_name(con):
    _manifest(con, synthetic=True, la_code="E06000099", la_name="Testshire")
    assert synthetic_label(con).text == "synthetic data: not Testshire's figures"
    _manifest(con, synthetic=True, la_code="E06000010")
    hull = synthetic_label(con)
    assert hull.text == "synthetic data: not Kingston upon Hull, City of's figures"
    assert hull.file_name("worklist.csv") == "worklist_synthetic-data-not-kingston-upon-hull-city-ofs-figures.csv"


def test_a_councils_own_extract_or_a_warehouse_without_a_manifest_is_not_labelled(con):
    assert synthetic_label(con) is None
    _manifest(con, synthetic=False)
    assert synthetic_label(con) is None


# --- the annual report -----------------------------------------------------------------------------------


def _report(label) -> model.Report:
    def count(value):
        return model.Cell(value=value, unit="count", measure_id="A1.children_looked_after", period_id="2025-26")

    table = model.Table("T01", "Children looked after at 31 March", "Children", ["2024-25", "2025-26"],
                        [model.Row("Boys", [count(250), count(262)]), model.Row("Girls", [count(230), count(238)]),
                         model.Row("All children", [count(480), count(500)], is_total=True)])
    reviews = model.Table("T02", "Reviews held", "Reviews", ["2025-26"], [model.Row("Held", [count(1353)])])
    sections = [model.Section("cla", "Children looked after", "How many.", [table, model.Narrative("What changed?")]),
                model.Section("reviews", "Reviews", "How many.", [reviews])]
    return model.Report(title="Independent Reviewing Officer Service: Annual Report", la_name="Derby",
                        collection_year="2025-26", year_label="1 April 2025 to 31 March 2026",
                        extract_date="23 November 2026", is_public=False, small_number_threshold=5,
                        sections=sections, unavailable=[], extract_day=date(2026, 11, 23), synthetic_label=label)


def _write_annual_report(monkeypatch, folder: Path, label) -> list[Path]:
    """lib/report.write_report with the figures of a hand-made report (the gathering from the marts is
    tested in tests/reports; the label is taken from the warehouse there, data.load -> synthetic_label)."""
    from dagster_project.lib import report as annual_report

    monkeypatch.setattr(annual_report.data, "load", lambda con, year: None)
    monkeypatch.setattr(annual_report.content, "build", lambda figures, public: _report(label))
    return annual_report.write_report(None, "2025-26", folder).files


def _cells(workbook) -> dict[str, list[str]]:
    return {sheet.title: [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
            for sheet in workbook.worksheets}


def test_every_page_sheet_and_file_name_of_the_annual_report_says_synthetic(monkeypatch, tmp_path):
    files = _write_annual_report(monkeypatch, tmp_path, DERBY)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        f"iro-annual-report-2025-26{version}_{SLUG}{suffix}"
        for version in ("", "-internal") for suffix in (".html", ".docx", ".xlsx"))
    assert len(files) == 6
    for path in tmp_path.glob("*.html"):
        page = path.read_text(encoding="utf-8")
        banner = "synthetic data: not Derby&#x27;s figures"
        # at the top, before the council's name on the cover; in the title; in every printed page's header and footer
        assert page.index(banner) < page.index('<div class="council">Derby</div>')
        assert f"<title>{banner}: " in page
        assert f'@top-center {{ content: "{TEXT}"' in page and f'@bottom-center {{ content: "{TEXT}"' in page
    for path in tmp_path.glob("*.docx"):
        document = Document(path)
        # one Word section, so its header is every page's header
        assert len(document.sections) == 1
        for section in document.sections:
            assert section.header.paragraphs[0].text == TEXT
            assert TEXT in section.footer.paragraphs[0].text
        assert document.paragraphs[0].text == TEXT  # the title page, above the council's name
        assert document.paragraphs[1].text == "Derby"
        assert document.core_properties.subject == TEXT
    for path in tmp_path.glob("*.xlsx"):
        workbook = load_workbook(path)
        assert workbook.sheetnames[0] == "Contents" and len(workbook.sheetnames) == 3
        for sheet in workbook.worksheets:
            assert sheet.oddHeader.left.text == TEXT, (path.name, sheet.title)  # every printed page
            assert TEXT in _cells(workbook)[sheet.title], (path.name, sheet.title)  # on screen
        # the tables are where they were: headings on row 3, figures under them
        assert [cell.value for cell in workbook.worksheets[1][3]][:3] == ["Children", "2024-25", "2025-26"]
        assert workbook.worksheets[1]["C6"].value == 500


def test_the_annual_report_of_a_councils_own_extract_carries_no_label(monkeypatch, tmp_path):
    _write_annual_report(monkeypatch, tmp_path, None)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        f"iro-annual-report-2025-26{version}{suffix}"
        for version in ("", "-internal") for suffix in (".html", ".docx", ".xlsx"))
    for path in tmp_path.glob("*.html"):
        assert "synthetic" not in path.read_text(encoding="utf-8")
    for path in tmp_path.glob("*.docx"):
        document = Document(path)
        assert document.sections[0].header.is_linked_to_previous  # no header at all
        assert "synthetic" not in document.sections[0].footer.paragraphs[0].text
        assert not any("synthetic" in paragraph.text for paragraph in document.paragraphs)
    for path in tmp_path.glob("*.xlsx"):
        workbook = load_workbook(path)
        for sheet in workbook.worksheets:
            assert not sheet.oddHeader.left.text
            assert not any("synthetic" in text for text in _cells(workbook)[sheet.title])


# --- the data-quality report and the mapping worksheet ----------------------------------------------------


@pytest.mark.parametrize("synthetic", [True, False], ids=["synthetic", "council's own"])
def test_the_data_quality_report_says_synthetic_only_for_a_synthetic_night(tmp_path, synthetic):
    con = _warehouse(tmp_path / "warehouse.duckdb", FINDINGS)
    _manifest(con, synthetic=synthetic)
    folder = tmp_path / NIGHT
    try:
        written = quality_report.write_report(con, folder, EVERYONE)
    finally:
        con.close()
    stems = [f"data-quality-{NIGHT}", "worklist", "practice_facts", "fixed_since_last_run", "by_rule", "by_team",
             "by_worker"]
    suffix = f"_{SLUG}" if synthetic else ""
    assert sorted(path.name for path in written.files) == sorted(
        [f"data-quality-{NIGHT}{suffix}.xlsx", f"data-quality-{NIGHT}{suffix}.html"]
        + [f"{stem}{suffix}.csv" for stem in stems[1:]])
    assert sorted(path.name for path in folder.iterdir()) == sorted(path.name for path in written.files)
    workbook = load_workbook(folder / f"data-quality-{NIGHT}{suffix}.xlsx")
    # every sheet, the one issue 11's hook adds after the report is written included
    assert workbook.sheetnames[-1] == "Changes since last extract"
    for sheet in workbook.worksheets:
        assert sheet.oddHeader.left.text == (TEXT if synthetic else None), sheet.title
        # the sheet's own header (which page of what) is kept
        if sheet.title == "Worklist":
            assert sheet.oddHeader.center.text == "Worklist: recording quality, night of 23/11/2026"
    assert workbook["Summary"]["A4"].value == (TEXT if synthetic else None)
    # the tables stay where readers and filters expect them: headings on row 1
    assert [cell.value for cell in workbook["Worklist"][1]] == list(quality_report.WORKLIST_COLUMNS.values())
    page = (folder / f"data-quality-{NIGHT}{suffix}.html").read_text(encoding="utf-8")
    assert ("synthetic data: not Derby&#x27;s figures" in page) is synthetic
    assert ("@top-center" in page) is synthetic
    with open(folder / f"worklist{suffix}.csv", newline="", encoding="utf-8") as f:
        assert next(csv.reader(f)) == list(quality_report.WORKLIST_COLUMNS.values())


@pytest.mark.parametrize("label", [DERBY, None], ids=["synthetic", "council's own"])
def test_the_mapping_worksheet_is_labelled_by_name_and_sheet_and_keeps_the_code_mappings_layout(tmp_path, label):
    frame = pd.DataFrame([{"domain": "health_check_type", "cms": "liquid_logic", "la_code": "",
                           "source_value": "Health Assessment", "code": "HEALTH", "records": 306,
                           "first_record_date": date(2021, 4, 3), "record_table": "ssd_cla_health",
                           "source_column": "clah_health_check_type", "confidence": 0.9,
                           "suggested_because": 'like "Health assessment"'}],
                         columns=mapping_worksheet.WORKSHEET_COLUMNS)
    written = mapping_worksheet.write(frame, tmp_path, label)
    suffix = f"_{SLUG}" if label else ""
    assert (written.csv.name, written.excel.name) == (f"mapping_worksheet{suffix}.csv", f"mapping_worksheet{suffix}.xlsx")
    with open(written.csv, newline="", encoding="utf-8") as f:
        assert next(csv.reader(f)) == mapping_worksheet.WORKSHEET_COLUMNS
    workbook = load_workbook(written.excel)
    assert workbook.sheetnames == ["Mappings to add", "How to use"]
    for sheet in workbook.worksheets:
        assert sheet.oddHeader.left.text == (TEXT if label else None), sheet.title
    assert [cell.value for cell in workbook["Mappings to add"][1]] == mapping_worksheet.WORKSHEET_COLUMNS
    assert (TEXT in _cells(workbook)["How to use"]) is bool(label)


# --- the SSDA903 return and the analyst exports -----------------------------------------------------------


def test_the_return_files_carry_the_label_in_their_names_and_keep_the_dfes_exact_columns(tmp_path):
    from tests.tooling.dfe_validator import _collect_files

    header = next(f for f in RETURN_FILES if f.name == "Header")
    tables = {"Header": pd.DataFrame([dict.fromkeys(header.columns_for_year("2025-26"), "")])}
    folder = tmp_path / "2025-26"
    rows = write_return(tables, folder, "ssda903_E06000015_2025-26.zip", DERBY)
    assert rows == {"header.csv": 1}
    names = sorted(path.name for path in folder.iterdir())
    assert names == sorted([f"header_{SLUG}.csv", f"ssda903_E06000015_2025-26_{SLUG}.zip", f"README_{SLUG}.txt"])
    with open(folder / f"header_{SLUG}.csv", newline="") as f:
        assert tuple(next(csv.reader(f))) == header.columns_for_year("2025-26")
    with zipfile.ZipFile(folder / f"ssda903_E06000015_2025-26_{SLUG}.zip") as archive:
        assert archive.namelist() == [f"header_{SLUG}.csv"]
    assert (folder / f"README_{SLUG}.txt").read_text().startswith(TEXT)
    # the DfE validator harness takes every CSV of the folder (it tells a file by its columns), not the README
    assert [Path(path).name for path in _collect_files(folder, "this year")] == [f"header_{SLUG}.csv"]

    # the same folder rewritten from a council's own extract: the DfE's names, nothing labelled left behind
    write_return(tables, folder, "ssda903_E06000015_2025-26.zip")
    assert sorted(path.name for path in folder.iterdir()) == ["header.csv", "ssda903_E06000015_2025-26.zip"]


@pytest.mark.parametrize("label", [DERBY, None], ids=["synthetic", "council's own"])
def test_the_analyst_exports_carry_the_label_in_every_file_name(tmp_path, label):
    from dagster_project.lib.publication.analyst_files import export_tables

    source = tmp_path / "analyst_warehouse.duckdb"
    with duckdb.connect(str(source)) as analyst:
        analyst.execute("create schema marts")
        analyst.execute("create table marts.fct_kpi_values as select 'A1' as measure_id, 500 as value")
    written = export_tables(source, tmp_path / "analyst_exports", label)
    assert written == ["fct_kpi_values"]
    for kind in ("parquet", "csv"):
        names = sorted(path.name for path in (tmp_path / "analyst_exports" / kind).iterdir())
        expected = [f"fct_kpi_values_{SLUG}.{kind}", f"README_{SLUG}.txt"] if label else [f"fct_kpi_values.{kind}"]
        assert names == sorted(expected)


def test_the_regression_comparison_pairs_a_labelled_build_with_an_unlabelled_baseline(tmp_path):
    from dagster_project.lib.data_label import label_html
    from tests.regression.compare_outputs import compare_files

    page = "<html><head><title>Recording quality</title></head><body><h1>Night</h1></body></html>"
    for side, label in (("baseline", None), ("candidate", DERBY)):
        returns = tmp_path / side / "returns" / "ssda903" / "2025-26"
        returns.mkdir(parents=True)
        (returns / (label.file_name("header.csv") if label else "header.csv")).write_text("CHILD\r\n1\r\n")
        reports = tmp_path / side / "data_quality" / NIGHT
        reports.mkdir(parents=True)
        (reports / (label.file_name("report.html") if label else "report.html")).write_text(label_html(page, label))
    result = compare_files(tmp_path / "baseline", tmp_path / "candidate")
    assert result.ok and len(result.identical) == 2, result.different
