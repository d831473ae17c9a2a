-- One row per care leaver contact record: ssd_care_leavers renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_care_leavers') }}
),

code_mappings as (
    select * from {{ ref('stg_reference__code_mappings') }}
),

renamed as (
    select
        source.clea_table_id as care_leaver_record_id,
        source.clea_person_id as person_id,
        source.clea_care_leaver_eligibility as eligibility,
        source.clea_care_leaver_in_touch as in_touch_code,
        cast(source.clea_care_leaver_latest_contact as date) as latest_contact_date,
        source.clea_care_leaver_accommodation as accommodation_as_recorded,
        accommodation_mapping.code as accommodation_code,
        source.clea_care_leaver_accom_suitable as accommodation_suitable_as_recorded,
        accommodation_suitable_mapping.code as accommodation_suitable_code,
        source.clea_care_leaver_activity as activity_as_recorded,
        activity_mapping.code as activity_code,
        cast(source.clea_pathway_plan_review_date as date) as pathway_plan_review_date,
        source.clea_care_leaver_personal_advisor as personal_adviser,
        source.clea_care_leaver_allocated_team as team_id,
        source.clea_care_leaver_worker_id as worker_id,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
    left join code_mappings as accommodation_mapping
        on accommodation_mapping.domain = 'care_leaver_accommodation'
        and accommodation_mapping.lookup_key = {{ mapping_lookup_key('source.clea_care_leaver_accommodation') }}
    left join code_mappings as accommodation_suitable_mapping
        on accommodation_suitable_mapping.domain = 'accommodation_suitable'
        and accommodation_suitable_mapping.lookup_key = {{ mapping_lookup_key('source.clea_care_leaver_accom_suitable') }}
    left join code_mappings as activity_mapping
        on activity_mapping.domain = 'care_leaver_activity'
        and activity_mapping.lookup_key = {{ mapping_lookup_key('source.clea_care_leaver_activity') }}
)

select * from renamed
