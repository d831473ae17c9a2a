"""Reconciling tonight's extract with the last published one, before anything is published.

What vanished (people, children looked after, periods of care, episodes), which ids now carry another
date of birth or sex, and which tables lost rows. Case-management systems merge and delete records, so a
handful of changes publish with a warning; but an export that silently dropped a tenth of the children
must not replace last night's warehouse. The night is held when more than a configured share of the
children looked after in the last published extract vanished (default 2%) or any table lost more than a
configured share of its rows (default 10%); the operator publishes anyway by re-running with an explicit
acknowledgement, which status.json records.

Everything is counted in SQL over the published warehouse (read-only) and tonight's Arrow tables. What
changed is written to the working warehouse (`raw.extract_changes`, one row per change, and
`raw.extract_reconciliation`, one row per measure) for the data-quality report; logs and Dagster get
counts only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.lib.ingest.model import TableLoad
from dagster_project.lib.ingest.settings import IngestSettings

# (change kind, the words a person reads, table, id column) for records whose disappearance is counted
VANISHING = (
    ("person_vanished", "people no longer in the extract", "ssd_person", "pers_person_id"),
    ("period_of_care_vanished", "periods of care no longer in the extract", "ssd_cla_episodes", "clae_cla_id"),
    ("episode_vanished", "episodes no longer in the extract", "ssd_cla_episodes", "clae_cla_episode_id"),
)
# (change kind, words, column of ssd_person) for ids whose fixed facts changed
CHANGED_FACTS = (
    ("date_of_birth_changed", "people whose date of birth changed", "pers_dob"),
    ("sex_changed", "people whose sex changed", "pers_sex"),
)
CHANGE_COLUMNS = ["extract_id", "compared_with_extract_id", "change_kind", "table_name", "record_id",
                  "column_name", "previous_value", "current_value"]
SUMMARY_COLUMNS = ["extract_id", "compared_with_extract_id", "measure", "description", "previous_count",
                   "current_count", "changed_count", "changed_share", "threshold_share", "holds_night"]


@dataclass
class Reconciliation:
    extract_id: str
    compared_with: str | None  # the last published extract; None on the first night
    summary: list[dict] = field(default_factory=list)
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))
    settings: IngestSettings | None = None  # the shares it was judged by

    @property
    def holds(self) -> list[dict]:
        return [row for row in self.summary if row["holds_night"]]

    def counts(self) -> dict[str, int]:
        """Counts by measure, for the console and Dagster metadata (no values)."""
        return {row["measure"]: int(row["changed_count"]) for row in self.summary}

    def hold_message(self) -> str:
        """One paragraph a person reads in the console and status.json when the night is held."""
        reasons = []
        for row in self.holds:
            if row["measure"] == "children_looked_after_vanished":
                reasons.append(
                    f"{row['changed_count']} of the {row['previous_count']} children looked after in extract "
                    f"{self.compared_with} are not in extract {self.extract_id} ({row['changed_share']:.1%}, more "
                    f"than the {row['threshold_share']:.0%} allowed by the setting max_vanished_children_share)")
            else:
                reasons.append(
                    f"{row['description']}: {row['previous_count']} rows in extract {self.compared_with}, "
                    f"{row['current_count']} now ({row['changed_share']:.1%} fewer, more than the "
                    f"{row['threshold_share']:.0%} allowed by the setting max_table_shrink_share)")
        return (f"night held, nothing published: {'; '.join(reasons)}. If this is right (a cleanse or a "
                "migration), publish anyway with `make run ACKNOWLEDGE_CHANGES=1` (run config "
                "raw_extract: acknowledge_changes: true)")

    def warning_message(self) -> str | None:
        changed = [f"{row['changed_count']} {row['description']}" for row in self.summary
                   if row["changed_count"] and not row["holds_night"] and not row["measure"].startswith("rows_fell:")]
        shrunk = [row for row in self.summary if row["measure"].startswith("rows_fell:") and row["changed_count"]
                  and not row["holds_night"]]
        changed += [f"{row['description']} by {row['changed_count']} rows" for row in shrunk]
        if not changed:
            return None
        return (f"Since extract {self.compared_with}: " + "; ".join(changed)
                + " (see the data-quality report, \"Changes since the last extract\")")


def _table_counts_now(loads: dict[str, TableLoad]) -> dict[str, int]:
    return {name: load.rows_loaded for name, load in loads.items() if load.status == "loaded"}


def reconcile(published: duckdb.DuckDBPyConnection | None, extract_id: str, loads: dict[str, TableLoad],
              settings: IngestSettings) -> Reconciliation:
    """Compare tonight's loads with the published warehouse (a read-only connection, or None)."""
    if published is None or not _has_table(published, "extract_manifest"):
        return Reconciliation(extract_id, None, settings=settings)
    compared_with = published.execute("select extract_id from raw.extract_manifest").fetchone()[0]
    result = Reconciliation(extract_id, compared_with, settings=settings)
    for name in ("ssd_person", "ssd_cla_episodes"):
        published.register(f"tonight_{name}", loads[name].rows)
    changes = []
    try:
        # children looked after in the last published extract who are not looked after in tonight's
        previous_children = published.execute(
            "select count(distinct clae_person_id) from raw.ssd_cla_episodes").fetchone()[0]
        vanished_children = published.execute("""
            select distinct before.clae_person_id from raw.ssd_cla_episodes before
            where before.clae_person_id not in (select clae_person_id from tonight_ssd_cla_episodes
                                                where clae_person_id is not null)
               or before.clae_person_id not in (select pers_person_id from tonight_ssd_person)""").fetchall()
        share = len(vanished_children) / previous_children if previous_children else 0.0
        result.summary.append(_summary(result, "children_looked_after_vanished",
                                       "children looked after no longer in the extract", previous_children,
                                       previous_children - len(vanished_children), len(vanished_children), share,
                                       settings.max_vanished_children_share))
        changes += [("child_looked_after_vanished", "ssd_cla_episodes", r[0], "clae_person_id", None, None)
                    for r in vanished_children]
        for kind, words, table, column in VANISHING:
            before = published.execute(f"select count(distinct {column}) from raw.{table}").fetchone()[0]
            gone = published.execute(f"""
                select distinct {column} from raw.{table} where {column} is not null
                and {column} not in (select {column} from tonight_{table} where {column} is not null)""").fetchall()
            result.summary.append(_summary(result, kind, words, before, before - len(gone), len(gone),
                                           len(gone) / before if before else 0.0, None))
            changes += [(kind, table, r[0], column, None, None) for r in gone]
        for kind, words, column in CHANGED_FACTS:
            changed = published.execute(f"""
                select before.pers_person_id, before.{column}, now.{column}
                from raw.ssd_person before join tonight_ssd_person now using (pers_person_id)
                where before.{column} is distinct from now.{column}""").fetchall()
            people = published.execute("select count(*) from raw.ssd_person").fetchone()[0]
            result.summary.append(_summary(result, kind, words, people, people, len(changed),
                                           len(changed) / people if people else 0.0, None))
            changes += [(kind, "ssd_person", r[0], column, r[1], r[2]) for r in changed]
        before_counts = dict(published.execute(
            "select table_name, rows_loaded from raw.ingest_tables where status = 'loaded'").fetchall())
    finally:
        for name in ("ssd_person", "ssd_cla_episodes"):
            published.unregister(f"tonight_{name}")
    now_counts = _table_counts_now(loads)
    for table, before in sorted(before_counts.items()):
        now = now_counts.get(table, 0)
        if before and now < before:
            result.summary.append(_summary(result, f"rows_fell:{table}", f"{table} rows fell", before, now,
                                           before - now, (before - now) / before, settings.max_table_shrink_share))
            changes.append(("table_rows_fell", table, None, None, str(before), str(now)))
    result.changes = pd.DataFrame([dict(zip(CHANGE_COLUMNS, (extract_id, compared_with, *c))) for c in changes],
                                  columns=CHANGE_COLUMNS)
    return result


