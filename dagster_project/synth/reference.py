"""Reference data the generator reads from the project's seeds (never hard-coded here)."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from datetime import date
from functools import cache

from dagster_project.lib.configuration.councils import council_for
from dagster_project.lib.paths import SEEDS_DIR


@dataclass(frozen=True)
class Postcode:
    postcode: str
    easting: int
    northing: int
    utla_code: str
    utla_name: str


@dataclass(frozen=True)
class Council:
    la_code: str
    la_name: str
    old_la_code: str


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def council() -> Council:
    """The council the sample is generated for: the one CLA_LA_CODE names (Derby by default), so that
    the warehouse configured for any English council can run on a sample of its own. Its geography (the
    postcodes below) stays the shipped sample's: a sample for another council places its children
    around Derby."""
    known = council_for(os.environ.get("CLA_LA_CODE", "E06000015"))
    return Council(known.la_code, known.la_name, known.old_la_code)


@cache
def postcodes_by_area() -> dict[str, tuple[Postcode, ...]]:
    """Real ONS postcodes grouped by upper-tier authority name, in seed order."""
    areas: dict[str, list[Postcode]] = {}
    for r in _rows(SEEDS_DIR / "reference" / "postcodes.csv"):
        pc = Postcode(r["postcode"], int(r["easting"]), int(r["northing"]), r["utla_code"], r["utla_name"])
        areas.setdefault(pc.utla_name, []).append(pc)
    return {name: tuple(pcs) for name, pcs in areas.items()}


@cache
def postcode_index() -> dict[str, Postcode]:
    return {pc.postcode: pc for pcs in postcodes_by_area().values() for pc in pcs}


@cache
def bank_holidays() -> frozenset[date]:
    return frozenset(
        date.fromisoformat(r["holiday_date"]) for r in _rows(SEEDS_DIR / "reference" / "bank_holidays.csv")
    )


@cache
def code_mappings() -> dict[tuple[str, str], dict[str, tuple[str, ...]]]:
    """(domain, cms) -> code -> source values mapping to it, in seed order.

    cms ``*`` holds the DfE codes themselves (identity rows); ``liquid_logic`` the description texts.
    """
    out: dict[tuple[str, str], dict[str, list[str]]] = {}
    for r in _rows(SEEDS_DIR / "mappings" / "code_mappings.csv"):
        if r["la_code"]:
            continue  # LA overrides are for real councils, not the synthetic one
        out.setdefault((r["domain"], r["cms"]), {}).setdefault(r["code"], []).append(r["source_value"])
    return {key: {code: tuple(values) for code, values in by_code.items()} for key, by_code in out.items()}
