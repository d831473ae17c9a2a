{#- A date as a social worker reads it in the case-management system: dd/mm/yyyy (portable: extract and
    lpad exist on DuckDB, Spark, Postgres and Trino; no engine's strftime). Null stays null. -#}
{% macro uk_date(date_expression) -%}
    case when {{ date_expression }} is null then null else
        lpad(cast(extract(day from {{ date_expression }}) as {{ dbt.type_string() }}), 2, '0') || '/'
        || lpad(cast(extract(month from {{ date_expression }}) as {{ dbt.type_string() }}), 2, '0') || '/'
        || cast(extract(year from {{ date_expression }}) as {{ dbt.type_string() }})
    end
{%- endmacro %}
