with

episodes as (
    select * from {{ ref('int_ssda903_episodes') }}
),

years as (
    select * from {{ ref('int_collection_years') }}
),

short_break_statuses as (
    select code from {{ ref('ssda903_legal_statuses') }}
    where is_short_break
),

uasc_children as (
    select distinct person_id from {{ ref('int_uasc_spells') }}
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
        case when uasc_children.person_id is null and short_break_statuses.code is null
            then episodes.home_postcode end as home_postcode,
        case when short_break_statuses.code is null then episodes.placement_postcode end as placement_postcode,
        case when short_break_statuses.code is null then episodes.urn end as urn,
        episodes.distance_miles,
        episodes.is_temporary_placement,
        episodes.period_start_date,
        episodes.dec as dec_in_history,
        episodes.reason_new_episode_source,
        episodes.placement_type_source,
        episodes.first_case_management_episode_id,
        episodes.source_file_name,
        episodes.source_row_number
    from episodes
    inner join years
        on episodes.decom <= years.period_end
        and (episodes.dec is null or episodes.dec >= years.year_start)
    left join short_break_statuses
        on episodes.legal_status_code = short_break_statuses.code
    left join uasc_children
        on episodes.person_id = uasc_children.person_id
)

select * from final
