"""Reading one contract table with DuckDB's CSV reader and normalising it in SQL, in one pass.

The file's form (encoding, delimiter, Excel's sep= line, gzip or zip) is told from its content
(forms.py); DuckDB reads it as text into positional columns, numbering every record in file order
(`row_number() over ()` on a scan that keeps insertion order) and keeping lines it cannot split
(`store_rejects`) so they are quarantined with their reason rather than lost. The contract's
normalisations (normalise.py) run as one SQL statement over the landed rows; a value that cannot be read
puts its row in quarantine with the reason, named by file, row (as a spreadsheet shows it: the header is
row 1) and column. Exact repeats are dropped; a second, different row with the same key is quarantined.

Measured on 2 cores (`make bench`): a scale-50 extract (10.8 million rows, 1,068 MB) is read, normalised and
written into the raw layer in 24 s, 44.5 MB/s, the night's process peaking at 947 MB; the pandas reader this
replaced took about 2 MB/s with Python normalising row by row.
"""

from __future__ import annotations

import csv
import faulthandler
import hashlib
import os
import re
import shutil
import tempfile
import weakref
from collections.abc import Callable
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import duckdb
import pyarrow as pa

from dagster_project.lib.child_process import spawned_pool
from dagster_project.lib.engine.duckdb_limits import DuckDBLimits
from dagster_project.lib.ingest import normalise as rules
from dagster_project.lib.ingest.contract import ContractTable, load_contract
from dagster_project.lib.ingest.forms import DELIMITERS, FileForm, detect_form, readable_copy
from dagster_project.lib.ingest.model import Extract, ExtractError, LoadProblem, TableLoad

# Names a table's file may have; compression is told from content, so `.gz` or `.zip` names are found too.
FILE_SUFFIXES = (".csv", ".csv.gz", ".csv.zip", ".gz", ".zip", ".txt", ".tsv")
NOT_A_DATE = ("value is not a date in a form that can be read safely (yyyy-mm-dd, dd/mm/yyyy, dd-mm-yyyy, "
              "dd.mm.yyyy, dd Mon yyyy, dd-Mon-yy, yyyymmdd)")
_NUMBER_KINDS = ("number", "decimal", "fraction")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def find_table_file(folder: Path, table_name: str) -> Path | None:
    """The table's file: `<table>.csv` first, then any accepted suffix, names compared case-insensitively."""
    exact = folder / f"{table_name}.csv"
    if exact.is_file():
        return exact
    wanted = {f"{table_name}{suffix}".lower() for suffix in FILE_SUFFIXES}
    for candidate in sorted(folder.iterdir()):
        if candidate.is_file() and candidate.name.lower() in wanted:
            return candidate
    return None


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _empty_rows(table: ContractTable) -> pa.Table:
    return pa.table({**{c: pa.array([], pa.string()) for c in table.column_names},
                     "_row_number": pa.array([], pa.int64())})


def _form_notes(load: TableLoad, form: FileForm) -> None:
    """Say how the file was written when it is not plain UTF-8 comma-separated CSV (no value quoted)."""
    def note(problem: str, action: str) -> None:
        load.problems.append(LoadProblem(load.table, load.source_file, None, None, problem, action))

    if form.compression:
        note(f"file is {form.compression}-compressed", "decompressed and read")
    if form.encoding == "windows-1252":
        note("file is not UTF-8; read as Windows-1252", "decoded; check accented names")
    elif form.encoding.startswith("utf-16"):
        note(f"file is {form.encoding.upper().replace('-LE', ' LE').replace('-BE', ' BE')} (SQL Server Management "
             "Studio's \"Unicode\" export)", "read as UTF-16")
    if form.has_sep_line:
        note("first line is Excel's \"sep=\" line, not the header", "skipped; the header is the next line")
    if form.delimiter != ",":
        name = {";": "semicolons", "\t": "tabs", "|": "pipes"}[form.delimiter]
        note(f"columns are separated by {name}, not commas", f"read as {DELIMITERS[form.delimiter]}-separated")


