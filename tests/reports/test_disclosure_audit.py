"""Disclosure audit of the public annual report: no suppressed or small figure can be worked out from what
the public HTML, Word and Excel files show together.

The audit reads the three public files as a reader would (every number printed in a table, every number
in a chart's alternative text, every numerator and denominator column of the workbook) and places each
number on the figure it is, using the internal version of the report for the layout and for the true
values. It does not use the report's own disclosure code: the figures' relations are read from the mart.

The targets: every figure the public files show as "<5" or "[c]", and every figure of 1 to 4 in the mart
for the periods shown. For each target it searches these recovery paths:

1. the same figure printed elsewhere: in another table, another format, a chart's alternative text, a
   numerator or denominator column (e.g. one caseload band shown in two tables);
2. a percentage and one of its numerator or denominator printed: the other follows;
3. a total minus its printed parts, or a part from its total and the other parts, for every relation a
   reader can use: a breakdown adding up to its total in the mart (categories of one measure and period,
   and the second breakdown of a cross-tabulation), the four quarters adding up to the year, and a table's
   Total row or Total column adding up what is above or before it; an identical total in two tables is the
   same figure, so relations chain across tables;
4. any combination of those sums and differences (a + b, a - b, total - part - part, across tables):
   the relations are solved as one linear system and a target is recovered if the system pins it to one
   value;
5. bounds: a reader knows "<5" is 1 to 4 and "[c]" at least 0, so two "<5" parts that must make 2 are
   1 each.

Not searched: rounding (a percentage to one decimal of a known denominator is treated as giving its
numerator exactly, which is stricter than a reader could do), relations between different measures (a rate
and the population behind it), and figures published in other councils' or the DfE's tables.
"""

from __future__ import annotations

import html as html_module
import re
from collections import defaultdict

import dagster as dg
import duckdb
import numpy
import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from dagster_project.lib.data_label import SyntheticLabel
from dagster_project.lib.report import content, data, file_stem, write_report
from tests.conftest import DEFAULT_COUNCIL_AS_AT, copy_of_default_council, warehouse_at
from tests.reports.test_annual_report import excel_table, parse_html_tables

# shared_build: these modules take their copies of the session's default-council build (tests/conftest.py)
pytestmark = [pytest.mark.slow, pytest.mark.shared_build("default-council")]

AS_AT = DEFAULT_COUNCIL_AS_AT  # the session's build of the default council (conftest.py)
# the sample council's files say they are synthetic in their names (lib/data_label.py)
SAMPLE = SyntheticLabel("Derby")
YEAR = "2025-26"
TOTAL = ("total", "Total")
THRESHOLD = 5
HIDDEN_TEXTS = {"<5", "[c]"}


def build_council(root, children):
    from dagster_project.lib.settings import Settings
    from dagster_project.run import run_warehouse
    from dagster_project.synth import generate

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLA_LANDING_DIR", str(root / "landing"))
        patch.setenv("CLA_OUTPUT_DIR", str(root / "output"))
        for variable in ("CLA_WAREHOUSE_DIR", "CLA_RETURNS_DIR", "CLA_REPORTS_DIR", "CLA_DATA_QUALITY_DIR",
                         "CLA_ENCRYPTION_KEY"):
            patch.delenv(variable, raising=False)
        patch.setenv("CLA_LA_CODE", "E06000015")
        (root / "landing").mkdir()
        generate(out=root / "landing", as_at=AS_AT, seed=42, children=children)
        results = run_warehouse(instance=dg.DagsterInstance.ephemeral())
        assert all(result.success for result in results)
        return Settings.from_environment().warehouse_path


@pytest.fixture(scope="module", params=[None, 60], ids=["default-council", "council-of-60-children"])
def warehouse(request, tmp_path_factory):
    root = tmp_path_factory.mktemp("council")
    if request.param is None:  # the default council: a copy of the session's build (conftest.py)
        copy_of_default_council(request.getfixturevalue("default_council_build"), root)
        with warehouse_at(root):
            from dagster_project.lib.settings import Settings

            return Settings.from_environment().warehouse_path
    return build_council(root, request.param)


# --- reading the public files --------------------------------------------------------------------------


