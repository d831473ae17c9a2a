"""The children's services workforce: teams, social workers, IROs, CP chairs and personal advisers.

Each team has a number of posts sized to the council; every post is held by a succession of people
(permanent staff for a few years, agency staff for months) with short vacancies between them, so the
professionals table has joiners and leavers and children see changes of worker when someone leaves.
IRO posts are sized to about one full-time IRO per 65 children in care (the IRO Handbook's range is
50-70); some posts are half-time and some filled by agency IROs.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date

from dagster_project.synth.dates import days
from dagster_project.synth.people import FORENAMES_F, FORENAMES_M, SURNAMES


@dataclass(frozen=True)
class Team:
    team_id: int
    name: str
    parent_id: int | None
    parent_name: str


SERVICE_CSC = (1000, "Children's Social Care")
SERVICE_QA = (2000, "Quality Assurance and Safeguarding")

TEAMS = {
    "referral": Team(1010, "Referral and Assessment", *SERVICE_CSC),
    "child_protection": Team(1020, "Child Protection Team", *SERVICE_CSC),
    "child_in_need": Team(1030, "Children in Need Team", *SERVICE_CSC),
    "cic1": Team(1041, "Children in Care Team 1", *SERVICE_CSC),
    "cic2": Team(1042, "Children in Care Team 2", *SERVICE_CSC),
    "cic3": Team(1043, "Children in Care Team 3", *SERVICE_CSC),
    "care_leavers": Team(1050, "Care Leavers Team", *SERVICE_CSC),
    "disabled": Team(1060, "Disabled Children's Team", *SERVICE_CSC),
    "adoption": Team(1070, "Adoption and Permanence Team", *SERVICE_CSC),
    "reviewing": Team(2010, "Safeguarding and Reviewing Unit", *SERVICE_QA),
}
SERVICES = (Team(SERVICE_CSC[0], SERVICE_CSC[1], None, ""), Team(SERVICE_QA[0], SERVICE_QA[1], None, ""))

# Posts per 500 children in care, job title, agency share
POSTS = {
    "referral": (22, "Social Worker", 0.2),
    "child_protection": (24, "Social Worker", 0.15),
    "child_in_need": (18, "Social Worker", 0.12),
    "cic1": (10, "Social Worker", 0.12),
    "cic2": (10, "Social Worker", 0.12),
    "cic3": (10, "Social Worker", 0.12),
    "care_leavers": (20, "Personal Adviser", 0.05),
    "disabled": (8, "Social Worker", 0.08),
    "adoption": (7, "Adoption Social Worker", 0.05),
    "cp_chairs": (4, "Child Protection Chair", 0.1),
}


@dataclass
class Professional:
    professional_id: int
    staff_id: str
    name: str
    registration: str
    agency: bool
    title: str
    team: Team
    fte: float
    start: date
    end: date | None  # None: still in post at the extract date
    role: str  # SOCIAL_WORKER, IRO, PERSONAL_ADVISER, CP_CHAIR


class Workforce:
    def __init__(self, seed: int, children_in_care: int, first: date, as_at: date):
        rng = random.Random(f"{seed}:workforce")
        self.as_at = as_at
        self.first = first
        self.people: list[Professional] = []
        self._by_team: dict[str, list[Professional]] = {}
        self._buckets: dict[tuple[str, int], list[Professional]] = {}
        scale = max(children_in_care, 20) / 500
        for key, (per_500, title, agency_share) in POSTS.items():
            team = TEAMS["reviewing"] if key == "cp_chairs" else TEAMS[key]
            role = {"care_leavers": "PERSONAL_ADVISER", "cp_chairs": "CP_CHAIR"}.get(key, "SOCIAL_WORKER")
            posts = max(2, round(per_500 * scale))
            for _ in range(posts):
                self._fill_post(rng, key, team, title, role, agency_share, 1.0)
        # IRO posts: about one FTE per 65 children, a fifth of posts half-time
        iro_fte = max(1.5, children_in_care / 65)
        total = 0.0
        while total < iro_fte:
            fte = 0.5 if rng.random() < 0.2 else 1.0
            self._fill_post(rng, "iro", TEAMS["reviewing"], "Independent Reviewing Officer", "IRO", 0.12, fte)
            total += fte
        for people in self._by_team.values():
            people.sort(key=lambda p: p.professional_id)

    def _fill_post(self, rng, key, team, title, role, agency_share, fte):
        t = self.first - days(rng.randint(0, 3 * 365))
        while t <= self.as_at:
            agency = rng.random() < agency_share
            tenure = int((250 if agency else 1300) * math.exp(rng.gauss(0, 0.7)))
            end = t + days(max(60, tenure))
            person_fte = fte if not (role == "SOCIAL_WORKER" and rng.random() < 0.1) else 0.6
            p = self._new(rng, team, title, role, agency, person_fte, t, end if end <= self.as_at else None)
            self._by_team.setdefault(key, []).append(p)
            t = end + days(rng.choice((0, 0, 7, 14, 30, 60)))

    def _new(self, rng, team, title, role, agency, fte, start, end) -> Professional:
        n = len(self.people)
        sex = rng.random() < 0.8
        name = f"{rng.choice(FORENAMES_F if sex else FORENAMES_M)} {rng.choice(SURNAMES)}"
        registered = role in ("SOCIAL_WORKER", "IRO", "CP_CHAIR") or rng.random() < 0.3
        p = Professional(
            professional_id=400001 + n * 3 + rng.randint(0, 2),
            staff_id=f"DC{10000 + n * 7 + rng.randint(0, 6):06d}",
            name=name,
            registration=f"SW{rng.randint(10000, 199999):06d}" if registered else "",
            agency=agency,
            title=("Agency " if agency else "") + title,
            team=team,
            fte=fte,
            start=start,
            end=end,
            role=role,
        )
        self.people.append(p)
        return p

    def active(self, key: str, on: date) -> list[Professional]:
        """People in post in a team (or IRO/CP chair pool) on a date."""
        bucket_key = (key, on.year * 12 + on.month)
        bucket = self._buckets.get(bucket_key)
        if bucket is None:
            month_start = on.replace(day=1)
            month_end = month_start + days(31)
            bucket = [
                p
                for p in self._by_team[key]
                if p.start < month_end and (p.end is None or p.end >= month_start)
            ]
            self._buckets[bucket_key] = bucket
        return [p for p in bucket if p.start <= on and (p.end is None or p.end > on)]

    def pick(self, key: str, on: date, rng: random.Random, avoid: Professional | None = None) -> Professional:
        """Someone in post on the date, at random (IROs in proportion to their hours)."""
        bucket_key = (key, on.year * 12 + on.month)
        bucket = self._buckets.get(bucket_key)
        if bucket is None:
            self.active(key, on)
            bucket = self._buckets[bucket_key]
        # nearly everyone in the month's list is in post on the day: draw until one is (large teams
        # make filtering the whole list on every allocation too slow)
        for _ in range(12):
            if not bucket:
                break
            p = rng.choice(bucket)
            if p.start <= on and (p.end is None or p.end > on) and p is not avoid:
                if key == "iro" and p.fte < 1 and rng.random() > p.fte:
                    continue
                return p
        people = [p for p in self.active(key, on) if p is not avoid] or self.active(key, on)
        if not people:  # between holders of every post: the nearest in time covers
            people = sorted(self._by_team[key], key=lambda p: abs((p.start - on).days))[:1]
        return rng.choice(people)

    def iro_posts(self) -> list[Professional]:
        return self._by_team["iro"]
