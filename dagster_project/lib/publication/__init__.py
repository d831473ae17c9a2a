"""Build in a working copy, publish all at once, and say what happened in output/status.json.

Every run writes into its own workspace, `output/.work/<run id>/`: the warehouse file and the return,
report and data-quality folders. Only the publication step, which runs after the build and the blocking
checks have passed, moves them to where people read them:

- the warehouse file replaces `output/warehouse/warehouse.duckdb` with one rename (atomic on one file
  system), or, when an encryption key is configured, is first copied into an encrypted file;
- each output folder replaces its published namesake with a rename;
- `output/status.json` records the published extract, when, the checks that passed, and the last failure.

A failed or killed run leaves the published warehouse and outputs exactly as they were; its workspace
stays behind for inspection until the next run clears workspaces older than a day.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

OUTPUT_KINDS = ("returns", "reports", "data_quality", "analyst_exports")
WORKSPACES = ".work"


@dataclass(frozen=True)
class Workspace:
    """Where one run builds."""

    root: Path

    @property
    def warehouse_path(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def analyst_warehouse_path(self) -> Path:
        return self.root / "analyst_warehouse.duckdb"

    def output_dir(self, kind: str) -> Path:
        return self.root / kind


def workspace_for(output_dir: Path, run_id: str) -> Workspace:
    return Workspace(output_dir / WORKSPACES / run_id)


def clear_old_workspaces(output_dir: Path, keep: str, older_than_hours: float = 24) -> int:
    """Remove workspaces left by earlier runs (failed or killed), except `keep`."""
    root = output_dir / WORKSPACES
    if not root.exists():
        return 0
    removed = 0
    cutoff = time.time() - older_than_hours * 3600
    for folder in root.iterdir():
        if folder.name != keep and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


# --- encryption at rest ---------------------------------------------------------------------------

def _extension_directory() -> str | None:
    """DuckDB's httpfs extension, shipped in the duckdb-ext-httpfs wheel (no download at run time)."""
    for folder in site.getsitepackages() + [site.getusersitepackages()]:
        candidate = Path(folder) / "duckdb_ext" / "extensions"
        if candidate.exists():
            return str(candidate)
    return None


def connect_for_encryption() -> duckdb.DuckDBPyConnection:
    directory = _extension_directory()
    config = {"autoinstall_known_extensions": False}
    if directory:
        config["extension_directory"] = directory
    con = duckdb.connect(config=config)
    con.execute("load httpfs")
    return con


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def write_encrypted_copy(source: Path, target: Path, key: str) -> None:
    """Copy a DuckDB file into a new file encrypted with key (AES, DuckDB's own encryption)."""
    target.unlink(missing_ok=True)
    con = connect_for_encryption()
    try:
        con.execute(f"attach {_sql_text(str(source))} as plain (read_only)")
        con.execute(f"attach {_sql_text(str(target))} as encrypted (encryption_key {_sql_text(key)})")
        con.execute("copy from database plain to encrypted")
        con.execute("detach encrypted")
        con.execute("detach plain")
    finally:
        con.close()


def open_published(path: Path, key: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a published warehouse file (attached as `warehouse` when encrypted)."""
    if not key:
        return duckdb.connect(str(path), read_only=True)
    con = connect_for_encryption()
    con.execute(f"attach {_sql_text(str(path))} as warehouse (encryption_key {_sql_text(key)}, read_only)")
    con.execute("use warehouse")
    return con


# --- publishing -------------------------------------------------------------------------------------

def replace_folder(new: Path, published: Path, run_id: str) -> None:
    """Put a finished folder where readers find it, in place of the old one, with renames only (readers
    see the old folder or the new one, never half of either)."""
    published.parent.mkdir(parents=True, exist_ok=True)
    old = published.parent / f".{published.name}.replaced-{run_id}"
    if published.exists():
        os.replace(published, old)
    os.replace(new, published)
    shutil.rmtree(old, ignore_errors=True)


def _publication_units(folder: Path) -> list[Path]:
    """The folders a run replaces whole: walking down, the first folders that hold files themselves
    (a return year, a report year, a night's data-quality folder), with everything under them."""
    if not folder.is_dir():
        return []
    if any(child.is_file() for child in folder.iterdir()):
        return [folder]
    return [unit for child in sorted(folder.iterdir()) if child.is_dir() for unit in _publication_units(child)]


def publish(workspace: Workspace, published_dirs: dict[str, Path], warehouse_path: Path, run_id: str,
            encryption_key: str | None = None, analyst_warehouse_path: Path | None = None) -> list[str]:
    """Move a finished workspace into the published locations. Returns what was published."""
    published = []
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    for source, target in ((workspace.warehouse_path, warehouse_path),
                           (workspace.analyst_warehouse_path, analyst_warehouse_path)):
        if target is None or not source.exists():
            continue
        if encryption_key:
            staged = target.parent / f".{target.name}.{run_id}"
            write_encrypted_copy(source, staged, encryption_key)
            os.replace(staged, target)
        else:
            os.replace(source, target)
        published.append(str(target))
    for kind in OUTPUT_KINDS:
        folder = workspace.output_dir(kind)
        for unit in _publication_units(folder):
            relative = unit.relative_to(folder)
            replace_folder(unit, published_dirs[kind] / relative, run_id)
            published.append(str(published_dirs[kind] / relative))
    shutil.rmtree(workspace.root, ignore_errors=True)
    return published


# --- status.json ------------------------------------------------------------------------------------

def _write_json(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_suffix(".json.tmp")
    staged.write_text(json.dumps(document, indent=2, default=str))
    os.replace(staged, path)


def read_status(output_dir: Path) -> dict:
    try:
        return json.loads((output_dir / "status.json").read_text())
    except (OSError, ValueError):
        return {}


def record_publication(output_dir: Path, *, run_id: str, extract_id: str, extracted_at: str,
                       checks: dict[str, int], published: list[str], encrypted: bool) -> dict:
    status = read_status(output_dir)
    status.update({
        "published_extract_id": extract_id,
        "published_extract_extracted_at": extracted_at,
        "published_at": datetime.now().isoformat(timespec="seconds"),
        "published_by_run": run_id,
        "checks": checks,
        "checks_passed": checks.get("failed_blocking", 0) == 0,
        "encrypted_at_rest": encrypted,
        "published": published,
    })
    _write_json(output_dir / "status.json", status)
    return status


def record_failure(output_dir: Path, *, run_id: str, reason: str, extract_id: str | None = None) -> dict:
    """Note a failed night without touching what is published. The reason must carry no personal data."""
    status = read_status(output_dir)
    earlier = status.get("last_failure") or {}
    if earlier.get("run_id") == run_id:  # the ingest step already said it, with the extract, in its own words
        extract_id = extract_id or earlier.get("extract_id")
        reason = earlier.get("reason") or reason
    status["last_failure"] = {
        "run_id": run_id,
        "at": datetime.now().isoformat(timespec="seconds"),
        "extract_id": extract_id,
        "reason": reason,
        "published_warehouse_unchanged": True,
    }
    _write_json(output_dir / "status.json", status)
    return status


def record_status(output_dir: Path, **entries) -> dict:
    """Set top-level entries of status.json (bad extract folders, a held night, an acknowledged one)."""
    status = read_status(output_dir)
    status.update(entries)
    _write_json(output_dir / "status.json", status)
    return status


def now_text() -> str:
    return datetime.now().isoformat(timespec="seconds")
