"""The return's shape is data (seeds/ssda903/ssda903_return_columns.csv): the return marts' enforced dbt
contracts must carry every column of their file, in the file's order, and nothing reads another list."""

import json
from pathlib import Path

from dagster_project.lib.paths import DBT_PROJECT_DIR
from dagster_project.lib.returns.files import RETURN_FILES, files_for_year, load_return_files


def _return_marts() -> dict[str, dict]:
    manifest = json.loads((Path(DBT_PROJECT_DIR) / "target" / "manifest.json").read_text())
    return {node["name"]: node for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["fqn"][1:3] == ["marts", "ssda903_return"]}


def test_every_return_mart_has_an_enforced_contract_with_its_files_columns_in_order():
    marts = _return_marts()
    assert set(marts) == {return_file.mart for return_file in RETURN_FILES}
    for return_file in RETURN_FILES:
        node = marts[return_file.mart]
        assert node["config"]["contract"]["enforced"], return_file.mart
        contract = list(node["columns"])
        assert all(spec.get("data_type") for spec in node["columns"].values()), return_file.mart
        file_columns = [column.name.lower() for column in return_file.all_columns]
        # the mart: collection_year and return_label, then the file's columns in order, then provenance
        assert contract[:2] == ["collection_year", "return_label"], return_file.mart
        assert contract[2:2 + len(file_columns)] == file_columns, return_file.mart


def test_the_seed_gives_each_year_its_files():
    # SWEpisodes is in the return from 2023-24 (the seed's first_collection_year), every other file always
    assert "SWEpisodes" not in {f.name for f in files_for_year("2022-23")}
    assert "SWEpisodes" in {f.name for f in files_for_year("2023-24")}
    assert len(files_for_year("2025-26")) == 11


def test_a_column_that_leaves_the_return_is_not_written_after_its_last_year(tmp_path):
    seed = tmp_path / "columns.csv"
    seed.write_text(
        "table_name,file_name,mart,column_position,column_name,is_date,first_collection_year,last_collection_year\n"
        "Header,header.csv,ssda903_header,1,CHILD,false,,\n"
        "Header,header.csv,ssda903_header,2,OLD,false,,2023-24\n"
        "Header,header.csv,ssda903_header,3,DOB,true,,\n")
    (header,) = load_return_files(seed)
    assert header.columns_for_year("2023-24") == ("CHILD", "OLD", "DOB")
    assert header.columns_for_year("2024-25") == ("CHILD", "DOB")
    assert header.date_columns == ("DOB",)
