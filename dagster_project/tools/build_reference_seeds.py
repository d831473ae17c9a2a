"""Turn the DfE's and ONS's published files into the reference seeds dbt reads.

    uv run --frozen python -m dagster_project.tools.build_reference_seeds [--published DIR]

The seeds, not this script, are what the warehouse reads: run it when the DfE publishes a new year (or the
`holidays` package learns a new bank holiday) and commit the seeds it rewrites. Every English council
(upper tier: the children's services authority) is known by its 9-character ONS code and old 3-digit DfE
number; the statistical neighbours are built elsewhere (comparator seeds).

Writes, under seeds/reference/:
  councils.csv                  one row per council: codes, name, region, last year the DfE published it
  local_authority_districts.csv one row per English district: its upper-tier council (ONS, April 2023)
  council_populations.csv       one row per council and 31 March: children aged 0-17 (ONS mid-year)
  bank_holidays.csv             one row per England and Wales bank holiday on a weekday, 2000-2040
"""

from __future__ import annotations

import argparse
import csv
from datetime import date
from pathlib import Path

from dagster_project.lib.paths import PROJECT_ROOT, SEEDS_DIR

# Beside the repository (../shared in CI); a worktree one folder deeper finds it one level further up.
PUBLISHED_CANDIDATES = [root / "shared" / "reference" / "dfe_published" for root in PROJECT_ROOT.parents[:2]]
PUBLISHED_DIR = next((p for p in PUBLISHED_CANDIDATES if p.is_dir()), PUBLISHED_CANDIDATES[0])
POPULATION_FILE = "ons_mid-year_population_estimates_2012_to_2024.csv"
COUNTS_FILE = "cla_number_and_rate_per_10k_children.csv"
LOOKUP_FILE = "LTLA-UTLA_Apr23_Lookup_England-Wales.csv"
BANK_HOLIDAY_YEARS = range(2000, 2041)
# DfE symbols for a cell with no number (README of the published files): never read as a figure.
NOT_A_NUMBER = {"c", "x", "z", "low", "k", "u", "."}


def _read(path: Path) -> list[dict[str, str]]:
    # utf-8-sig: some of the DfE's files start with a byte-order mark
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _write(path: Path, header: list[str], rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def councils(published: Path) -> list[dict]:
    """Every council the DfE has published at local-authority level, as last published (a council that
    was reorganised away, such as Northamptonshire in 2021, keeps its row with its last year)."""
    latest: dict[str, dict] = {}
    for name in (POPULATION_FILE, COUNTS_FILE):
        for row in _read(published / name):
            if row["geographic_level"] != "Local authority" or not row["new_la_code"].startswith("E"):
                continue
            year = int(row["time_period"])
            code = row["new_la_code"]
            if code not in latest or year >= latest[code]["last_published_year"]:
                latest[code] = {"la_code": code, "old_la_code": row["old_la_code"], "la_name": row["la_name"],
                                "region_code": row["region_code"], "region_name": row["region_name"],
                                "last_published_year": year}
    return sorted(latest.values(), key=lambda r: r["la_code"])


def districts(published: Path) -> list[dict]:
    return sorted(({"ltla_code": r["LTLA23CD"], "ltla_name": r["LTLA23NM"],
                    "utla_code": r["UTLA23CD"], "utla_name": r["UTLA23NM"]}
                   for r in _read(published / LOOKUP_FILE) if r["LTLA23CD"].startswith("E")),
                  key=lambda r: r["ltla_code"])


def populations(published: Path) -> list[dict]:
    """Children aged 0-17 by council. The mid-year estimate for year N is the denominator the DfE uses for
    the year ending 31 March N+1 (Derby: mid-2024 62,113 = the 2025 release's population)."""
    out = []
    for row in _read(published / POPULATION_FILE):
        if (row["geographic_level"] != "Local authority" or not row["new_la_code"].startswith("E")
                or row["population_estimate"].strip().lower() in NOT_A_NUMBER):
            continue
        out.append({"la_code": row["new_la_code"], "year_ending": date(int(row["time_period"]) + 1, 3, 31).isoformat(),
                    "population_under_18": int(float(row["population_estimate"]))})
    return sorted(out, key=lambda r: (r["la_code"], r["year_ending"]))


def bank_holidays(years: range = BANK_HOLIDAY_YEARS) -> list[dict]:
    """England and Wales bank holidays on weekdays (a holiday on a weekend is replaced by its substitute
    day, which the package lists as "(observed)"), including one-off days such as 2022-09-19."""
    import holidays

    calendar = holidays.UK(subdiv="ENG", years=years)
    return [{"holiday_date": day.isoformat(), "holiday_name": name}
            for day, name in sorted(calendar.items()) if day.weekday() < 5]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--published", type=Path, default=PUBLISHED_DIR)
    parser.add_argument("--out", type=Path, default=SEEDS_DIR / "reference")
    args = parser.parse_args(argv)
    found = councils(args.published)
    _write(args.out / "councils.csv", list(found[0]), found)
    _write(args.out / "local_authority_districts.csv", ["ltla_code", "ltla_name", "utla_code", "utla_name"],
           districts(args.published))
    _write(args.out / "council_populations.csv", ["la_code", "year_ending", "population_under_18"],
           populations(args.published))
    _write(args.out / "bank_holidays.csv", ["holiday_date", "holiday_name"], bank_holidays())
    print(f"{len(found)} councils written to {args.out}")


if __name__ == "__main__":
    main()
