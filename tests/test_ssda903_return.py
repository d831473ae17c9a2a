"""The SSDA903 return for the default synthetic council, end to end: generated extract -> Dagster -> dbt
-> return files, checked by the DfE's public validator and against what the generator simulated.

Slow (a few minutes): one pipeline run per code style, shared by the tests of that style.
"""

import csv
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.lib.data_label import SyntheticLabel
from dagster_project.lib.paths import SEEDS_DIR
from dagster_project.lib.returns.files import RETURN_FILES
from dagster_project.lib.settings import Settings
from tests.conftest import DEFAULT_COUNCIL_AS_AT, copy_of_default_council, warehouse_at
from tests.tooling.dfe_validator import run_validator, unexplained_crashes, unexplained_errors

# shared_build: these modules take their copies of the session's default-council build (tests/conftest.py)
pytestmark = [pytest.mark.slow, pytest.mark.shared_build("default-council")]

AS_AT = DEFAULT_COUNCIL_AS_AT  # the session's build of the default council (conftest.py)
YEARS = ["2023-24", "2024-25", "2025-26"]
POSTCODES = SEEDS_DIR / "reference" / "postcodes.csv"
# the sample council's files say they are synthetic in their names (lib/data_label.py)
SAMPLE = SyntheticLabel("Derby")


@pytest.fixture(scope="module", params=["liquid_logic", "codes"])
def council(request, tmp_path_factory):
    """The default council (about 500 in care, 6 years) in one code style, through the whole pipeline."""
    from dagster_project.run import run_warehouse
    from dagster_project.synth import generate

    root = tmp_path_factory.mktemp(f"council-{request.param}")
    if request.param == "liquid_logic":
        # the default council in its default style: a copy of the session's build (conftest.py), then the
        # further collection years, as run_warehouse(return_years=YEARS) writes them after the nightly job
        from dagster_project.run import load_definitions

        instance = copy_of_default_council(request.getfixturevalue("default_council_build"), root)
        with warehouse_at(root):
            settings = Settings.from_environment()
            extract = next(p for p in settings.landing_dir.iterdir() if p.is_dir())
            returns_job = load_definitions().resolve_job_def("ssda903_returns_job")
            for year in YEARS:
                result = returns_job.execute_in_process(instance=instance, partition_key=year,
                                                        raise_on_error=False)
                assert result.success, year
            yield {"style": request.param, "settings": settings, "extract": extract,
                   "returns": settings.returns_dir / "ssda903"}
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLA_LANDING_DIR", str(root / "landing"))
        patch.setenv("CLA_OUTPUT_DIR", str(root / "output"))
        for variable in ("CLA_WAREHOUSE_DIR", "CLA_RETURNS_DIR", "CLA_REPORTS_DIR", "CLA_DATA_QUALITY_DIR"):
            patch.delenv(variable, raising=False)
        settings = Settings.from_environment()
        extract = generate(out=settings.landing_dir, as_at=AS_AT, seed=42, style=request.param)
        results = run_warehouse(instance=dg.DagsterInstance.ephemeral(), return_years=YEARS)
        assert all(result.success for result in results)
        yield {"style": request.param, "settings": settings, "extract": Path(extract),
               "returns": settings.returns_dir / "ssda903"}


@pytest.mark.validator
@pytest.mark.parametrize("year, previous_year", [("2024-25", "2023-24"), ("2025-26", "2024-25")])
def test_the_dfe_validator_finds_nothing_beyond_its_known_defects(council, year, previous_year):
    result = run_validator(council["returns"] / year, year, "E06000015",
                           previous_year_dir=council["returns"] / previous_year)
    assert set(result.tables_loaded) >= {"Header", "Episodes", "Reviews", "UASC", "OC2", "OC3", "AD1",
                                         "PlacedAdoption", "PrevPerm", "Missing", "SWEpisodes",
                                         "Header_last", "Episodes_last"}
    assert unexplained_crashes(result, year) == []
    assert unexplained_errors(result, year) == {}
    _known_defect_rows_are_the_defects(result, council["returns"] / year)
    # the episode chain rules ran, and fired for nobody
    for rule in ["355", "356", "357", "388", "431", "432", "433", "434", "435", "436", "501", "502", "503A", "504"]:
        assert rule in result.rules_run and rule not in result.errors_by_rule


