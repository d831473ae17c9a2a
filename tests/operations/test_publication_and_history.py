"""Atomic publication, status.json, encryption at rest and the raw history, on small hand-made files."""

from datetime import datetime, timedelta

import duckdb
import pytest

from dagster_project.lib import publication, writer_lock
from dagster_project.lib.ingest import find_extract, history, loaded_at, read_extract


def make_workspace(output, run_id, answer):
    workspace = publication.workspace_for(output, run_id)
    workspace.root.mkdir(parents=True)
    con = duckdb.connect(str(workspace.warehouse_path))
    con.execute(f"create table t as select {answer} as answer")
    con.close()
    year = workspace.output_dir("returns") / "ssda903" / "2025-26"
    year.mkdir(parents=True)
    (year / "header.csv").write_text(f"night {answer}\n")
    return workspace


def published(tmp_path):
    return {"returns": tmp_path / "returns", "reports": tmp_path / "reports",
            "data_quality": tmp_path / "data_quality"}


def read_answer(path, key=None):
    con = publication.open_published(path, key)
    try:
        return con.execute("select answer from t").fetchone()[0]
    finally:
        con.close()


def test_publish_swaps_warehouse_and_outputs_and_keeps_other_years(tmp_path):
    warehouse = tmp_path / "warehouse" / "warehouse.duckdb"
    older = tmp_path / "returns" / "ssda903" / "2023-24"
    older.mkdir(parents=True)
    (older / "header.csv").write_text("kept\n")
    items = publication.publish(make_workspace(tmp_path, "run1", 1), published(tmp_path), warehouse, "run1")
    assert read_answer(warehouse) == 1
    assert (tmp_path / "returns" / "ssda903" / "2025-26" / "header.csv").read_text() == "night 1\n"
    assert (older / "header.csv").read_text() == "kept\n"
    assert str(tmp_path / "returns" / "ssda903" / "2025-26") in items
    assert not (tmp_path / ".work" / "run1").exists()

    publication.publish(make_workspace(tmp_path, "run2", 2), published(tmp_path), warehouse, "run2")
    assert read_answer(warehouse) == 2
    assert (tmp_path / "returns" / "ssda903" / "2025-26" / "header.csv").read_text() == "night 2\n"


def test_a_failure_is_recorded_without_touching_the_publication(tmp_path):
    publication.record_publication(tmp_path, run_id="run1", extract_id="2026-11-22T0200",
                                   extracted_at="2026-11-22T02:00:00", checks={"passed": 5, "failed_blocking": 0},
                                   published=["x"], encrypted=False)
    status = publication.record_failure(tmp_path, run_id="run2", extract_id="2026-11-23T0200",
                                        reason="ssd_person.csv: refused: required column(s) missing: pers_dob")
    assert status["published_extract_id"] == "2026-11-22T0200"
    assert status["checks_passed"] is True
    assert status["last_failure"]["extract_id"] == "2026-11-23T0200"
    assert status["last_failure"]["reason"].startswith("ssd_person.csv: refused")
    assert publication.read_status(tmp_path) == status


def test_encrypted_publication_is_unreadable_without_the_key(tmp_path):
    warehouse = tmp_path / "warehouse" / "warehouse.duckdb"
    publication.publish(make_workspace(tmp_path, "run1", 42), published(tmp_path), warehouse, "run1",
                        encryption_key="correct horse battery staple")
    assert read_answer(warehouse, key="correct horse battery staple") == 42
    with pytest.raises(duckdb.Error, match="encrypted"):
        duckdb.connect(str(warehouse), read_only=True).execute("select * from t")
    with pytest.raises(duckdb.Error, match="[Ww]rong encryption key"):
        read_answer(warehouse, key="not the key")
    assert b"answer" not in warehouse.read_bytes()  # not even the column name in clear


def test_old_workspaces_of_failed_runs_are_cleared(tmp_path):
    old = publication.workspace_for(tmp_path, "old-run").root
    old.mkdir(parents=True)
    stale = (datetime.now() - timedelta(days=2)).timestamp()
    import os
    os.utime(old, (stale, stale))
    current = publication.workspace_for(tmp_path, "this-run").root
    current.mkdir(parents=True)
    assert publication.clear_old_workspaces(tmp_path, keep="this-run") == 1
    assert not old.exists() and current.exists()


def test_one_writer_at_a_time(tmp_path):
    writer_lock.acquire(tmp_path, "first-run")
    try:
        import subprocess
        import sys
        # a second process (another run) is refused, naming the run that holds the lock
        code = ("import sys; from pathlib import Path; from dagster_project.lib import writer_lock\n"
                "try:\n    writer_lock.acquire(Path(sys.argv[1]), 'second-run')\n"
                "except writer_lock.WriterBusy as e:\n    print(e)\n")
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=False, capture_output=True,
                             text=True).stdout
        assert "another run is writing the warehouse (run first-run" in out and "this run is refused" in out
    finally:
        writer_lock.release("first-run")
    writer_lock.acquire(tmp_path, "second-run")  # free again once released
    writer_lock.release("second-run")


def test_history_keeps_each_extract_once_and_rebuilds_it(tmp_path, extract_builder):
    person = "pers_person_id,pers_sex,pers_ethnicity,pers_dob\n 7.0 ,F,wbri,14/06/2012\n"
    extract_builder.write("2026-11-22T0200", tables={"ssd_person": person})
    extract_builder.write("2026-11-23T0200", tables={"ssd_person": person})
    store = tmp_path / "history"
    for extract_id in ("2026-11-22T0200", "2026-11-23T0200"):
        extract = find_extract(extract_builder.landing, extract_id)
        history.save(store, extract, read_extract(extract), loaded_at())
    index = history.read_index(store)
    assert [row["extract_id"] for row in index] == ["2026-11-22T0200", "2026-11-23T0200"]
    assert index[0]["content_hash"] == index[1]["content_hash"]
    assert len([p for p in store.iterdir() if p.is_dir()]) == 1  # stored once
    extract, loads = history.load(store, "2026-11-23T0200")
    assert loads["ssd_person"].frame[["pers_person_id", "pers_ethnicity", "pers_dob"]].values.tolist() == \
        [["7", "WBRI", "2012-06-14"]]
    assert loads["iro_disputes"].status == "not_available"


def test_history_retention_forgets_old_extracts_but_keeps_the_newest(tmp_path, extract_builder):
    store = tmp_path / "history"
    for day, extract_id in ((1, "2025-01-01T0200"), (2, "2025-01-02T0200")):
        extract_builder.write(extract_id, tables={"ssd_person": f"pers_person_id,pers_sex,pers_ethnicity,pers_dob\n{day},F,WBRI,2012-06-14\n"})
        extract = find_extract(extract_builder.landing, extract_id)
        history.save(store, extract, read_extract(extract), datetime(2025, 1, day))
    removed = history.apply_retention(store, now=datetime(2026, 6, 1), days=400)
    assert removed == ["2025-01-01T0200"]
    assert [row["extract_id"] for row in history.read_index(store)] == ["2025-01-02T0200"]
