"""`make run`: load the newest extract and rebuild everything, headless, then say where the outputs are.

    python -m dagster_project.run [--extract-id ID] [--no-sample]

If the landing folder holds no complete extract, a sample council is generated into it first (say
--no-sample to refuse instead). Runs are recorded in the Dagster instance at DAGSTER_HOME when it is set
(the Makefile sets it), so `make dev` shows them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import dagster as dg

from dagster_project.lib.extract_reader import find_complete_extracts
from dagster_project.lib.settings import Settings


def _instance() -> dg.DagsterInstance:
    if os.environ.get("DAGSTER_HOME"):
        os.makedirs(os.environ["DAGSTER_HOME"], exist_ok=True)
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def run_warehouse(extract_id: str | None = None, instance: dg.DagsterInstance | None = None,
                  return_years: list[str] | None = None):
    """Rebuild the warehouse, then write the return files for the given collection years (default: the
    latest two complete years and the year-to-date draft). Returns the Dagster results, warehouse first;
    stops at the first failure."""
    from dagster_project.definitions import defs

    definitions = defs()
    instance = instance or _instance()
    run_config = {"ops": {"raw_extract": {"config": {"extract_id": extract_id}}}} if extract_id else None
    results = [definitions.resolve_job_def("warehouse_job").execute_in_process(
        instance=instance, run_config=run_config, raise_on_error=False)]
    if not results[0].success:
        return results
    if return_years is None:
        return_years = default_return_years(Settings.from_environment())
    returns_job = definitions.resolve_job_def("ssda903_returns_job")
    for year in return_years:
        results.append(returns_job.execute_in_process(instance=instance, partition_key=year, raise_on_error=False))
        if not results[-1].success:
            break
    return results


def default_return_years(settings: Settings) -> list[str]:
    """The latest two complete collection years and the year in progress."""
    import duckdb

    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        rows = con.execute(
            "select collection_year, is_complete from intermediate.int_collection_years order by 1"
        ).fetchall()
    finally:
        con.close()
    complete = [year for year, is_complete in rows if is_complete]
    in_progress = [year for year, is_complete in rows if not is_complete]
    return complete[-2:] + in_progress


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extract-id", help="extract folder to load (default: the newest complete one)")
    parser.add_argument("--no-sample", action="store_true", help="do not generate a sample council")
    args = parser.parse_args(argv)

    settings = Settings.from_environment()
    if not find_complete_extracts(settings.landing_dir):
        if args.no_sample:
            print(f"No complete extract in {settings.landing_dir}: nothing to do.", file=sys.stderr)
            return 1
        from dagster_project.synth import generate

        print(f"No complete extract in {settings.landing_dir}: generating the sample council (synthetic data)...")
        folder = generate(out=settings.landing_dir)
        print(f"  sample extract written to {folder}")

    started = time.monotonic()
    results = run_warehouse(args.extract_id)
    minutes = (time.monotonic() - started) / 60
    failed = [result for result in results if not result.success]
    if failed:
        print(f"\nThe run failed after {minutes:.1f} min. What went wrong:", file=sys.stderr)
        for event in failed[0].all_events:
            if event.is_step_failure or event.event_type_value == "RUN_FAILURE":
                print(f"  - {event.step_key or 'run'}: {event.message}", file=sys.stderr)
        return 1

    print(f"\nWarehouse rebuilt in {minutes:.1f} min. Outputs:")
    for label, path in settings.output_locations().items():
        print(f"  {label:<22} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
