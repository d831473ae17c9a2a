-- One row per team: ssd_department renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_department') }}
),

renamed as (
    select
        source.dept_team_id as team_id,
        source.dept_team_name as team_name,
        source.dept_team_parent_id as parent_team_id,
        source.dept_team_parent_name as parent_team_name,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
