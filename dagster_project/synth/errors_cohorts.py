"""Planted errors for the DfE rules on the OC2 and OC3 cohorts, coded values and missing episodes (the rule
families ssda903_cohorts, ssda903_codes, ssda903_health and ssda903_missing). Same contract as errors.py:
each kind takes the council and returns the truth of one planted error, or None when no child fits.

Planted here: SDQs (196 a reason typed as text, 188 an SDQ for a child under 4, 186 the year's SDQ not
recorded), care leavers' contacts (344 returned home but an activity recorded, 345 in touch but the activity
recorded as 'not in touch', 133 and 153 the accommodation left blank, 347 in a foyer at 17), and missing episodes (575 and 577
left open after care ended, 575 alone left open after a placement move, 586 and 581 the start's year typed a
decade early, so before the child was born).

Most other rules of these families cannot be broken through the extract: the warehouse derives the OC2
items from the health, immunisation, conviction and substance misuse tables, always as 0 or 1 and only for
the ages that need them (181, 182, 190, 191, 192, 193, 158, 159, 542, 543, 545, 546, 544, 547, 215, 197a,
197B, 185, 198); the OC3 cohort is derived from the care history and its in touch and activity are
coalesced (153 for activity, 391, 1000, 1011, 1014, 1016); the date UASC ceased is the 18th birthday
(304); a missing episode without a start, starting after the year or ending outside it is not in the
year's return as such (564, 570, 571); a coded value the mappings do not know is read as blank, so other
rules fire (143, 144, 149, 1006, 132), and FOSTER_CARE is derived from a Y/N flag (114). Some could be planted
but have no free child in the 100-child test council: 3001 (a 17-year-old care leaver), 189 (an SDQ for a
young person looked after past 18) and the AD1 codes 120, 175, 176 and 177 (the adoption kinds take the
year's adopted children). The DfE's validator never flags 347 (it compares ACCOM with a bare 'T'; see
seeds/data_quality/validator_disagreements.csv).
"""

from __future__ import annotations

from datetime import date, timedelta

from dagster_project.synth.errors import Council, Truth, _date, _single_periods


