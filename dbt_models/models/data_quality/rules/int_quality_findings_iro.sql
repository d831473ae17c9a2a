-- One row per finding of the IRO practice rules the DfE does not check, over the checked years (from
-- the start of the latest complete collection year to the extract date):
--   IRO01 review held after its due date;            IRO02 review due and not held (overdue now);
--   IRO03 review dated outside any period of care;   IRO04 held review with no participation code;
--   IRO05 participation code inconsistent with age (PN0 if and only if under 4 on the day);
--   IRO06 IRO allocated later than 5 working days after care began (council settings);
--   IRO07 child in care now with no IRO allocated (more than 5 working days after care began);
--   IRO08 child seen by the IRO after the review;    IRO09 review record sent out more than 20 working
--   days after the review, or not yet sent 20 working days on; IRO10 dispute past its response date.
-- Due dates, working days and allocations come from the shared IRO models (int_looked_after_review_schedule,
-- int_iro_allocation_timeliness, int_calendar_days). Short breaks have no reviews and no IRO.

with

window_start as (
    select min(collection_start) as checked_from from {{ ref('int_quality_collection_years') }}
),

manifest as (
    select extract_date from {{ ref('stg_extract__manifests') }}
),

settings as (
    select settings.iro_allocation_working_days
    from {{ ref('int_council_settings_pivoted') }} as settings
    inner join {{ ref('stg_extract__manifests') }} as manifest
        on settings.la_code = manifest.la_code
),

schedule as (
    select * from {{ ref('int_looked_after_review_schedule') }}
),

reviews as (
    select * from {{ ref('int_looked_after_reviews') }}
),

review_details as (
    select * from {{ ref('stg_iro__review_details') }}
),

periods as (
    select * from {{ ref('int_periods_of_care') }}
),

episodes as (
    select * from {{ ref('int_ssda903_episodes') }}
),

recorded_episodes as (
    select * from {{ ref('stg_ssd__looked_after_episodes') }}
),

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

timeliness as (
    select * from {{ ref('int_iro_allocation_timeliness') }}
),

allocations as (
    select * from {{ ref('int_iro_allocations') }}
),

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

disputes as (
    select * from {{ ref('stg_iro__disputes') }}
),

period_rows as (
    -- where a period of care is in the extract: its first recorded episode
    select
        periods.period_of_care_id,
        periods.person_id,
        periods.start_date,
        periods.end_date,
        periods.is_short_break,
        first_episode.first_case_management_episode_id as episode_id,
        recorded.source_file_name,
        recorded.source_row_number
    from periods
    inner join episodes as first_episode
        on periods.period_of_care_id = first_episode.period_of_care_id
        and first_episode.episode_in_period = 1
    left join recorded_episodes as recorded
        on first_episode.first_case_management_episode_id = recorded.episode_id
),

held_reviews as (
    select reviews.*
    from reviews
    cross join window_start
    where not reviews.is_cancelled and reviews.review_date >= window_start.checked_from
),

iro01 as (
    select 'IRO01' as rule_code, schedule.person_id, 'ssd_cla_reviews' as record_table, schedule.review_id as record_id,
        reviews.source_file_name, reviews.source_row_number, 'clar_cla_review_date' as source_column,
        cast(schedule.review_date as {{ dbt.type_string() }}) as value_recorded,
        'review ' || cast(schedule.review_sequence as {{ dbt.type_string() }}) || ' of the period was due by '
            || cast(schedule.due_date as {{ dbt.type_string() }}) || ', held ' || cast(schedule.days_after_due_date as {{ dbt.type_string() }})
            || ' days late' as details
    from schedule
    cross join window_start
    inner join reviews
        on schedule.review_id = reviews.review_id
    where schedule.is_held and not schedule.is_on_time and schedule.review_date >= window_start.checked_from
),

iro02 as (
    select 'IRO02', schedule.person_id, 'ssd_cla_episodes',
        schedule.period_of_care_id || '#review' || cast(schedule.review_sequence as {{ dbt.type_string() }}),
        period_rows.source_file_name, period_rows.source_row_number, 'clar_cla_review_date',
        cast(null as {{ dbt.type_string() }}),
        'review ' || cast(schedule.review_sequence as {{ dbt.type_string() }}) || ' was due by ' || cast(schedule.due_date as {{ dbt.type_string() }})
            || ' and is not recorded' || case when schedule.period_end_date is null
                then ' (' || cast(schedule.days_after_due_date as {{ dbt.type_string() }}) || ' days overdue)'
                else ' (care ended ' || cast(schedule.period_end_date as {{ dbt.type_string() }}) || ')' end
    from schedule
    cross join window_start
    inner join period_rows
        on schedule.period_of_care_id = period_rows.period_of_care_id
    where not schedule.is_held and schedule.due_date >= window_start.checked_from
),

iro03 as (
    select 'IRO03', held_reviews.person_id, 'ssd_cla_reviews', held_reviews.review_id,
        held_reviews.source_file_name, held_reviews.source_row_number, 'clar_cla_review_date',
        cast(held_reviews.review_date as {{ dbt.type_string() }}), 'the child was not looked after on the day of the review'
    from held_reviews
    where held_reviews.review_date is not null
        and not exists (
            select 1 from episodes
            where episodes.person_id = held_reviews.person_id
                and episodes.decom <= held_reviews.review_date
                and (episodes.dec is null or episodes.dec >= held_reviews.review_date)
        )
),

iro04 as (
    select 'IRO04', held_reviews.person_id, 'ssd_cla_reviews', held_reviews.review_id,
        held_reviews.source_file_name, held_reviews.source_row_number, 'clar_cla_review_participation',
        cast(null as {{ dbt.type_string() }}), 'no participation code (PN0-PN7) for a review that was held'
    from held_reviews
    where held_reviews.participation_as_recorded is null
),

