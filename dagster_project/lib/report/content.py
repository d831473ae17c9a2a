"""What the annual report holds, section by section: which mart figures go in which table and chart.

The sections follow the real IRO annual reports the product automates (the service and caseloads,
children looked after, entries and exits, placements, reviews, participation, disputes, health, child
protection) and the catalogue's "Outputs" (/shared/domain/kpis.md). Each section: its tables, a chart
where a trend is shown (the chosen year against the four before), and a blank box for the manager's
commentary. Figures are looked up in the marts (data.ReportData); nothing is computed here.
"""

from __future__ import annotations

import copy
import dataclasses

from dagster_project.lib.report.data import TOTAL, ReportData
from dagster_project.lib.report.disclosure import Relation, data_relations
from dagster_project.lib.report.model import (
    Cell,
    Chart,
    KeyMessages,
    Narrative,
    Note,
    Report,
    Row,
    Section,
    Sentence,
    Table,
    apply_protection,
    is_small,
)

NO_NATIONAL_FIGURE = {
    topic: Note(f"No national figure: the DfE does not collect {what}, so there is no England, regional or "
                f"statistical-neighbour figure to compare with. {compare}")
    for topic, what, compare in [
        ("reviews", "the timeliness of looked-after reviews", "Compare with the council's own target and past years."),
        ("participation", "how children take part in their reviews (PN codes are not published by council)",
         "Compare with past years."),
        ("caseloads", "IRO caseloads", "The IRO Handbook's range of 50 to 70 cases per IRO is the benchmark."),
        ("disputes", "IRO disputes or escalations", "Compare with past years."),
    ]}

NARRATIVE_PROMPT = "Manager's commentary: what the figures show, why, and what the service will do about it."


