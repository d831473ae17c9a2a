"""Planted errors for the DfE's adoption and special guardianship rules (see errors.py for the pattern).

Kept apart from errors.py so the rule families can grow without touching each other; errors.py lists these
kinds in its KINDS after its own.
"""

from __future__ import annotations

from datetime import date, timedelta

from dagster_project.synth.errors import (
    RETURNED_HOME,
    Council,
    Truth,
    _adopted_in_year,
    _date,
    _ended_in_year,
    _set_reason_ceased,
)

FOSTER_CARER_ADOPTION = ("A3", "A5")  # placed for adoption with the current foster carers
OTHER_ADOPTION = ("A4", "A6")
LONG_TERM_FOSTERING = ("U1", "U2", "U3", "U4", "U5", "U6")


def sgo_to_former_foster_carers_from_elsewhere(council: Council) -> list[Truth] | None:
    """Care ended by a special guardianship order recorded as made to the former foster carers (E46) for a
    child whose last placement was not with foster carers (516): the worker picked the wrong one of the four
    SGO codes. Children whose SGO went to other carers (E47/E48) are the natural targets; when the council
    has none in the year, a child under 16 who went home from a placement other than foster care."""
    def not_fostered(candidates):
        return [(child, rows) for child, rows in candidates if rows[-1]["PLACE"] not in LONG_TERM_FOSTERING]

    candidates = not_fostered(_ended_in_year(council, ("E47", "E48"), started_in_year=False, maximum_age=16))
    if not council.pick(candidates):
        candidates = not_fostered(_ended_in_year(council, RETURNED_HOME, started_in_year=False, maximum_age=15))
    return _set_reason_ceased(council, "sgo_to_former_foster_carers_from_elsewhere",
                              council.mapped("reason_episode_ceased", "E46"), ("516",), candidates)


def adopted_by_foster_carers_flag_wrong(council: Council) -> list[Truth] | None:
    """'Adopted by the foster carers' answered the wrong way round: N for a child adopted from a placement
    with her foster carers (A3/A5), or Y for one placed with other adopters (A4/A6) (335)."""
    candidates = []
    table = council.table("ssd_permanence")
    for child, rows, record in _adopted_in_year(council):
        place, flag = rows[-1]["PLACE"], table.get(record, "perm_adopted_by_carer_flag")
        if place in FOSTER_CARER_ADOPTION and flag == "Y":
            candidates.append((child, record, "N"))
        elif place in OTHER_ADOPTION and flag == "N":
            candidates.append((child, record, "Y"))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, record, wrong = chosen
    table.set(record, "perm_adopted_by_carer_flag", wrong)
    return [Truth("adopted_by_foster_carers_flag_wrong", "335", child, "ssd_permanence",
                  table.get(record, "perm_table_id"))]


def adoption_decided_after_placed(council: Council) -> list[Truth] | None:
    """The decision that the child should be placed for adoption, and the matching, typed as the day after
    the placement for adoption began (the adoption panel's minute date instead of the decision's): the
    decision is after the placement (521; and 552, the same date in PlacedAdoption) and the matching after
    the adoption placement began (331). Only children adopted from their one placement for adoption in one
    episode, at least two days after it began, so that exactly these fire (no 582: not matched on the
    adoption day; no 333: matched on the decision day, which 333 allows)."""
    candidates = []
    for child, rows, record in _adopted_in_year(council):
        placed = [r for r in rows if r["PLACE"] in ("A3", "A4", "A5", "A6")]
        if len(placed) != 1 or placed[0] is not rows[-1]:
            continue
        began, adopted = _date(placed[0]["DECOM"]), _date(placed[0]["DEC"])
        if adopted - began >= timedelta(days=2):
            candidates.append((child, record, began + timedelta(days=1)))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, record, typed = chosen
    table = council.table("ssd_permanence")
    table.set(record, "perm_adm_decision_date", council.d(typed))
    table.set(record, "perm_matched_date", council.d(typed))
    return [Truth("adoption_decided_after_placed", rule, child, "ssd_permanence", table.get(record, "perm_table_id"))
            for rule in ("521", "552", "331")]


def _decision_records(council: Council) -> dict[str, list[list[str]]]:
    """Each child's permanence records that carry a decision to place for adoption."""
    table = council.table("ssd_permanence")
    records: dict[str, list[list[str]]] = {}
    for row in table.rows:
        if table.get(row, "perm_adm_decision_date"):
            records.setdefault(table.get(row, "perm_person_id"), []).append(row)
    return records


def _checked_years(council: Council) -> list[tuple[date, date]]:
    """The two years the nightly rules check: the latest complete one, then the year to date (to the day
    before the extract, so that a date planted in it is already in the draft return)."""
    draft_start = council.year_end + timedelta(days=1)
    return [(council.year_start, council.year_end), (draft_start, council.as_at - timedelta(days=1))]


