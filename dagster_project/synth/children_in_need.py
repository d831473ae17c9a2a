"""Children referred to children's social care who do not come into care in the simulation.

Several times more children are referred than are looked after. A referral ends in no further action,
in an assessment and closure, in a child in need plan, or in a section 47 enquiry that may lead to an
initial conference and a child protection plan (then often a step-down child in need plan). Some
children are referred again later; some referrals are for unborn babies. A child is written only if
one of their records falls in the extract window.
"""

from __future__ import annotations

import random
from datetime import date

from dagster_project.synth import casework
from dagster_project.synth.council import make_keep
from dagster_project.synth.dates import add_years, age_on, days
from dagster_project.synth.people import ETHNICITY, forename, nationality, surname, upn, weighted
from dagster_project.synth.periods import lognormal_days
from dagster_project.synth.world import pick_postcode

NEEDS = (
    ("N1", 45),
    ("N2", 4),
    ("N3", 7),
    ("N4", 10),
    ("N5", 15),
    ("N6", 4),
    ("N7", 1),
    ("N8", 3),
    ("N9", 6),
    ("N0", 5),
)


def simulate_child_in_need(ctx, out, seq: int, first_referral: date, person_id: int) -> bool:
    rng = random.Random(f"{ctx.seed}:cin:{seq}")
    keep = make_keep(ctx.window_start, ctx.as_at)
    as_at = ctx.as_at
    r = rng.random()
    unborn = r < 0.04
    if unborn:
        dob = first_referral + days(rng.randint(20, 160))
    else:
        age_years = weighted(
            rng,
            (
                (0, 12),
                (1, 4),
                (2, 4),
                (3, 4),
                (4, 4),
                (5, 5),
                (6, 5),
                (7, 5),
                (8, 5),
                (9, 5),
                (10, 5.5),
                (11, 5.5),
                (12, 6),
                (13, 6.5),
                (14, 6.5),
                (15, 6),
                (16, 5),
                (17, 3),
            ),
        )
        dob = first_referral - days(age_years * 365 + rng.randint(0, 364))
    born = dob <= as_at
    sex = ("M" if rng.random() < 0.51 else "F") if born else "U"
    if born and rng.random() < 0.003:
        sex = "U"
    ethnicity = weighted(rng, ETHNICITY)
    home = pick_postcode(rng, "home_address").postcode

    out.hold()
    t = first_referral
    referrals = 0
    while t <= as_at and referrals < 4 and t < add_years(dob, 18) - days(30):
        referrals += 1
        close = _referral(ctx, out, rng, keep, person_id, dob, t)
        if close is None or rng.random() > 0.25:
            break
        t = close + days(lognormal_days(rng, 250, 0.8, 20, 2000))
    if rng.random() < 0.01 and born:
        casework.emit_other_la_plan(
            out, ctx, rng, person_id, first_referral + days(rng.randint(0, 300)), keep
        )
    out.flush_social_workers()
    if not out.held_tables():
        out.discard()
        return False
    died = None
    if born and rng.random() < 0.0008:
        died = min(as_at, first_referral + days(rng.randint(1, 700)))
    out.row(
        "ssd_person",
        pers_person_id=person_id,
        pers_legacy_id=str(person_id - 800_000) if first_referral < date(2014, 4, 1) else "",
        pers_upn=upn(person_id, dob, rng, ctx.council.old_la_code)
        if born and age_on(dob, as_at) >= 5 and rng.random() < 0.92
        else "",
        pers_forename=forename(rng, sex) if born else "",
        pers_surname=surname(rng),
        pers_sex=out.mapped("sex", sex, rng),
        pers_gender={"M": "Male", "F": "Female"}.get(sex, "Not stated"),
        pers_ethnicity=ethnicity if born else "NOBT",
        pers_dob=dob if born else None,
        pers_expected_dob=dob if unborn else None,
        pers_death_date=died,
        pers_nationality=nationality(rng, ethnicity),
        pers_send_flag="Y" if rng.random() < 0.15 else "N",
        pers_single_unique_id=str(rng.randint(4_000_000_000, 6_999_999_999))
        if born and rng.random() < 0.6
        else "",
    )
    out.row(
        "ssd_address",
        addr_table_id=out.new_id("address"),
        addr_person_id=person_id,
        addr_address_type=out.mapped("address_type", "HOME", rng),
        addr_address_start_date=min(dob, first_referral),
        addr_address_postcode=home,
        addr_address_json=f'{{"postcode": "{home}"}}',
    )
    out.release()
    return True


