-- One row per child protection plan, numbered among the child's plans (other councils' temporary plans
-- are kept, flagged, and never counted: they are not this council's plans). A plan is a repeat plan when
-- the child had one of ours before; a repeat within 2 years (council settings) when the previous plan ended
-- no more than 2 years before this one began (or had not ended). Category: the latest recorded, else the
-- initial one (the extract holds no history of category changes).

with

plans as (
    select * from {{ ref('stg_ssd__child_protection_plans') }}
),

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

categories as (
    select * from {{ ref('kpi_categories') }}
),

settings as (
    select * from {{ ref('int_council_settings_pivoted') }}
),

own_plans as (
    select
        plans.*,
        row_number() over (
            partition by plans.person_id order by plans.start_date, plans.child_protection_plan_id
        ) as plan_sequence,
        lag(plans.end_date) over (
            partition by plans.person_id order by plans.start_date, plans.child_protection_plan_id
        ) as previous_plan_end_date,
        lag(plans.start_date) over (
            partition by plans.person_id order by plans.start_date, plans.child_protection_plan_id
        ) as previous_plan_start_date
    from plans
    where not coalesce(plans.is_other_la_temporary_plan, false)
        and plans.start_date is not null
),

final as (
    select
        plans.child_protection_plan_id,
        plans.person_id,
        plans.initial_conference_id,
        plans.start_date,
        plans.end_date,
        coalesce(plans.is_other_la_temporary_plan, false) as is_other_la_temporary_plan,
        coalesce(plans.latest_category_code, plans.initial_category_code, 'NOT_RECORDED') as category_code,
        coalesce(category.label, 'Not recorded') as category,
        coalesce(category.sort_order, 99) as category_order,
        own_plans.plan_sequence,
        own_plans.previous_plan_start_date,
        own_plans.previous_plan_end_date,
        coalesce(own_plans.plan_sequence > 1, false) as is_repeat_plan,
        coalesce(
            own_plans.plan_sequence > 1
            and (
                own_plans.previous_plan_end_date is null
                or own_plans.previous_plan_end_date
                    >= cast({{ dbt.dateadd('year', '-settings.repeat_plan_window_years', 'plans.start_date') }} as date)
            ),
            false
        ) as is_repeat_plan_within_window,
        {{ age_in_years('persons.date_of_birth', 'plans.start_date') }} as age_at_start,
        persons.date_of_birth,
        persons.sex_code,
        persons.ethnicity_code,
        plans.end_date is not null
            and plans.end_date >= {{ years_after(2, 'plans.start_date') }}
            as lasted_two_years_or_more
    from plans
    cross join settings
    left join own_plans
        on plans.child_protection_plan_id = own_plans.child_protection_plan_id
    left join persons
        on plans.person_id = persons.person_id
    left join categories as category
        on category.category_set = 'cp_category'
        and coalesce(plans.latest_category_code, plans.initial_category_code, 'NOT_RECORDED') = category.code
)

select * from final
