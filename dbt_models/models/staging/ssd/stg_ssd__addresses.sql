-- One row per address of a person: ssd_address renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_address') }}
),

code_mappings as (
    select * from {{ ref('stg_reference__code_mappings') }}
),

renamed as (
    select
        source.addr_table_id as address_id,
        source.addr_person_id as person_id,
        source.addr_address_type as address_type_as_recorded,
        address_type_mapping.code as address_type_code,
        cast(source.addr_address_start_date as date) as start_date,
        cast(source.addr_address_end_date as date) as end_date,
        source.addr_address_postcode as postcode,
        source.addr_address_json as address_json,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
    left join code_mappings as address_type_mapping
        on address_type_mapping.domain = 'address_type'
        and address_type_mapping.lookup_key = {{ mapping_lookup_key('source.addr_address_type') }}
)

select * from renamed
