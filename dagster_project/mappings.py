"""`make mappings`: the local values the warehouse cannot map yet, and where the worksheet is.

    python -m dagster_project.mappings

Reads the published warehouse (read-only) and prints, per mapping, each value without a mapping, how
many records use it and the suggested code; then the path of the night's mapping_worksheet.csv / .xlsx.
Accept a suggestion by copying its row into code_mappings.csv in the configuration folder.
"""

from __future__ import annotations

import sys

from dagster_project.lib.data_label import file_name, synthetic_label
from dagster_project.lib.quality import mapping_worksheet
from dagster_project.lib.resources import WarehouseResource
from dagster_project.lib.settings import Settings


def main() -> int:
    settings = Settings.from_environment()
    warehouse = WarehouseResource.from_settings(settings)
    if not settings.warehouse_path.exists():
        print("No published warehouse yet: run `make run` first.", file=sys.stderr)
        return 1
    with warehouse.connect_published() as con:
        night = str(con.execute("select extract_date from staging.stg_extract__manifests").fetchone()[0])
        frame = mapping_worksheet.build(con)
        label = synthetic_label(con)
    folder = settings.data_quality_dir / night
    if frame.empty:
        print(f"Every local value in the extract of {night} maps to a code: nothing to add.")
    else:
        print(f"{len(frame)} local value(s) without a mapping in the extract of {night} "
              f"({int(frame['records'].sum())} records):\n")
        for domain, rows in frame.groupby("domain", sort=True):
            print(f"  {domain}")
            for row in rows.itertuples():
                print(f"    {row.source_value!s:<48} {row.records:>7} records since {row.first_record_date}"
                      f"   suggest {row.code or '-'} ({row.confidence if row.confidence is not None else '-'})")
    print(f"\nWorksheet: {folder / file_name(mapping_worksheet.CSV_NAME, label)} "
          f"(and {file_name(mapping_worksheet.EXCEL_NAME, label)})")
    if label:
        print(f"({label.text}: the sample council's extract)")
    print(f"Accept a row by copying it into {settings.config_dir / 'code_mappings.csv'}; the next run maps it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