class Builder:
    def __init__(self, data: ReportData):
        self.data = data
        self.tables = 0
        self.charts = 0

    # --- cells -----------------------------------------------------------------------------------

    def cell(self, measure_id: str, period_id: str, breakdown=TOTAL, breakdown_2=TOTAL) -> Cell:
        figure = self.data.figure(measure_id, period_id, breakdown, breakdown_2)
        return Cell(value=figure.value, unit=figure.unit, numerator=figure.numerator,
                    denominator=figure.denominator, available=figure.is_available,
                    reason=figure.unavailable_reason, measure_id=measure_id, period_id=period_id,
                    breakdown=breakdown, breakdown_2=breakdown_2, caveat=figure.caveat)

    def share(self, measure_id: str, period_id: str, breakdown=TOTAL, breakdown_2=TOTAL) -> Cell:
        """A category's share of the measure's total (percent_of_total of the mart)."""
        figure = self.data.figure(measure_id, period_id, breakdown, breakdown_2)
        return Cell(value=figure.percent_of_total, unit="percent", numerator=figure.numerator,
                    denominator=figure.denominator, available=figure.is_available,
                    reason=figure.unavailable_reason, measure_id=measure_id, period_id=period_id,
                    breakdown=breakdown, breakdown_2=breakdown_2, mart_column="percent_of_total")

    # --- tables ----------------------------------------------------------------------------------

    def _table(self, title: str, row_header: str, columns: list[str], rows: list[Row], measure_ids: list[str],
               notes: list[str] | None = None) -> Table:
        self.tables += 1
        notes = list(notes or [])
        for measure_id in dict.fromkeys(measure_ids):
            measure = self.data.measures[measure_id]
            if not measure.is_available:
                notes.append(f"{measure.label}: {measure.unavailable_reason}.")
        # a caveat the mart gives a figure is said once under the table, with the row and period it concerns
        for row in rows:
            for cell in row.cells:
                if cell.caveat and f"{row.label}" not in " ".join(notes):
                    notes.append(f"{row.label} ({cell.period_id}): {cell.caveat}")
        return Table(key=f"T{self.tables:02d}", title=title, row_header=row_header, columns=columns, rows=rows,
                     notes=notes, measure_ids=list(dict.fromkeys(measure_ids)))

    def year_columns(self) -> list[str]:
        return [period.label for period in self.data.years]

    def trend_table(self, title: str, lines: list[tuple[str, str] | tuple[str, str, tuple, tuple]],
                    notes: list[str] | None = None, row_header: str = "", show_n: bool = False) -> Table:
        """Rows of measures (label, measure_id[, breakdown, breakdown_2]) over the years shown; with show_n,
        each percentage with what it is built on ("33.3% (2 of 6)")."""
        rows = []
        for line in lines:
            label, measure_id = line[0], line[1]
            breakdown = line[2] if len(line) > 2 else TOTAL
            breakdown_2 = line[3] if len(line) > 3 else TOTAL
            cells = [self.cell(measure_id, period.period_id, breakdown, breakdown_2) for period in self.data.years]
            for cell in cells:
                cell.show_n = show_n and cell.unit == "percent"
            rows.append(Row(label, cells))
        return self._table(title, row_header, self.year_columns(), rows, [line[1] for line in lines], notes)

    def breakdown_trend_table(self, title: str, measure_id: str, breakdown_name: str, row_header: str,
                              notes: list[str] | None = None, with_share: bool = True) -> Table:
        """Categories over the years shown (counts), with each one's share of the chosen year."""
        year = self.data.year
        rows = []
        for value in self.data.breakdown_values(measure_id, breakdown_name):
            cells = [self.cell(measure_id, period.period_id, (breakdown_name, value)) for period in self.data.years]
            if with_share:
                cells.append(self.share(measure_id, year.period_id, (breakdown_name, value)))
            rows.append(Row(value, cells))
        total = [self.cell(measure_id, period.period_id) for period in self.data.years]
        if with_share:
            total.append(self.share(measure_id, year.period_id))
        rows.append(Row("Total", total, is_total=True))
        columns = self.year_columns() + ([f"% of {year.label}"] if with_share else [])
        return self._table(title, row_header, columns, rows, [measure_id], notes)

    def quarter_table(self, title: str, lines: list[tuple], row_header: str = "",
                      notes: list[str] | None = None, total_label: str | None = None, history: bool = False,
                      with_share: bool = False, show_n: bool = False) -> Table:
        """Rows over the chosen year's quarters and the year itself; with history, the earlier years shown
        come first (the real reports set a year's quarters beside the years before it); with_share adds each
        row's share of the chosen year (a breakdown's rows); show_n shows each percentage with its n of N."""
        data = self.data
        earlier = data.years[:-1] if history else []
        periods = earlier + data.quarters + [data.year]
        months = {1: "Apr-Jun", 2: "Jul-Sep", 3: "Oct-Dec", 4: "Jan-Mar"}
        columns = ([period.label for period in earlier]
                   + [f"Q{period.period_number} {months[period.period_number]}"
                      + (" (to date)" if not period.is_complete else "") for period in data.quarters]
                   + [total_label or data.year.label] + ([f"% of {data.year.label}"] if with_share else []))
        rows = []
        for line in lines:
            label, measure_id = line[0], line[1]
            breakdown = line[2] if len(line) > 2 else TOTAL
            breakdown_2 = line[3] if len(line) > 3 else TOTAL
            is_total = len(line) > 4 and line[4]
            cells = [self.cell(measure_id, period.period_id, breakdown, breakdown_2) for period in periods]
            for cell in cells:
                cell.show_n = show_n and cell.unit == "percent"
            if with_share:
                cells.append(self.share(measure_id, data.year.period_id, breakdown, breakdown_2))
            rows.append(Row(label, cells, is_total=is_total))
        return self._table(title, row_header, columns, rows, [line[1] for line in lines], notes)

    def breakdown_quarter_table(self, title: str, measure_id: str, breakdown_name: str, row_header: str,
                                notes: list[str] | None = None, history: bool = False,
                                with_share: bool = False) -> Table:
        lines = [(value, measure_id, (breakdown_name, value))
                 for value in self.data.breakdown_values(measure_id, breakdown_name)]
        lines.append(("Total", measure_id, TOTAL, TOTAL, True))
        return self.quarter_table(title, lines, row_header, notes, history=history, with_share=with_share)

    def nested_lines(self, measure_id: str, breakdown_name: str, breakdown_2_name: str,
                     group_label: str = "{group}") -> list[tuple]:
        """Quarter-table lines of a group-by-code cross-tabulation: each group (a subtotal line, bold) and
        then its codes, and the measure's total last. The mart's group is the sum of its codes, which the
        disclosure control reads from the mart."""
        lines: list[tuple] = []
        for group, codes in self.data.nested_values(measure_id, breakdown_name, breakdown_2_name):
            lines.append((group_label.format(group=group), measure_id, (breakdown_name, group), TOTAL, True))
            lines += [(code, measure_id, (breakdown_name, group), (breakdown_2_name, code)) for code in codes]
        lines.append(("Total", measure_id, TOTAL, TOTAL, True))
        return lines

    def share_trend_table(self, title: str, lines: list[tuple], row_header: str,
                          notes: list[str] | None = None) -> Table:
        """Lines (label, measure_id, breakdown, breakdown_2, is_total) as number and share of the measure's
        total in each year shown (York's "Number, Percentage" for each year)."""
        rows = []
        for label, measure_id, breakdown, breakdown_2, *total in lines:
            cells = []
            for period in self.data.years:
                cells += [self.cell(measure_id, period.period_id, breakdown, breakdown_2),
                          self.share(measure_id, period.period_id, breakdown, breakdown_2)]
            rows.append(Row(label, cells, is_total=bool(total and total[0])))
        columns = [column for period in self.data.years for column in (period.label, f"% {period.label}")]
        return self._table(title, row_header, columns, rows, [line[1] for line in lines], notes)

    def share_table(self, title: str, measure_id: str, breakdown_name: str, row_header: str,
                    notes: list[str] | None = None) -> Table:
        """Categories of the chosen year: number and share."""
        year = self.data.year
        rows = [Row(value, [self.cell(measure_id, year.period_id, (breakdown_name, value)),
                            self.share(measure_id, year.period_id, (breakdown_name, value))])
                for value in self.data.breakdown_values(measure_id, breakdown_name)]
        rows.append(Row("Total", [self.cell(measure_id, year.period_id), self.share(measure_id, year.period_id)],
                        is_total=True))
        return self._table(title, row_header, ["Number", "%"], rows, [measure_id], notes)

    def cross_table(self, title: str, measure_id: str, breakdown_name: str, breakdown_2_name: str,
                    row_header: str, notes: list[str] | None = None) -> Table:
        """Categories by categories, the chosen year, with margins."""
        year = self.data.year
        second = self.data.breakdown_2_values(measure_id, breakdown_2_name)
        rows = []
        for value in self.data.breakdown_values(measure_id, breakdown_name, breakdown_2_name):
            cells = [self.cell(measure_id, year.period_id, (breakdown_name, value), (breakdown_2_name, other))
                     for other in second]
            cells.append(self.cell(measure_id, year.period_id, (breakdown_name, value)))
            rows.append(Row(value, cells))
        totals = [self.cell(measure_id, year.period_id, TOTAL, (breakdown_2_name, other)) for other in second]
        totals.append(self.cell(measure_id, year.period_id))
        rows.append(Row("Total", totals, is_total=True))
        return self._table(title, row_header, second + ["Total"], rows, [measure_id], notes)

    def comparison_table(self, title: str, measure_ids: list[str]) -> Table | Note:
        """The council's figure for the year (with n) and the year before, the change, and England, the
        region and the statistical neighbours as published for the latest year (a year behind)."""
        data = self.data
        lines = [key for key in data.comparators if key[0] in measure_ids]
        lines.sort(key=lambda key: (measure_ids.index(key[0]), key[1]))
        if not lines:
            return Note(f"{title}: no published comparator was found in the warehouse "
                        "(marts.fct_kpi_comparators).")
        year, before = data.years[-1], (data.years[-2] if len(data.years) > 1 else None)
        published = [comparator for key in lines for comparator in data.comparators[key].values()]
        published_year = max(comparator.year_label for comparator in published)
        region = next((c.comparator_name for c in published if c.comparator_id == "region"), "Region")
        columns = ([before.label] if before else []) + [year.label, "Since last year",
                                                         f"England {published_year}", f"{region} {published_year}",
                                                         f"Statistical neighbours {published_year}"]
        rows, notes = [], []
        for key in lines:
            measure_id, breakdown, column = key
            comparators = data.comparators[key]
            first = next(iter(comparators.values()))
            make = self.share if column == "percent_of_total" else self.cell
            now = make(measure_id, year.period_id, breakdown)
            now.show_n = now.unit == "percent"
            cells = []
            if before:
                cells.append(make(measure_id, before.period_id, breakdown))
            cells += [now, Cell(None, "change", change_of=(now, cells[0] if before else now))]
            unit = now.unit if now.unit != "count" else "percent"
            for comparator_id, missing in (("england", "no national figure"), ("region", "England only"),
                                           ("neighbours_2025", "England only")):
                comparator = comparators.get(comparator_id)
                cells.append(Cell(comparator.value if comparator else None, "comparator", text=unit,
                                  comparator=comparator, reason=missing))
            rows.append(Row(first.label, cells))
            if first.note:
                notes.append(f"{first.label}: {first.note}")
            years = {comparator.year_label for comparator in comparators.values()}
            if years != {published_year}:
                notes.append(f"{first.label}: the latest published figure is for {', '.join(sorted(years))}.")
        notes.insert(0, (
            f"England, {region} and statistical neighbours: the Department for Education's published figures for "
            f"{published_year} (they are published a year after the council's own). Statistical neighbours: the "
            "average of the council's 10 neighbours in the DfE's 2025 model (a suppressed figure is left out; "
            "\"7 of 10\" says how many were averaged). \"England only\": the DfE's figure was found for England, "
            "not for each council. Source: Department for Education, Children looked after in England including adoptions and "
            "Characteristics of children in need (Open Government Licence v3.0)."))
        return self._table(title, "", columns, rows, [key[0] for key in lines], notes)

    # --- charts ----------------------------------------------------------------------------------

    def _chart(self, title: str, x_labels: list[str], series: list[tuple[str, list[Cell]]], **settings) -> Chart:
        self.charts += 1
        return Chart(key=f"C{self.charts:02d}", title=title, x_labels=x_labels, series=series, **settings)

    def year_trend_chart(self, title: str, series: list[tuple[str, str] | tuple[str, str, tuple]], *,
                         y_label: str, percent: bool = False, bars: bool = False, **options) -> Chart | Note:
        """Measures over the years shown; a measure not available is left out, and said so. The chart holds
        the same cells as the tables, so that it plots (and its description says) only what they show."""
        plotted = [line for line in series if self.data.measures[line[1]].is_available]
        if not plotted:
            return Note(f"No chart: {self.data.measures[series[0][1]].unavailable_reason}.")
        labels = [period.collection_year for period in self.data.years]
        cells = [(line[0], [self.cell(line[1], period.period_id, line[2] if len(line) > 2 else TOTAL)
                            for period in self.data.years]) for line in plotted]
        return self._chart(title, labels, cells, style="bar" if bars else "line", y_label=y_label,
                           percent=percent, options=options)


