"""The warehouse resource: where things are, the run's working copy, and the published warehouse.

Assets of a run read and write the run's workspace (`workspace_for(run_id)`); only the publication asset
touches the published locations. Analysts and report readers open the published warehouse read-only.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.lib import publication
from dagster_project.lib.settings import Settings

# Tables that must survive from one night to the next (first-seen / fixed dates of data-quality
# findings, ...) live in this schema; each run's fresh warehouse starts with the published copy of it.
TRACKING_SCHEMA = "tracking"


class WarehouseResource(dg.ConfigurableResource):
    """Paths and council settings for one warehouse. Defaults come from the environment (lib/settings.py)."""

    landing_dir: str
    output_dir: str
    warehouse_dir: str
    returns_dir: str
    reports_dir: str
    data_quality_dir: str
    history_dir: str
    la_code: str
    config_dir: str = ""
    """The council's configuration folder (CLA_CONFIG_DIR); empty: the default config/ of the project."""
    engine: str = "duckdb"
    """Where dbt builds (CLA_ENGINE): `duckdb`, the run's working file, or `spark` (lib/engine/spark_night.py)."""

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> WarehouseResource:
        settings = settings or Settings.from_environment()
        return cls(
            landing_dir=str(settings.landing_dir),
            output_dir=str(settings.output_dir),
            warehouse_dir=str(settings.warehouse_dir),
            returns_dir=str(settings.returns_dir),
            reports_dir=str(settings.reports_dir),
            data_quality_dir=str(settings.data_quality_dir),
            history_dir=str(settings.history_dir),
            la_code=settings.la_code,
            config_dir=str(settings.config_dir),
            engine=settings.engine,
        )

    # --- published locations ---------------------------------------------------------------------

    @property
    def landing_dir_path(self) -> Path:
        return Path(self.landing_dir)

    @property
    def output_path(self) -> Path:
        return Path(self.output_dir)

    @property
    def history_path(self) -> Path:
        return Path(self.history_dir)

    @property
    def warehouse_path(self) -> Path:
        """The published warehouse."""
        return Path(self.warehouse_dir) / "warehouse.duckdb"

    @property
    def analyst_warehouse_path(self) -> Path:
        """The published pseudonymised copy of the analyst-facing marts."""
        return Path(self.warehouse_dir) / "analyst_warehouse.duckdb"

    @property
    def returns_path(self) -> Path:
        return Path(self.returns_dir)

    def published_dirs(self) -> dict[str, Path]:
        return {"returns": Path(self.returns_dir), "reports": Path(self.reports_dir),
                "data_quality": Path(self.data_quality_dir),
                "analyst_exports": self.output_path / "analyst_exports"}

    @staticmethod
    def encryption_key() -> str | None:
        """Read at the moment of use, never stored in Dagster's configuration (which the UI shows)."""
        return os.environ.get("CLA_ENCRYPTION_KEY") or None

    @contextmanager
    def connect_published(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = publication.open_published(self.warehouse_path, self.encryption_key())
        try:
            yield con
        finally:
            con.close()

    # --- the run's working copy --------------------------------------------------------------------

    def workspace(self, run_id: str) -> publication.Workspace:
        return publication.workspace_for(self.output_path, run_id)

    def start_workspace(self, run_id: str) -> publication.Workspace:
        """A fresh working warehouse for a run that loads an extract: empty but for the tracking schema,
        copied from the published warehouse."""
        workspace = self.workspace(run_id)
        shutil.rmtree(workspace.root, ignore_errors=True)
        workspace.root.mkdir(parents=True)
        con = duckdb.connect(str(workspace.warehouse_path))
        try:
            if self.warehouse_path.exists():
                self._copy_tracking(con)
        finally:
            con.close()
        return workspace

    def _copy_tracking(self, con: duckdb.DuckDBPyConnection) -> None:
        key = self.encryption_key()
        if key:
            con.close()
            con = publication.connect_for_encryption()
            con.execute(f"attach '{self.warehouse_path}' as published (encryption_key '{key}', read_only)")
        else:
            con.execute(f"attach '{self.warehouse_path}' as published (read_only)")
        tables = con.execute(
            "select table_name from information_schema.tables where table_catalog = 'published' "
            "and table_schema = ?", [TRACKING_SCHEMA]).fetchall()
        if tables:
            con.execute(f"create schema if not exists {TRACKING_SCHEMA}")
        for (name,) in tables:
            con.execute(f'create table {TRACKING_SCHEMA}."{name}" as select * from published.{TRACKING_SCHEMA}."{name}"')
        con.execute("detach published")

    def working_warehouse_path(self, run_id: str) -> Path:
        """The run's working warehouse; a run that did not load an extract (a partial run from the UI)
        works on a copy of the published warehouse, which it only replaces if it publishes."""
        workspace = self.workspace(run_id)
        if not workspace.warehouse_path.exists():
            workspace.root.mkdir(parents=True, exist_ok=True)
            if not self.warehouse_path.exists():
                raise dg.Failure(description="There is no warehouse yet: run the whole job once first.")
            key = self.encryption_key()
            if key:
                con = publication.connect_for_encryption()
                con.execute(f"attach '{self.warehouse_path}' as published (encryption_key '{key}', read_only)")
                con.execute(f"attach '{workspace.warehouse_path}' as working")
                con.execute("copy from database published to working")
                con.close()
            else:
                shutil.copyfile(self.warehouse_path, workspace.warehouse_path)
        return workspace.warehouse_path

    @contextmanager
    def connect(self, run_id: str, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the run's working warehouse, always closed after use: DuckDB has one writer per
        file, and dbt needs the file next."""
        con = duckdb.connect(str(self.working_warehouse_path(run_id)), read_only=read_only)
        try:
            yield con
        finally:
            con.close()

    def output_dir_for(self, run_id: str, kind: str) -> Path:
        """Where a run writes an output kind (returns, reports, data_quality) before publication."""
        folder = self.workspace(run_id).output_dir(kind)
        folder.mkdir(parents=True, exist_ok=True)
        return folder
