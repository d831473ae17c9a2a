"""Planted errors for DfE rules no other module plants: dates typed so they cannot be read (the
``ssda903_ingest_dates`` family), the motherhood details (``ssda903_header``) and the order of a child's social
worker allocations (``ssda903_social_workers``).

A date that is not a date (31 June, typed for 30 June or 1 July) stops its row at ingestion: the row is held
back (ING01) and the DfE's "not a valid date" rule for the field is raised on the same record. The rows
broken here are ones whose absence changes no return the rules check: a legal status (141, 147), an
immigration status (104) or an adoption record (112 and 115, 113, 116) of a child whose care ended, or whose
decision was reversed, before the checked year and who is no care leaver of the checked years, a missing
episode (1005), the record of the child of a young woman not looked after in the checked years (171). The
motherhood and allocation kinds edit what a worker types: a young mother's own date of birth typed as her
child's (621), the "is a mother" flag ticked for a girl under 10 (620, 611), the previous social worker's
allocation left open at a handover (SW08STG2), the new allocation's start copied from the previous one
(SW19STG2), a handover recorded as a first contact (SW10bSTG2). Each kind picks a child no other kind has
used and lists every rule that must fire for it, as :mod:`dagster_project.synth.errors` does for the other
kinds (registered, after all of them, in its ``KINDS``); the allocation kinds work their truth out with the
rules' own reading of the allocations, before and after the edit.

Not planted, and why: the date of a previous permanence order (632) is free text in the extract (it may be
partial, zz/MM/YYYY), so it is never held back; MOTHER and MC_DOB are derived together, only for a girl
looked after in the year, so a boy with a child's date of birth (174), a child's date of birth without
MOTHER 1 (612), a missing mother status (393, 607, 165) or one given for a care leaver (628) cannot be
recorded; the social worker id is SW-registration or XX plus the worker's id (SW02STG1) and the file holds
the allocations open in the year, with ends after it blanked (SW06STG2, SW07STG2, SW12STG2); a review with
no date is not a review in the return (166); the only young mother in the 100-child test council who left
care in a checked year carries 621, leaving none for a child born after her mother left care (625).
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from dagster_project.synth.errors import (
    Council,
    Truth,
    _date,
    _person,
    _pick_child,
    _simple_children,
    _single_periods,
)
from dagster_project.synth.errors_social_workers import _allocations_by_child, _end, _start


def _unreadable(day: date) -> str:
    """The day typed as the 31st of June of its year: not a date."""
    return f"{day.year}-06-31"


def _record(table_name: str, table, row: list[str], column: str) -> str:
    """The ING01 finding's record id: file, row number in the file and column."""
    return f"{table_name}.csv:{table.rows.index(row) + 2}:{column}"


def _hold_back(council: Council, kind: str, table_name: str, child: str, row: list[str], column: str,
               rules: tuple[str, ...]) -> list[Truth]:
    table = council.table(table_name)
    council.take(child)
    table.set(row, column, _unreadable(_date(table.get(row, column))))
    record = _record(table_name, table, row, column)
    return [Truth(kind, rule, child, table_name, record) for rule in ("ING01",) + rules]


def _long_gone(council: Council, maximum_age: int = 13) -> set[str]:
    """Children whose every period of care ended before the previous collection year began, aged at most
    ``maximum_age`` when the last ended (so in no return the rules check, this year's or last year's, and
    no care leaver of them)."""
    before = date(council.year_start.year - 1, 4, 1)
    out = set()
    for child, periods in council.periods_of().items():
        last = periods[-1][-1]
        end = _date(last["DEC"])
        if end is None or end >= before or any(not rows[-1]["DEC"] for rows in periods):
            continue
        age = council.age(child, end)
        if age is not None and age <= maximum_age:
            out.add(child)
    return out


def _readable(table, row: list[str], column: str) -> bool:
    try:
        return _date(table.get(row, column)) is not None
    except ValueError:  # planted already (a bigger council plants a kind more than once)
        return False


# --- dates that cannot be read -------------------------------------------------------------------------------

