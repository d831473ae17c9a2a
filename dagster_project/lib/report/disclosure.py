"""Disclosure control for the public report, across the whole document.

One model of what is shown. Every number the report displays is a part of a `Cell` (its value and, for a
percentage or rate, the numerator and denominator Excel prints beside it), and every part has a *figure
key*: (measure, period, breakdown, second breakdown, column). Tables, charts, their alternative text and
the key figures all hold cells, so a figure suppressed in one place is suppressed in every place: what is
hidden is a set of figure keys, not a set of table cells.

A small figure could still be worked out from what is shown, so the document also knows the *relations*
between figures that a reader could use:

- a breakdown adds up to its total (the mart's categories of one measure, period and other breakdown,
  where they really do add up: a child counted once per category);
- the four quarters of a flow add up to the year (where they do);
- a table's Total row or Total column adds up its lines (what the reader sees on the page);
- a share of the total is built on the count and the total; a percentage on its numerator and denominator.

`protect` hides, until none is left, every shown figure through which a small or suppressed figure could
be recovered: a relation in which every figure but one hidden figure is shown (the lone unknown would be
its total minus the parts), and then any hidden figure that the relations still pin down when combined
(solved as a linear system over each connected group of unknowns). It hides the smallest shown non-zero
part of such a relation (the least information lost), the total where no part is left.

The audit in tests/reports/test_disclosure_audit.py checks the written files against the internal
figures independently of this module.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy

FigureKey = tuple  # (measure_id, period_id, breakdown, breakdown_2, column)
TOTAL = ("total", "Total")


@dataclass(frozen=True)
class Relation:
    """total = sum(parts), as a reader of the document could use it."""

    total: FigureKey
    parts: tuple[FigureKey, ...]
    origin: str  # "breakdown", "quarters", "table", "share"


def value_key(cell) -> FigureKey | None:
    if cell.measure_id is None:
        return None
    return (cell.measure_id, cell.period_id, cell.breakdown or TOTAL, cell.breakdown_2 or TOTAL, cell.mart_column)


def part_keys(cell) -> dict[str, FigureKey]:
    """The figure keys of what a cell can show: its value, and the numerator and denominator under it.

    A share of the total (percent_of_total) is built on the category's count (the same figure as the count
    cell beside it) and the breakdown's total."""
    base = value_key(cell)
    if base is None or cell.unit in ("text", "change", "comparator"):
        return {}
    measure, period, breakdown, breakdown_2, column = base
    keys = {"value": base}
    if column == "percent_of_total":
        keys["numerator"] = (measure, period, breakdown, breakdown_2, "value")
        keys["denominator"] = (measure, period, breakdown, breakdown_2, "share_denominator")
    elif cell.unit != "count":
        keys["numerator"] = (measure, period, breakdown, breakdown_2, "numerator")
        keys["denominator"] = (measure, period, breakdown, breakdown_2, "denominator")
    return keys


def part_values(cell) -> dict[str, float]:
    """The numbers behind a cell's parts (those that exist)."""
    if not cell.available or cell.unit in ("text", "change", "comparator"):
        return {}
    values = {"value": cell.value, "numerator": cell.numerator, "denominator": cell.denominator}
    return {part: value for part, value in values.items() if part in part_keys(cell) and value is not None}


def is_small_figure(value: float | None, threshold: int) -> bool:
    return value is not None and 0 < value < threshold


def primary_hidden(cell, threshold: int) -> set[str]:
    """The parts of a cell hidden because they are small themselves (or built on a small count)."""
    if not cell.available or cell.unit in ("text", "change", "comparator") or cell.value is None:
        return set()
    values = part_values(cell)
    if cell.unit == "count" and cell.mart_column == "value":
        return {"value"} if is_small_figure(cell.value, threshold) else set()
    if cell.unit in ("number", "ratio", "average") and cell.numerator is None:
        return set()
    hidden = {part for part in ("numerator", "denominator") if is_small_figure(values.get(part), threshold)}
    if "denominator" in hidden:
        hidden.add("numerator")  # a numerator is never more than its denominator
    if hidden:
        hidden.add("value")
    return hidden


# --- relations -------------------------------------------------------------------------------------------


