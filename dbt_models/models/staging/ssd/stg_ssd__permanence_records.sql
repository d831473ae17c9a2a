-- One row per permanence record: ssd_permanence renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_permanence') }}
),

renamed as (
    select
        source.perm_table_id as permanence_id,
        source.perm_person_id as person_id,
        source.perm_cla_id as period_of_care_id,
        cast(source.perm_adm_decision_date as date) as adoption_decision_date,
        {{ yes_no_to_boolean('source.perm_part_of_sibling_group') }} as is_part_of_sibling_group,
        cast(cast(source.perm_siblings_placed_together as double) as integer) as siblings_placed_together,
        cast(cast(source.perm_siblings_placed_apart as double) as integer) as siblings_placed_apart,
        cast(source.perm_ffa_cp_decision_date as date) as fostering_for_adoption_decision_date,
        cast(source.perm_placement_order_date as date) as placement_order_date,
        cast(source.perm_matched_date as date) as matched_date,
        source.perm_adopter_sex as adopter_sex_code,
        source.perm_adopter_legal_status as adopter_legal_status_code,
        cast(cast(source.perm_number_of_adopters as double) as integer) as number_of_adopters,
        cast(source.perm_placed_for_adoption_date as date) as placed_for_adoption_date,
        {{ yes_no_to_boolean('source.perm_adopted_by_carer_flag') }} as adopted_by_foster_carer,
        cast(source.perm_placed_foster_carer_date as date) as placed_with_foster_carer_date,
        cast(source.perm_placed_ffa_cp_date as date) as placed_fostering_for_adoption_date,
        source.perm_placement_provider_urn as agency_urn,
        cast(source.perm_decision_reversed_date as date) as decision_reversed_date,
        source.perm_decision_reversed_reason as decision_reversed_reason_code,
        cast(source.perm_permanence_order_date as date) as permanence_order_date,
        source.perm_permanence_order_type as permanence_order_type,
        source.perm_adoption_worker_id as adoption_worker_id,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