# --- the sections -------------------------------------------------------------------------------------


def build(data: ReportData, *, public: bool) -> Report:
    builder = Builder(data)
    year = data.year
    sections = [
        _summary(builder),
        _purpose_and_context(builder),
        _service(builder),
        _children_looked_after(builder),
        _characteristics(builder),
        _entries_and_exits(builder),
        _placements(builder),
        _reviews(builder),
        _participation(builder),
        _review_quality(builder),
        _disputes(builder),
        _health(builder),
        _child_protection(builder),
        _the_years_work(builder),
        _definitions(builder),
        _lineage(builder),
    ]
    front = _front_sheet(builder, sections)
    _number_in_document_order(front, sections)
    unavailable = [(measure.label, measure.unavailable_reason) for measure in data.measures.values()
                   if not measure.is_available]
    report = Report(
        title="Independent Reviewing Officer Service: Annual Report",
        la_name=data.la_name, collection_year=data.collection_year, year_label=_year_words(year),
        extract_date=data.extract_date.strftime("%-d %B %Y"), is_public=False,
        small_number_threshold=data.small_number_threshold, sections=sections, unavailable=unavailable,
        front=front, extract_day=data.extract_date, synthetic_label=data.label)
    shown_periods = {period.period_id for period in data.years + data.quarters}
    report.relations = data_relations(data.rows, year.period_id, [q.period_id for q in data.quarters], shown_periods)
    report.relations += same_figure_relations(data.rows, shown_periods)
    report.figure_values = _figure_values(data, shown_periods)
    return public_version(report) if public else report


def same_figure_relations(rows: dict[tuple, dict], periods: set[str]) -> list[Relation]:
    """Two categories of one count measure, under different breakdowns, that hold the same figure in every
    period shown are taken to be one figure under two names (disputes at the informal level and disputes
    whose stage reached is "informal only", by case type): a reader who sees one knows the other, so the
    one is hidden wherever the other is. Each pair is a relation with a single part (a = b)."""
    series: dict[tuple, dict[str, float]] = {}
    for (period, measure, name, value, name_2, value_2), row in rows.items():
        if period in periods and name != "total" and row.get("unit") == "count" and row.get("value") is not None:
            series.setdefault((measure, name_2, value_2, name, value), {})[period] = row["value"]
    by_line: dict[tuple, list[tuple]] = {}
    for key, values in series.items():
        if any(values.values()):
            by_line.setdefault((key[0], key[1], key[2], tuple(sorted(values.items()))), []).append(key)
    relations = []
    for (measure, name_2, value_2, values), keys in by_line.items():
        for first, other in ((a, b) for index, a in enumerate(keys) for b in keys[index + 1:]):
            if first[3] == other[3]:
                continue  # two categories of one breakdown: equal by chance, not the same children
            for period, _ in values:
                relations.append(Relation((measure, period, first[3:5], (name_2, value_2), "value"),
                                          ((measure, period, other[3:5], (name_2, value_2), "value"),), "same"))
    return relations


def _number_in_document_order(front: list, sections: list[Section]) -> None:
    """Tables and charts are numbered in the order a reader meets them (they are made in another order)."""
    tables = charts = 0
    for block in front + [block for section in sections for block in section.blocks]:
        if isinstance(block, Table):
            tables += 1
            block.key = f"T{tables:02d}"
        elif isinstance(block, Chart):
            charts += 1
            block.key = f"C{charts:02d}"


# the headline figures whose change from last year can make a key message (totals: never small)
HEADLINES = [
    ("children looked after at 31 March", "A1.children_looked_after"),
    ("children who started to be looked after", "B1.periods_of_care_started"),
    ("children who ceased to be looked after", "B2.periods_of_care_ended"),
    ("looked-after reviews held", "D1.reviews_held"),
    ("children on a child protection plan at 31 March", "G1.children_on_plans"),
    ("disputes raised by IROs", "E4.disputes_raised"),
    ("children who took part in their reviews (aged 4 or over)", "D3.participation_rate"),
    ("average cases per full-time IRO", "E1.caseload_per_full_time_iro"),
]


def _front_sheet(b: Builder, sections: list[Section]) -> list:
    """Key messages generated from the figures, each a sentence with its numbers (cells, so that the public
    version hides in them what it hides everywhere): the largest changes since last year, targets missed,
    and where the council stands furthest from England and its neighbours."""
    data = b.data
    messages: list = []
    if len(data.years) > 1:
        year, before = data.years[-1], data.years[-2]
        changes = []
        for label, measure_id in HEADLINES:
            if not data.measures[measure_id].is_available:
                continue
            now, then = b.cell(measure_id, year.period_id), b.cell(measure_id, before.period_id)
            if now.value is None or not then.value or is_small(now, data.small_number_threshold) or is_small(
                    then, data.small_number_threshold):
                continue
            changes.append((abs(now.value - then.value) / abs(then.value), label, now, then))
        for _, label, now, then in sorted(changes, key=lambda item: item[0], reverse=True)[:3]:
            direction = "up" if now.value > then.value else "down" if now.value < then.value else "unchanged"
            now.show_n = now.unit == "percent"
            messages.append(Sentence([f"{label[0].upper()}{label[1:]}: ", now, f" in {year.label}, {direction} from ",
                                      then, f" in {before.label}."]))
    for section in sections:
        for block in section.blocks:
            if isinstance(block, Sentence) and "target" in block.text(public=False) and "below" in block.text(
                    public=False):
                messages.append(block)
    gaps = []
    for section in sections:
        for block in section.blocks:
            if not (isinstance(block, Table) and block.title.startswith("How the council compares")):
                continue
            for row in block.rows:
                change = next((cell for cell in row.cells if cell.unit == "change"), None)
                council = change.change_of[0] if change else None
                england = next((cell for cell in row.cells if cell.unit == "comparator"), None)
                neighbours = row.cells[-1]
                if (council is None or council.value is None or england is None or england.value is None
                        or is_small(council, data.small_number_threshold)):
                    continue
                gaps.append((abs(council.value - england.value) / max(abs(england.value), 1), row.label, council,
                             england, neighbours))
    for _, label, council, england, neighbours in sorted(gaps, key=lambda item: item[0], reverse=True)[:3]:
        year_label = england.comparator.year_label
        parts = [f"{label}: ", council, f" in {data.year.label}, against ", england, f" in England ({year_label})"]
        if neighbours.comparator is not None and neighbours.value is not None:
            parts += [" and ", neighbours, " among statistical neighbours"]
        messages.append(Sentence(parts + ["."]))
    return [Note(f"To tell the Corporate Parenting Board how the Independent Reviewing Officer service "
                 f"performed in {data.year.label}: the children it served, the timeliness and quality of their "
                 "reviews, how children took part, the disputes IROs raised, and how the council compares with "
                 "England and similar councils."),
            KeyMessages(messages),
            Narrative("Note the report; and (the service manager adds the decisions or actions sought from the "
                      "Board).")]


