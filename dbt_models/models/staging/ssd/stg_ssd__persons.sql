-- One row per person: ssd_person renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_person') }}
),

code_mappings as (
    select * from {{ ref('stg_reference__code_mappings') }}
),

renamed as (
    select
        source.pers_person_id as person_id,
        source.pers_legacy_id as legacy_person_id,
        source.pers_upn as upn,
        source.pers_upn_unknown as upn_unknown_reason,
        source.pers_forename as forename,
        source.pers_surname as surname,
        source.pers_sex as sex_as_recorded,
        sex_mapping.code as sex_code,
        source.pers_gender as gender,
        source.pers_ethnicity as ethnicity_code,
        cast(source.pers_dob as date) as date_of_birth,
        cast(source.pers_expected_dob as date) as expected_date_of_birth,
        cast(source.pers_death_date as date) as date_of_death,
        {{ yes_no_to_boolean('source.pers_is_mother') }} as is_mother,
        source.pers_nationality as nationality,
        {{ yes_no_to_boolean('source.pers_send_flag') }} as has_special_educational_needs,
        source.pers_single_unique_id as single_unique_id,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
    left join code_mappings as sex_mapping
        on sex_mapping.domain = 'sex'
        and sex_mapping.lookup_key = {{ mapping_lookup_key('source.pers_sex') }}
)

select * from renamed
