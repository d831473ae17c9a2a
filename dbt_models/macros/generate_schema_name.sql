{#- Schemas are named for their layer (staging, intermediate, marts, reference), not prefixed with the
    target schema: analysts query marts.fct_... directly in the one warehouse file. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name is not none else target.schema }}
{%- endmacro %}
