-- One row per referral: ssd_cin_episodes renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_cin_episodes') }}
),

renamed as (
    select
        source.cine_referral_id as referral_id,
        source.cine_person_id as person_id,
        cast(source.cine_referral_date as date) as referral_date,
        source.cine_cin_primary_need_code as primary_need_code,
        source.cine_referral_source_code as referral_source_code,
        {{ yes_no_to_boolean('source.cine_referral_nfa') }} as is_no_further_action,
        source.cine_close_reason as close_reason_code,
        cast(source.cine_close_date as date) as close_date,
        source.cine_referral_team as team_id,
        source.cine_referral_worker_id as worker_id,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
