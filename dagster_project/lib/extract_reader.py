"""Reading a council's extract folder: finding complete extracts, decoding and normalising each table.

Pure functions, no Dagster and no DuckDB, so every input trap has a unit test. What comes out is a
`TableLoad`: the rows to land (contract columns first, unknown columns after, all text), the rows that
could not be loaded with the reason, and the problems found, each naming the file, row and column.

Problem messages never quote a value: a value may be a name, a date of birth or a postcode, and these
messages reach logs and Dagster. The value is kept separately (`LoadProblem.value`) for the warehouse's
quarantine table, which is as protected as the rest of the warehouse.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from dagster_project.lib.contract import ContractTable, load_contract

MANIFEST_NAME = "manifest.json"
MANIFEST_FIELDS = ("la_code", "la_name", "cms", "extracted_at", "ssd_version")

# "Not recorded" in SSD exports: the SQL Server placeholder date and the SSD's own placeholder text.
PLACEHOLDER_TEXTS = frozenset({"SSD_PH", "NULL"})
PLACEHOLDER_DATES = frozenset({"1900-01-01"})

_TRAILING_ZERO = re.compile(r"^(\d+)\.0+$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)?$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")


class ExtractError(Exception):
    """An extract that cannot be loaded at all (no manifest, wrong council, required table absent...)."""


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
    row: int | None  # line number as a text editor or Excel shows it: the header is row 1
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
    table: str
    status: str  # loaded | not_available | refused
    source_file: str
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    quarantined: list[dict] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    column_positions: dict[str, int] = field(default_factory=dict)  # 1-based, as in the file header
    normalisations: dict[tuple[str, str], int] = field(default_factory=dict)
    encoding: str | None = None
    file_hash: str | None = None
    note: str = ""

    @property
    def rows_loaded(self) -> int:
        return len(self.frame)


def excel_column_letter(position: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA: the column letter a spreadsheet shows for a 1-based position."""
    letters = ""
    while position > 0:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# --- finding extracts -------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ExtractError(f"{path.name} in extract {folder.name} is not valid JSON (line {exc.lineno})") from exc
    if not isinstance(manifest, dict):
        raise ExtractError(f"{path.name} in extract {folder.name} is not a JSON object")
    absent = [name for name in ("la_code", "cms", "extracted_at") if not manifest.get(name)]
    if absent:
        raise ExtractError(f"{path.name} in extract {folder.name} lacks {', '.join(absent)}")
    return manifest


