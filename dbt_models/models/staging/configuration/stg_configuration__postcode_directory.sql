-- One row per postcode of the council's ONS Postcode Directory / National Statistics Postcode Lookup
-- (only postcode, district and grid reference were loaded; empty when the council has none). Postcodes
-- are written as the directory's pcds column writes them: upper case, one space before the inward code.

with

source as (
    select * from {{ source('configuration', 'postcode_directory') }}
),

renamed as (
    select
        upper(trim(postcode)) as postcode,
        upper(trim(ltla_code)) as ltla_code,
        cast(easting as integer) as easting,
        cast(northing as integer) as northing
    from source
)

select * from renamed
