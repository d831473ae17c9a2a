"""The DfE rules run on the return files as written, with errors planted in the files themselves.

Many DfE rules check a value the warehouse derives (the reason for a new episode, an OC2 item left out for
a child not looked after 12 months, a child in AD1 but not in Header): no extract can break them, so the
synthetic council's planted errors (synth/errors*.py) cannot prove them. The DfE receives the files, not
the warehouse, so here the rules are proved on the files:

1. a built warehouse's return is written (lib/returns/files.py), exactly as the night writes it;
2. planting kinds (tests/tooling/return_plantings.py) change values in the files as a person editing the
   CSVs, or a faulty system, could, and say which rules each change must raise for which child;
3. the files are read back and put in place of the return's intermediate tables (``int_ssda903_return_*``),
   row for row: a file row takes the place of the warehouse row it was written from, so the finding still
   points at that row's extract record, and the warehouse's other columns (its pointers, ages) are kept;
4. dbt rebuilds only the rule models between those tables and ``int_quality_findings``;
5. the test compares the rules' findings with the plantings, and the public validator's on the same files.

A copy of the warehouse is used; the night's own warehouse is never touched.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.lib.paths import DBT_PROJECT_DIR
from dagster_project.lib.returns.files import ReturnFile, files_for_year, read_return, write_return

# The DoLo file (deprivation of liberty orders, 2026-27 on): the validator's columns. The extract has no
# DoLO table yet, so the warehouse writes no DoLo file; its DoLO rules read int_quality_return_dolo, which a
# DoLo file planted here takes the place of.
ORIGIN = "_origin"
DOLO = "DoLo"
DOLO_FILE = "dolo.csv"
DOLO_COLUMNS = ["CHILD", "DOB", "DOLO_START", "DOLO_END"]


def int_model(return_file: ReturnFile) -> str:
    """The intermediate model a return mart selects from (ssda903_episodes <- int_ssda903_return_episodes)."""
    return "int_ssda903_return_" + return_file.mart.removeprefix("ssda903_")


@dataclass
class WrittenYear:
    """One year's return files as pandas frames of text: the DfE's columns, and ORIGIN, the position of the
    warehouse row a file row was written from (a copied row keeps its origin's; it is not written)."""

    collection_year: str
    frames: dict[str, pd.DataFrame]
    changed: set[str] = field(default_factory=set)

    @classmethod
    def from_warehouse(cls, con: duckdb.DuckDBPyConnection, collection_year: str) -> WrittenYear:
        frames = read_return(con, collection_year)
        for frame in frames.values():
            frame[ORIGIN] = range(len(frame))
        return cls(collection_year, frames)

    def write(self, folder: Path) -> None:
        write_return({name: frame.drop(columns=ORIGIN).reset_index(drop=True) for name, frame in self.frames.items()
                      if name != DOLO},
                     folder, zip_name="return.zip")
        if DOLO in self.frames:
            self.frames[DOLO][DOLO_COLUMNS].to_csv(folder / DOLO_FILE, index=False, lineterminator="\r\n")

    def read_back(self, folder: Path) -> dict[str, pd.DataFrame]:
        """The files as written, each row given its origin again (files keep the rows' order)."""
        by_name = {f.name: f for f in files_for_year(self.collection_year)}
        out = {}
        for name, frame in self.frames.items():
            file_name = DOLO_FILE if name == DOLO else by_name[name].file_name
            written = pd.read_csv(folder / file_name, dtype=str, keep_default_na=False)
            assert len(written) == len(frame), f"{name}: the file has {len(written)} rows, {len(frame)} were written"
            if ORIGIN in frame:
                written[ORIGIN] = frame[ORIGIN].to_numpy()
            out[name] = written
        return out


def _typed(column: str, data_type: str, is_date: bool) -> str:
    value = f"nullif(written.\"{column}\", '')"
    if is_date:
        return f"cast(try_strptime({value}, '%d/%m/%Y') as date)"
    if data_type.upper() in ("VARCHAR", "TEXT", "STRING"):
        return value
    return f"try_cast({value} as {data_type})"


def overlay(con: duckdb.DuckDBPyConnection, collection_year: str, files: dict[str, pd.DataFrame]) -> list[str]:
    """Put the files' values in place of the year's rows of each file's intermediate table. Returns the
    models replaced."""
    by_name = {f.name: f for f in files_for_year(collection_year)}
    replaced = []
    for name, frame in files.items():
        if name == DOLO:
            replaced.append(_overlay_dolo(con, collection_year, frame))
            continue
        return_file = by_name[name]
        model = int_model(return_file)
        columns = con.execute(
            "select column_name, data_type from information_schema.columns where table_schema = 'intermediate' "
            "and table_name = ? order by ordinal_position", [model]).fetchall()
        file_columns = {c.lower(): c for c in return_file.columns_for_year(collection_year)}
        order = ", ".join(file_columns)
        con.register("written", frame)
        select = []
        for column, data_type in columns:
            if column in file_columns:
                select.append(f"{_typed(file_columns[column], data_type, file_columns[column] in return_file.date_columns)}"
                              f" as {column}")
            else:
                select.append(f"warehouse.{column}")
        con.execute(f"""
            create or replace temporary table overlaid as
            with warehouse as (
                select *, row_number() over (order by {order}) - 1 as _position
                from intermediate.{model} where collection_year = $year
            )
            select {', '.join(select)}
            from written
            left join warehouse on written.{ORIGIN} = warehouse._position
            union all by name
            select * from intermediate.{model} where collection_year <> $year
        """, {"year": collection_year})
        con.execute(f"create or replace table intermediate.{model} as select * from overlaid")
        con.unregister("written")
        replaced.append(model)
    return replaced


def _overlay_dolo(con: duckdb.DuckDBPyConnection, collection_year: str, frame: pd.DataFrame) -> str:
    """The DoLo file's rows as the year's rows of int_quality_return_dolo (its columns, in order)."""
    con.register("written", frame.reset_index(drop=True).reset_index(names="_row"))
    con.execute("""
        create or replace temporary table overlaid as
        select
            $year as collection_year,
            nullif("CHILD", '') as child,
            cast(try_strptime(nullif("DOB", ''), '%d/%m/%Y') as date) as dob,
            cast(try_strptime(nullif("DOLO_START", ''), '%d/%m/%Y') as date) as dolo_start,
            cast(try_strptime(nullif("DOLO_END", ''), '%d/%m/%Y') as date) as dolo_end,
            nullif("DOLO_END", '') as dolo_end_recorded,
            'DOLO-' || cast(_row + 1 as varchar) as dolo_id,
            'ssda903_dolo' as record_table,
            'dolo.csv' as source_file_name,
            cast(_row + 2 as integer) as source_row_number
        from written
        union all by name
        select * from intermediate.int_quality_return_dolo where collection_year <> $year
    """, {"year": collection_year})
    con.execute("create or replace table intermediate.int_quality_return_dolo as select * from overlaid")
    con.unregister("written")
    return "int_quality_return_dolo"


def rebuild_rules(warehouse: Path, replaced: list[str], work: Path) -> None:
    """dbt run of the models between the replaced tables and the findings (not the replaced ones)."""
    from dagster_project.defs.transformation.project import dbt_executable

    select = [f"{model}+,+int_quality_findings" for model in sorted(set(replaced))]
    command = [dbt_executable(), "run", "--select", *select, "--exclude", *sorted(set(replaced)),
               "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
               "--target", "warehouse", "--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    environment = {**os.environ, "CLA_WAREHOUSE_PATH": str(warehouse)}
    finished = subprocess.run(command, env=environment, capture_output=True, text=True, cwd=DBT_PROJECT_DIR,
                              check=False)
    if finished.returncode:
        raise RuntimeError(f"dbt run failed:\n{finished.stdout[-4000:]}\n{finished.stderr[-2000:]}")
