import shutil
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from dagster_project.defs.transformation.project import dbt_project


def dbt_executable() -> str:
    """The dbt installed beside this Python, so a service started without the virtual environment on
    its PATH (a Windows service, cron, an absolute path to the venv's python) still finds it."""
    beside = Path(sys.executable).parent / ("dbt.exe" if sys.platform == "win32" else "dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())})
