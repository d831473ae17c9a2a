-- One row per rule and night the rules ran (every rule that has ever fired, on every tracked night): the
-- findings open that night, first seen that night and fixed that night. Made from the tracking history
-- (first seen, last seen, fixed), so a rule's trend can be read across nights without keeping a copy of
-- every night's findings. A finding fixed and seen again restarts from the night it reappeared (the
-- history keeps one span per finding), so the nights of its first span count it as open from then on.

with

nights as (
    select extract_id, night from {{ ref('data_quality_nights') }}
),

history as (
    select * from {{ ref('data_quality_finding_history') }}
),

rules as (
    select rule_code, severity, finding_kind from {{ ref('data_quality_rules') }}
),

fired as (
    select distinct rule_code from history
),

rule_nights as (
    select
        fired.rule_code,
        nights.extract_id,
        nights.night
    from fired
    cross join nights
),

counts as (
    select
        rule_nights.rule_code,
        rule_nights.extract_id,
        cast(sum(case when history.first_seen_night <= rule_nights.night
            and history.last_seen_night >= rule_nights.night then 1 else 0 end) as integer) as open_findings,
        cast(sum(case when history.first_seen_night = rule_nights.night then 1 else 0 end) as integer)
            as new_findings,
        cast(sum(case when history.fixed_night = rule_nights.night then 1 else 0 end) as integer) as fixed_findings
    from rule_nights
    left join history
        on rule_nights.rule_code = history.rule_code
    group by rule_nights.rule_code, rule_nights.extract_id
),

final as (
    select
        rule_nights.rule_code,
        rules.severity,
        rules.finding_kind,
        rule_nights.extract_id,
        rule_nights.night,
        coalesce(counts.open_findings, 0) as open_findings,
        coalesce(counts.new_findings, 0) as new_findings,
        coalesce(counts.fixed_findings, 0) as fixed_findings
    from rule_nights
    left join counts
        on rule_nights.rule_code = counts.rule_code
        and rule_nights.extract_id = counts.extract_id
    left join rules
        on rule_nights.rule_code = rules.rule_code
)

select * from final
