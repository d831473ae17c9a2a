"""Labelled error injection in the synthetic council: deterministic, only with a rate above 0, and its
truth names records that exist."""

import csv
import filecmp

from dagster_project.synth import generate
from dagster_project.synth.errors import KINDS, TRUTH_COLUMNS, TRUTH_FILE

OPTIONS = {"as_at": "2026-11-23", "children": 80, "years": 3, "seed": 7, "workers": 1}


def _files(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


def test_no_rate_no_change(tmp_path):
    plain = generate(out=tmp_path / "plain", **OPTIONS)
    zero = generate(out=tmp_path / "zero", errors=0, **OPTIONS)
    assert _files(plain) == _files(zero)
    assert not (plain / "_truth" / TRUTH_FILE).exists()
    for name in _files(plain):
        assert filecmp.cmp(plain / name, zero / name, shallow=False), name


def test_errors_are_planted_deterministically_with_their_truth(tmp_path):
    first = generate(out=tmp_path / "one", errors=0.02, **OPTIONS)
    again = generate(out=tmp_path / "two", errors=0.02, **OPTIONS)
    for name in _files(first):
        assert filecmp.cmp(first / name, again / name, shallow=False), name
    with open(first / "_truth" / TRUTH_FILE, newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == TRUTH_COLUMNS
        truth = list(reader)
    kinds = {row["kind"] for row in truth}
    # a council this small has no candidate for a few kinds (the slow test plants every kind); 80 children:
    # 64 of 69 kinds when the location, history and adoption kinds joined (40 children planted 50)
    assert len(kinds) >= len(KINDS) * 3 // 4, sorted({k.__name__ for k in KINDS} - kinds)
    with open(first / "ssd_person.csv", newline="") as f:
        people = {row["pers_person_id"] for row in csv.DictReader(f)}
    assert all(row["child"] in people for row in truth if row["child"])
    # one child, one planted error
    children_by_kind = {}
    for row in truth:
        if row["child"]:
            children_by_kind.setdefault(row["child"], set()).add(row["kind"])
    assert all(len(kinds) == 1 for kinds in children_by_kind.values())
    manifest = (first / "manifest.json").read_text()
    assert '"errors": 0.02' in manifest


def test_a_kind_planted_more_than_once_never_reads_its_own_earlier_planting(tmp_path):
    """At 4% this council plants three of each kind. The second "31 June" start date of an old social worker
    allocation was picked from rows that included the first one's, whose date cannot be read: the generator
    stopped with a ValueError (seen first at 150 children and 1%). Each planting is on its own child."""
    council = generate(out=tmp_path / "c", errors=0.04, **OPTIONS)
    with open(council / "_truth" / TRUTH_FILE, newline="") as f:
        truth = [row for row in csv.DictReader(f) if row["kind"] == "social_worker_start_date_unreadable"]
    assert len({row["child"] for row in truth}) == 3
    assert len(truth) == 3 * 2  # ING01 and SW04STG1 for each


def test_a_kind_looking_over_every_child_is_not_stopped_by_another_kinds_unreadable_date(tmp_path):
    """150 children at 1% as at 2026-11-23 (six years): "missing start date unreadable" plants 2025-06-31 on
    two children's missing episodes; "return from holiday recorded late" then looked over every child's
    missing episodes before picking one of its own (it finds none here), and the generator stopped with a
    ValueError. A date that cannot be read is not recorded to the kinds; its child is taken, so nothing else
    is planted on it."""
    council = generate(out=tmp_path / "c", as_at="2026-11-23", children=150, seed=1, errors=0.01, workers=1)
    with open(council / "_truth" / TRUTH_FILE, newline="") as f:
        truth = list(csv.DictReader(f))
    unreadable = {row["child"] for row in truth if row["kind"] == "missing_start_date_unreadable"}
    assert len(unreadable) == 2
    assert unreadable.isdisjoint({row["child"] for row in truth if row["kind"] != "missing_start_date_unreadable"})
