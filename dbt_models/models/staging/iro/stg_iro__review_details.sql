-- One row per looked-after review: iro_review_details renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'iro_review_details') }}
),

renamed as (
    select
        source.irrd_cla_review_id as review_id,
        source.irrd_chair_professional_id as chair_professional_id,
        source.irrd_child_seen_by_iro as child_seen_by_iro_code,
        cast(source.irrd_child_seen_date as date) as child_seen_date,
        source.irrd_chaired_by_child as chaired_by_child_code,
        cast(source.irrd_record_distributed_date as date) as record_distributed_date,
        source.irrd_tracking_priority as tracking_priority_code,
        {{ yes_no_to_boolean('source.irrd_permanence_plan_agreed') }} as permanence_plan_agreed,
        {{ yes_no_to_boolean('source.irrd_qa_legal_status_appropriate') }} as legal_status_appropriate,
        {{ yes_no_to_boolean('source.irrd_qa_placement_meets_needs') }} as placement_meets_needs,
        source.irrd_qa_care_plan_quality as care_plan_quality_code,
        source.irrd_qa_corporate_parenting_quality as corporate_parenting_quality_code,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
