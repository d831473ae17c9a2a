"""Return-file plantings: the OC2 items (children looked after continuously for 12 months at 31 March),
the OC3 care leavers' information, and the adoption and UASC rows read against those cohorts.

Whether a child is in a cohort is the warehouse's own derivation (who is looked after for 12 months, who
is a care leaver), so the warehouse never writes these errors: they reach a return when a person fills in
an OC2 or OC3 item by hand, mistypes one, leaves one blank or copies a row onto the wrong child. Each kind
picks a child for whom the change raises only the rules it lists; where the DfE's rules overlap (a blank
item for a child looked after for 12 months is always 191 as well) the kind plants the set together.

"Looked after continuously for 12 months" is read from the files as the DfE defines it (in care during
the year; no period starting after 1 April; none ending before 31 March other than by X1; no short break
V3/V4), which is the warehouse's own flag for a child whose files are unchanged.

Not planted: 1014 (UASC information for a care leaver with no episode in the year). Both the validator
and the warehouse read it from the child's episode rows in this year's Episodes file none of which falls
in the year; the return's Episodes file holds only the year's episodes, and a stray old episode row (or a
UASC row for a care leaver with no episode row at all, which neither flags) raises many other rules.
"""

from __future__ import annotations

from datetime import timedelta

from tests.tooling.return_plantings import Planter, as_dmy, birthday, dmy

ITEMS = ("CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
         "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED")
FOUR = ("IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE")


# --- what the files say about a child ---------------------------------------------------------------

def _looked_after_12_months(p: Planter, child: str) -> bool:
    during, broken = False, False
    for _, row in p.episodes(child).iterrows():
        decom, dec = dmy(row["DECOM"]), dmy(row["DEC"])
        if decom is None:
            return False
        in_year = decom <= p.year_end and (dec is None or dec >= p.year_start)
        during |= in_year
        if row["RNE"] == "S" and p.year_start < decom <= p.year_end:
            broken = True
        if row["REC"] != "X1" and dec is not None and p.year_start <= dec <= p.year_end:
            broken = True
        if row["LS"] in ("V3", "V4"):
            broken = True
    return during and not broken


def _left_care_in_year(p: Planter, child: str) -> bool:
    """Not looked after for 12 months by every reading: care ended in the year (not on 31 March), no short
    break, in care during the year."""
    episodes = p.episodes(child)
    if episodes.empty or episodes["LS"].isin(["V3", "V4"]).any():
        return False
    last = episodes.iloc[-1]
    dec = dmy(last["DEC"])
    return (last["REC"] not in ("", "X1") and dec is not None and p.year_start <= dec < p.year_end
            and all(dmy(d) is not None for d in episodes["DECOM"]))


def _in(p: Planter, table: str, child: str, last: bool = False) -> bool:
    return not p.rows(table, child, last).empty


def _oc3_given(p: Planter, child: str) -> bool:
    rows = p.rows("OC3", child)
    return not rows.empty and (rows[["IN_TOUCH", "ACTIV", "ACCOM"]] != "").any(axis=None)


def _elsewhere(p: Planter, child: str) -> bool:
    """In a child-level file the cohort rules read (OC2, OC3, AD1, UASC, PlacedAdoption)."""
    return any(_in(p, table, child) for table in ("OC2", "OC3", "AD1", "UASC", "PlacedAdoption"))


def _care_days_since(p: Planter, child: str, years: int) -> int:
    """Days in care (short breaks not counted) since the birthday, in this year's and last year's files."""
    start = birthday(p.dob(child), years)
    days = 0
    seen = set()
    for last in (False, True):
        for _, row in p.episodes(child, last).iterrows():
            decom, dec = dmy(row["DECOM"]), dmy(row["DEC"]) or p.year_end
            if row["LS"] in ("V3", "V4") or decom is None or decom in seen:
                continue
            seen.add(decom)
            days += max((dec - max(decom, start)).days, 0)
    return days


