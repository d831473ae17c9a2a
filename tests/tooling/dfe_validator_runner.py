"""Run the DfE's public SSDA903 validator (PyPI ``csc-validator-be-903``, module ``lac_validator``).

This script is executed BY FILE PATH with the python of the validator's own virtual environment (Python 3.11,
pandas 1.5), never imported by the project: it may use only the standard library and ``lac_validator`` (and
what lac_validator itself depends on, reached through it). ``tests.tooling.dfe_validator`` builds that
environment, writes a request file, runs this script and parses the JSON it writes.

    <validator-venv>/bin/python dfe_validator_runner.py REQUEST.json OUTPUT.json

REQUEST.json::

    {"this_year": ["/path/header.csv", ...],      # CSV (or one XML) files of the year being validated
     "prev_year": ["/path/last/header.csv", ...], # optional: last year's files (tables become <Table>_last)
     "collection_year": "2026",                   # END year of the collection, as the validator wants it
     "la_code": "E06000015",                      # 9-character ONS code of the local authority
     "selected_rules": null,                      # or a list of rule codes to run only those, in that order
     "isolate_rules": true,                       # one deep copy of the tables per rule (see run())
     "ch_lookup": null, "scp_lookup": null,       # optional Ofsted children's homes / social care providers xlsx
     "excel_report": null}                        # optional path: also write the validator's Excel report

OUTPUT.json has ``"status": "ok"`` with the results, or ``"status": "input_error"`` (the validator's
UploadError: files not recognised) with a per-file diagnosis, or ``"status": "error"`` with a traceback.
The exit code is 0 in all three cases once OUTPUT.json is written (the caller reads the status); anything
else means the runner itself failed before it could write its output.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import math
import os
import resource
import sys
import time
import traceback
import warnings

T_START = time.perf_counter()

MAX_CAPTURED_CHARS = 20_000


class _CaptureHandler(logging.Handler):
    """Keeps the validator's WARNING+ log records; maps 'Rule code X failed to run!' to the exception."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.crashes: dict[str, str] = {}
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        if msg.startswith("Rule code ") and msg.endswith(" failed to run!"):
            code = msg[len("Rule code ") : -len(" failed to run!")]
            if record.exc_info and record.exc_info[1] is not None:
                exc = record.exc_info[1]
                tb = traceback.extract_tb(record.exc_info[2])
                # the deepest frame inside lac_validator (the rule's own line), not pandas internals
                own = [fr for fr in tb if "lac_validator" in fr.filename] or tb
                where = ""
                if own:
                    fr = own[-1]
                    rel = fr.filename.split("lac_validator", 1)[-1].lstrip("/\\")
                    where = f" at lac_validator/{rel}:{fr.lineno}: {(fr.line or '').strip()[:160]}"
                self.crashes[code] = f"{type(exc).__name__}: {exc}{where}"
            else:
                self.crashes[code] = "unknown error"
        elif len(self.messages) < 200:
            self.messages.append(f"{record.levelname} {record.name}: {msg[:500]}")


def _configure_logging() -> _CaptureHandler:
    # lac_validator.lac_validator calls logging.basicConfig(level=INFO) at import, which logs one INFO line
    # per rule. basicConfig does nothing when the root logger already has a handler, so install ours first.
    handler = _CaptureHandler()
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    return handler


def _first_line(content: bytes) -> bytes:
    end = content.find(b"\n")
    return content if end < 0 else content[: end + 1]


def _diagnose_files(slots: dict[str, list[str]]) -> tuple[list[dict], list[str]]:
    """Identify each CSV file's table the way the validator does (same reader, header line only).

    Returns one dict per file and a list of problems (unrecognised column sets, two files for one table).
    """
    from lac_validator.config import column_names
    from lac_validator.ingress import read_csvs_from_text
    from lac_validator.types import UploadError

    diagnosis: list[dict] = []
    problems: list[str] = []
    for slot, paths in slots.items():
        seen: dict[str, str] = {}
        for path in paths:
            entry: dict = {"path": path, "slot": slot, "table": None}
            diagnosis.append(entry)
            if not path.lower().endswith(".csv"):
                entry["note"] = "not a .csv file: not checked here"
                continue
            with open(path, "rb") as f:
                content = f.read()
            if not content.strip():
                entry["problem"] = "file is empty (not even a header line)"
                problems.append(f"{path}: file is empty (not even a header line)")
                continue
            header_only = {"name": path, "description": slot, "file_content": _first_line(content)}
            try:
                tables = read_csvs_from_text([header_only])
                table = next(iter(tables))
                entry["table"] = table
                entry["columns"] = list(tables[table].columns)
                if table in seen:
                    problems.append(
                        f"{path} and {seen[table]} both have the {table} column set in '{slot}': the "
                        f"validator would silently keep only the last one"
                    )
                seen[table] = path
            except UploadError as exc:
                text = content.decode("utf-8-sig", "replace").splitlines()[0]
                columns = next(csv.reader([text]), [])
                entry["columns"] = columns
                upper = {c.strip().upper() for c in columns}
                best = max(column_names, key=lambda t: len(upper & set(column_names[t])))
                missing = [c for c in column_names[best] if c not in columns]
                extra = [c for c in columns if c not in column_names[best]]
                entry.update({"closest_table": best, "missing_columns": missing, "extra_columns": extra})
                hint = ""
                if upper == set(column_names[best]):
                    hint = " - only case or spaces differ: column names must be exactly as listed"
                problems.append(
                    f"{path} ('{slot}'): columns {columns} match no 903 table ({exc}). Closest is {best}: "
                    f"missing {missing}, unexpected {extra}{hint} (column names are exact and case-sensitive; "
                    f"order does not matter)"
                )
            except Exception as exc:  # noqa: BLE001 - any reader failure is reported per file
                entry["problem"] = f"{type(exc).__name__}: {exc}"
                problems.append(f"{path} ('{slot}'): could not be read: {type(exc).__name__}: {exc}")
    return diagnosis, problems


