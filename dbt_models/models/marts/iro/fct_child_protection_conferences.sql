-- One row per child protection conference: initial (transfer-ins marked) and review conferences, with
-- whether each was held in time.

with

conferences as (
    select * from {{ ref('int_child_protection_conferences_timed') }}
),

final as (
    select
        conference_key,
        conference_type_code,
        person_id,
        child_protection_plan_id,
        conference_date,
        section_47_start_date,
        working_days_from_strategy_discussion,
        is_held_in_time,
        resulted_in_plan,
        review_sequence,
        due_date
    from conferences
)

select * from final
