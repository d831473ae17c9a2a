-- One row per professional involvement with a person: ssd_involvements renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_involvements') }}
),

code_mappings as (
    select * from {{ ref('stg_reference__code_mappings') }}
),

renamed as (
    select
        source.invo_involvements_id as involvement_id,
        source.invo_professional_id as professional_id,
        source.invo_professional_role_id as role_as_recorded,
        role_mapping.code as role_code,
        source.invo_professional_team as team_id,
        source.invo_person_id as person_id,
        cast(source.invo_involvement_start_date as date) as start_date,
        cast(source.invo_involvement_end_date as date) as end_date,
        source.invo_worker_change_reason as worker_change_reason_code,
        source.invo_referral_id as referral_id,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
    left join code_mappings as role_mapping
        on role_mapping.domain = 'involvement_role'
        and role_mapping.lookup_key = {{ mapping_lookup_key('source.invo_professional_role_id') }}
)

select * from renamed
