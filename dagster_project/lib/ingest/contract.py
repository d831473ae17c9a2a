"""The input contract (tables and columns the pipeline reads), loaded from its seeds.

The contract lives in `seeds/contract/` so that ingestion, the synthetic council, dbt and the tests
share one definition. Column kinds say how ingestion normalises a value:

- ``id``: strip, drop a trailing ``.0`` (spreadsheets turn 123 into 123.0), upper-case
- ``code``: strip, upper-case (DfE codes and flags)
- ``mapped``: strip and collapse inner whitespace; case is kept because the value may be local text
  that a mapping seed turns into a DfE code, and the data-quality report quotes it as recorded
- ``date``: every unambiguous written form to ISO (lib/ingest/normalise.py); placeholders mean not recorded
- ``number``: a number with a decimal point; thousands separators only where the digit groups prove them
- ``decimal``: as number, and a decimal comma (0,8) is a decimal point
- ``fraction``: as decimal, and a percentage (80%) is a fraction (0.8)
- ``text``: strip only
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from dagster_project.lib.paths import SEEDS_DIR

CONTRACT_DIR = SEEDS_DIR / "contract"


@dataclass(frozen=True)
class ContractColumn:
    name: str
    kind: str
    is_required: bool
    is_primary_key: bool
    mapping_domain: str | None
    description: str


@dataclass(frozen=True)
class ContractTable:
    name: str
    origin: str
    is_required: bool
    grain: str
    description: str
    columns: tuple[ContractColumn, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def primary_key(self) -> list[str]:
        return [c.name for c in self.columns if c.is_primary_key]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.is_required]

    def columns_of_kind(self, kind: str) -> list[str]:
        return [c.name for c in self.columns if c.kind == kind]


def _flag(value: str) -> bool:
    return value.strip().lower() == "true"


@cache
def load_contract() -> dict[str, ContractTable]:
    """Every contract table by name, in the order the seed lists them."""
    with open(CONTRACT_DIR / "input_contract_columns.csv", newline="", encoding="utf-8") as f:
        column_rows = list(csv.DictReader(f))
    with open(CONTRACT_DIR / "input_contract_tables.csv", newline="", encoding="utf-8") as f:
        table_rows = list(csv.DictReader(f))
    tables: dict[str, ContractTable] = {}
    for t in table_rows:
        columns = tuple(
            ContractColumn(
                name=c["column_name"],
                kind=c["kind"],
                is_required=_flag(c["is_required"]),
                is_primary_key=_flag(c["is_primary_key"]),
                mapping_domain=c["mapping_domain"] or None,
                description=c["description"],
            )
            for c in column_rows
            if c["table_name"] == t["table_name"]
        )
        tables[t["table_name"]] = ContractTable(
            name=t["table_name"],
            origin=t["origin"],
            is_required=_flag(t["is_required"]),
            grain=t["grain"],
            description=t["description"],
            columns=columns,
        )
    return tables
