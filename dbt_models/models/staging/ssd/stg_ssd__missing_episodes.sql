-- One row per missing or away-without-authorisation episode: ssd_missing renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_missing') }}
),

code_mappings as (
    select * from {{ ref('stg_reference__code_mappings') }}
),

renamed as (
    select
        source.miss_table_id as missing_episode_id,
        source.miss_person_id as person_id,
        cast(source.miss_missing_episode_start_date as date) as start_date,
        cast(source.miss_missing_episode_end_date as date) as end_date,
        source.miss_missing_episode_type as missing_type_as_recorded,
        missing_type_mapping.code as missing_type_code,
        source.miss_missing_rhi_offered as return_interview_offered,
        source.miss_missing_rhi_accepted as return_interview_accepted,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
    left join code_mappings as missing_type_mapping
        on missing_type_mapping.domain = 'missing_type'
        and missing_type_mapping.lookup_key = {{ mapping_lookup_key('source.miss_missing_episode_type') }}
)

select * from renamed
