-- One row per person with an adoption decision: their latest permanence record that has one. The SSD
-- may key permanence records by the legacy person id (a known Liquid Logic trap), so records are matched
-- to persons on either id.

with

records as (
    select * from {{ ref('stg_ssd__permanence_records') }}
    where adoption_decision_date is not null
),

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

matched as (
    select
        persons.person_id,
        persons.date_of_birth,
        records.*  exclude (person_id),
        row_number() over (
            partition by persons.person_id order by records.adoption_decision_date desc, records.permanence_id desc
        ) as recency
    from records
    inner join persons
        on records.person_id = persons.person_id
        or (persons.legacy_person_id is not null and records.person_id = persons.legacy_person_id)
)

select * exclude (recency) from matched
where recency = 1
