-- One row per checked collection year, DfE rule and Episodes row that breaks a rule on where the child
-- was placed: the postcodes (392b, 392c, 392d, 398), and the placement's council, location and distance
-- the DfE derives from them (PL_LA, PL_LOCATION, PL_DISTANCE: int_ssda903_return_episodes_located):
-- 169, 179, 164, 392a, 406, 411, 420, 454, 1015, 243; and the same fields across 31 March against last
-- year's return (452, 453, 503G, 503H, 503J). Logic as csc-validator-be-903 0.1.17 for 2025/26.
-- "UASC or formerly UASC" is a child in this or last year's UASC return, as the validator reads it.
-- Findings point at the placement (ssd_cla_placement), which holds the placement postcode; a home
-- postcode is corrected on the child's address, named in the details.

{% set record = 'collection_year, child, record_table, record_id, source_file_name, source_row_number' %}

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
),

episodes as (
    select * from {{ ref('int_quality_return_episodes') }}
),

located_all_years as (
    select * from {{ ref('int_ssda903_return_episodes_located') }}
),

uasc as (
    select * from {{ ref('int_ssda903_return_uasc') }}
),

manifest as (
    select la_code from {{ ref('stg_extract__manifests') }}
),

uasc_now_or_before as (
    select distinct years.collection_year, uasc.child
    from years
    inner join uasc
        on uasc.collection_year = years.collection_year
        or uasc.collection_year = years.previous_collection_year
),

placement_side as (
    select
        episodes.*,
        located.is_home_post_located,
        located.is_pl_post_located,
        located.pl_la,
        located.pl_location,
        located.pl_distance,
        located.is_postcode_directory_loaded,
        uasc_now_or_before.child is not null as is_uasc_now_or_before,
        manifest.la_code,
        'ssd_cla_placement' as record_table,
        placement_id as record_id,
        placement_source_file_name as source_file_name,
        placement_source_row_number as source_row_number
    from episodes
    cross join manifest
    inner join located_all_years as located
        on episodes.collection_year = located.collection_year
        and episodes.ssda903_episode_id = located.ssda903_episode_id
    left join uasc_now_or_before
        on episodes.collection_year = uasc_now_or_before.collection_year
        and episodes.child = uasc_now_or_before.child
),

