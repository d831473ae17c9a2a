"""Return-file plantings: the DoLo file (deprivation of liberty orders, new in 2026-27; rules 700-710).

The extract contract has no DoLO table yet, so the warehouse writes no DoLo file and its DoLO rules have
nothing to read in a night. Here a DoLo file is added to the year's return files, as a council would send
it, with one order wrong per kind. An order that overlaps a placement other than a children's home (K2)
raises 709 as well, so the kinds for the other rules use children in a children's home, or orders that
overlap no placement. The validator crashes on 706 without last year's DoLo file and always on 709 and
710 (known defects, tests/validator/test_known_defects.py): last year's files get a DoLo file too.
"""

from __future__ import annotations

import pandas as pd

from tests.tooling.return_plantings import Planter, dmy
from tests.tooling.written_return import DOLO, DOLO_COLUMNS


def _add(p: Planter, child: str, start: str, end: str, last: bool = False) -> None:
    year = p.last if last else p.this
    header = p.rows("Header", child, last).iloc[0]
    row = pd.DataFrame([{"CHILD": child, "DOB": header["DOB"], "DOLO_START": start, "DOLO_END": end}])
    frame = year.frames.get(DOLO, pd.DataFrame(columns=DOLO_COLUMNS))
    year.frames[DOLO] = pd.concat([frame, row], ignore_index=True) if len(frame) else row
    year.changed.add(DOLO)
    other = p.this if last else p.last
    other.frames.setdefault(DOLO, pd.DataFrame(columns=DOLO_COLUMNS))  # the validator wants last year's too


def _looked_after_all_year(p: Planter, places: tuple[str, ...] | None = None) -> list[str]:
    """Children whose only episode of the year is open and begun before it (in one of the places)."""
    out = []
    for child in p.children("Episodes"):
        episodes = p.episodes(child)
        if len(episodes) == 1 and not episodes.iloc[0]["DEC"] and dmy(episodes.iloc[0]["DECOM"]) < p.year_start \
                and (places is None or episodes.iloc[0]["PLACE"] in places) and len(p.rows("Header", child)) == 1:
            out.append(child)
    return out


def _in_a_childrens_home(p: Planter) -> list[str]:
    return _looked_after_all_year(p, ("K2",))


def _kind(rule: str, start: str, end: str, doc: str, overlaps: bool = True):
    """An order overlapping no placement (no valid start or end, or an end left blank) needs no children's
    home to keep 709 out."""

    def kind(p: Planter):
        child = p.take(_in_a_childrens_home(p) if overlaps else _looked_after_all_year(p))
        if child is None:
            return None
        _add(p, child, start.format(y=p.year_start.year, z=p.year_end.year),
             end.format(y=p.year_start.year, z=p.year_end.year))
        return p.planted(kind, child, rule)

    kind.__name__ = f"dolo_{rule}"
    where = "in a children's home" if overlaps else "anywhere"
    kind.__doc__ = f"A child looked after all year ({where}) with {doc}: {rule}."
    return kind


def dolo_overlapping_two_orders(p: Planter):
    """Two orders, the second starting before the first ended: 705."""
    child = p.take(_in_a_childrens_home(p))
    if child is None:
        return None
    y = p.year_start.year
    _add(p, child, f"01/05/{y}", f"01/08/{y}")
    _add(p, child, f"01/07/{y}", f"01/09/{y}")
    return p.planted(dolo_overlapping_two_orders, child, "705")


def dolo_open_last_year_missing_this_year(p: Planter):
    """An order open at last year's 31 March (last year's DoLo file) with no order this year: 706."""
    child = p.take(c for c in _looked_after_all_year(p) if len(p.rows("Header", c, last=True)) == 1)
    if child is None:
        return None
    _add(p, child, f"01/01/{p.year_start.year}", "", last=True)
    return p.planted(dolo_open_last_year_missing_this_year, child, "706")


def dolo_open_after_care_ended(p: Planter):
    """An order with no end for a child whose care ended this year (E-code, not a move): 707."""
    for child in p.children("Episodes"):
        episodes = p.episodes(child)
        last = episodes.iloc[-1]
        if len(episodes) == 1 and last["PLACE"] == "K2" and last["REC"] and last["REC"] != "X1" \
                and dmy(last["DECOM"]) < p.year_start and len(p.rows("Header", child)) == 1:
            p.take([child])
            _add(p, child, f"01/04/{p.year_start.year}", "")
            return p.planted(dolo_open_after_care_ended, child, "707")
    return None


def dolo_in_foster_care(p: Planter):
    """An order while the child is in foster care (U4): 709 (the DoLO placement types are K2, Z12, Z13)."""
    return _placed(p, ("U4",), dolo_in_foster_care, "709")


def dolo_in_supported_accommodation(p: Planter):
    """An order while the child is in supported accommodation (K3), a placement a DoLO excludes: 710, and
    709 (not K2, Z12 or Z13)."""
    return _placed(p, ("K3", "P1", "K1", "R5"), dolo_in_supported_accommodation, "709", "710")


def _placed(p: Planter, places: tuple[str, ...], kind, *rules: str):
    for child in p.children("Episodes"):
        episodes = p.episodes(child)
        if len(episodes) == 1 and episodes.iloc[0]["PLACE"] in places and not episodes.iloc[0]["DEC"] \
                and len(p.rows("Header", child)) == 1:
            p.take([child])
            y = p.year_start.year
            _add(p, child, f"01/05/{y}", f"01/08/{y}")
            return p.planted(kind, child, *rules)
    return None


KINDS = [
    _kind("700", "", "01/08/{y}", "an order without a start date", overlaps=False),
    _kind("701", "01/05/{y}", "31/13/{y}", "an order ending on a date that is not a date", overlaps=False),
    _kind("702", "01/09/{y}", "01/07/{y}", "an order ending before it starts"),
    _kind("703", "01/04/{z}", "", "an order starting after 31 March", overlaps=False),
    _kind("704", "01/06/{y}", "01/05/{z}", "an order ending after 31 March"),
    dolo_overlapping_two_orders,
    dolo_open_last_year_missing_this_year,
    dolo_open_after_care_ended,
    # with an end: an open order begun before the period of care is also 707 to the validator, which reads
    # 707 as "an order outside the period of care" (the logic of 577)
    _kind("708", "01/01/2000", "01/05/{y}", "an order starting before the child was born"),
    dolo_in_foster_care,
    dolo_in_supported_accommodation,
]