def find_complete_extracts(landing_dir: Path) -> list[Extract]:
    """Extract folders with a manifest, oldest first. A folder without one is still being written."""
    if not landing_dir.exists():
        return []
    extracts = []
    for folder in sorted(p for p in landing_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if (folder / MANIFEST_NAME).exists():
            extracts.append(Extract(extract_id=folder.name, folder=folder, manifest=read_manifest(folder)))
    return sorted(extracts, key=lambda e: (str(e.manifest.get("extracted_at", "")), e.extract_id))


def find_extract(landing_dir: Path, extract_id: str | None = None) -> Extract:
    """The named extract, or the newest complete one."""
    extracts = find_complete_extracts(landing_dir)
    if extract_id is not None:
        for extract in extracts:
            if extract.extract_id == extract_id:
                return extract
        folder = landing_dir / extract_id
        if folder.is_dir():
            raise ExtractError(f"extract {extract_id} has no {MANIFEST_NAME} yet: it is still being written")
        raise ExtractError(f"there is no extract {extract_id} in the landing folder")
    if not extracts:
        raise ExtractError(f"no complete extract (a folder with {MANIFEST_NAME}) in the landing folder")
    return extracts[-1]


def check_council(extract: Extract, expected_la_code: str) -> None:
    if extract.la_code != expected_la_code.strip().upper():
        raise ExtractError(
            f"extract {extract.extract_id} is for LA {extract.la_code or '(none)'}, but this warehouse is "
            f"configured for LA {expected_la_code} (CLA_LA_CODE): refusing to load another council's data"
        )


# --- reading one table ------------------------------------------------------------------------------


def _decode(raw: bytes) -> tuple[str, str]:
    """UTF-8 (with or without a BOM) first; Windows-1252, which Excel on Windows writes, as the fallback."""
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "windows-1252"


def _parse_records(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (row number, fields) pairs. Row numbers are physical line numbers, header = 1."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    records: list[tuple[int, list[str]]] = []
    for fields in reader:
        if header is None:
            header = fields
            continue
        if not fields or (len(fields) == 1 and fields[0] == ""):
            continue  # blank line
        records.append((reader.line_num, fields))
    return header or [], records


def _normalise_header(name: str) -> str:
    return name.replace("\ufeff", "").strip().lower()


def _clean_text(series: pd.Series) -> tuple[pd.Series, int]:
    stripped = series.str.strip()
    changed = int((stripped != series).sum())
    return stripped, changed


def _normalise_dates(series: pd.Series) -> tuple[pd.Series, pd.Series, int, int]:
    """ISO text for every recognised form; a mask of values that are not dates at all."""
    result = pd.Series(pd.NA, index=series.index, dtype="object")
    present = series.notna()
    iso = series.str.extract(_ISO_DATE)
    is_iso = present & iso[0].notna()
    result[is_iso] = iso[0][is_iso] + "-" + iso[1][is_iso] + "-" + iso[2][is_iso]
    uk = series.str.extract(_UK_DATE)
    is_uk = present & ~is_iso & uk[0].notna()
    result[is_uk] = uk[2][is_uk] + "-" + uk[1][is_uk].str.zfill(2) + "-" + uk[0][is_uk].str.zfill(2)
    # A pattern match is not a date (2025-02-30): check the calendar too.
    candidate = result.notna()
    valid = pd.to_datetime(result[candidate], format="%Y-%m-%d", errors="coerce").notna()
    invalid = pd.Series(False, index=series.index)
    invalid[candidate[candidate].index[~valid.to_numpy()]] = True
    invalid |= present & ~is_iso & ~is_uk
    result[invalid] = pd.NA
    placeholder = result.isin(PLACEHOLDER_DATES)
    result[placeholder] = pd.NA
    converted = int((is_uk | (is_iso & (series.str.len() != 10))).sum())
    return result, invalid, converted, int(placeholder.sum())


def read_table(extract: Extract, table: ContractTable) -> TableLoad:
    """Read, check and normalise one contract table from an extract folder."""
    file_name = f"{table.name}.csv"
    path = _find_file(extract.folder, file_name)
    load = TableLoad(table=table.name, status="loaded", source_file=file_name)
    if path is None:
        load.status = "not_available"
        load.note = "not available: the extract has no such file"
        load.frame = _empty_frame(table)
        return load
    raw = path.read_bytes()
    load.file_hash = hashlib.sha256(raw).hexdigest()
    text, load.encoding = _decode(raw)
    if load.encoding != "utf-8":
        load.problems.append(
            LoadProblem(table.name, file_name, None, None,
                        "file is not UTF-8; read as Windows-1252", "decoded; check accented names")
        )
    if not text.strip():
        load.problems.append(
            LoadProblem(table.name, file_name, None, None, "file is empty (not even a header row)",
                        "table not loaded")
        )
        load.status = "refused" if table.is_required else "not_available"
        load.note = "not available: the file is empty"
        load.frame = _empty_frame(table)
        return load

    header, records = _parse_records(text)
    names = [_normalise_header(h) for h in header]
    positions: dict[str, int] = {}
    for index, name in enumerate(names, start=1):
        if not name:
            load.problems.append(LoadProblem(table.name, file_name, 1, excel_column_letter(index),
                                             "header has a blank column name", "column ignored"))
            continue
        if name in positions:
            load.problems.append(LoadProblem(table.name, file_name, 1, name,
                                             "column appears twice in the header", "second copy ignored"))
            continue
        positions[name] = index
    load.column_positions = positions

    contract_names = table.column_names
    missing_required = [c for c in table.required_columns if c not in positions]
    if missing_required:
        for column in missing_required:
            load.problems.append(LoadProblem(table.name, file_name, 1, column,
                                             "required column is missing from the header", "table not loaded"))
        load.status = "refused"
        load.note = "refused: required column(s) missing: " + ", ".join(missing_required)
        load.frame = _empty_frame(table)
        return load
    load.missing_columns = [c for c in contract_names if c not in positions]
    for column in load.missing_columns:
        load.problems.append(LoadProblem(table.name, file_name, 1, column,
                                         "optional column is missing from the header", "loaded as blank"))
    load.unknown_columns = [n for n in positions if n not in set(contract_names)]
    for column in load.unknown_columns:
        load.problems.append(LoadProblem(table.name, file_name, 1, column,
                                         "column is not in the input contract", "kept in the raw layer"))

    width = len(header)
    good_rows: list[int] = []
    good_fields: list[list[str]] = []
    for row_number, fields in records:
        if len(fields) != width:
            reason = (f"row has {len(fields)} fields, the header has {width}"
                      + (" (truncated line?)" if len(fields) < width else ""))
            load.problems.append(LoadProblem(table.name, file_name, row_number, None, reason, "row quarantined"))
            load.quarantined.append({"row_number": row_number, "reason": reason, "record": fields})
            continue
        good_rows.append(row_number)
        good_fields.append(fields)

    frame = pd.DataFrame(good_fields, columns=range(width), dtype="object")
    columns = {name: frame[position - 1] for name, position in positions.items()}
    frame = pd.DataFrame(columns, index=frame.index)
    for column in load.missing_columns:
        frame[column] = None
    frame = frame[contract_names + load.unknown_columns]
    frame["_row_number"] = good_rows

    received = dict(zip(good_rows, good_fields))
    frame, rejected = _normalise(frame, table, load)
    for index, reasons in sorted(rejected.items()):
        row_number = int(frame.at[index, "_row_number"])
        load.quarantined.append({"row_number": row_number, "reason": "; ".join(reasons),
                                 "record": received[row_number]})
    frame = frame.drop(index=list(rejected))
    frame, clashes = _deduplicate(frame, table, load)
    for row_number, reason in clashes:
        load.quarantined.append({"row_number": row_number, "reason": reason, "record": received[row_number]})
    if not len(frame) and not load.quarantined:
        load.note = "header only: the table has no rows"
    load.frame = frame.reset_index(drop=True)
    return load


def _find_file(folder: Path, file_name: str) -> Path | None:
    exact = folder / file_name
    if exact.is_file():
        return exact
    for candidate in folder.iterdir():  # file names matched case-insensitively, like columns
        if candidate.is_file() and candidate.name.lower() == file_name.lower():
            return candidate
    return None


def _empty_frame(table: ContractTable) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in table.column_names})
    frame["_row_number"] = pd.Series(dtype="int64")
    return frame


