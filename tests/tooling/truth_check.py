"""Development self-check: turn an extract's truth into 903 files and run the DfE's validator on them.

    uv run python -m tests.tooling.truth_check landing/2026-11-23T0200 --year 2024-25 --year 2025-26

For each collection year ("2025-26", the project's one spelling; the validator's end year is made at
its edge, in dfe_validator.py) this writes the 903 CSV files the
truth implies, as a council would submit them (Header, Episodes, Reviews, UASC, PrevPerm, Missing, OC2,
OC3, AD1, PlacedAdoption), and the previous year's files the same way, then runs the public validator
through the project's harness (tests/tooling/dfe_validator.py: csc-validator-be-903 in its own cached
environment, because it needs pandas < 2) with both and reports the errors by rule. SWEpisodes are not
produced, so the social worker rules (SW*) are skipped, and without Ofsted's provider lists the URN
lookups (1008, 219, 221, 224, 227-229) are skipped too.

Validator 0.1.17 raises some errors on correct data; they are reported as defects, never hidden:
- whole rules: KNOWN_DEFECTS (crashes, SEX 1/2 tests);
- on some rows only, each checked against the data (``classify``): 146 in 2024-25 on K3 (spelled "k3"),
  218 on short-break episodes (no URN, as rule 214 demands), 361/362 joining two separate police
  protections (EPOs) of a year into one spell, 187/191 counting a child who left on 31 March as looked
  after then, 624 on mothers who left care (rules 628/612 blank their details), 1001/1002 on care
  leavers whose care was before the two years loaded, 1016 ageing in numpy years;
- any other rule that raises nothing when run on its own: earlier rules change the shared tables in
  place (e.g. 365 fills open episodes' DEC), which is how 575/577 see a missing spell open at 31 March.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from collections import defaultdict
from datetime import date
from pathlib import Path

from dagster_project.lib.returns.files import RETURN_FILES
from dagster_project.synth.reference import council
from tests.tooling.dfe_validator import normalise_collection_year
from tests.tooling.dfe_validator import run_validator as run_dfe_validator

return_files = {return_file.name: return_file for return_file in RETURN_FILES}

# Rules that fire on correct data in validator 0.1.17 (see shared/domain/ssda903.md section 4.6).
KNOWN_DEFECTS = {
    "231": "crashes (KeyError UASC_STATUS)",
    "233": "crashes (KeyError DATE_EPISODE_CEASED)",
    "SW17STG2": "no SWEpisodes table supplied",
    "165": "tests SEX 1/2",
    "202": "compares SEX with a 1/2 coded previous year",
}
# Rules that are defects only on some rows: (rule, collection year or None) -> test on the Episodes row
KNOWN_ON_ROWS = {
    ("146", "2024-25"): ("2024-25 list spells K3 as 'k3'", lambda ep: ep["PLACE"] == "K3"),
    # short breaks carry no placement location (rules 214/398/420: no URN, no postcodes), but 218
    # still asks a URN of every K2/U1-U6 episode: the two rules cannot both pass on V3/V4 episodes
    ("218", None): ("218 has no V3/V4 exemption and contradicts 214", lambda ep: ep["LS"] in ("V3", "V4")),
}

# the return's columns, from the same seed the warehouse writes the files from
# (seeds/ssda903/ssda903_return_columns.csv), keyed by this module's names for the files
COLUMNS = {name: list(return_files[table].columns) for name, table in {
    "header": "Header", "episodes": "Episodes", "reviews": "Reviews", "uasc": "UASC", "prevperm": "PrevPerm",
    "missing": "Missing", "ad1": "AD1", "placed_adoption": "PlacedAdoption", "oc3": "OC3", "oc2": "OC2",
}.items()}


def _read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _d(iso: str) -> date | None:
    return date.fromisoformat(iso) if iso else None


def _fmt(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def _eighteenth(dob: date) -> date:
    try:
        return dob.replace(year=dob.year + 18)
    except ValueError:
        return dob.replace(year=dob.year + 18, day=28)


def year_bounds(collection_year: str) -> tuple[date, date]:
    """1 April and 31 March of a collection year ("2025-26")."""
    first = int(collection_year[:4])
    return date(first, 4, 1), date(first + 1, 3, 31)


def previous_year(collection_year: str) -> str:
    first = int(collection_year[:4]) - 1
    return f"{first}-{(first + 1) % 100:02d}"


def sex_code(sex: str, collection_year: str) -> str:
    """SEX as the return for a year wants it: 1/2 until 2023-24, M/F/U from 2024-25 (rule 101)."""
    return {"M": "1", "F": "2"}.get(sex, sex) if collection_year <= "2023-24" else sex


def build_year(truth: Path, collection_year: str, sex_year: str | None = None) -> dict[str, list[list[str]]]:
    """The 903 tables for a collection year ("2025-26"), from the truth.

    ``sex_year``: code SEX as that year's return does (a previous year's files are recoded to the
    checked year's convention, as the DfE portal holds them)."""
    start, end = year_bounds(collection_year)
    sex_year = sex_year or collection_year
    children = {r["CHILD"]: r for r in _read(truth / "children.csv")}
    episodes = []
    for e in _read(truth / "episodes.csv"):
        decom, dec = _d(e["DECOM"]), _d(e["DEC"])
        if decom <= end and (dec is None or dec >= start):
            open_at_end = dec is None or dec > end
            episodes.append(
                (
                    e["CHILD"],
                    decom,
                    [
                        e["CHILD"],
                        _fmt(decom),
                        e["RNE"],
                        e["LS"],
                        e["CIN"],
                        e["PLACE"],
                        e["PLACE_PROVIDER"],
                        "" if open_at_end else _fmt(dec),
                        "" if open_at_end else e["REC"],
                        "" if open_at_end else e["REASON_PLACE_CHANGE"],
                        e["HOME_POST"],
                        e["PL_POST"],
                        e["URN"],
                    ],
                    e["LS"],
                    e["RNE"],
                    e["period_of_care_id"],
                )
            )
    episodes.sort(key=lambda x: (int(x[0]), x[1]))
    in_year = defaultdict(list)
    for child, _, _, ls, _, _ in episodes:
        in_year[child].append(ls)
    header, uasc, reviews, prevperm, missing = [], [], [], [], []
    for child in sorted(in_year, key=int):
        c = children[child]
        dob = _d(c["DOB"])
        only_short_breaks = all(ls in ("V3", "V4") for ls in in_year[child])
        mother = ""
        mc_dob = _d(c["MC_DOB"])
        if c["SEX"] == "F" and not only_short_breaks:
            mother = "1" if mc_dob and mc_dob <= end else "0"
        sex = sex_code(c["SEX"], sex_year)
        header.append(
            [child, sex, _fmt(dob), c["ETHNIC"], c["UPN"], mother, _fmt(mc_dob) if mother == "1" else ""]
        )
        if c["UASC"] == "1":
            duc = _d(c["DUC"])
            uasc.append([child, sex, _fmt(dob), _fmt(duc if duc and duc <= end else _eighteenth(dob))])
    # care leavers whose 17th to 21st birthday falls in the year, not looked after on it (rules 1007,
    # 1016: a 17 or 18 year old who left care on or after the birthday is not in the cohort); those not
    # looked after this year are in the Header without motherhood details (rule 628)
    leavers = [
        c
        for c in _read(truth / "care_leavers.csv")
        if start <= _d(c["BIRTHDAY"]) <= end and _d(c["LEFT_CARE"]) < _d(c["BIRTHDAY"])
    ]
    for c in sorted(leavers, key=lambda c: int(c["CHILD"])):
        if c["CHILD"] not in in_year:
            k = children[c["CHILD"]]
            header.append(
                [k["CHILD"], sex_code(k["SEX"], sex_year), _fmt(_d(k["DOB"])), k["ETHNIC"], k["UPN"], "", ""]
            )
    dobs = {row[0]: row[2] for row in header}
    oc3 = [[c["CHILD"], dobs[c["CHILD"]], c["IN_TOUCH"], c["ACTIV"], c["ACCOM"]] for c in leavers]
    short_break_only = {child for child, lss in in_year.items() if all(ls in ("V3", "V4") for ls in lss)}
    for r in _read(truth / "reviews.csv"):
        held = _d(r["REVIEW"])
        if (
            r["cancelled"] == "0"
            and start <= held <= end
            and r["CHILD"] in dobs
            and r["CHILD"] not in short_break_only
        ):
            reviews.append([r["CHILD"], dobs[r["CHILD"]], _fmt(held), r["REVIEW_CODE"]])
    starts = {}
    for child, decom, _, _, rne, cla_id in episodes:
        if rne == "S" and decom >= start:
            starts[child] = cla_id  # the latest period started in the year
    for p in _read(truth / "previous_permanence.csv"):
        if starts.get(p["CHILD"]) == p["period_of_care_id"]:
            prevperm.append(
                [p["CHILD"], dobs[p["CHILD"]], p["PREV_PERM"], p["LA_PERM"], p["DATE_PERM"].upper()]
            )
    for m in _read(truth / "missing.csv"):
        s, e = _d(m["MIS_START"]), _d(m["MIS_END"])
        if m["CHILD"] in dobs and s <= end and (e is None or e >= start):
            missing.append(
                [m["CHILD"], dobs[m["CHILD"]], m["MISSING"], _fmt(s), "" if e is None or e > end else _fmt(e)]
            )
    # adoption: AD1 for children adopted in the year; PlacedAdoption for decisions in force in the year
    adopted_in_year = {e[0] for e in episodes if e[2][8] in ("E11", "E12")}
    ad1, placed = [], []
    for a in _read(truth / "adoption.csv"):
        child, decided, ceased = a["CHILD"], _d(a["DATE_INT"]), _d(a["DATE_PLACED_CEASED"])
        if child not in dobs or decided > end or (ceased is not None and ceased < start):
            continue
        shown = ceased if ceased is not None and ceased <= end else None
        placed.append(
            [child, dobs[child], _fmt(decided), _fmt(shown), a["REASON_PLACED_CEASED"] if shown else ""]
        )
        if child in adopted_in_year:
            ad1.append(
                [
                    child,
                    dobs[child],
                    _fmt(decided),
                    _fmt(_d(a["DATE_MATCH"])),
                    a["FOSTER_CARE"],
                    a["NB_ADOPTR"],
                    a["SEX_ADOPTR"],
                    a["LS_ADOPTR"],
                ]
            )
    oc2 = [
        [o["CHILD"], dobs[o["CHILD"]], *list(o.values())[2:]]
        for o in _read(truth / "oc2.csv")
        if o["YEAR_ENDING"] == end.isoformat() and o["CHILD"] in dobs
    ]
    return {
        "oc3": oc3,
        "oc2": oc2,
        "ad1": ad1,
        "placed_adoption": placed,
        "header": header,
        "episodes": [e[2] for e in episodes],
        "reviews": reviews,
        "uasc": uasc,
        "prevperm": prevperm,
        "missing": missing,
    }


