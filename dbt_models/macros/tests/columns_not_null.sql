{#- Several columns of one model that are never empty, as one test (one dbt node, not one per column: the
    night runs each node at a fixed cost of about 75 ms whatever its size). A failing row names its column. -#}
{% test columns_not_null(model, columns) %}
    {%- for column in columns %}
    select '{{ column }}' as column_name from {{ model }} where {{ column }} is null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{% endtest %}
