"""Each row of seeds/ssda903/validator_known_defects.csv, reproduced.

Every case starts from the clean dataset (datasets.clean_dataset: right per the DfE guidance, and the
validator raises nothing on it except these defects) and shows the defect on exactly the rows it should,
with a control where one helps to show what the rule really tests.
"""

from __future__ import annotations

import copy
import re

import pytest

from tests.tooling import dfe_validator as dv
from tests.tooling.dfe_validator import known_defects, unexplained_crashes, unexplained_errors

from .datasets import (
    HOME,
    IN_AREA_3,
    care_leaver,
    clean_dataset,
    modified,
    short_break_child,
    with_child,
    with_rows,
    write_dataset,
)

pytestmark = pytest.mark.validator


def _rows(result, code):
    return sorted((r.child_id, r.table, r.row_index) for r in result.errors_for(code).itertuples())


def _rulesets_defining(validator_python, code):
    """The rulesets (lac2022_23 ...) whose folder holds rule_<code>.py in the validator's environment; a later
    ruleset uses the latest earlier definition unless its __init__.py deletes the rule."""
    site = next(validator_python.parent.parent.glob("lib/python*/site-packages"))
    return sorted(f.parent.name for f in (site / "lac_validator" / "rules").glob(f"*/rule_{code}.py"))


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


@pytest.mark.validator
def test_706_flags_the_row_of_this_years_file_at_last_years_position(validate):
    """2026/27 with last year's DoLo file: C1002's order, open at 31 March 2026, has no order this year
    (706 is about C1002). The validator returns the position of C1002's row in last year's file as a row of
    this year's file, and so flags C1005, whose one order is correct."""
    ds = clean_dataset(2027)
    dob = {r["CHILD"]: r["DOB"] for r in ds["this_year"]["header.csv"]}
    ds["prev_year"]["dolo.csv"] = [{"CHILD": "C1002", "DOB": dob["C1002"], "DOLO_START": "01/01/2026", "DOLO_END": ""}]
    ds["this_year"]["dolo.csv"] = [
        {"CHILD": "C1005", "DOB": dob["C1005"], "DOLO_START": "01/09/2026", "DOLO_END": "01/12/2026"}]
    r = validate(ds, 2027, selected_rules=["706"])
    assert "706" in r.rules_run
    assert r.children_for("706") == ["C1005"]
    assert r.errors_for("706").iloc[0]["table"] == "DoLo" and r.errors_for("706").iloc[0]["row_index"] == 0


@pytest.mark.validator
def test_601_checks_only_children_with_an_ad1_row(validate):
    """601: 'The additional fields relating to adoption have not been completed although the episode data
    shows that the child was adopted during the year.' C1003 was adopted (E11) on 10 September. With no AD1
    row at all, none of the fields is completed, but the validator merges the adoption episodes with AD1
    (inner) and so checks only children who have a row: nothing is flagged. Control: the row with its
    matching date left blank is flagged."""
    ds = clean_dataset(2026)
    ds["this_year"]["ad1.csv"] = [row for row in ds["this_year"]["ad1.csv"] if row["CHILD"] != "C1003"]
    r = validate(ds, 2026, selected_rules=["601"])
    assert "601" in r.rules_run and r.errors_by_rule == {}
    control = modified(clean_dataset(2026), "this_year", "ad1.csv", "C1003", DATE_MATCH="")
    rc = validate(control, 2026, selected_rules=["601"])
    assert rc.children_for("601") == ["C1003"]


