"""Return-file plantings: the rules comparing this year's return with last year's (2024-25 files, ``last``).

The warehouse writes both years from one care history, so the two returns agree; they disagree only when a
return is edited (a value mistyped in last year's submitted file, a row left out of it, a field changed
this year). Most kinds change LAST year's file: the checked year's own rules then see nothing new, and only
the rule comparing the two years fires. Each kind picks a child whose two returns agree on the compared
values before the change (so the finding is new) and whose change raises nothing else.

Left out: 1002. The warehouse's 1002 reads the child's whole care history (int_ssda903_episodes, built from
the extract, not from the return files), so no edit of the files leaves a care leaver of the year without
an episode of care; and a care leaver whose episodes are taken out of both years' files is flagged 1001 by
the validator as well (no days looked after), which the warehouse, reading the history, does not.

Known validator defects these kinds meet (the warehouse is right):
- 205A: rules/lac2022_23/rule_205A.py starts from this year's UASC rows (``merged_current = uasc[...]``),
  and in a CSV return a child is UASC exactly when the UASC file has a row, so a child no longer UASC this
  year (no row) never reaches the check: uasc_ceased_not_last_year is found by the warehouse only.
- 584: rules/lac2022_23/rule_584.py flags the PlacedAdoption rows whose labels are the positions of its
  merged frame (0, 1, ...), not the children's rows (tests/validator/test_known_defects.py test_584): it
  flags the planted children only when they hold the file's first rows.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from tests.tooling.return_plantings import Planter, as_dmy, birthday, dmy

LA_CODE = "E06000015"
POSTCODES = Path(__file__).resolve().parents[2] / "seeds" / "reference" / "postcodes.csv"


@lru_cache(maxsize=1)
def _postcodes() -> dict[str, tuple[str, int, int]]:
    """{postcode: (upper-tier LA, easting, northing)} of the warehouse's postcode sample (real postcodes, so
    the validator's full list places them the same)."""
    with POSTCODES.open(newline="") as f:
        return {r["postcode"]: (r["utla_code"], int(r["easting"]), int(r["northing"]))
                for r in csv.DictReader(f)}


def _in_both_headers(p: Planter) -> list[str]:
    last = set(p.frame("Header", last=True)["CHILD"])
    return [c for c in p.children("Header") if c in last]


def _uasc(p: Planter, last: bool = False) -> set[str]:
    return set(p.frame("UASC", last)["CHILD"])


def _last_header_row(p: Planter, child: str):
    rows = p.rows("Header", child, last=True)
    return rows.index[0], rows.iloc[0]


def _header_change(p: Planter, kind, rule: str, column: str, change):
    """Last year's Header value of a child in both years (not UASC in either) mistyped: ``change(value)``
    gives the new value (None: child unsuitable)."""
    uasc = _uasc(p) | _uasc(p, last=True)
    for child in _in_both_headers(p):
        if child in uasc:
            continue
        index, row = _last_header_row(p, child)
        if row[column] != p.header(child)[column] or not row[column]:
            continue
        new = change(row[column])
        if new is None or new == row[column]:
            continue
        p.take([child])
        p.set("Header", index, last=True, **{column: new})
        return p.planted(kind, child, rule)
    return None


def sex_differs_from_last_year(p: Planter):
    """Last year's Header SEX mistyped (M <-> F) for a child in both returns: 202."""
    return _header_change(p, sex_differs_from_last_year, "202", "SEX", {"M": "F", "F": "M"}.get)


def dob_differs_from_last_year(p: Planter):
    """Last year's Header DOB a day out for a child in both returns (not UASC, whose DUC is checked against
    the DOB): 203."""
    def next_day(text):
        born = dmy(text)
        return as_dmy(born + timedelta(days=1)) if born else None
    return _header_change(p, dob_differs_from_last_year, "203", "DOB", next_day)


def ethnicity_differs_from_last_year(p: Planter):
    """Last year's Header ETHNIC another code (WBRI <-> WIRI) for a child in both returns: 204."""
    def other(code):
        return "WIRI" if code != "WIRI" else "WBRI"
    return _header_change(p, ethnicity_differs_from_last_year, "204", "ETHNIC", other)


