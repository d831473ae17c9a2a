"""The dbt project's shape, read from its manifest (parsed once per session by conftest's dbt_manifest):
every model documented and tested, layers that mean what they say, nothing switched off by a variable."""

import json
from pathlib import Path

import pytest

from dagster_project.lib.paths import DBT_PROJECT_DIR


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((Path(DBT_PROJECT_DIR) / "target" / "manifest.json").read_text())


def _models(manifest: dict) -> dict[str, dict]:
    return {unique_id: node for unique_id, node in manifest["nodes"].items() if node["resource_type"] == "model"}


def _layer(node: dict) -> str:
    """staging, intermediate, marts or data_quality: the folder under models/."""
    return node["fqn"][1]


def test_every_model_has_a_description_stating_its_grain(manifest):
    missing = [node["name"] for node in _models(manifest).values() if not node["description"].strip()]
    assert not missing, f"models without a description: {sorted(missing)}"
    without_grain = [node["name"] for node in _models(manifest).values()
                     if not node["description"].lstrip().lower().startswith("one row per")]
    assert not without_grain, f"descriptions that do not start with the grain ('One row per ...'): {sorted(without_grain)}"


def test_every_model_column_is_described(manifest):
    undescribed = [f"{node['name']}.{column}" for node in _models(manifest).values()
                   for column, spec in node["columns"].items() if not spec.get("description", "").strip()]
    assert not undescribed, f"columns without a description: {sorted(undescribed)}"


def test_every_model_has_a_data_test_or_a_unit_test(manifest):
    tested = set()
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test":
            tested.update(node["depends_on"]["nodes"])
    for unit_test in manifest.get("unit_tests", {}).values():
        tested.update(unit_test["depends_on"]["nodes"])
    untested = [node["name"] for unique_id, node in _models(manifest).items() if unique_id not in tested]
    assert not untested, f"models with neither a data test nor a unit test: {sorted(untested)}"


def test_no_intermediate_model_reads_a_mart(manifest):
    models = _models(manifest)
    wrong = [f"{node['name']} reads {models[parent]['name']}" for node in models.values()
             if node["name"].startswith("int_")
             for parent in node["depends_on"]["nodes"] if parent in models and _layer(models[parent]) == "marts"]
    assert not wrong, wrong


def test_marts_read_intermediate_models_not_staging(manifest):
    models = _models(manifest)
    wrong = [f"{node['name']} reads {models[parent]['name']}" for node in models.values() if _layer(node) == "marts"
             for parent in node["depends_on"]["nodes"] if parent in models and _layer(models[parent]) == "staging"]
    assert not wrong, wrong


def test_analyst_marts_are_facts_or_dimensions_and_return_marts_keep_their_dfe_names(manifest):
    for node in _models(manifest).values():
        if _layer(node) != "marts":
            continue
        if node["fqn"][2] == "ssda903_return":
            assert node["name"].startswith("ssda903_"), node["name"]
        else:
            assert node["name"].startswith(("fct_", "dim_")), node["name"]


def test_no_model_is_disabled_or_switched_by_a_variable(manifest):
    disabled = [nodes[0]["name"] for nodes in manifest.get("disabled", {}).values()
                if nodes and nodes[0]["resource_type"] == "model"]
    assert not disabled, f"disabled models: {disabled}"
    switched = [node["name"] for node in _models(manifest).values()
                if "enabled" in node["raw_code"] and "var(" in node["raw_code"]]
    assert not switched, f"models enabled by a variable: {switched}"
