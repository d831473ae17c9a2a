"""Return-file plantings: the Episodes file's own chain of episodes, dates, legal statuses, placements and
postcodes broken as a person editing the CSV could break them.

The warehouse derives each child's episodes as one contiguous chain from the case-management records
(reason for new episode, legal status, placement, postcodes), so these rules can only be broken in the
written file: a reason for the new episode typed wrong, a legal status or date mistyped, a reason for a
placement change where none belongs, a short break given a postcode, an episode copied.

Each kind picks the first free child whose episodes make the change raise only the rule it plants (or a
small set of rules the change must raise together, named in its docstring). Children are chosen by the
shape of their episodes, never by identifier, so a kind still finds a child when other families' kinds
have used others first. Where a kind would otherwise compare with last year's return, it prefers children
not in last year's file (their episodes began this year), so the across-year rules (452, 453, 503*) stay
quiet.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from tests.tooling.return_plantings import Planter, as_dmy, birthday, dmy, in_year_in_progress

TEMPORARY = ("T0", "T1", "T2", "T3", "T4")


# -- helpers ---------------------------------------------------------------------------------------------

def _chain(p: Planter, child: str) -> list[tuple[object, pd.Series]]:
    """(index, row) of the child's episodes this year in start-date order."""
    return list(p.episodes(child).iterrows())


def _last_year_children(p: Planter) -> set[str]:
    return set(p.frame("Episodes", last=True)["CHILD"])


def _uasc(p: Planter) -> set[str]:
    return set(p.frame("UASC")["CHILD"]) | set(p.frame("UASC", last=True)["CHILD"])


def _plain(p: Planter, child: str, min_age: int = 10) -> bool:
    """A child not UASC, aged ``min_age`` to 16 at year end (so no age rule moves), whose episodes all
    began this year (so no across-year rule moves)."""
    return (child not in _last_year_children(p) and child not in _uasc(p)
            and min_age <= p.age(child, p.year_end) <= 16)


def _single_open_starters(p: Planter, min_days: int = 0, min_age_at_start: int = 0) -> list[tuple[str, object]]:
    """(child, index) of children with one episode this year: started to be looked after (S) this year,
    still open, at least ``min_days`` before the year end; ordered by start."""
    out = []
    for child in p.children("Episodes"):
        chain = _chain(p, child)
        if len(chain) != 1 or not _plain(p, child, min_age=0):
            continue
        index, row = chain[0]
        start = dmy(row["DECOM"])
        if (row["RNE"] == "S" and row["DEC"] == "" and start and start >= p.year_start
                and (p.year_end - start).days >= min_days and row["LS"] in ("C1", "C2", "V2")
                and row["PLACE"] not in TEMPORARY and p.age(child, start) >= min_age_at_start):
            out.append((child, index, start))
    return [(child, index) for child, index, _ in sorted(out, key=lambda item: item[2])]


def _pairs(p: Planter, rne: str, plain: bool = True):
    """(child, index, row, previous row, position, chain) of episodes with the given RNE that follow the
    previous episode without a break (X1 on the day this one starts), neither temporary, starting this year."""
    for child in p.children("Episodes"):
        if plain and not _plain(p, child, min_age=0):
            continue
        chain = _chain(p, child)
        for position in range(1, len(chain)):
            index, row = chain[position]
            _, previous = chain[position - 1]
            if (row["RNE"] == rne and previous["REC"] == "X1" and previous["DEC"] == row["DECOM"]
                    and dmy(row["DECOM"]) >= p.year_start
                    and row["PLACE"] not in TEMPORARY and previous["PLACE"] not in TEMPORARY):
                yield child, index, row, previous, position, chain


def _copy_one(p: Planter, index, **values: str) -> None:
    """As Planter.copy_row, but of the first row with that origin only (copy_row copies every row sharing
    the index, so a second copy of a row already copied would come out twice)."""
    frame = p.this.frames["Episodes"]
    row = frame.loc[[index]].iloc[[0]].copy()
    for column, value in values.items():
        row[column] = value
    p.this.frames["Episodes"] = pd.concat([frame, row])
    p.this.changed.add("Episodes")


