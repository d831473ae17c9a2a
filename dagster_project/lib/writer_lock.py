"""One writer at a time: an operating-system lock on a file beside the outputs.

A run takes the lock in its first step and keeps it until it publishes (or its process ends, which the
operating system turns into a release: a killed run never leaves a stale lock). A second run that finds
the lock taken is refused with the holder's run id and start time. The Dagster instance also queues runs
of the warehouse job one at a time (dagster_project/instance/dagster.yaml); this lock is what protects
runs that bypass the queue (`make run`, tests, a second Dagster instance).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path

_held: dict[str, object] = {}


class WriterBusy(Exception):
    """Another run is writing the warehouse."""


def _lock(handle) -> bool:
    if sys.platform == "win32":  # councils run Windows servers too
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def acquire(output_dir: Path, run_id: str) -> None:
    """Take the writer lock for this run (idempotent within the run's process)."""
    if run_id in _held:
        return
    output_dir.mkdir(parents=True, exist_ok=True)
    lock_path = output_dir / ".writer.lock"
    holder_path = output_dir / ".writer.json"
    handle = open(lock_path, "a+")  # noqa: SIM115 (kept open: the open file IS the lock, until release)
    if not _lock(handle):
        handle.close()
        try:
            holder = json.loads(holder_path.read_text())
        except (OSError, ValueError):
            holder = {}
        raise WriterBusy(
            f"another run is writing the warehouse (run {holder.get('run_id', 'unknown')}, process "
            f"{holder.get('pid', '?')}, started {holder.get('started_at', '?')}); this run is refused. "
            "It can be run again when that one has finished."
        )
    holder_path.write_text(json.dumps({"run_id": run_id, "pid": os.getpid(),
                                       "started_at": datetime.now().isoformat(timespec="seconds")}))
    _held[run_id] = handle


def release(run_id: str) -> None:
    handle = _held.pop(run_id, None)
    if handle is not None:
        handle.close()  # closing the file releases the lock
