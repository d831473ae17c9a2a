-- One row per reporting period, KPI measure and breakdown value for section E (the IRO service, KPIs
-- E1-E4).
--   E1 caseloads at period end (int_iro_cases_at_period_end, int_iro_caseloads_counted): cases by type,
--     IROs and full-time equivalent in post, cases per full-time IRO, IROs by their own caseload per
--     full-time equivalent against the Handbook range (council settings);
--   E2 consistency: children looked after on every day of the period (one period of care covering it)
--     who had one and the same IRO throughout; and changes of IRO (an allocation replacing a different
--     IRO of the same child) beginning in the period;
--   E3 periods of care begun in the period with an IRO allocated within 5 working days
--     (int_iro_allocation_timeliness);
--   E4 disputes (int_disputes_timed): raised in the period by level, case type, stage and reason, and by
--     level and by stage reached, each crossed with case type;
--     resolved within 20 working days; open at period end.

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

cases as (
    select * from {{ ref('int_iro_cases_at_period_end') }}
),

caseloads as (
    select * from {{ ref('int_iro_caseloads_counted') }}
),

periods_of_care as (
    select * from {{ ref('int_periods_of_care') }}
    where not is_short_break
),

allocations as (
    select * from {{ ref('int_iro_allocations') }}
),

allocation_timeliness as (
    select * from {{ ref('int_iro_allocation_timeliness') }}
),

disputes as (
    select * from {{ ref('int_disputes_timed') }}
),

categories as (
    select * from {{ ref('kpi_categories') }}
),

la_settings as (
    select settings.iro_caseload_low, settings.iro_caseload_high
    from {{ ref('int_council_settings_pivoted') }} as settings
    inner join {{ ref('stg_extract__manifests') }} as manifest
        on settings.la_code = manifest.la_code
),

cases_by_type as (
    select
        periods.period_id,
        case_types.label as breakdown_value,
        case_types.sort_order as breakdown_order,
        count(cases.person_id) as numerator
    from periods
    cross join (select code, label, sort_order from categories where category_set = 'iro_case_type') as case_types
    left join cases
        on periods.period_id = cases.period_id
        and case_types.code = cases.case_type_code
    group by periods.period_id, case_types.label, case_types.sort_order
),

service as (
    select
        periods.period_id,
        sum(case when caseloads.is_in_post then 1 else 0 end) as iros_in_post,
        sum(case when caseloads.is_in_post then caseloads.full_time_equivalent else 0 end) as full_time_equivalent,
        sum(caseloads.cases) as cases
    from periods
    left join caseloads
        on periods.period_id = caseloads.period_id
    group by periods.period_id
),

caseload_bands as (
    select
        'BELOW' as code, 'Below ' || cast(iro_caseload_low as {{ dbt.type_string() }}) as label, 1 as sort_order
    from la_settings
    union all
    select
        'WITHIN', cast(iro_caseload_low as {{ dbt.type_string() }}) || ' to ' || cast(iro_caseload_high as {{ dbt.type_string() }}), 2
    from la_settings
    union all
    select 'ABOVE', 'Above ' || cast(iro_caseload_high as {{ dbt.type_string() }}), 3
    from la_settings
),

iros_by_caseload as (
    select
        periods.period_id,
        caseload_bands.label as breakdown_value,
        caseload_bands.sort_order as breakdown_order,
        count(caseloads.professional_id) as numerator
    from periods
    cross join caseload_bands
    left join caseloads
        on periods.period_id = caseloads.period_id
        and caseload_bands.code = caseloads.caseload_band_code
    group by periods.period_id, caseload_bands.label, caseload_bands.sort_order
),

looked_after_throughout as (
    select periods.period_id, periods.period_start, periods.period_end, periods_of_care.person_id
    from periods
    inner join periods_of_care
        on periods_of_care.start_date <= periods.period_start
        and {{ open_end('periods_of_care.end_date') }} > periods.period_end
),

iros_during_period as (
    select
        looked_after_throughout.period_id,
        looked_after_throughout.person_id,
        count(distinct allocations.professional_id) as iros
    from looked_after_throughout
    left join allocations
        on looked_after_throughout.person_id = allocations.person_id
        and allocations.start_date <= looked_after_throughout.period_end
        and {{ open_end('allocations.end_date') }} > looked_after_throughout.period_start
    group by looked_after_throughout.period_id, looked_after_throughout.person_id
),

same_iro as (
    select
        periods.period_id,
        sum(case when iros_during_period.iros = 1 then 1 else 0 end) as numerator,
        count(iros_during_period.person_id) as denominator
    from periods
    left join iros_during_period
        on periods.period_id = iros_during_period.period_id
    group by periods.period_id
),

changes as (
    select allocations.*
    from allocations
    inner join allocations as previous
        on allocations.person_id = previous.person_id
        and allocations.allocation_sequence = previous.allocation_sequence + 1
    where allocations.professional_id is distinct from previous.professional_id
),

iro_changes as (
    select periods.period_id, count(changes.involvement_id) as numerator
    from periods
    left join changes
        on changes.start_date between periods.period_start and periods.period_end
    group by periods.period_id
),

allocated_in_time as (
    select
        periods.period_id,
        sum(case when allocation_timeliness.allocated_in_time then 1 else 0 end) as numerator,
        count(allocation_timeliness.period_of_care_id) as denominator
    from periods
    left join allocation_timeliness
        on allocation_timeliness.period_start_date between periods.period_start and periods.period_end
    group by periods.period_id
),

raised as (
    select periods.period_id, disputes.*
    from periods
    inner join disputes
        on disputes.raised_date between periods.period_start and periods.period_end
),

