-- One row per team with open findings or findings fixed since the last run: open findings by severity,
-- children and workers concerned, new and fixed since the last run, and the oldest open finding.

with

findings as (
    select * from {{ ref('fct_data_quality_findings') }}
),

final as (
    select
        team_name,
        cast(sum(case when status = 'open' then 1 else 0 end) as integer) as open_findings,
        cast(sum(case when status = 'open' and severity = 'error' then 1 else 0 end) as integer) as open_errors,
        cast(sum(case when status = 'open' and severity = 'warning' then 1 else 0 end) as integer) as open_warnings,
        cast(sum(case when status = 'open' and severity = 'advice' then 1 else 0 end) as integer) as open_advice,
        count(distinct case when status = 'open' then person_id end) as children,
        count(distinct case when status = 'open' then worker_id end) as workers,
        cast(sum(case when is_new_since_last_run then 1 else 0 end) as integer) as new_since_last_run,
        cast(sum(case when is_fixed_since_last_run then 1 else 0 end) as integer) as fixed_since_last_run,
        max(case when status = 'open' then days_open end) as oldest_open_days
    from findings
    where status = 'open' or is_fixed_since_last_run
    group by team_name
)

select * from final
