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

from dagster_project.lib.councils import UnknownCouncil
from dagster_project.lib.extract_reader import find_complete_extracts
from dagster_project.lib.settings import Settings


def _instance() -> dg.DagsterInstance:
    if os.environ.get("DAGSTER_HOME"):
        os.makedirs(os.environ["DAGSTER_HOME"], exist_ok=True)
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def run_warehouse(extract_id: str | None = None, instance: dg.DagsterInstance | None = None,
                  return_years: list[str] | None = None):
    """Rebuild and publish the warehouse (the nightly job writes the latest two complete years' returns
    and the draft), then write any further collection years asked for from the published warehouse.
    Returns the Dagster results, nightly job first; stops at the first failure, which is recorded in
    output/status.json (what is published stays as it was)."""
    from dagster_project.defs.transformation.project import prepare_manifest_if_stale

    prepare_manifest_if_stale()  # before the definitions load it: it must match the models on disk
    from dagster_project.definitions import defs
    from dagster_project.lib import publication

    definitions = defs()
    instance = instance or _instance()
    run_config = {"ops": {"raw_extract": {"config": {"extract_id": extract_id}}}} if extract_id else None
    nightly = definitions.resolve_job_def("warehouse_job").execute_in_process(
        instance=instance, run_config=run_config, raise_on_error=False)
    results = [nightly]
    if not nightly.success:
        publication.record_failure(Settings.from_environment().output_dir, run_id=nightly.run_id,
                                   extract_id=extract_id, reason=failure_reason(nightly))
        return results
    returns_job = definitions.resolve_job_def("ssda903_returns_job")
    for year in return_years or []:
        results.append(returns_job.execute_in_process(instance=instance, partition_key=year, raise_on_error=False))
        if not results[-1].success:
            break
    return results


def failure_reason(result) -> str:
    """The first failed step and its message, for status.json and the console (no personal data: our
    failures carry counts, file names, rows and columns only)."""
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error is not None and error.cause is not None:  # the root cause, not the wrapper
                error = error.cause
            detail = (error.message.strip().splitlines() or [""])[0] if error else event.message
            return f"step {event.step_key} failed: {detail}"
    return "the run failed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extract-id", help="extract folder to load (default: the newest complete one)")
    parser.add_argument("--no-sample", action="store_true", help="do not generate a sample council")
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_environment()
    except UnknownCouncil as exc:
        print(exc, file=sys.stderr)
        return 2
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
        print(f"\nThe run failed after {minutes:.1f} min: {failure_reason(failed[0])}", file=sys.stderr)
        print("Nothing published before this run was changed; see output/status.json.", file=sys.stderr)
        return 1

    print(f"\nWarehouse rebuilt in {minutes:.1f} min. Outputs:")
    for label, path in settings.output_locations().items():
        print(f"  {label:<22} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