def adoption_decision_dated_after_placement_order(council: Council) -> list[Truth] | None:
    """The decision that the child should be placed for adoption typed a week after her placement order (legal
    status E1) began, the day the record was opened rather than the panel's decision (554). Only a child
    whose first placement-order episode begins in the latest complete year (so the return's episodes show
    when the order began), with her one decision before it, and no placement for adoption and no matching
    within the week after, so that nothing else moves (552, 521 and the matching rules stay silent)."""
    records = _decision_records(council)
    table = council.table("ssd_permanence")
    candidates = []
    for child, periods in council.periods_of().items():
        if len(records.get(child, [])) != 1:
            continue
        rows = [r for period in periods for r in period]
        orders = [r for r in rows if r["LS"] == "E1"]
        if not orders:
            continue
        order_from = _date(orders[0]["DECOM"])
        if not council.year_start < order_from <= council.year_end - timedelta(days=7):
            continue
        record = records[child][0]
        decision = _date(table.get(record, "perm_adm_decision_date"))
        typed = order_from + timedelta(days=7)
        placed = [_date(r["DECOM"]) for r in rows if r["PLACE"] in ("A3", "A4", "A5", "A6")]
        matched = _date(table.get(record, "perm_matched_date"))
        if decision >= order_from or table.get(record, "perm_decision_reversed_date"):
            continue
        if any(day <= typed for day in placed) or (matched and matched <= typed):
            continue
        candidates.append((child, record, typed))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, record, typed = chosen
    table.set(record, "perm_adm_decision_date", council.d(typed))
    return [Truth("adoption_decision_dated_after_placement_order", "554", child, "ssd_permanence",
                  table.get(record, "perm_table_id"))]


def adoption_decision_closed_after_adoption(council: Council) -> list[Truth] | None:
    """The permanence record closed a fortnight after the adoption by typing a date (and 'any other reason',
    RD4) into 'decision no longer to place for adoption', as if closing the plan: the reversal is after the
    child's care ended (117) and an adopted child has a reversed decision with adoption details (525).
    Children adopted in the latest complete year first (the public validator checks that year's return),
    else in the year to date. Only a child whose one decision record was never reversed."""
    records = _decision_records(council)
    table = council.table("ssd_permanence")
    by_year: list[list[tuple[str, list[str], date]]] = [[], []]
    for child, periods in council.periods_of().items():
        if len(records.get(child, [])) != 1 or table.get(records[child][0], "perm_decision_reversed_date"):
            continue
        last = periods[-1][-1]
        if last["REC"] not in ("E11", "E12") or not last["DEC"]:
            continue
        adopted, closed = _date(last["DEC"]), _date(last["DEC"]) + timedelta(days=14)
        for i, (start, end) in enumerate(_checked_years(council)):
            if start <= adopted and closed <= end:
                by_year[i].append((child, records[child][0], closed))
    for candidates in by_year:
        candidates = council.pick(candidates)
        if candidates:
            break
    else:
        return None
    child, record, closed = candidates[0]
    council.take(child)
    table.set(record, "perm_decision_reversed_date", council.d(closed))
    table.set(record, "perm_decision_reversed_reason", "RD4")
    return [Truth("adoption_decision_closed_after_adoption", rule, child, "ssd_permanence",
                  table.get(record, "perm_table_id")) for rule in ("117", "525")]


def adoption_decision_reversed_before_care_began(council: Council) -> list[Truth] | None:
    """A reversal of the decision to place for adoption typed with the wrong year, a few days before the
    child's care began in the latest complete year (with 'needs changed', RD1): the reversal is before the
    child's first episode of the year (118) and before the decision itself (522). The record, reversed before
    the year to date began, drops out of that year's PlacedAdoption; an open placement order (E1) then has a
    reversed decision, or no decision at all (553), and a placement for adoption in the year to date no
    decision date (551). Only a child whose care began in the year at least five days after 1 April, with her
    one decision, unreversed, made after her care began and within the year (so in its PlacedAdoption)."""
    records = _decision_records(council)
    table = council.table("ssd_permanence")
    (year_start, year_end), (draft_start, draft_end) = _checked_years(council)
    candidates = []
    for child, periods in council.periods_of().items():
        if len(records.get(child, [])) != 1 or table.get(records[child][0], "perm_decision_reversed_date"):
            continue
        in_year = [p for p in periods if council.in_window(p)]
        if not in_year or any(r["LS"] in ("V3", "V4") for p in in_year for r in p):
            continue
        began = _date(in_year[0][0]["DECOM"])
        typed = began - timedelta(days=4)
        decision = _date(table.get(records[child][0], "perm_adm_decision_date"))
        if typed <= year_start or decision < began or decision > year_end:
            continue
        rows = [r for p in periods for r in p]

        def overlaps(r, start, end):
            return _date(r["DECOM"]) <= end and (not r["DEC"] or _date(r["DEC"]) >= start)

        rules = ["118", "522"]
        open_order = any(r["LS"] == "E1" and _date(r["DECOM"]) <= year_end and (not r["DEC"] or _date(r["DEC"]) > year_end)
                         for r in rows)
        if open_order or any(r["LS"] == "E1" and overlaps(r, draft_start, draft_end) for r in rows):
            rules.append("553")
        if any(r["PLACE"] in ("A3", "A4", "A5", "A6") and overlaps(r, draft_start, draft_end) for r in rows):
            rules.append("551")
        candidates.append((child, records[child][0], typed, rules))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, record, typed, rules = chosen
    table.set(record, "perm_decision_reversed_date", council.d(typed))
    table.set(record, "perm_decision_reversed_reason", "RD1")
    return [Truth("adoption_decision_reversed_before_care_began", rule, child, "ssd_permanence",
                  table.get(record, "perm_table_id")) for rule in rules]


# adopted_by_foster_carers_flag_wrong (335) and adoption_decided_after_placed (521) are written but not
# planted yet: in the nightly-quality test's council every adopted child that fits is already taken by
# errors.py's two adoption kinds, so they found no candidate (measured 2026-12-06). They go in once the
# generator adopts more children in the checked year or the kinds share them out.
KINDS = [sgo_to_former_foster_carers_from_elsewhere, adoption_decision_dated_after_placement_order,
         adoption_decision_closed_after_adoption, adoption_decision_reversed_before_care_began]