def number(text) -> float | None:
    if isinstance(text, (int, float)):
        return float(text)
    if not isinstance(text, str):
        return None
    match = re.fullmatch(r"-?[\d,]+(\.\d+)?%?", text.strip())
    return float(text.strip().rstrip("%").replace(",", "")) if match else None


def figure(cell, part="value"):
    """The figure a printed number is: (measure, period, breakdown, breakdown 2, column)."""
    base = (cell.measure_id, cell.period_id, cell.breakdown or TOTAL, cell.breakdown_2 or TOTAL)
    if cell.mart_column == "percent_of_total":
        # a share is its category's count over the breakdown's total
        return {"value": (*base, "percent_of_total"), "numerator": (*base, "value"),
                "denominator": (cell.measure_id, cell.period_id, TOTAL, base[3], "value")}[part]
    if part == "value":
        return (*base, "value")
    return (*base, part)


class Reading:
    """What the public files print, figure by figure."""

    def __init__(self):
        self.printed: dict[tuple, set[float]] = defaultdict(set)
        self.suppressed: dict[tuple, str] = {}  # figure -> the text shown ("<5" or "[c]")
        self.percentages: list[tuple] = []  # (percentage figure, numerator figure, denominator figure)

    def see(self, cell, text, part="value", where=""):
        if cell.measure_id is None or cell.unit in ("text", "change", "comparator"):
            return
        key = figure(cell, part)
        if text in HIDDEN_TEXTS:
            self.suppressed.setdefault(key, text)  # "<5" in one place and "[c]" in another still hides it
            return
        with_n = re.fullmatch(r"(.+%) \(([\d,]+) of ([\d,]+)\)", text) if isinstance(text, str) else None
        if with_n:  # "76.8% (189 of 246)": the percentage and what it is built on
            text = with_n.group(1)
            self.printed[figure(cell, "numerator")].add(number(with_n.group(2)))
            self.printed[figure(cell, "denominator")].add(number(with_n.group(3)))
        value = number(text)
        if value is not None:
            self.printed[key].add(value)
        if part == "value" and cell.unit == "percent" and cell.numerator is not None:
            self.percentages.append((key, figure(cell, "numerator"), figure(cell, "denominator")))


def read_public_files(folder, internal) -> Reading:
    reading = Reading()
    stem = file_stem(YEAR, True, SAMPLE)
    html_text = (folder / f"{stem}.html").read_text(encoding="utf-8")
    html_tables = parse_html_tables(folder / f"{stem}.html")
    word = Document(folder / f"{stem}.docx")
    word_tables = [table for table in word.tables if len(table.columns) > 1]
    workbook = load_workbook(folder / f"{stem}.xlsx")
    assert len(internal.tables) == len(html_tables) == len(word_tables)
    names = workbook.sheetnames[1:]
    assert len(names) == len(internal.tables)
    for table, word_table, name in zip(internal.tables, word_tables, names):
        printed_html = html_tables[table.key]
        printed_word = [[cell.text for cell in row.cells] for row in word_table.rows]
        excel_rows = excel_table(workbook[name], table)
        for index, row in enumerate(table.rows):
            assert excel_rows[index][0] == row.label
            for column, cell in enumerate(row.cells, start=1):
                reading.see(cell, printed_html[index + 1][column])
                reading.see(cell, printed_word[index + 1][column])
                heading = table.columns[column - 1]
                shown = excel_rows[index][heading]
                if cell.unit == "percent" and isinstance(shown, float):
                    shown = shown * 100
                reading.see(cell, shown)
                for part in ("numerator", "denominator"):
                    value = excel_rows[index].get(f"{heading} {part}")
                    if value is not None:
                        reading.see(cell, value, part)
    # sentences (the key messages, the target): their figures, in HTML and Word
    sentences = [sentence for block in internal.front if block.kind == "key_messages" for sentence in block.sentences]
    sentences += [block for section in internal.sections for block in section.blocks if block.kind == "sentence"]
    html_sentences = [html_module.unescape(text) for text in
                      re.findall(r'<li>([^<]*)</li>|<p class="sentence">([^<]*)</p>', html_text) for text in text if text]
    word_paragraphs = [paragraph.text for paragraph in word.paragraphs]
    for sentence in sentences:
        pattern = "".join(re.escape(part) if isinstance(part, str) else "(.+?)" for part in sentence.parts)
        cells = [part for part in sentence.parts if not isinstance(part, str)]
        for texts in (html_sentences, word_paragraphs):
            matches = [re.fullmatch(pattern, text) for text in texts]
            found = [match for match in matches if match]
            assert found, f"sentence not found in a public file: {pattern}"
            for cell, shown in zip(cells, found[0].groups()):
                reading.see(cell, shown)
    # charts: every point of the alternative text, in HTML and Word
    html_alts = [html_module.unescape(text) for text in re.findall(r'<img [^>]*alt="([^"]*)"', html_text)]
    word_alts = [element.get("descr") for element in word.element.body.iter(qn("wp:docPr"))]
    assert len(html_alts) == len(word_alts) == len(internal.charts)
    for chart, html_alt, word_alt in zip(internal.charts, html_alts, word_alts):
        for alt in (html_alt, word_alt):
            series_texts = alt.split("; ")
            for (label, cells), text in zip(chart.series, series_texts):
                points = text.removeprefix(f"{label}: ").split(", ")
                labels = chart.description_labels or chart.x_labels
                assert len(points) == len(cells), chart.title
                for x_label, cell, point in zip(labels, cells, points):
                    shown = point.removeprefix(f"{x_label} ").split(" (suppressed")[0].split(". Points")[0]
                    reading.see(cell, shown)
    return reading


