-- One row per child protection plan (other councils' temporary plans included and flagged; no figure
-- counts them), numbered among the child's own plans, with repeat-plan and length flags.

with

plans as (
    select * from {{ ref('int_child_protection_plans_sequenced') }}
),

final as (
    select
        child_protection_plan_id,
        person_id,
        initial_conference_id,
        start_date,
        end_date,
        is_other_la_temporary_plan,
        category_code,
        category,
        plan_sequence,
        previous_plan_start_date,
        previous_plan_end_date,
        is_repeat_plan,
        is_repeat_plan_within_window,
        lasted_two_years_or_more,
        age_at_start,
        sex_code,
        ethnicity_code
    from plans
)

select * from final