def _relevant_child(p: Planter, child: str) -> bool:
    """Care leaver by the DfE's test (1001): 91 days in care since the 14th birthday, one since the 16th."""
    return _care_days_since(p, child, 14) >= 91 and _care_days_since(p, child, 16) >= 1


def _oc2_looked_after(p: Planter, **where: str) -> list[tuple[str, object]]:
    """(child, OC2 row index) of free children looked after for 12 months, the four health items given,
    matching ``where`` (a column's value; a tuple of values)."""
    frame = p.frame("OC2")
    out = []
    for child in p.children("OC2"):
        rows = frame[frame["CHILD"] == child]
        if len(rows) != 1 or not _looked_after_12_months(p, child) or _elsewhere_but_oc2(p, child):
            continue
        row = rows.iloc[0]
        if not all(row[item] in ("0", "1") for item in FOUR):
            continue
        if all(row[column] in (value if isinstance(value, tuple) else (value,)) for column, value in where.items()):
            out.append((child, rows.index[0]))
    return out


def _elsewhere_but_oc2(p: Planter, child: str) -> bool:
    return any(_in(p, table, child) for table in ("OC3", "AD1", "UASC"))


def _age_end(p: Planter, child: str) -> int:
    return p.age(child, p.year_end)


def _original_row(p: Planter, table: str, child: str):
    """The row a new row for ``child`` is copied from. A copy keeps its origin's index, so a later change
    to the origin's row (by index) would change the copy too: the origin is a row of its own (not itself
    copied) of a child another kind has already used and changed, else the file's first such row."""
    frame = p.frame(table)
    own = frame[~frame.index.duplicated(keep=False)]
    done = own[own["CHILD"].isin(p.used - {child})]
    return (done if not done.empty else own).index[0]


def _new_oc2_row(p: Planter, child: str, **values: str) -> None:
    """An OC2 row for a child not in the file: the first row copied, every item blank but ``values``."""
    blank = {column: "" for column in ("SDQ_SCORE", "SDQ_REASON", *ITEMS)}
    p.copy_row("OC2", _original_row(p, "OC2", child), CHILD=child, DOB=p.header(child)["DOB"], **{**blank, **values})


def _new_oc3_row(p: Planter, child: str, **values: str) -> None:
    """An OC3 row for a child not in the file: a care leaver in touch (YES, G4 in education, B1 with
    parents), copied from the first row."""
    p.copy_row("OC3", _original_row(p, "OC3", child), CHILD=child, DOB=p.header(child)["DOB"],
               **{"IN_TOUCH": "YES", "ACTIV": "G4", "ACCOM": "B1", **values})


def _leavers(p: Planter, ages: tuple[int, ...]) -> list[str]:
    """Free children in no child-level file who left care in the year, aged ``ages`` at 31 March."""
    return [child for child in p.children("Episodes")
            if not _elsewhere(p, child) and _left_care_in_year(p, child) and _age_end(p, child) in ages]


# --- OC2: substance misuse and interventions ------------------------------------------------------

def intervention_received_and_offered(p: Planter):
    """A child with no substance misuse recorded as misusing (1), an intervention received (1) and one
    offered (0) as well: offered must be blank when one was received, 158."""
    found = _oc2_looked_after(p, SUBSTANCE_MISUSE="0", INTERVENTION_RECEIVED="", INTERVENTION_OFFERED="")
    child = p.take(c for c, _ in found)
    if child is None:
        return None
    index = dict(found)[child]
    p.set("OC2", index, SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="1", INTERVENTION_OFFERED="0")
    return p.planted(intervention_received_and_offered, child, "158")


def intervention_not_received_offer_blank(p: Planter):
    """Substance misuse (1) and no intervention received (0), whether one was offered left blank: 159."""
    found = _oc2_looked_after(p, SUBSTANCE_MISUSE="0", INTERVENTION_RECEIVED="", INTERVENTION_OFFERED="")
    child = p.take(c for c, _ in found)
    if child is None:
        return None
    p.set("OC2", dict(found)[child], SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="0")
    return p.planted(intervention_not_received_offer_blank, child, "159")