def _column_plan(kind: str, index: int, is_key: bool) -> dict:
    """SQL for one column over the layered query in _normalise (raw `r{i}`, trimmed `t{i}`, present
    `p{i}`, date form number `f{i}`, date `d{i}`): its normalised value, why it cannot be read (null when it
    can), whether any normalisation may have touched it (`touched`), and the counts of each normalisation.
    The layers keep each expression small: built inline, a date column's SQL was 300 regular expressions.

    The counts are taken only over the values `touched` says may have changed (_normalise): a count per
    normalisation per value was a third of the normalising pass, and almost every value is left as it was.
    `touched` must hold wherever a count's condition does: a value its normalisations changed (none can
    turn a value back into its raw text), a placeholder date, a date in a numeric form (the US-date counts)."""
    raw, trimmed, present, form = f"r{index}", f"t{index}", f"p{index}", f"f{index}"
    counts = {
        "surrounding spaces removed": f"coalesce({trimmed}, '') <> coalesce({raw}, '')",
        "placeholder text read as not recorded": rules.is_placeholder_text(trimmed),
    }
    problem = "null"
    layer = {"trimmed": rules.trim_spaces(raw), "present": rules.placeholder_to_blank(trimmed), "form": None}
    if kind == "id":
        value = rules.upper_case(rules.drop_trailing_zero(present))
        counts["trailing .0 removed"] = f"coalesce({rules.drop_trailing_zero(present)} <> {present}, false)"
        counts["upper-cased"] = f"coalesce(upper({present}) <> {rules.drop_trailing_zero(present)}, false)"
    elif kind == "code":
        value = rules.upper_case(present)
        counts["upper-cased"] = f"coalesce(upper({present}) <> {present}, false)"
    elif kind == "mapped":
        value = rules.collapse_inner_spaces(present)
        counts["inner spaces collapsed"] = f"coalesce({value} <> {present}, false)"
    elif kind == "date":
        layer["form"] = rules.date_form_number(present)
        layer["iso"] = rules.iso_date(present, form)
        iso = f"d{index}"
        value = f"case when {rules.is_placeholder_date(iso)} then null else {iso} end"
        problem = f"case when {present} is not null and {iso} is null then {_sql_text(NOT_A_DATE)} end"
        counts["placeholder date read as not recorded"] = rules.is_placeholder_date(iso)
        # not normalisations: what _refuse_us_dates needs, counted in the same pass
        counts["_us_month_first"] = rules.is_us_month_first(present, form)
        counts["_day_first_only"] = rules.is_day_first_only(present, form)
        # a date's value is its ISO text, different from what was written in every other form: what may
        # have touched it is its layers and the two date-only counts
        touched = (f"({present} is distinct from {raw} or {rules.is_placeholder_date(iso)} "
                   f"or {rules.is_numeric_form(form)})")
    elif kind in _NUMBER_KINDS:
        value = rules.number_value(present, kind)
        problem = rules.number_problem(present, kind)
        separators = rules.thousands_separators_removed(present, whole_numbers=kind == "number")
        counts["thousands separators removed"] = f"coalesce({separators} <> {present}, false)"
        if kind != "number":
            comma = rules.decimal_comma_to_point(separators)
            counts["decimal comma read as a decimal point"] = f"coalesce({comma} <> {separators}, false)"
        if kind == "fraction":
            counts["percentage read as a fraction (80% is 0.8)"] = (
                f"coalesce({rules.percent_to_fraction(present)} <> {present}, false)")
    else:
        value = present
    if kind != "date":
        touched = f"(({value}) is distinct from {raw})"
    if is_key:
        problem = f"coalesce({problem}, case when ({value}) is null then 'key is blank' end)"
    return {"value": value, "problem": problem, "counts": counts, "layer": layer, "touched": touched}


def _layered(plans: dict[str, dict], positions: dict[str, int], source: str) -> str:
    """The layers of _column_plan over `source` (a query with _row_number and the raw columns c{i}):
    raw r{i} -> trimmed t{i} -> present p{i} -> date form number f{i} -> date d{i}."""
    layered = "(select _row_number, " + ", ".join(f"c{i} as r{i}" for i in positions.values()) + f" from {source})"
    for step, letter in (("trimmed", "t"), ("present", "p"), ("form", "f"), ("iso", "d")):
        extra = [f"{plans[c]['layer'][step]} as {letter}{i}" for c, i in positions.items()
                 if plans[c]["layer"].get(step)]
        if extra:
            layered = f"(select *, {', '.join(extra)} from {layered})"
    return layered


