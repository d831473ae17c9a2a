"""Planted errors for the DfE's social worker episode rules (the ``ssda903_social_workers`` family), and
for 231, the query on an unaccompanied asylum-seeking child under 11.

The SWEpisodes file is the child's social worker allocations (``ssd_involvements`` rows of the social
worker role) in the year. The mistakes planted here are in the allocation dates a worker or business
support officer types when the case changes hands: the new worker's start typed a fortnight early, or an
allocation closed in the last days of March with the child still in care and the new worker not yet
recorded. Each kind picks a child with one period of care (not short breaks) in the checked year and
lists every rule that must fire for it, as :mod:`dagster_project.synth.errors` does for the other kinds
(registered in its ``KINDS``).

Rules this family implements that no extract can break are not planted: SW04STG1/SW05STG1 on the file as
written (the file's dates are written from typed dates; a date that cannot be read at all is held back at
ingestion and planted below), 165 (the return derives MOTHER from the sex and motherhood records,
so it is always 0 or 1, given only for a girl looked after in the year). Their dbt unit tests show them
firing on a return as written.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from dagster_project.synth.errors import Council, Truth, _date, _single_periods


def _allocations_by_child(council: Council) -> dict[str, list[list[str]]]:
    """Each child's social worker allocations (involvement rows of the social worker role), by start."""
    table = council.table("ssd_involvements")
    social_worker = set(council.style._values["involvement_role"].get("SOCIAL_WORKER", ()))
    out: dict[str, list[list[str]]] = {}
    for row in table.rows:
        if table.get(row, "invo_professional_role_id") in social_worker and table.get(row, "invo_involvement_start_date"):
            out.setdefault(table.get(row, "invo_person_id"), []).append(row)
    for rows in out.values():
        rows.sort(key=lambda r: (table.get(r, "invo_involvement_start_date"), table.get(r, "invo_involvements_id")))
    return out


def _free_single_periods(council: Council) -> list[tuple[str, list[dict]]]:
    """_single_periods without the children another kind has used. Their rows may have been edited already:
    with two plantings per kind (150 children and more), the second start-date planting read the first's
    "31 June" and the generator stopped. Skipping them changes no pick: pick() drops them anyway."""
    return [(child, rows) for child, rows in _single_periods(council) if child not in council.used]


def _end(table, row) -> date | None:
    return _date(table.get(row, "invo_involvement_end_date"))


def _start(table, row) -> date:
    return _date(table.get(row, "invo_involvement_start_date"))


def social_worker_start_typed_early(council: Council) -> list[Truth] | None:
    """A child's social worker changes in the year (the previous worker left, the new one takes over the
    same day); the new allocation's start is typed 10 to 20 days early, so it starts well before the
    previous one ended: SW10STG2 and SW10aSTG2 on the new allocation."""
    table = council.table("ssd_involvements")
    allocations = _allocations_by_child(council)
    candidates = []
    for child, _ in _free_single_periods(council):
        rows = allocations.get(child, [])
        for previous, current in pairwise(rows):
            end = _end(table, previous)
            if (end and end == _start(table, current)
                    and council.year_start + timedelta(days=40) <= end <= council.year_end
                    and (end - _start(table, previous)).days > 40
                    and table.get(current, "invo_worker_change_reason") != "FCONTA"
                    and (_end(table, current) is None or _end(table, current) > end + timedelta(days=5))):
                candidates.append((child, current))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    table.set(row, "invo_involvement_start_date", council.d(_start(table, row) - timedelta(days=council.rng.randint(10, 20))))
    record = table.get(row, "invo_involvements_id")
    return [Truth("social_worker_start_typed_early", rule, child, "ssd_involvements", record)
            for rule in ("SW10STG2", "SW10aSTG2")]