def substance_misuse_without_intervention(p: Planter):
    """SUBSTANCE_MISUSE 0 mistyped 1, the intervention items blank: whether one was received is missing,
    192."""
    found = _oc2_looked_after(p, SUBSTANCE_MISUSE="0", INTERVENTION_RECEIVED="", INTERVENTION_OFFERED="")
    child = p.take(c for c, _ in found)
    if child is None:
        return None
    p.set("OC2", dict(found)[child], SUBSTANCE_MISUSE="1")
    return p.planted(substance_misuse_without_intervention, child, "192")


def intervention_without_substance_misuse(p: Planter):
    """An intervention offered (0) for a child with no substance misuse problem (0): 193."""
    found = _oc2_looked_after(p, SUBSTANCE_MISUSE="0", INTERVENTION_RECEIVED="", INTERVENTION_OFFERED="")
    child = p.take(c for c, _ in found)
    if child is None:
        return None
    p.set("OC2", dict(found)[child], INTERVENTION_OFFERED="0")
    return p.planted(intervention_without_substance_misuse, child, "193")


# --- OC2: the items as a set ------------------------------------------------------------------------

def health_item_not_0_or_1(p: Planter):
    """TEETH_CHECK '2' (only 0 and 1 are codes): 181."""
    found = _oc2_looked_after(p)
    child = p.take(c for c, _ in found)
    if child is None:
        return None
    p.set("OC2", dict(found)[child], TEETH_CHECK="2")
    return p.planted(health_item_not_0_or_1, child, "181")


def teeth_check_left_blank(p: Planter):
    """TEETH_CHECK left blank for a child aged 10 or over looked after for 12 months, conviction recorded
    (0): the items are neither complete nor all blank (182), and one is missing for a child looked after
    for 12 months (191)."""
    found = [(c, i) for c, i in _oc2_looked_after(p, CONVICTED="0", HEALTH_CHECK="") if _age_end(p, c) >= 11]
    child = p.take(c for c, _ in found)
    if child is None:
        return None
    p.set("OC2", dict(found)[child], TEETH_CHECK="")
    return p.planted(teeth_check_left_blank, child, "182", "191")


def health_items_all_blank(p: Planter):
    """Immunisations, teeth check, health assessment and substance misuse all left blank for a child aged
    5 to 9 looked after for 12 months (conviction and health promotion are blank at that age, so the
    items are all blank, not incomplete): 191."""
    found = [(c, i) for c, i in _oc2_looked_after(p, CONVICTED="", HEALTH_CHECK="", INTERVENTION_RECEIVED="",
                                                   INTERVENTION_OFFERED="") if 6 <= _age_end(p, c) <= 9]
    child = p.take(c for c, _ in found)
    if child is None:
        return None
    p.set("OC2", dict(found)[child], **{item: "" for item in FOUR})
    return p.planted(health_items_all_blank, child, "191")


# --- OC2: the cohort (looked after for 12 months) ---------------------------------------------------

def _school_age_leaver(p: Planter):
    return p.take(c for c in _leavers(p, tuple(range(6, 16))) if p.age(c, p.year_start) >= 5)


def sdq_score_not_looked_after(p: Planter):
    """An OC2 row with an SDQ score (12) for a school-age child who left care in the year: 185."""
    child = _school_age_leaver(p)
    if child is None:
        return None
    _new_oc2_row(p, child, SDQ_SCORE="12")
    return p.planted(sdq_score_not_looked_after, child, "185")


def sdq_reason_not_looked_after(p: Planter):
    """An OC2 row with a reason for no SDQ (SDQ2) for a school-age child who left care in the year: 198."""
    child = _school_age_leaver(p)
    if child is None:
        return None
    _new_oc2_row(p, child, SDQ_REASON="SDQ2")
    return p.planted(sdq_reason_not_looked_after, child, "198")


