"""Make the comparator seeds (seeds/comparators/) from the DfE's published statistics.

    python -m dagster_project.tools.build_comparator_seeds --dfe DIR --benchmarks FILE [--out seeds/comparators]

DIR is a copy of the DfE's open-data files (the CSC_outcomes_and_enablers `data-raw/` folder: the CLA,
placement stability, OC2 health, care leavers and child protection files, and the two statistical
neighbour models); FILE is `england_benchmarks.csv` (England figures the files do not hold: legal status,
child protection rate, initial conferences in time). The tool only copies figures: one row per published
figure, as published, with the file and line it came from (the line as a text editor shows it, header = 1),
so that every comparator in the report traces back to a row. Averages of statistical neighbours, the choice
of year and the council's region are worked out in dbt (marts/comparators), not here.

A DfE symbol (c suppressed, x not available, z not applicable, low, k, u, .) is never a number: the row is
kept with an empty value and the symbol in `value_symbol`.

Written (sorted, so that a re-run on the same files changes nothing):
  dfe_published_figures.csv     one row per comparator measure x year x geography (England, region, council)
  statistical_neighbours.csv    one row per council x neighbour, for the 2021 and 2025 models
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

DFE_SYMBOLS = {"c", "x", "z", "low", "k", "u", ".", ""}
FIRST_YEAR = 2021  # the years the report compares with (its five years of history end at the latest)
LEVELS = {"National": "National", "Regional": "Regional", "Local authority": "Local authority"}


@dataclass(frozen=True)
class Source:
    """Where one comparator measure is in the DfE files: the file, the rows (column = value filters), the
    column holding the published figure, and the columns of its numerator and denominator if published."""

    comparator_measure_id: str
    file: str
    filters: dict[str, str]
    value_column: str
    unit: str
    numerator_column: str | None = None
    denominator_column: str | None = None


SOURCES = [
    Source("cla_rate_per_10000", "cla_number_and_rate_per_10k_children.csv",
           {"population_type": "Children looked after on 31 March each year"}, "rate_per_10000", "rate_per_10000",
           "children_count", "population_estimate"),
    Source("cla_three_plus_placements_pct", "la_cla_placement_stability.csv",
           {"cla_group": "CLA on 31 March", "placement_stability": "With 3 or more placements during the year"},
           "children_percent", "percent", "children_count"),
    Source("cla_long_term_stability_pct", "la_cla_placement_stability.csv",
           {"cla_group": "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years",
            "placement_stability": "Living with the same carer for at least 2 years"},
           "children_percent", "percent", "children_count"),
    Source("oc2_health_assessment_pct", "la_conviction_health_outcome_cla.csv",
           {"characteristic": "Health assessments: Children looked after all ages",
            "breakdown": "Had their annual health assessment"}, "children_percent", "percent", "children_count"),
    Source("oc2_dental_check_pct", "la_conviction_health_outcome_cla.csv",
           {"characteristic": "Health assessments: Children looked after all ages",
            "breakdown": "Had their teeth checked by a dentist"}, "children_percent", "percent", "children_count"),
    Source("oc2_immunisations_pct", "la_conviction_health_outcome_cla.csv",
           {"characteristic": "Health assessments: Children looked after all ages",
            "breakdown": "Had their immunisations up to date"}, "children_percent", "percent", "children_count"),
    Source("oc2_development_assessment_under5_pct", "la_conviction_health_outcome_cla.csv",
           {"characteristic": "Development assessments: Children looked after ages 0 to 4 years",
            "breakdown": "Development assessments up to date"}, "children_percent", "percent", "children_count"),
    Source("oc2_sdq_received_pct", "la_conviction_health_outcome_cla.csv",
           {"characteristic": "Ages 5 to 16 years with SDQ score", "breakdown": "SDQ score was received"},
           "children_percent", "percent", "children_count"),
    # the DfE puts the average score in the count column (its percentage column says z, not applicable)
    Source("oc2_sdq_average_score", "la_conviction_health_outcome_cla.csv",
           {"characteristic": "Ages 5 to 16 years with SDQ score", "breakdown": "SDQ average score"},
           "children_count", "average"),
    Source("oc2_substance_misuse_pct", "la_conviction_health_outcome_cla.csv",
           {"characteristic": "Substance misuse: Children looked after all ages",
            "breakdown": "Identified as having a substance misuse problem"}, "children_percent", "percent",
           "children_count"),
    Source("oc2_convicted_pct", "la_conviction_health_outcome_cla.csv",
           {"characteristic": "Convictions: Children looked after Ages 10 to 17 years",
            "breakdown": "Convicted or subject to youth cautions, or youth conditional cautions during the year"},
           "children_percent", "percent", "children_count"),
    Source("care_leavers_17_18_suitable_accommodation_pct", "la_care_leavers_accommodation_suitability.csv",
           {"care_leaver_age": "17 to 18 years", "breakdown": "Accommodation considered suitable"},
           "care_leaver_percent", "percent", "care_leaver_count"),
    Source("care_leavers_19_21_suitable_accommodation_pct", "la_care_leavers_accommodation_suitability.csv",
           {"care_leaver_age": "19 to 21 years", "breakdown": "Accommodation considered suitable"},
           "care_leaver_percent", "percent", "care_leaver_count"),
    Source("cp_plans_second_or_subsequent_pct", "d3_cpps_subsequent_plan_2013_to_2025.csv", {},
           "CPP_subsequent_percent", "percent", "CPP_subsequent", "CPP_start"),
    Source("cp_plans_open_2_years_plus_pct", "d5_cpps_at31march_by_duration_2013_to_2025.csv", {},
           "2_years_or_more_percent", "percent", "2_years_or_more", "CPP_At31"),
]

# England only, from england_benchmarks.csv (measure ids as that file spells them)
BENCHMARK_MEASURES = {
    "cla_legal_status_full_care_order_pct": "percent",
    "cla_legal_status_interim_care_order_pct": "percent",
    "cla_legal_status_placement_order_pct": "percent",
    "cla_legal_status_section20_pct": "percent",
    "cp_rate_per_10000": "rate_per_10000",
    "cp_icpc_within_15_days_pct": "percent",
    "cp_plans_ended_lasting_2_years_plus_pct": "percent",
}

FIGURE_COLUMNS = ["comparator_measure_id", "time_period", "year_label", "geographic_level", "region_name",
                  "old_la_code", "new_la_code", "la_name", "unit", "value", "value_symbol", "numerator",
                  "denominator", "source_file", "source_row", "source_column"]
NEIGHBOUR_COLUMNS = ["sn_model", "old_la_code", "la_name", "neighbour_rank", "neighbour_old_la_code",
                     "closeness", "source_file", "source_row"]


def year_label(time_period: int) -> str:
    """2025 (the year ending 31 March 2025) -> "2024-25", as the report names collection years."""
    return f"{time_period - 1}-{str(time_period)[-2:]}"


def published(text: str | None) -> tuple[str, str]:
    """(number, symbol): a DfE cell as a number, or its symbol when it is not one."""
    text = (text or "").strip()
    if text.lower() in DFE_SYMBOLS:
        return "", text or "."
    try:
        float(text.replace(",", ""))
    except ValueError:
        return "", text
    return text.replace(",", ""), ""


def read_rows(path: Path):
    """(line number as an editor shows it, row) for every data row."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            yield line, {key.strip(): (value or "").strip() for key, value in row.items() if key}


