"""`make run`: load the newest extract and rebuild everything, headless, then say where the outputs are.

    python -m dagster_project.run [--extract-id ID] [--no-sample]

If the landing folder holds no complete extract, a sample council is generated into it first (say
--no-sample to refuse instead). Runs are recorded in the Dagster instance at DAGSTER_HOME when it is set
(the Makefile sets it), so `make dev` shows them.

The console gets one line per stage and a summary (dagster_project/console.py); everything the run and
dbt print goes to output/logs/run-<time>.log.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TextIO

import dagster as dg

from dagster_project.console import RunConsole, shown_path, stage_label, steps_and_outputs, summary_lines
from dagster_project.lib.configuration.councils import UnknownCouncil
from dagster_project.lib.ingest import find_complete_extracts, scan_landing
from dagster_project.lib.settings import Settings

LOGS_KEPT = 30


def _instance() -> dg.DagsterInstance:
    if os.environ.get("DAGSTER_HOME"):
        os.makedirs(os.environ["DAGSTER_HOME"], exist_ok=True)
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def run_warehouse(extract_id: str | None = None, instance: dg.DagsterInstance | None = None,
                  return_years: list[str] | None = None, console: RunConsole | None = None,
                  definitions: dg.Definitions | None = None, acknowledge_changes: bool = False):
    """Rebuild and publish the warehouse (the nightly job writes the latest two complete years' returns
    and the draft), then write any further collection years asked for from the published warehouse.
    Returns the Dagster results, nightly job first; stops at the first failure, which is recorded in
    output/status.json (what is published stays as it was). With a console, every event of the runs also
    goes to it (stage lines, progress, warnings), beside Dagster's own DEBUG logger."""
    from dagster_project.lib import publication

    definitions = definitions or load_definitions()
    instance = instance or _instance()

    def execute(job: dg.JobDefinition, run_config: dict | None = None, **kwargs) -> dg.ExecuteInProcessResult:
        if console is not None:
            job = job.with_logger_defs({"console": dg.default_loggers()["console"],
                                        "progress": console.logger_definition()})
            run_config = {**(run_config or {}), "loggers": {"console": {"config": {"log_level": "DEBUG"}},
                                                            "progress": {}}}
            console.expected_outputs_by_step = steps_and_outputs(job)
        return job.execute_in_process(instance=instance, run_config=run_config, raise_on_error=False,
                                      **kwargs)

    ingestion = {**({"extract_id": extract_id} if extract_id else {}),
                 **({"acknowledge_changes": True} if acknowledge_changes else {})}
    run_config = {"ops": {"raw_extract": {"config": ingestion}}} if ingestion else None
    nightly = execute(definitions.resolve_job_def("warehouse_job"), run_config)
    results = [nightly]
    if not nightly.success:
        publication.record_failure(Settings.from_environment().output_dir, run_id=nightly.run_id,
                                   extract_id=extract_id, reason=failure_reason(nightly))
        return results
    returns_job = definitions.resolve_job_def("ssda903_returns_job")
    for year in return_years or []:
        results.append(execute(returns_job, partition_key=year))
        if not results[-1].success:
            break
    return results


def load_definitions() -> dg.Definitions:
    from dagster_project.defs.transformation.project import prepare_manifest_if_stale

    prepare_manifest_if_stale()  # before the definitions load it: it must match the models on disk
    from dagster_project.definitions import defs

    return defs()


def prune_logs(folder: Path, keep: int = LOGS_KEPT) -> None:
    """Keep the newest run logs only (one is about 0.5 MB at scale 1; a year of nights would be 180 MB)."""
    for old in sorted(folder.glob("run-*.log"), reverse=True)[keep:]:
        old.unlink(missing_ok=True)


@contextmanager
def output_to_log(log_path: Path) -> Iterator[TextIO]:
    """Send everything written to this process's stdout and stderr (Dagster's logger, dbt's lines passed
    through by dagster-dbt, warnings, libraries) to the log file, at the file-descriptor level so that
    subprocesses follow; yield a stream to the real console."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    console = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    with open(log_path, "a", encoding="utf-8") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield console
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            console.close()


def failure_reason(result) -> str:
    """The first failed step and its message, for status.json and the console (no personal data: our
    failures carry counts, file names, rows and columns only)."""
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error is not None and error.cause is not None:  # the root cause, not the wrapper
                error = error.cause
            detail = (error.message.strip().splitlines() or [""])[0] if error else event.message
            detail = detail.removeprefix("dagster._core.definitions.events.Failure: ")  # our own words follow
            return f"step {event.step_key} failed: {detail}"
    return "the run failed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extract-id", help="extract folder to load (default: the newest complete one)")
    parser.add_argument("--no-sample", action="store_true", help="do not generate a sample council")
    parser.add_argument("--acknowledge-changes", action="store_true",
                        help="publish although many children or rows vanished since the last published extract")
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_environment()
    except UnknownCouncil as exc:
        print(exc, file=sys.stderr)
        return 2
    generate_sample = not find_complete_extracts(settings.landing_dir)
    if generate_sample and args.no_sample:
        print(f"No complete extract in {settings.landing_dir}: nothing to do.", file=sys.stderr)
        return 1
    log_path = settings.output_dir / "logs" / f"run-{datetime.now():%Y%m%d-%H%M%S}.log"
    prune_logs(log_path.parent)
    with output_to_log(log_path) as stream:
        return _run_with_console(RunConsole(stream), settings, args, generate_sample, log_path)


def _run_with_console(console: RunConsole, settings: Settings, args, generate_sample: bool,
                      log_path: Path) -> int:
    started = time.monotonic()
    console.say(f"Rebuilding the warehouse; the full log is {shown_path(log_path)}")
    definitions = load_definitions()
    # the nightly job's steps, read from the definitions so that a new stage is counted
    console.total = len(steps_and_outputs(definitions.resolve_job_def("warehouse_job"))) + generate_sample
    if generate_sample:
        from dagster_project.synth import generate

        console.say(f"No complete extract in {shown_path(settings.landing_dir)}: generating a sample council "
                    "(synthetic data).")
        console.begin("generate")
        folder = generate(out=settings.landing_dir,
                          progress=lambda done, total: console.bar(stage_label("generate"), done, total))
        console.end()
        print(f"sample extract written to {folder}")  # to the log
    extracts = find_complete_extracts(settings.landing_dir)
    chosen = [e for e in extracts if e.extract_id == args.extract_id] if args.extract_id else extracts[-1:]
    if chosen:  # what ingestion's progress bar counts: the files of the extract (its log names each one)
        console.expected_files = sum(1 for path in chosen[0].folder.iterdir()
                                     if path.is_file() and ".csv" in path.name)

    for bad in scan_landing(settings.landing_dir)[1]:
        console.say(f"Skipped: {bad.reason}")
    results = run_warehouse(args.extract_id, console=console, definitions=definitions,
                            acknowledge_changes=args.acknowledge_changes)
    minutes = (time.monotonic() - started) / 60
    failed = [result for result in results if not result.success]
    if failed:
        console.say(f"The run failed after {minutes:.1f} min: {failure_reason(failed[0])}")
        console.say("Nothing published before this run was changed; see output/status.json.")
        console.say(f"Full log: {shown_path(log_path)}")
        return 1
    for line in summary_lines(console.facts, minutes=minutes, reports_dir=settings.reports_dir,
                              data_quality_dir=settings.data_quality_dir, log_path=log_path,
                              locations=settings.output_locations()):
        console.say(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
