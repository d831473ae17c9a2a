"""dbt -> Dagster naming, in one place. Groups come from the dbt folders, never from lists of model names."""

from collections.abc import Mapping
from typing import Any

from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings


class WarehouseDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        # fqn: [project, layer, folder..., model] -> "staging_ssd", "intermediate_ssda903", "marts_iro"
        folders = dbt_resource_props["fqn"][1:-1]
        return "_".join(folders) if folders else None
