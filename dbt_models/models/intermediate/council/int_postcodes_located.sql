-- One row per postcode the warehouse can locate: its grid reference and the council (upper tier) it is
-- in. The council's own postcode directory (ONSPD / NSPL, configuration folder) covers every postcode in
-- England; the shipped sample (postcodes seed: 2,860 postcodes around Derby for the synthetic council, and
-- one on Shetland, ZE1 0AA, for its planted far-away placement, rules 454 and 243)
-- fills in any postcode the directory lacks. A postcode in neither is not located: the models using it
-- then say "not known" instead of guessing.

with

directory as (
    select * from {{ ref('stg_configuration__postcode_directory') }}
),

districts as (
    select * from {{ ref('local_authority_districts') }}
),

sample as (
    select * from {{ ref('postcodes') }}
),

from_directory as (
    select
        directory.postcode,
        directory.easting,
        directory.northing,
        directory.ltla_code,
        -- a district not in the English lookup (Wales, Scotland, Northern Ireland) is its own council
        coalesce(districts.utla_code, directory.ltla_code) as utla_code,
        coalesce(districts.utla_name, directory.ltla_code) as utla_name,
        'directory' as located_by
    from directory
    left join districts
        on directory.ltla_code = districts.ltla_code
),

from_sample as (
    select
        sample.postcode,
        sample.easting,
        sample.northing,
        sample.ltla_code,
        sample.utla_code,
        sample.utla_name,
        'shipped_sample' as located_by
    from sample
    left join directory
        on sample.postcode = directory.postcode
    where directory.postcode is null
),

final as (
    select * from from_directory
    union all
    select * from from_sample
)

select * from final
