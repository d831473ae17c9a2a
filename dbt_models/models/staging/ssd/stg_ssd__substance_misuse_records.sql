-- One row per substance misuse record: ssd_cla_substance_misuse renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_cla_substance_misuse') }}
),

renamed as (
    select
        source.clas_substance_misuse_id as substance_misuse_id,
        source.clas_person_id as person_id,
        cast(source.clas_substance_misuse_date as date) as identified_date,
        source.clas_substance_misused as substance,
        {{ yes_no_to_boolean('source.clas_intervention_received') }} as intervention_received,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
