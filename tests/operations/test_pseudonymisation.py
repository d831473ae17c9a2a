"""The analyst warehouse's pseudonyms are computed in SQL (lib/publication/pseudonymisation.py): they must be
exactly the HMAC-SHA256 the Python standard library gives, for any key length and any text, or the same
child would get a different pseudonym from one night to the next."""

import hashlib
import hmac

import duckdb
import pytest

from dagster_project.lib.publication import pseudonymisation


def _standard(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:16]


# RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
RFC_4231_CASE_2 = "5bdcc146bf60754e6a042426089575c7"


@pytest.mark.parametrize("key", [b"Jefe", b"k" * 64, b"a key longer than the 64-byte block of SHA-256, so it is hashed first"])
def test_the_sql_pseudonym_is_the_standard_hmac(key):
    values = ["what do ya want for nothing?", "1001", "", "Zoë O'Brien", "A" * 300, None]
    con = duckdb.connect()
    con.execute("create temp table _pseudonym_key (inner_pad blob, outer_pad blob)")
    con.execute("insert into _pseudonym_key values (?, ?)", list(pseudonymisation.hmac_pads(key)))
    con.execute("create table ids (position integer, value varchar)")
    con.executemany("insert into ids values (?, ?)", list(enumerate(values)))
    got = [row[0] for row in con.execute(
        f"select {pseudonymisation.pseudonym_sql('value')} from ids cross join _pseudonym_key order by position"
    ).fetchall()]
    assert got == [None if v is None else _standard(key, v) for v in values]
    assert got == [pseudonymisation.pseudonym(key, v) for v in values]
    if key == b"Jefe":
        assert got[0] == RFC_4231_CASE_2[:16]


def test_the_key_is_not_in_any_statement(tmp_path, monkeypatch):
    """The padded keys reach DuckDB as parameters: a statement that fails cannot quote them."""
    seen = []
    real_connect = duckdb.connect

    class Recording:
        def __init__(self, con):
            self._con = con

        def execute(self, sql, *args):
            seen.append(sql)
            return self._con.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self._con, name)

    source = tmp_path / "source.duckdb"
    con = real_connect(str(source))
    con.execute("create schema marts")
    con.execute("create table marts.children (child_id varchar)")
    con.execute("insert into marts.children values ('1001')")
    con.close()
    monkeypatch.setattr(pseudonymisation, "load_rules", lambda: {"child_id": "hash"})
    monkeypatch.setattr(pseudonymisation.duckdb, "connect", lambda *a, **k: Recording(real_connect(*a, **k)))
    key = b"secret-key-of-the-council"
    pseudonymisation.export_analyst_warehouse(source, tmp_path / "analyst.duckdb", key, schemas=("marts",))
    pads = [p.hex() for p in pseudonymisation.hmac_pads(key)]
    assert seen and not any(key.decode() in sql or pads[0] in sql or pads[1] in sql for sql in seen)
    result = real_connect(str(tmp_path / "analyst.duckdb"), read_only=True)
    assert result.execute("select child_id from marts.children").fetchall() == [(_standard(key, "1001"),)]
