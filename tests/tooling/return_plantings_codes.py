"""Return-file plantings: a code that is not in the DfE's list, typed into one field.

The warehouse writes only codes it has mapped, so these reach a return only through the files (a return
edited by hand, or another system's). Each kind picks a row where the wrong code raises only its own rule.
"""

from __future__ import annotations

from tests.tooling.return_plantings import Planter, dmy


def missing_type_not_a_code(p: Planter):
    """MISSING 'X' (only M and A are codes): 1006."""
    frame = p.frame("Missing")
    child = p.take(p.children("Missing"))
    if child is None:
        return None
    p.set("Missing", frame.index[frame["CHILD"] == child][0], MISSING="X")
    return p.planted(missing_type_not_a_code, child, "1006")


def _later_episode(p: Planter, rne: str | None = None):
    """(child, index) of an episode after the first of the year, starting in the year, with the given RNE,
    of a child with three or more episodes that year."""
    for child in p.children("Episodes"):
        episodes = p.episodes(child)
        if len(episodes) < 3:
            continue
        for index, row in list(episodes.iterrows())[1:-1]:
            if dmy(row["DECOM"]) >= p.year_start and (rne is None or row["RNE"] == rne):
                return child, index
    return None, None


def reason_new_episode_not_a_code(p: Planter):
    """RNE 'Z' on a placement-change episode inside the year: 143."""
    child, index = _later_episode(p, "P")
    if p.take([child] if child else []) is None:
        return None
    p.set("Episodes", index, RNE="Z")
    return p.planted(reason_new_episode_not_a_code, child, "143")


def episode_ceased_reason_not_a_code(p: Planter):
    """REC 'E10' (there is no E10) where a child's last episode ended in the year by returning home (E13
    or E4A): 149."""
    for child in p.children("Episodes"):
        episodes = p.episodes(child)
        last = episodes.iloc[-1]
        # not a care leaver: the few who left care in the year are the OC3 rules'
        if last["REC"] in ("E13", "E4A") and dmy(last["DEC"]) >= p.year_start and len(episodes) == 1 \
                and not len(p.rows("OC3", child)):
            p.take([child])
            p.set("Episodes", episodes.index[-1], REC="E10")
            return p.planted(episode_ceased_reason_not_a_code, child, "149")
    return None


def activity_not_a_code(p: Planter):
    """OC3 ACTIV 'G9' for a care leaver in touch: 132."""
    frame = p.frame("OC3")
    candidates = frame[(frame["IN_TOUCH"] == "YES") & frame["ACTIV"].isin(["F1", "F2", "G4", "G5", "G6"])]
    # a care leaver with no episode this year: the few who left care in the year are the OC2 rules'
    child = p.take(c for c in candidates["CHILD"] if not len(p.rows("Episodes", c)))
    if child is None:
        return None
    p.set("OC3", candidates.index[candidates["CHILD"] == child][0], ACTIV="G9")
    return p.planted(activity_not_a_code, child, "132")


def order_date_not_before_care(p: Planter):
    """DATE_PERM 'ZZ/mm/yyyy' with the month and year of the child's first episode of the year (the day not
    known): the latest date it can be, the month's last day, is not before that episode: 632."""
    frame = p.frame("PrevPerm")
    for child in p.children("PrevPerm"):
        rows = frame[frame["CHILD"] == child]
        episodes = p.episodes(child)
        if len(rows) != 1 or rows.iloc[0]["PREV_PERM"] in ("Z1", "") or episodes.empty:
            continue
        first = dmy(episodes.iloc[0]["DECOM"])
        p.take([child])
        p.set("PrevPerm", rows.index[0], DATE_PERM=f"ZZ/{first:%m/%Y}")
        return p.planted(order_date_not_before_care, child, "632")
    return None


KINDS = [missing_type_not_a_code, reason_new_episode_not_a_code, episode_ceased_reason_not_a_code,
         activity_not_a_code, order_date_not_before_care]