def figures_from_files(folder: Path) -> list[dict]:
    out = []
    for source in SOURCES:
        for line, row in read_rows(folder / source.file):
            if row.get("time_identifier") != "Reporting year" or int(row["time_period"]) < FIRST_YEAR:
                continue
            if row.get("geographic_level") not in LEVELS or any(row.get(k) != v for k, v in source.filters.items()):
                continue
            value, symbol = published(row.get(source.value_column))
            numerator = published(row.get(source.numerator_column))[0] if source.numerator_column else ""
            denominator = published(row.get(source.denominator_column))[0] if source.denominator_column else ""
            time_period = int(row["time_period"])
            out.append({
                "comparator_measure_id": source.comparator_measure_id, "time_period": time_period,
                "year_label": year_label(time_period), "geographic_level": LEVELS[row["geographic_level"]],
                "region_name": row.get("region_name", ""), "old_la_code": row.get("old_la_code", ""),
                "new_la_code": row.get("new_la_code", ""), "la_name": row.get("la_name", ""),
                "unit": source.unit, "value": value, "value_symbol": symbol, "numerator": numerator,
                "denominator": denominator, "source_file": source.file, "source_row": line,
                "source_column": source.value_column})
    return out


def figures_from_benchmarks(path: Path) -> list[dict]:
    out = []
    for line, row in read_rows(path):
        if row["measure_id"] not in BENCHMARK_MEASURES or row["geography"] != "England":
            continue
        time_period = int(row["year_ending"][:4])
        if time_period < FIRST_YEAR:
            continue
        value, symbol = published(row["value"])
        out.append({
            "comparator_measure_id": row["measure_id"], "time_period": time_period,
            "year_label": year_label(time_period), "geographic_level": "National", "region_name": "",
            "old_la_code": "", "new_la_code": "", "la_name": "", "unit": BENCHMARK_MEASURES[row["measure_id"]],
            "value": value, "value_symbol": symbol, "numerator": "", "denominator": "",
            "source_file": path.name, "source_row": line, "source_column": "value"})
    return out


