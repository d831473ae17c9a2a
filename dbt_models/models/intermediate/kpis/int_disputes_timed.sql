-- One row per dispute an IRO raised (dispute resolution process), with how long it took to resolve in
-- working days. A dispute is resolved in time when it is resolved (not withdrawn) by the 20th working day
-- after it was raised (council settings); one still open whose deadline has not passed at the extract date
-- is not yet late (null), and a withdrawn one is neither.

with

disputes as (
    select * from {{ ref('stg_iro__disputes') }}
),

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

categories as (
    select * from {{ ref('kpi_categories') }}
),

settings as (
    select * from {{ ref('int_council_settings_pivoted') }}
),

manifest as (
    select extract_date from {{ ref('stg_extract__manifests') }}
),

timed as (
    select
        disputes.*,
        deadline_day.calendar_date as resolution_due_date,
        resolved_day.working_day_count - raised_day.working_day_count as working_days_to_resolution
    from disputes
    cross join settings
    left join calendar as raised_day
        on disputes.raised_date = raised_day.calendar_date
    left join calendar as deadline_day
        on {{ working_days_after('raised_day', 'deadline_day', 'settings.dispute_resolution_working_days') }}
    left join calendar as resolved_day
        on disputes.resolved_date = resolved_day.calendar_date
),

final as (
    select
        timed.dispute_id,
        timed.person_id,
        timed.raised_by_professional_id,
        timed.case_type_code,
        coalesce(case_types.label, timed.case_type_code, 'Not recorded') as case_type,
        coalesce(case_types.sort_order, 99) as case_type_order,
        timed.level_code,
        coalesce(levels.label, timed.level_code, 'Not recorded') as level,
        coalesce(levels.sort_order, 99) as level_order,
        timed.stage_reached,
        coalesce(stages.label, 'Not recorded') as stage_reached_label,
        coalesce(stages.sort_order, 99) as stage_reached_order,
        timed.reason_code,
        coalesce(reasons.label, timed.reason_code, 'Not recorded') as reason,
        coalesce(reasons.sort_order, 99) as reason_order,
        timed.raised_date,
        timed.response_due_date,
        timed.resolved_date,
        timed.outcome_code,
        timed.outcome_code = 'WITHDRAWN' as is_withdrawn,
        timed.resolution_due_date,
        timed.working_days_to_resolution,
        case
            when timed.outcome_code = 'WITHDRAWN' then null
            when timed.resolved_date is not null then timed.resolved_date <= timed.resolution_due_date
            when timed.resolution_due_date < manifest.extract_date then false
        end as is_resolved_in_time
    from timed
    cross join manifest
    left join categories as case_types
        on case_types.category_set = 'dispute_case_type'
        and timed.case_type_code = case_types.code
    left join categories as levels
        on levels.category_set = 'dispute_level'
        and timed.level_code = levels.code
    left join categories as stages
        on stages.category_set = 'dispute_stage'
        and cast(timed.stage_reached as {{ dbt.type_string() }}) = stages.code
    left join categories as reasons
        on reasons.category_set = 'dispute_reason'
        and timed.reason_code = reasons.code
)

select * from final
