"""One figure under two names (disputes at the informal level and disputes whose stage reached is "informal
only") must be hidden in both places, or the one shown gives the other away. Hand-made cases."""

from dagster_project.lib.report.content import same_figure_relations
from dagster_project.lib.report.model import Cell, Report, Row, Section, Table, apply_protection, display

THRESHOLD = 5
DISPUTES = "E4.disputes_raised"


def row(value):
    return {"unit": "count", "value": value}


def test_two_names_with_the_same_figure_in_every_period_are_related_and_nothing_else_is():
    # Informal level and "informal only" stage: 50 and 12 in the two periods, for looked-after children, both
    # ways: related. Formal stage 1 and formal stage 2 are equal (3, 3) but are two categories of one
    # breakdown: not related. "Formal" level and "formal stage 1" agree in 2025-26 (3) but not in 2024-25
    # (4 and 3): not related. A category that is 0 everywhere says nothing: not related.
    looked_after = ("case_type", "Looked after")
    rows = {}
    for period, informal, formal, stage_1, stage_2 in (("2024-25", 50, 4, 3, 3), ("2025-26", 12, 3, 3, 3)):
        rows[(period, DISPUTES, "level", "Informal", *looked_after)] = row(informal)
        rows[(period, DISPUTES, "stage_reached", "Informal only", *looked_after)] = row(informal)
        rows[(period, DISPUTES, "level", "Formal", *looked_after)] = row(formal)
        rows[(period, DISPUTES, "stage_reached", "Formal stage 1", *looked_after)] = row(stage_1)
        rows[(period, DISPUTES, "stage_reached", "Formal stage 2", *looked_after)] = row(stage_2)
        rows[(period, DISPUTES, "level", "Not recorded", *looked_after)] = row(0)
        rows[(period, DISPUTES, "stage_reached", "Not recorded", *looked_after)] = row(0)
    relations = same_figure_relations(rows, {"2024-25", "2025-26"})
    pairs = {(relation.total[1], relation.total[2], relation.parts[0][2]) for relation in relations}
    assert pairs == {
        ("2024-25", ("level", "Informal"), ("stage_reached", "Informal only")),
        ("2025-26", ("level", "Informal"), ("stage_reached", "Informal only")),
    }


def test_the_figure_hidden_under_one_name_is_hidden_under_the_other():
    # Table A gives disputes by level, informal 8 (no total). Table B gives stages: informal only 8, formal
    # stage 1 2 (small), total 10. B alone hides the 2 and withholds the 8 beside it; but A's 8 is the same
    # figure, and 10 - 8 = 2. With the relation A's 8 is withheld too.
    def cell(value, breakdown):
        return Cell(value=value, unit="count", measure_id=DISPUTES, period_id="2025-26", breakdown=breakdown)

    informal, informal_only, stage_1 = ("level", "Informal"), ("stage_reached", "Informal only"), (
        "stage_reached", "Formal stage 1")
    by_level = Table("T1", "Disputes by level", "Level", ["2025-26"], [Row("Informal", [cell(8, informal)])])
    by_stage = Table("T2", "Disputes by stage", "Stage", ["2025-26"], [
        Row("Informal only", [cell(8, informal_only)]),
        Row("Formal stage 1", [cell(2, stage_1)]),
        Row("Total", [cell(10, ("total", "Total"))], is_total=True),
    ])
    report = Report(title="", la_name="", collection_year="2025-26", year_label="", extract_date="",
                    is_public=True, small_number_threshold=THRESHOLD,
                    sections=[Section("s", "", "", [by_level, by_stage])], unavailable=[])
    report.relations = same_figure_relations({
        ("2025-26", DISPUTES, *informal, "total", "Total"): row(8),
        ("2025-26", DISPUTES, *informal_only, "total", "Total"): row(8),
    }, {"2025-26"})
    apply_protection(report)
    shown = [[display(cell, public=True, threshold=THRESHOLD) for row_ in table.rows for cell in row_.cells]
             for table in (by_level, by_stage)]
    assert shown == [["[c]"], ["[c]", "<5", "10"]]
