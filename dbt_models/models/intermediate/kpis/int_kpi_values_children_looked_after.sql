-- One row per reporting period, KPI measure and breakdown value for section A (children looked after at
-- period end, KPIs A1-A9): counts of children, their breakdowns and the rate per 10,000. Every category
-- of a breakdown appears in every period (0 when nobody is in it), so that a table shows 0 rather than a
-- gap: the categories the seeds list (bands, groups) and any other that occurs in the data.
-- Denominators of counts are filled in by fct_kpi_values (the measure's total).

{#- measure, breakdown, column, its order column, and the seed's list of categories (or none) -#}
{%- set breakdowns = [
    ('A3.by_age_band', 'age_band', 'age_band', 'age_band_order',
        "select band_label, sort_order from " ~ ref('bands') ~ " where band_set = 'age'"),
    ('A4.by_sex', 'sex', 'sex', 'sex_order',
        "select label, sort_order from " ~ ref('kpi_categories') ~ " where category_set = 'sex' and code in ('M', 'F')"),
    ('A5.by_ethnicity', 'ethnic_group', 'ethnic_group', 'ethnic_group_order',
        "select distinct ethnic_group, ethnic_group_order from " ~ ref('ethnicity_groups')),
    ('A5.by_ethnicity', 'local_ethnic_group', 'local_ethnic_group', 'local_ethnic_group_order',
        "select distinct local_ethnic_group, local_ethnic_group_order from " ~ ref('ethnicity_groups')),
    ('A5.by_ethnicity', 'ethnicity', 'ethnicity', 'ethnic_group_order', none),
    ('A6.by_legal_status', 'legal_status_group', 'legal_status_group', 'legal_status_group_order',
        "select label, sort_order from " ~ ref('kpi_categories') ~ " where category_set = 'legal_status_group'"),
    ('A6.by_legal_status', 'legal_status', 'legal_status_with_code', 'legal_status_group_order', none),
    ('A7.by_length_of_care', 'length_of_care_band', 'length_of_care_band', 'length_of_care_band_order',
        "select band_label, sort_order from " ~ ref('bands') ~ " where band_set = 'length_of_care_months'"),
] %}
{%- set totals = [
    ('A1.children_looked_after', 'true'),
    ('A3.by_age_band', 'true'),
    ('A4.by_sex', 'true'),
    ('A5.by_ethnicity', 'true'),
    ('A6.by_legal_status', 'true'),
    ('A7.by_length_of_care', 'true'),
    ('A8.unaccompanied_asylum_seeking', 'is_uasc'),
    ('A9.placed_with_parents_under_an_order', 'is_placed_with_parents_under_an_order'),
] %}

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

children as (
    select * from {{ ref('int_children_looked_after_at_period_end') }}
),

-- Only the columns counted: the model reads the period-end table (one row per period and child, periods
-- overlapping) about twenty times, and its whole width, a copy held for every reading, took DuckDB past
-- 5.8 GiB at scale 200 (a national-sized extract).
looked_after as (
    select
        period_id,
        person_id,
        age_band, age_band_order,
        sex, sex_order,
        ethnic_group, ethnic_group_order,
        local_ethnic_group, local_ethnic_group_order,
        ethnicity,
        legal_status_group, legal_status_group_order,
        coalesce(legal_status_code || ' ', '') || legal_status as legal_status_with_code,
        length_of_care_band, length_of_care_band_order,
        is_uasc,
        is_placed_with_parents_under_an_order
    from children
    where not is_short_break_only
),

-- Each breakdown counted per period and category first (a few rows a period), then laid over every
-- category in every period: the counts are joined, not the children, so nothing the size of the
-- children is built twice.
{% for measure_id, breakdown_name, value_column, order_column, seed_categories in breakdowns %}
counts_{{ loop.index }} as (
    select
        period_id,
        {{ value_column }} as breakdown_value,
        min({{ order_column }}) as breakdown_order,
        count(person_id) as numerator
    from looked_after
    group by period_id, {{ value_column }}
),

breakdown_{{ loop.index }} as (
    select
        periods.period_id,
        '{{ measure_id }}' as measure_id,
        '{{ breakdown_name }}' as breakdown_name,
        categories.breakdown_value,
        categories.breakdown_order,
        -- a category with a null value (not recorded) is listed with 0, as a left join to it always gave
        coalesce(counts_{{ loop.index }}.numerator, 0) as numerator
    from periods
    cross join (
        select breakdown_value, min(breakdown_order) as breakdown_order
        from (
            select breakdown_value, breakdown_order
            from counts_{{ loop.index }}
            {% if seed_categories %}
            union all
            {{ seed_categories }}
            {% endif %}
        ) as listed
        group by breakdown_value
    ) as categories
    left join counts_{{ loop.index }}
        on periods.period_id = counts_{{ loop.index }}.period_id
        and categories.breakdown_value = counts_{{ loop.index }}.breakdown_value
),
{% endfor %}

-- every total in one reading of the children
totals as (
    select
        period_id,
        {% for measure_id, condition in totals %}
        count(case when {{ condition }} then person_id end) as numerator_{{ loop.index }}{{ "," if not loop.last }}
        {% endfor %}
    from looked_after
    group by period_id
),

{% for measure_id, condition in totals %}
total_{{ loop.index }} as (
    select
        periods.period_id,
        '{{ measure_id }}' as measure_id,
        coalesce(totals.numerator_{{ loop.index }}, 0) as numerator
    from periods
    left join totals
        on periods.period_id = totals.period_id
),
{% endfor %}

short_breaks as (
    select
        periods.period_id,
        count(children.person_id) as numerator
    from periods
    left join children
        on periods.period_id = children.period_id
        and children.is_short_break_only
    group by periods.period_id
),

final as (
    {% for measure_id, breakdown_name, value_column, order_column, seed_categories in breakdowns %}
    select
        period_id, measure_id, breakdown_name, breakdown_value, breakdown_order,
        'total' as breakdown_2_name, 'Total' as breakdown_2_value, 0 as breakdown_2_order,
        cast(numerator as double) as numerator, cast(null as double) as denominator
    from breakdown_{{ loop.index }}
    union all
    {% endfor %}
    {% for measure_id, condition in totals %}
    select
        period_id, measure_id, 'total', 'Total', 0, 'total', 'Total', 0,
        cast(numerator as double), cast(null as double)
    from total_{{ loop.index }}
    union all
    {% endfor %}
    select
        period_id, 'A1.short_break_children', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(numerator as double), cast(null as double)
    from short_breaks
    union all
    select
        periods.period_id, 'A2.rate_per_10000', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(total_1.numerator as double), cast(periods.population_under_18 as double)
    from periods
    inner join total_1
        on periods.period_id = total_1.period_id
)

select * from final
