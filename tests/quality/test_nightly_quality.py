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
import re
import shutil
from collections import defaultdict
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from dagster_project.lib.data_label import SyntheticLabel
from dagster_project.lib.settings import Settings

pytestmark = [pytest.mark.slow]

AS_AT = "2026-11-23"
NEXT_NIGHT = "2026-11-24"
# the sample council's files say they are synthetic in their names (lib/data_label.py)
SAMPLE = SyntheticLabel("Derby")
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
        from dagster_project.lib.returns.files import read_return, write_return

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


@pytest.mark.validator
def test_the_2026_27_draft_flags_the_same_children_as_the_public_validator(councils, tmp_path):
    """The year in progress (2026-27, returned as a year-to-date draft as at the extract date) against the
    validator's 2026-27 rules, with 2025-26 as last year: the same children per rule, or a documented
    difference. Differences that only a draft shows (the validator judges the year as if it had ended on 31
    March) are rows of kind draft_year_to_date; there the validator may flag more, never fewer."""
    from tests.tooling.validator_agreement import DRAFT_ONLY, agreement, is_draft

    con = duckdb.connect(str(councils["night_one"]), read_only=True)
    try:
        assert is_draft(con, "2026-27") and not is_draft(con, "2025-26")
        returns = tmp_path / "returns"
        from dagster_project.lib.returns.files import read_return, write_return

        for year in ("2025-26", "2026-27"):
            write_return(read_return(con, year), returns / year, zip_name="return.zip")
        table, result = agreement(con, returns, "2026-27", "2025-26", "E06000015")
    finally:
        con.close()
    table.to_csv(Path(councils["injected"].output_dir) / "validator_agreement_2026_27.csv", index=False)
    # the DoLO rules (700-710, new that year) need a DoLo file, which the extract cannot supply yet
    # (int_quality_return_dolo.sql); the validator skips them, the rest of its 2026-27 rules run
    assert len(result.rules_run) >= 300 and not any(code.startswith("70") for code in result.rules_run)
    unexplained = table[~table["explained"]]
    assert unexplained.empty, unexplained.to_string()
    draft_only = table[table["explanation"].str.startswith(DRAFT_ONLY)]
    assert (draft_only["only_warehouse"] == 0).all(), draft_only.to_string()
    assert (table["both"] > 0).sum() >= 15, table[table["both"] > 0].to_string()


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


def _return_file_plantings():
    from tests.tooling.return_plantings import kinds_by_year

    return [pytest.param(years, id=years[0]) for years in kinds_by_year()]


@pytest.mark.validator
@pytest.mark.parametrize("years", _return_file_plantings())
def test_rules_no_extract_can_break_find_exactly_the_errors_planted_in_the_return_files(councils, tmp_path, years):
    """The rules the warehouse makes impossible to break (it derives the field they check, or writes every
    file from the same records) run on the return files as written (tests/tooling/written_return.py), with
    errors planted in the files (tests/tooling/return_plantings_*.py): each rule finds exactly the children
    planted for it, no other rule finds anything new, and the public validator flags the same children on
    the same files, or the difference is documented."""
    from tests.tooling.dfe_validator import known_defects
    from tests.tooling.return_plantings import kinds_by_year, run
    from tests.tooling.validator_agreement import documented_disagreements, our_children

    collection_year, previous_year = years
    outcome = run(councils["clean"].warehouse_path, tmp_path / "plantings", collection_year, previous_year,
                  kinds_by_year()[years])
    table = outcome.table()
    table.to_csv(Path(councils["clean"].output_dir) / f"return_file_plantings_{collection_year}.csv", index=False)
    assert outcome.idle == [], f"kinds that found no child to plant in: {outcome.idle}"
    # the files as written, unchanged, give exactly the warehouse's own findings: writing loses nothing
    with duckdb.connect(str(councils["clean"].warehouse_path), read_only=True) as con:
        assert our_children(con, collection_year) == outcome.clean
    wrong = table[~table["warehouse_exact"]]
    assert wrong.empty, f"rules whose findings differ from what was planted in the files:\n{wrong.to_string()}"
    documented = {**documented_disagreements(draft=False), **known_defects(collection_year)}
    undocumented = table[~table["validator_exact"] & ~table["rule_code"].isin(documented)]
    assert undocumented.empty, f"the validator differs, undocumented:\n{undocumented.to_string()}"
    planted_rules = {code for planted in outcome.planted for code in planted.rule_codes}
    assert len(planted_rules) >= 20, sorted(planted_rules)


