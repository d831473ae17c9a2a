"""Every English council the warehouse knows, from the councils seed (built from the DfE's published
files by dagster_project/tools/build_reference_seeds.py).

Setting CLA_LA_CODE to a council's 9-character ONS code is all it takes to run for that council; a code
the seed does not hold is refused with the nearest matches by code and by name, so "E0800034" or
"Kirklees" both point at E08000034.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import cache

from dagster_project.lib.paths import SEEDS_DIR

COUNCILS_SEED = SEEDS_DIR / "reference" / "councils.csv"


@dataclass(frozen=True)
class Council:
    la_code: str
    old_la_code: str
    la_name: str
    region_name: str


class UnknownCouncil(ValueError):
    pass


@cache
def all_councils() -> dict[str, Council]:
    with open(COUNCILS_SEED, newline="", encoding="utf-8") as f:
        return {row["la_code"]: Council(row["la_code"], row["old_la_code"], row["la_name"], row["region_name"])
                for row in csv.DictReader(f)}


def nearest(text: str, limit: int = 3) -> list[Council]:
    """Councils whose code, old 3-digit number or name is closest to ``text`` (best first)."""
    councils = all_councils()
    wanted = text.strip().upper()
    by_key: dict[str, str] = {}
    for council in councils.values():
        for key in (council.la_code, council.old_la_code, council.la_name.upper()):
            by_key.setdefault(key, council.la_code)
    found: list[str] = []
    for key in difflib.get_close_matches(wanted, list(by_key), n=limit * 3, cutoff=0.5):
        if by_key[key] not in found:
            found.append(by_key[key])
    return [councils[code] for code in found[:limit]]


def council_for(la_code: str) -> Council:
    """The council with this 9-character ONS code, or UnknownCouncil naming the nearest matches."""
    council = all_councils().get(la_code.strip().upper())
    if council:
        return council
    suggestions = nearest(la_code)
    hint = ("; nearest: " + ", ".join(f"{c.la_code} {c.la_name}" for c in suggestions)) if suggestions else ""
    raise UnknownCouncil(
        f"CLA_LA_CODE {la_code!r} is not the 9-character ONS code of an English council known to the "
        f"warehouse (seeds/reference/councils.csv){hint}")
