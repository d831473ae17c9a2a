"""Return-file plantings: the Header's date of birth and motherhood details, and the dates of the Missing,
Reviews and SWEpisodes files (the DfE rules on the child's own record and on those rows' dates).

A date of birth is changed the way a wrong date on the child's record reaches the return: in every file
that carries it, both years (so the DfE's cross-file and cross-year checks of the date, INT13-INT18 and 203,
stay quiet and only the age rules speak). Each kind picks a child for whom the change raises only the rules
it lists, so the children are chosen by their episodes, files and codes.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.tooling.return_plantings import Planter, as_dmy, birthday, dmy, in_year_in_progress

# files whose rows carry the child's date of birth and whose rules read it as an age (the Reviews and
# Missing files too, handled by the kinds; PrevPerm's and SWEpisodes' dates of birth are only compared)
_AGE_FILES = ("OC2", "OC3", "UASC", "AD1", "PlacedAdoption")


def _in(p: Planter, table: str, child: str, last: bool = False) -> bool:
    return table in (p.last if last else p.this).frames and not p.rows(table, child, last).empty


def _set_dob(p: Planter, child: str, dob: date) -> None:
    """The child's date of birth, in every file (both years) that has it."""
    for last in (False, True):
        for table, frame in (p.last if last else p.this).frames.items():
            if "DOB" in frame.columns and _in(p, table, child, last):
                p.set_child(table, child, last, DOB=as_dmy(dob))


def _decs(p: Planter, child: str) -> list[date]:
    return [d for d in p.rows("Episodes", child)["DEC"].map(dmy) if d is not None]


def _mother_last_year(p: Planter, child: str) -> tuple[str, str]:
    rows = p.rows("Header", child, last=True)
    return ("", "") if rows.empty else (rows.iloc[0]["MOTHER"], rows.iloc[0]["MC_DOB"])


def _girls_with(p: Planter, mother: str = "0") -> list[str]:
    """Girls in the Header with MOTHER as given and no child's date of birth, not mothers last year (207,
    624)."""
    header = p.frame("Header")
    found = header[(header["SEX"] == "F") & (header["MOTHER"] == mother) & (header["MC_DOB"] == "")]
    return [c for c in found["CHILD"] if c not in p.used and _mother_last_year(p, c)[0] != "1"
            and _mother_last_year(p, c)[1] == ""]


def _looked_after(p: Planter, child: str) -> bool:
    """An episode in the year not on short breaks (V3/V4)."""
    return bool((~p.rows("Episodes", child)["LS"].isin(["V3", "V4"])).any())


def _ceased_in_year(p: Planter, child: str) -> bool:
    """An episode (not a short break) ended in the year by leaving care (REC not X1)."""
    eps = p.rows("Episodes", child)
    for _, row in eps.iterrows():
        dec = dmy(row["DEC"])
        if dec and row["REC"] not in ("", "X1") and row["LS"] not in ("V3", "V4") \
                and p.year_start <= dec <= p.year_end:
            return True
    return False


def _mc_dob_fits(p: Planter, child: str, mc_dob: date) -> bool:
    """mc_dob after the child's 13th birthday, not after the year end nor after the latest episode ended."""
    decs = _decs(p, child)
    return mc_dob > birthday(p.dob(child), 13) and mc_dob <= p.year_end and (not decs or mc_dob <= max(decs))


def mc_dob_for_a_boy(p: Planter):
    """A boy given the date of birth of a child of his own (MC_DOB typed on his Header row; MOTHER left
    blank): 174. The date is after he turned 13, in the year and before any episode of his ended, so 621
    and 625 stay quiet."""
    mc_dob = p.year_start + timedelta(days=30)
    header = p.frame("Header")
    boys = header[(header["SEX"] == "M") & (header["MOTHER"] == "") & (header["MC_DOB"] == "")]["CHILD"]
    child = p.take(c for c in boys if c not in p.used and _in(p, "Episodes", c) and _mc_dob_fits(p, c, mc_dob)
                   and _mother_last_year(p, c) == ("", ""))
    if child is None:
        return None
    p.set_child("Header", child, MC_DOB=as_dmy(mc_dob))
    return p.planted(mc_dob_for_a_boy, child, "174")


