"""The pseudonymised analyst warehouse's tables as Parquet and CSV files, for tools that cannot read DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb

from dagster_project.lib.data_label import SyntheticLabel, file_name, write_readme
from dagster_project.lib.publication.pseudonymisation import ANALYST_SCHEMAS


def export_tables(source: Path, folder: Path, label: SyntheticLabel | None = None) -> list[str]:
    """marts.<table> and data_quality.<table> -> <folder>/parquet/<table>.parquet and <folder>/csv/<table>.csv
    (table names are unique across the two schemas). From a synthetic extract (`label`) every file name
    carries the label (<table>_synthetic-data-not-derbys-figures.csv) and a README in each folder says it;
    the columns stay the marts' own."""
    (folder / "parquet").mkdir(parents=True, exist_ok=True)
    (folder / "csv").mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(source), read_only=True)
    try:
        schemas = ", ".join(f"'{schema}'" for schema in ANALYST_SCHEMAS)
        found = con.execute("select table_schema, table_name from information_schema.tables "
                            f"where table_schema in ({schemas}) order by 2").fetchall()
        tables = []
        for schema, table in found:
            quoted = '"' + table.replace('"', '""') + '"'
            parquet = str(folder / "parquet" / file_name(f"{table}.parquet", label)).replace("'", "''")
            csv = str(folder / "csv" / file_name(f"{table}.csv", label)).replace("'", "''")
            con.execute(f"copy (select * from {schema}.{quoted}) to '{parquet}' (format parquet)")
            con.execute(f"copy (select * from {schema}.{quoted}) to '{csv}' (format csv, header)")
            tables.append(table)
    finally:
        con.close()
    for kind in ("parquet", "csv"):
        write_readme(folder / kind, label, "These analyst tables")
    return tables