def upn_differs_from_last_year(p: Planter):
    """Last year's Header UPN with its last digit mistyped for a child in both returns: 208."""
    def other(upn):
        if not upn[-1].isdigit():
            return None
        return upn[:-1] + str((int(upn[-1]) + 1) % 10)
    return _header_change(p, upn_differs_from_last_year, "208", "UPN", other)


def mother_last_year_not_this_year(p: Planter):
    """Last year's Header MOTHER 1 (no MC_DOB) for a girl looked after this year whose MOTHER is 0 this
    year: 207 (MOTHER 1 last year, different this year, episodes this year)."""
    with_episodes = set(p.frame("Episodes")["CHILD"])
    for child in _in_both_headers(p):
        index, last = _last_header_row(p, child)
        this = p.header(child)
        if (child in with_episodes and this["SEX"] == "F" and this["MOTHER"] == "0" and last["MOTHER"] == "0"
                and not last["MC_DOB"] and not this["MC_DOB"]):
            p.take([child])
            p.set("Header", index, last=True, MOTHER="1")
            return p.planted(mother_last_year_not_this_year, child, "207")
    return None


def first_child_dob_differs(p: Planter):
    """A mother this year (MOTHER 1, MC_DOB) recorded last year as a mother whose first child was born a
    year earlier (last year's MOTHER 1, MC_DOB a year before this year's): 624 (626 and 207 need last
    year's MOTHER 0 / this year's not 1). When no mother this year is free: a girl still looked after at
    31 March, MOTHER 0 in both years, recorded as a mother in both (this year's MC_DOB 1 October or her
    first DEC of the year if earlier, last year's a year before: the year mistyped); the first child's date
    of birth differs: 624 again (this year's MC_DOB is in the year, so not 626, and on or before every DEC
    of the year, so not 625)."""
    for child in _in_both_headers(p):
        index, last = _last_header_row(p, child)
        this = p.header(child)
        born = dmy(this["MC_DOB"])
        if this["MOTHER"] == "1" and born and not last["MC_DOB"]:
            p.take([child])
            p.set("Header", index, last=True, MOTHER="1", MC_DOB=as_dmy(birthday(born, -1)))
            return p.planted(first_child_dob_differs, child, "624")
    for child in _in_both_headers(p):
        index, last = _last_header_row(p, child)
        this = p.header(child)
        episodes = p.episodes(child)
        if episodes.empty or episodes["DEC"].iloc[-1] != "":
            continue
        first_child = min([date(p.year_start.year, 10, 1)] + [dmy(d) for d in episodes["DEC"] if d])
        if (this["SEX"] == "F" and this["MOTHER"] == "0" and last["MOTHER"] == "0"
                and p.age(child, first_child) >= 16 and first_child >= p.year_start):
            p.take([child])
            p.set("Header", p.rows("Header", child).index[0], MOTHER="1", MC_DOB=as_dmy(first_child))
            p.set("Header", index, last=True, MOTHER="1", MC_DOB=as_dmy(birthday(first_child, -1)))
            return p.planted(first_child_dob_differs, child, "624")
    return None


def mother_with_child_born_before_year(p: Planter):
    """A looked-after girl aged 16 or more, MOTHER 0 in both years, recorded this year as a mother (MOTHER
    1) of a child born 1 October 2024, before 1 April: 626 (last year said MOTHER 0)."""
    with_episodes = set(p.frame("Episodes")["CHILD"])
    first_child = date(p.year_start.year - 1, 10, 1)
    for child in _in_both_headers(p):
        _, last = _last_header_row(p, child)
        this = p.header(child)
        if (child in with_episodes and this["SEX"] == "F" and this["MOTHER"] == "0" and last["MOTHER"] == "0"
                and p.age(child, first_child) >= 15):
            p.take([child])
            p.set("Header", p.rows("Header", child).index[0], MOTHER="1", MC_DOB=as_dmy(first_child))
            return p.planted(mother_with_child_born_before_year, child, "626")
    return None