def health_items_not_looked_after(p: Planter):
    """An OC2 row with the four health items (1, 1, 1, 0) for a school-age child who left care in the
    year: 190."""
    child = _school_age_leaver(p)
    if child is None:
        return None
    _new_oc2_row(p, child, IMMUNISATIONS="1", TEETH_CHECK="1", HEALTH_ASSESSMENT="1", SUBSTANCE_MISUSE="0")
    return p.planted(health_items_not_looked_after, child, "190")


def sdq_score_aged_17(p: Planter):
    """An OC2 row with an SDQ score (12) for a young person 17 at 1 April who left care in the year: an
    SDQ for a 17-year-old (189), for a child not looked after for 12 months (185)."""
    child = p.take(c for c in _leavers(p, (17, 18)) if birthday(p.dob(c), 17) < p.year_start)
    if child is None:
        return None
    _new_oc2_row(p, child, SDQ_SCORE="12")
    return p.planted(sdq_score_aged_17, child, "189", "185")


# --- OC2: SDQ --------------------------------------------------------------------------------------

def sdq_missing_turned_17(p: Planter):
    """The SDQ score (or reason) left blank for a child looked after for 12 months who turned 4 or 17 in
    the year: 197B."""
    found = []
    for child, index in _oc2_looked_after(p):
        born = p.dob(child)
        turned = any(p.year_start <= birthday(born, years) <= p.year_end for years in (4, 17))
        row = p.frame("OC2").loc[index]
        if turned and (row["SDQ_SCORE"] or row["SDQ_REASON"]):
            found.append((child, index))
    child = p.take(c for c, _ in found)
    if child is None:
        return None
    p.set("OC2", dict(found)[child], SDQ_SCORE="", SDQ_REASON="")
    return p.planted(sdq_missing_turned_17, child, "197B")


def sdq_reason_with_score(p: Planter):
    """A reason for no SDQ (SDQ2) beside an SDQ score, for a child aged 5 to 15: 197a."""
    found = [(c, i) for c, i in _oc2_looked_after(p, SDQ_REASON="")
             if p.frame("OC2").loc[i, "SDQ_SCORE"] and 5 <= p.age(c, p.year_start) and _age_end(p, c) <= 15]
    child = p.take(c for c, _ in found)
    if child is None:
        return None
    p.set("OC2", dict(found)[child], SDQ_REASON="SDQ2")
    return p.planted(sdq_reason_with_score, child, "197a")


# --- OC2: conviction and health promotion by age ----------------------------------------------------

def convicted_under_10(p: Planter):
    """CONVICTED 0 for a child aged under 10 at 31 March (it must be blank): 542."""
    found = [(c, i) for c, i in _oc2_looked_after(p, CONVICTED="") if 5 <= _age_end(p, c) <= 8]
    child = p.take(c for c, _ in found)
    if child is None:
        return None
    p.set("OC2", dict(found)[child], CONVICTED="0")
    return p.planted(convicted_under_10, child, "542")


def conviction_left_blank(p: Planter):
    """CONVICTED left blank for a child aged 11 or over looked after for 12 months (no health promotion
    or intervention item given, so the items stay all-or-nothing): 543."""
    found = [(c, i) for c, i in _oc2_looked_after(p, CONVICTED="0", HEALTH_CHECK="", INTERVENTION_RECEIVED="",
                                                   INTERVENTION_OFFERED="") if _age_end(p, c) >= 11]
    child = p.take(c for c, _ in found)
    if child is None:
        return None
    p.set("OC2", dict(found)[child], CONVICTED="")
    return p.planted(conviction_left_blank, child, "543")


