-- The 903 episodes cut from the recorded ones (int_ssda903_episode_pieces) and chained within their periods
-- of care (int_ssda903_episodes_chained), given their DfE codes:
--   * RNE: the first episode of a period of care is S. Otherwise it is read from what changed, exactly as
--     the DfE rules 434-436 test it: L legal status only; P/T placement only; B/U both; T and U when the
--     carer is the same (the placement did not change, or the ending placement's change reason is PLACE,
--     "change in the status of placement only"). The recorded RNE is kept when it agrees with what changed
--     (it is the only source for P vs T when the worker knows better); when it is missing, unmapped or
--     contradicts what changed, the inferred code is used and reason_new_episode_source says so;
--   * REC: X1 for every episode followed by another in the same period (the chain is contiguous by
--     construction); the last episode carries the recorded ceased reason of its case-management episode;
--   * CIN: fixed for the period of care, from its first episode (DfE: the need when care began; rule 504);
--   * REASON_PLACE_CHANGE: on the ceasing episode only, when the next episode is a placement change
--     (P, T, B, U) and neither is a temporary placement; it is the ending placement's change reason;
--   * HOME_POST: the child's home postcode at the start of the period of care.

with

chained_episodes as (
    select * from {{ ref('int_ssda903_episodes_chained') }}
),

recorded_episodes as (
    select * from {{ ref('stg_ssd__looked_after_episodes') }}
),

placement_types as (
    select * from {{ ref('ssda903_placement_types') }}
),

home_addresses as (
    select person_id, postcode, start_date, end_date
    from {{ ref('stg_ssd__addresses') }}
    where address_type_code = 'HOME' and postcode is not null
),

with_neighbours as (
    select
        chained.*,
        max(chained.episode_in_period) over (partition by chained.period_of_care_id) as episodes_in_period,
        lag(chained.legal_status_code) over period_order as previous_legal_status_code,
        lag(chained.placement_type_code) over period_order as previous_placement_type_code,
        lag(chained.provider_code) over period_order as previous_provider_code,
        lag(chained.urn) over period_order as previous_urn,
        lag(chained.placement_postcode) over period_order as previous_placement_postcode,
        lag(chained.last_placement_id) over period_order as previous_last_placement_id,
        lag(chained.ending_placement_change_reason_code) over period_order as previous_change_reason_code,
        first_value(chained.decom) over period_order as period_start_date,
        first_value(chained.first_case_management_episode_id) over period_order as period_first_episode_id
    from chained_episodes as chained
    window period_order as (partition by chained.period_of_care_id order by chained.episode_in_period)
),

reasons as (
    select
        episodes.*,
        recorded_first.reason_new_episode_code as reason_new_episode_recorded,
        recorded_first.reason_new_episode_as_recorded,
        recorded_last.reason_episode_ceased_code as reason_episode_ceased_recorded,
        recorded_period_start.category_of_need_code,
        recorded_first.source_file_name,
        recorded_first.source_row_number,
        episodes.episode_in_period = 1 as is_period_start,
        episodes.episode_in_period > 1
            and episodes.legal_status_code is distinct from episodes.previous_legal_status_code as legal_status_changed,
        -- the placement changed in the sense of rules 434-436: one of PLACE, provider, URN, postcode
        episodes.episode_in_period > 1 and (
            episodes.placement_type_code is distinct from episodes.previous_placement_type_code
            or episodes.provider_code is distinct from episodes.previous_provider_code
            or episodes.urn is distinct from episodes.previous_urn
            or episodes.placement_postcode is distinct from episodes.previous_placement_postcode
        ) as placement_changed,
        episodes.first_placement_id = episodes.previous_last_placement_id
            or episodes.previous_change_reason_code = 'PLACE' as same_carer
    from with_neighbours as episodes
    left join recorded_episodes as recorded_first
        on episodes.first_case_management_episode_id = recorded_first.episode_id
    left join recorded_episodes as recorded_last
        on episodes.last_case_management_episode_id = recorded_last.episode_id
    left join recorded_episodes as recorded_period_start
        on episodes.period_first_episode_id = recorded_period_start.episode_id
),

