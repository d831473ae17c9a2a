"""Nights in the life of the warehouse, on a small generated council: a good night, a bad extract, a run
killed half-way, encryption at rest, and nothing personal in Dagster's logs."""

import csv
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.lib import publication
from dagster_project.lib.data_label import SyntheticLabel

pytestmark = [pytest.mark.slow]

AS_AT = "2026-11-23"
# the sample council's files say they are synthetic in their names (lib/data_label.py)
SAMPLE = SyntheticLabel("Derby")


def small_council(landing: Path, extract_id: str, seed: int = 7, **kwargs) -> Path:
    from dagster_project.synth import generate

    return Path(generate(out=landing, extract_id=extract_id, as_at=AS_AT, children=40, years=3, seed=seed, **kwargs))


def run_night(instance=None, extract_id=None):
    from dagster_project.run import run_warehouse

    return run_warehouse(extract_id=extract_id, instance=instance or dg.DagsterInstance.ephemeral())[0]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def first_night(tmp_path_factory) -> Path:
    """The council's first extract loaded and published once for the module, in a folder of its own. Tests
    take a copy (`night`): copying the landing and output folders is far cheaper than a second build."""
    root = tmp_path_factory.mktemp("first-night")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLA_LANDING_DIR", str(root / "landing"))
        patch.setenv("CLA_OUTPUT_DIR", str(root / "output"))
        # the same settings as `isolated_warehouse` (conftest.py), whose folders the copies go into
        for variable in ("CLA_WAREHOUSE_DIR", "CLA_RETURNS_DIR", "CLA_REPORTS_DIR", "CLA_DATA_QUALITY_DIR"):
            patch.delenv(variable, raising=False)
        patch.setenv("CLA_LA_CODE", "E06000015")
        patch.setenv("CLA_CONFIG_DIR", str(root / "config"))
        (root / "landing").mkdir()
        small_council(root / "landing", "2026-11-22T0200")
        result = run_night()
        assert result.success
    assert not (root / "config").exists()  # the night wrote no configuration: the copy needs none
    return root


@pytest.fixture
def night(isolated_warehouse, first_night):
    """A council whose first extract has been loaded and published (this test's own copy of it)."""
    for folder in ("landing", "output"):
        shutil.copytree(first_night / folder, getattr(isolated_warehouse, f"{folder}_dir"), dirs_exist_ok=True,
                        symlinks=True)
    return isolated_warehouse


def test_a_good_night_publishes_the_warehouse_returns_and_status(night):
    status = json.loads((night.output_dir / "status.json").read_text())
    assert status["published_extract_id"] == "2026-11-22T0200"
    assert status["checks_passed"] is True and status["checks"]["passed"] > 0
    assert night.warehouse_path.exists()
    assert (night.warehouse_dir / "analyst_warehouse.duckdb").exists()
    years = sorted(p.name for p in (night.returns_dir / "ssda903").iterdir())
    assert years == ["2024-25", "2025-26", "2026-27-ytd"]
    assert not any((night.output_dir / ".work").iterdir())  # the working copy is gone
    con = duckdb.connect(str(night.warehouse_path), read_only=True)  # analysts open it read-only
    assert con.execute("select extract_id from raw.extract_manifest").fetchone()[0] == "2026-11-22T0200"


