-- One row per reporting period (year, quarter, month) and child looked after on its last day, short
-- breaks excluded (a child whose only open episode is V3/V4 is not here): the population the section A
-- and C tables count, with the characteristics they break it down by.

with

children as (
    select * from {{ ref('int_children_looked_after_at_period_end') }}
    where not is_short_break_only
),

final as (
    select
        period_id || '|' || person_id as child_period_key,
        period_id,
        period_type,
        collection_year,
        period_end,
        person_id,
        period_of_care_id,
        ssda903_episode_id,
        period_of_care_start_date,
        months_in_care,
        length_of_care_band,
        age,
        age_band,
        sex_code,
        sex,
        ethnicity_code,
        ethnicity,
        ethnic_group,
        local_ethnic_group,
        legal_status_code,
        legal_status,
        legal_status_group,
        category_of_need_code,
        placement_type_code,
        placement_type,
        placement_group,
        is_temporary_placement,
        provider_code,
        provider_group,
        distance_miles,
        placement_distance_band,
        placement_location,
        is_uasc,
        is_placed_with_parents_under_an_order
    from children
)

select * from final
