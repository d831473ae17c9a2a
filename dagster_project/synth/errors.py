"""Labelled recording errors planted in a generated extract (``generate(..., errors=RATE)``, ``--errors``).

The generator writes a council that records well. With a rate above 0, this module then edits the
written extract the way real recording goes wrong (a UPN typed wrong, an episode ended before it began,
a review coded PN0 for a teenager, a legal status ending early, an IRO allocated late, a row that cannot
be loaded...) and writes what it did, and every finding the warehouse's data-quality rules should raise
for it, to ``<extract>/_truth/injected_errors.csv``:

    kind, rule_code, child, record_table, record_id, note

one row per (planted error, rule that must fire): record_table is the extract table (``ssd_person``,
``ssd_cla_placement``...) and record_id the record the finding points at, exactly as the error mart
keys findings. Every kind plants ``max(1, round(RATE x children looked after at the extract date))``
errors (fewer if the council has too few candidates), each on a different child, chosen with the
extract's seed: the same options give the same extract and truth. With RATE 0 nothing here runs and the
extract is byte-identical to one generated without this module.

Each kind picks targets whose error has no side effects beyond the findings listed (for example a
single-episode period with no reviews for "ends before it starts"), so the truth is exact.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

from dagster_project.synth.dates import WorkingDays, age_on
from dagster_project.synth.reference import bank_holidays, postcode_index
from dagster_project.synth.reference import council as this_council
from dagster_project.synth.styles import Style

TRUTH_FILE = "injected_errors.csv"
TRUTH_COLUMNS = ["kind", "rule_code", "child", "record_table", "record_id", "note"]
UNMAPPED_TEXT = "Recorded in a local option not in the mappings"


# --- the extract as tables ----------------------------------------------------------------------------

class Table:
    """One extract CSV held as text, edited in place and written back exactly as the generator writes."""

    def __init__(self, path: Path):
        self.path = path
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            self.columns = next(reader)
            self.rows = [row for row in reader]
        self.index = {name: i for i, name in enumerate(self.columns)}
        self.changed = False

    def get(self, row: list[str], column: str) -> str:
        return row[self.index[column]]

    def set(self, row: list[str], column: str, value: str) -> None:
        row[self.index[column]] = value
        self.changed = True

    def append(self, values: dict[str, str]) -> list[str]:
        row = [values.get(c, "") for c in self.columns]
        self.rows.append(row)
        self.changed = True
        return row

    def where(self, **conditions: str) -> list[list[str]]:
        return [r for r in self.rows if all(r[self.index[c]] == v for c, v in conditions.items())]

    def save(self) -> None:
        if not self.changed:
            return
        with open(self.path, "w", newline="", encoding="utf-8") as f:
            f.write(",".join(self.columns) + "\n")
            csv.writer(f, lineterminator="\n").writerows(self.rows)


def _date(text: str) -> date | None:
    """The date a generated value states; None when blank, or when it cannot be read. Only a planting makes
    a date unreadable (a "31 June" for the rules on dates), and a planting takes its child, so no kind picks
    that child again; but kinds look over every child's rows before picking, and one that read another's
    planted date stopped the generator (150 children at 1%, as at 2026-11-23: a missing episode's start date).
    """
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


@dataclass
class Truth:
    kind: str
    rule_code: str
    child: str
    record_table: str
    record_id: str
    note: str = ""


@dataclass
class Council:
    """The generated extract, what the generator knows about it, and the random numbers of the injection."""

    folder: Path
    style: Style
    as_at: date
    rng: random.Random
    tables: dict[str, Table] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # children already given an error

    def table(self, name: str) -> Table:
        if name not in self.tables:
            self.tables[name] = Table(self.folder / f"{name}.csv")
        return self.tables[name]

    def truth_rows(self, name: str) -> list[dict]:
        with open(self.folder / "_truth" / f"{name}.csv", newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    # the latest complete collection year and the window the rules check (from its 1 April to the extract)
    @property
    def year_start(self) -> date:
        start = date(self.as_at.year, 4, 1)
        return date(start.year - 1, 4, 1) if self.as_at >= start else date(start.year - 2, 4, 1)

    @property
    def year_end(self) -> date:
        return date(self.year_start.year + 1, 3, 31)

    def d(self, day: date | None) -> str:
        return self.style.date(day)

    def mapped(self, domain: str, code: str) -> str:
        return self.style.mapped(domain, code, self.rng)

    def pick(self, candidates: list, child_of=lambda c: c[0]) -> list:
        """Candidates not on a child already used, shuffled with the injection's random numbers."""
        free = [c for c in candidates if child_of(c) not in self.used]
        self.rng.shuffle(free)
        return free

    def take(self, child: str) -> None:
        self.used.add(child)

    def take_first(self, candidates: list, child_of=lambda c: c[0]):
        """The first of pick(candidates), its child taken; None when no candidate is on a free child."""
        free = self.pick(candidates, child_of)
        if not free:
            return None
        self.take(child_of(free[0]))
        return free[0]

    # facts about the council, from the generator's truth
    def children(self) -> dict[str, dict]:
        if "_children" not in self.__dict__:
            self.__dict__["_children"] = {r["CHILD"]: r for r in self.truth_rows("children")}
        return self.__dict__["_children"]

    def episodes_by_period(self) -> dict[str, list[dict]]:
        if "_periods" not in self.__dict__:
            periods: dict[str, list[dict]] = defaultdict(list)
            for r in self.truth_rows("episodes"):
                periods[r["period_of_care_id"]].append(r)
            for rows in periods.values():
                rows.sort(key=lambda r: r["DECOM"])
            self.__dict__["_periods"] = dict(periods)
        return self.__dict__["_periods"]

    def periods_of(self) -> dict[str, list[list[dict]]]:
        by_child: dict[str, list[list[dict]]] = defaultdict(list)
        for rows in self.episodes_by_period().values():
            by_child[rows[0]["CHILD"]].append(rows)
        for periods in by_child.values():
            periods.sort(key=lambda rows: rows[0]["DECOM"])
        return by_child

    def in_window(self, rows: list[dict]) -> bool:
        """A period of care with at least a day in the latest complete year (so in its return)."""
        start = _date(rows[0]["DECOM"])
        end = _date(rows[-1]["DEC"])
        return start <= self.year_end and (end is None or end >= self.year_start)

    def looked_after_children(self) -> list[str]:
        """Children in the latest complete year's return for a period that is not short breaks."""
        out = set()
        for rows in self.episodes_by_period().values():
            if self.in_window(rows) and rows[0]["LS"] not in ("V3", "V4"):
                out.add(rows[0]["CHILD"])
        return sorted(out)

    def looked_after_on_extract_date(self) -> int:
        return sum(1 for rows in self.episodes_by_period().values()
                   if not rows[-1]["DEC"] and rows[0]["LS"] not in ("V3", "V4"))

    def age(self, child: str, on: date) -> int | None:
        dob = _date(self.children()[child]["DOB"]) if child in self.children() else None
        return age_on(dob, on) if dob else None

    def working_days(self) -> WorkingDays:
        if "_wd" not in self.__dict__:
            self.__dict__["_wd"] = WorkingDays(set(bank_holidays()), date(2000, 1, 1), date(2040, 1, 1))
        return self.__dict__["_wd"]

    def case_episodes(self, period_id: str) -> list[list[str]]:
        table = self.table("ssd_cla_episodes")
        rows = table.where(clae_cla_id=period_id)
        return sorted(rows, key=lambda r: (table.get(r, "clae_cla_episode_start_date"), table.get(r, "clae_cla_episode_id")))

    def placements(self, period_id: str) -> list[list[str]]:
        table = self.table("ssd_cla_placement")
        rows = table.where(clap_cla_id=period_id)
        return sorted(rows, key=lambda r: (table.get(r, "clap_cla_placement_start_date"), table.get(r, "clap_cla_placement_id")))

    def reviews(self, period_id: str) -> list[list[str]]:
        table = self.table("ssd_cla_reviews")
        return table.where(clar_cla_id=period_id)


# --- the kinds of error --------------------------------------------------------------------------------
# Each takes the council and returns the truth of one planted error, or None when no child fits.

def _person(council: Council, child: str) -> list[str]:
    return council.table("ssd_person").where(pers_person_id=child)[0]


def _simple_children(council: Council, minimum_age: int = 0, maximum_age: int = 17, sex: str | None = None,
                     with_upn: bool | None = None) -> list[str]:
    """Looked-after children in the latest complete year with one period of care (not short breaks)."""
    out = []
    periods = council.periods_of()
    for child in council.looked_after_children():
        facts = council.children().get(child)
        if not facts or len(periods[child]) != 1:
            continue
        age = council.age(child, council.year_start)
        if age is None or not minimum_age <= age <= maximum_age:
            continue
        if sex and facts["SEX"] != sex:
            continue
        if with_upn is not None and (facts["UPN"][:2] != "UN") != with_upn:
            continue
        out.append(child)
    return out


def _pick_child(council: Council, candidates: list[str]) -> str | None:
    free = council.pick([(c,) for c in candidates])
    if not free:
        return None
    council.take(free[0][0])
    return free[0][0]


def sex_not_mapped(council: Council) -> list[Truth] | None:
    child = _pick_child(council, _simple_children(council, 5, 14, sex="M"))
    if not child:
        return None
    council.table("ssd_person").set(_person(council, child), "pers_sex", UNMAPPED_TEXT)
    return [Truth("sex_not_mapped", "101", child, "ssd_person", child),
            Truth("sex_not_mapped", "MAP01", child, "ssd_person", child)]


def sex_unknown(council: Council) -> list[Truth] | None:
    child = _pick_child(council, _simple_children(council, 5, 14, sex="M"))
    if not child:
        return None
    council.table("ssd_person").set(_person(council, child), "pers_sex", council.mapped("sex", "U"))
    return [Truth("sex_unknown", "232", child, "ssd_person", child)]


def date_of_birth_missing(council: Council) -> list[Truth] | None:
    child = _pick_child(council, _simple_children(council, 6, 12))
    if not child:
        return None
    table = council.table("ssd_person")
    row = _person(council, child)
    table.set(row, "pers_dob", "")
    table.set(row, "pers_expected_dob", "")
    return [Truth("date_of_birth_missing", "102", child, "ssd_person", child),
            Truth("date_of_birth_missing", "GX-PER-01", child, "ssd_person", child)]


def date_of_birth_in_future(council: Council) -> list[Truth] | None:
    """On a child known to children's services who was never looked after."""
    looked_after = {rows[0]["CHILD"] for rows in council.episodes_by_period().values()}
    table = council.table("ssd_person")
    candidates = [table.get(r, "pers_person_id") for r in table.rows
                  if table.get(r, "pers_person_id") not in looked_after and table.get(r, "pers_dob")]
    child = _pick_child(council, candidates)
    if not child:
        return None
    table.set(_person(council, child), "pers_dob", council.d(council.as_at + timedelta(days=40)))
    return [Truth("date_of_birth_in_future", "GX-PER-02", child, "ssd_person", child)]


def date_of_birth_estimated(council: Council) -> list[Truth] | None:
    child = _pick_child(council, _simple_children(council, 6, 14))
    if not child:
        return None
    table = council.table("ssd_person")
    row = _person(council, child)
    table.set(row, "pers_expected_dob", table.get(row, "pers_dob"))
    table.set(row, "pers_dob", "")
    return [Truth("date_of_birth_estimated", "CR04", child, "ssd_person", child)]


def upn_malformed(council: Council) -> list[Truth] | None:
    child = _pick_child(council, _simple_children(council, 6, 15, with_upn=True))
    if not child:
        return None
    table = council.table("ssd_person")
    row = _person(council, child)
    table.set(row, "pers_upn", table.get(row, "pers_upn")[:-3])
    return [Truth("upn_malformed", "168", child, "ssd_person", child),
            Truth("upn_malformed", "GX-PER-03", child, "ssd_person", child)]


def upn_duplicated(council: Council) -> list[Truth] | None:
    candidates = council.pick([(c,) for c in _simple_children(council, 6, 15, with_upn=True)])
    if len(candidates) < 2:
        return None
    first, second = candidates[0][0], candidates[1][0]
    council.take(first)
    council.take(second)
    table = council.table("ssd_person")
    table.set(_person(council, second), "pers_upn", table.get(_person(council, first), "pers_upn"))
    return [Truth("upn_duplicated", rule, child, "ssd_person", child)
            for child in (first, second) for rule in ("444", "GX-PER-04")]


def upn_missing(council: Council) -> list[Truth] | None:
    child = _pick_child(council, _simple_children(council, 6, 15, with_upn=True))
    if not child:
        return None
    table = council.table("ssd_person")
    row = _person(council, child)
    table.set(row, "pers_upn", "")
    table.set(row, "pers_upn_unknown", "")
    return [Truth("upn_missing", "442", child, "ssd_person", child)]


def un1_for_school_age(council: Council) -> list[Truth] | None:
    child = _pick_child(council, _simple_children(council, 8, 15, with_upn=True))
    if not child:
        return None
    table = council.table("ssd_person")
    row = _person(council, child)
    table.set(row, "pers_upn", "")
    table.set(row, "pers_upn_unknown", "UN1")
    return [Truth("un1_for_school_age", "209", child, "ssd_person", child)]


def un4_for_long_stay(council: Council) -> list[Truth] | None:
    """UN4 (newly looked after in the last week of the year) for a child looked after all year."""
    periods = council.periods_of()
    candidates = [c for c in _simple_children(council, 6, 15, with_upn=True)
                  if _date(periods[c][0][0]["DECOM"]) < council.year_start]
    child = _pick_child(council, candidates)
    if not child:
        return None
    table = council.table("ssd_person")
    row = _person(council, child)
    table.set(row, "pers_upn", "")
    table.set(row, "pers_upn_unknown", "UN4")
    return [Truth("un4_for_long_stay", "210", child, "ssd_person", child)]


def ethnicity_not_a_code(council: Council) -> list[Truth] | None:
    child = _pick_child(council, _simple_children(council, 5, 15))
    if not child:
        return None
    council.table("ssd_person").set(_person(council, child), "pers_ethnicity", "WHITEBRIT")
    return [Truth("ethnicity_not_a_code", "103", child, "ssd_person", child),
            Truth("ethnicity_not_a_code", "GX-PER-06", child, "ssd_person", child)]


def mother_without_child(council: Council) -> list[Truth] | None:
    mothers = {r[council.table("ssd_mother").index["moth_person_id"]] for r in council.table("ssd_mother").rows}
    candidates = [c for c in _simple_children(council, 13, 16, sex="F") if c not in mothers]
    child = _pick_child(council, candidates)
    if not child:
        return None
    council.table("ssd_person").set(_person(council, child), "pers_is_mother", "Y")
    return [Truth("mother_without_child", "611", child, "ssd_person", child)]


def _single_periods(council: Council, in_window_only: bool = True, minimum_episodes: int = 1,
                    maximum_episodes: int = 99, closed: bool | None = None) -> list[tuple[str, list[dict]]]:
    """(child, true episodes) of children with one period of care, in the checked year."""
    out = []
    for child, periods in council.periods_of().items():
        if len(periods) != 1:
            continue
        rows = periods[0]
        if rows[0]["LS"] in ("V3", "V4") or (in_window_only and not council.in_window(rows)):
            continue
        if not minimum_episodes <= len(rows) <= maximum_episodes:
            continue
        if closed is not None and bool(rows[-1]["DEC"]) != closed:
            continue
        out.append((child, rows))
    return out


def category_of_need_not_a_code(council: Council) -> list[Truth] | None:
    """N9 on every episode of a period (consistent, so only the code is wrong)."""
    chosen = council.take_first(_single_periods(council))
    if chosen is None:
        return None
    child, rows = chosen
    table = council.table("ssd_cla_episodes")
    episodes = council.case_episodes(rows[0]["period_of_care_id"])
    for row in episodes:
        table.set(row, "clae_cla_primary_need_code", "N9")
    first = table.get(episodes[0], "clae_cla_episode_id")
    truth = [Truth("category_of_need_not_a_code", "145", child, "ssd_cla_episodes", first)]
    window_start = council.year_start
    for row in episodes:
        ceased = _date(table.get(row, "clae_cla_episode_ceased_date"))
        if ceased is None or ceased >= window_start:
            truth.append(Truth("category_of_need_not_a_code", "GX-EPI-05", child, "ssd_cla_episodes",
                               table.get(row, "clae_cla_episode_id")))
    # the expectation checks every recorded episode, whatever its dates
    recorded = {t.record_id for t in truth if t.rule_code == "GX-EPI-05"}
    for row in episodes:
        episode_id = table.get(row, "clae_cla_episode_id")
        if episode_id not in recorded:
            truth.append(Truth("category_of_need_not_a_code", "GX-EPI-05", child, "ssd_cla_episodes", episode_id))
    return truth


def category_of_need_changed(council: Council) -> list[Truth] | None:
    """A later recorded episode of a period with another category of need."""
    candidates = []
    for child, rows in _single_periods(council, minimum_episodes=2):
        episodes = council.case_episodes(rows[0]["period_of_care_id"])
        table = council.table("ssd_cla_episodes")
        later = [r for r in episodes[1:] if (_date(table.get(r, "clae_cla_episode_ceased_date")) or council.as_at)
                 >= council.year_start]
        if later:
            candidates.append((child, later[-1]))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    table = council.table("ssd_cla_episodes")
    current = table.get(row, "clae_cla_primary_need_code")
    table.set(row, "clae_cla_primary_need_code", "N5" if current != "N5" else "N4")
    return [Truth("category_of_need_changed", "CR06", child, "ssd_cla_episodes", table.get(row, "clae_cla_episode_id"))]


def _placements_in_year(council: Council, types: tuple[str, ...], with_provider: bool | None = True,
                        with_urn: bool | None = None) -> list[tuple[str, list[str]]]:
    """(child, placement row) of single-period children: placements open in the checked year."""
    table = council.table("ssd_cla_placement")
    out = []
    for child, rows in _single_periods(council):
        placements = council.placements(rows[0]["period_of_care_id"])
        if any(table.get(r, "clap_cla_placement_type") in ("", "T0", "T1", "T2", "T3", "T4") for r in placements):
            # a blank type is read from its neighbours (an unrecorded temporary move), and after a temporary
            # placement the child returns to the same one (rule 383): leave those periods be
            continue
        for row in placements:
            start = _date(table.get(row, "clap_cla_placement_start_date"))
            end = _date(table.get(row, "clap_cla_placement_end_date"))
            if table.get(row, "clap_cla_placement_type") not in types:
                continue
            if not (start <= council.year_end and (end is None or end > council.year_start)):
                continue
            if with_provider is not None and bool(table.get(row, "clap_cla_placement_provider")) != with_provider:
                continue
            if with_urn is not None and bool(table.get(row, "clap_cla_placement_urn")) != with_urn:
                continue
            out.append((child, row))
    return out


def _placement_edit(council: Council, kind: str, types: tuple[str, ...], column: str, value: str,
                    rules: tuple[str, ...], with_provider: bool | None = True,
                    with_urn: bool | None = None) -> list[Truth] | None:
    chosen = council.take_first(_placements_in_year(council, types, with_provider, with_urn))
    if chosen is None:
        return None
    child, row = chosen
    table = council.table("ssd_cla_placement")
    table.set(row, column, value)
    placement_id = table.get(row, "clap_cla_placement_id")
    return [Truth(kind, rule, child, "ssd_cla_placement", placement_id) for rule in rules]


FOSTER = ("U1", "U2", "U3", "U4", "U5", "U6")


def placement_type_retired(council: Council) -> list[Truth] | None:
    return _placement_edit(council, "placement_type_retired", FOSTER, "clap_cla_placement_type", "Z1", ("146",),
                           with_urn=True)


def placement_type_missing(council: Council) -> list[Truth] | None:
    return _placement_edit(council, "placement_type_missing", ("U4", "U6", "K2"), "clap_cla_placement_type", "",
                           ("CR07",), with_urn=True)


def provider_not_a_code(council: Council) -> list[Truth] | None:
    return _placement_edit(council, "provider_not_a_code", FOSTER + ("K2",), "clap_cla_placement_provider", "PR9",
                           ("178", "GX-PLA-02"))


def provider_missing(council: Council) -> list[Truth] | None:
    return _placement_edit(council, "provider_missing", FOSTER + ("K2",), "clap_cla_placement_provider", "",
                           ("526",))


def _provider_for_placement_with_parents(council: Council, kind: str, provider: str, rule: str) -> list[Truth] | None:
    """A placement with parents (P1, provider PR0) in the council's own area, its provider typed as
    ``provider``; in the area, so own provision outside it (1015) is not raised as well."""
    la_code, located = this_council().la_code, postcode_index()
    table = council.table("ssd_cla_placement")
    candidates = [(child, row) for child, row in _placements_in_year(council, ("P1",))
                  if table.get(row, "clap_cla_placement_provider") == "PR0"
                  and getattr(located.get(table.get(row, "clap_cla_placement_postcode")), "utla_code", None) == la_code]
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    table.set(row, "clap_cla_placement_provider", provider)
    return [Truth(kind, rule, child, "ssd_cla_placement", table.get(row, "clap_cla_placement_id"))]


def own_provision_for_placement_with_parents(council: Council) -> list[Truth] | None:
    """A child placed with her parents recorded as in the council's own provision (PR1), the option under
    parents (PR0) in the list: own provision cannot provide a P1 placement (527)."""
    return _provider_for_placement_with_parents(council, "own_provision_for_placement_with_parents", "PR1", "527")


def other_council_for_placement_with_parents(council: Council) -> list[Truth] | None:
    """A child placed with her parents recorded as in another council's provision (PR2), two options under
    parents (PR0): another council cannot provide a P1 placement (528)."""
    return _provider_for_placement_with_parents(council, "other_council_for_placement_with_parents", "PR2", "528")


def provider_on_temporary_placement(council: Council) -> list[Truth] | None:
    """A temporary placement (T0-T4: a holiday, a stay in hospital) given a provider, private provision (PR4)
    as for the placement she left for it: a temporary placement has none (213), and the provider code check
    (178) says so too."""
    table = council.table("ssd_cla_placement")
    candidates = []
    for child, rows in _single_periods(council):
        for row in council.placements(rows[0]["period_of_care_id"]):
            start = _date(table.get(row, "clap_cla_placement_start_date"))
            end = _date(table.get(row, "clap_cla_placement_end_date"))
            if (table.get(row, "clap_cla_placement_type") in ("T0", "T1", "T2", "T3", "T4")
                    and not table.get(row, "clap_cla_placement_provider")
                    and start <= council.year_end and (end is None or end > council.year_start)):
                candidates.append((child, row))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    table.set(row, "clap_cla_placement_provider", "PR4")
    return [Truth("provider_on_temporary_placement", rule, child, "ssd_cla_placement",
                  table.get(row, "clap_cla_placement_id")) for rule in ("213", "178")]


def provider_parents_for_foster_care(council: Council) -> list[Truth] | None:
    return _placement_edit(council, "provider_parents_for_foster_care", FOSTER, "clap_cla_placement_provider",
                           "PR0", ("550",))


def urn_for_placement_with_parents(council: Council) -> list[Truth] | None:
    return _placement_edit(council, "urn_for_placement_with_parents", ("P1",), "clap_cla_placement_urn",
                           "SC123456", ("222",), with_provider=None, with_urn=False)


def urn_missing(council: Council) -> list[Truth] | None:
    return _placement_edit(council, "urn_missing", ("K2",) + FOSTER, "clap_cla_placement_urn", "", ("218",),
                           with_urn=True)


def urn_xxxxxxx_for_childrens_home(council: Council) -> list[Truth] | None:
    return _placement_edit(council, "urn_xxxxxxx_for_childrens_home", ("K2",), "clap_cla_placement_urn",
                           "XXXXXXX", ("242",), with_urn=True)


def urn_malformed(council: Council) -> list[Truth] | None:
    return _placement_edit(council, "urn_malformed", ("K2",) + FOSTER, "clap_cla_placement_urn", "SC12",
                           ("GX-PLA-03",), with_urn=True)


def _moves_in_year(council: Council) -> list[tuple[str, list[str]]]:
    """(child, placement row) of placements that ended in a move to another placement in the checked year."""
    table = council.table("ssd_cla_placement")
    out = []
    for child, rows in _single_periods(council, minimum_episodes=2):
        for row in council.placements(rows[0]["period_of_care_id"]):
            if table.get(row, "clap_cla_placement_change_reason") in ("", "PLACE"):
                continue
            end = _date(table.get(row, "clap_cla_placement_end_date"))
            if end is None or not council.year_start <= end <= council.year_end:
                continue
            if table.get(row, "clap_cla_placement_type").startswith("T"):
                continue
            out.append((child, row))
    return out


def change_reason_not_a_code(council: Council) -> list[Truth] | None:
    chosen = council.take_first(_moves_in_year(council))
    if chosen is None:
        return None
    child, row = chosen
    table = council.table("ssd_cla_placement")
    table.set(row, "clap_cla_placement_change_reason", "MOVED")
    placement_id = table.get(row, "clap_cla_placement_id")
    return [Truth("change_reason_not_a_code", rule, child, "ssd_cla_placement", placement_id)
            for rule in ("1009", "GX-PLA-06")]


def change_reason_missing(council: Council) -> list[Truth] | None:
    chosen = council.take_first(_moves_in_year(council))
    if chosen is None:
        return None
    child, row = chosen
    table = council.table("ssd_cla_placement")
    table.set(row, "clap_cla_placement_change_reason", "")
    return [Truth("change_reason_missing", "225", child, "ssd_cla_placement", table.get(row, "clap_cla_placement_id"))]


def _short_closed_periods(council: Council) -> list[tuple[str, list[dict]]]:
    """Single-episode periods that began and ended inside the checked year with no review recorded."""
    out = []
    for child, rows in _single_periods(council, maximum_episodes=1, closed=True):
        start, end = _date(rows[0]["DECOM"]), _date(rows[0]["DEC"])
        if start < council.year_start or end > council.year_end or rows[0]["REC"] == "X1":
            continue
        if council.reviews(rows[0]["period_of_care_id"]):
            continue
        if len(council.case_episodes(rows[0]["period_of_care_id"])) != 1:
            continue
        out.append((child, rows))
    return out


def _missing_now_outside_care(council: Council, kind: str, child: str, cared_for, began: date) -> list[Truth]:
    """581 for each missing episode of ``child`` in the checked year's return that the planted error leaves
    outside her (shortened) period of care: ``cared_for(start)`` says whether a start is still inside; one
    starting on or after the day her period began (``began``) now starts after care ended (578) too."""
    table = council.table("ssd_missing")
    out = []
    for row in table.where(miss_person_id=child):
        start = _date(table.get(row, "miss_missing_episode_start_date"))
        end = _date(table.get(row, "miss_missing_episode_end_date"))
        if start is None or start > council.year_end or (end is not None and end < council.year_start):
            continue
        if not cared_for(start):
            record = table.get(row, "miss_table_id")
            out += [Truth(kind, rule, child, "ssd_missing", record) for rule in (("581", "578") if start >= began else ("581",))]
    return out


def episode_ends_before_it_starts(council: Council) -> list[Truth] | None:
    chosen = council.take_first(_short_closed_periods(council))
    if chosen is None:
        return None
    child, rows = chosen
    table = council.table("ssd_cla_episodes")
    row = council.case_episodes(rows[0]["period_of_care_id"])[0]
    start = _date(table.get(row, "clae_cla_episode_start_date"))
    table.set(row, "clae_cla_episode_ceased_date", council.d(start - timedelta(days=3)))
    episode_id = table.get(row, "clae_cla_episode_id")
    # the period now holds no day, so any missing episode of hers in the year is outside care (581)
    return [Truth("episode_ends_before_it_starts", "356", child, "ssd_cla_episodes", episode_id),
            Truth("episode_ends_before_it_starts", "GX-EPI-03", child, "ssd_cla_episodes", episode_id),
            *_missing_now_outside_care(council, "episode_ends_before_it_starts", child, lambda day: False, start)]


def episode_ends_the_day_it_starts(council: Council) -> list[Truth] | None:
    chosen = council.take_first(_short_closed_periods(council))
    if chosen is None:
        return None
    child, rows = chosen
    table = council.table("ssd_cla_episodes")
    row = council.case_episodes(rows[0]["period_of_care_id"])[0]
    table.set(row, "clae_cla_episode_ceased_date", table.get(row, "clae_cla_episode_start_date"))
    began = _date(table.get(row, "clae_cla_episode_start_date"))
    # a missing episode after the (now one-day) period of care is outside care (581)
    return [Truth("episode_ends_the_day_it_starts", "355", child, "ssd_cla_episodes",
                  table.get(row, "clae_cla_episode_id")),
            *_missing_now_outside_care(council, "episode_ends_the_day_it_starts", child, lambda day: day == began, began)]


def _last_case_episode(council: Council, period_id: str) -> list[str]:
    return council.case_episodes(period_id)[-1]


def _ended_in_year(council: Council, codes: tuple[str, ...] | None, started_in_year: bool = True,
                   maximum_age: int = 17, minimum_age: int = 0) -> list[tuple[str, list[dict]]]:
    out = []
    for child, rows in _single_periods(council, closed=True):
        end = _date(rows[-1]["DEC"])
        if not council.year_start <= end <= council.year_end:
            continue
        if started_in_year and _date(rows[0]["DECOM"]) <= council.year_start:
            continue
        if codes is not None and rows[-1]["REC"] not in codes:
            continue
        age = council.age(child, end)
        if age is None or not minimum_age <= age <= maximum_age:
            continue
        out.append((child, rows))
    return out


def _set_reason_ceased(council: Council, kind: str, value: str, rules: tuple[str, ...],
                       candidates: list[tuple[str, list[dict]]]) -> list[Truth] | None:
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, rows = chosen
    table = council.table("ssd_cla_episodes")
    row = _last_case_episode(council, rows[0]["period_of_care_id"])
    table.set(row, "clae_cla_episode_ceased_reason", value)
    episode_id = table.get(row, "clae_cla_episode_id")
    return [Truth(kind, rule, child, "ssd_cla_episodes", episode_id) for rule in rules]


RETURNED_HOME = ("E4A", "E4B", "E13", "E8")


def reason_ceased_not_mapped(council: Council) -> list[Truth] | None:
    return _set_reason_ceased(council, "reason_ceased_not_mapped", UNMAPPED_TEXT, ("148", "MAP01"),
                              _ended_in_year(council, RETURNED_HOME))


def stayed_put_under_18(council: Council) -> list[Truth] | None:
    return _set_reason_ceased(council, "stayed_put_under_18", council.mapped("reason_episode_ceased", "E17"),
                              ("460",), _ended_in_year(council, RETURNED_HOME, started_in_year=False, maximum_age=15))


def independent_living_under_14(council: Council) -> list[Truth] | None:
    return _set_reason_ceased(council, "independent_living_under_14", council.mapped("reason_episode_ceased", "E6"),
                              ("387",), _ended_in_year(council, RETURNED_HOME, started_in_year=False, maximum_age=12))


def adult_services_under_16(council: Council) -> list[Truth] | None:
    return _set_reason_ceased(council, "adult_services_under_16", council.mapped("reason_episode_ceased", "E7"),
                              ("389",), _ended_in_year(council, RETURNED_HOME, started_in_year=False, maximum_age=14))


def reason_new_episode_contradicts(council: Council) -> list[Truth] | None:
    """A placement move recorded as a change of legal status only."""
    candidates = []
    for child, rows in _single_periods(council, minimum_episodes=2):
        for episode in rows[1:]:
            if episode["RNE"] == "P" and _date(episode["DECOM"]) >= council.year_start:
                candidates.append((child, episode))
    candidates = council.pick(candidates)
    if not candidates:
        return None
    child, episode = candidates[0]
    table = council.table("ssd_cla_episodes")
    matches = [r for r in council.case_episodes(episode["period_of_care_id"])
               if table.get(r, "clae_cla_episode_start_date")[:10] == episode["DECOM"]]
    if len(matches) != 1:
        return None
    council.take(child)
    table.set(matches[0], "clae_cla_episode_start_reason", council.mapped("reason_new_episode", "L"))
    return [Truth("reason_new_episode_contradicts", "CR05", child, "ssd_cla_episodes",
                  table.get(matches[0], "clae_cla_episode_id"))]


def _held_reviews_in_year(council: Council, minimum_age: int = 0, maximum_age: int = 17
                          ) -> list[tuple[str, list[str]]]:
    table = council.table("ssd_cla_reviews")
    out = []
    for child, rows in _single_periods(council):
        for row in council.reviews(rows[0]["period_of_care_id"]):
            held = _date(table.get(row, "clar_cla_review_date"))
            if table.get(row, "clar_cla_review_cancelled") == "Y" or held is None:
                continue
            if not council.year_start <= held <= council.year_end:
                continue
            age = council.age(child, held)
            if age is None or not minimum_age <= age <= maximum_age:
                continue
            out.append((child, row))
    return out


def _review_edit(council: Council, kind: str, value: str, rules: tuple[str, ...], minimum_age=0,
                 maximum_age=17) -> list[Truth] | None:
    chosen = council.take_first(_held_reviews_in_year(council, minimum_age, maximum_age))
    if chosen is None:
        return None
    child, row = chosen
    table = council.table("ssd_cla_reviews")
    table.set(row, "clar_cla_review_participation", value)
    review_id = table.get(row, "clar_cla_review_id")
    return [Truth(kind, rule, child, "ssd_cla_reviews", review_id) for rule in rules]


def participation_not_mapped(council: Council) -> list[Truth] | None:
    return _review_edit(council, "participation_not_mapped", UNMAPPED_TEXT, ("167", "MAP01"), 6)


def participation_missing(council: Council) -> list[Truth] | None:
    return _review_edit(council, "participation_missing", "", ("167", "IRO04"), 6)


def pn0_for_a_child_over_four(council: Council) -> list[Truth] | None:
    return _review_edit(council, "pn0_for_a_child_over_four", council.mapped("participation", "PN0"),
                        ("440", "IRO05"), 6)


def pn1_for_a_child_under_four(council: Council) -> list[Truth] | None:
    return _review_edit(council, "pn1_for_a_child_under_four", council.mapped("participation", "PN1"),
                        ("441", "IRO05"), 0, 2)


def review_outside_care(council: Council) -> list[Truth] | None:
    """A review recorded for a day after the child's period of care ended (an extra record)."""
    candidates = council.pick(_single_periods(council, closed=True))
    for child, rows in candidates:
        end = _date(rows[-1]["DEC"])
        held = end + timedelta(days=20)
        if not (council.year_start <= held < council.as_at and end >= council.year_start):
            continue
        council.take(child)
        table = council.table("ssd_cla_reviews")
        review_id = str(9_000_000 + len(table.rows))
        table.append({"clar_cla_review_id": review_id, "clar_cla_id": rows[0]["period_of_care_id"],
                      "clar_cla_person_id": child, "clar_cla_review_due_date": council.d(held),
                      "clar_cla_review_date": council.d(held), "clar_cla_review_cancelled": "N",
                      "clar_cla_review_participation": council.mapped("participation", "PN1")})
        return [Truth("review_outside_care", "IRO03", child, "ssd_cla_reviews", review_id)]
    return None


def _review_forms_in_year(council: Council) -> list[tuple[str, list[str], list[str]]]:
    """(child, review row, IRO form row) of held reviews in the checked window."""
    forms = council.table("iro_review_details")
    by_review = {forms.get(r, "irrd_cla_review_id"): r for r in forms.rows}
    out = []
    for child, row in _held_reviews_in_year(council, 0, 17):
        review_id = council.table("ssd_cla_reviews").get(row, "clar_cla_review_id")
        if review_id in by_review:
            out.append((child, row, by_review[review_id]))
    return out


def child_seen_after_review(council: Council) -> list[Truth] | None:
    forms = council.table("iro_review_details")
    reviews = council.table("ssd_cla_reviews")
    for child, row, form in council.pick(_review_forms_in_year(council)):
        held = _date(reviews.get(row, "clar_cla_review_date"))
        if forms.get(form, "irrd_child_seen_by_iro") != "SEEN" or held + timedelta(days=6) > council.as_at:
            continue
        council.take(child)
        forms.set(form, "irrd_child_seen_date", council.d(held + timedelta(days=6)))
        return [Truth("child_seen_after_review", "IRO08", child, "iro_review_details",
                      reviews.get(row, "clar_cla_review_id"))]
    return None


def review_record_sent_late(council: Council) -> list[Truth] | None:
    forms = council.table("iro_review_details")
    reviews = council.table("ssd_cla_reviews")
    wd = council.working_days()
    for child, row, form in council.pick(_review_forms_in_year(council)):
        held = _date(reviews.get(row, "clar_cla_review_date"))
        sent = _date(forms.get(form, "irrd_record_distributed_date"))
        late = wd.add(held, 35)
        if sent is None or wd.between(held, sent) > 20 or late > council.as_at:
            continue
        council.take(child)
        forms.set(form, "irrd_record_distributed_date", council.d(late))
        return [Truth("review_record_sent_late", "IRO09", child, "iro_review_details",
                      reviews.get(row, "clar_cla_review_id"))]
    return None


def dispute_left_open(council: Council) -> list[Truth] | None:
    disputes = council.table("iro_disputes")
    candidates = []
    for row in disputes.rows:
        due = _date(disputes.get(row, "irod_response_due_date"))
        if disputes.get(row, "irod_outcome") == "RESOLVED" and due and due < council.as_at \
                and disputes.get(row, "irod_reason") != "EXCELLENT_PRACTICE":
            candidates.append((disputes.get(row, "irod_person_id"), row))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    disputes.set(row, "irod_resolved_date", "")
    disputes.set(row, "irod_outcome", "OPEN")
    return [Truth("dispute_left_open", "IRO10", child, "iro_disputes", disputes.get(row, "irod_dispute_id"))]


def _iro_involvements(council: Council, child: str) -> list[list[str]]:
    table = council.table("ssd_involvements")
    iro = council.style.mapped("involvement_role", "IRO", random.Random(0))
    values = set(council.style._values["involvement_role"].get("IRO", ())) | {iro}
    return sorted((r for r in table.where(invo_person_id=child) if table.get(r, "invo_professional_role_id") in values),
                  key=lambda r: table.get(r, "invo_involvement_start_date"))


def iro_allocated_late(council: Council) -> list[Truth] | None:
    table = council.table("ssd_involvements")
    wd = council.working_days()
    for child, rows in council.pick(_single_periods(council)):
        start = _date(rows[0]["DECOM"])
        if start < council.year_start or start + timedelta(days=40) > council.as_at:
            continue
        involvements = _iro_involvements(council, child)
        covering = [r for r in involvements if _date(table.get(r, "invo_involvement_start_date")) <= start
                    and (not table.get(r, "invo_involvement_end_date")
                         or _date(table.get(r, "invo_involvement_end_date")) > start)]
        if len(involvements) < 1 or covering and len(covering) != 1:
            continue
        first = min(involvements, key=lambda r: table.get(r, "invo_involvement_start_date"))
        first_start = _date(table.get(first, "invo_involvement_start_date"))
        if wd.between(start, max(first_start, start)) > 5:
            continue  # already late: not an error we planted
        late = wd.add(start, 12)
        end = _date(table.get(first, "invo_involvement_end_date"))
        if end is not None and end <= late:
            continue
        council.take(child)
        table.set(first, "invo_involvement_start_date", council.d(late))
        return [Truth("iro_allocated_late", "IRO06", child, "ssd_cla_episodes", rows[0]["period_of_care_id"] + "#iro")]
    return None


def iro_not_allocated(council: Council) -> list[Truth] | None:
    table = council.table("ssd_involvements")
    for child, rows in council.pick(_single_periods(council, closed=False)):
        start = _date(rows[0]["DECOM"])
        if start + timedelta(days=60) > council.as_at:
            continue
        involvements = _iro_involvements(council, child)
        current = [r for r in involvements if not table.get(r, "invo_involvement_end_date")]
        if len(current) != 1 or _date(table.get(current[0], "invo_involvement_start_date")) > council.as_at - timedelta(days=30):
            continue
        council.take(child)
        table.set(current[0], "invo_involvement_end_date", council.d(council.as_at - timedelta(days=20)))
        return [Truth("iro_not_allocated", "IRO07", child, "ssd_cla_episodes", rows[0]["period_of_care_id"] + "#iro")]
    return None


def _care_statuses(council: Council, child: str) -> list[list[str]]:
    table = council.table("ssd_legal_status")
    return sorted(table.where(lega_person_id=child), key=lambda r: table.get(r, "lega_legal_status_start_date"))


def _legal_status_code(council: Council, value: str) -> str | None:
    for code, values in council.style._values["legal_status"].items():
        if value in values:
            return code
    return value or None


def legal_status_not_mapped(council: Council) -> list[Truth] | None:
    """An unmapped value on a status that is not a care status (a special guardianship order)."""
    table = council.table("ssd_legal_status")
    candidates = [(table.get(r, "lega_person_id"), r) for r in table.rows
                  if _legal_status_code(council, table.get(r, "lega_legal_status")) in ("SGO", "CAO", "SO")]
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    table.set(row, "lega_legal_status", UNMAPPED_TEXT)
    return [Truth("legal_status_not_mapped", "MAP01", child, "ssd_legal_status", table.get(row, "lega_legal_status_id"))]


def section_20_left_open(council: Council) -> list[Truth] | None:
    """Section 20 (V2) not ended when a care order began: the two overlap."""
    table = council.table("ssd_legal_status")
    for child, rows in council.pick(_single_periods(council)):
        statuses = _care_statuses(council, child)
        for earlier, later in pairwise(statuses):
            if _legal_status_code(council, table.get(earlier, "lega_legal_status")) != "V2" or \
                    _legal_status_code(council, table.get(later, "lega_legal_status")) not in ("C1", "C2"):
                continue
            start = _date(table.get(later, "lega_legal_status_start_date"))
            end = _date(table.get(earlier, "lega_legal_status_end_date"))
            later_end = _date(table.get(later, "lega_legal_status_end_date"))
            if end != start or start < council.year_start or (later_end and later_end <= start + timedelta(days=20)):
                continue
            council.take(child)
            table.set(earlier, "lega_legal_status_end_date", council.d(start + timedelta(days=20)))
            return [Truth("section_20_left_open", "CR02", child, "ssd_legal_status",
                          table.get(later, "lega_legal_status_id"))]
    return None


def _missing_in_year(council: Council) -> list[tuple[str, list[str]]]:
    """(child, ssd_missing row) of closed missing episodes in the checked year of single-period children."""
    table = council.table("ssd_missing")
    periods = {child: rows for child, rows in _single_periods(council)}
    out = []
    for row in table.rows:
        child = table.get(row, "miss_person_id")
        start, end = _date(table.get(row, "miss_missing_episode_start_date")), _date(table.get(row, "miss_missing_episode_end_date"))
        if child not in periods or start is None or end is None:
            continue
        if council.year_start <= start and end <= council.year_end:
            out.append((child, row))
    return out


def missing_type_not_mapped(council: Council) -> list[Truth] | None:
    chosen = council.take_first(_missing_in_year(council))
    if chosen is None:
        return None
    child, row = chosen
    table = council.table("ssd_missing")
    table.set(row, "miss_missing_episode_type", UNMAPPED_TEXT)
    record = table.get(row, "miss_table_id")
    return [Truth("missing_type_not_mapped", rule, child, "ssd_missing", record) for rule in ("565", "566", "MAP01")]


def missing_ends_before_it_starts(council: Council) -> list[Truth] | None:
    chosen = council.take_first(_missing_in_year(council))
    if chosen is None:
        return None
    child, row = chosen
    table = council.table("ssd_missing")
    start = _date(table.get(row, "miss_missing_episode_start_date"))
    table.set(row, "miss_missing_episode_end_date", council.d(start - timedelta(days=2)))
    record = table.get(row, "miss_table_id")
    return [Truth("missing_ends_before_it_starts", rule, child, "ssd_missing", record) for rule in ("567", "GX-MIS-02")]


def missing_overlaps_the_one_before(council: Council) -> list[Truth] | None:
    """A child in care who went missing once in the year, for three days, recorded twice: the placement's
    report, and the social worker's own entry with the day she was told as the start, before the first
    record's episode ended (574 on the second record). Both are closed and inside her one period of care,
    so nothing else changes. The episode is added (missing episodes are few, and the kinds before this
    one have taken the children who have them), to a child with no missing episode at all."""
    table = council.table("ssd_missing")
    missing_children = {table.get(row, "miss_person_id") for row in table.rows}
    candidates = []
    for child, rows in _single_periods(council):
        if child in missing_children:
            continue
        began, ended = _date(rows[0]["DECOM"]), _date(rows[-1]["DEC"])
        went = max(began, council.year_start) + timedelta(days=30)
        if went + timedelta(days=3) <= min(ended or council.year_end, council.year_end) - timedelta(days=30):
            candidates.append((child, went))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, went = chosen
    came_back = went + timedelta(days=3)
    first = max((int(table.get(r, "miss_table_id")) for r in table.rows), default=1000000) + 1
    for record, start in ((first, went), (first + 1, went + timedelta(days=1))):
        table.append({"miss_table_id": str(record), "miss_person_id": child,
                      "miss_missing_episode_start_date": council.d(start),
                      "miss_missing_episode_end_date": council.d(came_back),
                      "miss_missing_episode_type": council.mapped("missing_type", "M"),
                      "miss_missing_rhi_offered": "Y", "miss_missing_rhi_accepted": "N"})
    return [Truth("missing_overlaps_the_one_before", "574", child, "ssd_missing", str(first + 1))]


def _started_in_year_with_previous_permanence(council: Council, codes: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    table = council.table("ssd_cla_previous_permanence")
    by_child: dict[str, list[list[str]]] = defaultdict(list)
    for row in table.rows:
        by_child[table.get(row, "lapp_person_id")].append(row)
    out = []
    for child, rows in _single_periods(council):
        if _date(rows[0]["DECOM"]) < council.year_start or len(by_child.get(child, [])) != 1:
            continue
        row = by_child[child][0]
        if table.get(row, "lapp_previous_permanence_option") in codes:
            out.append((child, row))
    return out


def previous_permanence_missing(council: Council) -> list[Truth] | None:
    chosen = council.take_first(_started_in_year_with_previous_permanence(council, ("Z1",)))
    if chosen is None:
        return None
    child, row = chosen
    table = council.table("ssd_cla_previous_permanence")
    table.rows.remove(row)
    table.changed = True
    return [Truth("previous_permanence_missing", "630", child, "ssd_person", child)]


def previous_permanence_not_a_code(council: Council) -> list[Truth] | None:
    chosen = council.take_first(_started_in_year_with_previous_permanence(council, ("P1", "P2", "P3")))
    if chosen is None:
        return None
    child, row = chosen
    table = council.table("ssd_cla_previous_permanence")
    table.set(row, "lapp_previous_permanence_option", "P9")
    record = table.get(row, "lapp_table_id")
    return [Truth("previous_permanence_not_a_code", rule, child, "ssd_cla_previous_permanence", record)
            for rule in ("631", "GX-PPO-01")]


def sdq_score_out_of_range(council: Council) -> list[Truth] | None:
    """The year's latest SDQ of a child in the OC2 cohort (looked after from before 1 April of last year)."""
    table = council.table("ssd_sdq_scores")
    periods = {child: rows for child, rows in _single_periods(council, closed=False)}
    latest: dict[str, list[str]] = {}
    for row in table.rows:
        child = table.get(row, "csdq_person_id")
        done = _date(table.get(row, "csdq_sdq_completed_date"))
        if child not in periods or done is None or not council.year_start <= done <= council.year_end:
            continue
        if _date(periods[child][0]["DECOM"]) >= council.year_start - timedelta(days=366):
            continue
        if not table.get(row, "csdq_sdq_score"):
            continue
        if child not in latest or table.get(latest[child], "csdq_sdq_completed_date") < table.get(row, "csdq_sdq_completed_date"):
            latest[child] = row
    chosen = council.take_first(sorted(latest.items()))
    if chosen is None:
        return None
    child, row = chosen
    table.set(row, "csdq_sdq_score", "45")
    record = table.get(row, "csdq_table_id")
    return [Truth("sdq_score_out_of_range", rule, child, "ssd_sdq_scores", record) for rule in ("180", "GX-SDQ-01")]


def in_touch_not_a_code(council: Council) -> list[Truth] | None:
    """The contact the OC3 return uses: the one nearest a 17th-21st birthday in the checked year."""
    truth = {r["CHILD"]: r for r in council.truth_rows("care_leavers")
             if r["BIRTHDAY"] and council.year_start <= _date(r["BIRTHDAY"]) <= council.year_end
             and r["LEFT_CARE"] and _date(r["LEFT_CARE"]) < _date(r["BIRTHDAY"])}
    table = council.table("ssd_care_leavers")
    candidates = []
    for child, facts in truth.items():
        rows = [r for r in table.where(clea_person_id=child) if table.get(r, "clea_care_leaver_latest_contact")]
        birthday = _date(facts["BIRTHDAY"])
        near = [r for r in rows if birthday - timedelta(days=92) <= _date(table.get(r, "clea_care_leaver_latest_contact"))
                <= birthday + timedelta(days=28)]
        if len(near) == 1 and len(rows) == 1:
            candidates.append((child, near[0]))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    table.set(row, "clea_care_leaver_in_touch", "MAYBE")
    record = table.get(row, "clea_table_id")
    return [Truth("in_touch_not_a_code", rule, child, "ssd_care_leavers", record) for rule in ("131", "GX-CLE-01")]


def _social_worker_allocations(council: Council) -> list[tuple[str, list[str]]]:
    """(child, involvement) of social workers allocated in the checked year to single-period children."""
    table = council.table("ssd_involvements")
    social_worker = set(council.style._values["involvement_role"].get("SOCIAL_WORKER", ()))
    periods = {child for child, _ in _single_periods(council)}
    out = []
    for row in table.rows:
        child = table.get(row, "invo_person_id")
        start = _date(table.get(row, "invo_involvement_start_date"))
        end = _date(table.get(row, "invo_involvement_end_date"))
        if child not in periods or table.get(row, "invo_professional_role_id") not in social_worker:
            continue
        if start and council.year_start <= start and end and end <= council.year_end and (end - start).days > 20:
            out.append((child, row))
    return out


def social_worker_change_reason_not_a_code(council: Council) -> list[Truth] | None:
    chosen = council.take_first(_social_worker_allocations(council))
    if chosen is None:
        return None
    child, row = chosen
    table = council.table("ssd_involvements")
    table.set(row, "invo_worker_change_reason", "NEWSW")
    record = table.get(row, "invo_involvements_id")
    return [Truth("social_worker_change_reason_not_a_code", rule, child, "ssd_involvements", record)
            for rule in ("SW13STG1", "GX-INV-04")]


def social_worker_ends_before_start(council: Council) -> list[Truth] | None:
    chosen = council.take_first(_social_worker_allocations(council))
    if chosen is None:
        return None
    child, row = chosen
    table = council.table("ssd_involvements")
    start = _date(table.get(row, "invo_involvement_start_date"))
    table.set(row, "invo_involvement_end_date", council.d(start - timedelta(days=1)))
    record = table.get(row, "invo_involvements_id")
    truth = [Truth("social_worker_ends_before_start", rule, child, "ssd_involvements", record)
             for rule in ("SW18STG2", "SW09STG2", "GX-INV-03")]
    # the next worker, who took over on the old end date (20 days or more later), now starts more than 7
    # days after this allocation "ended" (SW10aSTG2), unless that allocation is a first contact
    social_worker = set(council.style._values["involvement_role"].get("SOCIAL_WORKER", ()))
    following = [r for r in table.where(invo_person_id=child)
                 if table.get(r, "invo_professional_role_id") in social_worker
                 and _date(table.get(r, "invo_involvement_start_date")) > start]
    if following:
        after = min(following, key=lambda r: (table.get(r, "invo_involvement_start_date"), table.get(r, "invo_involvements_id")))
        if (_date(table.get(after, "invo_involvement_start_date")) <= council.year_end
                and table.get(after, "invo_worker_change_reason") != "FCONTA"):
            truth.append(Truth("social_worker_ends_before_start", "SW10aSTG2", child, "ssd_involvements",
                               table.get(after, "invo_involvements_id")))
    return truth


def supported_accommodation_under_16(council: Council) -> list[Truth] | None:
    """A closed K2 placement of a child aged 12-14 recorded as K3 (supported accommodation)."""
    table = council.table("ssd_cla_placement")
    candidates = []
    for child, row in _placements_in_year(council, ("K2",), with_urn=True):
        start = _date(table.get(row, "clap_cla_placement_start_date"))
        age = council.age(child, start)
        if age is not None and 12 <= age <= 14 and table.get(row, "clap_cla_placement_end_date"):
            candidates.append((child, row))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row = chosen
    table.set(row, "clap_cla_placement_type", "K3")
    return [Truth("supported_accommodation_under_16", "371", child, "ssd_cla_placement",
                  table.get(row, "clap_cla_placement_id"))]


def unloadable_date(council: Council) -> list[Truth] | None:
    """A statutory visit dated 31 February: the row cannot be loaded and is quarantined."""
    table = council.table("ssd_cla_visits")
    candidates = council.pick([(table.get(r, "clav_person_id"), i) for i, r in enumerate(table.rows)
                               if table.get(r, "clav_person_id")])
    if not candidates:
        return None
    child, index = candidates[0]
    council.take(child)
    table.set(table.rows[index], "clav_cla_visit_date", "2026-02-31")
    record = f"ssd_cla_visits.csv:{index + 2}:clav_cla_visit_date"
    return [Truth("unloadable_date", "ING01", child, "ssd_cla_visits", record)]


def repeated_row(council: Council) -> list[Truth] | None:
    """A statutory visit exported twice (the repeat is dropped at load)."""
    table = council.table("ssd_cla_visits")
    candidates = council.pick([(table.get(r, "clav_person_id"), i) for i, r in enumerate(table.rows)
                               if table.get(r, "clav_person_id")])
    if not candidates:
        return None
    child, index = candidates[0]
    council.take(child)
    table.rows.append(list(table.rows[index]))
    table.changed = True
    record = f"ssd_cla_visits.csv:{len(table.rows) + 1}:"
    return [Truth("repeated_row", "ING02", "", "ssd_cla_visits", record)]


def _adopted_in_year(council: Council) -> list[tuple[str, list[dict], list[str]]]:
    """Children adopted (E11/E12) in the latest complete year, with their period of care and their one
    permanence record with an adoption decision (the record AD1 and PlacedAdoption are taken from)."""
    table = council.table("ssd_permanence")
    records: dict[str, list[list[str]]] = defaultdict(list)
    for row in table.rows:
        if table.get(row, "perm_adm_decision_date"):
            records[table.get(row, "perm_person_id")].append(row)
    out = []
    for child, rows in _ended_in_year(council, ("E11", "E12"), started_in_year=False):
        if len(records.get(child, [])) == 1 and table.get(records[child][0], "perm_matched_date"):
            out.append((child, rows, records[child][0]))
    return out


def adoption_matched_date_missing(council: Council) -> list[Truth] | None:
    """The date the adopted child was matched with her adopters left blank: AD1 has some items but not all
    (151) although the episodes show the adoption (601)."""
    chosen = council.take_first(_adopted_in_year(council))
    if chosen is None:
        return None
    child, _, row = chosen
    table = council.table("ssd_permanence")
    table.set(row, "perm_matched_date", "")
    record = table.get(row, "perm_table_id")
    return [Truth("adoption_matched_date_missing", rule, child, "ssd_permanence", record) for rule in ("151", "601")]


def adoption_matched_on_adoption_day(council: Council) -> list[Truth] | None:
    """The adoption order's date typed as the date matched with the adopters (582, 331)."""
    chosen = council.take_first(_adopted_in_year(council))
    if chosen is None:
        return None
    child, rows, row = chosen
    table = council.table("ssd_permanence")
    table.set(row, "perm_matched_date", council.d(_date(rows[-1]["DEC"])))
    record = table.get(row, "perm_table_id")
    # matched on the adoption day is also matched after the adoption placement began (331)
    return [Truth("adoption_matched_on_adoption_day", rule, child, "ssd_permanence", record) for rule in ("582", "331")]


def missing_dated_outside_care(council: Council) -> list[Truth] | None:
    """A missing episode (of a child with one period of care) typed with dates when the child was not looked
    after: three weeks before her period of care began in the year, or just after it ended in it (581; the
    second is also 'starts after the child ceased to be looked after', 578)."""
    table = council.table("ssd_missing")
    periods = {child: rows for child, rows in _single_periods(council)}
    candidates = []
    for row in table.rows:
        child = table.get(row, "miss_person_id")
        if child not in periods or not (table.get(row, "miss_missing_episode_start_date")
                                        and table.get(row, "miss_missing_episode_end_date")):
            continue
        began, ended = _date(periods[child][0]["DECOM"]), _date(periods[child][-1]["DEC"])
        if began - timedelta(days=21) >= council.year_start:
            candidates.append((child, row, began - timedelta(days=21)))
        elif ended is not None and ended + timedelta(days=5) <= council.year_end:
            candidates.append((child, row, ended + timedelta(days=3)))
    chosen = council.take_first(candidates)
    if chosen is None:
        return None
    child, row, went_missing = chosen
    table.set(row, "miss_missing_episode_start_date", council.d(went_missing))
    table.set(row, "miss_missing_episode_end_date", council.d(went_missing + timedelta(days=2)))
    record = table.get(row, "miss_table_id")
    after_care = went_missing > _date(periods[child][0]["DECOM"])
    return [Truth("missing_dated_outside_care", rule, child, "ssd_missing", record)
            for rule in (("581", "578") if after_care else ("581",))]


def missing_start_date_unreadable(council: Council) -> list[Truth] | None:
    """A missing episode's start typed as 31 June: the row cannot be loaded (ING01) and the DfE's
    'start date of the missing episode is not a valid date' (1004) is raised for the same child and row."""
    table = council.table("ssd_missing")
    in_year = []
    for row in table.rows:
        try:
            start = _date(table.get(row, "miss_missing_episode_start_date"))
        except ValueError:  # planted already (a bigger council plants a kind more than once)
            continue
        if start is not None and council.year_start <= start <= council.year_end:
            in_year.append((table.get(row, "miss_person_id"), row))
    chosen = council.take_first(in_year)
    if chosen is None:
        return None
    child, row = chosen
    start = _date(table.get(row, "miss_missing_episode_start_date"))
    table.set(row, "miss_missing_episode_start_date", f"{start.year}-06-31")
    record = f"ssd_missing.csv:{table.rows.index(row) + 2}:miss_missing_episode_start_date"
    return [Truth("missing_start_date_unreadable", rule, child, "ssd_missing", record) for rule in ("ING01", "1004")]


# --- running the kinds -----------------------------------------------------------------------------------

from dagster_project.synth.errors_adoption import KINDS as ADOPTION_KINDS  # after the helpers it imports
from dagster_project.synth.errors_location import KINDS as LOCATION_KINDS  # after the helpers it uses
from dagster_project.synth.errors_social_workers import KINDS as SOCIAL_WORKER_KINDS  # same

KINDS = [
    sex_not_mapped, sex_unknown, date_of_birth_missing, date_of_birth_in_future, date_of_birth_estimated,
    upn_malformed, upn_duplicated, upn_missing, un1_for_school_age, un4_for_long_stay, ethnicity_not_a_code,
    mother_without_child, category_of_need_not_a_code, category_of_need_changed, placement_type_retired,
    placement_type_missing, provider_not_a_code, provider_missing, provider_parents_for_foster_care,
    urn_for_placement_with_parents, urn_missing, urn_xxxxxxx_for_childrens_home, urn_malformed,
    change_reason_not_a_code, change_reason_missing, episode_ends_before_it_starts, episode_ends_the_day_it_starts,
    reason_ceased_not_mapped, stayed_put_under_18, independent_living_under_14, adult_services_under_16,
    reason_new_episode_contradicts, participation_not_mapped, participation_missing, pn0_for_a_child_over_four,
    pn1_for_a_child_under_four, review_outside_care, child_seen_after_review, review_record_sent_late,
    dispute_left_open, iro_allocated_late, iro_not_allocated, legal_status_not_mapped, section_20_left_open,
    missing_type_not_mapped, missing_ends_before_it_starts, previous_permanence_missing,
    previous_permanence_not_a_code, sdq_score_out_of_range, in_touch_not_a_code,
    social_worker_change_reason_not_a_code, social_worker_ends_before_start, supported_accommodation_under_16,
    unloadable_date, repeated_row, adoption_matched_date_missing, adoption_matched_on_adoption_day,
    missing_dated_outside_care, missing_start_date_unreadable, *LOCATION_KINDS, *SOCIAL_WORKER_KINDS,
] + ADOPTION_KINDS
# the history rules' kinds live in their own module, which imports this one (so here, at the end)
from dagster_project.synth.errors_history import KINDS as HISTORY_KINDS

KINDS += HISTORY_KINDS
# planted last: few children go missing, and the kinds above pick theirs first
KINDS.append(missing_overlaps_the_one_before)
# the same: few children are placed with their parents
KINDS += [own_provision_for_placement_with_parents, other_council_for_placement_with_parents]
KINDS.append(provider_on_temporary_placement)  # added last, so the kinds before keep their picks
from dagster_project.synth.errors_cohorts import KINDS as COHORT_KINDS  # the cohort, code and missing rules
from dagster_project.synth.errors_episodes import KINDS as EPISODE_KINDS  # imports this module
from dagster_project.synth.errors_integrity import KINDS as INTEGRITY_KINDS  # PlacedAdoption and PrevPerm
from dagster_project.synth.errors_integrity import adoption_decision_reversed_without_reason

# After every kind above, so they keep their picks. A small council has few children with an adoption
# decision or placement, and three of these kinds want one: in this order each finds a child in the
# 100-child council of tests/quality/test_nightly_quality.py, which plants every kind.
_ADOPTION_PLACEMENT = "adoption_placement_recorded_as_with_current_foster_carers"
KINDS += [kind for kind in EPISODE_KINDS if kind.__name__ == _ADOPTION_PLACEMENT]
KINDS.append(adoption_decision_reversed_without_reason)
KINDS += [kind for kind in EPISODE_KINDS if kind.__name__ != _ADOPTION_PLACEMENT]
KINDS += COHORT_KINDS + INTEGRITY_KINDS
from dagster_project.synth.errors_more import KINDS as MORE_KINDS

KINDS += MORE_KINDS  # rules no module above plants; after every kind above, so they keep their picks


def inject_errors(folder: Path, rate: float, seed: int, style: str, as_at: date) -> list[Truth]:
    """Plant every kind of error in the extract at ``folder`` and write the truth beside it."""
    if rate <= 0:
        return []
    council = Council(Path(folder), Style(style), as_at, random.Random(f"{seed}:errors"))
    per_kind = max(1, round(rate * council.looked_after_on_extract_date()))
    truth: list[Truth] = []
    for kind in KINDS:
        for _ in range(per_kind):
            planted = kind(council)
            if not planted:
                break
            truth += planted
    for table in council.tables.values():
        table.save()
    with open(Path(folder) / "_truth" / TRUTH_FILE, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(TRUTH_COLUMNS)
        writer.writerows([t.kind, t.rule_code, t.child, t.record_table, t.record_id, t.note] for t in truth)
    return truth
