"""The council's own configuration folder (CLA_CONFIG_DIR, default config/; config.example/ documents it).

What a council changes lives here, never in seeds/:

  settings.csv        setting_name,setting_value: overrides of seeds/settings/shipped_settings.csv
  code_mappings.csv   domain,cms,la_code,source_value,code: adds to and overrides the shipped mappings
                      (further columns, such as the mapping worksheet's, are ignored: accepting a
                      suggestion is copying a worksheet row)
  the postcode directory named by the setting postcode_directory (ONSPD or NSPL CSV)

Every row is checked before anything is written: a malformed one stops the run with a message naming
the file, the row (as a spreadsheet shows it: the header is row 1) and the column. A folder that does
not exist, or a file that is absent, means "nothing set".
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project.lib.paths import SEEDS_DIR

SETTINGS_FILE = "settings.csv"
MAPPINGS_FILE = "code_mappings.csv"
SETTINGS_COLUMNS = ("setting_name", "setting_value")
MAPPING_COLUMNS = ("domain", "cms", "la_code", "source_value", "code")

# The columns read from a postcode directory, by the names the ONS has used for them: ONSPD writes the
# district as oslaua, NSPL as laua (later releases: lad<yy>cd); both write pcds, oseast1m and osnrth1m.
POSTCODE_COLUMNS = {
    "postcode": ("pcds", "pcd2", "pcd"),
    "ltla_code": ("oslaua", "laua", "lad25cd", "lad24cd", "lad23cd", "lad22cd", "lad21cd", "ladcd"),
    "easting": ("oseast1m", "east1m", "easting"),
    "northing": ("osnrth1m", "north1m", "northing"),
}


# The value types of the shipped settings seed (value_type), and what a value of each must be.
NUMBER_TYPES = {"integer": "a whole number", "double": "a number", "share": "a share from 0 to 1 (0.05 for 5%)"}
VALUE_TYPES = (*NUMBER_TYPES, "boolean", "path")
BOOLEAN_TEXTS = {"yes": True, "true": True, "no": False, "false": False}


class ConfigurationError(ValueError):
    """A row of the council's configuration that cannot be used, located by file, row and column."""


@dataclass
class CouncilConfiguration:
    settings: list[dict] = field(default_factory=list)
    code_mappings: list[dict] = field(default_factory=list)
    postcode_directory: Path | None = None


def _read_rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
        missing = [c for c in required if c not in header]
        if missing:
            raise ConfigurationError(f"{path.name}: row 1 (the header) has no column {', '.join(missing)} "
                                     f"(expected {', '.join(required)})")
        reader.fieldnames = header
        return [(number, {k: (v or "").strip() for k, v in row.items() if k})
                for number, row in enumerate(reader, start=2)
                if any((v or "").strip() for v in row.values() if isinstance(v, str))]


