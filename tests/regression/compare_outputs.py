"""Compare two builds of the same extract: every mart and data-quality table (EXCEPT ALL both ways) and
every return file and data-quality CSV (byte for byte).

    uv run --frozen python -m tests.regression.compare_outputs BASELINE_OUTPUT [CANDIDATE_OUTPUT]

BASELINE_OUTPUT is the output folder of a known-good build (e.g. main) of an extract, CANDIDATE_OUTPUT
(default: output/) the build of the same extract by the code under test. Use it to show that a
restructuring changed no figure: copy the baseline's extract folder into landing/, `make run`, compare.
Tables renamed on purpose are mapped in RENAMED; a table only on one side is reported. Exit status 0 when
everything is identical. Prints table names, row counts and file names only (never a row).
"""

from __future__ import annotations

import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

SCHEMAS = ("marts", "data_quality", "tracking")
# baseline name (schema.table) -> candidate name, for tables renamed on purpose
RENAMED = {
    "data_quality.data_quality_rule_summary": "data_quality.fct_data_quality_by_rule",
    "data_quality.data_quality_team_summary": "data_quality.fct_data_quality_by_team",
    "data_quality.data_quality_worker_summary": "data_quality.fct_data_quality_by_worker",
    "data_quality.data_quality_child_summary": "data_quality.fct_data_quality_by_child",
}
# columns that hold the time of the run, not a figure
RUN_TIME_COLUMNS = {"loaded_at"}
# files of the output compared byte for byte: the return files, the data-quality CSVs and HTML report, and
# the annual reports' HTML (the Word and Excel files carry the time they were written; their figures are
# the marts compared above and the HTML)
FILE_PATTERNS = ("returns/**/*.csv", "returns/**/*.zip", "data_quality/*/*.csv", "data_quality/*/*.html",
                 "reports/*/*.html")
# Files with several rows per child (Episodes, Reviews, Missing, SWEpisodes) were written in the order the
# mart happened to store a child's rows (ORDER BY CHILD only, before this change), which a rebuild does not
# reproduce; they are now ordered by every column. A file whose lines are the same in another order is
# accepted, and said so; its zip then differs too and is accepted when all its CSVs are.
ORDER_ONLY_ACCEPTED = True


@dataclass
class Comparison:
    identical: list[str] = field(default_factory=list)
    different: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.different


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> set[str]:
    rows = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        f"where table_catalog = ? and table_schema in ({', '.join('?' for _ in SCHEMAS)})",
        [catalog, *SCHEMAS]).fetchall()
    return {row[0] for row in rows}


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> list[str]:
    schema, name = table.split(".")
    return [row[0] for row in con.execute(
        "select column_name from information_schema.columns where table_catalog = ? and table_schema = ? "
        "and table_name = ? order by ordinal_position", [catalog, schema, name]).fetchall()]


def compare_warehouses(baseline: Path, candidate: Path) -> Comparison:
    result = Comparison()
    con = duckdb.connect()
    con.execute(f"attach '{baseline}' as base (read_only)")
    con.execute(f"attach '{candidate}' as cand (read_only)")
    base_tables, cand_tables = _tables(con, "base"), _tables(con, "cand")
    expected = {RENAMED.get(table, table): table for table in base_tables}
    for table in sorted(cand_tables - set(expected)):
        result.different.append(f"table {table}: only in the candidate")
    for cand_table, base_table in sorted(expected.items()):
        label = base_table if cand_table == base_table else f"{base_table} -> {cand_table}"
        if cand_table not in cand_tables:
            result.different.append(f"table {label}: missing from the candidate")
            continue
        base_columns, cand_columns = _columns(con, "base", base_table), _columns(con, "cand", cand_table)
        if base_columns != cand_columns:
            result.different.append(f"table {label}: columns differ ({len(base_columns)} vs {len(cand_columns)})")
            continue
        columns = ", ".join(f'"{column}"' for column in base_columns if column not in RUN_TIME_COLUMNS)
        base_select = f"select {columns} from base.{base_table}"
        cand_select = f"select {columns} from cand.{cand_table}"
        only_base = con.execute(f"select count(*) from ({base_select} except all {cand_select})").fetchone()[0]
        only_cand = con.execute(f"select count(*) from ({cand_select} except all {base_select})").fetchone()[0]
        rows = con.execute(f"select count(*) from base.{base_table}").fetchone()[0]
        if only_base or only_cand:
            result.different.append(f"table {label}: {only_base} rows only in baseline, {only_cand} only in candidate")
        else:
            result.identical.append(f"table {label}: {rows} rows identical")
    return result


