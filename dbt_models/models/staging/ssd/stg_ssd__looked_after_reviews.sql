-- One row per looked-after review, held or cancelled: ssd_cla_reviews renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_cla_reviews') }}
),

code_mappings as (
    select * from {{ ref('stg_reference__code_mappings') }}
),

renamed as (
    select
        source.clar_cla_review_id as review_id,
        source.clar_cla_id as period_of_care_id,
        source.clar_cla_person_id as person_id,
        cast(source.clar_cla_review_due_date as date) as due_date_as_recorded,
        cast(source.clar_cla_review_date as date) as review_date,
        {{ yes_no_to_boolean('source.clar_cla_review_cancelled') }} as is_cancelled,
        source.clar_cla_review_participation as participation_as_recorded,
        participation_mapping.code as participation_code,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
    left join code_mappings as participation_mapping
        on participation_mapping.domain = 'participation'
        and participation_mapping.lookup_key = {{ mapping_lookup_key('source.clar_cla_review_participation') }}
)

select * from renamed
