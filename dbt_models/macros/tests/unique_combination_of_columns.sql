{#- A key made of several columns is unique (dbt-utils has this test; we keep no package dependency so
    the project builds with no network beyond the Python package registries). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    select {{ combination_of_columns | join(', ') }}, count(*) as rows_with_key
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}
