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