def data_relations(rows: dict[tuple, dict], year_period: str | None, quarter_periods: list[str],
                   periods: set[str]) -> list[Relation]:
    """Relations that hold in the mart's figures: breakdowns add up to their totals, quarters to the year.

    Only relations that are arithmetically true are kept (a breakdown in which a child can fall into two
    categories does not add up, and a reader subtracting would get a wrong number)."""

    def close(a, b) -> bool:
        return a is not None and b is not None and abs(a - b) < 1e-6

    relations: list[Relation] = []
    first: dict[tuple, list[tuple]] = defaultdict(list)
    second: dict[tuple, list[tuple]] = defaultdict(list)
    for key in rows:
        period, measure, name, value, name_2, value_2 = key
        if period not in periods:
            continue
        if name != "total":
            first[(measure, period, name, name_2, value_2)].append(key)
        if name_2 != "total":
            second[(measure, period, name, value, name_2)].append(key)

    def columns_of(row) -> list[str]:
        return ["value"] if row["unit"] == "count" else ["numerator", "denominator"]

    for (measure, period, name, name_2, value_2), keys in first.items():
        total_row = rows.get((period, measure, "total", "Total", name_2, value_2))
        if total_row is None:
            continue
        for column in columns_of(total_row):
            if close(sum(rows[key][column] or 0 for key in keys), total_row[column]):
                relations.append(Relation(
                    (measure, period, TOTAL, (name_2, value_2), column),
                    tuple((measure, period, (name, key[3]), (name_2, value_2), column) for key in keys), "breakdown"))
    for (measure, period, name, value, name_2), keys in second.items():
        total_row = rows.get((period, measure, name, value, "total", "Total"))
        if total_row is None:
            continue
        for column in columns_of(total_row):
            if close(sum(rows[key][column] or 0 for key in keys), total_row[column]):
                relations.append(Relation(
                    (measure, period, (name, value), TOTAL, column),
                    tuple((measure, period, (name, value), (name_2, key[5]), column) for key in keys), "breakdown"))
    if year_period and quarter_periods:
        by_line: dict[tuple, list[tuple]] = defaultdict(list)
        for key in rows:
            if key[0] in quarter_periods:
                by_line[key[1:]].append(key)
        for line, keys in by_line.items():
            year_row = rows.get((year_period, *line))
            if year_row is None:
                continue
            measure, name, value, name_2, value_2 = line
            for column in columns_of(year_row):
                if close(sum(rows[key][column] or 0 for key in keys), year_row[column]):
                    relations.append(Relation(
                        (measure, year_period, (name, value), (name_2, value_2), column),
                        tuple((measure, key[0], (name, value), (name_2, value_2), column) for key in keys),
                        "quarters"))
    # a share's denominator is the breakdown's total
    for key, row in rows.items():
        period, measure, name, value, name_2, value_2 = key
        if period not in periods or row.get("percent_of_total") is None or name == "total":
            continue
        total_row = rows.get((period, measure, "total", "Total", name_2, value_2))
        if total_row is not None and close(row["denominator"], total_row["value"]):
            relations.append(Relation((measure, period, TOTAL, (name_2, value_2), "value"),
                                      ((measure, period, (name, value), (name_2, value_2), "share_denominator"),),
                                      "share"))
    return relations


def table_relations(table) -> list[Relation]:
    """What the page shows as adding up: a Total row over the rows above it, a Total column over the columns
    before it (counts only)."""

    def key(cell):
        if cell.unit != "count" or not cell.available or cell.value is None or cell.measure_id is None:
            return None
        return value_key(cell)

    relations = []
    totals = [row for row in table.rows if row.is_total]
    members = [row for row in table.rows if not row.is_total]
    if totals:
        for index in range(len(table.columns)):
            total = key(totals[-1].cells[index]) if index < len(totals[-1].cells) else None
            parts = [key(row.cells[index]) for row in members if index < len(row.cells)]
            if total and all(part is not None or row.cells[index].value is None
                             for part, row in zip(parts, members)):
                relations.append(Relation(total, tuple(part for part in parts if part), "table"))
    if table.columns and table.columns[-1] == "Total":
        for row in table.rows:
            total = key(row.cells[-1])
            parts = [key(cell) for cell in row.cells[:-1]]
            if total and all(part is not None or cell.value is None for part, cell in zip(parts, row.cells[:-1])):
                relations.append(Relation(total, tuple(part for part in parts if part), "table"))
    return relations


# --- protection ------------------------------------------------------------------------------------------


def _determined(relations: list[Relation], known: dict[FigureKey, float], unknowns: set[FigureKey]) -> set:
    """The unknown figures that the relations pin down (the linear system over the unknowns has a single
    solution for them), group of connected unknowns by group."""
    parent: dict[FigureKey, FigureKey] = {key: key for key in unknowns}

    def find(key):
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    useful = []
    for relation in relations:
        members = [relation.total, *relation.parts]
        hidden = [member for member in members if member in unknowns]
        if not hidden:
            continue
        useful.append((relation, hidden))
        for member in hidden[1:]:
            parent[find(member)] = find(hidden[0])
    groups: dict[FigureKey, list] = defaultdict(list)
    for relation, hidden in useful:
        groups[find(hidden[0])].append(relation)
    determined = set()
    for relations_of_group in groups.values():
        columns = sorted({member for relation in relations_of_group for member in (relation.total, *relation.parts)
                          if member in unknowns}, key=repr)
        index = {member: i for i, member in enumerate(columns)}
        matrix = numpy.zeros((len(relations_of_group), len(columns)))
        for i, relation in enumerate(relations_of_group):
            if relation.total in index:
                matrix[i, index[relation.total]] += 1
            for part in relation.parts:
                if part in index:
                    matrix[i, index[part]] -= 1
        _, singular, rows = numpy.linalg.svd(matrix)
        rank = int((singular > 1e-9).sum())
        null_space = rows[rank:]
        for member, i in index.items():
            if null_space.shape[0] == 0 or numpy.abs(null_space[:, i]).max() < 1e-9:
                determined.add(member)
    return determined


