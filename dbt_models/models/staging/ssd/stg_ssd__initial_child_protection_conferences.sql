-- One row per initial child protection conference: ssd_initial_cp_conference renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_initial_cp_conference') }}
),

renamed as (
    select
        source.icpc_icpc_id as initial_conference_id,
        source.icpc_icpc_meeting_id as meeting_id,
        source.icpc_s47_enquiry_id as section_47_enquiry_id,
        source.icpc_person_id as person_id,
        source.icpc_cp_plan_id as child_protection_plan_id,
        source.icpc_referral_id as referral_id,
        {{ yes_no_to_boolean('source.icpc_icpc_transfer_in') }} as is_transfer_in,
        cast(source.icpc_icpc_target_date as date) as target_date,
        cast(source.icpc_icpc_date as date) as conference_date,
        {{ yes_no_to_boolean('source.icpc_icpc_outcome_cp_flag') }} as resulted_in_plan,
        source.icpc_icpc_outcome_json as outcome_json,
        source.icpc_icpc_team as team_id,
        source.icpc_icpc_worker_id as worker_id,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
