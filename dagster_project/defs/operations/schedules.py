import dagster as dg

from dagster_project.defs.operations.jobs import warehouse_job

# 02:00 in London all year round (Dagster follows the clock change), after the case-management system's
# own overnight extract.
nightly_warehouse_schedule = dg.ScheduleDefinition(
    name="nightly_warehouse_schedule",
    job=warehouse_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Europe/London",
    description="Rebuild the warehouse from the newest complete extract every night at 02:00.",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
