"""Tiny hand-made SSDA903 datasets for the validator tests.

``clean_dataset(end_year)`` returns a small council's return for the collection year ending 31 March
``end_year`` (2026 = 2025/26) together with last year's return, every date expressed relative to
``end_year`` so the same children can be validated under the 2024/25, 2025/26 and 2026/27 rulesets.
The data follow the DfE guidance (see /work/shared/domain/ssda903.md); the validator raises nothing on
them except the known defects (seeds/ssda903/validator_known_defects.csv).

Local authority: Derby (E06000015); home and placement postcodes are real Derby (DE1/DE21-DE24)
postcodes, DE56 1AA is in Derbyshire (out of area).

The children:

- C1001 girl, 13: long-term foster child (care order, C2) since 3 Sep three years ago; moved from U6 to U4
  (new carers) on 15 June (REASON_PLACE_CHANGE CARPL on the ceasing episode); OC2 (looked after
  12 months+), one missing episode, social worker since 12 May three years ago.
- C1002 boy, 6: started to be looked after on 10 October under section 20 (V2) with a relative (U3), then an
  interim care order (C1) on 20 November (RNE L, same placement); previous permanence Z1.
- C1003 girl, 2: placement order (E1), placed for adoption (A6) on 5 January last year, adopted (E11) on
  10 September; AD1 and PlacedAdoption rows; review code PN0 (under 4); social worker episode ended on
  the adoption date.
- C1004 boy, 16-17, unaccompanied asylum-seeking child (UASC file): started 10 June under section 20 in
  registered supported accommodation (K3, private provider PR4), no home postcode (so no distance, rule 406),
  UPN UN2, previous permanence Z1.
- C1005 boy, 14: started 1 July on an interim care order (C1) in a private children's home (K2) out of area.
- C1006 young woman, 19: care leaver; her last episode (foster care since six years ago) ended on her 18th
  birthday last year with E17 (staying put), so she is in last year's Episodes and this year's Header and
  OC3 only (in touch, full-time education, with former foster carers Z1).
"""

from __future__ import annotations

import copy
from pathlib import Path

COLUMNS = {
    "header.csv": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes.csv": [
        "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
        "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
    ],
    "reviews.csv": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "uasc.csv": ["CHILD", "SEX", "DOB", "DUC"],
    "oc2.csv": [
        "CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
        "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED",
    ],
    "oc3.csv": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "ad1.csv": [
        "CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR",
    ],
    "placed_for_adoption.csv": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    "previous_permanence.csv": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "missing.csv": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "sw_episodes.csv": ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
    "dolo.csv": ["CHILD", "DOB", "DOLO_START", "DOLO_END"],
}

LA_CODE = "E06000015"  # Derby
HOME = "DE1 2FS"  # Derby
IN_AREA_1 = "DE21 4AA"
IN_AREA_2 = "DE22 1AA"
IN_AREA_3 = "DE23 6AA"
OUT_OF_AREA = "DE56 1AA"  # Belper, Amber Valley -> Derbyshire (E10000007)


def collection_year(end_year: int) -> str:
    return f"{end_year - 1}-{str(end_year)[2:]}"


