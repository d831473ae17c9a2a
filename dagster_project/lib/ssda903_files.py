"""Writing one collection year's SSDA903 return from the marts: CSV files exactly as the DfE takes them.

The marts hold the return's content (one row per year and record, DfE column names in lower case, real
dates); this module only formats: the validator's exact column set and order per file, dates as
dd/mm/YYYY, codes upper-case, blanks empty. The DfE validator identifies a CSV by its column set alone.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd


@dataclass(frozen=True)
class ReturnFile:
    name: str  # the validator's table name
    file_name: str
    mart: str
    columns: tuple[str, ...]
    date_columns: tuple[str, ...] = ()
    first_collection_year: str | None = None  # files that did not exist before a year


RETURN_FILES = (
    ReturnFile("Header", "header.csv", "ssda903_header",
               ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"), ("DOB", "MC_DOB")),
    ReturnFile("Episodes", "episodes.csv", "ssda903_episodes",
               ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"), ("DECOM", "DEC")),
    ReturnFile("Reviews", "reviews.csv", "ssda903_reviews",
               ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"), ("DOB", "REVIEW")),
    ReturnFile("UASC", "uasc.csv", "ssda903_uasc", ("CHILD", "SEX", "DOB", "DUC"), ("DOB", "DUC")),
    ReturnFile("OC2", "oc2.csv", "ssda903_oc2",
               ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
                "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
                "INTERVENTION_OFFERED"), ("DOB",)),
    ReturnFile("OC3", "oc3.csv", "ssda903_oc3", ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"), ("DOB",)),
    ReturnFile("AD1", "ad1.csv", "ssda903_ad1",
               ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
                "LS_ADOPTR"), ("DOB", "DATE_INT", "DATE_MATCH")),
    ReturnFile("PlacedAdoption", "placed_for_adoption.csv", "ssda903_placed_adoption",
               ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
               ("DOB", "DATE_PLACED", "DATE_PLACED_CEASED")),
    ReturnFile("PrevPerm", "previous_permanence.csv", "ssda903_previous_permanence",
               ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"), ("DOB",)),
    ReturnFile("Missing", "missing.csv", "ssda903_missing",
               ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"), ("DOB", "MIS_START", "MIS_END")),
    ReturnFile("SWEpisodes", "social_worker_episodes.csv", "ssda903_social_worker_episodes",
               ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"), ("DOB", "SW_DECOM", "SW_DEC"),
               first_collection_year="2023-24"),
)


def files_for_year(collection_year: str) -> tuple[ReturnFile, ...]:
    return tuple(f for f in RETURN_FILES
                 if f.first_collection_year is None or collection_year >= f.first_collection_year)


def _format(frame: pd.DataFrame, return_file: ReturnFile) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for column in return_file.columns:
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
        frame = con.execute(
            f"select * from marts.{return_file.mart} where collection_year = ? order by child",
            [collection_year],
        ).df()
        tables[return_file.name] = _format(frame, return_file)
    return tables


def write_return(tables: dict[str, pd.DataFrame], folder: Path, zip_name: str) -> dict[str, int]:
    """Write the CSVs and one zip of them into folder (replacing what was there). Returns rows per file."""
    folder.mkdir(parents=True, exist_ok=True)
    by_name = {f.name: f for f in RETURN_FILES}
    for stale in folder.glob("*.csv"):
        stale.unlink()
    rows = {}
    for name, frame in tables.items():
        frame.to_csv(folder / by_name[name].file_name, index=False, lineterminator="\r\n")
        rows[by_name[name].file_name] = len(frame)
    with zipfile.ZipFile(folder / zip_name, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in tables:
            archive.write(folder / by_name[name].file_name, arcname=by_name[name].file_name)
    return rows
