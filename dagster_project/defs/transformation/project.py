"""The one handle on the dbt project. Its manifest is built by `dbt parse` (`make manifest`, and the test
session does it too); `dagster dev` rebuilds it on start."""

import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from dagster_project.lib.paths import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


def dbt_executable() -> str:
    """The dbt installed beside this Python, so a service started without the virtual environment on
    its PATH (a Windows service, cron, an absolute path to the venv's python) still finds it."""
    beside = Path(sys.executable).parent / ("dbt.exe" if sys.platform == "win32" else "dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def prepare_manifest() -> None:
    """Parse the dbt project so that Dagster can load it (writes dbt_models/target/manifest.json)."""
    from dagster_dbt import DbtCliResource

    DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()).cli(
        ["parse", "--quiet"], target_path=Path(dbt_project.project_dir) / "target").wait()


def prepare_manifest_if_stale() -> None:
    """Parse again only when a model, macro, seed or project file is newer than the manifest."""
    from dagster_project.lib.paths import SEEDS_DIR

    manifest = Path(dbt_project.manifest_path)
    sources = [Path(dbt_project.project_dir) / "dbt_project.yml"]
    for folder in ("models", "macros", "snapshots", "tests"):
        sources += [p for p in (Path(dbt_project.project_dir) / folder).rglob("*") if p.is_file()]
    sources += [p for p in SEEDS_DIR.rglob("*") if p.is_file()]
    if not manifest.exists() or max(p.stat().st_mtime for p in sources) > manifest.stat().st_mtime:
        prepare_manifest()


if __name__ == "__main__":
    prepare_manifest()


def mart_asset_keys() -> list:
    """Asset keys of every dbt model in the marts layer (from the manifest, so new marts are included)."""
    import json

    import dagster as dg

    manifest = json.loads(Path(dbt_project.manifest_path).read_text())
    return sorted(
        (dg.AssetKey(["marts", node["name"]]) for node in manifest["nodes"].values()
         if node["resource_type"] == "model" and node["fqn"][1] == "marts"),
        key=lambda key: key.path,
    )