def convicted_items_blank(p: Planter):
    """CONVICTED 1 and the teeth check left blank for a child aged 11 or over: conviction needs the four
    items (544), which are then incomplete (182) and missing for a child looked after for 12 months
    (191)."""
    found = [(c, i) for c, i in _oc2_looked_after(p, CONVICTED="0", HEALTH_CHECK="") if _age_end(p, c) >= 11]
    child = p.take(c for c, _ in found)
    if child is None:
        return None
    p.set("OC2", dict(found)[child], CONVICTED="1", TEETH_CHECK="")
    return p.planted(convicted_items_blank, child, "544", "182", "191")


def health_check_left_blank(p: Planter):
    """HEALTH_CHECK left blank for a child under 5 at 31 March looked after for 12 months: 545."""
    found = [(c, i) for c, i in _oc2_looked_after(p, HEALTH_CHECK=("0", "1"), CONVICTED="",
                                                   INTERVENTION_RECEIVED="", INTERVENTION_OFFERED="")
             if _age_end(p, c) <= 3]
    child = p.take(c for c, _ in found)
    if child is None:
        return None
    p.set("OC2", dict(found)[child], HEALTH_CHECK="")
    return p.planted(health_check_left_blank, child, "545")


def health_check_aged_5(p: Planter):
    """HEALTH_CHECK 0 for a child aged 6 or over at 31 March (it must be blank from 5): 546."""
    found = [(c, i) for c, i in _oc2_looked_after(p, HEALTH_CHECK="") if _age_end(p, c) >= 6]
    child = p.take(c for c, _ in found)
    if child is None:
        return None
    p.set("OC2", dict(found)[child], HEALTH_CHECK="0")
    return p.planted(health_check_aged_5, child, "546")


def health_check_items_blank(p: Planter):
    """HEALTH_CHECK 1 and the teeth check left blank for a child under 5: health promotion needs the
    four items (547), which are then incomplete (182) and missing for a child looked after for 12 months
    (191)."""
    found = [(c, i) for c, i in _oc2_looked_after(p, HEALTH_CHECK="1") if _age_end(p, c) <= 3]
    child = p.take(c for c, _ in found)
    if child is None:
        return None
    p.set("OC2", dict(found)[child], TEETH_CHECK="")
    return p.planted(health_check_items_blank, child, "547", "182", "191")


# --- OC3: care leavers ------------------------------------------------------------------------------

def _oc3_with_episodes(p: Planter) -> list[str]:
    """Free care leavers with information given who have episodes this year (they left care in it)."""
    return [child for child in p.children("OC3")
            if _oc3_given(p, child) and _left_care_in_year(p, child)
            and not _in(p, "OC2", child) and not _in(p, "AD1", child)]


def care_leaver_with_former_foster_carers(p: Planter):
    """ACCOM Z1 (with former foster carers) for a care leaver whose 17th birthday is in the year: 3001."""
    frame = p.frame("OC3")
    # care leavers with no episode this year first: those who left care in the year are few, and other
    # kinds need them
    without_episodes = [c for c in p.children("OC3") if not _in(p, "Episodes", c)]
    found = [c for c in without_episodes + _oc3_with_episodes(p)
             if _oc3_given(p, c) and p.year_start <= birthday(p.dob(c), 17) <= p.year_end
             and not _in(p, "OC2", c) and not _in(p, "AD1", c)]
    found.sort(key=lambda c: frame.loc[frame["CHILD"] == c, "IN_TOUCH"].iloc[0] != "YES")
    child = p.take(found)
    if child is None:
        return None
    p.set_child("OC3", child, ACCOM="Z1")
    return p.planted(care_leaver_with_former_foster_carers, child, "3001")


def care_transferred_to_another_la(p: Planter):
    """The reason the care leaver's last episode ended mistyped E3 (care transferred to another LA): no
    care leaver information is then due, 1011."""
    child = p.take(_oc3_with_episodes(p))
    if child is None:
        return None
    p.set("Episodes", p.episodes(child).index[-1], REC="E3")
    return p.planted(care_transferred_to_another_la, child, "1011")


