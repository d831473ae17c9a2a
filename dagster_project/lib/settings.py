"""Locations and council settings, read from the environment with working defaults.

Every path can be overridden, so a council can point the warehouse at its own shares:

| variable | default | what |
|---|---|---|
| `CLA_LANDING_DIR` | `landing/` | where extracts arrive, one folder per extract |
| `CLA_OUTPUT_DIR` | `output/` | parent of the folders below |
| `CLA_WAREHOUSE_DIR` | `output/warehouse/` | the DuckDB warehouse |
| `CLA_RETURNS_DIR` | `output/returns/` | DfE return files |
| `CLA_REPORTS_DIR` | `output/reports/` | IRO annual reports |
| `CLA_DATA_QUALITY_DIR` | `output/data_quality/` | data-quality reports and worklists |
| `CLA_HISTORY_DIR` | `output/history/` | every extract loaded, as Parquet (see lib/ingest/history.py) |
| `CLA_HISTORY_RETENTION_DAYS` | `400` | how long the raw history keeps an extract (the newest is always kept) |
| `CLA_LA_CODE` | `E06000015` | the council's 9-character ONS code (any English council in seeds/reference/councils.csv); an extract for another LA is refused |
| `CLA_CONFIG_DIR` | `config/` | the council's own configuration: code mappings, settings, postcode directory (see config.example/) |
| `CLA_ENCRYPTION_KEY` | (none) | when set, the published DuckDB files are encrypted with it |
| `CLA_PSEUDONYMISATION_KEY` | (generated) | key of the hash that replaces child ids in the analyst warehouse |
| `CLA_DUCKDB_MEMORY_LIMIT` | a quarter of the machine's memory | DuckDB's memory limit for the night; it spills to disk beyond it (lib/engine/duckdb_limits.py) |
| `CLA_ENGINE` | `duckdb` | where dbt builds: `duckdb` (the embedded file) or `spark` (a Thrift server: `CLA_SPARK_HOST`, `CLA_SPARK_PORT`, `CLA_SPARK_SCHEMA`) |

Relative paths are taken from the project root, not the working directory, so `make run`, `dagster dev`
and the tests agree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dagster_project.lib.configuration.councils import council_for
from dagster_project.lib.paths import PROJECT_ROOT

# CLA_ENGINE -> the target of dbt_models/profiles.yml that every dbt invocation uses
DBT_TARGET_OF_ENGINE = {"duckdb": "warehouse", "spark": "spark"}


def engine_from_environment() -> str:
    """The engine named by CLA_ENGINE (default duckdb); anything else is refused, naming the choices."""
    engine = (os.environ.get("CLA_ENGINE") or "duckdb").strip().lower()
    if engine not in DBT_TARGET_OF_ENGINE:
        raise ValueError(f"CLA_ENGINE={engine!r} is not an engine this warehouse runs on: "
                         f"choose one of {', '.join(sorted(DBT_TARGET_OF_ENGINE))}")
    return engine


def dbt_target() -> str:
    """The dbt target for the engine CLA_ENGINE selects: the one place that choice is made."""
    return DBT_TARGET_OF_ENGINE[engine_from_environment()]


def _path(variable: str, default: Path) -> Path:
    value = os.environ.get(variable)
    path = Path(value) if value else default
    return path if path.is_absolute() else PROJECT_ROOT / path


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    output_dir: Path
    warehouse_dir: Path
    returns_dir: Path
    reports_dir: Path
    data_quality_dir: Path
    history_dir: Path
    la_code: str
    config_dir: Path
    engine: str = "duckdb"

    @property
    def dbt_target(self) -> str:
        return DBT_TARGET_OF_ENGINE[self.engine]

    @property
    def warehouse_path(self) -> Path:
        """The warehouse file the pipeline writes."""
        return self.warehouse_dir / "warehouse.duckdb"

    @classmethod
    def from_environment(cls) -> Settings:
        output_dir = _path("CLA_OUTPUT_DIR", PROJECT_ROOT / "output")
        return cls(
            landing_dir=_path("CLA_LANDING_DIR", PROJECT_ROOT / "landing"),
            output_dir=output_dir,
            warehouse_dir=_path("CLA_WAREHOUSE_DIR", output_dir / "warehouse"),
            returns_dir=_path("CLA_RETURNS_DIR", output_dir / "returns"),
            reports_dir=_path("CLA_REPORTS_DIR", output_dir / "reports"),
            data_quality_dir=_path("CLA_DATA_QUALITY_DIR", output_dir / "data_quality"),
            history_dir=_path("CLA_HISTORY_DIR", output_dir / "history"),
            # an unknown code is refused here, naming the nearest councils, before anything is loaded
            la_code=council_for(os.environ.get("CLA_LA_CODE", "E06000015")).la_code,
            config_dir=_path("CLA_CONFIG_DIR", PROJECT_ROOT / "config"),
            engine=engine_from_environment(),
        )

    def output_locations(self) -> dict[str, Path]:
        return {
            "warehouse": self.warehouse_path,
            "return files": self.returns_dir,
            "reports": self.reports_dir,
            "data-quality reports": self.data_quality_dir,
            "status of the last run": self.output_dir / "status.json",
        }
