-- One row per IRO post spell: iro_establishment renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'iro_establishment') }}
),

renamed as (
    select
        source.iroe_professional_id as professional_id,
        cast(source.iroe_start_date as date) as start_date,
        cast(source.iroe_end_date as date) as end_date,
        cast(source.iroe_fte as double) as full_time_equivalent,
        {{ yes_no_to_boolean('source.iroe_agency') }} as is_agency,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
