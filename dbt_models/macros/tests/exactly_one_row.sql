{#- A model that stands for one thing (tonight's settings, the manifest) has exactly one row: none would
    silently drop every row it is cross-joined to, two would double them. -#}
{% test exactly_one_row(model) %}
    select count(*) as rows_found
    from {{ model }}
    having count(*) <> 1
{% endtest %}
