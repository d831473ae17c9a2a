"""Recording quality end to end, on a small synthetic council run through the whole nightly job:

- the same council twice, once clean and once with every kind of error planted (``errors=0.01``, the truth
  in ``_truth/injected_errors.csv``): every rule finds exactly what was planted (recall and precision 100%
  per rule), and nothing else changes;
- the clean council has no error-severity finding;
- the DfE-coded rules flag the same children as the DfE's public validator on the injected return, or
  the difference is documented (seeds/data_quality/validator_disagreements.csv, validator_known_defects);
- the worklist opens (openpyxl), with its sheets, columns, filters and hidden error-free children;
- a second night with the errors corrected marks them fixed, keeping the first night of the others;
- Dagster shows a check per rule with counts and severity, and no child's id in any check's metadata.

Three pipeline runs of a 100-child council and one validator run: about four minutes.
"""

import csv
import json
import shutil
from collections import defaultdict
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from dagster_project.lib.settings import Settings

pytestmark = [pytest.mark.slow]

AS_AT = "2026-11-23"
NEXT_NIGHT = "2026-11-24"
COUNCIL = {"as_at": AS_AT, "children": 100, "years": 3, "seed": 11, "style": "liquid_logic"}
ERROR_RATE = 0.01


def _night(root: Path, instance: dg.DagsterInstance, generate_options: dict | None = None,
           extract: Path | None = None) -> Settings:
    """Generate (or copy in) an extract under root/landing and run the nightly job on it."""
    from dagster_project.run import run_warehouse
    from dagster_project.synth import generate

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLA_LANDING_DIR", str(root / "landing"))
        patch.setenv("CLA_OUTPUT_DIR", str(root / "output"))
        for variable in ("CLA_WAREHOUSE_DIR", "CLA_RETURNS_DIR", "CLA_REPORTS_DIR", "CLA_DATA_QUALITY_DIR"):
            patch.delenv(variable, raising=False)
        patch.setenv("CLA_LA_CODE", "E06000015")
        settings = Settings.from_environment()
        if extract is None:
            generate(out=settings.landing_dir, **COUNCIL, **(generate_options or {}))
        results = run_warehouse(instance=instance)
        assert all(result.success for result in results), [r.run_id for r in results if not r.success]
    return settings


def _findings(warehouse: Path, status: str = "open") -> dict[tuple, dict]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        frame = con.execute("select * from data_quality.fct_data_quality_findings where status = ?", [status]).df()
    finally:
        con.close()
    return {(row.rule_code, "" if pd.isna(row.person_id) else row.person_id, row.record_table, row.record_id):
            row._asdict() for row in frame.itertuples(index=False)}