def _known_defect_rows_are_the_defects(result, folder: Path) -> None:
    """A listed defect hides every error of its rule: check the rows it hides are the defect's, not real errors."""
    def rows(name):
        with open(folder / SAMPLE.file_name(name), newline="") as f:
            return list(csv.DictReader(f))

    episodes = rows("episodes.csv")
    with open(POSTCODES, newline="") as f:
        council_of = {row["postcode"]: row["utla_code"] for row in csv.DictReader(f)}
    for row in result.errors_for("218").itertuples():
        assert episodes[row.row_index]["LS"] in ("V3", "V4"), "218 on a placement that is not a short break"
    for row in result.errors_for("241").itertuples():
        episode = episodes[row.row_index]
        assert episode["PLACE"] == "K3" and council_of.get(episode["PL_POST"]) != "E06000015", \
            "241 on a placement that is not an out-of-area K3"
    # 187 and 191 (validator defects): only on a child whose care ended on the last day of the year
    year_end = "31/03/" + folder.name[:2] + folder.name[-2:]
    left_on_year_end = {e["CHILD"] for e in episodes if e["DEC"] == year_end and e["REC"] not in ("", "X1")}
    adopted_on_year_end = {e["CHILD"] for e in episodes if e["DEC"] == year_end and e["REC"] in ("E11", "E12")}
    for row in result.errors_for("187").itertuples():
        assert row.table == "AD1" and row.child_id in adopted_on_year_end, "187 on a child not adopted on 31 March"
    for row in result.errors_for("191").itertuples():
        assert row.table == "Episodes" and row.child_id in left_on_year_end, "191 on a child still in care"


def test_every_return_file_has_exactly_the_validators_columns_and_dfe_dates(council):
    folder = council["returns"] / "2025-26"
    for return_file in RETURN_FILES:
        with open(folder / SAMPLE.file_name(return_file.file_name), newline="") as f:
            rows = list(csv.reader(f))
        assert tuple(rows[0]) == return_file.columns, return_file.file_name
        assert len(rows) > 1, f"{return_file.file_name} is empty for the default council"
        for column in return_file.date_columns:
            index = rows[0].index(column)
            for row in rows[1:]:
                value = row[index]
                assert value == "" or (len(value) == 10 and value[2] == "/" and value[5] == "/"), (column, value)
    assert (folder / SAMPLE.file_name("ssda903_E06000015_2025-26.zip")).exists()


def test_derived_episode_history_equals_what_was_simulated(council):
    """Independent check: every 903 episode the warehouse derives from the SSD tables is the episode the
    generator simulated, field by field, and none is missed (for periods of care inside the extract)."""
    con = duckdb.connect(str(council["settings"].warehouse_path), read_only=True)
    truth = council["extract"] / "_truth" / "episodes.csv"
    differences = con.execute(f"""
        with simulated as (
            select * from read_csv('{truth}', all_varchar = true)
        ),
        -- the extract holds every period of care still running when its 6 years of history begin
        periods_in_extract as (
            select period_of_care_id
            from simulated
            group by period_of_care_id
            having bool_or(nullif(DEC, '') is null)
                or max(cast(nullif(DEC, '') as date)) >= cast('{AS_AT}' as date) - interval 6 year
        ),
        truth as (
            select * from simulated
            where period_of_care_id in (select period_of_care_id from periods_in_extract)
        ),
        derived as (select * from intermediate.int_ssda903_episodes)
        select
            count(*) filter (where derived.person_id is null) as not_derived,
            count(*) filter (where truth.CHILD is null) as not_simulated,
            count(*) filter (where truth.RNE is distinct from derived.reason_new_episode_code) as rne,
            count(*) filter (where truth.LS is distinct from derived.legal_status_code) as ls,
            count(*) filter (where truth.CIN is distinct from derived.category_of_need_code) as cin,
            count(*) filter (where truth.PLACE is distinct from derived.placement_type_code
                and not (derived.placement_type_code = 'T0' and truth.PLACE like 'T%')) as place,
            count(*) filter (where nullif(truth.PLACE_PROVIDER, '') is distinct from derived.provider_code) as provider,
            count(*) filter (where cast(nullif(truth.DEC, '') as date) is distinct from derived.dec) as dec,
            count(*) filter (where nullif(truth.REC, '') is distinct from derived.reason_episode_ceased_code) as rec,
            count(*) filter (where nullif(truth.REASON_PLACE_CHANGE, '') is distinct from derived.reason_place_change_code)
                as reason_place_change,
            count(*) filter (where truth.LS not in ('V3', 'V4')
                and nullif(truth.URN, '') is distinct from derived.urn) as urn
        from truth
        full outer join derived
            on truth.CHILD = derived.person_id and cast(truth.DECOM as date) = derived.decom
    """).df().iloc[0].to_dict()
    assert differences == {name: 0 for name in differences}


