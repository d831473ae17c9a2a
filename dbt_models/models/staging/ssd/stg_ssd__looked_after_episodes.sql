-- One row per case-management looked-after episode: ssd_cla_episodes renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_cla_episodes') }}
),

code_mappings as (
    select * from {{ ref('stg_reference__code_mappings') }}
),

renamed as (
    select
        source.clae_cla_episode_id as episode_id,
        source.clae_person_id as person_id,
        source.clae_cla_placement_id as placement_id,
        cast(source.clae_cla_episode_start_date as date) as start_date,
        source.clae_cla_episode_start_reason as reason_new_episode_as_recorded,
        reason_new_episode_mapping.code as reason_new_episode_code,
        source.clae_cla_primary_need_code as category_of_need_code,
        cast(source.clae_cla_episode_ceased_date as date) as ceased_date,
        source.clae_cla_episode_ceased_reason as reason_episode_ceased_as_recorded,
        reason_episode_ceased_mapping.code as reason_episode_ceased_code,
        source.clae_cla_id as period_of_care_id,
        source.clae_referral_id as referral_id,
        cast(source.clae_cla_last_iro_contact_date as date) as last_iro_contact_date,
        cast(source.clae_entered_care_date as date) as entered_care_date,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
    left join code_mappings as reason_new_episode_mapping
        on reason_new_episode_mapping.domain = 'reason_new_episode'
        and reason_new_episode_mapping.lookup_key = {{ mapping_lookup_key('source.clae_cla_episode_start_reason') }}
    left join code_mappings as reason_episode_ceased_mapping
        on reason_episode_ceased_mapping.domain = 'reason_episode_ceased'
        and reason_episode_ceased_mapping.lookup_key = {{ mapping_lookup_key('source.clae_cla_episode_ceased_reason') }}
)

select * from renamed