@dataclass
class Protection:
    hidden: set[FigureKey]  # every figure key hidden in the public document
    primary: set[FigureKey]  # hidden because small
    secondary: set[FigureKey]  # hidden to protect a small one


def protect(cells: list, relations: list[Relation], values: dict[FigureKey, float], threshold: int) -> Protection:
    """Which figure keys to hide so that no small figure is shown or can be worked out.

    `cells` are every cell the document shows; `values` the internal figure of every key the relations
    name (shown in the document or not). A figure not shown anywhere is unknown to the reader; a small one
    must stay unknown, and so must every hidden one."""
    shown_keys: dict[FigureKey, float] = {}
    primary: set[FigureKey] = set()
    for cell in cells:
        keys, numbers = part_keys(cell), part_values(cell)
        for part, key in keys.items():
            if part in numbers:
                shown_keys[key] = numbers[part]
        for part in primary_hidden(cell, threshold):
            primary.add(keys[part])
    protected = set(primary) | {key for key, value in values.items() if is_small_figure(value, threshold)
                                and key[4] in ("value", "numerator", "denominator", "share_denominator")}
    hidden = set(primary)
    relations = [relation for relation in relations
                 if any(member in shown_keys for member in (relation.total, *relation.parts))]

    def hide_one_of(relation) -> bool:
        """Hide the smallest shown non-zero part; else a shown zero (a "[c]" could be anything); else the
        total."""
        shown = [part for part in relation.parts if part in shown_keys and part not in hidden]
        nonzero = [part for part in shown if (values.get(part) or shown_keys[part]) > 0]
        for choices in (nonzero, shown):
            if choices:
                hidden.add(min(choices, key=lambda part: (shown_keys[part], repr(part))))
                return True
        if relation.total in shown_keys and relation.total not in hidden:
            hidden.add(relation.total)
            return True
        return False

    def hide_near(key) -> bool:
        """Hide a figure in a relation that holds the key or, failing that, in the nearest relation linked
        to it through other unknown figures (a figure pinned by combining relations may have nothing left
        to hide in its own)."""
        frontier, seen_keys, seen_relations = {key}, set(), set()
        while frontier:
            reached = set()
            for index, relation in enumerate(relations):
                members = (relation.total, *relation.parts)
                if index in seen_relations or not any(member in frontier for member in members):
                    continue
                seen_relations.add(index)
                if hide_one_of(relation):
                    return True
                reached |= {member for member in members if member not in shown_keys or member in hidden}
            seen_keys |= frontier
            frontier = reached - seen_keys
        return False

    def cells_consistent() -> bool:
        """A percentage is hidden with its numerator or denominator (with one of them shown, it gives the
        other away); a share with its count."""
        changed = False
        for cell in cells:
            keys = part_keys(cell)
            if "value" in keys and keys["value"] not in hidden and (
                    keys.get("numerator") in hidden or keys.get("denominator") in hidden):
                hidden.add(keys["value"])
                changed = True
        return changed

    def pinned_by_bounds(relation) -> bool:
        """A reader knows a "<5" is 1 to 4 and a "[c]" at least 0: two "<5" parts left to make 2 are 1
        each. True when the shown total less the shown parts leaves a hidden part only one possible value."""
        if relation.total not in shown_keys or relation.total in hidden:
            return False
        unknown = [part for part in relation.parts if part not in shown_keys or part in hidden]
        if len(unknown) < 2 or any(part not in shown_keys for part in unknown):
            return False
        rest = shown_keys[relation.total] - sum(shown_keys[part] for part in relation.parts if part not in unknown)
        low = [1 if part in primary else 0 for part in unknown]
        high = [threshold - 1 if part in primary else rest for part in unknown]
        for index in range(len(unknown)):
            others_low = sum(low) - low[index]
            others_high = sum(high) - high[index]
            if max(low[index], rest - others_high) >= min(high[index], rest - others_low):
                return True
        return False

    for _ in range(200):
        changed = cells_consistent()
        for relation in relations:
            members = (relation.total, *relation.parts)
            unknown = [member for member in members if member not in shown_keys or member in hidden]
            lone = len(unknown) == 1 and unknown[0] in protected | hidden and values.get(unknown[0], 1) != 0
            if lone or pinned_by_bounds(relation):
                changed = hide_one_of(relation) or changed
        if changed:
            continue
        known = {key: value for key, value in shown_keys.items() if key not in hidden}
        unknowns = {member for relation in relations for member in (relation.total, *relation.parts)
                    if member not in known}
        leaking = [key for key in _determined(relations, known, unknowns)
                   if key in protected | hidden and values.get(key, 1) != 0]
        for key in sorted(leaking, key=repr):
            changed = hide_near(key) or changed
        if not changed:
            break
    return Protection(hidden=hidden, primary=primary, secondary=hidden - primary)
