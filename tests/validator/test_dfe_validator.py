"""The harness around the DfE's public SSDA903 validator (tests.tooling.dfe_validator).

Tests marked ``validator`` run the real validator (csc-validator-be-903 0.1.17) in its own Python 3.11
virtual environment; the first one on a clean machine builds that environment (seconds with uv).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import time

import pytest

from tests.tooling import dfe_validator as dv
from tests.tooling.dfe_validator import (
    ValidatorInputError,
    from_validator_year,
    known_defects,
    to_validator_year,
    unexplained_crashes,
    unexplained_errors,
)

from .datasets import LA_CODE, clean_dataset, modified, write_dataset


def _errors(result, codes=None) -> dict[str, list[tuple[str, str, int]]]:
    """{rule: sorted [(child, table, row)]} for the unexplained (or the given) rules."""
    codes = set(unexplained_errors(result)) if codes is None else set(codes)
    out: dict[str, list] = {}
    for row in result.child_errors.itertuples():
        if row.rule_code in codes:
            out.setdefault(row.rule_code, []).append((row.child_id, row.table, row.row_index))
    return {code: sorted(rows) for code, rows in out.items()}


# ----------------------------------------------------------------------------------------------------
# Without the validator
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("project_year", "validator_year"),
    [("2025-26", "2026"), ("2024-25", "2025"), ("2026-27", "2027"), ("2025/26", "2026"), ("2025-2026", "2026"),
     ("2022-23", "2023")],
)
def test_collection_year_is_converted_to_the_validators_end_year(project_year, validator_year):
    assert to_validator_year(project_year) == validator_year
    assert from_validator_year(validator_year) == dv.normalise_collection_year(project_year)


@pytest.mark.parametrize("bad", ["2026", "2025", "2025-27", "2019/20", "2027-28", "25-26", ""])
def test_unusable_collection_years_are_refused(bad):
    # "2026" alone is ambiguous (start or end?); 2019/20 and 2027/28 have no ruleset in 0.1.17
    with pytest.raises(ValueError, match="collection year"):
        to_validator_year(bad)


def test_la_code_must_be_the_nine_character_ons_code(tmp_path):
    with pytest.raises(ValueError, match="ONS code"):
        dv.run_validator(tmp_path, "2025-26", "831")  # the old 3-digit DfE code is not accepted


def test_known_defects_seed_is_well_formed():
    defects = dv.load_known_defects()
    assert defects, "the seed is empty"
    for d in defects:
        assert d.kind in dv.KNOWN_DEFECT_KINDS
        assert len(d.reason) > 80, f"{d.rule_code}: state the reason precisely enough to check it"
        for year in d.collection_years:
            assert year == "all" or year in dv.SUPPORTED_COLLECTION_YEARS
    assert set(known_defects("2025-26")) >= {"231", "233", "SW17STG2"}
    assert "146" in known_defects("2024-25") and "146" not in known_defects("2025-26")
    assert {"706", "709", "710"} <= set(known_defects("2026-27"))
    assert known_defects("2025/26") == known_defects("2025-26")


def test_environment_location_can_be_overridden(monkeypatch, tmp_path):
    monkeypatch.setenv(dv.ENV_VAR, str(tmp_path / "venv"))
    assert dv._env_dir(None) == (tmp_path / "venv").resolve()
    assert dv._env_dir(tmp_path / "other") == (tmp_path / "other").resolve()
    monkeypatch.delenv(dv.ENV_VAR)
    assert dv._env_dir(None) == dv.PROJECT_ROOT / ".cache" / "validator-903-0.1.17"


# ----------------------------------------------------------------------------------------------------
# The environment
# ----------------------------------------------------------------------------------------------------


@pytest.mark.validator
def test_environment_is_cached_and_isolated(validator_python):
    started = time.perf_counter()
    assert dv.ensure_validator_environment() == validator_python
    assert time.perf_counter() - started < 0.5, "the marker file should make later calls instant"
    info = dv.environment_info()
    assert info["validator_version"] == "0.1.17" and info["pandas_version"].startswith("1.5.")
    assert info["python_version"].startswith("3.11.")
    out = subprocess.run(
        [str(validator_python), "-c", "import pandas, numpy; print(pandas.__version__, numpy.__version__)"],
        capture_output=True, text=True, check=True, env=dv._clean_subprocess_env(),
    ).stdout.split()
    assert out[0].startswith("1.5.") and out[1].startswith("1.24.")


@pytest.mark.validator
def test_two_processes_building_the_environment_at_once(tmp_path, validator_python):
    """Two pytest workers asking for a not-yet-built environment: one builds, the other waits (file lock)."""
    env_dir = tmp_path / "venv"
    code = (
        "import sys; from tests.tooling.dfe_validator import ensure_validator_environment as e; "
        "print(e(sys.argv[1]))"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(env_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, cwd=dv.PROJECT_ROOT)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert {o[0].strip() for o in outputs} == {str(env_dir / "bin" / "python")}
    assert json.loads((env_dir / dv.MARKER_NAME).read_text())["validator_version"] == "0.1.17"


# ----------------------------------------------------------------------------------------------------
# Validation runs
# ----------------------------------------------------------------------------------------------------


@pytest.mark.validator
def test_clean_dataset_raises_nothing_beyond_known_defects(clean_result_2025_26):
    r = clean_result_2025_26
    assert r.collection_year == "2025-26" and r.validator_year == "2026" and r.ruleset == "lac2025_26"
    assert r.raw["collection_start"] == "01/04/2025" and r.raw["collection_end"] == "31/03/2026"
    assert unexplained_errors(r) == {}
    assert unexplained_crashes(r) == []
    assert set(r.tables_loaded) >= {"Header", "Episodes", "Episodes_last", "Header_last", "OC3", "SWEpisodes"}
    assert len(r.rules_run) + len(r.rules_skipped) + len(r.rules_crashed) == r.raw["rules_in_registry"] == 316
    # without the Ofsted lists the URN checks are skipped, whatever else is loaded
    assert {"1008", "219", "221", "224", "227", "228", "229"} <= set(r.rules_skipped)
    assert not r.ofsted_lists
    assert r.validation_seconds > 0 and r.wall_seconds >= r.validation_seconds
    assert r.peak_memory_mb and 50 < r.peak_memory_mb < 1000
    assert "Placement type code is not a valid code." == r.rule_descriptions["146"]


@pytest.mark.validator
def test_deliberate_errors_are_reported_for_exactly_those_children(validate):
    ds = clean_dataset(2026)
    ds = modified(ds, "this_year", "episodes.csv", "C1002", row=1, DEC="19/11/2025", REC="E4A")  # DEC < DECOM
    ds = modified(ds, "this_year", "episodes.csv", "C1005", DEC="15/01/2026", REC="X1")  # X1, nothing follows
    ds = modified(ds, "this_year", "reviews.csv", "C1001", REVIEW_CODE="PN0")  # PN0 at 12 years old
    ds = modified(ds, "this_year", "episodes.csv", "C1004", PLACE="Z1")  # Z1 replaced by Z11-Z14 in 2025/26
    r = validate(ds, 2026)
    assert _errors(r) == {
        "356": [("C1002", "Episodes", 3)],
        "388": [("C1005", "Episodes", 6)],
        "440": [("C1001", "Reviews", 0)],
        "146": [("C1004", "Episodes", 5)],
    }
    assert r.errors_by_rule["146"] == 1
    row = r.errors_for("146").iloc[0]
    assert row["values"] == {"PLACE": "Z1"}
    assert unexplained_crashes(r) == []


@pytest.mark.validator
def test_rules_silently_skip_when_a_table_is_missing(validate):
    """Rule 630 (previous permanence required for a child starting care) cannot fire without the file."""
    ds = clean_dataset(2026)
    del ds["this_year"]["previous_permanence.csv"]
    r = validate(ds, 2026)
    assert "630" in r.rules_skipped
    assert unexplained_errors(r) == {}


@pytest.mark.validator
def test_without_last_years_files_the_year_boundary_rules_are_skipped(validate, clean_result_2025_26):
    ds = clean_dataset(2026)
    ds["prev_year"] = {}
    r = validate(ds, 2026)
    newly_skipped = set(r.rules_skipped) - set(clean_result_2025_26.rules_skipped)
    assert {"202", "502", "503A", "562", "NoE", "1001", "1002"} <= newly_skipped
    assert not any(t.endswith("_last") for t in r.tables_loaded)


@pytest.mark.validator
def test_unrecognised_columns_name_the_file(tmp_path, validator_python):
    paths = write_dataset(clean_dataset(2026), tmp_path)
    header = paths["this_year"] / "header.csv"
    lines = header.read_text().splitlines()
    header.write_text("\n".join([lines[0] + ",GENDER"] + [line + ",F" for line in lines[1:]]) + "\n")
    with pytest.raises(ValidatorInputError) as excinfo:
        dv.run_validator(paths["this_year"], "2025-26", LA_CODE, paths["prev_year"])
    message = str(excinfo.value)
    assert "header.csv" in message and "GENDER" in message and "Closest is Header" in message
    bad = [f for f in excinfo.value.files if f.get("closest_table")]
    assert len(bad) == 1
    assert bad[0]["path"] == str(header) and bad[0]["slot"] == "This year"
    assert bad[0]["extra_columns"] == ["GENDER"] and bad[0]["missing_columns"] == []


@pytest.mark.validator
def test_column_names_are_case_sensitive(tmp_path, validator_python):
    paths = write_dataset(clean_dataset(2026), tmp_path)
    missing = paths["this_year"] / "missing.csv"
    text = missing.read_text().splitlines()
    missing.write_text("\n".join([text[0].lower(), *text[1:]]) + "\n")
    with pytest.raises(ValidatorInputError, match=r"missing\.csv.*Closest is Missing.*only case") as excinfo:
        dv.run_validator(paths["this_year"], "2025-26", LA_CODE)
    (bad,) = [f for f in excinfo.value.files if f.get("closest_table")]
    assert bad["missing_columns"] == ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]


@pytest.mark.validator
def test_two_files_for_one_table_are_refused(tmp_path, validator_python):
    """The validator itself would silently keep only the last file with a given column set."""
    paths = write_dataset(clean_dataset(2026), tmp_path)
    (paths["this_year"] / "episodes_part2.csv").write_text((paths["this_year"] / "episodes.csv").read_text())
    with pytest.raises(ValidatorInputError, match="both have the Episodes column set"):
        dv.run_validator(paths["this_year"], "2025-26", LA_CODE)


@pytest.mark.validator
def test_how_the_validator_reads_values(validate):
    """Only an empty cell is blank; values are upper-cased but not stripped; dates must be dd/mm/YYYY."""
    ds = clean_dataset(2026)
    ds = modified(ds, "this_year", "episodes.csv", "C1001", row=1, PLACE="u4", CIN="n1")  # lower case: fine
    ds = modified(ds, "this_year", "header.csv", "C1002", MOTHER="NA")  # the text NA is not a blank
    ds = modified(ds, "this_year", "header.csv", "C1005", ETHNIC=" BCRB")  # a leading space is kept
    ds = modified(ds, "this_year", "reviews.csv", "C1004", REVIEW="2025-07-04")  # ISO date: not a date
    ds = modified(ds, "this_year", "missing.csv", "C1001", MIS_START="2/8/2025")  # no zero padding: fine
    r = validate(ds, 2026)
    assert _errors(r) == {
        "165": [("C1002", "Header", 1)],  # 'Data entry for mother status is invalid': MOTHER must be 0, 1 or blank
        "103": [("C1005", "Header", 4)],  # 'The ethnicity code is either not valid or has not been entered'
        "166": [("C1004", "Reviews", 5)],  # 'Date of review is invalid or blank'
    }
    assert r.errors_for("165").iloc[0]["values"]["MOTHER"] == "NA"
    assert r.errors_for("103").iloc[0]["values"]["ETHNIC"] == " BCRB"


@pytest.mark.validator
def test_selected_rules_and_excel_report(validate, tmp_path):
    report = tmp_path / "report.xlsx"
    r = validate(clean_dataset(2026), 2026, selected_rules=["101", "356", "SW17STG2"], excel_report=report)
    assert sorted(r.rules_run) == ["101", "356", "SW17STG2"]
    assert r.errors_by_rule == {"SW17STG2": 1}
    assert report.is_file() and report.stat().st_size > 0
    # zero errors: the validator's own Report.child_summary raises; the harness still writes a workbook
    report0 = tmp_path / "report0.xlsx"
    r0 = validate(clean_dataset(2026), 2026, selected_rules=["101"], excel_report=report0)
    assert r0.errors_by_rule == {} and r0.child_errors.empty and report0.is_file()


@pytest.mark.validator
def test_cli(tmp_path, validator_python, capsys):
    paths = write_dataset(clean_dataset(2026), tmp_path)
    out_csv = tmp_path / "child_errors.csv"
    code = dv.main([
        str(paths["this_year"]), "--collection-year", "2025-26", "--la-code", LA_CODE,
        "--previous-year-dir", str(paths["prev_year"]), "--json", str(out_csv), "--fail-on-unexplained",
    ])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "ruleset lac2025_26" in printed and "rules run:" in printed and "crashed: 2 -> 231, 233" in printed
    assert "SW17STG2" in printed and "[known false positive]" in printed and "[known defect]" in printed
    assert "skipped: " in printed and "1008" in printed
    assert out_csv.read_text().startswith("child_id,table,row_index,rule_code")


@pytest.mark.validator
def test_cli_reports_unrecognised_files(tmp_path, validator_python, capsys):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "header.csv").write_text("CHILD,SEX,DOB\nC1,M,01/01/2010\n")
    code = dv.main([str(folder), "--collection-year", "2025-26", "--la-code", LA_CODE])
    err = capsys.readouterr().err
    assert code == 2 and "header.csv" in err and "Closest is Header" in err


@pytest.mark.validator
def test_runner_is_standalone():
    """The runner runs under the validator's python, outside the project: it must not import the project."""
    source = dv.RUNNER_PATH.read_text()
    assert "dagster_project" not in source.replace("tests.tooling.dfe_validator", "")
    assert "import pandas" not in source


