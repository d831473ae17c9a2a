-- One row per child and year ending: oc2_supplement renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'oc2_supplement') }}
),

renamed as (
    select
        source.oc2s_person_id as person_id,
        cast(source.oc2s_year_ending as date) as year_ending,
        source.oc2s_convicted as convicted,
        source.oc2s_intervention_offered as intervention_offered,
        source.oc2s_immunisations_up_to_date as immunisations_up_to_date,
        source.oc2s_pep_up_to_date as pep_up_to_date,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
