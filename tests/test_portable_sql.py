"""Every dbt model is written in SQL that Spark also runs (issue 16): no DuckDB-only constructs.

Scans the raw SQL of every model under dbt_models/models (Jinja blocks and SQL comments removed first, so
`{% for q in range(1, 5) %}` and a comment naming a construct do not count). The one place DuckDB syntax
may live is the duckdb/default side of a dispatched macro in dbt_models/macros/portable.sql.
"""

import re
from pathlib import Path

import pytest

from dagster_project.lib.paths import DBT_PROJECT_DIR

MODELS_DIR = Path(DBT_PROJECT_DIR) / "models"

# (name, pattern, why Spark rejects or misreads it)
ENGINE_ONLY = [
    ("varchar", r"\bvarchar\b", "Spark's type is string; use {{ dbt.type_string() }}"),
    (":: cast", r"::", "PostgreSQL/DuckDB cast shorthand; Spark has no :: operator"),
    ("qualify", r"\bqualify\b", "no QUALIFY in Spark 3; filter a window column in a subquery"),
    ("* exclude", r"\*\s*exclude\b", "DuckDB star modifier; Spark 3 needs explicit columns"),
    ("range()", r"\brange\s*\(", "DuckDB table function; Spark uses sequence + explode"),
    ("generate_series", r"\bgenerate_series\s*\(", "DuckDB/PostgreSQL only"),
    ("string_agg", r"\bstring_agg\s*\(", "not in Spark; use ordered_string_agg"),
    ("list()", r"\blist\s*\(", "DuckDB list aggregate; Spark has collect_list"),
    ("list_/array_ function", r"\blist_\w+\s*\(", "DuckDB list functions have other names on Spark"),
    ("struct_pack", r"\bstruct_pack\s*\(", "DuckDB only; Spark has named_struct"),
    ("json_extract", r"\bjson_extract\w*\s*\(", "Spark has get_json_object; use json_string_at"),
    ("regexp_matches", r"\bregexp_matches\s*\(", "Spark has rlike; use matches_pattern"),
    ("strftime/strptime", r"\bstr[fp]time\s*\(", "Spark has date_format/to_date with Java patterns"),
    ("raw datediff/date_diff", r"(?<!dbt\.)\bdate_?diff\s*\(", "argument order differs; use dbt.datediff"),
    ("make_date", r"\bmake_date\s*\(", "Spark 3.0 has it but DuckDB/Spark differ on invalid days"),
    ("try_cast", r"\btry_cast\s*\(", "Spark 3.2+ only, with other failure semantics"),
    ("epoch", r"\bepoch\w*\s*\(", "DuckDB only; Spark has unix_timestamp"),
    ("count_if", r"\bcount_if\s*\(", "differs by Spark version; use sum(case ...)"),
    ("bool_or/bool_and", r"\bbool_(or|and)\s*\(", "Spark spells them bool_or only from 3.0; use max(case)"),
    ("arg_max/arg_min", r"\barg_(max|min)\s*\(", "Spark spells them max_by/min_by"),
    ("any_value", r"\bany_value\s*\(", "Spark 3.4+ only"),
    ("unnest", r"\bunnest\s*\(", "Spark has explode"),
    ("ilike", r"\bilike\b", "Spark 3.3+ only; use lower() like"),
    ("filter (where)", r"\bfilter\s*\(\s*where\b", "aggregate FILTER clause is not in Spark 3.0-3.1"),
    ("group/order by all", r"\b(group|order)\s+by\s+all\b", "DuckDB only"),
    ("union by name", r"\bunion\s+(all\s+)?by\s+name\b", "DuckDB only"),
]

JINJA_BLOCK = re.compile(r"\{#.*?#\}|\{%.*?%\}", re.DOTALL)
LINE_COMMENT = re.compile(r"--.*$")


def _strip(text: str) -> list[str]:
    """Lines of SQL with Jinja comments/statements and SQL line comments blanked, line numbers kept."""
    text = JINJA_BLOCK.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    return [LINE_COMMENT.sub("", line) for line in text.splitlines()]


def find_engine_only(models_dir: Path = MODELS_DIR) -> list[str]:
    found = []
    for path in sorted(models_dir.rglob("*.sql")):
        for number, line in enumerate(_strip(path.read_text()), start=1):
            for name, pattern, why in ENGINE_ONLY:
                if re.search(pattern, line, re.IGNORECASE):
                    found.append(f"{path.relative_to(models_dir)}:{number}: {name} ({why})")
    return found


def test_models_use_no_engine_only_sql():
    found = find_engine_only()
    assert not found, f"{len(found)} engine-only construct(s) in models:\n" + "\n".join(found)


@pytest.mark.parametrize("sql, expected", [
    ("select cast(a as varchar) from t", "varchar"),
    ("select a::date from t", ":: cast"),
    ("select * from t qualify row_number() over () = 1", "qualify"),
    ("select * exclude (a) from t", "* exclude"),
    ("select * from range(1, 5)", "range()"),
    ("select regexp_matches(a, 'x') from t", "regexp_matches"),
    ("select json_extract_string(a, '$[0]') from t", "json_extract"),
    ("select datediff('day', a, b) from t", "raw datediff/date_diff"),
])
def test_the_check_catches_each_construct(tmp_path, sql, expected):
    (tmp_path / "m.sql").write_text("-- a comment naming varchar and qualify is fine\n{% for q in range(1, 5) %}{% endfor %}\n" + sql + "\n")
    found = find_engine_only(tmp_path)
    assert len(found) == 1 and found[0].startswith(f"m.sql:3: {expected} ")


def test_dbt_cross_database_macros_pass():
    assert not any(re.search(p, "{{ dbt.datediff('a', 'b', 'day') }}", re.IGNORECASE) for _, p, _ in ENGINE_ONLY)
