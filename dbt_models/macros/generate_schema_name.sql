{#- Schemas are named for their layer (staging, intermediate, marts, reference), not prefixed with the
    target schema: analysts query marts.fct_... directly in the one warehouse file.
    On Spark a night builds into schemas of its own (`marts_r1a2b3c4d`, var cla_run_suffix, set by the
    Dagster step) and publication repoints the published views (`marts.x`) at them, so readers never
    see half a night (dagster_project/lib/engine/spark_night.py). Unset (DuckDB, dbt by hand): no suffix. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name if custom_schema_name is not none else target.schema) ~ var('cla_run_suffix', '') }}
{%- endmacro %}
