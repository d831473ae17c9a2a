"""Where a child lives during a period of care: placements, moves and temporary placements.

A placement is a spell with one carer (household or premises) and one set of placement details
(type, provider, URN, postcode). A new placement starts when the carer changes (903 RNE P, or B with a
legal change) or when the details change with the same carer (RNE T/U: a foster placement confirmed as
long-term, a carer moving house, an agency carer transferring to the council, supported accommodation
registering with Ofsted). Temporary placements (T0-T4) interrupt a placement and the child returns to
the same carer on the same details (rule 383).

The reason a placement ended (REASON_PLACE_CHANGE) is kept on the ending placement: PLACE for a change
with the same carer, CUSTOD when the child is admitted to custody, another reason for a move to new
carers; none when the child goes to or comes back from a temporary placement, or leaves care.
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass
from datetime import date

from dagster_project.synth import codes
from dagster_project.synth.codes import FOSTER, MOVE_REASONS, SAME_CARER_REASON
from dagster_project.synth.dates import add_years, age_on, days
from dagster_project.synth.people import weighted
from dagster_project.synth.periods import PeriodPlan, Status
from dagster_project.synth.world import Setting, World, pick_postcode


@dataclass
class Placement:
    start: date
    end: date | None
    place: str
    provider: str
    urn: str
    postcode: str
    carer: str
    temporary: bool = False
    change_reason: str = ""  # why it ended, where it ended with a change of placement
    placement_id: int = 0  # the SSD clap_cla_placement_id, set when the extract is written

    def details(self) -> tuple[str, str, str, str]:
        """What the 903 compares to tell whether the placement changed (rules 434-436)."""
        return (self.place, self.postcode, self.urn, self.provider)

    def copy(self, **changes) -> Placement:
        values = dict(self.__dict__)
        values.update(changes)
        return Placement(**values)


@dataclass
class ChildContext:
    """What placement decisions need to know about a child."""

    seq: int
    dob: date
    sex: str
    uasc: bool
    disabled: bool
    home_postcode: str  # "" when the child has no home address in England (UASC)
    world: World
    rng: random.Random
    short_break_setting: Setting | None = None
    _new_carers: int = 0

    def new_carer_id(self, prefix: str) -> str:
        self._new_carers += 1
        return f"{prefix}{self.seq}.{self._new_carers}"


def _poisson_times(rng: random.Random, start: date, end: date, per_year: float, margin: int) -> list[date]:
    """Random dates of a Poisson process between start+margin and end-margin."""
    out = []
    t = start.toordinal() + margin
    last = end.toordinal() - margin
    if per_year <= 0:
        return out
    while True:
        t += max(1, int(rng.expovariate(per_year / 365.0)))
        if t >= last:
            return out
        out.append(date.fromordinal(t))


def status_on(statuses: list[Status], d: date) -> str:
    for s in statuses:
        if s.start <= d and (s.end is None or d < s.end):
            return s.code
    return statuses[-1].code


class PlacementBuilder:
    """Builds the placements of one period of care."""

    def __init__(self, ctx: ChildContext, period: PeriodPlan, legal903: list[Status]):
        self.ctx = ctx
        self.rng = ctx.rng
        self.world = ctx.world
        self.period = period
        self.legal = legal903

    # --- settings -------------------------------------------------------------------------------
    def _age(self, d: date) -> int:
        return age_on(self.ctx.dob, d)

    def _not_home(self, postcode: str) -> bool:
        return postcode != self.ctx.home_postcode  # rule 392d: only placed with parents at home

    def _setting_for(self, kind: str, at: date, prev: Placement | None) -> Placement:
        rng, w, ctx = self.rng, self.world, self.ctx
        long_term = "long_term_from" in self.period.hints and at >= self.period.hints["long_term_from"]
        if ctx.uasc and kind in ("parents", "kinship", "parent_baby"):
            kind = "foster"  # an unaccompanied child has no parents or relatives here
        for _ in range(20):
            if kind == "foster":
                s = w.foster_household(rng, 0.35 if ctx.uasc else 0.52)
                place = "U4" if long_term and rng.random() < 0.5 else "U6"
                pl = Placement(at, None, place, s.provider, s.urn, s.postcode, s.carer_id)
            elif kind == "ffa":
                s = rng.choice(w.la_foster)
                pl = Placement(at, None, "U5", s.provider, s.urn, s.postcode, s.carer_id)
            elif kind == "kinship":
                pc = pick_postcode(rng, "kinship").postcode
                place = "U1" if long_term and rng.random() < 0.5 else "U3"
                pl = Placement(at, None, place, "PR1", w.la_fostering_urn, pc, ctx.new_carer_id("K"))
            elif kind == "residential":
                s = rng.choice(w.homes)
                pl = Placement(at, None, "K2", s.provider, s.urn, s.postcode, s.carer_id)
            elif kind == "supported":
                s = rng.choice(w.supported)
                registered = at >= codes.SUPPORTED_REGISTRATION
                if codes.may_start("K3", at):
                    pl = Placement(at, None, "K3", s.provider, s.urn, s.postcode, s.carer_id)
                elif codes.may_start("P2", at) and rng.random() < 0.25:
                    # a flat or lodgings of the provider: independent living until the reform
                    pc = pick_postcode(rng, "city").postcode
                    pl = Placement(at, None, "P2", s.provider, "XXXXXXX", pc, s.carer_id)
                elif codes.may_start("H5", at):
                    pl = Placement(
                        at, None, "H5", s.provider, s.urn if registered else "XXXXXXX", s.postcode, s.carer_id
                    )
                else:  # the month before K3 exists: supported lodgings with a foster carer instead
                    return self._setting_for("foster", at, prev)
            elif kind == "secure":
                s = rng.choice(w.secure)
                pl = Placement(at, None, "K1", s.provider, s.urn, s.postcode, s.carer_id)
            elif kind == "custody":
                s = rng.choice(w.custody)
                pl = Placement(at, None, "R5", s.provider, "", s.postcode, s.carer_id)
            elif kind == "school":
                s = rng.choice(w.schools)
                pl = Placement(at, None, "S1", s.provider, s.urn, s.postcode, s.carer_id)
            elif kind == "care_home":
                s = rng.choice(w.care_homes)
                pl = Placement(at, None, "R1", s.provider, "", s.postcode, s.carer_id)
            elif kind == "health":
                s = rng.choice(w.hospitals)
                pl = Placement(at, None, "R2", s.provider, "", s.postcode, s.carer_id)
            elif kind == "parent_baby":
                s = rng.choice(w.parent_baby_units)
                pl = Placement(at, None, "R3", s.provider, s.urn, s.postcode, s.carer_id)
            elif kind == "parents":
                pc = ctx.home_postcode if rng.random() < 0.75 else pick_postcode(rng, "city").postcode
                pl = Placement(at, None, "P1", "PR0", "", pc, "parents")
            elif kind == "employment":
                pl = Placement(
                    at, None, "P3", "PR4", "", pick_postcode(rng, "far").postcode, ctx.new_carer_id("E")
                )
            elif kind == "other":
                if codes.may_start("Z11", at):
                    place = rng.choice(codes.OTHER_2025)
                elif codes.may_start("Z1", at):
                    place = "Z1"
                else:
                    return self._setting_for("residential", at, prev)
                pl = Placement(
                    at, None, place, "", "", pick_postcode(rng, "city").postcode, ctx.new_carer_id("Z")
                )
            elif kind == "adopters":
                provider, urn = w.adoption_agency(rng)
                if provider != "PR5" and rng.random() < 0.1:
                    urn = "XXXXXXX"  # a regional adoption agency placement (rule 242 allows it for A3-A6)
                place = "A4" if self.period.hints.get("consent") else "A6"
                pc = pick_postcode(rng, "adopters").postcode
                pl = Placement(at, None, place, provider, urn, pc, ctx.new_carer_id("AD"))
            else:
                raise ValueError(kind)
            if pl.place != "P1" and not self._not_home(pl.postcode):
                continue
            if prev is not None and (pl.details() == prev.details() or pl.carer == prev.carer):
                continue
            return pl
        raise RuntimeError(f"no setting found for {kind}")

    def _kind_for(self, at: date, current: Placement | None) -> str:
        """What kind of placement a child of this age needs on this date (new placements and moves)."""
        rng, ctx = self.rng, self.ctx
        age = self._age(at)
        pathway = self.period.pathway
        ls = status_on(self.legal, at)
        if pathway == "remand" and self.period.hints.get("custody") and current is None:
            return "custody"
        if ctx.uasc:
            if age >= 16:
                return "supported" if rng.random() < 0.72 else "foster"
            return "foster" if rng.random() < 0.82 else "residential"
        if pathway == "disabled":
            table = [
                ("residential", 50),
                ("foster", 30),
                ("care_home", 5 if age >= 12 else 0),
                ("school", 15 if age >= 5 else 0),
            ]
            return weighted(rng, table)
        staying = current is not None and current.place in FOSTER and rng.random() < 0.55
        if age < 1:
            table = [
                ("foster", 68),
                ("kinship", 26),
                ("parent_baby", 6 if current is None and ls in ("C1", "L2") else 0),
            ]
        elif age < 5:
            table = [("foster", 70), ("kinship", 30)]
        elif age < 12:
            table = [("foster", 64), ("kinship", 24), ("residential", 10), ("school", 1), ("health", 0.3)]
        elif age < 16:
            table = [
                ("foster", 40),
                ("kinship", 11),
                ("residential", 46),
                ("secure", 1),
                ("school", 1.5),
                ("health", 0.3),
            ]
        else:
            table = [
                ("foster", 26),
                ("kinship", 7),
                ("residential", 28),
                ("supported", 38),
                ("employment", 0.4),
                ("other", 1.2),
                ("health", 0.2),
            ]
        if staying:
            return "foster"
        return weighted(rng, table)

    # --- the period ---------------------------------------------------------------------------
    def build(self) -> list[Placement]:
        p, ctx, rng = self.period, self.ctx, self.rng
        if p.short_break:
            s = ctx.short_break_setting
            place = "K2" if s.carer_id.startswith("SB") else "U6"
            return [Placement(p.start, p.end, place, s.provider, s.urn, s.postcode, s.carer_id)]

        h = p.hints
        planned: list[tuple[date, str]] = []  # (date, event)
        final_from = None
        for key, event in (
            ("adoptive_from", "adopters"),
            ("p1_from", "parents"),
            ("kinship_from", "kinship"),
            ("foster_final_from", "foster"),
        ):
            if key in h:
                planned.append((h[key], event))
                final_from = h[key] if final_from is None else min(final_from, h[key])
        if "ffa_from" in h and h["ffa_from"] > p.start:
            planned.append((h["ffa_from"], "ffa"))
        if "long_term_from" in h:
            planned.append((h["long_term_from"], "long_term"))
        if "mother_move" in h:
            planned.append((h["mother_move"], "parent_and_child"))
        if h.get("p1_trial"):
            c_spans = [s for s in self.legal if s.code in ("C1", "C2") and (s.end - s.start).days > 200]
            if c_spans:
                s = c_spans[-1]
                trial = s.start + days(rng.randint(60, (s.end - s.start).days - 120))
                planned.append((trial, "parents_trial"))
                planned.append((trial + days(rng.randint(40, 110)), "trial_ends"))
        age_at_start = self._age(p.start)
        rate = 0.25 if age_at_start >= 10 else 0.15
        if p.pathway == "adoption":
            rate = 0.1
        moves = [(d, "move") for d in _poisson_times(rng, p.start, p.end, rate, 21)]
        # the first weeks are the least stable: an emergency placement followed by a planned one
        if (age_at_start < 12 or rng.random() < 0.5) and rng.random() < 0.15 and (p.end - p.start).days > 60:
            moves.append((p.start + days(rng.randint(7, 45)), "move"))
        if age_at_start >= 13 and p.pathway in ("long_term", "short", "return_home") and not ctx.uasc:
            moves += [(d, "custody") for d in _poisson_times(rng, p.start, p.end, 0.015, 30)]
            moves += [(d, "secure") for d in _poisson_times(rng, p.start, p.end, 0.01, 30)]
        # supported accommodation from 16 for some young people still in foster or residential care
        sixteen = add_years(ctx.dob, 16)
        if (
            p.start < sixteen < p.end - days(60)
            and p.pathway in ("long_term", "disabled")
            and rng.random() < 0.4
        ):
            moves.append((sixteen + days(rng.randint(0, 200)), "sixteen"))
        moves += [(d, "carer_moves") for d in _poisson_times(rng, p.start, p.end, 0.015, 30)]
        moves += [(d, "agency_transfer") for d in _poisson_times(rng, p.start, p.end, 0.03, 30)]

        planned_dates = [d for d, _ in planned]
        events = sorted(
            planned
            + [
                (d, e)
                for d, e in moves
                if (final_from is None or d < final_from - days(14))
                and all(abs((d - x).days) > 14 for x in planned_dates)
            ]
        )
        events = [(d, e) for d, e in events if p.start < d < p.end]

        current = self._setting_for(self._initial_kind(), p.start, None)
        placements = [current]
        i = 0
        while i < len(events):
            d, event = events[i]
            i += 1
            if d <= current.start:
                continue
            new = self._next(event, d, current)
            if new is None:
                continue
            current.end = d
            placements.append(new)
            current = new
            if new.place in ("R5", "K1") and event in ("custody", "secure"):
                # custody or a secure order lasts weeks or months, then an ordinary placement
                back = d + days(rng.randint(30, 180))
                if back < p.end - days(14) and (final_from is None or back < final_from - days(14)):
                    bisect.insort(events, (back, "move"), lo=i)
        current.end = p.end
        placements = self._retire_codes(placements)
        placements = self._temporary(placements)
        return placements

    def _initial_kind(self) -> str:
        h = self.period.hints
        if h.get("ffa_from") == self.period.start:
            return "ffa"
        if h.get("kinship_from") == self.period.start:
            return "kinship"
        return self._kind_for(self.period.start, None)

    def _next(self, event: str, at: date, current: Placement) -> Placement | None:
        rng, ctx = self.rng, self.ctx
        if current.place in codes.ADOPTIVE or (current.place == "P1" and event != "trial_ends"):
            return None  # no moves once placed for adoption or with parents (other than the planned end)
        if event == "long_term":
            if current.place in ("U6", "U3") and status_on(self.legal, at) in ("C2", "V2"):
                current.change_reason = SAME_CARER_REASON
                return current.copy(
                    start=at, end=None, place="U4" if current.place == "U6" else "U1", change_reason=""
                )
            return None
        if event == "carer_moves":
            if current.place not in FOSTER or current.carer.startswith("K"):
                return None
            pc = pick_postcode(rng, "la_foster").postcode
            if pc in (current.postcode, ctx.home_postcode):
                return None
            current.change_reason = SAME_CARER_REASON
            return current.copy(start=at, end=None, postcode=pc, change_reason="")
        if event == "agency_transfer":
            if current.place not in FOSTER or current.provider not in ("PR4", "PR5"):
                return None
            current.change_reason = SAME_CARER_REASON
            return current.copy(
                start=at, end=None, provider="PR1", urn=self.world.la_fostering_urn, change_reason=""
            )
        if event == "adopters":
            if self.period.hints.get("carer_adopts") and current.place in FOSTER:
                provider, urn = self.world.adoption_agency(rng)
                if current.provider == "PR1":
                    provider, urn = "PR1", self.world.la_adoption_urn
                place = "A3" if self.period.hints.get("consent") else "A5"
                current.change_reason = SAME_CARER_REASON
                return current.copy(
                    start=at, end=None, place=place, provider=provider, urn=urn, change_reason=""
                )
            new = self._setting_for("adopters", at, current)
        elif event == "ffa":
            new = self._setting_for("ffa", at, current)
        elif event == "parent_and_child":
            new = self._setting_for("parent_baby" if rng.random() < 0.25 else "foster", at, current)
        elif event in ("parents", "parents_trial"):
            if status_on(self.legal, at) not in ("C1", "C2"):
                return None  # rule 378: never placed with parents under section 20
            new = self._setting_for("parents", at, current)
        elif event == "trial_ends":
            if current.place != "P1":
                return None
            new = self._setting_for("foster", at, current)
            current.change_reason = weighted(
                rng, (("CARPL", 40), ("LAREQ", 30), ("OTHER", 10), ("CHILD", 20))
            )
            return new
        elif event == "kinship":
            new = self._setting_for("kinship", at, current)
        elif event == "foster":
            if current.place in FOSTER and not current.carer.startswith("K"):
                return None  # already with the carers who will take the order
            new = self._setting_for("foster", at, current)
        elif event == "custody":
            if self._age(at) < 14 or status_on(self.legal, at) != "C2":
                return None
            new = self._setting_for("custody", at, current)
            current.change_reason = codes.CUSTODY_REASON
            new.end = None
            return new
        elif event == "secure":
            new = self._setting_for("secure", at, current)
        elif event == "sixteen":
            if current.place in ("K3", "H5", "P2"):
                return None
            new = self._setting_for("supported", at, current)
        else:  # an ordinary move
            if current.place in ("R5", "K1"):
                new = self._setting_for("residential", at, current)
            else:
                new = self._setting_for(self._kind_for(at, current), at, current)
        current.change_reason = weighted(rng, MOVE_REASONS) if event != "adopters" else "CARPL"
        if event in ("ffa", "kinship", "foster", "parents", "sixteen", "parent_and_child"):
            current.change_reason = "CARPL"
        return new

    def _retire_codes(self, placements: list[Placement]) -> list[Placement]:
        """Change placements on the day the code lists or the law change, with the same carer where it
        stays: on 28/10/2023 independent living (P2) and unregistered supported accommodation (H5,
        URN XXXXXXX) become registered H5 (the setting's URN); on 01/04/2024 H5 becomes K3; Z1
        placements end by 31/03/2025 with a move to new carers."""
        out: list[Placement] = []
        queue = list(placements)
        while queue:
            pl = queue.pop(0)
            change = self._retirement(pl)
            if change is None:
                out.append(pl)
                continue
            on, nxt, reason = change
            out.append(pl.copy(end=on, change_reason=reason))
            nxt.end, nxt.change_reason = pl.end, pl.change_reason
            queue.insert(0, nxt)
        return out

    def _retirement(self, pl: Placement) -> tuple[date, Placement, str] | None:
        if pl.place in ("P2", "H5") and pl.urn == "XXXXXXX" and pl.end > codes.SUPPORTED_REGISTRATION:
            on = codes.SUPPORTED_REGISTRATION
            urn = next(s.urn for s in self.world.supported if s.carer_id == pl.carer)
            return on, pl.copy(start=on, place="H5", urn=urn, change_reason=""), SAME_CARER_REASON
        if pl.place == "H5" and pl.end > codes.H5_LAST_END:
            on = codes.H5_LAST_END
            return on, pl.copy(start=on, place="K3", change_reason=""), SAME_CARER_REASON
        if pl.place == "Z1" and pl.end > codes.Z1_LAST_END:
            on = codes.Z1_LAST_END
            nxt = self._setting_for("supported" if self._age(on) >= 16 else "residential", on, pl)
            return on, nxt, "CARPL"
        return None

    def _temporary(self, placements: list[Placement]) -> list[Placement]:
        """Short temporary placements inside long ones: hospital (T1, <= 6 weeks), the carer's holiday
        (T3, <= 3 weeks, <= 2 a year), other short stays (T4, <= 7 days), the child's holiday (T2).

        Never at the start or end of a period (rules 380/381), never across a change of legal status
        (the return must be RNE P, rule 383), the child always goes back to the same placement.
        """
        rng = self.rng
        legal_changes = [s.start for s in self.legal[1:]]
        t3_starts: list[date] = []
        out: list[Placement] = []
        for pl in placements:
            length = (pl.end - pl.start).days
            if pl.place not in FOSTER + ("K2", "K3", "H5", "S1") or length < 40:
                out.append(pl)
                continue
            rates = [
                ("T1", 0.02, (1, 14)),
                ("T4", 0.03, (1, 7)),
                ("T2", 0.015, (3, 14)),
                ("T0", 0.003, (2, 10)),
            ]
            if pl.place in FOSTER:
                rates.append(("T3", 0.08, (5, 21)))
            temps: list[tuple[date, date, str]] = []
            for place, per_year, (lo, hi) in rates:
                expected = per_year * length / 365
                n = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
                for _ in range(n):
                    dur = rng.randint(lo, hi)
                    first, last = pl.start.toordinal() + 14, pl.end.toordinal() - 14 - dur
                    if last <= first:
                        continue
                    s = date.fromordinal(rng.randint(first, last))
                    e = s + days(dur)
                    if any(s - days(3) <= c <= e + days(3) for c in legal_changes):
                        continue
                    if any(not (e + days(14) <= a or b + days(14) <= s) for a, b, _ in temps):
                        continue
                    if place == "T3" and sum(1 for x in t3_starts if abs((x - s).days) < 400) >= 2:
                        continue
                    if place == "T3":
                        t3_starts.append(s)
                    temps.append((s, e, place))
            if not temps:
                out.append(pl)
                continue
            temps.sort()
            segment = pl
            for s, e, place in temps:
                out.append(segment.copy(end=s, change_reason=""))
                out.append(self._temporary_setting(place, s, e, pl))
                segment = pl.copy(start=e)
            out.append(segment)
        return out

    def _temporary_setting(self, place: str, start: date, end: date, normal: Placement) -> Placement:
        rng, w, ctx = self.rng, self.world, self.ctx
        for _ in range(20):
            if place == "T1":
                s = rng.choice(w.hospitals)
                pc, carer = s.postcode, s.carer_id
            elif place == "T2":
                pc, carer = pick_postcode(rng, "far").postcode, ctx.new_carer_id("HOL")
            else:
                s = rng.choice(w.la_foster)
                pc, carer = s.postcode, s.carer_id
            if carer != normal.carer and pc != ctx.home_postcode and pc != normal.postcode:
                return Placement(start, end, place, "", "", pc, carer, temporary=True)
        raise RuntimeError("no temporary carer found")


def distance_miles(home: str, placement: str, index) -> float | None:
    """Straight-line miles as the DfE validator computes them: sqrt(dE^2+dN^2)/1000/1.6093, 1 dp.

    numpy's round-half-even on the scaled value, like ``Series.round(1)``.
    """
    if not home or not placement:
        return None
    a, b = index[home], index[placement]
    raw = math.sqrt((a.easting - b.easting) ** 2 + (a.northing - b.northing) ** 2) / 1000 / 1.6093
    return round(raw * 10) / 10
