-- One row per care plan: ssd_cla_care_plan renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_cla_care_plan') }}
),

renamed as (
    select
        source.lacp_table_id as care_plan_id,
        source.lacp_person_id as person_id,
        cast(source.lacp_cla_care_plan_start_date as date) as start_date,
        cast(source.lacp_cla_care_plan_end_date as date) as end_date,
        source.lacp_cla_care_plan_json as care_plan_json,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
