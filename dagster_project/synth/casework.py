"""Casework around the child: referrals, child in need plans, section 47 enquiries, child protection,
allocations of professionals (social workers, IROs, CP chairs, personal advisers), the IRO's review
forms and the IRO dispute resolution process.

Child protection follows the Working Together journey: a strategy discussion starts a section 47
enquiry; an initial child protection conference is due within 15 working days of it (most are held in
time; some enquiries need no conference; some conferences decide on no plan; some are transfer-in
conferences for families moving in); a plan is reviewed within three months, then at most every six
months, and ends at a review conference (or when the child becomes looked after). Unborn babies can
have plans. Another council's temporary plans (cppl_cp_plan_ola = Y) are recorded but not ours.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, replace
from datetime import date

from dagster_project.synth.dates import add_months, days
from dagster_project.synth.people import weighted
from dagster_project.synth.workforce import Professional

SW_CHANGE_REASONS = (
    ("MANAGE", 30),
    ("ORGRST", 8),
    ("ABSENC", 12),
    ("CHCHAN", 6),
    ("PCCHAN", 6),
    ("OTHERS", 12),
)
CP_CATEGORIES = (("NEG", 50), ("EMO", 35), ("PHY", 7), ("SAB", 4), ("MUL", 4))
REFERRAL_SOURCES = (
    ("1A", 6),
    ("1B", 2),
    ("1C", 2),
    ("1D", 2),
    ("2A", 18),
    ("2B", 2),
    ("3A", 4),
    ("3B", 4),
    ("3C", 1),
    ("3D", 2),
    ("3E", 4),
    ("3F", 4),
    ("4", 3),
    ("5A", 6),
    ("5B", 3),
    ("5C", 2),
    ("6", 28),
    ("7", 2),
    ("8", 3),
    ("9", 1),
    ("10", 1),
)


@dataclass
class Allocation:
    professional: Professional
    start: date
    end: date | None
    reason: str
    team_id: int


def worker_chain(
    ctx,
    rng: random.Random,
    segments: list[tuple[str, date]],
    end: date | None,
    first_reason: str = "FCONTA",
    change_per_year: float = 0.35,
) -> list[Allocation]:
    """Who was allocated over time: a new worker when the team changes (TSPROC), when the worker leaves
    (LEFTRL), or now and then for other reasons; ``end`` None means still allocated at the extract."""
    as_at = ctx.as_at
    out: list[Allocation] = []
    reason = first_reason
    previous: Professional | None = None
    for i, (key, seg_start) in enumerate(segments):
        seg_end = segments[i + 1][1] if i + 1 < len(segments) else end
        if seg_start > as_at or (seg_end is not None and seg_end <= seg_start):
            continue
        if i > 0 and out:
            reason = "TSPROC"
        t = seg_start
        while True:
            prof = ctx.workforce.pick(key, t, rng, avoid=previous)
            stop, next_reason = seg_end, ""
            if prof.end is not None and (stop is None or prof.end < stop) and prof.end > t:
                stop, next_reason = prof.end, "LEFTRL" if rng.random() > 0.002 else "SWDIED"
            change = t + days(1 + int(rng.expovariate(change_per_year / 365)))
            if (stop is None or change < stop) and change <= as_at:
                stop, next_reason = change, weighted(rng, SW_CHANGE_REASONS)
            if stop is not None and stop > as_at:
                stop = None
            out.append(Allocation(prof, t, stop, reason, prof.team.team_id))
            previous = prof
            if stop is None or stop == seg_end:
                break
            t, reason = stop, next_reason
        if out and out[-1].end is None:
            break
    return out


def cut_chain(chain: list[Allocation], end: date | None) -> list[Allocation]:
    """The allocations up to the case closing on ``end`` (None: still open)."""
    if end is None:
        return chain
    kept = [a for a in chain if a.start < end]
    if kept and (kept[-1].end is None or kept[-1].end > end):
        last = kept[-1]
        kept[-1] = Allocation(last.professional, last.start, end, last.reason, last.team_id)
    return kept


def worker_ref(out, prof: Professional) -> str:
    """What a *_worker_id column holds: the professional id, or in Liquid Logic exports sometimes the
    staff number or the worker's name."""
    if out.quirk(0.05):
        return prof.staff_id
    if out.quirk(0.03):
        return prof.name
    return str(prof.professional_id)