def neighbours(folder: Path) -> list[dict]:
    out = []
    for line, row in read_rows(folder / "sn_model_2025_wide.csv"):
        for rank in range(1, 11):
            out.append({"sn_model": 2025, "old_la_code": row["old_la_code"], "la_name": row["la_name"],
                        "neighbour_rank": rank, "neighbour_old_la_code": row[f"SN_{rank}"],
                        "closeness": row[f"SN_{rank}P"].strip(), "source_file": "sn_model_2025_wide.csv",
                        "source_row": line})
    # the 2021 file repeats its closeness header ("SNP") after every neighbour: read it by position
    path = folder / "New_Statistical_Neighbour_Groupings_April_2021.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line, cells in enumerate(csv.reader(handle), start=1):
            if line == 1 or not cells or not cells[0].strip():
                continue
            for rank in range(1, 11):
                out.append({"sn_model": 2021, "old_la_code": cells[0].strip(), "la_name": cells[1].strip(),
                            "neighbour_rank": rank, "neighbour_old_la_code": cells[3 + 2 * rank].strip(),
                            "closeness": cells[4 + 2 * rank].strip(), "source_file": path.name,
                            "source_row": line})
    return out


def write(path: Path, columns: list[str], rows: list[dict], order: list[str]) -> None:
    rows = sorted(rows, key=lambda row: tuple(str(row[key]) for key in order))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dfe", type=Path, required=True, help="folder of the DfE open-data CSV files")
    parser.add_argument("--benchmarks", type=Path, required=True, help="england_benchmarks.csv")
    parser.add_argument("--out", type=Path, default=Path("seeds/comparators"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    figures = figures_from_files(args.dfe) + figures_from_benchmarks(args.benchmarks)
    write(args.out / "dfe_published_figures.csv", FIGURE_COLUMNS, figures,
          ["comparator_measure_id", "time_period", "geographic_level", "region_name", "old_la_code"])
    groups = neighbours(args.dfe)
    write(args.out / "statistical_neighbours.csv", NEIGHBOUR_COLUMNS, groups,
          ["sn_model", "old_la_code", "neighbour_rank"])
    print(f"{len(figures)} published figures, {len(groups)} neighbour pairs written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