class TableReader:
    """Reads tables of one extract on one in-memory DuckDB connection (temporary tables per file)."""

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None, tables_dir: TablesFolder | None = None):
        self.con = con or duckdb.connect()
        self.con.execute("set enable_progress_bar = false")  # DuckDB draws one on a long scan, into the log
        self._scans = 0
        # where finished tables go as Parquet; None keeps them in memory as Arrow (read_table's default)
        self.tables_dir = tables_dir
        parent = str(tables_dir.path) if tables_dir is not None else None
        self._workdir = Path(tempfile.mkdtemp(prefix="cla-ingest-", dir=parent))

    def close(self) -> None:
        shutil.rmtree(self._workdir, ignore_errors=True)

    def read(self, extract: Extract, table: ContractTable) -> TableLoad:
        path = find_table_file(extract.folder, table.name)
        load = TableLoad(table=table.name, status="loaded", source_file=f"{table.name}.csv")
        if path is None:
            load.status = "not_available"
            load.note = "not available: the extract has no such file"
            load.rows = _empty_rows(table)
            return load
        load.source_file = path.name
        load.file_hash = _file_hash(path)
        try:
            form = detect_form(path)
        except (OSError, ValueError, EOFError) as exc:  # a damaged gzip or zip
            load.problems.append(LoadProblem(table.name, path.name, None, None,
                                             f"file cannot be opened ({type(exc).__name__})", "table not loaded"))
            load.status = "refused" if table.is_required else "not_available"
            load.note = "not available: the file cannot be opened"
            load.rows = _empty_rows(table)
            return load
        load.encoding = "utf-8" if form.encoding == "utf-8-sig" else form.encoding
        load.file_form = form.describe()
        _form_notes(load, form)
        if form.is_empty:
            load.problems.append(LoadProblem(table.name, path.name, None, None,
                                             "file is empty (not even a header row)", "table not loaded"))
            load.status = "refused" if table.is_required else "not_available"
            load.note = "not available: the file is empty"
            load.rows = _empty_rows(table)
            return load
        if not self._read_header(load, table, form):
            load.rows = _empty_rows(table)
            return load
        with readable_copy(path, form, self._workdir) as (readable, skip):
            self._land(readable, skip, form, load)
        self._normalise(load, table)
        if self._refuse_us_dates(load, table):
            load.rows = _empty_rows(table)
            load.quarantined = []
            load.problems = [p for p in load.problems if p.row is None or p.row == 1 or p.action == "table not loaded"]
        load.normalisations = {k: v for k, v in load.normalisations.items() if not k[1].startswith("_")}
        return load

    # --- header ------------------------------------------------------------------------------------

    def _read_header(self, load: TableLoad, table: ContractTable, form: FileForm) -> bool:
        from dagster_project.lib.ingest.model import excel_column_letter

        positions: dict[str, int] = {}
        for index, raw_name in enumerate(form.header, start=1):
            name = raw_name.replace("\ufeff", "").strip().lower()
            if not name:
                load.problems.append(LoadProblem(table.name, load.source_file, 1, excel_column_letter(index),
                                                 "header has a blank column name", "column ignored"))
                continue
            if name in positions:
                load.problems.append(LoadProblem(table.name, load.source_file, 1, name,
                                                 "column appears twice in the header", "second copy ignored"))
                continue
            positions[name] = index
        load.column_positions = positions
        self._width = len(form.header)
        missing_required = [c for c in table.required_columns if c not in positions]
        if missing_required:
            hint = ""
            if len(form.header) == 1 and len(table.required_columns) > 1:
                hint = (" (the header is one column: is the file separated by something other than "
                        "comma, semicolon, tab or pipe?)")
            for column in missing_required:
                load.problems.append(LoadProblem(table.name, load.source_file, 1, column,
                                                 "required column is missing from the header" + hint,
                                                 "table not loaded"))
            load.status = "refused"
            load.note = "refused: required column(s) missing: " + ", ".join(missing_required)
            return False
        load.missing_columns = [c for c in table.column_names if c not in positions]
        for column in load.missing_columns:
            load.problems.append(LoadProblem(table.name, load.source_file, 1, column,
                                             "optional column is missing from the header", "loaded as blank"))
        load.unknown_columns = [n for n in positions if n not in set(table.column_names)]
        for column in load.unknown_columns:
            load.problems.append(LoadProblem(table.name, load.source_file, 1, column,
                                             "column is not in the input contract", "kept in the raw layer"))
        return True

    # --- landing -----------------------------------------------------------------------------------

    def _land(self, path: Path, skip: int, form: FileForm, load: TableLoad) -> None:
        """The file's records as `landed` (_row_number, c1..cN, all text); unreadable lines quarantined."""
        self._scans += 1
        rejects, scans = f"rejects_{self._scans}", f"reject_scans_{self._scans}"
        columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, self._width + 1)) + "}"
        compression = "'gzip'" if form.compression == "gzip" and not form.needs_copy else "'none'"
        self.con.execute(f"""
            create or replace temp table landed as
            select *, row_number() over () + 1 as _row_number
            from read_csv({_sql_text(str(path))}, header = true, skip = {skip}, columns = {columns},
                          delim = {_sql_text(form.delimiter)}, quote = '"', escape = '"', auto_detect = false,
                          compression = {compression}, strict_mode = true, null_padding = false,
                          store_rejects = true, rejects_table = '{rejects}', rejects_scan = '{scans}')
        """)
        rejected = self.con.execute(f"""
            select line - {skip} as row_number, error_type, error_message, csv_line
            from {rejects} order by line""").fetchall()
        self.con.execute(f"drop table if exists {rejects}")
        self.con.execute(f"drop table if exists {scans}")
        seen = set()
        for row_number, error_type, message, line in rejected:
            if row_number in seen:  # one line can fail in several ways: quarantine it once
                continue
            seen.add(row_number)
            reason = _reject_reason(str(error_type), message or "", self._width)
            record = next(csv.reader([line or ""], delimiter=form.delimiter), [])
            load.problems.append(LoadProblem(load.table, load.source_file, int(row_number), None, reason,
                                             "row quarantined"))
            load.quarantined.append({"row_number": int(row_number), "reason": reason, "record": record})
        # A record's row: its position among the records kept, plus the header, plus the rejected rows
        # before it (the j-th rejected row r_j comes before the k-th kept record when r_j - j <= k).
        thresholds = sorted(r - j for j, r in enumerate(sorted(seen), start=1))
        if not thresholds:
            return  # the usual case: the k-th record is row k + 1, with no second pass
        self.con.execute("create or replace temp table reject_thresholds (threshold bigint, before bigint)")
        self.con.executemany("insert into reject_thresholds values (?, ?)",
                             [(t, j) for j, t in enumerate(thresholds, start=1)])
        self.con.execute("""
            create or replace temp table landed_renumbered as
            select landed.* exclude (_row_number),
                   _row_number + coalesce(offsets.before, 0) as _row_number
            from landed asof left join (select threshold, max(before) as before
                                        from reject_thresholds group by threshold) offsets
                on landed._row_number - 1 >= offsets.threshold
            order by _row_number""")  # the join does not keep file order; what follows relies on it
        self.con.execute("drop table landed")
        self.con.execute("alter table landed_renumbered rename to landed")

    def _raw(self, load: TableLoad, column: str) -> str:
        return f"c{load.column_positions[column]}"

    # --- US dates ----------------------------------------------------------------------------------

    def _refuse_us_dates(self, load: TableLoad, table: ContractTable) -> bool:
        """A date column whose numeric dates only make sense month first is refused, never guessed (the
        counts come from the normalising pass; the first such row is looked up only when refusing)."""
        refused = False
        for column in table.columns_of_kind("date"):
            us_only = load.normalisations.get((column, "_us_month_first"), 0)
            if not us_only or load.normalisations.get((column, "_day_first_only"), 0):
                continue
            first_row = min(p.row for p in load.problems if p.column == column and p.row is not None)
            load.problems.append(LoadProblem(
                table.name, load.source_file, int(first_row), column,
                f"dates are written month first (US mm/dd/yyyy): {us_only} value(s) only make sense that "
                "way and none only makes sense day first, so a date such as 04/06/2012 cannot be read "
                "safely; export this column as yyyy-mm-dd or dd/mm/yyyy", "table not loaded"))
            refused = True
        if refused:
            load.status = "refused"
            load.note = "refused: dates written month first (US mm/dd/yyyy)"
        return refused

    # --- normalising -------------------------------------------------------------------------------

    def _normalise(self, load: TableLoad, table: ContractTable) -> None:
        kinds = {c.name: c.kind for c in table.columns}
        keys = set(table.primary_key)
        data_columns = table.column_names + load.unknown_columns
        plans = {}
        for column in data_columns:
            if column in load.missing_columns:
                continue
            plans[column] = _column_plan(kinds.get(column, "text"), load.column_positions[column], column in keys)
        positions = {column: load.column_positions[column] for column in plans}
        layered = _layered(plans, positions, "landed")
        selects = ["_row_number"]
        for column in data_columns:
            if column in load.missing_columns:
                selects.append(f"cast(null as varchar) as {_quote(column)}")
            else:
                selects.append(f"{plans[column]['value']} as {_quote(column)}")
        problem_columns = {c: f"_problem_{i}" for i, c in enumerate(plans) if plans[c]["problem"] != "null"}
        selects += [f"{plans[c]['problem']} as {alias}" for c, alias in problem_columns.items()]
        touched = {c: f"_touched_{i}" for i, c in enumerate(plans)}
        selects += [f"{plans[c]['touched']} as {alias}" for c, alias in touched.items()]
        forms = {c: f"_form_{i}" for i, c in enumerate(plans) if plans[c]["layer"]["form"]}
        selects += [f"cast(f{positions[c]} as tinyint) as {alias}" for c, alias in forms.items()]
        self.con.execute(f"create or replace temp table normalised as select {', '.join(selects)} from {layered}")
        self._count_normalisations(load, plans, positions, touched, forms)

        # values that cannot be read: one problem per value, one quarantined row per row
        bad_rows: dict[int, list[str]] = {}
        if problem_columns:
            unions = " union all ".join(
                f"select normalised._row_number, {_sql_text(c)} as column_name, landed.{self._raw(load, c)} as value,"
                f" {alias} as problem, {list(plans).index(c)} as position"
                f" from normalised join landed using (_row_number) where {alias} is not null"
                for c, alias in problem_columns.items())
            for row_number, column, value, problem in self.con.execute(
                    f"select _row_number, column_name, value, problem from ({unions}) "
                    "order by _row_number, position").fetchall():
                load.problems.append(LoadProblem(table.name, load.source_file, int(row_number), column, problem,
                                                 "row quarantined", value=value))
                bad_rows.setdefault(int(row_number), []).append(f"{column}: {problem}")
            any_problem = " or ".join(f"{alias} is not null" for alias in problem_columns.values())
            self.con.execute(f"delete from normalised where {any_problem}")

        dropped, clashes = self._duplicates(load, table, data_columns)
        for row_number in dropped:
            load.problems.append(LoadProblem(table.name, load.source_file, row_number, None,
                                             "row repeats an earlier row exactly", "duplicate dropped"))
        if dropped:
            load.normalisations[("*", "exact duplicate rows dropped")] = len(dropped)
        clash_reason = "same key as an earlier row with different values"
        for row_number in clashes:
            load.problems.append(LoadProblem(table.name, load.source_file, row_number, ",".join(table.primary_key),
                                             clash_reason, "row quarantined"))
            bad_rows.setdefault(row_number, []).append(clash_reason)
        removed = dropped + clashes
        if removed:
            self.con.execute("create or replace temp table removed_rows (_row_number bigint)")
            self.con.executemany("insert into removed_rows values (?)", [(r,) for r in removed])
            self.con.execute("delete from normalised where _row_number in (select _row_number from removed_rows)")

        if bad_rows:
            self.con.execute("create or replace temp table bad_rows (_row_number bigint)")
            self.con.executemany("insert into bad_rows values (?)", [(r,) for r in bad_rows])
            raw_columns = ", ".join(f"c{i}" for i in range(1, self._width + 1))
            records = dict(self.con.execute(
                f"select _row_number, [{raw_columns}] from landed where _row_number in "
                "(select _row_number from bad_rows)").fetchall())
            for row_number in sorted(bad_rows):
                load.quarantined.append({"row_number": row_number, "reason": "; ".join(bad_rows[row_number]),
                                         "record": [v if v is not None else "" for v in records[row_number]]})
            load.quarantined.sort(key=lambda q: q["row_number"])

        # the raw text is needed no more: let DuckDB have its memory back before the table is written
        self.con.execute("drop table landed")
        output = ", ".join(_quote(c) for c in data_columns)
        # File order without a sort: `landed` is in file order, and DuckDB keeps a table's insertion order
        # through the projections and deletes that made `normalised` (preserve_insertion_order). A sort here
        # was a third copy of the biggest table at scale 200 (1 GB of CSV), spilling to disk.
        rows = f"select {output}, cast(_row_number as bigint) as _row_number from normalised"
        if self.tables_dir is None:
            load.rows = self.con.execute(rows).fetch_arrow_table()
        else:
            path = self.tables_dir.path / f"{table.name}.parquet"
            self.con.execute(f"copy ({rows}) to {_sql_text(str(path))} (format parquet)")
            load.rows_path, load._keep_alive = path, self.tables_dir
        if load.rows_loaded == 0 and not load.quarantined:
            load.note = "header only: the table has no rows"
        self.con.execute("drop table normalised")

    def _count_normalisations(self, load: TableLoad, plans: dict, positions: dict, touched: dict,
                              forms: dict) -> None:
        """How many values each normalisation changed (and each date form's values): the forms from the
        normalised table; the others from the raw values of only the rows a column's `touched` marks, with
        the layers worked out again for them (none in a clean column)."""
        measures = [f"count(*) filter (where {alias})" for alias in touched.values()]
        form_measures = [(column, name, f"count(*) filter (where {alias} = {number})")
                         for column, alias in forms.items()
                         for number, (name, _) in enumerate(rules.DATE_FORMS, start=1)]
        totals = self.con.execute("select " + ", ".join(measures + [m for _, _, m in form_measures])
                                  + " from normalised").fetchone()
        for (column, name, _), total in zip(form_measures, totals[len(measures):]):
            if total:
                load.normalisations[(column, f"date written as {name}")] = int(total)
        for (column, alias), total in zip(touched.items(), totals[:len(measures)]):
            if not total:
                continue
            i = positions[column]
            rows = (f"(select landed._row_number, c{i} from landed semi join "
                    f"(select _row_number from normalised where {alias}) marked using (_row_number))")
            labels = list(plans[column]["counts"])
            counts = self.con.execute(
                "select " + ", ".join(f"count(*) filter (where {plans[column]['counts'][label]})" for label in labels)
                + f" from {_layered({column: plans[column]}, {column: i}, rows)}").fetchone()
            for label, count in zip(labels, counts):
                if count:
                    load.normalisations[(column, label)] = int(count)

    def _duplicates(self, load: TableLoad, table: ContractTable, data_columns: list[str]) -> tuple[list, list]:
        """Row numbers of exact repeats (dropped) and of different rows repeating a key (quarantined).
        Only the rows whose key repeats are compared whole: almost always none."""
        key = ", ".join(_quote(c) for c in table.primary_key)
        repeated = self.con.execute(f"""
            select {', '.join(_quote(c) for c in data_columns)}, _row_number
            from normalised
            join (select {key} from normalised group by {key} having count(*) > 1) repeated_keys using ({key})
            order by _row_number""").fetchall()
        if not repeated:
            return [], []
        width = len(data_columns)
        key_positions = [data_columns.index(c) for c in table.primary_key]
        seen_rows, seen_keys, dropped, clashes = set(), set(), [], []
        for record in repeated:
            values, row_number = tuple(record[:width]), int(record[width])
            if values in seen_rows:
                dropped.append(row_number)
                continue
            seen_rows.add(values)
            key_values = tuple(values[p] for p in key_positions)
            if key_values in seen_keys:
                clashes.append(row_number)
                continue
            seen_keys.add(key_values)
        return dropped, clashes