def emit_allocations(
    out, ctx, rng, person_id: int, role: str, chain: list[Allocation], referral_id: int | None, keep
) -> None:
    """ssd_involvements rows for the allocations ``keep`` accepts (by dates). A child's social workers
    come from several chains (referrals, periods of care, short breaks) and are written once, as one
    timeline, when the child is finished (ChunkOut.flush_social_workers)."""
    for a in chain:
        if not keep(a.start, a.end):
            continue
        if role == "SOCIAL_WORKER":
            out.add_social_worker(person_id, a, referral_id, out.mapped("involvement_role", role, rng))
            continue
        if a.end is None:
            out.count_open(a.professional.professional_id)
        out.row(
            "ssd_involvements",
            invo_involvements_id=out.new_id("involvement"),
            invo_professional_id=a.professional.professional_id,
            invo_professional_role_id=out.mapped("involvement_role", role, rng),
            invo_professional_team=a.team_id,
            invo_person_id=person_id,
            invo_involvement_start_date=a.start,
            invo_involvement_end_date=a.end,
            invo_worker_change_reason=a.reason,
            invo_referral_id=referral_id,
        )


MINIMUM_ALLOCATION_DAYS = 3  # a shorter social worker episode is a recording slip (DfE SW09STG2)
GAP_FOR_NEW_CONTACT_DAYS = 7  # a worker starting after a longer gap is a first contact (SW10STG2)


def social_worker_timeline(allocations: list[tuple]) -> list[tuple]:
    """One social worker at a time, as a case-management system records a child's allocated worker:
    (allocation, referral id, role value) tuples sorted, overlaps handed over on the later start, slips of
    under 3 days absorbed by the allocation before, the same worker continuing merged, and a worker who
    starts after a gap of more than 7 days recorded as a first contact (FCONTA)."""
    items = sorted(allocations, key=lambda x: (x[0].start, x[0].end or date.max, x[0].professional.professional_id))
    timeline: list[tuple] = []
    for allocation, referral_id, role in items:
        if timeline:
            previous, previous_referral, previous_role = timeline[-1]
            if previous.end is None or previous.end > allocation.start:  # overlap: hand over
                if allocation.end is not None and previous.end is not None and previous.end > allocation.end:
                    allocation = replace(allocation, end=previous.end)
                previous = replace(previous, end=allocation.start)
                timeline[-1] = (previous, previous_referral, previous_role)
            if previous.professional.professional_id == allocation.professional.professional_id and \
                    previous.end == allocation.start:  # the same worker carries on
                timeline[-1] = (replace(previous, end=allocation.end), previous_referral, previous_role)
                continue
            if (previous.end - previous.start).days < MINIMUM_ALLOCATION_DAYS:
                timeline.pop()
                if timeline and timeline[-1][0].end == previous.start:
                    before = timeline[-1]
                    timeline[-1] = (replace(before[0], end=allocation.start), before[1], before[2])
                else:
                    allocation = replace(allocation, start=min(allocation.start, previous.start))
        timeline.append((allocation, referral_id, role))
    if timeline and timeline[-1][0].end is not None and \
            (timeline[-1][0].end - timeline[-1][0].start).days < MINIMUM_ALLOCATION_DAYS and len(timeline) > 1:
        last = timeline.pop()
        before = timeline[-1]
        timeline[-1] = (replace(before[0], end=last[0].end), before[1], before[2])
    result = []
    for index, (allocation, referral_id, role) in enumerate(timeline):
        if index == 0 or (allocation.start - timeline[index - 1][0].end).days > GAP_FOR_NEW_CONTACT_DAYS:
            allocation = replace(allocation, reason="FCONTA")
        elif allocation.reason == "FCONTA":
            allocation = replace(allocation, reason="TSPROC")
        result.append((allocation, referral_id, role))
    return result


def allocated_on(chain: list[Allocation], d: date) -> Professional | None:
    for a in chain:
        if a.start <= d and (a.end is None or d < a.end):
            return a.professional
    return (
        chain[0].professional if chain and d < chain[0].start else (chain[-1].professional if chain else None)
    )


# --- referrals and child protection ----------------------------------------------------------------


@dataclass
class CpPlan:
    plan_id: int
    start: date
    end: date | None