def care_leaver_with_oc2_items(p: Planter):
    """An OC2 row with the four health items (1, 1, 1, 0) for a care leaver who left care in the year:
    OC2 items for a care leaver (215), for a child not looked after for 12 months (190). When no such care
    leaver is free, one with no episode this year: an OC2 row without an episode in the year too (1012)."""
    rules = ("215", "190")
    child = p.take(_oc3_with_episodes(p))
    if child is None:
        child, rules = p.take(_oc3_without_episodes(p)), (*rules, "1012")
    if child is None:
        return None
    _new_oc2_row(p, child, IMMUNISATIONS="1", TEETH_CHECK="1", HEALTH_ASSESSMENT="1", SUBSTANCE_MISUSE="0")
    return p.planted(care_leaver_with_oc2_items, child, *rules)


def _oc3_without_episodes(p: Planter, last_year: bool = True) -> list[str]:
    """Free care leavers with information given and no episode this year (episodes last year if asked)."""
    return [child for child in p.children("OC3")
            if _oc3_given(p, child) and not _in(p, "Episodes", child)
            and not any(_in(p, table, child) for table in ("OC2", "AD1", "UASC")) and (not last_year or _in(p, "Episodes", child, last=True))]


def care_leaver_died_in_care(p: Planter):
    """The reason last year's final episode ended mistyped E2 (died) for a care leaver with no episode this
    year: care leaver information for a child who died in care, 1000."""
    child = p.take(_oc3_without_episodes(p))
    if child is None:
        return None
    p.set("Episodes", p.episodes(child, last=True).index[-1], last=True, REC="E2")
    return p.planted(care_leaver_died_in_care, child, "1000")


def care_leaver_with_empty_oc2_row(p: Planter):
    """An OC2 row, every item blank, for a care leaver with no episode this year: no other data for an
    OC3 child with no episodes (1012)."""
    child = p.take(_oc3_without_episodes(p))
    if child is None:
        return None
    _new_oc2_row(p, child)
    return p.planted(care_leaver_with_empty_oc2_row, child, "1012")


def _leavers_at_birthday(p: Planter, after: bool) -> list[str]:
    """Leavers aged 17 or 18 at 31 March, care leavers by the days in care, in care on the birthday of
    that age (not near 31 March, where the validator's ages in days of 365.2425 are uncertain), whose
    care ended on it (``after`` False) or after it."""
    found = []
    for child in _leavers(p, (17, 18)):
        born, episodes = p.dob(child), p.episodes(child)
        latest = birthday(born, _age_end(p, child))
        decom, dec = dmy(episodes.iloc[0]["DECOM"]), dmy(episodes.iloc[-1]["DEC"])
        if (decom < latest and (dec > latest if after else dec == latest) and abs((latest - p.year_end).days) > 7
                and abs((latest - p.year_start).days) > 7 and _relevant_child(p, child)
                and episodes.iloc[-1]["REC"] not in ("E2", "E3", "E11", "E12")):
            found.append(child)
    return found


def care_leaver_left_on_birthday(p: Planter):
    """An OC3 row for a young person aged 17 or 18 at 31 March whose care ended on that birthday: care
    leaver information is not due for one who ceased to be looked after on or after it (1016; not looked
    after ON the birthday, so not 1007)."""
    child = p.take(_leavers_at_birthday(p, after=False))
    if child is None:
        return None
    _new_oc3_row(p, child)
    return p.planted(care_leaver_left_on_birthday, child, "1016")


def care_leaver_left_after_birthday(p: Planter):
    """An OC3 row for a young person aged 17 or 18 at 31 March whose care ended on that birthday, the
    date care ended typed a week late: looked after on the birthday (1007) and ceased after it (1016)."""
    child = p.take(c for c in _leavers_at_birthday(p, after=False)
                   if dmy(p.episodes(c).iloc[-1]["DEC"]) + timedelta(days=14) < p.year_end)
    if child is None:
        return None
    last = p.episodes(child).iloc[-1]
    p.set("Episodes", p.episodes(child).index[-1], DEC=as_dmy(dmy(last["DEC"]) + timedelta(days=7)))
    _new_oc3_row(p, child)
    return p.planted(care_leaver_left_after_birthday, child, "1007", "1016")


