"""Planted errors for the DfE rules on single episodes, the chain of a child's episodes and how long a
short-term legal status may last (the ``ssda903_episodes``, ``ssda903_episode_chain`` and
``ssda903_legal_status_limits`` rule families).

The warehouse derives much of a 903 episode from what was recorded: the reason for a new episode from what
changed, X1 on every episode followed by another in its period of care, one category of need for the period,
a reason for placement change only where the 903 wants one. The mistakes that break these rules are in what
a worker types: a provider, placement type, legal status or reason picked from the wrong line of a list (a
foster placement's provider as PR3, a young child's placement as a school, a prison or residential
employment, a short break as long-term fostering or as a temporary move, a holiday as a temporary placement
for no stated reason, section 20 as remand), a date typed late or early (a move or the return from a holiday
recorded days after it happened, a move dated before the previous episode ended, the end of a child
assessment order and the start of the order after it, a baby's date of birth after the day care began), a
reason left blank. Each kind picks a child no other kind has used, edits records whose change reaches no
other period of care or placement than the findings listed, and lists every rule that must fire for it, as
:mod:`dagster_project.synth.errors` does for the other kinds (registered, after all of them, in its
``KINDS``). The kinds with the fewest candidates come first in ``KINDS`` here.

Not planted, and why:

* derived, so no extract edit breaks them: the first episode of a period of care is S (357); the reason
  for a new episode is read from what changed, a contradicting recorded code being replaced (and reported
  by CR05; 434, 435, 436); after an episode that ends care the next is the first of a period, S (432); the
  category of need is the period's (504; CR06 reports a recorded change); a reason for placement change is
  returned only on an ended episode followed by a move between two placements that are not temporary
  (226, 233); a year's return holds episodes started by its 31 March, ceased dates after it blanked (354,
  385);
* no plausible edit without many other findings: an episode before 14 October 1991 or an E1 before
  December 2005 (353, 446) would start before the child was born and before any recorded legal status; a
  child aged 18 at the start of care or at adoption (352, 386) needs a date of birth years wrong, which
  moves every age-based rule;
* no candidate in the council the slow test plants (100 children, seed 11): its only police protection (361)
  is taken by an earlier kind, and it has no emergency protection order or PACE spell followed by another
  order (362, 364); its stays in hospital are one another kind takes and one of four days (a return typed
  five weeks late is not a slip; 375), and no child has three holiday placements in a year (377); young
  people who stay put leave on their 18th birthday, so a special guardianship order that day is not after it
  (407); its only child with two periods of care in the year (not short breaks) carries the blank reason
  (142), leaving none for care restarting too early or after E2/E15 (431, 437); and the council's six
  children on short breaks all carry another error, leaving none for a change of carer within a break (366).
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from dagster_project.synth.errors import (
    FOSTER,
    RETURNED_HOME,
    Council,
    Truth,
    _date,
    _ended_in_year,
    _placement_edit,
    _set_reason_ceased,
    _single_periods,
)

TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
SHORT_BREAKS = ("V3", "V4")


def _placement_rows(council: Council, period_id: str) -> list[list[str]]:
    return council.placements(period_id)


def _episode_at(council: Council, period_id: str, day: date) -> list[str] | None:
    """The case-management episode of a period of care in force on ``day`` (the one a 903 episode starting
    that day is cut from, so the one its findings point at)."""
    table = council.table("ssd_cla_episodes")
    for row in council.case_episodes(period_id):
        start = _date(table.get(row, "clae_cla_episode_start_date"))
        end = _date(table.get(row, "clae_cla_episode_ceased_date"))
        if start <= day and (end is None or day < end):
            return row
    return None


def _in_checked_years(council: Council, start: date, end: date | None) -> bool:
    """A span with a day in the latest complete year or the year in progress (the years the rules check)."""
    return start <= council.as_at and (end is None or end >= council.year_start)


def _differs_from_neighbours(council: Council, period_id: str, row: list[str]) -> bool:
    """The placement is a 903 episode of its own already: each neighbour in its period differs from it in
    type, provider, URN or postcode (so retyping it splits or merges no episode)."""
    table = council.table("ssd_cla_placement")
    rows = _placement_rows(council, period_id)
    index = rows.index(row)
    columns = ("clap_cla_placement_type", "clap_cla_placement_provider", "clap_cla_placement_urn",
               "clap_cla_placement_postcode")
    for other in rows[max(index - 1, 0):index] + rows[index + 1:index + 2]:
        if all(table.get(other, c) == table.get(row, c) for c in columns):
            return False
    return True


# --- providers -----------------------------------------------------------------------------------------

def voluntary_provider_for_foster_care(council: Council) -> list[Truth] | None:
    """A foster placement's provider recorded as another public body (PR3), the line above private
    provision in the list: PR3 cannot provide foster care (529)."""
    return _placement_edit(council, "voluntary_provider_for_foster_care", FOSTER, "clap_cla_placement_provider",
                           "PR3", ("529",))


def _placements_with_parents(council: Council) -> list[tuple[str, list[str]]]:
    """(child, placement) of placements with parents (P1, provider PR0) in the years the rules check, whose
    neighbours in their period of care are not with parents (so a new provider splits or merges nothing)."""
    table = council.table("ssd_cla_placement")
    out = []
    for child, periods in council.periods_of().items():
        for rows in periods:
            placements = _placement_rows(council, rows[0]["period_of_care_id"])
            for index, row in enumerate(placements):
                if table.get(row, "clap_cla_placement_type") != "P1" or \
                        table.get(row, "clap_cla_placement_provider") != "PR0":
                    continue
                neighbours = placements[max(index - 1, 0):index] + placements[index + 1:index + 2]
                if any(table.get(r, "clap_cla_placement_type") in ("", "P1") for r in neighbours):
                    continue
                start = _date(table.get(row, "clap_cla_placement_start_date"))
                if _in_checked_years(council, start, _date(table.get(row, "clap_cla_placement_end_date"))):
                    out.append((child, row))
    return out


def _provider_for_parents(council: Council, kind: str, provider: str, rule: str) -> list[Truth] | None:
    chosen = council.take_first(_placements_with_parents(council))
    if chosen is None:
        return None
    child, row = chosen
    table = council.table("ssd_cla_placement")
    table.set(row, "clap_cla_placement_provider", provider)
    return [Truth(kind, rule, child, "ssd_cla_placement", table.get(row, "clap_cla_placement_id"))]


def private_provider_for_placement_with_parents(council: Council) -> list[Truth] | None:
    """A child placed with her parents recorded as in private provision (PR4): a private provider cannot
    provide a P1 placement (530)."""
    return _provider_for_parents(council, "private_provider_for_placement_with_parents", "PR4", "530")


def voluntary_provider_for_placement_with_parents(council: Council) -> list[Truth] | None:
    """A child placed with her parents recorded as in voluntary or third-sector provision (PR5): it cannot
    provide a P1 placement (531)."""
    return _provider_for_parents(council, "voluntary_provider_for_placement_with_parents", "PR5", "531")


# --- temporary placements ---------------------------------------------------------------------------------

def _temporary_placements(council: Council, types: tuple[str, ...]) -> list[tuple[str, list[str], dict]]:
    """(child, placement, its period's first true episode) of temporary placements in the checked year,
    between two placements of a single-period child, with no provider or URN."""
    table = council.table("ssd_cla_placement")
    out = []
    for child, rows in _single_periods(council):
        placements = _placement_rows(council, rows[0]["period_of_care_id"])
        for index, row in enumerate(placements):
            if table.get(row, "clap_cla_placement_type") not in types or not 0 < index < len(placements) - 1:
                continue
            if table.get(row, "clap_cla_placement_provider") or table.get(row, "clap_cla_placement_urn"):
                continue
            start = _date(table.get(row, "clap_cla_placement_start_date"))
            end = _date(table.get(row, "clap_cla_placement_end_date"))
            if end is None or not council.year_start <= start <= end <= council.year_end:
                continue
            out.append((child, row, rows[0]))
    return out


def holiday_coded_as_unspecified_temporary_placement(council: Council) -> list[Truth] | None:
    """A stay of more than a week while the foster carers were on holiday (T3) coded as a temporary
    placement for an unspecified reason (T4), which may last seven days at most (379)."""
    table = council.table("ssd_cla_placement")
    candidates = []
    for child, row, _ in _temporary_placements(council, ("T3",)):
        start = _date(table.get(row, "clap_cla_placement_start_date"))
        end = _date(table.get(row, "clap_cla_placement_end_date"))
        if (end - start).days > 8:
            candidates.append((child, row))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    table.set(row, "clap_cla_placement_type", "T4")
    return [Truth("holiday_coded_as_unspecified_temporary_placement", "379", child, "ssd_cla_placement",
                  table.get(row, "clap_cla_placement_id"))]


def return_from_holiday_recorded_late(council: Council) -> list[Truth] | None:
    """The day a child came back from a stay while her foster carers were on holiday (T3, two weeks or so)
    typed ten days late, on the temporary placement, the placement she returned to and their episodes: a
    holiday placement longer than three weeks (376). The placement she returned to lasts long after, and no
    legal status changes and no missing episode starts near the two dates."""
    placements = council.table("ssd_cla_placement")
    episodes = council.table("ssd_cla_episodes")
    legal = council.table("ssd_legal_status")
    missing = council.table("ssd_missing")
    candidates = []
    for child, row, first in _temporary_placements(council, ("T3",)):
        period_id = first["period_of_care_id"]
        start = _date(placements.get(row, "clap_cla_placement_start_date"))
        end = _date(placements.get(row, "clap_cla_placement_end_date"))
        late = start + timedelta(days=21 + 10)
        if late <= end or late > council.year_end:
            continue
        rows = _placement_rows(council, period_id)
        back = rows[rows.index(row) + 1]
        back_end = _date(placements.get(back, "clap_cla_placement_end_date"))
        if _date(placements.get(back, "clap_cla_placement_start_date")) != end or \
                (back_end is not None and back_end <= late + timedelta(days=14)):
            continue
        away = [r for r in council.case_episodes(period_id)
                if episodes.get(r, "clae_cla_placement_id") == placements.get(row, "clap_cla_placement_id")]
        returned = [r for r in council.case_episodes(period_id)
                    if episodes.get(r, "clae_cla_placement_id") == placements.get(back, "clap_cla_placement_id")]
        if len(away) != 1 or _date(episodes.get(away[0], "clae_cla_episode_ceased_date")) != end or not returned:
            continue
        if _date(episodes.get(returned[0], "clae_cla_episode_start_date")) != end:
            continue
        returned_end = episodes.get(returned[0], "clae_cla_episode_ceased_date")
        if returned_end and _date(returned_end) <= late + timedelta(days=14):
            continue
        days = [_date(legal.get(r, c)) for r in legal.where(lega_person_id=child)
                for c in ("lega_legal_status_start_date", "lega_legal_status_end_date") if legal.get(r, c)]
        days += [_date(missing.get(r, "miss_missing_episode_start_date")) for r in missing.where(miss_person_id=child)]
        if any(start - timedelta(days=7) <= d <= late + timedelta(days=14) for d in days if d):
            continue
        candidates.append((child, row, back, away[0], returned[0], late))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row, back, away, returned, late = chosen
    placements.set(row, "clap_cla_placement_end_date", council.d(late))
    placements.set(back, "clap_cla_placement_start_date", council.d(late))
    episodes.set(away, "clae_cla_episode_ceased_date", council.d(late))
    episodes.set(returned, "clae_cla_episode_start_date", council.d(late))
    return [Truth("return_from_holiday_recorded_late", "376", child, "ssd_cla_placement",
                  placements.get(row, "clap_cla_placement_id"))]


def temporary_placement_started_as_same_carer(council: Council) -> list[Truth] | None:
    """The episode of a temporary placement (a holiday, a stay in hospital) given the reason "change of
    placement, same carers" (T): a temporary placement is a move to another carer (P or B; 380)."""
    episodes = council.table("ssd_cla_episodes")
    placements = council.table("ssd_cla_placement")
    candidates = []
    for child, row, first in _temporary_placements(council, TEMPORARY):
        matches = [r for r in council.case_episodes(first["period_of_care_id"])
                   if episodes.get(r, "clae_cla_placement_id") == placements.get(row, "clap_cla_placement_id")]
        if len(matches) == 1 and episodes.get(matches[0], "clae_cla_episode_start_date") == \
                placements.get(row, "clap_cla_placement_start_date"):
            candidates.append((child, matches[0]))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    episodes.set(row, "clae_cla_episode_start_reason", council.mapped("reason_new_episode", "T"))
    return [Truth("temporary_placement_started_as_same_carer", "380", child, "ssd_cla_episodes",
                  episodes.get(row, "clae_cla_episode_id"))]


# --- endings ---------------------------------------------------------------------------------------------

def period_closed_as_new_episode(council: Council) -> list[Truth] | None:
    """A child's return home recorded with the reason "episode ceases and new episode begins on the same
    day" (X1), the first line of the list: no episode follows (388). A period that began in the year, so
    that the validator's reading of X1 as care continuing cannot put the child in the cohort looked after
    for twelve months (and ask for her SDQ, 186)."""
    return _set_reason_ceased(council, "period_closed_as_new_episode",
                              council.mapped("reason_episode_ceased", "X1"), ("388",),
                              _ended_in_year(council, RETURNED_HOME))


# --- placement type and age --------------------------------------------------------------------------------

def _retype_candidates(council: Council, types: tuple[str, ...], under: int, until: date | None = None
                       ) -> list[tuple[str, list[str]]]:
    """(child, placement) of closed placements ending in the checked year (or by ``until``), of a child
    under ``under`` when it ended, that are a 903 episode of their own."""
    table = council.table("ssd_cla_placement")
    out = []
    for child, rows in _single_periods(council):
        period_id = rows[0]["period_of_care_id"]
        placements = _placement_rows(council, period_id)
        if any(table.get(r, "clap_cla_placement_type") in TEMPORARY + ("",) for r in placements):
            continue  # after a temporary placement the child returns to the one she left (383): leave those be
        for row in placements:
            if table.get(row, "clap_cla_placement_type") not in types:
                continue
            end = _date(table.get(row, "clap_cla_placement_end_date"))
            if end is None or not council.year_start < end <= (until or council.year_end):
                continue
            age = council.age(child, end)
            if age is None or age >= under or not _differs_from_neighbours(council, period_id, row):
                continue
            out.append((child, row))
    return out


def _retype(council: Council, kind: str, candidates: list, place: str, rule: str,
            blank_urn: bool = False) -> list[Truth] | None:
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    table = council.table("ssd_cla_placement")
    table.set(row, "clap_cla_placement_type", place)
    if blank_urn:
        table.set(row, "clap_cla_placement_urn", "")
    return [Truth(kind, rule, child, "ssd_cla_placement", table.get(row, "clap_cla_placement_id"))]


def residential_school_under_4(council: Council) -> list[Truth] | None:
    """A foster placement (private or voluntary provision, with its agency's URN) of a child under 4
    recorded as a residential school (S1), the line below in the list: a child in a school is at least 4
    (373)."""
    table = council.table("ssd_cla_placement")
    candidates = [(child, row) for child, row in _retype_candidates(council, FOSTER, 4)
                  if table.get(row, "clap_cla_placement_provider") in ("PR4", "PR5")
                  and table.get(row, "clap_cla_placement_urn") not in ("", "XXXXXXX")]
    return _retype(council, "residential_school_under_4", candidates, "S1", "373")


def residential_employment_under_14(council: Council) -> list[Truth] | None:
    """A foster or children's home placement (private or voluntary provision, ended by the extract date) of a
    child under 14 recorded as residential employment (P3), with no URN as P3 has none: a child in residential employment is at least 14 (374)."""
    table = council.table("ssd_cla_placement")
    candidates = [(child, row) for child, row in _retype_candidates(council, FOSTER + ("K2",), 14, council.as_at)
                  if table.get(row, "clap_cla_placement_provider") in ("PR4", "PR5")]
    return _retype(council, "residential_employment_under_14", candidates, "P3", "374", blank_urn=True)


def youth_custody_under_10(council: Council) -> list[Truth] | None:
    """A children's home placement (private or voluntary provision) of a child under 10 recorded as a young
    offender institution or prison (R5), with no URN as R5 has none: the child should be at least 10 (372)."""
    table = council.table("ssd_cla_placement")
    candidates = [(child, row) for child, row in _retype_candidates(council, FOSTER + ("K2",), 10)
                  if table.get(row, "clap_cla_placement_provider") in ("PR4", "PR5")]
    return _retype(council, "youth_custody_under_10", candidates, "R5", "372", blank_urn=True)


# --- a move into custody --------------------------------------------------------------------------------------

def move_into_custody_under_10(council: Council) -> list[Truth] | None:
    """A move between placements of a child under 10 given the reason "custody arrangement" (CUSTOD), the
    line below "child requests" in the list (234, from 2025-26)."""
    table = council.table("ssd_cla_placement")
    candidates = []
    for child, rows in _single_periods(council, minimum_episodes=2):
        period_id = rows[0]["period_of_care_id"]
        for episode in rows:
            if not episode["REASON_PLACE_CHANGE"] or not episode["DEC"]:
                continue
            start, end = _date(episode["DECOM"]), _date(episode["DEC"])
            age = council.age(child, start)
            if age is None or age >= 9 or not council.year_start <= end <= council.year_end:
                continue
            ending = [r for r in _placement_rows(council, period_id)
                      if _date(table.get(r, "clap_cla_placement_end_date")) == end
                      and table.get(r, "clap_cla_placement_change_reason") == episode["REASON_PLACE_CHANGE"]]
            first = _episode_at(council, period_id, start)
            if len(ending) == 1 and first is not None:
                candidates.append((child, ending[0], first))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row, first = chosen
    table.set(row, "clap_cla_placement_change_reason", "CUSTOD")
    return [Truth("move_into_custody_under_10", "234", child, "ssd_cla_placement",
                  table.get(row, "clap_cla_placement_id"))]


# --- short breaks ------------------------------------------------------------------------------------------

def _short_breaks(council: Council) -> dict[str, list[list[dict]]]:
    """Children's short-break periods (V3), by child: the only periods of care of the child are breaks."""
    out = {}
    for child, periods in council.periods_of().items():
        if all(rows[0]["LS"] == "V3" and all(r["LS"] == "V3" for r in rows) for rows in periods):
            out[child] = periods
    return out


def _single_placement_breaks(council: Council, types: tuple[str, ...]) -> list[tuple[str, list[dict], list[str]]]:
    """(child, break, its placement) of one-placement, one-episode short breaks in the checked year."""
    table = council.table("ssd_cla_placement")
    out = []
    for child, periods in _short_breaks(council).items():
        for rows in periods:
            if len(rows) != 1 or not rows[0]["DEC"]:
                continue
            start, end = _date(rows[0]["DECOM"]), _date(rows[0]["DEC"])
            if not council.year_start <= start <= end <= council.year_end:
                continue
            period_id = rows[0]["period_of_care_id"]
            placements = _placement_rows(council, period_id)
            if len(placements) != 1 or len(council.case_episodes(period_id)) != 1:
                continue
            if table.get(placements[0], "clap_cla_placement_type") in types:
                out.append((child, rows, placements[0]))
    return out


def short_break_in_long_term_foster_care(council: Council) -> list[Truth] | None:
    """A short break with foster carers (U6) recorded as long-term fostering (U4): a child on short breaks is
    not in a long-term foster placement (384)."""
    chosen = council.take_first(_single_placement_breaks(council, ("U6",)))
    if chosen is None:
        return None
    child, _, row = chosen
    table = council.table("ssd_cla_placement")
    table.set(row, "clap_cla_placement_type", "U4")
    return [Truth("short_break_in_long_term_foster_care", "384", child, "ssd_cla_placement",
                  table.get(row, "clap_cla_placement_id"))]


def short_break_as_temporary_move(council: Council) -> list[Truth] | None:
    """A short break recorded as a temporary move (T0) with no provider: a short break is not a temporary
    placement (382), a period of care cannot start with one (380) nor end in one (381), and the child's next
    break in the year is not a return to the placement she left for it (383). A break with another before
    and after it in the year, so the return's episodes round it are breaks too."""
    breaks = _short_breaks(council)
    candidates = []
    for child, rows, row in _single_placement_breaks(council, ("U6", "K2")):
        in_year = [p for p in breaks[child] if _date(p[0]["DECOM"]) <= council.year_end
                   and (not p[-1]["DEC"] or _date(p[-1]["DEC"]) >= council.year_start)]
        index = next(i for i, p in enumerate(in_year) if p is rows)
        if 0 < index < len(in_year) - 1 and len(in_year[index + 1]) == 1:
            candidates.append((child, rows, row, in_year[index + 1]))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, rows, row, after = chosen
    table = council.table("ssd_cla_placement")
    table.set(row, "clap_cla_placement_type", "T0")
    table.set(row, "clap_cla_placement_provider", "")
    episodes = council.table("ssd_cla_episodes")
    episode = episodes.get(council.case_episodes(rows[0]["period_of_care_id"])[0], "clae_cla_episode_id")
    next_break = episodes.get(council.case_episodes(after[0]["period_of_care_id"])[0], "clae_cla_episode_id")
    kind = "short_break_as_temporary_move"
    return [Truth(kind, "382", child, "ssd_cla_placement", table.get(row, "clap_cla_placement_id")),
            Truth(kind, "380", child, "ssd_cla_episodes", episode),
            Truth(kind, "381", child, "ssd_cla_episodes", episode),
            Truth(kind, "383", child, "ssd_cla_episodes", next_break)]


def short_break_under_a_series_agreement(council: Council) -> list[Truth] | None:
    """One of a child's short breaks in the year recorded under an agreed series of breaks (V4) while the
    others are individual (V3): a child cannot have both in a year (426, on every break of the year)."""
    legal = council.table("ssd_legal_status")
    candidates = []
    for child, periods in _short_breaks(council).items():
        # every break with a day in the year, V3 throughout, one episode each; the one re-coded is
        # inside the year (so the year in progress, with V3 breaks only, raises nothing)
        in_year = [rows for rows in periods if _date(rows[0]["DECOM"]) <= council.year_end
                   and (not rows[-1]["DEC"] or _date(rows[-1]["DEC"]) >= council.year_start)]
        inside = [rows for rows in in_year if council.year_start <= _date(rows[0]["DECOM"])
                  and rows[-1]["DEC"] and _date(rows[-1]["DEC"]) <= council.year_end]
        if len(in_year) < 2 or not inside or any(len(rows) != 1 for rows in in_year):
            continue
        statuses = legal.where(lega_person_id=child)
        target = inside[len(inside) // 2][0]
        covering = [r for r in statuses if legal.get(r, "lega_legal_status_start_date")[:10] == target["DECOM"]]
        if len(covering) == 1:
            candidates.append((child, in_year, covering[0]))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, in_year, row = chosen
    legal.set(row, "lega_legal_status", council.mapped("legal_status", "V4"))
    episodes = council.table("ssd_cla_episodes")
    return [Truth("short_break_under_a_series_agreement", "426", child, "ssd_cla_episodes",
                  episodes.get(council.case_episodes(rows[0]["period_of_care_id"])[0], "clae_cla_episode_id"))
            for rows in in_year]


# --- the chain of episodes --------------------------------------------------------------------------------

def _moves_inside_periods(council: Council) -> list[tuple[str, list[str], list[str]]]:
    """(child, episode before, episode after) of consecutive case-management episodes of a single-period
    child, the later one a move of placement (P) in the checked year, with no legal status changing and no
    missing episode within a week of the move."""
    episodes = council.table("ssd_cla_episodes")
    legal = council.table("ssd_legal_status")
    missing = council.table("ssd_missing")
    placements = council.table("ssd_cla_placement")
    moved = council.mapped("reason_new_episode", "P")
    out = []
    for child, rows in _single_periods(council, minimum_episodes=2):
        if child in council.used:
            continue  # (another kind's error may be a date that cannot be read)
        recorded = council.case_episodes(rows[0]["period_of_care_id"])
        changes = [_date(legal.get(r, d)) for r in legal.where(lega_person_id=child)
                   for d in ("lega_legal_status_start_date", "lega_legal_status_end_date") if legal.get(r, d)]
        went = [_date(missing.get(r, "miss_missing_episode_start_date")) for r in missing.where(miss_person_id=child)]
        types = {placements.get(r, "clap_cla_placement_id"): placements.get(r, "clap_cla_placement_type")
                 for r in placements.where(clap_cla_id=rows[0]["period_of_care_id"])}
        for before, after in pairwise(recorded):
            day = _date(episodes.get(after, "clae_cla_episode_start_date"))
            if episodes.get(after, "clae_cla_episode_start_reason") != moved:
                continue
            if _date(episodes.get(before, "clae_cla_episode_ceased_date")) != day:
                continue
            if not council.year_start + timedelta(days=7) <= day <= council.year_end - timedelta(days=7):
                continue
            if _date(episodes.get(after, "clae_cla_episode_ceased_date") or "2999-01-01") <= day + timedelta(days=7):
                continue
            if _date(episodes.get(before, "clae_cla_episode_start_date")) >= day - timedelta(days=7):
                continue
            if any(abs((d - day).days) <= 7 for d in changes + [w for w in went if w]):
                continue
            if any(types.get(episodes.get(r, "clae_cla_placement_id"), "") in TEMPORARY + ("",)
                   for r in (before, after)):
                continue
            out.append((child, before, after))
    return out


def _move_start(council: Council, kind: str, days: int, rules_after: tuple[str, ...]) -> list[Truth] | None:
    chosen = council.take_first(_moves_inside_periods(council))
    if chosen is None:
        return None
    child, before, after = chosen
    table = council.table("ssd_cla_episodes")
    start = _date(table.get(after, "clae_cla_episode_start_date"))
    table.set(after, "clae_cla_episode_start_date", council.d(start + timedelta(days=days)))
    return [Truth(kind, "388", child, "ssd_cla_episodes", table.get(before, "clae_cla_episode_id")),
            *(Truth(kind, rule, child, "ssd_cla_episodes", table.get(after, "clae_cla_episode_id"))
              for rule in rules_after)]


def move_recorded_days_late(council: Council) -> list[Truth] | None:
    """The episode of a move between placements started four days after the one before ended (the day
    the worker recorded it, not the day the child moved): the episode before ends with X1 but nothing
    starts that day (388), and the move does not start the day the episode before ended (433)."""
    return _move_start(council, "move_recorded_days_late", 4, ("433",))


def move_recorded_days_early(council: Council) -> list[Truth] | None:
    """The episode of a move between placements dated three days before the one before ended (the day it
    was planned): it starts before the previous episode ended (501) and not on the day it ended (433), and
    the episode before ends with X1 on a day nothing starts (388)."""
    return _move_start(council, "move_recorded_days_early", -3, ("501", "433"))


def _children_with_two_periods(council: Council) -> list[tuple[str, list[dict], list[dict]]]:
    """(child, earlier period, later period) of children with exactly two periods of care (neither short
    breaks) with a day in the checked year, the earlier ended in the year and not by adoption."""
    out = []
    for child, periods in council.periods_of().items():
        if any(rows[0]["LS"] in SHORT_BREAKS for rows in periods):
            continue
        in_year = [rows for rows in periods if council.in_window(rows)]
        if len(in_year) != 2 or in_year[-1] is not periods[-1]:
            continue
        earlier, later = in_year
        end = _date(earlier[-1]["DEC"])
        if end is None or not council.year_start <= end or _date(later[0]["DECOM"]) > council.year_end:
            continue
        if earlier[-1]["REC"] in ("E11", "E12", "E2", "E15"):
            continue
        out.append((child, earlier, later))
    return out


def reason_care_ended_left_blank_before_care_began_again(council: Council) -> list[Truth] | None:
    """A child's first period of care in the year closed with its ceased date but no reason, before she
    came back into care: the episode has an end date without a reason (148), and a new episode starts
    while this one has not ended (142)."""
    chosen = council.take_first(_children_with_two_periods(council))
    if chosen is None:
        return None
    child, earlier, _ = chosen
    table = council.table("ssd_cla_episodes")
    row = council.case_episodes(earlier[0]["period_of_care_id"])[-1]
    table.set(row, "clae_cla_episode_ceased_reason", "")
    episode_id = table.get(row, "clae_cla_episode_id")
    kind = "reason_care_ended_left_blank_before_care_began_again"
    return [Truth(kind, rule, child, "ssd_cla_episodes", episode_id) for rule in ("148", "142")]


# --- how long a short-term legal status lasts ------------------------------------------------------------

def _placement_key(council: Council, placement_id: str) -> tuple:
    table = council.table("ssd_cla_placement")
    rows = table.where(clap_cla_placement_id=placement_id)
    if not rows:
        return ()
    return tuple(table.get(rows[0], c) for c in ("clap_cla_placement_type", "clap_cla_placement_provider",
                                                 "clap_cla_placement_urn", "clap_cla_placement_postcode"))


def _short_status_ended_late(council: Council, kind: str, code: str, maximum_days: int, rule: str
                             ) -> list[Truth] | None:
    """A short-term status (police protection, a child assessment order...) whose end, and the start of the
    order that followed it, were typed a few days late: the status now lasts longer than the law allows.
    The findings are on each 903 episode of the longer run (a new one at each change of placement)."""
    legal = council.table("ssd_legal_status")
    episodes = council.table("ssd_cla_episodes")
    periods = {child: rows for child, rows in _single_periods(council)}
    candidates = []
    for row in legal.rows:
        child = legal.get(row, "lega_person_id")
        if child not in periods or _legal_code(council, legal.get(row, "lega_legal_status")) != code:
            continue
        start, end = _date(legal.get(row, "lega_legal_status_start_date")), _date(legal.get(row, "lega_legal_status_end_date"))
        if end is None or not council.year_start <= start or end > council.year_end:
            continue
        following = [r for r in legal.where(lega_person_id=child)
                     if _date(legal.get(r, "lega_legal_status_start_date")) == end]
        others = [r for r in legal.where(lega_person_id=child) if r is not row and r not in following]
        new_end = start + timedelta(days=maximum_days + 5)
        if len(following) != 1 or any(
                _date(legal.get(r, "lega_legal_status_start_date")) < new_end + timedelta(days=7)
                and (not legal.get(r, "lega_legal_status_end_date")
                     or _date(legal.get(r, "lega_legal_status_end_date")) > start) for r in others):
            continue
        next_end = _date(legal.get(following[0], "lega_legal_status_end_date"))
        if next_end is not None and next_end <= new_end + timedelta(days=7):
            continue
        period_id = periods[child][0]["period_of_care_id"]
        recorded = [r for r in council.case_episodes(period_id)
                    if _date(episodes.get(r, "clae_cla_episode_start_date")) < new_end
                    and (not episodes.get(r, "clae_cla_episode_ceased_date")
                         or _date(episodes.get(r, "clae_cla_episode_ceased_date")) > start)]
        if not recorded or _date(episodes.get(recorded[0], "clae_cla_episode_start_date")) != start:
            continue
        last_end = episodes.get(recorded[-1], "clae_cla_episode_ceased_date")
        if last_end and _date(last_end) <= new_end + timedelta(days=7):
            continue
        candidates.append((child, row, following[0], recorded, new_end))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row, following, recorded, new_end = chosen
    legal.set(row, "lega_legal_status_end_date", council.d(new_end))
    legal.set(following, "lega_legal_status_start_date", council.d(new_end))
    # one 903 episode per change of placement within the run (the recorded episodes between are one)
    truth, previous = [], None
    for r in recorded:
        key = _placement_key(council, episodes.get(r, "clae_cla_placement_id"))
        if previous is None or key != previous:
            truth.append(Truth(kind, rule, child, "ssd_cla_episodes", episodes.get(r, "clae_cla_episode_id")))
        previous = key
    return truth


def _legal_code(council: Council, value: str) -> str | None:
    for code, values in council.style._values["legal_status"].items():
        if value in values:
            return code
    return value or None


def child_assessment_order_ended_late(council: Council) -> list[Truth] | None:
    """A child assessment order (L3) recorded as ending, and the order after it as starting, later than
    they did: a child assessment order lasting more than seven days (363)."""
    return _short_status_ended_late(council, "child_assessment_order_ended_late", "L3", 7, "363")


# --- legal status and placement type ----------------------------------------------------------------------

def remand_for_a_child_under_10(council: Council) -> list[Truth] | None:
    """A young child's section 20 accommodation (V2) recorded as remand to the council's accommodation
    (J1), the line above it in the list: a remand or sentence status for a child under 10 (358, on each 903
    episode under it)."""
    legal = council.table("ssd_legal_status")
    candidates = []
    for child, rows in _single_periods(council):
        statuses = legal.where(lega_person_id=child)
        v2 = [r for r in statuses if _legal_code(council, legal.get(r, "lega_legal_status")) == "V2"]
        if len(v2) != 1 or len(statuses) > 2:
            continue
        row = v2[0]
        start, end = _date(legal.get(row, "lega_legal_status_start_date")), _date(legal.get(row, "lega_legal_status_end_date"))
        age = council.age(child, end or council.as_at)
        if age is None or age >= 10 or start != _date(rows[0]["DECOM"]):
            continue
        if any(r is not row and _date(legal.get(r, "lega_legal_status_start_date")) < (end or council.as_at)
               and (not legal.get(r, "lega_legal_status_end_date")
                    or _date(legal.get(r, "lega_legal_status_end_date")) > start) for r in statuses):
            continue  # another status in force at the same time
        under = [e for e in rows if e["LS"] == "V2" and _in_checked_years(council, _date(e["DECOM"]), _date(e["DEC"]))]
        if under:
            candidates.append((child, row, rows[0]["period_of_care_id"], under))
    candidates = council.pick(candidates)
    if not candidates:
        return None
    child, row, period_id, under = candidates[0]
    firsts = [_episode_at(council, period_id, _date(e["DECOM"])) for e in under]
    if any(f is None for f in firsts):
        return None
    council.take(child)
    legal.set(row, "lega_legal_status", council.mapped("legal_status", "J1"))
    episodes = council.table("ssd_cla_episodes")
    ids = dict.fromkeys(episodes.get(f, "clae_cla_episode_id") for f in firsts)
    return [Truth("remand_for_a_child_under_10", "358", child, "ssd_cla_episodes", episode_id) for episode_id in ids]


def placed_with_parents_under_section_20(council: Council) -> list[Truth] | None:
    """A child accommodated under section 20 (V2) in foster care recorded as placed with her parents (P1,
    provider PR0, no URN): a child placed with parents cannot be accommodated under section 20 (378)."""
    table = council.table("ssd_cla_placement")
    candidates = []
    for child, rows in _single_periods(council):
        if any(e["LS"] != "V2" for e in rows):
            continue
        placements = _placement_rows(council, rows[0]["period_of_care_id"])
        if len(placements) != 1 or table.get(placements[0], "clap_cla_placement_type") not in FOSTER:
            continue
        candidates.append((child, placements[0]))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    table.set(row, "clap_cla_placement_type", "P1")
    table.set(row, "clap_cla_placement_provider", "PR0")
    table.set(row, "clap_cla_placement_urn", "")
    return [Truth("placed_with_parents_under_section_20", "378", child, "ssd_cla_placement",
                  table.get(row, "clap_cla_placement_id"))]


def return_from_temporary_placement_recorded_as_long_term(council: Council) -> list[Truth] | None:
    """The child's return to her foster carers after a temporary placement (a holiday, a stay in hospital)
    recorded as long-term fostering (U6 became U4, or back): she does not return to the placement she
    left (383)."""
    table = council.table("ssd_cla_placement")
    swap = {"U4": "U6", "U6": "U4", "U1": "U3", "U3": "U1"}
    candidates = []
    for child, row, first in _temporary_placements(council, TEMPORARY):
        period_id = first["period_of_care_id"]
        placements = _placement_rows(council, period_id)
        back = placements[placements.index(row) + 1]
        before = placements[placements.index(row) - 1]
        if table.get(back, "clap_cla_placement_type") not in swap or \
                table.get(back, "clap_cla_placement_type") != table.get(before, "clap_cla_placement_type"):
            continue
        if not _differs_from_neighbours(council, period_id, back):
            continue
        start = _date(table.get(back, "clap_cla_placement_start_date"))
        episode = _episode_at(council, period_id, start)
        if episode is None or council.table("ssd_cla_episodes").get(episode, "clae_cla_episode_start_date") != \
                table.get(back, "clap_cla_placement_start_date"):
            continue
        candidates.append((child, back, episode))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row, episode = chosen
    table.set(row, "clap_cla_placement_type", swap[table.get(row, "clap_cla_placement_type")])
    return [Truth("return_from_temporary_placement_recorded_as_long_term", "383", child, "ssd_cla_episodes",
                  council.table("ssd_cla_episodes").get(episode, "clae_cla_episode_id"))]


def adoption_placement_recorded_as_with_current_foster_carers(council: Council) -> list[Truth] | None:
    """A child placed for adoption with new adopters under a placement order (A6) recorded as placed with
    her current foster carers (A5), the line above: a placement with current foster carers continues the
    carers (S, T or U), so the move to new carers (P, B) or a later change of legal status (L) is queried
    (217, on each 903 episode of the placement). Children not adopted in the years checked, so no adoption
    record compares the placement with its carers."""
    table = council.table("ssd_cla_placement")
    candidates = []
    for child, rows in _single_periods(council):
        if any(e["REC"] in ("E11", "E12") for e in rows):
            continue
        period_id = rows[0]["period_of_care_id"]
        for row in _placement_rows(council, period_id):
            if table.get(row, "clap_cla_placement_type") != "A6":
                continue
            start = _date(table.get(row, "clap_cla_placement_start_date"))
            end = _date(table.get(row, "clap_cla_placement_end_date"))
            if start < date(2015, 4, 1) or not _in_checked_years(council, start, end):
                continue
            if not _differs_from_neighbours(council, period_id, row):
                continue
            under = [e for e in rows if e["PLACE"] == "A6" and start <= _date(e["DECOM"])
                     and (end is None or _date(e["DECOM"]) < end)
                     and _in_checked_years(council, _date(e["DECOM"]), _date(e["DEC"]))]
            if not under or any(e["RNE"] in ("S", "T", "U") for e in under):
                continue
            firsts = [_episode_at(council, period_id, _date(e["DECOM"])) for e in under]
            if all(f is not None for f in firsts):
                candidates.append((child, row, firsts))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row, firsts = chosen
    table.set(row, "clap_cla_placement_type", "A5")
    episodes = council.table("ssd_cla_episodes")
    ids = dict.fromkeys(episodes.get(f, "clae_cla_episode_id") for f in firsts)
    return [Truth("adoption_placement_recorded_as_with_current_foster_carers", "217", child, "ssd_cla_episodes",
                  episode_id) for episode_id in ids]



def date_of_birth_typed_after_care_began(council: Council) -> list[Truth] | None:
    """A baby looked after from her first days whose date of birth was typed as a few days after the day
    care began (the day she left hospital): the first episode starts before the child was born (302)."""
    person = council.table("ssd_person")
    candidates = []
    for child, rows in _single_periods(council):
        dob = _date(council.children()[child]["DOB"]) if child in council.children() else None
        start = _date(rows[0]["DECOM"])
        if dob is None or not council.year_start <= start <= council.year_end or not 0 <= (start - dob).days <= 20:
            continue
        first = _episode_at(council, rows[0]["period_of_care_id"], start)
        if first is not None:
            candidates.append((child, start, first))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, start, first = chosen
    row = person.where(pers_person_id=child)[0]
    person.set(row, "pers_dob", council.d(start + timedelta(days=3)))
    return [Truth("date_of_birth_typed_after_care_began", "302", child, "ssd_cla_episodes",
                  council.table("ssd_cla_episodes").get(first, "clae_cla_episode_id"))]


# the scarcest candidates first (a short-term order, a child with two periods, a short break), so the
# plentiful kinds do not take them
KINDS = [child_assessment_order_ended_late,
         reason_care_ended_left_blank_before_care_began_again,
         short_break_under_a_series_agreement,
         short_break_in_long_term_foster_care, short_break_as_temporary_move,
         private_provider_for_placement_with_parents, voluntary_provider_for_placement_with_parents,
         holiday_coded_as_unspecified_temporary_placement, temporary_placement_started_as_same_carer,
         remand_for_a_child_under_10, placed_with_parents_under_section_20, move_into_custody_under_10,
         residential_school_under_4, youth_custody_under_10, residential_employment_under_14, move_recorded_days_late,
         move_recorded_days_early, period_closed_as_new_episode, voluntary_provider_for_foster_care,
         return_from_temporary_placement_recorded_as_long_term,
         adoption_placement_recorded_as_with_current_foster_carers,
         date_of_birth_typed_after_care_began, return_from_holiday_recorded_late]
