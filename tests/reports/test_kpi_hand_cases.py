"""Every KPI (A1-G7) worked out by hand on a tiny council, end to end: a hand-written extract goes through
the whole nightly pipeline, and each figure of marts.fct_kpi_values for 2025-26 is checked against the
count a person makes on paper from the stories below. The extract is dated 1 June 2026, so 2025-26 is a
complete year. oc2_supplement is left out: F8 must say "not available", never 0.

The children (all looked after by Derby, E06000015):
  101 girl, 11: in care since 1 Sep 2023 (care order). Carer A, then carer B from 1 Mar 2024; a two-week
      respite placement in June 2025 and back to carer B; carer B moves house on 1 Oct 2025 (same carers).
      Reviews all on time; the next, due 1 May 2026, is overdue at the extract date.
  102 boy, 4: enters care on Friday 22 Aug 2025 (section 20) before the August bank holiday; first review
      on Monday 22 Sep 2025, the 20th working day: on time. Second on 22 Dec: on time. Under 4 at both (PN0).
  103 girl, 13: enters care the same Friday; first review on Tuesday 23 Sep, the 21st working day: late.
      Returned home on 15 Dec 2025 (E4A).
  104 boy, 15: in care from 4 Aug 2025 (interim care order); first review on 31 Aug; the second is due
      3 calendar months later, 30 Nov, and is held 1 Dec: late. Three placements in the year.
  105 girl, 17: in care since 1 Mar 2024 in a children's home 30 miles away (Birmingham); three reviews
      fell due in 2025-26 and one (due 30 Dec 2025, held 5 Jan 2026) was late. Her IRO changed in September.
  106 boy: a short break (V4) open on 31 March 2026: not looked after in any figure, counted apart.
  107 boy, 16: unaccompanied asylum-seeking child, in care from 1 May 2025; three reviews, all on time.
  108 girl, 6: care order since 1 Jun 2024; placed with parents (P1) from 1 Nov 2025.
  109 boy, 6: entered care 15 Mar 2026, under 4 weeks before 31 March: not in per-child timeliness.
  112 girl, 9: in care since Jan 2022, carers from Jun 2022; placed for adoption (A6) on 1 Sep 2025.
  113 young woman: left care on 30 Apr 2025 at 17 (E5); 18 on 1 May 2025: a care leaver, in touch and in
      suitable accommodation.
Child protection: 110 (second plan within 2 years), 111 (unborn, conference late), 114 (conference, no
plan), 115 (transfer-in), 116 (another council's plan), 117 (plan of more than 2 years ended), 118
(repeat plan, not within 2 years). IROs: 9001 full time, 9002 half time (agency), 9003 left in Sep 2025;
9100 is a CP chair who is not an IRO.
"""

import csv
import io

import dagster as dg
import duckdb
import pytest

pytestmark = [pytest.mark.slow]

EXTRACT_ID = "2026-06-01T0200"
YEAR = "2025-26"


