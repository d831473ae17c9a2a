with

records as (
    select * from {{ ref('stg_ssd__permanence_records') }}
    where adoption_decision_date is not null
),

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

-- The two ids are matched in two equi-joins rather than one join on "a or b", which DuckDB can only run as
-- a nested loop over every person and record (quadratic in the size of the council). A record keyed by
-- a person's own id is taken from the first; the second adds those keyed by the legacy id only when it
-- differs from the person's id, so no pair is counted twice.
candidates as (
    select persons.person_id, persons.date_of_birth, records.* exclude (person_id)
    from records
    inner join persons
        on records.person_id = persons.person_id
    union all
    select persons.person_id, persons.date_of_birth, records.* exclude (person_id)
    from records
    inner join persons
        on records.person_id = persons.legacy_person_id
    where persons.legacy_person_id <> persons.person_id
),

matched as (
    select
        *,
        row_number() over (
            partition by person_id order by adoption_decision_date desc, permanence_id desc
        ) as recency
    from candidates
)

select * exclude (recency) from matched
where recency = 1
