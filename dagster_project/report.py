"""Write the IRO annual report for a collection year from the published warehouse.

    python -m dagster_project.report --year 2025-26 [--out DIR]

Without --year: the latest complete year. Without --out: output/reports/<year>/ (CLA_REPORTS_DIR). Writes
a public version (small numbers suppressed) and an internal version of the HTML, Word and Excel files.
Reads only the KPI marts, read-only: the nightly run may be writing its own working copy meanwhile.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dagster_project.lib import report as annual_report
from dagster_project.lib.resources import WarehouseResource


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", help="collection year, e.g. 2025-26 (default: the latest complete year)")
    parser.add_argument("--out", type=Path, help="folder to write into (default: output/reports/<year>/)")
    args = parser.parse_args(argv)

    warehouse = WarehouseResource.from_settings()
    if not warehouse.warehouse_path.exists():
        print(f"No published warehouse at {warehouse.warehouse_path}: run `make run` first.", file=sys.stderr)
        return 1
    with warehouse.connect_published() as con:
        try:
            year = args.year or annual_report.latest_complete_year(con)
            folder = args.out or Path(warehouse.reports_dir) / year
            files = annual_report.write_report(con, year, folder)
        except annual_report.ReportDataError as error:
            print(str(error), file=sys.stderr)
            return 1
    print(f"IRO annual report {year}: {files.tables} tables, {files.charts} charts in {files.seconds:.1f} s")
    if files.measures_not_available:
        print(f"  {files.measures_not_available} figure(s) not available from this extract (the report says why)")
    for path in files.files:
        print(f"  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