def write_year(tables: dict, folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in tables.items():
        path = folder / f"{name}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(COLUMNS[name])
            w.writerows(rows)
        paths.append(str(path))
    return paths


def run_validator(collection_year: str, this: list[str], prev: list[str],
                  rules: list[str] | None = None) -> dict:
    """The validator on one year's files, as the counts and flagged rows
    ``classify`` reads. Rules share the tables as the validator itself shares them (no isolation), so that
    ``check`` can tell a rule that only fires after another changed the data (``order_dependent``)."""
    result = run_dfe_validator(this, collection_year, council().la_code, previous_year_dir=prev,
                               selected_rules=rules, isolate_rules=False)
    rows = result.child_errors[["rule_code", "table", "row_index", "child_id"]]
    return {
        "ran": len(result.rules_run),
        "skipped": sorted(result.rules_skipped),
        "crashed": sorted(result.rules_crashed),
        "errors": result.errors_by_rule,
        "rows": [[code, table, int(row), child] for code, table, row, child in rows.itertuples(index=False)],
    }


def qualifying_care_leavers(truth: Path) -> set[str]:
    """Children whose whole history (not only the two years the validator sees) makes them relevant or
    former relevant: looked after 13 weeks since 14 and in care on or after 16."""
    dobs = {c["CHILD"]: _d(c["DOB"]) for c in _read(truth / "children.csv")}
    since_14: dict[str, int] = defaultdict(int)
    after_16: set[str] = set()
    for e in _read(truth / "episodes.csv"):
        if e["LS"] in ("V3", "V4"):
            continue
        dob, start, end = dobs[e["CHILD"]], _d(e["DECOM"]), _d(e["DEC"]) or date(2100, 1, 1)
        since_14[e["CHILD"]] += max(0, (end - max(start, _birthday(dob, 14))).days)
        if end > _birthday(dob, 16):
            after_16.add(e["CHILD"])
    return {c for c, n in since_14.items() if n >= 91 and c in after_16}


def _status_run_days(named: list[dict], row: int, status: str, year_end: date) -> int:
    """Days from the first to the last of the consecutive episodes with this legal status around a row."""
    first = last = row
    while (
        first > 0
        and named[first - 1]["CHILD"] == named[row]["CHILD"]
        and named[first - 1]["LS"] == status
        and named[first - 1]["DEC"] == named[first]["DECOM"]
    ):
        first -= 1
    while (
        last + 1 < len(named)
        and named[last + 1]["CHILD"] == named[row]["CHILD"]
        and named[last + 1]["LS"] == status
        and named[last]["DEC"] == named[last + 1]["DECOM"]
    ):
        last += 1
    start = date(*reversed([int(x) for x in named[first]["DECOM"].split("/")]))
    end_text = named[last]["DEC"]
    end = date(*reversed([int(x) for x in end_text.split("/")])) if end_text else year_end
    return (end - start).days


def _dmy(text: str) -> date:
    day, month, year = (int(x) for x in text.split("/"))
    return date(year, month, day)


def _birthday(dob: date, age: int) -> date:
    try:
        return dob.replace(year=dob.year + age)
    except ValueError:
        return dob.replace(year=dob.year + age, day=28)


def classify(result: dict, collection_year: str, tables: dict,
             leavers: frozenset | set = frozenset()) -> dict:
    """Per rule: how many flagged rows are known validator defects and how many are not."""
    year_end = year_bounds(collection_year)[1]
    episodes = tables["episodes"]
    named = [dict(zip(COLUMNS["episodes"], e)) for e in episodes]
    out: dict[str, dict[str, int]] = {}
    for code, count in result["errors"].items():
        if code == "1016":
            # the rule ages young people in numpy years of 365.2425 days: an 18th birthday on 31 March is
            # still 17 to it; checked here with the birthday itself
            dobs = {h[0]: _dmy(h[2]) for h in tables["header"]}
            left = {e["CHILD"]: _dmy(e["DEC"]) for e in named if e["REC"] not in ("", "X1")}
            end = year_end
            flagged = [
                child for c, table, _, child in result["rows"] if c == code and table.startswith("OC3")
            ]
            wrong = 0
            for child in flagged:
                age = max(a for a in range(16, 23) if _birthday(dobs[child], a) <= end)
                wrong += child in left and age in (17, 18) and left[child] >= _birthday(dobs[child], age)
            out[code] = {"known": len(flagged) - wrong, "unexpected": wrong}
            continue
        if code in KNOWN_DEFECTS:
            out[code] = {"known": count, "unexpected": 0}
            continue
        if code in ("361", "362"):
            # a second police protection (EPO) in another period of the same year: the rule's grouping of
            # consecutive episodes joins both into one long spell
            limit, status = (3, "L1") if code == "361" else (21, "L2")
            flagged = [
                row for c, table, row, _ in result["rows"] if c == code and table.startswith("Episodes")
            ]
            known = sum(1 for row in flagged if _status_run_days(named, row, status, year_end) <= limit)
            out[code] = {"known": known, "unexpected": len(flagged) - known}
            continue
        if code in ("187", "191"):
            # the validator counts a child who left care on 31 March as looked after at 31 March (its
            # DEC < collection end test), so expects OC2 answers from them and no AD1/OC3
            march = year_end.strftime("%d/%m/%Y")
            left_on_31_march = {e["CHILD"] for e in named if e["DEC"] == march and e["REC"] not in ("", "X1")}
            flagged = {(table, row, child) for c, table, row, child in result["rows"] if c == code}
            known = sum(1 for _, _, child in flagged if child in left_on_31_march)
            out[code] = {"known": known, "unexpected": len(flagged) - known}
            continue
        if code == "624":
            # a mother who left care is in the Header without motherhood details (rule 628 wants them
            # blank, rule 612 forbids MC_DOB without MOTHER), which rule 624 reads as a changed MC_DOB
            looked_after = {e[0] for e in episodes}
            flagged = [
                child for c, table, _, child in result["rows"] if c == code and table.startswith("Header")
            ]
            known = sum(1 for child in flagged if child not in looked_after)
            out[code] = {"known": known, "unexpected": len(flagged) - known}
            continue
        if code in ("1001", "1002"):
            # the validator sees two years of episodes only: a care leaver who left before them looks as if
            # never looked after (the rules' own note warns of these false positives)
            flagged = [
                child for c, table, _, child in result["rows"] if c == code and table.startswith("OC3")
            ]
            known = sum(1 for child in flagged if child in leavers)
            out[code] = {"known": known, "unexpected": len(flagged) - known}
            continue
        rule = KNOWN_ON_ROWS.get((code, collection_year)) or KNOWN_ON_ROWS.get((code, None))
        rows = [row for c, table, row, _ in result["rows"] if c == code and table.startswith("Episodes")]
        if rule and rows:
            known = sum(1 for row in rows if rule[1](named[row]))
            out[code] = {"known": known, "unexpected": len(rows) - known}
        else:
            out[code] = {"known": 0, "unexpected": count}
    return out


def check(extract: Path, years: list[str], keep: Path | None = None) -> dict:
    """Each collection year ("2025-26") checked with the previous one's files beside it."""
    truth = extract / "_truth"
    leavers = qualifying_care_leavers(truth)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = keep or Path(tmp)
        for year in years:
            this_tables = build_year(truth, year)
            this = write_year(this_tables, base / year / "this_year")
            prev_tables = build_year(truth, previous_year(year), sex_year=year)
            prev = write_year(prev_tables, base / year / "prev_year")
            result = run_validator(year, this, prev)
            result["counts"] = {name: len(rows) for name, rows in this_tables.items()}
            result["by_rule"] = classify(result, year, this_tables, leavers)
            # Rules modify the shared tables in place (e.g. 365 fills open episodes' DEC), so a later rule
            # can fire on data that is correct: a rule that raises nothing when run alone is such a case.
            suspects = [k for k, v in result["by_rule"].items() if v["unexpected"]]
            if suspects:
                alone = run_validator(year, this, prev, rules=suspects)["errors"]
                for code in suspects:
                    if not alone.get(code):
                        result["by_rule"][code] = {
                            "known": result["errors"][code],
                            "unexpected": 0,
                            "order_dependent": True,
                        }
            result["unexpected"] = {
                k: v["unexpected"] for k, v in result["by_rule"].items() if v["unexpected"]
            }
            out[year] = result
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extract", type=Path, help="an extract folder (with _truth/)")
    parser.add_argument(
        "--year", type=normalise_collection_year, action="append",
        help="collection year, e.g. 2025-26 (repeatable)"
    )
    parser.add_argument("--keep", type=Path, help="write the 903 files here instead of a temporary folder")
    args = parser.parse_args(argv)
    years = args.year or ["2024-25", "2025-26"]
    results = check(args.extract, years, args.keep)
    failed = False
    for year, r in results.items():
        print(f"{year}: {r['counts']}")
        print(f"  rules run {r['ran']}, skipped {len(r['skipped'])}, crashed {r['crashed']}")
        for code, n in sorted(r["by_rule"].items()):
            note = f" (known validator defect: {n['known']})" if n["known"] else ""
            if n.get("order_dependent"):
                note = " (validator defect: not raised when the rule runs alone)"
            print(f"  {code}: {n['unexpected'] + n['known']}{note}")
        failed |= bool(r["unexpected"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