def _placement_changed(row: pd.Series, previous: pd.Series) -> bool:
    return any(row[c] != previous[c] for c in ("PLACE", "PL_POST", "URN", "PLACE_PROVIDER"))


def _short_break_children(p: Planter) -> list[str]:
    """Children whose every episode this year is a short break (V3) without postcodes or URN (the kinds
    change a later break, never the first, so last year's return is not compared with it)."""
    out = []
    for child in p.children("Episodes"):
        rows = p.rows("Episodes", child)
        if (len(rows) >= 2 and (rows["LS"] == "V3").all() and (rows["HOME_POST"] == "").all()
                and (rows["PL_POST"] == "").all() and (rows["URN"] == "").all()):
            out.append(child)
    return out


def _left_at_18(p: Planter) -> list[tuple[str, object]]:
    """(child, index) of children with one episode this year that ended on or after their 18th birthday
    (care ended at 18), not UASC, not in an adoption or special guardianship."""
    out = []
    for child in p.children("Episodes"):
        chain = _chain(p, child)
        if len(chain) != 1 or child in _uasc(p):
            continue
        index, row = chain[0]
        end = dmy(row["DEC"])
        if end and end >= birthday(p.dob(child), 18) and row["REC"] not in ("E11", "E12", "E45", "E46", "E47", "E48"):
            out.append((child, index))
    return out


# -- codes and the chain of episodes ---------------------------------------------------------------------

def ls_not_a_code(p: Planter):
    """LS 'Z1' (not a legal status) on the only episode of a child who started to be looked after this
    year: 144. One episode, so no reason for a new episode compares it with another."""
    for child, index in _single_open_starters(p):
        p.take([child])
        p.set("Episodes", index, LS="Z1")
        return p.planted(ls_not_a_code, child, "144")
    return None


def _single_closed_starters(p: Planter) -> list[tuple[str, object]]:
    """(child, index) of children aged under 17 with one episode this year, begun (S) and ended (not X1)
    within the year: not continuously looked after, so no OC2 cohort rule reads them."""
    out = []
    for child in p.children("Episodes"):
        chain = _chain(p, child)
        if len(chain) != 1 or not _plain(p, child, min_age=0):
            continue
        index, row = chain[0]
        start, end = dmy(row["DECOM"]), dmy(row["DEC"])
        if (row["RNE"] == "S" and start and start >= p.year_start and end and end <= p.year_end
                and row["REC"] not in ("X1", "E11", "E12") and row["LS"] in ("C1", "C2", "V2")):
            out.append((child, index))
    return out


def first_episode_not_started(p: Planter):
    """RNE 'P' instead of 'S' on the only episode of a child who started to be looked after this year and
    left care this year (so still not continuously looked after): the first episode ever is not S, 357."""
    for child, index in _single_closed_starters(p):
        p.take([child])
        p.set("Episodes", index, RNE="P")
        return p.planted(first_episode_not_started, child, "357")
    return None


def started_again_same_day(p: Planter):
    """RNE 'S' typed for 'P' on a placement change that follows the previous episode (ended X1) the same
    day: care 'starts' on the day the previous episode ended, 431. Legal status unchanged, so nothing
    else reads the new S."""
    for child, index, row, previous, position, chain in _pairs(p, "P"):
        if position == len(chain) - 1 and row["LS"] == previous["LS"] and row["CIN"] == previous["CIN"]:
            p.take([child])
            p.set("Episodes", index, RNE="S")
            return p.planted(started_again_same_day, child, "431")
    return None


def ceased_but_not_started(p: Planter):
    """REC 'E4A' (returned home) typed for 'X1' on an episode followed the same day by a legal status
    change (L): care ended but the next episode is not S (432), and care ended on the day another episode
    starts (388). No placement change reason is recorded on the L pair, so only these two move."""
    for child, index, row, previous, position, chain in _pairs(p, "L"):
        previous_index = chain[position - 1][0]
        if previous["REASON_PLACE_CHANGE"] == "" and position == len(chain) - 1:
            p.take([child])
            p.set("Episodes", previous_index, REC="E4A")
            return p.planted(ceased_but_not_started, child, "432", "388")
    return None


