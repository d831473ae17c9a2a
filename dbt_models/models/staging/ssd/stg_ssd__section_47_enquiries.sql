-- One row per section 47 enquiry: ssd_s47_enquiry renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_s47_enquiry') }}
),

renamed as (
    select
        source.s47e_s47_enquiry_id as section_47_enquiry_id,
        source.s47e_referral_id as referral_id,
        source.s47e_person_id as person_id,
        cast(source.s47e_s47_start_date as date) as start_date,
        cast(source.s47e_s47_end_date as date) as end_date,
        {{ yes_no_to_boolean('source.s47e_s47_nfa') }} as is_no_further_action,
        source.s47e_s47_outcome_json as outcome_json,
        source.s47e_s47_completed_by_team as team_id,
        source.s47e_s47_completed_by_worker_id as worker_id,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
