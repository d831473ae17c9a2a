"""How much memory DuckDB may take and where it spills, set from the machine.

DuckDB's own default is 80% of physical memory for each database it opens. A night opens several (the
ingestion readers' in-memory databases, then dbt's connection to the working warehouse), and the machine
also runs Python, dbt and Dagster, so the defaults add up to more than the machine has: at scale 50 the
process tree peaked at 9.7 GB on a 24 GB machine. A limit makes DuckDB spill big joins and sorts to disk
instead of growing, so the whole night stays within a share of the machine that a council can state.

| variable | default | what |
|---|---|---|
| `CLA_DUCKDB_MEMORY_LIMIT` | a quarter of the memory the process may use (cgroup limit or physical) | e.g. `6GB`, `800MB` |

A quarter: the target is a night under 8 GB for the whole process tree on a 24 GB, 2-core machine; DuckDB
gets 6 GB of it and Python, dbt and Dagster the rest. The spill folder is inside the run's workspace, so it
goes when the run publishes or fails.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

MEMORY_SHARE = 4  # DuckDB gets 1/MEMORY_SHARE of what the process may use (see the module docstring)
MINIMUM_MEMORY = 512 * 1024**2  # below this DuckDB spills on every join of a small council
CGROUP_LIMIT_FILES = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")  # v2, v1
_UNITS = {"": 1, "B": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4,
          "KIB": 1024, "MIB": 1024**2, "GIB": 1024**3, "TIB": 1024**4}


def parse_size(text: str, variable: str) -> int:
    """`6GB`, `6 GiB`, `800MB` or a number of bytes; anything else is refused, naming the variable."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?I?B?)\s*", text.upper())
    if not match or match.group(2) not in _UNITS:
        raise ValueError(f"{variable}={text!r} is not a size: write it as e.g. 6GB or 800MB")
    return int(float(match.group(1)) * _UNITS[match.group(2)])


def machine_memory_bytes() -> int:
    """The memory this process may use: the container's cgroup limit when there is one (v2, then v1),
    else the physical memory."""
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for limit_file in CGROUP_LIMIT_FILES:
        try:
            text = Path(limit_file).read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            return min(int(text), physical)  # v1 reports "no limit" as a huge number
    return physical


@dataclass(frozen=True)
class DuckDBLimits:
    memory_limit_bytes: int

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> DuckDBLimits:
        environ = os.environ if environ is None else environ
        memory = environ.get("CLA_DUCKDB_MEMORY_LIMIT", "").strip()
        return cls(
            memory_limit_bytes=(parse_size(memory, "CLA_DUCKDB_MEMORY_LIMIT") if memory
                                else max(machine_memory_bytes() // MEMORY_SHARE, MINIMUM_MEMORY)))

    def config(self, temp_directory: Path, databases: int = 1) -> dict[str, str]:
        """duckdb.connect(config=...) for one of `databases` opened at the same time, which share the limit.
        Threads stay DuckDB's own choice (the cores it sees)."""
        share = max(self.memory_limit_bytes // databases, MINIMUM_MEMORY)
        return {"memory_limit": f"{share // 1024**2}MiB", "temp_directory": str(temp_directory)}

    def dbt_environment(self, temp_directory: Path) -> dict[str, str]:
        """What dbt_models/profiles.yml reads for the warehouse target's DuckDB settings."""
        return {"CLA_DUCKDB_MEMORY_LIMIT": f"{self.memory_limit_bytes // 1024**2}MiB",
                "CLA_DUCKDB_TEMP_DIR": str(temp_directory)}