{% for name, value_column, order_column, category_set in [
    ('level', 'level', 'level_order', 'dispute_level'),
    ('case_type', 'case_type', 'case_type_order', 'dispute_case_type'),
    ('stage_reached', 'stage_reached_label', 'stage_reached_order', 'dispute_stage'),
    ('reason', 'reason', 'reason_order', 'dispute_reason'),
] %}
raised_by_{{ name }} as (
    select
        periods.period_id,
        options.breakdown_value,
        options.breakdown_order,
        count(raised.dispute_id) as numerator
    from periods
    cross join (
        select distinct {{ value_column }} as breakdown_value, {{ order_column }} as breakdown_order from disputes
        union
        select label, sort_order from categories where category_set = '{{ category_set }}'
    ) as options
    left join raised
        on periods.period_id = raised.period_id
        and options.breakdown_value = raised.{{ value_column }}
    group by periods.period_id, options.breakdown_value, options.breakdown_order
),
{% endfor %}

{% for name, value_column, order_column, category_set in [
    ('level', 'level', 'level_order', 'dispute_level'),
    ('stage_reached', 'stage_reached_label', 'stage_reached_order', 'dispute_stage'),
] %}
-- by {{ name }} and case type (Derby's dispute table gives the stage reached by case type)
raised_by_{{ name }}_and_case_type as (
    select
        periods.period_id,
        firsts.breakdown_value,
        firsts.breakdown_order,
        case_types.breakdown_value as breakdown_2_value,
        case_types.breakdown_order as breakdown_2_order,
        count(raised.dispute_id) as numerator
    from periods
    cross join (
        select distinct {{ value_column }} as breakdown_value, {{ order_column }} as breakdown_order from disputes
        union
        select label, sort_order from categories where category_set = '{{ category_set }}'
    ) as firsts
    cross join (
        select distinct case_type as breakdown_value, case_type_order as breakdown_order from disputes
        union
        select label, sort_order from categories where category_set = 'dispute_case_type'
    ) as case_types
    left join raised
        on periods.period_id = raised.period_id
        and firsts.breakdown_value = raised.{{ value_column }}
        and case_types.breakdown_value = raised.case_type
    group by periods.period_id, firsts.breakdown_value, firsts.breakdown_order, case_types.breakdown_value,
        case_types.breakdown_order
),
{% endfor %}

disputes_summary as (
    select
        periods.period_id,
        count(raised.dispute_id) as raised,
        sum(case when raised.is_resolved_in_time then 1 else 0 end) as resolved_in_time,
        sum(case when raised.is_resolved_in_time is not null then 1 else 0 end) as resolution_due
    from periods
    left join raised
        on periods.period_id = raised.period_id
    group by periods.period_id
),

open_disputes as (
    select periods.period_id, count(disputes.dispute_id) as numerator
    from periods
    left join disputes
        on disputes.raised_date <= periods.period_end
        and {{ open_end('disputes.resolved_date') }} > periods.period_end
    group by periods.period_id
),

final as (
    select
        period_id, 'E1.children_with_an_iro' as measure_id, 'case_type' as breakdown_name, breakdown_value,
        breakdown_order, 'total' as breakdown_2_name, 'Total' as breakdown_2_value, 0 as breakdown_2_order,
        cast(numerator as double) as numerator, cast(null as double) as denominator
    from cases_by_type
    union all
    select period_id, 'E1.children_with_an_iro', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(sum(numerator) as double), cast(null as double)
    from cases_by_type
    group by period_id
    union all
    select period_id, 'E1.iros_in_post', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(iros_in_post as double), cast(null as double)
    from service
    union all
    select period_id, 'E1.iro_full_time_equivalent', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(full_time_equivalent as double), cast(null as double)
    from service
    union all
    select period_id, 'E1.caseload_per_iro', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(coalesce(cases, 0) as double), cast(iros_in_post as double)
    from service
    union all
    select period_id, 'E1.caseload_per_full_time_iro', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(coalesce(cases, 0) as double), cast(full_time_equivalent as double)
    from service
    union all
    select period_id, 'E1.iros_by_caseload', 'caseload', breakdown_value, breakdown_order, 'total', 'Total', 0,
        cast(numerator as double), cast(null as double)
    from iros_by_caseload
    union all
    select period_id, 'E1.iros_by_caseload', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(sum(numerator) as double), cast(null as double)
    from iros_by_caseload
    group by period_id

    union all
    select period_id, 'E2.same_iro_all_period', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(numerator as double), cast(denominator as double)
    from same_iro
    union all
    select period_id, 'E2.iro_changes', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(numerator as double), cast(null as double)
    from iro_changes

    union all
    select period_id, 'E3.iro_allocated_in_time', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(numerator as double), cast(denominator as double)
    from allocated_in_time

    {% for name in ['level', 'case_type', 'stage_reached', 'reason'] %}
    union all
    select period_id, 'E4.disputes_raised', '{{ name }}', breakdown_value, breakdown_order, 'total', 'Total', 0,
        cast(numerator as double), cast(null as double)
    from raised_by_{{ name }}
    {% endfor %}
    {% for name in ['level', 'stage_reached'] %}
    union all
    select period_id, 'E4.disputes_raised', '{{ name }}', breakdown_value, breakdown_order,
        'case_type', breakdown_2_value, breakdown_2_order, cast(numerator as double), cast(null as double)
    from raised_by_{{ name }}_and_case_type
    {% endfor %}
    union all
    select period_id, 'E4.disputes_raised', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(raised as double), cast(null as double)
    from disputes_summary
    union all
    select period_id, 'E4.resolved_within_20_working_days', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(resolved_in_time as double), cast(resolution_due as double)
    from disputes_summary
    union all
    select period_id, 'E4.open_at_period_end', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(numerator as double), cast(null as double)
    from open_disputes
)

select * from final
