"""Periods of care: when a child is looked after, under which legal statuses, and how it ends.

This is the first, cheap stage of the simulation (no placements yet): a child's whole care history as
a list of periods, each with its court orders over time, its category of need and its reason for
ending. It runs for every child who ever enters care in the simulated 19+ years (most of them before
the extract window), so it must stay fast; the detail (placements, reviews, health...) comes later and
only for children the extract holds.

Pathways follow the usual routes through care:
- adoption: interim care order, then a care order with a placement order, placed for adoption with
  new adopters (A6) or the foster carer (A5), adoption order (E11/E12); a few decisions are reversed;
  rarely a relinquished baby placed with consent under section 20 (A3/A4);
- return home: section 20 (V2) for weeks or months, or care proceedings ending with the child placed
  with parents (P1) and the order discharged (E4A/E4B/E13);
- special guardianship (E45-E48) and child arrangements orders (E41), mostly with kinship carers;
- long-term care under a care order or section 20, often to 18 (staying put E17, independent
  living E5/E6, adult services E7);
- teenagers: short section 20 stays, remand (J1, ending E14 or custody E9), PACE transfers (J2);
- unaccompanied asylum-seeking children (V2, national transfer E3, age assessed adult E15, 18);
- short breaks for disabled children: individual breaks (V3, each a period) or agreements (V4).
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import date

from dagster_project.synth.codes import LEGAL_STATUS_PRIORITY
from dagster_project.synth.dates import ONE_DAY, add_months, add_years, age_on, days
from dagster_project.synth.people import weighted
from dagster_project.synth.reference import council

# Reasons a period ends after which the child may come back into care, and how likely that is.
REENTRY_CHANCE = {
    "E4A": 0.22,
    "E4B": 0.35,
    "E13": 0.20,
    "E41": 0.06,
    "E45": 0.04,
    "E46": 0.04,
    "E47": 0.05,
    "E48": 0.05,
    "E14": 0.35,
    "E9": 0.20,
    "E8": 0.20,
    "E3": 0.02,
}
# Old 3-digit codes of councils a previous order may come from (rule 633's list; 999 = not known).
NEIGHBOUR_LA_CODES = ("830", "892", "891", "856", "855", "860", "861", "330", "352", "831")


@dataclass
class Status:
    """A legal status as the case-management system records it (orders may overlap)."""

    code: str
    start: date
    end: date | None = None


@dataclass
class PeriodPlan:
    start: date
    end: date
    rec: str | None  # None when the child leaves at 18: the reason depends on the last placement
    pathway: str
    cin: str
    statuses: list[Status]
    after: str | None = None  # order in force once care ends: SGO, CAO, ADOPTED or SO
    prev_perm: tuple[str, str, str] = ("Z1", "", "")  # PREV_PERM, LA_PERM, DATE_PERM
    aged_out: bool = False
    hints: dict = field(default_factory=dict)

    @property
    def short_break(self) -> bool:
        return self.pathway in ("short_breaks_v3", "short_breaks_v4")


@dataclass
class ChildPlan:
    seq: int
    kind: str  # care | uasc | short_breaks_v3 | short_breaks_v4
    arrival: date
    dob: date
    sex: str
    periods: list[PeriodPlan]

    @property
    def uasc(self) -> bool:
        return self.kind == "uasc"

    @property
    def eighteenth(self) -> date:
        return add_years(self.dob, 18)


def lognormal_days(rng: random.Random, median: float, sigma: float, lo: int, hi: int) -> int:
    return max(lo, min(hi, int(median * math.exp(rng.gauss(0.0, sigma)))))


def resolve_903_statuses(statuses: list[Status], end: date) -> list[Status]:
    """The 903 legal status over time: where orders overlap the highest priority one applies."""
    points = sorted({s.start for s in statuses} | {s.end or end for s in statuses})
    out: list[Status] = []
    for a, b in itertools.pairwise(points):
        active = [s.code for s in statuses if s.start <= a and (s.end or end) > a]
        if not active:
            raise ValueError("gap in legal statuses")
        code = min(active, key=LEGAL_STATUS_PRIORITY.index)
        if out and out[-1].code == code and out[-1].end == a:
            out[-1].end = b
        else:
            out.append(Status(code, a, b))
    return out


class _Timeline:
    """Consecutive legal statuses from the start of a period (each ends when the next begins)."""

    def __init__(self, start: date):
        self.t = start
        self.statuses: list[Status] = []

    def add(self, code: str, length: int) -> None:
        self.statuses.append(Status(code, self.t, self.t + days(length)))
        self.t += days(length)

    def open(self, code: str) -> Status:
        s = Status(code, self.t, None)
        self.statuses.append(s)
        return s

    def emergency(self, rng: random.Random, weight: float) -> bool:
        """Police protection (72 h, rule 361), an EPO (rule 362: 21 days) or a child assessment order."""
        r = rng.random()
        if r < 0.05 * weight:
            self.add("L1", rng.randint(1, 3))
        elif r < 0.12 * weight:
            self.add("L2", rng.randint(3, 8))
        elif r < 0.123 * weight:
            self.add("L3", rng.randint(2, 7))
        else:
            return False
        return True

    def finish(self, end: date) -> list[Status]:
        """Close statuses at the end of the period; drop those the period did not reach."""
        kept = [s for s in self.statuses if s.start < end]
        for s in kept:
            if s.end is None or s.end > end:
                s.end = end
        return kept


def _need(rng: random.Random, pathway: str, statuses: list[Status]) -> str:
    """Category of need, fixed for the period (rule 504): the main reason the child came into care."""
    if pathway in ("short_breaks_v3", "short_breaks_v4", "disabled"):
        return "N2"
    if pathway == "uasc":
        return "N8" if rng.random() < 0.97 else "N7"
    if pathway in ("remand", "pace"):
        return weighted(rng, (("N6", 70), ("N5", 15), ("N4", 15)))
    court = any(s.code in ("C1", "C2", "E1", "L2") for s in statuses)
    if court:
        return weighted(
            rng, (("N1", 76), ("N5", 9), ("N3", 5), ("N4", 5), ("N8", 3), ("N2", 1.5), ("N7", 0.5))
        )
    return weighted(
        rng, (("N4", 28), ("N5", 24), ("N1", 27), ("N6", 9), ("N3", 5), ("N8", 5), ("N2", 1.7), ("N7", 0.3))
    )


def _pathway(rng: random.Random, age: int) -> str:
    if age < 1:
        table = (
            ("adoption", 33),
            ("return_home", 22),
            ("sgo", 17),
            ("long_term", 16),
            ("cao", 3),
            ("short", 9),
        )
    elif age < 5:
        table = (
            ("adoption", 16),
            ("return_home", 28),
            ("sgo", 15),
            ("long_term", 27),
            ("cao", 4),
            ("short", 10),
        )
    elif age < 10:
        table = (
            ("return_home", 30),
            ("sgo", 9),
            ("long_term", 42),
            ("cao", 4),
            ("short", 13),
            ("disabled", 2),
        )
    elif age < 12:
        table = (("return_home", 26), ("long_term", 44), ("short", 24), ("sgo", 3), ("disabled", 3))
    elif age < 16:
        table = (
            ("return_home", 20),
            ("long_term", 36),
            ("short", 26),
            ("remand", 10),
            ("pace", 2),
            ("sgo", 2),
            ("disabled", 2),
            ("cao", 2),
        )
    else:
        table = (("long_term", 45), ("short", 36), ("remand", 14), ("pace", 3), ("disabled", 2))
    return weighted(rng, table)


def _court_case(tl: _Timeline, rng: random.Random, v2_first: float) -> date:
    """Optional section 20 first, then an interim care order until the final hearing; returns its date."""
    if not tl.statuses and rng.random() < v2_first:
        tl.add("V2", lognormal_days(rng, 50, 0.6, 7, 200))
    tl.add("C1", lognormal_days(rng, 235, 0.3, 100, 560))
    return tl.t


def _plan_period(rng: random.Random, start: date, dob: date, pathway: str) -> PeriodPlan:
    age = age_on(dob, start)
    eighteenth = add_years(dob, 18)
    tl = _Timeline(start)
    hints: dict = {}
    rec: str | None
    after: str | None = None

    if pathway == "adoption":
        emergency = tl.emergency(rng, 1.0)
        if not emergency and (start - dob).days < 120 and rng.random() < 0.05:
            # relinquished baby: accommodated with consent and placed for adoption (A3/A4, rule 336)
            tl.open("V2")
            placed = start + days(rng.randint(28, 120))
            end = placed + days(lognormal_days(rng, 150, 0.4, 70, 400))
            hints.update(
                adoptive_from=placed,
                consent=True,
                carer_adopts=rng.random() < 0.2,
                adm_decision=start + days(rng.randint(7, (placed - start).days - 7)),
            )
            rec, after = "E11", "ADOPTED"
        else:
            hearing = _court_case(tl, rng, 0.25)
            tl.open("C2")
            e1 = tl.open("E1")
            first_day = tl.statuses[0].start
            hints["adm_decision"] = max(first_day + days(14), hearing - days(rng.randint(20, 120)))
            hints["placement_order"] = hearing
            carer_adopts = rng.random() < 0.3
            if carer_adopts and rng.random() < 0.5 and (hearing - start).days > 60:
                hints["ffa_from"] = start + days(rng.randint(0, min(60, (hearing - start).days - 30)))
            if rng.random() < 0.07:
                # the decision to place for adoption is reversed (RD1/RD3): the care order continues
                revoked = hearing + days(lognormal_days(rng, 200, 0.5, 60, 600))
                e1.end = revoked
                hints.update(
                    reversed_on=revoked,
                    reversed_reason=weighted(rng, (("RD1", 40), ("RD3", 45), ("RD4", 15))),
                )
                end = revoked + days(lognormal_days(rng, 1300, 0.6, 150, 6000))
                rec = weighted(rng, (("E45", 35), ("E46", 25), ("E4A", 15), ("E48", 10), ("E41", 15)))
                after = {"E45": "SGO", "E46": "SGO", "E48": "SGO", "E41": "CAO"}.get(rec)
                hints["long_term_from"] = revoked + days(rng.randint(60, 300))
            else:
                placed = hearing + days(lognormal_days(rng, 180, 0.5, 21, 540))
                end = placed + days(lognormal_days(rng, 200, 0.4, 75, 500))
                hints.update(adoptive_from=placed, carer_adopts=carer_adopts)
                rec, after = ("E11" if rng.random() < 0.8 else "E12"), "ADOPTED"

    elif pathway == "return_home":
        tl.emergency(rng, 0.6)
        if rng.random() < 0.6 and not any(s.code == "L2" for s in tl.statuses):
            tl.open("V2")
            end = start + days(lognormal_days(rng, 150, 0.9, 5, 1200))
            rec = weighted(rng, (("E4A", 68), ("E4B", 14), ("E13", 18)))
        else:
            hearing = _court_case(tl, rng, 0.3)
            variant = rng.random()
            c1 = tl.statuses[-1]
            if variant < 0.5:
                tl.open("C2")
                hints["p1_from"] = hearing
                end = hearing + days(lognormal_days(rng, 420, 0.5, 60, 1200))
                rec = "E4A"
            elif variant < 0.77:
                end = hearing
                rec = "E4A" if rng.random() < 0.8 else "E13"
            else:
                hints["p1_from"] = c1.start + days(rng.randint(30, max(31, (hearing - c1.start).days - 20)))
                end = hearing
                rec = "E4A"
            if rng.random() < 0.25:
                after = "SO"

    elif pathway in ("sgo", "cao"):
        tl.emergency(rng, 0.5)
        hearing = _court_case(tl, rng, 0.3)
        if pathway == "cao":
            rec, after = "E41", "CAO"
        else:
            rec, after = weighted(rng, (("E45", 55), ("E46", 10), ("E47", 25), ("E48", 10))), "SGO"
        if rec == "E46" or rng.random() < 0.35:
            tl.open("C2")
            end = hearing + days(lognormal_days(rng, 500 if rec == "E46" else 250, 0.6, 60, 3000))
        else:
            end = hearing
        if rec in ("E45", "E41") and rng.random() < (0.9 if rec == "E45" else 0.5):
            hints["kinship_from"] = start + days(rng.randint(0, max(1, min(120, (end - start).days // 2))))
        elif rec == "E46":
            hints["foster_final_from"] = max(start + days(30), end - days(rng.randint(200, 700)))

    elif pathway in ("long_term", "disabled"):
        tl.emergency(rng, 0.8)
        v2_only = rng.random() < (0.12 if age < 10 else 0.22)
        if v2_only:
            tl.open("V2")
        else:
            _court_case(tl, rng, 0.4)
            tl.open("C2")
        p_age_out = 0.25 if age < 5 else 0.35 if age < 10 else 0.55 if age < 14 else 0.75
        if pathway == "disabled":
            p_age_out = 0.7
        if rng.random() < p_age_out:
            end, rec = eighteenth, None
        else:
            end = start + days(lognormal_days(rng, 1000, 0.7, 120, 6000))
            if v2_only:
                table = [
                    ("E4A", 35),
                    ("E4B", 15),
                    ("E13", 15),
                    ("E41", 3),
                    ("E45", 5),
                    ("E47", 4),
                    ("E3", 5),
                    ("E8", 8),
                    ("E16", 2),
                    ("E2", 0.5),
                ]
            else:
                table = [
                    ("E4A", 25),
                    ("E4B", 5),
                    ("E13", 10),
                    ("E41", 4),
                    ("E45", 18),
                    ("E46", 10),
                    ("E47", 8),
                    ("E48", 4),
                    ("E3", 6),
                    ("E8", 6),
                    ("E16", 1),
                    ("E2", 0.5),
                ]
            if age_on(dob, min(end, eighteenth)) >= 16:
                table += [("E5", 12), ("E6", 2), ("E7", 2 if pathway == "disabled" else 0.3)]
            rec = weighted(rng, table)
            after = {"E45": "SGO", "E46": "SGO", "E47": "SGO", "E48": "SGO", "E41": "CAO"}.get(rec)
            if rec in ("E45", "E41"):
                hints["kinship_from"] = max(
                    start + days(7), end - days(lognormal_days(rng, 400, 0.5, 90, 1500))
                )
            elif rec == "E4A" and not v2_only and rng.random() < 0.45:
                # placed at home with parents under the care order for a long time before it is discharged
                hints["p1_from"] = max(start + days(120), end - days(lognormal_days(rng, 450, 0.6, 90, 2000)))
            elif rec == "E46":
                hints["foster_final_from"] = max(
                    start + days(7), end - days(lognormal_days(rng, 500, 0.5, 180, 2000))
                )
        if not v2_only and rng.random() < 0.1:
            hints["p1_trial"] = True
        hints["long_term_from"] = start + days(rng.randint(300, 700))

    elif pathway == "short":
        tl.open("V2")
        end = start + days(lognormal_days(rng, 35, 0.9, 1, 220))
        if age_on(dob, min(end, eighteenth)) >= 16:
            rec = weighted(rng, (("E4B", 35), ("E4A", 30), ("E13", 12), ("E5", 12), ("E6", 3), ("E8", 8)))
        else:
            rec = weighted(rng, (("E4B", 45), ("E4A", 40), ("E13", 12), ("E8", 3)))

    elif pathway == "remand":
        tl.open("J1")
        end = start + days(lognormal_days(rng, 35, 0.7, 3, 200))
        rec = "E14" if rng.random() < 0.65 else "E9"
        hints["custody"] = rng.random() < 0.45

    elif pathway == "pace":
        tl.open("J2")
        end = start + days(rng.randint(1, 2))
        rec = "E8" if rng.random() < 0.6 else "E4B"

    elif pathway == "uasc":
        tl.open("V2")
        r = rng.random()
        if r < 0.12:
            end, rec = start + days(rng.randint(10, 70)), "E3"  # national transfer scheme
        elif r < 0.17:
            end, rec = start + days(rng.randint(20, 240)), "E15"  # age assessed as an adult
        elif r < 0.18:
            end, rec = start + days(lognormal_days(rng, 300, 0.5, 30, 1000)), "E16"
        elif r < 0.21:
            end, rec = start + days(lognormal_days(rng, 200, 0.6, 14, 1000)), "E8"
        else:
            end, rec = eighteenth, None
    else:
        raise ValueError(pathway)

    aged_out = False
    if end >= eighteenth:
        end, rec, aged_out, after = eighteenth, None, True, None
    if rec is None:
        aged_out = True
    if end <= start:
        end = start + ONE_DAY
    statuses = tl.finish(end)
    if not statuses or statuses[0].start != start:
        raise AssertionError("period must start with a legal status")
    hints = {k: v for k, v in hints.items() if not isinstance(v, date) or start <= v < end}
    cin = _need(rng, pathway, statuses)
    return PeriodPlan(start, end, rec, pathway, cin, statuses, after, aged_out=aged_out, hints=hints)


def _prev_perm_new_entrant(rng: random.Random, dob: date, start: date) -> tuple[str, str, str]:
    """Previous permanence for a child new to this council: mostly none (Z1)."""
    r = rng.random()
    if r > 0.05 or (start - dob).days < 400:
        return ("Z1", "", "")
    code = "P1" if r < 0.015 else "P2" if r < 0.03 else "P3" if r < 0.045 else "P4"
    if code == "P4":
        return ("P4", "999", "zz/zz/zzzz")
    order = dob + days(rng.randint(180, (start - dob).days - 60))
    return (code, rng.choice(NEIGHBOUR_LA_CODES), _partial_date(rng, order, start))


def _partial_date(rng: random.Random, d: date, before: date) -> str:
    """An order date as the 903 takes it: often only the month or the year is known. The validator reads
    a partial date as its latest possible day, which must still come before care started (rule 632)."""
    r = rng.random()
    if r >= 0.8 and date(d.year, 12, 31) < before:
        return d.strftime("zz/zz/%Y")
    if r >= 0.45 and add_months(d.replace(day=1), 1) - ONE_DAY < before:
        return d.strftime("zz/%m/%Y")
    return d.strftime("%d/%m/%Y")


def plan_child(seed: int, seq: int, kind: str, arrival: date) -> ChildPlan:
    """The whole care history of one child who first comes into care on ``arrival``."""
    rng = random.Random(f"{seed}:plan:{seq}")
    if kind == "uasc":
        age_years = weighted(rng, ((14, 10), (15, 30), (16, 45), (17, 15)))
        dob = arrival - days(age_years * 365 + rng.randint(0, 300))
        if rng.random() < 0.6:
            dob = dob.replace(day=15)  # day of birth unknown: the 15th by convention
        sex = "M" if rng.random() < 0.92 else "F"
    elif kind in ("short_breaks_v3", "short_breaks_v4"):
        dob = arrival - days(rng.randint(5 * 365, 15 * 365))
        sex = "M" if rng.random() < 0.65 else "F"
    else:
        r = rng.random()
        if r < 0.085:
            age_days = rng.randint(0, 7)
        elif r < 0.20:
            age_days = rng.randint(8, 364)
        elif r < 0.34:
            age_days = rng.randint(365, 5 * 365 - 1)
        elif r < 0.49:
            age_days = rng.randint(5 * 365, 10 * 365 - 1)
        elif r < 0.82:
            age_days = rng.randint(10 * 365, 16 * 365 - 1)
        else:
            age_days = rng.randint(16 * 365, 18 * 365 - 40)
        dob = arrival - days(age_days)
        sex = "M" if rng.random() < 0.54 else "F"
    child = ChildPlan(seq, kind, arrival, dob, sex, [])
    eighteenth = child.eighteenth
    if arrival >= eighteenth - days(20):
        arrival = child.arrival = eighteenth - days(20)

    if kind in ("short_breaks_v3", "short_breaks_v4"):
        child.periods = _short_breaks(rng, kind, arrival, eighteenth)
        return child

    start = arrival
    pathway = "uasc" if kind == "uasc" else _pathway(rng, age_on(dob, arrival))
    prev_perm = _prev_perm_new_entrant(rng, dob, start)
    while True:
        period = _plan_period(rng, start, dob, pathway)
        period.prev_perm = prev_perm
        child.periods.append(period)
        chance = 0.0 if period.aged_out else REENTRY_CHANCE.get(period.rec or "", 0.0)
        if rng.random() >= chance:
            break
        gap = lognormal_days(rng, 300, 1.0, 7, 2500)
        if period.rec in ("E45", "E46", "E47", "E48", "E41"):
            # an order that broke down: back in a later collection year (PrevPerm P2/P3, rule 632)
            gap = max(gap, 400)
        start = period.end + days(gap)
        if start >= eighteenth - days(30):
            break
        age = age_on(dob, start)
        pathway = "uasc" if kind == "uasc" else _pathway(rng, age)
        if pathway == "adoption":
            pathway = "long_term"  # a second plan for adoption (rules 579/583) is left out
        if period.rec in ("E45", "E46", "E47", "E48"):
            prev_perm = ("P2", council().old_la_code, period.end.strftime("%d/%m/%Y"))
        elif period.rec == "E41":
            prev_perm = ("P3", council().old_la_code, period.end.strftime("%d/%m/%Y"))
        else:
            prev_perm = ("Z1", "", "")
    return child


def _short_breaks(rng: random.Random, kind: str, arrival: date, eighteenth: date) -> list[PeriodPlan]:
    """A disabled child's short breaks: individual breaks (V3) or yearly agreements (V4).

    V3 breaks are each a period of care of at most 17 days (rule 365) with at most 75 days a year
    (rule 367); a new break never starts on the day the last one ended (rule 431).
    """
    leave = min(eighteenth - days(30), arrival + days(rng.randint(365, 6 * 365)))
    periods: list[PeriodPlan] = []
    if kind == "short_breaks_v4":
        t = arrival
        while t < leave:
            end = min(add_months(t, 12 if rng.random() < 0.6 else 6) - ONE_DAY, leave)
            if end <= t:
                break
            periods.append(
                PeriodPlan(t, end, "E8" if rng.random() < 0.5 else "E4A", kind, "N2", [Status("V4", t, end)])
            )
            t = end + ONE_DAY
        return periods
    nights_per_break = rng.choice((2, 2, 3, 3, 4, 7))
    interval = rng.randint(14, 35)
    t = arrival
    history: list[tuple[date, int]] = []
    while t < leave:
        nights = max(1, min(17, nights_per_break + rng.randint(-1, 1)))
        recent = sum(n for d, n in history if (t - d).days < 365)
        if recent + nights <= 70:
            end = t + days(nights)
            periods.append(PeriodPlan(t, end, "E4A", kind, "N2", [Status("V3", t, end)]))
            history.append((t, nights))
        t += days(max(nights + 2, interval + rng.randint(-5, 5)))
    return periods


def days_in_care(child: ChildPlan) -> int:
    """Days looked after excluding short breaks: what the council's count of children in care sees."""
    return sum((p.end - p.start).days for p in child.periods if not p.short_break)