def test_every_dfe_rule_of_both_years_has_a_planted_case(councils):
    """Every DfE rule of 2025-26 and 2026-27 is proven by a planted error: in the extract (the injected
    council's truth) or in the return files (the kinds above, planted again here without running them),
    but for the few that no file or extract can break, each with its reason."""
    from tests.tooling.return_plantings import NOT_PLANTED, Planter, kinds_by_year, plant
    from tests.tooling.validator_agreement import RULES_PATH
    from tests.tooling.written_return import WrittenYear

    planted = {row["rule_code"] for row in councils["truth"]}
    with duckdb.connect(str(councils["clean"].warehouse_path), read_only=True) as con:
        for (year, last_year), kinds in kinds_by_year().items():
            planter = Planter(WrittenYear.from_warehouse(con, year), WrittenYear.from_warehouse(con, last_year))
            done, idle = plant(planter, kinds)
            assert idle == []
            planted |= {code for planting in done for code in planting.rule_codes}
    with open(RULES_PATH, newline="", encoding="utf-8") as f:
        rules = [row for row in csv.DictReader(f) if row["origin"] == "dfe"]
    in_either_year = {row["rule_code"] for row in rules
                      if (row["first_collection_year"] or "2025-26") <= "2026-27"
                      and (row["last_collection_year"] or "2026-27") >= "2025-26"}
    assert in_either_year - planted - set(NOT_PLANTED) == set()
    assert set(NOT_PLANTED) & planted == set(), "a rule said not to be planted is planted: take it off the list"
    assert len(NOT_PLANTED) <= 10


def test_the_worklist_opens_with_its_sheets_and_columns(councils):
    from openpyxl import load_workbook

    from dagster_project.lib.quality.report import SHEETS, WORKLIST_COLUMNS

    folder = councils["injected"].data_quality_dir / AS_AT
    assert not folder.exists() or True  # night one's folder stays published beside night two's
    folder = councils["injected"].data_quality_dir / AS_AT
    workbook = load_workbook(folder / SAMPLE.file_name(f"data-quality-{AS_AT}.xlsx"))
    # issue 11's reconciliation sheet comes last (lib/ingest/reconciliation_report.py), as tests/quality/test_report.py says
    assert workbook.sheetnames == list(SHEETS) + ["Changes since last extract"]
    worklist = workbook["Worklist"]
    headings = [cell.value for cell in worklist[1]]
    assert headings == list(WORKLIST_COLUMNS.values())
    assert worklist.auto_filter.ref and worklist.freeze_panes == "A2"
    open_findings = _findings(councils["night_one"])
    to_correct = [row for row in open_findings.values() if row["finding_kind"] == "recording_error"]
    assert worklist.max_row - 1 == len(to_correct)
    rows = [dict(zip(headings, (cell.value for cell in row))) for row in worklist.iter_rows(min_row=2)]
    performance = workbook["Performance"]
    performance_rows = [dict(zip([c.value for c in performance[1]], (c.value for c in row)))
                        for row in performance.iter_rows(min_row=2)]
    # every planted error is on the worklist (or, for a practice fact, in the performance section)
    planted = {(row["rule_code"], row["child"]) for row in councils["truth"] if row["child"]}
    listed = {(row["Rule"], row["Child id"]) for row in rows + performance_rows}
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
    html = (folder / SAMPLE.file_name(f"data-quality-{AS_AT}.html")).read_text()
    assert "Worklist" in html and "Teams" in html and "Fixed since the last run" in html
    assert (folder / SAMPLE.file_name("worklist.csv")).exists() and (folder / "data_docs" / "index.html").exists()


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

    workbook = load_workbook(councils["injected"].data_quality_dir / NEXT_NIGHT / SAMPLE.file_name(f"data-quality-{NEXT_NIGHT}.xlsx"))
    assert workbook["Fixed since last run"].max_row - 1 == len([k for k, v in fixed.items() if v["is_fixed_since_last_run"]])


