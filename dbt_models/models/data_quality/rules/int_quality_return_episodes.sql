-- One row per checked collection year and episode of that year's return (marts.ssda903_episodes), with
-- what the DfE rules compare it to: the episode before and after it for the same child in the same
-- file (ordered by start date, as the DfE validator sorts them), the child's date of birth as returned,
-- and where each field came from in the extract (the case-management episode and the placement rows),
-- so that a finding points at the row a worker must correct.

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
),

returned as (
    select * from {{ ref('int_ssda903_return_episodes') }}
),

header as (
    select * from {{ ref('int_ssda903_return_header') }}
),

derived as (
    select * from {{ ref('int_ssda903_episodes') }}
),

period_first_episodes as (
    select period_of_care_id, first_case_management_episode_id as period_first_episode_id
    from {{ ref('int_ssda903_episodes') }}
    where episode_in_period = 1
),

recorded_episodes as (
    select * from {{ ref('stg_ssd__looked_after_episodes') }}
),

placements as (
    select * from {{ ref('stg_ssd__placements') }}
),

joined as (
    select
        returned.collection_year,
        years.collection_start,
        years.collection_end,
        years.period_end,
        returned.child,
        header.dob,
        returned.decom,
        returned.dec,
        returned.rne,
        returned.ls,
        returned.cin,
        returned.place,
        returned.place_provider,
        returned.rec,
        returned.reason_place_change,
        returned.home_post,
        returned.pl_post,
        returned.urn,
        returned.ssda903_episode_id,
        returned.period_of_care_id,
        derived.episode_in_period,
        derived.episodes_in_period,
        returned.first_case_management_episode_id,
        derived.last_case_management_episode_id,
        period_first_episodes.period_first_episode_id,
        derived.placement_id,
        returned.source_file_name as episode_source_file_name,
        returned.source_row_number as episode_source_row_number,
        last_recorded.source_file_name as ending_episode_source_file_name,
        last_recorded.source_row_number as ending_episode_source_row_number,
        period_first_recorded.source_file_name as period_first_episode_source_file_name,
        period_first_recorded.source_row_number as period_first_episode_source_row_number,
        placements.source_file_name as placement_source_file_name,
        placements.source_row_number as placement_source_row_number
    from returned
    inner join years
        on returned.collection_year = years.collection_year
    left join header
        on returned.collection_year = header.collection_year
        and returned.child = header.child
    left join derived
        on returned.ssda903_episode_id = derived.ssda903_episode_id
    left join period_first_episodes
        on returned.period_of_care_id = period_first_episodes.period_of_care_id
    left join recorded_episodes as last_recorded
        on derived.last_case_management_episode_id = last_recorded.episode_id
    left join recorded_episodes as period_first_recorded
        on period_first_episodes.period_first_episode_id = period_first_recorded.episode_id
    left join placements
        on derived.placement_id = placements.placement_id
),

final as (
    select
        *,
        row_number() over child_order as episode_order,
        count(*) over (partition by collection_year, child) as episodes_of_child,
        lag(decom) over child_order as previous_decom,
        lag(dec) over child_order as previous_dec,
        lag(rec) over child_order as previous_rec,
        lag(rne) over child_order as previous_rne,
        lag(ls) over child_order as previous_ls,
        lag(cin) over child_order as previous_cin,
        lag(place) over child_order as previous_place,
        lag(pl_post) over child_order as previous_pl_post,
        lag(urn) over child_order as lag_urn,
        lag(place_provider) over child_order as lag_place_provider,
        lag(reason_place_change) over child_order as previous_reason_place_change,
        lag(place, 2) over child_order as place_before_previous,
        lag(pl_post, 2) over child_order as pl_post_before_previous,
        lead(decom) over child_order as next_decom,
        lead(rne) over child_order as next_rne,
        lead(place) over child_order as next_place
    from joined
    window child_order as (partition by collection_year, child order by decom, dec nulls last, ssda903_episode_id)
)

select * from final
