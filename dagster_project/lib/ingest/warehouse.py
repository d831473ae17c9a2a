"""Writing the raw layer of the DuckDB warehouse.

The raw layer holds each contract table as received (after the contract's normalisation), every value as
text, plus where each row came from: `_extract_id`, `_source_file`, `_file_hash`, `_row_number` (the line
in the file, header = 1) and `_loaded_at`. Beside the tables, the ingest log says what happened to each
file: `raw.extract_manifest`, `raw.ingest_tables`, `raw.ingest_columns` (position and spreadsheet letter of
every column, for the worklist), `raw.ingest_problems`, `raw.ingest_normalisations` and
`raw.quarantined_rows`.

Everything is written in one transaction: a failure leaves the previous raw layer as it was.
"""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pandas as pd

from dagster_project.lib.ingest.contract import load_contract
from dagster_project.lib.ingest.model import Extract, TableLoad, excel_column_letter

LINEAGE_COLUMNS = ("_extract_id", "_source_file", "_file_hash", "_row_number", "_loaded_at")

# Types of the ingest log's non-text columns; everything else is varchar.
LOG_COLUMN_TYPES = {
    "loaded_at": "timestamp",
    "is_required": "boolean",
    "is_in_contract": "boolean",
    "rows_loaded": "integer",
    "rows_quarantined": "integer",
    "row_number": "integer",
    "source_position": "integer",
    "values_changed": "bigint",
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def write_raw_layer(con: duckdb.DuckDBPyConnection, extract: Extract, loads: dict[str, TableLoad],
                    loaded_at: datetime) -> None:
    layer = RawLayer(con, extract, loaded_at)
    for load in loads.values():
        layer.add(load)
    layer.finish(loads)


class RawLayer:
    """The raw schema of a run's working warehouse, written table by table: a table is added as soon as it
    is read (read_extract's on_table) while the readers go on with the others, and finish() adds the ingest
    logs. A night refused or held before finish() has its working warehouse removed whole (raw_extract);
    the published warehouse is never written here.

    Written alongside the readers because writing was a third of ingestion's time (scale 50: 12 s of
    compressing and writing 1 GB of rows after 26 s of reading). Each table commits on its own: one
    transaction over them all left 2 s of commit (scale 10) after the last table was read.

    DuckDB's dictionary compression is left out while the raw tables are written: weighing it for every
    column segment was a third of the writing (scale 50, the tables written alone: 16.6 CPU-s, 11.6 without
    it; beside the readers 18 and 15.5, and ingestion 26 s against 24). The strings are compressed with FSST
    instead, so the raw layer takes more disk (scale 50: 494 MB, not 209, about 6 MB more per unit of
    scale: a council of scale 1 to 5, 6 to 30 MB more) and is read once a night, by the staging models.
    Everything else in the warehouse keeps DuckDB's choice: the setting is reset when the layer is finished
    (and goes with the connection)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, extract: Extract, loaded_at: datetime):
        self.con, self.extract, self.loaded_at = con, extract, loaded_at
        self.written: set[str] = set()
        con.execute("create schema if not exists raw")
        con.execute("set disabled_compression_methods = 'dictionary'")

    def add(self, load: TableLoad) -> None:
        _write_table(self.con, self.extract, load, self.loaded_at)
        self.written.add(load.table)

    def finish(self, loads: dict[str, TableLoad]) -> None:
        """Every table not added yet (an extract from the raw history is not read), then the logs."""
        for name, load in loads.items():
            if name not in self.written:
                self.add(load)
        _write_logs(self.con, self.extract, loads, self.loaded_at)
        self.con.execute("reset disabled_compression_methods")


def _write_table(con, extract: Extract, load: TableLoad, loaded_at: datetime) -> None:
    table = load_contract()[load.table]
    # The reader's Parquet file, read by DuckDB straight into the table; or an Arrow table (from the raw
    # history, or a test), which DuckDB reads in place without a copy per value.
    source = load.rows_sql()
    if source is None:
        con.register("incoming_rows", load.rows)
        present = set(load.rows.column_names)
    else:
        con.execute(f"create or replace temp view incoming_rows as select * from {source}")
        present = {row[0] for row in con.execute("select column_name from (describe incoming_rows)").fetchall()}
    data_columns = table.column_names + [c for c in load.unknown_columns if c not in table.column_names]
    try:
        selected = ",\n  ".join(f"cast({_quote(c) if c in present else 'null'} as varchar) as {_quote(c)}"
                                 for c in data_columns)
        con.execute(
            f"""
            create or replace table raw.{_quote(load.table)} as
            select
              {selected},
              cast(? as varchar) as _extract_id,
              cast(? as varchar) as _source_file,
              cast(? as varchar) as _file_hash,
              cast(_row_number as integer) as _row_number,
              cast(? as timestamp) as _loaded_at
            from incoming_rows
            """,  # no order by: the rows come in file order already, and the sort cost a tenth of the write
            [extract.extract_id, load.source_file, load.file_hash, loaded_at],
        )
    finally:
        if source is None:
            con.unregister("incoming_rows")
        else:
            con.execute("drop view if exists incoming_rows")


def _write_logs(con, extract: Extract, loads: dict[str, TableLoad], loaded_at: datetime) -> None:
    manifest = extract.manifest
    frames = {
        "extract_manifest": pd.DataFrame([{
            "extract_id": extract.extract_id,
            "la_code": extract.la_code,
            "la_name": str(manifest.get("la_name", "")),
            "cms": extract.cms,
            "extracted_at": str(manifest.get("extracted_at", "")),
            "ssd_version": str(manifest.get("ssd_version", "")),
            # the sample council's generator says so: its figures are no council's
            "is_synthetic": manifest.get("synthetic") is True,
            "loaded_at": loaded_at,
        }]),
        "ingest_tables": pd.DataFrame([{
            "extract_id": extract.extract_id,
            "table_name": load.table,
            "is_required": load_contract()[load.table].is_required,
            "status": load.status,
            "source_file": load.source_file,
            "file_hash": load.file_hash,
            "encoding": load.encoding,
            "rows_loaded": load.rows_loaded,
            "rows_quarantined": len(load.quarantined),
            "unknown_columns": ", ".join(load.unknown_columns),
            "missing_columns": ", ".join(load.missing_columns),
            "note": load.note,
            "loaded_at": loaded_at,
        } for load in loads.values()]),
        "ingest_columns": pd.DataFrame([{
            "table_name": load.table,
            "column_name": column,
            "source_position": position,
            "source_column_letter": excel_column_letter(position),
            "is_in_contract": column in load_contract()[load.table].column_names,
        } for load in loads.values() for column, position in load.column_positions.items()],
            columns=["table_name", "column_name", "source_position", "source_column_letter", "is_in_contract"]),
        "ingest_problems": pd.DataFrame([{
            "table_name": p.table,
            "source_file": p.file,
            "row_number": p.row,
            "column_name": p.column,
            "problem": p.problem,
            "action": p.action,
            "value": p.value,
        } for load in loads.values() for p in load.problems],
            columns=["table_name", "source_file", "row_number", "column_name", "problem", "action", "value"]),
        "ingest_normalisations": pd.DataFrame([{
            "table_name": load.table,
            "column_name": column,
            "normalisation": what,
            "values_changed": count,
        } for load in loads.values() for (column, what), count in sorted(load.normalisations.items())],
            columns=["table_name", "column_name", "normalisation", "values_changed"]),
        "quarantined_rows": pd.DataFrame([{
            "table_name": load.table,
            "source_file": load.source_file,
            "row_number": q["row_number"],
            "reason": q["reason"],
            "record_json": json.dumps(q["record"]),
        } for load in loads.values() for q in load.quarantined],
            columns=["table_name", "source_file", "row_number", "reason", "record_json"]),
    }
    for name, frame in frames.items():
        con.register("incoming_log", frame)
        try:
            selected = ", ".join(f"cast({_quote(c)} as {LOG_COLUMN_TYPES.get(c, 'varchar')}) as {_quote(c)}"
                                 for c in frame.columns)
            con.execute(f"create or replace table raw.{name} as select {selected} from incoming_log")
        finally:
            con.unregister("incoming_log")