-- the child's first episode this year against the latest episode of last year's return, when that one
-- was still open on 31 March (the validator's 452, 453, 503G-503J)
last_year_latest as (
    select
        years.collection_year,
        previous.child,
        previous.dec,
        located.pl_la,
        located.pl_location,
        located.pl_distance,
        previous.rne,
        row_number() over (partition by years.collection_year, previous.child order by previous.decom desc) as recency
    from {{ ref('int_ssda903_return_episodes') }} as previous
    inner join years
        on previous.collection_year = years.previous_collection_year
    inner join located_all_years as located
        on previous.collection_year = located.collection_year
        and previous.ssda903_episode_id = located.ssda903_episode_id
),

across_year_end as (
    select
        placement_side.*,
        last_year.dec as previous_year_dec,
        last_year.rne as previous_year_rne,
        last_year.pl_la as previous_year_pl_la,
        last_year.pl_location as previous_year_pl_location,
        last_year.pl_distance as previous_year_pl_distance
    from placement_side
    inner join last_year_latest as last_year
        on placement_side.collection_year = last_year.collection_year
        and placement_side.child = last_year.child
        and last_year.recency = 1
    where placement_side.episode_order = 1
),

flagged as (
    select '169' as rule_code, {{ record }}, 'clap_cla_placement_postcode' as source_column,
        pl_post as value_recorded,
        case
            when pl_post is null then 'no placement postcode, so no council of placement (PL_LA)'
            when is_postcode_directory_loaded then 'the placement postcode is not in the postcode directory, so no council of placement (PL_LA)'
            else 'the placement postcode is not in the shipped sample of postcodes and no postcode directory is loaded, so no council of placement (PL_LA)'
        end as details
    from placement_side
    where (ls is null or ls not in ('V3', 'V4')) and pl_la is null

    union all
    select '179', {{ record }}, 'clap_cla_placement_postcode', pl_post,
        case
            when pl_post is null then 'no placement postcode, so no placement location (PL_LOCATION)'
            when is_postcode_directory_loaded then 'the placement postcode is not in the postcode directory, so no placement location (PL_LOCATION)'
            else 'the placement postcode is not in the shipped sample of postcodes and no postcode directory is loaded, so no placement location (PL_LOCATION)'
        end
    from placement_side
    where (ls is null or ls not in ('V3', 'V4')) and pl_location is null

    union all
    select '420', {{ record }}, 'clap_cla_placement_postcode', pl_post,
        'a short break (' || ls || ') with a council of placement (PL_LA ' || pl_la || ')'
    from placement_side
    where ls in ('V3', 'V4') and pl_la is not null

    union all
    select '398', {{ record }}, 'clap_cla_placement_postcode', coalesce(pl_post, home_post),
        'a short break (' || ls || ') with a home or placement postcode, so a distance'
    from placement_side
    where ls in ('V3', 'V4') and (home_post is not null or pl_post is not null)

    union all
    select '411', {{ record }}, 'clap_cla_placement_postcode', pl_post,
        'placement location IN but the council of placement is ' || coalesce(pl_la, 'blank')
    from placement_side
    where pl_location = 'IN' and (pl_la is null or pl_la <> la_code)

    union all
    select '1015', {{ record }}, 'clap_cla_placement_provider', place_provider,
        'own provision (PR1) for a ' || place || ' placement outside the council (PL_LA '
            || coalesce(pl_la, 'blank') || ')'
    from placement_side
    where place_provider = 'PR1' and ls is not null and place is not null
        and ls not in ('V3', 'V4')
        and place not in ('A3', 'A4', 'A5', 'A6', 'U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'K3')
        and (pl_la is null or pl_la <> la_code)

    union all
    select '243', {{ record }}, 'clap_cla_placement_urn', urn,
        'a URN for a placement outside England (PL_LA ' || pl_la || ')'
    from placement_side
    where pl_la in ('CON', 'NIR', 'SCO', 'WAL', 'NUK') and urn is not null

    union all
    select '392a', {{ record }}, 'clap_cla_placement_postcode', pl_post,
        case
            when home_post is null and pl_post is null then 'no home or placement postcode, so no distance'
            when home_post is null then 'no home postcode (child''s address), so no distance'
            when pl_post is null then 'no placement postcode, so no distance'
            when is_postcode_directory_loaded then 'a postcode not in the postcode directory, so no distance'
            else 'a postcode not in the shipped sample of postcodes and no postcode directory is loaded, so no distance'
        end
    from placement_side
    where (ls is null or ls not in ('V3', 'V4')) and not is_uasc_now_or_before and pl_distance is null

    union all
    select '392b', {{ record }}, 'clap_cla_placement_postcode', pl_post,
        case
            when home_post is null and pl_post is null then 'no home or placement postcode'
            when home_post is null then 'no home postcode (child''s address)'
            else 'no placement postcode'
        end
    from placement_side
    where (ls is null or ls not in ('V3', 'V4')) and not is_uasc_now_or_before
        and (home_post is null or pl_post is null)

    union all
    select '392c', {{ record }}, 'clap_cla_placement_postcode',
        case when pl_post is not null and not is_pl_post_located then pl_post else home_post end,
        case
            when not is_postcode_directory_loaded
                then 'a postcode not in the shipped sample of postcodes (no postcode directory is loaded: load the council''s ONS directory before trusting this)'
            when pl_post is not null and not is_pl_post_located then 'the placement postcode is not a postcode in the directory'
            else 'the home postcode (child''s address) is not a postcode in the directory'
        end
    from placement_side
    where (home_post is not null and not is_home_post_located)
        or (pl_post is not null and not is_pl_post_located)

    union all
    select '392d', {{ record }}, 'clap_cla_placement_postcode', pl_post,
        'the placement postcode is the home postcode for a ' || coalesce(place, 'blank') || ' placement'
    from placement_side
    where (place is null or place <> 'P1') and home_post = pl_post

    union all
    select '406', {{ record }}, 'clap_cla_placement_postcode', pl_post,
        'unaccompanied asylum-seeking (now or last year) but a distance of '
            || cast(pl_distance as {{ dbt.type_string() }}) || ' miles'
    from placement_side
    where is_uasc_now_or_before and pl_distance is not null

    union all
    select '164', {{ record }}, 'clap_cla_placement_postcode', pl_post,
        'a distance of ' || cast(pl_distance as {{ dbt.type_string() }}) || ' miles, outside 0 to 999.9'
    from placement_side
    where not is_uasc_now_or_before and (pl_distance < 0 or pl_distance > 999.9)

    union all
    select '454', {{ record }}, 'clap_cla_placement_postcode', pl_post,
        'the placement is ' || cast(pl_distance as {{ dbt.type_string() }}) || ' miles from home, over 350'
    from placement_side
    where pl_distance > 350 and pl_distance <> 999.9

    union all
    select '452', {{ record }}, 'clap_cla_placement_postcode', pl_post,
        'council of placement ' || coalesce(pl_la, 'blank') || ' in the first episode; '
            || coalesce(previous_year_pl_la, 'blank') || ' in the episode open at the end of last year'
    from across_year_end
    where previous_year_dec is null and rne = previous_year_rne
        and coalesce(pl_la, '*') <> coalesce(previous_year_pl_la, '*')

    union all
    select '453', {{ record }}, 'clap_cla_placement_postcode', pl_post,
        'distance ' || coalesce(cast(pl_distance as {{ dbt.type_string() }}), 'blank')
            || ' miles in the first episode; ' || coalesce(cast(previous_year_pl_distance as {{ dbt.type_string() }}), 'blank')
            || ' at the end of last year'
    from across_year_end
    where previous_year_dec is null and rne = previous_year_rne
        and (abs(pl_distance - previous_year_pl_distance) >= 0.2
            or (previous_year_pl_distance is null and pl_distance is not null))

    union all
    select '503G', {{ record }}, 'clap_cla_placement_postcode', pl_post,
        'distance ' || coalesce(cast(pl_distance as {{ dbt.type_string() }}), 'blank')
            || ' miles in the first episode; ' || coalesce(cast(previous_year_pl_distance as {{ dbt.type_string() }}), 'blank')
            || ' in the episode open at the end of last year'
    from across_year_end
    where previous_year_dec is null
        and (abs(pl_distance - previous_year_pl_distance) >= 0.2
            or (previous_year_pl_distance is null and pl_distance is not null))

    union all
    select '503H', {{ record }}, 'clap_cla_placement_postcode', pl_post,
        'council of placement ' || coalesce(pl_la, 'blank') || ' in the first episode; '
            || coalesce(previous_year_pl_la, 'blank') || ' in the episode open at the end of last year'
    from across_year_end
    where previous_year_dec is null
        and coalesce(pl_la, '*') <> coalesce(previous_year_pl_la, '*')

    union all
    select '503J', {{ record }}, 'clap_cla_placement_postcode', pl_post,
        'placement location ' || coalesce(pl_location, 'blank') || ' in the first episode; '
            || coalesce(previous_year_pl_location, 'blank') || ' in the episode open at the end of last year'
    from across_year_end
    where previous_year_dec is null
        and coalesce(pl_location, '*') <> coalesce(previous_year_pl_location, '*')
),

final as (
    select
        rule_code,
        collection_year,
        child as person_id,
        record_table,
        record_id,
        source_file_name,
        cast(source_row_number as integer) as source_row_number,
        source_column,
        value_recorded,
        details
    from flagged
)

{{ one_finding_per_record('final') }}