def emit_referral(
    out,
    ctx,
    rng,
    person_id,
    referral_id,
    referral_date,
    need,
    close_date,
    close_reason,
    nfa,
    worker: Professional | None,
) -> None:
    out.row(
        "ssd_cin_episodes",
        cine_referral_id=referral_id,
        cine_person_id=person_id,
        cine_referral_date=referral_date,
        cine_cin_primary_need_code=need,
        cine_referral_source_code=weighted(rng, REFERRAL_SOURCES),
        cine_referral_nfa="Y" if nfa else "N",
        cine_close_reason=close_reason if close_date else "",
        cine_close_date=close_date,
        cine_referral_team=ctx.teams["referral"].team_id,
        cine_referral_worker_id=worker_ref(out, worker) if worker else "",
    )


def emit_cin_plan(out, ctx, rng, person_id, referral_id, start, end, worker: Professional) -> None:
    out.row(
        "ssd_cin_plans",
        cinp_cin_plan_id=out.new_id("cin_plan"),
        cinp_referral_id=referral_id,
        cinp_person_id=person_id,
        cinp_cin_plan_start_date=start,
        cinp_cin_plan_end_date=end,
        cinp_cin_plan_team=worker.team.team_id,
        cinp_cin_plan_worker_id=worker_ref(out, worker),
    )