def legal_status_change_not_reflected(p: Planter):
    """RNE 'L' typed for 'P' on a placement change with the legal status unchanged: 434 (the legal status
    did not change and the placement did)."""
    for child, index, row, previous, position, chain in _pairs(p, "P"):
        if row["LS"] == previous["LS"] and _placement_changed(row, previous):
            p.take([child])
            p.set("Episodes", index, RNE="L")
            return p.planted(legal_status_change_not_reflected, child, "434")
    return None


def placement_change_not_reflected(p: Planter):
    """A placement change (P) whose only changed field is the placement postcode given the previous
    placement's postcode (a copied cell): the placement did not change, 435."""
    for child, index, row, previous, position, chain in _pairs(p, "P"):
        same_but_postcode = all(row[c] == previous[c] for c in ("LS", "PLACE", "URN", "PLACE_PROVIDER"))
        if (same_but_postcode and row["PL_POST"] != previous["PL_POST"] and previous["PL_POST"] != ""
                and previous["PL_POST"] != row["HOME_POST"] and position == len(chain) - 1):
            p.take([child])
            p.set("Episodes", index, PL_POST=previous["PL_POST"])
            return p.planted(placement_change_not_reflected, child, "435")
    return None


def both_changed_not_reflected(p: Planter):
    """RNE 'B' typed for 'P' on a placement change with the legal status unchanged: 436."""
    for child, index, row, previous, position, chain in _pairs(p, "P"):
        if row["LS"] == previous["LS"] and _placement_changed(row, previous):
            p.take([child])
            p.set("Episodes", index, RNE="B")
            return p.planted(both_changed_not_reflected, child, "436")
    return None


def episodes_after_care_ended_by_age(p: Planter):
    """REC 'E15' (age assessment: the young person is an adult) typed on a short break that ended, of a
    child with later short breaks (each S): 437. The later break starts S, so 432 does not move."""
    for child in _short_break_children(p):
        chain = _chain(p, child)
        index, row = chain[-2]
        if row["REC"] not in ("", "X1"):
            p.take([child])
            p.set("Episodes", index, REC="E15")
            return p.planted(episodes_after_care_ended_by_age, child, "437")
    return None


def need_changed_within_care(p: Planter):
    """CIN of the last episode (a same-day continuation, previous ended X1) typed as another code: the
    category of need differs from the one the period of care began with, 504."""
    for child in p.children("Episodes"):
        if not _plain(p, child, min_age=0):
            continue
        chain = _chain(p, child)
        if len(chain) < 2:
            continue
        index, row = chain[-1]
        previous = chain[-2][1]
        # under 16: a 16-year-old in care for part of the year is what the care leaver rule 391 needs
        if p.age(child, p.year_end) < 16 and previous["REC"] == "X1" and previous["DEC"] == row["DECOM"] and row["CIN"] == previous["CIN"]:
            p.take([child])
            p.set("Episodes", index, CIN="N2" if row["CIN"] != "N2" else "N3")
            return p.planted(need_changed_within_care, child, "504")
    return None


# -- single episodes: dates, reasons, ages ---------------------------------------------------------------

def reason_for_temporary_placement(p: Planter):
    """REASON_PLACE_CHANGE 'CARPL' on a temporary placement (T0-T4) that ended X1 back to the placement
    before it: 226."""
    for child in p.children("Episodes"):
        if not _plain(p, child, min_age=0):
            continue
        chain = _chain(p, child)
        for position in range(1, len(chain) - 1):
            index, row = chain[position]
            if (row["PLACE"] in TEMPORARY and row["PLACE"] != "T1" and row["REC"] == "X1"
                    and row["REASON_PLACE_CHANGE"] == "" and chain[position - 1][1]["REASON_PLACE_CHANGE"] == ""):
                p.take([child])
                p.set("Episodes", index, REASON_PLACE_CHANGE="CARPL")
                return p.planted(reason_for_temporary_placement, child, "226")
    return None