def _carried_over(p: Planter, this_needs=None, last_needs=None, single_last: bool = False):
    """(child, this year's first episode row index, last year's latest episode row index) of children whose
    last year ended with an open episode that is this year's first (same DECOM), first such child free."""
    for child in p.children("Episodes"):
        episodes = p.episodes(child)
        last_episodes = p.episodes(child, last=True)
        if episodes.empty or last_episodes.empty:
            continue
        first, latest = episodes.iloc[0], last_episodes.iloc[-1]
        if latest["DEC"] or first["DECOM"] != latest["DECOM"] or dmy(first["DECOM"]) >= p.year_start:
            continue
        if (last_episodes["DEC"] == "").sum() != 1 or last_episodes["DECOM"].duplicated().any():
            continue
        if single_last and len(last_episodes) != 1:
            continue
        if this_needs and not this_needs(first, episodes):
            continue
        if last_needs and not last_needs(latest, last_episodes):
            continue
        return child, episodes.index[0], last_episodes.index[-1]
    return None, None, None


def open_episode_start_differs(p: Planter):
    """Last year's open episode's DECOM mistyped a day earlier: this year's first episode (same episode)
    no longer starts on that day (502) and, starting before 1 April, is not last year's latest episode (562).
    One change, both rules, by their definitions."""
    child, _, last_index = _carried_over(p, last_needs=lambda latest, eps: len(eps) == 1)
    if p.take([child] if child else []) is None:
        return None
    start = dmy(p.frame("Episodes", last=True).loc[last_index, "DECOM"])
    p.set("Episodes", last_index, last=True, DECOM=as_dmy(start - timedelta(days=1)))
    return p.planted(open_episode_start_differs, child, "502", "562")


def _mistyped_id(p: Planter, child: str) -> str:
    """The child's ID with its last digit mistyped, an ID no child has in either year's files."""
    known = {c for year in (p.this, p.last) for frame in year.frames.values() if "CHILD" in frame
             for c in frame["CHILD"]}
    for digit in "0123456789":
        candidate = child[:-1] + digit
        if candidate not in known:
            return candidate
    return child + "0"


def no_episodes_last_year(p: Planter):
    """A child looked after since before 1 April whose episodes were recorded in last year's Episodes file
    under a mistyped CHILD (an ID no one has): NoE (an episode began before 1 April, no episode last year)
    and 562 (the first episode is not last year's latest, there is none). The rows are retyped, not
    dropped: dropping rows moves the rows after them, and the validator's 1001 removes short breaks by row
    label across both years' files (a known defect), which would then flag other care leavers."""
    oc3 = set(p.frame("OC3")["CHILD"])
    child, _, _ = _carried_over(p, this_needs=lambda first, eps: first["CHILD"] not in oc3)
    if p.take([child] if child else []) is None:
        return None
    p.set("Episodes", p.rows("Episodes", child, last=True).index, last=True, CHILD=_mistyped_id(p, child))
    return p.planted(no_episodes_last_year, child, "NoE", "562")


def continuing_episode_missing_last_year(p: Planter):
    """Last year's open episode (the one continuing into this year) recorded under a mistyped CHILD, the
    child's earlier, closed episode kept: this year's first episode began before 1 April but is not last
    year's latest (562); last year no longer ends open for the child, so 502 and 503* do not apply. (Retyped,
    not dropped: see no_episodes_last_year.)"""
    child, _, last_index = _carried_over(p, last_needs=lambda latest, eps: len(eps) >= 2)
    if p.take([child] if child else []) is None:
        return None
    p.set("Episodes", [last_index], last=True, CHILD=_mistyped_id(p, child))
    return p.planted(continuing_episode_missing_last_year, child, "562")


def _field_differs(kind, rule: str, column: str, alternatives: dict[str, str], default: str):
    def plant(p: Planter):
        def needs(latest, eps):
            first = p.episodes(latest["CHILD"]).iloc[0]
            return bool(latest[column]) and latest[column] == first[column]
        child, _, last_index = _carried_over(p, last_needs=needs)
        if p.take([child] if child else []) is None:
            return None
        old = p.frame("Episodes", last=True).loc[last_index, column]
        p.set("Episodes", last_index, last=True, **{column: alternatives.get(old, default)})
        return p.planted(kind, child, rule)
    return plant


