"""Planted errors for the DfE rules that read the care history, last year's return or the rest of the return
(the rule families ssda903_care_history and ssda903_across_years). Same contract as errors.py: each kind
takes the council and returns the truth of one planted error, or None when no child fits.

Planted here: 157, 633, 367, 365, 580, 199 (578 is planted by errors.py's missing-episode kinds). The others of the two
families are pinned by hand-made dbt unit tests only. Most cannot be broken through the extract at all:
the warehouse derives this year's and last year's returns from one care history (NoE, 562, 1010, 348,
207, 624, 626, 559-561, 576, 205A-205D), the OC3 cohort is chosen by the 1001/1002/1007 tests, PrevPerm
is written only for children who started care in the year (634) and every return file only for children
with an episode (1012). 359 (looked after past 18 outside V2/K2) could be planted, but it touches many
other rules (reviews, visits, care leavers); not done yet.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from dagster_project.synth.errors import Council, Truth, _date, _single_periods


def _birthday(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February
        return date(born.year + years, 2, 28)


def sdq_too_young_or_old_for_a_school_age_child(council: Council) -> list[Truth] | None:
    """The year's latest SDQ of a child aged 4 to 16 all year in the OC2 cohort, typed without a score and
    with SDQ1 ('no SDQ: under 4 or over 16') as the reason (157)."""
    table = council.table("ssd_sdq_scores")
    periods = {child: rows for child, rows in _single_periods(council, closed=False)}
    latest: dict[str, list[str]] = {}
    for row in table.rows:
        child = table.get(row, "csdq_person_id")
        done = _date(table.get(row, "csdq_sdq_completed_date"))
        if child not in periods or done is None or not council.year_start <= done <= council.year_end:
            continue
        if child not in latest or table.get(latest[child], "csdq_sdq_completed_date") < table.get(row, "csdq_sdq_completed_date"):
            latest[child] = row
    candidates = []
    for child, row in sorted(latest.items()):
        born = _date(council.children().get(child, {}).get("DOB", ""))
        if born is None or not table.get(row, "csdq_sdq_score"):
            continue
        # looked after from well before 1 April of last year (OC2), 4 at 1 April and not 17 by 31 March
        if _date(periods[child][0]["DECOM"]) >= council.year_start - timedelta(days=366):
            continue
        if _birthday(born, 5) > council.year_start or _birthday(born, 16) <= council.year_end:
            continue
        candidates.append((child, row))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    table.set(row, "csdq_sdq_score", "")
    table.set(row, "csdq_sdq_reason", "SDQ1")
    return [Truth("sdq_too_young_or_old_for_a_school_age_child", "157", child, "ssd_sdq_scores",
                  table.get(row, "csdq_table_id"))]


def previous_permanence_la_mistyped(council: Council) -> list[Truth] | None:
    """The LA where a previous adoption or guardianship order was made, typed with a digit too many
    ('8311' for Derby's 831) on a child who started to be looked after in the year (633)."""
    table = council.table("ssd_cla_previous_permanence")
    by_child: dict[str, list[list[str]]] = {}
    for row in table.rows:
        by_child.setdefault(table.get(row, "lapp_person_id"), []).append(row)
    candidates = []
    for child, rows in _single_periods(council):
        if _date(rows[0]["DECOM"]) < council.year_start or len(by_child.get(child, [])) != 1:
            continue
        row = by_child[child][0]
        la = table.get(row, "lapp_previous_permanence_la")
        if table.get(row, "lapp_previous_permanence_option") in ("P1", "P2", "P3") and la.isdigit():
            candidates.append((child, row))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    la = table.get(row, "lapp_previous_permanence_la")
    table.set(row, "lapp_previous_permanence_la", la + la[-1])
    # the LA code's format check at ingestion (GX-PPO-02) catches it too
    return [Truth("previous_permanence_la_mistyped", rule, child, "ssd_cla_previous_permanence",
                  table.get(row, "lapp_table_id")) for rule in ("633", "GX-PPO-02")]


KINDS = [sdq_too_young_or_old_for_a_school_age_child, previous_permanence_la_mistyped]


def _respite_breaks_in_year(council: Council) -> dict[str, list[list[dict]]]:
    """{child: her V3 breaks (each a one-episode period of care, as true episode rows) touching the year}."""
    out: dict[str, list[list[dict]]] = {}
    for child, periods in council.periods_of().items():
        breaks = [rows for rows in periods if rows[0]["LS"] == "V3"]
        if not breaks or len(breaks) != len(periods) or any(len(rows) != 1 or not rows[0]["DEC"] for rows in breaks):
            continue
        in_year = [rows for rows in breaks if council.in_window(rows)]
        if in_year:
            out[child] = in_year
    return out


def respite_over_75_days(council: Council) -> list[Truth] | None:
    """A disabled child's respite breaks (V3) in the year, each typed ending a day or two later than it did
    (no break over 17 days, none reaching the next), until the year holds more than 75 days (367, on every
    V3 episode of the year)."""
    def days_in_year(start: date, end: date) -> int:
        return max(0, (min(end, council.year_end) - max(start, council.year_start)).days)

    candidates = []
    for child, breaks in sorted(_respite_breaks_in_year(council).items()):
        spans = [(_date(rows[0]["DECOM"]), _date(rows[0]["DEC"])) for rows in breaks]
        total = sum(days_in_year(s, e) for s, e in spans)
        # room to stretch: up to 17 days a break and two clear days before the next one starts
        nexts = [s for s, _ in spans[1:]] + [council.year_end]
        room = sum(max(0, (min(s + timedelta(days=17), n - timedelta(days=2), council.year_end) - e).days)
                   for (s, e), n in zip(spans, nexts, strict=True))
        if 45 <= total <= 75 and total + room >= 80 and all(s >= council.year_start for s, _ in spans):
            candidates.append((child, breaks))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, breaks = chosen
    episodes, placements, statuses = (council.table(name) for name in ("ssd_cla_episodes", "ssd_cla_placement",
                                                                        "ssd_legal_status"))
    spans = [(_date(rows[0]["DECOM"]), _date(rows[0]["DEC"])) for rows in breaks]
    total = sum(days_in_year(s, e) for s, e in spans)
    nexts = [s for s, _ in spans[1:]] + [council.year_end]
    truth = []
    for rows, (start, end), following in zip(breaks, spans, nexts, strict=True):
        latest = min(start + timedelta(days=17), following - timedelta(days=2), council.year_end)
        stretch = max(0, min((latest - end).days, 76 - total))
        new_end = end + timedelta(days=stretch)
        total += stretch
        period_id = rows[0]["period_of_care_id"]
        for row in council.case_episodes(period_id):
            if stretch:
                episodes.set(row, "clae_cla_episode_ceased_date", council.d(new_end))
            truth.append(Truth("respite_over_75_days", "367", child, "ssd_cla_episodes",
                               episodes.get(row, "clae_cla_episode_id")))
        if stretch:
            for row in council.placements(period_id):
                if _date(placements.get(row, "clap_cla_placement_end_date")) == end:
                    placements.set(row, "clap_cla_placement_end_date", council.d(new_end))
            for row in statuses.where(lega_person_id=child):
                if _date(statuses.get(row, "lega_legal_status_end_date")) == end:
                    statuses.set(row, "lega_legal_status_end_date", council.d(new_end))
    return truth if total > 75 else None


def short_break_end_typed_late(council: Council) -> list[Truth] | None:
    """A disabled child's respite break (V3) in the year whose end is typed with the wrong tens digit (the
    14th or 24th for the 4th; days 1 to 8, so the typed day exists in every month): one break of more than 17 days
    (365). The breaks of the year stay under 76 days (no 367) and clear of the next break."""
    candidates = []
    for child, breaks in sorted(_respite_breaks_in_year(council).items()):
        spans = [(_date(rows[0]["DECOM"]), _date(rows[0]["DEC"])) for rows in breaks]
        if any(s < council.year_start or e > council.year_end for s, e in spans):
            continue
        total = sum((e - s).days for s, e in spans)
        nexts = [s for s, _ in spans[1:]] + [council.year_end]
        for rows, (start, end), following in zip(breaks, spans, nexts, strict=True):
            if end.day > 8 or len(council.case_episodes(rows[0]["period_of_care_id"])) != 1:
                continue
            for tens in (10, 20):
                typed = end.replace(day=end.day + tens)
                if (typed - start).days > 17 and typed <= following - timedelta(days=2) \
                        and total + tens <= 75:
                    candidates.append((child, rows[0]["period_of_care_id"], end, typed))
                    break
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, period_id, end, typed = chosen
    episodes, placements, statuses = (council.table(name) for name in ("ssd_cla_episodes", "ssd_cla_placement",
                                                                        "ssd_legal_status"))
    episode = council.case_episodes(period_id)[0]
    episodes.set(episode, "clae_cla_episode_ceased_date", council.d(typed))
    for row in council.placements(period_id):
        if _date(placements.get(row, "clap_cla_placement_end_date")) == end:
            placements.set(row, "clap_cla_placement_end_date", council.d(typed))
    for row in statuses.where(lega_person_id=child):
        if _date(statuses.get(row, "lega_legal_status_end_date")) == end:
            statuses.set(row, "lega_legal_status_end_date", council.d(typed))
    return [Truth("short_break_end_typed_late", "365", child, "ssd_cla_episodes",
                  episodes.get(episode, "clae_cla_episode_id"))]


def missing_until_care_ended_at_18(council: Council) -> list[Truth] | None:
    """A young person whose care ended on her 18th birthday (for a reason other than E8) recorded as missing
    from two days before it until that day (580: missing when care ceased, so the reason should be E8)."""
    table = council.table("ssd_missing")
    candidates = []
    for child, rows in _single_periods(council, closed=True):
        ended, born = _date(rows[-1]["DEC"]), _date(council.children().get(child, {}).get("DOB", ""))
        if born is None or ended != _birthday(born, 18) or rows[-1]["REC"] in ("E8", "X1"):
            continue
        went = ended - timedelta(days=2)
        if not council.year_start <= went <= ended <= council.year_end or went <= _date(rows[-1]["DECOM"]):
            continue
        # no other missing episode of hers open then (574)
        others = table.where(miss_person_id=child)
        if any(not table.get(r, "miss_missing_episode_end_date")
               or _date(table.get(r, "miss_missing_episode_end_date")) >= went for r in others):
            continue
        candidates.append((child, went, ended))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, went, ended = chosen
    record = str(max((int(table.get(r, "miss_table_id")) for r in table.rows), default=1000000) + 1)
    table.append({"miss_table_id": record, "miss_person_id": child,
                  "miss_missing_episode_start_date": council.d(went), "miss_missing_episode_end_date": council.d(ended),
                  "miss_missing_episode_type": council.mapped("missing_type", "M"),
                  "miss_missing_rhi_offered": "Y", "miss_missing_rhi_accepted": "N"})
    return [Truth("missing_until_care_ended_at_18", "580", child, "ssd_missing", record)]


def adopted_then_back_in_care(council: Council) -> list[Truth] | None:
    """A child whose care ended last year and who came back into care this year, that ending typed as adopted
    (E11) instead: every episode since is after an adoption from care (199). The ending is in last year's
    return, which the validator also reads."""
    year_before = council.year_start.replace(year=council.year_start.year - 1)
    candidates = []
    for child, periods in council.periods_of().items():
        if any(rows[0]["LS"] in ("V3", "V4") for rows in periods):
            continue
        age = council.age(child, council.year_start)
        if age is None or age > 15:
            continue
        for ending, after in pairwise(periods):
            ended = _date(ending[-1]["DEC"])
            if ended is None or not year_before <= ended < council.year_start \
                    or ending[-1]["REC"] in ("X1", "E11", "E12", "E2", "E3"):
                continue
            if not council.year_start <= _date(after[0]["DECOM"]) <= council.year_end:
                continue
            # each episode since, as its first case-management episode (the record a finding names)
            later = [rows for rows in periods if _date(rows[0]["DECOM"]) > ended]
            records = []
            for rows in later:
                by_start = {council.table("ssd_cla_episodes").get(r, "clae_cla_episode_start_date")[:10]: r
                            for r in council.case_episodes(rows[0]["period_of_care_id"])}
                records += [by_start.get(episode["DECOM"]) for episode in rows]
            if records and all(records) and council.case_episodes(ending[-1]["period_of_care_id"]):
                candidates.append((child, ending[-1]["period_of_care_id"], records))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, ending_period, records = chosen
    episodes = council.table("ssd_cla_episodes")
    episodes.set(council.case_episodes(ending_period)[-1], "clae_cla_episode_ceased_reason",
                 council.mapped("reason_episode_ceased", "E11"))
    return [Truth("adopted_then_back_in_care", "199", child, "ssd_cla_episodes", episodes.get(row, "clae_cla_episode_id"))
            for row in records]

KINDS.append(respite_over_75_days)
KINDS.append(adopted_then_back_in_care)
KINDS.append(missing_until_care_ended_at_18)
KINDS.append(short_break_end_typed_late)