# its only children are placed for adoption after a temporary placement
reason_for_temporary_placement.may_use_adoption_children = True


def reason_on_open_episode(p: Planter):
    """REASON_PLACE_CHANGE 'CARPL' on a child's only episode, still open: 233. (The validator's rule 233
    reads a column DATE_EPISODE_CEASED that the Episodes file does not have, so it raises KeyError and
    flags no one: a validator defect.)"""
    for child, index in _single_open_starters(p):
        p.take([child])
        p.set("Episodes", index, REASON_PLACE_CHANGE="CARPL")
        return p.planted(reason_on_open_episode, child, "233")
    return None


def starts_after_year_end(p: Planter):
    """DECOM typed a year on (the only episode, open, of a child who started this year): the episode
    starts after 31 March, 354."""
    starters = _single_open_starters(p)
    for child, index in reversed(starters):
        row = p.frame("Episodes").loc[index]
        start = dmy(row["DECOM"])
        p.take([child])
        p.set("Episodes", index, DECOM=as_dmy(start.replace(year=start.year + 1)))
        return p.planted(starts_after_year_end, child, "354")
    return None


def ends_after_year_end(p: Planter):
    """DEC typed a year on, on the only episode of a child whose care ended this year (aged under 17):
    the episode ends after 31 March, 385."""
    for child in p.children("Episodes"):
        if not _plain(p, child, min_age=0):
            continue
        chain = _chain(p, child)
        if len(chain) != 1:
            continue
        index, row = chain[0]
        end = dmy(row["DEC"])
        if end and end >= p.year_start and row["REC"] not in ("X1", "E11", "E12"):
            p.take([child])
            p.set("Episodes", index, DEC=as_dmy(end.replace(year=end.year + 1)))
            return p.planted(ends_after_year_end, child, "385")
    return None


def started_care_aged_18(p: Planter):
    """The episode of a young person whose care ended at 18 copied as a new period of care (S) a month
    later, ended within the year: started to be looked after aged 18 or over (352); a new period of care
    begun this year without a previous permanence record (630)."""
    for child, index in _left_at_18(p):
        row = p.frame("Episodes").loc[index]
        start = dmy(row["DEC"]) + timedelta(days=30)
        end = start + timedelta(days=10)
        if end > p.year_end:
            continue
        p.take([child])
        p.copy_row("Episodes", index, DECOM=as_dmy(start), RNE="S", LS="V2", DEC=as_dmy(end), REC=row["REC"],
                   REASON_PLACE_CHANGE="")
        return p.planted(started_care_aged_18, child, "352", "630")
    return None


def adopted_aged_18(p: Planter):
    """REC 'E11' (adopted) typed on the episode of a young person whose care ended on or after their 18th
    birthday: 386; an adoption that also cannot be true of the placement (not A3-A6, 390) and has no
    adoption record (601)."""
    for child, index in _left_at_18(p):
        p.take([child])
        p.set("Episodes", index, REC="E11")
        return p.planted(adopted_aged_18, child, "386", "390", "601")
    return None


def special_guardianship_aged_18(p: Planter):
    """REC 'E45' (special guardianship order) and DEC a month after the 18th birthday typed on the episode
    of a young person whose care ended at 18: 407."""
    for child, index in _left_at_18(p):
        end = birthday(p.dob(child), 18) + timedelta(days=30)
        if end > p.year_end:
            continue
        p.take([child])
        p.set("Episodes", index, REC="E45", DEC=as_dmy(end))
        return p.planted(special_guardianship_aged_18, child, "407")
    return None


