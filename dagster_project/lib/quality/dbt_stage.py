"""The data-quality models as their own dbt stage.

The rule models (dbt_models/models/intermediate/data_quality, marts/data_quality) read the failing rows
the Great Expectations check writes after the staging models are built, so they cannot run in the
nightly ``dbt build`` of everything else: they run after that check, in a second dbt invocation. Each of
them is enabled only when the dbt var ``data_quality_stage`` is true, so the main manifest (and the main
build) never contains them, and this stage parses its own manifest with the var set, into its own target
folder. Nothing else differs: same project, profile, warehouse file and translator.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dagster_project.lib.paths import DBT_PROJECT_DIR, SEEDS_DIR

STAGE_VARS = json.dumps({"data_quality_stage": True})
TARGET_DIR = DBT_PROJECT_DIR / "target" / "data_quality"
MANIFEST_PATH = TARGET_DIR / "manifest.json"
# the dbt selection of the stage: every model, test and snapshot under these folders
SELECTION = "fqn:cla_warehouse.intermediate.data_quality fqn:cla_warehouse.marts.data_quality"


def _sources() -> list[Path]:
    files = [DBT_PROJECT_DIR / "dbt_project.yml"]
    for folder in ("models", "macros", "snapshots", "tests"):
        files += [p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file()]
    return files + [p for p in SEEDS_DIR.rglob("*") if p.is_file()]


def manifest_is_stale() -> bool:
    if not MANIFEST_PATH.exists():
        return True
    built = MANIFEST_PATH.stat().st_mtime
    return max(p.stat().st_mtime for p in _sources()) > built


def prepare_manifest() -> Path:
    """`dbt parse` with the stage's var into target/data_quality (a few seconds)."""
    TARGET_DIR.mkdir(parents=True, exist_ok=True)
    dbt = Path(sys.executable).with_name("dbt")
    command = [str(dbt) if dbt.exists() else "dbt", "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
               "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(TARGET_DIR), "--vars", STAGE_VARS]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=DBT_PROJECT_DIR, check=False)
    if completed.returncode != 0 or not MANIFEST_PATH.exists():
        raise RuntimeError("dbt parse of the data-quality stage failed:\n" + completed.stdout[-4000:]
                           + completed.stderr[-4000:])
    return MANIFEST_PATH


def prepare_manifest_if_stale() -> Path:
    return prepare_manifest() if manifest_is_stale() else MANIFEST_PATH


if __name__ == "__main__":
    print(prepare_manifest())
