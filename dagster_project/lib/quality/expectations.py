"""Great Expectations suites on the staging tables: run on pandas frames read from DuckDB.

Each suite is a GX 1.x JSON file in expectations/, named after the staging model it checks
(``expectations/stg_ssd__persons.json``). Its ``meta`` names the record id column and the person id column;
every expectation's ``meta`` carries its ``rule_code`` (a row of seeds/data_quality/data_quality_rules.csv)
and the extract column it is about. Suites stay declarative: code lists and dates are suite parameters
filled in here (``codes_<FIELD>``: every code of a 903 field in seeds/ssda903/ssda903_codes.csv;
``extract_date``; ``earliest_date``, before which a date is a placeholder).

Validation uses the COMPLETE result format with ``unexpected_index_column_names`` set to the record id (and
the row number in the file, which is unique where an id is not), so every failing row is kept. The rows go
into the warehouse (``data_quality.expectation_failures``), never into logs or Dagster metadata: callers get
counts per rule code. GX's SQL datasource cannot read DuckDB, and dagster-ge needs GX < 1.0: neither is used.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.lib.paths import EXPECTATIONS_DIR, SEEDS_DIR

FAILURES_TABLE = "data_quality.expectation_failures"
RESULTS_TABLE = "data_quality.expectation_results"
EARLIEST_PLAUSIBLE_DATE = date(1990, 1, 1)
ROW_NUMBER_COLUMN = "source_row_number"
# column -> DuckDB type of the two tables written for the data-quality models
FAILURE_TYPES = {"rule_code": "varchar", "suite": "varchar", "staging_model": "varchar",
                 "expectation_type": "varchar", "column_name": "varchar", "source_column": "varchar",
                 "record_id": "varchar", "person_id": "varchar", "source_file_name": "varchar",
                 "source_row_number": "integer", "value_recorded": "varchar"}
RESULT_TYPES = {"suite": "varchar", "staging_model": "varchar", "rule_code": "varchar", "expectation_type": "varchar",
                "column_name": "varchar", "rows_checked": "integer", "success": "boolean",
                "unexpected_count": "integer", "error": "varchar"}
FAILURE_COLUMNS = list(FAILURE_TYPES)
RESULT_COLUMNS = list(RESULT_TYPES)


@dataclass
class SuiteOutcome:
    """What one suite found, as counts (safe for logs and Dagster metadata)."""

    suite: str
    staging_model: str
    available: bool
    rows: int = 0
    expectations: int = 0
    failed_expectations: int = 0
    unexpected_rows: int = 0
    errors: int = 0  # expectations GX could not evaluate
    rule_counts: dict[str, int] = field(default_factory=dict)

    @property
    def success(self) -> bool:
        return self.failed_expectations == 0 and self.errors == 0


def load_suites(folder: Path = EXPECTATIONS_DIR) -> list[dict]:
    """Every suite in the folder, in name order. Raises ValueError on a suite that does not say what it checks."""
    suites = []
    for path in sorted(folder.glob("*.json")):
        suite = json.loads(path.read_text())
        meta = suite.get("meta", {})
        if suite.get("name") != path.stem or meta.get("staging_model") != path.stem:
            raise ValueError(f"{path.name}: the suite and its staging model must be named after the file")
        if not meta.get("record_id_column"):
            raise ValueError(f"{path.name}: meta.record_id_column is required")
        for expectation in suite.get("expectations", []):
            if not expectation.get("meta", {}).get("rule_code"):
                raise ValueError(f"{path.name}: every expectation needs meta.rule_code")
        suites.append(suite)
    return suites


def suite_parameters(extract_date: date, codes_path: Path = SEEDS_DIR / "ssda903" / "ssda903_codes.csv") -> dict:
    """The parameters the suites refer to as {"$PARAMETER": name}."""
    parameters: dict[str, object] = {
        "extract_date": pd.Timestamp(extract_date),
        "earliest_date": pd.Timestamp(EARLIEST_PLAUSIBLE_DATE),
    }
    with open(codes_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            parameters.setdefault(f"codes_{row['field']}", []).append(row["code"])
    return parameters


def _quiet_great_expectations() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    for name in ("great_expectations", "great_expectations.core", "great_expectations.data_context"):
        logging.getLogger(name).setLevel(logging.ERROR)
    # GX fingerprints every frame under its HASH_THRESHOLD bytes (an md5 over a hash of every value, kept
    # only as a batch marker in the results) and does it twice per suite: on a scale-10 warehouse that was a
    # quarter of the stage under cProfile (4.2 s of 15.8 s). A night's batches are identified by the
    # extract, so the fingerprint is switched off by GX's own threshold.
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


def _context(docs_dir: Path | None):
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    if docs_dir is not None:
        docs_dir.mkdir(parents=True, exist_ok=True)
        context.add_data_docs_site(site_name="data_quality", site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    return context


def suite_columns(suite: dict) -> set[str]:
    """The columns a suite reads: those its expectations check or filter on (a pandas row_condition names
    them), and the record, person, file and row columns a failure is reported with."""
    meta = suite["meta"]
    wanted = {meta["record_id_column"], ROW_NUMBER_COLUMN, "source_file_name"}
    if meta.get("person_id_column"):
        wanted.add(meta["person_id_column"])
    for expectation in suite.get("expectations", []):
        kwargs = expectation.get("kwargs", {})
        wanted.update(kwargs[key] for key in ("column", "column_A", "column_B") if key in kwargs)
        wanted.update(kwargs.get("column_list", []))
        if "row_condition" in kwargs:
            wanted.update(re.findall(r"[A-Za-z_]\w*", kwargs["row_condition"]))
    return wanted


def _read_table(con: duckdb.DuckDBPyConnection, model: str, columns: set[str]) -> pd.DataFrame | None:
    """The staging table's rows, only the columns a suite reads (a staging table has up to 40 columns,
    a suite checks a handful: the whole table in pandas was most of the stage's memory and reading time)."""
    present = [row[0] for row in con.execute(
        "select column_name from information_schema.columns where table_schema = 'staging' and table_name = ? "
        "order by ordinal_position", [model]).fetchall()]
    if not present:
        return None
    selected = ", ".join(f'"{column}"' for column in present if column in columns)
    frame = con.execute(f'select {selected} from staging."{model}"').df()
    # DuckDB's dates arrive as datetime64[us]; GX compares only datetime64[ns] columns as whole arrays and
    # calls a Python function per row for any other (its column_values_between). In nanoseconds the date
    # checks run vectorised: 1.7 s of 6.1 s on three scale-10 suites went on that per-row call. A date
    # outside what nanoseconds hold (before 1678, after 2261) keeps its column as it was: slower, same answer.
    for column in frame.columns:
        if pd.api.types.is_datetime64_dtype(frame[column].dtype) and frame[column].dtype != "datetime64[ns]":
            try:
                frame[column] = frame[column].astype("datetime64[ns]")
            except pd.errors.OutOfBoundsDatetime:
                pass
    return frame


