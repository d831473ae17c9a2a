-- One row per health check: ssd_cla_health renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_cla_health') }}
),

code_mappings as (
    select * from {{ ref('stg_reference__code_mappings') }}
),

renamed as (
    select
        source.clah_health_check_id as health_check_id,
        source.clah_person_id as person_id,
        source.clah_health_check_type as health_check_type_as_recorded,
        health_check_type_mapping.code as health_check_type_code,
        cast(source.clah_health_check_date as date) as check_date,
        source.clah_health_check_status as status,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
    left join code_mappings as health_check_type_mapping
        on health_check_type_mapping.domain = 'health_check_type'
        and health_check_type_mapping.lookup_key = {{ mapping_lookup_key('source.clah_health_check_type') }}
)

select * from renamed
