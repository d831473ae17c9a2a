"""The code location loads, and its asset graph is one connected graph from raw tables through staging."""

import dagster as dg

from dagster_project.lib.contract import load_contract


def load_definitions() -> dg.Definitions:
    from dagster_project.definitions import defs

    return defs()


def test_definitions_load_and_validate():
    definitions = load_definitions()
    dg.Definitions.validate_loadable(definitions)
    assert definitions.resolve_job_def("warehouse_job") is not None


def test_every_contract_table_is_a_raw_asset_feeding_its_staging_model():
    graph = load_definitions().resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    for table in load_contract():
        assert f"raw/{table}" in keys
    # staging depends on raw: one connected graph, not two islands
    persons = graph.get(dg.AssetKey(["staging", "stg_ssd__persons"]))
    assert dg.AssetKey(["raw", "ssd_person"]) in persons.parent_keys
    episodes = graph.get(dg.AssetKey(["staging", "stg_ssd__looked_after_episodes"]))
    assert dg.AssetKey(["staging", "stg_reference__code_mappings"]) in episodes.parent_keys


def test_dbt_tests_are_asset_checks_and_groups_come_from_folders():
    graph = load_definitions().resolve_asset_graph()
    check_keys = {str(key) for key in graph.asset_check_keys}
    assert any("stg_ssd__persons" in key and "unique_stg_ssd__persons_person_id" in key for key in check_keys)
    assert graph.get(dg.AssetKey(["staging", "stg_ssd__persons"])).group_name == "staging_ssd"
    assert graph.get(dg.AssetKey(["reference", "code_mappings"])).group_name == "reference"
    assert graph.get(dg.AssetKey(["raw", "ssd_person"])).group_name == "raw"
