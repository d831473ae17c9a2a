-- One row per collection year and 903 episode open at any time in it: the year's Episodes file before
-- formatting. An episode belongs to a year when it starts on or before the period end and has not ended
-- before 1 April (an episode ending on 1 April was open on 1 April, so last year's return showed it open
-- and this year's must close it). It keeps its original start date. When it is still open at the period
-- end (31 March, or the extract date for a year-to-date draft), DEC, REC and REASON_PLACE_CHANGE are
-- blank (rules 354/385, 233).

with

episodes as (
    select * from {{ ref('int_ssda903_episodes') }}
),

years as (
    select * from {{ ref('int_collection_years') }}
),

final as (
    select
        years.collection_year,
        years.return_label,
        years.year_start,
        years.period_end,
        episodes.person_id,
        episodes.ssda903_episode_id,
        episodes.period_of_care_id,
        episodes.episode_in_period,
        episodes.decom,
        episodes.reason_new_episode_code,
        episodes.legal_status_code,
        episodes.category_of_need_code,
        episodes.placement_type_code,
        episodes.provider_code,
        case when episodes.dec <= years.period_end then episodes.dec end as dec,
        case when episodes.dec <= years.period_end then episodes.reason_episode_ceased_code end
            as reason_episode_ceased_code,
        case when episodes.dec <= years.period_end then episodes.reason_place_change_code end
            as reason_place_change_code,
        episodes.home_postcode,
        episodes.placement_postcode,
        episodes.urn,
        episodes.distance_miles,
        episodes.is_temporary_placement,
        episodes.period_start_date,
        episodes.dec as dec_in_history,
        episodes.reason_new_episode_source,
        episodes.first_case_management_episode_id,
        episodes.source_file_name,
        episodes.source_row_number
    from episodes
    inner join years
        on episodes.decom <= years.period_end
        and (episodes.dec is null or episodes.dec >= years.year_start)
)

select * from final
