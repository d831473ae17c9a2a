"""What ingestion hands on: an extract, each table's load, and every problem located by file, row and column.

Problem messages never quote a value: a value may be a name, a date of birth or a postcode, and these
messages reach logs and Dagster. The value is kept separately (`LoadProblem.value`) for the warehouse's
quarantine table, which is as protected as the rest of the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

MANIFEST_NAME = "manifest.json"
MANIFEST_FIELDS = ("la_code", "la_name", "cms", "extracted_at", "ssd_version")


class ExtractError(Exception):
    """An extract that cannot be loaded at all (bad manifest, wrong council, required table unusable...)."""

    def __init__(self, message: str, extract_id: str | None = None):
        super().__init__(message)
        self.extract_id = extract_id


@dataclass(frozen=True)
class Extract:
    extract_id: str
    folder: Path
    manifest: dict

    @property
    def la_code(self) -> str:
        return str(self.manifest.get("la_code", "")).strip().upper()

    @property
    def cms(self) -> str:
        return str(self.manifest.get("cms", "")).strip().lower()


@dataclass(frozen=True)
class LoadProblem:
    """One thing wrong with the input, located as a person opening the file would find it."""

    table: str
    file: str
    row: int | None  # the row as a spreadsheet shows it: the header is row 1
    column: str | None
    problem: str
    action: str
    value: str | None = None  # never printed: may be personal data

    def message(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.problem} ({self.action})"


@dataclass
class TableLoad:
    """One contract table as landed. The rows (all text, plus `_row_number`) are either an Arrow table or,
    as the reader leaves them, a Parquet file written by DuckDB (`rows_path`): then nothing of the table is
    held in Python's memory (at scale 50 the Arrow tables of every table held at once were the pipeline's
    peak), and DuckDB reads the file directly when the raw layer is written. `rows` reads it on demand;
    `frame` converts to pandas on demand."""

    table: str
    status: str  # loaded | not_available | refused
    source_file: str
    rows_path: Path | None = None
    quarantined: list[dict] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    column_positions: dict[str, int] = field(default_factory=dict)  # 1-based, as in the file header
    normalisations: dict[tuple[str, str], int] = field(default_factory=dict)
    encoding: str | None = None
    file_hash: str | None = None
    note: str = ""
    file_form: str = ""  # how the file was written, e.g. "UTF-16 LE, semicolon-separated, gzip"

    def __init__(self, table, status, source_file, rows=None, quarantined=None, problems=None,
                 unknown_columns=None, missing_columns=None, column_positions=None, normalisations=None,
                 encoding=None, file_hash=None, note="", file_form="", frame=None, rows_path=None,
                 keep_alive=None):
        self.table, self.status, self.source_file = table, status, source_file
        if rows is None and frame is not None:
            rows = pa.Table.from_pandas(frame, preserve_index=False)
        self._rows, self.rows_path, self._row_count = None, None, None
        if rows is not None:
            self.rows = rows
        else:
            self.rows_path = Path(rows_path) if rows_path else None
        self._keep_alive = keep_alive  # the folder holding rows_path lives as long as a load refers to it
        self.quarantined = quarantined or []
        self.problems = problems or []
        self.unknown_columns = unknown_columns or []
        self.missing_columns = missing_columns or []
        self.column_positions = column_positions or {}
        self.normalisations = normalisations or {}
        self.encoding, self.file_hash, self.note, self.file_form = encoding, file_hash, note, file_form

    @property
    def rows(self) -> pa.Table | None:
        if self._rows is None and self.rows_path is not None:
            return pq.read_table(self.rows_path)
        return self._rows

    @rows.setter
    def rows(self, value: pa.Table | None) -> None:
        self._rows, self.rows_path, self._row_count = value, None, None

    def rows_sql(self) -> str | None:
        """A DuckDB table expression for the rows when they are in a file (None when they are in memory)."""
        if self.rows_path is None or self._rows is not None:
            return None
        return "read_parquet('" + str(self.rows_path).replace("'", "''") + "')"

    @property
    def frame(self) -> pd.DataFrame:
        """The rows as a pandas frame of Python strings (None for blank), for tests and small tables."""
        if self.rows is None:
            return pd.DataFrame()
        frame = self.rows.to_pandas()
        for column in frame.columns:
            if column != "_row_number":
                frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
        return frame

    @property
    def rows_loaded(self) -> int:
        if self._rows is not None:
            return self._rows.num_rows
        if self.rows_path is None:
            return 0
        if self._row_count is None:
            self._row_count = pq.ParquetFile(self.rows_path).metadata.num_rows
        return self._row_count


def excel_column_letter(position: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA: the column letter a spreadsheet shows for a 1-based position."""
    letters = ""
    while position > 0:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def loaded_at() -> datetime:
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None)
