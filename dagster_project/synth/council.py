"""One looked-after child, simulated in full and written out: the SSD rows and the 903 truth.

``simulate_looked_after_child`` takes a child from the entrants list (who first comes into care on a
date), plans their periods of care (``periods``), then for each period builds the placements
(``placements``), the true 903 episodes (``episodes``), the reviews (``reviews``), the professionals
allocated, child protection before care, health and the rest, and writes every SSD table's rows for the
periods that overlap the extract window, plus the truth files for all of the child's history.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from dagster_project.synth import casework, wellbeing
from dagster_project.synth.codes import ADOPTIVE, FOSTER, KINSHIP
from dagster_project.synth.dates import add_months, add_years, age_on, collection_year_end, days
from dagster_project.synth.episodes import Episode, build_903_episodes, group_ssd_episodes
from dagster_project.synth.people import (
    ETHNICITY,
    UASC_ORIGINS,
    forename,
    nationality,
    surname,
    upn,
    weighted,
)
from dagster_project.synth.periods import (
    ChildPlan,
    PeriodPlan,
    Status,
    lognormal_days,
    plan_child,
    resolve_903_statuses,
)
from dagster_project.synth.placements import ChildContext, Placement, PlacementBuilder, distance_miles
from dagster_project.synth.reviews import Review, participation, schedule
from dagster_project.synth.world import pick_postcode

SYSTEM_MIGRATION = date(2014, 4, 1)  # records older than this came from the previous system (legacy ids)
STREETS = (
    "Osmaston Road",
    "London Road",
    "Burton Road",
    "Kedleston Road",
    "Normanton Road",
    "Uttoxeter Road",
    "Ashbourne Road",
    "Nottingham Road",
    "Duffield Road",
    "Stenson Road",
    "Sinfin Lane",
    "Mackworth Road",
)
UASC_STATUS_AFTER = ("Refugee Status Granted", "Limited Leave to Remain", "Indefinite Leave to Remain")
DISABILITIES = ("MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA")


@dataclass
class ChildFacts:
    person_id: int
    dob: date
    sex: str
    ethnicity: str
    nationality: str
    uasc: bool
    disabled: bool
    home_postcode: str
    missing_propensity: float
    legacy_id: str = ""
    upn: str = ""
    mother_birth: date | None = None
    died: date | None = None
    expected_dob: date | None = None  # the due date, for a baby known before birth


ORDER_TYPES = {
    "E45": "Special Guardianship Order",
    "E46": "Special Guardianship Order",
    "E47": "Special Guardianship Order",
    "E48": "Special Guardianship Order",
    "E41": "Child Arrangements Order",
    "E11": "Adoption Order",
    "E12": "Adoption Order",
}


@dataclass
class Adoption:
    """Milestones of a plan for adoption: the decision (the 903's DATE_INT and DATE_PLACED), the
    placement order, matching and placement, the adopters, or the decision's reversal."""

    decision: date
    placement_order: date | None
    siblings: tuple = ("N", None, None)
    ffa_decision: date | None = None
    ffa_placed: date | None = None
    placement: Placement | None = None
    matched: date | None = None
    adopters: tuple = (None, None, None)  # number, sex, legal status
    with_carer_since: date | None = None
    reversed_on: date | None = None
    reversed_reason: str = ""
    worker: object = None

    @property
    def by_carer(self) -> bool:
        return self.placement is not None and self.placement.place in ("A3", "A5")


@dataclass
class PeriodOfCare:
    plan: PeriodPlan
    cla_id: int
    start: date
    end: date | None  # None while still looked after at the extract date
    rec: str  # "" while open
    legal: list[Status]  # the 903 legal status, truncated at the extract date
    statuses: list[Status]  # as recorded (a care order stays open under a placement order)
    placements: list[Placement]
    episodes: list[Episode]
    reviews: list[Review]
    after: str | None = None  # the order in force once care ends: SGO, CAO, ADOPTED or SO
    missing: list = field(default_factory=list)
    adoption: Adoption | None = None
    oc2: list = field(default_factory=list)  # (31 March, OC2 answers, PEP up to date) while in the OC2 cohort
    referral_id: int | None = None
    iro_chain: list = field(default_factory=list)

    @property
    def short_break(self) -> bool:
        return self.plan.short_break


def make_keep(window_start: date, as_at: date):
    """Whether a record dated start..end (end None = still open) overlaps the extract window."""

    def keep(start: date, end: date | None = ..., /) -> bool:
        if end is ...:
            end = start
        return start <= as_at and (end is None or end >= window_start)

    return keep


def _age_out_reason(rng: random.Random, child: ChildFacts, pathway: str, last: Placement) -> str:
    """Why care ends on the 18th birthday, given where the young person lives."""
    if pathway == "disabled":
        return weighted(rng, (("E7", 45), ("E17", 20), ("E5", 15), ("E4A", 20)))
    if last.place in FOSTER:
        return weighted(rng, (("E17", 45), ("E5", 30), ("E6", 4), ("E13", 6), ("E4A", 7), ("E8", 8)))
    if last.place == "K2":
        return weighted(rng, (("E5", 55), ("E17", 10), ("E4A", 10), ("E8", 15), ("E6", 5), ("E13", 5)))
    if last.place in ("K3", "H5", "P2"):
        return weighted(rng, (("E5", 75), ("E6", 12), ("E8", 6), ("E13", 4), ("E4A", 3)))
    if last.place == "P1":
        return "E4A" if rng.random() < 0.9 else "E8"
    return weighted(rng, (("E5", 60), ("E8", 30), ("E4A", 10)))


def _special_guardians(rec: str, last_place: str) -> str:
    """The SGO code says who the guardians are: the former foster carers (relatives or friends, E45, or
    not, E46, rule 516) or other carers (relatives or friends E47, others E48)."""
    if last_place in KINSHIP:
        return "E45"
    if last_place in FOSTER:
        return "E46"
    return "E47" if rec in ("E45", "E47") else "E48"


def _truncate(period: PeriodPlan, legal: list[Status], placements: list[Placement], as_at: date):
    """The records as they stand at the extract date for a period still running then."""
    legal = [Status(s.code, s.start, s.end if s.end <= as_at else None) for s in legal if s.start <= as_at]
    statuses = [
        Status(s.code, s.start, s.end if s.end is not None and s.end <= as_at else None)
        for s in period.statuses
        if s.start <= as_at
    ]
    kept = [pl for pl in placements if pl.start <= as_at]
    last = kept[-1]
    if last.end is not None and last.end > as_at:
        kept[-1] = last.copy(end=None, change_reason="")
    return legal, statuses, kept


class LookedAfterChild:
    def __init__(self, ctx, out, seq: int, kind: str, arrival: date, person_id: int):
        self.ctx, self.out = ctx, out
        self.plan: ChildPlan = plan_child(ctx.seed, seq, kind, arrival)
        self.rng = random.Random(f"{ctx.seed}:child:{seq}")
        self.seq = seq
        self.keep = make_keep(ctx.window_start, ctx.as_at)
        rng, plan = self.rng, self.plan
        if plan.uasc:
            origin = weighted(rng, tuple(((n, e), w) for n, e, w in UASC_ORIGINS))
            nat, ethnicity = origin
        else:
            ethnicity = weighted(rng, ETHNICITY)
            nat = nationality(rng, ethnicity)
        disabled = (
            plan.kind.startswith("short_breaks")
            or any(p.pathway == "disabled" for p in plan.periods)
            or rng.random() < 0.06
        )
        self.child = ChildFacts(
            person_id=person_id,
            dob=plan.dob,
            sex=plan.sex,
            ethnicity=ethnicity,
            nationality=nat,
            uasc=plan.uasc,
            disabled=disabled,
            home_postcode="" if plan.uasc else pick_postcode(rng, "home_address").postcode,
            missing_propensity=rng.random(),
        )
        sb_setting = None
        if plan.kind.startswith("short_breaks"):
            w = ctx.world
            sb_setting = (
                rng.choice(w.short_break_units) if rng.random() < 0.6 else rng.choice(w.short_break_carers)
            )
        self.pctx = ChildContext(
            seq, plan.dob, plan.sex, plan.uasc, disabled, self.child.home_postcode, ctx.world, rng, sb_setting
        )
        if plan.periods and (plan.periods[0].start - plan.dob).days < 14 and rng.random() < 0.45:
            # known before birth: a pre-birth referral (often a pre-birth child protection plan)
            self.child.expected_dob = plan.dob + days(rng.randint(-14, 14))
        self.periods: list[PeriodOfCare] = []
        self.leaver_contacts: list[wellbeing.LeaverContact] = []
        self.left_care: date | None = None
        self._short_break_referral: int | None = None
        for pp in plan.periods:
            if pp.start > ctx.as_at:
                break
            self.periods.append(self._period(pp))

    # --- building ----------------------------------------------------------------------------------
    def _maybe_mother(self, pp: PeriodPlan) -> None:
        """Some girls in care have a baby; the mother moves to a parent-and-child placement soon after."""
        child, rng = self.child, self.rng
        if child.sex != "F" or child.mother_birth is not None or pp.short_break:
            return
        first = max(pp.start + days(60), add_years(child.dob, 14) + days(180))
        last = min(pp.end - days(75), add_years(child.dob, 18) - days(75))
        if last <= first or "p1_from" in pp.hints or rng.random() > 0.025 * (last - first).days / 365:
            return
        birth = first + days(rng.randint(0, (last - first).days))
        # the move closes an episode after the birth in the birth's collection year (rule 625)
        move = min(birth + days(rng.randint(0, 14)), collection_year_end(birth))
        child.mother_birth = birth
        pp.hints["mother_move"] = move

    def _period(self, pp: PeriodPlan) -> PeriodOfCare:
        ctx, rng, child = self.ctx, self.rng, self.child
        legal = resolve_903_statuses(pp.statuses, pp.end)
        self._maybe_mother(pp)
        placements = PlacementBuilder(self.pctx, pp, legal).build()
        rec = pp.rec or _age_out_reason(rng, child, pp.pathway, placements[-1])
        last_place = placements[-1].place
        if rec in ("E45", "E46", "E47", "E48"):
            rec = _special_guardians(rec, last_place)
        if rec in ("E11", "E12") and last_place not in ADOPTIVE:
            rec = "E4A"
        cla_id = self.out.new_id("cla")
        end: date | None = pp.end
        statuses = pp.statuses
        if pp.end > ctx.as_at:
            legal, statuses, placements = _truncate(pp, legal, placements, ctx.as_at)
            end, rec = None, ""
        if rec == "E2":
            child.died = pp.end
        episodes = build_903_episodes(
            legal, placements, end, rec, pp.cin, child.home_postcode, ctx.postcodes, child.uasc
        )
        reviews: list[Review] = []
        if not pp.short_break:
            reviews = schedule(rng, ctx.wd, pp.start, pp.end, ctx.as_at, child.dob, ctx.late_review_share)
        elif pp.pathway == "short_breaks_v4" and rng.random() < 0.35:
            # agreements have a review of the short-break plan now and then
            held = add_months(pp.start, 6) - days(rng.randint(0, 20))
            if held <= min(pp.end, ctx.as_at):
                reviews = [
                    Review(held, add_months(pp.start, 6), 1, False, participation(rng, child.dob, held))
                ]
        for r in reviews:
            r.review_id = self.out.new_id("review")
        period = PeriodOfCare(pp, cla_id, pp.start, end, rec, legal, statuses, placements, episodes, reviews)
        if rec:
            period.after = {"E11": "ADOPTED", "E12": "ADOPTED", "E41": "CAO"}.get(rec)
            if rec in ("E45", "E46", "E47", "E48"):
                period.after = "SGO"
            elif rec == "E4A" and pp.after == "SO":
                period.after = "SO"
        if not pp.short_break:
            period.missing = wellbeing.missing_episodes(rng, child, period, ctx.as_at)
        period.adoption = self._adoption(period)
        return period

    # --- writing -----------------------------------------------------------------------------------
    def write(self) -> bool:
        """Write the child's rows; False if nothing of the child falls in the extract window."""
        ctx, child, keep = self.ctx, self.child, self.keep
        emitted = [p for p in self.periods if keep(p.start, p.end)]
        qualifies, left = wellbeing.care_leaver_status(child, self.periods, ctx.as_at)
        self.left_care = left
        leaver_in_window = (
            qualifies
            and left is not None
            and any(
                left <= add_years(child.dob, a) <= ctx.as_at and keep(add_years(child.dob, a))
                for a in range(17, 22)
            )
        )
        pa_in_window = (
            qualifies
            and add_years(child.dob, 17) <= ctx.as_at
            and keep(add_years(child.dob, 16), add_years(child.dob, 21))
        )
        if not emitted and not leaver_in_window:
            return False
        first_contact = min([p.start for p in self.periods] + [child.dob])
        if first_contact < SYSTEM_MIGRATION:
            child.legacy_id = str(child.person_id - 800_000)
        child.upn = self._upn()
        if qualifies and left is not None:
            last = [p for p in self.periods if not p.short_break][-1]
            self.leaver_contacts = wellbeing.care_leaver_contacts(ctx, self.rng, child, left, last.rec, keep)
            died = next((c.contact for c in self.leaver_contacts if c.in_touch == "DIED"), None)
            if died is not None:  # died after leaving care, before the contact that recorded it
                child.died = max(left, died - days(self.rng.randint(10, 200)))
        self._person()
        for period in emitted:
            self._period_rows(period)
        self._short_break_social_worker(emitted)
        if qualifies and (leaver_in_window or pa_in_window):
            self._leaving_care(left)
        self.out.flush_social_workers()
        self._truth()
        return True

    def _upn(self) -> str:
        """The UPN the 903 wants: a real one, or why not (UN1 not yet of school age, UN2 never at an
        English maintained school, e.g. some unaccompanied children, UN3/UN5 rarely)."""
        child, rng = self.child, self.rng
        real = upn(child.person_id, child.dob, rng, self.ctx.council.old_la_code)
        ends = [p.end for p in self.periods if p.end is not None]
        reference = self.ctx.as_at if any(p.end is None for p in self.periods) or not ends else max(ends)
        if child.uasc:
            return "UN2" if rng.random() < 0.4 else real
        # UN1 only while the child was under 4 on the 31 August before the collection year of their
        # last 903 record (rule 209)
        year_start = reference.year if reference.month >= 4 else reference.year - 1
        if add_years(child.dob, 4) > date(year_start - 1, 8, 31):
            return "UN1" if rng.random() < 0.85 else real
        r = rng.random()
        return "UN5" if r < 0.01 else "UN3" if r < 0.015 else real

    def _person(self) -> None:
        ctx, out, rng, child = self.ctx, self.out, self.rng, self.child
        in_care_female = child.sex == "F" and any(not p.short_break for p in self.periods)
        # Liquid Logic: an unaccompanied child's estimated date of birth only in pers_expected_dob
        estimated_only = child.uasc and out.quirk(0.6)
        real_upn = child.upn if not child.upn.startswith("UN") else ""
        out.row(
            "ssd_person",
            pers_person_id=child.person_id,
            pers_legacy_id=child.legacy_id,
            pers_upn=real_upn,
            pers_upn_unknown=child.upn if not real_upn else "",
            pers_forename=forename(rng, child.sex, child.uasc),
            pers_surname=surname(rng, child.uasc),
            pers_sex=out.mapped("sex", child.sex, rng),
            pers_gender={"M": "Male", "F": "Female"}.get(child.sex, "Not stated"),
            pers_ethnicity=child.ethnicity,
            pers_dob=None if estimated_only else child.dob,
            pers_expected_dob=child.dob if estimated_only else child.expected_dob,
            pers_death_date=child.died if child.died and child.died <= ctx.as_at else None,
            pers_is_mother=("Y" if child.mother_birth and child.mother_birth <= ctx.as_at else "N")
            if in_care_female
            else "",
            pers_nationality=child.nationality,
            pers_send_flag="Y" if child.disabled or rng.random() < 0.22 else "N",
            pers_single_unique_id=str(rng.randint(4_000_000_000, 6_999_999_999))
            if rng.random() < 0.7
            else "",
        )
        # addresses: the family home (none in England for an unaccompanied child), sometimes an earlier one
        first_start = self.periods[0].start if self.periods else ctx.as_at
        home_from = child.dob
        if not child.uasc:
            if rng.random() < 0.25 and (first_start - child.dob).days > 400:
                moved = child.dob + days(rng.randint(100, (first_start - child.dob).days - 60))
                self._address(
                    "OTHER", pick_postcode(rng, "home_address").postcode, child.dob, moved, "Previous Address"
                )
                home_from = moved
            self._address("HOME", child.home_postcode, home_from, None)
        current = next((p for p in self.periods if p.end is None), None)
        if current is not None:
            pl = current.placements[-1]
            self._address("OTHER", pl.postcode, pl.start, None, "Placement Address")
        if child.disabled:
            for code in rng.sample(DISABILITIES, rng.choice((1, 1, 2, 3))):
                out.row(
                    "ssd_disability",
                    disa_table_id=out.new_id("disability"),
                    disa_person_id=child.person_id,
                    disa_disability_code=code,
                )
        self._immigration()
        if child.mother_birth and child.mother_birth <= ctx.as_at:
            baby = child.person_id + 2  # the id reserved for this child's baby
            out.row(
                "ssd_mother",
                moth_table_id=out.new_id("mother"),
                moth_person_id=child.person_id,
                moth_childs_person_id=baby,
                moth_childs_dob=child.mother_birth,
            )
            sex = "M" if rng.random() < 0.51 else "F"
            out.row(
                "ssd_person",
                pers_person_id=baby,
                pers_forename=forename(rng, sex),
                pers_surname=surname(rng),
                pers_sex=out.mapped("sex", sex, rng),
                pers_gender={"M": "Male", "F": "Female"}[sex],
                pers_ethnicity=child.ethnicity,
                pers_dob=child.mother_birth,
                pers_nationality="British",
                pers_upn_unknown="UN1",
                pers_send_flag="N",
            )
            self._address(
                "HOME",
                self.periods[-1].placements[-1].postcode if self.periods else child.home_postcode,
                child.mother_birth,
                None,
                person_id=baby,
            )

    def _address(
        self,
        kind: str,
        postcode: str,
        start: date,
        end: date | None,
        ll_text: str = "",
        person_id: int | None = None,
    ) -> None:
        out, rng = self.out, self.rng
        value = out.mapped("address_type", kind, rng)
        if out.style.is_liquid_logic and ll_text:
            value = ll_text
        out.row(
            "ssd_address",
            addr_table_id=out.new_id("address"),
            addr_person_id=person_id or self.child.person_id,
            addr_address_type=value,
            addr_address_start_date=start,
            addr_address_end_date=end,
            addr_address_postcode=postcode,
            addr_address_json=f'{{"line1": "{rng.randint(1, 240)} {rng.choice(STREETS)}", "postcode": "{postcode}"}}',
        )

    def _duc(self) -> date | None:
        """The date UASC status ceased: the 18th birthday, or the age assessment that found an adult."""
        if not self.child.uasc:
            return None
        for p in self.periods:
            if p.rec == "E15":
                return p.end
        return add_years(self.child.dob, 18)

    def _immigration(self) -> None:
        out, rng, child, ctx = self.out, self.rng, self.child, self.ctx
        if child.uasc and self.periods:
            duc = self._duc()
            start = self.periods[0].start
            out.row(
                "ssd_immigration_status",
                immi_immigration_status_id=out.new_id("immigration"),
                immi_person_id=child.person_id,
                immi_immigration_status=out.mapped("immigration_status", "UASC", rng),
                immi_immigration_status_start_date=start,
                immi_immigration_status_end_date=duc if duc <= ctx.as_at else None,
            )
            if duc <= ctx.as_at:
                status = out.mapped("immigration_status", "NOT_UASC", rng)
                if out.style.is_liquid_logic:
                    status = out.style_rng.choice(UASC_STATUS_AFTER)
                out.row(
                    "ssd_immigration_status",
                    immi_immigration_status_id=out.new_id("immigration"),
                    immi_person_id=child.person_id,
                    immi_immigration_status=status,
                    immi_immigration_status_start_date=duc,
                    immi_immigration_status_end_date=None,
                )
        elif rng.random() < 0.04:
            out.row(
                "ssd_immigration_status",
                immi_immigration_status_id=out.new_id("immigration"),
                immi_person_id=child.person_id,
                immi_immigration_status=out.mapped("immigration_status", "NOT_UASC", rng),
                immi_immigration_status_start_date=child.dob,
                immi_immigration_status_end_date=None,
            )

    def _period_rows(self, p: PeriodOfCare) -> None:
        ctx, out, rng, child, keep = self.ctx, self.out, self.rng, self.child, self.keep
        pid = child.person_id
        # legal statuses, and the order that follows care (SGO, CAO, adoption, supervision)
        for s in p.statuses:
            out.row(
                "ssd_legal_status",
                lega_legal_status_id=out.new_id("legal"),
                lega_person_id=pid,
                lega_legal_status=out.mapped("legal_status", s.code, rng),
                lega_legal_status_start_date=s.start,
                lega_legal_status_end_date=s.end,
            )
        if p.end is not None and p.after:
            nxt = next((q.start for q in self.periods if q.start > p.start), None)
            end = {"SO": add_months(p.end, 12), "ADOPTED": None}.get(p.after, add_years(child.dob, 18))
            if nxt and (end is None or end > nxt):
                end = nxt
            out.row(
                "ssd_legal_status",
                lega_legal_status_id=out.new_id("legal"),
                lega_person_id=pid,
                lega_legal_status=out.mapped("legal_status", p.after, rng),
                lega_legal_status_start_date=p.end,
                lega_legal_status_end_date=end if end and end <= ctx.as_at else None,
            )
        p.referral_id = self._referral(p)
        # placements, then the system's episodes (one per placement, some split at legal changes)
        for pl in p.placements:
            pl.placement_id = out.new_id("placement")
            place = pl.place
            if place in ("P3", "T2", "T3", "T4") and out.quirk(0.3):
                place = ""  # the Liquid Logic script misses these types
            distance = None
            if not child.uasc and not p.short_break:
                distance = distance_miles(child.home_postcode, pl.postcode, ctx.postcodes)
            out.row(
                "ssd_cla_placement",
                clap_cla_placement_id=pl.placement_id,
                clap_cla_id=p.cla_id,
                clap_person_id=pid,
                clap_cla_placement_start_date=pl.start,
                clap_cla_placement_end_date=pl.end,
                clap_cla_placement_type=place,
                clap_cla_placement_urn=pl.urn,
                clap_cla_placement_distance=distance,
                clap_cla_placement_provider=pl.provider,
                clap_cla_placement_postcode=pl.postcode,
                clap_cla_placement_change_reason=pl.change_reason if pl.end is not None else "",
            )
        # reviews and the IRO
        p.iro_chain = self._iro_chain(p)
        last_contact = self._last_iro_contact(p)
        for r in p.reviews:
            out.row(
                "ssd_cla_reviews",
                clar_cla_review_id=r.review_id,
                clar_cla_id=p.cla_id,
                clar_cla_person_id=pid,
                clar_cla_review_due_date=r.due,
                clar_cla_review_date=r.held,
                clar_cla_review_cancelled="Y" if r.cancelled else "N",
                clar_cla_review_participation=out.mapped("participation", r.participation, rng),
            )
            chair = casework.allocated_on(p.iro_chain, r.held)
            if chair is not None:
                casework.emit_review_details(out, ctx, rng, r, chair, age_on(child.dob, r.held), p.start)
        for se in group_ssd_episodes(p.episodes, rng):
            contact = last_contact(se)
            out.row(
                "ssd_cla_episodes",
                clae_cla_episode_id=out.new_id("episode"),
                clae_person_id=pid,
                clae_cla_placement_id=se.placement.placement_id,
                clae_cla_episode_start_date=se.start,
                clae_cla_episode_start_reason=out.mapped("reason_new_episode", se.start_reason, rng),
                clae_cla_primary_need_code=p.plan.cin,
                clae_cla_episode_ceased_date=se.end,
                clae_cla_episode_ceased_reason=out.mapped("reason_episode_ceased", se.ceased_reason, rng),
                clae_cla_id=p.cla_id,
                clae_referral_id=p.referral_id,
                clae_cla_last_iro_contact_date=contact,
                clae_entered_care_date=p.start,
            )
        casework.emit_allocations(out, ctx, rng, pid, "IRO", p.iro_chain, p.referral_id, lambda s, e: True)
        out.row(
            "ssd_cla_previous_permanence",
            lapp_table_id=out.new_id("prev_perm"),
            lapp_person_id=pid,
            lapp_previous_permanence_option=p.plan.prev_perm[0],
            lapp_previous_permanence_la=p.plan.prev_perm[1],
            lapp_previous_permanence_order_date=p.plan.prev_perm[2],
        )
        self._permanence(p)
        if p.short_break:
            return
        in_window = keep
        health = wellbeing.emit_health(out, ctx, rng, child, p, in_window)
        wellbeing.emit_sdq(out, ctx, rng, child, p, health, in_window)
        wellbeing.emit_risks(out, ctx, rng, child, p, health, in_window)
        p.oc2 = wellbeing.oc2_answers(ctx, rng, child, p, health)
        wellbeing.emit_oc2_supplement(out, child, p.oc2, in_window)
        wellbeing.emit_missing(out, rng, child, p.missing, in_window)
        wellbeing.emit_visits(out, ctx, rng, child, p, in_window)
        wellbeing.emit_care_plans(out, ctx, rng, child, p, in_window)
        years = ((p.end or ctx.as_at) - max(p.start, ctx.window_start)).days / 365
        if years > 0 and p.iro_chain and rng.random() < 0.12 * years:
            casework.emit_dispute(
                out,
                ctx,
                rng,
                pid,
                "CLA",
                p.iro_chain,
                max(p.start, ctx.window_start),
                p.end or ctx.as_at,
                keep,
            )

    def _iro_chain(self, p: PeriodOfCare) -> list:
        """An IRO from soon after the start of care (within five working days, mostly) to its end."""
        ctx, rng = self.ctx, self.rng
        if p.plan.pathway == "short_breaks_v3" or (p.short_break and not p.reviews):
            return []
        r = rng.random()
        k = rng.randint(0, 5) if r < 0.88 else rng.randint(6, 15) if r < 0.98 else rng.randint(16, 30)
        allocated = p.start if k == 0 else ctx.wd.add(p.start, k)
        held = [rv.held for rv in p.reviews]
        if held and allocated >= held[0]:
            allocated = max(p.start, held[0] - days(rng.randint(1, 5)))
        if p.end is not None and allocated >= p.end:
            return []
        if allocated > ctx.as_at:
            return []
        return casework.worker_chain(
            ctx, rng, [("iro", allocated)], p.end, first_reason="FCONTA", change_per_year=0.12
        )

    def _last_iro_contact(self, p: PeriodOfCare):
        """Liquid Logic repeats the child's latest IRO contact on every episode; a tidy export gives each
        episode the latest contact up to its end."""
        held = sorted(r.held for r in p.reviews if not r.cancelled)
        if self.ctx.style.is_liquid_logic:
            every = sorted(r.held for q in self.periods for r in q.reviews if not r.cancelled)
            latest = every[-1] if every else None
            return lambda se: latest

        def per_episode(se):
            limit = se.end or self.ctx.as_at
            before = [d for d in held if d <= limit]
            return before[-1] if before else None

        return per_episode

    def _referral(self, p: PeriodOfCare) -> int | None:
        """The referral the child came into care from, with any child protection before it."""
        ctx, out, rng, child = self.ctx, self.out, self.rng, self.child
        pid = child.person_id
        if p.short_break and self._short_break_referral is not None:
            return self._short_break_referral  # one referral for the whole series of breaks
        referral_id = out.new_id("referral")
        if p.short_break:
            self._short_break_referral = referral_id
        # many children come into care from a child protection plan, a pre-birth one for some babies;
        # others after weeks or months of child in need work, or in an emergency the day they are referred
        unborn = child.expected_dob is not None and p is self.periods[0]
        young_neglect = p.plan.cin == "N1" and age_on(child.dob, p.start) < 13
        cp_route = not p.short_break and (unborn or rng.random() < (0.7 if young_neglect else 0.2))
        if unborn:
            referral_date = child.dob - days(rng.randint(60, 150))
        elif cp_route:
            referral_date = p.start - days(lognormal_days(rng, 200, 0.7, 45, 900))
        elif rng.random() < 0.3:
            referral_date = p.start  # an emergency
        else:
            referral_date = p.start - days(lognormal_days(rng, 60, 1.0, 1, 600))
        if referral_date < child.dob and not unborn:
            referral_date = child.dob
        cp_route = cp_route and (p.start - referral_date).days >= 30
        team = {"remand": "cic1", "uasc": "cic2"}.get(p.plan.pathway, ("cic1", "cic2", "cic3")[self.seq % 3])
        if child.disabled and p.plan.pathway in ("disabled", "short_breaks_v3", "short_breaks_v4"):
            team = "disabled"
        segments = [("referral", referral_date)]
        if cp_route or (p.start - referral_date).days > 45:
            segments.append(
                (
                    "child_protection" if cp_route else "child_in_need",
                    referral_date
                    + days(rng.randint(10, min(40, max(10, (p.start - referral_date).days - 5)))),
                )
            )
        if team != "disabled":
            segments.append((team, p.start + days(rng.randint(0, 45))))
        else:
            segments = [("disabled", referral_date)]
        segments = [s for i, s in enumerate(segments) if i == 0 or s[1] > segments[i - 1][1]]
        sw_end = p.end
        if p.short_break:
            sw_end = self.periods[-1].end
        chain = [] if p.short_break else casework.worker_chain(ctx, rng, segments, sw_end)
        first_worker = chain[0].professional if chain else ctx.workforce.pick("disabled", referral_date, rng)
        close = None
        close_reason = ""
        if p.end is not None:
            close = p.end + days(rng.randint(0, 40))
            close_reason = {
                "E11": "RC1",
                "E12": "RC1",
                "E2": "RC2",
                "E41": "RC3",
                "E45": "RC4",
                "E46": "RC4",
                "E47": "RC4",
                "E48": "RC4",
                "E3": "RC5",
                "E7": "RC6",
            }.get(p.rec, "RC7")
            if close > ctx.as_at:
                close, close_reason = None, ""
        if p.short_break:
            close, close_reason = None, ""
        casework.emit_referral(
            out,
            ctx,
            rng,
            pid,
            referral_id,
            referral_date,
            p.plan.cin,
            close,
            close_reason,
            False,
            first_worker,
        )
        casework.emit_allocations(out, ctx, rng, pid, "SOCIAL_WORKER", chain, referral_id, lambda s, e: True)
        if cp_route:
            s47 = referral_date + days(rng.randint(0, min(20, (p.start - referral_date).days - 25)))
            end_hint = p.start if rng.random() < 0.7 else p.start + days(rng.randint(1, 60))
            casework.child_protection(
                out,
                ctx,
                rng,
                pid,
                referral_id,
                s47,
                end_hint,
                casework.allocated_on(chain, s47) or first_worker,
                lambda s, e: True,
                plan_likely=0.97,
            )
        elif (p.start - referral_date).days > 60 and rng.random() < 0.3:
            worker = casework.allocated_on(chain, referral_date + days(30)) or first_worker
            casework.emit_cin_plan(out, ctx, rng, pid, referral_id, referral_date + days(30), p.start, worker)
        return referral_id

    def _short_break_social_worker(self, emitted: list[PeriodOfCare]) -> None:
        """Disabled children on short breaks have one worker in the disabled children's team throughout."""
        if not emitted or not emitted[0].short_break:
            return
        first = self.periods[0]
        end = self.periods[-1].end
        chain = casework.worker_chain(self.ctx, self.rng, [("disabled", first.start - days(30))], end)
        casework.emit_allocations(
            self.out,
            self.ctx,
            self.rng,
            self.child.person_id,
            "SOCIAL_WORKER",
            chain,
            self._short_break_referral,
            self.keep,
        )

    def _adoption(self, p: PeriodOfCare) -> Adoption | None:
        """The adoption milestones of a period whose plan was adoption (once the decision was made)."""
        rng, h = self.rng, p.plan.hints
        decision = h.get("adm_decision")
        if p.plan.pathway != "adoption" or decision is None or decision > self.ctx.as_at:
            return None
        a = Adoption(decision=decision, placement_order=h.get("placement_order"))
        if a.placement_order and a.placement_order > self.ctx.as_at:
            a.placement_order = None
        if rng.random() < 0.3:
            together = rng.choice((0, 1, 1, 2))
            a.siblings = ("Y", together, rng.choice((0, 1)) if together else 1)
        ffa = next((pl for pl in p.placements if pl.place in ("U5", "U2")), None)
        if ffa is not None:
            a.ffa_decision, a.ffa_placed = max(p.start, ffa.start - days(rng.randint(3, 30))), ffa.start
        adoptive = next((pl for pl in p.placements if pl.place in ADOPTIVE), None)
        if adoptive is not None:
            a.placement = adoptive
            a.matched = max(adoptive.start - days(rng.randint(7, 60)), decision)
            a.adopters = _adopters(rng)
            if adoptive.place in ("A3", "A5"):
                first_with_carer = adoptive.start
                for pl in reversed(p.placements[: p.placements.index(adoptive)]):
                    if pl.carer != adoptive.carer:
                        break
                    first_with_carer = pl.start
                a.with_carer_since = first_with_carer
        if "reversed_on" in h and h["reversed_on"] <= self.ctx.as_at:
            a.reversed_on, a.reversed_reason = h["reversed_on"], h["reversed_reason"]
        a.worker = self.ctx.workforce.pick("adoption", decision, rng)
        return a

    def _permanence(self, p: PeriodOfCare) -> None:
        out, child = self.out, self.child
        a = p.adoption
        if a is None and p.rec not in ORDER_TYPES:
            return
        person_ref = child.person_id
        if child.legacy_id and out.quirk(0.3):
            person_ref = child.legacy_id  # the Liquid Logic script joins the legacy id here
        values = {
            "perm_table_id": out.new_id("permanence"),
            "perm_person_id": person_ref,
            "perm_cla_id": p.cla_id,
            "perm_permanence_order_date": p.end if p.rec in ORDER_TYPES else None,
            "perm_permanence_order_type": ORDER_TYPES.get(p.rec, ""),
        }
        if a is not None:
            values.update(
                perm_adm_decision_date=a.decision,
                perm_placement_order_date=a.placement_order,
                perm_part_of_sibling_group=a.siblings[0],
                perm_siblings_placed_together=a.siblings[1],
                perm_siblings_placed_apart=a.siblings[2],
                perm_ffa_cp_decision_date=a.ffa_decision,
                perm_placed_ffa_cp_date=a.ffa_placed,
                perm_decision_reversed_date=a.reversed_on,
                perm_decision_reversed_reason=a.reversed_reason,
                perm_adoption_worker_id=casework.worker_ref(out, a.worker),
            )
            if a.placement is not None:
                number, sex, status = a.adopters
                values.update(
                    perm_matched_date=a.matched,
                    perm_placed_for_adoption_date=a.placement.start,
                    perm_adopter_sex=sex,
                    perm_adopter_legal_status=status,
                    perm_number_of_adopters=number,
                    perm_adopted_by_carer_flag="Y" if a.by_carer else "N",
                    perm_placed_foster_carer_date=a.with_carer_since,
                    perm_placement_provider_urn=a.placement.urn,
                )
        out.row("ssd_permanence", **values)

    def _leaving_care(self, left: date | None) -> None:
        """A personal adviser from 16-17 (or leaving care) to 21, and the contact records."""
        ctx, out, rng, child = self.ctx, self.out, self.rng, self.child
        sixteen, seventeen, twenty_one = (add_years(child.dob, a) for a in (16, 17, 21))
        start = seventeen + days(rng.randint(0, 150))
        if left is not None and left < start:
            start = max(sixteen, left + days(rng.randint(0, 30)))
        if start > ctx.as_at:
            return
        end = twenty_one if twenty_one <= ctx.as_at else None
        chain = casework.worker_chain(
            ctx, rng, [("care_leavers", start)], end, first_reason="TSPROC", change_per_year=0.2
        )
        casework.emit_allocations(out, ctx, rng, child.person_id, "PERSONAL_ADVISER", chain, None, self.keep)
        wellbeing.emit_care_leaver(out, rng, child, self.leaver_contacts, chain)

    def _truth(self) -> None:
        out, child = self.out, self.child
        duc = self._duc()
        for c in self.leaver_contacts:
            accommodation = c.accommodation + c.suitable if c.accommodation != "0" else "0"
            out.truth(
                "care_leavers",
                [
                    child.person_id,
                    c.age,
                    c.birthday,
                    self.left_care,
                    c.contact,
                    c.in_touch,
                    c.activity,
                    accommodation,
                ],
            )
        out.truth(
            "children",
            [
                child.person_id,
                child.sex,
                child.dob,
                child.ethnicity,
                child.upn,
                "1"
                if child.mother_birth and child.mother_birth <= self.ctx.as_at
                else "0"
                if child.sex == "F"
                else "",
                child.mother_birth if child.mother_birth and child.mother_birth <= self.ctx.as_at else None,
                "1" if child.uasc else "0",
                duc,
            ],
        )
        for p in self.periods:
            for e in p.episodes:
                out.truth(
                    "episodes",
                    [
                        child.person_id,
                        e.start,
                        e.rne,
                        e.ls,
                        e.cin,
                        e.placement.place,
                        e.placement.provider,
                        e.end,
                        e.rec,
                        e.reason,
                        e.home_post,
                        e.pl_post,
                        e.urn,
                        p.cla_id,
                        "" if e.distance is None else e.distance,
                    ],
                )
            for r in p.reviews:
                out.truth(
                    "reviews",
                    [
                        child.person_id,
                        p.cla_id,
                        r.review_id,
                        r.held,
                        r.participation,
                        r.due,
                        r.sequence,
                        "" if r.cancelled else int(r.on_time),
                        int(r.cancelled),
                    ],
                )
            out.truth("previous_permanence", [child.person_id, p.cla_id, p.start, *p.plan.prev_perm])
            for kind, start, end in p.missing:
                out.truth("missing", [child.person_id, kind, start, end])
            for march, answers, _ in p.oc2:
                out.truth("oc2", [child.person_id, march, *(answers[item] for item in wellbeing.OC2_ITEMS)])
            a = p.adoption
            if a is not None:
                number, sex, status = a.adopters
                out.truth(
                    "adoption",
                    [
                        child.person_id,
                        p.cla_id,
                        a.decision,
                        a.matched,
                        "" if a.placement is None else int(a.by_carer),
                        number,
                        sex,
                        status,
                        a.reversed_on,
                        a.reversed_reason,
                    ],
                )


def _adopters(rng: random.Random) -> tuple[int, str, str]:
    """Number, sex and legal status of adopters, consistent with each other (rules 511-524)."""
    if rng.random() < 0.18:
        return 1, ("F1" if rng.random() < 0.85 else "M1"), "L0"
    r = rng.random()
    if r < 0.8:
        return 2, "MF", ("L11" if rng.random() < 0.75 else "L3")
    sex = "FF" if r < 0.9 else "MM"
    return 2, sex, weighted(rng, (("L12", 50), ("L2", 25), ("L4", 25)))
