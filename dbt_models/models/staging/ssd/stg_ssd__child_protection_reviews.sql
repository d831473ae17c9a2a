-- One row per child protection review conference: ssd_cp_reviews renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_cp_reviews') }}
),

renamed as (
    select
        source.cppr_cp_review_id as child_protection_review_id,
        source.cppr_person_id as person_id,
        source.cppr_cp_plan_id as child_protection_plan_id,
        cast(source.cppr_cp_review_due as date) as due_date,
        cast(source.cppr_cp_review_date as date) as review_date,
        source.cppr_cp_review_meeting_id as meeting_id,
        {{ yes_no_to_boolean('source.cppr_cp_review_outcome_continue_cp') }} as plan_continues,
        {{ yes_no_to_boolean('source.cppr_cp_review_quorate') }} as is_quorate,
        source.cppr_cp_review_participation as participation,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