def _legal_status_date_unreadable(council: Council, kind: str, column: str, rule: str) -> list[Truth] | None:
    table = council.table("ssd_legal_status")
    gone = _long_gone(council)
    candidates = [(table.get(r, "lega_person_id"), r) for r in table.rows
                  if table.get(r, "lega_person_id") in gone and _readable(table, r, column)
                  and _date(table.get(r, column)).month != 6]
    candidates = council.pick(candidates)
    if not candidates:
        return None
    child, row = candidates[0]
    return _hold_back(council, kind, "ssd_legal_status", child, row, column, (rule,))


def legal_status_start_unreadable(council: Council) -> list[Truth] | None:
    """The start of an old legal status (of a child whose care ended years ago, aged under 14) typed as 31
    June, corrected in the case record years later: the row is held back (ING01) and the DfE's "date episode
    began is not a valid date" flags it (141)."""
    return _legal_status_date_unreadable(council, "legal_status_start_unreadable", "lega_legal_status_start_date",
                                         "141")


def legal_status_end_unreadable(council: Council) -> list[Truth] | None:
    """The end of an old legal status (as above) typed as 31 June: ING01 and "date episode ceased is not a
    valid date" (147)."""
    return _legal_status_date_unreadable(council, "legal_status_end_unreadable", "lega_legal_status_end_date",
                                         "147")


def missing_end_date_unreadable(council: Council) -> list[Truth] | None:
    """A missing episode's end typed as 31 June: the row cannot be loaded (ING01) and "the end date of the
    missing episode is not a valid date" (1005) is raised for the same row. Its child has one period of care
    and the episode is within it (so it holds back nothing another rule reads but the Missing file's row)."""
    table = council.table("ssd_missing")
    periods = dict(_single_periods(council, in_window_only=False))
    candidates = []
    for row in table.rows:
        if not (_readable(table, row, "miss_missing_episode_start_date")
                and _readable(table, row, "miss_missing_episode_end_date")):
            continue
        start = _date(table.get(row, "miss_missing_episode_start_date"))
        end = _date(table.get(row, "miss_missing_episode_end_date"))
        child = table.get(row, "miss_person_id")
        if child in periods and _date(periods[child][0]["DECOM"]) <= start <= end and end.month != 6 and \
                (not periods[child][-1]["DEC"] or end <= _date(periods[child][-1]["DEC"])):
            candidates.append((child, row))
    candidates = council.pick(candidates)
    if not candidates:
        return None
    child, row = candidates[0]
    return _hold_back(council, "missing_end_date_unreadable", "ssd_missing", child, row,
                      "miss_missing_episode_end_date", ("1005",))


def uasc_end_date_unreadable(council: Council) -> list[Truth] | None:
    """The day an unaccompanied asylum-seeking child's status ended (her 18th birthday) typed as 31 June, for
    a young person now over 21 whose care ended years ago: ING01 and "date UASC ceased is not a valid date"
    (104)."""
    table = council.table("ssd_immigration_status")
    gone = _long_gone(council, maximum_age=18)
    by_child: dict[str, list[list[str]]] = {}
    for row in table.rows:
        by_child.setdefault(table.get(row, "immi_person_id"), []).append(row)
    candidates = []
    for child, rows in by_child.items():
        age = council.age(child, council.year_start)
        if child not in gone or age is None or age < 22:
            continue
        candidates += [(child, row) for row in rows if _readable(table, row, "immi_immigration_status_end_date")
                       and _date(table.get(row, "immi_immigration_status_end_date")).month != 6]
    candidates = council.pick(candidates)
    if not candidates:
        return None
    child, row = candidates[0]
    return _hold_back(council, "uasc_end_date_unreadable", "ssd_immigration_status", child, row,
                      "immi_immigration_status_end_date", ("104",))


def _old_adoption_records(council: Council, column: str) -> list[tuple[str, list[str]]]:
    """(child, permanence record) of children adopted before the checked year (in no return it checks), with
    one permanence record, its ``column`` recorded."""
    table = council.table("ssd_permanence")
    records: dict[str, list[list[str]]] = {}
    for row in table.rows:
        records.setdefault(table.get(row, "perm_person_id"), []).append(row)
    out = []
    for child, periods in council.periods_of().items():
        last = periods[-1][-1]
        end = _date(last["DEC"])
        if end is None or end >= council.year_start or last["REC"] not in ("E11", "E12"):
            continue
        rows = records.get(child, [])
        if len(rows) == 1 and _readable(table, rows[0], column) and _date(table.get(rows[0], column)).month != 6:
            out.append((child, rows[0]))
    return out


