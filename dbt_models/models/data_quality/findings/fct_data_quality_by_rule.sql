-- One row per data-quality rule (every rule in the data_quality_rules seed, firing or not): tonight's
-- open findings and children, new since the last run, fixed since the last run, and the oldest open.
-- finding_kind says whether they are on the worklist (recording_error) or performance (practice_fact).

with

rules as (
    select * from {{ ref('data_quality_rules') }}
),

findings as (
    select * from {{ ref('fct_data_quality_findings') }}
),

counts as (
    select
        rule_code,
        cast(sum(case when status = 'open' then 1 else 0 end) as integer) as open_findings,
        count(distinct case when status = 'open' then person_id end) as children,
        cast(sum(case when is_new_since_last_run then 1 else 0 end) as integer) as new_since_last_run,
        cast(sum(case when is_fixed_since_last_run then 1 else 0 end) as integer) as fixed_since_last_run,
        max(case when status = 'open' then days_open end) as oldest_open_days
    from findings
    group by rule_code
),

final as (
    select
        rules.rule_code,
        rules.family,
        rules.origin,
        rules.severity,
        rules.finding_kind,
        rules.message,
        rules.fields,
        rules.responsible_role,
        coalesce(counts.open_findings, 0) as open_findings,
        coalesce(counts.children, 0) as children,
        coalesce(counts.new_since_last_run, 0) as new_since_last_run,
        coalesce(counts.fixed_since_last_run, 0) as fixed_since_last_run,
        counts.oldest_open_days
    from rules
    left join counts
        on rules.rule_code = counts.rule_code
)

select * from final
