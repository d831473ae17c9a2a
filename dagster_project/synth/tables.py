"""Writing SSD rows: every contract table, exactly the contract's columns, in the contract's order.

Rows are given as keyword arguments named after the contract's columns; the writer puts them in order,
formats dates in the extract's style and refuses a column the contract does not have. Children are
simulated in chunks (possibly in parallel processes); each chunk writes headerless part files that are
concatenated in chunk order at the end, so the output does not depend on how many processes ran.
Ids are numbered per chunk: chunk k's ids of every table start at (k + 1) * 1,000,000.
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from datetime import date
from pathlib import Path

from dagster_project.lib.ingest.contract import load_contract
from dagster_project.synth.styles import Style

ID_BLOCK = 1_000_000

TRUTH_COLUMNS = {
    "children": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB", "UASC", "DUC"],
    "episodes": [
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
        "period_of_care_id",
        "distance_miles",
    ],
    "reviews": [
        "CHILD",
        "period_of_care_id",
        "review_id",
        "REVIEW",
        "REVIEW_CODE",
        "due_date",
        "sequence",
        "on_time",
        "cancelled",
    ],
    "previous_permanence": ["CHILD", "period_of_care_id", "DECOM", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "missing": ["CHILD", "MISSING", "MIS_START", "MIS_END"],
    "adoption": [
        "CHILD",
        "period_of_care_id",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
        "DATE_PLACED_CEASED",
        "REASON_PLACED_CEASED",
    ],
    "care_leavers": ["CHILD", "AGE", "BIRTHDAY", "LEFT_CARE", "LATEST_CONTACT", "IN_TOUCH", "ACTIV", "ACCOM"],
    "oc2": [
        "CHILD",
        "YEAR_ENDING",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ],
}


def _text(v) -> str:
    return "" if v is None else str(v)


def table_specs(style: Style) -> dict[str, tuple[list[str], list, frozenset]]:
    """Per table: column names, a formatter per column, and the set of names."""
    specs = {}
    for name, table in load_contract().items():
        formatters = [style.date if c.kind == "date" else _text for c in table.columns]
        specs[name] = (table.column_names, formatters, frozenset(table.column_names))
    return specs


class ChunkOut:
    """Where one chunk of children writes its rows."""

    def __init__(self, parts_dir: Path, chunk: int, style: Style):
        self.parts_dir = parts_dir
        self.chunk = chunk
        self.style = style
        self.specs = table_specs(style)
        self._buffers: dict[str, io.StringIO] = {}
        self._writers: dict[str, csv.writer] = {}
        self._ids: Counter = Counter()
        self.caseload: Counter = Counter()  # open involvements at the extract date, per professional
        self.stats: Counter = Counter()
        self.style_rng = random.Random(f"{style.name}:{chunk}")
        self._pending: list | None = None  # rows held back until the child is known to be in the extract
        self._pending_caseload: Counter = Counter()
        self._social_workers: dict[int, list] = {}  # the child being written: its allocated workers

    def _writer(self, name: str):
        w = self._writers.get(name)
        if w is None:
            buf = self._buffers[name] = io.StringIO()
            w = self._writers[name] = csv.writer(buf, lineterminator="\n")
        return w

    def new_id(self, table: str) -> int:
        self._ids[table] += 1
        return (self.chunk + 1) * ID_BLOCK + self._ids[table]

    def row(self, table: str, **values) -> None:
        columns, formatters, names = self.specs[table]
        if not values.keys() <= names:
            raise KeyError(f"{table} has no column(s) {sorted(values.keys() - names)}")
        formatted = [f(values.get(c)) for c, f in zip(columns, formatters)]
        if self._pending is not None:
            self._pending.append((table, formatted))
            return
        self._writer(table).writerow(formatted)
        self.stats[table] += 1

    def hold(self) -> None:
        """Hold rows back until ``release`` (keep them) or ``discard``."""
        self._pending = []
        self._pending_caseload = Counter()

    def held_tables(self) -> set[str]:
        return {t for t, _ in self._pending or ()}

    def release(self) -> None:
        pending, self._pending = self._pending, None
        for table, formatted in pending:
            self._writer(table).writerow(formatted)
            self.stats[table] += 1
        self.caseload.update(self._pending_caseload)

    def discard(self) -> None:
        self._pending = None
        self._social_workers.clear()

    def add_social_worker(self, person_id: int, allocation, referral_id, role_value: str) -> None:
        self._social_workers.setdefault(person_id, []).append((allocation, referral_id, role_value))

    def flush_social_workers(self) -> None:
        """Write the finished child's social workers as one timeline (casework.social_worker_timeline)."""
        from dagster_project.synth.casework import social_worker_timeline

        for person_id, allocations in sorted(self._social_workers.items()):
            for a, referral_id, role_value in social_worker_timeline(allocations):
                if a.end is None:
                    self.count_open(a.professional.professional_id)
                self.row(
                    "ssd_involvements",
                    invo_involvements_id=self.new_id("involvement"),
                    invo_professional_id=a.professional.professional_id,
                    invo_professional_role_id=role_value,
                    invo_professional_team=a.team_id,
                    invo_person_id=person_id,
                    invo_involvement_start_date=a.start,
                    invo_involvement_end_date=a.end,
                    invo_worker_change_reason=a.reason,
                    invo_referral_id=referral_id,
                )
        self._social_workers.clear()

    def count_open(self, professional_id: int) -> None:
        """An involvement still open at the extract date (for the professionals' caseloads)."""
        (self._pending_caseload if self._pending is not None else self.caseload)[professional_id] += 1

    def truth(self, name: str, values: list) -> None:
        self._writer("_truth/" + name).writerow(
            ["" if v is None else v.isoformat() if isinstance(v, date) else v for v in values]
        )

    def mapped(self, domain: str, code: str, rng: random.Random | None = None, text: str = "") -> str:
        """A mapped column's value; the choice among texts uses the style's own random numbers, so both
        styles describe the same simulated council."""
        return self.style.mapped(domain, code, self.style_rng, text)

    def quirk(self, share: float) -> bool:
        """Whether a Liquid Logic quirk applies to this value (never in the codes style)."""
        return self.style.is_liquid_logic and self.style_rng.random() < share

    def close(self) -> None:
        for name, buf in self._buffers.items():
            path = self.parts_dir / f"{name.replace('/', '__')}.{self.chunk:05d}.part"
            path.write_text(buf.getvalue(), encoding="utf-8")
        self._buffers.clear()
        self._writers.clear()


def write_table(path: Path, columns: list[str], rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        w.writerows(rows)


def assemble(parts_dir: Path, out_path: Path, name: str, columns: list[str], chunks: int) -> None:
    """Header, then every chunk's part in chunk order."""
    key = name.replace("/", "__")
    with open(out_path, "w", newline="", encoding="utf-8") as out:
        out.write(",".join(columns) + "\n")
        for chunk in range(chunks):
            part = parts_dir / f"{key}.{chunk:05d}.part"
            if part.exists():
                with open(part, encoding="utf-8") as f:
                    while block := f.read(1 << 20):
                        out.write(block)
                part.unlink()