def adoption_decision_date_unreadable(council: Council) -> list[Truth] | None:
    """The date of the decision that a child adopted before the year should be placed for adoption typed as
    31 June: ING01, and the DfE's two rules on that date (DATE_INT, 112; DATE_PLACED, 115)."""
    candidates = council.pick(_old_adoption_records(council, "perm_adm_decision_date"))
    if not candidates:
        return None
    child, row = candidates[0]
    return _hold_back(council, "adoption_decision_date_unreadable", "ssd_permanence", child, row,
                      "perm_adm_decision_date", ("112", "115"))


def adoption_matched_date_unreadable(council: Council) -> list[Truth] | None:
    """The date a child adopted before the year was matched with her adopters typed as 31 June: ING01 and
    "date matching child and adopters is not a valid date" (113)."""
    candidates = council.pick(_old_adoption_records(council, "perm_matched_date"))
    if not candidates:
        return None
    child, row = candidates[0]
    return _hold_back(council, "adoption_matched_date_unreadable", "ssd_permanence", child, row,
                      "perm_matched_date", ("113",))


def adoption_reversal_date_unreadable(council: Council) -> list[Truth] | None:
    """The date of the decision that a child should no longer be placed for adoption, reversed before the
    checked year (so in no PlacedAdoption file it checks), typed as 31 June: ING01 and "date of decision that
    the child should no longer be placed for adoption is not a valid date" (116)."""
    table = council.table("ssd_permanence")
    candidates = []
    for row in table.rows:
        child = table.get(row, "perm_person_id")
        if child not in council.children() or not table.get(row, "perm_adm_decision_date"):
            continue
        if _readable(table, row, "perm_decision_reversed_date") and \
                _date(table.get(row, "perm_decision_reversed_date")) < council.year_start and \
                _date(table.get(row, "perm_decision_reversed_date")).month != 6:
            candidates.append((child, row))
    candidates = council.pick(candidates)
    if not candidates:
        return None
    child, row = candidates[0]
    return _hold_back(council, "adoption_reversal_date_unreadable", "ssd_permanence", child, row,
                      "perm_decision_reversed_date", ("116",))


def _in_checked_returns(council: Council, child: str) -> bool:
    """The child has a period of care with a day in the latest complete year or the year in progress."""
    for rows in council.periods_of().get(child, []):
        end = _date(rows[-1]["DEC"])
        if _date(rows[0]["DECOM"]) <= council.as_at and (end is None or end >= council.year_start):
            return True
    return False


def mothers_child_dob_unreadable(council: Council) -> list[Truth] | None:
    """The date of birth of the child of a young woman who is not looked after in the checked years typed as
    31 June: the mother's record is held back (ING01) and "date of birth of mother's child is not a valid date"
    (171) is raised. Her mother status is not in the checked returns, so nothing else changes."""
    table = council.table("ssd_mother")
    candidates = [(table.get(r, "moth_person_id"), r) for r in table.rows
                  if table.get(r, "moth_person_id") in council.children()
                  and not _in_checked_returns(council, table.get(r, "moth_person_id"))
                  and _readable(table, r, "moth_childs_dob") and _date(table.get(r, "moth_childs_dob")).month != 6]
    candidates = council.pick(candidates)
    if not candidates:
        return None
    child, row = candidates[0]
    return _hold_back(council, "mothers_child_dob_unreadable", "ssd_mother", child, row, "moth_childs_dob", ("171",))


# --- motherhood ----------------------------------------------------------------------------------------------