def reason_new_episode_differs(p: Planter):
    """Last year's open episode's RNE mistyped (P <-> T): this year's first episode's RNE differs: 503A."""
    return _field_differs(reason_new_episode_differs, "503A", "RNE", {"P": "T", "T": "P"}, "P")(p)


def legal_status_differs(p: Planter):
    """Last year's open episode's LS mistyped (C2 <-> C1): 503B."""
    return _field_differs(legal_status_differs, "503B", "LS", {"C2": "C1", "C1": "C2"}, "C2")(p)


def category_of_need_differs(p: Planter):
    """Last year's open episode's CIN mistyped (N1 <-> N2): 503C."""
    return _field_differs(category_of_need_differs, "503C", "CIN", {"N1": "N2", "N2": "N1"}, "N1")(p)


def placement_type_differs(p: Planter):
    """Last year's open episode's PLACE mistyped (U4 <-> U5, others U4; never H5, which K3 may follow):
    503D."""
    return _field_differs(placement_type_differs, "503D", "PLACE", {"U4": "U5", "U5": "U4"}, "U4")(p)


def placement_provider_differs(p: Planter):
    """Last year's open episode's PLACE_PROVIDER mistyped (PR1 <-> PR2, others PR1): 503E."""
    return _field_differs(placement_provider_differs, "503E", "PLACE_PROVIDER", {"PR1": "PR2", "PR2": "PR1"},
                          "PR1")(p)


def urn_differs(p: Planter):
    """Last year's open episode's URN mistyped (SC650143 <-> SC932018, others SC650143): 503F."""
    return _field_differs(urn_differs, "503F", "URN", {"SC650143": "SC932018", "SC932018": "SC650143"},
                          "SC650143")(p)


def _located_carry_over(p: Planter, placed_in: bool):
    """A carried-over child placed (by PL_POST, known to the postcode sample) inside or outside the council,
    with the same home and placement postcodes and reason for new episode in both years."""
    codes = _postcodes()

    def needs(latest, eps):
        first = p.episodes(latest["CHILD"]).iloc[0]
        return (latest["PL_POST"] in codes and latest["HOME_POST"] in codes
                and (codes[latest["PL_POST"]][0] == LA_CODE) == placed_in
                and all(first[c] == latest[c] for c in ("PL_POST", "HOME_POST", "RNE")))
    return _carried_over(p, last_needs=needs)


def _distance(a: str, b: str) -> float:
    codes = _postcodes()
    return ((codes[a][1] - codes[b][1]) ** 2 + (codes[a][2] - codes[b][2]) ** 2) ** 0.5 / 1609.344


def placement_council_differs(p: Planter):
    """A child placed outside the council: last year's open episode's PL_POST mistyped as a postcode in
    another council, also outside. Council of placement (PL_LA) and distance change, location (OUT) does
    not: 452 and 503H (PL_LA), 453 and 503G (distance; same RNE for 452/453)."""
    child, _, last_index = _located_carry_over(p, placed_in=False)
    if p.take([child] if child else []) is None:
        return None
    row = p.frame("Episodes", last=True).loc[last_index]
    council = _postcodes()[row["PL_POST"]][0]
    new = next(pc for pc, (la, _, _) in sorted(_postcodes().items())
               if la not in (council, LA_CODE) and abs(_distance(pc, row["HOME_POST"])
                                                        - _distance(row["PL_POST"], row["HOME_POST"])) > 1)
    p.set("Episodes", last_index, last=True, PL_POST=new)
    return p.planted(placement_council_differs, child, "452", "453", "503G", "503H")


