{#
  SQL that DuckDB and Spark spell differently, or that a dbt cross-database macro gets wrong on one of
  them without an error. Each macro has a duckdb__ and a spark__ implementation; default__ is the
  ANSI-ish form (DuckDB's, which PostgreSQL shares). tests/spark/test_portable_macros.py runs every one
  on both engines against hand-worked values.
#}

{#- Values of a group joined into one string in a stated order. dbt.listagg cannot be used: on Spark it
    drops its order_by_clause with only a log line, so the order of the joined text changes silently.
    `distinct=true` joins each value once, ordered by the value itself (order_by is then ignored).
    A group whose values are all null gives null on both engines (Spark's array_join would give ''). -#}
{% macro ordered_string_agg(value, delimiter, order_by, distinct=false) -%}
    {{ return(adapter.dispatch('ordered_string_agg')(value, delimiter, order_by, distinct)) }}
{%- endmacro %}

{% macro default__ordered_string_agg(value, delimiter, order_by, distinct) -%}
    {%- if distinct -%}
    string_agg(distinct {{ value }}, {{ delimiter }} order by {{ value }})
    {%- else -%}
    string_agg({{ value }}, {{ delimiter }} order by {{ order_by }})
    {%- endif -%}
{%- endmacro %}

{% macro spark__ordered_string_agg(value, delimiter, order_by, distinct) -%}
    case when count({{ value }}) > 0 then
    {%- if distinct %}
        array_join(array_sort(collect_set({{ value }})), {{ delimiter }})
    {%- else %}
        array_join(
            transform(
                array_sort(collect_list(case when {{ value }} is not null
                    then named_struct('sort_key', {{ order_by }}, 'item', {{ value }}) end)),
                entry -> entry.item),
            {{ delimiter }})
    {%- endif %}
    end
{%- endmacro %}

{#- A trailing ".0" removed from an identifier that passed through a spreadsheet (12345.0 -> 12345).
    Written with a character class, not '\.0$': Spark's string literals treat the backslash as an
    escape, so '\.0$' reaches its regex engine as '.0$' and '1230' would lose its '30'. -#}
{% macro strip_trailing_point_zero(expression) -%}
    regexp_replace({{ expression }}, '[.]0$', '')
{%- endmacro %}

{#- True when the whole of a string matches a regular expression (anchor it with ^...$ yourself); null
    for a null string on both engines. DuckDB spells it regexp_matches(), Spark the rlike operator. Keep
    the pattern free of backslashes (see strip_trailing_point_zero). -#}
{% macro matches_pattern(expression, pattern) -%}
    {{ return(adapter.dispatch('matches_pattern')(expression, pattern)) }}
{%- endmacro %}

{% macro default__matches_pattern(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ pattern }})
{%- endmacro %}

{% macro spark__matches_pattern(expression, pattern) -%}
    ({{ expression }} rlike {{ pattern }})
{%- endmacro %}

{#- The text at a JSON path ('$[0]', '$.name') of a JSON string, unquoted; null when the path is absent
    or holds JSON null (see the Spark side for how that is made to agree). -#}
{% macro json_string_at(json_text, path) -%}
    {{ return(adapter.dispatch('json_string_at')(json_text, path)) }}
{%- endmacro %}

{% macro default__json_string_at(json_text, path) -%}
    json_extract_string({{ json_text }}, {{ path }})
{%- endmacro %}

{#- get_json_object gives the text 'null' for a JSON null (measured: the 'json null item' case in
    tests/spark/test_portable_macros.py), where DuckDB gives null; nullif makes them agree. The price: a
    JSON string "null" is read as null on Spark too, which no person id in an extract is. -#}
{% macro spark__json_string_at(json_text, path) -%}
    nullif(get_json_object({{ json_text }}, {{ path }}), 'null')
{%- endmacro %}
