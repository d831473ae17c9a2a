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
    # the parts ("value", "numerator", "denominator") the public version hides: small themselves, or
    # withheld so that a small figure elsewhere in the document cannot be worked out (disclosure.protect)
    hidden: frozenset = frozenset()
    small: bool = False  # the value is hidden because it is small itself (shown "<5" if a count)
    show_n: bool = False  # a percentage shown with what it is built on: "76.8% (189 of 246)"
    # unit "change": the change between two cells of the same row (this year, last year), shown only when
    # both are; unit "comparator": a published figure (marts.fct_kpi_comparators), not the council's
    change_of: tuple | None = None
    comparator: object | None = None
    # a caveat beside the figure (issue 12 adds marts.fct_kpi_values.caveat): shown as a note marker
    caveat: str | None = None

    @property
    def is_percent(self) -> bool:
        return self.unit == "percent"

    @property
    def withheld(self) -> bool:
        """Hidden in the public version although not small itself (secondary suppression)."""
        return "value" in self.hidden and not self.small


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
    """A chart holds the cells it plots, so that it plots and describes exactly what the tables show: a
    point hidden in the public version is left out of the line or bar and marked "[c]"."""

    kind = "chart"
    key: str
    title: str
    x_labels: list[str]
    series: list[tuple[str, list[Cell]]]
    style: str = "line"  # line or bar
    y_label: str = ""
    percent: bool = False
    options: dict = field(default_factory=dict)  # band, band_label, target, target_label, sparse_ticks
    description_labels: list[str] | None = None  # the x labels as the alternative text says them


@dataclass
class Note:
    kind = "note"
    text: str


@dataclass
class Sentence:
    """Words around figures ("In 2025-26, 91.2% (1,234 of 1,353) were on time"): the figures are cells, so a
    sentence says what the tables say and hides what they hide."""

    kind = "sentence"
    parts: list  # str or Cell

    def text(self, *, public: bool) -> str:
        return "".join(part if isinstance(part, str) else display(part, public=public, threshold=0)
                       for part in self.parts)


@dataclass
class KeyMessages:
    """The front sheet's key messages: sentences generated from the figures."""

    kind = "key_messages"
    sentences: list  # Sentence


@dataclass
class Narrative:
    """A box for the service manager's words: a prompt, or default text the council edits (the legal
    context), under a label."""

    kind = "narrative"
    prompt: str
    label: str = "Commentary"
    default_text: str | None = None  # words written in the box (editable), rather than a prompt


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
    # what a reader could add up or subtract (disclosure.Relation), and each figure's internal value, kept
    # so that the public version can be protected as a whole document
    relations: list = field(default_factory=list, repr=False)
    figure_values: dict = field(default_factory=dict, repr=False)
    front: list = field(default_factory=list)  # front-sheet blocks (key figures, key messages)
    extract_day: object = None  # the extract's date as a date (Excel writes it as one)
    # lib/data_label.SyntheticLabel when the extract is synthetic: every page, sheet and file name says so
    synthetic_label: object = None

    @property
    def tables(self) -> list[Table]:
        return [block for section in self.sections for block in section.blocks if isinstance(block, Table)]

    @property
    def charts(self) -> list[Chart]:
        return [block for section in self.sections for block in section.blocks if isinstance(block, Chart)]

    def cells(self) -> list[Cell]:
        """Every cell the document shows: tables (the front sheet's too) and chart points."""
        found = []
        for block in self.front + [block for section in self.sections for block in section.blocks]:
            if isinstance(block, Table):
                found += [cell for row in block.rows for cell in row.cells]
            elif isinstance(block, Chart):
                found += [cell for _, cells in block.series for cell in cells]
            elif isinstance(block, Sentence):
                found += [part for part in block.parts if isinstance(part, Cell)]
            elif isinstance(block, KeyMessages):
                found += [part for sentence in block.sentences for part in sentence.parts if isinstance(part, Cell)]
        return found


def is_small(cell: Cell, threshold: int) -> bool:
    """A count of 1 to threshold-1 children (or a percentage built on one) could identify a child. The
    internal version highlights these; the public version hides them (and more: see `is_hidden`)."""
    if not cell.available or cell.unit in ("text", "number", "ratio", "average", "change", "comparator"):
        return False
    counts = [cell.value] if cell.unit == "count" else [cell.numerator, cell.denominator]
    return any(count is not None and 0 < count < threshold for count in counts)


