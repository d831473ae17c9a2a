-- One row per dispute: iro_disputes renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'iro_disputes') }}
),

renamed as (
    select
        source.irod_dispute_id as dispute_id,
        source.irod_person_id as person_id,
        source.irod_case_type as case_type_code,
        source.irod_raised_by_professional_id as raised_by_professional_id,
        cast(source.irod_raised_date as date) as raised_date,
        source.irod_level as level_code,
        cast(cast(source.irod_stage_reached as double) as integer) as stage_reached,
        source.irod_reason as reason_code,
        cast(source.irod_response_due_date as date) as response_due_date,
        cast(source.irod_resolved_date as date) as resolved_date,
        source.irod_outcome as outcome_code,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