def clean_dataset(end_year: int = 2026) -> dict[str, dict[str, list[dict]]]:
    """{"this_year": {file name: rows}, "prev_year": {file name: rows}}; each row a dict column -> value
    ("" = blank). ``end_year`` is the year of the 31 March that ends the collection."""
    E = end_year

    def d(day: int, month: int, years_before_end: int) -> str:
        return f"{day:02d}/{month:02d}/{E - years_before_end}"

    dob = {
        "C1001": d(14, 6, 14),
        "C1002": d(3, 2, 6),
        "C1003": d(11, 1, 3),
        "C1004": d(15, 5, 18),
        "C1005": d(20, 9, 15),
        "C1006": d(10, 10, 20),
    }

    def ep(child, decom, rne, ls, cin, place, provider, dec="", rec="", rpc="", home=HOME, pl="", urn=""):
        return {
            "CHILD": child, "DECOM": decom, "RNE": rne, "LS": ls, "CIN": cin, "PLACE": place,
            "PLACE_PROVIDER": provider, "DEC": dec, "REC": rec, "REASON_PLACE_CHANGE": rpc,
            "HOME_POST": home, "PL_POST": pl, "URN": urn,
        }

    this_year = {
        "header.csv": [
            {"CHILD": "C1001", "SEX": "F", "DOB": dob["C1001"], "ETHNIC": "WBRI", "UPN": "A123456789012",
             "MOTHER": "0", "MC_DOB": ""},
            {"CHILD": "C1002", "SEX": "M", "DOB": dob["C1002"], "ETHNIC": "MWBC", "UPN": "B210987654321",
             "MOTHER": "", "MC_DOB": ""},
            {"CHILD": "C1003", "SEX": "F", "DOB": dob["C1003"], "ETHNIC": "WOTH", "UPN": "UN1",
             "MOTHER": "0", "MC_DOB": ""},
            {"CHILD": "C1004", "SEX": "M", "DOB": dob["C1004"], "ETHNIC": "OOTH", "UPN": "UN2",
             "MOTHER": "", "MC_DOB": ""},
            {"CHILD": "C1005", "SEX": "M", "DOB": dob["C1005"], "ETHNIC": "BCRB", "UPN": "C345678901234",
             "MOTHER": "", "MC_DOB": ""},
            {"CHILD": "C1006", "SEX": "F", "DOB": dob["C1006"], "ETHNIC": "WBRI", "UPN": "D456789012345",
             "MOTHER": "", "MC_DOB": ""},
        ],
        "episodes.csv": [
            ep("C1001", d(3, 9, 3), "S", "C2", "N1", "U6", "PR1", d(15, 6, 1), "X1", "CARPL",
               pl=IN_AREA_1, urn="SC063460"),
            ep("C1001", d(15, 6, 1), "P", "C2", "N1", "U4", "PR1", pl=IN_AREA_2, urn="SC063460"),
            ep("C1002", d(10, 10, 1), "S", "V2", "N4", "U3", "PR1", d(20, 11, 1), "X1",
               pl=IN_AREA_3, urn="SC063460"),
            ep("C1002", d(20, 11, 1), "L", "C1", "N4", "U3", "PR1", pl=IN_AREA_3, urn="SC063460"),
            ep("C1003", d(5, 1, 1), "P", "E1", "N1", "A6", "PR1", d(10, 9, 1), "E11",
               pl=OUT_OF_AREA, urn="SC063460"),
            ep("C1004", d(10, 6, 1), "S", "V2", "N8", "K3", "PR4", home="", pl=IN_AREA_2, urn="2789456"),
            ep("C1005", d(1, 7, 1), "S", "C1", "N5", "K2", "PR4", pl=OUT_OF_AREA, urn="SC123456"),
        ],
        "reviews.csv": [
            {"CHILD": "C1001", "DOB": dob["C1001"], "REVIEW": d(20, 5, 1), "REVIEW_CODE": "PN1"},
            {"CHILD": "C1001", "DOB": dob["C1001"], "REVIEW": d(10, 11, 1), "REVIEW_CODE": "PN1"},
            {"CHILD": "C1002", "DOB": dob["C1002"], "REVIEW": d(5, 11, 1), "REVIEW_CODE": "PN3"},
            {"CHILD": "C1002", "DOB": dob["C1002"], "REVIEW": d(3, 2, 0), "REVIEW_CODE": "PN3"},
            {"CHILD": "C1003", "DOB": dob["C1003"], "REVIEW": d(15, 7, 1), "REVIEW_CODE": "PN0"},
            {"CHILD": "C1004", "DOB": dob["C1004"], "REVIEW": d(4, 7, 1), "REVIEW_CODE": "PN1"},
            {"CHILD": "C1004", "DOB": dob["C1004"], "REVIEW": d(2, 10, 1), "REVIEW_CODE": "PN1"},
            {"CHILD": "C1005", "DOB": dob["C1005"], "REVIEW": d(25, 7, 1), "REVIEW_CODE": "PN2"},
            {"CHILD": "C1005", "DOB": dob["C1005"], "REVIEW": d(20, 10, 1), "REVIEW_CODE": "PN6"},
        ],
        "uasc.csv": [{"CHILD": "C1004", "SEX": "M", "DOB": dob["C1004"], "DUC": ""}],
        "oc2.csv": [
            {"CHILD": "C1001", "DOB": dob["C1001"], "SDQ_SCORE": "14", "SDQ_REASON": "", "CONVICTED": "0",
             "HEALTH_CHECK": "", "IMMUNISATIONS": "1", "TEETH_CHECK": "1", "HEALTH_ASSESSMENT": "1",
             "SUBSTANCE_MISUSE": "0", "INTERVENTION_RECEIVED": "", "INTERVENTION_OFFERED": ""},
        ],
        "oc3.csv": [
            {"CHILD": "C1006", "DOB": dob["C1006"], "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "Z1"},
        ],
        "ad1.csv": [
            {"CHILD": "C1003", "DOB": dob["C1003"], "DATE_INT": d(10, 8, 3), "DATE_MATCH": d(1, 12, 2),
             "FOSTER_CARE": "0", "NB_ADOPTR": "2", "SEX_ADOPTR": "MF", "LS_ADOPTR": "L11"},
        ],
        "placed_for_adoption.csv": [
            {"CHILD": "C1003", "DOB": dob["C1003"], "DATE_PLACED": d(10, 8, 3), "DATE_PLACED_CEASED": "",
             "REASON_PLACED_CEASED": ""},
        ],
        "previous_permanence.csv": [
            {"CHILD": "C1002", "DOB": dob["C1002"], "PREV_PERM": "Z1", "LA_PERM": "", "DATE_PERM": ""},
            {"CHILD": "C1004", "DOB": dob["C1004"], "PREV_PERM": "Z1", "LA_PERM": "", "DATE_PERM": ""},
            {"CHILD": "C1005", "DOB": dob["C1005"], "PREV_PERM": "Z1", "LA_PERM": "", "DATE_PERM": ""},
        ],
        "missing.csv": [
            {"CHILD": "C1001", "DOB": dob["C1001"], "MISSING": "M", "MIS_START": d(2, 8, 1),
             "MIS_END": d(3, 8, 1)},
        ],
        "sw_episodes.csv": [
            {"CHILD": "C1001", "DOB": dob["C1001"], "SW_ID": "SW0001", "SW_DECOM": d(12, 5, 3), "SW_DEC": "",
             "SW_REASON": "FCONTA"},
            {"CHILD": "C1002", "DOB": dob["C1002"], "SW_ID": "SW0002", "SW_DECOM": d(10, 10, 1), "SW_DEC": "",
             "SW_REASON": "FCONTA"},
            {"CHILD": "C1003", "DOB": dob["C1003"], "SW_ID": "SW0003", "SW_DECOM": d(1, 3, 3),
             "SW_DEC": d(10, 9, 1), "SW_REASON": "FCONTA"},
            {"CHILD": "C1004", "DOB": dob["C1004"], "SW_ID": "SW0004", "SW_DECOM": d(10, 6, 1), "SW_DEC": "",
             "SW_REASON": "FCONTA"},
            {"CHILD": "C1005", "DOB": dob["C1005"], "SW_ID": "SW0005", "SW_DECOM": d(1, 7, 1), "SW_DEC": "",
             "SW_REASON": "FCONTA"},
        ],
    }

    prev_year = {
        "header.csv": [dict(r) for r in this_year["header.csv"] if r["CHILD"] in ("C1001", "C1003", "C1006")],
        "episodes.csv": [
            ep("C1001", d(3, 9, 3), "S", "C2", "N1", "U6", "PR1", pl=IN_AREA_1, urn="SC063460"),
            ep("C1003", d(20, 11, 3), "L", "E1", "N1", "U6", "PR1", d(5, 1, 1), "X1", "CARPL",
               pl=IN_AREA_1, urn="SC063460"),
            ep("C1003", d(5, 1, 1), "P", "E1", "N1", "A6", "PR1", pl=OUT_OF_AREA, urn="SC063460"),
            ep("C1006", d(1, 3, 6), "S", "C2", "N1", "U4", "PR1", d(10, 10, 2), "E17", pl=IN_AREA_3,
               urn="SC063460"),
        ],
        "placed_for_adoption.csv": [dict(r) for r in this_year["placed_for_adoption.csv"]],
        "sw_episodes.csv": [
            {"CHILD": "C1001", "DOB": dob["C1001"], "SW_ID": "SW0001", "SW_DECOM": d(12, 5, 3), "SW_DEC": "",
             "SW_REASON": "FCONTA"},
            {"CHILD": "C1003", "DOB": dob["C1003"], "SW_ID": "SW0003", "SW_DECOM": d(1, 3, 3), "SW_DEC": "",
             "SW_REASON": "FCONTA"},
        ],
    }
    return {"this_year": this_year, "prev_year": prev_year}


def write_dataset(dataset: dict[str, dict[str, list[dict]]], root: Path) -> dict[str, Path]:
    """Write each part as CSV files (columns in the validator's order) under root/<part>/."""
    paths = {}
    for part, files in dataset.items():
        folder = Path(root) / part
        folder.mkdir(parents=True, exist_ok=True)
        for name, rows in files.items():
            columns = COLUMNS[name]
            lines = [",".join(columns)]
            for row in rows:
                unknown = set(row) - set(columns)
                assert not unknown, f"{name}: unknown columns {unknown}"
                lines.append(",".join(_csv_cell(row.get(c, "")) for c in columns))
            (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths[part] = folder
    return paths


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return f'"{text}"' if ("," in text or '"' in text) else text


def modified(dataset: dict, part: str, file: str, child: str, row: int = 0, **changes) -> dict:
    """A deep copy of dataset where the row-th row of `child` in part/file has `changes` applied."""
    out = copy.deepcopy(dataset)
    rows = [r for r in out[part][file] if r["CHILD"] == child]
    rows[row].update(changes)
    return out


# ------------------------------------------------------------------------------------------------------
# Extra children for the known-defect proofs (added to a copy of the clean dataset)
# ------------------------------------------------------------------------------------------------------


def with_rows(dataset: dict, part: str, file: str, rows: list[dict], at: int | None = None) -> dict:
    """A deep copy of dataset with ``rows`` added to part/file (the file is created when absent): appended,
    or inserted before the ``at``-th row (the validator's row label of a row is its position in the file)."""
    out = copy.deepcopy(dataset)
    table = out.setdefault(part, {}).setdefault(file, [])
    position = len(table) if at is None else at
    table[position:position] = copy.deepcopy(rows)
    return out


def with_child(dataset: dict, child_rows: dict) -> dict:
    """A deep copy of dataset with another child's rows ({"this_year"/"prev_year": {file: rows}}) appended;
    any other key of ``child_rows`` (e.g. "history") is ignored."""
    out = copy.deepcopy(dataset)
    for part in ("this_year", "prev_year"):
        for file, rows in child_rows.get(part, {}).items():
            out = with_rows(out, part, file, rows)
    return out


def short_break_child(end_year: int = 2026, child: str = "C1007", urn: str = "", pl_post: str = "") -> dict:
    """A disabled boy, 11, whose only care in the year is one short break (LS V3, RNE S, CIN N2) of three
    nights from 8 August in the council's own children's home (K2, PR1), ended E13. Short breaks carry no
    location (rule 214: PL_POST and URN blank; no HOME_POST either), unless ``urn`` / ``pl_post`` are given.
    Previous permanence Z1 (rule 630); social worker since 1 February before the collection year; no
    MOTHER and no reviews (rule 399: short breaks only). {"this_year": {file: rows}}."""
    E = end_year
    dob = f"05/05/{E - 12}"
    return {"this_year": {
        "header.csv": [{"CHILD": child, "SEX": "M", "DOB": dob, "ETHNIC": "WBRI", "UPN": "E567890123456",
                        "MOTHER": "", "MC_DOB": ""}],
        "episodes.csv": [{
            "CHILD": child, "DECOM": f"08/08/{E - 1}", "RNE": "S", "LS": "V3", "CIN": "N2", "PLACE": "K2",
            "PLACE_PROVIDER": "PR1", "DEC": f"11/08/{E - 1}", "REC": "E13", "REASON_PLACE_CHANGE": "",
            "HOME_POST": "", "PL_POST": pl_post, "URN": urn}],
        "previous_permanence.csv": [{"CHILD": child, "DOB": dob, "PREV_PERM": "Z1", "LA_PERM": "",
                                     "DATE_PERM": ""}],
        "sw_episodes.csv": [{"CHILD": child, "DOB": dob, "SW_ID": "SW0007", "SW_DECOM": f"01/02/{E - 1}",
                             "SW_DEC": "", "SW_REASON": "FCONTA"}],
    }}


def care_leaver(child: str, dob: str, decom: str, dec: str, rec: str = "E17", upn: str = "F678901234567") -> dict:
    """A young woman who is a care leaver (in touch, full-time education other than higher, in supported
    lodgings): in this year's Header and OC3 and last year's Header (she had an OC3 row last year too).
    Her last period of care - one long-term foster placement (U4, care order C2) from ``decom`` to ``dec``,
    ended ``rec`` - is returned under "history" (it belongs to the return of the year it ended in); add it
    to a part yourself when it falls in that part's year."""
    header = {"CHILD": child, "SEX": "F", "DOB": dob, "ETHNIC": "WBRI", "UPN": upn, "MOTHER": "", "MC_DOB": ""}
    return {
        "this_year": {
            "header.csv": [dict(header)],
            "oc3.csv": [{"CHILD": child, "DOB": dob, "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "E1"}],
        },
        "prev_year": {"header.csv": [dict(header)]},
        "history": {"episodes.csv": [{
            "CHILD": child, "DECOM": decom, "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U4",
            "PLACE_PROVIDER": "PR1", "DEC": dec, "REC": rec, "REASON_PLACE_CHANGE": "", "HOME_POST": HOME,
            "PL_POST": IN_AREA_3, "URN": "SC063460"}]},
    }