def _figure_values(data: ReportData, periods: set[str]) -> dict:
    """Every figure of the periods shown, by figure key (disclosure.part_keys): what the relations add up."""
    values = {}
    for (period, measure, name, value, name_2, value_2), row in data.rows.items():
        if period not in periods:
            continue
        base = (measure, period, (name, value), (name_2, value_2))
        for column in ("value", "numerator", "denominator", "percent_of_total"):
            if row.get(column) is not None:
                values[(*base, column)] = row[column]
        if row.get("percent_of_total") is not None and row.get("denominator") is not None:
            values[(*base, "share_denominator")] = row["denominator"]
    return values


def public_version(internal: Report) -> Report:
    """The version to publish: a copy of the internal report in which small numbers are suppressed when
    shown, and every figure from which one could be worked out by subtraction is withheld."""
    public = dataclasses.replace(copy.deepcopy(internal), is_public=True)
    apply_protection(public)
    return public


def _year_words(period) -> str:
    start, end = period.start, period.end
    words = f"1 April {start.year} to 31 March {start.year + 1}"
    if not period.is_complete:
        words = f"1 April {start.year} to {end.strftime('%-d %B %Y')} (year to date)"
    return words


def _summary(b: Builder) -> Section:
    years = b.data.years
    this_year, last_year = years[-1], (years[-2] if len(years) > 1 else None)
    lines = [
        ("Children looked after at 31 March", "A1.children_looked_after"),
        ("Children looked after per 10,000 children", "A2.rate_per_10000"),
        ("Children who started to be looked after", "B1.periods_of_care_started"),
        ("Children who ceased to be looked after", "B2.periods_of_care_ended"),
        ("Looked-after reviews held", "D1.reviews_held"),
        ("Reviews due that were held on time", "D2.reviews_on_time"),
        ("Children whose reviews were all on time", "D2.children_with_all_reviews_on_time"),
        ("Children participating in their reviews (aged 4+)", "D3.participation_rate"),
        ("Average caseload per full-time IRO", "E1.caseload_per_full_time_iro"),
        ("Disputes raised by IROs", "E4.disputes_raised"),
        ("Annual health assessments (in care 12 months+)", "F1.health_assessment"),
        ("Children subject to a child protection plan", "G1.children_on_plans"),
    ]
    periods = [period for period in (last_year, this_year) if period]
    rows = [Row(label, [b.cell(measure_id, period.period_id) for period in periods]) for label, measure_id in lines]
    table = b._table("Key figures", "", [period.label for period in periods], rows, [m for _, m in lines])
    return Section("summary", "Summary", (
        f"The year at a glance: {this_year.label} against {last_year.label}." if last_year else
        f"The year at a glance: {this_year.label}."), [table, Narrative(
            "Summary: the main achievements and challenges of the year, and the priorities for next year.")])


LEGAL_CONTEXT = (
    "Every child looked after by the council must have an Independent Reviewing Officer (section 25A of the "
    "Children Act 1989). The IRO chairs the child's reviews, monitors the council's performance as the child's "
    "corporate parent, makes sure the child's wishes and feelings are heard, and can refer a case to Cafcass "
    "(the Care Planning, Placement and Case Review (England) Regulations 2010 and the IRO Handbook, 2010).\n"
    "The IRO Handbook asks the IRO manager to write an annual report for the council's Corporate Parenting Board. "
    "This report covers the year {year}: the children the service worked with, the timeliness and quality of "
    "their reviews, how children took part, the disputes IROs raised and what came of them.")


def _purpose_and_context(b: Builder) -> Section:
    return Section("context", "Purpose and legal context", (
        "Why the service exists and what the law asks of it. The text below is a default: edit it to describe "
        "the council's own service (where it sits, who manages it, how IROs are supported)."), [
        Narrative("Edit or add to the default text: the service's place in the council and its staffing.",
                  label="The IRO's role", default_text=LEGAL_CONTEXT.format(year=b.data.year.label))])


def _the_years_work(b: Builder) -> Section:
    slots = [
        ("The child's voice and feedback", ("What children and young people told the service this year (surveys, "
         "feedback after reviews, the Children in Care Council), and what changed because of it.")),
        ("Advocacy and independent visitors", ("How many children had an advocate or an independent visitor, how "
         "IROs made sure children knew of them, and any gaps.")),
        ("IRO training and quality assurance", ("Training the IROs had, how the service checks the quality of "
         "reviews and records (audits, observations), and what it found.")),
        ("Progress on last year's plan", "Each of last year's priorities and what was achieved."),
        ("Priorities for next year", "What the service will do next year, and how the Board will know it worked."),
    ]
    return Section("year_in_words", "The year's work and next year's priorities", (
        "What the figures cannot show: the service manager writes each part."),
        [Narrative(prompt, label=label) for label, prompt in slots])


