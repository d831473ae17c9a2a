"""The child's wellbeing while looked after, and after leaving care.

Health assessments (initial within 20 working days, then six-monthly under 5 and yearly from 5),
dental checks, development checks for under-5s, immunisation status, SDQ scores for 4-16 year olds,
substance misuse and offending for teenagers, the OC2 answers at each 31 March for children looked after
for 12 months, missing and away-from-placement episodes (mostly teenagers), statutory visits, care
plans, and for young people who qualify as care leavers (looked after for 13 weeks since 14 and in care
at 16 or later) a contact record around each birthday from 17 to 21.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from dagster_project.synth.codes import SHORT_BREAK_STATUSES
from dagster_project.synth.dates import add_months, add_years, age_on, birthday, days
from dagster_project.synth.people import weighted

SUBSTANCES = ("Cannabis", "Alcohol", "Cocaine", "Solvents", "Ketamine", "Other")
OFFENCES = (
    "Criminal damage",
    "Theft",
    "Assault",
    "Possession of a controlled drug",
    "Public order offence",
    "Robbery",
    "Driving offence",
    "Possession of an offensive weapon",
)


def _check(out, rng, person_id, kind: str, on: date, status: str, text: str = "") -> None:
    out.row(
        "ssd_cla_health",
        clah_health_check_id=out.new_id("health"),
        clah_person_id=person_id,
        clah_health_check_type=out.mapped("health_check_type", kind, rng, text),
        clah_health_check_date=on,
        clah_health_check_status=status.title() if out.style.is_liquid_logic else status,
    )


def _status(rng, age: int) -> str:
    refused = 0.08 if age >= 13 else 0.01
    r = rng.random()
    return "REFUSED" if r < refused else "CANCELLED" if r < refused + 0.04 else "COMPLETED"


@dataclass
class HealthFacts:
    """What happened to a child's health while looked after: the facts behind the OC2 answers."""

    assessments: list[date] = field(default_factory=list)  # completed health assessments
    dental: list[date] = field(default_factory=list)  # completed dental checks
    development: list[date] = field(default_factory=list)  # completed development checks
    immunisations: list[tuple[date, str]] = field(default_factory=list)  # (date, Y/N)
    sdq: list[tuple[date, int | None, str]] = field(default_factory=list)  # (date, score, reason)
    convictions: list[date] = field(default_factory=list)
    misuse: list[tuple[date, bool]] = field(default_factory=list)  # (date, intervention received)


def emit_health(out, ctx, rng, child, period, in_window) -> HealthFacts:
    """Health checks of one period (rows for those in the window); returns all of them as facts."""
    wd, as_at = ctx.wd, ctx.as_at
    start, end = period.start, period.end or as_at
    facts = HealthFacts()
    if (end - start).days < 20:
        return facts
    pid = child.person_id
    immunised_propensity = 0.88 if not child.uasc else 0.7
    # health assessments: the initial one within 20 working days, reviews six-monthly under 5, then yearly
    first = wd.add(start, 20) if rng.random() < 0.75 else wd.add(start, rng.randint(21, 60))
    t, initial = first, True
    while t <= end:
        age = age_on(child.dob, t)
        status = "COMPLETED" if initial and rng.random() < 0.96 else _status(rng, age)
        if in_window(t):
            text = "Initial Health Assessment" if initial else "Review Health Assessment"
            _check(out, rng, pid, "HEALTH_ASSESSMENT", t, status, text)
        if status == "CANCELLED":
            t += days(rng.randint(14, 35))
            continue
        if status == "COMPLETED":
            facts.assessments.append(t)
            facts.immunisations.append((t, "Y" if rng.random() < immunised_propensity else "N"))
        initial = False
        t = add_months(t, 6 if age < 5 else 12) + days(rng.randint(-25, 20))
    if period.end is None and t <= as_at + days(60) and in_window(as_at):
        planned = t if t > as_at else as_at + days(rng.randint(1, 30))
        _check(out, rng, pid, "HEALTH_ASSESSMENT", planned, "PLANNED", "Review Health Assessment")
    # dental checks from the age of one
    t = start + days(rng.randint(50, 120))
    while t <= end:
        if age_on(child.dob, t) >= 1:
            status = _status(rng, age_on(child.dob, t))
            if status == "COMPLETED" and rng.random() < 0.1:
                status = "CANCELLED"  # dental appointments are missed more often than health assessments
            if status == "COMPLETED":
                facts.dental.append(t)
            if in_window(t):
                _check(out, rng, pid, "DENTAL_CHECK", t, status)
        t = add_months(t, 12) + days(rng.randint(-30, 30))
    # development checks while under five
    t = start + days(rng.randint(30, 90))
    while t <= end and t < add_years(child.dob, 5):
        status = "COMPLETED" if rng.random() < 0.93 else "CANCELLED"
        if status == "COMPLETED":
            facts.development.append(t)
        if in_window(t):
            _check(out, rng, pid, "DEVELOPMENT_CHECK", t, status)
        t = add_months(t, 12) + days(rng.randint(-20, 20))
    for d, imm in facts.immunisations:
        if in_window(d):
            out.row(
                "ssd_cla_immunisations",
                clai_person_id=pid,
                clai_immunisations_status=imm,
                clai_immunisations_status_date=d,
            )
    return facts


