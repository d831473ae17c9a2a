"""Start a run when a new complete extract lands; record a failed night in output/status.json."""

import json

import dagster as dg

from dagster_project.defs.operations.jobs import warehouse_job
from dagster_project.lib import publication
from dagster_project.lib.ingest import MANIFEST_NAME, ExtractError, history, scan_landing
from dagster_project.lib.settings import Settings


def _incomplete_folders(settings: Settings) -> list[str]:
    if not settings.landing_dir.exists():
        return []
    return sorted(p.name for p in settings.landing_dir.iterdir()
                  if p.is_dir() and not p.name.startswith((".", "_")) and not (p / MANIFEST_NAME).exists())


@dg.sensor(job=warehouse_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def new_extract_sensor(context: dg.SensorEvaluationContext):
    """One run per complete extract (run key = extract id), oldest first; folders still being written
    (no manifest yet) wait. The cursor remembers the extracts already requested."""
    settings = Settings.from_environment()
    seen = set(json.loads(context.cursor)) if context.cursor else set()
    try:
        extracts, bad = scan_landing(settings.landing_dir)  # a bad manifest never blocks the other folders
    except (ExtractError, OSError) as exc:
        return dg.SkipReason(f"The landing folder cannot be read: {exc}")
    for folder in bad:
        context.log.warning(folder.reason)
    new = [extract for extract in extracts if extract.extract_id not in seen]
    if not new:
        waiting = _incomplete_folders(settings)
        return dg.SkipReason("No new complete extract." + (
            f" Still being written (no {MANIFEST_NAME} yet): {', '.join(waiting)}." if waiting else ""))
    # an extract delivered again (same files under a new folder name) is recognised and not run twice
    loaded = {row["content_hash"]: row["extract_id"] for row in history.read_index(settings.history_dir)}
    requests, repeats = [], []
    for extract in new:
        earlier = loaded.get(history.content_hash_of_folder(extract.folder))
        if earlier is not None:
            repeats.append(f"{extract.extract_id} (identical to {earlier})")
            continue
        requests.append(dg.RunRequest(
            run_key=extract.extract_id,
            run_config={"ops": {"raw_extract": {"config": {"extract_id": extract.extract_id}}}},
            tags={"cla/extract_id": extract.extract_id},
        ))
    context.update_cursor(json.dumps(sorted(seen | {extract.extract_id for extract in new})))
    if not requests:
        return dg.SkipReason("Already loaded: " + ", ".join(repeats))
    return requests


@dg.run_failure_sensor(monitored_jobs=[warehouse_job], default_status=dg.DefaultSensorStatus.RUNNING)
def warehouse_failure_sensor(context: dg.RunFailureSensorContext):
    """A failed night is written into output/status.json; what is published stays as it was."""
    settings = Settings.from_environment()
    run = context.dagster_run
    publication.record_failure(
        settings.output_dir,
        run_id=run.run_id,
        extract_id=run.tags.get("cla/extract_id"),
        reason=context.failure_event.message or "the run failed",
    )
