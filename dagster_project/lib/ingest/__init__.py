"""Ingestion: finding complete extracts, telling how each file was written, reading it with DuckDB and
normalising it in SQL, refusing what cannot be trusted, and reconciling it with the last published extract.

    model.py          Extract, TableLoad, LoadProblem (what ingestion hands on)
    manifest.py       the landing folder: complete extracts, bad manifests set aside
    forms.py          encoding, delimiter, sep= line and compression, from the first bytes
    normalise.py      one SQL builder per normalisation (trim, .0 ids, codes, dates, numbers)
    reader.py         one table read and normalised in one DuckDB pass
    refusals.py       a night that refuses what it cannot trust, in one message
    reconciliation.py what vanished or changed since the last published extract; holding the night
    reconciliation_report.py  the "changes since the last extract" sheet and section
    settings.py       the shares that refuse or hold a night (council settings, read before dbt)
"""

from dagster_project.lib.ingest.manifest import (
    BadExtract,
    check_council,
    find_complete_extracts,
    find_extract,
    read_manifest,
    scan_landing,
)
from dagster_project.lib.ingest.model import (
    MANIFEST_FIELDS,
    MANIFEST_NAME,
    Extract,
    ExtractError,
    LoadProblem,
    TableLoad,
    excel_column_letter,
    loaded_at,
)
from dagster_project.lib.ingest.reader import TableReader, read_extract, read_table

__all__ = [
    "MANIFEST_FIELDS", "MANIFEST_NAME", "BadExtract", "Extract", "ExtractError", "LoadProblem", "TableLoad",
    "TableReader", "check_council", "excel_column_letter", "find_complete_extracts", "find_extract",
    "loaded_at", "read_extract", "read_manifest", "read_table", "scan_landing",
]
