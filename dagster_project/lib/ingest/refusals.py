"""A night that refuses what it cannot trust, and says so in one message.

A required table with no row loaded, or with more than the configured share of its rows quarantined
(setting max_quarantined_share, shipped 5%), refuses the whole extract: tonight's figures would be built on a fraction of the data and
look complete. The message names the table, the row counts and the first three reasons (file, row and
column, never a value).
"""

from __future__ import annotations

from dagster_project.lib.ingest.contract import load_contract
from dagster_project.lib.ingest.model import Extract, ExtractError, TableLoad
from dagster_project.lib.ingest.settings import IngestSettings


def _first_reasons(load: TableLoad, n: int = 3) -> str:
    reasons = [p.message() for p in load.problems if p.row is not None and p.action == "row quarantined"][:n]
    if not reasons:
        reasons = [p.message() for p in load.problems][:n]
    return "; ".join(reasons) if reasons else "no reason recorded"


def untrusted_tables(loads: dict[str, TableLoad], settings: IngestSettings) -> list[str]:
    """One sentence per required table that cannot be trusted tonight."""
    sentences = []
    for name, table in load_contract().items():
        load = loads.get(name)
        if load is None or not table.is_required or load.status != "loaded":
            continue
        quarantined = len(load.quarantined)
        read = load.rows_loaded + quarantined
        if load.rows_loaded == 0:
            if quarantined:
                sentences.append(f"{load.source_file}: no row loaded, all {quarantined} rows quarantined; "
                                 f"first reasons: {_first_reasons(load)}")
            else:
                sentences.append(f"{load.source_file}: no row loaded (the file has a header and no rows)")
        elif quarantined / read > settings.max_quarantined_share:
            sentences.append(
                f"{load.source_file}: {quarantined} of {read} rows quarantined ({quarantined / read:.1%}, more "
                f"than the {settings.max_quarantined_share:.0%} allowed by the setting max_quarantined_share), "
                f"{load.rows_loaded} loaded; first reasons: {_first_reasons(load)}")
    return sentences


def check_extract(extract: Extract, loads: dict[str, TableLoad], settings: IngestSettings) -> None:
    """Raise ExtractError (one message) when a required table cannot be trusted tonight."""
    sentences = untrusted_tables(loads, settings)
    if sentences:
        raise ExtractError(f"extract {extract.extract_id} refused: " + " | ".join(sentences), extract.extract_id)