def emit_sdq(out, ctx, rng, child, period, facts: HealthFacts, in_window) -> None:
    """One SDQ a year (January to March) for 4-16 year olds in care for five months or more."""
    end = period.end or ctx.as_at
    level = rng.gauss(14, 5)
    for year in range(period.start.year, end.year + 1):
        on = date(year, rng.randint(1, 3), rng.randint(1, 28))
        age = age_on(child.dob, on)
        if not (period.start + days(150) <= on <= end) or age < 4 or age > 16:
            continue
        score, reason = None, ""
        if age_on(child.dob, date(on.year, 3, 31)) >= 17 and rng.random() < 0.3:
            reason = "SDQ1"  # 17 by the end of the year: no form returned
        elif rng.random() < 0.07:
            reason = weighted(
                rng, (("SDQ2", 35), ("SDQ3", 20 if child.disabled else 0), ("SDQ4", 25), ("SDQ5", 20))
            )
        else:
            score = max(0, min(40, round(level + rng.gauss(0, 3))))
        facts.sdq.append((on, score, reason))
        if in_window(on):
            out.row(
                "ssd_sdq_scores",
                csdq_table_id=out.new_id("sdq"),
                csdq_person_id=child.person_id,
                csdq_sdq_completed_date=on,
                csdq_sdq_score=score,
                csdq_sdq_reason=reason,
            )


def emit_risks(out, ctx, rng, child, period, facts: HealthFacts, in_window) -> None:
    """Convictions (from 10) and substance misuse (from 12) while in care."""
    end = period.end or ctx.as_at
    rate = 0.02 if child.sex == "M" else 0.008
    t = max(period.start, birthday(child.dob, 10))
    while t < end:
        step = int(rng.expovariate(rate * (2 if age_on(child.dob, t) >= 15 else 1) / 365)) + 1
        t += days(step)
        if t < end:
            facts.convictions.append(t)
            offence = rng.choice(OFFENCES)
            if in_window(t):
                out.row(
                    "ssd_cla_convictions",
                    clac_cla_conviction_id=out.new_id("conviction"),
                    clac_person_id=child.person_id,
                    clac_cla_conviction_date=t,
                    clac_cla_conviction_offence=offence,
                )
    first = max(period.start, birthday(child.dob, 12))
    if first < end and rng.random() < 0.15 * min(1.0, (end - first).days / 365):
        on = first + days(rng.randint(0, (end - first).days))
        received = rng.random() < 0.6
        substance = rng.choice(SUBSTANCES)
        facts.misuse.append((on, received))
        if in_window(on):
            out.row(
                "ssd_cla_substance_misuse",
                clas_substance_misuse_id=out.new_id("substance"),
                clas_person_id=child.person_id,
                clas_substance_misuse_date=on,
                clas_substance_misused=substance,
                clas_intervention_received="Y" if received else "N",
            )


OC2_ITEMS = (
    "SDQ_SCORE",
    "SDQ_REASON",
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
)


def _within(dates: list[date], first: date, last: date) -> bool:
    return any(first <= d <= last for d in dates)


