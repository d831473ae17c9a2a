"""Any English council by its code alone: with only CLA_LA_CODE changed, the sample council is generated
for that council and every output names it and uses its population (an end-to-end run each for Kirklees,
York and a London borough, Camden)."""

import json

import dagster as dg
import duckdb
import pytest

from dagster_project.lib.data_label import SyntheticLabel

KIRKLEES = "E08000034"
# ONS mid-2024 children aged 0-17 (ons_mid-year_population_estimates_2012_to_2024.csv, read by hand): the
# denominator for the years ending 31 March 2025 and, the latest published, 31 March 2026
CHILDREN_AGED_0_TO_17_MID_2024 = {"E08000034": 99_822, "E06000014": 34_758, "E09000007": 35_276}


@pytest.mark.parametrize("code, name, old_code", [("E06000014", "York", "816"), ("E09000007", "Camden", "202"),
                                                  (KIRKLEES, "Kirklees", "382")])
def test_the_sample_council_is_the_configured_council(monkeypatch, code, name, old_code):
    from dagster_project.synth.reference import council

    monkeypatch.setenv("CLA_LA_CODE", code)
    assert council() == type(council())(code, name, old_code)


@pytest.mark.slow
@pytest.mark.parametrize("code, name", [(KIRKLEES, "Kirklees"), ("E06000014", "York"), ("E09000007", "Camden")])
def test_a_council_by_its_code_alone(tmp_path, code, name):
    from dagster_project.lib.settings import Settings
    from dagster_project.run import run_warehouse
    from dagster_project.synth import generate

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLA_LANDING_DIR", str(tmp_path / "landing"))
        patch.setenv("CLA_OUTPUT_DIR", str(tmp_path / "output"))
        patch.setenv("CLA_CONFIG_DIR", str(tmp_path / "config"))
        for variable in ("CLA_WAREHOUSE_DIR", "CLA_RETURNS_DIR", "CLA_REPORTS_DIR", "CLA_DATA_QUALITY_DIR",
                         "CLA_ENCRYPTION_KEY"):
            patch.delenv(variable, raising=False)
        patch.setenv("CLA_LA_CODE", code)  # the only change
        settings = Settings.from_environment()
        folder = generate(out=settings.landing_dir, as_at="2026-11-23", children=60, years=2, seed=5,
                          style="liquid_logic")
        results = run_warehouse(instance=dg.DagsterInstance.ephemeral())
        assert all(result.success for result in results)

    manifest = json.loads((folder / "manifest.json").read_text())
    assert (manifest["la_code"], manifest["la_name"], manifest["synthetic"]) == (code, name, True)
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        assert con.execute("select la_code, la_name, is_synthetic from staging.stg_extract__manifests").fetchone() \
            == (code, name, True)
        denominator = con.execute(
            "select denominator from marts.fct_kpi_values where period_id = '2025-26' "
            "and measure_id = 'A2.rate_per_10000' and breakdown_name = 'total'").fetchone()[0]
        assert denominator == CHILDREN_AGED_0_TO_17_MID_2024[code]
    finally:
        con.close()
    # the sample council says it is synthetic, naming the council (lib/data_label.py)
    label = SyntheticLabel(name)
    report = (settings.reports_dir / "2025-26" / label.file_name("iro-annual-report-2025-26.html")).read_text(
        encoding="utf-8")
    assert name in report and "Derby" not in report
    assert f"synthetic data: not {name}&#x27;s figures" in report
    # the DfE return is filed under the council's code
    assert (settings.returns_dir / "ssda903" / "2025-26" / label.file_name(f"ssda903_{code}_2025-26.zip")).exists()
