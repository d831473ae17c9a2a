"""The council's placement market: foster households, agencies, homes and other settings.

Every setting has a stable identity (a carer or premises id), an Ofsted URN where it is registered
(the URN of a foster placement is the fostering agency's, shared by its households), a provider code
and a real postcode. Children placed with the same household over time therefore share its postcode
and URN, and a child who stays with the same carer across a change of placement status (RNE T/U)
keeps the same carer id.

Where settings are: the council's own foster carers and homes mostly in the city, independent
fostering agencies and private homes spread over the East Midlands and beyond, secure homes and
young offender institutions far away. That gives roughly a third of children placed outside the city.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from dagster_project.synth.people import weighted
from dagster_project.synth.reference import Postcode, postcodes_by_area

HOME_AREA = "Derby"

# Where each kind of setting is, as weights over the seed's upper-tier authorities.
AREAS = {
    "city": (("Derby", 1.0),),
    "la_foster": (("Derby", 84), ("Derbyshire", 16)),
    "ifa_foster": (
        ("Derby", 56),
        ("Derbyshire", 30),
        ("Nottingham", 7),
        ("Nottinghamshire", 5),
        ("Leicester", 4),
        ("Staffordshire", 6),
    ),
    "kinship": (
        ("Derby", 62),
        ("Derbyshire", 20),
        ("Nottingham", 6),
        ("Nottinghamshire", 3),
        ("Leicester", 3),
        ("Birmingham", 3),
        ("Manchester", 3),
    ),
    "private_home": (
        ("Derby", 22),
        ("Derbyshire", 35),
        ("Staffordshire", 12),
        ("Stoke-on-Trent", 8),
        ("Nottinghamshire", 8),
        ("Leicester", 5),
        ("Birmingham", 6),
        ("Manchester", 4),
    ),
    "far": (
        ("Staffordshire", 25),
        ("Stoke-on-Trent", 20),
        ("Nottinghamshire", 15),
        ("Leicester", 10),
        ("Birmingham", 18),
        ("Manchester", 12),
    ),
    "adopters": (
        ("Derby", 40),
        ("Derbyshire", 30),
        ("Nottinghamshire", 10),
        ("Leicester", 8),
        ("Staffordshire", 7),
        ("Birmingham", 5),
    ),
    "home_address": (("Derby", 90), ("Derbyshire", 10)),
}


@dataclass(frozen=True)
class Setting:
    """A carer household or premises where a child can be placed."""

    carer_id: str
    postcode: str
    urn: str  # "" where the setting has no URN
    provider: str  # PR0-PR5, "" for none
    name: str = ""


def pick_postcode(rng: random.Random, kind: str) -> Postcode:
    area = weighted(rng, AREAS[kind])
    return rng.choice(postcodes_by_area()[area])


def _urn(rng: random.Random, used: set[str], school: bool = False) -> str:
    """An invented Ofsted URN: SC and six digits (social care), or six digits for a school."""
    while True:
        urn = f"{rng.randint(100000, 159999)}" if school else f"SC{rng.randint(40000, 999999):06d}"
        if urn not in used:
            used.add(urn)
            return urn


class World:
    """All settings, built once per extract from the seed and the size of the council."""

    def __init__(self, seed: int, children_in_care: int):
        rng = random.Random(f"{seed}:world")
        used: set[str] = set()
        scale = max(children_in_care, 20) / 500
        n = lambda base: max(2, round(base * scale))

        self.la_fostering_urn = _urn(rng, used)
        self.la_adoption_urn = _urn(rng, used)  # the council's adoption agency / regional adoption agency
        self.other_la_adoption_urns = [_urn(rng, used) for _ in range(3)]
        self.voluntary_adoption_urns = [_urn(rng, used) for _ in range(2)]
        self.la_foster = [
            Setting(f"LF{i}", pick_postcode(rng, "la_foster").postcode, self.la_fostering_urn, "PR1")
            for i in range(n(190))
        ]
        # independent fostering agencies: a few large private ones, a couple of charities, another council
        self.agencies = []
        for a in range(max(3, round(8 * min(scale, 4) ** 0.5))):
            provider = "PR5" if a % 5 == 3 else "PR2" if a % 7 == 6 else "PR4"
            urn = _urn(rng, used)
            households = [
                Setting(f"IF{a}.{i}", pick_postcode(rng, "ifa_foster").postcode, urn, provider)
                for i in range(n(140) // 8 + 2)
            ]
            self.agencies.append((provider, households))
        self.homes = []  # children's homes (K2)
        for i in range(n(3)):
            self.homes.append(Setting(f"H{i}", pick_postcode(rng, "city").postcode, _urn(rng, used), "PR1"))
        for i in range(n(30)):
            provider = weighted(rng, (("PR4", 85), ("PR5", 10), ("PR2", 5)))
            area = "far" if provider == "PR2" else "private_home"
            pc = pick_postcode(rng, area)
            while provider == "PR2" and pc.utla_name == HOME_AREA:
                pc = pick_postcode(rng, area)
            self.homes.append(Setting(f"H{100 + i}", pc.postcode, _urn(rng, used), provider))
        self.short_break_units = [
            Setting(f"SB{i}", pick_postcode(rng, "city").postcode, _urn(rng, used), "PR1")
            for i in range(max(1, n(2)))
        ]
        self.short_break_carers = self.la_foster[: max(3, len(self.la_foster) // 12)]
        # supported accommodation: before April 2024 unregistered (H5, URN XXXXXXX); registered as K3 after
        self.supported = []
        for i in range(n(8)):
            # in the city: rule 241 expects registered supported accommodation (K3) in the council's area
            provider = weighted(rng, (("PR4", 75), ("PR1", 10), ("PR5", 15)))
            self.supported.append(
                Setting(f"SA{i}", pick_postcode(rng, "city").postcode, _urn(rng, used), provider)
            )
        self.secure = [
            Setting(f"SE{i}", pick_postcode(rng, "far").postcode, _urn(rng, used), "PR2") for i in range(3)
        ]
        self.custody = [
            Setting(f"YOI{i}", pick_postcode(rng, "far").postcode, "", rng.choice(("PR3", "PR4")))
            for i in range(2)
        ]
        self.schools = [
            Setting(
                f"SCH{i}",
                pick_postcode(rng, "far").postcode,
                _urn(rng, used, school=True),
                rng.choice(("PR4", "PR5")),
            )
            for i in range(max(2, n(3)))
        ]
        self.care_homes = [
            Setting(f"CH{i}", pick_postcode(rng, "la_foster").postcode, "", "PR4") for i in range(2)
        ]
        self.hospitals = [
            Setting(f"NHS{i}", pick_postcode(rng, "city").postcode, "", "PR3") for i in range(2)
        ]
        self.parent_baby_units = [
            Setting(f"MB{i}", pick_postcode(rng, "far").postcode, _urn(rng, used), rng.choice(("PR4", "PR5")))
            for i in range(2)
        ]

    def foster_household(self, rng: random.Random, in_house_share: float = 0.62) -> Setting:
        if rng.random() < in_house_share:
            return rng.choice(self.la_foster)
        _, households = rng.choice(self.agencies)
        return rng.choice(households)

    def adoption_agency(self, rng: random.Random) -> tuple[str, str]:
        """(provider, URN) of the agency placing a child for adoption."""
        r = rng.random()
        if r < 0.55:
            return "PR1", self.la_adoption_urn
        if r < 0.85:
            return "PR2", rng.choice(self.other_la_adoption_urns)
        return "PR5", rng.choice(self.voluntary_adoption_urns)