def _carried_over(p: Planter, ls: str | None = None):
    """(child, index this year, index last year, row) of children whose first episode this year is the
    latest of last year's return, open on 31 March, the same start, not UASC, under 17, with no previous
    permanence record."""
    permanence = set(p.frame("PrevPerm")["CHILD"])
    for child in p.children("Episodes"):
        if child in _uasc(p) or child in permanence or p.age(child, p.year_end) > 16:
            continue
        index, row = _chain(p, child)[0]
        previous = p.episodes(child, last=True)
        adopted = p.rows("Episodes", child)["REC"].isin(["E11", "E12"]).any() or child in set(p.frame("PlacedAdoption")["CHILD"])
        if previous.empty or (ls and row["LS"] != ls) or adopted:
            continue
        last_index, last_row = previous.index[-1], previous.iloc[-1]
        if last_row["DECOM"] == row["DECOM"] and last_row["DEC"] == "" and dmy(row["DECOM"]) < p.year_start:
            yield child, index, last_index, row


def starts_before_children_act(p: Planter):
    """DECOM typed as '01/10/1991' on a child's first episode this year, carried over from last year
    (typed the same in last year's file, so the across-year rules still match): the episode starts
    before 14 October 1991 (353), and so before the child's birth (302)."""
    for child, index, last_index, row in _carried_over(p):
        if row["LS"] == "E1":
            continue
        p.take([child])
        p.set("Episodes", index, DECOM="01/10/1991")
        p.set("Episodes", last_index, last=True, DECOM="01/10/1991")
        return p.planted(starts_before_children_act, child, "353", "302")
    return None


@in_year_in_progress  # the complete year's children on placement orders are the adoption kinds'
def placement_order_before_2005(p: Planter):
    """DECOM typed 20 years early (before December 2005) on a child's first episode this year with a
    placement order (E1), carried over from last year (typed the same in last year's file): E1 before
    December 2005 (446), and before the child's birth (302). Every child on a placement order has a
    decision to place for adoption, now more than a year after the order began (554); and the episode
    before it in last year's file no longer reaches it (562)."""
    permanence = set(p.frame("PrevPerm")["CHILD"])
    for child in p.children("Episodes"):
        if child in _uasc(p) or child in permanence:
            continue
        index, row = _chain(p, child)[0]
        previous = p.episodes(child, last=True)
        if row["LS"] != "E1" or previous.empty or len(p.rows("AD1", child)):
            continue
        last_index, last_row = previous.index[-1], previous.iloc[-1]
        if not (last_row["DECOM"] == row["DECOM"] and last_row["DEC"] == "" and dmy(row["DECOM"]) < p.year_start):
            continue
        start = dmy(row["DECOM"])
        wrong = as_dmy(start.replace(year=2005, day=min(start.day, 28)) if start.month < 12
                       else start.replace(year=2004))
        p.take([child])
        p.set("Episodes", index, DECOM=wrong)
        p.set("Episodes", last_index, last=True, DECOM=wrong)
        # placed for adoption in that episode: the placement now comes before the decision to place (552)
        placed = ("552",) if row["PLACE"] in ("A3", "A4", "A5", "A6") else ()
        return p.planted(placement_order_before_2005, child, "446", "302", "554", "562", *placed)
    return None


placement_order_before_2005.may_use_adoption_children = True


# -- how long a legal status lasts -----------------------------------------------------------------------

def _limited_status(p: Planter, kind, ls: str, rule: str, min_days: int, min_age: int = 0):
    for child, index in _single_open_starters(p, min_days=min_days, min_age_at_start=min_age):
        p.take([child])
        p.set("Episodes", index, LS=ls)
        return p.planted(kind, child, rule)
    return None


def pace_too_long(p: Planter):
    """LS 'J2' (PACE accommodation) on the only, open episode of a child aged 10 or over who started more
    than 21 days before the year end: J2 for more than 21 days, 364."""
    return _limited_status(p, pace_too_long, "J2", "364", 40, min_age=11)


def police_protection_too_long(p: Planter):
    """LS 'L1' (police protection) on the only, open episode of a child who started more than three days
    before the year end: 361."""
    return _limited_status(p, police_protection_too_long, "L1", "361", 10)


