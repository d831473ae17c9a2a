-- One row per checked collection year, DfE rule and Episodes row that breaks a rule about how long a
-- short-term legal status may last or who may have it: police protection (L1) longer than 72 hours (361),
-- an emergency protection order (L2) longer than 21 days (362), a child assessment order (L3) longer than
-- 7 days (363), PACE accommodation (J2) longer than 21 days (364) - each over the unbroken run of
-- episodes with that status (one ending the day the next starts), an open one counted to 31 March; a
-- remand or sentence status (J1, J2, J3) for a child aged under 10 when the episode began (358); a move
-- into custody (REASON_PLACE_CHANGE CUSTOD) for a child under 10 (234, 2025-26 on); an episode starting
-- before 14 October 1991 (353); an E1 status (placement order) on an episode starting before December
-- 2005 (446: the DfE's "before December 2005", 1 December as the validator reads it). Findings point at
-- the case-management episode, 234's at the placement whose change reason it is.

with

episodes as (
    select * from {{ ref('int_quality_return_episodes') }}
),

episode_side as (
    select
        episodes.*,
        'ssd_cla_episodes' as record_table,
        first_case_management_episode_id as record_id,
        episode_source_file_name as source_file_name,
        episode_source_row_number as source_row_number
    from episodes
),

-- an episode as the placement that ended it: the reason for a placement change is recorded on the
-- placement that ends (234), so a worklist shows that placement's row and cell
placement_side as (
    select
        episodes.*,
        'ssd_cla_placement' as record_table,
        placement_id as record_id,
        placement_source_file_name as source_file_name,
        placement_source_row_number as source_row_number
    from episodes
),

limits as (
    select 'L1' as ls, '361' as rule_code, 3 as maximum_days, 'police protection longer than 72 hours' as details
    union all select 'L2', '362', 21, 'an emergency protection order longer than 21 days'
    union all select 'L3', '363', 7, 'a child assessment order longer than 7 days'
    union all select 'J2', '364', 21, 'PACE accommodation longer than 21 days'
),

limited as (
    -- episodes with a time-limited status, with whether each continues the child's previous episode's
    -- status without a break
    select
        episode_side.*,
        limits.rule_code,
        limits.maximum_days,
        limits.details as limit_details,
        case when episode_side.previous_ls = episode_side.ls and episode_side.previous_dec = episode_side.decom
            then 0 else 1 end as starts_run
    from episode_side
    inner join limits
        on episode_side.ls = limits.ls
),

runs as (
    select
        *,
        sum(starts_run) over (
            partition by collection_year, child, ls order by decom, ssda903_episode_id
            rows between unbounded preceding and current row
        ) as run_number
    from limited
),

run_lengths as (
    select
        collection_year,
        child,
        ls,
        run_number,
        min(decom) as run_start,
        max(coalesce(dec, collection_end)) as run_end
    from runs
    group by collection_year, child, ls, run_number
),

flagged as (
    select runs.rule_code, runs.collection_year, runs.child, runs.record_table, runs.record_id,
        runs.source_file_name, runs.source_row_number, 'clae_cla_episode_ceased_date' as source_column,
        cast(runs.dec as {{ dbt.type_string() }}) as value_recorded, runs.limit_details as details
    from runs
    inner join run_lengths
        on runs.collection_year = run_lengths.collection_year
        and runs.child = run_lengths.child
        and runs.ls = run_lengths.ls
        and runs.run_number = run_lengths.run_number
    where {{ dbt.datediff('run_lengths.run_start', 'run_lengths.run_end', 'day') }} > runs.maximum_days

    union all
    select '358', collection_year, child, record_table, record_id, source_file_name, source_row_number,
        'clae_cla_episode_start_date', ls, 'a remand or sentence legal status (' || ls || ') for a child under 10'
    from episode_side
    -- under 10: the tenth birthday after the episode began (the validator also flags a start ON it)
    where ls in ('J1', 'J2', 'J3') and dob is not null
        and cast({{ dbt.dateadd('year', 10, 'dob') }} as date) > decom

    union all
    select '234', collection_year, child, record_table, record_id, source_file_name, source_row_number,
        'clap_cla_placement_change_reason', reason_place_change, 'a move into custody for a child under 10'
    from placement_side
    where reason_place_change = 'CUSTOD' and dob is not null
        and cast({{ dbt.dateadd('year', 10, 'dob') }} as date) > decom

    union all
    select '353', collection_year, child, record_table, record_id, source_file_name, source_row_number,
        'clae_cla_episode_start_date', cast(decom as {{ dbt.type_string() }}), 'the episode starts before 14 October 1991'
    from episode_side
    where decom < cast('1991-10-14' as date)

    union all
    select '446', collection_year, child, record_table, record_id, source_file_name, source_row_number,
        'clae_cla_episode_start_date', cast(decom as {{ dbt.type_string() }}),
        'a placement order (E1) on an episode starting before 1 December 2005'
    from episode_side
    where ls = 'E1' and decom < cast('2005-12-01' as date)
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
        details,
        row_number() over (
            partition by rule_code, collection_year, child, record_table, record_id order by value_recorded
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