def is_hidden(cell: Cell, part: str = "value") -> bool:
    return part in cell.hidden


def display(cell: Cell, *, public: bool, threshold: int) -> str:
    """How a cell reads in the HTML and Word documents (and, for a hidden one, in Excel)."""
    if cell.unit == "text":
        return cell.text or ""
    if cell.unit == "change":
        return change_text(cell, public)
    if cell.unit == "comparator":
        return comparator_text(cell)
    if not cell.available:
        return NOT_AVAILABLE
    if cell.value is None:
        # a percentage of nothing (no children to count) is not 0%
        return "–"
    if public and is_hidden(cell):
        return suppressed_text(cell)
    text = plain_number(cell.value, cell.unit)
    if cell.show_n and cell.unit == "percent" and cell.numerator is not None and cell.denominator is not None:
        text += f" ({n_text(cell.numerator)} of {n_text(cell.denominator)})"
    return text


def n_text(number: float) -> str:
    """A percentage's n or N: a whole number of children, or a full-time equivalent to one decimal (8.5)."""
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.1f}"


def change_text(cell: Cell, public: bool) -> str:
    """"up 2.1 points" from last year to this; "[c]" when either is hidden (the change would give it away)."""
    now, before = cell.change_of
    if not (now.available and before.available) or now.value is None or before.value is None:
        return "–"
    if public and (is_hidden(now) or is_hidden(before)):
        return SUPPRESSED_RATE
    difference = round(now.value, 1) - round(before.value, 1)
    if abs(difference) < 0.05:
        return "no change"
    unit = " points" if now.unit == "percent" else ""
    return f"{'up' if difference > 0 else 'down'} {abs(difference):,.1f}{unit}"


def comparator_text(cell: Cell) -> str:
    """A published figure: whole percentages as the DfE gives them; a neighbours' average to one decimal,
    with how many neighbours it is over when not all had a figure; the DfE's symbol when there is none."""
    comparator = cell.comparator
    if comparator is None:
        return cell.reason or "no national figure"
    if comparator.value is None:
        symbol = comparator.value_symbol or "x"
        return f"not published ({symbol})"
    text = f"{comparator.value:,.1f}".removesuffix(".0")
    if cell.text == "percent":
        text += "%"
    if comparator.neighbours_in_model and comparator.neighbours_with_figure != comparator.neighbours_in_model:
        text += f" ({comparator.neighbours_with_figure} of {comparator.neighbours_in_model})"
    return text


def plain_number(value: float, unit: str) -> str:
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit in ("rate_per_10000", "average", "ratio"):
        return f"{value:,.1f}"
    return f"{value:,.1f}".removesuffix(".0")


def suppressed_text(cell: Cell) -> str:
    """What a suppressed cell shows: "<5" for a small count; "[c]" for a percentage built on one and for a
    count withheld to protect one (saying "<5" of a count that is not small would be untrue)."""
    return SUPPRESSED_COUNT if cell.unit == "count" and cell.small else SUPPRESSED_RATE


def apply_protection(report: Report) -> int:
    """Hide, in every cell of the report, the parts the document-wide protection hides; returns how many
    figures were withheld to protect a small one (secondary suppression)."""
    from dagster_project.lib.report import disclosure

    cells = report.cells()
    relations = list(report.relations)
    for block in report.front + [block for section in report.sections for block in section.blocks]:
        if isinstance(block, Table):
            relations += disclosure.table_relations(block)
    values = dict(report.figure_values)
    for cell in cells:
        for part, key in disclosure.part_keys(cell).items():
            number = disclosure.part_values(cell).get(part)
            if number is not None:
                values.setdefault(key, number)
    protection = disclosure.protect(cells, relations, values, report.small_number_threshold)
    for cell in cells:
        keys = disclosure.part_keys(cell)
        cell.hidden = frozenset(part for part, key in keys.items() if key in protection.hidden)
        cell.small = "value" in cell.hidden and keys["value"] in protection.primary
    # a share or a numerator hidden with its count is not another figure withheld
    return sum(key[4] == "value" for key in protection.secondary)


def protect_table(table: Table, threshold: int) -> int:
    """Protection of one table on its own (what the page shows adding up): for hand-made cases."""
    report = Report(title="", la_name="", collection_year="", year_label="", extract_date="", is_public=True,
                    small_number_threshold=threshold, sections=[Section("s", "", "", [table])], unavailable=[])
    return apply_protection(report)
