"""Local texts of the kind councils' systems write, each with the code a person would choose for it.

None of them is in the shipped seeds verbatim: they are the spellings a council's own picklists drift
into (abbreviations, section numbers in brackets, different word order, plurals), so the worksheet has
to recognise them rather than look them up.
"""

LOCAL_TEXTS = [
    # (domain, local text, the code a person would choose)
    ("health_check_type", "Health Assessment - Initial", "HEALTH_ASSESSMENT"),
    ("health_check_type", "LAC Review Health Assessment", "HEALTH_ASSESSMENT"),
    ("health_check_type", "IHA", "HEALTH_ASSESSMENT"),
    ("health_check_type", "Annual Health Check", "HEALTH_ASSESSMENT"),
    ("health_check_type", "Dental check-up", "DENTAL_CHECK"),
    ("health_check_type", "Dentist", "DENTAL_CHECK"),
    ("health_check_type", "Developmental check (under 5)", "DEVELOPMENT_CHECK"),
    ("legal_status", "S.20 Accommodated", "V2"),
    ("legal_status", "ICO - Section 38", "C1"),
    ("legal_status", "Care Order - S31", "C2"),
    ("legal_status", "Full Care Order", "C2"),
    ("legal_status", "Placement Order - Section 21", "E1"),
    ("legal_status", "Emergency Protection Order", "L2"),
    ("legal_status", "Police Protection Powers (S.46)", "L1"),
    ("legal_status", "Remanded to Youth Detention", "J1"),
    ("legal_status", "Special Guardianship", "SGO"),
    ("reason_episode_ceased", "Return home to parent(s) - planned", "E4A"),
    ("reason_episode_ceased", "Adoption - unopposed", "E11"),
    ("reason_episode_ceased", "Child died", "E2"),
    ("reason_episode_ceased", "Transferred to another local authority", "E3"),
    ("reason_episode_ceased", "Staying put at 18", "E17"),
    ("reason_episode_ceased", "Custodial sentence given", "E9"),
    ("reason_episode_ceased", "Moved to independent living with support", "E5"),
    ("reason_episode_ceased", "Special Guardianship Order - relative foster carer", "E45"),
    ("reason_episode_ceased", "Child moved abroad", "E16"),
    ("participation", "Under 4 years old", "PN0"),
    ("participation", "Attended & spoke for self", "PN1"),
    ("participation", "Attended, advocate spoke on their behalf", "PN2"),
    ("participation", "Did not attend - views conveyed via advocate", "PN5"),
    ("participation", "Did not attend, no views conveyed", "PN7"),
    ("participation", "Attended, did not contribute", "PN4"),
    ("involvement_role", "Independent Reviewing Officer - LAC", "IRO"),
    ("involvement_role", "Reviewing Officer - CLA", "IRO"),
    ("involvement_role", "Allocated SW", "SOCIAL_WORKER"),
    ("involvement_role", "Social Worker (allocated)", "SOCIAL_WORKER"),
    ("involvement_role", "Personal Advisor (Leaving Care)", "PERSONAL_ADVISER"),
    ("involvement_role", "Child Protection Conference Chair", "CP_CHAIR"),
    ("cp_category", "Neglect (N)", "NEG"),
    ("cp_category", "Physical harm / abuse", "PHY"),
    ("cp_category", "Emotional", "EMO"),
    ("cp_category", "Sexual abuse - intrafamilial", "SAB"),
    ("cp_category", "Multiple categories (more than one)", "MUL"),
    ("reason_new_episode", "New period of care - started to be looked after", "S"),
    ("reason_new_episode", "Change of legal status", "L"),
]
