"""Synthetic people: names, ethnicity, UPNs, nationalities. Nothing here describes a real person.

Names are built from small built-in lists; ethnicity follows a plausible mix for children known to an
English city's children's services (mostly White British, with mixed, Asian, Black and Eastern European
families), unaccompanied asylum-seeking children from the usual countries of origin.
"""

from __future__ import annotations

import bisect
import random
from datetime import date

FORENAMES_M = (
    "Oliver",
    "Harry",
    "Jack",
    "Charlie",
    "Jacob",
    "Thomas",
    "George",
    "Oscar",
    "James",
    "William",
    "Noah",
    "Alfie",
    "Joshua",
    "Leo",
    "Archie",
    "Ethan",
    "Mason",
    "Riley",
    "Logan",
    "Tyler",
    "Kai",
    "Callum",
    "Connor",
    "Kyle",
    "Lewis",
    "Reece",
    "Jayden",
    "Bailey",
    "Ryan",
    "Liam",
    "Mohammed",
    "Ibrahim",
    "Yusuf",
    "Ali",
    "Hamza",
    "Kacper",
    "Jakub",
    "Luca",
    "Marcus",
    "Tyrese",
    "Ahmad",
    "Dawit",
    "Samuel",
    "Omar",
    "Kian",
    "Brandon",
    "Dylan",
    "Cameron",
    "Rhys",
    "Nathan",
)
FORENAMES_F = (
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Emily",
    "Isabella",
    "Mia",
    "Poppy",
    "Ella",
    "Lily",
    "Sophie",
    "Grace",
    "Evie",
    "Chloe",
    "Ruby",
    "Jessica",
    "Millie",
    "Freya",
    "Daisy",
    "Phoebe",
    "Leah",
    "Courtney",
    "Chelsea",
    "Kayleigh",
    "Shannon",
    "Jade",
    "Tia",
    "Keira",
    "Paige",
    "Summer",
    "Aisha",
    "Maryam",
    "Fatima",
    "Zara",
    "Amelie",
    "Zuzanna",
    "Maja",
    "Nadia",
    "Precious",
    "Tiana",
    "Hana",
    "Ruth",
    "Bethany",
    "Megan",
    "Holly",
    "Lacey",
    "Demi",
    "Skye",
    "Harriet",
    "Alice",
)
SURNAMES = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Hughes",
    "Edwards",
    "Turner",
    "Hill",
    "Cooper",
    "Ward",
    "Morris",
    "Moore",
    "Baker",
    "Harrison",
    "Shaw",
    "Holmes",
    "Marshall",
    "Atkinson",
    "Mellor",
    "Bradshaw",
    "Wragg",
    "Bagshaw",
    "Slater",
    "Riley",
    "Khan",
    "Hussain",
    "Ahmed",
    "Begum",
    "Akhtar",
    "Kaur",
    "Singh",
    "Patel",
    "Nowak",
    "Kowalski",
    "Campbell",
    "Francis",
    "Bennett",
    "Lewis",
    "Kelly",
    "Murphy",
    "Price",
    "Fox",
    "Lee",
    "Chen",
)
UASC_FORENAMES_M = ("Ahmad", "Mohammed", "Abdul", "Yonas", "Dawit", "Ali", "Hassan", "Omar", "Arman", "Zana")
UASC_FORENAMES_F = ("Selam", "Helen", "Fatima", "Amira", "Hana", "Meron")
UASC_SURNAMES = (
    "Ahmadi",
    "Haile",
    "Tesfaye",
    "Rahimi",
    "Mohammadi",
    "Abdullah",
    "Osman",
    "Karimi",
    "Ali",
    "Gebre",
)

# DfE ethnicity codes (CHNE spelled as the validator spells it) and their share among children in care.
ETHNICITY = (
    ("WBRI", 64.0),
    ("WIRI", 0.4),
    ("WOTH", 5.0),
    ("WIRT", 0.4),
    ("WROM", 1.6),
    ("MWBC", 5.5),
    ("MWBA", 1.2),
    ("MWAS", 2.2),
    ("MOTH", 3.4),
    ("AIND", 1.0),
    ("APKN", 4.0),
    ("ABAN", 0.3),
    ("AOTH", 1.2),
    ("BCRB", 1.2),
    ("BAFR", 2.0),
    ("BOTH", 1.0),
    ("CHNE", 0.2),
    ("OOTH", 3.5),
    ("REFU", 0.4),
    ("NOBT", 1.1),
)
# Countries of origin of unaccompanied asylum-seeking children: (nationality, ethnicity, share)
UASC_ORIGINS = (
    ("Afghan", "AOTH", 28),
    ("Eritrean", "BAFR", 18),
    ("Sudanese", "BAFR", 14),
    ("Iranian", "OOTH", 10),
    ("Iraqi", "OOTH", 8),
    ("Albanian", "WOTH", 8),
    ("Vietnamese", "AOTH", 5),
    ("Syrian", "OOTH", 5),
    ("Ethiopian", "BAFR", 4),
)
NATIONALITY_BY_ETHNICITY = {
    "WOTH": ("Polish", "Romanian", "Lithuanian", "Slovak", "British"),
    "WROM": ("Slovak", "Romanian", "Czech", "British"),
}

# First letter of a UPN: any capital except I, O and S (the validator's pattern).
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


_CUMULATIVE: dict = {}


def weighted(rng: random.Random, pairs):
    """One key from (key, weight) pairs, in their given order (deterministic for a seeded rng)."""
    table = _CUMULATIVE.get(pairs) if isinstance(pairs, tuple) else None
    if table is None:
        keys, cumulative, total = [], [], 0.0
        for key, w in pairs:
            total += w
            keys.append(key)
            cumulative.append(total)
        table = (keys, cumulative, total)
        if isinstance(pairs, tuple):
            _CUMULATIVE[pairs] = table
    keys, cumulative, total = table
    i = bisect.bisect_right(cumulative, rng.random() * total)
    return keys[min(i, len(keys) - 1)]


def forename(rng: random.Random, sex: str, uasc: bool = False) -> str:
    if uasc:
        return rng.choice(UASC_FORENAMES_F if sex == "F" else UASC_FORENAMES_M)
    if sex == "U":
        return ""
    return rng.choice(FORENAMES_F if sex == "F" else FORENAMES_M)


def surname(rng: random.Random, uasc: bool = False) -> str:
    return rng.choice(UASC_SURNAMES if uasc else SURNAMES)


def upn(person_id: int, dob: date, rng: random.Random, la_code: str) -> str:
    """A 13-character UPN: letter, old LA number, a serial made unique by the person id, birth year.

    Real UPNs carry a check letter; the DfE validator only checks the pattern, so no checksum here.
    """
    return f"{rng.choice(UPN_LETTERS)}{la_code}{person_id % 10_000_000:07d}{dob.year % 100:02d}"


def nationality(rng: random.Random, ethnicity: str) -> str:
    options = NATIONALITY_BY_ETHNICITY.get(ethnicity)
    if options and rng.random() < 0.6:
        return rng.choice(options)
    return "British"
