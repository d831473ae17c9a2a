"""DfE code facts the simulation must respect, with the validator rule that states each one.

Placement types come and go: P2 ended with the supported-accommodation reform on 28 October 2023
(rule 217t), H5 ran to the end of 2023/24 and K3 (registered supported accommodation) replaced both from
2024/25; Z1 ("other") was split into Z11-Z14 from 2025/26 (rule 146 per-year lists). An episode that is
open at any time in a collection year carries a code valid in that year, so children in P2/H5 move on
those dates (same carer, rule 435 sees a change of PLACE) and nobody is in Z1 after 31 March 2025.
"""

from __future__ import annotations

from datetime import date

# Legal statuses that make a child looked after, highest priority first: the 903 status on a day when
# two orders overlap (a care order stays in force under a placement order).
LEGAL_STATUS_PRIORITY = ("E1", "D1", "C2", "C1", "J1", "J2", "J3", "L2", "L3", "L1", "V2", "V4", "V3")
SHORT_BREAK_STATUSES = ("V3", "V4")

FOSTER = ("U1", "U2", "U3", "U4", "U5", "U6")
KINSHIP = ("U1", "U2", "U3")
ADOPTIVE = ("A3", "A4", "A5", "A6")
TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
OTHER_2025 = ("Z11", "Z12", "Z13", "Z14")

# Validity windows (first day a new placement may start, last day an episode of that type may end).
# From 28/10/2023 supported accommodation for 16-17 year olds must be registered with Ofsted: H5
# placements carry the setting's URN from then (rule 230), independent living (P2) ends (rule 217t).
SUPPORTED_REGISTRATION = date(2023, 10, 28)
P2_LAST_END = SUPPORTED_REGISTRATION
H5_LAST_END = date(2024, 4, 1)  # H5 to the end of 2023/24: the move to K3 happens on 1 April 2024
K3_FIRST_START = date(2024, 4, 1)  # K3 is in the 903 code list from 2024/25
Z1_LAST_END = date(2025, 3, 31)  # Z1 is not a 2025/26 code: its episodes end by 31 March 2025
Z1X_FIRST_START = date(2025, 4, 1)  # Z11-Z14 from 2025/26

# Reasons for a change of placement (REASON_PLACE_CHANGE); PLACE means same carer, status change only.
MOVE_REASONS = (
    ("CARPL", 32),
    ("CREQB", 14),
    ("CREQO", 10),
    ("CHILD", 8),
    ("LAREQ", 7),
    ("STAND", 4),
    ("ALLEG", 3),
    ("CLOSE", 5),
    ("APPRR", 2),
    ("OTHER", 3),
)
SAME_CARER_REASON = "PLACE"
CUSTODY_REASON = "CUSTOD"


def latest_end(place: str) -> date | None:
    """The last date an episode of this placement type may cease, if the type was retired."""
    return {"P2": P2_LAST_END, "H5": H5_LAST_END, "Z1": Z1_LAST_END}.get(place)


def may_start(place: str, on: date) -> bool:
    """Whether a new placement of this type may begin on a date (code lists by collection year)."""
    if place == "K3":
        return on >= K3_FIRST_START
    if place in OTHER_2025:
        return on >= Z1X_FIRST_START
    end = latest_end(place)
    # leave a month before retirement so that nobody starts a placement that must end at once
    return end is None or on.toordinal() < end.toordinal() - 30
