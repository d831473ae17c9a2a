with

statuses as (
    select person_id, min(start_date) as first_uasc_date
    from {{ ref('stg_ssd__immigration_statuses') }}
    where immigration_status_code = 'UASC'
    group by person_id
),

persons as (
    select person_id, date_of_birth from {{ ref('int_persons_resolved') }}
),

final as (
    select
        statuses.person_id,
        statuses.first_uasc_date as start_date,
        {{ years_after(18, 'persons.date_of_birth') }} as end_date
    from statuses
    inner join persons
        on statuses.person_id = persons.person_id
)

select * from final