def _referral(ctx, out, rng, keep, person_id: int, dob: date, t: date) -> date | None:
    """One referral and what followed; returns the date the case closed (None: open at the extract)."""
    as_at, wd = ctx.as_at, ctx.wd
    referral_id = out.new_id("referral")
    outcome = weighted(rng, (("nfa", 34), ("assessed", 30), ("cin_plan", 20), ("s47", 16)))
    need = weighted(rng, NEEDS) if outcome != "nfa" else weighted(rng, (("N9", 50), ("N0", 10)) + NEEDS)
    chain = casework.worker_chain(ctx, rng, [("referral", t)], None)
    close: date | None
    cin_plan: tuple[date, date | None] | None = None
    if outcome == "nfa":
        close = t + days(rng.randint(0, 5))
        if rng.random() < 0.6:
            chain = []
    elif outcome == "assessed":
        close = wd.add(t, rng.randint(10, 45))
    elif outcome == "cin_plan":
        start = t + days(rng.randint(25, 45))
        end = start + days(lognormal_days(rng, 200, 0.6, 60, 900))
        chain = casework.worker_chain(ctx, rng, [("referral", t), ("child_in_need", start)], None)
        cin_plan = (start, end)
        close = end + days(rng.randint(0, 30))
    else:
        s47 = t + days(rng.randint(0, 15))
        transfer_in = rng.random() < 0.04
        conference = transfer_in or rng.random() < 0.55
        chain = casework.worker_chain(
            ctx, rng, [("referral", t), ("child_protection", s47 + days(rng.randint(8, 20)))], None
        )
        worker = casework.allocated_on(chain, s47)
        plan = casework.child_protection(
            out,
            ctx,
            rng,
            person_id,
            referral_id,
            s47,
            None,
            worker,
            keep,
            transfer_in=transfer_in,
            conference=conference,
        )
        if plan is not None:
            if plan.end is None:
                close = None
            elif rng.random() < 0.5:  # stepped down to a child in need plan
                cin_plan = (plan.end, plan.end + days(lognormal_days(rng, 150, 0.5, 40, 600)))
                close = cin_plan[1] + days(rng.randint(0, 30))
            else:
                close = plan.end + days(rng.randint(0, 30))
        elif rng.random() < 0.35:
            cin_plan = (s47 + days(rng.randint(20, 40)), None)
            cin_plan = (cin_plan[0], cin_plan[0] + days(lognormal_days(rng, 180, 0.6, 60, 700)))
            close = cin_plan[1] + days(rng.randint(0, 30))
        else:
            close = s47 + days(rng.randint(20, 60))
    if close is not None and close > as_at:
        close = None
    if cin_plan is not None and cin_plan[0] <= as_at:
        start, end = cin_plan
        worker = casework.allocated_on(chain, start) or ctx.workforce.pick("child_in_need", start, rng)
        if keep(start, end if end and end <= as_at else None):
            casework.emit_cin_plan(
                out, ctx, rng, person_id, referral_id, start, end if end and end <= as_at else None, worker
            )
    chain = casework.cut_chain(chain, close)
    if keep(t, close):
        reason = (
            ""
            if close is None
            else (
                "RC8"
                if outcome in ("nfa", "assessed") and rng.random() < 0.6
                else "RC9"
                if outcome in ("nfa", "assessed")
                else "RC7"
            )
        )
        first = chain[0].professional if chain else None
        casework.emit_referral(
            out, ctx, rng, person_id, referral_id, t, need, close, reason, outcome == "nfa", first
        )
    casework.emit_allocations(out, ctx, rng, person_id, "SOCIAL_WORKER", chain, referral_id, keep)
    return close
