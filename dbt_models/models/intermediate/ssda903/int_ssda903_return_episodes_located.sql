-- One row per collection year and episode of that year's return, with the three placement fields the
-- DfE derives from the postcodes the return carries (HOME_POST, PL_POST) rather than asks for: the
-- placement's council (PL_LA), whether it is inside the returning council's area (PL_LOCATION, IN or
-- OUT) and the straight-line distance from home (PL_DISTANCE, miles to one decimal). As the public
-- validator (csc-validator-be-903 0.1.17, datastore.py) derives them:
-- - PL_LA is the upper-tier council of PL_POST's district (9-character ONS code); a district in
--   Scotland, Northern Ireland or Wales gives SCO, NIR or WAL. Blank when PL_POST is blank or not in
--   the postcode lookup.
-- - PL_LOCATION is IN when PL_LA is the returning council (the extract manifest's la_code), else OUT;
--   blank when PL_POST cannot be located.
-- - PL_DISTANCE is sqrt(dE^2 + dN^2) / 1000 / 1.6093 on the OS grid (the DfE guidance's formula, not
--   1,609.344 m to the mile), rounded to 0.1; blank unless both postcodes are located.
-- Postcodes are located by int_postcodes_located: the council's ONS directory, else the shipped sample
-- around Derby. A council without its directory has every postcode outside the sample unlocated, which
-- the location rules say (postcode_directory_loaded) instead of blaming the record.

with

episodes as (
    select * from {{ ref('int_ssda903_return_episodes') }}
),

postcodes as (
    select * from {{ ref('int_postcodes_located') }}
),

manifest as (
    select la_code from {{ ref('stg_extract__manifests') }}
),

directory as (
    select count(*) as postcodes from {{ ref('stg_configuration__postcode_directory') }}
),

located as (
    select
        episodes.collection_year,
        episodes.ssda903_episode_id,
        episodes.child,
        episodes.home_post,
        episodes.pl_post,
        home.postcode is not null as is_home_post_located,
        placement.postcode is not null as is_pl_post_located,
        case
            when placement.postcode is null then null
            when substr(placement.ltla_code, 1, 1) = 'S' then 'SCO'
            when substr(placement.ltla_code, 1, 1) = 'N' then 'NIR'
            when substr(placement.ltla_code, 1, 1) = 'W' then 'WAL'
            else placement.utla_code
        end as pl_la,
        case
            when placement.postcode is null then null
            when substr(placement.ltla_code, 1, 1) in ('S', 'N', 'W') then 'OUT'
            when placement.utla_code = manifest.la_code then 'IN'
            else 'OUT'
        end as pl_location,
        case
            when home.postcode is not null and placement.postcode is not null
                then round(
                    sqrt(power(home.easting - placement.easting, 2) + power(home.northing - placement.northing, 2))
                    / 1000 / 1.6093,
                    1)
        end as pl_distance,
        directory.postcodes > 0 as is_postcode_directory_loaded
    from episodes
    cross join manifest
    cross join directory
    left join postcodes as home
        on episodes.home_post = home.postcode
    left join postcodes as placement
        on episodes.pl_post = placement.postcode
),

final as (
    select
        collection_year,
        ssda903_episode_id,
        child,
        home_post,
        pl_post,
        is_home_post_located,
        is_pl_post_located,
        pl_la,
        pl_location,
        -- miles to one decimal place, as the DfE writes them: a decimal, so 999.9 (the DfE's "not known") is
        -- exactly 999.9 on both engines (as a 32-bit float Spark compared 999.900024 > 999.9 and raised 164)
        cast(pl_distance as decimal(6, 1)) as pl_distance,
        is_postcode_directory_loaded
    from located
)

select * from final
