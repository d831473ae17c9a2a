-- One row per checked collection year, DfE rule and DoLo row (deprivation of liberty order, 2026-27 on)
-- that breaks a DoLO rule: no valid start date (700), an end that is not a date (701), ending on or before
-- it starts (702), starting after 31 March (703), ending outside the year (704), starting while the
-- child's previous order is open or before it ended (705), an order open at last year's 31 March with
-- no order starting the same day this year (706), still open although the child ceased to be looked
-- after (707), starting on or before the child's birth (708), and overlapping a placement that is not a
-- children's home or other placement (K2, Z12, Z13: 709) or is one a DoLO excludes (K1 secure home, P1
-- with parents, R5 young offender institution, K3 supported accommodation: 710). The rules apply from
-- 2026-27 (first_collection_year in the rules seed). Findings point at the DoLO record.

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
),

all_dolo as (
    select * from {{ ref('int_quality_return_dolo') }}
),

dolo as (
    select all_dolo.*, years.collection_start, years.collection_end, years.previous_collection_year
    from all_dolo
    inner join years
        on all_dolo.collection_year = years.collection_year
),

episodes as (
    select * from {{ ref('int_quality_return_episodes') }}
),

ordered as (
    select
        *,
        lag(dolo_end) over dolo_order as previous_end,
        row_number() over dolo_order as dolo_order_number
    from dolo
    window dolo_order as (partition by collection_year, child
        order by coalesce(dolo_end, dolo_start), dolo_start, dolo_id)
),

-- last year's orders still open at its 31 March, for the year after it
open_last_year as (
    -- the columns named, not last_year.*: that would carry a second collection_year (Spark refuses the
    -- ambiguity; DuckDB quietly renamed it)
    select years.collection_year, last_year.child, last_year.dolo_id, last_year.source_file_name,
        last_year.source_row_number, last_year.dolo_start
    from years
    inner join all_dolo as last_year
        on last_year.collection_year = years.previous_collection_year
    where last_year.dolo_end is null and last_year.dolo_start is not null
),

overlapping_placements as (
    select dolo.collection_year, dolo.child, dolo.dolo_id, dolo.source_file_name, dolo.source_row_number,
        dolo.dolo_start, episodes.place
    from dolo
    inner join episodes
        on dolo.collection_year = episodes.collection_year and dolo.child = episodes.child
    where dolo.dolo_start is not null and dolo.dolo_end is not null
        and (episodes.dec is null or dolo.dolo_start <= episodes.dec)
        and dolo.dolo_end >= episodes.decom
),

flagged as (
    select '700' as rule_code, collection_year, child, dolo_id, source_file_name, source_row_number,
        'DOLO_START' as source_column, cast(null as {{ dbt.type_string() }}) as value_recorded,
        'the DoLO has no valid start date' as details
    from dolo
    where dolo_start is null
    union all
    select '701', collection_year, child, dolo_id, source_file_name, source_row_number,
        'DOLO_END', dolo_end_recorded, 'the DoLO end date is not a valid date'
    from dolo
    where dolo_end_recorded is not null and dolo_end is null
    union all
    select '702', collection_year, child, dolo_id, source_file_name, source_row_number,
        'DOLO_END', cast(dolo_end as {{ dbt.type_string() }}), 'the DoLO ends on or before the day it started'
    from dolo
    where dolo_end <= dolo_start
    union all
    select '703', collection_year, child, dolo_id, source_file_name, source_row_number,
        'DOLO_START', cast(dolo_start as {{ dbt.type_string() }}), 'the DoLO starts after 31 March'
    from dolo
    where dolo_start > collection_end
    union all
    select '704', collection_year, child, dolo_id, source_file_name, source_row_number,
        'DOLO_END', cast(dolo_end as {{ dbt.type_string() }}), 'the DoLO ends before 1 April or after 31 March'
    from dolo
    where dolo_end < collection_start or dolo_end > collection_end
    union all
    select '705', collection_year, child, dolo_id, source_file_name, source_row_number,
        'DOLO_START', cast(dolo_start as {{ dbt.type_string() }}),
        'the DoLO starts while the previous DoLO is open or before it ended'
    from ordered
    where dolo_order_number > 1 and (previous_end is null or dolo_start < previous_end)
    union all
    select '706', open_last_year.collection_year, open_last_year.child, open_last_year.dolo_id,
        open_last_year.source_file_name, open_last_year.source_row_number,
        'DOLO_START', cast(open_last_year.dolo_start as {{ dbt.type_string() }}),
        'a DoLO open at the end of last year is not in this year''s return with the same start date'
    from open_last_year
    left join all_dolo as this_year
        on open_last_year.collection_year = this_year.collection_year
        and open_last_year.child = this_year.child
        and open_last_year.dolo_start = this_year.dolo_start
    where this_year.child is null
    union all
    select distinct '707', dolo.collection_year, dolo.child, dolo.dolo_id, dolo.source_file_name,
        dolo.source_row_number, 'DOLO_END', cast(null as {{ dbt.type_string() }}),
        'the child ceased to be looked after but the DoLO has no end date'
    from dolo
    inner join episodes
        on dolo.collection_year = episodes.collection_year and dolo.child = episodes.child
    where dolo.dolo_end is null and dolo.dolo_start is not null
        and episodes.rec is not null and episodes.rec <> 'X1' and episodes.dec >= dolo.dolo_start
    union all
    select '708', collection_year, child, dolo_id, source_file_name, source_row_number,
        'DOLO_START', cast(dolo_start as {{ dbt.type_string() }}), 'the DoLO starts on or before the child''s date of birth'
    from dolo
    where dolo_start <= dob
    union all
    select '709', collection_year, child, dolo_id, source_file_name, source_row_number,
        'PLACE', place, 'during the DoLO the child was placed other than in a children''s home (K2), Z12 or Z13'
    from overlapping_placements
    where place is null or place not in ('K2', 'Z12', 'Z13')
    union all
    select '710', collection_year, child, dolo_id, source_file_name, source_row_number,
        'PLACE', place, 'during the DoLO the child was in a secure home, with parents, a YOI or supported accommodation'
    from overlapping_placements
    where place in ('K1', 'P1', 'R5', 'K3')
),

final as (
    select
        rule_code,
        collection_year,
        child as person_id,
        'ssda903_dolo' as record_table,
        dolo_id as record_id,
        source_file_name,
        cast(source_row_number as integer) as source_row_number,
        source_column,
        value_recorded,
        details,
        -- one finding per order and rule (an order spanning several wrong placements is one record to correct)
        row_number() over (
            partition by rule_code, collection_year, child, dolo_id order by value_recorded
        ) as finding_number
    from flagged
)

select
    rule_code,
    collection_year,
    person_id,
    record_table,
    record_id,
    source_file_name,
    source_row_number,
    source_column,
    value_recorded,
    details
from final
where finding_number = 1
