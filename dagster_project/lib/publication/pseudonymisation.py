"""The analyst warehouse: every mart and the data-quality marts, children's identifiers pseudonymised by
declared rules.

The rules are data (seeds/privacy/pseudonymisation_rules*.csv), one per column name, so the same column is
treated the same way in every mart and a new mart is covered by name:

- hash: an HMAC-SHA256 of the value under a secret key, first 16 hex characters: the same child has the
  same pseudonym in every table and every night, so analysts can still link records, but cannot reverse it;
- month: a date of birth (or a date that gives one away) cut to the first of its month;
- sector: a postcode cut to its sector ("DE22 3");
- drop: not exported;
- keep: exported as it is.

A column without a rule is not exported (default deny) and is reported, so a new identifying column
never slips through.

The key is CLA_PSEUDONYMISATION_KEY; when it is not set, a random key is made once and kept in
output/.secrets/pseudonymisation.key (readable by its owner only), so pseudonyms stay stable.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import secrets
from pathlib import Path

import duckdb

from dagster_project.lib.paths import SEEDS_DIR

RULES_DIR = SEEDS_DIR / "privacy"
# the schemas analysts get: every mart, and recording quality (findings and summaries by rule, team,
# worker, child and night) under the same declared rules
ANALYST_SCHEMAS = ("marts", "data_quality")


def load_rules() -> dict[str, str]:
    """Every pseudonymisation_rules*.csv (one per domain: the 903 return, IRO KPIs, data quality...)."""
    rules: dict[str, str] = {}
    for path in sorted(RULES_DIR.glob("pseudonymisation_rules*.csv")):
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if rules.setdefault(row["column_name"], row["treatment"]) != row["treatment"]:
                    raise ValueError(f"{path.name}: column {row['column_name']} has two treatments")
    return rules


def pseudonymisation_key(output_dir: Path) -> bytes:
    configured = os.environ.get("CLA_PSEUDONYMISATION_KEY")
    if configured:
        return configured.encode()
    path = output_dir / ".secrets" / "pseudonymisation.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def pseudonym(key: bytes, value: str | None) -> str | None:
    """A value's pseudonym, as `pseudonym_sql` computes it in the warehouse (for looking one up by hand)."""
    if value is None:
        return None
    return hmac.new(key, str(value).encode(), hashlib.sha256).hexdigest()[:16]


# HMAC-SHA256 (RFC 2104) written in SQL with DuckDB's sha256: H((K ^ opad) || H((K ^ ipad) || value)), the
# key padded to the hash's 64-byte block (hashed first if longer). The same pseudonym as `pseudonym`, but
# computed inside DuckDB: the Python function it replaces was called once per value and took most of the
# analyst warehouse's time (35 s at scale 50). The padded keys come from the temp table `_pseudonym_key`,
# never from the statement's text, so no error message can quote them.
HMAC_BLOCK = 64


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """(K ^ ipad, K ^ opad) for HMAC-SHA256."""
    if len(key) > HMAC_BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(HMAC_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def pseudonym_sql(value_sql: str) -> str:
    """The pseudonym of a VARCHAR expression, in SQL over `_pseudonym_key` (first 16 hex characters)."""
    inner = f"unhex(sha256(_pseudonym_key.inner_pad || encode({value_sql})))"
    return f"case when {value_sql} is null then null else left(sha256(_pseudonym_key.outer_pad || {inner}), 16) end"


def _expression(column: str, treatment: str) -> str | None:
    quoted = '"' + column.replace('"', '""') + '"'
    if treatment == "keep":
        return quoted
    if treatment == "hash":
        return pseudonym_sql(f"cast({quoted} as varchar)")
    if treatment == "month":
        return f"cast(date_trunc('month', cast({quoted} as date)) as date)"
    if treatment == "sector":
        # outward code, a space, and the first character of the inward code: "DE22 3AB" -> "DE22 3"
        return (f"case when {quoted} is null then null "
                f"else trim(substr(replace({quoted}, ' ', ''), 1, length(replace({quoted}, ' ', '')) - 3)) "
                f"|| ' ' || substr(right(replace({quoted}, ' ', ''), 3), 1, 1) end")
    return None  # drop


def export_analyst_warehouse(source: Path, target: Path, key: bytes, schemas=ANALYST_SCHEMAS) -> dict:
    """Write the pseudonymised copy of the given schemas. Returns tables written and unclassified columns."""
    rules = load_rules()
    target.unlink(missing_ok=True)
    con = duckdb.connect(str(target))
    unclassified: dict[str, list[str]] = {}
    tables = 0
    try:
        con.execute("create temp table _pseudonym_key (inner_pad blob, outer_pad blob)")
        con.execute("insert into _pseudonym_key values (?, ?)", list(hmac_pads(key)))
        con.execute(f"attach '{source}' as source (read_only)")
        for schema in schemas:
            con.execute(f"create schema if not exists {schema}")
            names = [r[0] for r in con.execute(
                "select table_name from information_schema.tables where table_catalog = 'source' "
                "and table_schema = ? order by 1", [schema]).fetchall()]
            for table in names:
                columns = [r[0] for r in con.execute(
                    "select column_name from information_schema.columns where table_catalog = 'source' "
                    "and table_schema = ? and table_name = ? order by ordinal_position", [schema, table]).fetchall()]
                selected = []
                for column in columns:
                    if column not in rules:
                        unclassified.setdefault(f"{schema}.{table}", []).append(column)
                        continue
                    expression = _expression(column, rules[column])
                    if expression is not None:
                        selected.append(f'{expression} as "{column}"')
                if selected:
                    con.execute(f'create table {schema}."{table}" as select {", ".join(selected)} '
                                f'from source.{schema}."{table}" cross join _pseudonym_key')
                    tables += 1
        con.execute("detach source")
    finally:
        con.close()
    return {"tables": tables, "unclassified": unclassified}
