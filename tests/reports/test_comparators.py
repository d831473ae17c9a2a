"""The comparator seeds (seeds/comparators/) against the DfE's published files they were made from: every
figure traces to a line of a published file, a DfE symbol is never a number, and the neighbour models are
read as published (Derby's neighbours as england_benchmarks.md lists them)."""

from __future__ import annotations

import csv
import os
import random
from pathlib import Path

import pytest

from dagster_project.tools import build_comparator_seeds as tool

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "comparators"
REFERENCE = Path(os.environ.get("CLA_DFE_REFERENCE_DIR", "/work/shared/reference"))
needs_reference = pytest.mark.skipif(not (REFERENCE / "dfe_published").is_dir(),
                                     reason="the DfE's published files are not on this machine (CLA_DFE_REFERENCE_DIR)")


def seed(name: str) -> list[dict]:
    with (SEEDS / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def source_line(file: str, line: int) -> dict:
    path = REFERENCE / ("england_benchmarks.csv" if file == "england_benchmarks.csv" else f"dfe_published/{file}")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader)]
        for number, cells in enumerate(reader, start=2):
            if number == line:
                return dict(zip(header, cells))
    raise AssertionError(f"{file} has no line {line}")


def test_a_dfe_symbol_is_never_read_as_a_number():
    assert tool.published("c") == ("", "c")
    assert tool.published("z") == ("", "z")
    assert tool.published("low") == ("", "low")
    assert tool.published("") == ("", ".")
    assert tool.published("1,234") == ("1234", "")
    assert tool.published("67") == ("67", "")
    rows = seed("dfe_published_figures")
    symbols = [row for row in rows if row["value_symbol"]]
    assert symbols and all(row["value"] == "" for row in symbols)
    assert {row["value_symbol"] for row in symbols} <= tool.DFE_SYMBOLS - {""} | {"."}
    assert all(row["value"] != "" or row["value_symbol"] for row in rows)


@needs_reference
def test_a_sample_of_published_figures_traces_to_its_line_of_the_published_file():
    rows = seed("dfe_published_figures")
    sample = random.Random(13).sample(rows, 200) + [
        row for row in rows if row["old_la_code"] == "831" and row["time_period"] == "2025"]
    for row in sample:
        line = source_line(row["source_file"], int(row["source_row"]))
        published = line[row["source_column"]].strip()
        if row["value_symbol"]:
            assert published in (row["value_symbol"], "") , row
        else:
            assert float(published.replace(",", "")) == float(row["value"]), row
        if row["source_file"] != "england_benchmarks.csv":
            assert line["time_period"] == row["time_period"], row
            assert line["geographic_level"] == row["geographic_level"], row
            assert line.get("old_la_code", "") == row["old_la_code"], row


def test_figures_picked_out_by_hand_from_the_published_files():
    # read by eye from the files: England's rate of children looked after at 31 March 2025 is 67 per
    # 10,000 (cla_number_and_rate_per_10k_children.csv); Derby's is 88; England's average SDQ score 14.9.
    rows = seed("dfe_published_figures")

    def value(measure, period, level, la=""):
        found = [r for r in rows if (r["comparator_measure_id"], r["time_period"], r["geographic_level"],
                                     r["old_la_code"]) == (measure, period, level, la)]
        assert len(found) == 1, (measure, period, level, la)
        return found[0]["value"]

    assert value("cla_rate_per_10000", "2025", "National") == "67"
    assert value("cla_rate_per_10000", "2025", "Local authority", "831") == "88"
    assert value("oc2_sdq_average_score", "2025", "National") == "14.9"
    assert value("cp_rate_per_10000", "2025", "National") == "40.6"  # england_benchmarks.csv


def test_derbys_statistical_neighbours_are_those_the_dfe_models_give():
    rows = seed("statistical_neighbours")

    def neighbours(model):
        found = sorted((int(r["neighbour_rank"]), r["neighbour_old_la_code"]) for r in rows
                       if r["sn_model"] == model and r["old_la_code"] == "831")
        return [code for _, code in found]

    # england_benchmarks.md: 2025 Coventry, Bolton, Walsall, Southampton, Kirklees, Peterborough, Rochdale,
    # Sheffield, Tameside, Stoke-on-Trent; 2021 Peterborough, Sheffield, Bolton, Telford and Wrekin, Coventry,
    # Walsall, Dudley, Medway, Kirklees, Leeds
    assert neighbours("2025") == ["331", "350", "335", "852", "382", "874", "354", "373", "357", "861"]
    assert neighbours("2021") == ["874", "373", "350", "894", "331", "335", "332", "887", "382", "383"]


@needs_reference
def test_the_seeds_are_what_the_tool_makes_from_the_published_files(tmp_path):
    assert tool.main(["--dfe", str(REFERENCE / "dfe_published"), "--benchmarks",
                      str(REFERENCE / "england_benchmarks.csv"), "--out", str(tmp_path)]) == 0
    for name in ("dfe_published_figures", "statistical_neighbours"):
        assert (tmp_path / f"{name}.csv").read_text() == (SEEDS / f"{name}.csv").read_text(), name