def _count(load: TableLoad, column: str, what: str, n: int) -> None:
    if n:
        load.normalisations[(column, what)] = load.normalisations.get((column, what), 0) + n


def _normalise(frame: pd.DataFrame, table: ContractTable, load: TableLoad) -> tuple[pd.DataFrame, dict]:
    """Normalise each column by its contract kind. Returns the frame and {row index: [reasons]} to reject."""
    rejected: dict[int, list[str]] = {}

    def reject(mask: pd.Series, column: str, problem: str, action: str = "row quarantined") -> None:
        for index in mask[mask].index:
            row_number = int(frame.at[index, "_row_number"])
            load.problems.append(LoadProblem(table.name, load.source_file, row_number, column, problem, action,
                                             value=str(frame.at[index, column])))
            rejected.setdefault(index, []).append(f"{column}: {problem}")

    kinds = {c.name: c.kind for c in table.columns}
    for column in list(kinds) + load.unknown_columns:
        if column in load.missing_columns:
            continue
        series = frame[column].astype("object")
        present = series.notna()
        series[present], trimmed = _clean_text(series[present].astype(str))
        _count(load, column, "surrounding spaces removed", trimmed)
        placeholder = series.str.upper().isin(PLACEHOLDER_TEXTS)
        _count(load, column, "placeholder text read as not recorded", int(placeholder.sum()))
        series[series.eq("") | placeholder] = None
        present = series.notna()
        kind = kinds.get(column, "text")
        if kind in ("id", "code"):
            zero = series[present].str.match(_TRAILING_ZERO)
            _count(load, column, "trailing .0 removed", int(zero.sum()))
            series[present] = series[present].str.replace(_TRAILING_ZERO, r"\1", regex=True)
            upper = series[present].str.upper()
            _count(load, column, "upper-cased", int((upper != series[present]).sum()))
            series[present] = upper
        elif kind == "mapped":
            collapsed = series[present].str.replace(r"\s+", " ", regex=True)
            _count(load, column, "inner spaces collapsed", int((collapsed != series[present]).sum()))
            series[present] = collapsed
        elif kind == "date":
            as_text = series.astype("object").where(present, None)
            dates, invalid, converted, placeholders = _normalise_dates(pd.Series(as_text, dtype="object"))
            _count(load, column, "date converted to ISO", converted)
            _count(load, column, "placeholder date read as not recorded", placeholders)
            reject(invalid, column, "value is not a date in a recognised form (YYYY-MM-DD or dd/mm/YYYY)")
            series = dates.astype("object").where(dates.notna(), None)
        elif kind == "number":
            no_commas = series[present].str.replace(",", "", regex=False)
            _count(load, column, "thousands separators removed", int((no_commas != series[present]).sum()))
            series[present] = no_commas
            numeric = pd.to_numeric(series[present], errors="coerce")
            reject(pd.Series(numeric.isna().to_numpy(), index=series[present].index).reindex(series.index,
                                                                                             fill_value=False),
                   column, "value is not a number")
        frame[column] = series

    for column in table.primary_key:
        if column in load.missing_columns:
            continue
        reject(frame[column].isna(), column, "key is blank")
    return frame, rejected


