{#- The margins of a KPI crossed by two breakdowns, from a relation with one row per period and cell
    (period_id, breakdown_value, breakdown_order, breakdown_2_value, breakdown_2_order, numerator): the
    subtotal of each first-breakdown value over the second, of each second-breakdown value over the first
    and, with grand_total, the period's total. A margin's own breakdown is named 'total' with value 'Total'
    and order 0, the way every KPI row names a total. One GROUP BY GROUPING SETS instead of a hand-written
    union per margin; grouping() tells a subtotal from a cell whose value is null.
    A grand total that is a count of distinct children (not the sum of the cells: a child can be in two
    cells) is not this macro's: leave grand_total off and select it from the distinct count. -#}
{% macro breakdown_subtotals(relation, breakdown_name, breakdown_2_name, grand_total=true) %}
    select
        period_id,
        case when grouping(breakdown_value) = 1 then 'total' else '{{ breakdown_name }}' end as breakdown_name,
        case when grouping(breakdown_value) = 1 then 'Total' else breakdown_value end as breakdown_value,
        case when grouping(breakdown_value) = 1 then 0 else breakdown_order end as breakdown_order,
        case when grouping(breakdown_2_value) = 1 then 'total' else '{{ breakdown_2_name }}' end as breakdown_2_name,
        case when grouping(breakdown_2_value) = 1 then 'Total' else breakdown_2_value end as breakdown_2_value,
        case when grouping(breakdown_2_value) = 1 then 0 else breakdown_2_order end as breakdown_2_order,
        sum(numerator) as numerator
    from {{ relation }}
    group by grouping sets (
        (period_id, breakdown_value, breakdown_order),
        (period_id, breakdown_2_value, breakdown_2_order){% if grand_total %},
        (period_id){% endif %}
    )
{% endmacro %}
