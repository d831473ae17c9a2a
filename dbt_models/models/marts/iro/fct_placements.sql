-- One row per placement of a child looked after, as the placement stability measures count them
-- (int_placements_counted): temporary placements are not placements, a return to the same placement
-- after one continues it, and placements with the same carers form a carer spell.

with

placements as (
    select * from {{ ref('int_placements_counted') }}
),

placement_types as (
    select * from {{ ref('ssda903_placement_types') }}
),

provider_groups as (
    select * from {{ ref('placement_provider_groups') }}
),

final as (
    select
        placements.placement_key,
        placements.person_id,
        placements.period_of_care_id,
        placements.placement_number,
        placements.is_placement_move,
        placements.start_date,
        placements.end_date,
        placements.reason_new_episode_code,
        placements.placement_type_code,
        placement_types.report_group as placement_group,
        placements.provider_code,
        provider_groups.provider_group,
        placements.distance_miles,
        placements.episodes,
        placements.first_ssda903_episode_id,
        placements.carer_spell_number,
        placements.carer_spell_start_date,
        placements.previous_carer_spell_start_date
    from placements
    left join placement_types
        on placements.placement_type_code = placement_types.code
    left join provider_groups
        on placements.provider_code = provider_groups.provider_code
)

select * from final
