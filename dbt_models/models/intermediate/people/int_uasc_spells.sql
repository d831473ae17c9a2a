-- One row per spell of a person's immigration status that means unaccompanied asylum-seeking child
-- (which local values mean UASC is the immigration_status mapping). UASC status ends at 18 at the latest
-- (rule 304), so the spell's end is the recorded end or the 18th birthday, whichever is first.

with

statuses as (
    select * from {{ ref('stg_ssd__immigration_statuses') }}
    where immigration_status_code = 'UASC'
),

persons as (
    select person_id, date_of_birth from {{ ref('int_persons_resolved') }}
),

final as (
    select
        statuses.immigration_status_id,
        statuses.person_id,
        statuses.start_date,
        case
            when statuses.end_date is null then eighteenth_birthday
            when eighteenth_birthday is null then statuses.end_date
            when statuses.end_date < eighteenth_birthday then statuses.end_date
            else eighteenth_birthday
        end as end_date
    from statuses
    left join (
        select person_id, cast({{ dbt.dateadd('year', 18, 'date_of_birth') }} as date) as eighteenth_birthday
        from persons
    ) as persons
        on statuses.person_id = persons.person_id
)

select * from final
