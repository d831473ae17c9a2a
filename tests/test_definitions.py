"""The code location loads, and its asset graph is one connected graph from raw tables through staging."""

import dagster as dg

from dagster_project.lib.ingest.contract import load_contract


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


def test_dbt_tests_are_asset_checks_and_groups_follow_the_flow():
    graph = load_definitions().resolve_asset_graph()
    check_keys = {str(key) for key in graph.asset_check_keys}
    assert any("stg_ssd__persons" in key and "unique_stg_ssd__persons_person_id" in key for key in check_keys)
    assert graph.get(dg.AssetKey(["staging", "stg_ssd__persons"])).group_name == "staging"
    assert graph.get(dg.AssetKey(["reference", "code_mappings"])).group_name == "raw"
    assert graph.get(dg.AssetKey(["raw", "ssd_person"])).group_name == "raw"
    assert graph.get(dg.AssetKey(["intermediate", "int_ssda903_episodes"])).group_name == "ssda903"
    assert graph.get(dg.AssetKey(["marts", "ssda903_header"])).group_name == "ssda903"
    assert graph.get(dg.AssetKey(["marts", "fct_kpi_values"])).group_name == "kpis"
    assert graph.get(dg.AssetKey(["data_quality", "fct_data_quality_findings"])).group_name == "data_quality"
    groups = {node.group_name for node in graph.asset_nodes}
    assert groups == {"raw", "staging", "ssda903", "kpis", "data_quality", "outputs", "publication"}


def test_the_rule_models_read_the_great_expectations_asset_as_a_dbt_source():
    graph = load_definitions().resolve_asset_graph()
    failures = dg.AssetKey(["data_quality", "expectation_failures"])
    assert not graph.get(failures).is_external
    findings = graph.get(dg.AssetKey(["intermediate", "int_quality_findings_expectations"]))
    assert failures in findings.parent_keys
    # and the Great Expectations run waits for the staging tables it checks
    assert dg.AssetKey(["staging", "stg_ssd__persons"]) in graph.get(failures).parent_keys
