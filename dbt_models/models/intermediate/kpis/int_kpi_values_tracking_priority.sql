-- One row per reporting period and tracking priority: children looked after at the period end by the
-- tracking priority the IRO recorded at their latest review held in the current period of care
-- (D8.children_by_tracking_priority; Derby's "case tracking": high, medium and low priority cases that IROs
-- monitor between reviews). A child with no review yet in this period of care, or whose latest review form
-- records no priority, is "Not recorded". Short breaks are excluded, as everywhere in the report. Every
-- priority of the seed appears in every period (0 when none).

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

looked_after as (
    select period_id, period_end, person_id, period_of_care_id
    from {{ ref('int_children_looked_after_at_period_end') }}
    where not is_short_break_only
),

-- Each held review with the date the next one of its period of care was held: it is the latest review on
-- every day from its own date until then. Reviews on the same day are ordered by their key, so one of them
-- is the latest; the earlier ones hold for no day at all.
reviews as (
    select
        period_of_care_id,
        review_date,
        lead(review_date) over (
            partition by period_of_care_id
            order by review_date, review_key
        ) as next_review_date,
        tracking_priority_code
    from (
        select
            reviews.period_of_care_id,
            reviews.review_key,
            reviews.review_date,
            review_details.tracking_priority_code
        from {{ ref('int_looked_after_reviews_detailed') }} as reviews
        left join {{ ref('stg_iro__review_details') }} as review_details
            on reviews.review_id = review_details.review_id
        -- an undated review is never the latest (and the engines sort nulls to different ends)
        where reviews.is_held and reviews.review_date is not null
    ) as held
),

priorities as (
    select code, label, sort_order
    from {{ ref('kpi_categories') }}
    where category_set = 'tracking_priority'
),

-- The review that was the latest on the period's last day, found by its dates rather than by ranking every
-- earlier review of the period of care for every period: at scale 200 (a national-sized extract) that
-- ranking held tens of millions of rows and ran DuckDB out of memory.
latest_review as (
    select
        looked_after.period_id,
        looked_after.person_id,
        reviews.tracking_priority_code
    from looked_after
    inner join reviews
        on looked_after.period_of_care_id = reviews.period_of_care_id
        and reviews.review_date <= looked_after.period_end
        and (reviews.next_review_date is null or reviews.next_review_date > looked_after.period_end)
),

children as (
    select
        looked_after.period_id,
        looked_after.person_id,
        coalesce(priorities.label, 'Not recorded') as tracking_priority
    from looked_after
    left join latest_review
        on looked_after.period_id = latest_review.period_id
        and looked_after.person_id = latest_review.person_id
    left join priorities
        on upper(trim(latest_review.tracking_priority_code)) = priorities.code
),

categories as (
    select label, sort_order from priorities
    union all
    select 'Not recorded', 99
),

by_priority as (
    select
        periods.period_id,
        categories.label as breakdown_value,
        categories.sort_order as breakdown_order,
        count(children.person_id) as numerator
    from periods
    cross join categories
    left join children
        on periods.period_id = children.period_id
        and categories.label = children.tracking_priority
    group by periods.period_id, categories.label, categories.sort_order
),

final as (
    select
        period_id, 'D8.children_by_tracking_priority' as measure_id, 'tracking_priority' as breakdown_name,
        breakdown_value, breakdown_order, 'total' as breakdown_2_name, 'Total' as breakdown_2_value,
        0 as breakdown_2_order, cast(numerator as double) as numerator, cast(null as double) as denominator
    from by_priority
    union all
    select
        period_id, 'D8.children_by_tracking_priority', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(sum(numerator) as double), cast(null as double)
    from by_priority
    group by period_id
)

select * from final