@pytest.mark.validator
def test_big_dataset_timing(validate):
    """500 copies of the clean children (3,000 children, ~4,000 episodes): a few seconds."""
    base = clean_dataset(2026)
    big: dict = {"this_year": {}, "prev_year": {}}
    for part, files in base.items():
        for name, rows in files.items():
            big[part][name] = []
            for k in range(500):
                for row in rows:
                    new = copy.copy(row)
                    new["CHILD"] = f"{row['CHILD']}K{k:03d}"
                    if name == "header.csv" and not row["UPN"].startswith("UN"):
                        new["UPN"] = f"{row['UPN'][:10]}{k:03d}"  # 444: UPNs must be unique
                    big[part][name].append(new)
    r = validate(big, 2026)
    assert r.errors_by_rule.get("SW17STG2") == 500
    assert unexplained_errors(r) == {}
    assert r.wall_seconds < 120
    print(f"\n3,000 children: validation {r.validation_seconds:.1f}s, wall {r.wall_seconds:.1f}s, "
          f"peak {r.peak_memory_mb:.0f} MB")


@pytest.mark.validator
def test_isolated_results_do_not_depend_on_rule_order(clean_result_2025_26, validate):
    """The validator runs the rules in file-system order, which differs between machines; with one copy of
    the files per rule (the default) the order makes no difference."""
    order = clean_result_2025_26.raw["rule_order"]
    assert len(order) == 316
    reversed_run = validate(clean_dataset(2026), 2026, selected_rules=list(reversed(order)))
    assert reversed_run.raw["rule_order"] == list(reversed(order))

    def key(r):
        return sorted(map(tuple, r.child_errors[["rule_code", "child_id", "table", "row_index"]].values.tolist()))

    assert key(reversed_run) == key(clean_result_2025_26)
    assert sorted(reversed_run.rules_skipped) == sorted(clean_result_2025_26.rules_skipped)
    assert sorted(reversed_run.rules_crashed) == sorted(clean_result_2025_26.rules_crashed)
