-- One row per reporting period and child with a 903 episode open on its last day (an episode that ends
-- that day is not open: the DfE's "looked after at 31 March"), with what the population tables break
-- the children down by. is_short_break_only marks children whose only open episode is a short break
-- (V3/V4): every CLA figure leaves them out and counts them separately.
--
--   age: completed years on the period's last day; age band from the bands seed (age);
--   months_in_care: completed months since the current period of care began (length_of_care_months);
--   legal status / placement: of the open episode (a temporary placement shows as temporary);
--   placement_distance_band: placement distance against the council settings threshold: the extract's,
--     else measured between the home and placement postcodes (int_postcodes_located); not recorded when
--     neither is known, and never measured for unaccompanied children;
--   placement_location: the placement postcode inside or outside the council's area by the postcodes
--     seed: the postcode itself, else its district when every seeded postcode of the district lies on
--     the same side; otherwise not known;
--   is_uasc: arrived as an unaccompanied asylum-seeking child and under 18 on the day.

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

episodes as (
    select * from {{ ref('int_ssda903_episodes') }}
),

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

uasc_spells as (
    select * from {{ ref('int_uasc_spells') }}
),

legal_statuses as (
    select * from {{ ref('ssda903_legal_statuses') }}
),

placement_types as (
    select * from {{ ref('ssda903_placement_types') }}
),

provider_groups as (
    select * from {{ ref('placement_provider_groups') }}
),

codes as (
    select * from {{ ref('ssda903_codes') }}
),

ethnicity_groups as (
    select * from {{ ref('ethnicity_groups') }}
),

categories as (
    select * from {{ ref('kpi_categories') }}
),

bands as (
    select * from {{ ref('bands') }}
),

settings as (
    select * from {{ ref('int_council_settings_pivoted') }}
),

manifest as (
    select la_code from {{ ref('stg_extract__manifests') }}
),

postcodes as (
    select postcode, utla_code, easting, northing, {{ dbt.split_part('postcode', "' '", 1) }} as district
    from {{ ref('int_postcodes_located') }}
),

districts as (
    -- a district is on one side of the boundary only when every seeded postcode in it is
    select
        postcodes.district,
        min(case when postcodes.utla_code = manifest.la_code then 1 else 0 end) = 1 as is_wholly_inside,
        max(case when postcodes.utla_code = manifest.la_code then 1 else 0 end) = 0 as is_wholly_outside
    from postcodes
    cross join manifest
    group by postcodes.district
),

open_episodes as (
    select
        periods.period_id,
        periods.period_type,
        periods.collection_year,
        periods.period_end,
        episodes.*,
        coalesce(legal_statuses.is_short_break, false) as is_short_break,
        row_number() over (
            partition by periods.period_id, episodes.person_id
            -- a child with a short break and a care episode open the same day is looked after
            order by coalesce(legal_statuses.is_short_break, false), episodes.decom desc, episodes.ssda903_episode_id
        ) as preference
    from periods
    inner join episodes
        on episodes.decom <= periods.period_end
        and {{ open_end('episodes.dec') }} > periods.period_end
    left join legal_statuses
        on episodes.legal_status_code = legal_statuses.code
),

children as (
    select
        open_episodes.*,
        {{ age_in_years('persons.date_of_birth', 'open_episodes.period_end') }} as age,
        {{ dbt.datediff('open_episodes.period_start_date', 'open_episodes.period_end', 'month') }}
            - case
                when cast({{ dbt.dateadd('month', dbt.datediff('open_episodes.period_start_date', 'open_episodes.period_end', 'month'), 'open_episodes.period_start_date') }} as date)
                    > open_episodes.period_end
                    then 1
                else 0
            end as months_in_care,
        persons.sex_code,
        persons.ethnicity_code,
        -- the extract's distance, else the straight line between the home and placement postcodes (metres
        -- of the OS grid, in miles to 1 decimal as the 903 gives it); never for an unaccompanied child,
        -- who has no home address to measure from (rule 406)
        coalesce(
            open_episodes.distance_miles,
            case when child_uasc.person_id is null then
                round(sqrt(power(home_located.easting - placement_located.easting, 2)
                    + power(home_located.northing - placement_located.northing, 2)) / 1609.344, 1)
            end
        ) as distance_from_home_miles
    from open_episodes
    inner join persons
        on open_episodes.person_id = persons.person_id
    left join postcodes as home_located
        on open_episodes.home_postcode = home_located.postcode
    left join postcodes as placement_located
        on open_episodes.placement_postcode = placement_located.postcode
    left join uasc_spells as child_uasc
        on open_episodes.person_id = child_uasc.person_id
        and child_uasc.start_date <= open_episodes.period_end
        and {{ open_end('child_uasc.end_date') }} > open_episodes.period_end
    where open_episodes.preference = 1
),

