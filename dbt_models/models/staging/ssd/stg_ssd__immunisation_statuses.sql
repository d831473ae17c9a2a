-- One row per person and status date: ssd_cla_immunisations renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_cla_immunisations') }}
),

renamed as (
    select
        source.clai_person_id as person_id,
        {{ yes_no_to_boolean('source.clai_immunisations_status') }} as is_up_to_date,
        cast(source.clai_immunisations_status_date as date) as status_date,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
