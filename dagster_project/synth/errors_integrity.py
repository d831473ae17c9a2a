"""Planted errors for the DfE rules on PlacedAdoption and PrevPerm read within the file (the rule families
ssda903_adoption and ssda903_permanence; the integrity family has none). Same contract as errors.py: each
kind takes the council and returns the truth of one planted error, or None when no child fits.

Planted here: the decision that the child should be placed for adoption typed a decade early, before the
child was born (184), before care began (1003) and before the year but in no earlier return (559); the
decision no longer to place for adoption recorded with its date but not its reason (119); the previous permanence
option cleared while the order's LA and date stay (635, and 630: no option for a child who started to be
looked after).

Not planted: the integrity rules (INT01-INT36, EPI) hold by construction, the warehouse writing every return
file from the same child records, and 214 (a short break with a placement postcode or URN) too, the return
blanking both for short breaks; 563 (a reversal without the decision date) and 523 (the decision differing
between AD1 and PlacedAdoption) are derived away, a permanence record without a decision not being an
adoption record; 602 (AD1 without an adoption) is derived from the adoptions; 579 and 583 (a second
decision while the first is open) cannot fire from the extract, the return taking only each child's latest
decision (int_adoption_records keeps one record per child: a decision recorded twice replaces the first).
The AD1 rules on the adopters (511, 514, 517-520, 524), the matching (333, 334), the cohorts (134, 187) and
the adoption itself (390, 558) have no free child in the 100-child test council: every child adopted in
the checked years is already taken by the adoption kinds before these; nor have 336, 408 and 557 (no free
child placed for adoption, or whose care ended under a placement order) or 584 (no free child with a decision
that ceased last year); nor has 552 (the decision retyped as after the placement for adoption began): its
kind was written and proven alone (commit d650a70), but with the episode kinds planted too, its one candidate
child is taken.
"""

from __future__ import annotations

from datetime import date, timedelta

from dagster_project.synth.errors import Council, Truth, _date
from dagster_project.synth.errors_adoption import _checked_years, _decision_records

PLACED_FOR_ADOPTION = ("A3", "A4", "A5", "A6")


def _years_earlier(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return date(day.year - years, 2, 28)


def _open_decisions(council: Council, matched: bool = False) -> list[tuple[str, list[str], date, list[list[dict]]]]:
    """Children with one permanence record carrying a decision to place for adoption, never reversed (and
    never matched, unless matched is True), who were not adopted, with their periods of care."""
    table = council.table("ssd_permanence")
    records = _decision_records(council)
    out = []
    for child, periods in council.periods_of().items():
        if len(records.get(child, [])) != 1:
            continue
        record = records[child][0]
        if table.get(record, "perm_decision_reversed_date") or (table.get(record, "perm_matched_date") and not matched):
            continue
        if any(r["REC"] in ("E11", "E12") for period in periods for r in period):
            continue
        out.append((child, record, _date(table.get(record, "perm_adm_decision_date")), periods))
    return out


def adoption_decision_a_decade_early(council: Council) -> list[Truth] | None:
    """The decision that the child should be placed for adoption typed with its year a decade early: before
    the child was born (184) and so before her care began (1003), and, in the first return the child is in,
    dated before the year but in no earlier return (559). Only a young child whose care first began in the
    latest complete year or after, so that the DfE's 1003 (read from the year's first episode starting a
    period, RNE S) sees the same start as the warehouse's, and whose one decision was neither reversed nor
    matched (nothing else reads the date)."""
    (year_start, _), _ = _checked_years(council)
    candidates = []
    for child, record, decision, periods in _open_decisions(council):
        born = _date(council.children()[child]["DOB"])
        typed = _years_earlier(decision, 10)
        if born is None or typed >= born or _date(periods[0][0]["DECOM"]) < year_start:
            continue
        candidates.append((child, record, typed))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, record, typed = chosen
    table = council.table("ssd_permanence")
    table.set(record, "perm_adm_decision_date", council.d(typed))
    return [Truth("adoption_decision_a_decade_early", rule, child, "ssd_permanence", table.get(record, "perm_table_id"))
            for rule in ("184", "1003", "559")]


def adoption_decision_reversed_without_reason(council: Council) -> list[Truth] | None:
    """The decision no longer to place the child for adoption recorded three weeks after the decision with
    its date but not its reason (the reason list left blank): the date and the reason go together (119).
    Only a child in one period of care, still open or ending after the reversal, with her one decision made
    in it, and never on a placement order (E1) or placed for adoption, so that the reversal itself breaks
    nothing else (553, 551, 557 stay silent); the reversal falls in the same checked year as the decision
    (no 118)."""
    candidates = []
    for child, record, decision, periods in _open_decisions(council):
        if len(periods) != 1:
            continue
        rows = periods[0]
        if any(r["LS"] == "E1" or r["PLACE"] in PLACED_FOR_ADOPTION for r in rows):
            continue
        reversed_on = decision + timedelta(days=21)
        began, ended = _date(rows[0]["DECOM"]), _date(rows[-1]["DEC"])
        if decision <= began or (ended is not None and reversed_on >= ended):
            continue
        if not any(start <= decision and reversed_on <= end for start, end in _checked_years(council)):
            continue
        candidates.append((child, record, reversed_on))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, record, reversed_on = chosen
    table = council.table("ssd_permanence")
    table.set(record, "perm_decision_reversed_date", council.d(reversed_on))
    table.set(record, "perm_decision_reversed_reason", "")
    return [Truth("adoption_decision_reversed_without_reason", "119", child, "ssd_permanence",
                  table.get(record, "perm_table_id"))]


def previous_permanence_option_cleared(council: Council) -> list[Truth] | None:
    """The previous permanence option of a child who started to be looked after cleared (the drop-down
    reset when the record was reopened) while the LA and date of the order stay: an LA or date without an
    option (635) and no option for a child who started to be looked after (630). Only a child whose one
    period of care began in the year to date with one previous permanence record (P1-P3) carrying both: in
    the latest complete year the public validator would see only the date (the return writes the LA only
    beside an option other than Z1) and its 635 needs both, so the year to date is where the two agree to
    look."""
    table = council.table("ssd_cla_previous_permanence")
    rows_of: dict[str, list[list[str]]] = {}
    for row in table.rows:
        rows_of.setdefault(table.get(row, "lapp_person_id"), []).append(row)
    _, (draft_start, draft_end) = _checked_years(council)
    candidates = []
    for child, periods in council.periods_of().items():
        if len(periods) != 1 or len(rows_of.get(child, [])) != 1:
            continue
        if not draft_start <= _date(periods[0][0]["DECOM"]) <= draft_end:
            continue
        row = rows_of[child][0]
        if (table.get(row, "lapp_previous_permanence_option") in ("P1", "P2", "P3")
                and table.get(row, "lapp_previous_permanence_la") and table.get(row, "lapp_previous_permanence_order_date")):
            candidates.append((child, row))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    table.set(row, "lapp_previous_permanence_option", "")
    record = table.get(row, "lapp_table_id")
    return [Truth("previous_permanence_option_cleared", rule, child, "ssd_cla_previous_permanence", record)
            for rule in ("635", "630")]


# errors.py registers adoption_decision_reversed_without_reason ahead of the episode kinds (see there)
KINDS = [adoption_decision_a_decade_early, previous_permanence_option_cleared]