# a synthetic extract's outputs say so (dagster_project/lib/data_label.py): in their names
# ("header_synthetic-data-not-derbys-figures.csv") and, in HTML, a banner, a title and the printed pages'
# header and footer. Files are paired, and HTML compared, without it, so that a baseline built before the
# label (or from a council's own extract) compares with a labelled build of the same extract.
LABEL_IN_NAME = re.compile(r"_synthetic-data-not-[a-z0-9-]+-figures")
LABEL_IN_HTML = re.compile(rb"<div class='synthetic-data'[^>]*>[^<]*</div>|<style>@page \{ @top-center [^<]*</style>"
                           rb"|(?<=<title>)synthetic data: not [^<]*?&#x27;s figures: ")


def unlabelled(path: Path) -> Path:
    return Path(LABEL_IN_NAME.sub("", str(path)))


def compare_files(baseline: Path, candidate: Path) -> Comparison:
    result = Comparison()
    for pattern in FILE_PATTERNS:
        base_files = {unlabelled(p.relative_to(baseline)): p for p in baseline.glob(pattern)}
        cand_files = {unlabelled(p.relative_to(candidate)): p for p in candidate.glob(pattern)}
        for path in sorted(base_files.keys() | cand_files.keys()):
            if path not in cand_files or path not in base_files:
                result.different.append(f"file {path}: only in the {'baseline' if path in base_files else 'candidate'}")
                continue
            base, cand = base_files[path], cand_files[path]
            if _content(base) == _content(cand):
                result.identical.append(f"file {path}: identical")
            elif path.suffix == ".zip" and ORDER_ONLY_ACCEPTED and _same_zip(base, cand):
                result.identical.append(f"file {path}: the same files, each with the same header and lines")
            elif path.suffix == ".csv" and ORDER_ONLY_ACCEPTED and _same_lines(base, cand):
                result.identical.append(f"file {path}: the same header and lines; rows of one child in another order")
            else:
                result.different.append(f"file {path}: bytes differ")
    return result


def _content(path: Path) -> bytes:
    data = path.read_bytes()
    return LABEL_IN_HTML.sub(b"", data) if path.suffix == ".html" else data


def _same_lines(baseline: Path, candidate: Path) -> bool:
    """Same header, and the same lines with the same multiplicity, in any order."""
    base, cand = baseline.read_bytes().splitlines(), candidate.read_bytes().splitlines()
    return base[:1] == cand[:1] and sorted(base[1:]) == sorted(cand[1:])


def _same_zip(baseline: Path, candidate: Path) -> bool:
    with zipfile.ZipFile(baseline) as base, zipfile.ZipFile(candidate) as cand:
        if [LABEL_IN_NAME.sub("", name) for name in base.namelist()] != \
                [LABEL_IN_NAME.sub("", name) for name in cand.namelist()]:
            return False
        for base_name, cand_name in zip(base.namelist(), cand.namelist(), strict=True):
            base_lines, cand_lines = base.read(base_name).splitlines(), cand.read(cand_name).splitlines()
            if base_lines[:1] != cand_lines[:1] or sorted(base_lines[1:]) != sorted(cand_lines[1:]):
                return False
    return True


def compare(baseline: Path, candidate: Path) -> Comparison:
    tables = compare_warehouses(baseline / "warehouse" / "warehouse.duckdb", candidate / "warehouse" / "warehouse.duckdb")
    files = compare_files(baseline, candidate)
    return Comparison(tables.identical + files.identical, tables.different + files.different)


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2:
        print(__doc__)
        return 2
    baseline, candidate = Path(argv[0]), Path(argv[1] if len(argv) > 1 else "output")
    result = compare(baseline, candidate)
    for line in result.identical:
        print("  same  " + line)
    for line in result.different:
        print("  DIFF  " + line)
    print(f"{len(result.identical)} identical, {len(result.different)} different")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
