-- One row per reporting period and child looked after at its end (short breaks aside), with the two
-- placement stability measures (int_placements_counted says what a placement and a carer spell are):
--   short-term (C3): placements open at any time in the 12 months to the period end (the collection
--     year itself for a year), in any period of care; 3 or more (council settings) is unstable;
--   long-term (C4): a child under 16 at period end, looked after continuously for 30 months or more
--     (the current period of care began that long before), is in the cohort; stable when living with
--     the same carers for 24 months or more, or placed for adoption (A3-A6) after a carer spell that,
--     with the adoptive placement, has lasted 24 months. The current placement is the latest begun by
--     the period end (a temporary placement is not one).

with

looked_after as (
    select * from {{ ref('int_children_looked_after_at_period_end') }}
    where not is_short_break_only
),

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

placements as (
    select * from {{ ref('int_placements_counted') }}
),

placement_types as (
    select * from {{ ref('ssda903_placement_types') }}
),

settings as (
    select * from {{ ref('int_council_settings_pivoted') }}
),

placements_in_twelve_months as (
    select
        looked_after.period_id,
        looked_after.person_id,
        count(placements.placement_key) as placements
    from looked_after
    inner join periods
        on looked_after.period_id = periods.period_id
    left join placements
        on looked_after.person_id = placements.person_id
        and placements.start_date <= periods.period_end
        and {{ open_end('placements.end_date') }} >= periods.twelve_months_start
    group by looked_after.period_id, looked_after.person_id
),

current_placements as (
    select
        looked_after.period_id,
        looked_after.person_id,
        placements.placement_type_code,
        placements.carer_spell_start_date,
        placements.previous_carer_spell_start_date,
        row_number() over (
            partition by looked_after.period_id, looked_after.person_id
            order by placements.start_date desc, placements.placement_number desc
        ) as recency
    from looked_after
    inner join placements
        on looked_after.period_of_care_id = placements.period_of_care_id
        and placements.start_date <= looked_after.period_end
),

final as (
    select
        looked_after.period_id,
        looked_after.person_id,
        placements_in_twelve_months.placements as placements_in_twelve_months,
        placements_in_twelve_months.placements >= settings.short_term_stability_placements
            as has_three_or_more_placements,
        looked_after.age < settings.long_term_stability_age_below
            and looked_after.period_of_care_start_date
                <= cast({{ dbt.dateadd('month', '-settings.long_term_stability_months_in_care', 'looked_after.period_end') }} as date)
            as is_in_long_term_cohort,
        current_placements.carer_spell_start_date,
        coalesce(
            current_placements.carer_spell_start_date
                <= cast({{ dbt.dateadd('month', '-settings.long_term_stability_months_in_placement', 'looked_after.period_end') }} as date)
            or (
                coalesce(placement_types.is_placed_for_adoption, false)
                and current_placements.previous_carer_spell_start_date
                    <= cast({{ dbt.dateadd('month', '-settings.long_term_stability_months_in_placement', 'looked_after.period_end') }} as date)
            ),
            false
        ) as is_in_same_placement_two_years
    from looked_after
    cross join settings
    inner join placements_in_twelve_months
        on looked_after.period_id = placements_in_twelve_months.period_id
        and looked_after.person_id = placements_in_twelve_months.person_id
    left join current_placements
        on looked_after.period_id = current_placements.period_id
        and looked_after.person_id = current_placements.person_id
        and current_placements.recency = 1
    left join placement_types
        on current_placements.placement_type_code = placement_types.code
)

select * from final