def placement_location_differs(p: Planter):
    """A child placed inside the council: last year's open episode's PL_POST mistyped as a postcode outside
    it. Location IN -> OUT (503J), and with it the council (452, 503H) and distance (453, 503G)."""
    child, _, last_index = _located_carry_over(p, placed_in=True)
    if p.take([child] if child else []) is None:
        return None
    row = p.frame("Episodes", last=True).loc[last_index]
    new = next(pc for pc, (la, _, _) in sorted(_postcodes().items())
               if la != LA_CODE and abs(_distance(pc, row["HOME_POST"])
                                        - _distance(row["PL_POST"], row["HOME_POST"])) > 1)
    p.set("Episodes", last_index, last=True, PL_POST=new)
    return p.planted(placement_location_differs, child, "452", "453", "503G", "503H", "503J")


def placement_distance_differs(p: Planter):
    """Last year's open episode's HOME_POST mistyped as another postcode in the council, miles from the
    real one: the distance (home to placement) differs by more than 0.2 miles, council and location of
    placement do not: 453 and 503G (same RNE, so both)."""
    child, _, last_index = _located_carry_over(p, placed_in=True)
    if p.take([child] if child else []) is None:
        return None
    row = p.frame("Episodes", last=True).loc[last_index]
    new = next(pc for pc, (la, _, _) in sorted(_postcodes().items())
               if la == LA_CODE and abs(_distance(pc, row["PL_POST"])
                                        - _distance(row["HOME_POST"], row["PL_POST"])) > 1)
    p.set("Episodes", last_index, last=True, HOME_POST=new)
    return p.planted(placement_distance_differs, child, "453", "503G")


def open_missing_last_year(p: Planter):
    """Last year's latest missing period of a child missing again this year left without MIS_END (still
    open at 31 March), no period this year starting that day: 576."""
    this_year = p.frame("Missing")
    for child in p.children("Missing"):
        last = p.rows("Missing", child, last=True)
        if last.empty or (last["MIS_END"] == "").any():
            continue
        latest = last.assign(_start=last["MIS_START"].map(dmy)).sort_values("_start").index[-1]
        start = last.loc[latest, "MIS_START"]
        if start in set(this_year.loc[this_year["CHILD"] == child, "MIS_START"]):
            continue
        p.take([child])
        p.set("Missing", latest, last=True, MIS_END="")
        return p.planted(open_missing_last_year, child, "576")
    return None


def died_last_year(p: Planter):
    """Last year's OC3 IN_TOUCH mistyped DIED for a care leaver in touch this year: 348."""
    last = p.frame("OC3", last=True)
    for child in p.children("OC3"):
        rows = last[last["CHILD"] == child]
        this_year = p.rows("OC3", child).iloc[0]["IN_TOUCH"]
        if len(rows) == 1 and rows.iloc[0]["IN_TOUCH"] != "DIED" and this_year != "DIED":
            p.take([child])
            p.set("OC3", rows.index[0], last=True, IN_TOUCH="DIED")
            return p.planted(died_last_year, child, "348")
    return None


def open_last_year_no_episode_this_year(p: Planter):
    """A care leaver in this year's OC3, with no episode this year, whose last episode of last year ended
    in last year: its DEC and REC left blank in last year's file (still open at 31 March): 1010."""
    with_episodes = set(p.frame("Episodes")["CHILD"])
    for child in p.children("OC3"):
        if child in with_episodes:
            continue
        last_episodes = p.episodes(child, last=True)
        if last_episodes.empty or last_episodes["DECOM"].duplicated().any():
            continue
        latest = last_episodes.iloc[-1]
        if not latest["DEC"] or latest["LS"] in ("V3", "V4") or latest["REC"] in ("E11", "E12", "E2"):
            continue
        p.take([child])
        p.set("Episodes", last_episodes.index[-1], last=True, DEC="", REC="", REASON_PLACE_CHANGE="")
        return p.planted(open_last_year_no_episode_this_year, child, "1010")
    return None