def oc2_answers(ctx, rng, child, period, facts: HealthFacts) -> list[tuple[date, dict, str]]:
    """The OC2 answers at each 31 March the child had been looked after continuously for 12 months
    (in care from the 1 April before and still after 31 March: a child who leaves care on 31 March is
    not looked after at 31 March), with whether the personal education plan was up to date. Ages decide
    which items apply (rules 186-189, 197B, 542-546)."""
    out = []
    end = period.end
    for year in range(period.start.year + 1, (end or ctx.as_at).year + 1):
        march, year_start = date(year, 3, 31), date(year - 1, 4, 1)
        if not (period.start <= year_start and (end is None or end > march) and march <= ctx.as_at):
            continue
        age = age_on(child.dob, march)
        a = dict.fromkeys(OC2_ITEMS, "")
        if add_years(child.dob, 4) <= march and add_years(child.dob, 17) >= year_start:
            sdqs = [(d, score, reason) for d, score, reason in facts.sdq if year_start <= d <= march]
            if sdqs:
                score, reason = sdqs[-1][1], sdqs[-1][2]
                a["SDQ_SCORE"], a["SDQ_REASON"] = ("" if score is None else str(score)), reason
            else:  # not done this year: turning 4 or 17, no form; otherwise another reason
                turning = add_years(child.dob, 4) > year_start or add_years(child.dob, 17) <= march
                a["SDQ_REASON"] = "SDQ1" if turning else "SDQ4"
        if age >= 10:
            a["CONVICTED"] = "1" if _within(facts.convictions, year_start, march) else "0"
        if age < 5:
            a["HEALTH_CHECK"] = "1" if _within(facts.development, year_start, march) else "0"
        latest = [status for d, status in facts.immunisations if d <= march]
        a["IMMUNISATIONS"] = "1" if latest and latest[-1] == "Y" else "0"
        a["TEETH_CHECK"] = "1" if _within(facts.dental, year_start, march) else "0"
        a["HEALTH_ASSESSMENT"] = "1" if _within(facts.assessments, year_start, march) else "0"
        misuse = [received for d, received in facts.misuse if year_start <= d <= march]
        a["SUBSTANCE_MISUSE"] = "1" if misuse else "0"
        if misuse:
            a["INTERVENTION_RECEIVED"] = "1" if misuse[-1] else "0"
            if not misuse[-1]:
                a["INTERVENTION_OFFERED"] = "1" if rng.random() < 0.4 else "0"  # offered but refused
        pep = "" if age < 5 else "1" if rng.random() < 0.88 else "0"
        out.append((march, a, pep))
    return out


def emit_oc2_supplement(out, child, answers, in_window) -> None:
    """The OC2 items the SSD cannot give (our supplementary table)."""
    for march, a, pep in answers:
        if in_window(march):
            out.row(
                "oc2_supplement",
                oc2s_person_id=child.person_id,
                oc2s_year_ending=march,
                oc2s_convicted=a["CONVICTED"],
                oc2s_intervention_offered=a["INTERVENTION_OFFERED"],
                oc2s_immunisations_up_to_date=a["IMMUNISATIONS"],
                oc2s_pep_up_to_date=pep,
            )