def _dob_safe_episodes(p: Planter, child: str) -> bool:
    """Episodes with no code whose rule reads the age (custody legal status, leaving care by adoption, SGO,
    independent living, adult care or staying put, a move to custody)."""
    eps = p.rows("Episodes", child)
    return not eps.empty and not eps["LS"].isin(["J1", "J2", "J3"]).any() \
        and not eps["REC"].isin(["E11", "E12", "E45", "E46", "E47", "E48", "E5", "E6", "E7", "E17"]).any() \
        and not (eps["REASON_PLACE_CHANGE"] == "CUSTOD").any()


def dob_after_year_end(p: Planter):
    """The date of birth typed a year (or more) late, after 31 March: 301, and, since the child's first
    episode now starts before the child was born, 302. The child has no rows in files whose rules read the
    age (OC2, OC3, UASC, adoption, missing; reviews only with PN0, the code of a child under 4) and no
    code that needs an age (custody, adoption, independent living)."""
    def suits(child):
        reviews = p.rows("Reviews", child)
        return (_dob_safe_episodes(p, child) and not any(_in(p, t, child) for t in _AGE_FILES)
                and (reviews["REVIEW_CODE"] == "PN0").all() and not _in(p, "Missing", child))
    child = p.take(c for c in p.children("Header") if suits(c))
    if child is None:
        return None
    dob = p.dob(child)
    years = 1
    while birthday(dob, years) <= p.year_end:
        years += 1
    _set_dob(p, child, birthday(dob, years))
    return p.planted(dob_after_year_end, child, "301", "302")


def over_25_at_year_start(p: Planter):
    """The year of birth typed 26 years before the year starts (1999 for 2025-26; the child is over 25 on
    1 April): 351. The
    child's episodes all ended in the year (else 359: over 18 and not on a V2 short break), none is a start
    of care (352) and none ended by adoption or SGO (386, 407); no rows in the age files."""
    def suits(child):
        eps = p.rows("Episodes", child)
        reviews = p.rows("Reviews", child)
        return (_dob_safe_episodes(p, child) and (eps["DEC"] != "").all() and not (eps["RNE"] == "S").any()
                and not (reviews["REVIEW_CODE"] == "PN0").any()
                and not any(_in(p, t, child) for t in _AGE_FILES))
    child = p.take(c for c in p.children("Episodes") if suits(c))
    if child is None:
        return None
    dob = p.dob(child)
    _set_dob(p, child, birthday(dob, p.year_start.year - 26 - dob.year))
    return p.planted(over_25_at_year_start, child, "351")


def girl_in_care_mother_blank(p: Planter):
    """MOTHER blanked (was 0) for a girl looked after in the year who did not leave care in it: 393, and
    165, whose DfE text also wants a looked-after girl's mother status given (the validator 0.1.17 tests the
    old SEX code 2 there, so it does not flag: tests/validator/test_known_defects.py)."""
    child = p.take(c for c in _girls_with(p, "0") if _looked_after(p, c) and not _ceased_in_year(p, c))
    if child is None:
        return None
    p.set_child("Header", child, MOTHER="")
    return p.planted(girl_in_care_mother_blank, child, "393", "165")


def girl_left_care_mother_blank(p: Planter):
    """MOTHER blanked (was 0) for a girl who ceased to be looked after in the year: 607, with 393 (she was
    looked after in the year) and 165 (as girl_in_care_mother_blank)."""
    child = p.take(c for c in _girls_with(p, "0") if _looked_after(p, c) and _ceased_in_year(p, c))
    if child is None:
        return None
    p.set_child("Header", child, MOTHER="")
    return p.planted(girl_left_care_mother_blank, child, "607", "393", "165")


def mc_dob_but_not_a_mother(p: Planter):
    """A date of birth of her child typed in MC_DOB for a girl whose MOTHER stays 0: 612. The date is after
    she turned 13, in the year and before any episode of hers ended (621, 625 quiet)."""
    mc_dob = p.year_start + timedelta(days=30)
    child = p.take(c for c in _girls_with(p, "0") if _in(p, "Episodes", c) and _mc_dob_fits(p, c, mc_dob))
    if child is None:
        return None
    p.set_child("Header", child, MC_DOB=as_dmy(mc_dob))
    return p.planted(mc_dob_but_not_a_mother, child, "612")