def social_worker_closed_before_31_march(council: Council) -> list[Truth] | None:
    """A child looked after on 31 March whose social worker's allocation covers it is closed on 26-30
    March (typed ahead of a handover recorded only in April, or closed by mistake): no social worker
    episode open at 31 March (SW17STG2), and one ending in the last days of March with none after it
    (SW11bSTG2). Any later allocation starts after 31 March, so nothing else in the year changes."""
    table = council.table("ssd_involvements")
    allocations = _allocations_by_child(council)
    candidates = []
    for child, rows in _free_single_periods(council):
        last = rows[-1]
        if _date(rows[0]["DECOM"]) > council.year_end - timedelta(days=60):
            continue
        if last["DEC"] and _date(last["DEC"]) <= council.year_end + timedelta(days=10):
            continue
        if any(r["LS"] in ("V3", "V4") for r in rows):
            continue
        in_year = [r for r in allocations.get(child, []) if _start(table, r) <= council.year_end]
        if not in_year:
            continue
        latest = in_year[-1]
        end = _end(table, latest)
        if (_start(table, latest) <= council.year_end - timedelta(days=30)
                and (end is None or end > council.year_end + timedelta(days=10))
                and sum(1 for r in in_year if _start(table, r) == _start(table, latest)) == 1):
            candidates.append((child, latest))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    table.set(row, "invo_involvement_end_date", council.d(council.year_end - timedelta(days=council.rng.randint(1, 5))))
    record = table.get(row, "invo_involvements_id")
    return [Truth("social_worker_closed_before_31_march", rule, child, "ssd_involvements", record)
            for rule in ("SW17STG2", "SW11bSTG2")]


def social_worker_start_date_unreadable(council: Council) -> list[Truth] | None:
    """An old social worker allocation (ended more than two years before the checked year) whose start
    date is typed as 31 June: the row cannot be loaded and is held back (ING01), and the DfE's date rule
    flags it (SW04STG1). It was in no return the rules check, so nothing else changes."""
    table = council.table("ssd_involvements")
    allocations = _allocations_by_child(council)
    long_ago = date(council.year_start.year - 2, 4, 1)
    candidates = []
    for child, _ in _free_single_periods(council):
        for row in allocations.get(child, []):
            end = _end(table, row)
            if end and end < long_ago and _start(table, row).month != 6:
                candidates.append((child, row))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    start = _start(table, row)
    table.set(row, "invo_involvement_start_date", f"{start.year}-06-31")
    record = f"ssd_involvements.csv:{table.rows.index(row) + 2}:invo_involvement_start_date"
    return [Truth("social_worker_start_date_unreadable", rule, child, "ssd_involvements", record)
            for rule in ("ING01", "SW04STG1")]


def social_worker_end_date_unreadable(council: Council) -> list[Truth] | None:
    """An old social worker allocation (ended more than two years before the checked year) whose end date
    is typed as 31 June: the row cannot be loaded and is held back (ING01), and the DfE's date rule flags
    it (SW05STG1). It was in no return the rules check, so nothing else changes."""
    table = council.table("ssd_involvements")
    allocations = _allocations_by_child(council)
    long_ago = date(council.year_start.year - 2, 4, 1)
    candidates = []
    for child, _ in _free_single_periods(council):
        for row in allocations.get(child, []):
            end = _end(table, row)
            if end and end < long_ago and end.month != 6:
                candidates.append((child, row))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    end = _end(table, row)
    table.set(row, "invo_involvement_end_date", f"{end.year}-06-31")
    record = f"ssd_involvements.csv:{table.rows.index(row) + 2}:invo_involvement_end_date"
    return [Truth("social_worker_end_date_unreadable", rule, child, "ssd_involvements", record)
            for rule in ("ING01", "SW05STG1")]


def young_child_recorded_as_uasc(council: Council) -> list[Truth] | None:
    """A child under 11 on 31 March whose immigration status is recorded (asylum seeker with family,
    refugee status...) has it changed to unaccompanied asylum-seeking child: the wrong option picked. The
    child is then in the UASC file of every year, and the DfE queries a UASC child so young (231)."""
    table = council.table("ssd_immigration_status")
    uasc = council.mapped("immigration_status", "UASC")
    by_child: dict[str, list[list[str]]] = {}
    for row in table.rows:
        by_child.setdefault(table.get(row, "immi_person_id"), []).append(row)
    candidates = []
    for child, _ in _free_single_periods(council):
        rows = by_child.get(child, [])
        age = council.age(child, council.year_end)
        if len(rows) == 1 and age is not None and 4 <= age < 11 and not table.get(rows[0], "immi_immigration_status_end_date"):
            candidates.append((child, rows[0]))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    table.set(row, "immi_immigration_status", uasc)
    return [Truth("young_child_recorded_as_uasc", "231", child, "ssd_person", child)]


KINDS = [social_worker_start_typed_early, social_worker_closed_before_31_march, social_worker_start_date_unreadable,
         social_worker_end_date_unreadable, young_child_recorded_as_uasc]