def mothers_own_dob_typed_as_childs(council: Council) -> list[Truth] | None:
    """A looked-after young mother's own date of birth typed in her child's date of birth: her child is
    recorded as born on her birthday, not after her (621). She is looked after in the year with one period
    of care and has one child."""
    table = council.table("ssd_mother")
    people = council.table("ssd_person")
    rows_of: dict[str, list[list[str]]] = {}
    for row in table.rows:
        rows_of.setdefault(table.get(row, "moth_person_id"), []).append(row)
    candidates = []
    for child, _ in _single_periods(council):
        rows = rows_of.get(child, [])
        facts = council.children().get(child)
        if len(rows) != 1 or not facts or facts["SEX"] != "F" or not _readable(table, rows[0], "moth_childs_dob"):
            continue
        person = people.where(pers_person_id=child)
        if len(person) == 1 and people.get(person[0], "pers_dob"):
            candidates.append((child, rows[0], people.get(person[0], "pers_dob")))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row, dob = chosen
    table.set(row, "moth_childs_dob", dob)
    return [Truth("mothers_own_dob_typed_as_childs", "621", child, "ssd_person", child)]


def young_girl_recorded_as_mother(council: Council) -> list[Truth] | None:
    """A looked-after girl under 10 recorded as a mother (the flag ticked on the wrong child), with no
    child's date of birth: a mother under 11 (620) with no date of birth of her child (611)."""
    mothers = {r[council.table("ssd_mother").index["moth_person_id"]] for r in council.table("ssd_mother").rows}
    people = council.table("ssd_person")
    candidates = [c for c in _simple_children(council, 4, 9, sex="F")
                  if c not in mothers and people.get(_person(council, c), "pers_is_mother") != "Y"]
    child = _pick_child(council, candidates)
    if not child:
        return None
    people.set(_person(council, child), "pers_is_mother", "Y")
    return [Truth("young_girl_recorded_as_mother", rule, child, "ssd_person", child) for rule in ("620", "611")]


# --- social worker allocations -------------------------------------------------------------------------------

def _looked_after_between(council: Council, child: str, start: date, end: date) -> bool:
    for rows in council.periods_of().get(child, []):
        began, ended = _date(rows[0]["DECOM"]), _date(rows[-1]["DEC"])
        if began <= end and (ended is None or ended >= start):
            return True
    return False


def _social_worker_findings(council: Council, child: str, allocations: list[tuple[str, date, date | None, str]]
                            ) -> set[tuple[str, str]]:
    """(rule, allocation id) the order rules raise on a child's allocations (id, start, end, reason) in the
    checked years' social worker files (SW08STG2, SW10STG2, SW10aSTG2, SW10bSTG2, SW19STG2), as the rules read
    them."""
    out = set()
    years = [(council.year_start, council.year_end, council.year_end),
             (council.year_end + timedelta(days=1), date(council.year_end.year + 1, 3, 31), council.as_at)]
    for year_start, _, period_end in years:
        if not _looked_after_between(council, child, year_start, period_end):
            continue
        rows = sorted(((start, int(ident), ident, end if end and end <= period_end else None, reason)
                       for ident, start, end, reason in allocations
                       if start <= period_end and (end is None or end >= year_start)))
        for index, (start, _, ident, end, reason) in enumerate(rows):
            if index < len(rows) - 1 and end is None:
                out.add(("SW08STG2", ident))
            if any(other[0] == start for other in rows[:index]):
                out.add(("SW19STG2", ident))
            if index == 0:
                continue
            previous_end = rows[index - 1][3]
            if reason == "FCONTA":
                if previous_end is not None and start <= previous_end:
                    out.add(("SW10bSTG2", ident))
                continue
            if previous_end is None or start < previous_end - timedelta(days=7):
                out.add(("SW10STG2", ident))
            if previous_end is None or not previous_end - timedelta(days=7) <= start <= previous_end + timedelta(days=7):
                out.add(("SW10aSTG2", ident))
    return out


def _handovers(council: Council) -> list[tuple[str, list[list[str]], list[str], list[str]]]:
    """(child, allocations, previous, next) of social worker handovers in the latest complete year (the next
    worker starting the day the previous one's allocation ended) of a child with one period of care, whose
    allocations are a chain (no two start the same day) that the order rules find nothing in."""
    table = council.table("ssd_involvements")
    allocations = _allocations_by_child(council)
    out = []
    for child, _ in _single_periods(council):
        rows = allocations.get(child, [])
        if child in council.used or not all(_readable(table, r, c) or not table.get(r, c) for r in rows
                                            for c in ("invo_involvement_start_date", "invo_involvement_end_date")):
            continue
        if len({_start(table, r) for r in rows}) != len(rows) or _social_worker_findings(council, child, _as_read(table, rows)):
            continue
        for previous, current in pairwise(rows):
            end = _end(table, previous)
            if end and end == _start(table, current) and council.year_start + timedelta(days=20) <= end <= council.year_end \
                    and (end - _start(table, previous)).days > 30:
                out.append((child, rows, previous, current))
    return out