def _reject_reason(error_type: str, message: str, width: int) -> str:
    if error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        found = re.search(r"Found: (\d+)", message)
        fields = int(found.group(1)) if found else None
        if fields is not None:
            return f"row has {fields} fields, the header has {width}" + (" (truncated line?)" if fields < width else "")
        return f"row does not have the header's {width} fields"
    if error_type == "UNQUOTED VALUE":
        return "row has a quote mark inside a value that is not quoted, so it cannot be split into columns safely"
    if error_type == "LINE SIZE OVER MAXIMUM":
        return "row is longer than 2 MB (a quote mark never closed?)"
    if error_type == "INVALID ENCODING":
        return "row has bytes that are not text in the file's encoding"
    return "row cannot be read as CSV"


class TablesFolder:
    """A temporary folder of read tables (Parquet), removed when no load refers to it any more."""

    def __init__(self):
        self.path = Path(tempfile.mkdtemp(prefix="cla-tables-"))
        weakref.finalize(self, shutil.rmtree, self.path, True)


def read_table(extract: Extract, table: ContractTable, reader: TableReader | None = None) -> TableLoad:
    """Read, check and normalise one contract table from an extract folder."""
    own = reader is None
    reader = reader or TableReader()
    try:
        return reader.read(extract, table)
    finally:
        if own:
            reader.close()