iro05 as (
    select 'IRO05', held_reviews.person_id, 'ssd_cla_reviews', held_reviews.review_id,
        held_reviews.source_file_name, held_reviews.source_row_number, 'clar_cla_review_participation',
        held_reviews.participation_code,
        case when held_reviews.participation_code = 'PN0'
            then 'PN0 (under 4) but the child was 4 or over at the review'
            else held_reviews.participation_code || ' but the child was under 4 at the review (PN0)' end
    from held_reviews
    inner join persons
        on held_reviews.person_id = persons.person_id
    where (held_reviews.participation_code = 'PN0'
            and held_reviews.review_date > {{ years_after(4, 'persons.date_of_birth') }})
        or (held_reviews.participation_code in ('PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6', 'PN7')
            and held_reviews.review_date < {{ years_after(4, 'persons.date_of_birth') }})
),

iro06 as (
    select 'IRO06', timeliness.person_id, 'ssd_cla_episodes', timeliness.period_of_care_id || '#iro',
        period_rows.source_file_name, period_rows.source_row_number, cast(null as {{ dbt.type_string() }}),
        cast(timeliness.iro_allocated_date as {{ dbt.type_string() }}),
        'IRO allocated ' || cast(timeliness.working_days_to_allocation as {{ dbt.type_string() }})
            || ' working days after care began on ' || cast(timeliness.period_start_date as {{ dbt.type_string() }})
            || ' (expected within ' || cast(timeliness.allowed_working_days as {{ dbt.type_string() }}) || ')'
    from timeliness
    cross join window_start
    inner join period_rows
        on timeliness.period_of_care_id = period_rows.period_of_care_id
    where timeliness.iro_allocated_date is not null and not timeliness.allocated_in_time
        and timeliness.period_start_date >= window_start.checked_from
),

iro07 as (
    select 'IRO07', period_rows.person_id, 'ssd_cla_episodes', period_rows.period_of_care_id || '#iro',
        period_rows.source_file_name, period_rows.source_row_number, cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}),
        'looked after since ' || cast(period_rows.start_date as {{ dbt.type_string() }}) || ' with no IRO allocated now'
    from period_rows
    cross join manifest
    cross join settings
    inner join calendar as start_day
        on start_day.calendar_date = period_rows.start_date
    inner join calendar as today
        on today.calendar_date = manifest.extract_date
    where period_rows.end_date is null
        and not period_rows.is_short_break
        and today.working_day_count - start_day.working_day_count > settings.iro_allocation_working_days
        and not exists (
            select 1 from allocations
            where allocations.person_id = period_rows.person_id
                and allocations.start_date <= manifest.extract_date
                and (allocations.end_date is null or allocations.end_date > manifest.extract_date)
        )
),

iro08 as (
    select 'IRO08', held_reviews.person_id, 'iro_review_details', held_reviews.review_id,
        review_details.source_file_name, review_details.source_row_number, 'irrd_child_seen_date',
        cast(review_details.child_seen_date as {{ dbt.type_string() }}),
        'the IRO saw the child after the review (held ' || cast(held_reviews.review_date as {{ dbt.type_string() }}) || ')'
    from held_reviews
    inner join review_details
        on held_reviews.review_id = review_details.review_id
    where review_details.child_seen_date > held_reviews.review_date
),

iro09 as (
    select 'IRO09', held_reviews.person_id, 'iro_review_details', held_reviews.review_id,
        review_details.source_file_name, review_details.source_row_number, 'irrd_record_distributed_date',
        cast(review_details.record_distributed_date as {{ dbt.type_string() }}),
        case when review_details.record_distributed_date is null
            then 'review record not sent out ' || cast(today.working_day_count - held_day.working_day_count as {{ dbt.type_string() }})
                || ' working days after the review'
            else 'review record sent out ' || cast(sent_day.working_day_count - held_day.working_day_count as {{ dbt.type_string() }})
                || ' working days after the review' end
    from held_reviews
    cross join manifest
    inner join review_details
        on held_reviews.review_id = review_details.review_id
    inner join calendar as held_day
        on held_day.calendar_date = held_reviews.review_date
    inner join calendar as today
        on today.calendar_date = manifest.extract_date
    left join calendar as sent_day
        on sent_day.calendar_date = review_details.record_distributed_date
    where coalesce(sent_day.working_day_count, today.working_day_count) - held_day.working_day_count > 20
),

iro10 as (
    select 'IRO10', disputes.person_id, 'iro_disputes', disputes.dispute_id,
        disputes.source_file_name, disputes.source_row_number, 'irod_response_due_date',
        cast(disputes.response_due_date as {{ dbt.type_string() }}),
        'dispute raised ' || cast(disputes.raised_date as {{ dbt.type_string() }}) || ' still open; the response was due '
            || cast(disputes.response_due_date as {{ dbt.type_string() }})
    from disputes
    cross join manifest
    where disputes.resolved_date is null
        and (disputes.outcome_code is null or disputes.outcome_code = 'OPEN')
        and disputes.response_due_date < manifest.extract_date
),

flagged as (
    select * from iro01
    union all select * from iro02
    union all select * from iro03
    union all select * from iro04
    union all select * from iro05
    union all select * from iro06
    union all select * from iro07
    union all select * from iro08
    union all select * from iro09
    union all select * from iro10
),

final as (
    select
        rule_code,
        cast(null as {{ dbt.type_string() }}) as collection_year,
        person_id,
        record_table,
        record_id,
        source_file_name,
        cast(source_row_number as integer) as source_row_number,
        source_column,
        value_recorded,
        details
    from flagged
)

select * from final
