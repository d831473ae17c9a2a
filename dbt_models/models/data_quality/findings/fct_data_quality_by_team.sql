-- One row per team with open findings or findings fixed since the last run. The worklist's counts
-- (recording errors: open by severity, those blocking a DfE return, children and workers concerned, new
-- and fixed since the last run, the oldest open) and, apart, the practice facts (a review held late, a
-- record sent late) that are performance measures and never on the worklist.

with

findings as (
    select * from {{ ref('fct_data_quality_findings') }}
),

final as (
    select
        team_name,
        cast(sum(case when status = 'open' and finding_kind = 'recording_error' then 1 else 0 end) as integer)
            as open_findings,
        cast(sum(case when status = 'open' and finding_kind = 'recording_error'
            and severity = 'error' then 1 else 0 end) as integer) as open_errors,
        cast(sum(case when status = 'open' and finding_kind = 'recording_error'
            and severity = 'warning' then 1 else 0 end) as integer) as open_warnings,
        cast(sum(case when status = 'open' and finding_kind = 'recording_error'
            and severity = 'advice' then 1 else 0 end) as integer) as open_advice,
        count(distinct case when status = 'open' and finding_kind = 'recording_error' then person_id end) as children,
        count(distinct case when status = 'open' and finding_kind = 'recording_error' then worker_id end) as workers,
        cast(sum(case when is_new_since_last_run and finding_kind = 'recording_error' then 1 else 0 end) as integer) as new_since_last_run,
        cast(sum(case when is_fixed_since_last_run and finding_kind = 'recording_error' then 1 else 0 end) as integer) as fixed_since_last_run,
        max(case when status = 'open' and finding_kind = 'recording_error' then days_open end) as oldest_open_days,
        cast(sum(case when status = 'open' and finding_kind = 'recording_error' and priority_group = 1 then 1 else 0 end)
            as integer) as open_errors_blocking_return,
        cast(sum(case when status = 'open' and finding_kind = 'practice_fact' then 1 else 0 end) as integer)
            as open_practice_facts,
        count(distinct case when status = 'open' and finding_kind = 'practice_fact' then person_id end)
            as children_with_practice_facts
    from findings
    where status = 'open' or is_fixed_since_last_run
    group by team_name
)

select * from final
