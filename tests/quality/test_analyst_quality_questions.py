"""The analyst guide's three recording-quality questions (open errors by team, rules trending up, time to
fix), run exactly as the guide writes them, on a hand-worked night put through the pseudonymisation of
the analyst warehouse: the answers are the ones worked out by hand, and the child ids they count are
keyed hashes. (test_nightly_quality.py runs the same queries on a generated council's analyst warehouse.)"""

import re
from datetime import date

import duckdb
import pandas as pd
import pytest

from dagster_project.lib.paths import DBT_PROJECT_DIR
from dagster_project.lib.publication import pseudonymisation

GUIDE = DBT_PROJECT_DIR / "docs" / "analyst_guide.md"
NIGHT = date(2026, 11, 30)


def guide_questions() -> dict[str, str]:
    """The guide's SQL blocks that start with '-- question: <name>', by name."""
    questions = {}
    for block in re.findall(r"```sql\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL):
        first = block.splitlines()[0]
        if first.startswith("-- question: "):
            questions[first.removeprefix("-- question: ").strip()] = block
    return questions


def _finding(key, status, team, person, rule, severity, kind, days, **extra):
    return {"finding_key": f"{rule}|{person}|t|{key}", "status": status, "team_name": team, "worker_id": "W1",
            "worker_name": "Sam Smith", "person_id": person, "child_name": f"Child {person}", "rule_code": rule,
            "severity": severity, "finding_kind": kind, "days_open": days, "record_id": key,
            "child_date_of_birth": date(2012, 5, 17), "night": NIGHT, **extra}


# Team A: three open errors for C1, C1 and C2, an open warning and an open practice fact (not counted);
# Team B: one open error (C3) and two fixed ones. Fixed recording errors: 101 after 1 and 3 nights, CR04 after
# 10; a practice fact (IRO02) that went away after 5 nights is not a fix.
FINDINGS = [
    _finding("r1", "open", "Team A", "C1", "101", "error", "recording_error", 4),
    _finding("r2", "open", "Team A", "C1", "388", "error", "recording_error", 2),
    _finding("r3", "open", "Team A", "C2", "101", "error", "recording_error", 1),
    _finding("r4", "open", "Team A", "C2", "CR02", "warning", "recording_error", 1),
    _finding("r5", "open", "Team A", "C2", "IRO01", "error", "practice_fact", 7),
    _finding("r6", "open", "Team B", "C3", "388", "error", "recording_error", 0),
    _finding("r7", "fixed", "Team B", "C3", "101", "error", "recording_error", 1),
    _finding("r8", "fixed", "Team B", "C4", "101", "error", "recording_error", 3),
    _finding("r9", "fixed", "Team A", "C1", "CR04", "advice", "recording_error", 10),
    _finding("r10", "fixed", "Team A", "C1", "IRO02", "warning", "practice_fact", 5),
]
# Open findings per rule and night. 28 days before 30 November is 2 November, the earliest night compared;
# 1 October is older. 101: 2 -> 5 (+3); IRO01: 1 -> 3 (+2); CR04: 0 -> 1 (+1); 388: 6 -> 1 (down).
NIGHTS = [("101", "error", "recording_error", {"2026-10-01": 9, "2026-11-02": 2, "2026-11-16": 4, "2026-11-30": 5}),
          ("388", "error", "recording_error", {"2026-10-01": 0, "2026-11-02": 6, "2026-11-16": 3, "2026-11-30": 1}),
          ("IRO01", "warning", "practice_fact", {"2026-10-01": 0, "2026-11-02": 1, "2026-11-16": 1, "2026-11-30": 3}),
          ("CR04", "advice", "recording_error", {"2026-10-01": 2, "2026-11-02": 0, "2026-11-16": 0, "2026-11-30": 1})]


@pytest.fixture
def analyst(tmp_path):
    source = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(source))
    con.execute("create schema data_quality")
    nights = pd.DataFrame([
        {"rule_code": rule, "severity": severity, "finding_kind": kind, "extract_id": f"{night}T0200",
         "night": date.fromisoformat(night), "open_findings": n, "new_findings": 0, "fixed_findings": 0}
        for rule, severity, kind, counts in NIGHTS for night, n in counts.items()])
    for name, frame in (("fct_data_quality_findings", pd.DataFrame(FINDINGS)),
                        ("fct_data_quality_by_rule_and_night", nights)):
        con.register("frame", frame)
        con.execute(f"create table data_quality.{name} as select * from frame")
        con.unregister("frame")
    con.close()
    target = tmp_path / "analyst_warehouse.duckdb"
    result = pseudonymisation.export_analyst_warehouse(source, target, b"test key")
    assert result["unclassified"] == {}
    con = duckdb.connect(str(target), read_only=True)
    yield con
    con.close()


def test_the_guide_has_the_three_questions():
    assert set(guide_questions()) == {"open errors by team", "rules trending up", "time to fix"}


def test_open_errors_by_team(analyst):
    rows = analyst.execute(guide_questions()["open errors by team"]).fetchall()
    assert rows == [("Team A", 3, 2), ("Team B", 1, 1)]


def test_rules_trending_up(analyst):
    rows = analyst.execute(guide_questions()["rules trending up"]).fetchall()
    assert [(r[0], r[3], r[4], r[5]) for r in rows] == [("101", 2, 5, 3), ("IRO01", 1, 3, 2), ("CR04", 0, 1, 1)]


def test_time_to_fix(analyst):
    rows = analyst.execute(guide_questions()["time to fix"]).fetchall()
    assert rows == [("CR04", "advice", 1, 10.0, 10.0, 10), ("101", "error", 2, 2.0, 2.0, 3)]


def test_the_analyst_copy_has_no_child_id_name_or_date_of_birth(analyst):
    findings = analyst.execute("select * from data_quality.fct_data_quality_findings").df()
    assert "child_name" not in findings and "worker_name" not in findings
    assert not set(findings["person_id"]) & {"C1", "C2", "C3", "C4"}
    assert findings["person_id"].str.len().eq(16).all()
    assert not findings["finding_key"].str.contains("C1").any()
    assert (findings["child_date_of_birth"] == pd.Timestamp(2012, 5, 1)).all()