def _birthday(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February
        return date(born.year + years, 2, 28)


# --- OC2: strengths and difficulties questionnaires --------------------------------------------------------

def _oc2_children(council: Council, youngest: int, oldest: int) -> list[str]:
    """Children with one open period of care that began well before 1 April of last year (so in the OC2
    cohort, looked after continuously for 12 months at 31 March), aged youngest-oldest on 1 April."""
    out = []
    for child, rows in _single_periods(council):
        if rows[-1]["DEC"] and _date(rows[-1]["DEC"]) <= council.year_end + timedelta(days=7):
            continue
        if _date(rows[0]["DECOM"]) >= council.year_start - timedelta(days=30):
            continue
        age = council.age(child, council.year_start)
        if age is not None and youngest <= age <= oldest:
            out.append(child)
    return out


def _sdqs_in_year(council: Council, child: str) -> list[list[str]]:
    table = council.table("ssd_sdq_scores")
    out = []
    for row in table.where(csdq_person_id=child):
        done = _date(table.get(row, "csdq_sdq_completed_date"))
        if done is not None and council.year_start <= done <= council.year_end:
            out.append(row)
    return sorted(out, key=lambda r: (table.get(r, "csdq_sdq_completed_date"), int(table.get(r, "csdq_table_id"))))


def sdq_reason_typed_as_text(council: Council) -> list[Truth] | None:
    """The year's latest SDQ of a school-age child in the OC2 cohort recorded with no score and the carer's
    refusal typed as text rather than the code SDQ2: not a valid reason (196, and the expectation GX-SDQ-02)."""
    table = council.table("ssd_sdq_scores")
    candidates = []
    for child in _oc2_children(council, 6, 14):
        rows = _sdqs_in_year(council, child)
        if rows and table.get(rows[-1], "csdq_sdq_score"):
            candidates.append((child, rows[-1]))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    table.set(row, "csdq_sdq_score", "")
    table.set(row, "csdq_sdq_reason", "Carer refused")
    record = table.get(row, "csdq_table_id")
    return [Truth("sdq_reason_typed_as_text", rule, child, "ssd_sdq_scores", record) for rule in ("196", "GX-SDQ-02")]


def sdq_for_a_child_under_four(council: Council) -> list[Truth] | None:
    """An SDQ score recorded in the year for a child in the OC2 cohort who is under 4 at 31 March (an older
    sibling's questionnaire filed on the wrong child): SDQs are for children aged 4 to 16 (188)."""
    table = council.table("ssd_sdq_scores")
    candidates = []
    for child in _oc2_children(council, 1, 3):
        born = _date(council.children()[child]["DOB"])
        if _birthday(born, 4) > council.year_end and not table.where(csdq_person_id=child):
            candidates.append(child)
    candidates = council.pick([(c,) for c in candidates])
    if not candidates:
        return None
    child = candidates[0][0]
    council.take(child)
    record = str(max((int(table.get(r, "csdq_table_id")) for r in table.rows), default=1000000) + 1)
    done = council.year_end - timedelta(days=council.rng.randint(40, 120))
    table.append({"csdq_table_id": record, "csdq_person_id": child, "csdq_sdq_completed_date": council.d(done),
                  "csdq_sdq_score": str(council.rng.randint(6, 18)), "csdq_sdq_reason": ""})
    return [Truth("sdq_for_a_child_under_four", "188", child, "ssd_sdq_scores", record)]


def sdq_not_recorded(council: Council) -> list[Truth] | None:
    """The year's SDQ of a school-age child in the OC2 cohort never recorded (the questionnaire came back but
    was not entered): neither a score nor a reason for none (186). With no SDQ in the year, the finding
    points at the child."""
    table = council.table("ssd_sdq_scores")
    candidates = [(child, rows) for child in _oc2_children(council, 6, 14)
                  if (rows := _sdqs_in_year(council, child))]
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, rows = chosen
    for row in rows:
        table.rows.remove(row)
    table.changed = True
    return [Truth("sdq_not_recorded", "186", child, "ssd_person", child)]


# --- OC3: care leavers' contacts ---------------------------------------------------------------------------

def _care_leaver_contacts(council: Council, age: int | None = None, in_touch: str = "YES"
                          ) -> list[tuple[str, list[str]]]:
    """(child, ssd_care_leavers row) of the contact the OC3 return takes for a care leaver with a 17th-21st
    birthday in the checked year: the only contact within three months before to one month after the
    birthday, with the given in-touch code and an activity and suitable accommodation recorded."""
    table = council.table("ssd_care_leavers")
    episodes = council.table("ssd_cla_episodes")
    spans: dict[str, list[tuple[date, date]]] = {}
    for row in episodes.rows:  # the care the extract shows (old histories are not in it)
        began = _date(episodes.get(row, "clae_cla_episode_start_date"))
        ended = _date(episodes.get(row, "clae_cla_episode_ceased_date")) or council.year_end
        spans.setdefault(episodes.get(row, "clae_person_id"), []).append((began, min(ended, council.year_end)))

    def relevant(child: str) -> bool:
        """A relevant or former relevant child in the extract's history: 91 days looked after since the 14th
        birthday, one of them after the 16th (with a margin)."""
        born = _date(council.children().get(child, {}).get("DOB", ""))
        if born is None or child not in spans:
            return False
        fourteen, sixteen = _birthday(born, 14), _birthday(born, 16)
        after_14 = sum(max((end - max(start, fourteen)).days, 0) for start, end in spans[child])
        after_16 = sum(max((end - max(start, sixteen)).days, 0) for start, end in spans[child])
        return after_14 >= 120 and after_16 >= 30

    out = []
    for facts in council.truth_rows("care_leavers"):
        if not facts["BIRTHDAY"] or not facts["LEFT_CARE"]:
            continue
        birthday = _date(facts["BIRTHDAY"])
        if not council.year_start <= birthday <= council.year_end or _date(facts["LEFT_CARE"]) >= birthday:
            continue
        if age is not None and int(facts["AGE"]) != age:
            continue
        child = facts["CHILD"]
        if not relevant(child):
            continue
        near = [r for r in table.where(clea_person_id=child) if table.get(r, "clea_care_leaver_latest_contact")
                and birthday - timedelta(days=100) <= _date(table.get(r, "clea_care_leaver_latest_contact"))
                <= birthday + timedelta(days=35)]
        if len(near) != 1:
            continue
        row = near[0]
        contact = _date(table.get(row, "clea_care_leaver_latest_contact"))
        if not birthday - timedelta(days=88) <= contact <= birthday + timedelta(days=27):
            continue
        if (table.get(row, "clea_care_leaver_in_touch") != in_touch or not table.get(row, "clea_care_leaver_activity")
                or not table.get(row, "clea_care_leaver_accommodation")
                or not table.get(row, "clea_care_leaver_accom_suitable")):
            continue
        out.append((child, row))
    return out


def _contact_edit(council: Council, kind: str, candidates: list[tuple[str, list[str]]], column: str, value,
                  rules: tuple[str, ...]) -> list[Truth] | None:
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    table = council.table("ssd_care_leavers")
    table.set(row, column, value(row) if callable(value) else value)
    record = table.get(row, "clea_table_id")
    return [Truth(kind, rule, child, "ssd_care_leavers", record) for rule in rules]


def care_leaver_returned_home_with_an_activity(council: Council) -> list[Truth] | None:
    """A care leaver in touch recorded as returned home (RHOM) while the activity and accommodation were left
    as they were: for a young person who died or went home both should be 0 (344)."""
    activity = council.mapped("care_leaver_activity", "0")
    candidates = [(child, row) for child, row in _care_leaver_contacts(council)
                  if council.table("ssd_care_leavers").get(row, "clea_care_leaver_activity") != activity]
    return _contact_edit(council, "care_leaver_returned_home_with_an_activity", candidates,
                         "clea_care_leaver_in_touch", "RHOM", ("344",))


def care_leaver_in_touch_but_activity_not_in_touch(council: Council) -> list[Truth] | None:
    """A care leaver in touch whose activity was picked as 'not in touch / died / returned home' (code 0):
    in touch, so the activity must not be 0 (345)."""
    return _contact_edit(council, "care_leaver_in_touch_but_activity_not_in_touch", _care_leaver_contacts(council),
                         "clea_care_leaver_activity", council.mapped("care_leaver_activity", "0"), ("345",))


def care_leaver_accommodation_blank(council: Council) -> list[Truth] | None:
    """A care leaver in touch whose accommodation was not recorded: ACCOM is blank (133), while in touch and
    activity are given (153)."""
    return _contact_edit(council, "care_leaver_accommodation_blank", _care_leaver_contacts(council),
                         "clea_care_leaver_accommodation", "", ("133", "153"))


def care_leaver_in_a_foyer_at_17(council: Council) -> list[Truth] | None:
    """A care leaver whose 18th birthday is in the year (so 17 on 1 April) recorded as living in a foyer:
    care leavers under 18 cannot be accommodated in a foyer (347)."""
    foyer = council.mapped("care_leaver_accommodation", "T")
    table = council.table("ssd_care_leavers")
    candidates = []
    for child, row in _care_leaver_contacts(council, age=18):
        born = _date(council.children()[child]["DOB"])
        if _birthday(born, 18) > council.year_start and table.get(row, "clea_care_leaver_accommodation") != foyer:
            candidates.append((child, row))
    return _contact_edit(council, "care_leaver_in_a_foyer_at_17", candidates, "clea_care_leaver_accommodation",
                         foyer, ("347",))


# --- missing episodes --------------------------------------------------------------------------------------

def _missing_rows(council: Council) -> dict[str, list[tuple[date, date | None, list[str]]]]:
    """(start, end, row) of each child's missing episodes, in order of start (rows planted unreadable left out)."""
    table = council.table("ssd_missing")
    out: dict[str, list[tuple[date, date | None, list[str]]]] = {}
    for row in table.rows:
        try:
            start = _date(table.get(row, "miss_missing_episode_start_date"))
            end = _date(table.get(row, "miss_missing_episode_end_date"))
        except ValueError:  # a date planted unreadable
            continue
        if start is None:
            continue
        out.setdefault(table.get(row, "miss_person_id"), []).append((start, end, row))
    return {child: sorted(rows, key=lambda r: (r[0], r[1] or date.max)) for child, rows in out.items()}


def _in_year_and_period(council: Council, rows: list[dict], start: date, end: date | None) -> bool:
    began, ended = _date(rows[0]["DECOM"]), _date(rows[-1]["DEC"])
    return (end is not None and council.year_start <= start <= end <= council.year_end and start >= began
            and (ended is None or end <= ended))


def _add_missing(council: Council, child: str, start: date, end: date | None) -> str:
    table = council.table("ssd_missing")
    record = str(max((int(table.get(r, "miss_table_id")) for r in table.rows), default=1000000) + 1)
    table.append({"miss_table_id": record, "miss_person_id": child, "miss_missing_episode_start_date": council.d(start),
                  "miss_missing_episode_end_date": council.d(end), "miss_missing_episode_type": council.mapped("missing_type", "M"),
                  "miss_missing_rhi_offered": "Y", "miss_missing_rhi_accepted": "N"})
    return record


def missing_left_open_after_care_ended(council: Council) -> list[Truth] | None:
    """A child who left care in the year had gone missing for a night a month before: the episode was recorded
    but never closed (its end date blank). Open although the placement it began in ended (575) and care
    ceased (577). Added to a child with no other missing episode (missing episodes are few, and the kinds
    before have taken the children who have them), so no other one starts while it is open (574)."""
    missing = _missing_rows(council)
    candidates = []
    for child, rows in _single_periods(council, closed=True):
        began, ended = _date(rows[0]["DECOM"]), _date(rows[-1]["DEC"])
        went = ended - timedelta(days=30)
        if child not in missing and council.year_start <= went and began + timedelta(days=7) <= went \
                and ended <= council.year_end:
            candidates.append((child, went))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, went = chosen
    record = _add_missing(council, child, went, None)
    return [Truth("missing_left_open_after_care_ended", rule, child, "ssd_missing", record) for rule in ("575", "577")]


def missing_left_open_after_a_move(council: Council) -> list[Truth] | None:
    """A child still in care went missing for a night in this year's draft return, a few days before a
    placement move; the episode was recorded but never closed. Open although the placement it began in has
    ended (575); care has not ceased, so not 577. Added to a child with no other missing episode."""
    missing = _missing_rows(council)
    draft_start = council.year_end + timedelta(days=1)
    candidates = []
    for child, rows in _single_periods(council, closed=False):
        if child in missing:
            continue
        for episode in rows[:-1]:
            began, ended = _date(episode["DECOM"]), _date(episode["DEC"])
            went = ended - timedelta(days=5)
            if went >= max(began, draft_start) + timedelta(days=5) and ended < council.as_at:
                candidates.append((child, went))
                break
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, went = chosen
    record = _add_missing(council, child, went, None)
    return [Truth("missing_left_open_after_a_move", "575", child, "ssd_missing", record)]


def missing_start_year_a_decade_early(council: Council) -> list[Truth] | None:
    """A child in care went missing for two days in the year and the episode's start was typed with the decade
    wrong (2005 for 2025), so before the child was born (586) and outside care (581). Added to a child with
    no other missing episode (the kinds before have taken the children who have them)."""
    missing = _missing_rows(council)
    candidates = []
    for child, rows in _single_periods(council):
        if child in missing or child not in council.children():
            continue
        began, ended = _date(rows[0]["DECOM"]), _date(rows[-1]["DEC"])
        went = max(began, council.year_start) + timedelta(days=30)
        born = _date(council.children()[child]["DOB"])
        typed = _birthday(went, -20)
        if born and typed < born and went + timedelta(days=30) <= min(ended or council.year_end, council.year_end):
            candidates.append((child, went, typed))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, went, typed = chosen
    record = _add_missing(council, child, typed, went + timedelta(days=2))
    return [Truth("missing_start_year_a_decade_early", rule, child, "ssd_missing", record) for rule in ("586", "581")]


# the scarce candidates first
KINDS = [sdq_for_a_child_under_four, care_leaver_in_a_foyer_at_17, missing_left_open_after_care_ended,
         missing_left_open_after_a_move, missing_start_year_a_decade_early, sdq_reason_typed_as_text, sdq_not_recorded,
         care_leaver_returned_home_with_an_activity, care_leaver_in_touch_but_activity_not_in_touch,
         care_leaver_accommodation_blank]