def run(request: dict) -> dict:
    capture = _configure_logging()
    warnings.filterwarnings("ignore")  # pandas SettingWithCopy/Future warnings from the rules

    t_import = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as import_stdout:
        from lac_validator import lac_validator
        from lac_validator.rules.ruleset_utils import get_year_ruleset
        from lac_validator.types import UploadError
        from lac_validator.utils import process_uploaded_files
    import_seconds = time.perf_counter() - t_import

    try:
        from importlib.metadata import version

        validator_version = version("csc-validator-be-903")
        pandas_version = version("pandas")
    except Exception:  # noqa: BLE001 - metadata missing: informational only
        validator_version = pandas_version = "unknown"

    collection_year = str(request["collection_year"])
    slots = {"This year": list(request["this_year"])}
    if request.get("prev_year"):
        slots["Prev year"] = list(request["prev_year"])

    diagnosis, problems = _diagnose_files(slots)
    base = {
        "validator_version": validator_version,
        "pandas_version": pandas_version,
        "python_version": sys.version.split()[0],
        "collection_year": collection_year,
        "la_code": request["la_code"],
        "files": diagnosis,
    }
    if problems:
        return {**base, "status": "input_error", "message": "; ".join(problems), "problems": problems}

    files = dict(slots)
    if request.get("ch_lookup"):
        files["CH lookup"] = [request["ch_lookup"]]
    if request.get("scp_lookup"):
        files["SCP lookup"] = [request["scp_lookup"]]

    registry = get_year_ruleset(collection_year)
    ruleset = f"lac{int(collection_year) - 1}_{collection_year[2:4]}"
    selected = request.get("selected_rules")
    if selected:
        unknown = [code for code in selected if code not in registry]
        if unknown:
            return {**base, "status": "error", "message": f"rules not in {ruleset}: {unknown}"}
        # run the selected rules in the order given (the validator would use its registry order)
        to_run = {code: registry[code] for code in dict.fromkeys(selected)}
    else:
        to_run = registry
    metadata = {"collectionYear": collection_year, "localAuthority": request["la_code"]}

    isolate = bool(request.get("isolate_rules", True))
    if isolate:
        # LacValidator gives every rule a SHALLOW copy of the tables (datastore.copy_datastore), so a rule
        # that writes into a column in place changes the data every later rule sees: rule 365 fills every
        # blank DEC with the collection end date (episodes.loc[DEC.isna(), "DEC"] = ...), and the rules
        # run in the order the rule files are listed by the file system, which differs between machines.
        # A deep copy per rule makes each rule see the files as loaded, whatever the order.
        lac_validator.copy_datastore = _deep_copy_datastore

    captured = io.StringIO()
    t_validate = time.perf_counter()
    try:
        with contextlib.redirect_stdout(captured):
            v = lac_validator.LacValidator(
                metadata=metadata,
                files=process_uploaded_files(files),
                registry=to_run,
                selected_rules=None,
            )
    except UploadError as exc:
        return {**base, "status": "input_error", "message": str(exc), "problems": [str(exc)]}
    validation_seconds = time.perf_counter() - t_validate

    # Per-rule results straight from the flagged rows (what Report.error_report sums), so nothing here
    # depends on Report, which raises when no rule fired.
    child_errors: list[list] = []
    errors_by_rule: dict[str, int] = {}
    tables_loaded = sorted(k for k in v.ds_results if k != "metadata")
    for table in tables_loaded:
        df = v.ds_results[table]
        err_cols = [c for c in df.columns if str(c).startswith("ERR_")]
        for col in err_cols:
            code = col[4:]
            flagged = df.index[df[col] == True]  # column holds True or NaN
            if len(flagged) == 0:
                continue
            errors_by_rule[code] = errors_by_rule.get(code, 0) + len(flagged)
            fields = list(dict.fromkeys(f for f in (registry[code].affected_fields or []) if f in df.columns))
            children = df.loc[flagged, "CHILD"].tolist() if "CHILD" in df.columns else [None] * len(flagged)
            field_values = {f: df.loc[flagged, f].tolist() for f in fields}
            for i, idx in enumerate(flagged):
                values = {f: (None if _isna(field_values[f][i]) else str(field_values[f][i])) for f in fields}
                child = children[i]
                child_errors.append([None if _isna(child) else str(child), table, int(idx), code, values])

    rules = {
        code: {
            "message": rule.message,
            "affected_fields": list(rule.affected_fields or []),
            "tables": list(rule.tables or []) if isinstance(rule.tables, (list, tuple)) else [],
        }
        for code, rule in registry.items()
    }

    excel_report = None
    if request.get("excel_report"):
        excel_report = _write_excel_report(v, registry, request["excel_report"], sum(errors_by_rule.values()))

    stdout_text = captured.getvalue()
    meta = v.ds_results.get("metadata", {})
    return {
        **base,
        "status": "ok",
        "ruleset": ruleset,
        "collection_start": meta.get("collection_start"),
        "collection_end": meta.get("collection_end"),
        "file_format": meta.get("file_format"),
        "ofsted_lists": "provider_info" in meta,
        "tables_loaded": tables_loaded,
        "table_rows": {t: len(v.ds_results[t]) for t in tables_loaded},
        "rules_in_registry": len(registry),
        "rule_order": list(to_run),
        "isolate_rules": isolate,
        "rules_run": list(v.dones),
        "rules_skipped": list(v.skips),
        "rules_crashed": list(v.fails),
        "crash_details": {code: capture.crashes.get(code, "unknown error") for code in v.fails},
        "errors_by_rule": dict(sorted(errors_by_rule.items())),
        "child_errors_columns": ["child_id", "table", "row_index", "rule_code", "values"],
        "child_errors": child_errors,
        "rules": rules,
        "log_messages": capture.messages,
        "validator_stdout": stdout_text[:MAX_CAPTURED_CHARS],
        "validator_stdout_chars": len(stdout_text) + len(import_stdout.getvalue()),
        "excel_report": excel_report,
        "import_seconds": round(import_seconds, 3),
        "validation_seconds": round(validation_seconds, 3),
    }


