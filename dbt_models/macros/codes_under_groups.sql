{#
    count_codes_under_groups: one row per period, group and detailed code of one KPI measure, the count of
    the events under that code in that period: a cross-tabulation of a group (first breakdown) by its
    detailed DfE codes (second breakdown), as int_kpi_values_detailed_codes holds them.

    `listed` is every code the table shows, under its group, whether or not anything happened:
        group_label, group_order, code_key, code_label, code_order
    `counted` is one row per event (a child, a period of care ended, a review held) in a period:
        period_id, group_label, code_key, event_id
    Every listed code appears in every period, with 0 when nothing happened, so a group is exactly the sum
    of its codes in every period (the report's disclosure control relies on that, see the model).
#}
{% macro count_codes_under_groups(measure_id, group_name, code_name, listed, counted, periods='periods') %}
    select
        {{ periods }}.period_id,
        '{{ measure_id }}' as measure_id,
        '{{ group_name }}' as breakdown_name,
        {{ listed }}.group_label as breakdown_value,
        {{ listed }}.group_order as breakdown_order,
        '{{ code_name }}' as breakdown_2_name,
        {{ listed }}.code_label as breakdown_2_value,
        {{ listed }}.code_order as breakdown_2_order,
        cast(count({{ counted }}.event_id) as double) as numerator,
        cast(null as double) as denominator
    from {{ periods }}
    cross join {{ listed }}
    left join {{ counted }}
        on
            {{ periods }}.period_id = {{ counted }}.period_id
            and {{ listed }}.group_label = {{ counted }}.group_label
            and {{ listed }}.code_key = {{ counted }}.code_key
    group by
        {{ periods }}.period_id, {{ listed }}.group_label, {{ listed }}.group_order,
        {{ listed }}.code_label, {{ listed }}.code_order
{% endmacro %}
