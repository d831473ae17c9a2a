"""The one handle on the dbt project. Its manifest is built by `dbt parse` (`make manifest`, and the test
session does it too); `dagster dev` rebuilds it on start."""

from dagster_dbt import DbtProject

from dagster_project.lib.paths import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


def prepare_manifest() -> None:
    """Parse the dbt project so that Dagster can load it (writes dbt_models/target/manifest.json)."""
    dbt_project.preparer.prepare(dbt_project)


if __name__ == "__main__":
    prepare_manifest()
