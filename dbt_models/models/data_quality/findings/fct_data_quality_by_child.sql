-- One row per child checked tonight: every child in a checked year's return (looked after or a care
-- leaver) and anyone else with an open finding, with their open recording errors (the worklist) by
-- severity, their open practice facts (performance, not correctable) and who is responsible. Children
-- with nothing to correct are kept (with zeros) so the worklist can show how many were checked and hide
-- them.

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
),

returned as (
    select distinct header.child as person_id
    from {{ ref('int_ssda903_return_header') }} as header
    inner join years
        on header.collection_year = years.collection_year
),

findings as (
    select * from {{ ref('fct_data_quality_findings') }}
    where status = 'open'
),

children as (
    select person_id from returned
    union
    select person_id from findings where person_id is not null
),

counts as (
    select
        person_id,
        cast(sum(case when finding_kind = 'recording_error' then 1 else 0 end) as integer) as open_findings,
        cast(sum(case when finding_kind = 'recording_error' and severity = 'error' then 1 else 0 end) as integer)
            as open_errors,
        cast(sum(case when finding_kind = 'recording_error' and severity = 'warning' then 1 else 0 end) as integer)
            as open_warnings,
        cast(sum(case when finding_kind = 'recording_error' and severity = 'advice' then 1 else 0 end) as integer)
            as open_advice,
        cast(sum(case when finding_kind = 'recording_error' and is_new_since_last_run then 1 else 0 end) as integer)
            as new_since_last_run,
        max(case when finding_kind = 'recording_error' then days_open end) as oldest_open_days,
        cast(sum(case when finding_kind = 'practice_fact' then 1 else 0 end) as integer) as open_practice_facts
    from findings
    group by person_id
),

persons as (
    select * from {{ ref('stg_ssd__persons') }}
),

workers as (
    select * from {{ ref('int_quality_responsible_workers') }}
    where responsible_role = 'social_worker'
),

final as (
    select
        children.person_id,
        trim(coalesce(persons.forename, '') || ' ' || coalesce(persons.surname, '')) as child_name,
        returned.person_id is not null as in_checked_return,
        coalesce(workers.team_name, 'Not allocated') as team_name,
        coalesce(workers.worker_name, 'Not allocated') as worker_name,
        coalesce(counts.open_findings, 0) as open_findings,
        coalesce(counts.open_errors, 0) as open_errors,
        coalesce(counts.open_warnings, 0) as open_warnings,
        coalesce(counts.open_advice, 0) as open_advice,
        coalesce(counts.new_since_last_run, 0) as new_since_last_run,
        counts.oldest_open_days,
        coalesce(counts.open_practice_facts, 0) as open_practice_facts
    from children
    left join returned
        on children.person_id = returned.person_id
    left join counts
        on children.person_id = counts.person_id
    left join persons
        on children.person_id = persons.person_id
    left join workers
        on children.person_id = workers.person_id
)

select * from final