class _CopyOnAccess(dict):
    """A data store whose tables are deep-copied the first time a rule reads them (rules use only
    ``dfs[name]``, ``name in dfs`` and ``dfs.keys()``), so isolating the rules costs little."""

    def __init__(self, source: dict):
        super().__init__(source)
        self._copied: set = set()

    def __getitem__(self, key):
        value = super().__getitem__(key)
        if key in self._copied:
            return value
        if key == "metadata":
            value = dict(value)
            if "provider_info" in value:
                value["provider_info"] = value["provider_info"].copy(deep=True)
        else:
            value = value.copy(deep=True)
        super().__setitem__(key, value)
        self._copied.add(key)
        return value

    def get(self, key, default=None):
        return self[key] if key in self else default  # noqa: SIM401 - must go through __getitem__

    def values(self):
        return [self[k] for k in self.keys()]

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def copy(self):
        return _CopyOnAccess(dict(self.items()))


def _deep_copy_datastore(data_store: dict) -> dict:
    return _CopyOnAccess(dict.items(data_store) if isinstance(data_store, _CopyOnAccess) else data_store.items())


def _isna(value) -> bool:
    """Missing value test without importing pandas (NaN, None, pd.NA, NaT)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")


def _write_excel_report(v, registry, path: str, total_errors: int) -> str:
    """The validator's own Excel report. Report.child_summary raises ValueError when nothing fired, so write
    an error-summary-only workbook then."""
    from lac_validator.report import Report

    report = Report(v.ds_results, registry)
    if total_errors > 0:
        report.excel_report(path)
    else:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "Error Summary"
        ws.append(["Code", "Error Count", "Error Description", "Affected Fields"])
        wb.create_sheet("Child Summary").append(["No validation errors were raised."])
        wb.save(path)
    return path


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 64
    request_path, output_path = argv[1], argv[2]
    with open(request_path, encoding="utf-8") as f:
        request = json.load(f)
    try:
        out = run(request)
    except Exception as exc:  # noqa: BLE001 - reported to the caller through the output file
        out = {"status": "error", "message": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
    out["wall_seconds_in_runner"] = round(time.perf_counter() - T_START, 3)
    out["peak_rss_mb"] = _peak_rss_mb()
    tmp = output_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(out, f)
    os.replace(tmp, output_path)
    return 0


def _peak_rss_mb() -> float:
    """The runner's own peak memory. On Linux ru_maxrss survives exec, so a runner started from a large
    process (a test session, the pipeline) would report its parent's size: read the high-water mark of this
    process's own address space (VmHWM) instead."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)  # kB
    except OSError:
        pass
    # elsewhere: ru_maxrss, in KiB on Linux and bytes on macOS
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
