-- One row per legal status spell: ssd_legal_status renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_legal_status') }}
),

code_mappings as (
    select * from {{ ref('stg_reference__code_mappings') }}
),

renamed as (
    select
        source.lega_legal_status_id as legal_status_id,
        source.lega_person_id as person_id,
        source.lega_legal_status as legal_status_as_recorded,
        legal_status_mapping.code as legal_status_code,
        cast(source.lega_legal_status_start_date as date) as start_date,
        cast(source.lega_legal_status_end_date as date) as end_date,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
    left join code_mappings as legal_status_mapping
        on legal_status_mapping.domain = 'legal_status'
        and legal_status_mapping.lookup_key = {{ mapping_lookup_key('source.lega_legal_status') }}
)

select * from renamed
