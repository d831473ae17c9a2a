"""Secondary suppression in the public report: a small number must not be recoverable from a total.

Hand-made tables; what each cell must show was worked out on paper.
"""

from dagster_project.lib.report.model import Cell, Row, Table, display, protect_table

THRESHOLD = 5


_made = iter(range(10_000))


def count(value, breakdown=None):
    """A count with a figure of its own (a different figure key from every other cell made here)."""
    breakdown = breakdown or ("cell", str(next(_made)))
    return Cell(value=value, unit="count", measure_id="M", period_id="2025-26", breakdown=breakdown)


def share(value, numerator, denominator, breakdown=("type", "x")):
    return Cell(value=value, unit="percent", numerator=numerator, denominator=denominator, measure_id="M",
                period_id="2025-26", breakdown=breakdown, mart_column="percent_of_total")


def shown(table):
    return [[row.label] + [display(cell, public=True, threshold=THRESHOLD) for cell in row.cells]
            for row in table.rows]


def test_a_lone_small_count_in_a_cross_table_takes_the_next_smallest_of_its_row_and_column_with_it():
    # A: 3 + 10 = 13; B: 20 + 30 = 50; totals 23, 40, 63.
    # Row A has one small count (3) beside its total 13: 10 is withheld. Then column 1 (3, 20 / 23) and
    # column 2 (10, 30 / 40) each hold one hidden figure: 20 and 30 are withheld. Now every row and column
    # has two hidden figures or none; the totals stay. (a + b = 13, a + c = 23, b + d = 40, c + d = 50 has
    # a solution for every a from 1 to 4: the 3 cannot be recovered.)
    table = Table("T1", "Placements", "Type", ["Own", "Private", "Total"], [
        Row("A", [count(3), count(10), count(13)]),
        Row("B", [count(20), count(30), count(50)]),
        Row("Total", [count(23), count(40), count(63)], is_total=True),
    ])
    assert protect_table(table, THRESHOLD) == 3
    assert shown(table) == [
        ["A", "<5", "[c]", "13"],
        ["B", "[c]", "[c]", "50"],
        ["Total", "23", "40", "63"],
    ]


def test_the_withheld_count_takes_its_share_of_the_total_with_it():
    # one year's column: X 2, Y 8, Z 15, total 25; shares 8%, 32%, 60%. X is small (and so its share);
    # Y, the smallest other, is withheld with its 32%; Z and the total stay.
    x, y, z = ("type", "x"), ("type", "y"), ("type", "z")  # a share is built on the count of its category
    table = Table("T2", "Children by type", "Type", ["2025-26", "% of 2025-26"], [
        Row("X", [count(2, x), share(8.0, 2, 25, x)]),
        Row("Y", [count(8, y), share(32.0, 8, 25, y)]),
        Row("Z", [count(15, z), share(60.0, 15, 25, z)]),
        Row("Total", [count(25, ("total", "Total")), share(100.0, 25, 25, ("total", "Total"))], is_total=True),
    ])
    assert protect_table(table, THRESHOLD) == 1
    assert shown(table) == [
        ["X", "<5", "[c]"],
        ["Y", "[c]", "[c]"],
        ["Z", "15", "60.0%"],
        ["Total", "25", "100.0%"],
    ]


def test_nothing_more_is_withheld_when_there_is_no_total_or_two_figures_are_already_hidden():
    no_total = Table("T3", "Reviews", "", ["2024-25", "2025-26"], [
        Row("Late", [count(3), count(12)]),
        Row("On time", [count(40), count(50)]),
    ])
    two_small = Table("T4", "Placements", "Type", ["Number"], [
        Row("A", [count(2)]), Row("B", [count(4)]), Row("C", [count(30)]),
        Row("Total", [count(36)], is_total=True),
    ])
    zeros = Table("T5", "Placements", "Type", ["Number"], [
        Row("A", [count(0)]), Row("B", [count(3)]), Row("C", [count(0)]),
        Row("Total", [count(3)], is_total=True),  # the total is small itself, so suppressed: nothing to subtract from
    ])
    for table in (no_total, two_small, zeros):
        assert protect_table(table, THRESHOLD) == 0, table.title
    assert shown(zeros) == [["A", "0"], ["B", "<5"], ["C", "0"], ["Total", "<5"]]

