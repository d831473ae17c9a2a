"""Kept so that existing imports work: ingestion now lives in `dagster_project.lib.ingest`."""

from dagster_project.lib.ingest import *  # noqa: F401,F403
from dagster_project.lib.ingest import __all__  # noqa: F401