def test_the_analyst_warehouse_holds_no_child_identifier_and_every_mart_column_is_classified(night):
    con = duckdb.connect(str(night.warehouse_path), read_only=True)
    columns = con.execute("select table_name, column_name from information_schema.columns "
                          "where table_schema = 'marts'").fetchall()
    from dagster_project.lib.publication.pseudonymisation import load_rules

    rules = load_rules()
    assert [f"{t}.{c}" for t, c in columns if c not in rules] == []
    ids = {r[0] for r in con.execute("select person_id from staging.stg_ssd__persons").fetchall()}
    dobs = {r[0] for r in con.execute("select date_of_birth from staging.stg_ssd__persons "
                                      "where extract(day from date_of_birth) <> 1").fetchall()}
    analyst = duckdb.connect(str(night.warehouse_dir / "analyst_warehouse.duckdb"), read_only=True)
    children = {r[0] for r in analyst.execute("select child from marts.ssda903_header").fetchall()}
    assert children and not (children & ids)
    assert all(len(child) == 16 for child in children)
    born = {r[0] for r in analyst.execute("select dob from marts.ssda903_header").fetchall()}
    assert all(day.day == 1 for day in born) and not (born & dobs)
    postcodes = [r[0] for r in analyst.execute("select home_post from marts.ssda903_episodes "
                                               "where home_post is not null").fetchall()]
    assert postcodes and all(re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]? \d", p) for p in postcodes)
    assert "upn" not in {r[0] for r in analyst.execute("select column_name from information_schema.columns "
                                                        "where table_name = 'ssda903_header'").fetchall()}


@pytest.mark.parametrize("break_it, expected_reason", [
    ("required_table_absent", "ssd_legal_status.csv: not available: the extract has no such file"),
    ("another_council", "is for LA E06000018, but this warehouse is configured for LA E06000015"),
    ("share_written_as_a_percentage", ("settings.csv: row 2, column setting_value: max_quarantined_share must be "
                                       "a share from 0 to 1 (0.05 for 5%), not '5%'")),
])
def test_a_bad_extract_fails_the_night_and_loses_nothing_published(night, break_it, expected_reason):
    published_before = sha256(night.warehouse_path)
    returns_before = sha256(night.returns_dir / "ssda903" / "2025-26" / SAMPLE.file_name("episodes.csv"))
    bad = small_council(night.landing_dir, "2026-11-23T0200", seed=8)
    if break_it == "required_table_absent":
        (bad / "ssd_legal_status.csv").unlink()
    elif break_it == "share_written_as_a_percentage":
        night.config_dir.mkdir(exist_ok=True)
        (night.config_dir / "settings.csv").write_text("setting_name,setting_value\nmax_quarantined_share,5%\n")
    else:
        manifest = json.loads((bad / "manifest.json").read_text())
        (bad / "manifest.json").write_text(json.dumps({**manifest, "la_code": "E06000018"}))
    workspaces_before = sorted(p.name for p in (night.output_dir / ".work").glob("*"))
    result = run_night()
    assert not result.success
    assert sha256(night.warehouse_path) == published_before
    assert sha256(night.returns_dir / "ssda903" / "2025-26" / SAMPLE.file_name("episodes.csv")) == returns_before
    # the raw layer was being written as the tables were read: the refused night's working warehouse is gone
    assert sorted(p.name for p in (night.output_dir / ".work").glob("*")) == workspaces_before
    status = json.loads((night.output_dir / "status.json").read_text())
    assert status["published_extract_id"] == "2026-11-22T0200"
    assert expected_reason in status["last_failure"]["reason"]
    assert status["last_failure"]["published_warehouse_unchanged"] is True


