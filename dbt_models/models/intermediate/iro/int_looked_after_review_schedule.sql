-- Due dates (Care Planning, Placement and Case Review (England) Regulations 2010, reg. 33):
--   first review: within 20 working days of the start of the period of care (weekends and England and
--     Wales bank holidays excluded; the day care began is day 0);
--   second: within 3 calendar months of the first;
--   each later one: within 6 calendar months of the previous one.
-- Each due date runs from the date the previous review was actually held, so a late review moves the
-- next one. A review held on or before its due date is on time. A review due and not held is late,
-- held or not; only the first missing one can be dated (the ones after it depend on when it is held).
-- Short-break periods (V3/V4) have no statutory reviews here. Cancelled reviews are not held reviews.
-- A review dated outside its period of care is left out (the data-quality rules report it).

with

periods as (
    select * from {{ ref('int_periods_of_care') }}
    where not is_short_break
),

reviews as (
    select * from {{ ref('int_looked_after_reviews') }}
    where not is_cancelled and review_date is not null
),

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

manifest as (
    select extract_date from {{ ref('stg_extract__manifests') }}
),

held as (
    select
        periods.period_of_care_id,
        periods.person_id,
        periods.start_date as period_start_date,
        periods.end_date as period_end_date,
        reviews.review_id,
        reviews.review_date,
        row_number() over (
            partition by periods.period_of_care_id order by reviews.review_date, reviews.review_id
        ) as review_sequence
    from periods
    inner join reviews
        on reviews.period_of_care_id = periods.period_of_care_id
        and reviews.review_date >= periods.start_date
        and (periods.end_date is null or reviews.review_date <= periods.end_date)
),

first_due_dates as (
    select
        periods.period_of_care_id,
        due_day.calendar_date as first_review_due_date
    from periods
    inner join calendar as start_day
        on start_day.calendar_date = periods.start_date
    inner join calendar as due_day
        on {{ working_days_after('start_day', 'due_day', 20) }}
),

held_with_due_dates as (
    select
        held.*,
        case
            when held.review_sequence = 1 then first_due_dates.first_review_due_date
            when held.review_sequence = 2
                then cast({{ dbt.dateadd('month', 3, 'lag(held.review_date) over period_order') }} as date)
            else cast({{ dbt.dateadd('month', 6, 'lag(held.review_date) over period_order') }} as date)
        end as due_date
    from held
    inner join first_due_dates
        on held.period_of_care_id = first_due_dates.period_of_care_id
    window period_order as (partition by held.period_of_care_id order by held.review_sequence)
),

last_held as (
    select period_of_care_id, max(review_sequence) as last_sequence, max(review_date) as last_review_date
    from held
    group by period_of_care_id
),

next_due as (
    -- the review that should come next in each period, and whether it is already overdue
    select
        periods.period_of_care_id,
        periods.person_id,
        periods.start_date as period_start_date,
        periods.end_date as period_end_date,
        cast(null as {{ dbt.type_string() }}) as review_id,
        cast(null as date) as review_date,
        coalesce(last_held.last_sequence, 0) + 1 as review_sequence,
        case
            when last_held.last_sequence is null then first_due_dates.first_review_due_date
            when last_held.last_sequence = 1
                then cast({{ dbt.dateadd('month', 3, 'last_held.last_review_date') }} as date)
            else cast({{ dbt.dateadd('month', 6, 'last_held.last_review_date') }} as date)
        end as due_date
    from periods
    inner join first_due_dates
        on periods.period_of_care_id = first_due_dates.period_of_care_id
    left join last_held
        on periods.period_of_care_id = last_held.period_of_care_id
),

overdue as (
    select next_due.*
    from next_due
    cross join manifest
    -- overdue when it fell due while the child was still looked after, by the extract date
    where next_due.due_date < manifest.extract_date
        and (next_due.period_end_date is null or next_due.due_date < next_due.period_end_date)
),

all_reviews as (
    select period_of_care_id, person_id, period_start_date, period_end_date, review_id, review_date,
        review_sequence, due_date
    from held_with_due_dates
    union all
    select period_of_care_id, person_id, period_start_date, period_end_date, review_id, review_date,
        review_sequence, due_date
    from overdue
),

final as (
    select
        all_reviews.*,
        case
            when review_sequence = 1 then 'first'
            when review_sequence = 2 then 'second'
            else 'later'
        end as review_sequence_group,
        review_date is not null as is_held,
        review_date is not null and review_date <= due_date as is_on_time,
        case
            when review_date is null then 'not held by its due date'
            when review_date <= due_date then 'held on time'
            else 'held late'
        end as review_status,
        {{ dbt.datediff('due_date', 'coalesce(review_date, manifest.extract_date)', 'day') }} as days_after_due_date
    from all_reviews
    cross join manifest
)

select * from final