# --- what a reader can add up ----------------------------------------------------------------------------


def mart_relations(con, periods: list[str], year_period: str, quarters: list[str]) -> list[tuple]:
    """(total, parts) that hold in the mart, as figure keys."""
    rows = con.execute(
        "select period_id, measure_id, breakdown_name, breakdown_value, breakdown_2_name, breakdown_2_value, unit, "
        "value, numerator, denominator from marts.fct_kpi_values where period_id in "
        f"({', '.join('?' for _ in periods)})", periods).fetchall()
    by_key = {row[:6]: row for row in rows}
    relations = []

    def add(total_row, part_rows, key_of):
        columns = ["value"] if total_row[6] == "count" else ["numerator", "denominator"]
        for column, position in (("value", 7), ("numerator", 8), ("denominator", 9)):
            if column not in columns or total_row[position] is None:
                continue
            if abs(sum(row[position] or 0 for row in part_rows) - total_row[position]) < 1e-6:
                relations.append((key_of(total_row, column), [key_of(row, column) for row in part_rows]))

    def key_of(row, column):
        return (row[1], row[0], (row[2], row[3]), (row[4], row[5]), column)

    first, second, quarterly = defaultdict(list), defaultdict(list), defaultdict(list)
    for row in rows:
        if row[2] != "total":
            first[(row[0], row[1], row[4], row[5])].append(row)
        if row[4] != "total":
            second[(row[0], row[1], row[2], row[3])].append(row)
        if row[0] in quarters:
            quarterly[row[1:6]].append(row)
    for (period, measure, name_2, value_2), parts in first.items():
        if (period, measure, "total", "Total", name_2, value_2) in by_key:
            add(by_key[(period, measure, "total", "Total", name_2, value_2)], parts, key_of)
    for (period, measure, name, value), parts in second.items():
        if (period, measure, name, value, "total", "Total") in by_key:
            add(by_key[(period, measure, name, value, "total", "Total")], parts, key_of)
    for line, parts in quarterly.items():
        if (year_period, *line) in by_key:
            add(by_key[(year_period, *line)], parts, key_of)
    return relations


def layout_relations(report) -> list[tuple]:
    relations = []
    for table in report.tables:
        totals = [row for row in table.rows if row.is_total]
        members = [row for row in table.rows if not row.is_total]
        lines = []
        if totals:
            lines += [(totals[-1].cells[i], [row.cells[i] for row in members]) for i in range(len(table.columns))]
        if table.columns and table.columns[-1] == "Total":
            lines += [(row.cells[-1], row.cells[:-1]) for row in table.rows]
        for total, parts in lines:
            if total.unit == "count" and all(part.unit == "count" for part in parts):
                relations.append((figure(total), [figure(part) for part in parts if part.value is not None]))
    return relations


# --- the audit -----------------------------------------------------------------------------------------


