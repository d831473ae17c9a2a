with

periods as (
    select * from {{ ref('int_periods_of_care') }}
    where not is_short_break
),

allocations as (
    select * from {{ ref('int_iro_allocations') }}
),

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

settings as (
    select settings.iro_allocation_working_days
    from {{ ref('int_council_settings_pivoted') }} as settings
    inner join {{ ref('stg_extract__manifests') }} as manifest
        on settings.la_code = manifest.la_code
),

first_allocation as (
    select
        periods.period_of_care_id,
        min(greatest(allocations.start_date, periods.start_date)) as allocated_date
    from periods
    inner join allocations
        on periods.person_id = allocations.person_id
        and (allocations.end_date is null or allocations.end_date > periods.start_date)
        and (periods.end_date is null or allocations.start_date < periods.end_date)
    group by periods.period_of_care_id
),

final as (
    select
        periods.period_of_care_id,
        periods.person_id,
        periods.start_date as period_start_date,
        periods.end_date as period_end_date,
        first_allocation.allocated_date as iro_allocated_date,
        allocated_day.working_day_count - start_day.working_day_count as working_days_to_allocation,
        settings.iro_allocation_working_days as allowed_working_days,
        coalesce(
            allocated_day.working_day_count - start_day.working_day_count <= settings.iro_allocation_working_days,
            false
        ) as allocated_in_time
    from periods
    cross join settings
    inner join calendar as start_day
        on start_day.calendar_date = periods.start_date
    left join first_allocation
        on periods.period_of_care_id = first_allocation.period_of_care_id
    left join calendar as allocated_day
        on allocated_day.calendar_date = first_allocation.allocated_date
)

select * from final
