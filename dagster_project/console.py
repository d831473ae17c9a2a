"""What `make run` shows a person: one line per stage with its time, a progress bar while a long stage
runs, warnings, and a closing summary. Everything else (Dagster's DEBUG events, dbt's line per model and
test) goes to the run's log file, whose path the console prints.

The stages are the steps of the Dagster run, followed through its event stream (a Dagster logger that
receives every event of the run): no stage reports to the console itself. Formatting is in pure
functions (tested in tests/operations/test_console.py); `RunConsole` only keeps the state.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import dagster as dg

# Step keys of the nightly job as a person reads them; a step not listed here is shown by its key.
STAGE_LABELS = {
    "generate": "sample council generated (synthetic)",
    "raw_extract": "ingestion: extract loaded",
    "council_configuration": "council configuration (settings, mappings)",
    "warehouse_dbt_models": "dbt: staging, 903, KPIs and their tests",
    "staging_expectations": "Great Expectations on staging",
    "data_quality_dbt_models": "data-quality rules",
    "data_quality_rule_checks": "data-quality rule checks",
    "data_quality_report": "data-quality report",
    "mapping_worksheet_files": "mapping worksheet",
    "analyst_warehouse": "analyst warehouse (pseudonymised)",
    "iro_nightly_annual_report": "IRO annual report",
    "ssda903_nightly_returns": "SSDA903 return files",
    "analyst_mart_files": "analyst exports (Parquet, CSV)",
    "published_warehouse": "publication",
}
LINE_WIDTH = 64
BAR_WIDTH = 24
WARNINGS_PER_STAGE = 3
# a file named in an ingestion log line ("ssd_person.csv: loaded, ..."): one tick of ingestion's bar
_FILE_IN_MESSAGE = re.compile(r"\b([A-Za-z0-9_]+\.csv)\b")


def stage_label(step_key: str) -> str:
    return STAGE_LABELS.get(step_key, step_key.replace("_", " "))


def format_seconds(seconds: float) -> str:
    """18 s; 2 min 49 s; under a second reads "<1 s"."""
    if seconds < 1:
        return "<1 s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"


def stage_line(index: int, total: int, label: str, seconds: float, outcome: str = "") -> str:
    """'[4/9] data-quality rules ........ 18 s' (dots to a fixed column, so the times line up)."""
    head = f"[{index}/{total}] {label} "
    tail = f" {format_seconds(seconds)}" + (f"  {outcome}" if outcome else "")
    return head + "." * max(3, LINE_WIDTH - len(head)) + tail


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """'[#########...............] 12/32' (never beyond full: a stage can report more than expected)."""
    total = max(total, 1)
    filled = min(width, round(width * done / total))
    return "[" + "#" * filled + "." * (width - filled) + f"] {min(done, total)}/{total}"


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (plural_word or word + 's')}"


def warning_lines(messages: list[str], limit: int = WARNINGS_PER_STAGE) -> list[str]:
    """A stage's warnings, the first few in full, the rest counted (all of them are in the log)."""
    lines = [f"      ! {message}" for message in messages[:limit]]
    if len(messages) > limit:
        lines.append(f"      ! ... and {plural(len(messages) - limit, 'more warning')} in the log")
    return lines


def shown_path(path: Path) -> str:
    """A path as a person would type it from the repository root (absolute when outside it)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class RunFacts:
    """What the summary needs, gathered from the run's materialisations (counts only, no personal data)."""

    metadata: dict[str, dict] = field(default_factory=dict)  # asset name -> metadata values
    checks: dict[str, int] = field(default_factory=lambda: {"passed": 0, "warned": 0, "blocked": 0})


def summary_lines(facts: RunFacts, *, minutes: float, reports_dir: Path, data_quality_dir: Path,
                  log_path: Path, locations: dict[str, Path] | None = None) -> list[str]:
    """The closing summary: the files to open, the headline counts, where every output is, where the log
    is, and `make dev`."""
    lines = ["", f"Warehouse rebuilt and published in {minutes:.1f} min."]
    returns = facts.metadata.get("ssda903_nightly_returns", {})
    report = facts.metadata.get("iro_nightly_annual_report", {})
    quality = facts.metadata.get("data_quality_report", {})
    open_these = []
    year = report.get("collection_year")
    if year and year != "none":
        public_first = sorted((reports_dir / str(year)).glob("*.html"),
                              key=lambda path: ("internal" in path.name, path.name))
        for html in public_first:
            kind = "internal version" if "internal" in html.name else f"IRO annual report {year}"
            open_these.append(f"  {kind:<28} {shown_path(html)}")
    night = quality.get("night")
    if night:
        for html in sorted((data_quality_dir / str(night)).glob("*.html")):
            open_these.append(f"  {'data-quality report':<28} {shown_path(html)}")
    if open_these:
        lines += ["Open:"] + open_these
    headline = []
    for name, value in returns.items():
        if name.endswith(" children"):
            label = name.removesuffix(" children")
            episodes = returns.get(f"{label} episodes")
            headline.append(f"  SSDA903 {label:<20} {plural(int(value), 'child', 'children')}"
                            + (f", {plural(int(episodes), 'episode')}" if episodes is not None else ""))
    if quality:
        headline.append(
            f"  {'recording quality':<28} {plural(int(quality.get('open_findings', 0)), 'open finding')} for "
            f"{plural(int(quality.get('children', 0)), 'child', 'children')} "
            f"({quality.get('new_since_last_run', 0)} new, {quality.get('fixed_since_last_run', 0)} fixed)")
    if report.get("tables") is not None:
        headline.append(f"  {'annual report':<28} {report.get('tables')} tables, {report.get('charts')} "
                        f"charts, {report.get('measures_not_available', 0)} measures not available")
    checks = facts.checks
    headline.append(f"  {'checks':<28} {checks['passed']:,} passed, {checks['warned']:,} warned, "
                    f"{checks['blocked']:,} blocking failed")
    lines += ["Tonight:"] + headline
    if locations:
        lines += ["Outputs:"] + [f"  {label:<28} {shown_path(path)}" for label, path in locations.items()]
    lines += [f"Full log (Dagster events, dbt per model and test): {shown_path(log_path)}",
              "Browse the run, assets and checks: make dev (http://localhost:3000)"]
    return lines