def _service(b: Builder) -> Section:
    band_values = b.data.breakdown_values("E1.iros_by_caseload", "caseload")
    above = band_values[-1] if band_values else None
    lines = [
        ("IROs in post at 31 March", "E1.iros_in_post"),
        ("Full-time equivalent IROs in post", "E1.iro_full_time_equivalent"),
        ("Children with an IRO: looked after", "E1.children_with_an_iro", ("case_type", "Looked after")),
        ("Children with an IRO: child protection (chaired by an IRO)", "E1.children_with_an_iro",
         ("case_type", "Child protection")),
        ("Children with an IRO: child in need or other", "E1.children_with_an_iro",
         ("case_type", "Child in need or other")),
        ("All IRO cases", "E1.children_with_an_iro"),
        ("Average cases per IRO in post", "E1.caseload_per_iro"),
        ("Average cases per full-time IRO", "E1.caseload_per_full_time_iro"),
    ]
    if above:
        lines.append((f"IROs with a caseload per full-time equivalent {above.lower()}", "E1.iros_by_caseload",
                      ("caseload", above)))
    lines += [
        ("Children looked after all year who kept the same IRO", "E2.same_iro_all_period"),
        ("Changes of IRO during the year", "E2.iro_changes"),
        ("Children entering care with an IRO allocated within 5 working days", "E3.iro_allocated_in_time"),
    ]
    table = b.trend_table("IRO service and caseloads (at 31 March)", lines, notes=[
        ("Caseload counts each child once per case type at 31 March: a child both looked after and on a child "
        "protection plan chaired by an IRO counts twice. The IRO Handbook expects 50 to 70 cases per full-time IRO.")])
    chart = b.year_trend_chart("Average cases per full-time IRO at 31 March",
                               [("Cases per full-time IRO", "E1.caseload_per_full_time_iro")],
                               y_label="Cases", band=(50, 70), band_label="IRO Handbook range 50-70")
    # caseload by case type at each quarter end beside the years before (Kirklees' and Sandwell's Table 1)
    quarters = b.quarter_table("IRO caseloads by case type at the end of each quarter", [
        ("Cases: looked after", "E1.children_with_an_iro", ("case_type", "Looked after")),
        ("Cases: child protection", "E1.children_with_an_iro", ("case_type", "Child protection")),
        ("Cases: child in need or other", "E1.children_with_an_iro", ("case_type", "Child in need or other")),
        ("All IRO cases", "E1.children_with_an_iro"),
        ("IROs in post", "E1.iros_in_post"),
        ("Full-time equivalent IROs in post", "E1.iro_full_time_equivalent"),
        ("Average cases per full-time IRO", "E1.caseload_per_full_time_iro"),
    ], history=True)
    agency = b.trend_table("Agency or interim IROs (at 31 March)", [
        ("IROs in post who are agency or interim staff", "E1.agency_iros_in_post"),
        ("Full-time equivalent filled by agency or interim IROs", "E1.agency_full_time_equivalent"),
    ], show_n=True, notes=[("From the IRO establishment records: a post filled by an agency or interim worker "
                            "is flagged there. Full-time equivalents are shown to one decimal place.")])
    # the meetings IROs chaired, each quarter beside the years before (York's Table 4, Sandwell's Table 2):
    # about staff, so no IRO is named; the spread over IROs is given only as how many fall in each band
    meetings = b.quarter_table("Meetings chaired by IROs", [
        ("Looked-after reviews held", "D1.reviews_held"),
        ("Child protection conferences held (meetings)", "G5.conference_meetings"),
        ("Meetings per full-time IRO in post", "E1.meetings_per_full_time_iro"),
        ("Looked-after reviews chaired per IRO (of IROs who chaired one)", "E1.reviews_chaired_per_iro"),
    ], history=True, notes=[("Looked-after reviews per IRO count the reviews whose review form names the IRO "
                             "who chaired. The extract records no chair for child protection conferences, so "
                             "they count only in the meetings per full-time IRO (all conferences are taken to "
                             "be chaired by IROs). A quarter's meetings per full-time IRO are that quarter's.")])
    chaired_bands = b.breakdown_trend_table("IROs by looked-after reviews chaired in the year",
                                            "E1.iros_by_reviews_chaired", "reviews_chaired", "Reviews chaired",
                                            with_share=False, notes=[
        "The number of IROs in each band only: no IRO's own figure is shown."])
    band_table = b.breakdown_trend_table("IROs by caseload per full-time equivalent (at 31 March)",
                                         "E1.iros_by_caseload", "caseload", "Cases per full-time equivalent",
                                         with_share=False)
    return Section("service", "The IRO service and caseloads", (
        "Every child in care has an Independent Reviewing Officer who chairs their reviews and monitors their "
        "care plan between them. Many IROs also chair child protection conferences. Caseloads are counted on "
        "the last day of the year and of each quarter."), [table, chart, quarters, agency, band_table,
                                                           meetings, chaired_bands,
                                                           NO_NATIONAL_FIGURE["caseloads"], Narrative(NARRATIVE_PROMPT)])


def _children_looked_after(b: Builder) -> Section:
    lines = [
        ("Children looked after at 31 March", "A1.children_looked_after"),
        ("Per 10,000 children aged under 18", "A2.rate_per_10000"),
        ("Unaccompanied asylum-seeking children", "A8.unaccompanied_asylum_seeking"),
        ("Placed with parents under a care order or interim care order", "A9.placed_with_parents_under_an_order"),
        ("Children on short breaks (not counted above)", "A1.short_break_children"),
    ]
    table = b.trend_table("Children looked after at 31 March", lines, notes=[
        ("Children whose only care is a series of short breaks (legal status V3 or V4) are not counted as looked "
        "after in any figure of this report; they are shown separately.")])
    months = b.data.months
    if b.data.measures["A1.children_looked_after"].is_available and months:
        first, last = months[0], months[-1]
        chart = b._chart(f"Children looked after at the end of each month, {first.label} to {last.label}",
                         [_month_label(period) for period in months],
                         [("Children looked after", [b.cell("A1.children_looked_after", period.period_id)
                                                     for period in months])],
                         y_label="Children", options={"sparse_ticks": True},
                         description_labels=[period.label for period in months])
    else:
        chart = Note("No chart: the number of children looked after is not available.")
    quarters = b.quarter_table("Children looked after at the end of each quarter", [
        ("Children looked after", "A1.children_looked_after"),
        ("Per 10,000 children", "A2.rate_per_10000"),
    ])
    rate = b.year_trend_chart("Children looked after per 10,000 children aged under 18",
                              [("Rate per 10,000", "A2.rate_per_10000")], y_label="Per 10,000", bars=True)
    return Section("looked_after", "Children looked after", (
        "A child is looked after on a day when a care episode is open for them that day. The rate per 10,000 "
        "uses the council's population aged under 18."), [table, chart, quarters, rate, b.comparison_table(
            "How the council compares: children looked after", ["A2.rate_per_10000", "A6.by_legal_status"]),
            Narrative(NARRATIVE_PROMPT)])


def _month_label(period) -> str:
    return period.label.replace(" (to date)", "")


def _characteristics(b: Builder) -> Section:
    # age, sex and time in care at each quarter end beside the years before (Kirklees and Sandwell split
    # these by quarter); the chosen year's column is 31 March, as its last quarter's is
    age = b.breakdown_quarter_table("Children looked after by age at 31 March and each quarter end",
                                    "A3.by_age_band", "age_band", "Age", history=True, with_share=True)
    sex = b.breakdown_quarter_table("Children looked after by sex at 31 March and each quarter end", "A4.by_sex",
                                    "sex", "Sex", history=True, with_share=True)
    ethnicity = b.breakdown_trend_table("Children looked after by ethnic group at 31 March", "A5.by_ethnicity",
                                        "ethnic_group", "Ethnic group (DfE major groups)")
    local = b.share_table(f"Children looked after by ethnicity, the council's grouping, 31 March "
                          f"{b.data.year.end.year}", "A5.by_ethnicity", "local_ethnic_group", "Ethnicity")
    # the detailed DfE codes under their major groups, number and share each year (York's Table 10)
    codes = b.share_trend_table("Children looked after by DfE ethnicity code at 31 March", b.nested_lines(
        "A5.by_ethnicity", "ethnic_group", "ethnicity_code", "{group} (all codes)"), "Ethnicity (DfE code)",
        notes=["The DfE's ethnicity codes under its major groups; each group's line is the sum of its codes."])
    # each quarter end beside the years before, with each status's share (Sandwell's Table 14)
    legal = b.breakdown_quarter_table("Children looked after by legal status at 31 March and each quarter end",
                                      "A6.by_legal_status", "legal_status_group", "Legal status", history=True,
                                      with_share=True)
    legal_detail = b.share_table(f"Legal status in detail, 31 March {b.data.year.end.year}", "A6.by_legal_status",
                                 "legal_status", "Legal status (LS code)")
    length = b.breakdown_quarter_table("Children looked after by time in care at 31 March and each quarter end",
                                       "A7.by_length_of_care", "length_of_care_band",
                                       "Time in the current period of care", history=True, with_share=True)
    chart = b.year_trend_chart("Children looked after by legal status at 31 March", [
        (value, "A6.by_legal_status", ("legal_status_group", value))
        for value in b.data.breakdown_values("A6.by_legal_status", "legal_status_group")[:4]],
        y_label="Children")
    return Section("characteristics", "Who the children looked after are", (
        "Age in completed years, sex, ethnicity and legal status on the last day of each year, and how long "
        "the children had been in care; age, sex, legal status and time in care also on the last day of each "
        "quarter."), [age, sex, ethnicity, codes, local, legal, chart, legal_detail, length, Narrative(NARRATIVE_PROMPT)])


