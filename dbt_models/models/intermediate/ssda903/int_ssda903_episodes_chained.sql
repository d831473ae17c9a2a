-- Consecutive pieces in a period of care where none of LS, PLACE, PLACE_PROVIDER, URN, PL_POST changed are
-- one 903 episode: the system may open an episode for a change the 903 does not count. The codes (RNE, REC,
-- CIN, reason for placement change, home postcode) are given by int_ssda903_episodes.

with

pieces as (
    select * from {{ ref('int_ssda903_episode_pieces') }}
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
    from pieces
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

final as (
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
)

select * from final
