"""The coverage table of the real IRO annual reports (dbt_models/docs/seed_report_coverage.md): every row has
one of the five statuses, the summary counts are the counts of the rows, and every row said to be
reproduced (fully or partly) names a table or chart the report builder really makes (that check is in
test_annual_report.py, on the council that module builds once)."""

import re
from collections import Counter
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "dbt_models" / "docs" / "seed_report_coverage.md"
STATUSES = ["reproduced", "partly", "missing with the data", "not in the data", "narrative"]
# the report prints "Table 25" and "Chart 7"; the model keys them "T25" and "C07"
GENERATED_ID = re.compile(r"\b(Table|Chart) (\d+)\b")


def markdown_tables(text: str) -> list[tuple[str, list[dict]]]:
    """Each pipe table of the document as (the heading above it, its rows as dicts keyed by header)."""
    tables, heading, lines = [], "", text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        if line.startswith("|") and i + 1 < len(lines) and re.match(r"^\|[\s:|-]+\|$", lines[i + 1]):
            header = [cell.strip() for cell in line.strip("|").split("|")]
            rows, i = [], i + 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(dict(zip(header, [cell.strip() for cell in lines[i].strip("|").split("|")])))
                i += 1
            tables.append((heading, rows))
            continue
        i += 1
    return tables


def coverage() -> tuple[dict[str, list[dict]], list[dict]]:
    tables = markdown_tables(DOC.read_text())
    reports = {heading: rows for heading, rows in tables if rows and "Status" in rows[0]}
    summary = next(rows for heading, rows in tables if rows and "Report" in rows[0] and "reproduced" in rows[0])
    return reports, summary


def test_every_row_has_one_of_the_five_statuses():
    reports, _ = coverage()
    assert reports, "no coverage table found"
    for heading, rows in reports.items():
        for row in rows:
            assert row["Status"] in STATUSES, f"{heading}: {row}"


def test_the_summary_counts_are_the_counts_of_the_rows():
    reports, summary = coverage()
    by_report = {row["Report"]: row for row in summary}
    for heading, rows in reports.items():
        counted = Counter(row["Status"] for row in rows)
        line = next((row for name, row in by_report.items() if heading.startswith(name)), None)
        assert line is not None, f"no summary line for {heading}"
        assert int(line["Items"]) == len(rows), heading
        assert {status: int(line[status]) for status in STATUSES} == {s: counted[s] for s in STATUSES}, heading
    total = by_report["Total"]
    for status in STATUSES:
        assert int(total[status]) == sum(1 for rows in reports.values() for row in rows if row["Status"] == status)