def child_protection(
    out,
    ctx,
    rng,
    person_id: int,
    referral_id: int,
    s47_start: date,
    end_hint: date | None,
    social_worker: Professional,
    keep,
    transfer_in: bool = False,
    plan_likely: float = 0.85,
    conference: bool = True,
) -> CpPlan | None:
    """Section 47 enquiry -> initial conference -> plan -> review conferences.

    ``end_hint``: the plan ends on this date (the child becomes looked after) if given, else at the
    review conference after a natural length. Returns the plan (or None if no plan resulted).
    """
    wd, as_at = ctx.wd, ctx.as_at
    s47_id = None
    if not transfer_in:
        s47_id = out.new_id("s47")
        s47_end = s47_start + days(rng.randint(3, 25))
        to_conference = conference
        if keep(s47_start, s47_end):
            out.row(
                "ssd_s47_enquiry",
                s47e_s47_enquiry_id=s47_id,
                s47e_referral_id=referral_id,
                s47e_person_id=person_id,
                s47e_s47_start_date=s47_start,
                s47e_s47_end_date=s47_end if s47_end <= as_at else None,
                s47e_s47_nfa="N" if to_conference or rng.random() < 0.5 else "Y",
                s47e_s47_outcome_json=json.dumps(
                    {
                        "OUTCOME_CP_CONFERENCE_FLAG": "Y" if to_conference else "N",
                        "OUTCOME_NFA_FLAG": "N" if to_conference else "Y",
                    }
                ),
                s47e_s47_completed_by_team=social_worker.team.team_id,
                s47e_s47_completed_by_worker_id=worker_ref(out, social_worker),
            )
        if not to_conference:
            return None
    target = wd.add(s47_start, 15)
    if rng.random() < 0.82:
        held = wd.add(s47_start, rng.randint(8, 15))
    else:
        held = target + days(rng.randint(1, 25))
    if end_hint is not None and held >= end_hint - days(3):
        held = max(s47_start + days(1), end_hint - days(rng.randint(4, 10)))
    if held > as_at:
        return None
    plan_made = rng.random() < plan_likely
    plan_id = out.new_id("cp_plan") if plan_made else None
    icpc_id = out.new_id("icpc")
    category = weighted(rng, CP_CATEGORIES)
    plan: CpPlan | None = None
    reviews: list[tuple[date, date, bool]] = []
    if plan_made:
        planned_length = int(270 * math.exp(rng.gauss(0, 0.6)))
        natural_end = held + days(max(60, min(1100, planned_length)))
        end = end_hint
        due = add_months(held, 3)
        previous = held
        while True:
            review = due - days(rng.randint(0, 12)) if rng.random() < 0.9 else due + days(rng.randint(1, 20))
            review = max(review, previous + days(20))
            if end_hint is not None and review >= end_hint:
                break
            if review > as_at:
                break
            last = end_hint is None and review >= natural_end
            reviews.append((due, review, not last))
            if last:
                end = review
                break
            previous, due = review, add_months(review, 6)
        plan = CpPlan(plan_id, held, end if end is not None and end <= as_at else None)
    if keep(held, plan.end if plan else held):
        out.row(
            "ssd_initial_cp_conference",
            icpc_icpc_id=icpc_id,
            icpc_icpc_meeting_id=out.new_id("meeting"),
            icpc_s47_enquiry_id=s47_id,
            icpc_person_id=person_id,
            icpc_cp_plan_id=plan_id,
            icpc_referral_id=referral_id,
            icpc_icpc_transfer_in="Y" if transfer_in else "N",
            icpc_icpc_target_date=target,
            icpc_icpc_date=held,
            icpc_icpc_outcome_cp_flag="Y" if plan_made else "N",
            icpc_icpc_outcome_json=json.dumps(
                {"OUTCOME_CP_FLAG": "Y" if plan_made else "N", "OUTCOME_NFA_FLAG": "N" if plan_made else "Y"}
            ),
            icpc_icpc_team=social_worker.team.team_id,
            icpc_icpc_worker_id=worker_ref(out, social_worker),
        )
    if plan is None:
        return None
    if keep(plan.start, plan.end):
        latest = category if rng.random() < 0.9 else weighted(rng, CP_CATEGORIES)
        out.row(
            "ssd_cp_plans",
            cppl_cp_plan_id=plan.plan_id,
            cppl_referral_id=referral_id,
            cppl_icpc_id=icpc_id,
            cppl_person_id=person_id,
            cppl_cp_plan_start_date=plan.start,
            cppl_cp_plan_end_date=plan.end,
            cppl_cp_plan_ola="N",
            cppl_cp_plan_initial_category=out.mapped("cp_category", category, rng),
            cppl_cp_plan_latest_category=out.mapped("cp_category", latest, rng),
        )
        for due, review, continues in reviews:
            if not keep(review, review):
                continue
            out.row(
                "ssd_cp_reviews",
                cppr_cp_review_id=out.new_id("cp_review"),
                cppr_person_id=person_id,
                cppr_cp_plan_id=plan.plan_id,
                cppr_cp_review_due=due,
                cppr_cp_review_date=review,
                cppr_cp_review_meeting_id=out.new_id("meeting"),
                cppr_cp_review_outcome_continue_cp="Y" if continues else "N",
                cppr_cp_review_quorate="Y" if rng.random() < 0.97 else "N",
                cppr_cp_review_participation=weighted(
                    rng,
                    (
                        ("Attended", 35),
                        ("Views conveyed", 30),
                        ("Did not attend", 20),
                        ("Not applicable", 15),
                    ),
                ),
            )
        # conferences are chaired by a CP chair, or by an IRO who also chairs conferences
        chair_pool = "cp_chairs" if rng.random() < 0.7 else "iro"
        chain = worker_chain(
            ctx, rng, [(chair_pool, held)], plan.end, first_reason="FCONTA", change_per_year=0.15
        )
        emit_allocations(out, ctx, rng, person_id, "CP_CHAIR", chain, referral_id, keep)
        if rng.random() < 0.04:
            emit_dispute(out, ctx, rng, person_id, "CP", chain, plan.start, plan.end or as_at, keep)
    return plan


def emit_other_la_plan(out, ctx, rng, person_id: int, start: date, keep) -> None:
    """Another council's temporary plan for a child staying here (excluded from our figures)."""
    end = start + days(rng.randint(7, 90))
    if end > ctx.as_at:
        end = None
    if keep(start, end):
        out.row(
            "ssd_cp_plans",
            cppl_cp_plan_id=out.new_id("cp_plan"),
            cppl_referral_id=None,
            cppl_icpc_id=None,
            cppl_person_id=person_id,
            cppl_cp_plan_start_date=start,
            cppl_cp_plan_end_date=end,
            cppl_cp_plan_ola="Y",
            cppl_cp_plan_initial_category=out.mapped("cp_category", weighted(rng, CP_CATEGORIES), rng),
            cppl_cp_plan_latest_category="",
        )


# --- the IRO's forms ---------------------------------------------------------------------------------

QUALITY = (("OUTSTANDING", 8), ("GOOD", 58), ("REQUIRES_IMPROVEMENT", 28), ("INADEQUATE", 6))


