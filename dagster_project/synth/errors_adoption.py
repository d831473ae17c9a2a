"""Planted errors for the DfE's adoption and special guardianship rules (see errors.py for the pattern).

Kept apart from errors.py so the rule families can grow without touching each other; errors.py lists these
kinds in its KINDS after its own.
"""

from __future__ import annotations

from datetime import timedelta

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
    candidates = council.pick(candidates)
    if not candidates:
        return None
    child, record, wrong = candidates[0]
    council.take(child)
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
    candidates = council.pick(candidates)
    if not candidates:
        return None
    child, record, typed = candidates[0]
    council.take(child)
    table = council.table("ssd_permanence")
    table.set(record, "perm_adm_decision_date", council.d(typed))
    table.set(record, "perm_matched_date", council.d(typed))
    return [Truth("adoption_decided_after_placed", rule, child, "ssd_permanence", table.get(record, "perm_table_id"))
            for rule in ("521", "552", "331")]


# adopted_by_foster_carers_flag_wrong (335) and adoption_decided_after_placed (521) are written but not
# planted yet: in the nightly-quality test's council every adopted child that fits is already taken by
# errors.py's two adoption kinds, so they found no candidate (measured 2026-12-06). They go in once the
# generator adopts more children in the checked year or the kinds share them out.
KINDS = [sgo_to_former_foster_carers_from_elsewhere]