def mc_dob_after_care_ceased(p: Planter):
    """A girl (13 or over) recorded as a mother (MOTHER 1) with her child's date of birth typed after her
    latest episode ended: 625. (A mother already recorded is not used: changing her MC_DOB also breaks 624,
    last year's date.)"""
    def suits(child):
        decs = _decs(p, child)
        # her child born after 1 April: 626 (a mother last year not, with a child born before) stays quiet
        return decs and max(decs) >= p.year_start and _looked_after(p, child) and p.age(child, p.year_start) >= 13
    child = p.take(c for c in _girls_with(p, "0") if suits(c))
    if child is None:
        return None
    p.set_child("Header", child, MOTHER="1", MC_DOB=as_dmy(max(_decs(p, child)) + timedelta(days=20)))
    return p.planted(mc_dob_after_care_ceased, child, "625")


def _care_leavers_not_looked_after(p: Planter) -> list[str]:
    oc3 = p.frame("OC3")
    told = oc3[(oc3[["IN_TOUCH", "ACTIV", "ACCOM"]] != "").any(axis=1)]["CHILD"]
    return [c for c in told if c not in p.used and not _in(p, "Episodes", c)]


def care_leaver_mother_given(p: Planter):
    """MOTHER 0 typed for a care leaver with care leaver details (OC3) and no episode in the year: 628, and
    165 (the DfE's 165 forbids mother status for such a care leaver, and for any boy). A young woman is
    taken first, else a young man. The validator 0.1.17 does not flag 165 here: its 165 tests SEX 1/2 and
    merges the Header onto the episodes, so a child with no episode is never checked."""
    header = p.frame("Header")
    blank = header[(header["MOTHER"] == "") & (header["MC_DOB"] == "")]
    leavers = _care_leavers_not_looked_after(p)
    for sex in ("F", "M"):
        of_sex = set(blank[blank["SEX"] == sex]["CHILD"])
        child = p.take(c for c in leavers if c in of_sex and _mother_last_year(p, c)[0] != "1")
        if child is not None:
            p.set_child("Header", child, MOTHER="0")
            return p.planted(care_leaver_mother_given, child, "628", "165")
    return None


def mother_not_a_code(p: Planter):
    """MOTHER 2 (only 0 and 1 are codes) for a girl looked after in the year: 165."""
    child = p.take(c for c in _girls_with(p, "0") if _looked_after(p, c))
    if child is None:
        return None
    p.set_child("Header", child, MOTHER="2")
    return p.planted(mother_not_a_code, child, "165")


def review_date_not_a_date(p: Planter):
    """A review date typed month first (14/09/2025 as 09/14/2025, not a date): 166."""
    frame = p.frame("Reviews")
    for child in p.children("Reviews"):
        rows = frame[frame["CHILD"] == child]
        for index, row in rows.iterrows():
            review = dmy(row["REVIEW"])
            if review and review.day > 12:
                p.take([child])
                p.set("Reviews", index, REVIEW=f"{review.month:02d}/{review.day:02d}/{review.year}")
                return p.planted(review_date_not_a_date, child, "166")
    return None


@in_year_in_progress  # the complete year's children it needs go to kinds before it
def short_break_child_mother(p: Planter):
    """MOTHER 0 typed for a child whose every episode in the year is a short break (V3/V4): 399. A girl
    without care leaver details is taken first (then 399 alone); else one with them, or a boy, for whom the
    DfE's 165 is broken too (mother status for a girl not looked after in the year who has care leaver
    details, or for a boy; the validator 0.1.17 flags neither: its 165 tests SEX 1/2 and drops V3/V4)."""
    header = p.frame("Header")
    blank = header[(header["MOTHER"] == "") & (header["MC_DOB"] == "")]
    oc3 = p.frame("OC3")
    leavers = set(oc3[(oc3[["IN_TOUCH", "ACTIV", "ACCOM"]] != "").any(axis=1)]["CHILD"])
    def suits(child):
        eps = p.rows("Episodes", child)
        return (not eps.empty and eps["LS"].isin(["V3", "V4"]).all() and _mother_last_year(p, child)[0] != "1")
    candidates = [c for c in blank[blank["SEX"] == "F"]["CHILD"] if c not in leavers] + \
        [c for c in blank[blank["SEX"] == "F"]["CHILD"] if c in leavers] + list(blank[blank["SEX"] == "M"]["CHILD"])
    child = p.take(c for c in candidates if c not in p.used and suits(c))
    if child is None:
        return None
    p.set_child("Header", child, MOTHER="0")
    if p.header(child)["SEX"] == "F" and child not in leavers:
        return p.planted(short_break_child_mother, child, "399")
    return p.planted(short_break_child_mother, child, "399", "165")