def emit_review_details(out, ctx, rng, review, chair: Professional, age: int, period_start: date) -> None:
    wd, as_at = ctx.wd, ctx.as_at
    if review.cancelled:
        out.row(
            "iro_review_details",
            irrd_cla_review_id=review.review_id,
            irrd_chair_professional_id=chair.professional_id,
        )
        return
    seen = weighted(
        rng, (("SEEN", 82), ("NOT_SEEN", 7), ("NOT_APPROPRIATE", 5 if age < 2 else 2), ("NOT_NECESSARY", 6))
    )
    seen_date = None
    if seen == "SEEN":
        seen_date = max(period_start, review.held - days(rng.randint(0, 25)))
    if rng.random() < 0.86:
        distributed = wd.add(review.held, rng.randint(2, 20))
    else:
        distributed = wd.add(review.held, rng.randint(21, 55))
    chaired = "NO"
    if age >= 12:
        chaired = weighted(rng, (("NO", 83), ("CHAIR", 5), ("COCHAIR", 12)))
    agreed = rng.random() < (0.55 if review.sequence == 1 else 0.85 if review.sequence == 2 else 0.93)
    out.row(
        "iro_review_details",
        irrd_cla_review_id=review.review_id,
        irrd_chair_professional_id=chair.professional_id,
        irrd_child_seen_by_iro=seen,
        irrd_child_seen_date=seen_date,
        irrd_chaired_by_child=chaired,
        irrd_record_distributed_date=distributed if distributed <= as_at else None,
        irrd_tracking_priority=weighted(rng, (("HIGH", 20), ("MEDIUM", 50), ("LOW", 30))),
        irrd_permanence_plan_agreed="Y" if agreed else "N",
        irrd_qa_legal_status_appropriate="Y" if rng.random() < 0.96 else "N",
        irrd_qa_placement_meets_needs="Y" if rng.random() < 0.92 else "N",
        irrd_qa_care_plan_quality=weighted(rng, QUALITY),
        irrd_qa_corporate_parenting_quality=weighted(
            rng, (("OUTSTANDING", 10), ("GOOD", 60), ("REQUIRES_IMPROVEMENT", 25), ("INADEQUATE", 5))
        ),
    )


def emit_dispute(
    out, ctx, rng, person_id: int, case_type: str, chain: list[Allocation], first: date, last: date, keep
) -> None:
    """An IRO challenge through the dispute resolution process (informal, or formal stages 1-4, 5 = Cafcass)."""
    wd, as_at = ctx.wd, ctx.as_at
    if last <= first + days(10):
        return
    raised = first + days(rng.randint(5, (last - first).days))
    if raised > as_at:
        return
    reason = weighted(
        rng,
        (
            ("DRIFT_DELAY", 35),
            ("TASKS_NOT_COMPLETED", 25),
            ("STATUTORY_REQUIREMENTS_NOT_MET", 15),
            ("PERSISTENT_POOR_PRACTICE", 7),
            ("EXCELLENT_PRACTICE", 8),
            ("OTHER", 10),
        ),
    )
    formal = reason != "EXCELLENT_PRACTICE" and rng.random() < 0.3
    stage = weighted(rng, ((1, 60), (2, 25), (3, 10), (4, 4), (5, 1))) if formal else 0
    response_due = wd.add(raised, 5 if not formal else 10)
    r = rng.random()
    resolved = None
    if reason == "EXCELLENT_PRACTICE":
        outcome, resolved = "RESOLVED", raised
    elif r < 0.08:
        outcome, resolved = "WITHDRAWN", wd.add(raised, rng.randint(1, 15))
    else:
        outcome = "RESOLVED"
        resolved = wd.add(raised, max(1, int(12 * (1 + stage) ** 0.7 * math.exp(rng.gauss(0, 0.6)))))
    if resolved is not None and resolved > as_at:
        outcome, resolved = "OPEN", None
    if not keep(raised, resolved):
        return
    iro = allocated_on(chain, raised)
    out.row(
        "iro_disputes",
        irod_dispute_id=out.new_id("dispute"),
        irod_person_id=person_id,
        irod_case_type=case_type,
        irod_raised_by_professional_id=iro.professional_id if iro else None,
        irod_raised_date=raised,
        irod_level="FORMAL" if formal else "INFORMAL",
        irod_stage_reached=stage,
        irod_reason=reason,
        irod_response_due_date=response_due,
        irod_resolved_date=resolved,
        irod_outcome=outcome,
    )
