-- One row per previous permanence record: ssd_cla_previous_permanence renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_cla_previous_permanence') }}
),

renamed as (
    select
        source.lapp_table_id as previous_permanence_id,
        source.lapp_person_id as person_id,
        source.lapp_previous_permanence_option as previous_permanence_code,
        source.lapp_previous_permanence_la as order_la_code,
        source.lapp_previous_permanence_order_date as order_date_as_recorded,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
