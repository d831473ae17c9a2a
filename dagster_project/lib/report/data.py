"""Gathering the annual report's figures from the KPI marts.

Everything the report shows is a row of `marts.fct_kpi_values` (described by `marts.dim_kpi_measures`
over `marts.dim_reporting_periods`): this module only selects rows and looks them up. It computes
nothing: a percentage, a total or a share is read from the mart, never worked out here. No child-level
table is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from dagster_project.lib.data_label import SyntheticLabel, synthetic_label

TOTAL = ("total", "Total")


class ReportDataError(Exception):
    """The warehouse cannot produce the report asked for (no such year, no KPI marts)."""


@dataclass(frozen=True)
class Period:
    period_id: str
    period_type: str
    collection_year: str
    period_number: int
    label: str
    start: date
    end: date
    is_complete: bool


@dataclass(frozen=True)
class Measure:
    measure_id: str
    kpi_id: str
    section_id: str
    section_name: str
    kpi_name: str
    label: str
    unit: str
    definition: str
    numerator_definition: str
    denominator_definition: str
    source_tables: str
    is_available: bool
    unavailable_reason: str | None


@dataclass(frozen=True)
class Figure:
    """One row of fct_kpi_values, or its absence (a category that never occurred that period)."""

    measure_id: str
    period_id: str
    unit: str
    value: float | None
    numerator: float | None
    denominator: float | None
    percent_of_total: float | None
    is_available: bool
    unavailable_reason: str | None
    exists: bool = True
    caveat: str | None = None  # marts.fct_kpi_values.caveat, when the mart has the column


@dataclass(frozen=True)
class Comparator:
    """One published figure beside the council's own (a row of marts.fct_kpi_comparators)."""

    comparator_measure_id: str
    comparator_id: str  # england, region, council_published, neighbours_2021, neighbours_2025
    comparator_name: str
    label: str
    note: str | None
    year_label: str
    value: float | None
    value_symbol: str | None  # the DfE's symbol when it published no number (c, x, z, ...)
    neighbours_with_figure: int | None
    neighbours_in_model: int | None
    source_file: str
    source_row: int | None


@dataclass
class ReportData:
    collection_year: str
    la_code: str
    la_name: str
    extract_date: date
    years: list[Period]  # the chosen year last, up to four before it
    quarters: list[Period]  # of the chosen year
    months: list[Period]  # of all the years shown
    measures: dict[str, Measure]
    rows: dict[tuple, dict] = field(repr=False)
    categories: dict[tuple, list[tuple[str, int]]] = field(repr=False)
    review_target_percent: float | None = None
    small_number_threshold: int = 5
    # (measure_id, breakdown, mart_column) -> {comparator_id: Comparator} for the latest published year not
    # after the report's, and the same for the year before it (for the direction of travel)
    comparators: dict[tuple, dict[str, Comparator]] = field(default_factory=dict, repr=False)
    comparators_before: dict[tuple, dict[str, Comparator]] = field(default_factory=dict, repr=False)
    # "synthetic data: not Derby's figures" on every page, sheet and file name when the extract is synthetic
    label: SyntheticLabel | None = None

    @property
    def year(self) -> Period:
        return self.years[-1]

    def figure(self, measure_id: str, period_id: str, breakdown: tuple[str, str] = TOTAL,
               breakdown_2: tuple[str, str] = TOTAL) -> Figure:
        measure = self.measures[measure_id]
        row = self.rows.get((period_id, measure_id, *breakdown, *breakdown_2))
        if row is None:
            if not measure.is_available:
                return Figure(measure_id, period_id, measure.unit, None, None, None, None, False,
                              measure.unavailable_reason, exists=False)
            # an available count with no row for the category: the category did not occur then
            return Figure(measure_id, period_id, measure.unit, None, None, None, None, True, None, exists=False)
        return Figure(measure_id, period_id, row["unit"], row["value"], row["numerator"], row["denominator"],
                      row["percent_of_total"], row["is_available"], row["unavailable_reason"],
                      caveat=row.get("caveat"))

    def breakdown_values(self, measure_id: str, breakdown_name: str, breakdown_2_name: str = "total",
                         ) -> list[str]:
        """The categories of a breakdown in their order, as the mart holds them for the years shown."""
        return [value for value, _ in self.categories.get((measure_id, breakdown_name, breakdown_2_name), [])]

    def breakdown_2_values(self, measure_id: str, breakdown_2_name: str) -> list[str]:
        return [value for value, _ in self.categories.get((measure_id, "second", breakdown_2_name), [])]

    def nested_values(self, measure_id: str, breakdown_name: str, breakdown_2_name: str) -> list[tuple[str, list[str]]]:
        """Each group of a cross-tabulation whose second breakdown is a finer coding of the first (a DfE
        major ethnic group and its ethnicity codes), with its codes in order, as the mart holds them."""
        pairs = {(key[3], key[5]) for key in self.rows
                 if key[1] == measure_id and key[2] == breakdown_name and key[4] == breakdown_2_name}
        codes = self.breakdown_2_values(measure_id, breakdown_2_name)
        return [(group, [code for code in codes if (group, code) in pairs])
                for group in self.breakdown_values(measure_id, breakdown_name, breakdown_2_name)]


