"""The shares that refuse or hold a night. Council settings, so data, not constants: the shipped values
are in seeds/settings/shipped_settings.csv (0.05, 0.02, 0.10), and a council sets its own in the
settings.csv of its configuration folder (CLA_CONFIG_DIR, see config.example/). The field names are the
settings' names.

Ingestion runs before dbt, so the values are read here through lib/configuration/council_config.py (settings_in_force:
the same checks and the same merge the warehouse uses), not from marts.dim_council_settings.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from dagster_project.lib.configuration import council_config


@dataclass(frozen=True)
class IngestSettings:
    max_quarantined_share: float  # of a required table's rows: more refuses the night
    max_vanished_children_share: float  # of children looked after in the last published extract: more holds it
    max_table_shrink_share: float  # of any table's rows since the last published extract: more holds it

    @classmethod
    def from_configuration(cls, config_dir: Path | None) -> IngestSettings:
        """The values in force: the council's settings.csv in config_dir where it sets them, else the shipped
        ones (config_dir None: the shipped ones only). A malformed row raises council_config.ConfigurationError
        naming settings.csv, its row and column."""
        values = council_config.settings_in_force(config_dir)
        return cls(**{f.name: values[f.name] for f in fields(cls)})
