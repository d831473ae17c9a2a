-- One row per statutory visit: ssd_cla_visits renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_cla_visits') }}
),

renamed as (
    select
        source.clav_cla_visit_id as visit_id,
        source.clav_cla_id as period_of_care_id,
        source.clav_person_id as person_id,
        cast(source.clav_cla_visit_date as date) as visit_date,
        {{ yes_no_to_boolean('source.clav_cla_visit_seen') }} as child_seen,
        {{ yes_no_to_boolean('source.clav_cla_visit_seen_alone') }} as child_seen_alone,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
