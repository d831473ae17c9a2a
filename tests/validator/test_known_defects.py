"""Each row of seeds/ssda903/validator_known_defects.csv, reproduced.

Every case starts from the clean dataset (datasets.clean_dataset: right per the DfE guidance, and the
validator raises nothing on it except these defects) and shows the defect on exactly the rows it should,
with a control where one helps to show what the rule really tests.
"""

from __future__ import annotations

import copy
import re

import pytest

from dagster_project.lib import dfe_validator as dv
from dagster_project.lib.dfe_validator import known_defects, unexplained_crashes, unexplained_errors

from .datasets import clean_dataset, modified

pytestmark = pytest.mark.validator


def _rows(result, code):
    return sorted((r.child_id, r.table, r.row_index) for r in result.errors_for(code).itertuples())


def test_every_known_defect_names_a_test_that_proves_it():
    tests_here = {name for name in globals() if name.startswith("test_")}
    for defect in dv.load_known_defects():
        m = re.search(r"Proof: (?:tests/validator/test_known_defects\.py::)?(test_\w+)", defect.reason)
        assert m, f"{defect.rule_code}: the reason should end with 'Proof: <test name>'"
        assert m.group(1) in tests_here, f"{defect.rule_code}: {m.group(1)} is not in {__file__}"


def test_231_and_233_crash_on_every_run(clean_result_2025_26, validate):
    r = clean_result_2025_26
    assert r.rules_crashed == ["231", "233"]
    assert r.crash_details["231"].startswith("KeyError: 'UASC_STATUS'")
    assert "rule_231.py" in r.crash_details["231"]
    assert r.crash_details["233"].startswith("KeyError: 'DATE_EPISODE_CEASED'")
    assert unexplained_crashes(r) == []
    # 231 also crashes in 2024/25 (233 is new in 2025/26), and without any UASC file
    ds = clean_dataset(2025)
    del ds["this_year"]["uasc.csv"]
    r25 = validate(ds, 2025, selected_rules=["231"])
    assert r25.rules_crashed == ["231"] and "233" not in r25.raw["rules"]


def test_146_rejects_k3_in_2024_25(validate):
    """C1004 (16) in registered supported accommodation (K3), valid since 28 October 2023."""
    r = validate(clean_dataset(2025), 2025)
    assert _rows(r, "146") == [("C1004", "Episodes", 5)]
    assert r.errors_for("146").iloc[0]["values"] == {"PLACE": "K3"}
    assert unexplained_errors(r) == {}
    # the same episode is accepted by the 2025/26 list
    assert "146" not in validate(clean_dataset(2026), 2026, selected_rules=["146"]).errors_by_rule


def test_202_flags_every_child_when_last_year_is_coded_1_2(validate):
    """2024/25 validated with the 2023/24 files as previous year: those coded SEX 1 (male) / 2 (female)."""
    ds = clean_dataset(2025)
    for row in ds["prev_year"]["header.csv"]:
        row["SEX"] = {"M": "1", "F": "2"}[row["SEX"]]
    r = validate(ds, 2025)
    # every child in both years: C1001, C1003, C1006 (all girls, SEX F this year, 2 last year)
    assert _rows(r, "202") == [("C1001", "Header", 0), ("C1003", "Header", 2), ("C1006", "Header", 5)]
    assert unexplained_errors(r) == {}
    # work-around: recode last year's SEX to M/F and 202 is silent (the clean dataset)
    assert "202" not in validate(clean_dataset(2025), 2025, selected_rules=["202"]).errors_by_rule


def test_sw12stg2_flags_a_social_worker_allocated_before_care(clean_result_2025_26, validate):
    """(a) C1001's social worker episode began on 12/05/2023; she became looked after (RNE S) on 03/09/2023:
    her S episode (this year's row 0, ended X1 when she moved on 15/06/2025) is flagged.
    (b) With one copy of the files per rule, the open non-S episodes are flagged too: C1001's U4 episode
    (RNE P, row 1) and C1002's interim care order episode (RNE L, row 3)."""
    assert _rows(clean_result_2025_26, "SW12STG2") == [
        ("C1001", "Episodes", 0), ("C1001", "Episodes", 1), ("C1002", "Episodes", 3)]
    # the validator's own run: rule 365 has filled the blank DECs with 31/03/2026 first, so only (a) shows
    shared = validate(clean_dataset(2026), 2026, isolate_rules=False)
    assert _rows(shared, "SW12STG2") == [("C1001", "Episodes", 0)]
    assert unexplained_errors(shared) == {}
    # control for (a): the social worker allocated on the day she became looked after
    ds = clean_dataset(2026)
    for part in ("this_year", "prev_year"):
        ds = modified(ds, part, "sw_episodes.csv", "C1001", SW_DECOM="03/09/2023")
    assert _rows(validate(ds, 2026, selected_rules=["SW12STG2"]), "SW12STG2") == [
        ("C1001", "Episodes", 1), ("C1002", "Episodes", 3)]
    assert "SW12STG2" not in validate(ds, 2026, selected_rules=["365", "SW12STG2"],
                                      isolate_rules=False).errors_by_rule
    # the same in 2024/25 and 2026/27
    for end_year in (2025, 2027):
        r = validate(clean_dataset(end_year), end_year, selected_rules=["SW12STG2"])
        assert _rows(r, "SW12STG2") == [("C1001", "Episodes", 0), ("C1001", "Episodes", 1),
                                        ("C1002", "Episodes", 3)]
        assert "SW12STG2" in known_defects(f"{end_year - 1}-{str(end_year)[2:]}")


