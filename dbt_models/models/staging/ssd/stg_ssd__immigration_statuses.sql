-- One row per immigration status spell: ssd_immigration_status renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_immigration_status') }}
),

code_mappings as (
    select * from {{ ref('stg_reference__code_mappings') }}
),

renamed as (
    select
        source.immi_immigration_status_id as immigration_status_id,
        source.immi_person_id as person_id,
        source.immi_immigration_status as immigration_status_as_recorded,
        immigration_status_mapping.code as immigration_status_code,
        cast(source.immi_immigration_status_start_date as date) as start_date,
        cast(source.immi_immigration_status_end_date as date) as end_date,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
    left join code_mappings as immigration_status_mapping
        on immigration_status_mapping.domain = 'immigration_status'
        and immigration_status_mapping.lookup_key = {{ mapping_lookup_key('source.immi_immigration_status') }}
)

select * from renamed
