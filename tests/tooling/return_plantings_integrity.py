"""Return-file plantings: files that disagree with each other about a child (the DfE's internal checks).

The warehouse writes every file from the same child records, so no extract breaks these; a return put
together from several systems' exports, or edited by hand, does. A child in a file but not in Header
(INT01-INT09), a date of birth (INT11-INT18) or UASC sex (INT21) that differs from Header, a child twice
in a one-row-per-child file (INT31-INT36), a Header child with neither episodes nor care leaver
information (EPI).
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from tests.tooling.return_plantings import Planter, as_dmy, dmy

# (file, rule when its child is not in Header, rule when its DOB differs from Header's)
CHILD_FILES = [
    ("AD1", "INT01", "INT11"),
    ("PlacedAdoption", "INT02", "INT12"),
    ("Episodes", "INT03", None),
    ("Missing", "INT04", "INT13"),
    ("OC2", "INT05", "INT14"),
    ("OC3", "INT06", "INT15"),
    ("PrevPerm", "INT07", "INT16"),
    ("Reviews", "INT08", "INT17"),
    ("UASC", "INT09", "INT18"),
]
ONE_ROW_FILES = [("AD1", "INT31"), ("Header", "INT32"), ("OC2", "INT33"), ("OC3", "INT34"), ("PrevPerm", "INT35"),
                 ("UASC", "INT36")]


def children_missing_from_header(p: Planter):
    """Header rows left out for a few children (a Header file cut short): each of them is then in other
    files but not in Header: INT01-INT09 for every file the child is in. Children are chosen until every
    one of those files has one."""
    planted = []
    uncovered = {table: rule for table, rule, _ in CHILD_FILES if table != "UASC"}
    while uncovered:
        best, covers = None, {}
        for child in p.children("Header"):
            if len(p.rows("UASC", child)):
                continue  # a UASC child missing from Header raises the UASC rules of the year too (205C, 392a)
            files = {table: rule for table, rule in uncovered.items() if len(p.rows(table, child))}
            if len(files) > len(covers):
                best, covers = child, files
        if best is None:
            return None
        p.take([best])
        all_files = [rule for table, rule, _ in CHILD_FILES if len(p.rows(table, best))]
        p.drop_rows("Header", p.rows("Header", best).index)
        planted += p.planted(children_missing_from_header, best, *all_files)
        for table in covers:
            del uncovered[table]
    return planted


def child_in_uasc_but_not_in_header(p: Planter):
    """A UASC row copied under a child id Header does not have (a mistyped id), its ceased date left blank:
    INT09. (With the date, the validator also raises 205C: it reads a child's UASC status from Header,
    where it adds the UASC file's children, so a child missing from Header is "not UASC" with a date.)"""
    child = p.take(p.children("UASC"))
    if child is None:
        return None
    p.copy_row("UASC", p.rows("UASC", child).index[0], CHILD=child + "9", DUC="")
    p.used.add(child + "9")
    return p.planted(child_in_uasc_but_not_in_header, child + "9", "INT09")


def _to_the_end(p: Planter, table: str, child: str) -> None:
    """The child's rows moved to the end of the file (row order means nothing to the DfE)."""
    frame = p.this.frames[table]
    mask = frame["CHILD"] == child
    p.this.frames[table] = pd.concat([frame[~mask], frame[mask]])


def _date_of_birth_differs(table: str, rule: str):
    def kind(p: Planter):
        # a date of birth typed a day out in one file (the child's ages on other dates are unchanged)
        child = p.take(c for c in p.children(table) if len(p.rows("Header", c)) == 1)
        if child is None:
            return None
        born = dmy(p.header(child)["DOB"])
        p.set_child(table, child, DOB=as_dmy(born + timedelta(days=1)))
        return p.planted(kind, child, rule)

    kind.__name__ = f"date_of_birth_in_{table.lower()}_differs_from_header"
    kind.__doc__ = f"The child's date of birth in {table} a day after Header's: {rule}."
    return kind


def _twice_in_file(table: str, rule: str):
    def kind(p: Planter):
        candidates = p.children(table)
        if table == "Header":  # a child without episodes: the episodes joined to Header are not doubled
            candidates = [c for c in candidates if not len(p.rows("Episodes", c))]
        child = p.take(candidates)
        if child is None:
            return None
        # the child's Header row last: the validator lines a file up with Header by position after a
        # merge, and a second row of a child further up would move every child after it (205D, 406 on the
        # next child)
        _to_the_end(p, "Header", child)
        row = p.rows(table, child).iloc[0]
        p.copy_row(table, p.rows(table, child).index[0])
        # a Header row twice gives its UPN twice too: 444 (a UPN is unique) unless it is an "unknown" code
        also = ("444",) if table == "Header" and not row["UPN"].startswith("UN") else ()
        return p.planted(kind, child, rule, *also)

    kind.__name__ = f"child_twice_in_{table.lower()}"
    kind.__doc__ = f"The child's {table} row written twice: {rule}."
    return kind


def sex_in_uasc_differs_from_header(p: Planter):
    """The UASC file gives the other sex: INT21."""
    child = p.take(p.children("UASC"))
    if child is None:
        return None
    sex = p.rows("UASC", child).iloc[0]["SEX"]
    p.set_child("UASC", child, SEX="F" if sex == "M" else "M")
    return p.planted(sex_in_uasc_differs_from_header, child, "INT21")


def header_child_without_episodes(p: Planter):
    """A Header row copied under a new child id (its UPN 'UN2', not known): a child with neither episodes
    nor care leaver information: EPI."""
    child = p.take(p.children("Header"))
    if child is None:
        return None
    p.copy_row("Header", p.rows("Header", child).index[0], CHILD=child + "8", UPN="UN2")
    p.used.add(child + "8")
    return p.planted(header_child_without_episodes, child + "8", "EPI")


KINDS = ([children_missing_from_header, child_in_uasc_but_not_in_header]
         + [_date_of_birth_differs(table, rule) for table, _, rule in CHILD_FILES if rule]
         + [_twice_in_file(table, rule) for table, rule in ONE_ROW_FILES]
         + [sex_in_uasc_differs_from_header, header_child_without_episodes])
