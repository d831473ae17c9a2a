"""Automation: the nightly schedule and the file-drop sensor (an extract is processed once)."""

import json

import dagster as dg

from dagster_project.defs.operations.schedules import nightly_warehouse_schedule
from dagster_project.defs.operations.sensors import new_extract_sensor
from dagster_project.lib.ingest import find_extract, history, loaded_at, read_extract


def evaluate(cursor=None):
    context = dg.build_sensor_context(cursor=cursor)
    result = new_extract_sensor.evaluate_tick(context)
    return result, context.cursor


def run_requests(result):
    return [(request.run_key, request.run_config["ops"]["raw_extract"]["config"]["extract_id"])
            for request in (result.run_requests or [])]


def test_nightly_schedule_runs_the_warehouse_job_at_two_in_london():
    assert nightly_warehouse_schedule.cron_schedule == "0 2 * * *"
    assert nightly_warehouse_schedule.execution_timezone == "Europe/London"
    assert nightly_warehouse_schedule.job_name == "warehouse_job"


def test_first_extract_starts_one_run_keyed_by_its_id(isolated_warehouse, extract_builder):
    extract_builder.write("2026-11-22T0200")
    result, cursor = evaluate()
    assert run_requests(result) == [("2026-11-22T0200", "2026-11-22T0200")]
    assert json.loads(cursor) == ["2026-11-22T0200"]


def test_nothing_new_skips(isolated_warehouse, extract_builder):
    extract_builder.write("2026-11-22T0200")
    result, _ = evaluate(cursor=json.dumps(["2026-11-22T0200"]))
    assert run_requests(result) == []
    assert result.skip_message == "No new complete extract."


def test_a_folder_still_being_written_waits(isolated_warehouse, extract_builder):
    extract_builder.write("2026-11-23T0200", with_manifest=False)
    result, cursor = evaluate()
    assert run_requests(result) == []
    assert "Still being written (no manifest.json yet): 2026-11-23T0200" in result.skip_message
    assert cursor is None  # nothing recorded: it will be picked up once complete
    extract_builder.write("2026-11-23T0200")
    result, _ = evaluate(cursor=cursor)
    assert run_requests(result) == [("2026-11-23T0200", "2026-11-23T0200")]


def test_two_new_extracts_start_two_runs_oldest_first(isolated_warehouse, extract_builder):
    extract_builder.write("2026-11-22T0200")
    extract_builder.write("2026-11-23T0200")
    result, cursor = evaluate()
    assert run_requests(result) == [("2026-11-22T0200", "2026-11-22T0200"), ("2026-11-23T0200", "2026-11-23T0200")]
    again, _ = evaluate(cursor=cursor)  # the same extracts on the next tick: no new runs
    assert run_requests(again) == []


def test_the_same_extract_delivered_again_under_another_name_is_recognised(isolated_warehouse, extract_builder):
    first = extract_builder.write("2026-11-22T0200", tables={"ssd_person": "pers_person_id,pers_sex,pers_ethnicity,pers_dob\n1,F,WBRI,2012-06-14\n"})
    extract = find_extract(first.parent, "2026-11-22T0200")
    history.save(isolated_warehouse.history_dir, extract, read_extract(extract), loaded_at())
    extract_builder.write("2026-11-23T0200", tables={"ssd_person": "pers_person_id,pers_sex,pers_ethnicity,pers_dob\n1,F,WBRI,2012-06-14\n"})
    result, cursor = evaluate(cursor=json.dumps(["2026-11-22T0200"]))
    assert run_requests(result) == []
    assert result.skip_message == "Already loaded: 2026-11-23T0200 (identical to 2026-11-22T0200)"
    assert json.loads(cursor) == ["2026-11-22T0200", "2026-11-23T0200"]