def audit(con, folder) -> tuple[list[str], int]:
    """Every way a target can be recovered from the public files (empty when none), and the number of
    targets examined."""
    source = data.load(con, YEAR)
    internal = content.build(source, public=False)
    reading = read_public_files(folder, internal)
    periods = [period.period_id for period in source.years + source.quarters]
    relations = mart_relations(con, periods, source.year.period_id, [q.period_id for q in source.quarters])
    relations += layout_relations(internal)

    truth, counts = {}, set()
    for (period, measure, name, value, name_2, value_2), row in source.rows.items():
        if period in periods:
            for column in ("value", "numerator", "denominator", "percent_of_total"):
                if row.get(column) is not None:
                    truth[(measure, period, (name, value), (name_2, value_2), column)] = row[column]
                    # a count of children (not a percentage, rate or average that happens to be under 5)
                    if column in ("numerator", "denominator") or (column == "value" and row["unit"] == "count"):
                        counts.add((measure, period, (name, value), (name_2, value_2), column))
    targets = set(reading.suppressed) | {key for key in counts if 0 < truth[key] < THRESHOLD}
    findings = []
    for key in sorted(targets & set(reading.printed), key=repr):
        findings.append(f"printed elsewhere: {key} = {sorted(reading.printed[key])}")

    known = {key: next(iter(values)) for key, values in reading.printed.items() if key not in reading.suppressed}
    for _ in range(5):
        before = len(known)
        for percentage, numerator, denominator in reading.percentages:  # path 2
            if percentage in known and denominator in known and numerator not in known:
                known[numerator] = known[percentage] * known[denominator] / 100
            if percentage in known and numerator in known and denominator not in known and known[percentage]:
                known[denominator] = known[numerator] * 100 / known[percentage]
        for key in determined(relations, known):  # paths 3 and 4
            known.setdefault(key, truth.get(key))
        if len(known) == before:
            break
    for key in sorted(targets, key=repr):
        if key in known and key not in reading.printed and truth.get(key, 1) != 0:
            findings.append(f"worked out from sums and differences: {key} = {truth.get(key)}")
    for total, parts in relations:  # path 5
        if total not in known:
            continue
        unknown = [part for part in parts if part not in known]
        if len(unknown) < 2 or not all(part in reading.suppressed for part in unknown):
            continue
        rest = known[total] - sum(known[part] for part in parts if part in known)
        low = [1 if reading.suppressed[part] == "<5" else 0 for part in unknown]
        high = [THRESHOLD - 1 if reading.suppressed[part] == "<5" else rest for part in unknown]
        for index, part in enumerate(unknown):
            lowest = max(low[index], rest - (sum(high) - high[index]))
            highest = min(high[index], rest - (sum(low) - low[index]))
            if lowest >= highest:
                findings.append(f"pinned by bounds: {part} = {lowest} (total {total} = {known[total]})")
    return findings, len(targets)