def table(rows: list[dict], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return buffer.getvalue()


def person(pid, sex, ethnicity, dob, expected_dob=""):
    return {"pers_person_id": pid, "pers_sex": sex, "pers_ethnicity": ethnicity, "pers_dob": dob,
            "pers_expected_dob": expected_dob}


PERSONS = [
    person(101, "F", "WBRI", "2014-05-10"), person(102, "M", "MWBC", "2022-01-15"),
    person(103, "F", "AIND", "2012-03-01"), person(104, "M", "WBRI", "2010-06-01"),
    person(105, "F", "WOTH", "2009-02-01"), person(106, "M", "WBRI", "2015-01-01"),
    person(107, "M", "OOTH", "2009-09-01"), person(108, "F", "BAFR", "2019-07-01"),
    person(109, "M", "WROM", "2020-02-02"), person(112, "F", "WBRI", "2017-03-01"),
    person(113, "F", "WBRI", "2007-05-01"),
    person(110, "F", "WBRI", "2018-04-01"), person(111, "U", "NOBT", "", "2026-05-20"),
    person(114, "M", "WBRI", "2016-01-01"), person(115, "M", "MWAS", "2012-08-08"),
    person(116, "F", "WBRI", "2013-01-01"), person(117, "M", "WBRI", "2011-01-01"),
    person(118, "F", "WBRI", "2014-01-01"),
]

LEGAL = [  # person, code, start, end
    (101, "C2", "2023-09-01", ""), (102, "V2", "2025-08-22", ""), (103, "V2", "2025-08-22", "2025-12-15"),
    (104, "C1", "2025-08-04", ""), (105, "C2", "2024-03-01", ""), (106, "V4", "2026-03-28", "2026-04-02"),
    (107, "V2", "2025-05-01", ""), (108, "C2", "2024-06-01", ""), (109, "V2", "2026-03-15", ""),
    (112, "C2", "2022-01-10", "2023-01-01"), (112, "E1", "2023-01-01", ""), (113, "V2", "2021-06-01", "2025-04-30"),
]

# placements: id, period of care, person, start, end, type, urn, distance, provider, postcode, change reason
PLACEMENTS = [
    (1001, 201, 101, "2023-09-01", "2024-03-01", "U4", "SC000001", "4.0", "PR1", "DE1 0AW", "CARPL"),
    (1002, 201, 101, "2024-03-01", "2025-06-10", "U4", "SC000002", "3.2", "PR4", "DE1 0BL", ""),
    (1003, 201, 101, "2025-06-10", "2025-06-24", "T3", "", "", "", "", ""),
    (1004, 201, 101, "2025-06-24", "2025-10-01", "U4", "SC000002", "3.2", "PR4", "DE1 0BL", "PLACE"),
    (1005, 201, 101, "2025-10-01", "", "U4", "SC000002", "3.2", "PR4", "DE1 0BX", ""),
    (1006, 202, 102, "2025-08-22", "", "U6", "SC000003", "1.5", "PR1", "DE1 0DU", ""),
    (1007, 203, 103, "2025-08-22", "2025-12-15", "K2", "SC000004", "25.0", "PR4", "B1 3JA", ""),
    (1008, 204, 104, "2025-08-04", "2025-10-01", "U4", "SC000005", "5.0", "PR4", "DE1 0EE", "CARPL"),
    (1009, 204, 104, "2025-10-01", "2025-12-01", "K2", "SC000006", "6.0", "PR4", "DE1 0ER", "CARPL"),
    (1010, 204, 104, "2025-12-01", "", "U4", "SC000007", "5.0", "PR4", "DE1 0FA", ""),
    (1011, 205, 105, "2024-03-01", "", "K2", "SC000008", "30.0", "PR4", "B1 2JX", ""),
    (1012, 206, 106, "2026-03-28", "2026-04-02", "K2", "SC000009", "", "PR1", "", ""),
    (1013, 207, 107, "2025-05-01", "", "U4", "SC000010", "", "PR5", "DE1 0HD", ""),
    (1014, 208, 108, "2024-06-01", "2025-11-01", "U6", "SC000011", "2.0", "PR1", "DE1 0AW", "CARPL"),
    (1015, 208, 108, "2025-11-01", "", "P1", "", "0.0", "PR0", "DE1 0EE", ""),
    (1016, 209, 109, "2026-03-15", "", "U6", "SC000012", "2.0", "PR1", "DE1 0DU", ""),
    (1017, 212, 112, "2022-01-10", "2022-06-01", "U6", "SC000013", "2.0", "PR1", "DE1 0ER", "CARPL"),
    (1018, 212, 112, "2022-06-01", "2025-09-01", "U5", "SC000014", "2.5", "PR1", "DE1 0FA", "CARPL"),
    (1019, 212, 112, "2025-09-01", "", "A6", "SC000015", "2.5", "PR1", "DE1 0FA", ""),
    (1020, 213, 113, "2021-06-01", "2025-04-30", "U4", "SC000016", "2.0", "PR1", "DE1 0HD", ""),
]

# episodes: id, person, placement, start, reason new, need, ceased, reason ceased, period of care
EPISODES = [
    (3001, 101, 1001, "2023-09-01", "S", "N1", "2024-03-01", "X1", 201),
    (3002, 101, 1002, "2024-03-01", "P", "N1", "2025-06-10", "X1", 201),
    (3003, 101, 1003, "2025-06-10", "P", "N1", "2025-06-24", "X1", 201),
    (3004, 101, 1004, "2025-06-24", "P", "N1", "2025-10-01", "X1", 201),
    (3005, 101, 1005, "2025-10-01", "T", "N1", "", "", 201),
    (3006, 102, 1006, "2025-08-22", "S", "N1", "", "", 202),
    (3007, 103, 1007, "2025-08-22", "S", "N2", "2025-12-15", "E4A", 203),
    (3008, 104, 1008, "2025-08-04", "S", "N1", "2025-10-01", "X1", 204),
    (3009, 104, 1009, "2025-10-01", "P", "N1", "2025-12-01", "X1", 204),
    (3010, 104, 1010, "2025-12-01", "P", "N1", "", "", 204),
    (3011, 105, 1011, "2024-03-01", "S", "N5", "", "", 205),
    (3012, 106, 1012, "2026-03-28", "S", "N2", "2026-04-02", "E8", 206),
    (3013, 107, 1013, "2025-05-01", "S", "N8", "", "", 207),
    (3014, 108, 1014, "2024-06-01", "S", "N1", "2025-11-01", "X1", 208),
    (3015, 108, 1015, "2025-11-01", "P", "N1", "", "", 208),
    (3016, 109, 1016, "2026-03-15", "S", "N4", "", "", 209),
    (3017, 112, 1017, "2022-01-10", "S", "N1", "2022-06-01", "X1", 212),
    (3018, 112, 1018, "2022-06-01", "P", "N1", "2025-09-01", "X1", 212),
    (3019, 112, 1019, "2025-09-01", "P", "N1", "", "", 212),
    (3020, 113, 1020, "2021-06-01", "S", "N4", "2025-04-30", "E5", 213),
]

# reviews: id, period of care, person, date, participation (blank and cancelled = Y for a cancelled one)
REVIEWS = [
    (4001, 201, 101, "2023-09-25", "PN1"), (4002, 201, 101, "2023-11-20", "PN1"),
    (4003, 201, 101, "2024-05-15", "PN1"), (4004, 201, 101, "2024-11-10", "PN1"),
    (4005, 201, 101, "2025-05-05", "PN1"), (4006, 201, 101, "2025-11-01", "PN6"),
    (4007, 202, 102, "2025-09-22", "PN0"), (4008, 202, 102, "2025-12-22", "PN0"),
    (4009, 203, 103, "2025-09-23", "PN1"),
    (4010, 204, 104, "2025-08-31", "PN5"), (4011, 204, 104, "2025-12-01", "PN7"),
    (4012, 205, 105, "2024-03-25", "PN1"), (4013, 205, 105, "2024-06-20", "PN1"),
    (4014, 205, 105, "2024-10-20", "PN1"), (4015, 205, 105, "2025-04-10", "PN1"),
    (4016, 205, 105, "2025-06-30", "PN2"), (4017, 205, 105, "2026-01-05", "PN6"),
    (4018, 207, 107, "2025-05-28", "PN1"), (4019, 207, 107, "2025-08-20", "PN6"),
    (4020, 207, 107, "2026-02-18", "PN1"),
    (4021, 208, 108, "2024-06-25", "PN1"), (4022, 208, 108, "2024-09-20", "PN1"),
    (4023, 208, 108, "2025-03-15", "PN1"), (4024, 208, 108, "2025-09-10", "PN1"),
    (4025, 208, 108, "2026-03-10", "PN5"),
    (4026, 209, 109, "2026-04-10", "PN1"),
    (4027, 212, 112, "2022-02-01", "PN1"), (4028, 212, 112, "2022-05-01", "PN1"),
    (4029, 212, 112, "2022-10-25", "PN1"), (4030, 212, 112, "2023-04-20", "PN1"),
    (4031, 212, 112, "2023-10-15", "PN1"), (4032, 212, 112, "2024-04-10", "PN1"),
    (4033, 212, 112, "2024-10-05", "PN1"), (4034, 212, 112, "2025-04-01", "PN1"),
    (4035, 212, 112, "2025-09-25", "PN3"), (4036, 212, 112, "2026-03-20", "PN1"),
]
CANCELLED_REVIEW = (4090, 207, 107, "2025-11-30")

# the IRO's form for the reviews held in 2025-26: seen, chaired by child, record sent, plan agreed,
# legal status appropriate, placement meets needs, care plan quality
SENT_LATE = {4011: "2026-01-20", 4017: "2026-02-10"}
NOT_SEEN = {4007: "NOT_APPROPRIATE", 4008: "NOT_APPROPRIATE", 4011: "NOT_SEEN", 4015: "NOT_NECESSARY"}
CHAIRED = {4017: "CHAIR", 4016: "COCHAIR", 4020: "COCHAIR"}
PLAN_AGREED = {4007: "N", 4008: "Y", 4010: "N", 4011: "N", 4018: "Y", 4019: "N"}

INVOLVEMENTS = [  # id, professional, role, person, start, end
    (5001, 9001, "IRO", 101, "2023-09-01", ""), (5002, 9001, "IRO", 102, "2025-08-29", ""),
    (5003, 9001, "IRO", 103, "2025-09-02", "2025-12-15"), (5004, 9002, "IRO", 104, "2025-08-04", ""),
    (5005, 9003, "IRO", 105, "2024-03-01", "2025-09-01"), (5006, 9001, "IRO", 105, "2025-09-01", ""),
    (5007, 9001, "IRO", 107, "2025-05-09", ""), (5008, 9002, "IRO", 108, "2024-06-01", ""),
    (5009, 9002, "IRO", 109, "2026-03-20", ""), (5010, 9002, "IRO", 112, "2022-01-10", ""),
    (5011, 9002, "CP_CHAIR", 110, "2025-05-30", ""), (5012, 9100, "CP_CHAIR", 111, "2026-02-10", ""),
    (5013, 9001, "CP_CHAIR", 115, "2025-11-20", ""), (5014, 9001, "IRO", 113, "2021-06-01", "2025-04-30"),
]
ESTABLISHMENT = [(9001, "2020-01-01", "", "1.0", "N"), (9002, "2024-01-01", "", "0.5", "Y"),
                 (9003, "2019-01-01", "2025-09-01", "1.0", "N")]

DISPUTES = [  # id, person, case type, raised, level, stage, reason, resolved, outcome
    (6001, 104, "CLA", "2025-09-15", "INFORMAL", 0, "DRIFT_DELAY", "2025-09-29", "RESOLVED"),
    (6002, 105, "CLA", "2025-11-03", "FORMAL", 2, "STATUTORY_REQUIREMENTS_NOT_MET", "2025-12-15", "RESOLVED"),
    (6003, 110, "CP", "2026-02-02", "INFORMAL", 0, "EXCELLENT_PRACTICE", "2026-02-02", "RESOLVED"),
    (6004, 108, "CLA", "2026-03-16", "FORMAL", 1, "TASKS_NOT_COMPLETED", "", "OPEN"),
    (6005, 101, "CLA", "2025-05-01", "INFORMAL", 0, "OTHER", "2025-05-05", "WITHDRAWN"),
]

CP_PLANS = [  # id, person, icpc, start, end, other LA, category
    (7001, 110, "", "2022-09-01", "2023-11-01", "N", "NEG"),
    (7002, 110, 8001, "2025-05-30", "", "N", "EMO"),
    (7003, 111, 8002, "2026-02-10", "", "N", "PHY"),
    (7004, 115, 8004, "2025-11-20", "", "N", "MUL"),
    (7005, 116, "", "2025-12-01", "", "Y", "NEG"),
    (7006, 117, 8005, "2023-01-10", "2025-07-15", "N", "NEG"),
    (7007, 118, "", "2019-01-01", "2020-06-01", "N", "NEG"),
    (7008, 118, 8006, "2025-04-15", "2026-01-15", "N", "EMO"),
]
ENQUIRIES = [(8101, 110, "2025-05-12"), (8102, 111, "2026-01-12"), (8103, 114, "2025-10-01"),
             (8105, 117, "2022-12-20"), (8106, 118, "2025-04-01")]
CONFERENCES = [  # id, enquiry, person, plan, transfer in, date, resulted in plan
    (8001, 8101, 110, 7002, "N", "2025-05-30", "Y"), (8002, 8102, 111, 7003, "N", "2026-02-10", "Y"),
    (8003, 8103, 114, "", "N", "2025-10-10", "N"), (8004, "", 115, 7004, "Y", "2025-11-20", "Y"),
    (8005, 8105, 117, 7006, "N", "2023-01-10", "Y"), (8006, 8106, 118, 7008, "N", "2025-04-15", "Y"),
]
CP_REVIEWS = [  # id, person, plan, date
    (8201, 110, 7002, "2025-08-28"), (8202, 110, 7002, "2026-03-05"), (8203, 115, 7004, "2026-02-19"),
    (8204, 118, 7008, "2025-07-20"), (8205, 117, 7006, "2023-04-05"), (8206, 117, 7006, "2023-10-01"),
    (8207, 117, 7006, "2024-03-20"), (8208, 117, 7006, "2024-09-15"), (8209, 117, 7006, "2025-03-10"),
]

HEALTH = [  # id, person, type, date
    (9501, 101, "HEALTH_ASSESSMENT", "2025-07-01"), (9502, 101, "DENTAL_CHECK", "2025-08-01"),
    (9503, 105, "HEALTH_ASSESSMENT", "2025-09-01"), (9504, 108, "HEALTH_ASSESSMENT", "2025-10-01"),
    (9505, 108, "DENTAL_CHECK", "2025-10-15"), (9506, 112, "HEALTH_ASSESSMENT", "2025-11-01"),
    (9507, 112, "DENTAL_CHECK", "2025-11-20"),
]
IMMUNISATIONS = [(101, "Y", "2025-06-01"), (105, "N", "2025-06-01"), (108, "Y", "2025-06-01"),
                 (112, "Y", "2025-06-01")]
SDQ = [(9601, 101, "2025-09-01", 15), (9602, 112, "2025-09-01", 10)]


def build_extract(contract) -> dict[str, str]:
    columns = {name: spec.column_names for name, spec in contract.items()}
    tables = {
        "ssd_person": table(PERSONS, columns["ssd_person"]),
        "ssd_legal_status": table([
            {"lega_legal_status_id": 2000 + i, "lega_person_id": p, "lega_legal_status": code,
             "lega_legal_status_start_date": start, "lega_legal_status_end_date": end}
            for i, (p, code, start, end) in enumerate(LEGAL)], columns["ssd_legal_status"]),
        "ssd_cla_placement": table([
            {"clap_cla_placement_id": pid, "clap_cla_id": poc, "clap_person_id": p,
             "clap_cla_placement_start_date": start, "clap_cla_placement_end_date": end,
             "clap_cla_placement_type": kind, "clap_cla_placement_urn": urn, "clap_cla_placement_distance": miles,
             "clap_cla_placement_provider": provider, "clap_cla_placement_postcode": postcode,
             "clap_cla_placement_change_reason": reason}
            for pid, poc, p, start, end, kind, urn, miles, provider, postcode, reason in PLACEMENTS],
            columns["ssd_cla_placement"]),
        "ssd_cla_episodes": table([
            {"clae_cla_episode_id": eid, "clae_person_id": p, "clae_cla_placement_id": pl,
             "clae_cla_episode_start_date": start, "clae_cla_episode_start_reason": rne,
             "clae_cla_primary_need_code": need, "clae_cla_episode_ceased_date": ceased,
             "clae_cla_episode_ceased_reason": rec, "clae_cla_id": poc}
            for eid, p, pl, start, rne, need, ceased, rec, poc in EPISODES], columns["ssd_cla_episodes"]),
        "ssd_cla_reviews": table([
            {"clar_cla_review_id": rid, "clar_cla_id": poc, "clar_cla_person_id": p, "clar_cla_review_date": day,
             "clar_cla_review_cancelled": "N", "clar_cla_review_participation": code}
            for rid, poc, p, day, code in REVIEWS] + [
            {"clar_cla_review_id": CANCELLED_REVIEW[0], "clar_cla_id": CANCELLED_REVIEW[1],
             "clar_cla_person_id": CANCELLED_REVIEW[2], "clar_cla_review_date": CANCELLED_REVIEW[3],
             "clar_cla_review_cancelled": "Y"}], columns["ssd_cla_reviews"]),
        "iro_review_details": table([
            {"irrd_cla_review_id": rid, "irrd_chair_professional_id": 9001,
             "irrd_child_seen_by_iro": NOT_SEEN.get(rid, "SEEN"), "irrd_chaired_by_child": CHAIRED.get(rid, "NO"),
             "irrd_record_distributed_date": SENT_LATE.get(rid, day), "irrd_permanence_plan_agreed":
                 PLAN_AGREED.get(rid, "Y"),
             "irrd_qa_legal_status_appropriate": "N" if rid == 4011 else "Y",
             "irrd_qa_placement_meets_needs": "N" if rid == 4009 else "Y",
             "irrd_qa_care_plan_quality": "REQUIRES_IMPROVEMENT" if rid == 4017 else "GOOD",
             "irrd_qa_corporate_parenting_quality": "GOOD"}
            for rid, poc, p, day, code in REVIEWS], columns["iro_review_details"]),
        "ssd_involvements": table([
            {"invo_involvements_id": iid, "invo_professional_id": prof, "invo_professional_role_id": role,
             "invo_person_id": p, "invo_involvement_start_date": start, "invo_involvement_end_date": end}
            for iid, prof, role, p, start, end in INVOLVEMENTS], columns["ssd_involvements"]),
        "iro_establishment": table([
            {"iroe_professional_id": prof, "iroe_start_date": start, "iroe_end_date": end, "iroe_fte": fte,
             "iroe_agency": agency} for prof, start, end, fte, agency in ESTABLISHMENT],
            columns["iro_establishment"]),
        "iro_disputes": table([
            {"irod_dispute_id": did, "irod_person_id": p, "irod_case_type": case, "irod_raised_date": raised,
             "irod_level": level, "irod_stage_reached": stage, "irod_reason": reason,
             "irod_resolved_date": resolved, "irod_outcome": outcome}
            for did, p, case, raised, level, stage, reason, resolved, outcome in DISPUTES], columns["iro_disputes"]),
        "ssd_cp_plans": table([
            {"cppl_cp_plan_id": pid, "cppl_person_id": p, "cppl_icpc_id": icpc, "cppl_cp_plan_start_date": start,
             "cppl_cp_plan_end_date": end, "cppl_cp_plan_ola": ola, "cppl_cp_plan_initial_category": category,
             "cppl_cp_plan_latest_category": category}
            for pid, p, icpc, start, end, ola, category in CP_PLANS], columns["ssd_cp_plans"]),
        "ssd_s47_enquiry": table([
            {"s47e_s47_enquiry_id": eid, "s47e_person_id": p, "s47e_s47_start_date": start}
            for eid, p, start in ENQUIRIES], columns["ssd_s47_enquiry"]),
        "ssd_initial_cp_conference": table([
            {"icpc_icpc_id": cid, "icpc_s47_enquiry_id": enquiry, "icpc_person_id": p, "icpc_cp_plan_id": plan,
             "icpc_icpc_transfer_in": transfer, "icpc_icpc_date": day, "icpc_icpc_outcome_cp_flag": outcome}
            for cid, enquiry, p, plan, transfer, day, outcome in CONFERENCES], columns["ssd_initial_cp_conference"]),
        "ssd_cp_reviews": table([
            {"cppr_cp_review_id": rid, "cppr_person_id": p, "cppr_cp_plan_id": plan, "cppr_cp_review_date": day}
            for rid, p, plan, day in CP_REVIEWS], columns["ssd_cp_reviews"]),
        "ssd_cla_health": table([
            {"clah_health_check_id": hid, "clah_person_id": p, "clah_health_check_type": kind,
             "clah_health_check_date": day, "clah_health_check_status": "COMPLETED"}
            for hid, p, kind, day in HEALTH], columns["ssd_cla_health"]),
        "ssd_cla_immunisations": table([
            {columns["ssd_cla_immunisations"][0]: p, columns["ssd_cla_immunisations"][1]: flag,
             columns["ssd_cla_immunisations"][2]: day} for p, flag, day in IMMUNISATIONS],
            columns["ssd_cla_immunisations"]),
        "ssd_sdq_scores": table([
            {columns["ssd_sdq_scores"][0]: sid, columns["ssd_sdq_scores"][1]: p,
             columns["ssd_sdq_scores"][2]: day, columns["ssd_sdq_scores"][3]: score}
            for sid, p, day, score in SDQ], columns["ssd_sdq_scores"]),
        "ssd_cla_convictions": table([], columns["ssd_cla_convictions"]),
        "ssd_cla_substance_misuse": table([], columns["ssd_cla_substance_misuse"]),
        "ssd_immigration_status": table([
            {"immi_immigration_status_id": 1, "immi_person_id": 107, "immi_immigration_status": "UASC",
             "immi_immigration_status_start_date": "2025-05-01"}], columns["ssd_immigration_status"]),
        "ssd_care_leavers": table([
            {"clea_table_id": 1, "clea_person_id": 113, "clea_care_leaver_in_touch": "YES",
             "clea_care_leaver_latest_contact": "2025-05-10", "clea_care_leaver_accommodation": "Z",
             "clea_care_leaver_accom_suitable": "1", "clea_care_leaver_activity": "F2"}], columns["ssd_care_leavers"]),
    }
    return tables


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    from dagster_project.lib.ingest.contract import load_contract
    from dagster_project.lib.settings import Settings
    from dagster_project.run import run_warehouse
    from tests.conftest import ExtractBuilder

    root = tmp_path_factory.mktemp("hand_cases")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLA_LANDING_DIR", str(root / "landing"))
        patch.setenv("CLA_OUTPUT_DIR", str(root / "output"))
        for variable in ("CLA_WAREHOUSE_DIR", "CLA_RETURNS_DIR", "CLA_REPORTS_DIR", "CLA_DATA_QUALITY_DIR",
                         "CLA_ENCRYPTION_KEY"):
            patch.delenv(variable, raising=False)
        patch.setenv("CLA_LA_CODE", "E06000015")
        (root / "landing").mkdir()
        ExtractBuilder(root / "landing").write(EXTRACT_ID, tables=build_extract(load_contract()))
        results = run_warehouse(instance=dg.DagsterInstance.ephemeral())
        assert results[0].success
        con = duckdb.connect(str(Settings.from_environment().warehouse_path), read_only=True)
        yield con
        con.close()


def kpi(con, measure_id, period=YEAR, breakdown=("total", "Total"), breakdown_2=("total", "Total")):
    """(numerator, denominator, value) of one figure of the tidy mart."""
    row = con.execute(
        "select numerator, denominator, value, is_available from marts.fct_kpi_values where period_id = ? and "
        "measure_id = ? and breakdown_name = ? and breakdown_value = ? and breakdown_2_name = ? "
        "and breakdown_2_value = ?", [period, measure_id, *breakdown, *breakdown_2]).fetchone()
    assert row is not None, (measure_id, period, breakdown, breakdown_2)
    assert row[3], (measure_id, "not available")
    return row[0], row[1], row[2]


def count(con, measure_id, period=YEAR, breakdown=("total", "Total"), breakdown_2=("total", "Total")):
    return kpi(con, measure_id, period, breakdown, breakdown_2)[0]


def test_a_children_looked_after_at_31_march(warehouse):
    # looked after on 31 March 2026: 101, 102, 104, 105, 107, 108, 109, 112 (103 and 113 left; 106 is on a
    # short break only)
    assert count(warehouse, "A1.children_looked_after") == 8
    assert count(warehouse, "A1.short_break_children") == 1
    # at 31 December 2025 (Q3): 103 had left on 15 December, 109 had not arrived
    assert count(warehouse, "A1.children_looked_after", "2025-26 Q3") == 7
    # Derby's children aged 0-17: ONS mid-2024, 62,113 (the latest published by 31 March 2026; the DfE's
    # 2025 release uses the same figure), from the council_populations seed
    assert kpi(warehouse, "A2.rate_per_10000")[1:] == (62113, pytest.approx(8 / 62113 * 10000))
    # ages 11, 4, 15, 17, 16, 6, 6, 9
    ages = {"Under 1": 0, "1 to 4": 1, "5 to 9": 3, "10 to 15": 2, "16 and over": 2}
    for band, expected in ages.items():
        assert count(warehouse, "A3.by_age_band", breakdown=("age_band", band)) == expected
    assert count(warehouse, "A4.by_sex", breakdown=("sex", "Male")) == 4
    assert count(warehouse, "A4.by_sex", breakdown=("sex", "Female")) == 4
    # WBRI x3 (101, 104, 112), WOTH, WROM; MWBC; BAFR; OOTH
    assert count(warehouse, "A5.by_ethnicity", breakdown=("ethnic_group", "White")) == 5
    assert count(warehouse, "A5.by_ethnicity", breakdown=("local_ethnic_group", "White British")) == 3
    assert count(warehouse, "A5.by_ethnicity", breakdown=("local_ethnic_group", "Gypsy/Roma/Traveller")) == 1
    assert count(warehouse, "A5.by_ethnicity", breakdown=("ethnic_group", "Black or Black British")) == 1
    # C2: 101, 105, 108; C1: 104; E1: 112; V2: 102, 107, 109
    assert count(warehouse, "A6.by_legal_status", breakdown=("legal_status_group", "Care order (C2)")) == 3
    assert count(warehouse, "A6.by_legal_status", breakdown=("legal_status_group", "Interim care order (C1)")) == 1
    assert count(warehouse, "A6.by_legal_status",
                 breakdown=("legal_status_group", "Placement order (E1 and D1)")) == 1
    assert count(warehouse, "A6.by_legal_status", breakdown=("legal_status_group", "Section 20 (V2)")) == 3
    # in care for: 109 16 days; 102, 104, 107 7-10 months; 108 21 months; 101 30, 105 24, 112 50 months
    lengths = {"Under 6 months": 1, "6 to 12 months": 3, "1 to 2 years": 1, "2 to 5 years": 3, "5 years or more": 0}
    for band, expected in lengths.items():
        assert count(warehouse, "A7.by_length_of_care", breakdown=("length_of_care_band", band)) == expected
    assert count(warehouse, "A8.unaccompanied_asylum_seeking") == 1  # 107
    assert count(warehouse, "A9.placed_with_parents_under_an_order") == 1  # 108, P1 under C2


def test_b_entries_and_exits_count_periods_of_care(warehouse):
    # started: 107 (May, N8), 102 and 104 (Aug, N1), 103 (Aug, N2), 109 (Mar, N4); 106's short break is not care
    assert count(warehouse, "B1.periods_of_care_started") == 5
    assert count(warehouse, "B1.periods_of_care_started", breakdown=("category_of_need", "N1 Abuse or neglect")) == 2
    assert count(warehouse, "B1.periods_of_care_started", "2025-26 Q2") == 3
    # ended: 113 (E5, April) and 103 (E4A, December)
    assert count(warehouse, "B2.periods_of_care_ended") == 2
    assert count(warehouse, "B2.periods_of_care_ended", breakdown=("reason_group", "Returned home (E4A, E4B, E13)")) == 1
    assert count(warehouse, "B2.periods_of_care_ended", breakdown=("reason_group", "Independent living (E5, E6)")) == 1
    assert count(warehouse, "B2.periods_of_care_ended", "2025-26 Q3") == 1
    # 113's 18th birthday (1 May 2025): in touch, with former foster carers (Z), suitable (1)
    assert kpi(warehouse, "B3.care_leavers_in_touch")[:2] == (1, 1)
    assert kpi(warehouse, "B3.care_leavers_in_suitable_accommodation")[:2] == (1, 1)


def test_c_placements_and_their_stability(warehouse):
    # foster care with other carers: own 102, 109; private 101, 104; voluntary 107
    foster = ("placement_group", "Foster care with other carers (U4-U6)")
    assert count(warehouse, "C1.placements_by_type_and_provider", breakdown=foster) == 5
    assert count(warehouse, "C1.placements_by_type_and_provider", breakdown=foster,
                 breakdown_2=("provider_group", "Private (PR4)")) == 2
    assert count(warehouse, "C1.placements_by_type_and_provider",
                 breakdown=("placement_group", "Placed for adoption (A3-A6)")) == 1
    assert count(warehouse, "C1.placements_by_type_and_provider",
                 breakdown=("placement_group", "Placed with parents (P1)"),
                 breakdown_2=("provider_group", "Parents (PR0)")) == 1
    # distance: 105 is 30 miles away; 107 (unaccompanied) has none recorded
    assert count(warehouse, "C2.placement_distance",
                 breakdown=("placement_distance", "More than 20 miles from home")) == 1
    assert count(warehouse, "C2.placement_distance", breakdown=("placement_distance", "Distance not recorded")) == 1
    assert count(warehouse, "C2.placement_location",
                 breakdown=("placement_location", "Outside the council's area")) == 1  # Birmingham
    # 3+ placements in the year: only 104 (101's respite and return do not count, its house move does: 2)
    assert kpi(warehouse, "C3.three_or_more_placements")[:2] == (1, 8)
    # long-term: under 16, in care since 30 Sep 2023 or before: 101 (same carers since Mar 2024, through a
    # respite placement and a same-carer move) and 112 (placed for adoption after carers from June 2022)
    assert kpi(warehouse, "C4.long_term_stability")[:2] == (2, 2)
    # moves in the year: 101 (house move), 104 (two), 108 (to parents), 112 (adoptive placement)
    assert count(warehouse, "C5.placement_moves") == 5
    assert count(warehouse, "C5.children_by_moves") == 10
    assert count(warehouse, "C5.children_by_moves", breakdown=("placement_moves", "1 move")) == 3
    assert count(warehouse, "C5.children_by_moves", breakdown=("placement_moves", "2 moves")) == 1


def test_d_reviews_timeliness_participation_and_the_iros_form(warehouse):
    assert count(warehouse, "D1.reviews_held") == 18
    # due in the year: 18; late: 103's first (21st working day), 104's second (30 Nov, held 1 Dec), 105's
    # third of the year (30 Dec, held 5 Jan)
    assert kpi(warehouse, "D2.reviews_on_time")[:2] == (15, 18)
    first = ("review_sequence", "First review (within 20 working days)")
    second = ("review_sequence", "Second review (within 3 months)")
    assert kpi(warehouse, "D2.reviews_on_time", breakdown=first)[:2] == (3, 4)  # 102 on time, 103 late
    assert kpi(warehouse, "D2.reviews_on_time", breakdown=second)[:2] == (2, 3)  # 104 late
    assert count(warehouse, "D2.late_reviews", breakdown=second,
                 breakdown_2=("lateness", "Held after its due date")) == 1
    # 101's review due 1 May 2026 was not held by the extract date (1 June): late, not held
    assert count(warehouse, "D2.late_reviews", "2026-27 Q1",
                 breakdown_2=("lateness", "Not held by the end of the period")) == 1
    # per child, looked after 4 weeks at 31 March: 101, 102, 104, 105, 107, 108, 112 (not 109); 104 and
    # 105 each had a late review, so all their reviews count as late
    assert kpi(warehouse, "D2.children_with_all_reviews_on_time")[:2] == (5, 7)
    # PN0 x2 (102, under 4) are left out; PN7 x1 (104) did not take part: 15 of 16
    assert kpi(warehouse, "D3.participation_rate")[:2] == (15, 16)
    assert count(warehouse, "D3.participation", breakdown=("participation_code", ("PN0 Child under 4 at the time "
                                                           "of the review"))) == 2
    assert kpi(warehouse, "D4.chaired_by_child")[:2] == (3, 18)
    assert count(warehouse, "D5.seen_before_review", breakdown=("child_seen", "Seen")) == 14
    assert count(warehouse, "D5.seen_before_review", breakdown=("child_seen", "Not appropriate")) == 2
    # records sent late: 104's of 1 Dec (20 Jan) and 105's of 5 Jan (10 Feb)
    assert kpi(warehouse, "D6.records_distributed_in_time")[:2] == (16, 18)
    # second reviews in the year: 102 (plan agreed), 104 (never), 107 (agreed at the first)
    assert kpi(warehouse, "D7.permanence_plan_by_second_review")[:2] == (2, 3)
    assert kpi(warehouse, "D8.legal_status_not_appropriate")[:2] == (1, 18)
    assert kpi(warehouse, "D8.placement_not_meeting_needs")[:2] == (1, 18)
    assert count(warehouse, "D8.care_plan_quality", breakdown=("rating", "Requires improvement")) == 1


def test_e_the_iro_service(warehouse):
    # at 31 March: IRO 9001 has 101, 102, 105, 107 and chairs 115's plan; 9002 (half time) has 104, 108,
    # 109, 112 and chairs 110's plan; 111's chair is not an IRO
    assert count(warehouse, "E1.children_with_an_iro") == 10
    assert count(warehouse, "E1.children_with_an_iro", breakdown=("case_type", "Looked after")) == 8
    assert count(warehouse, "E1.children_with_an_iro", breakdown=("case_type", "Child protection")) == 2
    assert count(warehouse, "E1.iros_in_post") == 2
    assert count(warehouse, "E1.iro_full_time_equivalent") == 1.5
    assert kpi(warehouse, "E1.caseload_per_full_time_iro")[2] == pytest.approx(10 / 1.5)
    half_time = warehouse.execute("select cases, cases_per_full_time_equivalent from marts.fct_iro_caseloads "
                                  "where period_id = ? and professional_id = '9002'", [YEAR]).fetchone()
    assert half_time == (5, 10.0)  # 5 cases at 0.5 full-time equivalent
    assert count(warehouse, "E1.iros_by_caseload", breakdown=("caseload", "Below 50")) == 2
    # 9002 (half time) is an agency IRO: 1 of the 2 in post, 0.5 of the 1.5 full-time equivalent
    assert kpi(warehouse, "E1.agency_iros_in_post")[:2] == (1, 2)
    assert kpi(warehouse, "E1.agency_full_time_equivalent")[:2] == (0.5, 1.5)
    # looked after all year: 101, 105, 108, 112; 105's IRO changed on 1 September
    assert kpi(warehouse, "E2.same_iro_all_period")[:2] == (3, 4)
    assert count(warehouse, "E2.iro_changes") == 1
    # periods begun: 102 (IRO after 4 working days: 26-29 Aug, the 25th a bank holiday), 103 (6: late),
    # 104 (same day), 107 (5, with the 5 May bank holiday), 109 (5)
    assert kpi(warehouse, "E3.iro_allocated_in_time")[:2] == (4, 5)
    assert count(warehouse, "E4.disputes_raised") == 5
    assert count(warehouse, "E4.disputes_raised", breakdown=("level", "Formal")) == 2
    assert count(warehouse, "E4.disputes_raised", breakdown=("level", "Informal"),
                 breakdown_2=("case_type", "Child protection")) == 1
    # stage reached by case type: informal only 6001 and 6005 (looked after), 6003 (child protection);
    # formal stage 1 6004 and formal stage 2 6002 (both looked after)
    for stage, case_type, disputes in (("Informal only", "Looked after", 2), ("Informal only", "Child protection", 1),
                                       ("Formal stage 1", "Looked after", 1), ("Formal stage 2", "Looked after", 1),
                                       ("Formal stage 1", "Child protection", 0)):
        assert count(warehouse, "E4.disputes_raised", breakdown=("stage_reached", stage),
                     breakdown_2=("case_type", case_type)) == disputes, (stage, case_type)
    # withdrawn (6005) left out; 6002 took 30 working days; 6004 is still open past its 20 days
    assert kpi(warehouse, "E4.resolved_within_20_working_days")[:2] == (2, 4)
    assert count(warehouse, "E4.open_at_period_end") == 1


def test_f_health_of_children_in_care_for_a_year(warehouse):
    # the OC2 cohort at 31 March 2026: 101, 105, 108, 112
    assert kpi(warehouse, "F1.health_assessment")[:2] == (4, 4)
    assert kpi(warehouse, "F2.dental_check")[:2] == (3, 4)
    assert kpi(warehouse, "F3.immunisations")[:2] == (3, 4)
    numerator, denominator, value = kpi(warehouse, "F4.development_checks")
    assert (numerator, denominator, value) == (0, 0, None)  # nobody under 5: no figure, not 0%
    assert kpi(warehouse, "F5.sdq_completed")[:2] == (2, 3)  # 101, 108, 112 are 4-16; 108 has no score
    assert kpi(warehouse, "F5.sdq_average_score")[2] == pytest.approx(12.5)
    assert kpi(warehouse, "F6.substance_misuse")[:2] == (0, 4)
    assert kpi(warehouse, "F7.convicted_or_cautioned")[:2] == (0, 2)  # 101 and 105 are 10 or over
    row = warehouse.execute("select is_available, unavailable_reason, numerator, value from marts.fct_kpi_values "
                            "where period_id = ? and measure_id = 'F8.pep_up_to_date'", [YEAR]).fetchall()
    assert row == [(False, "Not available: the extract does not include oc2_supplement", None, None)]


def test_g_child_protection(warehouse):
    # on a plan at 31 March: 110 (second plan), 111 (unborn), 115 (transfer-in); 116's plan is another LA's
    assert count(warehouse, "G1.children_on_plans") == 3
    assert count(warehouse, "G2.by_category_and_age", breakdown=("category", "Physical abuse"),
                 breakdown_2=("age_band", "Unborn")) == 1
    assert count(warehouse, "G2.by_category_and_age", breakdown=("category", "Emotional abuse"),
                 breakdown_2=("age_band", "5 to 9")) == 1
    assert count(warehouse, "G2.by_sex", breakdown=("sex", "Unknown")) == 1
    assert count(warehouse, "G3.plans_started") == 4  # 110, 111, 115, 118
    assert count(warehouse, "G3.plans_ended") == 2  # 117, 118
    assert count(warehouse, "G4.initial_conferences", breakdown=("conference_type", "Initial conference")) == 4
    assert count(warehouse, "G4.initial_conferences", breakdown=("conference_type", "Transfer-in conference")) == 1
    # 110: 13 working days; 111: 21 (late); 114 and 118 well within 15
    assert kpi(warehouse, "G4.initial_conferences_in_time")[:2] == (3, 4)
    assert kpi(warehouse, "G4.initial_conferences_without_plan")[:2] == (1, 4)  # 114
    # 110: first due 30 Aug (held 28 Aug), second due 28 Feb (held 5 Mar: late); 115 on time; 118 late
    assert kpi(warehouse, "G5.review_conferences_on_time")[:2] == (2, 4)
    # no meeting ids in this extract: each conference is a meeting of its own; 4 initial, 1 transfer-in and
    # 4 reviews (8201-8204) in the year make 9 meetings
    assert count(warehouse, "G5.conference_meetings", breakdown=("conference_type", "Review conference")) == 4
    assert count(warehouse, "G5.conference_meetings") == 9
    # started: 110's is a repeat within 2 years of the plan that ended Nov 2023; 118's a repeat after 5 years
    assert kpi(warehouse, "G6.second_or_subsequent_plans")[:2] == (2, 4)
    assert kpi(warehouse, "G6.second_plans_within_two_years")[:2] == (1, 4)
    assert kpi(warehouse, "G7.ended_plans_lasting_two_years")[:2] == (1, 2)  # 117's lasted 2.5 years
    assert count(warehouse, "G7.open_plans_by_length", breakdown=("plan_length", "Under 6 months")) == 2
    assert count(warehouse, "G7.open_plans_by_length", breakdown=("plan_length", "6 to 12 months")) == 1


def test_the_report_says_not_available_never_0(warehouse, tmp_path):
    from dagster_project.lib.report import file_stem, write_report

    files = write_report(warehouse, YEAR, tmp_path)
    # the extract has no oc2_supplement (F8) and no ssd_disability (children on a plan with a disability)
    assert files.measures_not_available == 2
    html = (tmp_path / f"{file_stem(YEAR, True)}.html").read_text()
    # a council's own extract (its manifest does not say synthetic): no label in any name or on the page
    assert not [path.name for path in files.files if "synthetic" in path.name] and len(files.files) == 6
    assert "synthetic" not in html
    assert "Personal education plan up to date (school age)" in html
    assert "Not available: the extract does not include oc2_supplement" in html
    row = html[html.index("Personal education plan up to date (school age)</th>"):]
    row = row[:row.index("</tr>")]
    assert row.count("not available") == 5 and "0.0%" not in row
    assert "Not available: the extract does not include ssd_disability" in html
    row = html[html.index("Children on a plan with a disability recorded</th>"):]
    row = row[:row.index("</tr>")]
    assert row.count("not available") == 5 and "0.0%" not in row


def test_every_dbt_unit_test_passes(warehouse, tmp_path):
    """The dbt unit tests (hand-made rows in, the rows a person expects out, one per rule or derivation)
    do not run in the nightly build: they run here, once, on a copy of this module's warehouse (a unit
    test reads its models' columns from the warehouse, never their rows)."""
    import os
    import shutil
    import subprocess

    from dagster_project.defs.transformation.project import dbt_executable
    from dagster_project.lib.paths import DBT_PROJECT_DIR

    published = warehouse.execute("select path from duckdb_databases() where database_name = current_database()")\
        .fetchone()[0]
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(published, copy)
    result = subprocess.run(
        [dbt_executable(), "test", "--select", "test_type:unit", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "target")],
        check=False, env={**os.environ, "CLA_WAREHOUSE_PATH": str(copy)}, capture_output=True, text=True)
    summary = [line for line in result.stdout.splitlines() if "PASS=" in line or "FAIL" in line or "ERROR" in line]
    assert result.returncode == 0, "\n".join(summary[-30:]) or result.stdout[-3000:]
    passed = int(next(line for line in summary if "PASS=" in line).split("PASS=")[1].split()[0])
    import json

    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    assert passed == len(manifest["unit_tests"]), summary  # every unit test ran, not an empty selection
