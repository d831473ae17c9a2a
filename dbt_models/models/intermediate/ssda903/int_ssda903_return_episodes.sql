with

episodes as (
    select * from {{ ref('int_ssda903_episodes_by_year') }}
),

final as (
    select
        collection_year,
        return_label,
        person_id as child,
        decom,
        reason_new_episode_code as rne,
        legal_status_code as ls,
        category_of_need_code as cin,
        placement_type_code as place,
        provider_code as place_provider,
        dec,
        reason_episode_ceased_code as rec,
        reason_place_change_code as reason_place_change,
        home_postcode as home_post,
        placement_postcode as pl_post,
        urn,
        ssda903_episode_id,
        period_of_care_id,
        reason_new_episode_source,
        first_case_management_episode_id,
        source_file_name,
        source_row_number
    from episodes
)

select * from final
