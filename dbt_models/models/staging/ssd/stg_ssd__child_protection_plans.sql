-- One row per child protection plan: ssd_cp_plans renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_cp_plans') }}
),

code_mappings as (
    select * from {{ ref('stg_reference__code_mappings') }}
),

renamed as (
    select
        source.cppl_cp_plan_id as child_protection_plan_id,
        source.cppl_referral_id as referral_id,
        source.cppl_icpc_id as initial_conference_id,
        source.cppl_person_id as person_id,
        cast(source.cppl_cp_plan_start_date as date) as start_date,
        cast(source.cppl_cp_plan_end_date as date) as end_date,
        {{ yes_no_to_boolean('source.cppl_cp_plan_ola') }} as is_other_la_temporary_plan,
        source.cppl_cp_plan_initial_category as initial_category_as_recorded,
        initial_category_mapping.code as initial_category_code,
        source.cppl_cp_plan_latest_category as latest_category_as_recorded,
        latest_category_mapping.code as latest_category_code,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
    left join code_mappings as initial_category_mapping
        on initial_category_mapping.domain = 'cp_category'
        and initial_category_mapping.lookup_key = {{ mapping_lookup_key('source.cppl_cp_plan_initial_category') }}
    left join code_mappings as latest_category_mapping
        on latest_category_mapping.domain = 'cp_category'
        and latest_category_mapping.lookup_key = {{ mapping_lookup_key('source.cppl_cp_plan_latest_category') }}
)

select * from renamed
