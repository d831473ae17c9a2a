"""Return-file plantings: a child whose care history is not the one the files imply (the rules that read when
care began, or whether there was care at all).

The warehouse reads a child's care from its own history of every year's episodes (int_ssda903_episodes),
not from the two years' files, so it cannot be misled by a file. What can reach the DfE is a child written
under an id the case-management system never had: a record keyed twice, a child id mistyped in every file
of a hand-assembled return, a migration that gave a child a second id. Such a child has rows in the files
and no care history at all; the validator sees only the files. These kinds copy a child's rows, in every
file of both years, under a new id (its UPN replaced by 'UN2', an unknown UPN no rule restricts, so no UPN
is returned twice), and add the one record the rule is about:

- 1002: a care leaver's Header and OC3 rows, a young person with care leaver information and no episode of
  care in either year's files (the validator) or in the history (the warehouse);
- 634: a child whose every episode in the year began before 1 April, with previous permanence recorded:
  the history has no period of care for the copy at all, so none from 1 April 2016 (the warehouse); the
  latest episode began before the collection year (the validator's reading, broader than the DfE's, which
  agrees here).

And one kind that keeps the child's id: 1014, UASC and care leaver information for a child in the Episodes
file with no episode in the year (an end date typed as the day before the year began).
"""

from __future__ import annotations

from datetime import timedelta

from tests.tooling.return_plantings import Planter, as_dmy, birthday, dmy

NEW_ID_SUFFIX = "7"  # the copy's id: the child's own with a digit added (a keying slip)


def _copy_child(p: Planter, child: str, new_id: str) -> None:
    """Every row of the child, in every file of both years, again under new_id."""
    for last in (False, True):
        year = p.last if last else p.this
        for table in list(year.frames):
            frame = year.frames[table]
            if "CHILD" not in frame.columns:
                continue
            for index in frame.index[frame["CHILD"] == child]:
                values = {"CHILD": new_id}
                if table == "Header" and "UPN" in frame.columns:
                    values["UPN"] = "UN2"
                p.copy_row(table, index, last, **values)
    p.used.add(new_id)


def _files_of(p: Planter, child: str, last: bool = False) -> set[str]:
    year = p.last if last else p.this
    return {table for table, frame in year.frames.items() if "CHILD" in frame.columns and (frame["CHILD"] == child).any()}


def care_leaver_keyed_twice(p: Planter):
    """A care leaver (Header and OC3 only, in both years: not looked after this year or last) written
    again under a new id: care leaver information for a young person never looked after: 1002, and 1001
    (not a relevant or former relevant child)."""
    candidates = [c for c in p.children("OC3")
                  if _files_of(p, c) == {"Header", "OC3"} and _files_of(p, c, last=True) <= {"Header", "OC3"}
                  and not p.rows("Header", c).iloc[0]["UPN"].startswith("UN")]
    if not candidates:
        return None
    child = candidates[0]
    new_id = child + NEW_ID_SUFFIX
    _copy_child(p, child, new_id)
    # never looked after, so not a relevant or former relevant child either: 1001
    return p.planted(care_leaver_keyed_twice, new_id, "1002", "1001")


def previous_permanence_for_a_child_keyed_twice(p: Planter):
    """A child looked after since before the year (every episode of the year began before 1 April), written
    again under a new id, and given the previous permanence row of another child (as a hand-assembled
    PrevPerm file might): 634 (the copy has no care from 1 April 2016 in the history, and its latest
    episode began before the collection year)."""
    prev_perm = p.frame("PrevPerm")
    if prev_perm.empty:
        return None

    def began_before_the_year(child: str) -> bool:
        starts = [dmy(d) for d in p.rows("Episodes", child)["DECOM"]]
        return bool(starts) and all(s is not None and s < p.year_start for s in starts)

    candidates = [c for c in p.children("Episodes")
                  if began_before_the_year(c) and not _files_of(p, c) & {"PrevPerm", "OC2", "OC3", "UASC"}
                  and "PrevPerm" not in _files_of(p, c, last=True)]
    if not candidates:
        return None
    child = candidates[0]
    new_id = child + NEW_ID_SUFFIX
    _copy_child(p, child, new_id)
    dob = p.header(child)["DOB"]
    p.copy_row("PrevPerm", prev_perm.index[0], CHILD=new_id, DOB=dob)
    return p.planted(previous_permanence_for_a_child_keyed_twice, new_id, "634")


def care_leaver_made_uasc_with_care_ended_last_year(p: Planter):
    """A care leaver whose one episode of the year began before it has the episode's end date typed a year
    out, the day before the year began, and UASC rows in both years' files (sex and date of birth as in
    Header, status ceasing on the 18th birthday, so no other UASC rule speaks): a child in the Episodes file
    with no episode in the year, yet with UASC and care leaver information: 1014; and 406, the episode's
    placement distance given for a UASC child. (Not looked after during the year, the child is not looked
    after continuously at 31 March either: no 187.)"""
    def one_episode_begun_before_the_year(child: str) -> bool:
        episodes = p.rows("Episodes", child)
        return len(episodes) == 1 and (dmy(episodes.iloc[0]["DECOM"]) or p.year_start) < p.year_start

    template = p.frame("UASC")
    candidates = [c for c in p.children("OC3") if one_episode_begun_before_the_year(c)
                  and not _files_of(p, c) & {"UASC", "OC2"} and "UASC" not in _files_of(p, c, last=True)
                  and len(p.rows("Header", c, last=True)) == 1]
    child = p.take(candidates)
    if child is None or template.empty:
        return None
    header = p.header(child)
    ceased = as_dmy(birthday(dmy(header["DOB"]), 18))
    for last in (False, True):
        p.copy_row("UASC", p.frame("UASC", last).index[0], last, CHILD=child, SEX=header["SEX"], DOB=header["DOB"],
                   DUC=ceased)
    p.set("Episodes", p.rows("Episodes", child).index[0], DEC=as_dmy(p.year_start - timedelta(days=1)))
    # a UASC child's placement distance must be blank, and the episode has one: 406
    return p.planted(care_leaver_made_uasc_with_care_ended_last_year, child, "1014", "406")


KINDS = [care_leaver_keyed_twice, previous_permanence_for_a_child_keyed_twice,
         care_leaver_made_uasc_with_care_ended_last_year]
