"""CLA_ENGINE chooses the dbt target every dbt invocation of the night uses (lib/settings.py)."""

import pytest

from dagster_project.lib.settings import Settings, dbt_target


def test_duckdb_is_the_default(monkeypatch):
    monkeypatch.delenv("CLA_ENGINE", raising=False)
    assert dbt_target() == "warehouse"
    assert Settings.from_environment().engine == "duckdb"


def test_spark_selects_the_spark_target(monkeypatch):
    monkeypatch.setenv("CLA_ENGINE", "Spark")
    assert dbt_target() == "spark"
    assert Settings.from_environment().dbt_target == "spark"


def test_the_dbt_resource_runs_the_chosen_target(monkeypatch):
    from dagster_project.defs.transformation.resources import resources

    monkeypatch.setenv("CLA_ENGINE", "spark")
    assert resources().resources["dbt"].target == "spark"
    monkeypatch.setenv("CLA_ENGINE", "duckdb")
    assert resources().resources["dbt"].target == "warehouse"


def test_an_unknown_engine_is_refused_naming_the_choices(monkeypatch):
    monkeypatch.setenv("CLA_ENGINE", "trino")
    with pytest.raises(ValueError, match="duckdb, spark"):
        dbt_target()


def test_the_warehouse_resource_knows_the_engine(monkeypatch):
    from dagster_project.lib.resources import WarehouseResource

    monkeypatch.setenv("CLA_ENGINE", "spark")
    assert WarehouseResource.from_settings().engine == "spark"


# --- the night on Spark (lib/engine/spark_night.py): the parts that need no server --------------------

def test_a_night_on_spark_builds_into_schemas_named_after_its_run():
    from dagster_project.lib.engine import spark_night

    assert spark_night.run_suffix("f0b9dcd4-7830-4a38-bb1c-ec6e09533c57") == "_rf0b9dcd4"
    assert spark_night.dbt_vars("f0b9dcd4-7830-4a38-bb1c-ec6e09533c57") == [
        "--vars", '{"cla_run_suffix": "_rf0b9dcd4"}']
    with pytest.raises(ValueError):
        spark_night.run_suffix("not-a-run")


def test_each_dbt_step_mirrors_what_it_builds_and_only_that():
    import json

    from dagster_project.lib.engine import spark_night
    from dagster_project.lib.paths import DBT_PROJECT_DIR

    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    warehouse_step = spark_night.step_relations(manifest, data_quality=False)
    quality_step = spark_night.step_relations(manifest, data_quality=True)
    assert {("marts", "fct_kpi_values"), ("staging", "stg_ssd__persons"),
            ("reference", "ssda903_placement_types")} <= warehouse_step
    assert {("data_quality", "fct_data_quality_findings"), ("tracking", "data_quality_finding_history"),
            ("tracking", "data_quality_nights")} <= quality_step
    assert not warehouse_step & quality_step
    # the two incrementals, partitioned on Spark by their unique keys (their models' config)
    assert spark_night.incremental_partitions(manifest) == {
        "data_quality_finding_history": ["finding_key"], "data_quality_nights": ["extract_id"]}


def test_an_encryption_key_on_spark_stops_the_night_before_dbt_saying_why(monkeypatch, tmp_path):
    import dagster as dg

    from dagster_project.defs.transformation.assets import before_dbt_on_engine
    from dagster_project.lib.resources import WarehouseResource

    monkeypatch.setenv("CLA_ENGINE", "spark")
    monkeypatch.setenv("CLA_ENCRYPTION_KEY", "a-key")
    monkeypatch.setenv("CLA_OUTPUT_DIR", str(tmp_path))
    with pytest.raises(dg.Failure, match="platform's storage"):
        before_dbt_on_engine(WarehouseResource.from_settings(), context=None, data_quality=False)