def _as_read(table, rows: list[list[str]]) -> list[tuple[str, date, date | None, str]]:
    return [(table.get(r, "invo_involvements_id"), _start(table, r), _end(table, r),
             table.get(r, "invo_worker_change_reason")) for r in rows]


def _allocation_edit(council: Council, kind: str, edit, intended: str) -> list[Truth] | None:
    """Apply ``edit(table, previous, current)`` (returning the edits as (row, column, value)) to the first
    handover whose findings after it include ``intended``; the truth is every finding the edit gives."""
    table = council.table("ssd_involvements")
    for child, rows, previous, current in council.pick(_handovers(council)):
        edits = edit(table, previous, current)
        if edits is None:
            continue
        saved = [(row, column, table.get(row, column)) for row, column, _ in edits]
        for row, column, value in edits:
            row[table.index[column]] = value
        findings = _social_worker_findings(council, child, _as_read(table, rows))
        if any(rule == intended for rule, _ in findings):
            table.changed = True
            council.take(child)
            return [Truth(kind, rule, child, "ssd_involvements", ident) for rule, ident in sorted(findings)]
        for row, column, value in saved:
            row[table.index[column]] = value
    return None


def social_worker_left_open_at_handover(council: Council) -> list[Truth] | None:
    """At a handover in the year the new worker's allocation is recorded but the previous one is never
    closed: a later allocation starts while this one is open (SW08STG2), and the new one starts before the
    previous one ended (SW10STG2, SW10aSTG2), in each checked year's file that carries both."""
    def edit(table, previous, current):
        if table.get(current, "invo_worker_change_reason") == "FCONTA":
            return None
        return [(previous, "invo_involvement_end_date", "")]
    return _allocation_edit(council, "social_worker_left_open_at_handover", edit, "SW08STG2")


def social_worker_start_copied_from_previous(council: Council) -> list[Truth] | None:
    """At a handover in the year the new worker's allocation is given the start date of the previous
    worker's (copied from the line above): two allocations start the same day (SW19STG2), and the new one
    starts long before the previous one ended (SW10STG2, SW10aSTG2). The new allocation ended in the year too:
    the DfE's validator orders a child's allocations by start alone, so of two starting the same day either
    may come last, and an open one not last would be "not ended" to it (SW08STG2)."""
    def edit(table, previous, current):
        if table.get(current, "invo_worker_change_reason") == "FCONTA" or \
                int(table.get(current, "invo_involvements_id")) < int(table.get(previous, "invo_involvements_id")) or \
                _end(table, current) is None or _end(table, current) > council.year_end:
            return None
        return [(current, "invo_involvement_start_date", table.get(previous, "invo_involvement_start_date"))]
    return _allocation_edit(council, "social_worker_start_copied_from_previous", edit, "SW19STG2")


def handover_recorded_as_first_contact(council: Council) -> list[Truth] | None:
    """A handover between social workers in the year recorded with the reason "first contact or re-referral"
    (FCONTA), the first line of the list: a first contact starts before the previous allocation ended
    (SW10bSTG2)."""
    def edit(table, previous, current):
        if table.get(current, "invo_worker_change_reason") == "FCONTA":
            return None
        return [(current, "invo_worker_change_reason", "FCONTA")]
    return _allocation_edit(council, "handover_recorded_as_first_contact", edit, "SW10bSTG2")


KINDS = [
    mothers_child_dob_unreadable, mothers_own_dob_typed_as_childs, uasc_end_date_unreadable,
    adoption_decision_date_unreadable, adoption_matched_date_unreadable, missing_end_date_unreadable,
    legal_status_start_unreadable, legal_status_end_unreadable, social_worker_left_open_at_handover,
    social_worker_start_copied_from_previous, handover_recorded_as_first_contact, adoption_reversal_date_unreadable,
    young_girl_recorded_as_mother,
]