def care_leaver_not_relevant(p: Planter):
    """An OC3 row added for a young person (17 or 18 in the year) looked after this year for a few weeks
    only, before that birthday, never before (fewer than 91 days since the 14th birthday in both years'
    files and the care history): 1001. The birthday falls in the year (not 391), care ended before it (not
    1007, 1016), and the young person is not UASC (1014) or in OC2."""
    oc3, oc2 = set(p.frame("OC3")["CHILD"]), set(p.frame("OC2")["CHILD"])
    uasc = _uasc(p) | _uasc(p, last=True)
    last_children = set(p.frame("Episodes", last=True)["CHILD"])
    template = p.frame("OC3")
    template = template[(template["IN_TOUCH"] == "YES") & template["ACCOM"].isin(["B1", "D1", "E1", "U1"])]
    for child in p.children("Header"):
        if child in oc3 or child in oc2 or child in uasc or child in last_children or template.empty:
            continue
        born = p.dob(child)
        ages = [n for n in (17, 18) if p.year_start <= birthday(born, n) <= p.year_end]
        episodes = p.episodes(child)
        if len(ages) != 1 or episodes.empty:
            continue
        turned = birthday(born, ages[0])
        ends = [dmy(d) for d in episodes["DEC"]]
        if any(end is None or end >= turned for end in ends) or (episodes["LS"].isin(["V3", "V4"])).any():
            continue
        days = sum((end - dmy(s)).days for s, end in zip(episodes["DECOM"], ends))
        if days >= 91 or min(dmy(s) for s in episodes["DECOM"]) < p.year_start:
            continue
        p.take([child])
        # every value given: the template row may carry another kind's planting
        p.copy_row("OC3", template.index[0], CHILD=child, DOB=p.header(child)["DOB"], IN_TOUCH="YES", ACTIV="G4",
                   ACCOM="B1")
        return p.planted(care_leaver_not_relevant, child, "1001")
    return None


def _uasc_both_years(p: Planter) -> list[str]:
    last = _uasc(p, last=True)
    last_header = set(p.frame("Header", last=True)["CHILD"])
    this_header = set(p.frame("Header")["CHILD"])
    return [c for c in p.children("UASC") if c in last and c in last_header and c in this_header]


def uasc_ceased_not_last_year(p: Planter):
    """A child UASC in both years, with last year's DUC (the 18th birthday) after last year: this year's
    UASC row left out. UASC last year and not this year, last year's DUC not in last year: 205A (still UASC
    last year, so the distance and postcode rules see no change)."""
    with_episodes = set(p.frame("Episodes")["CHILD"])
    oc3 = set(p.frame("OC3")["CHILD"])
    last = p.frame("UASC", last=True)
    for child in _uasc_both_years(p):
        duc = dmy(last.loc[last["CHILD"] == child, "DUC"].iloc[0])
        if child in with_episodes and child not in oc3 and duc and duc >= p.year_start:
            p.take([child])
            p.drop_rows("UASC", p.rows("UASC", child).index)
            return p.planted(uasc_ceased_not_last_year, child, "205A")
    return None


def uasc_ceased_dates_disagree(p: Planter):
    """A child UASC in both years, last year's DUC (the 18th birthday) mistyped a day later: no longer the
    18th birthday, and this year's DUC differs from it: 205B."""
    for child in _uasc_both_years(p):
        rows = p.rows("UASC", child, last=True)
        duc = dmy(rows.iloc[0]["DUC"])
        same = rows.iloc[0]["DUC"] == p.rows("UASC", child).iloc[0]["DUC"]
        if duc and duc == birthday(dmy(rows.iloc[0]["DOB"]), 18) and same:
            p.take([child])
            p.set("UASC", rows.index[0], last=True, DUC=as_dmy(duc + timedelta(days=1)))
            return p.planted(uasc_ceased_dates_disagree, child, "205B")
    return None


def uasc_this_year_not_last(p: Planter):
    """A child UASC in both years, in both Headers, left out of last year's UASC file: UASC this year, not
    last year although in last year's return: 205D."""
    child = p.take(_uasc_both_years(p))
    if child is None:
        return None
    p.drop_rows("UASC", p.rows("UASC", child, last=True).index, last=True)
    return p.planted(uasc_this_year_not_last, child, "205D")


