"""`make run`'s console: the formatting pieces (pure functions), the stage/warning state, and one real
run of a small council that must fit in 60 lines with the detail in the log file."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys

import pytest

from dagster_project.console import (
    RunConsole,
    RunFacts,
    format_seconds,
    progress_bar,
    stage_label,
    stage_line,
    summary_lines,
    warning_lines,
)


def test_durations_read_as_a_person_says_them():
    assert format_seconds(0.4) == "<1 s"
    assert format_seconds(18.2) == "18 s"
    assert format_seconds(169) == "2 min 49 s"
    assert format_seconds(59.6) == "1 min 00 s"


def test_a_stage_line_names_the_stage_its_place_and_its_time_in_one_column():
    line = stage_line(4, 9, "data-quality rules", 18.2)
    assert line.startswith("[4/9] data-quality rules ...")
    assert line.endswith(" 18 s")
    other = stage_line(10, 12, "analyst exports (Parquet, CSV)", 3)
    assert other.index(" 3 s") == line.index(" 18 s")  # the times start at the same column
    assert stage_line(2, 9, "ingestion", 5, "FAILED").endswith("5 s  FAILED")


def test_unknown_steps_are_shown_by_their_key_in_words():
    assert stage_label("raw_extract") == "ingestion: extract loaded"
    assert stage_label("some_new_step") == "some new step"


def test_the_progress_bar_fills_in_proportion_and_never_past_full():
    assert progress_bar(0, 32, width=8) == "[........] 0/32"
    assert progress_bar(12, 32, width=8) == "[###.....] 12/32"
    assert progress_bar(40, 32, width=8) == "[########] 32/32"


def test_warnings_beyond_the_first_three_are_counted_not_printed():
    lines = warning_lines([f"warning {n}" for n in range(1, 6)])
    assert lines == ["      ! warning 1", "      ! warning 2", "      ! warning 3",
                     "      ! ... and 2 more warnings in the log"]


def test_a_stage_prints_one_line_then_its_warnings_and_no_bar_when_the_console_is_not_a_terminal():
    stream = io.StringIO()
    console = RunConsole(stream, total_stages=9)
    console.index = 3
    console.begin("data_quality_dbt_models")
    record = logging.LogRecord("dagster", logging.WARNING, __file__, 1, "raw text", None, None)
    record.dagster_meta = {"orig_message": "No annual report tonight: no complete year"}
    console.on_record(record)
    console.bar("data-quality rules", 3, 10)  # ignored: not a terminal
    console.end()
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[4/9] data-quality rules ...")
    assert lines[1] == "      ! No annual report tonight: no complete year"
    assert len(lines) == 2 and "\r" not in stream.getvalue()


def test_ingestion_progress_counts_the_files_its_log_lines_name():
    console = RunConsole(io.StringIO(), total_stages=9, expected_files=3)
    console.begin("raw_extract")
    for message in ("ssd_person.csv: loaded, 10 rows loaded", "ssd_person.csv: normalised pers_dob",
                    "ssd_legal_status.csv: loaded, 4 rows loaded"):
        record = logging.LogRecord("dagster", logging.INFO, __file__, 1, message, None, None)
        console.on_record(record)
    assert (console._progress_done(), console._progress_total()) == (2, 3)


def test_the_summary_names_the_files_to_open_the_headline_counts_the_log_and_make_dev(tmp_path):
    reports, quality = tmp_path / "reports", tmp_path / "data_quality"
    (reports / "2025-26").mkdir(parents=True)
    (reports / "2025-26" / "iro-annual-report-2025-26.html").write_text("x")
    (reports / "2025-26" / "iro-annual-report-2025-26-internal.html").write_text("x")
    (quality / "2026-11-23").mkdir(parents=True)
    (quality / "2026-11-23" / "data-quality-2026-11-23.html").write_text("x")
    facts = RunFacts(metadata={
        "ssda903_nightly_returns": {"years": "2025-26", "2025-26 children": 512, "2025-26 episodes": 1234},
        "iro_nightly_annual_report": {"collection_year": "2025-26", "tables": 40, "charts": 9,
                                      "measures_not_available": 2},
        "data_quality_report": {"night": "2026-11-23", "open_findings": 1, "children": 1,
                                "new_since_last_run": 1, "fixed_since_last_run": 0},
    }, checks={"passed": 520, "warned": 7, "blocked": 0})
    text = "\n".join(summary_lines(facts, minutes=1.5, reports_dir=reports, data_quality_dir=quality,
                                   log_path=tmp_path / "logs" / "run.log",
                                   locations={"return files": tmp_path / "returns"}))
    assert "iro-annual-report-2025-26.html" in text and "iro-annual-report-2025-26-internal.html" in text
    assert "data-quality-2026-11-23.html" in text
    assert "512 children, 1,234 episodes" in text
    assert "1 open finding for 1 child " in text  # singular where it is one
    assert "520 passed, 7 warned, 0 blocking failed" in text
    assert f"  {'return files':<28} {tmp_path / 'returns'}" in text
    assert str(tmp_path / "logs" / "run.log") in text
    assert text.splitlines()[-1].startswith("Browse the run") and "make dev" in text


def test_only_the_newest_run_logs_are_kept(tmp_path):
    from dagster_project.run import prune_logs

    for day in range(1, 6):
        (tmp_path / f"run-202611{day:02d}-020000.log").write_text("x")
    (tmp_path / "notes.txt").write_text("not a run log")
    prune_logs(tmp_path, keep=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "notes.txt", "run-20261103-020000.log", "run-20261104-020000.log", "run-20261105-020000.log"]


@pytest.mark.slow
def test_a_run_of_a_small_council_prints_at_most_60_lines_and_logs_the_rest(tmp_path):
    """The console of `python -m dagster_project.run` (what `make run` runs after installing)."""
    from dagster_project.synth import generate

    generate(out=tmp_path / "landing", children=40, seed=7)
    env = {**os.environ, "CLA_LANDING_DIR": str(tmp_path / "landing"),
           "CLA_OUTPUT_DIR": str(tmp_path / "output"), "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    for variable in ("CLA_WAREHOUSE_DIR", "CLA_RETURNS_DIR", "CLA_REPORTS_DIR", "CLA_DATA_QUALITY_DIR"):
        env.pop(variable, None)
    (tmp_path / "dagster_home").mkdir()
    done = subprocess.run([sys.executable, "-m", "dagster_project.run", "--no-sample"], env=env,
                          capture_output=True, text=True, timeout=1800, check=False)
    lines = (done.stdout + done.stderr).splitlines()
    assert done.returncode == 0, "\n".join(lines)
    assert len(lines) <= 60, "\n".join(lines)
    assert not any(" - DEBUG - " in line or " PASS " in line for line in lines)
    assert lines[0].startswith("Rebuilding the warehouse") and "make dev" in lines[-1]
    assert any(line.startswith("[1/") and "ingestion" in line for line in lines)
    logs = list((tmp_path / "output" / "logs").glob("run-*.log"))
    assert len(logs) == 1 and str(logs[0].name) in "\n".join(lines)
    log = logs[0].read_text()
    assert " - DEBUG - " in log and "RUN_SUCCESS" in log and " PASS " in log  # Dagster's and dbt's detail
