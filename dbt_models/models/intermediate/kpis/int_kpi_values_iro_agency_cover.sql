-- One row per reporting period and KPI measure for agency or interim IROs (KPI E1): how many of the IROs
-- in post on the period's last day, and how much of the full-time equivalent in post, were agency staff
-- (iro_establishment's agency flag, through int_iro_caseloads_counted). The real reports give this as
-- "IROs in post, of whom agency" and "FTE covered by agency workers" (Kirklees, Sandwell, Darlington).
-- Numerator agency, denominator all in post; a period with no IRO in post has denominator 0 (the mart
-- then shows no percentage rather than 0%).

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

caseloads as (
    select * from {{ ref('int_iro_caseloads_counted') }}
    where is_in_post
),

cover as (
    select
        periods.period_id,
        count(caseloads.professional_id) as iros_in_post,
        sum(case when caseloads.is_agency then 1 else 0 end) as agency_iros_in_post,
        sum(coalesce(caseloads.full_time_equivalent, 0)) as full_time_equivalent,
        sum(case when caseloads.is_agency then coalesce(caseloads.full_time_equivalent, 0) else 0 end)
            as agency_full_time_equivalent
    from periods
    left join caseloads
        on periods.period_id = caseloads.period_id
    group by periods.period_id
),

final as (
    select
        period_id, 'E1.agency_iros_in_post' as measure_id, 'total' as breakdown_name, 'Total' as breakdown_value,
        0 as breakdown_order, 'total' as breakdown_2_name, 'Total' as breakdown_2_value, 0 as breakdown_2_order,
        cast(coalesce(agency_iros_in_post, 0) as double) as numerator, cast(iros_in_post as double) as denominator
    from cover
    union all
    select period_id, 'E1.agency_full_time_equivalent', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(coalesce(agency_full_time_equivalent, 0) as double), cast(coalesce(full_time_equivalent, 0) as double)
    from cover
)

select * from final
