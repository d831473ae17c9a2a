-- One row per reporting period, KPI measure and breakdown value for section B (entries and exits, KPIs
-- B1-B3). Starts and ends count periods of care, not children (a child who starts twice counts twice);
-- short-break periods are left out. Care leavers (B3) are the OC3 cohort of the
-- SSDA903 return (ssda903_oc3: one definition of the cohort), a yearly figure. Every category of need
-- and group of reasons appears in every period (0 when none).

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

periods_of_care as (
    select * from {{ ref('int_periods_of_care_described') }}
    where not is_short_break
),

care_leavers as (
    select * from {{ ref('int_ssda903_return_oc3') }}
),

bands as (
    select * from {{ ref('bands') }}
    where band_set = 'care_leaver_age'
),

started as (
    select periods.period_id, periods_of_care.*
    from periods
    inner join periods_of_care
        on periods_of_care.start_date between periods.period_start and periods.period_end
),

ended as (
    select periods.period_id, periods_of_care.*
    from periods
    inner join periods_of_care
        on periods_of_care.end_date between periods.period_start and periods.period_end
),

needs as (
    -- every category of need N1-N8, and any other value recorded
    select distinct category_of_need, coalesce(category_of_need_code, 'N99') as need_order
    from periods_of_care
    union
    select code || ' ' || description, code
    from {{ ref('ssda903_codes') }}
    where field = 'CIN'
),

reason_groups as (
    select distinct reason_ceased_group, reason_ceased_group_order
    from periods_of_care
    where end_date is not null
    union
    select label, sort_order
    from {{ ref('kpi_categories') }}
    where category_set = 'reason_ceased_group'
),

reasons as (
    select reason_ceased, min(reason_ceased_group_order) as reason_order
    from periods_of_care
    where end_date is not null
    group by reason_ceased
),

started_by_need as (
    select
        periods.period_id,
        needs.category_of_need as breakdown_value,
        -- N1 ... N8 in order
        row_number() over (partition by periods.period_id order by needs.need_order) as breakdown_order,
        count(started.period_of_care_id) as numerator
    from periods
    cross join needs
    left join started
        on periods.period_id = started.period_id
        and needs.category_of_need = started.category_of_need
    group by periods.period_id, needs.category_of_need, needs.need_order
),

started_total as (
    select periods.period_id, count(started.period_of_care_id) as numerator
    from periods
    left join started
        on periods.period_id = started.period_id
    group by periods.period_id
),

ended_by_group as (
    select
        periods.period_id,
        reason_groups.reason_ceased_group as breakdown_value,
        reason_groups.reason_ceased_group_order as breakdown_order,
        count(ended.period_of_care_id) as numerator
    from periods
    cross join reason_groups
    left join ended
        on periods.period_id = ended.period_id
        and reason_groups.reason_ceased_group = ended.reason_ceased_group
    group by periods.period_id, reason_groups.reason_ceased_group, reason_groups.reason_ceased_group_order
),

ended_by_reason as (
    select
        periods.period_id,
        reasons.reason_ceased as breakdown_value,
        reasons.reason_order as breakdown_order,
        count(ended.period_of_care_id) as numerator
    from periods
    cross join reasons
    left join ended
        on periods.period_id = ended.period_id
        and reasons.reason_ceased = ended.reason_ceased
    group by periods.period_id, reasons.reason_ceased, reasons.reason_order
),

ended_total as (
    select periods.period_id, count(ended.period_of_care_id) as numerator
    from periods
    left join ended
        on periods.period_id = ended.period_id
    group by periods.period_id
),

care_leaver_rows as (
    select
        periods.period_id,
        coalesce(bands.band_label, 'Other ages') as age_band,
        coalesce(bands.sort_order, 99) as age_band_order,
        care_leavers.in_touch = 'YES' as is_in_touch,
        care_leavers.accom like '%1' as is_in_suitable_accommodation
    from periods
    inner join care_leavers
        on periods.collection_year = care_leavers.collection_year
    left join bands
        on care_leavers.care_leaver_age >= bands.lower_bound
        and care_leavers.care_leaver_age < bands.upper_bound
    where periods.period_type = 'year'
),

care_leaver_bands as (
    select band_label as age_band, sort_order as age_band_order from bands
),

{% for measure, flag in [('B3.care_leavers_in_touch', 'is_in_touch'),
                         ('B3.care_leavers_in_suitable_accommodation', 'is_in_suitable_accommodation')] %}
care_leavers_{{ loop.index }} as (
    select
        periods.period_id,
        '{{ measure }}' as measure_id,
        'total' as breakdown_name,
        'Total' as breakdown_value,
        0 as breakdown_order,
        sum(case when care_leaver_rows.{{ flag }} then 1 else 0 end) as numerator,
        count(care_leaver_rows.period_id) as denominator
    from periods
    left join care_leaver_rows
        on periods.period_id = care_leaver_rows.period_id
    group by periods.period_id

    union all

    select
        periods.period_id,
        '{{ measure }}',
        'care_leaver_age',
        care_leaver_bands.age_band,
        care_leaver_bands.age_band_order,
        sum(case when care_leaver_rows.{{ flag }} then 1 else 0 end),
        count(care_leaver_rows.period_id)
    from periods
    cross join care_leaver_bands
    left join care_leaver_rows
        on periods.period_id = care_leaver_rows.period_id
        and care_leaver_bands.age_band = care_leaver_rows.age_band
    group by periods.period_id, care_leaver_bands.age_band, care_leaver_bands.age_band_order
),
{% endfor %}

final as (
    select
        period_id, 'B1.periods_of_care_started' as measure_id, 'category_of_need' as breakdown_name,
        breakdown_value, breakdown_order, 'total' as breakdown_2_name, 'Total' as breakdown_2_value,
        0 as breakdown_2_order, cast(numerator as double) as numerator, cast(null as double) as denominator
    from started_by_need
    union all
    select period_id, 'B1.periods_of_care_started', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(numerator as double), cast(null as double)
    from started_total
    union all
    select period_id, 'B2.periods_of_care_ended', 'reason_group', breakdown_value, breakdown_order,
        'total', 'Total', 0, cast(numerator as double), cast(null as double)
    from ended_by_group
    union all
    select period_id, 'B2.periods_of_care_ended', 'reason', breakdown_value, breakdown_order,
        'total', 'Total', 0, cast(numerator as double), cast(null as double)
    from ended_by_reason
    union all
    select period_id, 'B2.periods_of_care_ended', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(numerator as double), cast(null as double)
    from ended_total
    union all
    select period_id, measure_id, breakdown_name, breakdown_value, breakdown_order, 'total', 'Total', 0,
        cast(numerator as double), cast(denominator as double)
    from care_leavers_1
    union all
    select period_id, measure_id, breakdown_name, breakdown_value, breakdown_order, 'total', 'Total', 0,
        cast(numerator as double), cast(denominator as double)
    from care_leavers_2
)

select * from final