def test_365_fills_dec_for_later_rules_in_the_validators_own_run(validate):
    """Rule 148 (DEC and REC both or neither) run after 365 on the clean files, the validator's way: every
    episode open at 31 March (C1001 row 1, C1002 row 3, C1004 row 5, C1005 row 6) now has a DEC and no REC."""
    ds = clean_dataset(2026)
    shared = validate(ds, 2026, selected_rules=["365", "148"], isolate_rules=False)
    assert _rows(shared, "148") == [("C1001", "Episodes", 1), ("C1002", "Episodes", 3),
                                    ("C1004", "Episodes", 5), ("C1005", "Episodes", 6)]
    # 148 before 365, or each rule with its own copy of the files (the harness default): nothing
    assert validate(ds, 2026, selected_rules=["148", "365"], isolate_rules=False).errors_by_rule == {}
    isolated = validate(ds, 2026, selected_rules=["365", "148"])
    assert isolated.isolate_rules and isolated.errors_by_rule == {}
    assert "365" in known_defects("2025-26")
    assert "365" not in known_defects("2025-26", kinds=("false_positive",))  # its own errors still count


def test_sw17stg2_flags_a_child_who_ceased_care(clean_result_2025_26, validate):
    """C1003 was adopted (E11) on 10/09/2025 and her social worker episode ended that day; she is not
    looked after at 31 March, yet 'There is no social worker episode open at 31 March'."""
    assert _rows(clean_result_2025_26, "SW17STG2") == [("C1003", "SWEpisodes", 2)]
    assert clean_result_2025_26.errors_for("SW17STG2").iloc[0]["values"] == {
        "SW_DEC": "10/09/2025", "SW_DECOM": "01/03/2023"}
    # control: the rule does not look at episodes at all; leaving the adopted child's social worker
    # episode open (wrong) silences it
    ds = modified(clean_dataset(2026), "this_year", "sw_episodes.csv", "C1003", SW_DEC="")
    assert "SW17STG2" not in validate(ds, 2026, selected_rules=["SW17STG2"]).errors_by_rule


def test_706_709_710_crash_with_a_dolo_file(validate):
    """2026/27: C1005 (15) in a children's home (K2) under a DoLO from 01/09/2026 to 01/12/2026 - the
    placement type rule 709 asks for."""
    ds = clean_dataset(2027)
    dob = next(r["DOB"] for r in ds["this_year"]["header.csv"] if r["CHILD"] == "C1005")
    ds["this_year"]["dolo.csv"] = [
        {"CHILD": "C1005", "DOB": dob, "DOLO_START": "01/09/2026", "DOLO_END": "01/12/2026"}]
    r = validate(ds, 2027)
    assert set(r.rules_crashed) == {"231", "233", "706", "709", "710"}
    assert r.crash_details["706"].startswith("KeyError: 'DoLo_last'")
    assert r.crash_details["709"].startswith("KeyError: 'PLACEMENT'")
    assert r.crash_details["710"].startswith("KeyError: 'PLACEMENT'")
    assert {"700", "701", "702", "703", "704", "705", "707", "708"} <= set(r.rules_run)
    assert unexplained_errors(r) == {} and unexplained_crashes(r) == []
    # work-around for 706: a header-only DoLo file among last year's files
    ds2 = copy.deepcopy(ds)
    ds2["prev_year"]["dolo.csv"] = []
    r2 = validate(ds2, 2027, selected_rules=["706", "709", "710"])
    assert "706" in r2.rules_run and sorted(r2.rules_crashed) == ["709", "710"]
    assert r2.errors_by_rule == {}
    # without a DoLo file the DoLo rules are skipped, not crashed
    r3 = validate(clean_dataset(2027), 2027, selected_rules=["706", "709", "710"])
    assert sorted(r3.rules_skipped) == ["706", "709", "710"] and r3.rules_crashed == []


def test_165_no_longer_tests_sex(validate):
    """C1005, a 14-year-old boy, recorded as a mother (MOTHER 1, MC_DOB given): rule 165 ('Data entry for
    mother status is invalid') should flag a male with MOTHER provided. Under 2025/26 it does not (only 174
    does); the same data coded the 2023/24 way (SEX 1/2) make 165 fire."""
    ds = modified(clean_dataset(2026), "this_year", "header.csv", "C1005", MOTHER="1", MC_DOB="01/02/2026")
    r = validate(ds, 2026)
    assert "165" in r.rules_run and "165" not in r.errors_by_rule
    assert unexplained_errors(r) == {"174": 1}
    ds23 = modified(clean_dataset(2024), "this_year", "header.csv", "C1005", MOTHER="1", MC_DOB="01/02/2024")
    for part in ds23.values():
        for name in ("header.csv", "uasc.csv"):
            for row in part.get(name, []):
                row["SEX"] = {"M": "1", "F": "2"}[row["SEX"]]
    r23 = validate(ds23, 2024, selected_rules=["165"])
    assert _rows(r23, "165") == [("C1005", "Header", 4)]