@pytest.mark.validator
def test_1007_misses_a_young_person_still_looked_after_on_their_birthday(validate):
    """1007: 'Care leaver information is not required for 17- or 18-year olds who are still looked after
    [on their 17th or 18th birthday.]' C1008, 17 on 1 July, looked after since January last year in an
    open episode, has an OC3 row. rules/lac2022_23/rule_1007.py asks DEC > birthday, and a blank DEC (an
    open episode) is never greater than a date: she is not flagged. Control: the same episode ended a week
    after her birthday is flagged."""
    E = 2026
    dob = f"01/07/{E - 18}"

    def child(dec: str, rec: str) -> dict:
        return {"this_year": {
            "header.csv": [{"CHILD": "C1008", "SEX": "F", "DOB": dob, "ETHNIC": "WBRI", "UPN": "G789012345678",
                            "MOTHER": "0", "MC_DOB": ""}],
            "episodes.csv": [{"CHILD": "C1008", "DECOM": f"10/01/{E - 2}", "RNE": "S", "LS": "C2", "CIN": "N1",
                              "PLACE": "U4", "PLACE_PROVIDER": "PR1", "DEC": dec, "REC": rec,
                              "REASON_PLACE_CHANGE": "", "HOME_POST": HOME, "PL_POST": IN_AREA_3, "URN": ""}],
            "oc3.csv": [{"CHILD": "C1008", "DOB": dob, "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "E1"}],
        }}

    still = validate(with_child(clean_dataset(E), child("", "")), E, selected_rules=["1007"])
    assert "1007" in still.rules_run and still.children_for("1007") == []
    left = validate(with_child(clean_dataset(E), child(f"08/07/{E - 1}", "E8")), E, selected_rules=["1007"])
    assert left.children_for("1007") == ["C1008"]


@pytest.mark.validator
def test_205a_never_fires_on_csv_files(validate):
    """205A: 'Child identified as UASC last year is no longer UASC this year, but date UASC ceased in both
    years does not support this.' C1001 was UASC last year (a UASC row, her ceased date four years on) and
    has no UASC row this year. rules/lac2022_23/rule_205A.py starts from this year's UASC rows, and for
    CSV files the validator's ingress marks every child with a UASC row as UASC: a child who is no longer
    UASC has no row, so the rule cannot fire on CSV files at all. Nothing is flagged."""
    E = 2026
    ds = clean_dataset(E)
    dob = next(r["DOB"] for r in ds["this_year"]["header.csv"] if r["CHILD"] == "C1001")
    ds = with_rows(ds, "prev_year", "uasc.csv", [{"CHILD": "C1001", "SEX": "F", "DOB": dob, "DUC": f"14/06/{E + 4}"}])
    r = validate(ds, E, selected_rules=["205A"])
    assert "205A" in r.rules_run and r.errors_by_rule == {}


@pytest.mark.validator
def test_a_blank_missing_start_is_also_1004_and_581(validate):
    """C1001's missing episode with its start date left blank: 564 ('the date started is blank') is the
    DfE's rule for it. The validator raises 1004 ('not a valid date') and 581 ('missing but has not yet
    started to be looked after') as well: rules/lac2022_23/rule_1004.py counts a blank start as not a
    valid date (its rule 1005 skips a blank end), and rule_581.py compares the blank start with the
    episodes' dates, which is false either way, so the missing spell is outside every episode. Control:
    the start as recorded raises none of them."""
    ds = modified(clean_dataset(2026), "this_year", "missing.csv", "C1001", MIS_START="")
    r = validate(ds, 2026, selected_rules=["564", "1004", "581"])
    assert r.children_for("564") == r.children_for("1004") == r.children_for("581") == ["C1001"]
    control = validate(clean_dataset(2026), 2026, selected_rules=["564", "1004", "581"])
    assert set(control.rules_run) == {"564", "1004", "581"} and control.errors_by_rule == {}


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


def test_218_asks_a_urn_of_a_short_break_that_214_forbids(validate, validator_python):
    """C1007 (11, disabled) has one short break in the year: three nights in the council's children's home
    (V3, K2). 214 wants PL_POST and URN blank on a V3/V4 episode, 218 wants a URN on every K2 episode: the
    episode (row 7) fails one of them whichever way the URN is filled."""
    ds = with_child(clean_dataset(2026), short_break_child(2026))
    r = validate(ds, 2026)
    assert _rows(r, "218") == [("C1007", "Episodes", 7)] and "214" not in r.errors_by_rule
    assert unexplained_errors(r) == {}
    # the other way round: the children's home's URN given -> 218 is satisfied, 214 fires (a genuine error
    # for us: the return leaves the location of short breaks blank)
    with_urn = with_child(clean_dataset(2026), short_break_child(2026, urn="SC063460"))
    r_urn = validate(with_urn, 2026, selected_rules=["214", "218"])
    assert _rows(r_urn, "214") == [("C1007", "Episodes", 7)] and "218" not in r_urn.errors_by_rule
    assert unexplained_errors(r_urn) == {"214": 1}
    # 2026/27 uses the same rule_218.py; and a series of short breaks (V4) is no different, 218 has no LS
    # condition at all
    v4 = modified(with_child(clean_dataset(2027), short_break_child(2027)), "this_year", "episodes.csv", "C1007",
                  LS="V4")
    r27 = validate(v4, 2027, selected_rules=["214", "218"])
    assert _rows(r27, "218") == [("C1007", "Episodes", 7)] and "214" not in r27.errors_by_rule
    # earlier rulesets pass the blank URN only because a blank PL_POST gives PL_LA NaN -> 'NAN', which their
    # startswith(('N', 'W', 'S', 'C')) counts as out of England; with a Derby placement postcode they fire too
    for end_year in (2024, 2025):  # 2023-24 (rules/lac2022_23) and 2024-25 (rules/lac2024_25)
        assert "218" not in validate(with_child(clean_dataset(end_year), short_break_child(end_year)), end_year,
                                     selected_rules=["218"]).errors_by_rule
    with_postcode = with_child(clean_dataset(2025), short_break_child(2025, pl_post="DE22 1AA"))
    assert _rows(validate(with_postcode, 2025, selected_rules=["218"]), "218") == [("C1007", "Episodes", 7)]
    assert _rulesets_defining(validator_python, "218") == ["lac2022_23", "lac2024_25", "lac2025_26"]
    assert _rulesets_defining(validator_python, "214") == ["lac2022_23"]
    assert "218" in known_defects("2026-27") and "218" not in known_defects("2024-25")


def test_241_flags_every_out_of_area_k3_placement(validate, validator_python, tmp_path, clean_result_2025_26):
    """C1004 (16, UASC) in registered supported accommodation (K3, URN 2789456) in Nottingham (NG1 1BQ,
    E06000018) instead of Derby: a lawful placement the validator cannot check - it has no list of the
    providers' premises (no Ofsted lists are loaded, and the rule runs anyway)."""
    ds = modified(clean_dataset(2026), "this_year", "episodes.csv", "C1004", PL_POST="NG1 1BQ")
    r = validate(ds, 2026)
    assert not r.ofsted_lists and "241" in r.rules_run
    assert _rows(r, "241") == [("C1004", "Episodes", 5)]
    assert r.errors_for("241").iloc[0]["values"] == {"URN": "2789456"}
    assert unexplained_errors(r) == {}
    # what it really compares is the placement's LA with the submitting LA: in Derbyshire (DE56 1AA) it
    # fires too, in Derby (the clean dataset, DE22 1AA) it does not, and under Nottingham's own code it
    # passes the Nottingham placement
    derbyshire = modified(clean_dataset(2026), "this_year", "episodes.csv", "C1004", PL_POST="DE56 1AA")
    assert _rows(validate(derbyshire, 2026, selected_rules=["241"]), "241") == [("C1004", "Episodes", 5)]
    assert "241" in clean_result_2025_26.rules_run and "241" not in clean_result_2025_26.errors_by_rule
    paths = write_dataset(ds, tmp_path / "nottingham")
    as_nottingham = dv.run_validator(paths["this_year"], "2025-26", "E06000018", paths["prev_year"],
                                     selected_rules=["241"])
    assert "241" in as_nottingham.rules_run and "241" not in as_nottingham.errors_by_rule
    # 2026/27 inherits the rule
    ds27 = modified(clean_dataset(2027), "this_year", "episodes.csv", "C1004", PL_POST="NG1 1BQ")
    assert _rows(validate(ds27, 2027, selected_rules=["241"]), "241") == [("C1004", "Episodes", 5)]
    assert _rulesets_defining(validator_python, "241") == ["lac2025_26"]


# Care leavers for the 1001/1002 cases (2025/26): each is in this year's Header and OC3 and last year's Header.
# Their last period of care (`history`) ended before 1 April 2024, so it is in neither loaded Episodes file.
LEFT_AT_17 = care_leaver("C1008", "15/11/2006", "01/09/2020", "20/01/2024", rec="E5")  # 19, left at 17
AGED_20 = care_leaver("C1009", "12/06/2005", "04/03/2019", "12/06/2023", upn="G789012345678")  # left at 18
AGED_21 = care_leaver("C1010", "20/01/2005", "15/09/2018", "20/01/2023", upn="H890123456789")  # left at 18


def _with_history_loaded(dataset, *leavers):
    """A probe, not a return: the leavers' earlier care added to last year's Episodes (where it does not
    belong, having ended before that year), to see what the rule does once it has the episodes."""
    for leaver in leavers:
        dataset = with_rows(dataset, "prev_year", "episodes.csv", leaver["history"]["episodes.csv"])
    return dataset


def test_1001_flags_every_care_leaver_aged_20_or_over(validate, validator_python):
    """C1009 (20 at 31 March) and C1010 (21) left care on their 18th birthdays after years in foster care:
    former relevant children, due an OC3 row at their 20th/21st birthday. 1001 flags both (OC3 rows 1, 2)."""
    ds = with_child(with_child(clean_dataset(2026), AGED_20), AGED_21)
    r = validate(ds, 2026)
    assert _rows(r, "1001") == [("C1009", "OC3", 1), ("C1010", "OC3", 2)]
    assert unexplained_errors(r) == {}  # 1002 flags them too (no episode in either year): its own defect
    # the cause is the age cut, not the missing episodes: with their care loaded, 1002 is satisfied but 1001
    # still flags both, while the same probe clears a 19-year-old (C1008, next test)
    probe = _with_history_loaded(with_child(ds, LEFT_AT_17), AGED_20, AGED_21, LEFT_AT_17)
    rp = validate(probe, 2026, selected_rules=["1001", "1002"])
    assert _rows(rp, "1001") == [("C1009", "OC3", 1), ("C1010", "OC3", 2)]
    assert "1002" not in rp.errors_by_rule
    assert _rulesets_defining(validator_python, "1001") == ["lac2022_23"]  # every year uses this file


def test_1001_flags_a_care_leaver_who_left_care_before_last_year(validate, clean_result_2025_26):
    """C1008 (19) was looked after from 13 (foster care, care order) until, at 17, she moved to
    supported lodgings (E5) on 20/01/2024: a relevant child then, a former relevant child now, with an OC3 row at her 19th birthday.
    Her care ended before 1 April 2024, so neither loaded year has an episode of hers: 1001 flags her."""
    ds = with_child(clean_dataset(2026), LEFT_AT_17)
    r = validate(ds, 2026)
    assert _rows(r, "1001") == [("C1008", "OC3", 1)]
    assert unexplained_errors(r) == {}
    # with her care loaded (probe) 1001 is satisfied: only the missing history made it fire
    assert "1001" not in validate(_with_history_loaded(ds, LEFT_AT_17), 2026,
                                  selected_rules=["1001"]).errors_by_rule
    # control: C1006 (19), who left care at 18 during last year, is in last year's Episodes and passes
    assert "1001" in clean_result_2025_26.rules_run and "1001" not in clean_result_2025_26.errors_by_rule


def test_1001_drops_other_childrens_episodes_that_share_a_row_label_with_a_short_break(
        validate, clean_result_2025_26):
    """C1006, the clean dataset's care leaver (19, left foster care at 18 last year), has her only episode
    on row 3 of last year's Episodes. C1007's short break (V3) is put on row 3 of this year's Episodes: 1001
    drops every row labelled 3 together with the short break, C1006 is left with no care and is flagged."""
    short_break = short_break_child(2026)
    episode = short_break["this_year"].pop("episodes.csv")
    ds = with_child(clean_dataset(2026), short_break)
    assert ds["prev_year"]["episodes.csv"][3]["CHILD"] == "C1006"
    colliding = with_rows(ds, "this_year", "episodes.csv", episode, at=3)
    r = validate(colliding, 2026)
    assert _rows(r, "1001") == [("C1006", "OC3", 0)]
    assert unexplained_errors(r) == {}  # (and 218 on the short break, its own defect)
    # the same files with the short break on a row label last year's file does not have (row 7): nothing
    apart = with_rows(ds, "this_year", "episodes.csv", episode)
    assert "1001" not in validate(apart, 2026, selected_rules=["1001"]).errors_by_rule
    # without the short-break child (the clean dataset): nothing
    assert "1001" not in clean_result_2025_26.errors_by_rule


def test_1002_flags_a_care_leaver_who_left_care_before_last_year(validate, clean_result_2025_26, validator_python):
    """The care leavers of the 1001 tests: C1008 (19, left care at 17 on 20/01/2024), C1009 (20) and C1010
    (21), who left care at 18 in 2023: none has an episode in 2024/25 or 2025/26, all are flagged 'no
    previous episodes of care' (OC3 rows 1-3)."""
    ds = with_child(with_child(with_child(clean_dataset(2026), LEFT_AT_17), AGED_20), AGED_21)
    r = validate(ds, 2026, selected_rules=["1002"])
    assert _rows(r, "1002") == [("C1008", "OC3", 1), ("C1009", "OC3", 2), ("C1010", "OC3", 3)]
    # control: C1006 (19), whose care ended during last year, passes
    assert "1002" in clean_result_2025_26.rules_run and "1002" not in clean_result_2025_26.errors_by_rule
    assert _rulesets_defining(validator_python, "1002") == ["lac2022_23"]


def _with_sw_episodes(dataset, child, *episodes):
    """A deep copy of dataset where `child`'s social worker episodes this year are (SW_ID, SW_DECOM, SW_DEC,
    SW_REASON) tuples, first in the file."""
    out = copy.deepcopy(dataset)
    rows = out["this_year"]["sw_episodes.csv"]
    template = next(r for r in rows if r["CHILD"] == child)
    mine = [dict(template, SW_ID=i, SW_DECOM=start, SW_DEC=end, SW_REASON=why) for i, start, end, why in episodes]
    out["this_year"]["sw_episodes.csv"] = mine + [r for r in rows if r["CHILD"] != child]
    return out


@pytest.mark.parametrize("end_year", [2026, 2024, 2025, 2027])
def test_sw11bstg2_flags_a_social_worker_change_in_the_last_days_of_march(validate, validator_python, end_year):
    """(a) C1001, looked after all year, had social worker SW0001 from 12 May three years ago, SW0009 from
    10 October, and SW0008 from 27 March when SW0009 left (SW0009 ended the same day): SW0009's episode
    (row 1) is flagged although SW0008's starts that very day. (b) C1002 leaves care on 28 March (special
    guardianship to his relative carers, E45) and his only social worker episode ends with it: flagged."""
    E = end_year
    changed = _with_sw_episodes(clean_dataset(E), "C1001",
                                ("SW0001", f"12/05/{E - 3}", f"10/10/{E - 1}", "FCONTA"),
                                ("SW0009", f"10/10/{E - 1}", f"27/03/{E}", "LEFTRL"),
                                ("SW0008", f"27/03/{E}", "", "LEFTRL"))
    r = validate(changed, E, selected_rules=None if E == 2026 else ["SW11bSTG2"])
    assert _rows(r, "SW11bSTG2") == [("C1001", "SWEpisodes", 1)]
    assert r.errors_for("SW11bSTG2").iloc[0]["values"] == {"SW_DEC": f"27/03/{E}"}
    if E != 2026:
        return
    assert unexplained_errors(r) == {}

    # (b) the single-episode branch: C1002 ceased to be looked after on 28 March
    ceased = modified(clean_dataset(E), "this_year", "episodes.csv", "C1002", row=1, DEC=f"28/03/{E}", REC="E45")
    ceased = modified(ceased, "this_year", "sw_episodes.csv", "C1002", SW_DEC=f"28/03/{E}")
    rc = validate(ceased, E)
    assert _rows(rc, "SW11bSTG2") == [("C1002", "SWEpisodes", 1)]
    assert unexplained_errors(rc) == {}

    # controls, all in one run, none flagged: the window is 26-31 March (C1001's change on 25 March instead;
    # C1002 ceasing on 20 March instead), and a child's FIRST episode is never caught by the second branch:
    # C1005 (looked after since 1 July) with only two episodes, changing on 27 March, passes - by accident,
    # not because the rule sees the following episode
    controls = _with_sw_episodes(clean_dataset(E), "C1001",
                                 ("SW0001", f"12/05/{E - 3}", f"10/10/{E - 1}", "FCONTA"),
                                 ("SW0009", f"10/10/{E - 1}", f"25/03/{E}", "LEFTRL"),
                                 ("SW0008", f"25/03/{E}", "", "LEFTRL"))
    controls = _with_sw_episodes(controls, "C1005", ("SW0005", f"01/07/{E - 1}", f"27/03/{E}", "FCONTA"),
                                 ("SW0010", f"27/03/{E}", "", "LEFTRL"))
    controls = modified(controls, "this_year", "episodes.csv", "C1002", row=1, DEC=f"20/03/{E}", REC="E45")
    controls = modified(controls, "this_year", "sw_episodes.csv", "C1002", SW_DEC=f"20/03/{E}")
    rk = validate(controls, E, selected_rules=["SW11bSTG2"])
    assert "SW11bSTG2" in rk.rules_run and "SW11bSTG2" not in rk.errors_by_rule
    assert _rulesets_defining(validator_python, "SW11bSTG2") == ["lac2023_24"]
    assert "SW11bSTG2" in known_defects("2023-24") and "SW11bSTG2" in known_defects("2026-27")


def test_624_asks_a_care_leaver_to_repeat_motherhood_details_that_628_forbids(validate):
    """C1006 was looked after last year and was a mother (MOTHER 1, first child born 04/02/2024). This year
    she is a care leaver (OC3) and not looked after, so rule 628 says her motherhood details are not
    required: with them blank, 624 flags her because MC_DOB differs from last year's. Filling them in
    (MOTHER 1 and the same MC_DOB) clears 624 and makes 628 fire instead: the two cannot both pass."""
    ds = modified(clean_dataset(2026), "prev_year", "header.csv", "C1006", MOTHER="1", MC_DOB="04/02/2024")
    r = validate(ds, 2026, selected_rules=["624", "628", "612", "611"])
    assert _rows(r, "624") == [("C1006", "Header", 5)]
    assert "628" not in r.errors_by_rule and "612" not in r.errors_by_rule
    repeated = modified(ds, "this_year", "header.csv", "C1006", MOTHER="1", MC_DOB="04/02/2024")
    r2 = validate(repeated, 2026, selected_rules=["624", "628", "612", "611"])
    assert "624" not in r2.errors_by_rule
    assert _rows(r2, "628") == [("C1006", "Header", 5)]


def test_577_flags_a_closed_missing_episode_after_care_ended(validate):
    """577 is 'Child ceased to be looked after but there is a missing/away from placement without
    authorisation period without an end date'. C1003 left care (adopted, E11) on 10 September; a missing
    episode from 1 to 3 October has an end date, yet the validator flags it (its code also flags an episode
    that ends after, or before, the period of care). Control: the same child's missing episode inside the
    period of care, closed, is not flagged. seeds/data_quality/validator_disagreements.csv, row 577."""
    E = 2025  # the year the 2025-26 collection starts
    ds = clean_dataset(2026)
    inside = {"CHILD": "C1003", "DOB": ds["this_year"]["header.csv"][2]["DOB"], "MISSING": "M",
              "MIS_START": f"02/08/{E}", "MIS_END": f"03/08/{E}"}
    after = dict(inside, MIS_START=f"01/10/{E}", MIS_END=f"03/10/{E}")
    r = validate(with_rows(ds, "this_year", "missing.csv", [inside, after]), 2026, selected_rules=["577"])
    assert _rows(r, "577") == [("C1003", "Missing", 2)]
    control = validate(with_rows(ds, "this_year", "missing.csv", [inside]), 2026, selected_rules=["577"])
    assert "577" not in control.errors_by_rule


def test_578_flags_a_missing_episode_before_care_began(validate):
    """578 is 'The date that the child started to be missing is after the child ceased to be looked after'.
    C1005 started to be looked after on 1 July; a missing episode typed as 10-12 June (before care began) is
    flagged by the validator, whose code flags a start outside every period of care, before it as well as
    after it (before care began is rule 581's). Controls: C1003, adopted on 10 September, missing from 1
    October is flagged (the rule's own case); C1005 missing on 2-3 August, while looked after, is not.
    seeds/data_quality/validator_disagreements.csv, row 578."""
    E = 2025  # the year the 2025-26 collection starts
    ds = clean_dataset(2026)
    header = {row["CHILD"]: row for row in ds["this_year"]["header.csv"]}
    before = {"CHILD": "C1005", "DOB": header["C1005"]["DOB"], "MISSING": "M",
              "MIS_START": f"10/06/{E}", "MIS_END": f"12/06/{E}"}
    after = {"CHILD": "C1003", "DOB": header["C1003"]["DOB"], "MISSING": "M",
             "MIS_START": f"01/10/{E}", "MIS_END": f"03/10/{E}"}
    inside = dict(before, MIS_START=f"02/08/{E}", MIS_END=f"03/08/{E}")
    r = validate(with_rows(ds, "this_year", "missing.csv", [before, after, inside]), 2026, selected_rules=["578"])
    assert _rows(r, "578") == [("C1003", "Missing", 2), ("C1005", "Missing", 1)]


def test_633_rejects_the_councils_formed_since_2019(validate):
    """633 checks LA_PERM against a list hard-coded in rules/lac2022_23/rule_633.py that lacks the councils
    formed since 2019: Dorset 838, Bournemouth, Christchurch and Poole 839, North and West Northamptonshire
    940 and 941, Cumberland 942, Westmorland and Furness 943. C1005's previous special guardianship order,
    made in Dorset (838), is flagged; the same order made in Derby (831) is not. The warehouse checks against
    seeds/reference/councils.csv. seeds/data_quality/validator_disagreements.csv, row 633."""
    ds = clean_dataset(2026)
    dorset = modified(ds, "this_year", "previous_permanence.csv", "C1005", PREV_PERM="P2", LA_PERM="838",
                      DATE_PERM="14/02/2019")
    assert _rows(validate(dorset, 2026, selected_rules=["633"]), "633") == [("C1005", "PrevPerm", 2)]
    derby = modified(dorset, "this_year", "previous_permanence.csv", "C1005", LA_PERM="831")
    assert "633" not in validate(derby, 2026, selected_rules=["633"]).errors_by_rule


def test_634_compares_with_the_collection_start_not_1_april_2016(validate):
    """634 is 'There are entries for previous permanence options, but child has not started to be looked
    after from 1 April 2016 onwards'. rules/lac2022_23/rule_634.py flags a PrevPerm row when the child's
    latest episode began before the start of the COLLECTION YEAR (LAST_DECOM < collection_start), not before
    1 April 2016: C1003, looked after since November 2023 (latest episode 5 January 2025), is flagged;
    C1005, who started on 1 July 2025, is not. The warehouse follows the DfE text (the latest period of care
    began before 1 April 2016). seeds/data_quality/validator_disagreements.csv, row 634."""
    ds = clean_dataset(2026)
    header = {row["CHILD"]: row for row in ds["this_year"]["header.csv"]}
    c1003 = {"CHILD": "C1003", "DOB": header["C1003"]["DOB"], "PREV_PERM": "Z1", "LA_PERM": "", "DATE_PERM": ""}
    r = validate(with_rows(ds, "this_year", "previous_permanence.csv", [c1003]), 2026, selected_rules=["634"])
    assert sorted({(child, table) for child, table, _ in _rows(r, "634")}) == [("C1003", "Episodes"), ("C1003", "PrevPerm")]


def test_187_and_191_treat_a_child_adopted_on_31_march_as_looked_after_on_31_march(validate):
    """C1003 adopted on the last day of the year (the episode ends 31/03/2026 with REC E11): 601 and 602 count
    her as adopted in the year (DEC <= collection end), so AD1 must be complete; 187's 'continuously looked
    after' (utils.add_col_to_episodes_CONTINUOUSLY_LOOKED_AFTER) only counts an episode ending BEFORE
    collection end as leaving care (DEC < collection_end), so it still sees her as looked after on 31 March
    and forbids the same AD1 fields. No AD1 row satisfies both. 191 (same helper) then asks an OC2 row of
    her, although the DfE's OC2 cohort is children looked after at 31 March (DEC blank)."""
    adopted_31_march = modified(clean_dataset(2026), "this_year", "episodes.csv", "C1003", DEC="31/03/2026")
    adopted_31_march = modified(adopted_31_march, "this_year", "sw_episodes.csv", "C1003", SW_DEC="31/03/2026")
    r = validate(adopted_31_march, 2026, selected_rules=["187", "191", "601", "602"])
    assert _rows(r, "187") == [("C1003", "AD1", 0)]
    assert _rows(r, "191") == [("C1003", "Episodes", 4)]
    assert "601" not in r.errors_by_rule and "602" not in r.errors_by_rule
    # with the adoption details left blank (what 187 asks), 601 flags the child instead
    blank = modified(adopted_31_march, "this_year", "ad1.csv", "C1003", DATE_INT="", DATE_MATCH="",
                     FOSTER_CARE="", NB_ADOPTR="", SEX_ADOPTR="", LS_ADOPTR="")
    r_blank = validate(blank, 2026, selected_rules=["187", "601"])
    assert "187" not in r_blank.errors_by_rule
    assert _rows(r_blank, "601") == [("C1003", "AD1", 0), ("C1003", "Episodes", 4)]
    # control: adopted a day earlier, 187 is silent
    day_before = modified(adopted_31_march, "this_year", "episodes.csv", "C1003", DEC="30/03/2026")
    day_before = modified(day_before, "this_year", "sw_episodes.csv", "C1003", SW_DEC="30/03/2026")
    assert validate(day_before, 2026, selected_rules=["187", "191"]).errors_by_rule == {}
    # the whole 2025/26 run on the 31 March adoption raises nothing else the defects list does not explain
    assert unexplained_errors(validate(adopted_31_march, 2026), "2025-26") == {}


def test_336_checks_other_adopters_a4_instead_of_the_foster_carers_a5(validate):
    """336 is 'Child does not have a foster placement immediately prior to being placed for adoption': a child
    placed for adoption with her current foster carers (A3, A5) must come from foster care (or adoption), as
    the rule's own comment in rules/lac2022_23/rule_336.py says ("Where <PL> = 'A3' or 'A5'"); its code checks
    A3 and A4. C1005, in a children's home (K2) since 1 July, is placed with other adopters (A4) on 1 December:
    the validator flags her, the warehouse does not. The same move to A5 (with her foster carers, straight
    from the children's home) is the rule's case: the warehouse flags it, the validator does not.
    seeds/data_quality/validator_disagreements.csv, row 336."""
    E = 2025  # the year the 2025-26 collection starts
    ds = clean_dataset(2026)
    home = modified(ds, "this_year", "episodes.csv", "C1005", DEC=f"01/12/{E}", REC="X1", REASON_PLACE_CHANGE="CARPL")
    first = next(r for r in home["this_year"]["episodes.csv"] if r["CHILD"] == "C1005")
    placed = dict(first, DECOM=f"01/12/{E}", RNE="P", LS="E1", DEC="", REC="", REASON_PLACE_CHANGE="")
    r = validate(with_rows(home, "this_year", "episodes.csv", [dict(placed, PLACE="A4")]), 2026,
                 selected_rules=["336"])
    assert {child for child, _, _ in _rows(r, "336")} == {"C1005"}
    control = validate(with_rows(home, "this_year", "episodes.csv", [dict(placed, PLACE="A5")]), 2026,
                       selected_rules=["336"])
    assert "336" not in control.errors_by_rule


def test_584_flags_the_row_at_the_merged_position_not_the_childs(validate):
    """584: 'If last year's DATE_PLACED was provided and its DATE_PLACED_CEASED and/or REASON_PLACED_CEASED is
    not blank, this year's DATE_PLACED must be after last year's DATE_PLACED'. rules/lac2022_23/rule_584.py
    takes the row labels of its merged frame (0, 1, ...) as PlacedAdoption row labels (and compares the dates
    as dd/mm/YYYY text). C1001's decision this year (1 February 2025, PlacedAdoption row 1) is the day of
    last year's, which ceased on 1 March: the validator flags row 0, C1003's (a decision it does not
    question), instead of C1001's. The warehouse flags C1001. seeds/data_quality/validator_disagreements.csv,
    row 584."""
    ds = clean_dataset(2026)
    dob = next(r["DOB"] for r in ds["this_year"]["header.csv"] if r["CHILD"] == "C1001")
    this_year = {"CHILD": "C1001", "DOB": dob, "DATE_PLACED": "01/02/2025", "DATE_PLACED_CEASED": "",
                 "REASON_PLACED_CEASED": ""}
    last_year = dict(this_year, DATE_PLACED_CEASED="01/03/2025", REASON_PLACED_CEASED="RD1")
    case = with_rows(with_rows(ds, "this_year", "placed_for_adoption.csv", [this_year]),
                     "prev_year", "placed_for_adoption.csv", [last_year])
    r = validate(case, 2026, selected_rules=["584"])
    assert _rows(r, "584") == [("C1003", "PlacedAdoption", 0)]


def test_sw10stg2_flags_a_gap_that_only_sw10astg2_is_about(validate, validator_python):
    """C1001's social worker SW0001 (12 May three years ago to 10 October) is followed by SW0009, who left
    (LEFTRL) and was replaced after a gap: the new allocation starts 20 October, 10 days after the first
    ended. SW10aSTG2 ('not within +/- 7 days of a previous episode') rightly flags it; SW10STG2 ('started
    BEFORE the end date of the previous episode', from 2024/25 '>= SW_DEC - 7 days' for a reason other
    than FCONTA) should not, but rules/lac2024_25/rule_SW10STG2.py still tests both sides, as 2023/24's
    '= SW_DEC +/- 7 days' did. Controls: 7 days after (neither), 8 days before (both, rightly)."""
    E = 2026
    first = ("SW0001", f"12/05/{E - 3}", f"10/10/{E - 1}", "FCONTA")
    gap = _with_sw_episodes(clean_dataset(E), "C1001", first, ("SW0009", f"20/10/{E - 1}", "", "LEFTRL"))
    r = validate(gap, E, selected_rules=["SW10STG2", "SW10aSTG2"])
    assert _rows(r, "SW10STG2") == [("C1001", "SWEpisodes", 1)]
    assert _rows(r, "SW10aSTG2") == [("C1001", "SWEpisodes", 1)]

    week = _with_sw_episodes(clean_dataset(E), "C1001", first, ("SW0009", f"17/10/{E - 1}", "", "LEFTRL"))
    rw = validate(week, E, selected_rules=["SW10STG2", "SW10aSTG2"])
    assert set(rw.rules_run) == {"SW10STG2", "SW10aSTG2"} and rw.errors_by_rule == {}

    early = _with_sw_episodes(clean_dataset(E), "C1001", first, ("SW0009", f"02/10/{E - 1}", "", "LEFTRL"))
    re_ = validate(early, E, selected_rules=["SW10STG2", "SW10aSTG2"])
    assert _rows(re_, "SW10STG2") == _rows(re_, "SW10aSTG2") == [("C1001", "SWEpisodes", 1)]
    assert _rulesets_defining(validator_python, "SW10STG2") == ["lac2023_24", "lac2024_25"]
    assert "SW10STG2" in known_defects("2025-26") and "SW10STG2" in known_defects("2026-27")


def test_199_sees_an_adoption_only_in_this_or_last_years_episodes(validate):
    """199 is 'Episode information shows child has been previously adopted from care'. The validator looks
    for an adoption (REC E11/E12) in this year's and last year's Episodes only, the two files it is given.
    C1009, adopted in October 2024, comes back into care in June 2026: on the 2026-27 return the validator
    cannot see the adoption and flags nothing; the warehouse, which keeps every year's episodes, flags the
    new episode. Control: the same adoption a year later (October 2025, in last year's file) is flagged.
    seeds/data_quality/validator_disagreements.csv, row 199."""
    ds = clean_dataset(2027)
    header = dict(ds["this_year"]["header.csv"][1], CHILD="C1009", UPN="E567890123456")
    back = dict(ds["this_year"]["episodes.csv"][3], CHILD="C1009", DECOM="01/06/2026", RNE="S", LS="C2",
                DEC="", REC="")
    returned = with_rows(with_rows(ds, "this_year", "header.csv", [header]), "this_year", "episodes.csv", [back])
    r = validate(returned, 2027, selected_rules=["199"])
    assert "199" not in r.errors_by_rule
    adopted = dict(back, DECOM="01/03/2025", LS="E1", PLACE="A6", DEC="01/10/2025", REC="E11")
    seen = with_rows(with_rows(returned, "prev_year", "header.csv", [header]), "prev_year", "episodes.csv", [adopted])
    r2 = validate(seen, 2027, selected_rules=["199"])
    assert _rows(r2, "199") == [("C1009", "Episodes", len(ds["this_year"]["episodes.csv"]))]


def test_347_compares_accom_with_a_bare_t_that_no_valid_code_equals(validate, validator_python):
    """347: 'Care leavers aged under 18 years, can not be accommodated in a Foyer.' A foyer is ACCOM T1 or T2
    (suitable or not); rules/lac2023_24/rule_347.py keeps the rows whose ACCOM is exactly 'T', which no valid
    code is (133 rejects it). C1006's OC3 row given a date of birth that makes her 17 on 1 April 2025 and
    ACCOM T1: the validator does not flag her (the warehouse does); the same row with the invalid 'T' is
    flagged. seeds/data_quality/validator_disagreements.csv, row 347."""
    ds = clean_dataset(2026)
    foyer = modified(ds, "this_year", "oc3.csv", "C1006", DOB="10/10/2007", ACCOM="T1")
    r = validate(foyer, 2026, selected_rules=["347"])
    assert "347" in r.rules_run and "347" not in r.errors_by_rule
    bare = modified(ds, "this_year", "oc3.csv", "C1006", DOB="10/10/2007", ACCOM="T")
    assert _rows(validate(bare, 2026, selected_rules=["347"]), "347") == [("C1006", "OC3", 0)]
    assert _rulesets_defining(validator_python, "347") == ["lac2023_24"]