def _summary(result: Reconciliation, measure: str, description: str, previous: int, current: int, changed: int,
             share: float, threshold: float | None) -> dict:
    return {"extract_id": result.extract_id, "compared_with_extract_id": result.compared_with, "measure": measure,
            "description": description, "previous_count": int(previous), "current_count": int(current),
            "changed_count": int(changed), "changed_share": float(share), "threshold_share": threshold,
            "holds_night": threshold is not None and share > threshold}


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_schema = 'raw' "
                            "and table_name = ?", [name]).fetchone()[0])


def reconcile_with_published(warehouse_path: Path, encryption_key: str | None, extract_id: str,
                             loads: dict[str, TableLoad], settings: IngestSettings) -> Reconciliation:
    """Open the published warehouse read-only (when there is one) and reconcile."""
    from dagster_project.lib.publication import open_published

    if not warehouse_path.exists():
        return Reconciliation(extract_id, None, settings=settings)
    con = open_published(warehouse_path, encryption_key)
    try:
        return reconcile(con, extract_id, loads, settings)
    finally:
        con.close()


def write_reconciliation(con: duckdb.DuckDBPyConnection, result: Reconciliation) -> None:
    """`raw.extract_changes` (one row per change) and `raw.extract_reconciliation` (one row per measure)."""
    con.execute("create schema if not exists raw")
    frames = {"extract_changes": result.changes,
              "extract_reconciliation": pd.DataFrame(result.summary, columns=SUMMARY_COLUMNS)}
    types = {"previous_count": "integer", "current_count": "integer", "changed_count": "integer",
             "changed_share": "double", "threshold_share": "double", "holds_night": "boolean"}
    for name, frame in frames.items():
        con.register("incoming_changes", frame)
        try:
            selected = ", ".join(f'cast("{c}" as {types.get(c, "varchar")}) as "{c}"' for c in frame.columns)
            con.execute(f"create or replace table raw.{name} as select {selected} from incoming_changes")
        finally:
            con.unregister("incoming_changes")
