-- A 903 episode is a spell with one legal status and one placement (type, provider, URN, postcode).
-- SSD episodes carry no legal status, and a status can change in the middle of one (the system recorded
-- the new order in the legal status table only), so each recorded episode is first cut at every change of
-- effective legal status (int_legal_statuses_resolved) inside it. Then:
--   * consecutive pieces in a period of care where none of LS, PLACE, PLACE_PROVIDER, URN, PL_POST
--     changed are one 903 episode (the system may open an episode for a change the 903 does not count);
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

recorded_episodes as (
    select * from {{ ref('stg_ssd__looked_after_episodes') }}
),

recorded_placements as (
    select * from {{ ref('stg_ssd__placements') }}
),

placement_neighbours as (
    select
        *,
        lag(placement_type_code) over placement_order as previous_type,
        lag(provider_code) over placement_order as previous_provider,
        lag(urn) over placement_order as previous_urn,
        lag(postcode) over placement_order as previous_postcode,
        lead(placement_type_code) over placement_order as next_type,
        lead(provider_code) over placement_order as next_provider,
        lead(urn) over placement_order as next_urn,
        lead(postcode) over placement_order as next_postcode
    from recorded_placements
    window placement_order as (partition by period_of_care_id order by start_date, placement_id)
),

placements_checked as (
    -- Some SSD extracts leave the type of temporary placements blank (the Liquid Logic script has no
    -- mapping for T2-T4). A blank-type placement with no provider and no URN that returns the child to
    -- the placement they left is a temporary move: T0, "all types of temporary move".
    select
        *,
        placement_type_code is null
            and provider_code is null
            and urn is null
            and previous_type is not null
            and previous_type = next_type
            and previous_provider is not distinct from next_provider
            and previous_urn is not distinct from next_urn
            and previous_postcode is not distinct from next_postcode
            as is_unrecorded_temporary_move
    from placement_neighbours
),

placements as (
    select
        placement_id,
        period_of_care_id,
        start_date,
        end_date,
        case when is_unrecorded_temporary_move then 'T0' else placement_type_code end as placement_type_code,
        case
            when placement_type_code is not null then 'recorded'
            when is_unrecorded_temporary_move
                then 'inferred: blank type between two identical placements is a temporary move (T0)'
            else 'not recorded'
        end as placement_type_source,
        provider_code,
        urn,
        postcode,
        change_reason_code,
        distance_miles
    from placements_checked
),

placement_types as (
    select * from {{ ref('ssda903_placement_types') }}
),

recorded_episode_spans as (
    select
        episode_id,
        person_id,
        period_of_care_id,
        placement_id,
        start_date,
        ceased_date,
        coalesce(ceased_date, {{ open_end_date() }}) as end_date_exclusive
    from {{ ref('stg_ssd__looked_after_episodes') }}
    where start_date is not null
),

legal_status_spells as (
    select
        person_id,
        legal_status_code,
        start_date,
        coalesce(end_date, {{ open_end_date() }}) as end_date_exclusive
    from {{ ref('int_legal_statuses_resolved') }}
),

cut_dates as (
    select episode_id, start_date as cut_date
    from recorded_episode_spans as episodes

    union

    select episodes.episode_id, spells.start_date as cut_date
    from recorded_episode_spans as episodes
    inner join legal_status_spells as spells
        on episodes.person_id = spells.person_id
        and spells.start_date > episodes.start_date
        and spells.start_date < episodes.end_date_exclusive

    union

    select episodes.episode_id, spells.end_date_exclusive as cut_date
    from recorded_episode_spans as episodes
    inner join legal_status_spells as spells
        on episodes.person_id = spells.person_id
        and spells.end_date_exclusive > episodes.start_date
        and spells.end_date_exclusive < episodes.end_date_exclusive
),

pieces as (
    select
        episodes.episode_id,
        episodes.person_id,
        episodes.period_of_care_id,
        episodes.placement_id,
        cut_dates.cut_date as start_date,
        coalesce(
            lead(cut_dates.cut_date) over (partition by cut_dates.episode_id order by cut_dates.cut_date),
            episodes.end_date_exclusive
        ) as end_date_exclusive,
        episodes.start_date as episode_start_date,
        episodes.end_date_exclusive as episode_end_date_exclusive
    from cut_dates
    inner join recorded_episode_spans as episodes
        on cut_dates.episode_id = episodes.episode_id
),

split_pieces as (
    -- each recorded episode cut wherever the effective legal status changes inside it; a stretch with no
    -- status in force keeps a null status, so the gap is reported rather than lost
    select
        pieces.episode_id,
        pieces.person_id,
        pieces.period_of_care_id,
        pieces.placement_id,
        pieces.start_date,
        nullif(pieces.end_date_exclusive, {{ open_end_date() }}) as end_date,
        spells.legal_status_code,
        pieces.start_date = pieces.episode_start_date as starts_episode
    from pieces
    left join legal_status_spells as spells
        on pieces.person_id = spells.person_id
        and spells.start_date <= pieces.start_date
        and spells.end_date_exclusive > pieces.start_date
),