def test_a_run_killed_half_way_leaves_the_publication_intact_and_the_next_run_completes(night):
    published_before = sha256(night.warehouse_path)
    small_council(night.landing_dir, "2026-11-23T0200")  # the same council (another seed would be held)
    process = subprocess.Popen([sys.executable, "-m", "dagster_project.run", "--no-sample"],
                               env=os.environ.copy(), start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # wait until the new run's dbt build is under way in its working copy, then kill it and its dbt
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        runs = [p.parent.name for p in (night.output_dir / ".work").glob("*/warehouse.duckdb")]
        if runs and list(Path("dbt_models/target").glob(f"warehouse_dbt_models-{runs[0][:7]}*/dbt.log")):
            time.sleep(1)
            break
        time.sleep(0.2)
    assert process.poll() is None, "the run finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()

    assert sha256(night.warehouse_path) == published_before
    status = json.loads((night.output_dir / "status.json").read_text())
    assert status["published_extract_id"] == "2026-11-22T0200"

    result = run_night()  # the lock died with the killed process; the next night runs normally
    assert result.success
    status = json.loads((night.output_dir / "status.json").read_text())
    assert status["published_extract_id"] == "2026-11-23T0200"


def test_with_a_key_the_published_files_are_encrypted_at_rest(isolated_warehouse, monkeypatch):
    monkeypatch.setenv("CLA_ENCRYPTION_KEY", "a long passphrase the council keeps in its vault")
    small_council(isolated_warehouse.landing_dir, "2026-11-22T0200")
    assert run_night().success
    for name in ("warehouse.duckdb", "analyst_warehouse.duckdb"):
        path = isolated_warehouse.warehouse_dir / name
        with pytest.raises(duckdb.Error, match="encrypted"):
            duckdb.connect(str(path), read_only=True).execute("select 1 from marts.ssda903_header")
    con = publication.open_published(isolated_warehouse.warehouse_path, os.environ["CLA_ENCRYPTION_KEY"])
    assert con.execute("select count(*) from marts.ssda903_header").fetchone()[0] > 0
    con.close()
    small_council(isolated_warehouse.landing_dir, "2026-11-23T0200")  # the same council: another would be held
    assert run_night().success  # the next night reads the encrypted publication to carry state over
    assert json.loads((isolated_warehouse.output_dir / "status.json").read_text())["encrypted_at_rest"] is True


def test_no_identifier_name_date_of_birth_or_postcode_reaches_dagster_or_run_logs(isolated_warehouse, tmp_path):
    extract = small_council(isolated_warehouse.landing_dir, "2026-11-22T0200")
    (tmp_path / "dagster_home").mkdir()
    instance = dg.DagsterInstance.local_temp(tempdir=str(tmp_path / "dagster_home"))
    result = run_night(instance=instance)
    assert result.success

    with open(extract / "ssd_person.csv", newline="") as f:
        persons = list(csv.DictReader(f))
    ids = {p["pers_person_id"] for p in persons}
    names = {f"{p['pers_forename']} {p['pers_surname']}" for p in persons if p["pers_forename"]}
    dates = set()
    for p in persons:
        for field in ("pers_dob", "pers_expected_dob"):
            day = p[field][:10]
            if day and day != AS_AT:
                dates |= {day, f"{day[8:10]}/{day[5:7]}/{day[:4]}"}
    # dates written in the project's own code (dbt unit-test fixtures, which dbt logs) are not children's
    code_dates = {match for path in Path("dbt_models/models").rglob("*.yml")
                  for match in re.findall(r"\d{4}-\d{2}-\d{2}", path.read_text())}
    dates -= code_dates | {f"{d[8:10]}/{d[5:7]}/{d[:4]}" for d in code_dates}
    postcodes = set()
    for table, column in (("ssd_address", "addr_address_postcode"), ("ssd_cla_placement", "clap_cla_placement_postcode")):
        with open(extract / f"{table}.csv", newline="") as f:
            postcodes |= {row[column] for row in csv.DictReader(f) if row[column]}

    texts = [dg.serialize_value(entry) for entry in instance.all_logs(result.run_id)]
    texts += [path.read_text(errors="replace") for path in Path("dbt_models/target").glob(
        f"warehouse_dbt_models-{result.run_id[:7]}*/dbt.log")]
    texts += [path.read_text(errors="replace") for path in (tmp_path / "dagster_home").rglob("*")
              if path.is_file() and path.suffix in (".log", ".out", ".err", ".txt", ".json")]
    texts.append((isolated_warehouse.output_dir / "status.json").read_text())
    assert len(texts) > 100
    everything = "\n".join(texts)
    found = {
        # whole numbers only: the fraction of a logged timestamp (1795480453.5000958) is not an id
        "ids": sorted(ids & set(re.findall(r"(?<!\d)(?<!\d\.)\d{5,10}(?!\d|\.\d)", everything))),
        "names": sorted(name for name in names if name in everything),
        "dates of birth": sorted(day for day in dates if day in everything),
        "postcodes": sorted(code for code in postcodes if code in everything),
    }
    assert found == {"ids": [], "names": [], "dates of birth": [], "postcodes": []}


def _drop_children(extract: Path, share: float) -> tuple[int, int]:
    """Remove the episodes of a share of the children looked after; returns (removed, children)."""
    path = extract / "ssd_cla_episodes.csv"
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    person = rows[0].index("clae_person_id")
    children = sorted({row[person] for row in rows[1:]})
    gone = set(children[:max(1, int(len(children) * share))])
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([rows[0]] + [row for row in rows[1:] if row[person] not in gone])
    return len(gone), len(children)


def test_refused_and_held_nights_keep_the_published_warehouse_and_say_why_until_acknowledged(night):
    published_before = sha256(night.warehouse_path)
    # a folder with a bad manifest is reported every night and never blocks the others
    bad = night.landing_dir / "2026-11-25T0200"
    bad.mkdir()
    (bad / "manifest.json").write_text("{not json")

    # a night refused: a required table with more than 5% of its rows quarantined
    refused = small_council(night.landing_dir, "2026-11-23T0200")
    reviews = (refused / "ssd_cla_reviews.csv").read_text(encoding="utf-8").splitlines()
    date_column = reviews[0].split(",").index("clar_cla_review_date")
    broken = [reviews[0]] + [",".join(v if i != date_column else "soon" for i, v in enumerate(line.split(",")))
                             if n % 5 == 0 else line for n, line in enumerate(reviews[1:])]
    (refused / "ssd_cla_reviews.csv").write_text("\n".join(broken) + "\n", encoding="utf-8")
    assert not run_night().success
    assert sha256(night.warehouse_path) == published_before
    status = json.loads((night.output_dir / "status.json").read_text())
    assert status["published_extract_id"] == "2026-11-22T0200"
    assert status["last_failure"]["extract_id"] == "2026-11-23T0200"
    assert status["last_failure"]["reason"].startswith("extract 2026-11-23T0200 refused: ssd_cla_reviews.csv: ")
    assert "rows quarantined" in status["last_failure"]["reason"] and "first reasons: " in status["last_failure"]["reason"]
    assert status["bad_extracts"] == [{"extract_id": "2026-11-25T0200", "reason": (
        "manifest.json in extract 2026-11-25T0200 is not valid JSON (line 1, column 2): the extract is not loaded")}]

    # a night held: a tenth of the children looked after vanished
    shutil.rmtree(refused)
    held = small_council(night.landing_dir, "2026-11-24T0200")
    gone, children = _drop_children(held, 0.1)
    assert not run_night().success
    assert sha256(night.warehouse_path) == published_before
    status = json.loads((night.output_dir / "status.json").read_text())
    assert status["published_extract_id"] == "2026-11-22T0200"
    assert status["last_failure"]["extract_id"] == "2026-11-24T0200"
    assert status["last_failure"]["reason"].startswith(
        f"night held, nothing published: {gone} of the {children} children looked after in extract 2026-11-22T0200 "
        "are not in extract 2026-11-24T0200")
    assert status["last_hold"]["counts"]["children_looked_after_vanished"] == gone
    assert len(status["bad_extracts"]) == 1  # still reported

    # the operator acknowledges: published, and status.json records it
    from dagster_project.run import run_warehouse

    assert run_warehouse(instance=dg.DagsterInstance.ephemeral(), acknowledge_changes=True)[0].success
    status = json.loads((night.output_dir / "status.json").read_text())
    assert status["published_extract_id"] == "2026-11-24T0200"
    assert status["last_acknowledged_changes"]["extract_id"] == "2026-11-24T0200"
    assert status["last_acknowledged_changes"]["counts"]["children_looked_after_vanished"] == gone
    con = duckdb.connect(str(night.warehouse_path), read_only=True)
    assert con.execute("select count(*) from raw.extract_changes where change_kind = 'child_looked_after_vanished'"
                       ).fetchone()[0] == gone
