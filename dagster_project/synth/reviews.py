"""Statutory reviews of children looked after (Care Planning Regulations 2010, reg. 33).

The first review is due within 20 working days of the child becoming looked after, the second within
three months of the first, later ones within six months of the previous one. Most are held on time,
often a little early; a configurable share is held late by a few days to a few weeks; a few are
cancelled and held again later (the cancelled meeting stays on record). No review is held after the
period of care ends. Participation follows age: PN0 if and only if the child is under 4 (rules 440/441).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from dagster_project.synth.dates import WorkingDays, add_months, add_years, age_on, days
from dagster_project.synth.people import weighted


@dataclass
class Review:
    held: date
    due: date
    sequence: int
    cancelled: bool
    participation: str  # "" for a cancelled meeting
    review_id: int = 0

    @property
    def on_time(self) -> bool:
        return self.held <= self.due


def participation(rng: random.Random, dob: date, on: date) -> str:
    if on < add_years(dob, 4):
        return "PN0"
    age = age_on(dob, on)
    if age < 8:
        table = (("PN1", 25), ("PN2", 5), ("PN3", 15), ("PN4", 5), ("PN5", 10), ("PN6", 30), ("PN7", 10))
    elif age < 12:
        table = (("PN1", 46), ("PN2", 5), ("PN3", 5), ("PN4", 4), ("PN5", 12), ("PN6", 21), ("PN7", 7))
    else:
        table = (("PN1", 48), ("PN2", 4), ("PN3", 2), ("PN4", 4), ("PN5", 14), ("PN6", 16), ("PN7", 12))
    return weighted(rng, table)


def schedule(
    rng: random.Random,
    wd: WorkingDays,
    start: date,
    end: date,
    as_at: date,
    dob: date,
    late_share: float,
    first_due: date | None = None,
) -> list[Review]:
    """Reviews of one period of care, from its start to its (true) end, up to the extract date."""
    reviews: list[Review] = []
    due = first_due or wd.add(start, 20)
    last_held = start
    seq = 1
    limit = min(end, as_at)
    while True:
        if rng.random() < late_share:
            held = due + days(1 + min(45, int(rng.expovariate(1 / 8))))
        elif seq == 1:
            held = due - days(rng.randint(0, min(12, max(0, (due - start).days - 5))))
        else:
            held = due - days(rng.randint(0, 21))
        held = max(held, last_held + days(28 if seq > 1 else 3))
        if rng.random() < 0.03:
            # the meeting is cancelled (child unwell, key people absent) and held again later
            cancelled_on = held - days(rng.randint(2, 10))
            if cancelled_on > last_held and cancelled_on <= limit:
                reviews.append(Review(cancelled_on, due, seq, True, ""))
                held = max(held, cancelled_on + days(rng.randint(3, 20)))
        if held > limit:
            break
        reviews.append(Review(held, due, seq, False, participation(rng, dob, held)))
        last_held = held
        due = add_months(held, 3 if seq == 1 else 6)
        seq += 1
    return reviews
