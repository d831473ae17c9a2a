"""The shares that refuse or hold a night. Council settings, so data, not constants: read from the
environment for now, with the defaults the issue agreed.

Where the council configuration folder lands, `IngestSettings.from_environment` is the one place to
read it from instead (the field names are the settings' names).
"""

from __future__ import annotations

import os
from dataclasses import dataclass


def _share(variable: str, default: float) -> float:
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    share = float(value.rstrip("%")) / (100 if value.endswith("%") else 1)
    if not 0 <= share <= 1:
        raise ValueError(f"{variable} must be a share between 0 and 1 (or a percentage)")
    return share


@dataclass(frozen=True)
class IngestSettings:
    max_quarantined_share: float = 0.05  # of a required table's rows: more refuses the night
    max_vanished_children_share: float = 0.02  # of children looked after in the last published extract
    max_table_shrink_share: float = 0.10  # of any table's rows since the last published extract

    @classmethod
    def from_environment(cls) -> IngestSettings:
        return cls(
            max_quarantined_share=_share("CLA_MAX_QUARANTINED_SHARE", cls.max_quarantined_share),
            max_vanished_children_share=_share("CLA_MAX_VANISHED_CHILDREN_SHARE", cls.max_vanished_children_share),
            max_table_shrink_share=_share("CLA_MAX_TABLE_SHRINK_SHARE", cls.max_table_shrink_share),
        )