def test_an_episode_open_across_31_march_carries_over_with_its_start_date(council):
    con = duckdb.connect(str(council["settings"].warehouse_path), read_only=True)
    carried = con.execute("""
        select last_year.child, last_year.decom, this_year.dec
        from marts.ssda903_episodes as last_year
        inner join marts.ssda903_episodes as this_year
            on last_year.child = this_year.child and last_year.decom = this_year.decom
        where last_year.collection_year = '2024-25' and this_year.collection_year = '2025-26'
            and last_year.dec is null
    """).fetchall()
    assert len(carried) > 100
    starts_before = [decom for _, decom, _ in carried if str(decom) < "2025-04-01"]
    assert len(starts_before) == len(carried)


def test_both_code_styles_reach_staging_with_every_local_value_mapped(council):
    """Liquid Logic description texts and DfE codes both arrive in staging as DfE codes: every value of
    every mapped column finds its row in the mappings that apply to the extract."""
    from dagster_project.lib.ingest.contract import load_contract

    con = duckdb.connect(str(council["settings"].warehouse_path), read_only=True)
    gaps = {}
    for table in load_contract().values():
        for column in (c for c in table.columns if c.kind == "mapped"):
            unmapped = con.execute(
                f'select count(*) from raw."{table.name}" as recorded '
                "left join staging.stg_reference__code_mappings as mappings "
                f'on mappings.domain = ? and mappings.lookup_key = upper(trim(recorded."{column.name}")) '
                f'where recorded."{column.name}" is not null and mappings.code is null',
                [column.mapping_domain]).fetchone()[0]
            if unmapped:
                gaps[f"{table.name}.{column.name}"] = unmapped
    assert gaps == {}
    # and the staging models expose the codes: e.g. every legal status recorded has its LS code
    assert con.execute("select count(*) from staging.stg_ssd__legal_statuses "
                       "where legal_status_as_recorded is not null and legal_status_code is null").fetchone()[0] == 0


def _complete_years(as_at: str) -> list[str]:
    """The latest collection year that has ended by the extract date, and the one before it."""
    year, month = int(as_at[:4]), int(as_at[5:7])
    end = year if month >= 4 else year - 1
    return [f"{end - 2}-{str(end - 1)[2:]}", f"{end - 1}-{str(end)[2:]}"]


# The year-end edges move with the extract date: an extract taken in December (the one that showed 187 on a
# child adopted on 31 March), two days after a year ends, and two days before (the latest complete year is then
# the one before). One pipeline run each, only the two years the validator needs.
@pytest.fixture(scope="module", params=[("codes", "2026-12-04"), ("liquid_logic", "2026-04-02"),
                                        ("codes", "2026-03-30")], ids=lambda p: p[1])
def council_on_another_day(request, tmp_path_factory):
    from dagster_project.run import run_warehouse
    from dagster_project.synth import generate

    style, as_at = request.param
    years = _complete_years(as_at)
    root = tmp_path_factory.mktemp(f"council-{as_at}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLA_LANDING_DIR", str(root / "landing"))
        patch.setenv("CLA_OUTPUT_DIR", str(root / "output"))
        for variable in ("CLA_WAREHOUSE_DIR", "CLA_RETURNS_DIR", "CLA_REPORTS_DIR", "CLA_DATA_QUALITY_DIR"):
            patch.delenv(variable, raising=False)
        settings = Settings.from_environment()
        generate(out=settings.landing_dir, as_at=as_at, seed=42, style=style)
        results = run_warehouse(instance=dg.DagsterInstance.ephemeral(), return_years=years)
        assert all(result.success for result in results)
        yield {"years": years, "returns": settings.returns_dir / "ssda903"}


def test_complete_years_follow_the_extract_date():
    assert _complete_years("2026-12-04") == ["2024-25", "2025-26"]
    assert _complete_years("2026-04-02") == ["2024-25", "2025-26"]
    assert _complete_years("2026-03-30") == ["2023-24", "2024-25"]


@pytest.mark.validator
def test_the_dfe_validator_finds_nothing_beyond_its_known_defects_on_other_days(council_on_another_day):
    previous_year, year = council_on_another_day["years"]
    returns = council_on_another_day["returns"]
    result = run_validator(returns / year, year, "E06000015", previous_year_dir=returns / previous_year)
    assert unexplained_crashes(result, year) == []
    assert unexplained_errors(result, year) == {}
    _known_defect_rows_are_the_defects(result, returns / year)