def determined(relations, known) -> set:
    """Unknown figures the relations pin to one value (the null space of the system has nothing on them)."""
    unknowns = sorted({member for total, parts in relations for member in (total, *parts) if member not in known},
                      key=repr)
    index = {key: i for i, key in enumerate(unknowns)}
    parent = list(range(len(unknowns)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    useful = []
    for total, parts in relations:
        members = [index[m] for m in (total, *parts) if m in index]
        if members:
            useful.append((total, parts, members))
            for member in members[1:]:
                parent[find(member)] = find(members[0])
    groups = defaultdict(list)
    for relation in useful:
        groups[find(relation[2][0])].append(relation)
    found = set()
    for group in groups.values():
        columns = sorted({m for _, _, members in group for m in members})
        local = {m: i for i, m in enumerate(columns)}
        matrix = numpy.zeros((len(group), len(columns)))
        for row, (total, parts, _) in enumerate(group):
            if total in index:
                matrix[row, local[index[total]]] += 1
            for part in parts:
                if part in index:
                    matrix[row, local[index[part]]] -= 1
        _, singular, vectors = numpy.linalg.svd(matrix)
        null_space = vectors[int((singular > 1e-9).sum()):]
        for m, i in local.items():
            if null_space.shape[0] == 0 or numpy.abs(null_space[:, i]).max() < 1e-9:
                found.add(unknowns[m])
    return found


def test_no_suppressed_figure_can_be_recovered_from_the_public_html_word_and_excel(warehouse, tmp_path):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        write_report(con, YEAR, tmp_path)
        findings, targets = audit(con, tmp_path)
    finally:
        con.close()
    assert targets > 20  # the audit had something to look at
    assert findings == []


def test_the_same_figure_reads_the_same_wherever_it_appears_and_charts_leave_hidden_points_out(warehouse):
    from dagster_project.lib.report import charts
    from dagster_project.lib.report.model import display

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        public = content.build(data.load(con, YEAR), public=True)
    finally:
        con.close()
    texts = defaultdict(set)
    for cell in public.cells():
        if cell.measure_id and cell.unit != "text" and cell.value is not None:
            # "76.8% (189 of 246)" beside a comparison is the same figure as "76.8%" in its own table
            texts[figure(cell)].add(display(cell, public=True, threshold=THRESHOLD).split(" (")[0])
    assert {key: shown for key, shown in texts.items() if len(shown) > 1} == {}
    for chart in public.charts:
        for (_, cells), (_, plotted) in zip(chart.series, charts.plotted_values(chart, public=True)):
            for cell, value in zip(cells, plotted):
                if "value" in cell.hidden:
                    assert value is None, chart.title
        described = charts.describe(chart, public=True)
        if any("value" in cell.hidden for _, cells in chart.series for cell in cells):
            assert "(suppressed: a small number)" in described


def test_the_four_leaks_found_in_review_are_closed(warehouse):
    """The leaks of issue 13, on the default council and the small one: (1) the legal-status chart plotted
    and described placement-order counts its table suppressed; (2) the IROs above 70 cases were suppressed
    in one table and printed in another; (3) "child in need or other" was all cases minus looked after minus
    child protection; (4) informal child-protection disputes were the informal total (chart) minus informal
    looked-after disputes."""
    from dagster_project.lib.report import charts
    from dagster_project.lib.report.model import display

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        public = content.build(data.load(con, YEAR), public=True)
    finally:
        con.close()

    def shown(cell):
        return display(cell, public=True, threshold=THRESHOLD)

    by_title = {table.title: table for table in public.tables}
    legal = next(table for title, table in by_title.items() if title.startswith("Children looked after by legal"))
    chart = next(chart for chart in public.charts if chart.title.startswith("Children looked after by legal"))
    table_text = {figure(cell): shown(cell) for row in legal.rows for cell in row.cells}
    plotted = dict(charts.plotted_values(chart, public=True))
    for label, cells in chart.series:  # (1)
        for position, cell in enumerate(cells):
            assert shown(cell) == table_text[figure(cell)]
            if shown(cell) in HIDDEN_TEXTS:
                assert plotted[label][position] is None
                assert f"{chart.x_labels[position]} {shown(cell)} (suppressed" in charts.describe(chart, public=True)

    service = by_title["IRO service and caseloads (at 31 March)"]
    bands = next(table for title, table in by_title.items() if title.startswith("IROs by caseload"))
    above = next(row for row in service.rows if row.label.startswith("IROs with a caseload"))
    band_rows = {row.label: row for row in bands.rows}
    assert [shown(cell) for cell in above.cells] == [shown(cell) for cell in band_rows["Above 70"].cells]  # (2)

    rows = {row.label: row for row in service.rows}
    parts = [rows["Children with an IRO: looked after"], rows["Children with an IRO: child protection (chaired by "
             "an IRO)"], rows["Children with an IRO: child in need or other"]]
    for column in range(len(service.columns)):  # (3): a hidden part never stands alone beside its total
        texts = [shown(row.cells[column]) for row in parts] + [shown(rows["All IRO cases"].cells[column])]
        assert sum(text in HIDDEN_TEXTS for text in texts) != 1, texts

    quarters = next(table for title, table in by_title.items() if title.startswith("Disputes raised by IROs by"))
    disputes_chart = next(chart for chart in public.charts if chart.title == "Disputes raised by IROs")
    informal_total = dict(disputes_chart.series).get("Informal")
    lines = {row.label: row for row in quarters.rows}
    if informal_total and "Informal: child protection" in lines:  # (4), the year column
        year_cells = [lines["Informal: looked after"].cells[-1], lines["Informal: child protection"].cells[-1],
                      informal_total[-1]]
        assert sum(shown(cell) in HIDDEN_TEXTS for cell in year_cells) != 1, [shown(c) for c in year_cells]