def emergency_protection_too_long(p: Planter):
    """LS 'L2' (emergency protection order) on the only, open episode of a child who started more than 21
    days before the year end: 362."""
    return _limited_status(p, emergency_protection_too_long, "L2", "362", 40)


# -- placements ------------------------------------------------------------------------------------------

def placement_change_in_short_break(p: Planter):
    """A short break (V3) recorded as two episodes: the break ends X1 mid-way (reason CARPL) and a copy
    of it continues the break as a placement change (P) in another placement type: 366."""
    for child in _short_break_children(p):
        for index, row in _chain(p, child)[1:]:
            start, end = dmy(row["DECOM"]), dmy(row["DEC"])
            if row["RNE"] == "S" and start and end and (end - start).days >= 3 and row["REC"] not in ("", "X1"):
                middle = start + timedelta(days=(end - start).days // 2)
                p.take([child])
                p.set("Episodes", index, DEC=as_dmy(middle), REC="X1", REASON_PLACE_CHANGE="CARPL")
                _copy_one(p, index, DECOM=as_dmy(middle), RNE="P", DEC=row["DEC"], REC=row["REC"],
                          REASON_PLACE_CHANGE="", PLACE="U6" if row["PLACE"] != "U6" else "K2")
                return p.planted(placement_change_in_short_break, child, "366")
    return None


def hospital_too_long(p: Planter):
    """A temporary hospital placement (T1) whose end, and so the next episode's start, is typed 50 days
    later: T1 for more than six weeks, 375."""
    for child in p.children("Episodes"):
        chain = _chain(p, child)
        for position in range(len(chain) - 1):
            index, row = chain[position]
            next_index, following = chain[position + 1]
            if row["PLACE"] != "T1" or row["DEC"] != following["DECOM"]:
                continue
            moved = dmy(row["DEC"]) + timedelta(days=50)
            if moved >= min(dmy(following["DEC"]) or p.year_end, p.year_end):
                continue
            p.take([child])
            p.set("Episodes", index, DEC=as_dmy(moved))
            p.set("Episodes", next_index, DECOM=as_dmy(moved))
            return p.planted(hospital_too_long, child, "375")
    return None


def holiday_placements_too_many(p: Planter):
    """A child with a holiday placement (T3) and back in the same placement since: two more week-long T3
    breaks copied into that placement (each a copy of the T3 episode, the placement split around it):
    more than two T3 placements in the year, 377."""
    for child in p.children("Episodes"):
        chain = _chain(p, child)
        if len(chain) < 3 or child in _uasc(p):
            continue
        t3 = [index for index, row in chain if row["PLACE"] == "T3"]
        last_index, last = chain[-1]
        start = dmy(last["DECOM"])
        if (len(t3) != 1 or last["DEC"] != "" or last["PLACE"] in TEMPORARY or chain[-2][1]["PLACE"] != "T3"
                or (p.year_end - start).days < 40):
            continue
        p.take([child])
        first, second = start + timedelta(days=10), start + timedelta(days=25)
        p.set("Episodes", last_index, DEC=as_dmy(first), REC="X1")
        _copy_one(p, t3[0], DECOM=as_dmy(first), DEC=as_dmy(first + timedelta(days=7)), REC="X1")
        _copy_one(p, last_index, DECOM=as_dmy(first + timedelta(days=7)), DEC=as_dmy(second), REC="X1")
        _copy_one(p, t3[0], DECOM=as_dmy(second), DEC=as_dmy(second + timedelta(days=7)), REC="X1")
        _copy_one(p, last_index, DECOM=as_dmy(second + timedelta(days=7)), DEC="", REC="")
        return p.planted(holiday_placements_too_many, child, "377")
    return None


def looked_after_past_18(p: Planter):
    """The end date and reason left blank on the episode of a young person who came into care this year
    and whose care ended at 18 (not V2 in K2), and their social worker's latest allocation left open
    with it: still looked after past the 18th birthday, 359. Care began this year, so the child is not
    continuously looked after (no OC2 cohort rule reads them)."""
    for child, index in _left_at_18(p):
        row = p.frame("Episodes").loc[index]
        start = dmy(row["DECOM"])
        if (row["LS"] == "V2" and row["PLACE"] == "K2") or row["RNE"] != "S" or start < p.year_start:
            continue
        allocations = p.rows("SWEpisodes", child)
        if allocations.empty:
            continue
        latest = allocations.assign(_start=allocations["SW_DECOM"].map(dmy)).sort_values("_start").index[-1]
        p.take([child])
        p.set("Episodes", index, DEC="", REC="")
        p.set("SWEpisodes", latest, SW_DEC="")
        return p.planted(looked_after_past_18, child, "359")
    return None


# -- placement location ----------------------------------------------------------------------------------

def _located_postcode(p: Planter, column: str) -> str:
    """A postcode the files already carry in that column (so the warehouse's sample and the validator's
    lookup both locate it): the most common one."""
    values = p.frame("Episodes")[column]
    return values[values != ""].value_counts().index[0]


def short_break_with_urn(p: Planter):
    """A URN (copied from another placement) on a short break (V3): placement location not required, 214."""
    urns = p.frame("Episodes")["URN"]
    urn = urns[urns.str.startswith("SC")].value_counts().index[0]
    for child in _short_break_children(p):
        index, _ = _chain(p, child)[-1]
        p.take([child])
        p.set("Episodes", index, URN=urn)
        return p.planted(short_break_with_urn, child, "214")
    return None


def short_break_with_home_postcode(p: Planter):
    """A home postcode on a short break (V3), no placement postcode: 398 (a postcode on a short break)."""
    postcode = _located_postcode(p, "HOME_POST")
    for child in _short_break_children(p):
        index, _ = _chain(p, child)[-1]
        p.take([child])
        p.set("Episodes", index, HOME_POST=postcode)
        return p.planted(short_break_with_home_postcode, child, "398")
    return None


def short_break_with_placement_postcode(p: Planter):
    """A placement postcode on a short break (V3): a council of placement (420), placement location not
    required (214) and a postcode on a short break (398)."""
    postcode = _located_postcode(p, "PL_POST")
    for child in _short_break_children(p):
        index, _ = _chain(p, child)[-1]
        p.take([child])
        p.set("Episodes", index, PL_POST=postcode)
        return p.planted(short_break_with_placement_postcode, child, "420", "214", "398")
    return None


def asylum_seeker_with_distance(p: Planter):
    """A home postcode typed on the episodes of an unaccompanied asylum-seeking child (UASC this year)
    whose episodes began this year: a distance can be worked out, 406."""
    postcode = _located_postcode(p, "HOME_POST")
    this_year_uasc = set(p.frame("UASC")["CHILD"])
    for child in p.children("Episodes"):
        if child not in this_year_uasc or child in _last_year_children(p):
            continue
        rows = p.rows("Episodes", child)
        if (rows["HOME_POST"] == "").all() and (rows["PL_POST"] != "").all() and (rows["PL_POST"] != postcode).all():
            p.take([child])
            p.set_child("Episodes", child, HOME_POST=postcode)
            return p.planted(asylum_seeker_with_distance, child, "406")
    return None


KINDS = [
    pace_too_long, police_protection_too_long, emergency_protection_too_long,
    ls_not_a_code, first_episode_not_started, started_again_same_day, ceased_but_not_started,
    legal_status_change_not_reflected, placement_change_not_reflected, both_changed_not_reflected,
    # the temporary placement first: its one child would suit the change of need too
    episodes_after_care_ended_by_age, reason_for_temporary_placement, need_changed_within_care,
    reason_on_open_episode, starts_after_year_end, ends_after_year_end,
    started_care_aged_18, adopted_aged_18, special_guardianship_aged_18, looked_after_past_18,
    starts_before_children_act, placement_order_before_2005,
    placement_change_in_short_break, hospital_too_long, holiday_placements_too_many,
    short_break_with_urn, short_break_with_home_postcode, short_break_with_placement_postcode,
    asylum_seeker_with_distance,
]