def _placed_both_years(p: Planter, open_last: bool = True) -> list[tuple[str, object, object]]:
    """(child, this year's row, last year's row) of children with one decision in each year's
    PlacedAdoption file, the same, not ceased."""
    out = []
    for child in p.children("PlacedAdoption"):
        this, last = p.rows("PlacedAdoption", child), p.rows("PlacedAdoption", child, last=True)
        if len(this) != 1 or len(last) != 1:
            continue
        if (this.iloc[0]["DATE_PLACED"] != last.iloc[0]["DATE_PLACED"] or last.iloc[0]["DATE_PLACED_CEASED"]
                or last.iloc[0]["REASON_PLACED_CEASED"] or this.iloc[0]["DATE_PLACED_CEASED"]):
            continue
        out.append((child, this.index[0], last.index[0]))
    return out


def decision_reversed_last_year_same(p: Planter):
    """Last year's decision to place for adoption recorded as ceased (DATE_PLACED_CEASED a month later,
    REASON_PLACED_CEASED RD1) while this year's return has the same decision, not ceased: 561 (the same
    decision as last year's ceased one) and 584 (this year's decision is not after the ceased one). The
    validator's 584 flags rows by merged position (known defect, see the module's docstring)."""
    for child, _, last_index in _placed_both_years(p):
        placed = dmy(p.frame("PlacedAdoption", last=True).loc[last_index, "DATE_PLACED"])
        ceased = placed + timedelta(days=30)
        if ceased > p.year_start - timedelta(days=1):
            continue
        p.take([child])
        p.set("PlacedAdoption", last_index, last=True, DATE_PLACED_CEASED=as_dmy(ceased),
              REASON_PLACED_CEASED="RD1")
        return p.planted(decision_reversed_last_year_same, child, "561", "584")
    return None


def decision_before_ceased_one(p: Planter):
    """Last year's decision recorded a few days later than this year's (same month, so also later as
    dd/mm/YYYY text, as the validator compares) and as ceased a month after: this year's decision is dated
    before last year's ceased one: 584 (not 561: the dates differ; not 560: last year's had ceased)."""
    for child, _, last_index in _placed_both_years(p):
        placed = dmy(p.frame("PlacedAdoption", last=True).loc[last_index, "DATE_PLACED"])
        if placed.day > 25:
            continue
        later = placed + timedelta(days=3)
        ceased = later + timedelta(days=30)
        if ceased > p.year_start - timedelta(days=1):
            continue
        p.take([child])
        p.set("PlacedAdoption", last_index, last=True, DATE_PLACED=as_dmy(later),
              DATE_PLACED_CEASED=as_dmy(ceased), REASON_PLACED_CEASED="RD1")
        return p.planted(decision_before_ceased_one, child, "584")
    return None


def decision_date_differs(p: Planter):
    """Last year's decision to place for adoption (not ceased) dated a day earlier than this year's, the
    same decision: the date differs although the decision had not changed: 560."""
    for child, _, last_index in _placed_both_years(p):
        placed = dmy(p.frame("PlacedAdoption", last=True).loc[last_index, "DATE_PLACED"])
        p.take([child])
        p.set("PlacedAdoption", last_index, last=True, DATE_PLACED=as_dmy(placed - timedelta(days=1)))
        return p.planted(decision_date_differs, child, "560")
    return None


KINDS = [
    sex_differs_from_last_year, dob_differs_from_last_year, ethnicity_differs_from_last_year,
    upn_differs_from_last_year, mother_last_year_not_this_year, first_child_dob_differs,
    mother_with_child_born_before_year, open_episode_start_differs, no_episodes_last_year,
    continuing_episode_missing_last_year, reason_new_episode_differs, legal_status_differs,
    category_of_need_differs, placement_type_differs, placement_provider_differs, urn_differs,
    placement_council_differs, placement_location_differs, placement_distance_differs,
    open_missing_last_year, died_last_year, open_last_year_no_episode_this_year, care_leaver_not_relevant,
    uasc_ceased_not_last_year, uasc_ceased_dates_disagree, uasc_this_year_not_last,
    decision_reversed_last_year_same, decision_before_ceased_one, decision_date_differs,
]
