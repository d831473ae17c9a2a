"""The annual report as a document, before it is written as HTML, Word or Excel.

A report is sections; a section holds tables, charts, notes and a blank narrative box for the manager.
Table cells keep the mart's numbers (value, numerator, denominator) so that every format writes the same
figures; how a number is shown (rounding, small-number suppression, "not available") is decided once,
here, by `display`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NOT_AVAILABLE = "not available"
SUPPRESSED_COUNT = "<5"
SUPPRESSED_RATE = "[c]"


@dataclass
class Cell:
    value: float | None
    unit: str  # count, percent, rate_per_10000, average, ratio, number, text
    numerator: float | None = None
    denominator: float | None = None
    available: bool = True
    reason: str | None = None
    text: str | None = None  # for unit == "text"
    # where the figure comes from in marts.fct_kpi_values (so that every format can be checked against it)
    measure_id: str | None = None
    period_id: str | None = None
    breakdown: tuple[str, str] | None = None
    breakdown_2: tuple[str, str] | None = None
    mart_column: str = "value"  # or percent_of_total for a category's share
    # withheld from the public version although not small itself, because a small number in the same row
    # or column could otherwise be worked out from the total (secondary suppression)
    withheld: bool = False

    @property
    def is_percent(self) -> bool:
        return self.unit == "percent"


@dataclass
class Row:
    label: str
    cells: list[Cell]
    is_total: bool = False


@dataclass
class Table:
    kind = "table"
    key: str  # short id, e.g. "T05"
    title: str
    row_header: str
    columns: list[str]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    measure_ids: list[str] = field(default_factory=list)

    @property
    def is_text(self) -> bool:
        """A table of words (the definitions), laid out for reading rather than for numbers."""
        return all(cell.unit == "text" for row in self.rows for cell in row.cells)


@dataclass
class Chart:
    kind = "chart"
    key: str
    title: str
    png: bytes
    description: str  # alternative text: what the chart shows, in words


@dataclass
class Note:
    kind = "note"
    text: str


@dataclass
class Narrative:
    kind = "narrative"
    prompt: str


@dataclass
class Section:
    key: str
    title: str
    intro: str
    blocks: list = field(default_factory=list)


@dataclass
class Report:
    title: str
    la_name: str
    collection_year: str
    year_label: str
    extract_date: str
    is_public: bool
    small_number_threshold: int
    sections: list[Section]
    unavailable: list[tuple[str, str]]  # (measure label, reason)

    @property
    def tables(self) -> list[Table]:
        return [block for section in self.sections for block in section.blocks if isinstance(block, Table)]

    @property
    def charts(self) -> list[Chart]:
        return [block for section in self.sections for block in section.blocks if isinstance(block, Chart)]


def is_small(cell: Cell, threshold: int) -> bool:
    """A count of 1 to threshold-1 children (or a percentage built on one) could identify a child; a
    withheld cell is treated as one."""
    if cell.withheld:
        return True
    if not cell.available or cell.unit in ("text", "number", "ratio", "average"):
        return False
    counts = [cell.value] if cell.unit == "count" else [cell.numerator, cell.denominator]
    return any(count is not None and 0 < count < threshold for count in counts)


def display(cell: Cell, *, public: bool, threshold: int) -> str:
    """How a cell reads in the HTML and Word documents."""
    if cell.unit == "text":
        return cell.text or ""
    if not cell.available:
        return NOT_AVAILABLE
    if cell.value is None:
        # a percentage of nothing (no children to count) is not 0%
        return "–"
    if public and is_small(cell, threshold):
        return suppressed_text(cell)
    if cell.unit == "count":
        return f"{cell.value:,.0f}"
    if cell.unit == "percent":
        return f"{cell.value:.1f}%"
    if cell.unit in ("rate_per_10000", "average", "ratio"):
        return f"{cell.value:,.1f}"
    return f"{cell.value:,.1f}".removesuffix(".0")


def suppressed_text(cell: Cell) -> str:
    """What a suppressed cell shows: "<5" for a small count; "[c]" for a percentage built on one and for a
    count withheld to protect one (saying "<5" of a count that is not small would be untrue)."""
    return SUPPRESSED_COUNT if cell.unit == "count" and not cell.withheld else SUPPRESSED_RATE


def withhold_to_protect_small_numbers(table: Table, threshold: int) -> int:
    """Secondary suppression for the public version: where a row or column adds up to a total shown in the
    table (a Total row; a last column named Total) and exactly one of its counts is suppressed, that count
    could be worked out by subtraction, so the smallest other non-zero count of the line is withheld too
    (and its share of the total in the same row). Repeated until no line has a lone suppressed count.
    Returns the number of counts withheld."""

    def is_count(cell: Cell) -> bool:
        return cell.unit == "count" and cell.available and cell.value is not None

    lines: list[tuple[list[Cell], Cell]] = []
    totals = [row for row in table.rows if row.is_total]
    members = [row for row in table.rows if not row.is_total]
    if totals:
        for index in range(len(table.columns)):
            lines.append(([row.cells[index] for row in members if index < len(row.cells)],
                          totals[-1].cells[index]))
    if table.columns and table.columns[-1] == "Total":
        lines += [(row.cells[:-1], row.cells[-1]) for row in table.rows]

    withheld = 0
    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            counts = [cell for cell in cells if is_count(cell)]
            if not is_count(total) or is_small(total, threshold):
                continue  # no total shown to subtract from
            if sum(is_small(cell, threshold) for cell in counts) != 1:
                continue
            others = [cell for cell in counts if not is_small(cell, threshold) and cell.value > 0]
            if not others:
                continue
            chosen = min(others, key=lambda cell: cell.value)
            chosen.withheld = True
            withheld += 1
            changed = True
            for row in table.rows:  # its share of the total would give it away
                for cell in row.cells:
                    if (cell.is_percent and cell.measure_id == chosen.measure_id
                            and cell.period_id == chosen.period_id and cell.breakdown == chosen.breakdown
                            and cell.breakdown_2 == chosen.breakdown_2):
                        cell.withheld = True
    return withheld
