-- One row per disability recorded for a person: ssd_disability renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_disability') }}
),

renamed as (
    select
        source.disa_table_id as disability_id,
        source.disa_person_id as person_id,
        source.disa_disability_code as disability_code,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