def _rule_kinds() -> dict[str, str]:
    from dagster_project.lib.paths import SEEDS_DIR

    with open(SEEDS_DIR / "data_quality" / "data_quality_rules.csv", newline="", encoding="utf-8") as f:
        return {row["rule_code"]: row["finding_kind"] for row in csv.DictReader(f)}


def _rules_on_rows_not_loaded() -> set[str]:
    """ING01/ING02 and the DfE date rules raised on a quarantined row (family ssda903_ingest_dates)."""
    from dagster_project.lib.paths import SEEDS_DIR

    with open(SEEDS_DIR / "data_quality" / "data_quality_rules.csv", newline="", encoding="utf-8") as f:
        return {row["rule_code"] for row in csv.DictReader(f)
                if row["rule_code"] in ("ING01", "ING02") or row["family"] == "ssda903_ingest_dates"}


@pytest.mark.parametrize("council", ["clean", "injected"])
def test_the_worklist_holds_only_what_can_be_corrected_and_the_counts_add_up(councils, council):
    """Night one of each council (the clean one is the default council, smaller): the worklist is the recording
    errors, the performance section the practice facts, and together they are every open finding."""
    from openpyxl import load_workbook

    settings = councils[council]
    warehouse = councils["night_one"] if council == "injected" else settings.warehouse_path
    kinds = _rule_kinds()
    open_findings = _findings(warehouse)
    workbook = load_workbook(settings.data_quality_dir / AS_AT / SAMPLE.file_name(f"data-quality-{AS_AT}.xlsx"))
    sheets = {}
    for name in ("Worklist", "Performance"):
        sheet = workbook[name]
        headings = [c.value for c in sheet[1]]
        sheets[name] = [dict(zip(headings, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    assert {kinds[row["Rule"]] for row in sheets["Worklist"]} <= {"recording_error"}
    assert {kinds[row["Rule"]] for row in sheets["Performance"]} <= {"practice_fact"}
    assert len(sheets["Worklist"]) == sum(kinds[key[0]] == "recording_error" for key in open_findings)
    assert len(sheets["Performance"]) == sum(kinds[key[0]] == "practice_fact" for key in open_findings)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        night_total = con.execute("select findings_open from tracking.data_quality_nights where night = ?",
                                  [AS_AT]).fetchone()[0]
        teams = con.execute("select sum(open_findings), sum(open_practice_facts) "
                            "from data_quality.fct_data_quality_by_team").fetchone()
        order = con.execute("select priority_group, days_open, return_year_threatened, worklist_order "
                            "from data_quality.fct_data_quality_findings where status = 'open' "
                            "order by worklist_order").fetchall()
    finally:
        con.close()
    assert len(sheets["Worklist"]) + len(sheets["Performance"]) == len(open_findings) == night_total
    assert teams == (len(sheets["Worklist"]), len(sheets["Performance"]))
    summary = {row[0].value: row[1].value for row in workbook["Summary"].iter_rows(min_row=5) if row[0].value}
    assert summary["Open findings in all"] == night_total
    # the mart's order: errors the DfE would reject, then the oldest, then the nearest return deadline
    keys = [(group, -days, year or "9999") for group, days, year, _ in order]
    assert keys == sorted(keys) and [n for *_, n in order] == list(range(1, len(order) + 1))
    if council == "injected":
        assert sheets["Worklist"] and sheets["Performance"]
        first_page = (settings.data_quality_dir / AS_AT / SAMPLE.file_name(f"data-quality-{AS_AT}.html")).read_text()
        assert "This is the first night checked" in first_page and "block the 2025-26 return" in first_page


def test_every_worklist_rule_planted_is_cleared_by_correcting_the_record(councils):
    """Each recording-error rule with a planted error: the next night, with the record corrected (the clean
    twin's extract), the finding is gone. Practice facts are not expected to be cleared this way."""
    kinds = _rule_kinds()
    fixed = _findings(councils["injected"].warehouse_path, status="fixed")
    still_open = _findings(councils["injected"].warehouse_path)
    planted = defaultdict(set)
    for row in councils["truth"]:
        if kinds[row["rule_code"]] == "recording_error":
            planted[row["rule_code"]].add((row["rule_code"], row["child"], row["record_table"], row["record_id"]))
    assert len(planted) >= 60, sorted(planted)
    for rule, keys in planted.items():
        assert keys <= set(fixed) and not keys & set(still_open), rule


# The extract column that dates each kind of record, and the one that says its type, as the location names them.
RECORD_COLUMNS = {
    "ssd_cla_placement": ("clap_cla_placement_start_date", "clap_cla_placement_type", "placement starting"),
    "ssd_cla_episodes": ("clae_cla_episode_start_date", "clae_cla_episode_start_reason", "care episode starting"),
    "ssd_cla_reviews": ("clar_cla_review_date", None, "review"),
    "ssd_legal_status": ("lega_legal_status_start_date", "lega_legal_status", "legal status"),
    "ssd_person": ("pers_dob", None, "personal details"),
    "ssd_missing": ("miss_missing_episode_start_date", "miss_missing_episode_type", "missing episode starting"),
    "ssd_involvements": ("invo_involvement_start_date", "invo_professional_role_id", "allocation of"),
    "iro_disputes": ("irod_raised_date", None, "IRO dispute raised"),
    "ssd_sdq_scores": ("csdq_sdq_completed_date", None, "SDQ"),
    # the order date is shown as recorded (it may be partial), so only the option is checked
    "ssd_cla_previous_permanence": (None, "lapp_previous_permanence_option", "previous permanence"),
    "ssd_care_leavers": ("clea_care_leaver_latest_contact", None, "care leaver"),
    "ssd_cla_visits": ("clav_cla_visit_date", None, "visit"),
}


def _as_written_date(text: str) -> str | None:
    """A date as the extract writes it (ISO, SQL Server or dd/mm/yyyy), as dd/mm/yyyy; None if not a date."""
    text = (text or "").strip()
    for pattern in (r"(\d{4})-(\d{2})-(\d{2})", r"(\d{2})/(\d{2})/(\d{4})"):
        match = re.match(pattern, text)
        if match:
            parts = match.groups()
            day, month, year = (parts[2], parts[1], parts[0]) if len(parts[0]) == 4 else parts
            return None if year == "1900" else f"{day}/{month}/{year}"
    return None


def test_each_planted_worklist_finding_names_its_record_by_date_and_type_as_written(councils):
    """For each worklist rule with a planted error, the finding's location names the record as the extract
    writes it: its kind, its date (dd/mm/yyyy) and, where the record has one, its type as written."""
    kinds = _rule_kinds()
    open_findings = _findings(councils["night_one"])
    extract = councils["extract"]
    files: dict[str, list[list[str]]] = {}
    checked = defaultdict(int)
    not_loaded = _rules_on_rows_not_loaded()
    elsewhere: set[str] = set()
    for row in councils["truth"]:
        key = (row["rule_code"], row["child"], row["record_table"], row["record_id"])
        # a row held back at ingestion is named by file, row and column ("ssd_involvements.csv:449:
        # invo_involvement_start_date"), as SW04STG1/SW05STG1 name an allocation whose date cannot be read
        held_back = re.fullmatch(r"[\w.]+\.csv:\d+:\w+", row["record_id"] or "") is not None
        if held_back:
            elsewhere.add(row["rule_code"])
        if kinds[row["rule_code"]] != "recording_error" or row["rule_code"] in not_loaded or held_back:
            continue  # a row that could not be loaded is not a record in the system: the data team's
        finding = open_findings[key]
        table = (finding["source_file_name"] or "").removesuffix(".csv")
        if table not in RECORD_COLUMNS:
            elsewhere.add(row["rule_code"])  # a record kind this test has no columns for (e.g. adoption)
            continue
        if table not in files:
            with open(extract / finding["source_file_name"], newline="", encoding="utf-8") as f:
                files[table] = list(csv.reader(f))
        header, record = files[table][0], files[table][finding["source_row_number"] - 1]
        values = dict(zip(header, record))
        date_column, type_column, kind = RECORD_COLUMNS[table]
        description = finding["record_description"]
        assert description.startswith(kind) or kind in description, (row["rule_code"], description)
        written = _as_written_date(values.get(date_column, "")) if date_column else None
        if not date_column:
            pass
        elif written:
            assert written in description, (row["rule_code"], description)
        else:
            assert "no " in description or "not recorded" in description or "(" in description, description
        if type_column and values.get(type_column, "").strip():
            assert values[type_column].strip() in description, (row["rule_code"], description)
        checked[row["rule_code"]] += 1
    planted_rules = {row["rule_code"] for row in councils["truth"]
                     if kinds[row["rule_code"]] == "recording_error" and row["rule_code"] not in not_loaded
                     and row["rule_code"] not in elsewhere}
    assert len(checked) >= len(planted_rules) - 4, sorted(planted_rules - set(checked))


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


def test_the_analyst_guides_questions_on_the_analyst_warehouse(councils):
    """The guide's three questions on the injected council's analyst warehouse after its second night (the
    planted errors corrected), against figures worked out from the identified warehouses."""
    from tests.quality.test_analyst_quality_questions import guide_questions

    questions = guide_questions()
    kinds = _rule_kinds()
    analyst = duckdb.connect(str(councils["injected"].warehouse_dir / "analyst_warehouse.duckdb"), read_only=True)
    try:
        by_team = analyst.execute(questions["open errors by team"]).fetchall()
        trending = analyst.execute(questions["rules trending up"]).fetchall()
        fixing = analyst.execute(questions["time to fix"]).fetchall()
        ids = {r[0] for r in analyst.execute("select person_id from data_quality.fct_data_quality_findings").fetchall()}
    finally:
        analyst.close()
    def query(warehouse, sql):
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    errors = query(councils["injected"].warehouse_path,
                   "select team_name, count(*) from data_quality.fct_data_quality_findings where status = 'open' "
                   "and finding_kind = 'recording_error' and severity = 'error' group by team_name")
    assert {team: n for team, n, _ in by_team} == dict(errors)
    # trending up: open on night two above night one, rule by rule
    counts = defaultdict(lambda: [0, 0])
    for index, warehouse in enumerate((councils["night_one"], councils["injected"].warehouse_path)):
        for rule, n in query(warehouse, "select rule_code, count(*) from data_quality.fct_data_quality_findings "
                                        "where status = 'open' group by rule_code"):
            counts[rule][index] = n
    assert {(r[0], r[3], r[4]) for r in trending} == {(rule, a, b) for rule, (a, b) in counts.items() if b > a}
    # time to fix: every planted recording error was fixed after one night
    planted = defaultdict(set)
    for row in councils["truth"]:
        if kinds[row["rule_code"]] == "recording_error":
            planted[row["rule_code"]].add((row["child"], row["record_id"]))
    fixed = {rule: (n, average, longest) for rule, _, n, average, _, longest in fixing}
    for rule, keys in planted.items():
        assert fixed[rule][0] >= len(keys) and fixed[rule][1] == 1.0 and fixed[rule][2] == 1, rule
    children = {row["child"] for row in councils["truth"] if row["child"]}
    assert ids and not ids & children
