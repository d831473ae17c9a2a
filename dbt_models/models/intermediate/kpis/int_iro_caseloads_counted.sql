-- One row per reporting period and IRO on its last day: an IRO in post (iro_establishment) or anyone
-- holding a child's IRO involvement that day, with their cases by type and their caseload per
-- full-time equivalent against the IRO Handbook range (council settings, 50 to 70): a half-time IRO with 35
-- children carries 70 per full-time equivalent.

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

cases as (
    select * from {{ ref('int_iro_cases_at_period_end') }}
),

posts as (
    select * from {{ ref('stg_iro__establishment_posts') }}
),

la_settings as (
    select settings.iro_caseload_low, settings.iro_caseload_high
    from {{ ref('int_council_settings_pivoted') }} as settings
    inner join {{ ref('stg_extract__manifests') }} as manifest
        on settings.la_code = manifest.la_code
),

in_post as (
    select
        periods.period_id,
        posts.professional_id,
        sum(posts.full_time_equivalent) as full_time_equivalent,
        max(case when posts.is_agency then 1 else 0 end) = 1 as is_agency
    from periods
    inner join posts
        on posts.start_date <= periods.period_end
        and (posts.end_date is null or posts.end_date > periods.period_end)
    group by periods.period_id, posts.professional_id
),

caseloads as (
    select
        period_id,
        professional_id,
        sum(case when case_type_code = 'CLA' then 1 else 0 end) as looked_after_cases,
        sum(case when case_type_code = 'CP' then 1 else 0 end) as child_protection_cases,
        sum(case when case_type_code = 'CIN' then 1 else 0 end) as other_cases,
        count(*) as cases
    from cases
    group by period_id, professional_id
),

iros as (
    select period_id, professional_id from in_post
    union
    select period_id, professional_id from caseloads
),

final as (
    select
        iros.period_id,
        periods.period_type,
        periods.collection_year,
        periods.period_end,
        iros.professional_id,
        in_post.professional_id is not null as is_in_post,
        in_post.full_time_equivalent,
        in_post.is_agency,
        coalesce(caseloads.looked_after_cases, 0) as looked_after_cases,
        coalesce(caseloads.child_protection_cases, 0) as child_protection_cases,
        coalesce(caseloads.other_cases, 0) as other_cases,
        coalesce(caseloads.cases, 0) as cases,
        case
            when in_post.full_time_equivalent > 0 then coalesce(caseloads.cases, 0) / in_post.full_time_equivalent
        end as cases_per_full_time_equivalent,
        case
            when not (in_post.full_time_equivalent > 0) or in_post.full_time_equivalent is null then null
            when coalesce(caseloads.cases, 0) / in_post.full_time_equivalent < la_settings.iro_caseload_low then 'BELOW'
            when coalesce(caseloads.cases, 0) / in_post.full_time_equivalent > la_settings.iro_caseload_high then 'ABOVE'
            else 'WITHIN'
        end as caseload_band_code,
        la_settings.iro_caseload_low as caseload_range_low,
        la_settings.iro_caseload_high as caseload_range_high
    from iros
    inner join periods
        on iros.period_id = periods.period_id
    cross join la_settings
    left join in_post
        on iros.period_id = in_post.period_id
        and iros.professional_id = in_post.professional_id
    left join caseloads
        on iros.period_id = caseloads.period_id
        and iros.professional_id = caseloads.professional_id
)

select * from final
