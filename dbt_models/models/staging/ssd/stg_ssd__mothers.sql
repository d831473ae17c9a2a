-- One row per child of a mother: ssd_mother renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_mother') }}
),

renamed as (
    select
        source.moth_table_id as mother_record_id,
        source.moth_person_id as mother_person_id,
        source.moth_childs_person_id as child_person_id,
        cast(source.moth_childs_dob as date) as child_date_of_birth,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