described as (
    select
        children.period_id,
        children.period_type,
        children.collection_year,
        children.period_end,
        children.person_id,
        children.is_short_break as is_short_break_only,
        children.period_of_care_id,
        children.ssda903_episode_id,
        children.period_start_date as period_of_care_start_date,
        children.months_in_care,
        coalesce(care_bands.band_label, 'Not known') as length_of_care_band,
        coalesce(care_bands.sort_order, 99) as length_of_care_band_order,
        children.age,
        coalesce(age_bands.band_label, 'Not known') as age_band,
        coalesce(age_bands.sort_order, 99) as age_band_order,
        children.sex_code,
        coalesce(sex.label, 'Not recorded') as sex,
        coalesce(sex.sort_order, 99) as sex_order,
        children.ethnicity_code,
        coalesce(ethnicity_groups.ethnicity, children.ethnicity_code, 'Not recorded') as ethnicity,
        coalesce(ethnicity_groups.ethnic_group, 'Not recorded') as ethnic_group,
        coalesce(ethnicity_groups.ethnic_group_order, 99) as ethnic_group_order,
        coalesce(ethnicity_groups.local_ethnic_group, 'Not recorded') as local_ethnic_group,
        coalesce(ethnicity_groups.local_ethnic_group_order, 99) as local_ethnic_group_order,
        children.legal_status_code,
        coalesce(legal_status_codes.description, children.legal_status_code, 'Not recorded') as legal_status,
        coalesce(legal_status_groups.label, legal_statuses.report_group, 'Not recorded') as legal_status_group,
        coalesce(legal_status_groups.sort_order, 99) as legal_status_group_order,
        children.category_of_need_code,
        children.placement_type_code,
        coalesce(placement_type_codes.description, children.placement_type_code, 'Not recorded') as placement_type,
        coalesce(placement_groups.label, placement_types.report_group, 'Not recorded') as placement_group,
        coalesce(placement_groups.sort_order, 99) as placement_group_order,
        children.is_temporary_placement,
        children.provider_code,
        coalesce(provider_categories.label, provider_groups.provider_group, 'Not applicable') as provider_group,
        coalesce(provider_categories.sort_order, 99) as provider_group_order,
        children.distance_from_home_miles as distance_miles,
        case
            when children.distance_from_home_miles is null then 'NOT_RECORDED'
            when children.distance_from_home_miles <= settings.placement_distance_miles then 'WITHIN'
            else 'BEYOND'
        end as placement_distance_code,
        case
            when children.distance_from_home_miles is null then 'Distance not recorded'
            when children.distance_from_home_miles <= settings.placement_distance_miles
                then cast(settings.placement_distance_miles as {{ dbt.type_string() }}) || ' miles or less from home'
            else 'More than ' || cast(settings.placement_distance_miles as {{ dbt.type_string() }}) || ' miles from home'
        end as placement_distance_band,
        case
            when placement_postcode.utla_code is not null then
                case when placement_postcode.utla_code = manifest.la_code then 'INSIDE' else 'OUTSIDE' end
            when placement_district.is_wholly_inside then 'INSIDE'
            when placement_district.is_wholly_outside then 'OUTSIDE'
            else 'NOT_KNOWN'
        end as placement_location_code,
        uasc_spells.person_id is not null as is_uasc,
        children.placement_type_code = 'P1' and children.legal_status_code in ('C1', 'C2')
            as is_placed_with_parents_under_an_order,
        -- kept for the stability measures; never exported (the marts carry the sector only)
        children.placement_postcode
    from children
    cross join settings
    cross join manifest
    left join bands as age_bands
        on age_bands.band_set = 'age'
        and children.age >= age_bands.lower_bound
        and (age_bands.upper_bound is null or children.age < age_bands.upper_bound)
    left join bands as care_bands
        on care_bands.band_set = 'length_of_care_months'
        and children.months_in_care >= care_bands.lower_bound
        and (care_bands.upper_bound is null or children.months_in_care < care_bands.upper_bound)
    left join categories as sex
        on sex.category_set = 'sex'
        and children.sex_code = sex.code
    left join ethnicity_groups
        on children.ethnicity_code = ethnicity_groups.ethnicity_code
    left join legal_statuses
        on children.legal_status_code = legal_statuses.code
    left join categories as legal_status_groups
        on legal_status_groups.category_set = 'legal_status_group'
        and legal_statuses.report_group = legal_status_groups.code
    left join codes as legal_status_codes
        on legal_status_codes.field = 'LS'
        and children.legal_status_code = legal_status_codes.code
    left join placement_types
        on children.placement_type_code = placement_types.code
    left join categories as placement_groups
        on placement_groups.category_set = 'placement_group'
        and placement_types.report_group = placement_groups.code
    left join codes as placement_type_codes
        on placement_type_codes.field = 'PLACE'
        and children.placement_type_code = placement_type_codes.code
    left join provider_groups
        on children.provider_code = provider_groups.provider_code
    left join categories as provider_categories
        on provider_categories.category_set = 'provider_group'
        and coalesce(provider_groups.provider_group, 'Not applicable') = provider_categories.code
    left join postcodes as placement_postcode
        on children.placement_postcode = placement_postcode.postcode
    left join districts as placement_district
        on {{ dbt.split_part('children.placement_postcode', "' '", 1) }} = placement_district.district
    left join uasc_spells
        on children.person_id = uasc_spells.person_id
        and uasc_spells.start_date <= children.period_end
        and {{ open_end('uasc_spells.end_date') }} > children.period_end
),

final as (
    select
        described.*,
        locations.label as placement_location,
        locations.sort_order as placement_location_order
    from described
    left join categories as locations
        on locations.category_set = 'placement_location'
        and described.placement_location_code = locations.code
)

select * from final