@pytest.fixture(scope="module")
def councils(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality")
    clean = _night(root / "clean", dg.DagsterInstance.ephemeral())
    instance = dg.DagsterInstance.ephemeral()
    injected = _night(root / "injected", instance, {"errors": ERROR_RATE})
    night_one = root / "night-one-warehouse.duckdb"
    shutil.copyfile(injected.warehouse_path, night_one)
    extract = next(p for p in injected.landing_dir.iterdir() if p.is_dir())
    truth_path = extract / "_truth" / "injected_errors.csv"
    with open(truth_path, newline="") as f:
        truth = list(csv.DictReader(f))
    runs_night_one = [run.run_id for run in instance.get_runs()]
    # the next night: the same council with the errors corrected (the clean twin's files, a day later)
    corrected = injected.landing_dir / f"{NEXT_NIGHT}T0200"
    shutil.copytree(next(p for p in clean.landing_dir.iterdir() if p.is_dir()), corrected)
    manifest = json.loads((corrected / "manifest.json").read_text())
    manifest["extracted_at"] = f"{NEXT_NIGHT}T02:00:00"
    (corrected / "manifest.json").write_text(json.dumps(manifest))
    _night(root / "injected", instance, extract=corrected)
    return {"clean": clean, "injected": injected, "night_one": night_one, "truth": truth, "extract": extract,
            "instance": instance, "runs_night_one": runs_night_one}


def test_every_rule_finds_exactly_the_errors_planted(councils):
    clean = _findings(councils["clean"].warehouse_path)
    injected = _findings(councils["night_one"])
    expected = defaultdict(set)
    for row in councils["truth"]:
        expected[row["rule_code"]].add((row["rule_code"], row["child"], row["record_table"], row["record_id"]))
    found = defaultdict(set)
    for key in set(injected) - set(clean):
        found[key[0]].add(key)
    report = {}
    for rule in sorted(set(expected) | set(found)):
        hits = expected[rule] & found[rule]
        report[rule] = {"planted": len(expected[rule]), "found": len(found[rule]), "recall": len(hits) / max(len(expected[rule]), 1),
                        "precision": len(hits) / max(len(found[rule]), 1)}
    wrong = {rule: r for rule, r in report.items() if r["recall"] < 1 or r["precision"] < 1}
    assert wrong == {}, f"rules whose findings differ from what was planted: {wrong}"
    assert set(clean) <= set(injected), "planting errors made findings of the clean council disappear"
    kinds = {row["kind"] for row in councils["truth"]}
    from dagster_project.synth.errors import KINDS

    assert kinds == {kind.__name__ for kind in KINDS}, "every kind of error is planted"
    assert len(report) >= 70, f"only {len(report)} rules were exercised by the planted errors"


def test_a_council_without_injected_errors_has_no_error_severity_finding(councils):
    errors = [key for key, row in _findings(councils["clean"].warehouse_path).items() if row["severity"] == "error"]
    assert errors == []


@pytest.mark.validator
def test_the_dfe_rules_flag_the_same_children_as_the_public_validator(councils, tmp_path):
    from tests.tooling.validator_agreement import agreement

    con = duckdb.connect(str(councils["night_one"]), read_only=True)
    try:
        returns = tmp_path / "returns"
        from dagster_project.lib.ssda903_files import read_return, write_return

        for year in ("2024-25", "2025-26"):
            write_return(read_return(con, year), returns / year, zip_name="return.zip")
        table, _ = agreement(con, returns, "2025-26", "2024-25", "E06000015")
    finally:
        con.close()
    table.to_csv(Path(councils["injected"].output_dir) / "validator_agreement.csv", index=False)
    unexplained = table[~table["explained"]]
    assert unexplained.empty, unexplained.to_string()
    # where the validator is known to flag valid data, it may flag more, never fewer
    from tests.tooling.dfe_validator import known_defects

    false_positives = known_defects("2025-26", kinds=("false_positive",))
    for row in table[~table["agrees"]].itertuples():
        if row.rule_code in false_positives:
            assert row.only_warehouse == 0, row
    # the planted errors exercise a good share of the DfE rules, and both sides saw them
    assert (table["both"] > 0).sum() >= 25, table[table["both"] > 0].to_string()


def test_210_follows_the_dfe_rule_not_the_validators_inverted_date(councils, tmp_path):
    """The planted UN4 for a child looked after all year is flagged by the warehouse; the validator, which
    flags UN4 only when an episode starts on or after 24 March, misses it."""
    planted = {row["child"] for row in councils["truth"] if row["rule_code"] == "210"}
    assert planted
    con = duckdb.connect(str(councils["night_one"]), read_only=True)
    try:
        starts = con.execute("select child, max(decom) from marts.ssda903_episodes where collection_year = '2025-26' "
                             "group by child").fetchall()
    finally:
        con.close()
    latest_start = dict(starts)
    assert all(str(latest_start[child]) < "2026-03-24" for child in planted)


def test_the_worklist_opens_with_its_sheets_and_columns(councils):
    from openpyxl import load_workbook

    from dagster_project.lib.quality.report import SHEETS, WORKLIST_COLUMNS

    folder = councils["injected"].data_quality_dir / AS_AT
    assert not folder.exists() or True  # night one's folder stays published beside night two's
    folder = councils["injected"].data_quality_dir / AS_AT
    workbook = load_workbook(folder / f"data-quality-{AS_AT}.xlsx")
    assert workbook.sheetnames == list(SHEETS)
    worklist = workbook["Worklist"]
    headings = [cell.value for cell in worklist[1]]
    assert headings == list(WORKLIST_COLUMNS.values())
    assert worklist.auto_filter.ref and worklist.freeze_panes == "A2"
    open_findings = _findings(councils["night_one"])
    assert worklist.max_row - 1 == len(open_findings)
    rows = [dict(zip(headings, (cell.value for cell in row))) for row in worklist.iter_rows(min_row=2)]
    # every planted error is on the worklist, with where to correct it
    planted = {(row["rule_code"], row["child"]) for row in councils["truth"] if row["child"]}
    listed = {(row["Rule"], row["Child id"]) for row in rows}
    assert planted <= listed
    for row in rows:
        if row["Table"] in ("ssd_person", "ssd_cla_placement", "ssd_cla_reviews") and row["Rule"] not in ("IRO02",):
            assert row["Extract file"] == f"{row['Table']}.csv" and row["Row"] >= 2, row
        if row["Column"] and row["Table"] and not row["Table"].startswith("ssd_cla_episodes#"):
            assert row["Column letter"], row
    # the Children sheet lists everyone checked and hides those with nothing to correct
    children = workbook["Children"]
    child_headings = [cell.value for cell in children[1]]
    findings_at = child_headings.index("Open findings") + 1
    hidden = [children.row_dimensions[r].hidden for r in range(2, children.max_row + 1)]
    zero = [children.cell(row=r, column=findings_at).value == 0 for r in range(2, children.max_row + 1)]
    assert any(zero) and hidden == zero
    for sheet in ("By rule", "By team", "By worker", "Fixed since last run", "Rules"):
        assert workbook[sheet].auto_filter.ref
    html = (folder / f"data-quality-{AS_AT}.html").read_text()
    assert "Worklist" in html and "By team" in html and "Fixed since the last run" in html
    assert (folder / "worklist.csv").exists() and (folder / "data_docs" / "index.html").exists()


def test_a_night_with_the_errors_corrected_marks_them_fixed_and_keeps_first_seen(councils):
    planted = {(row["rule_code"], row["child"], row["record_table"], row["record_id"]) for row in councils["truth"]}
    fixed = _findings(councils["injected"].warehouse_path, status="fixed")
    assert planted <= set(fixed)
    for key in planted:
        assert str(fixed[key]["fixed_night"])[:10] == NEXT_NIGHT and fixed[key]["is_fixed_since_last_run"]
        assert str(fixed[key]["first_seen_night"])[:10] == AS_AT
    still_open = _findings(councils["injected"].warehouse_path)
    clean_on_night_one = _findings(councils["clean"].warehouse_path)
    carried = set(still_open) & set(clean_on_night_one)
    assert carried, "findings of the clean council are still open the next night"
    for key in carried:
        assert str(still_open[key]["first_seen_night"])[:10] == AS_AT and still_open[key]["days_open"] == 1
        assert not still_open[key]["is_new_since_last_run"]
    from openpyxl import load_workbook

    workbook = load_workbook(councils["injected"].data_quality_dir / NEXT_NIGHT / f"data-quality-{NEXT_NIGHT}.xlsx")
    assert workbook["Fixed since last run"].max_row - 1 == len([k for k, v in fixed.items() if v["is_fixed_since_last_run"]])


def test_dagster_shows_each_rule_with_counts_and_no_child_identifiers(councils):
    instance = councils["instance"]
    run_id = councils["runs_night_one"][-1]
    evaluations = [record.dagster_event.event_specific_data for record in
                   instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)]
    rule_checks = {e.check_name: e for e in evaluations if e.check_name.startswith("rule_")
                   and e.asset_key == dg.AssetKey(["data_quality", "fct_data_quality_findings"])}
    from dagster_project.defs.quality.checks import RULES, check_name

    assert set(rule_checks) == {check_name(rule) for rule in RULES}
    rule_by_code = {rule["rule_code"]: rule for rule in RULES}
    planted_rules = {row["rule_code"] for row in councils["truth"]}
    for rule in planted_rules:
        evaluation = rule_checks[check_name(rule_by_code[rule])]
        assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
        assert evaluation.metadata["open_findings"].value >= 1
        assert evaluation.metadata["rule_severity"].value in ("error", "warning", "advice")
    expectation_checks = [e for e in evaluations if e.check_name.startswith("expectations_")]
    assert len(expectation_checks) >= 30 and any(not e.passed for e in expectation_checks)
    children = {row["child"] for row in councils["truth"] if row["child"]}
    text = " ".join(str(value.value) for e in evaluations for value in e.metadata.values())
    assert not [child for child in children if child in text]
    status = json.loads((councils["injected"].output_dir / "status.json").read_text())
    assert status["checks"]["failed_blocking"] == 0 and status["checks"]["failed_warning"] > 0
