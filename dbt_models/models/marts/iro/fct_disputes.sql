-- One row per dispute raised by an IRO through the dispute resolution process, with its level, stage,
-- reason and working days to resolution.

with

disputes as (
    select * from {{ ref('int_disputes_timed') }}
),

final as (
    select
        dispute_id,
        person_id,
        raised_by_professional_id,
        case_type_code,
        case_type,
        level_code,
        level,
        stage_reached,
        stage_reached_label,
        reason_code,
        reason,
        raised_date,
        response_due_date,
        resolved_date,
        outcome_code,
        is_withdrawn,
        resolution_due_date,
        working_days_to_resolution,
        is_resolved_in_time
    from disputes
)

select * from final
