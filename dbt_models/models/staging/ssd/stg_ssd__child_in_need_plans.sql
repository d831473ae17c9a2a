-- One row per child in need plan: ssd_cin_plans renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_cin_plans') }}
),

renamed as (
    select
        source.cinp_cin_plan_id as child_in_need_plan_id,
        source.cinp_referral_id as referral_id,
        source.cinp_person_id as person_id,
        cast(source.cinp_cin_plan_start_date as date) as start_date,
        cast(source.cinp_cin_plan_end_date as date) as end_date,
        source.cinp_cin_plan_team as team_id,
        source.cinp_cin_plan_worker_id as worker_id,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