def _deduplicate(frame: pd.DataFrame, table: ContractTable, load: TableLoad) -> tuple[pd.DataFrame, list]:
    """Drop exact repeats (counted and reported); a second, different row with the same key is returned
    as (row number, reason) for quarantine: which of the two is right is for the council to say."""
    data_columns = table.column_names + load.unknown_columns
    exact = frame.duplicated(subset=data_columns, keep="first")
    if exact.any():
        for row_number in frame.loc[exact, "_row_number"]:
            load.problems.append(LoadProblem(table.name, load.source_file, int(row_number), None,
                                             "row repeats an earlier row exactly", "duplicate dropped"))
        _count(load, "*", "exact duplicate rows dropped", int(exact.sum()))
        frame = frame[~exact]
    clashes = []
    key = [c for c in table.primary_key if c not in load.missing_columns]
    if key:
        clash = frame.duplicated(subset=key, keep="first")
        for index in clash[clash].index:
            row_number = int(frame.at[index, "_row_number"])
            reason = "same key as an earlier row with different values"
            load.problems.append(LoadProblem(table.name, load.source_file, row_number, ",".join(key), reason,
                                             "row quarantined"))
            clashes.append((row_number, reason))
        frame = frame[~clash]
    return frame, clashes


def read_extract(extract: Extract) -> dict[str, TableLoad]:
    """Every contract table of an extract. Raises ExtractError only if a required table cannot be loaded."""
    loads = {name: read_table(extract, table) for name, table in load_contract().items()}
    fatal = [load for name, load in loads.items()
             if load_contract()[name].is_required and load.status != "loaded"]
    if fatal:
        reasons = "; ".join(f"{load.source_file}: {load.note or load.status}" for load in fatal)
        raise ExtractError(f"extract {extract.extract_id} cannot be loaded: required table(s) unusable: {reasons}")
    return loads


def loaded_at() -> datetime:
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None)
