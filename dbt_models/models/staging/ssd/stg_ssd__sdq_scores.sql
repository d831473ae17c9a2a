-- One row per strengths and difficulties questionnaire: ssd_sdq_scores renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_sdq_scores') }}
),

renamed as (
    select
        source.csdq_table_id as sdq_id,
        source.csdq_person_id as person_id,
        cast(source.csdq_sdq_completed_date as date) as completed_date,
        cast(cast(source.csdq_sdq_score as double) as integer) as score,
        source.csdq_sdq_reason as no_score_reason_code,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
