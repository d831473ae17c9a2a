-- One row per conviction or caution: ssd_cla_convictions renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_cla_convictions') }}
),

renamed as (
    select
        source.clac_cla_conviction_id as conviction_id,
        source.clac_person_id as person_id,
        cast(source.clac_cla_conviction_date as date) as conviction_date,
        source.clac_cla_conviction_offence as offence,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
