-- One row per setting the council sets in its configuration folder (settings.csv). The loader has
-- already refused unknown names and values not of the setting's type (a whole number, a number, a share
-- from 0 to 1, yes or no), naming file, row and column, and written a yes or no as true or false.

with

source as (
    select * from {{ source('configuration', 'council_settings') }}
),

renamed as (
    select
        lower(trim(setting_name)) as setting_name,
        trim(setting_value) as setting_value,
        source_file_name,
        cast(source_row_number as integer) as source_row_number
    from source
)

select * from renamed