def _entries_and_exits(b: Builder) -> Section:
    starts = b.breakdown_quarter_table("Children starting to be looked after, by category of need",
                                       "B1.periods_of_care_started", "category_of_need", "Category of need",
                                       notes=["Counts periods of care: a child who came into care twice counts twice."])
    ends = b.breakdown_quarter_table("Children ceasing to be looked after, by reason", "B2.periods_of_care_ended",
                                     "reason_group", "Reason")
    # each reason episode ceased code under its group, each quarter beside the years before (York's Table
    # 19, Derby's reasons by quarter): "returned home" as E4A and E4B (to a person with parental
    # responsibility) and E13 (to one without it), the DfE code list's wording
    reasons = b.quarter_table("Children ceasing to be looked after, by reason episode ceased (DfE code)",
                              b.nested_lines("B2.periods_of_care_ended", "reason_group", "reason_code"),
                              "Reason ceased (REC code)", history=True, with_share=True, notes=[
        ("Counts periods of care. Returned home: E4A and E4B are returns to a parent, relative or other person "
         "with parental responsibility (as part of care planning, or not); E13 is leaving care to live with a "
         "parent, relative or other person without parental responsibility. Each group's line is the sum of "
         "its codes.")])
    trend = b.trend_table("Entries and exits over the years", [
        ("Periods of care started", "B1.periods_of_care_started"),
        ("Periods of care ended", "B2.periods_of_care_ended"),
    ] + [(f"Ended: {value}", "B2.periods_of_care_ended", ("reason_group", value))
         for value in b.data.breakdown_values("B2.periods_of_care_ended", "reason_group")])
    chart = b.year_trend_chart("Children starting and ceasing to be looked after", [
        ("Started", "B1.periods_of_care_started"), ("Ceased", "B2.periods_of_care_ended")],
        y_label="Periods of care", bars=True)
    leavers = b.trend_table("Care leavers aged 17 to 21", [
        ("In touch with the council", "B3.care_leavers_in_touch"),
        ("In suitable accommodation", "B3.care_leavers_in_suitable_accommodation"),
    ] + [(f"In suitable accommodation: {value.lower()}", "B3.care_leavers_in_suitable_accommodation",
          ("care_leaver_age", value))
         for value in b.data.breakdown_values("B3.care_leavers_in_suitable_accommodation", "care_leaver_age")],
        notes=[("Care leavers whose 17th to 21st birthday fell in the year (the DfE's OC3 cohort). Years near the "
               "start of the extract's history can miss young people who left care before it.")])
    return Section("entries_exits", "Entries and exits", (
        "Children starting and ceasing to be looked after in each quarter, why they came into care (the category "
        "of need when care began) and why care ended."), [starts, ends, reasons, trend, chart, leavers, b.comparison_table(
            "How the council compares: care leavers", ["B3.care_leavers_in_suitable_accommodation"]),
            Note("No national figure: the DfE publishes care leavers the council is not in touch with (a different "
                 "measure, which excludes those who no longer need a service), not those in touch."),
            Narrative(NARRATIVE_PROMPT)])


def _placements(b: Builder) -> Section:
    types = b.cross_table(f"Placements at 31 March {b.data.year.end.year} by type and provider",
                          "C1.placements_by_type_and_provider", "placement_group", "provider_group", "Placement type")
    # placement types at each quarter end beside the years before (Sandwell's Table 16)
    type_quarters = b.breakdown_quarter_table("Placements by type at 31 March and each quarter end",
                                              "C1.placements_by_type_and_provider", "placement_group",
                                              "Placement type", history=True, with_share=True)
    location = b.trend_table("Where children live (at 31 March)", [
        (value, "C2.placement_distance", ("placement_distance", value))
        for value in b.data.breakdown_values("C2.placement_distance", "placement_distance")
    ] + [(value, "C2.placement_location", ("placement_location", value))
         for value in b.data.breakdown_values("C2.placement_location", "placement_location")],
        row_header="Children looked after")
    stability = b.quarter_table("Placement stability at 31 March and each quarter end", [
        ("Children with 3 or more placements in the 12 months", "C3.three_or_more_placements"),
        ("Children under 16 in care 2.5 years or more, in the same placement for 2 years",
         "C4.long_term_stability"),
        ("Placement moves during the period", "C5.placement_moves"),
    ], history=True, notes=[("Placements are counted from care episodes; temporary placements (respite, holidays, "
                             "hospital) are not counted, and a move with the same carers does not break a stable "
                             "placement. At a quarter end, 3 or more placements counts the 12 months to that day; "
                             "placement moves are those in the quarter.")])
    chart = b.year_trend_chart("Placement stability", [
        ("3 or more placements in the year", "C3.three_or_more_placements"),
        ("Same placement for 2 years (in care 2.5 years+, under 16)", "C4.long_term_stability")],
        y_label="% of children", percent=True)
    moves = b.breakdown_trend_table("Children looked after during the year by number of placement moves",
                                    "C5.children_by_moves", "placement_moves", "Moves in the year")
    return Section("placements", "Placements", (
        "The type and provider of children's placements on the last day of the year (the type also at each "
        "quarter end), how far from home they live, and how stable their placements are."), [
            types, type_quarters, location, stability, b.comparison_table(
            "How the council compares: placement stability", ["C3.three_or_more_placements",
                                                              "C4.long_term_stability"]),
            chart, moves, Narrative(NARRATIVE_PROMPT)])


def _reviews(b: Builder) -> Section:
    quarters = b.quarter_table("Looked-after reviews by quarter", [
        ("Reviews held", "D1.reviews_held"),
        ("Reviews due and held on time", "D2.reviews_on_time"),
    ] + [(f"On time: {value.split(' (')[0].lower()}", "D2.reviews_on_time", ("review_sequence", value))
         for value in b.data.breakdown_values("D2.reviews_on_time", "review_sequence")] + [
        ("Children whose reviews were all on time", "D2.children_with_all_reviews_on_time"),
    ], notes=[("A review is on time when held on or before its due date: the first within 20 working days of "
              "coming into care, the second within 3 months of the first, then every 6 months. A review that "
              "fell due and was not held by its due date is late. Per child: children looked after for at "
              "least 4 weeks at the end of the period; one late review makes all of a child's reviews late.")])
    trend = b.trend_table("Reviews over the years", [
        ("Reviews held", "D1.reviews_held"),
        ("Reviews due that were held on time", "D2.reviews_on_time"),
        ("Children whose reviews were all on time", "D2.children_with_all_reviews_on_time"),
    ])
    options = {}
    if b.data.review_target_percent is not None:
        options = {"target": b.data.review_target_percent,
                   "target_label": f"Local target {b.data.review_target_percent:.0f}%"}
    chart = b.year_trend_chart("Review timeliness", [
        ("Reviews on time", "D2.reviews_on_time"),
        ("Children with all reviews on time", "D2.children_with_all_reviews_on_time")],
        y_label="%", percent=True, **options)
    target = []
    if b.data.review_target_percent is not None:
        on_time = b.cell("D2.reviews_on_time", b.data.year.period_id)
        on_time.show_n = True
        met = on_time.value is not None and on_time.value >= b.data.review_target_percent
        opening = (f"The council's target: {b.data.review_target_percent:.0f}% of reviews held on time. "
                   f"In {b.data.year.label}, ")
        target = [Sentence([opening, on_time, " were on time: "
                            + ("the target was met." if met else "below the target.")])]
    late = b.cross_table(f"Late reviews in {b.data.year.label} by review and lateness", "D2.late_reviews",
                         "review_sequence", "lateness", "Review")
    return Section("reviews", "Reviews and their timeliness", (
        "Statutory reviews of each child's care plan, chaired by the IRO, and whether they were held when "
        "the regulations require."), [quarters, trend, *target, chart, late, NO_NATIONAL_FIGURE["reviews"],
                                      Narrative(NARRATIVE_PROMPT)])