def _failure_rows(suite: dict, frame: pd.DataFrame, result) -> list[dict]:
    meta = suite["meta"]
    config = result.expectation_config
    kwargs = config.kwargs
    column = kwargs.get("column") or kwargs.get("column_A") or ",".join(kwargs.get("column_list", []))
    record_column, person_column = meta["record_id_column"], meta.get("person_id_column")
    by_row = frame.set_index(ROW_NUMBER_COLUMN, drop=False)
    rows = []
    for index in result.result.get("unexpected_index_list") or []:
        row_number = index.get(ROW_NUMBER_COLUMN)
        source = by_row.loc[row_number] if row_number in by_row.index else None
        value = index.get(column) if column in index else None
        rows.append({
            "rule_code": config.meta["rule_code"],
            "suite": suite["name"],
            "staging_model": meta["staging_model"],
            "expectation_type": config.type,
            "column_name": column,
            "source_column": config.meta.get("source_column"),
            "record_id": None if index.get(record_column) is None else str(index.get(record_column)),
            "person_id": None if source is None or not person_column or pd.isna(source[person_column])
            else str(source[person_column]),
            "source_file_name": None if source is None else source["source_file_name"],
            "source_row_number": None if row_number is None else int(row_number),
            "value_recorded": None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value),
        })
    return rows