home_addresses as (
    select person_id, postcode, start_date, end_date
    from {{ ref('stg_ssd__addresses') }}
    where address_type_code = 'HOME' and postcode is not null
),

pieces_with_placement as (
    select
        pieces.*,
        placements.placement_type_code,
        placements.placement_type_source,
        placements.provider_code,
        placements.urn,
        placements.postcode as placement_postcode,
        placements.change_reason_code as placement_change_reason_code,
        placements.distance_miles
    from split_pieces as pieces
    left join placements
        on pieces.placement_id = placements.placement_id
),

pieces_marked as (
    select
        *,
        row_number() over (partition by period_of_care_id order by start_date, episode_id) as piece_number,
        lag(legal_status_code) over period_order as previous_legal_status_code,
        lag(placement_type_code) over period_order as previous_placement_type_code,
        lag(provider_code) over period_order as previous_provider_code,
        lag(urn) over period_order as previous_urn,
        lag(placement_postcode) over period_order as previous_placement_postcode
    from pieces_with_placement
    window period_order as (partition by period_of_care_id order by start_date, episode_id)
),

change_flags as (
    select
        *,
        case
            when piece_number = 1 then true
            when legal_status_code is distinct from previous_legal_status_code then true
            when placement_type_code is distinct from previous_placement_type_code then true
            when provider_code is distinct from previous_provider_code then true
            when urn is distinct from previous_urn then true
            when placement_postcode is distinct from previous_placement_postcode then true
            else false
        end as starts_new_episode
    from pieces_marked
),

numbered as (
    select
        *,
        sum(case when starts_new_episode then 1 else 0 end)
            over (partition by period_of_care_id order by piece_number rows unbounded preceding) as episode_in_period
    from change_flags
),

episode_spans as (
    -- first and last piece of each 903 episode
    select
        period_of_care_id,
        episode_in_period,
        min(piece_number) as first_piece,
        max(piece_number) as last_piece,
        count(distinct episode_id) as case_management_episodes,
        max(case when not starts_episode then 1 else 0 end) as split_by_legal_status
    from numbered
    group by period_of_care_id, episode_in_period
),

episodes_assembled as (
    select
        first_piece.person_id,
        first_piece.period_of_care_id,
        spans.episode_in_period,
        first_piece.start_date as decom,
        last_piece.end_date as dec,
        first_piece.legal_status_code,
        first_piece.placement_type_code,
        first_piece.placement_type_source,
        first_piece.provider_code,
        first_piece.urn,
        first_piece.placement_postcode,
        first_piece.distance_miles,
        first_piece.placement_id as first_placement_id,
        last_piece.placement_id as last_placement_id,
        last_piece.placement_change_reason_code as ending_placement_change_reason_code,
        first_piece.episode_id as first_case_management_episode_id,
        last_piece.episode_id as last_case_management_episode_id,
        first_piece.starts_episode as starts_with_recorded_episode,
        spans.case_management_episodes,
        spans.split_by_legal_status = 1 as was_split_by_legal_status
    from episode_spans as spans
    inner join numbered as first_piece
        on spans.period_of_care_id = first_piece.period_of_care_id
        and spans.first_piece = first_piece.piece_number
    inner join numbered as last_piece
        on spans.period_of_care_id = last_piece.period_of_care_id
        and spans.last_piece = last_piece.piece_number
),

with_neighbours as (
    select
        assembled.*,
        max(assembled.episode_in_period) over (partition by assembled.period_of_care_id) as episodes_in_period,
        lag(assembled.legal_status_code) over period_order as previous_legal_status_code,
        lag(assembled.placement_type_code) over period_order as previous_placement_type_code,
        lag(assembled.provider_code) over period_order as previous_provider_code,
        lag(assembled.urn) over period_order as previous_urn,
        lag(assembled.placement_postcode) over period_order as previous_placement_postcode,
        lag(assembled.last_placement_id) over period_order as previous_last_placement_id,
        lag(assembled.ending_placement_change_reason_code) over period_order as previous_change_reason_code,
        first_value(assembled.decom) over period_order as period_start_date,
        first_value(assembled.first_case_management_episode_id) over period_order as period_first_episode_id
    from episodes_assembled as assembled
    window period_order as (partition by assembled.period_of_care_id order by assembled.episode_in_period)
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
        episodes.period_of_care_id || '-' || cast(episodes.episode_in_period as varchar) as ssda903_episode_id,
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
