-- One row per placement: ssd_cla_placement renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_cla_placement') }}
),

renamed as (
    select
        source.clap_cla_placement_id as placement_id,
        source.clap_cla_id as period_of_care_id,
        source.clap_person_id as person_id,
        cast(source.clap_cla_placement_start_date as date) as start_date,
        cast(source.clap_cla_placement_end_date as date) as end_date,
        source.clap_cla_placement_type as placement_type_code,
        source.clap_cla_placement_urn as urn,
        cast(source.clap_cla_placement_distance as double) as distance_miles,
        source.clap_cla_placement_provider as provider_code,
        source.clap_cla_placement_postcode as postcode,
        source.clap_cla_placement_change_reason as change_reason_code,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
