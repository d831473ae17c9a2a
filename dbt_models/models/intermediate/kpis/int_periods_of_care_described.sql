-- One row per period of care (short breaks included and flagged), with what the entries and exits
-- tables break it down by: the category of need of the starting episode, how it ended (REC, grouped as
-- the reasons_episode_ceased seed groups it), the child's age when it began and ended, the placements it
-- held (int_placements_counted) and when the child's IRO was allocated.

with

periods as (
    select * from {{ ref('int_periods_of_care') }}
),

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

allocation_timeliness as (
    select * from {{ ref('int_iro_allocation_timeliness') }}
),

placements as (
    select period_of_care_id, count(*) as placements, max(placement_number) - 1 as placement_moves
    from {{ ref('int_placements_counted') }}
    group by period_of_care_id
),

reasons_ceased as (
    select * from {{ ref('ssda903_reasons_episode_ceased') }}
),

codes as (
    select * from {{ ref('ssda903_codes') }}
),

categories as (
    select * from {{ ref('kpi_categories') }}
),

bands as (
    select * from {{ ref('bands') }}
),

aged as (
    select
        periods.*,
        persons.sex_code,
        persons.ethnicity_code,
        {{ age_in_years('persons.date_of_birth', 'periods.start_date') }} as age_at_start,
        {{ age_in_years('persons.date_of_birth', 'periods.end_date') }} as age_at_end
    from periods
    left join persons
        on periods.person_id = persons.person_id
),

final as (
    select
        aged.period_of_care_id,
        aged.person_id,
        aged.start_date,
        aged.end_date,
        aged.is_short_break,
        aged.episodes,
        coalesce(placements.placements, 0) as placements,
        coalesce(placements.placement_moves, 0) as placement_moves,
        aged.first_legal_status_code,
        aged.category_of_need_code,
        coalesce(
            aged.category_of_need_code || ' ' || need_codes.description, aged.category_of_need_code, 'Not recorded'
        ) as category_of_need,
        aged.reason_ceased_code,
        case
            when aged.end_date is null then null
            else coalesce(aged.reason_ceased_code || ' ' || reason_codes.description, 'Not recorded')
        end as reason_ceased,
        case
            when aged.end_date is null then null
            else coalesce(reason_groups.label, reasons_ceased.report_group, 'Not recorded')
        end as reason_ceased_group,
        case when aged.end_date is null then null else coalesce(reason_groups.sort_order, 99) end
            as reason_ceased_group_order,
        aged.sex_code,
        aged.ethnicity_code,
        aged.age_at_start,
        coalesce(start_bands.band_label, 'Not known') as age_band_at_start,
        aged.age_at_end,
        allocation_timeliness.iro_allocated_date,
        allocation_timeliness.working_days_to_allocation as working_days_to_iro_allocation,
        allocation_timeliness.allocated_in_time as is_iro_allocated_in_time
    from aged
    left join placements
        on aged.period_of_care_id = placements.period_of_care_id
    left join codes as need_codes
        on need_codes.field = 'CIN'
        and aged.category_of_need_code = need_codes.code
    left join codes as reason_codes
        on reason_codes.field = 'REC'
        and aged.reason_ceased_code = reason_codes.code
    left join reasons_ceased
        on aged.reason_ceased_code = reasons_ceased.code
    left join categories as reason_groups
        on reason_groups.category_set = 'reason_ceased_group'
        and reasons_ceased.report_group = reason_groups.code
    left join bands as start_bands
        on start_bands.band_set = 'age'
        and aged.age_at_start >= start_bands.lower_bound
        and (start_bands.upper_bound is null or aged.age_at_start < start_bands.upper_bound)
    left join allocation_timeliness
        on aged.period_of_care_id = allocation_timeliness.period_of_care_id
)

select * from final