def load(con: duckdb.DuckDBPyConnection, collection_year: str, history_years: int = 4) -> ReportData:
    """The figures of one collection year's report and of the years before it (up to history_years)."""
    tables = {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
    missing = {"fct_kpi_values", "dim_kpi_measures", "dim_reporting_periods"} - tables
    if missing:
        raise ReportDataError(f"The warehouse has no KPI marts ({', '.join(sorted(missing))}): run the nightly job.")
    periods = [Period(*row) for row in con.execute(
        "select period_id, period_type, collection_year, period_number, period_label, period_start, period_end, "
        "is_complete from marts.dim_reporting_periods order by period_start, period_type desc").fetchall()]
    years_all = [p for p in periods if p.period_type == "year"]
    if collection_year not in {p.collection_year for p in years_all}:
        covered = ", ".join(p.collection_year for p in years_all) or "none"
        raise ReportDataError(f"The warehouse does not cover {collection_year} (it covers {covered}).")
    index = [p.collection_year for p in years_all].index(collection_year)
    years = years_all[max(0, index - history_years): index + 1]
    shown = {p.collection_year for p in years}
    quarters = [p for p in periods if p.period_type == "quarter" and p.collection_year == collection_year]
    months = [p for p in periods if p.period_type == "month" and p.collection_year in shown]

    measures = {}
    for row in con.execute(
            "select measure_id, kpi_id, section_id, section_name, kpi_name, measure_label, unit, definition, "
            "numerator_definition, denominator_definition, source_tables, is_available, unavailable_reason "
            "from marts.dim_kpi_measures order by kpi_id, display_order").fetchall():
        measures[row[0]] = Measure(*row)

    period_ids = [p.period_id for p in years + quarters + months]
    columns = ["period_id", "measure_id", "breakdown_name", "breakdown_value", "breakdown_order",
               "breakdown_2_name", "breakdown_2_value", "breakdown_2_order", "unit", "value", "numerator",
               "denominator", "percent_of_total", "is_available", "unavailable_reason"]
    # a caveat beside a figure (e.g. "the extract's history starts mid-year") once the mart carries one
    if con.execute("select count(*) from information_schema.columns where table_schema = 'marts' "
                   "and table_name = 'fct_kpi_values' and column_name = 'caveat'").fetchone()[0]:
        columns.append("caveat")
    frame = con.execute(
        f"select {', '.join(columns)} from marts.fct_kpi_values "
        f"where period_id in ({', '.join('?' for _ in period_ids)})", period_ids).fetchall()
    rows: dict[tuple, dict] = {}
    orders: dict[tuple, dict[str, int]] = {}
    for values in frame:
        row = dict(zip(columns, values))
        rows[(row["period_id"], row["measure_id"], row["breakdown_name"], row["breakdown_value"],
              row["breakdown_2_name"], row["breakdown_2_value"])] = row
        if row["breakdown_name"] != "total":
            key = (row["measure_id"], row["breakdown_name"], row["breakdown_2_name"])
            orders.setdefault(key, {})[row["breakdown_value"]] = row["breakdown_order"]
        if row["breakdown_2_name"] != "total":
            key = (row["measure_id"], "second", row["breakdown_2_name"])
            orders.setdefault(key, {})[row["breakdown_2_value"]] = row["breakdown_2_order"]
    categories = {key: sorted(values.items(), key=lambda item: (item[1], item[0])) for key, values in orders.items()}

    manifest = con.execute("select la_code, la_name, extract_date from staging.stg_extract__manifests").fetchone()
    target = None
    threshold = 5
    try:
        # the settings in force tonight (shipped default or the council's own): marts.dim_council_settings
        settings = dict(con.execute("select setting_name, setting_value from marts.dim_council_settings").fetchall())
        target = float(settings["review_timeliness_target_percent"]) if settings.get("review_timeliness_target_percent") else None
        threshold = int(settings["small_number_threshold"])
    except duckdb.Error:
        pass
    comparators, before = ({}, {}) if "fct_kpi_comparators" not in tables else load_comparators(
        con, manifest[0], years[-1].end.year)
    return ReportData(collection_year=collection_year, la_code=manifest[0], la_name=manifest[1],
                      extract_date=manifest[2], years=years, quarters=quarters, months=months,
                      measures=measures, rows=rows, categories=categories,
                      review_target_percent=target, small_number_threshold=threshold,
                      comparators=comparators, comparators_before=before, label=synthetic_label(con))


def load_comparators(con: duckdb.DuckDBPyConnection, la_code: str, year_ending: int) -> tuple[dict, dict]:
    """The comparators of each figure for the latest published year ending no later than the report's
    (the DfE publishes a year after: a 2025-26 report compares with 2024-25), and for the year before."""
    found = con.execute(
        "select measure_id, breakdown_name, breakdown_value, mart_column, comparator_measure_id, comparator_id, "
        "comparator_name, comparator_label, comparability_note, year_label, value, value_symbol, "
        "neighbours_with_figure, neighbours_in_model, source_file, source_row, time_period "
        "from marts.fct_kpi_comparators where la_code = ? and time_period <= ? order by time_period",
        [la_code, year_ending]).fetchall()
    latest: dict[tuple, int] = {}
    for row in found:
        latest[(row[0], row[1], row[2], row[3])] = row[16]
    now: dict[tuple, dict] = {}
    before: dict[tuple, dict] = {}
    for row in found:
        measure = (row[0], row[1], row[2], row[3])
        key = (row[0], (row[1], row[2]), row[3])
        comparator = Comparator(*row[4:16])
        if row[16] == latest[measure]:
            now.setdefault(key, {})[row[5]] = comparator
        elif row[16] == latest[measure] - 1:
            before.setdefault(key, {})[row[5]] = comparator
    return now, before


def latest_complete_year(con: duckdb.DuckDBPyConnection) -> str:
    found = con.execute("select max(collection_year) from marts.dim_reporting_periods "
                        "where period_type = 'year' and is_complete").fetchone()
    if not found or not found[0]:
        raise ReportDataError("The warehouse holds no complete collection year yet.")
    return found[0]


def covered_years(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("select collection_year from marts.dim_reporting_periods "
                                      "where period_type = 'year' order by 1").fetchall()]
