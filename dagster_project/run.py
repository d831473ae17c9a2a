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


def run_warehouse(extract_id: str | None = None, instance: dg.DagsterInstance | None = None):
    """Materialise every asset once; returns the Dagster execution result."""
    from dagster_project.definitions import defs

    definitions = defs()
    job = definitions.resolve_job_def("warehouse_job")
    run_config = {"ops": {"raw_extract": {"config": {"extract_id": extract_id}}}} if extract_id else None
    return job.execute_in_process(instance=instance or _instance(), run_config=run_config, raise_on_error=False)


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
    result = run_warehouse(args.extract_id)
    minutes = (time.monotonic() - started) / 60
    if not result.success:
        print(f"\nThe run failed after {minutes:.1f} min. What went wrong:", file=sys.stderr)
        for event in result.all_events:
            if event.is_step_failure or event.event_type_value == "RUN_FAILURE":
                print(f"  - {event.step_key or 'run'}: {event.message}", file=sys.stderr)
        return 1

    print(f"\nWarehouse rebuilt in {minutes:.1f} min. Outputs:")
    for label, path in settings.output_locations().items():
        print(f"  {label:<22} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