def care_leaver_under_17(p: Planter):
    """An OC3 row for a young person aged 16 at 31 March, in care during the year but not for all of it (a
    relevant child by the days in care): care leaver information for a child not 17 to 21, 391."""
    child = p.take(c for c in p.children("Episodes")
                   if _age_end(p, c) == 16 and not _elsewhere(p, c) and not _looked_after_12_months(p, c)
                   and not p.episodes(c)["LS"].isin(["V3", "V4"]).any() and _relevant_child(p, c))
    if child is None:
        return None
    _new_oc3_row(p, child)
    return p.planted(care_leaver_under_17, child, "391")


# --- adoption, cohorts across files, UASC -----------------------------------------------------------

def adoption_for_care_leaver(p: Planter):
    """An AD1 row copied onto a care leaver with no episode this year: adoption data for the OC3 cohort
    (134), AD1 for a child with no episode (1012), adoption items with no adoption in the year (602)."""
    child = p.take(_oc3_without_episodes(p))
    if child is None:
        return None
    p.copy_row("AD1", _original_row(p, "AD1", child), CHILD=child, DOB=p.header(child)["DOB"])
    return p.planted(adoption_for_care_leaver, child, "134", "1012", "602")


def care_leaver_looked_after_12_months(p: Planter):
    """An OC3 row for a 17-year-old looked after continuously for 12 months (still in care): care leaver
    information for the OC2 cohort (187), beside OC2 items (215), looked after on the 17th birthday
    (1007)."""
    found = [c for c, _ in _oc2_looked_after(p) if _age_end(p, c) in (17, 18)
             and dmy(p.episodes(c).iloc[0]["DECOM"]) <= birthday(p.dob(c), _age_end(p, c))]
    child = p.take(found)
    if child is None:
        return None
    _new_oc3_row(p, child)
    return p.planted(care_leaver_looked_after_12_months, child, "187", "215", "1007")


def uasc_ceased_after_18(p: Planter):
    """The date UASC status ceased a day after the 18th birthday (it must be on or before): 304."""
    frame = p.frame("UASC")
    found = [c for c in p.children("UASC")
             if birthday(dmy(frame.loc[frame["CHILD"] == c, "DOB"].iloc[0]), 18) + timedelta(days=1) < p.year_end
             and dmy(frame.loc[frame["CHILD"] == c, "DUC"].iloc[0]) is not None]
    child = p.take(found)
    if child is None:
        return None
    born = dmy(frame.loc[frame["CHILD"] == child, "DOB"].iloc[0])
    p.set_child("UASC", child, DUC=as_dmy(birthday(born, 18) + timedelta(days=1)))
    return p.planted(uasc_ceased_after_18, child, "304")


KINDS = [
    intervention_received_and_offered, intervention_not_received_offer_blank,
    substance_misuse_without_intervention, intervention_without_substance_misuse,
    health_item_not_0_or_1, teeth_check_left_blank, health_items_all_blank,
    sdq_score_not_looked_after, sdq_reason_not_looked_after, health_items_not_looked_after, sdq_score_aged_17,
    sdq_missing_turned_17, sdq_reason_with_score,
    convicted_under_10, conviction_left_blank, convicted_items_blank,
    health_check_left_blank, health_check_aged_5, health_check_items_blank,
    care_leaver_with_former_foster_carers, care_transferred_to_another_la, care_leaver_with_oc2_items,
    care_leaver_died_in_care, care_leaver_with_empty_oc2_row,
    care_leaver_left_on_birthday, care_leaver_left_after_birthday, care_leaver_under_17,
    adoption_for_care_leaver, care_leaver_looked_after_12_months, uasc_ceased_after_18,
]