def run_expectations(con: duckdb.DuckDBPyConnection, extract_date: date, docs_dir: Path | None = None,
                     suites: list[dict] | None = None) -> tuple[list[SuiteOutcome], pd.DataFrame, pd.DataFrame]:
    """Validate every suite against its staging table. Returns one outcome per suite (counts only), every
    failing row (with record id, person and source row) and one result row per expectation. With docs_dir,
    GX Data Docs for the night are built there."""
    _quiet_great_expectations()
    import great_expectations as gx

    suites = load_suites() if suites is None else suites
    context = _context(docs_dir)
    datasource = context.data_sources.add_pandas("warehouse")
    parameters = suite_parameters(extract_date)
    result_format = {"result_format": "COMPLETE",
                     "unexpected_index_column_names": None,  # set per suite below
                     "include_unexpected_rows": False}
    outcomes, failures, results = [], [], []
    for suite_document in suites:
        meta = suite_document["meta"]
        model = meta["staging_model"]
        frame = _read_table(con, model, suite_columns(suite_document))
        if frame is None:
            outcomes.append(SuiteOutcome(suite_document["name"], model, available=False))
            continue
        suite = context.suites.add(gx.ExpectationSuite(
            name=suite_document["name"], expectations=suite_document["expectations"], meta=meta))
        batch_definition = datasource.add_dataframe_asset(model).add_batch_definition_whole_dataframe("night")
        formatted = dict(result_format, unexpected_index_column_names=[meta["record_id_column"], ROW_NUMBER_COLUMN])
        if docs_dir is not None:
            validation = context.validation_definitions.add(
                gx.ValidationDefinition(name=model, data=batch_definition, suite=suite))
            checkpoint = context.checkpoints.add(gx.Checkpoint(
                name=model, validation_definitions=[validation], result_format=formatted, actions=[]))
            run = checkpoint.run(batch_parameters={"dataframe": frame}, expectation_parameters=parameters)
            validation_result = next(iter(run.run_results.values()))
        else:
            batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
            validation_result = batch.validate(suite, result_format=formatted, expectation_parameters=parameters)
        outcome = SuiteOutcome(suite_document["name"], model, available=True, rows=len(frame))
        counts: Counter = Counter()
        for result in validation_result.results:
            config = result.expectation_config
            rule_code = config.meta["rule_code"]
            outcome.expectations += 1
            error = (result.exception_info or {}).get("exception_message") if not result.success else None
            unexpected = int(result.result.get("unexpected_count") or 0)
            if error:
                outcome.errors += 1
            elif not result.success:
                outcome.failed_expectations += 1
                rows = _failure_rows(suite_document, frame, result)
                failures.extend(rows)
                counts[rule_code] += len(rows)
            kwargs = config.kwargs
            results.append({
                "suite": suite_document["name"], "staging_model": model, "rule_code": rule_code,
                "expectation_type": config.type,
                "column_name": kwargs.get("column") or kwargs.get("column_A") or ",".join(kwargs.get("column_list", [])),
                "rows_checked": len(frame), "success": bool(result.success), "unexpected_count": unexpected,
                # GX's message can quote a value: keep only the kind of error
                "error": error.split(":")[0][:200] if error else None,
            })
        outcome.unexpected_rows = sum(counts.values())
        outcome.rule_counts = dict(counts)
        outcomes.append(outcome)
    if docs_dir is not None:
        context.build_data_docs(site_names=["data_quality"])
    failures_frame = pd.DataFrame(failures, columns=FAILURE_COLUMNS)
    failures_frame["source_row_number"] = failures_frame["source_row_number"].astype("Int64")
    return outcomes, failures_frame, pd.DataFrame(results, columns=RESULT_COLUMNS)


def write_results(con: duckdb.DuckDBPyConnection, failures: pd.DataFrame, results: pd.DataFrame) -> None:
    """Replace tonight's expectation tables in the warehouse (schema data_quality, never exported)."""
    con.execute("create schema if not exists data_quality")
    for table, frame, types in ((FAILURES_TABLE, failures, FAILURE_TYPES), (RESULTS_TABLE, results, RESULT_TYPES)):
        con.register("incoming", frame[list(types)])
        columns = ", ".join(f"cast({name} as {kind}) as {name}" for name, kind in types.items())
        con.execute(f"create or replace table {table} as select {columns} from incoming")
        con.unregister("incoming")


def check_staging(con: duckdb.DuckDBPyConnection, extract_date: date, docs_dir: Path | None = None,
                  suites: list[dict] | None = None) -> tuple[list[SuiteOutcome], float]:
    """Run the suites, store their failing rows in the warehouse, return the outcomes and the seconds taken."""
    started = time.perf_counter()
    outcomes, failures, results = run_expectations(con, extract_date, docs_dir, suites)
    write_results(con, failures, results)
    return outcomes, time.perf_counter() - started
