-- One row per code mapping in the council's configuration folder (code_mappings.csv): the shipped
-- code_mappings seed's columns, checked by the loader (known domain, a code of that domain).

with

source as (
    select * from {{ source('configuration', 'council_code_mappings') }}
),

renamed as (
    select
        lower(trim(domain)) as domain,
        lower(trim(cms)) as cms,
        nullif(upper(trim(la_code)), '') as la_code,
        source_value,
        upper(trim(code)) as code,
        source_file_name,
        cast(source_row_number as integer) as source_row_number
    from source
)

select * from renamed
