-- One row per reporting period, KPI measure and breakdown value for the meetings IROs chaired (York's Table 4,
-- Sandwell's Table 2: "reviews and conferences chaired ... meetings per IRO"):
--   E1.reviews_chaired_per_iro: looked-after reviews held in the period whose review form names the IRO who
--     chaired (iro_review_details), divided by the IROs who chaired at least one: the average per chairing IRO;
--   E1.iros_by_reviews_chaired: those IROs by how many reviews each chaired in the year (bands seed,
--     band_set reviews_chaired_in_year). The figures are about staff, not children, but an IRO is named by
--     no figure: only the number of IROs in each band is published (small counts suppressed as any other);
--   E1.meetings_per_full_time_iro: looked-after reviews held plus child protection conferences held,
--     counted as meetings (siblings conferenced together are one, as G5.conference_meetings), divided by the
--     full-time equivalent of IROs in post at the period end.
-- The extract records no chair for child protection conferences, so conferences cannot be given per IRO;
-- they count in the meetings per full-time IRO, where IROs chair conferences.

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

reviews as (
    select * from {{ ref('int_looked_after_reviews_detailed') }}
    where is_held
),

conferences as (
    select
        conference_date,
        coalesce(nullif(trim(meeting_id), ''), conference_key) as meeting_key
    from {{ ref('int_child_protection_conferences_timed') }}
),

in_post as (
    select period_id, sum(full_time_equivalent) as full_time_equivalent
    from {{ ref('int_iro_caseloads_counted') }}
    where is_in_post
    group by period_id
),

bands as (
    select band_label, lower_bound, upper_bound, sort_order
    from {{ ref('bands') }}
    where band_set = 'reviews_chaired_in_year'
),

held as (
    select periods.period_id, reviews.review_key, nullif(trim(reviews.chair_professional_id), '') as chair_id
    from periods
    inner join reviews
        on reviews.review_date between periods.period_start and periods.period_end
),

chaired_by_iro as (
    select period_id, chair_id, count(*) as reviews_chaired
    from held
    where chair_id is not null
    group by period_id, chair_id
),

chaired as (
    select
        periods.period_id,
        coalesce(sum(chaired_by_iro.reviews_chaired), 0) as reviews_chaired,
        count(chaired_by_iro.chair_id) as chairing_iros
    from periods
    left join chaired_by_iro
        on periods.period_id = chaired_by_iro.period_id
    group by periods.period_id
),

iros_by_band as (
    select
        periods.period_id,
        bands.band_label,
        bands.sort_order,
        count(chaired_by_iro.chair_id) as iros
    from periods
    cross join bands
    left join chaired_by_iro
        on periods.period_id = chaired_by_iro.period_id
        and chaired_by_iro.reviews_chaired >= bands.lower_bound
        and (bands.upper_bound is null or chaired_by_iro.reviews_chaired < bands.upper_bound)
    where periods.period_type = 'year'
    group by periods.period_id, bands.band_label, bands.sort_order
),

reviews_held as (
    select periods.period_id, count(held.review_key) as meetings
    from periods
    left join held
        on periods.period_id = held.period_id
    group by periods.period_id
),

conference_meetings as (
    select periods.period_id, count(distinct conferences.meeting_key) as meetings
    from periods
    left join conferences
        on conferences.conference_date between periods.period_start and periods.period_end
    group by periods.period_id
),

final as (
    select
        period_id, 'E1.reviews_chaired_per_iro' as measure_id, 'total' as breakdown_name,
        'Total' as breakdown_value, 0 as breakdown_order, 'total' as breakdown_2_name,
        'Total' as breakdown_2_value, 0 as breakdown_2_order,
        cast(reviews_chaired as double) as numerator, cast(chairing_iros as double) as denominator
    from chaired
    union all
    select period_id, 'E1.iros_by_reviews_chaired', 'reviews_chaired', band_label, sort_order,
        'total', 'Total', 0, cast(iros as double), cast(null as double)
    from iros_by_band
    union all
    select period_id, 'E1.iros_by_reviews_chaired', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(sum(iros) as double), cast(null as double)
    from iros_by_band
    group by period_id
    union all
    select
        reviews_held.period_id, 'E1.meetings_per_full_time_iro', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(reviews_held.meetings + conference_meetings.meetings as double),
        cast(in_post.full_time_equivalent as double)
    from reviews_held
    inner join conference_meetings
        on reviews_held.period_id = conference_meetings.period_id
    left join in_post
        on reviews_held.period_id = in_post.period_id
)

select * from final
