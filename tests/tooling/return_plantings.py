"""Errors planted in the return files as written, one kind per DfE rule (or a few rules that one change
must raise together), for the rules no extract can break (tests/tooling/written_return.py says why).

A kind is a function of a :class:`Planter`: it picks a child no other kind has used, changes the files as
a person editing the CSVs could (a code mistyped, a date a year out, a row copied, a field left blank), and
returns what it planted: which rules must flag that child, in which year's files. It returns None when the
council has no child it can use (the test fails then: every kind must plant).

The families are in return_plantings_*.py (each a list KINDS); ``kinds_by_year`` gives them by the year
they plant in.
Order matters only for which child a kind gets: a kind takes the first free child that suits it.

By hand, on a built warehouse (prints, per planted rule, the children planted, found by the warehouse and
flagged by the validator)::

    python -m tests.tooling.return_plantings WAREHOUSE.duckdb [--family episodes] [--keep DIR]
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from tests.tooling.validator_agreement import our_children
from tests.tooling.written_return import WrittenYear, overlay, rebuild_rules

# history first: its kinds copy children under a second id, and a copy taken before the other families plant
# carries none of their errors (the originals stay free for them)
FAMILIES = ("history", "codes", "episodes", "oc2", "boundary", "adoption", "header", "integrity", "dolo")
# The year a family's kinds plant in (with the year before as last year): the complete year, but for the
# internal checks and the DoLO rules (from 2026-27), which go in the year in progress: the complete year's
# few AD1 children are the adoption rules'. A kind can move on its own (``in_year_in_progress``) when the
# complete year's children it needs are all taken by kinds before it.
DEFAULT_YEARS = ("2025-26", "2024-25")
YEAR_IN_PROGRESS = ("2026-27", "2025-26")
YEAR_OF_FAMILY = {"integrity": YEAR_IN_PROGRESS, "dolo": YEAR_IN_PROGRESS}


def in_year_in_progress(kind: Callable) -> Callable:
    kind.years = YEAR_IN_PROGRESS
    return kind


def kinds_by_year(families: Iterable[str] = FAMILIES) -> dict[tuple[str, str], list[Callable]]:
    """{(year, last year): the kinds that plant in it, in family order}."""
    out: dict[tuple[str, str], list[Callable]] = {}
    for family in families:
        module = importlib.import_module(f"tests.tooling.return_plantings_{family}")
        for kind in module.KINDS:
            years = getattr(kind, "years", YEAR_OF_FAMILY.get(family, DEFAULT_YEARS))
            out.setdefault(years, []).append(kind)
    return out


LA_CODE = "E06000015"


# DfE rules that neither the extract's planted errors (synth/errors*.py) nor the return files' prove, and
# why; tests/quality/test_nightly_quality.py holds every other rule of both years to a planted case.
NOT_PLANTED = {
    "164": "the distance is not in the files: both sides work it out from the two postcodes (never negative, "
           "and no two UK postcodes are 999.9 miles apart), and the extract's postcodes are the directory's",
    "411": "the placement location (in or out of the council) and the council of placement both come from the "
           "one placement postcode, on both sides: no file can make them disagree",
    "205C": "a child with a UASC row is UASC (the validator's ingress marks them so, and the warehouse reads the "
            "UASC file the same way): a ceased date for a child who is not UASC cannot be written",
}


@dataclass(frozen=True)
class Planted:
    kind: str
    collection_year: str
    rule_codes: tuple[str, ...]
    child: str


def dmy(text: str) -> date | None:
    """A return file's date (dd/mm/YYYY), None when blank or not a date."""
    try:
        day, month, year = (int(part) for part in text.split("/"))
        return date(year, month, day)
    except (ValueError, AttributeError):
        return None


