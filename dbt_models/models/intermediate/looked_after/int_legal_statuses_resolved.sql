-- The SSD legal status table is a timeline of local statuses that can overlap: a care order (C2) stays
-- open while a placement order (E1) runs, and non-care statuses (SGO, child arrangements order) sit in
-- the same table. The 903 needs one status per day, so:
--   1. keep statuses that are 903 legal statuses (the ssda903_legal_statuses seed);
--   2. cut each person's timeline at every start and end date;
--   3. on each piece keep the status with the best overlap_priority (seed: E1 > D1 > C2 > C1 > J1 > J2 >
--      J3 > L2 > L3 > L1 > V2 > V4 > V3, i.e. the order that governs the child's care);
--   4. merge touching pieces with the same status.
-- Dates are half-open: a status ending on the day another starts hands over on that day (the SSD
-- records the next status's start as the previous one's end). A status recorded as ending on the day it
-- started is not a spell and is dropped (the data-quality rules report it).

with

recorded_statuses as (
    select * from {{ ref('stg_ssd__legal_statuses') }}
),

legal_status_rules as (
    select * from {{ ref('ssda903_legal_statuses') }}
),

care_statuses as (
    select
        recorded.person_id,
        recorded.legal_status_code,
        recorded.start_date,
        coalesce(recorded.end_date, {{ open_end_date() }}) as end_date_exclusive,
        rules.overlap_priority
    from recorded_statuses as recorded
    inner join legal_status_rules as rules
        on recorded.legal_status_code = rules.code
    where recorded.start_date is not null
        and (recorded.end_date is null or recorded.end_date > recorded.start_date)
),

boundaries as (
    select person_id, start_date as boundary_date from care_statuses
    union
    select person_id, end_date_exclusive as boundary_date from care_statuses
),

elementary_intervals as (
    select
        person_id,
        boundary_date as interval_start,
        lead(boundary_date) over (partition by person_id order by boundary_date) as interval_end
    from boundaries
),

ranked_statuses as (
    select
        intervals.person_id,
        intervals.interval_start,
        intervals.interval_end,
        statuses.legal_status_code,
        row_number() over (
            partition by intervals.person_id, intervals.interval_start
            order by statuses.overlap_priority, statuses.start_date desc
        ) as status_rank
    from elementary_intervals as intervals
    inner join care_statuses as statuses
        on intervals.person_id = statuses.person_id
        and statuses.start_date <= intervals.interval_start
        and statuses.end_date_exclusive >= intervals.interval_end
    where intervals.interval_end is not null
),

effective_intervals as (
    select
        person_id,
        interval_start,
        interval_end,
        legal_status_code,
        lag(legal_status_code) over (partition by person_id order by interval_start) as previous_status_code,
        lag(interval_end) over (partition by person_id order by interval_start) as previous_interval_end
    from ranked_statuses
    where status_rank = 1
),

islands as (
    select
        *,
        sum(
            case
                when previous_status_code = legal_status_code and previous_interval_end = interval_start then 0
                else 1
            end
        ) over (partition by person_id order by interval_start rows unbounded preceding) as spell_number
    from effective_intervals
),

final as (
    select
        person_id,
        spell_number,
        legal_status_code,
        min(interval_start) as start_date,
        nullif(max(interval_end), {{ open_end_date() }}) as end_date
    from islands
    group by person_id, spell_number, legal_status_code
)

select * from final