def _missing_children(p: Planter, in_care: bool) -> list[str]:
    """Children in Missing whose missing periods all ended, none left open last year (576). in_care: only
    children still looked after at 31 March (an episode open); else those come last."""
    open_care, other = [], []
    for child in p.children("Missing"):
        last = p.rows("Missing", child, last=True)
        if (last["MIS_END"] == "").any() or (p.rows("Missing", child)["MIS_END"] == "").any():
            continue
        (open_care if (p.rows("Episodes", child)["DEC"] == "").any() else other).append(child)
    return open_care if in_care else other + open_care


def _latest_missing(p: Planter, child: str):
    rows = p.rows("Missing", child)
    return rows.assign(_start=rows["MIS_START"].map(dmy)).sort_values("_start").index[-1]


def _new_missing_row(p: Planter, kind, rule: str, start: str | None = None, end: str | None = None):
    """When no child in Missing is free: a missing period added for a child with none (the first Missing
    row copied, with the child's id and date of birth), a child looked after at 31 March (an episode open,
    not a short break) since before the period; the period starts ten days into the year or the open
    episode, one day long unless start or end ("+1y" for a year late, "" for blank) say otherwise."""
    missing = p.frame("Missing")
    for child in p.children("Episodes"):
        open_eps = [dmy(e["DECOM"]) for _, e in p.rows("Episodes", child).iterrows()
                    if e["DEC"] == "" and e["LS"] not in ("V3", "V4")]
        if not open_eps or _in(p, "Missing", child) or _in(p, "Missing", child, last=True) \
                or not (~missing.index.duplicated(keep=False)).any():
            continue
        first = max(max(open_eps), p.year_start) + timedelta(days=10)
        if first > p.year_end - timedelta(days=5):
            continue
        values = {"MIS_START": as_dmy(first), "MIS_END": as_dmy(first + timedelta(days=1))}
        if start is not None:
            values["MIS_START"] = as_dmy(birthday(first, 1)) if start == "+1y" else start
        if end is not None:
            values["MIS_END"] = as_dmy(birthday(first + timedelta(days=1), 1)) if end == "+1y" else end
        p.take([child])
        # a row not itself copied (a copy keeps its origin's index, and .loc would take both)
        origin = missing.index[~missing.index.duplicated(keep=False)][0]
        p.copy_row("Missing", origin, CHILD=child, DOB=p.header(child)["DOB"], MISSING="M", **values)
        return p.planted(kind, child, rule)
    return None


def missing_start_blank(p: Planter):
    """MIS_START left blank on the child's latest missing period (type M/A kept): 564. The validator 0.1.17
    also flags 1004 (its 1004 counts a blank start as not a valid date) and 581 (a blank start compares
    false with every episode, so it is "outside" them all); the warehouse checks 1004 at ingestion, on
    dates that cannot be read, and 581 only on a start date given. Without a free child in Missing, a
    missing period with no start is added for a looked-after child (_new_missing_row)."""
    child = p.take(_missing_children(p, in_care=False))
    if child is None:
        return _new_missing_row(p, missing_start_blank, "564", start="")
    p.set("Missing", _latest_missing(p, child), MIS_START="")
    return p.planted(missing_start_blank, child, "564")


def missing_start_after_year_end(p: Planter):
    """The child's latest missing period started a year later than it did (year typed wrong, after 31
    March) and not yet ended (MIS_END blank, else it would end before it starts, 567): 570. The child is
    still looked after, so the period lies in an open episode (575, 577, 578, 581 quiet). Without such a
    child, the period is added for a looked-after child with none (_new_missing_row)."""
    child = p.take(_missing_children(p, in_care=True))
    if child is None:
        return _new_missing_row(p, missing_start_after_year_end, "570", start="+1y", end="")
    index = _latest_missing(p, child)
    start = dmy(p.frame("Missing").loc[index, "MIS_START"])
    p.set("Missing", index, MIS_START=as_dmy(birthday(start, 1)), MIS_END="")
    return p.planted(missing_start_after_year_end, child, "570")


def missing_end_after_year_end(p: Planter):
    """The child's latest missing period's end typed a year late (after 31 March): 571. The child is still
    looked after (the validator's 577 also flags a missing period ending after the child's care ended);
    without such a child free, the period is added for a looked-after child with none (_new_missing_row)."""
    child = p.take(_missing_children(p, in_care=True))
    if child is None:
        return _new_missing_row(p, missing_end_after_year_end, "571", end="+1y")
    index = _latest_missing(p, child)
    end = dmy(p.frame("Missing").loc[index, "MIS_END"])
    p.set("Missing", index, MIS_END=as_dmy(birthday(end, 1)))
    return p.planted(missing_end_after_year_end, child, "571")