def _shipped(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def shipped_settings() -> dict[str, dict[str, str]]:
    """The shipped settings seed, by setting name (value, value_type, description)."""
    return {row["setting_name"]: row for row in _shipped(SEEDS_DIR / "settings" / "shipped_settings.csv")}


def typed_value(name: str, value_type: str, text: str):
    """What a setting's text stands for, by its value type (the shipped seed's value_type column):

        integer  a whole number, not negative (days, months, ages, counts)
        double   a number, not negative (a target in per cent)
        share    a number from 0 to 1 (0.05 is 5%): a share of rows or children
        boolean  yes or no (true or false), in any case
        path     a file named relative to the configuration folder; blank is None

    A value that is none of these raises ValueError with a sentence saying what the setting must be."""
    text = (text or "").strip()
    if value_type == "path":
        return text or None
    if value_type == "boolean":
        if text.lower() not in BOOLEAN_TEXTS:
            raise ValueError(f"{name} must be yes or no, not {text!r}")
        return BOOLEAN_TEXTS[text.lower()]
    if value_type not in NUMBER_TYPES:
        raise ValueError(f"{name} has the value type {value_type!r}, which the warehouse does not know "
                         f"({', '.join(VALUE_TYPES)})")
    try:
        value = int(text) if value_type == "integer" else float(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value):
        raise ValueError(f"{name} must be {NUMBER_TYPES[value_type]}, not {text!r}")
    if value < 0:
        raise ValueError(f"{name} cannot be negative")
    if value_type == "share" and value > 1:
        raise ValueError(f"{name} must be {NUMBER_TYPES[value_type]}, not {text!r}")
    return value


def _warehouse_text(value_type: str, typed, text: str) -> str:
    """The text the warehouse keeps: true / false for a boolean (what SQL casts on DuckDB and Spark alike,
    whichever of yes, no, true, false the council wrote), the value as written otherwise."""
    if value_type == "boolean":
        return "true" if typed else "false"
    return text


def read_settings(config_dir: Path) -> tuple[list[dict], Path | None]:
    """The council's settings as rows for the warehouse, and its postcode directory's path if it gave one."""
    path = config_dir / SETTINGS_FILE
    if not path.exists():
        return [], None
    shipped = shipped_settings()
    rows, seen, directory = [], {}, None
    for number, row in _read_rows(path, SETTINGS_COLUMNS):
        where = f"{path.name}: row {number}"
        name, value = row["setting_name"].lower(), row["setting_value"]
        if name not in shipped:
            near = difflib.get_close_matches(name, list(shipped), n=1)
            raise ConfigurationError(f"{where}, column setting_name: {name!r} is not a setting"
                                     + (f" (did you mean {near[0]!r}?)" if near else ""))
        if name in seen:
            raise ConfigurationError(f"{where}, column setting_name: {name!r} is set again (first on row {seen[name]})")
        seen[name] = number
        value_type = shipped[name]["value_type"]
        try:
            typed = typed_value(name, value_type, value)
        except ValueError as exc:
            raise ConfigurationError(f"{where}, column setting_value: {exc}") from None
        if value_type == "path":
            if typed is None:
                continue
            directory = (config_dir / value) if not Path(value).is_absolute() else Path(value)
            if not directory.is_file():
                raise ConfigurationError(f"{where}, column setting_value: no file {value!r} in the configuration folder")
        rows.append({"setting_name": name, "setting_value": _warehouse_text(value_type, typed, value),
                     "source_file_name": path.name, "source_row_number": number})
    return rows, directory


def settings_in_force(config_dir: Path | None) -> dict:
    """Every setting's value, typed: the council's own where its settings.csv sets one, else the shipped
    default; config_dir None means the shipped defaults only. For what runs before dbt (ingestion); after
    dbt the same values are in marts.dim_council_settings (see settings_from_warehouse)."""
    shipped = shipped_settings()
    texts = {name: row["setting_value"] for name, row in shipped.items()}
    if config_dir is not None:
        texts.update((row["setting_name"], row["setting_value"]) for row in read_settings(config_dir)[0])
    return {name: typed_value(name, shipped[name]["value_type"], text) for name, text in texts.items()}


def settings_from_warehouse(con: duckdb.DuckDBPyConnection, names: tuple[str, ...]) -> dict:
    """The named settings in force tonight, typed, from marts.dim_council_settings (what the night's
    figures used). A setting the table does not have is an error: a report must never fall back to a
    value nobody set."""
    rows = con.execute("select setting_name, setting_value, value_type from marts.dim_council_settings "
                       f"where setting_name in ({', '.join('?' for _ in names)})", list(names)).fetchall()
    found = {name: typed_value(name, value_type, value) for name, value, value_type in rows}
    missing = [name for name in names if name not in found]
    if missing:
        raise ConfigurationError(f"marts.dim_council_settings has no setting {', '.join(missing)}: build it "
                                 "(dbt build -s dim_council_settings) from seeds/settings/shipped_settings.csv")
    return found


def read_code_mappings(config_dir: Path) -> list[dict]:
    """The council's mapping rows, each checked against the shipped domains and their codes."""
    path = config_dir / MAPPINGS_FILE
    if not path.exists():
        return []
    codes_by_domain: dict[str, set[str]] = {}
    for row in _shipped(SEEDS_DIR / "mappings" / "code_mappings.csv"):
        codes_by_domain.setdefault(row["domain"], set()).add(row["code"].upper())
    rows, seen = [], {}
    for number, row in _read_rows(path, MAPPING_COLUMNS):
        where = f"{path.name}: row {number}"
        domain = row["domain"].lower()
        if domain not in codes_by_domain:
            near = difflib.get_close_matches(domain, list(codes_by_domain), n=1)
            raise ConfigurationError(f"{where}, column domain: {domain!r} is not a mapping domain"
                                     + (f" (did you mean {near[0]!r}?)" if near else ""))
        for column in ("cms", "source_value", "code"):
            if not row[column]:
                raise ConfigurationError(f"{where}, column {column}: blank (every mapping needs one; "
                                         "cms * applies to every system)")
        code = row["code"].upper()
        if code not in codes_by_domain[domain]:
            raise ConfigurationError(f"{where}, column code: {code!r} is not a code of {domain} "
                                     f"({', '.join(sorted(codes_by_domain[domain]))})")
        la_code = row["la_code"].upper()
        if la_code and not re.fullmatch(r"E\d{8}", la_code):
            raise ConfigurationError(f"{where}, column la_code: {la_code!r} is not a 9-character ONS code")
        key = (domain, row["cms"].lower(), la_code, " ".join(row["source_value"].upper().split()))
        if key in seen and seen[key][1] != code:
            raise ConfigurationError(f"{where}, column code: the same value is mapped to {seen[key][1]!r} on "
                                     f"row {seen[key][0]} and to {code!r} here")
        seen[key] = (number, code)
        rows.append({"domain": domain, "cms": row["cms"].lower(), "la_code": la_code,
                     "source_value": row["source_value"], "code": code,
                     "source_file_name": path.name, "source_row_number": number})
    return rows


def read_configuration(config_dir: Path) -> CouncilConfiguration:
    settings, directory = read_settings(config_dir)
    return CouncilConfiguration(settings=settings, code_mappings=read_code_mappings(config_dir),
                                postcode_directory=directory)


# --- the postcode directory -----------------------------------------------------------------------------

def fingerprint(path: Path) -> str:
    """Name, size and modification time: a new download (a new file) reloads; the same file does not."""
    stat = path.stat()
    return hashlib.sha256(f"{path.name}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]


def postcode_directory_columns(path: Path) -> dict[str, str]:
    """Which of the file's columns hold postcode, district, easting and northing."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        header = [c.strip().lower() for c in next(csv.reader(f), [])]
    found = {}
    for wanted, candidates in POSTCODE_COLUMNS.items():
        match = next((c for c in candidates if c in header), None)
        if match is None:
            raise ConfigurationError(f"{path.name}: row 1 (the header) has none of the columns "
                                     f"{', '.join(candidates)} ({wanted}): is it an ONSPD or NSPL file?")
        found[wanted] = match
    return found


def cache_postcode_directory(path: Path, cache_dir: Path) -> tuple[Path, bool]:
    """The directory's four columns as Parquet in the cache, read from the CSV only when the file is new
    (the full ONSPD is 2.7 million rows and about 1 GB; the Parquet of four columns is tens of MB).
    Returns the Parquet file and whether it was read just now."""
    cached = cache_dir / f"postcode_directory-{fingerprint(path)}.parquet"
    if cached.exists():
        return cached, False
    columns = postcode_directory_columns(path)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob("postcode_directory-*.parquet"):
        old.unlink()
    partial = cached.with_suffix(".partial")
    with duckdb.connect() as con:
        # every column read as text: the loader decides what is a number, never the sniffer
        con.execute(f"""
            copy (
                select
                    regexp_replace(upper(trim("{columns['postcode']}")), '\\s+', ' ', 'g') as postcode,
                    nullif(upper(trim("{columns['ltla_code']}")), '') as ltla_code,
                    try_cast(nullif(trim("{columns['easting']}"), '') as integer) as easting,
                    try_cast(nullif(trim("{columns['northing']}"), '') as integer) as northing
                from read_csv(?, header = true, all_varchar = true)
                where nullif(trim("{columns['postcode']}"), '') is not null
            ) to '{partial}' (format parquet)
        """, [str(path)])
    partial.rename(cached)
    return cached, True


def write_configuration(con: duckdb.DuckDBPyConnection, configuration: CouncilConfiguration,
                        postcode_parquet: Path | None) -> dict[str, int]:
    """The configuration into the warehouse's configuration schema (each table present, empty when unset)."""
    import pandas as pd

    con.execute("create schema if not exists configuration")
    tables = {
        "council_settings": (configuration.settings, list(SETTINGS_COLUMNS) + ["source_file_name", "source_row_number"]),
        "council_code_mappings": (configuration.code_mappings,
                                  list(MAPPING_COLUMNS) + ["source_file_name", "source_row_number"]),
    }
    counts = {}
    for name, (rows, columns) in tables.items():
        frame = pd.DataFrame(rows, columns=columns).astype("object")
        con.register("incoming_configuration", frame)
        casts = ", ".join(f"cast({c} as {'integer' if c == 'source_row_number' else 'varchar'}) as {c}"
                          for c in columns)
        con.execute(f"create or replace table configuration.{name} as select {casts} from incoming_configuration")
        con.unregister("incoming_configuration")
        counts[name] = len(rows)
    if postcode_parquet is not None:
        con.execute("create or replace table configuration.postcode_directory as "
                    "select postcode, ltla_code, easting, northing from read_parquet(?)", [str(postcode_parquet)])
    else:
        con.execute("create or replace table configuration.postcode_directory (postcode varchar, "
                    "ltla_code varchar, easting integer, northing integer)")
    counts["postcode_directory"] = con.execute("select count(*) from configuration.postcode_directory").fetchone()[0]
    return counts