def as_dmy(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def birthday(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February
        return born.replace(year=born.year + years, day=28)


class Planter:
    """The files of the checked year (``this``) and the year before (``last``), and the children used."""

    def __init__(self, this: WrittenYear, last: WrittenYear):
        self.this, self.last = this, last
        self.year = this.collection_year
        start = int(self.year[:4])
        self.year_start, self.year_end = date(start, 4, 1), date(start + 1, 3, 31)
        self.used: set[str] = set()

    def frame(self, table: str, last: bool = False) -> pd.DataFrame:
        return (self.last if last else self.this).frames[table]

    def rows(self, table: str, child: str, last: bool = False) -> pd.DataFrame:
        frame = self.frame(table, last)
        return frame[frame["CHILD"] == child]

    def episodes(self, child: str, last: bool = False) -> pd.DataFrame:
        """A child's episodes in start-date order (as the rules read them)."""
        rows = self.rows("Episodes", child, last)
        return rows.assign(_start=rows["DECOM"].map(dmy)).sort_values("_start").drop(columns="_start")

    def children(self, table: str, last: bool = False) -> list[str]:
        """Children in a file of the year, in file order, that no kind has used."""
        return [c for c in dict.fromkeys(self.frame(table, last)["CHILD"]) if c not in self.used]

    def header(self, child: str) -> pd.Series:
        return self.rows("Header", child).iloc[0]

    def dob(self, child: str) -> date:
        return dmy(self.header(child)["DOB"])

    def age(self, child: str, on: date) -> int:
        born = self.dob(child)
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    def take(self, candidates: Iterable[str]) -> str | None:
        for child in candidates:
            if child not in self.used:
                self.used.add(child)
                return child
        return None

    def set(self, table: str, index, last: bool = False, **values: str) -> None:
        year = self.last if last else self.this
        year.frames[table].loc[index, list(values)] = list(values.values())
        year.changed.add(table)

    def set_child(self, table: str, child: str, last: bool = False, **values: str) -> None:
        """Every row of the child in the file."""
        self.set(table, self.rows(table, child, last).index, last, **values)

    def copy_row(self, table: str, index, last: bool = False, **values: str) -> None:
        """The row again, at the end of the file, with values changed: a row of its own (a later change to
        the original leaves it be), written from the same warehouse row as its original."""
        year = self.last if last else self.this
        frame = year.frames[table]
        row = frame.loc[[index]].copy()
        for column, value in values.items():
            row[column] = value
        row.index = [max(frame.index) + 1]
        year.frames[table] = pd.concat([frame, row])
        year.changed.add(table)

    def drop_rows(self, table: str, index, last: bool = False) -> None:
        year = self.last if last else self.this
        year.frames[table] = year.frames[table].drop(index=index)
        year.changed.add(table)

    def planted(self, kind: Callable, child: str, *rule_codes: str) -> list[Planted]:
        return [Planted(kind.__name__, self.year, tuple(rule_codes), child)]


# Children with an adoption decision (PlacedAdoption or AD1 rows) are few; kinds of other families that
# could use any child do not see them, so that the adoption rules' kinds find theirs.
ADOPTION_FILES = ("PlacedAdoption", "AD1")
MAY_USE_ADOPTION_CHILDREN = ("adoption", "boundary", "integrity")


def plant(planter: Planter, kinds: Iterable[Callable]) -> tuple[list[Planted], list[str]]:
    """Every kind in turn; (what was planted, the kinds that found no child)."""
    planted, idle = [], []
    adoption_children = {child for table in ADOPTION_FILES for child in planter.frame(table)["CHILD"]}
    for kind in kinds:
        family = kind.__module__.rsplit("_", 1)[-1]
        may = family in MAY_USE_ADOPTION_CHILDREN or getattr(kind, "may_use_adoption_children", False)
        hidden = set() if may else adoption_children - planter.used
        planter.used |= hidden
        try:
            result = kind(planter)
        finally:
            planter.used -= hidden
        if result:
            planted += result
        else:
            idle.append(kind.__name__)
    return planted, idle


@dataclass
class Outcome:
    planted: list[Planted]
    idle: list[str]
    clean: dict[str, set[str]]  # the warehouse's findings on the files as written, unchanged
    found: dict[str, set[str]]  # ... and with the plantings
    validator_clean: dict[str, set[str]]
    validator_found: dict[str, set[str]]
    validator_result: object

    def expected(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for p in self.planted:
            for code in p.rule_codes:
                out.setdefault(code, set()).add(p.child.upper())
        return out

    @staticmethod
    def _new(after: dict[str, set[str]], before: dict[str, set[str]]) -> dict[str, set[str]]:
        return {rule: children - before.get(rule, set()) for rule, children in after.items()
                if children - before.get(rule, set())}

    def warehouse_new(self) -> dict[str, set[str]]:
        return self._new(self.found, self.clean)

    def validator_new(self) -> dict[str, set[str]]:
        return self._new(self.validator_found, self.validator_clean)

    def table(self) -> pd.DataFrame:
        expected, ours, theirs = self.expected(), self.warehouse_new(), self.validator_new()
        rows = []
        for rule in sorted(set(expected) | set(ours) | set(theirs)):
            e, o, t = expected.get(rule, set()), ours.get(rule, set()), theirs.get(rule, set())
            rows.append({"rule_code": rule, "planted": len(e), "warehouse": len(o), "validator": len(t),
                         "warehouse_exact": o == e, "validator_exact": t == e,
                         "missed": " ".join(sorted(e - o)), "warehouse_extra": " ".join(sorted(o - e)),
                         "validator_missed": " ".join(sorted(e - t)), "validator_extra": " ".join(sorted(t - e))})
        return pd.DataFrame(rows)


def _validator_children(result) -> dict[str, set[str]]:
    return {code: {str(child).upper() for child in result.children_for(code)} for code in result.errors_by_rule}


def run(warehouse: Path, work: Path, collection_year: str, previous_year: str, kinds: Iterable[Callable],
        validate: bool = True) -> Outcome:
    """Plant the kinds in a copy of the warehouse's return for one year (last year's files beside it) and
    run both the warehouse's rules and, unless told not to, the validator on the files as written."""
    from tests.tooling.dfe_validator import run_validator

    work.mkdir(parents=True, exist_ok=True)
    copy = work / "warehouse.duckdb"
    shutil.copyfile(warehouse, copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        this = WrittenYear.from_warehouse(con, collection_year)
        last = WrittenYear.from_warehouse(con, previous_year)

    def findings_on_the_files(folder: Path) -> dict[str, set[str]]:
        """Write both years' files to folder, put them in place of the return's tables, run the rules."""
        this.write(folder / collection_year)
        last.write(folder / previous_year)
        with duckdb.connect(str(copy)) as con:
            replaced = overlay(con, collection_year, this.read_back(folder / collection_year))
            replaced += overlay(con, previous_year, last.read_back(folder / previous_year))
        rebuild_rules(copy, replaced, work)
        with duckdb.connect(str(copy), read_only=True) as con:
            return our_children(con, collection_year)

    clean_dir, planted_dir = work / "clean", work / "planted"
    clean = findings_on_the_files(clean_dir)
    planter = Planter(this, last)
    planted, idle = plant(planter, kinds)
    found = findings_on_the_files(planted_dir)

    validator_clean, validator_found, result = {}, {}, None
    if validate:
        validator_clean = _validator_children(run_validator(
            clean_dir / collection_year, collection_year, LA_CODE, previous_year_dir=clean_dir / previous_year))
        result = run_validator(planted_dir / collection_year, collection_year, LA_CODE,
                               previous_year_dir=planted_dir / previous_year)
        validator_found = _validator_children(result)
    return Outcome(planted, idle, clean, found, validator_clean, validator_found, result)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--family", action="append", choices=FAMILIES)
    parser.add_argument("--year", default="2025-26")
    parser.add_argument("--previous-year", default="2024-25")
    parser.add_argument("--keep", type=Path, help="keep the work folder here (files, warehouse copy)")
    parser.add_argument("--no-validator", action="store_true")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="return-plantings-"))
    kinds = kinds_by_year(args.family or FAMILIES).get((args.year, args.previous_year), [])
    outcome = run(args.warehouse, work, args.year, args.previous_year, kinds, validate=not args.no_validator)
    pd.set_option("display.width", 250)
    pd.set_option("display.max_colwidth", 60)
    print(outcome.table().to_string(index=False))
    print("kinds without a child:", ", ".join(outcome.idle) or "none")
    for p in outcome.planted:
        print(f"  {p.kind}: {p.child} -> {', '.join(p.rule_codes)}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

