"""Development self-check: turn an extract's truth into 903 files and run the DfE's validator on them.

    uv run python -m dagster_project.synth.truth_check landing/2026-11-23T0200 --year 2025 --year 2026

For each collection year (named by the year it ends: 2026 = 2025/26) this writes the 903 CSV files the
truth implies, as a council would submit them (Header, Episodes, Reviews, UASC, PrevPerm, Missing), and
the previous year's files the same way, then runs the public validator (csc-validator-be-903, in its
own Python because it needs pandas < 2) with both and reports the errors by rule. OC2, OC3, AD1,
PlacedAdoption and SWEpisodes are not produced, so the rules that need them are skipped.

Known validator defects (not data errors) are listed in KNOWN_DEFECTS and reported separately.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from datetime import date
from pathlib import Path

VALIDATOR_PYTHON = os.environ.get("V903_PYTHON", "/tmp/v903/bin/python")
LA_CODE = "E06000015"
# Rules that fire on correct data in validator 0.1.17 (see shared/domain/ssda903.md section 4.6).
KNOWN_DEFECTS = {
    "231": "crashes (KeyError UASC_STATUS)",
    "233": "crashes (KeyError DATE_EPISODE_CEASED)",
    "SW17STG2": "no SWEpisodes table supplied",
    "165": "tests SEX 1/2",
    "202": "compares SEX with a 1/2 coded previous year",
}
# Rules that are defects only on some rows: (rule, year or None) -> test on the Episodes row
KNOWN_ON_ROWS = {
    ("146", 2025): ("2024/25 list spells K3 as 'k3'", lambda ep: ep["PLACE"] == "K3"),
    # short breaks carry no placement location (rules 214/398/420: no URN, no postcodes), but 218
    # still asks a URN of every K2/U1-U6 episode: the two rules cannot both pass on V3/V4 episodes
    ("218", None): ("218 has no V3/V4 exemption and contradicts 214", lambda ep: ep["LS"] in ("V3", "V4")),
}

COLUMNS = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes": ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "uasc": ["CHILD", "SEX", "DOB", "DUC"],
    "prevperm": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
}


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


def build_year(truth: Path, year: int) -> dict[str, list[list[str]]]:
    """The 903 tables for the collection year ending 31 March ``year``, from the truth."""
    start, end = date(year - 1, 4, 1), date(year, 3, 31)
    children = {r["CHILD"]: r for r in _read(truth / "children.csv")}
    episodes = []
    for e in _read(truth / "episodes.csv"):
        decom, dec = _d(e["DECOM"]), _d(e["DEC"])
        if decom <= end and (dec is None or dec >= start):
            open_at_end = dec is None or dec > end
            episodes.append((e["CHILD"], decom, [
                e["CHILD"], _fmt(decom), e["RNE"], e["LS"], e["CIN"], e["PLACE"], e["PLACE_PROVIDER"],
                "" if open_at_end else _fmt(dec), "" if open_at_end else e["REC"],
                "" if open_at_end else e["REASON_PLACE_CHANGE"], e["HOME_POST"], e["PL_POST"], e["URN"],
            ], e["LS"], e["RNE"], e["period_of_care_id"]))
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
        header.append([child, c["SEX"], _fmt(dob), c["ETHNIC"], c["UPN"], mother, _fmt(mc_dob) if mother == "1" else ""])
        if c["UASC"] == "1":
            duc = _d(c["DUC"])
            uasc.append([child, c["SEX"], _fmt(dob), _fmt(duc if duc and duc <= end else _eighteenth(dob))])
    dobs = {row[0]: row[2] for row in header}
    short_break_only = {child for child, lss in in_year.items() if all(ls in ("V3", "V4") for ls in lss)}
    for r in _read(truth / "reviews.csv"):
        held = _d(r["REVIEW"])
        if r["cancelled"] == "0" and start <= held <= end and r["CHILD"] in dobs and r["CHILD"] not in short_break_only:
            reviews.append([r["CHILD"], dobs[r["CHILD"]], _fmt(held), r["REVIEW_CODE"]])
    starts = {}
    for child, decom, _, _, rne, cla_id in episodes:
        if rne == "S" and decom >= start:
            starts[child] = cla_id  # the latest period started in the year
    for p in _read(truth / "previous_permanence.csv"):
        if starts.get(p["CHILD"]) == p["period_of_care_id"]:
            prevperm.append([p["CHILD"], dobs[p["CHILD"]], p["PREV_PERM"], p["LA_PERM"], p["DATE_PERM"].upper()])
    for m in _read(truth / "missing.csv"):
        s, e = _d(m["MIS_START"]), _d(m["MIS_END"])
        if m["CHILD"] in dobs and s <= end and (e is None or e >= start):
            missing.append([m["CHILD"], dobs[m["CHILD"]], m["MISSING"], _fmt(s), "" if e is None or e > end else _fmt(e)])
    return {"header": header, "episodes": [e[2] for e in episodes], "reviews": reviews, "uasc": uasc,
            "prevperm": prevperm, "missing": missing}


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


RUNNER = r'''
import contextlib, io, json, logging, sys
logging.disable(logging.INFO)
from lac_validator import lac_validator
from lac_validator.report import Report
from lac_validator.rules.ruleset_utils import get_year_ruleset
from lac_validator.utils import process_uploaded_files
args = json.loads(sys.argv[1])
registry = get_year_ruleset(args["year"])
with contextlib.redirect_stdout(io.StringIO()):
    v = lac_validator.LacValidator(metadata={"collectionYear": args["year"], "localAuthority": args["la"]},
                                   files=process_uploaded_files({"This year": args["this"], "Prev year": args["prev"]}),
                                   registry=registry, selected_rules=None)
    r = Report(v.ds_results, registry)
    summary = r.error_summary
errors = {str(row["Code"]): int(row["Error Count"]) for _, row in summary.iterrows()} if len(summary) else {}
rows = []
if errors:
    issues = lac_validator.create_issue_df(r.report, r.error_report)
    for _, row in issues.drop_duplicates(["rule_code", "tables_affected", "row_id"]).iterrows():
        rows.append([str(row["rule_code"]), str(row["tables_affected"]), int(row["row_id"]), str(row["child_id"])])
print(json.dumps({"ran": len(v.dones), "skipped": sorted(v.skips), "crashed": sorted(v.fails), "errors": errors,
                  "rows": rows}))
'''


def run_validator(year: int, this: list[str], prev: list[str], python: str = VALIDATOR_PYTHON) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(RUNNER)
        runner = f.name
    try:
        done = subprocess.run([python, runner, json.dumps({"year": str(year), "la": LA_CODE, "this": this, "prev": prev})],
                              capture_output=True, text=True, check=True)
    finally:
        os.unlink(runner)
    return json.loads(done.stdout.strip().splitlines()[-1])


def classify(result: dict, year: int, episodes: list[list[str]]) -> dict[str, dict[str, int]]:
    """Per rule: how many flagged rows are known validator defects and how many are not."""
    named = [dict(zip(COLUMNS["episodes"], e)) for e in episodes]
    out: dict[str, dict[str, int]] = {}
    for code, count in result["errors"].items():
        if code in KNOWN_DEFECTS:
            out[code] = {"known": count, "unexpected": 0}
            continue
        rule = KNOWN_ON_ROWS.get((code, year)) or KNOWN_ON_ROWS.get((code, None))
        rows = [row for c, table, row, _ in result["rows"] if c == code and table.startswith("Episodes")]
        if rule and rows:
            known = sum(1 for row in rows if rule[1](named[row]))
            out[code] = {"known": known, "unexpected": len(rows) - known}
        else:
            out[code] = {"known": 0, "unexpected": count}
    return out


def check(extract: Path, years: list[int], keep: Path | None = None) -> dict:
    truth = extract / "_truth"
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = keep or Path(tmp)
        for year in years:
            this_tables = build_year(truth, year)
            this = write_year(this_tables, base / str(year) / "this_year")
            prev = write_year(build_year(truth, year - 1), base / str(year) / "prev_year")
            result = run_validator(year, this, prev)
            result["counts"] = {"children": len(this_tables["header"]), "episodes": len(this_tables["episodes"]),
                                "reviews": len(this_tables["reviews"]), "uasc": len(this_tables["uasc"]),
                                "prevperm": len(this_tables["prevperm"]), "missing": len(this_tables["missing"])}
            result["by_rule"] = classify(result, year, this_tables["episodes"])
            result["unexpected"] = {k: v["unexpected"] for k, v in result["by_rule"].items() if v["unexpected"]}
            out[year] = result
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extract", type=Path, help="an extract folder (with _truth/)")
    parser.add_argument("--year", type=int, action="append", help="collection year by its end year (repeatable)")
    parser.add_argument("--keep", type=Path, help="write the 903 files here instead of a temporary folder")
    args = parser.parse_args(argv)
    years = args.year or [2025, 2026]
    results = check(args.extract, years, args.keep)
    failed = False
    for year, r in results.items():
        print(f"{year - 1}/{str(year)[2:]}: {r['counts']}")
        print(f"  rules run {r['ran']}, skipped {len(r['skipped'])}, crashed {r['crashed']}")
        for code, n in sorted(r["by_rule"].items()):
            note = f" (known validator defect: {n['known']})" if n["known"] else ""
            print(f"  {code}: {n['unexpected'] + n['known']}{note}")
        failed |= bool(r["unexpected"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