class RunConsole:
    """Prints stages as the run's events arrive. Progress bars are drawn only on a terminal (redrawn in
    place); a console that is a file or a pipe gets the finished lines only."""

    def __init__(self, stream: TextIO | None = None, total_stages: int = 0, expected_files: int = 0):
        self.stream = stream or sys.stdout
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.total = total_stages
        self.index = 0
        self.expected_files = expected_files
        self.facts = RunFacts()
        self._step: str | None = None
        self._started = 0.0
        self._outputs = 0
        self._expected_outputs = 0
        self._files: set[str] = set()
        self._warnings: list[str] = []
        self._checks_warned: list[str] = []
        self._bar_shown = False
        self.expected_outputs_by_step: dict[str, int] = {}

    # --- plain output --------------------------------------------------------------------------------

    def say(self, line: str = "") -> None:
        self._clear_bar()
        self.stream.write(line + "\n")
        self.stream.flush()

    def _clear_bar(self) -> None:
        if self._bar_shown:
            self.stream.write("\r\033[K")
            self._bar_shown = False

    def bar(self, label: str, done: int, total: int) -> None:
        if not self.live or total <= 1:
            return
        self.stream.write(f"\r\033[K[{self.index}/{self.total}] {label} {progress_bar(done, total)}")
        self.stream.flush()
        self._bar_shown = True

    # --- stages --------------------------------------------------------------------------------------

    def begin(self, step_key: str) -> None:
        self.index += 1
        self._step, self._started = step_key, time.monotonic()
        self._outputs, self._files, self._warnings, self._checks_warned = 0, set(), [], []
        self._expected_outputs = self.expected_outputs_by_step.get(step_key, 0)
        self.bar(stage_label(step_key), 0, self._progress_total())

    def _progress_total(self) -> int:
        if self._step == "raw_extract" and self.expected_files:
            return self.expected_files
        return self._expected_outputs

    def _progress_done(self) -> int:
        if self._step == "raw_extract" and self.expected_files:
            return len(self._files)
        return self._outputs

    def end(self, outcome: str = "") -> None:
        if self._step is None:
            return
        self.say(stage_line(self.index, self.total, stage_label(self._step), time.monotonic() - self._started,
                            outcome))
        if self._checks_warned:
            names = ", ".join(self._checks_warned[:4]) + (", ..." if len(self._checks_warned) > 4 else "")
            self.say(f"      ! {plural(len(self._checks_warned), 'check')} warned: {names}")
        for line in warning_lines(self._warnings):
            self.say(line)
        self._step = None

    # --- the run's events ----------------------------------------------------------------------------

    def on_record(self, record: logging.LogRecord) -> None:
        event = getattr(record, "dagster_event", None)
        meta = getattr(record, "dagster_meta", None) or {}
        if event is None:
            message = str(meta.get("orig_message") or record.getMessage())
            if record.levelno >= logging.WARNING:
                self._warnings.append(message.strip().splitlines()[0] if message.strip() else message)
            elif self._step is not None:
                self._files.update(_FILE_IN_MESSAGE.findall(message))
                self.bar(stage_label(self._step), self._progress_done(), self._progress_total())
            return
        kind = event.event_type
        if kind == dg.DagsterEventType.STEP_START:
            self.begin(event.step_key)
        elif kind == dg.DagsterEventType.STEP_OUTPUT:
            self._outputs += 1
            if self._step is not None:
                self.bar(stage_label(self._step), self._progress_done(), self._progress_total())
        elif kind == dg.DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.event_specific_data.materialization
            self.facts.metadata[materialization.asset_key.to_user_string()] = {
                name: getattr(value, "value", value) for name, value in materialization.metadata.items()}
        elif kind == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if evaluation.passed:
                self.facts.checks["passed"] += 1
            elif evaluation.severity == dg.AssetCheckSeverity.ERROR:
                self.facts.checks["blocked"] += 1
                self._warnings.append(f"blocking check failed: {evaluation.check_name}")
            else:
                self.facts.checks["warned"] += 1
                self._checks_warned.append(evaluation.check_name)
        elif kind == dg.DagsterEventType.STEP_SUCCESS:
            self.end()
        elif kind == dg.DagsterEventType.STEP_FAILURE:
            self.end("FAILED")

    def logger_definition(self) -> dg.LoggerDefinition:
        """A Dagster logger that hands every record of the run to this console."""
        console = self

        class _Handler(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                try:
                    console.on_record(record)
                except (AttributeError, KeyError, TypeError, ValueError):  # the console never fails a run
                    self.handleError(record)

        @dg.logger
        def progress_console(_init_context) -> logging.Logger:
            logger = logging.getLogger("cla_warehouse.console")
            logger.setLevel(logging.DEBUG)
            logger.handlers = [_Handler()]  # one console per run, never the previous run's
            logger.propagate = False
            return logger

        return progress_console


def steps_and_outputs(job: dg.JobDefinition) -> dict[str, int]:
    """Each step of an in-process asset job and how many outputs it yields (assets and checks): what a
    stage's progress bar counts towards."""
    return {node.name: len(node.definition.output_defs) for node in job.graph.nodes}