def missing_episodes(rng, child, period, as_at: date) -> list[tuple[str, date, date | None]]:
    """Missing (M) and away-without-authorisation (A) spells, each inside one 903 episode (rule 581)
    and never open once care ends (rules 575/577); mostly teenagers, some missing right now."""
    out = []
    eighteenth = add_years(child.dob, 18)
    for ep in period.episodes:
        if ep.ls in SHORT_BREAK_STATUSES:
            continue
        ep_end = ep.end or as_at
        if (ep_end - ep.start).days < 3:
            continue
        mid = ep.start + days((ep_end - ep.start).days // 2)
        age = age_on(child.dob, mid)
        base = 0.0 if age < 11 else 0.05 if age < 13 else 0.16 if age < 16 else 0.2
        if child.uasc:
            base = 0.1
        if child.missing_propensity >= base:
            continue
        missing_now = None
        if (
            ep.end is None
            and (as_at - ep.start).days > 14
            and as_at < eighteenth - days(10)
            and rng.random() < 0.2
        ):
            missing_now = ("M" if rng.random() < 0.8 else "A", as_at - days(rng.randint(0, 6)))
            ep_end = missing_now[1] - days(2)
        t = ep.start
        while True:
            t += days(1 + int(rng.expovariate(4.0 / 365)))
            if t >= ep_end or t >= eighteenth - days(10):
                break
            kind = "M" if rng.random() < 0.7 else "A"
            back = t + days(weighted(rng, ((0, 30), (1, 35), (2, 15), (3, 10), (7, 10))))
            if ep.end is None and back > as_at:
                out.append((kind, t, None))  # still missing at the extract date
                missing_now = None
                break
            back = min(back, ep_end)
            out.append((kind, t, back))
            t = back + days(1)
        if missing_now is not None:
            out.append((missing_now[0], missing_now[1], None))
    return out


def emit_missing(out, rng, child, spells, in_window) -> None:
    for kind, start, end in spells:
        if not in_window(start, end):
            continue
        offered = "Y" if kind == "M" and (end is not None) and rng.random() < 0.9 else "N"
        out.row(
            "ssd_missing",
            miss_table_id=out.new_id("missing"),
            miss_person_id=child.person_id,
            miss_missing_episode_start_date=start,
            miss_missing_episode_end_date=end,
            miss_missing_episode_type=out.mapped("missing_type", kind, rng),
            miss_missing_rhi_offered=offered,
            miss_missing_rhi_accepted=("Y" if rng.random() < 0.6 else "N") if offered == "Y" else "",
        )


def emit_visits(out, ctx, rng, child, period, in_window) -> None:
    """Statutory visits: within a week of each placement, six-weekly in its first year, then three-monthly."""
    for pl in period.placements:
        if pl.temporary:
            continue
        end = pl.end or ctx.as_at
        t = pl.start + days(rng.randint(1, 7))
        while t < end:
            if in_window(t):
                alone = age_on(child.dob, t) >= 5 and rng.random() < 0.75
                out.row(
                    "ssd_cla_visits",
                    clav_cla_visit_id=out.new_id("visit"),
                    clav_cla_id=period.cla_id,
                    clav_person_id=child.person_id,
                    clav_cla_visit_date=t,
                    clav_cla_visit_seen="Y" if rng.random() < 0.95 else "N",
                    clav_cla_visit_seen_alone="Y" if alone else "N",
                )
            first_year = (t - pl.start).days < 365
            t += days(rng.randint(30, 42) if first_year else rng.randint(60, 92))


PLAN_BY_REC = {
    "E11": "Adoption",
    "E12": "Adoption",
    "E45": "Special guardianship order",
    "E46": "Special guardianship order",
    "E47": "Special guardianship order",
    "E48": "Special guardianship order",
    "E41": "Child arrangements order",
    "E4A": "Return to birth family",
    "E4B": "Return to birth family",
    "E13": "Live with relatives",
    "E5": "Independent living",
    "E6": "Independent living",
    "E17": "Staying put",
    "E7": "Adult services",
}


def emit_care_plans(out, ctx, rng, child, period, in_window) -> None:
    """Care plan spells: a first plan on entry, the permanence plan once agreed (usually at a review)."""
    first = (
        "Return to birth family"
        if period.plan.pathway not in ("uasc", "remand")
        else ("Remand plan" if period.plan.pathway == "remand" else "Long-term fostering")
    )
    final = PLAN_BY_REC.get(period.rec) or (
        "Long-term fostering" if period.plan.pathway != "uasc" else "Independent living"
    )
    spells = [(period.start, first)]
    change = next((r.held for r in period.reviews if not r.cancelled and r.sequence == 2), None)
    if change and final != first:
        spells.append((change, final))
    for i, (start, plan) in enumerate(spells):
        end = spells[i + 1][0] if i + 1 < len(spells) else period.end
        if not in_window(start, end):
            continue
        out.row(
            "ssd_cla_care_plan",
            lacp_table_id=out.new_id("care_plan"),
            lacp_person_id=child.person_id,
            lacp_cla_care_plan_start_date=start,
            lacp_cla_care_plan_end_date=end,
            lacp_cla_care_plan_json=json.dumps({"permanence_plan": plan}),
        )


# --- care leavers ----------------------------------------------------------------------------------------

ACTIVITY = (
    ("F1", 6),
    ("P1", 1),
    ("F2", 26),
    ("P2", 3),
    ("F4", 4),
    ("P4", 1),
    ("F5", 14),
    ("P5", 5),
    ("G4", 8),
    ("G5", 27),
    ("G6", 5),
)


def care_leaver_status(child, periods, as_at: date) -> tuple[bool, date | None]:
    """Whether the young person qualifies as a care leaver (relevant / former relevant: looked after for
    13 weeks since 14 and in care on or after 16, not adopted) and when they last left care (None while
    still looked after)."""
    fourteen, sixteen = add_years(child.dob, 14), add_years(child.dob, 16)
    care = [(p.start, p.end or as_at, p.end is None, p.rec) for p in periods if not p.plan.short_break]
    if not care:
        return False, None
    since_14 = sum(max(0, (e - max(s, fourteen)).days) for s, e, _, _ in care)
    at_16 = any(e > sixteen for _, e, _, _ in care)
    still_in_care = any(open_ for _, _, open_, _ in care)
    # adopted, died, moved to another council's care (E3) or found to be an adult (E15): not our care leaver
    not_ours = care[-1][3] in ("E11", "E12", "E2", "E3", "E15")
    left = None if still_in_care else max(e for _, e, _, _ in care)
    return since_14 >= 91 and at_16 and not not_ours, left


@dataclass
class LeaverContact:
    """The contact record around a care leaver's birthday (the 903's OC3 items)."""

    age: int
    birthday: date
    contact: date
    in_touch: str
    activity: str
    accommodation: str  # letter, or 0
    suitable: str  # 1 suitable, 2 not, "" when there is no accommodation to judge


def care_leaver_contacts(ctx, rng, child, left: date, last_rec: str, in_window) -> list[LeaverContact]:
    """A contact record around each birthday from 17 to 21 once the young person has left care.

    Not in touch, refused, no longer requiring services, returned home or died: activity and
    accommodation 0 (rules 344/345). No former foster carers at 17 (rule 3001), no foyer before 19
    (rule 347), homelessness and custody never suitable (rule 133)."""
    contacts = []
    died = False
    for age in range(17, 22):
        bday = birthday(child.dob, age)
        if bday < left or bday > ctx.as_at or not in_window(bday):
            continue
        contact = bday + days(rng.randint(-60, 30))
        contact = min(max(contact, left), ctx.as_at)
        r = rng.random()
        if died or r < 0.003:
            in_touch, died = "DIED", True
        elif r < 0.06:
            in_touch = "NO"
        elif r < 0.09:
            in_touch = "REFU"
        elif r < 0.105 and age >= 18:
            in_touch = "NREQ"
        elif r < 0.115:
            in_touch = "RHOM"
        else:
            in_touch = "YES"
        activity, accommodation, suitable = "0", "0", ""
        if in_touch == "YES":
            activity = weighted(rng, ACTIVITY)
            table = [
                ("D", 26 if age < 19 else 10),
                ("E", 10),
                ("B", 14),
                ("U", 8 if age < 19 else 30),
                ("K", 4),
                ("C", 3),
                ("V", 2),
                ("W", 1),
                ("X", 2),
                ("S", 1),
                ("R", 1),
                ("Y", 3),
            ]
            if age >= 18:
                table += [
                    ("Z", (40 if last_rec == "E17" else 6) if age < 20 else 8),
                    ("T", 3 if age >= 19 else 0),
                ]
            if child.uasc:
                table += [("G", 1), ("H", 0.5)]
            accommodation = weighted(rng, table)
            suitable = "2" if accommodation in ("S", "X") else ("1" if rng.random() < 0.9 else "2")
        contacts.append(LeaverContact(age, bday, contact, in_touch, activity, accommodation, suitable))
    return contacts


def emit_care_leaver(out, rng, child, contacts: list[LeaverContact], personal_adviser_chain) -> None:
    from dagster_project.synth.casework import allocated_on, worker_ref

    for c in contacts:
        pa = allocated_on(personal_adviser_chain, c.contact) if personal_adviser_chain else None
        out.row(
            "ssd_care_leavers",
            clea_table_id=out.new_id("care_leaver"),
            clea_person_id=child.person_id,
            clea_care_leaver_eligibility="Relevant" if c.age < 18 else "Former relevant",
            clea_care_leaver_in_touch=c.in_touch,
            clea_care_leaver_latest_contact=c.contact,
            clea_care_leaver_accommodation=out.mapped("care_leaver_accommodation", c.accommodation, rng),
            clea_care_leaver_accom_suitable=out.mapped("accommodation_suitable", c.suitable, rng)
            if c.suitable
            else "",
            clea_care_leaver_activity=out.mapped("care_leaver_activity", c.activity, rng),
            clea_pathway_plan_review_date=c.contact - days(rng.randint(0, 170)),
            clea_care_leaver_personal_advisor=pa.name if pa else "",
            clea_care_leaver_allocated_team=pa.team.team_id if pa else "",
            clea_care_leaver_worker_id=worker_ref(out, pa) if pa else "",
        )
