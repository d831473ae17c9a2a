-- One row per placement of a child looked after, counted from the 903 episodes the way the stability
-- measures count them (short-break periods of care left out):
--   * a placement starts with an episode whose reason for new episode is S, P, T, B or U (L changes the
--     legal status only);
--   * temporary placements (T0-T4: holidays, hospital, respite of a week or less) are not placements, and
--     a return after one to the very placement the child left (same type, provider, URN and postcode)
--     continues that placement rather than starting a new one;
--   * a carer spell is a run of placements with the same carers: it is broken only by a change of carer
--     (RNE S, P or B), never by T or U (new placement, same carers) nor by a temporary placement. Long-term
--     stability counts carer spells (the DfE measure is "living with the same carer").
-- A placement ends where its last episode ends; it is open when that episode is.

with

episodes as (
    select * from {{ ref('int_ssda903_episodes') }}
),

legal_statuses as (
    select * from {{ ref('ssda903_legal_statuses') }}
),

settled_episodes as (
    select episodes.*
    from episodes
    left join legal_statuses
        on episodes.legal_status_code = legal_statuses.code
    where not coalesce(legal_statuses.is_short_break, false)
        and not episodes.is_temporary_placement
),

with_previous as (
    select
        *,
        lag(episode_in_period) over period_order as previous_settled_episode,
        lag(placement_type_code) over period_order as previous_type,
        lag(provider_code) over period_order as previous_provider,
        lag(urn) over period_order as previous_urn,
        lag(placement_postcode) over period_order as previous_postcode
    from settled_episodes
    window period_order as (partition by period_of_care_id order by episode_in_period)
),

marked as (
    select
        *,
        previous_settled_episode is not null
            and episode_in_period > previous_settled_episode + 1
            and placement_type_code is not distinct from previous_type
            and provider_code is not distinct from previous_provider
            and urn is not distinct from previous_urn
            and placement_postcode is not distinct from previous_postcode
            as returns_after_temporary_placement
    from with_previous
),

starts as (
    select
        *,
        case
            when previous_settled_episode is null then 1
            when returns_after_temporary_placement then 0
            when reason_new_episode_code in ('S', 'P', 'T', 'B', 'U') then 1
            else 0
        end as starts_placement,
        case
            when previous_settled_episode is null then 1
            when returns_after_temporary_placement then 0
            when reason_new_episode_code in ('S', 'P', 'B') then 1
            else 0
        end as starts_carer_spell
    from marked
),

numbered as (
    select
        *,
        sum(starts_placement) over period_order as placement_number,
        sum(starts_carer_spell) over period_order as carer_spell_number
    from starts
    window period_order as (partition by period_of_care_id order by episode_in_period rows unbounded preceding)
),

placements as (
    select
        period_of_care_id,
        placement_number,
        min(person_id) as person_id,
        min(carer_spell_number) as carer_spell_number,
        min(episode_in_period) as first_episode_in_period,
        min(decom) as start_date,
        case when count(dec) < count(*) then null else max(dec) end as end_date,
        count(*) as episodes
    from numbered
    group by period_of_care_id, placement_number
),

carer_spells as (
    select
        period_of_care_id,
        carer_spell_number,
        min(decom) as carer_spell_start_date
    from numbered
    group by period_of_care_id, carer_spell_number
),

final as (
    select
        placements.period_of_care_id || '-' || cast(placements.placement_number as {{ dbt.type_string() }}) as placement_key,
        placements.person_id,
        placements.period_of_care_id,
        placements.placement_number,
        placements.placement_number > 1 as is_placement_move,
        placements.start_date,
        placements.end_date,
        first_episode.reason_new_episode_code,
        first_episode.placement_type_code,
        first_episode.provider_code,
        first_episode.distance_miles,
        first_episode.ssda903_episode_id as first_ssda903_episode_id,
        placements.episodes,
        placements.carer_spell_number,
        carer_spells.carer_spell_start_date,
        previous_spells.carer_spell_start_date as previous_carer_spell_start_date
    from placements
    inner join numbered as first_episode
        on placements.period_of_care_id = first_episode.period_of_care_id
        and placements.first_episode_in_period = first_episode.episode_in_period
    inner join carer_spells
        on placements.period_of_care_id = carer_spells.period_of_care_id
        and placements.carer_spell_number = carer_spells.carer_spell_number
    left join carer_spells as previous_spells
        on placements.period_of_care_id = previous_spells.period_of_care_id
        and placements.carer_spell_number = previous_spells.carer_spell_number + 1
)

select * from final
