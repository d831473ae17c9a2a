"""Writing one collection year's SSDA903 return from the marts: CSV files exactly as the DfE takes them.

The marts hold the return's content (one row per year and record, DfE column names in lower case, real
dates); this module only formats: the validator's exact column set and order per file, dates as
dd/mm/YYYY, codes upper-case, blanks empty. The DfE validator identifies a CSV by its column set alone.
"""

from __future__ import annotations

import csv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.lib.data_label import README_PREFIX, SyntheticLabel, file_name, write_readme
from dagster_project.lib.paths import SEEDS_DIR

# The return's shape as data: every file's columns in order, with the collection years each applies to.
# The return marts' dbt contracts are checked against the same seed (tests/test_ssda903_return_shape.py).
RETURN_COLUMNS_SEED = SEEDS_DIR / "ssda903" / "ssda903_return_columns.csv"


@dataclass(frozen=True)
class ReturnColumn:
    name: str
    is_date: bool
    first_collection_year: str | None  # None: every year before last_collection_year
    last_collection_year: str | None  # None: still in the return

    def applies_to(self, collection_year: str) -> bool:
        return ((self.first_collection_year is None or collection_year >= self.first_collection_year)
                and (self.last_collection_year is None or collection_year <= self.last_collection_year))


@dataclass(frozen=True)
class ReturnFile:
    name: str  # the validator's table name
    file_name: str
    mart: str
    all_columns: tuple[ReturnColumn, ...]

    def columns_for_year(self, collection_year: str | None = None) -> tuple[str, ...]:
        """The file's columns in order (for one collection year; without a year, today's columns)."""
        return tuple(column.name for column in self.all_columns
                     if (column.applies_to(collection_year) if collection_year else column.last_collection_year is None))

    @property
    def columns(self) -> tuple[str, ...]:
        return self.columns_for_year()

    @property
    def date_columns(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.all_columns if column.is_date)

    def applies_to(self, collection_year: str) -> bool:
        return bool(self.columns_for_year(collection_year))


def load_return_files(path: Path = RETURN_COLUMNS_SEED) -> tuple[ReturnFile, ...]:
    """The return's files from the seed, in the seed's order (columns by their position)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    files: dict[str, dict] = {}
    for row in rows:
        spec = files.setdefault(row["table_name"], {"file_name": row["file_name"], "mart": row["mart"], "columns": []})
        spec["columns"].append((int(row["column_position"]), ReturnColumn(
            row["column_name"], row["is_date"].strip().lower() == "true",
            row["first_collection_year"] or None, row["last_collection_year"] or None)))
    return tuple(
        ReturnFile(name, spec["file_name"], spec["mart"], tuple(column for _, column in sorted(spec["columns"],
                                                                                                 key=lambda c: c[0])))
        for name, spec in files.items())


RETURN_FILES = load_return_files()


def files_for_year(collection_year: str) -> tuple[ReturnFile, ...]:
    return tuple(f for f in RETURN_FILES if f.applies_to(collection_year))


def _format(frame: pd.DataFrame, return_file: ReturnFile, collection_year: str) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for column in return_file.columns_for_year(collection_year):
        series = frame[column.lower()]
        if column in return_file.date_columns:
            values = pd.to_datetime(series, errors="coerce")
            out[column] = values.dt.strftime("%d/%m/%Y").where(values.notna(), "")
        else:
            text = series.astype("object").where(series.notna(), None)
            # whole numbers stored as numbers (SDQ_SCORE) are written without a decimal point
            out[column] = [
                "" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).upper())
                for v in text
            ]
    return out


def read_return(con: duckdb.DuckDBPyConnection, collection_year: str) -> dict[str, pd.DataFrame]:
    """Every file of one year's return, formatted, keyed by the validator's table name."""
    tables = {}
    for return_file in files_for_year(collection_year):
        # ordered by every column of the file (dates as dates), not by CHILD alone: a child's episodes,
        # reviews or missing spells come in the same order every time the file is written
        order = ", ".join(column.lower() for column in return_file.columns_for_year(collection_year))
        frame = con.execute(
            f"select * from marts.{return_file.mart} where collection_year = ? order by {order}",
            [collection_year],
        ).df()
        tables[return_file.name] = _format(frame, return_file, collection_year)
    return tables


def write_return(tables: dict[str, pd.DataFrame], folder: Path, zip_name: str,
                 label: SyntheticLabel | None = None) -> dict[str, int]:
    """Write the CSVs and one zip of them into folder (replacing what was there). Returns rows per file,
    keyed by the DfE's file name (header.csv, ...).

    From a synthetic extract (`label`) every file name carries the label (header.csv ->
    header_synthetic-data-not-derbys-figures.csv, in the folder and in the zip; the zip's own name too) and
    a README says it; the files' content stays exactly the DfE's columns (the validator tells a file by its
    column set, not its name)."""
    folder.mkdir(parents=True, exist_ok=True)
    by_name = {f.name: f for f in RETURN_FILES}
    for pattern in ("*.csv", "*.zip", f"{README_PREFIX}*.txt"):
        for stale in folder.glob(pattern):
            stale.unlink()
    rows = {}
    for name, frame in tables.items():
        frame.to_csv(folder / file_name(by_name[name].file_name, label), index=False, lineterminator="\r\n")
        rows[by_name[name].file_name] = len(frame)
    with zipfile.ZipFile(folder / file_name(zip_name, label), "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in tables:
            written = file_name(by_name[name].file_name, label)
            archive.write(folder / written, arcname=written)
    write_readme(folder, label, "These SSDA903 return files")
    return rows