def sw_id_not_sw(p: Planter):
    """A social worker id typed with its first two letters swapped (WS... for SW...): SW02STG1."""
    frame = p.frame("SWEpisodes")
    for child in p.children("SWEpisodes"):
        rows = frame[(frame["CHILD"] == child) & frame["SW_ID"].str.startswith("SW")]
        if not rows.empty:
            p.take([child])
            p.set("SWEpisodes", rows.index[0], SW_ID="WS" + rows.iloc[0]["SW_ID"][2:])
            return p.planted(sw_id_not_sw, child, "SW02STG1")
    return None


def sw_start_after_year_end(p: Planter):
    """The start of a child's only social worker episode (open, begun in the year) typed a year late: after
    31 March, SW06STG2. The child has no open allocation last year (SW16) and no episode ended otherwise
    than by a placement change (the validator's SW12STG2 pairs it with every allocation's start)."""
    frame = p.frame("SWEpisodes")
    def suits(child):
        rows = frame[frame["CHILD"] == child]
        last = p.rows("SWEpisodes", child, last=True)
        eps = p.rows("Episodes", child)
        start = dmy(rows.iloc[0]["SW_DECOM"]) if len(rows) == 1 else None
        return (start is not None and start >= p.year_start and rows.iloc[0]["SW_DEC"] == ""
                and not (last["SW_DEC"] == "").any()
                and not ((eps["DEC"] != "") & ~eps["REC"].isin(["X1"]) & (eps["RNE"] != "S")).any())
    child = p.take(c for c in p.children("SWEpisodes") if suits(c))
    if child is None:
        return None
    index = frame.index[frame["CHILD"] == child][0]
    p.set("SWEpisodes", index, SW_DECOM=as_dmy(birthday(dmy(frame.loc[index, "SW_DECOM"]), 1)))
    return p.planted(sw_start_after_year_end, child, "SW06STG2")


def sw_end_after_year_end(p: Planter):
    """The end of a child's latest social worker episode (ended in the year) typed a year late: after 31
    March, SW07STG2."""
    frame = p.frame("SWEpisodes")
    for child in p.children("SWEpisodes"):
        rows = frame[frame["CHILD"] == child]
        rows = rows.assign(_start=rows["SW_DECOM"].map(dmy)).sort_values("_start")
        end = dmy(rows.iloc[-1]["SW_DEC"])
        if end and p.year_start <= end <= p.year_end - timedelta(days=10):
            p.take([child])
            p.set("SWEpisodes", rows.index[-1], SW_DEC=as_dmy(birthday(end, 1)))
            return p.planted(sw_end_after_year_end, child, "SW07STG2")
    return None


def social_worker_episode_left_out(p: Planter):
    """The first social worker episode of the year (begun before it) left out of the file, for a child
    looked after all year (an open episode begun before the year, no short breaks) with a later episode:
    an allocation of the year missing for a child looked after at 31 March, SW12STG2."""
    frame = p.frame("SWEpisodes")
    for child in p.children("SWEpisodes"):
        episodes = p.episodes(child)
        if episodes.empty or episodes.iloc[-1]["DEC"] != "" or episodes["LS"].isin(["V3", "V4"]).any() \
                or dmy(episodes.iloc[0]["DECOM"]) >= p.year_start:
            continue
        rows = frame[frame["CHILD"] == child]
        rows = rows.assign(_start=rows["SW_DECOM"].map(dmy)).sort_values("_start")
        if len(rows) < 2 or rows.iloc[0]["_start"] is None or rows.iloc[0]["_start"] >= p.year_start:
            continue
        p.take([child])
        p.drop_rows("SWEpisodes", rows.index[0])
        return p.planted(social_worker_episode_left_out, child, "SW12STG2")
    return None


KINDS = [mc_dob_for_a_boy, dob_after_year_end, over_25_at_year_start, girl_in_care_mother_blank,
         girl_left_care_mother_blank, mc_dob_but_not_a_mother, mc_dob_after_care_ceased, care_leaver_mother_given,
         mother_not_a_code, review_date_not_a_date, short_break_child_mother, missing_start_after_year_end,
         missing_start_blank, missing_end_after_year_end, sw_id_not_sw, sw_start_after_year_end,
         sw_end_after_year_end, social_worker_episode_left_out]
