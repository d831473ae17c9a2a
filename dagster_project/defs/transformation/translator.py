"""dbt -> Dagster naming, in one place. Groups follow the flow of the night, from the dbt folders, never
from lists of model names."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

# The groups, in the order of the night: raw (the extract and the reference seeds), staging, ssda903 (the
# care history and the return), kpis (the IRO measures and analysts' marts), data_quality, outputs,
# publication. dbt folder (the first one under models/) -> group:
GROUP_OF_FOLDER = {"staging": "staging", "data_quality": "data_quality"}
# intermediate/<folder> and marts/<folder> that derive the care history and the 903 return; the rest
# (iro, kpis) are the KPIs
SSDA903_FOLDERS = {"people", "looked_after", "reporting_periods", "ssda903", "ssda903_return"}


class WarehouseDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        # A source written by a Dagster asset names that asset in its meta (e.g. the Great Expectations
        # failures): the models reading it then depend on that asset.
        if dbt_resource_props["resource_type"] == "source":
            asset_key = dbt_resource_props.get("meta", {}).get("dagster", {}).get("asset_key")
            if asset_key:
                return dg.AssetKey(asset_key)
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "raw"
        # fqn: [project, layer, folder..., model]
        layer, *folders = dbt_resource_props["fqn"][1:-1]
        if layer in GROUP_OF_FOLDER:
            return GROUP_OF_FOLDER[layer]
        return "ssda903" if folders and folders[0] in SSDA903_FOLDERS else "kpis"
