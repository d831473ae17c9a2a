"""The warehouse resource: where things are, and connections to the DuckDB file."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb

from dagster_project.lib.settings import Settings


class WarehouseResource(dg.ConfigurableResource):
    """Paths and council settings for one warehouse. Defaults come from the environment (lib/settings.py)."""

    landing_dir: str
    warehouse_dir: str
    returns_dir: str
    reports_dir: str
    data_quality_dir: str
    la_code: str

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "WarehouseResource":
        settings = settings or Settings.from_environment()
        return cls(
            landing_dir=str(settings.landing_dir),
            warehouse_dir=str(settings.warehouse_dir),
            returns_dir=str(settings.returns_dir),
            reports_dir=str(settings.reports_dir),
            data_quality_dir=str(settings.data_quality_dir),
            la_code=settings.la_code,
        )

    @property
    def landing_dir_path(self) -> Path:
        return Path(self.landing_dir)

    @property
    def returns_path(self) -> Path:
        return Path(self.returns_dir)

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse_dir) / "warehouse.duckdb"

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection that is always closed: DuckDB allows one writer per file, and dbt needs it next."""
        path = self.warehouse_path
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), read_only=read_only)
        try:
            yield con
        finally:
            con.close()