def _participation(b: Builder) -> Section:
    # each PN code under its group, number and share of the reviews held each year (York's Table 5,
    # Sandwell's Table 4); the group lines are the mart's groups, the sums of their codes
    codes = b.share_trend_table("How children took part in their reviews (PN code)", b.nested_lines(
        "D3.participation", "participation_group", "participation_code"), "Participation (PN code)", notes=[
        ("Looked-after reviews held in each year by the DfE's participation code, under the report's groups; "
         "each group's line is the sum of its codes and each percentage is of all reviews held that year.")])
    rate = b.trend_table("Participation rate", [
        ("Children aged 4 or over who took part (PN1-PN6 of PN1-PN7)", "D3.participation_rate"),
        ("Reviews chaired or co-chaired by the child", "D4.chaired_by_child"),
    ])
    chart = b.year_trend_chart("Participation in reviews (children aged 4 or over)", [
        ("Participation rate", "D3.participation_rate")], y_label="%", percent=True)
    seen = b.breakdown_quarter_table("Children seen by their IRO before the review", "D5.seen_before_review",
                                     "child_seen", "Seen by the IRO before the review", history=True)
    return Section("participation", "Children's participation", (
        "How children took part in their reviews (the DfE's PN codes; PN0 means the child was under 4), "
        "whether they chaired their own review, and whether the IRO saw them beforehand."),
        [codes, rate, chart, seen, NO_NATIONAL_FIGURE["participation"], Narrative(NARRATIVE_PROMPT)])


def _review_quality(b: Builder) -> Section:
    records = b.quarter_table("Review records distributed within 20 working days", [
        ("Records distributed within 20 working days", "D6.records_distributed_in_time")])
    # n of N each quarter beside the years before (York's Tables 14 and 17, Sandwell's Table 8)
    trend = b.quarter_table("Permanence and the IRO's view of the care plan", [
        ("Records distributed within 20 working days", "D6.records_distributed_in_time"),
        ("Permanence plan agreed by the second review", "D7.permanence_plan_by_second_review"),
        ("Reviews where the legal status was not appropriate", "D8.legal_status_not_appropriate"),
        ("Reviews where the placement did not meet the child's needs", "D8.placement_not_meeting_needs"),
    ], history=True, show_n=True)
    care_plan = b.breakdown_quarter_table("The IRO's rating of the care plan", "D8.care_plan_quality", "rating",
                                          "Rating", history=True)
    parenting = b.breakdown_quarter_table("The IRO's rating of corporate parenting",
                                          "D8.corporate_parenting_quality", "rating", "Rating", history=True)
    # the priority IROs give each case for tracking it between reviews (Derby's "case tracking")
    tracking = b.breakdown_quarter_table("Children looked after by tracking priority at 31 March and each quarter end",
                                         "D8.children_by_tracking_priority", "tracking_priority", "Tracking priority",
                                         history=True, with_share=True, notes=[
        ("The priority (high, medium or low) the IRO recorded at the child's latest review in their current period "
         "of care, for tracking the case between reviews; not recorded when there has been no review yet.")])
    return Section("review_quality", "Review records and quality assurance", (
        "Whether review records reach children, families and professionals in time, and what IROs recorded "
        "about each child's plan at the review."), [records, trend, care_plan, parenting, tracking,
                                                Narrative(NARRATIVE_PROMPT)])


def _disputes(b: Builder) -> Section:
    lines = []
    for level in b.data.breakdown_values("E4.disputes_raised", "level", "case_type"):
        for case_type in b.data.breakdown_2_values("E4.disputes_raised", "case_type"):
            lines.append((f"{level}: {case_type.lower()}", "E4.disputes_raised", ("level", level),
                          ("case_type", case_type)))
    lines.append(("All disputes raised", "E4.disputes_raised", TOTAL, TOTAL, True))
    quarters = b.quarter_table("Disputes raised by IROs by level and case type", lines, notes=[
        ("The dispute resolution process: IROs raise a dispute informally first, then formally through up to four "
        "stages, and may refer a case to Cafcass.")])
    reasons = b.breakdown_trend_table("Disputes raised by reason", "E4.disputes_raised", "reason", "Reason")
    stages = b.breakdown_trend_table("Disputes raised by the stage they reached", "E4.disputes_raised",
                                     "stage_reached", "Stage reached")
    stage_by_case_type = _stage_by_case_type(b)
    outcome = b.trend_table("Resolution", [
        ("Disputes raised", "E4.disputes_raised"),
        ("Resolved within 20 working days", "E4.resolved_within_20_working_days"),
        ("Open at 31 March", "E4.open_at_period_end"),
    ])
    chart = b.year_trend_chart("Disputes raised by IROs", [
        (value, "E4.disputes_raised", ("level", value))
        for value in b.data.breakdown_values("E4.disputes_raised", "level")] or
        [("Disputes raised", "E4.disputes_raised")], y_label="Disputes", bars=True)
    return Section("disputes", "Disputes and escalations", (
        "Where an IRO is concerned about a child's plan or the service they receive, they raise it through the "
        "dispute resolution process (also called quality assurance notifications or escalations)."),
        [quarters, reasons, stages, stage_by_case_type, outcome, chart, NO_NATIONAL_FIGURE["disputes"],
         Narrative(NARRATIVE_PROMPT)])


def _stage_by_case_type(b: Builder) -> Table:
    """The stage disputes raised in the year reached, by case type (Derby's dispute table): the mart's
    stage-by-case-type cells, with each stage's and each case type's own totals as the margins."""
    year = b.data.year.period_id
    measure = "E4.disputes_raised"
    case_types = b.data.breakdown_2_values(measure, "case_type")
    rows = [Row(stage, [b.cell(measure, year, ("stage_reached", stage), ("case_type", case_type))
                        for case_type in case_types] + [b.cell(measure, year, ("stage_reached", stage))])
            for stage in b.data.breakdown_values(measure, "stage_reached", "case_type")]
    rows.append(Row("Total", [b.cell(measure, year, ("case_type", case_type)) for case_type in case_types]
                    + [b.cell(measure, year)], is_total=True))
    return b._table(f"Disputes raised in {b.data.year.label} by the stage they reached and case type",
                    "Stage reached", case_types + ["Total"], rows, [measure])