reason_new_episode as (
    select
        *,
        case
            when is_period_start then 'S'
            when legal_status_changed and not placement_changed then 'L'
            when placement_changed and not legal_status_changed then case when same_carer then 'T' else 'P' end
            when placement_changed and legal_status_changed then case when same_carer then 'U' else 'B' end
        end as reason_new_episode_inferred,
        case
            -- a recorded code only belongs to the 903 episode that starts where the recorded one does
            when not starts_with_recorded_episode then null
            else reason_new_episode_recorded
        end as reason_new_episode_applicable
    from reasons
),

checked as (
    select
        *,
        case reason_new_episode_applicable
            when 'S' then is_period_start
            when 'L' then not is_period_start and legal_status_changed and not placement_changed
            when 'P' then not is_period_start and placement_changed and not legal_status_changed
            when 'T' then not is_period_start and placement_changed and not legal_status_changed
            when 'B' then not is_period_start and placement_changed and legal_status_changed
            when 'U' then not is_period_start and placement_changed and legal_status_changed
            else false
        end as recorded_reason_agrees
    from reason_new_episode
),

coded as (
    select
        checked.*,
        case when recorded_reason_agrees then reason_new_episode_applicable else reason_new_episode_inferred end
            as reason_new_episode_code,
        case
            when recorded_reason_agrees then 'recorded'
            when not starts_with_recorded_episode then 'inferred: legal status changed within a recorded episode'
            when reason_new_episode_as_recorded is null then 'inferred: not recorded'
            when reason_new_episode_recorded is null then 'inferred: recorded value has no mapping'
            else 'inferred: recorded code contradicts what changed'
        end as reason_new_episode_source,
        case
            when episode_in_period < episodes_in_period then 'X1'
            when dec is null then null
            else reason_episode_ceased_recorded
        end as reason_episode_ceased_code,
        coalesce(types.is_temporary, false) as is_temporary_placement
    from checked
    left join placement_types as types
        on checked.placement_type_code = types.code
),

with_next as (
    select
        *,
        lead(reason_new_episode_code) over period_order as next_reason_new_episode_code,
        lead(is_temporary_placement) over period_order as next_is_temporary_placement
    from coded
    window period_order as (partition by period_of_care_id order by episode_in_period)
),

home_postcodes as (
    select
        periods.period_of_care_id,
        home_addresses.postcode,
        row_number() over (
            partition by periods.period_of_care_id
            order by
                case when home_addresses.start_date <= periods.period_start_date
                    and (home_addresses.end_date is null or home_addresses.end_date > periods.period_start_date)
                    then 0 else 1 end,
                home_addresses.start_date desc
        ) as address_rank
    from (select distinct person_id, period_of_care_id, period_start_date from with_next) as periods
    inner join home_addresses
        on periods.person_id = home_addresses.person_id
        and (home_addresses.start_date is null or home_addresses.start_date <= periods.period_start_date)
),

final as (
    select
        episodes.person_id,
        episodes.period_of_care_id,
        {{ dbt.concat(["episodes.period_of_care_id", "'-'", "cast(episodes.episode_in_period as " ~ dbt.type_string() ~ ")"]) }}
            as ssda903_episode_id,
        episodes.episode_in_period,
        episodes.episodes_in_period,
        episodes.decom,
        episodes.dec,
        episodes.reason_new_episode_code,
        episodes.legal_status_code,
        episodes.category_of_need_code,
        episodes.placement_type_code,
        episodes.placement_type_source,
        episodes.provider_code,
        episodes.reason_episode_ceased_code,
        case
            when episodes.next_reason_new_episode_code in ('P', 'T', 'B', 'U')
                and not episodes.is_temporary_placement
                and not episodes.next_is_temporary_placement
                then episodes.ending_placement_change_reason_code
        end as reason_place_change_code,
        home.postcode as home_postcode,
        episodes.placement_postcode,
        episodes.urn,
        episodes.distance_miles,
        episodes.is_temporary_placement,
        episodes.period_start_date,
        episodes.reason_new_episode_source,
        episodes.reason_new_episode_as_recorded,
        episodes.first_case_management_episode_id,
        episodes.last_case_management_episode_id,
        episodes.case_management_episodes,
        episodes.was_split_by_legal_status,
        episodes.first_placement_id as placement_id,
        episodes.source_file_name,
        episodes.source_row_number
    from with_next as episodes
    left join home_postcodes as home
        on episodes.period_of_care_id = home.period_of_care_id
        and home.address_rank = 1
)

select * from final
