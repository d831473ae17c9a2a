"""The raw history: every extract ever loaded, kept as Parquet, so any night can be rebuilt as it was.

    output/history/
      index.csv                        extract_id, content_hash, extracted_at, first_loaded_at
      <content hash>/manifest.json     the extract's manifest and each table's status and file hash
      <content hash>/<table>.parquet   the table as landed (normalised, with its source row numbers)

The content hash is taken over the tables' file hashes, so an extract delivered again under another
name (or re-exported unchanged) is recognised and stored once. The history is append-only: a stored
extract is never rewritten; entries older than the retention period are removed, but the newest
extract always stays. Retention is set by CLA_HISTORY_RETENTION_DAYS (default 400: a year and a month).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from dagster_project.lib.ingest.contract import load_contract
from dagster_project.lib.ingest.model import Extract, LoadProblem, TableLoad

INDEX_FIELDS = ["extract_id", "content_hash", "extracted_at", "first_loaded_at"]


def retention_days() -> int:
    return int(os.environ.get("CLA_HISTORY_RETENTION_DAYS", "400"))


def _digest(file_hashes: dict[str, str | None]) -> str:
    digest = hashlib.sha256()
    for name in sorted(file_hashes):
        digest.update(f"{name}:{file_hashes[name] or 'absent'}\n".encode())
    return digest.hexdigest()[:24]


def content_hash(loads: dict[str, TableLoad]) -> str:
    """The extract's content: the bytes of each contract table's file (what was loaded follows from them)."""
    return _digest({name: load.file_hash for name, load in loads.items()})


def content_hash_of_folder(folder: Path) -> str:
    """The same hash, from an extract folder's files, without loading them (for the file-drop sensor)."""
    from dagster_project.lib.ingest.reader import find_table_file

    hashes = {}
    for name in load_contract():
        path = find_table_file(folder, name)
        hashes[name] = hashlib.sha256(path.read_bytes()).hexdigest() if path is not None else None
    return _digest(hashes)


def read_index(history_dir: Path) -> list[dict]:
    path = history_dir / "index.csv"
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _write_index(history_dir: Path, rows: list[dict]) -> None:
    staged = history_dir / "index.csv.tmp"
    with open(staged, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=INDEX_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(staged, history_dir / "index.csv")


def find_identical(history_dir: Path, digest: str, extract_id: str) -> str | None:
    """The id of an earlier extract with the same content, if any."""
    for row in read_index(history_dir):
        if row["content_hash"] == digest and row["extract_id"] != extract_id:
            return row["extract_id"]
    return None


def save(history_dir: Path, extract: Extract, loads: dict[str, TableLoad], loaded_at: datetime) -> str:
    """Keep an extract in the history (once per content). Returns its content hash."""
    digest = content_hash(loads)
    folder = history_dir / digest
    if not (folder / "manifest.json").exists():
        staged = history_dir / f".{digest}.partial"
        shutil.rmtree(staged, ignore_errors=True)
        staged.mkdir(parents=True)
        for name, load in loads.items():
            if load.rows_sql() is not None:  # already Parquet, as the reader wrote it: copied, not re-encoded
                shutil.copyfile(load.rows_path, staged / f"{name}.parquet")
            else:
                pq.write_table(load.rows, staged / f"{name}.parquet")
        problems = pd.DataFrame(
            [{"table": p.table, "file": p.file, "row": p.row, "column": p.column, "problem": p.problem,
              "action": p.action, "value": p.value} for load in loads.values() for p in load.problems],
            columns=["table", "file", "row", "column", "problem", "action", "value"])
        problems.astype({"row": "Int64"}).to_parquet(staged / "_problems.parquet", index=False)
        quarantined = pd.DataFrame(
            [{"table": name, "row_number": q["row_number"], "reason": q["reason"], "record": json.dumps(q["record"])}
             for name, load in loads.items() for q in load.quarantined],
            columns=["table", "row_number", "reason", "record"])
        quarantined.to_parquet(staged / "_quarantined.parquet", index=False)
        (staged / "manifest.json").write_text(json.dumps({
            "manifest": extract.manifest,
            "tables": {name: {"status": load.status, "file_hash": load.file_hash, "source_file": load.source_file,
                              "unknown_columns": load.unknown_columns, "missing_columns": load.missing_columns,
                              "column_positions": load.column_positions,
                              "normalisations": [[c, w, n] for (c, w), n in load.normalisations.items()],
                              "note": load.note, "encoding": load.encoding}
                       for name, load in loads.items()},
        }, indent=2))
        os.replace(staged, folder)  # appears whole or not at all
    rows = read_index(history_dir)
    if not any(row["extract_id"] == extract.extract_id for row in rows):
        rows.append({"extract_id": extract.extract_id, "content_hash": digest,
                     "extracted_at": str(extract.manifest.get("extracted_at", "")),
                     "first_loaded_at": loaded_at.isoformat(timespec="seconds")})
        _write_index(history_dir, rows)
    return digest


def load(history_dir: Path, extract_id: str) -> tuple[Extract, dict[str, TableLoad]]:
    """An extract as it was landed, from the history (for rebuilding "as at extract X")."""
    row = next((r for r in read_index(history_dir) if r["extract_id"] == extract_id), None)
    if row is None:
        raise KeyError(extract_id)
    folder = history_dir / row["content_hash"]
    saved = json.loads((folder / "manifest.json").read_text())
    extract = Extract(extract_id=extract_id, folder=folder, manifest=saved["manifest"])
    problems = pd.read_parquet(folder / "_problems.parquet")
    quarantined = pd.read_parquet(folder / "_quarantined.parquet")
    loads = {}
    for name in load_contract():
        info = saved["tables"][name]
        loads[name] = TableLoad(
            table=name, status=info["status"], source_file=info["source_file"],
            rows=pq.read_table(folder / f"{name}.parquet"),
            unknown_columns=info["unknown_columns"], missing_columns=info["missing_columns"],
            column_positions=info["column_positions"],
            normalisations={(c, w): n for c, w, n in info["normalisations"]},
            encoding=info["encoding"], file_hash=info["file_hash"], note=info["note"],
            problems=[LoadProblem(r.table, r.file, None if pd.isna(r.row) else int(r.row),
                                  None if pd.isna(r.column) else r.column, r.problem, r.action,
                                  None if pd.isna(r.value) else r.value)
                      for r in problems[problems.table == name].itertuples()],
            quarantined=[{"row_number": int(r.row_number), "reason": r.reason, "record": json.loads(r.record)}
                         for r in quarantined[quarantined.table == name].itertuples()],
        )
    return extract, loads


def apply_retention(history_dir: Path, now: datetime | None = None, days: int | None = None) -> list[str]:
    """Forget extracts first loaded more than `days` ago; the newest is always kept. Returns removed ids."""
    rows = read_index(history_dir)
    if len(rows) <= 1:
        return []
    now = now or datetime.now()
    cutoff = now - timedelta(days=retention_days() if days is None else days)
    newest = max(rows, key=lambda r: (r["extracted_at"], r["first_loaded_at"]))
    kept = [r for r in rows if r is newest or datetime.fromisoformat(r["first_loaded_at"]) >= cutoff]
    removed = [r["extract_id"] for r in rows if r not in kept]
    if removed:
        _write_index(history_dir, kept)
        still_used = {r["content_hash"] for r in kept}
        for digest in {r["content_hash"] for r in rows} - still_used:
            shutil.rmtree(history_dir / digest, ignore_errors=True)
    return removed