def _health(b: Builder) -> Section:
    table = b.trend_table("Health of children looked after for 12 months or more", [
        ("Annual health assessment", "F1.health_assessment"),
        ("Dental check", "F2.dental_check"),
        ("Immunisations up to date", "F3.immunisations"),
        ("Development checks up to date (under 5)", "F4.development_checks"),
        ("SDQ score recorded (aged 4 to 16)", "F5.sdq_completed"),
        ("Average SDQ score", "F5.sdq_average_score"),
        ("Identified as having a substance misuse problem", "F6.substance_misuse"),
        ("Convicted or cautioned in the year (aged 10 or over)", "F7.convicted_or_cautioned"),
        ("Personal education plan up to date (school age)", "F8.pep_up_to_date"),
    ], notes=[("Children looked after continuously for 12 months or more at 31 March, short breaks excluded (the "
              "DfE's OC2 cohort). The SDQ score runs from 0 to 40; a higher score means more difficulties.")])
    sdq = b.breakdown_trend_table("Strengths and difficulties questionnaire scores", "F5.sdq_score_bands",
                                  "sdq_band", "Score")
    chart = b.year_trend_chart("Health checks of children in care 12 months or more", [
        ("Health assessment", "F1.health_assessment"), ("Dental check", "F2.dental_check"),
        ("Immunisations", "F3.immunisations")], y_label="%", percent=True)
    return Section("health", "Health", (
        "Health assessments, dental checks, immunisations and emotional wellbeing of children who had been "
        "looked after for a year or more at 31 March."), [table, b.comparison_table(
            "How the council compares: health", ["F1.health_assessment", "F2.dental_check", "F3.immunisations",
                                                 "F4.development_checks", "F5.sdq_completed", "F5.sdq_average_score",
                                                 "F6.substance_misuse", "F7.convicted_or_cautioned"]),
            chart, sdq, Narrative(NARRATIVE_PROMPT)])


def _child_protection(b: Builder) -> Section:
    # each quarter beside the years before (Kirklees and York report child protection by quarter)
    trend = b.quarter_table("Child protection by quarter", [
        ("Children subject to a plan at the period end", "G1.children_on_plans"),
        ("Per 10,000 children aged under 18", "G1.rate_per_10000"),
        ("Plans started", "G3.plans_started"),
        ("Plans ended", "G3.plans_ended"),
        ("Section 47 enquiries completed that led to an initial conference", "G4.section_47_enquiries_to_conference"),
        ("Initial conferences held", "G4.initial_conferences", ("conference_type", "Initial conference")),
        ("Transfer-in conferences held", "G4.initial_conferences", ("conference_type", "Transfer-in conference")),
        ("Initial conferences within 15 working days of the strategy discussion", "G4.initial_conferences_in_time"),
        ("Initial conferences not resulting in a plan", "G4.initial_conferences_without_plan"),
        ("Review conferences held", "G5.review_conferences"),
        ("Review conferences on time", "G5.review_conferences_on_time"),
        ("Plans that were a second or later plan", "G6.second_or_subsequent_plans"),
        ("Plans starting within 2 years of a previous plan", "G6.second_plans_within_two_years"),
        ("Plans ended that had lasted 2 years or more", "G7.ended_plans_lasting_two_years"),
    ], history=True, notes=[("Other councils' temporary plans for children staying in the area are not counted. "
                             "Children on a plan are counted on the last day of each year and quarter; plans, "
                             "enquiries and conferences in the period.")])
    meetings = b.quarter_table("Child protection conferences: children and meetings", [
        ("Initial conferences: children", "G4.initial_conferences", ("conference_type", "Initial conference")),
        ("Initial conferences: meetings", "G5.conference_meetings", ("conference_type", "Initial conference")),
        ("Transfer-in conferences: children", "G4.initial_conferences",
         ("conference_type", "Transfer-in conference")),
        ("Transfer-in conferences: meetings", "G5.conference_meetings",
         ("conference_type", "Transfer-in conference")),
        ("Review conferences: children", "G5.review_conferences"),
        ("Review conferences: meetings", "G5.conference_meetings", ("conference_type", "Review conference")),
        ("All conference meetings", "G5.conference_meetings"),
    ], history=True, notes=[("A conference is counted once for each child it was held for, and once as a meeting: "
                             "brothers and sisters conferenced together are one meeting. A meeting that was one "
                             "child's initial conference and another's review is one meeting in all.")])
    chart = b.year_trend_chart("Children subject to a child protection plan at 31 March", [
        ("Children on a plan", "G1.children_on_plans")], y_label="Children", bars=True)
    category = b.cross_table(f"Children on a plan at 31 March {b.data.year.end.year} by category and age",
                             "G2.by_category_and_age", "category", "age_band", "Category of abuse")
    sex = b.share_table(f"Children on a plan by sex, 31 March {b.data.year.end.year}", "G2.by_sex", "sex", "Sex")
    ethnicity = b.share_table(f"Children on a plan by ethnic group, 31 March {b.data.year.end.year}",
                              "G2.by_ethnicity", "ethnic_group", "Ethnic group")
    disability = b.trend_table("Children on a plan with a disability (at 31 March)", [
        ("Children on a plan with a disability recorded", "G2.children_with_a_disability")], show_n=True, notes=[
        ("A disability is any of the DfE's disability codes in the child's disability records; the records carry "
         "no dates, so one recorded at any time counts.")])
    length = b.breakdown_trend_table("Plans open at 31 March by length", "G7.open_plans_by_length", "plan_length",
                                     "Length of the plan")
    return Section("child_protection", "Child protection", (
        "IROs in many councils also chair child protection conferences. These are the children subject to a "
        "child protection plan and the conferences held for them."),
        [trend, meetings, b.comparison_table("How the council compares: child protection", [
            "G1.rate_per_10000", "G4.initial_conferences_in_time", "G6.second_or_subsequent_plans",
            "G7.ended_plans_lasting_two_years", "G7.open_plans_by_length"]),
         chart, category, sex, ethnicity, disability, length, Narrative(NARRATIVE_PROMPT)])


def _definitions(b: Builder) -> Section:
    rows = []
    for measure in b.data.measures.values():
        text = measure.definition
        if not measure.is_available:
            text += f" ({measure.unavailable_reason}.)"
        rows.append(Row(f"{measure.kpi_id} {measure.label}", [Cell(None, "text", text=text)]))
    table = b._table("Definitions of the figures", "Figure", ["What it counts"], rows, [])
    return Section("definitions", "Definitions", (
        "How each figure is counted, in plain words. Where each comes from in the case-management system is in "
        "the appendix."), [table])


def _lineage(b: Builder) -> Section:
    rows = [Row(f"{measure.kpi_id} {measure.label}", [
        Cell(None, "text", text=measure.numerator_definition or "–"),
        Cell(None, "text", text=measure.denominator_definition or "–"),
        Cell(None, "text", text=f"{measure.source_tables}; marts.fct_kpi_values measure {measure.measure_id}")])
        for measure in b.data.measures.values()]
    table = b._table("Where each figure comes from", "Figure", ["Counted (numerator)", "Out of (denominator)",
                                                                 "Source tables and warehouse measure"], rows, [])
    return Section("lineage", "Appendix: technical lineage", (
        "For analysts and auditors: the extract tables each figure is computed from and its measure in the "
        "warehouse (marts.fct_kpi_values), so that any figure can be traced and recomputed."), [table])
