import dagster as dg
from dagster_dbt import DbtCliResource

from dagster_project.defs.transformation.project import dbt_executable, dbt_project
from dagster_project.lib.settings import dbt_target


@dg.definitions
def resources() -> dg.Definitions:
    # CLA_ENGINE picks the profiles.yml target (lib/settings.py): the DuckDB file or a Spark Thrift server
    return dg.Definitions(resources={"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable(),
                                                           target=dbt_target())})