# Below this much CSV an extract is read in the pipeline's own process, one table after another: starting a
# reader process costs about a second (Python, DuckDB and pyarrow imports), which a small council's whole
# extract (scale 1, 21 MB, reads in about 3 s) does not pay back.
PARALLEL_FROM_BYTES = 64 * 1024**2

_process_reader: TableReader | None = None  # one per reader process, made by _start_reader_process

# Reader processes run below the pipeline's process in the scheduler's eyes. The pipeline's process writes
# each table into the raw layer as it is read, one table at a time: that writer is the long path, and with
# two readers and the writer sharing two cores it fell behind, so 3 s of writing was left when the last
# table had been read. Lower-priority readers let it keep up, and fill the time it leaves (scale 50: 26.5 s
# to 24 s, the same CPU time).
READER_NICENESS = 10


def ingest_workers(environ: dict[str, str] | None = None) -> int | None:
    """CLA_INGEST_WORKERS: how many tables are read at once (default: one per core)."""
    text = (os.environ if environ is None else environ).get("CLA_INGEST_WORKERS", "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"CLA_INGEST_WORKERS={text!r} is not a number of readers: write a whole number, 1 or more")
    return int(text)


class _FolderPath:
    """The tables folder as a reader process sees it: a path only (the pipeline's process owns the folder)."""

    def __init__(self, path: Path):
        self.path = path


def _start_reader_process(config: dict[str, str], tables_path: Path) -> None:
    global _process_reader
    faulthandler.enable()  # a crash in DuckDB leaves the Python line it was on in the night's log
    if hasattr(os, "nice"):  # (not on Windows)
        os.nice(READER_NICENESS)  # before DuckDB starts: its threads take the niceness of the thread making them
    _process_reader = TableReader(duckdb.connect(config=config), _FolderPath(tables_path))


def _read_in_reader_process(extract: Extract, table_name: str) -> TableLoad:
    load = _process_reader.read(extract, load_contract()[table_name])
    load._keep_alive = None  # the pipeline's process sets its own TablesFolder
    return load


def read_extract(extract: Extract, workers: int | None = None, parallel_from_bytes: int = PARALLEL_FROM_BYTES,
                 log: Callable[[str], None] | None = None,
                 on_table: Callable[[TableLoad], None] | None = None) -> dict[str, TableLoad]:
    """Every contract table of an extract. Raises ExtractError only if a required table cannot be read at
    all; whether what was read can be trusted is refusals.check_extract's question. `on_table` is given each
    table as soon as it is read, in this process, while the readers go on (the raw layer is written so).

    A big extract is read by `workers` processes side by side (default: one per core), each with its own
    in-memory DuckDB; the tables they write are Parquet files in a folder this process owns. Side by side
    because DuckDB splits a scan by row groups of 122,880 rows, so most tables of a council run on one
    thread and two tables at a time use both cores. In processes, not threads: a process hands the memory
    it took back when it ends (the night's process stays small), and one that dies (DuckDB 1.4.4 crashed
    now and then under memory pressure at scale 200, in threads as in processes) can be replaced, its
    tables read again (_read_in_processes). Largest file first, so the longest table does not start last."""
    contract = load_contract()
    files = {name: find_table_file(extract.folder, name) for name in contract}
    sizes = {name: (path.stat().st_size if path else 0) for name, path in files.items()}
    pending = sorted(contract, key=lambda name: sizes[name], reverse=True)
    workers = max(1, min(workers or ingest_workers() or os.cpu_count() or 1, len(contract)))
    if sum(sizes.values()) < parallel_from_bytes:
        workers = 1

    tables_dir = TablesFolder()
    # the readers' in-memory databases share the night's DuckDB memory limit and spill into the tables folder
    config = DuckDBLimits.from_environment().config(tables_dir.path / "spill", databases=workers)
    if workers > 1:
        # One thread per reader: most tables fit a row group or two, so a reader's second thread waited more
        # than it worked, and two readers of two threads on two cores took more CPU for the same tables
        # (scale 10: 20.0 CPU-s and 10.2 s against 12.6 CPU-s and 6.4 s with one thread each).
        config["threads"] = "1"
    done: dict[str, TableLoad] = {}

    def finished(load: TableLoad) -> None:
        if load.rows_path is not None:
            load._keep_alive = tables_dir
        if on_table is not None:
            on_table(load)

    if workers == 1:
        reader = TableReader(duckdb.connect(config=config), tables_dir)
        try:
            for name in pending:
                done[name] = reader.read(extract, contract[name])
                finished(done[name])
        finally:
            reader.close()
            reader.con.close()
    else:
        done = _read_in_processes(extract, pending, workers, config, tables_dir, log, on_table=finished)
    loads = {name: done[name] for name in contract}  # the contract's order, whatever finished first
    fatal = [load for name, load in loads.items()
             if load_contract()[name].is_required and load.status != "loaded"]
    if fatal:
        reasons = "; ".join(f"{load.source_file}: {load.note or load.status}" for load in fatal)
        raise ExtractError(f"extract {extract.extract_id} cannot be loaded: required table(s) unusable: {reasons}",
                           extract.extract_id)
    return loads


def _read_in_processes(extract: Extract, pending: list[str], workers: int, config: dict[str, str],
                       tables_dir: TablesFolder, log: Callable[[str], None] | None = None,
                       read_one: Callable[[Extract, str], TableLoad] | None = None,
                       on_table: Callable[[TableLoad], None] | None = None) -> dict[str, TableLoad]:
    """The tables read by `workers` spawned processes (not forked: the pipeline's process has threads and
    an open DuckDB of its own, which a fork would copy half-locked).

    If a reader process dies (DuckDB 1.4.4 crashed now and then reading scale 200 with two readers of 3 GB
    each, in processes as in threads, and never with one reader of 6 GB), the tables not yet read are read
    again, once, by one fresh process with the whole memory limit; a second crash stops the night. Nothing
    of a crashed reader is kept: each table's file is written whole by the reader that finishes it."""
    done: dict[str, TableLoad] = {}
    read_one = read_one or _read_in_reader_process  # (a test passes one that crashes)
    try:
        _pool_read(extract, pending, workers, config, tables_dir, done, read_one, on_table)
        return done
    except BrokenProcessPool:
        unread = [name for name in pending if name not in done]
    if log is not None:
        log(f"an ingestion reader process stopped without finishing (a DuckDB crash, or out of memory); "
            f"reading the {len(unread)} table(s) not yet read again, one at a time")
    whole = DuckDBLimits.from_environment().config(tables_dir.path / "spill")  # the limit of one database
    try:
        _pool_read(extract, unread, 1, whole, tables_dir, done, read_one, on_table)
    except BrokenProcessPool:
        unfinished = [name for name in pending if name not in done]
        raise RuntimeError(
            f"an ingestion reader process of extract {extract.extract_id} stopped without finishing twice "
            f"(a DuckDB crash, or out of memory) with {len(unfinished)} table(s) unread, among them "
            f"{', '.join(unfinished[:3])}; nothing was loaded. Set CLA_INGEST_WORKERS=1 to read one table at "
            "a time in the pipeline's process, or a larger CLA_DUCKDB_MEMORY_LIMIT") from None
    return done


def _pool_read(extract: Extract, names: list[str], workers: int, config: dict[str, str], tables_dir: TablesFolder,
               done: dict[str, TableLoad], read_one: Callable[[Extract, str], TableLoad],
               on_table: Callable[[TableLoad], None] | None = None) -> None:
    with spawned_pool(workers, initializer=_start_reader_process, initargs=(config, tables_dir.path)) as pool:
        futures = {pool.submit(read_one, extract, name): name for name in names}
        try:
            for future in as_completed(futures):
                load = done[futures[future]] = future.result()  # re-raises a reader's error here
                if on_table is not None:
                    on_table(load)
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
