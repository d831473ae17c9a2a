-- One row per reporting period and child in the per-child review timeliness measure (KPI D2, the DfE
-- convention the annual reports use): looked after at period end (short breaks aside) and by then for
-- at least 4 weeks continuously (council settings: the current period of care began 28 days or more before
-- the period end). The child's reviews are all on time when none of the reviews falling due in the
-- period (in any of the child's periods of care) was late: if one review is late, all the child's
-- reviews are late. A review overdue from before the period and still not held when it began (in a
-- period of care that had not ended) makes the child late too: otherwise a child without a review for
-- years would count as on time. A child with no review due in the period, and none outstanding, has
-- none late.

with

looked_after as (
    select * from {{ ref('int_children_looked_after_at_period_end') }}
    where not is_short_break_only
),

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

reviews as (
    select * from {{ ref('int_looked_after_reviews_detailed') }}
),

settings as (
    select * from {{ ref('int_council_settings_pivoted') }}
),

in_scope as (
    select looked_after.period_id, looked_after.person_id
    from looked_after
    cross join settings
    where looked_after.period_of_care_start_date
        <= cast({{ dbt.dateadd('day', '-settings.review_timeliness_minimum_days_looked_after', 'looked_after.period_end') }} as date)
),

due_in_period as (
    select
        in_scope.period_id,
        in_scope.person_id,
        count(reviews.review_key) as reviews_due,
        sum(case when reviews.is_on_time then 0 when reviews.review_key is not null then 1 else 0 end)
            as late_reviews
    from in_scope
    inner join periods
        on in_scope.period_id = periods.period_id
    left join reviews
        on in_scope.person_id = reviews.person_id
        and reviews.due_date between periods.period_start and periods.period_end
    group by in_scope.period_id, in_scope.person_id
),

outstanding_at_start as (
    select in_scope.period_id, in_scope.person_id, count(*) as overdue_reviews
    from in_scope
    inner join periods
        on in_scope.period_id = periods.period_id
    inner join reviews
        on in_scope.person_id = reviews.person_id
        and reviews.due_date < periods.period_start
        and (reviews.review_date is null or reviews.review_date > periods.period_start)
        and (reviews.period_end_date is null or reviews.period_end_date > periods.period_start)
    group by in_scope.period_id, in_scope.person_id
),

final as (
    select
        due_in_period.period_id,
        due_in_period.person_id,
        due_in_period.reviews_due,
        due_in_period.late_reviews,
        coalesce(outstanding_at_start.overdue_reviews, 0) as overdue_reviews_at_period_start,
        due_in_period.late_reviews = 0 and outstanding_at_start.person_id is null as all_reviews_on_time
    from due_in_period
    left join outstanding_at_start
        on due_in_period.period_id = outstanding_at_start.period_id
        and due_in_period.person_id = outstanding_at_start.person_id
)

select * from final
